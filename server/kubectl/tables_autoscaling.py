"""The table columns and rows of the autoscaling kinds (HorizontalPodAutoscaler), as the apiserver's printers
(pkg/printers/internalversion/printers.go v1.32: printHorizontalPodAutoscaler, formatHPAMetrics) build them;
merged into ``printers.TABLES``, so the terminal and the API's ``as=Table`` share them.

TARGETS is ``formatHPAMetrics``: per metric ``cpu: 0%/50%`` (``<unknown>`` until the controller has a current
value, ``<auto>`` for a utilization target without a value), ``cpu: 100m/200m`` for an average-value
target, ``<current>/<target>`` for Pods and Object value metrics, `` (avg)`` for average Object/External
ones; the first two metrics, then `` + N more...``; ``<none>`` without metrics.
"""

from __future__ import annotations

from typing import Any

from .printers import Column, _age
from .quantity import quantity_string

UNKNOWN = "<unknown>"


def _value_or_average(target: dict, cur: dict | None) -> str:
    """An External or Object metric's cell: an average-value target reads ``cur/target (avg)``,
    a value target ``cur/target`` (formatHPAMetrics)."""
    if target.get("averageValue") is not None:
        current = _q(cur.get("averageValue")) if cur and cur.get("averageValue") is not None else UNKNOWN
        return f"{current}/{_q(target['averageValue'])} (avg)"
    current = _q(cur.get("value")) if cur is not None else UNKNOWN
    return f"{current}/{_q(target.get('value'))}"


def _q(value: Any) -> str:
    return quantity_string(value) if value is not None else "0"


def _current(statuses: list, i: int, field: str) -> dict | None:
    if len(statuses) > i and isinstance(statuses[i], dict) and isinstance(statuses[i].get(field), dict):
        return (statuses[i][field].get("current") or {})
    return None


def format_hpa_metrics(specs: list | None, statuses: list | None) -> str:
    specs = [s for s in specs or [] if isinstance(s, dict)]
    statuses = list(statuses or [])
    if not specs:
        return "<none>"
    out: list[str] = []
    for i, spec in enumerate(specs):
        kind = spec.get("type")
        if kind in ("External", "Object"):
            field = kind.lower()
            out.append(_value_or_average((spec.get(field) or {}).get("target") or {}, _current(statuses, i, field)))
        elif kind == "Pods":
            target = (spec.get("pods") or {}).get("target") or {}
            cur = _current(statuses, i, "pods")
            current = _q(cur.get("averageValue")) if cur is not None else UNKNOWN
            out.append(f"{current}/{_q(target.get('averageValue'))}")
        elif kind in ("Resource", "ContainerResource"):
            field = "resource" if kind == "Resource" else "containerResource"
            src = spec.get(field) or {}
            target = src.get("target") or {}
            cur = _current(statuses, i, field)
            name = src.get("name") or ""
            if target.get("averageValue") is not None:
                current = _q(cur.get("averageValue")) if cur is not None else UNKNOWN
                out.append(f"{name}: {current}/{_q(target['averageValue'])}")
            else:
                current = (f"{cur['averageUtilization']}%" if cur is not None and cur.get("averageUtilization")
                           is not None else UNKNOWN)
                want = f"{target['averageUtilization']}%" if target.get("averageUtilization") is not None \
                    else "<auto>"
                out.append(f"{name}: {current}/{want}")
        else:
            out.append("<unknown type>")
    if len(out) > 2:
        return ", ".join(out[:2]) + f" + {len(out) - 2} more..."
    return ", ".join(out)


def _hpa_row(obj: dict, now: float) -> list[Any]:
    spec, st = obj.get("spec") or {}, obj.get("status") or {}
    ref = spec.get("scaleTargetRef") or {}
    min_pods = str(spec["minReplicas"]) if spec.get("minReplicas") is not None else "<unset>"
    return [obj["metadata"]["name"], f"{ref.get('kind') or ''}/{ref.get('name') or ''}",
            format_hpa_metrics(spec.get("metrics"), st.get("currentMetrics")), min_pods,
            int(spec.get("maxReplicas") or 0), int(st.get("currentReplicas") or 0), _age(obj, now)]


#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "HorizontalPodAutoscaler": ((Column("Name", format="name"), Column("Reference"), Column("Targets"),
                                 Column("MinPods"), Column("MaxPods"), Column("Replicas"), Column("Age")), _hpa_row),
}
