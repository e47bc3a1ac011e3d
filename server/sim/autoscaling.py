"""HorizontalPodAutoscaler: the v2 defaults and the autoscaling/v1 <-> v2 conversion, as pure functions.

Owns: ``set_defaults`` (pkg/apis/autoscaling/v2/defaults.go: ``minReplicas`` 1, the default metric —
CPU at 80% average utilization — when none is given, and a given ``behavior`` completed with
``GenerateHPAScaleUpRules``/``GenerateHPAScaleDownRules``: scale-up 0 s window, Max of 4 pods and
100% per 15 s; scale-down 100% per 15 s, its window left unset for the controller's 300 s);
``v1_to_v2`` / ``v2_to_v1`` (pkg/apis/autoscaling/v1/conversion.go: ``targetCPUUtilizationPercentage`` is a
Resource cpu Utilization metric; v1's status carries ``currentCPUUtilizationPercentage``), with the
annotations in which v1 carries what it has no fields for — ``autoscaling.alpha.kubernetes.io/metrics``
(the other metrics, in v1's v2beta1-shaped types), ``…/current-metrics``, ``…/conditions`` and
``…/behavior`` (the internal type, Go field names) — written on a read as v1 and read back on a v1
write, so a v2 HPA survives a v1 read-modify-write.

Hands off: the apiserver side (defaulting at admission, serving autoscaling/v1 by converting from
the stored v2) calls these; the controller (controllers/hpa.py) reads the stored v2 object.
"""

from __future__ import annotations

import copy
import json
from typing import Any

Obj = dict[str, Any]

DEFAULT_CPU_UTILIZATION = 80
SCALE_UP_POLICIES = [{"type": "Pods", "value": 4, "periodSeconds": 15},
                     {"type": "Percent", "value": 100, "periodSeconds": 15}]
SCALE_DOWN_POLICIES = [{"type": "Percent", "value": 100, "periodSeconds": 15}]


def _rules(given: Any, window: int | None, policies: list[Obj]) -> Obj:
    """GenerateHPAScale{Up,Down}Rules: the defaults under what was given."""
    out: Obj = dict(given) if isinstance(given, dict) else {}
    if out.get("stabilizationWindowSeconds") is None and window is not None:
        out["stabilizationWindowSeconds"] = window
    if not out.get("selectPolicy"):
        out["selectPolicy"] = "Max"
    if not out.get("policies"):
        out["policies"] = copy.deepcopy(policies)
    # field order as the Go struct marshals it
    ordered = {k: out[k] for k in ("stabilizationWindowSeconds", "selectPolicy", "policies") if k in out}
    ordered.update({k: v for k, v in out.items() if k not in ordered})
    return ordered


def set_defaults(obj: Obj) -> None:
    """SetDefaults_HorizontalPodAutoscaler (autoscaling/v2), in place."""
    spec = obj.setdefault("spec", {})
    if not isinstance(spec, dict):
        return
    if spec.get("minReplicas") is None:
        spec["minReplicas"] = 1
    if not spec.get("metrics"):
        spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": DEFAULT_CPU_UTILIZATION}}}]
    behavior = spec.get("behavior")
    if isinstance(behavior, dict):
        behavior["scaleUp"] = _rules(behavior.get("scaleUp"), 0, SCALE_UP_POLICIES)
        behavior["scaleDown"] = _rules(behavior.get("scaleDown"), None, SCALE_DOWN_POLICIES)


# -- autoscaling/v1 <-> v2 (pkg/apis/autoscaling/v1/conversion.go) ----------------------------------
#: the annotations in which autoscaling/v1 carries what it has no fields for (pkg/apis/autoscaling
#: annotations.go): the other metrics, the current metrics, the conditions and the behavior
METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics"
CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics"
CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions"
BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior"
ROUND_TRIP_ANNOTATIONS = (METRICS_ANNOTATION, BEHAVIOR_ANNOTATION, CURRENT_METRICS_ANNOTATION, CONDITIONS_ANNOTATION)


def _set(out: Obj, key: str, value: Any) -> None:
    """A pointer field with ``omitempty``: written only when set."""
    if value is not None:
        out[key] = value


def _ref_v1(ref: Any) -> Obj:
    """CrossVersionObjectReference (kind, name, apiVersion omitempty)."""
    ref = ref if isinstance(ref, dict) else {}
    out: Obj = {"kind": ref.get("kind") or "", "name": ref.get("name") or ""}
    _set(out, "apiVersion", ref.get("apiVersion") or None)
    return out


