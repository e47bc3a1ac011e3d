"""The resource quota controller (pkg/controller/resourcequota) and the quota evaluators
(pkg/quota/v1/evaluator/core, pkg/quota/v1/generic) it shares with the ResourceQuota admission plugin.

Owns:
- ``usage(obj)``: what one object charges a quota — a pod that is not terminal: ``pods``,
  ``count/pods``, ``requests.cpu``/``cpu``, ``limits.cpu``, the memory and ephemeral-storage
  equivalents, ``requests.<extended>``, hugepages (the containers' sum, or the largest init
  container); a Service: ``services``, ``services.nodeports``, ``services.loadbalancers``; a claim:
  ``persistentvolumeclaims``, ``requests.storage`` and their ``<class>.storageclass.storage.k8s.io/``
  forms; every object ``count/<resource>[.<group>]`` (and the legacy ``configmaps``, ``secrets``,
  ``replicationcontrollers``, ``resourcequotas``).
- ``matches_scopes(quota, obj)``: the Terminating/NotTerminating, BestEffort/NotBestEffort and
  PriorityClass scopes (``scopes`` and ``scopeSelector``).
- ``ResourceQuotaController``: each quota's ``status.hard`` (its ``spec.hard``) and ``status.used``,
  kept incrementally: every watched event changes the totals of the quotas of its namespace by the
  difference between the object's old and new charge (remembered per object) — one namespace scan
  only when a quota appears or its scopes change, never a recount per event.

Hands off: refusing what would exceed a quota is the admission plugin's (``plugins/resourcequota.py``).
"""

from __future__ import annotations

from typing import Any

from ..quantity import Quantity, QuantityError, new_quantity
from ..resources import BY_KIND
from ..store import Key, Obj, WatchEvent, deep_copy
from . import Controller

Usage = dict[str, Quantity]
_ONE = new_quantity(1)
#: object counts the quota system names without ``count/`` (pkg/quota/v1/evaluator/core/registry.go)
LEGACY_COUNTS = {"ConfigMap": "configmaps", "Secret": "secrets", "ReplicationController": "replicationcontrollers",
                 "ResourceQuota": "resourcequotas", "Service": "services", "PersistentVolumeClaim": "persistentvolumeclaims",
                 "Pod": "pods"}
#: kinds never charged (their counts churn with every heartbeat and event)
_UNCOUNTED = frozenset({"Event", "Lease"})
STORAGE_CLASS_SUFFIX = ".storageclass.storage.k8s.io/"
#: pkg/quota/v1/evaluator/core/pods.go validationSet: the resources a container must state when quoted
_VALIDATED = ("cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory")


def _q(value: Any) -> Quantity | None:
    try:
        return Quantity.of(value)
    except (QuantityError, ValueError):
        return None


def add(a: Usage, b: Usage) -> Usage:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] + v if k in out else v
    return out


def subtract(a: Usage, b: Usage) -> Usage:
    out = dict(a)
    for k, v in b.items():
        out[k] = out[k] - v if k in out else -v
    return out


def count_name(kind: str) -> str:
    r = BY_KIND[kind]
    return f"count/{r.plural}.{r.group}" if r.group else f"count/{r.plural}"


def countable(kind: str) -> bool:
    r = BY_KIND.get(kind)
    return r is not None and r.namespaced and r.stored and kind not in _UNCOUNTED


def pod_counted(pod: Obj, now: float | None = None) -> bool:
    """QuotaV1Pod: terminal pods, and pods past their deletion grace, are not charged."""
    if (pod.get("status") or {}).get("phase") in ("Succeeded", "Failed"):
        return False
    meta = pod.get("metadata") or {}
    if now is not None and meta.get("deletionTimestamp") and meta.get("deletionGracePeriodSeconds") is not None:
        from ..clock import parse_time

        at = parse_time(meta["deletionTimestamp"])
        if at is not None and now > at + meta["deletionGracePeriodSeconds"]:
            return False
    return True


def container_usage(requests: dict, limits: dict) -> Usage:
    """podComputeUsageHelper for one set of requests/limits."""
    out: Usage = {"pods": _ONE}
    for res in ("cpu", "memory", "ephemeral-storage"):
        if res in requests and (q := _q(requests[res])) is not None:
            out[res] = q
            out[f"requests.{res}"] = q
        if res in limits and (q := _q(limits[res])) is not None:
            out[f"limits.{res}"] = q
    for res, v in requests.items():
        q = _q(v)
        if q is None:
            continue
        if res.startswith("hugepages-"):
            out[res] = q
            out[f"requests.{res}"] = q
        elif "/" in res and not res.startswith("kubernetes.io/") and not res.startswith("requests."):
            out[f"requests.{res}"] = q  # an extended resource
    return out


