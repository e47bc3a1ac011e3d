"""LoadBalancer Services on a bare cluster, and the switchable simulated address pool.

Owns: ``status.loadBalancer`` of ``type: LoadBalancer`` Services. The lab is a kubeadm cluster
with no cloud controller, so by default nothing ever fills it and EXTERNAL-IP stays
``<pending>``, exactly as on the real lab. A user can switch on a simulated pool — what MetalLB
in layer-2 mode (or ``minikube tunnel``) gives a bare cluster — with
``cluster.set_lb_pool(True, cidr="192.168.56.240/28")``: from then on every pending LoadBalancer
Service gets the lowest free address of the pool (``spec.loadBalancerIP`` honoured when it is in
the pool and free), ``ingress: [{ip, ipMode: VIP}]``, and MetalLB's ``IPAllocated`` event
(``Assigned IP ["192.168.56.240"]``). Switching the pool off assigns nothing new; addresses
already given stay until their Service is deleted or stops being a LoadBalancer (then the
status is cleared). The pool's addresses live on the workstation's network (192.168.56.0/24), so
``curl LB_IP:PORT`` from the host reaches them (routing is ``server/sim/net/proxy.py``'s).

Which pool addresses are taken is read from the Services in the store, so replay is exact.

Hands off: the pool switch is a cluster operation (``Cluster.set_lb_pool``), recorded by the
sandbox's op log like other infrastructure changes.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from ..store import Key, Obj, WatchEvent
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

DEFAULT_POOL = "192.168.56.240/28"
COMPONENT = "metallb-controller"


def lb_ips(svc: Obj) -> list[str]:
    return [i["ip"] for i in ((svc.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []
            if i.get("ip")]


class LoadBalancerController(Controller):
    name = "loadbalancer-controller"
    watches = ("Service",)

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.pool: ipaddress.IPv4Network | None = None

    def start(self) -> None:
        for svc in self.store.scan("Service", where=lambda s: (s.get("spec") or {}).get("type") == "LoadBalancer"):
            self.enqueue(("Service", svc["metadata"].get("namespace") or "", svc["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        if event.type != "DELETED":
            self.enqueue(event.key)

    def set_pool(self, enabled: bool, cidr: str = DEFAULT_POOL) -> None:
        self.pool = ipaddress.ip_network(cidr, strict=False) if enabled else None  # type: ignore[assignment]
        if enabled:
            self.start()

    def reconcile(self, key: Key) -> None:
        svc = self.store.peek(*key)
        if svc is None:
            return
        spec = svc.get("spec") or {}
        have = lb_ips(svc)
        if spec.get("type") != "LoadBalancer":
            if have:
                self._set(svc, None)
            return
        if have or self.pool is None:
            return
        ip = self._pick(spec.get("loadBalancerIP"))
        if ip is None:
            self.recorder.event(svc, "Warning", "AllocationFailed",
                                f"Failed to allocate IP for \"{key[1]}/{key[2]}\": no available IPs", COMPONENT)
            return
        self._set(svc, ip)
        self.recorder.event(svc, "Normal", "IPAllocated", f'Assigned IP ["{ip}"]', COMPONENT)

    def _pick(self, wanted: str | None) -> str | None:
        assert self.pool is not None
        taken = {ip for s in self.store.scan("Service", where=lambda s: (s.get("spec") or {}).get("type")
                                             == "LoadBalancer") for ip in lb_ips(s)}
        if wanted:
            try:
                ok = ipaddress.ip_address(wanted) in self.pool
            except ValueError:
                ok = False
            return wanted if ok and wanted not in taken else None
        for addr in self.pool:
            if str(addr) not in taken:
                return str(addr)
        return None

    def _set(self, svc: Obj, ip: str | None) -> None:
        status = dict(svc.get("status") or {})
        status["loadBalancer"] = {"ingress": [{"ip": ip, "ipMode": "VIP"}]} if ip else {}
        self.api.update_status(dict(svc, status=status))
