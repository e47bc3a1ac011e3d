"""kube-controller-manager's node IPAM controller with the range allocator: a pod CIDR per Node.

Mirrors pkg/controller/nodeipam/ipam (``--allocate-node-cidrs=true``, ``--cluster-cidr``,
``--node-cidr-mask-size``): ``CidrSet`` is cidrset.CidrSet — the cluster CIDR cut into blocks of the
node mask (a /16 into 256 /24s), a bitmap of the used ones and a ``next_candidate`` that moves on
after every allocation, so a released block is handed out again only once the scan wraps round to
it; blocks of the service CIDR that overlap the cluster CIDR are occupied up front
(filterOutServiceRange). ``NodeIpamController`` is rangeAllocator: built from the Nodes in the store
(each node's podCIDRs occupied, as NewCIDRRangeAllocator does with the initial node list), then kept
current from Node events — a Node with podCIDRs occupies them, a deleted Node releases them, a Node
without one is reconciled: the next free block is patched into ``spec.podCIDR``/``podCIDRs``, or, when
the range is exhausted, the Normal event ``CIDRNotAvailable`` ("Node <name> status is now:
CIDRNotAvailable", source ``cidrAllocator``) is recorded on the Node and the key retried with the
controller rate limiter's backoff (and on the Node's next update), as the real workqueue does — so a
node that joined a full range gets the block a removed node frees.

State: in memory only, like the real controller's (nothing here is an API object); one allocation
order from one sequence of store events, so a replay gives the same CIDRs. Everything is O(1) per
Node event except the bit scan of ``allocate_next`` (word operations on one integer).

Hands off: ``bootstrap.add_node`` asks ``allocate_next`` for the CIDR of a joining machine, since our
kubelet registers its Node with the block already filled in (the real registration and the
allocator's patch, folded into one write); flannel and the kubelet read ``spec.podCIDR``.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from ..store import Key, Obj, WatchEvent
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

NAME = "node-ipam-controller"
#: kube-controller-manager's --node-cidr-mask-size default for IPv4 (kubeadm leaves it)
NODE_CIDR_MASK = 24
CIDR_NOT_AVAILABLE = "CIDRNotAvailable"


class CidrSet:
    """cidrset.CidrSet for one IPv4 cluster CIDR: blocks of ``node_mask`` bits, allocated in turn."""

    __slots__ = ("network", "node_mask", "max_cidrs", "allocated", "next_candidate", "used")

    def __init__(self, cluster_cidr: str, node_mask: int = NODE_CIDR_MASK) -> None:
        self.network = ipaddress.IPv4Network(cluster_cidr)
        if node_mask < self.network.prefixlen or node_mask > 32:
            raise ValueError(f"node CIDR mask /{node_mask} does not fit in {cluster_cidr}")
        self.node_mask = node_mask
        self.max_cidrs = 1 << (node_mask - self.network.prefixlen)
        self.allocated = 0
        self.next_candidate = 0
        #: bit i set: block i is in use (big.Int in the real one)
        self.used = 0

    def cidr(self, index: int) -> str:
        """indexToCIDRBlock: the ``index``-th block, as ``a.b.c.d/m``."""
        base = int(self.network.network_address) | (index << (32 - self.node_mask))
        return f"{ipaddress.IPv4Address(base)}/{self.node_mask}"

    def allocate_next(self) -> str | None:
        """AllocateNext: the first free block from ``next_candidate`` on (wrapping), or None when every
        block is taken (ErrCIDRRangeNoCIDRsRemaining)."""
        if self.allocated == self.max_cidrs:
            return None
        free = ~self.used & ((1 << self.max_cidrs) - 1)
        above = free >> self.next_candidate
        candidate = (self.next_candidate + _lowest_bit(above)) if above else _lowest_bit(free)
        self.next_candidate = (candidate + 1) % self.max_cidrs
        self.used |= 1 << candidate
        self.allocated += 1
        return self.cidr(candidate)

    def _range(self, cidr: str) -> tuple[int, int] | None:
        """getBeginningAndEndIndices: the blocks ``cidr`` covers, or None when it lies outside."""
        net = ipaddress.ip_network(cidr, strict=False)
        if not isinstance(net, ipaddress.IPv4Network) or not net.overlaps(self.network):
            return None
        start = max(int(net.network_address), int(self.network.network_address))
        end = min(int(net.broadcast_address), int(self.network.broadcast_address))
        base, shift = int(self.network.network_address), 32 - self.node_mask
        return (start - base) >> shift, (end - base) >> shift

    def occupy(self, cidr: str) -> bool:
        """Occupy: mark the blocks of ``cidr`` used (already used ones stay counted once); False when
        ``cidr`` is not in the cluster CIDR (the real one logs the error and goes on)."""
        span = self._range(cidr)
        if span is None:
            return False
        bits = ((1 << (span[1] - span[0] + 1)) - 1) << span[0]
        self.allocated += (bits & ~self.used).bit_count()
        self.used |= bits
        return True

    def release(self, cidr: str) -> None:
        """Release: the blocks of ``cidr`` are free again (``next_candidate`` does not move back)."""
        span = self._range(cidr)
        if span is None:
            return
        bits = ((1 << (span[1] - span[0] + 1)) - 1) << span[0]
        self.allocated -= (bits & self.used).bit_count()
        self.used &= ~bits

    def state(self) -> tuple[int, int, int]:
        """(used bitmap, allocated count, next candidate): what decides every later answer."""
        return self.used, self.allocated, self.next_candidate


def _lowest_bit(x: int) -> int:
    return (x & -x).bit_length() - 1


def pod_cidrs(node: Obj) -> list[str]:
    spec = node.get("spec") or {}
    return list(spec.get("podCIDRs") or ([spec["podCIDR"]] if spec.get("podCIDR") else []))


class NodeIpamController(Controller):
    """rangeAllocator: a pod CIDR for every Node, released when the Node goes."""

    name = NAME
    watches = ("Node",)

    def __init__(self, cluster: Cluster, cluster_cidr: str, node_mask: int = NODE_CIDR_MASK,
                 service_cidr: str | None = None) -> None:
        super().__init__(cluster)
        self.cidrs = CidrSet(cluster_cidr, node_mask)
        if service_cidr is not None:
            self.cidrs.occupy(service_cidr)  # filterOutServiceRange (a no-op unless they overlap)
        for node in self.store.scan("Node"):  # the initial node list
            if not self._occupy(node):
                self.enqueue(("Node", "", node["metadata"]["name"]))

    def _occupy(self, node: Obj) -> bool:
        cidrs = pod_cidrs(node)
        for cidr in cidrs:
            self.cidrs.occupy(cidr)
        return bool(cidrs)

    def allocate_next(self) -> str | None:
        """The block for a Node about to be registered with it (``bootstrap.add_node``)."""
        return self.cidrs.allocate_next()

    def on_event(self, event: WatchEvent) -> None:
        node = event.obj
        if event.type == "DELETED":
            for cidr in pod_cidrs(node):  # ReleaseCIDR, from the delete handler itself
                self.cidrs.release(cidr)
            self.forget(event.key)
        elif not self._occupy(node):
            self.enqueue(event.key)

    def reconcile(self, key: Key) -> None:
        node = self.store.peek(*key)
        if node is None or pod_cidrs(node):
            self.forget(key)
            return
        cidr = self.cidrs.allocate_next()
        if cidr is None:
            name = node["metadata"]["name"]
            self.recorder.event(node, "Normal", CIDR_NOT_AVAILABLE,
                                f"Node {name} status is now: {CIDR_NOT_AVAILABLE}", "cidrAllocator")
            self.requeue_rate_limited(key)
            return
        self.forget(key)
        # PatchNodeCIDRs: podCIDR and podCIDRs, nothing else of the Node
        self.store.update(dict(node, spec=dict(node.get("spec") or {}, podCIDR=cidr, podCIDRs=[cidr])),
                          owned=True)


__all__ = ["CIDR_NOT_AVAILABLE", "NAME", "NODE_CIDR_MASK", "CidrSet", "NodeIpamController", "pod_cidrs"]