def _pod_resources(spec: dict) -> tuple[dict, dict]:
    """PodRequests / PodLimits: the containers' sum, or the largest init container's, plus overhead."""
    totals: list[dict[str, Quantity]] = []
    for field in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for c in spec.get("containers") or []:
            for k, v in (((c or {}).get("resources") or {}).get(field) or {}).items():
                if (q := _q(v)) is not None:
                    total[k] = total[k] + q if k in total else q
        for c in spec.get("initContainers") or []:
            for k, v in (((c or {}).get("resources") or {}).get(field) or {}).items():
                if (q := _q(v)) is not None and (k not in total or q.cmp(total[k]) > 0):
                    total[k] = q
        for k, v in (spec.get("overhead") or {}).items():
            if (q := _q(v)) is not None and k in total:
                total[k] = total[k] + q
        totals.append(total)
    return totals[0], totals[1]


def usage(obj: Obj, now: float | None = None) -> Usage:
    """What ``obj`` charges every quota of its namespace (before masking by ``hard``)."""
    kind = obj.get("kind") or ""
    if not countable(kind):
        return {}
    out: Usage = {count_name(kind): _ONE}
    if kind in LEGACY_COUNTS:
        out[LEGACY_COUNTS[kind]] = _ONE
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if kind == "Pod":
        if not pod_counted(obj, now):
            return {}
        requests, limits = _pod_resources(spec)
        out.update(container_usage(requests, limits))
    elif kind == "Service":
        svc_type = spec.get("type") or "ClusterIP"
        if svc_type in ("NodePort", "LoadBalancer"):
            ports = [p for p in spec.get("ports") or [] if isinstance(p, dict)]
            out["services.nodeports"] = new_quantity(len(ports))
        if svc_type == "LoadBalancer":
            out["services.loadbalancers"] = _ONE
    elif kind == "PersistentVolumeClaim":
        storage = _q(((spec.get("resources") or {}).get("requests") or {}).get("storage", "0"))
        cls = spec.get("storageClassName") or ((obj.get("metadata") or {}).get("annotations") or {}).get(
            "volume.beta.kubernetes.io/storage-class") or ""
        if storage is not None:
            out["requests.storage"] = storage
        if cls:
            out[f"{cls}{STORAGE_CLASS_SUFFIX}persistentvolumeclaims"] = _ONE
            if storage is not None:
                out[f"{cls}{STORAGE_CLASS_SUFFIX}requests.storage"] = storage
    return out


def _best_effort(spec: dict) -> bool:
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        res = (c or {}).get("resources") or {}
        if any(k in ("cpu", "memory") for k in list(res.get("requests") or {}) + list(res.get("limits") or {})):
            return False
    return True


def _scope_matches(scope: str, operator: str, values: list, pod: Obj) -> bool:
    spec = pod.get("spec") or {}
    if scope == "Terminating":
        return spec.get("activeDeadlineSeconds") is not None
    if scope == "NotTerminating":
        return spec.get("activeDeadlineSeconds") is None
    if scope == "BestEffort":
        return _best_effort(spec)
    if scope == "NotBestEffort":
        return not _best_effort(spec)
    if scope == "PriorityClass":
        name = spec.get("priorityClassName") or ""
        if operator == "Exists":
            return bool(name)
        if operator == "DoesNotExist":
            return not name
        if operator == "In":
            return name in values
        if operator == "NotIn":
            return name not in values
    return False


def matches_scopes(quota: Obj, obj: Obj) -> bool:
    """Whether a quota with scopes charges ``obj``; scopes only ever concern pods."""
    spec = quota.get("spec") or {}
    selectors = [(s, "Exists", []) for s in spec.get("scopes") or []]
    selectors += [(e.get("scopeName", ""), e.get("operator", ""), e.get("values") or [])
                  for e in (spec.get("scopeSelector") or {}).get("matchExpressions") or []]
    if not selectors:
        return True
    if obj.get("kind") != "Pod":
        return False
    return all(_scope_matches(s, op, vals, obj) for s, op, vals in selectors)


def masked(u: Usage, names: Any) -> Usage:
    return {k: v for k, v in u.items() if k in names}


