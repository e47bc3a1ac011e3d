"""The Endpoints controller (``pkg/controller/endpoint``): which pods stand behind each Service.

Owns: one ``Endpoints`` object per Service that has a selector, named like the Service, listing
the selected pods that have an IP and are not terminal: Ready ones in ``addresses``, the others in
``notReadyAddresses`` (all in ``addresses`` with ``publishNotReadyAddresses``), each with its
``ip``, ``nodeName`` and ``targetRef``; ports resolved from each service port's ``targetPort``, by
number or by the pod's named container port (a pod without that named port is left out of that
port); subsets packed by identical port sets; pods being deleted are dropped; at most 1000
addresses, then the ``endpoints.kubernetes.io/over-capacity: truncated`` annotation. Services
without a selector are left alone, so hand-made Endpoints (the ``svc-headless`` lesson) stay as
written. When a Service goes, its Endpoints go.

Work is proportional to change: ``SelectorIndex`` maps a pod's labels to the Services that may
select it (services indexed by one selector pair), and pod events that change nothing the
Endpoints show (most kubelet status writes) are dropped before they enqueue anything.

Hands off: the EndpointSlice controller (``endpointslice.py``) shares ``SelectorIndex`` and
``pod_view``; kube-proxy/DNS (``server/sim/net``) read Endpoints/EndpointSlices from the store.
"""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING, Any

from ..store import Key, Obj, WatchEvent, matches_selector
from . import Controller

if TYPE_CHECKING:
    from ..cluster import Cluster

MAX_ADDRESSES = 1000
OVER_CAPACITY = "endpoints.kubernetes.io/over-capacity"
TRIGGER_TIME = "endpoints.kubernetes.io/last-change-trigger-time"
HEADLESS_LABEL = "service.kubernetes.io/headless"


def pod_ready(pod: Obj) -> bool:
    return any(c.get("type") == "Ready" and c.get("status") == "True"
               for c in (pod.get("status") or {}).get("conditions") or [])


def pod_view(pod: Obj) -> tuple[Any, ...]:
    """What of a pod the endpoint controllers show: a pod event that leaves this unchanged needs no sync.
    (The Endpoints and EndpointSlice controllers ask in turn about each event's pod: a stored object
    never changes, so the last answer is kept for the same object.)"""
    global _last_view
    last = _last_view  # one tuple, replaced whole: sandboxes in other threads read a consistent pair
    if last[0] is pod:
        return last[1]
    meta, spec, status = pod["metadata"], pod.get("spec") or {}, pod.get("status") or {}
    view = (tuple(sorted((meta.get("labels") or {}).items())), status.get("podIP"), pod_ready(pod),
            bool(meta.get("deletionTimestamp")), status.get("phase"), spec.get("nodeName"),
            spec.get("hostname"), spec.get("subdomain"), meta.get("uid"))
    _last_view = (pod, view)
    return view


#: (the pod object, its view) last computed by ``pod_view``
_last_view: tuple[Any, Any] = (None, None)


def ip_sort_key(ip: str) -> tuple[int, int, str]:
    try:
        a = ipaddress.ip_address(ip)
        return (a.version, int(a), "")
    except ValueError:
        return (9, 0, ip)


def resolve_target_port(pod: Obj, port: dict) -> int | None:
    """podutil.FindPort: a number as is; a name looked up among the pod's container ports."""
    tp = port.get("targetPort", port.get("port"))
    if isinstance(tp, int):
        return tp
    if isinstance(tp, str) and tp.isdigit():
        return int(tp)
    proto = port.get("protocol") or "TCP"
    for c in (pod.get("spec") or {}).get("containers") or []:
        for cp in c.get("ports") or []:
            if cp.get("name") == tp and (cp.get("protocol") or "TCP") == proto:
                return cp.get("containerPort")
    return None


def include_pod(pod: Obj, *, include_terminating: bool) -> bool:
    """ShouldPodBeInEndpoints: an IP, not terminal, and (for Endpoints) not being deleted."""
    status = pod.get("status") or {}
    if not status.get("podIP"):
        return False
    if status.get("phase") in ("Succeeded", "Failed"):
        return False
    if pod["metadata"].get("deletionTimestamp") and not include_terminating:
        return False
    return True


