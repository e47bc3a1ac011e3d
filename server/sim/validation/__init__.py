"""Field validation per API area, beyond the workload kinds in ``admission.py``: one module per
group of kinds, each exporting ``VALIDATORS`` (kind -> ``fn(errs, obj, resource)``) and, for the
update rules (immutable fields), ``UPDATE_VALIDATORS`` (kind -> ``fn(errs, old, new, resource)``),
merged into admission's tables at import."""

from __future__ import annotations

from typing import Any

AREAS = ("storage", "policy", "networking", "autoscaling", "disruption", "rbac", "certificates")


def validators() -> dict[str, Any]:
    import importlib

    out: dict[str, Any] = {}
    for area in AREAS:
        out.update(importlib.import_module(f"{__name__}.{area}").VALIDATORS)
    return out


def update_validators() -> dict[str, Any]:
    import importlib

    out: dict[str, Any] = {}
    for area in AREAS:
        out.update(getattr(importlib.import_module(f"{__name__}.{area}"), "UPDATE_VALIDATORS", {}))
    return out
