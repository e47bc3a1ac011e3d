"""NetworkPolicy (networking.k8s.io/v1) enforced in the traffic model, as Calico enforces it.

Owns: ``allowed(cluster, src, dst, port, protocol) -> bool`` — whether a new connection (or an
ICMP echo, ``protocol="ICMP"``) from one endpoint to another passes the policies of both ends:
the source pod's egress (when a policy with ``Egress`` in its policyTypes selects it) and the
destination pod's ingress (when one with ``Ingress`` selects it). The semantics are the API's
(``pkg/apis/networking/types.go`` and the NetworkPolicy concept page):

- a pod is isolated for a direction once any policy of its namespace selects it for that
  direction; unselected pods allow everything (policyTypes default to ``[Ingress]`` plus
  ``Egress`` when the policy has egress rules, as ``SetDefaults_NetworkPolicy`` does);
- an isolated pod's traffic is allowed when any rule of any policy selecting it matches: a rule
  without ``from``/``to`` matches every peer, one without ``ports`` every port; a peer is a
  ``podSelector`` (the policy's namespace), a ``namespaceSelector`` (every pod of the matching
  namespaces; both in one peer AND together), or an ``ipBlock`` (cidr minus ``except``);
- ports match protocol (default TCP), number or name (a named port resolves against the
  destination pod's containerPorts), and ``endPort`` ranges;
- the node a pod runs on can always reach it (kubelet probes), as the concept page requires;
- policies apply after kube-proxy's DNAT: a connection to a Service is judged against the
  endpoint pod and its target port, and an ingress rule sees the client address kube-proxy
  left (a pod keeps its own; NodePort traffic arrives SNATed to a node's address).

A denied connection is dropped, not rejected: the client waits until its timeout (busybox
``wget: download timed out``, curl's exit 28), as Calico's DROP rules behave. DNS lookups of an
egress-isolated pod need a rule allowing UDP 53 to kube-dns (``dns_allowed``).

Why enforce at all: the kubeadm lab's CNI is flannel, which on a real cluster ignores
NetworkPolicy objects. Issue 8 asks for the "Declare Network Policy" tutorial to behave as it
does on a cluster whose CNI enforces policies (Calico, Cilium, kindnet since 1.29), so kubeplay's
pod network enforces them as Calico would — a deliberate departure from flannel, written here.

Hands off: ``proxy.route``/``proxy.reachable`` call ``allowed`` for every connection that reaches
a pod or leaves one; ``dns.lookup`` calls ``dns_allowed``. Pure reads of the store, no randomness.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..store import Obj, WatchEvent, matches_selector

if TYPE_CHECKING:
    from ..cluster import Cluster


@dataclass(frozen=True)
class End:
    """One end of a connection: a pod (``pod`` is its object) or a bare address (a node, the
    workstation, the outside world)."""

    ip: str
    pod: Obj | None = None
    #: the name of the node that is this end (a node's own network namespace)
    node: str | None = None


def policy_types(policy: Obj) -> list[str]:
    """``spec.policyTypes``, or its default (``SetDefaults_NetworkPolicy``)."""
    spec = policy.get("spec") or {}
    types = spec.get("policyTypes")
    if types:
        return list(types)
    return ["Ingress", "Egress"] if spec.get("egress") else ["Ingress"]


class _Index:
    """The live NetworkPolicies per namespace with their policy types, kept current from the store's
    watch events (a policy event drops its namespace's entry; a gap in the events drops them all),
    so judging a connection does not rescan and re-sort the namespace's policies."""

    def __init__(self, cluster: Cluster) -> None:
        self.store = cluster.store
        self.by_ns: dict[str, list[tuple[Obj, tuple[str, ...], dict]]] = {}
        self.base_rv, self.events = self.store.rv, 0
        self.store.subscribe(self._on_event)

    def _on_event(self, event: WatchEvent) -> None:
        self.events += 1
        if event.obj.get("kind") == "NetworkPolicy":
            self.by_ns.pop(event.obj["metadata"].get("namespace") or "", None)

    def policies(self, ns: str) -> list[tuple[Obj, tuple[str, ...], dict]]:
        if self.base_rv + self.events != self.store.rv:  # events we did not see: start over
            self.by_ns.clear()
            self.base_rv, self.events = self.store.rv, 0
        hit = self.by_ns.get(ns)
        if hit is None:
            hit = []
            for policy in self.store.scan("NetworkPolicy", ns):
                if policy["metadata"].get("deletionTimestamp"):
                    continue
                selector = (policy.get("spec") or {}).get("podSelector")
                hit.append((policy, tuple(policy_types(policy)), selector if selector is not None else {}))
            self.by_ns[ns] = hit
        return hit


def _index(cluster: Cluster) -> _Index:
    index: _Index | None = getattr(cluster, "_netpol_index", None)
    if index is None or index.store is not cluster.store:
        index = _Index(cluster)
        cluster._netpol_index = index  # type: ignore[attr-defined]
    return index


def _selecting(cluster: Cluster, pod: Obj, direction: str) -> list[Obj]:
    meta = pod["metadata"]
    labels = meta.get("labels") or {}
    return [policy for policy, types, selector in _index(cluster).policies(meta.get("namespace") or "")
            if direction in types and matches_selector(labels, selector)]


def isolated(cluster: Cluster, pod: Obj, direction: str) -> bool:
    """Whether any policy selects ``pod`` for ``direction`` ("Ingress" or "Egress")."""
    return bool(_selecting(cluster, pod, direction))


def _in_block(ip: str, block: dict) -> bool:
    try:
        addr = ipaddress.ip_address(ip)
        if addr not in ipaddress.ip_network(block.get("cidr") or "", strict=False):
            return False
        return not any(addr in ipaddress.ip_network(e, strict=False) for e in block.get("except") or [])
    except ValueError:
        return False


def _peer_matches(cluster: Cluster, peer: dict, policy_ns: str, other: End) -> bool:
    if "ipBlock" in peer and peer["ipBlock"] is not None:
        return _in_block(other.ip, peer["ipBlock"])
    pod = other.pod
    if pod is None:
        return False  # pod and namespace selectors select pods only
    pod_ns = pod["metadata"].get("namespace") or ""
    ns_sel = peer.get("namespaceSelector")
    pod_sel = peer.get("podSelector")
    if ns_sel is not None:
        ns_obj = cluster.store.peek("Namespace", "", pod_ns)
        ns_labels = dict(((ns_obj or {}).get("metadata") or {}).get("labels") or {})
        ns_labels.setdefault("kubernetes.io/metadata.name", pod_ns)
        if not matches_selector(ns_labels, ns_sel):
            return False
    elif pod_ns != policy_ns:
        return False
    return pod_sel is None or matches_selector(pod["metadata"].get("labels") or {}, pod_sel)


def _named_port(pod: Obj | None, name: str, protocol: str) -> int | None:
    for c in ((pod or {}).get("spec") or {}).get("containers") or []:
        for p in c.get("ports") or []:
            if p.get("name") == name and (p.get("protocol") or "TCP") == protocol:
                return int(p.get("containerPort") or 0)
    return None


def _port_matches(rule_ports: list | None, port: int, protocol: str, dst: End) -> bool:
    if not rule_ports:
        return True
    if protocol == "ICMP":
        return False  # a rule with ports speaks of TCP/UDP/SCTP only
    for p in rule_ports:
        if (p.get("protocol") or "TCP") != protocol:
            continue
        want = p.get("port")
        if want is None:
            return True
        if isinstance(want, str) and not want.isdigit():
            num = _named_port(dst.pod, want, protocol)
            if num is not None and num == port:
                return True
            continue
        lo = int(want)
        hi = int(p.get("endPort") or lo)
        if lo <= port <= hi:
            return True
    return False


def _rules_allow(cluster: Cluster, policies: list[Obj], direction: str, other: End, port: int, protocol: str,
                 dst: End) -> bool:
    field_name, peers_name = ("ingress", "from") if direction == "Ingress" else ("egress", "to")
    for policy in policies:
        ns = policy["metadata"].get("namespace") or ""
        for rule in (policy.get("spec") or {}).get(field_name) or []:
            rule = rule or {}
            if not _port_matches(rule.get("ports"), port, protocol, dst):
                continue
            peers = rule.get(peers_name)
            if not peers or any(_peer_matches(cluster, peer or {}, ns, other) for peer in peers):
                return True
    return False


def _node_of(pod: Obj | None) -> str | None:
    return ((pod or {}).get("spec") or {}).get("nodeName")


def _host_network(pod: Obj | None) -> bool:
    return bool(((pod or {}).get("spec") or {}).get("hostNetwork"))


def egress_allowed(cluster: Cluster, src_pod: Obj, dst: End, port: int, protocol: str = "TCP") -> bool:
    """The source pod's egress policies: may it open this connection?"""
    if _host_network(src_pod):
        return True
    policies = _selecting(cluster, src_pod, "Egress")
    return not policies or _rules_allow(cluster, policies, "Egress", dst, port, protocol, dst)


def ingress_allowed(cluster: Cluster, client: End, dst: End, port: int, protocol: str = "TCP") -> bool:
    """The destination pod's ingress policies, for a client as the pod sees it (after SNAT)."""
    if dst.pod is None or _host_network(dst.pod):
        return True
    if client.node is not None and client.node == _node_of(dst.pod):
        return True  # the pod's own node (kubelet probes) is always allowed
    policies = _selecting(cluster, dst.pod, "Ingress")
    return not policies or _rules_allow(cluster, policies, "Ingress", client, port, protocol, dst)


def isolating(cluster: Cluster, pod: Obj, direction: str) -> list[str]:
    """``namespace/name`` of the policies that isolate ``pod`` for ``direction`` (what dropped a
    denied connection, for the page and the traffic log)."""
    return [f"{p['metadata'].get('namespace')}/{p['metadata']['name']}" for p in _selecting(cluster, pod, direction)]


def allowed(cluster: Cluster, src: End, dst: End, port: int, protocol: str = "TCP") -> bool:
    """Whether a connection from ``src`` to ``dst:port`` passes the policies of both ends
    (no address translation in between)."""
    if src.pod is not None and not egress_allowed(cluster, src.pod, dst, port, protocol):
        return False
    return ingress_allowed(cluster, src, dst, port, protocol)


def dns_allowed(cluster: Cluster, pod: Obj) -> bool:
    """Whether ``pod`` can reach the cluster DNS (UDP 53 to one of kube-dns's ready endpoints):
    an egress-isolated pod needs a rule for it, and CoreDNS's own ingress must allow it."""
    if _host_network(pod) or not _selecting(cluster, pod, "Egress") and not _any_ingress_on_dns(cluster):
        return True
    from . import proxy

    src = End(((pod.get("status") or {}).get("podIP") or ""), pod)
    for ep in proxy.service_endpoints(cluster, "kube-system", "kube-dns"):
        if not ep.ready:
            continue
        target = cluster.store.peek("Pod", *ep.pod) if ep.pod else None
        port = ep.ports.get("dns", (53, "UDP"))[0]
        if allowed(cluster, src, End(ep.ip, target), port, "UDP"):
            return True
    return False


def _any_ingress_on_dns(cluster: Cluster) -> bool:
    return any("Ingress" in types for _p, types, _s in _index(cluster).policies("kube-system"))