def _metric_to_v1(m: Obj, side: str) -> Obj:
    """Convert_autoscaling_MetricSpec_To_v1_MetricSpec (``side`` "target") and
    Convert_autoscaling_MetricStatus_To_v1_MetricStatus ("current"): v2's metric/target (or current)
    split flattened into the v1 (v2beta1-shaped) source types, in their Go field order. The two differ
    only in the word and in which values are required: a status always carries a resource's average
    value and an external metric's value ("0" when unset), a spec only what it targets."""
    status = side == "current"
    out: Obj = {"type": m.get("type") or ""}
    if isinstance(m.get("object"), dict):
        src, value = m["object"], m["object"].get(side) or {}
        metric = src.get("metric") or {}
        o: Obj = {"target": _ref_v1(src.get("describedObject")), "metricName": metric.get("name") or "",
                  f"{side}Value": value.get("value") or "0"}
        _set(o, "selector", metric.get("selector"))
        _set(o, "averageValue", value.get("averageValue"))
        out["object"] = o
    if isinstance(m.get("pods"), dict):
        src, value = m["pods"], m["pods"].get(side) or {}
        metric = src.get("metric") or {}
        o = {"metricName": metric.get("name") or "", f"{side}AverageValue": value.get("averageValue") or "0"}
        _set(o, "selector", metric.get("selector"))
        out["pods"] = o
    for key in ("resource", "containerResource"):
        if isinstance(m.get(key), dict):
            src, value = m[key], m[key].get(side) or {}
            o = {"name": src.get("name") or ""}
            _set(o, f"{side}AverageUtilization", value.get("averageUtilization"))
            if status:
                o["currentAverageValue"] = value.get("averageValue") or "0"
            else:
                _set(o, "targetAverageValue", value.get("averageValue"))
            if key == "containerResource":
                o["container"] = src.get("container") or ""
            out[key] = o
    if isinstance(m.get("external"), dict):
        src, value = m["external"], m["external"].get(side) or {}
        metric = src.get("metric") or {}
        o = {"metricName": metric.get("name") or ""}
        _set(o, "metricSelector", metric.get("selector"))
        if status:
            o["currentValue"] = value.get("value") or "0"
        else:
            _set(o, "targetValue", value.get("value"))
        _set(o, f"{side}AverageValue", value.get("averageValue"))
        out["external"] = o
    return out