class SelectorIndex:
    """Services by namespace and one of their selector's pairs, and the Services each pod matched."""

    def __init__(self) -> None:
        self._by_pair: dict[tuple[str, str, str], set[Key]] = {}
        self._everything: dict[str, set[Key]] = {}  # namespace -> services selecting every pod ({} is nil)
        self._pair_of: dict[Key, tuple[str, str, str] | None] = {}
        self._selector: dict[Key, dict] = {}
        self._pod_services: dict[Key, set[Key]] = {}
        self._pod_views: dict[Key, tuple[Any, ...]] = {}

    def service_changed(self, key: Key, svc: Obj | None) -> None:
        old = self._pair_of.pop(key, None)
        if old is not None:
            bucket = self._by_pair.get(old)
            if bucket is not None:
                bucket.discard(key)
                if not bucket:
                    del self._by_pair[old]
        self._everything.get(key[1], set()).discard(key)
        self._selector.pop(key, None)
        sel = ((svc or {}).get("spec") or {}).get("selector")
        if svc is None or not sel:
            return
        k, v = sorted(sel.items())[0]
        pair = (key[1], k, v)
        self._by_pair.setdefault(pair, set()).add(key)
        self._pair_of[key] = pair
        self._selector[key] = sel

    def claim_pods(self, key: Key, pods: list[Obj]) -> None:
        """A Service (re)appeared or changed selector: the pods it selects now must enqueue it when
        they change or go, even if nothing about them has changed yet."""
        for pod in pods:
            meta = pod["metadata"]
            self._pod_services.setdefault(("Pod", meta.get("namespace") or "", meta["name"]), set()).add(key)

    def services_for(self, pod: Obj) -> set[Key]:
        meta = pod["metadata"]
        ns, labels = meta.get("namespace") or "", meta.get("labels") or {}
        out: set[Key] = set()
        for k, v in labels.items():
            for key in self._by_pair.get((ns, k, v), ()):
                if matches_selector(labels, self._selector[key]):
                    out.add(key)
        return out

    def pod_event(self, event: WatchEvent) -> set[Key]:
        """The Services to sync for a pod event (none when nothing they show changed)."""
        key = event.key
        if event.type == "DELETED":
            self._pod_views.pop(key, None)
            return self._pod_services.pop(key, set()) | self.services_for(event.obj)
        view = pod_view(event.obj)
        if self._pod_views.get(key) == view:
            return set()
        self._pod_views[key] = view
        now = self.services_for(event.obj)
        before = self._pod_services.get(key, set())
        if now:
            self._pod_services[key] = now
        else:
            self._pod_services.pop(key, None)
        return now | before


def watch_service(ctrl: Controller, event: WatchEvent) -> None:
    """A Service event for a controller with a ``SelectorIndex`` (``ctrl.index``)."""
    index: SelectorIndex = ctrl.index  # type: ignore[attr-defined]
    obj = None if event.type == "DELETED" else event.obj
    index.service_changed(event.key, obj)
    sel = ((obj or {}).get("spec") or {}).get("selector")
    if sel:
        index.claim_pods(event.key, ctrl.store.scan("Pod", event.key[1], selector=sel))
    ctrl.enqueue(event.key)


class ServicePodsController(Controller):
    """What the Endpoints and EndpointSlice controllers share: a SelectorIndex of which services
    select which pods, primed at start with every Service (each one enqueued) and every Pod."""

    def __init__(self, cluster: Cluster) -> None:
        super().__init__(cluster)
        self.index = SelectorIndex()

    def start(self) -> None:
        for svc in self.store.scan("Service"):
            key = ("Service", svc["metadata"].get("namespace") or "", svc["metadata"]["name"])
            self.index.service_changed(key, svc)
            self.enqueue(key)
        for pod in self.store.scan("Pod"):
            self.index.pod_event(WatchEvent("ADDED", 0, pod))


