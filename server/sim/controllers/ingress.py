"""Ingress-nginx's status sync and its ``Sync`` events (internal/ingress/status/status.go, store.go).

Owns: ``status.loadBalancer.ingress`` of the Ingresses of class ``nginx`` while the add-on's
controller runs. The baremetal deployment publishes no Service (no ``--publish-service``), so the
addresses are those of the nodes its running controller pods are on (their InternalIP, as
``runningAddresses`` picks ExternalIP else InternalIP), written on the status ticker
(``UpdateInterval``: every 60 s from the controller's start), which is why ADDRESS appears a while
after ``kubectl apply``. With no controller running the addresses stay as they were (the real
controller only clears them on shutdown with ``--update-status-on-shutdown``; ours are cleared when
the add-on is disabled, as the Ingress class's controller goes away). Each Ingress the controller
sees created or changed gets ``Normal Sync Scheduled for sync`` from ``nginx-ingress-controller``.

Hands off: routing is ``server/sim/net/ingress.py``'s; the add-on's objects are created there.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..clock import parse_time
from ..net.ingress import NAMESPACE as INGRESS_NAMESPACE
from ..store import Key, Obj, WatchEvent
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

COMPONENT = "nginx-ingress-controller"
UPDATE_INTERVAL = 60.0


class IngressStatusController(Controller):
    name = "ingress-nginx-status"
    watches: tuple[str, ...] = ("Ingress", "Pod", "Deployment")

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        #: Ingress uid -> the generation the controller last announced with a Sync event
        self._synced: dict[str, int] = {}

    def on_event(self, event: WatchEvent) -> None:
        kind, ns, _name = event.key
        if kind == "Ingress":
            if event.type == "DELETED":
                self._synced.pop(event.obj["metadata"].get("uid", ""), None)
            else:
                self.enqueue(event.key)
        elif ns == INGRESS_NAMESPACE:
            self._enqueue_all()

    def _enqueue_all(self) -> None:
        from ..net.ingress import ours

        for ing in self.store.scan("Ingress"):
            if ours(ing):
                self.enqueue(("Ingress", ing["metadata"].get("namespace") or "", ing["metadata"]["name"]))

    def _controllers(self) -> list[Obj]:
        """The running, ready controller pods."""
        from ..net.ingress import NAMESPACE

        out = []
        for pod in self.store.scan("Pod", NAMESPACE, selector={"app.kubernetes.io/component": "controller",
                                                               "app.kubernetes.io/name": "ingress-nginx"}):
            status = pod.get("status") or {}
            ready = any(c.get("type") == "Ready" and c.get("status") == "True" for c in status.get("conditions") or [])
            if status.get("phase") == "Running" and ready and not pod["metadata"].get("deletionTimestamp"):
                out.append(pod)
        return out

    def _addresses(self, pods: list[Obj]) -> list[str]:
        ips = set()
        for pod in pods:
            node = self.store.peek("Node", "", (pod.get("spec") or {}).get("nodeName") or "")
            addrs = {a.get("type"): a.get("address") for a in ((node or {}).get("status") or {}).get("addresses") or []}
            ip = addrs.get("ExternalIP") or addrs.get("InternalIP")
            if ip:
                ips.add(ip)
        return sorted(ips)

    def reconcile(self, key: Key) -> None:
        from ..net.ingress import ours

        ing = self.store.peek(*key)
        if ing is None:
            return
        pods = self._controllers()
        if not ours(ing):
            return
        if not pods:
            if not self.store.peek("Deployment", "ingress-nginx", "ingress-nginx-controller"):
                self._set(ing, [])  # the add-on is gone
            return
        uid, gen = ing["metadata"].get("uid", ""), int(ing["metadata"].get("generation") or 1)
        if self._synced.get(uid) != gen:
            self._synced[uid] = gen
            self.recorder.event(ing, "Normal", "Sync", "Scheduled for sync", COMPONENT)
        # the status ticker: every UPDATE_INTERVAL from the oldest controller's start
        started = min(parse_time(p["status"].get("startTime")) or self.clock.now() for p in pods)
        now = self.clock.now()
        elapsed = now - started
        if elapsed < UPDATE_INTERVAL:
            self.requeue_after(key, UPDATE_INTERVAL - elapsed)
            return
        ticks = int(elapsed // UPDATE_INTERVAL)
        last_tick = started + ticks * UPDATE_INTERVAL
        created = parse_time(ing["metadata"].get("creationTimestamp")) or now
        if created > last_tick:
            self.requeue_after(key, last_tick + UPDATE_INTERVAL - now)
            return
        self._set(ing, self._addresses(pods))

    def _set(self, ing: Obj, ips: list[str]) -> None:
        want = {"ingress": [{"ip": ip} for ip in ips]} if ips else {}
        status = ing.get("status") or {}
        if (status.get("loadBalancer") or {}) == want:
            return
        self.api.update_status(dict(ing, status=dict(status, loadBalancer=want)))
