"""The EndpointSlice controllers (``staging/src/k8s.io/endpointslice``, ``pkg/controller/endpointslice``
and ``endpointslicemirroring``): the sliced, per-endpoint-conditions view kube-proxy and DNS read.

Owns: for each Service with a selector (not ExternalName), IPv4 slices named ``<svc>-xxxxx``
(generateName), labelled ``kubernetes.io/service-name`` and ``endpointslice.kubernetes.io/managed-by:
endpointslice-controller.k8s.io`` (plus the Service's labels and ``service.kubernetes.io/headless``),
owned by the Service (so the garbage collector removes them with it), one group of slices per
distinct resolved port set, at most 100 endpoints each. Every pod with an IP that is not terminal
is an endpoint — terminating ones too — with ``conditions`` ready (serving and not terminating,
or publishNotReadyAddresses), serving (pod Ready) and terminating (deletionTimestamp), ``nodeName``,
``zone`` (the node's ``topology.kubernetes.io/zone``), ``targetRef`` and ``hostname`` when the pod
sets hostname and subdomain = the Service. Existing slices are reused (their names stay) and
rewritten only when their content changes.

Mirroring: a selector-less Service with hand-made Endpoints (not labelled
``endpointslice.kubernetes.io/skip-mirror``) gets mirrored slices managed by
``endpointslicemirroring-controller.k8s.io``. The apiserver's own ``kubernetes`` slice (no suffix)
for the ``default/kubernetes`` Service is written here too.

Hands off: pod-to-Service matching and the pod view shared with ``endpoints.py``.
"""

from __future__ import annotations

from typing import Any

from ..store import Key, Obj, WatchEvent
from .endpoints import (
    HEADLESS_LABEL,
    TRIGGER_TIME,
    ServicePodsController,
    include_pod,
    ip_sort_key,
    pod_ready,
    resolve_target_port,
    watch_service,
)

MAX_PER_SLICE = 100
SERVICE_NAME = "kubernetes.io/service-name"
MANAGED_BY = "endpointslice.kubernetes.io/managed-by"
CONTROLLER = "endpointslice-controller.k8s.io"
MIRROR = "endpointslicemirroring-controller.k8s.io"
SKIP_MIRROR = "endpointslice.kubernetes.io/skip-mirror"
ZONE_LABEL = "topology.kubernetes.io/zone"


