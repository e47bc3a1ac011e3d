"""Field validation of the autoscaling kinds (HorizontalPodAutoscaler), in the apiserver's words
(pkg/apis/autoscaling/validation: ValidateHorizontalPodAutoscaler and its update, v1.32 with the
HPAScaleToZero gate off, so ``minReplicas`` is at least 1). Each validator is ``fn(errs, obj, resource)``,
as in admission.py.

The checks, in Go's order: metadata; ``minReplicas`` ≥ 1, ``maxReplicas`` > 0 and ≥ ``minReplicas``;
``scaleTargetRef`` kind and name (required, valid path segments); each metric (its type among Object,
Pods, Resource, ContainerResource, External, exactly its own source populated, the source's fields
and its MetricTarget: type, positive values, utilization > 0); ``behavior``'s scaling rules (windows
0…3600 s, selectPolicy, at least one policy, each policy's type, value > 0, period 1…1800 s).
Pointer values print dereferenced and quantities as Go's ``%#v`` (``policy.go_quantity``).
"""

from __future__ import annotations

from typing import Any

from ..quantity import Quantity, QuantityError

MAX_PERIOD_SECONDS = 1800
MAX_STABILIZATION_WINDOW_SECONDS = 3600
MIN_REPLICAS_LOWER_BOUND = 1
METRIC_SOURCE_TYPES = ["ContainerResource", "External", "Object", "Pods", "Resource"]
SELECT_POLICIES = ["Disabled", "Max", "Min"]
POLICY_TYPES = ["Percent", "Pods"]
_SOURCE_FIELD = {"Object": "object", "Pods": "pods", "Resource": "resource", "ContainerResource": "containerResource",
                 "External": "external"}


def path_segment_errors(name: str) -> list[str]:
    """pathvalidation.IsValidPathSegmentName."""
    if name in (".", ".."):
        return [f"may not be '{name}'"]
    return [f"may not contain '{c}'" for c in ("/", "%") if c in name]


def _quantity(value: Any) -> Quantity | None:
    try:
        return Quantity.of(value)
    except (QuantityError, ValueError):
        return None


def _ref(errs: Any, ref: Any, path: str) -> None:
    ref = ref if isinstance(ref, dict) else {}
    for key in ("kind", "name"):
        value = ref.get(key) or ""
        if not value:
            errs.required(f"{path}.{key}")
        for msg in path_segment_errors(value):
            errs.invalid(f"{path}.{key}", value, msg)


def _metric_target(errs: Any, mt: Any, path: str) -> None:
    from .policy import go_quantity

    mt = mt if isinstance(mt, dict) else {}
    kind = mt.get("type") or ""
    if not kind:
        errs.required(f"{path}.type", "must specify a metric target type")
    if kind not in ("Utilization", "Value", "AverageValue"):
        errs.invalid(f"{path}.type", kind, "must be either Utilization, Value, or AverageValue")
    for key in ("value", "averageValue"):
        q = _quantity(mt[key]) if mt.get(key) is not None else None
        if q is not None and q.sign() != 1:
            errs.invalid(f"{path}.{key}", go_quantity(q), "must be positive", raw=True)
    util = mt.get("averageUtilization")
    if isinstance(util, int) and util < 1:
        errs.invalid(f"{path}.averageUtilization", util, "must be greater than 0")


def _metric_identifier(errs: Any, ident: Any, path: str) -> None:
    name = (ident or {}).get("name") or "" if isinstance(ident, dict) else ""
    if not name:
        errs.required(f"{path}.name", "must specify a metric name")
    for msg in path_segment_errors(name):
        errs.invalid(f"{path}.name", name, msg)


def _source(errs: Any, kind: str, src: dict, path: str) -> None:
    target = src.get("target") if isinstance(src.get("target"), dict) else {}
    if kind == "object":
        _ref(errs, src.get("describedObject"), f"{path}.describedObject")
        _metric_identifier(errs, src.get("metric"), f"{path}.metric")
        _metric_target(errs, target, f"{path}.target")
        if target.get("value") is None and target.get("averageValue") is None:
            errs.required(f"{path}.target.averageValue", "must set either a target value or averageValue")
    elif kind == "external":
        _metric_identifier(errs, src.get("metric"), f"{path}.metric")
        _metric_target(errs, target, f"{path}.target")
        if target.get("value") is None and target.get("averageValue") is None:
            errs.required(f"{path}.target.averageValue", "must set either a target value for metric or a per-pod "
                          "target")
        if target.get("value") is not None and target.get("averageValue") is not None:
            errs.forbidden(f"{path}.target.value", "may not set both a target value for metric and a per-pod target")
    elif kind == "pods":
        _metric_identifier(errs, src.get("metric"), f"{path}.metric")
        _metric_target(errs, target, f"{path}.target")
        if target.get("averageValue") is None:
            errs.required(f"{path}.target.averageValue", "must specify a positive target averageValue")
    else:  # resource, containerResource
        if not src.get("name"):
            errs.required(f"{path}.name", "must specify a resource name")
        if kind == "containerResource" and not src.get("container"):
            errs.required(f"{path}.container", "must specify a container")
        _metric_target(errs, target, f"{path}.target")
        if target.get("averageUtilization") is None and target.get("averageValue") is None:
            errs.required(f"{path}.target.averageUtilization", "must set either a target raw value or a target "
                          "utilization")
        if target.get("averageUtilization") is not None and target.get("averageValue") is not None:
            errs.forbidden(f"{path}.target.averageValue", "may not set both a target raw value and a target "
                           "utilization")