class EndpointsController(ServicePodsController):
    name = "endpoint-controller"
    watches = ("Service", "Pod", "Endpoints")

    def on_event(self, event: WatchEvent) -> None:
        kind = event.obj["kind"]
        if kind == "Service":
            watch_service(self, event)
        elif kind == "Pod":
            for key in sorted(self.index.pod_event(event)):
                self.enqueue(key)
        elif kind == "Endpoints" and event.type == "DELETED":
            self.enqueue(("Service", event.key[1], event.key[2]))  # someone deleted ours: put it back

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        svc = self.store.peek("Service", ns, name)
        current = self.store.peek("Endpoints", ns, name)
        if svc is None:
            if current is not None:  # the Service is gone: so are its Endpoints, hand-made or not
                self.store.remove("Endpoints", ns, name)
            return
        spec = svc.get("spec") or {}
        selector = spec.get("selector")
        if not selector:
            return  # selector-less: the user manages the Endpoints
        subsets, truncated = self.subsets(svc)
        labels = dict(svc["metadata"].get("labels") or {})
        if spec.get("clusterIP") == "None":
            labels[HEADLESS_LABEL] = ""
        annotations = dict((current or {}).get("metadata", {}).get("annotations") or {})
        annotations.pop(OVER_CAPACITY, None)
        if truncated:
            annotations[OVER_CAPACITY] = "truncated"
        if current is not None and (current.get("subsets") or []) == subsets and \
                (current["metadata"].get("labels") or {}) == labels and \
                (current["metadata"].get("annotations") or {}) == annotations:
            return
        annotations[TRIGGER_TIME] = self.clock.iso()
        meta: Obj = {"name": name, "namespace": ns, "labels": labels, "annotations": annotations}
        if not labels:
            meta.pop("labels")
        obj: Obj = {"apiVersion": "v1", "kind": "Endpoints", "metadata": meta}
        if subsets:
            obj["subsets"] = subsets
        if current is None:
            self.store.create(obj)
        else:
            for f in ("uid", "creationTimestamp", "resourceVersion"):
                meta[f] = current["metadata"][f]
            self.store.update(obj)

    def subsets(self, svc: Obj) -> tuple[list[Obj], bool]:
        """The packed subsets for ``svc`` and whether they were cut at 1000 addresses."""
        meta, spec = svc["metadata"], svc.get("spec") or {}
        ns = meta.get("namespace") or ""
        publish = bool(spec.get("publishNotReadyAddresses"))
        ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        # address -> (ready, port tuple); grouped by port set
        groups: dict[tuple, tuple[list[Obj], list[Obj]]] = {}
        for pod in self.store.scan("Pod", ns, selector=spec.get("selector")):
            if not include_pod(pod, include_terminating=publish):
                continue
            pmeta, pspec = pod["metadata"], pod.get("spec") or {}
            addr: Obj = {"ip": pod["status"]["podIP"]}
            if pspec.get("hostname") and pspec.get("subdomain") == meta["name"]:
                addr["hostname"] = pspec["hostname"]
            if pspec.get("nodeName"):
                addr["nodeName"] = pspec["nodeName"]
            addr["targetRef"] = {"kind": "Pod", "name": pmeta["name"], "namespace": ns, "uid": pmeta["uid"]}
            eports = []
            for p in ports:
                num = resolve_target_port(pod, p)
                if num is None:
                    continue
                ep: Obj = {"port": num, "protocol": p.get("protocol") or "TCP"}
                if p.get("name"):
                    ep = {"name": p["name"], **ep}
                eports.append(ep)
            if ports and not eports:
                continue
            sig = tuple(tuple(sorted(e.items())) for e in eports)
            ready_list, not_ready = groups.setdefault(sig, ([], []))
            (ready_list if publish or pod_ready(pod) else not_ready).append(addr)
        total = sum(len(a) + len(b) for a, b in groups.values())
        truncated = total > MAX_ADDRESSES
        budget = MAX_ADDRESSES
        subsets: list[Obj] = []
        for sig in sorted(groups):
            ready_list, not_ready = groups[sig]
            ready_list.sort(key=lambda a: (ip_sort_key(a["ip"]), a["targetRef"]["uid"]))
            not_ready.sort(key=lambda a: (ip_sort_key(a["ip"]), a["targetRef"]["uid"]))
            ready_list = ready_list[:budget]
            budget -= len(ready_list)
            subsets.append({"_r": ready_list, "_n": not_ready, "ports": [dict(e) for e in sig]})
        for ss in subsets:  # ready addresses first when truncating (truncateEndpoints keeps them)
            ss["_n"] = ss["_n"][:budget]
            budget -= len(ss["_n"])
        out = []
        for ss in subsets:
            item: Obj = {}
            if ss["_r"]:
                item["addresses"] = ss["_r"]
            if ss["_n"]:
                item["notReadyAddresses"] = ss["_n"]
            if not item:
                continue
            if ss["ports"]:
                item["ports"] = ss["ports"]
            out.append(item)
        return out, truncated