class EndpointSliceController(ServicePodsController):
    name = "endpointslice-controller"
    watches = ("Service", "Pod", "Endpoints", "EndpointSlice")

    def on_event(self, event: WatchEvent) -> None:
        obj = event.obj
        kind = obj["kind"]
        if kind == "Service":
            watch_service(self, event)
        elif kind == "Pod":
            for key in sorted(self.index.pod_event(event)):
                self.enqueue(key)
        elif kind == "Endpoints":
            self.enqueue(("Service", event.key[1], event.key[2]))  # mirroring follows hand-made Endpoints
        elif kind == "EndpointSlice" and event.type == "DELETED":
            svc = (obj["metadata"].get("labels") or {}).get(SERVICE_NAME)
            if svc:
                self.enqueue(("Service", event.key[1], svc))

    # -- reconcile ------------------------------------------------------------------------------
    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        svc = self.store.peek("Service", ns, name)
        existing = [s for s in self.store.scan("EndpointSlice", ns, selector={SERVICE_NAME: name})]
        if svc is None:
            return  # the garbage collector removes the slices the Service owned
        spec = svc.get("spec") or {}
        if ns == "default" and name == "kubernetes":
            self._apiserver_slice(svc, existing)
            return
        if spec.get("type") == "ExternalName":
            desired: list[tuple[list[Obj], list[Obj]]] = []
            manager = CONTROLLER
        elif spec.get("selector"):
            desired, manager = self._from_pods(svc), CONTROLLER
        else:
            desired, manager = self._mirrored(svc), MIRROR
        mine = sorted((s for s in existing if (s["metadata"].get("labels") or {}).get(MANAGED_BY) == manager),
                      key=lambda s: s["metadata"]["name"])
        others = [s for s in existing if s not in mine
                  and (s["metadata"].get("labels") or {}).get(MANAGED_BY) in (CONTROLLER, MIRROR)]
        for s in others:  # the Service switched between selector and hand-made Endpoints
            self.store.remove("EndpointSlice", ns, s["metadata"]["name"])
        labels = {k: v for k, v in (svc["metadata"].get("labels") or {}).items()}
        if spec.get("clusterIP") == "None":
            labels[HEADLESS_LABEL] = ""
        labels[SERVICE_NAME] = name
        labels[MANAGED_BY] = manager
        chunks: list[tuple[list[Obj], list[Obj]]] = []
        for ports, endpoints in desired:
            for i in range(0, max(len(endpoints), 1), MAX_PER_SLICE):
                chunks.append((ports, endpoints[i:i + MAX_PER_SLICE]))
        if not chunks and manager == CONTROLLER:
            chunks = [([], [])]  # a Service with no endpoints still has one (empty) slice
        # reuse slices (their names stay): first those with the same ports, then any left over
        pool = list(mine)
        assigned: list[Obj | None] = []
        for ports, _ in chunks:
            match = next((x for x in pool if (x.get("ports") or []) == ports), None)
            if match is not None:
                pool.remove(match)
            assigned.append(match)
        for i, match in enumerate(assigned):
            if match is None and pool:
                assigned[i] = pool.pop(0)
        for (ports, endpoints), current in zip(chunks, assigned, strict=True):
            self._write(svc, current, labels, ports, endpoints)
        for x in pool:
            self.store.remove("EndpointSlice", ns, x["metadata"]["name"])

    def _write(self, svc: Obj, current: Obj | None, labels: dict, ports: list[Obj], endpoints: list[Obj]) -> None:
        meta = svc["metadata"]
        ns = meta.get("namespace") or ""
        if current is not None and (current.get("ports") or []) == ports and \
                (current.get("endpoints") or []) == endpoints and (current["metadata"].get("labels") or {}) == labels:
            return
        obj: Obj = {
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"namespace": ns, "labels": dict(labels),
                         "annotations": {TRIGGER_TIME: self.clock.iso()},
                         "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": meta["name"],
                                              "uid": meta["uid"], "controller": True,
                                              "blockOwnerDeletion": True}]},
            "addressType": "IPv4",
            "endpoints": endpoints or None,  # a placeholder slice shows endpoints: null and no ports
        }
        if ports:
            obj["ports"] = ports
        if current is None:
            obj["metadata"]["generateName"] = f"{meta['name']}-"
            self.store.create(obj)
        else:
            for f in ("name", "uid", "creationTimestamp", "resourceVersion", "generateName"):
                if f in current["metadata"]:
                    obj["metadata"][f] = current["metadata"][f]
            self.store.update(obj)

    # -- desired state ----------------------------------------------------------------------------
    def _zone(self, node: str | None, cache: dict[str, Any]) -> str | None:
        if not node:
            return None
        if node not in cache:
            n = self.store.peek("Node", "", node)
            cache[node] = ((n or {}).get("metadata", {}).get("labels") or {}).get(ZONE_LABEL)
        return cache[node]

    def _from_pods(self, svc: Obj) -> list[tuple[list[Obj], list[Obj]]]:
        meta, spec = svc["metadata"], svc.get("spec") or {}
        ns = meta.get("namespace") or ""
        publish = bool(spec.get("publishNotReadyAddresses"))
        svc_ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
        groups: dict[tuple, list[Obj]] = {}
        zones: dict[str, Any] = {}
        for pod in self.store.scan("Pod", ns, selector=spec.get("selector")):
            if not include_pod(pod, include_terminating=True):
                continue
            pmeta, pspec = pod["metadata"], pod.get("spec") or {}
            terminating = bool(pmeta.get("deletionTimestamp"))
            serving = pod_ready(pod)
            ep: Obj = {"addresses": [pod["status"]["podIP"]],
                       "conditions": {"ready": publish or (serving and not terminating), "serving": serving,
                                      "terminating": terminating}}
            if pspec.get("hostname") and pspec.get("subdomain") == meta["name"]:
                ep["hostname"] = pspec["hostname"]
            if pspec.get("nodeName"):
                ep["nodeName"] = pspec["nodeName"]
            ep["targetRef"] = {"kind": "Pod", "name": pmeta["name"], "namespace": ns, "uid": pmeta["uid"]}
            zone = self._zone(pspec.get("nodeName"), zones)
            if zone:
                ep["zone"] = zone
            ports = []
            for p in svc_ports:
                num = resolve_target_port(pod, p)
                if num is not None:
                    ports.append((p.get("name") or "", num, p.get("protocol") or "TCP"))
            groups.setdefault(tuple(ports), []).append(ep)
        out = []
        for sig in sorted(groups):
            eps = sorted(groups[sig], key=lambda e: (ip_sort_key(e["addresses"][0]), e["targetRef"]["uid"]))
            out.append(([{"name": n, "port": p, "protocol": pr} for n, p, pr in sig], eps))
        return out

    def _mirrored(self, svc: Obj) -> list[tuple[list[Obj], list[Obj]]]:
        meta = svc["metadata"]
        ep = self.store.peek("Endpoints", meta.get("namespace") or "", meta["name"])
        if ep is None or SKIP_MIRROR in (ep["metadata"].get("labels") or {}):
            return []
        out = []
        for ss in ep.get("subsets") or []:
            ports = [{"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol") or "TCP"}
                     for p in ss.get("ports") or []]
            eps = []
            for ready, field in ((True, "addresses"), (False, "notReadyAddresses")):
                for a in ss.get(field) or []:
                    e: Obj = {"addresses": [a.get("ip", "")], "conditions": {"ready": ready}}
                    for f in ("hostname", "nodeName", "targetRef"):
                        if a.get(f):
                            e[f] = a[f]
                    eps.append(e)
            out.append((ports, eps))
        return out

    def _apiserver_slice(self, svc: Obj, existing: list[Obj]) -> None:
        """The apiserver's endpoint reconciler keeps a slice named ``kubernetes`` beside its Endpoints."""
        ep = self.store.peek("Endpoints", "default", "kubernetes")
        if ep is None or any(s["metadata"]["name"] == "kubernetes" for s in existing):
            return
        subsets = ep.get("subsets") or [{}]
        self.store.create({
            "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
            "metadata": {"name": "kubernetes", "namespace": "default",
                         "labels": {SERVICE_NAME: "kubernetes"}},
            "addressType": "IPv4",
            "endpoints": [{"addresses": [a["ip"]], "conditions": {"ready": True}}
                          for a in subsets[0].get("addresses") or []],
            "ports": [{"name": p.get("name") or "", "port": p.get("port"), "protocol": p.get("protocol") or "TCP"}
                      for p in subsets[0].get("ports") or []],
        })
