"""HorizontalPodAutoscaler: the v2 defaults and the autoscaling/v1 <-> v2 conversion, as pure functions.

Owns: ``set_defaults`` (pkg/apis/autoscaling/v2/defaults.go: ``minReplicas`` 1, the default metric —
CPU at 80% average utilization — when none is given, and a given ``behavior`` completed with
``GenerateHPAScaleUpRules``/``GenerateHPAScaleDownRules``: scale-up 0 s window, Max of 4 pods and
100% per 15 s; scale-down 100% per 15 s, its window left unset for the controller's 300 s);
``v1_to_v2`` / ``v2_to_v1`` (pkg/apis/autoscaling/v1/conversion.go: ``targetCPUUtilizationPercentage`` is a
Resource cpu Utilization metric; v1's status carries ``currentCPUUtilizationPercentage``). The
annotations in which the apiserver carries v2-only fields through v1 (``autoscaling.alpha.kubernetes.io/
conditions`` …) are not written: kubeplay stores v2 and serves v1 only as kubectl autoscale's answer.

Hands off: the apiserver side (defaulting at admission, serving autoscaling/v1 by converting from
the stored v2) calls these; the controller (controllers/hpa.py) reads the stored v2 object.
"""

from __future__ import annotations

import copy
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


def v1_to_v2(obj: Obj) -> Obj:
    """An autoscaling/v1 HPA as the autoscaling/v2 object the apiserver stores."""
    out = copy.deepcopy(obj)
    out["apiVersion"] = "autoscaling/v2"
    spec = out.get("spec") or {}
    cpu = spec.pop("targetCPUUtilizationPercentage", None)
    new_spec: Obj = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
    if cpu is not None:
        new_spec["metrics"] = [{"type": "Resource", "resource": {
            "name": "cpu", "target": {"type": "Utilization", "averageUtilization": cpu}}}]
    out["spec"] = new_spec
    st = out.get("status")
    if isinstance(st, dict):
        current = st.pop("currentCPUUtilizationPercentage", None)
        if current is not None:
            st["currentMetrics"] = [{"type": "Resource", "resource": {
                "name": "cpu", "current": {"averageUtilization": current}}}]
    return out


def v2_to_v1(obj: Obj) -> Obj:
    """The stored v2 HPA as autoscaling/v1 serves it (the CPU utilization metric only)."""
    out = copy.deepcopy(obj)
    out["apiVersion"] = "autoscaling/v1"
    spec = out.get("spec") or {}
    new_spec: Obj = {k: spec[k] for k in ("scaleTargetRef", "minReplicas", "maxReplicas") if k in spec}
    for m in spec.get("metrics") or []:
        res = (m or {}).get("resource") or {}
        if m.get("type") == "Resource" and res.get("name") == "cpu" and \
                (res.get("target") or {}).get("averageUtilization") is not None:
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
    for m in st.get("currentMetrics") or []:
        res = (m or {}).get("resource") or {}
        if (m or {}).get("type") == "Resource" and res.get("name") == "cpu" and \
                (res.get("current") or {}).get("averageUtilization") is not None:
            new_st["currentCPUUtilizationPercentage"] = res["current"]["averageUtilization"]
            break
    out["status"] = new_st
    return out
