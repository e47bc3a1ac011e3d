"""The control plane's Leases in ``kube-system``, as a v1.32 kubeadm control-plane node holds them.

Owns: the leader-election Leases of kube-controller-manager and kube-scheduler (client-go
leaderelection with LeaseLock: ``holderIdentity`` ``<hostname>_<uuid>``, ``leaseDurationSeconds`` 15,
``acquireTime``, ``renewTime`` renewed every retryPeriod, 2 s, ``leaseTransitions``) and the kube-apiserver
identity Lease (controlplane APIServerIdentity: name ``apiserver-<base32(sha256(hostname)[:16])>``,
labels ``apiserver.kubernetes.io/identity: kube-apiserver`` and ``kubernetes.io/hostname``, holder
``<name>_<uuid>``, ``leaseDurationSeconds`` 3600, renewed every 10 s). Renewals stop while the
control-plane machine is down; when it is back, each component starts with a new identity: an expired
leader-election Lease is taken over (``leaseTransitions`` + 1, a new ``acquireTime``), the identity Lease
gets the new holder.

Uids (the Leases' and the components' process uuids) are derived from the control-plane Node's uid, so creating these
draws nothing from the seeded RNG. Hands off: nothing reads these Leases in the simulation (the
controllers are not really elected); they are there for ``kubectl get leases -n kube-system``.
"""

from __future__ import annotations

import base64
import hashlib

from ..clock import micro_time, parse_time
from ..store import Key, WatchEvent
from . import Controller
from .namespace import derived_uid

NAMESPACE = "kube-system"
CONTROL_PLANE_LABEL = "node-role.kubernetes.io/control-plane"
#: leaderelection: LeaseDuration 15s, RenewDeadline 10s, RetryPeriod 2s (component-base defaults)
ELECTION_LEASE_SECONDS = 15
RETRY_PERIOD = 2.0
ELECTED = ("kube-controller-manager", "kube-scheduler")
#: controlplane IdentityLeaseDurationSeconds and IdentityLeaseRenewIntervalPeriod
IDENTITY_LEASE_SECONDS = 3600
IDENTITY_RENEW = 10.0
IDENTITY_LABEL = "apiserver.kubernetes.io/identity"


def apiserver_id(hostname: str) -> str:
    """APIServerID: ``apiserver-`` + lower-case unpadded base32 of the first 16 bytes of sha256(hostname)."""
    digest = hashlib.sha256(hostname.encode()).digest()[:16]
    return "apiserver-" + base64.b32encode(digest).decode().rstrip("=").lower()


class ControlPlaneLeases(Controller):
    name = "control-plane-leases"
    watches = ("Node",)

    def __init__(self, cluster) -> None:  # type: ignore[no-untyped-def]
        super().__init__(cluster)
        #: control-plane node -> how many times its components have started (the process generation)
        self._started: dict[str, int] = {}
        self._was_up: dict[str, bool] = {}

    def start(self) -> None:
        for node in self.store.scan("Node"):
            self.on_event(WatchEvent("ADDED", 0, node))

    def on_event(self, event: WatchEvent) -> None:
        node = event.obj
        if event.type == "DELETED" or CONTROL_PLANE_LABEL not in (node["metadata"].get("labels") or {}):
            return
        name = node["metadata"]["name"]
        if name not in self._started:
            self._started[name] = 0
            self._was_up[name] = True
            self.enqueue(("Node", "", name))
            self._tick(name, RETRY_PERIOD, self._renew_elected)
            self._tick(name, IDENTITY_RENEW, self._renew_identity)

    def _tick(self, node: str, period: float, fn) -> None:  # type: ignore[no-untyped-def]
        def beat() -> None:
            if node in self._started and self.store.peek("Node", "", node) is not None:
                fn(node)
                self.clock.call_later(period, beat)
            else:
                self._started.pop(node, None)

        self.clock.call_later(period, beat)

    def _up(self, node: str) -> bool:
        machine = getattr(self.cluster, "machines", {}).get(node)
        up = machine is None or machine.up
        if up and not self._was_up.get(node, True):
            self._started[node] = self._started.get(node, 0) + 1  # the static pods start again: new identities
        self._was_up[node] = up
        return up

    def _identity(self, node: str, component: str) -> str:
        obj = self.store.peek("Node", "", node) or {"metadata": {}}
        generation = self._started.get(node, 0)
        return derived_uid(obj["metadata"].get("uid") or node, f"{component}/{generation}")

    def reconcile(self, key: Key) -> None:
        """Create the Leases a freshly seen control plane holds (dated with its Node)."""
        node = self.store.peek(*key)
        if node is None or self.store.peek("Namespace", "", NAMESPACE) is None:
            return
        name = node["metadata"]["name"]
        created = node["metadata"].get("creationTimestamp") or self.clock.iso()
        acquired = micro_time(parse_time(created) or self.clock.now())
        now = micro_time(self.clock.now())
        for component in ELECTED:
            if self.store.peek("Lease", NAMESPACE, component) is None:
                self.store.create({
                    "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                    "metadata": {"name": component, "namespace": NAMESPACE, "creationTimestamp": created,
                                 "uid": derived_uid(node["metadata"].get("uid") or name, f"lease/{component}")},
                    "spec": {"holderIdentity": f"{name}_{self._identity(name, component)}",
                             "leaseDurationSeconds": ELECTION_LEASE_SECONDS, "acquireTime": acquired,
                             "renewTime": now, "leaseTransitions": 0}})
        ident = apiserver_id(name)
        if self.store.peek("Lease", NAMESPACE, ident) is None:
            self.store.create({
                "apiVersion": "coordination.k8s.io/v1", "kind": "Lease",
                "metadata": {"name": ident, "namespace": NAMESPACE, "creationTimestamp": created,
                             "uid": derived_uid(node["metadata"].get("uid") or name, f"lease/{ident}"),
                             "labels": {IDENTITY_LABEL: "kube-apiserver", "kubernetes.io/hostname": name}},
                "spec": {"holderIdentity": f"{ident}_{self._identity(name, 'kube-apiserver')}",
                         "leaseDurationSeconds": IDENTITY_LEASE_SECONDS, "renewTime": now}})

    def _renew_elected(self, node: str) -> None:
        if not self._up(node):
            return
        now = self.clock.now()
        for component in ELECTED:
            lease = self.store.get("Lease", NAMESPACE, component)
            if lease is None:
                continue
            spec = lease.setdefault("spec", {})
            me = f"{node}_{self._identity(node, component)}"
            if spec.get("holderIdentity") != me:
                renewed = parse_time(spec.get("renewTime")) or 0.0
                if now < renewed + int(spec.get("leaseDurationSeconds") or ELECTION_LEASE_SECONDS):
                    continue  # someone else holds it and it has not expired
                spec.update(holderIdentity=me, acquireTime=micro_time(now),
                            leaseTransitions=int(spec.get("leaseTransitions") or 0) + 1)
            spec["renewTime"] = micro_time(now)
            self.store.update(lease)

    def _renew_identity(self, node: str) -> None:
        if not self._up(node):
            return
        lease = self.store.get("Lease", NAMESPACE, apiserver_id(node))
        if lease is None:
            return
        ident = apiserver_id(node)
        lease["spec"].update(holderIdentity=f"{ident}_{self._identity(node, 'kube-apiserver')}",
                             leaseDurationSeconds=IDENTITY_LEASE_SECONDS, renewTime=micro_time(self.clock.now()))
        self.store.update(lease)
