"""The PodDisruptionBudget table as the apiserver's printer builds it (printPodDisruptionBudget:
NAME, MIN AVAILABLE, MAX UNAVAILABLE, ALLOWED DISRUPTIONS, AGE; "N/A" for the bound not set)."""

from __future__ import annotations

from typing import Any

from .printers import _AGE, _NAME, Column, _age, _name


def _bound(value: Any) -> str:
    return "N/A" if value is None else str(value)


def _pdb_row(pdb: dict, now: float) -> list[Any]:
    spec = pdb.get("spec") or {}
    return [_name(pdb), _bound(spec.get("minAvailable")), _bound(spec.get("maxUnavailable")),
            int((pdb.get("status") or {}).get("disruptionsAllowed", 0)), _age(pdb, now)]


#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "PodDisruptionBudget": ((_NAME, Column("Min Available"), Column("Max Unavailable"),
                             Column("Allowed Disruptions", "integer"), _AGE), _pdb_row),
}
