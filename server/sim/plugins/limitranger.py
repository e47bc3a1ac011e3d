"""The LimitRanger admission plugin (plugin/pkg/admission/limitranger/admission.go).

Owns, for each LimitRange of the request's namespace (in name order):
- a new pod's defaults: a container without a ``Container`` item's ``default`` limit or
  ``defaultRequest`` request gets them, and the pod the annotation
  ``kubernetes.io/limit-ranger: LimitRanger plugin set: cpu, memory request for container web; …``;
- the constraints, every failure collected, in the plugin's words: ``minimum memory usage per
  Container is 500Mi, but request is 100Mi.``, ``maximum … No limit is specified.``, ``cpu max limit
  to request ratio per Container is 2, but provided ratio is 4.000000.``; for the ``Pod`` type the
  containers' sum (or the largest init container); for ``PersistentVolumeClaim`` the requested storage;
  refused as Forbidden (``pods "x" is forbidden: [a, b]``, one error unbracketed);
LimitRange items' own defaults (SetDefaults_LimitRangeItem) are ``defaults.limit_range_item_defaults``;
the pod's QoS class is computed by ``admission.on_create`` after every plugin, so these defaults count.

Pods are only limited on create (their containers' resources are immutable); a subresource write
never reaches a plugin here.
"""

from __future__ import annotations

from typing import Any

from ..quantity import Quantity, QuantityError
from .errors import forbidden

ANNOTATION = "kubernetes.io/limit-ranger"
_MAX_MILLI = (2**63 - 1) // 1000  # resource.MaxMilliValue


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    kind = obj.get("kind")
    if operation != "CREATE" or kind not in ("Pod", "PersistentVolumeClaim"):
        return
    ns = (obj.get("metadata") or {}).get("namespace") or "default"
    ranges = api.store.scan("LimitRange", ns)
    if not ranges:
        return
    errors: list[str] = []
    for lr in ranges:
        items = [i for i in ((lr.get("spec") or {}).get("limits") or []) if isinstance(i, dict)]
        if kind == "Pod":
            errors += _limit_pod(items, obj)
        else:
            errors += _limit_claim(items, obj)
    if errors:
        raise forbidden(obj, errors[0] if len(errors) == 1 else f"[{', '.join(errors)}]")


# -- pods (PodMutateLimitFunc + PodValidateLimitFunc) ------------------------------------------------
def _limit_pod(items: list[dict], pod: dict) -> list[str]:
    spec = pod.get("spec") or {}
    containers = [c for c in spec.get("containers") or [] if isinstance(c, dict)]
    inits = [c for c in spec.get("initContainers") or [] if isinstance(c, dict)]
    _merge_defaults(items, pod, containers, inits)
    errs: list[str] = []
    for item in items:
        t = item.get("type")
        if t == "Container":
            for c in containers + inits:
                res = c.get("resources") or {}
                errs += _constraints(item, "Container", res.get("requests") or {}, res.get("limits") or {})
        elif t == "Pod":
            requests, limits = _pod_totals(containers, inits)
            errs += _constraints(item, "Pod", requests, limits)
    return errs


def _merge_defaults(items: list[dict], pod: dict, containers: list[dict], inits: list[dict]) -> None:
    """defaultContainerResourceRequirements + mergePodResourceRequirements."""
    requests: dict[str, Any] = {}
    limits: dict[str, Any] = {}
    for item in items:
        if item.get("type") == "Container":
            requests.update(item.get("defaultRequest") or {})
            limits.update(item.get("default") or {})
    if not requests and not limits:
        return
    notes: list[str] = []
    for prefix, group in (("container", containers), ("init container", inits)):
        for c in group:
            res = c.setdefault("resources", {})
            have_limits = res.setdefault("limits", {})
            have_requests = res.setdefault("requests", {})
            set_limits = sorted(k for k in limits if k not in have_limits)
            set_requests = sorted(k for k in requests if k not in have_requests)
            for k in set_limits:
                have_limits[k] = limits[k]
            for k in set_requests:
                have_requests[k] = requests[k]
            if not have_limits:
                res.pop("limits")
            if not have_requests:
                res.pop("requests")
            if set_requests:
                notes.append(f"{', '.join(set_requests)} request for {prefix} {c.get('name', '')}")
            if set_limits:
                notes.append(f"{', '.join(set_limits)} limit for {prefix} {c.get('name', '')}")
    if notes:
        pod["metadata"].setdefault("annotations", {})[ANNOTATION] = "LimitRanger plugin set: " + "; ".join(notes)


def _q(value: Any) -> Quantity | None:
    try:
        return Quantity.of(value)
    except (QuantityError, ValueError):
        return None


