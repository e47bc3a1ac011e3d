"""The ResourceQuota admission plugin (plugin/pkg/admission/resourcequota, controller.go checkRequest).

Owns: for a create (or an update that charges more) in a namespace with quotas, each quota whose
scopes match and whose ``status.hard`` names what the object charges, in name order:
- the pod constraints: ``failed quota: q: must specify limits.cpu for: nginx; requests.memory for: nginx``;
- the check that ``used + requested <= hard`` for every charged resource: ``exceeded quota: q,
  requested: pods=1, used: pods=2, limited: pods=2`` (resources sorted, ``name=value`` joined by ``,``);
- then, as the apiserver does before the object is stored, the quota's ``status.used`` raised by a
  create, so the next request in the same instant sees it (the controller keeps it exact after; an
  update is only checked, since ``Api.replace`` also admits its dry runs).
A quota the controller has not synced yet (no ``status.hard``) restricts nothing, as in the plugin.

Hands off: the charges (``usage``), scopes and constraints are ``controllers/resourcequota.py``'s.
"""

from __future__ import annotations

from typing import Any

from ..controllers.resourcequota import (
    Quantity,
    as_list,
    container_constraints,
    countable,
    masked,
    matches_scopes,
    subtract,
    usage,
)
from ..store import deep_copy
from .errors import forbidden


def _pretty(u: dict) -> str:
    return ",".join(f"{k}={u[k]}" for k in sorted(u))


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    kind = obj.get("kind") or ""
    if operation not in ("CREATE", "UPDATE") or not countable(kind) or not isinstance(obj.get("metadata"), dict):
        return
    ns = obj["metadata"].get("namespace") or "default"
    quotas = api.store.scan("ResourceQuota", ns)
    if not quotas:
        return
    now = api.clock.now()
    delta = usage(obj, now)
    if operation == "UPDATE" and old is not None:
        delta = {k: v for k, v in subtract(delta, usage(old, now)).items() if v.sign() > 0}
    delta = {k: v for k, v in delta.items() if not v.is_zero()}
    if not delta:
        return
    updates: list[tuple[dict, dict]] = []
    for quota in quotas:
        if not matches_scopes(quota, obj):
            continue
        status = quota.get("status") or {}
        hard = {k: Quantity.of(v) for k, v in (status.get("hard") or {}).items()}
        used = {k: Quantity.of(v) for k, v in (status.get("used") or {}).items()}
        name = quota["metadata"]["name"]
        if kind == "Pod" and operation == "CREATE":
            missing = container_constraints(set(hard), obj)
            if missing:
                raise forbidden(obj, f"failed quota: {name}: {missing}")
        requested = masked(delta, hard)
        if not requested:
            continue
        new_used = {k: (used[k] + v if k in used else v) for k, v in requested.items()}
        exceeded = sorted(k for k, v in new_used.items() if v.cmp(hard[k]) > 0)
        if exceeded:
            raise forbidden(obj, f"exceeded quota: {name}, requested: {_pretty(masked(requested, exceeded))}, "
                                 f"used: {_pretty(masked(used, exceeded))}, limited: {_pretty(masked(hard, exceeded))}")
        updates.append((quota, dict(used, **new_used)))
    if operation != "CREATE":
        return  # an update's check may be a dry run (``Api.replace`` admits before it stores): no write
    for quota, new_used in updates:
        new = deep_copy(quota)
        new["status"]["used"] = {k: v for k, v in as_list(new_used).items() if k in new["status"].get("hard", {})}
        api.update_status(new)
