"""The table columns and rows of the networking kinds (Ingress, IngressClass, NetworkPolicy), as the apiserver's printers
(pkg/printers/internalversion/printers.go: printIngress, printIngressClass, printNetworkPolicy) build them; merged into
``printers.TABLES``, so the terminal and the API's ``as=Table`` share them."""

from __future__ import annotations

from typing import Any

from .printers import Column, _age, selector_string

#: ``loadBalancerWidth``: an ADDRESS longer than this is clipped (not with -o wide)
LOAD_BALANCER_WIDTH = 16


def format_hosts(rules: list | None) -> str:
    """``formatHosts``: the first three rules' hosts, ``+ N more...``, or ``*`` when none has one."""
    rules = rules or []
    shown: list[str] = []
    more = False
    for rule in rules:
        if len(shown) == 3:
            more = True
        host = (rule or {}).get("host") or ""
        if not more and host:
            shown.append(host)
    if not shown:
        return "*"
    text = ",".join(shown)
    return f"{text} + {len(rules) - 3} more..." if more else text


def ingress_address(obj: dict, wide: bool = False) -> str:
    """``ingressLoadBalancerStatusStringer``: the sorted set of IPs (else hostnames), clipped to 16."""
    seen = set()
    for i in (((obj.get("status") or {}).get("loadBalancer") or {}).get("ingress") or []):
        value = (i or {}).get("ip") or (i or {}).get("hostname")
        if value:
            seen.add(value)
    text = ",".join(sorted(seen))
    if not wide and len(text) > LOAD_BALANCER_WIDTH:
        text = text[:LOAD_BALANCER_WIDTH - 3] + "..."
    return text


def _ingress_row(obj: dict, now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    return [obj["metadata"]["name"], spec.get("ingressClassName") or "<none>", format_hosts(spec.get("rules")),
            ingress_address(obj), "80, 443" if spec.get("tls") else "80", _age(obj, now)]


def _ingressclass_row(obj: dict, now: float) -> list[Any]:
    spec = obj.get("spec") or {}
    params = spec.get("parameters")
    text = "<none>"
    if params:
        text = params.get("kind") or ""
        if params.get("apiGroup") is not None:
            text += "." + params["apiGroup"]
        text += "/" + (params.get("name") or "")
    return [obj["metadata"]["name"], spec.get("controller") or "", text, _age(obj, now)]


def _networkpolicy_row(obj: dict, now: float) -> list[Any]:
    selector = (obj.get("spec") or {}).get("podSelector") or {}
    return [obj["metadata"]["name"], selector_string(selector) or "<none>", _age(obj, now)]


_NAME = Column("Name", format="name")
_AGE = Column("Age")

#: kind -> (columns, row function), as printers.TABLES
TABLES: dict[str, Any] = {
    "Ingress": ((_NAME, Column("Class"), Column("Hosts"), Column("Address"), Column("Ports"), _AGE), _ingress_row),
    "IngressClass": ((_NAME, Column("Controller"), Column("Parameters"), _AGE), _ingressclass_row),
    "NetworkPolicy": ((_NAME, Column("Pod-Selector"), _AGE), _networkpolicy_row),
}