def _metric(errs: Any, spec: Any, path: str) -> None:
    spec = spec if isinstance(spec, dict) else {}
    kind = spec.get("type") or ""
    if not kind:
        errs.required(f"{path}.type", "must specify a metric source type")
    if kind not in METRIC_SOURCE_TYPES:
        errs.unsupported(f"{path}.type", kind, METRIC_SOURCE_TYPES)
    present: list[str] = []
    for field in ("object", "external", "pods", "resource", "containerResource"):
        if isinstance(spec.get(field), dict):
            present.append(field)
            if len(present) == 1:
                _source(errs, field, spec[field], f"{path}.{field}")
    expected = _SOURCE_FIELD.get(kind, "")
    if expected and expected not in present:
        errs.required(f"{path}.{expected}", "must populate information for the given metric source")
    if len(present) != 1:
        for field in sorted(f for f in present if f != expected):
            errs.forbidden(f"{path}.{field}", "must populate the given metric source only")


def _rules(errs: Any, rules: Any, path: str) -> None:
    if not isinstance(rules, dict):
        return
    window = rules.get("stabilizationWindowSeconds")
    if isinstance(window, int) and window < 0:
        errs.invalid(f"{path}.stabilizationWindowSeconds", window, "must be greater than or equal to zero")
    if isinstance(window, int) and window > MAX_STABILIZATION_WINDOW_SECONDS:
        errs.invalid(f"{path}.stabilizationWindowSeconds", window,
                     f"must be less than or equal to {MAX_STABILIZATION_WINDOW_SECONDS}")
    select = rules.get("selectPolicy")
    if select is not None and select not in SELECT_POLICIES:
        errs.unsupported(f"{path}.selectPolicy", select, SELECT_POLICIES)
    policies = rules.get("policies") or []
    if not policies:
        errs.required(f"{path}.policies", "must specify at least one Policy")
    for i, p in enumerate(policies):
        p = p if isinstance(p, dict) else {}
        at = f"{path}.policies[{i}]"
        if p.get("type") not in POLICY_TYPES:
            errs.unsupported(f"{at}.type", p.get("type") or "", POLICY_TYPES)
        value, period = p.get("value") or 0, p.get("periodSeconds") or 0
        if value <= 0:
            errs.invalid(f"{at}.value", value, "must be greater than zero")
        if period <= 0:
            errs.invalid(f"{at}.periodSeconds", period, "must be greater than zero")
        if period > MAX_PERIOD_SECONDS:
            errs.invalid(f"{at}.periodSeconds", period, f"must be less than or equal to {MAX_PERIOD_SECONDS}")


def _spec(errs: Any, spec: Any) -> None:
    spec = spec if isinstance(spec, dict) else {}
    min_r, max_r = spec.get("minReplicas"), spec.get("maxReplicas") or 0
    if isinstance(min_r, int) and min_r < MIN_REPLICAS_LOWER_BOUND:
        errs.invalid("spec.minReplicas", min_r, f"must be greater than or equal to {MIN_REPLICAS_LOWER_BOUND}")
    if max_r < 1:
        errs.invalid("spec.maxReplicas", max_r, "must be greater than 0")
    if isinstance(min_r, int) and max_r < min_r:
        errs.invalid("spec.maxReplicas", max_r, "must be greater than or equal to `minReplicas`")
    _ref(errs, spec.get("scaleTargetRef"), "spec.scaleTargetRef")
    for i, m in enumerate(spec.get("metrics") or []):
        _metric(errs, m, f"spec.metrics[{i}]")
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        _rules(errs, behavior.get("scaleUp"), "spec.behavior.scaleUp")
        _rules(errs, behavior.get("scaleDown"), "spec.behavior.scaleDown")


def validate_hpa(errs: Any, obj: dict, r: Any) -> None:
    from ..admission import _validate_generic  # ValidateObjectMeta, as every kind's validator starts

    _validate_generic(errs, obj, r)
    _spec(errs, obj.get("spec"))


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {"HorizontalPodAutoscaler": validate_hpa}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {}