def as_list(u: Usage) -> dict[str, str]:
    return {k: str(u[k]) for k in sorted(u)}


def container_constraints(required: set[str], pod: Obj) -> str:
    """podEvaluator.Constraints: every container must state the cpu/memory a quota limits."""
    need = required.intersection(_VALIDATED)
    if not need:
        return ""
    missing: dict[str, set[str]] = {}
    spec = pod.get("spec") or {}
    for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
        if not isinstance(c, dict):
            continue
        res = c.get("resources") or {}
        have = set(container_usage(res.get("requests") or {}, res.get("limits") or {}))
        for r in need - have:
            missing.setdefault(r, set()).add(c.get("name", ""))
    return "; ".join(f"must specify {r} for: {','.join(sorted(missing[r]))}" for r in sorted(missing))


class ResourceQuotaController(Controller):
    name = "resourcequota-controller"

    def __init__(self, cluster: Any) -> None:
        super().__init__(cluster)
        #: namespace -> {quota name: totals}
        self._totals: dict[str, dict[str, Usage]] = {}
        #: the charge and the object as last seen, per object of a namespace with quotas
        self._seen: dict[Key, tuple[Usage, Obj]] = {}
        #: the scopes each quota's totals were computed for
        self._scopes: dict[Key, Any] = {}
        # every countable kind (never Events and Leases: they are not charged)
        self.watches = tuple(sorted(k for k in BY_KIND if countable(k)))

    def start(self) -> None:
        for q in self.store.scan("ResourceQuota"):
            self.enqueue(("ResourceQuota", q["metadata"]["namespace"], q["metadata"]["name"]))

    def on_event(self, event: WatchEvent) -> None:
        kind, ns, name = event.key
        if kind == "ResourceQuota":
            self.enqueue(event.key)
        if ns not in self._totals:
            return
        key = event.key
        old_usage, old_obj = self._seen.pop(key, ({}, None))
        new_usage = {} if event.type == "DELETED" else usage(event.obj, self.clock.now())
        if new_usage:
            self._seen[key] = (new_usage, event.obj)
        if old_usage == new_usage and old_obj is not None and kind != "Pod":
            return
        for qname, totals in self._totals[ns].items():
            quota = self.store.peek("ResourceQuota", ns, qname)
            if quota is None:
                continue
            changed = False
            if old_usage and old_obj is not None and matches_scopes(quota, old_obj):
                totals.update(subtract(totals, old_usage))
                changed = True
            if new_usage and matches_scopes(quota, event.obj):
                totals.update(add(totals, new_usage))
                changed = True
            if changed:
                self.enqueue(("ResourceQuota", ns, qname))

    def _seed(self, ns: str) -> None:
        """The one scan: remember every charged object of a namespace that got its first quota."""
        self._totals[ns] = {}
        for kind in self.watches:
            for obj in self.store.scan(kind, ns):
                u = usage(obj, self.clock.now())
                if u:
                    self._seen[(kind, ns, obj["metadata"]["name"])] = (u, obj)

    def _recount(self, quota: Obj) -> Usage:
        ns = quota["metadata"]["namespace"]
        total: Usage = {}
        for (_kind, obj_ns, _), (u, obj) in self._seen.items():
            if obj_ns == ns and matches_scopes(quota, obj):
                total = add(total, u)
        return total

    def reconcile(self, key: Key) -> None:
        _, ns, name = key
        quota = self.store.peek(*key)
        if quota is None:
            totals = self._totals.get(ns)
            if totals is not None:
                totals.pop(name, None)
                if not totals and not self.store.scan("ResourceQuota", ns):
                    del self._totals[ns]
                    for k in [k for k in self._seen if k[1] == ns]:
                        del self._seen[k]
            self._scopes.pop(key, None)
            return
        if ns not in self._totals:
            self._seed(ns)
        spec = quota.get("spec") or {}
        scopes = (spec.get("scopes"), spec.get("scopeSelector"))
        if name not in self._totals[ns] or self._scopes.get(key) != scopes:
            self._totals[ns][name] = self._recount(quota)
            self._scopes[key] = scopes
        hard = {k: str(q) for k, v in (spec.get("hard") or {}).items() if (q := _q(v)) is not None}
        totals = self._totals[ns][name]
        used = {k: str(totals.get(k, Quantity())) for k in sorted(hard)}
        status = {"hard": dict(sorted(hard.items())), "used": used}
        if quota.get("status") != status:
            new = deep_copy(quota)
            new["status"] = status
            self.api.update_status(new)