def _metric_spec_from_v1(m: Obj) -> Obj:
    """Convert_v1_MetricSpec_To_autoscaling_MetricSpec."""
    out: Obj = {"type": m.get("type") or ""}
    if isinstance(m.get("object"), dict):
        src = m["object"]
        target: Obj = {"type": "AverageValue" if src.get("averageValue") is not None else "Value",
                       "value": src.get("targetValue") or "0"}
        _set(target, "averageValue", src.get("averageValue"))
        out["object"] = {"describedObject": _ref_v1(src.get("target")), "target": target,
                         "metric": _identifier(src.get("metricName"), src.get("selector"))}
    if isinstance(m.get("pods"), dict):
        src = m["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "target": {"type": "AverageValue", "averageValue": src.get("targetAverageValue") or "0"}}
    for key in ("resource", "containerResource"):
        if isinstance(m.get(key), dict):
            src = m[key]
            utilization = src.get("targetAverageUtilization")
            target = {"type": "Utilization" if utilization is not None else "AverageValue"}
            _set(target, "averageValue", src.get("targetAverageValue"))
            _set(target, "averageUtilization", utilization)
            o: Obj = {"name": src.get("name") or "", "target": target}
            if key == "containerResource":
                o["container"] = src.get("container") or ""
            out[key] = o
    if isinstance(m.get("external"), dict):
        src = m["external"]
        target = {"type": "Value" if src.get("targetValue") is not None else "AverageValue"}
        _set(target, "value", src.get("targetValue"))
        _set(target, "averageValue", src.get("targetAverageValue"))
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")), "target": target}
    return out


def _identifier(name: Any, selector: Any) -> Obj:
    out: Obj = {"name": name or ""}
    _set(out, "selector", selector)
    return out


def _metric_status_from_v1(m: Obj) -> Obj:
    """Convert_v1_MetricStatus_To_autoscaling_MetricStatus."""
    out: Obj = {"type": m.get("type") or ""}
    if isinstance(m.get("object"), dict):
        src = m["object"]
        current: Obj = {"value": src.get("currentValue") or "0"}
        _set(current, "averageValue", src.get("averageValue"))
        out["object"] = {"metric": _identifier(src.get("metricName"), src.get("selector")), "current": current,
                         "describedObject": _ref_v1(src.get("target"))}
    if isinstance(m.get("pods"), dict):
        src = m["pods"]
        out["pods"] = {"metric": _identifier(src.get("metricName"), src.get("selector")),
                       "current": {"averageValue": src.get("currentAverageValue") or "0"}}
    for key in ("resource", "containerResource"):
        if isinstance(m.get(key), dict):
            src = m[key]
            current = {"averageValue": src.get("currentAverageValue") or "0"}
            _set(current, "averageUtilization", src.get("currentAverageUtilization"))
            o: Obj = {"name": src.get("name") or "", "current": current}
            if key == "containerResource":
                o["container"] = src.get("container") or ""
            out[key] = o
    if isinstance(m.get("external"), dict):
        src = m["external"]
        current = {"value": src.get("currentValue") or "0"}
        _set(current, "averageValue", src.get("currentAverageValue"))
        out["external"] = {"metric": _identifier(src.get("metricName"), src.get("metricSelector")),
                           "current": current}
    return out



def _condition(c: Obj) -> Obj:
    """HorizontalPodAutoscalerCondition in its Go field order (reason and message omitempty)."""
    out: Obj = {"type": c.get("type") or "", "status": c.get("status") or "",
                "lastTransitionTime": c.get("lastTransitionTime")}
    _set(out, "reason", c.get("reason") or None)
    _set(out, "message", c.get("message") or None)
    return out


#: the internal HorizontalPodAutoscalerBehavior has no JSON tags: the annotation names Go's fields
_GO_RULES = (("stabilizationWindowSeconds", "StabilizationWindowSeconds"), ("selectPolicy", "SelectPolicy"),
             ("policies", "Policies"))
_GO_POLICY = (("type", "Type"), ("value", "Value"), ("periodSeconds", "PeriodSeconds"))


def _behavior_to_internal(behavior: Obj) -> Obj:
    """json.Marshal of the internal behavior (the v1.32 apiserver marshals the internal type: Go
    field names, nil pointers as null)."""
    def rules(r: Any) -> Obj | None:
        if not isinstance(r, dict):
            return None
        out: Obj = {go: r.get(js) for js, go in _GO_RULES}
        if isinstance(out["Policies"], list):
            out["Policies"] = [{go: (p or {}).get(js, 0 if js != "type" else "") for js, go in _GO_POLICY}
                               for p in out["Policies"]]
        return out
    return {"ScaleUp": rules(behavior.get("scaleUp")), "ScaleDown": rules(behavior.get("scaleDown"))}


def _go_field(obj: Obj, name: str) -> Any:
    """encoding/json's field matching: the exact key, else a case-insensitive one."""
    if name in obj:
        return obj[name]
    return next((v for k, v in obj.items() if k.lower() == name.lower()), None)


def _behavior_from_internal(data: Any) -> Obj | None:
    """The annotation back into v2's behavior; None when it is not an object or names no rules
    (``behavior != HorizontalPodAutoscalerBehavior{}``: only well-formed data becomes fields)."""
    if not isinstance(data, dict):
        return None

    def rules(r: Any) -> Obj | None:
        if not isinstance(r, dict):
            return None
        out: Obj = {}
        for js, go in _GO_RULES:
            v = _go_field(r, go)
            if v is None:
                continue
            if js == "policies":
                if not isinstance(v, list):
                    return None
                v = [{pjs: _go_field(p, pgo) for pjs, pgo in _GO_POLICY} for p in v if isinstance(p, dict)]
            out[js] = v
        return out
    behavior: Obj = {}
    for js, go in (("scaleUp", "ScaleUp"), ("scaleDown", "ScaleDown")):
        r = rules(_go_field(data, go))
        if r is not None:
            behavior[js] = r
    return behavior or None


def _json_list(text: Any) -> list[Obj] | None:
    """json.Unmarshal of an annotation into a slice; None when it is not one (the conversion then
    ignores it)."""
    try:
        value = json.loads(text) if isinstance(text, str) else None
    except ValueError:
        return None
    if not isinstance(value, list) or not all(isinstance(x, dict) for x in value):
        return None
    return value


def _go_json(value: Any) -> str:
    """json.Marshal: compact, ``<>&`` escaped as Go does."""
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def _drop_round_trip(meta: Obj) -> None:
    """DropRoundTripHorizontalPodAutoscalerAnnotations, in place (an emptied map goes: omitempty)."""
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for key in ROUND_TRIP_ANNOTATIONS:
            annotations.pop(key, None)
        if not annotations:
            meta.pop("annotations")


def _is_cpu_utilization(m: Any) -> bool:
    res = (m or {}).get("resource") or {}
    return (m or {}).get("type") == "Resource" and res.get("name") == "cpu" and \
        (res.get("target") or {}).get("averageUtilization") is not None


def v1_to_v2(obj: Obj) -> Obj:
    """An autoscaling/v1 HPA as the autoscaling/v2 object the apiserver stores
    (Convert_v1_HorizontalPodAutoscaler_To_autoscaling_HorizontalPodAutoscaler): the CPU target as a
    Resource metric, after the metrics of the ``…/metrics`` annotation; the ``…/current-metrics``,
    ``…/conditions`` and ``…/behavior`` annotations back into their fields; every round-trip
    annotation dropped. An annotation that does not parse is ignored, as the apiserver does."""
    out = copy.deepcopy(obj)
    out["apiVersion"] = "autoscaling/v2"
    meta = out.get("metadata") if isinstance(out.get("metadata"), dict) else {}
    annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
    spec = out.get("spec") or {}
    cpu = spec.pop("targetCPUUtilizationPercentage", None)
    new_spec: Obj = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
    metrics: list[Obj] = []
    other = _json_list(annotations.get(METRICS_ANNOTATION))
    if other is not None:
        metrics = [_metric_spec_from_v1(m) for m in other]
    if cpu is not None:
        metrics.append({"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}})
    if metrics:
        new_spec["metrics"] = metrics
    behavior = None
    if BEHAVIOR_ANNOTATION in annotations:
        try:
            behavior = _behavior_from_internal(json.loads(annotations[BEHAVIOR_ANNOTATION]))
        except (TypeError, ValueError):
            behavior = None
    if behavior is not None:
        new_spec["behavior"] = behavior
    out["spec"] = new_spec
    st = out.get("status")
    if isinstance(st, dict):
        current = st.pop("currentCPUUtilizationPercentage", None)
        if current is not None:
            st["currentMetrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": current}}}]
        statuses = _json_list(annotations.get(CURRENT_METRICS_ANNOTATION))
        if statuses is not None:
            st["currentMetrics"] = [_metric_status_from_v1(m) for m in statuses]
        conditions = _json_list(annotations.get(CONDITIONS_ANNOTATION))
        if conditions is not None:
            st["conditions"] = [_condition(c) for c in conditions]
    _drop_round_trip(meta)
    return out


