"""Field validation of PodDisruptionBudget (pkg/apis/policy/validation ValidatePodDisruptionBudgetSpec,
v1.32), in the apiserver's words."""

from __future__ import annotations

from typing import Any

_POLICIES = ["AlwaysAllow", "IfHealthyBudget"]


def _spec_repr(spec: dict) -> str:
    """%#v of the internal PodDisruptionBudgetSpec the "both set" error quotes: its pointers print as
    addresses (fixed here; a real apiserver shows whatever its heap held)."""
    def ptr(go_type: str, present: bool, addr: str) -> str:
        return f"(*{go_type})({addr if present else 'nil'})"
    return ("policy.PodDisruptionBudgetSpec{"
            f"MinAvailable:{ptr('intstr.IntOrString', spec.get('minAvailable') is not None, '0xc000b3e5a0')}, "
            f"Selector:{ptr('v1.LabelSelector', spec.get('selector') is not None, '0xc000b3e5c0')}, "
            f"MaxUnavailable:{ptr('intstr.IntOrString', spec.get('maxUnavailable') is not None, '0xc000b3e5b0')}, "
            "UnhealthyPodEvictionPolicy:"
            f"{ptr('policy.UnhealthyPodEvictionPolicyType', spec.get('unhealthyPodEvictionPolicy') is not None, '0xc000b3e5d0')}}}")


def _validate_pdb(errs: Any, obj: dict, r: Any) -> None:
    from .. import admission

    admission._check_meta(errs, obj, r, "subdomain")
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    if spec.get("minAvailable") is not None and spec.get("maxUnavailable") is not None:
        errs.invalid("spec", _spec_repr(spec), "minAvailable and maxUnavailable cannot be both set", raw=True)
    for field in ("minAvailable", "maxUnavailable"):
        admission._check_int_or_percent(errs, f"spec.{field}", spec.get(field))
    selector = spec.get("selector")
    if isinstance(selector, dict):
        admission._check_labels(errs, "spec.selector.matchLabels", selector.get("matchLabels"))
    policy = spec.get("unhealthyPodEvictionPolicy")
    if policy is not None and policy not in _POLICIES:
        errs.unsupported("spec.unhealthyPodEvictionPolicy", policy, _POLICIES)


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {"PodDisruptionBudget": _validate_pdb}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {}