def _pod_totals(containers: list[dict], inits: list[dict]) -> tuple[dict[str, Quantity], dict[str, Quantity]]:
    """The pod's requests and limits: the containers' sum, or an init container's if larger."""
    out: list[dict[str, Quantity]] = []
    for field in ("requests", "limits"):
        total: dict[str, Quantity] = {}
        for c in containers:
            for k, v in ((c.get("resources") or {}).get(field) or {}).items():
                q = _q(v)
                if q is not None:
                    total[k] = total[k] + q if k in total else q
        for c in inits:
            for k, v in ((c.get("resources") or {}).get(field) or {}).items():
                q = _q(v)
                if q is not None and (k not in total or q.cmp(total[k]) > 0):
                    total[k] = q
        out.append(total)
    return out[0], out[1]


def _values(req: Quantity | None, lim: Quantity | None, enforced: Quantity) -> tuple[int, int, int]:
    """requestLimitEnforcedValues: milli-values when none overflows, else values."""
    qs = [q if q is not None else Quantity() for q in (req, lim, enforced)]
    if all(q.value() <= _MAX_MILLI for q in qs):
        return qs[0].milli_value(), qs[1].milli_value(), qs[2].milli_value()
    return qs[0].value(), qs[1].value(), qs[2].value()


def _constraints(item: dict, limit_type: str, requests: dict, limits: dict) -> list[str]:
    errs: list[str] = []
    for k, v in (item.get("min") or {}).items():
        enforced = _q(v)
        if enforced is not None:
            errs += _min(limit_type, k, enforced, requests, limits)
    for k, v in (item.get("max") or {}).items():
        enforced = _q(v)
        if enforced is not None:
            errs += _max(limit_type, k, enforced, requests, limits)
    for k, v in (item.get("maxLimitRequestRatio") or {}).items():
        enforced = _q(v)
        if enforced is not None:
            errs += _ratio(limit_type, k, enforced, requests, limits)
    return errs


def _min(t: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> list[str]:
    req, lim = _q(requests[name]) if name in requests else None, _q(limits[name]) if name in limits else None
    r, li, e = _values(req, lim, enforced)
    if name not in requests:
        return [f"minimum {name} usage per {t} is {enforced}.  No request is specified."]
    if r < e:
        return [f"minimum {name} usage per {t} is {enforced}, but request is {req}."]
    if name in limits and li < e:
        return [f"minimum {name} usage per {t} is {enforced}, but limit is {lim}."]
    return []


def _max(t: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> list[str]:
    req, lim = _q(requests[name]) if name in requests else None, _q(limits[name]) if name in limits else None
    r, li, e = _values(req, lim, enforced)
    if name not in limits:
        return [f"maximum {name} usage per {t} is {enforced}.  No limit is specified."]
    if li > e:
        return [f"maximum {name} usage per {t} is {enforced}, but limit is {lim}."]
    if name in requests and r > e:
        return [f"maximum {name} usage per {t} is {enforced}, but request is {req}."]
    return []


def _ratio(t: str, name: str, enforced: Quantity, requests: dict, limits: dict) -> list[str]:
    req, lim = _q(requests[name]) if name in requests else None, _q(limits[name]) if name in limits else None
    r, li, _ = _values(req, lim, enforced)
    if name not in requests or r == 0:
        return [f"{name} max limit to request ratio per {t} is {enforced}, but no request is specified or request is 0."]
    if name not in limits or li == 0:
        return [f"{name} max limit to request ratio per {t} is {enforced}, but no limit is specified or limit is 0."]
    observed = li / r
    shown = observed
    ceiling = float(enforced.value())
    if enforced.value() <= _MAX_MILLI:
        observed *= 1000
        ceiling = float(enforced.milli_value())
    if observed > ceiling:
        return [f"{name} max limit to request ratio per {t} is {enforced}, but provided ratio is {shown:f}."]
    return []


# -- claims (PersistentVolumeClaimValidateLimitFunc) --------------------------------------------------
def _limit_claim(items: list[dict], pvc: dict) -> list[str]:
    requests = ((pvc.get("spec") or {}).get("resources") or {}).get("requests") or {}
    errs: list[str] = []
    for item in items:
        if item.get("type") != "PersistentVolumeClaim":
            continue
        for k, v in (item.get("min") or {}).items():
            enforced = _q(v)
            if enforced is not None:
                errs += _min("PersistentVolumeClaim", k, enforced, requests, {})
        for k, v in (item.get("max") or {}).items():
            enforced = _q(v)
            if enforced is None:
                continue
            req = _q(requests[k]) if k in requests else None
            if req is None:
                errs.append(f"maximum {k} usage per PersistentVolumeClaim is {enforced}.  No request is specified.")
            elif req.cmp(enforced) > 0:
                errs.append(f"maximum {k} usage per PersistentVolumeClaim is {enforced}, but request is {req}.")
    return errs
