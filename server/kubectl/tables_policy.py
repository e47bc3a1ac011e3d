"""The table columns and rows of the policy kinds (LimitRange, ResourceQuota, PriorityClass), as the apiserver's
printers (pkg/printers/internalversion/printers.go v1.32: printLimitRange, printResourceQuota,
printPriorityClass) build them; merged into ``printers.TABLES``.

- ResourceQuota: NAME AGE REQUEST LIMIT — ``resource: used/hard`` for each resource of
  ``status.hard`` in name order, the ``limits.*`` ones in LIMIT, the rest in REQUEST.
- LimitRange: NAME CREATED AT (the creation time in RFC 3339, UTC).
- PriorityClass: NAME VALUE GLOBAL-DEFAULT AGE PREEMPTIONPOLICY.
"""

from __future__ import annotations

from typing import Any

from .printers import Column, since
from .quantity import quantity_string

Obj = dict[str, Any]


def _age(obj: Obj, now: float) -> str:
    return since(obj["metadata"].get("creationTimestamp"), now)


def _quantity(value: Any) -> str:
    return "0" if value is None else quantity_string(value)


def _quota_row(q: Obj, now: float) -> list[Any]:
    status = q.get("status") or {}
    hard, used = status.get("hard") or {}, status.get("used") or {}
    request, limit = [], []
    for name in sorted(hard):
        pieces = name.split(".")
        (limit if len(pieces) > 1 and pieces[0] == "limits" else request).append(
            f"{name}: {_quantity(used.get(name))}/{_quantity(hard[name])}")
    return [q["metadata"]["name"], _age(q, now), ", ".join(request), ", ".join(limit)]


def _limitrange_row(lr: Obj, now: float) -> list[Any]:
    return [lr["metadata"]["name"], lr["metadata"].get("creationTimestamp") or ""]


def _priorityclass_row(pc: Obj, now: float) -> list[Any]:
    return [pc["metadata"]["name"], int(pc.get("value") or 0), bool(pc.get("globalDefault")), _age(pc, now),
            pc.get("preemptionPolicy") or ""]


_NAME = Column("Name", format="name")
_AGE = Column("Age")

#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "ResourceQuota": ((_NAME, _AGE, Column("Request"), Column("Limit")), _quota_row),
    "LimitRange": ((_NAME, Column("Created At", "date")), _limitrange_row),
    "PriorityClass": ((_NAME, Column("Value", "integer"), Column("Global-Default", "boolean"), _AGE,
                       Column("PreemptionPolicy")), _priorityclass_row),
}