def v2_to_v1(obj: Obj) -> Obj:
    """The stored v2 HPA as autoscaling/v1 serves it
    (Convert_autoscaling_HorizontalPodAutoscaler_To_v1_HorizontalPodAutoscaler): the CPU utilization
    target and current value as v1's fields; the other metrics, every current metric, the conditions
    and the behavior as JSON in the round-trip annotations (any stale ones dropped first)."""
    out = copy.deepcopy(obj)
    out["apiVersion"] = "autoscaling/v1"
    spec = out.get("spec") or {}
    new_spec: Obj = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
    metrics = [m for m in spec.get("metrics") or [] if isinstance(m, dict)]
    for m in metrics:
        res = m.get("resource") or {}
        if m.get("type") == "Resource" and res.get("name") == "cpu":
            if (res.get("target") or {}).get("averageUtilization") is not None:
                new_spec["targetCPUUtilizationPercentage"] = res["target"]["averageUtilization"]
            break
    out["spec"] = new_spec
    st = out.get("status") or {}
    new_st: Obj = {}
    for k in ("observedGeneration", "lastScaleTime", "currentReplicas", "desiredReplicas"):
        if k in st:
            new_st[k] = st[k]
    new_st.setdefault("currentReplicas", st.get("currentReplicas", 0))
    new_st.setdefault("desiredReplicas", st.get("desiredReplicas", 0))
    current_metrics = [m for m in st.get("currentMetrics") or [] if isinstance(m, dict)]
    for m in current_metrics:
        res = m.get("resource") or {}
        if m.get("type") == "Resource" and res.get("name") == "cpu" and \
                (res.get("current") or {}).get("averageUtilization") is not None:
            new_st["currentCPUUtilizationPercentage"] = res["current"]["averageUtilization"]
    out["status"] = new_st
    meta = out.setdefault("metadata", {})
    _drop_round_trip(meta)
    carried: Obj = {}
    other = [_metric_to_v1(m, "target") for m in metrics if not _is_cpu_utilization(m)]
    if other:
        carried[METRICS_ANNOTATION] = _go_json(other)
    if current_metrics:
        carried[CURRENT_METRICS_ANNOTATION] = _go_json([_metric_to_v1(m, "current") for m in current_metrics])
    if isinstance(spec.get("behavior"), dict):
        carried[BEHAVIOR_ANNOTATION] = _go_json(_behavior_to_internal(spec["behavior"]))
    conditions = [c for c in st.get("conditions") or [] if isinstance(c, dict)]
    if conditions:
        carried[CONDITIONS_ANNOTATION] = _go_json([_condition(c) for c in conditions])
    if carried:
        merged = {**(meta.get("annotations") or {}), **carried}
        meta["annotations"] = {k: merged[k] for k in sorted(merged)}  # a Go map marshals sorted
    return out
