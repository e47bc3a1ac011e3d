"""Field selectors, as the apiserver evaluates them: which field labels each kind accepts and
what value each reads from an object.

Owns: the per-kind field labels of v1.32 (``pkg/apis/core/v1/conversion.go``, ``apps/v1`` and
``batch/v1`` conversions: ``AddFieldLabelConversionFunc``; a kind with none takes
``DefaultMetaV1FieldSelectorConversion``, metadata.name and metadata.namespace), their values
(the registries' ``GetAttrs``/``ToSelectableFields``: booleans as Go prints them, an Event's
``source`` is ``source.component``, a pod's ``status.podIPs`` its IPs joined by commas,
``spec.host`` the old name of ``spec.nodeName``), and parsing ``fieldSelector`` text into
requirements. One implementation for the REST API (``server.apiserver``) and kubeplay's kubectl
(``get --field-selector``), so both accept and refuse the same selectors.
"""

from __future__ import annotations

import re
from typing import Any

from .store import Obj

_META = ("metadata.name", "metadata.namespace")
#: the labels each kind's conversion function accepts (kinds not listed: metadata.name/namespace)
FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "Pod": (*_META, "spec.nodeName", "spec.restartPolicy", "spec.schedulerName", "spec.serviceAccountName",
            "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs", "status.nominatedNodeName",
            "spec.host"),
    "Node": ("metadata.name", "spec.unschedulable"),
    "ReplicationController": (*_META, "status.replicas"),
    "Event": ("involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
              "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath",
              "reason", "reportingComponent", "source", "type", *_META),
    "Namespace": ("status.phase", "metadata.name"),
    "Secret": ("type", *_META),
    "Service": (*_META, "spec.clusterIP", "spec.type"),
    "ReplicaSet": (*_META, "status.replicas"),
    "Job": (*_META, "status.successful"),
}
#: labels that are renamed on the way in
_ALIASES = {"spec.host": "spec.nodeName"}
_BOOLEAN = frozenset({"spec.unschedulable", "spec.hostNetwork"})
_REQUIREMENT = re.compile(r"^([^=!,\s]+)\s*(==|=|!=)\s*(.*)$")

Requirement = tuple[str, bool, str]  # (label, equal?, value)


class FieldSelectorError(ValueError):
    """The apiserver's refusal (a 400 BadRequest), in its words."""


def labels_of(kind: str) -> tuple[str, ...]:
    return FIELD_LABELS.get(kind, _META)


def parse(text: str, kind: str) -> list[Requirement]:
    """``fieldSelector`` text as requirements; refused for a label ``kind`` does not support."""
    out: list[Requirement] = []
    for part in filter(None, (p.strip() for p in (text or "").split(","))):
        m = _REQUIREMENT.match(part)
        if not m:
            raise FieldSelectorError(f"invalid selector: '{text}'; can't understand '{part}'")
        label, op, value = m.groups()
        if label not in labels_of(kind):
            raise FieldSelectorError(f"field label not supported: {label}")
        out.append((_ALIASES.get(label, label), op != "!=", value))
    return out


def value(obj: Obj, label: str) -> str:
    """What ``label`` reads from ``obj`` ("" for a missing field)."""
    if label == "source" and obj.get("kind") == "Event":
        label = "source.component"
    if label == "status.podIPs":
        return ",".join(ip.get("ip", "") for ip in (obj.get("status") or {}).get("podIPs") or [])
    cur: Any = obj
    for part in label.split("."):
        cur = cur.get(part) if isinstance(cur, dict) else None
    if cur is None:
        return "false" if label in _BOOLEAN else ""
    if isinstance(cur, bool):
        return "true" if cur else "false"
    return str(cur)


def matches(obj: Obj, requirements: list[Requirement]) -> bool:
    return all((value(obj, label) == want) == equal for label, equal, want in requirements)


def equal_to(requirements: list[Requirement], label: str) -> str | None:
    """The value an ``=`` requirement pins ``label`` to (an index can pick by it), if any."""
    return next((v for f, eq, v in requirements if f == label and eq), None)
