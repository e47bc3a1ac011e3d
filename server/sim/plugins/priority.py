"""The Priority admission plugin (plugin/pkg/admission/priority/admission.go).

Owns: a new pod's ``spec.priority`` and ``spec.preemptionPolicy`` from its ``priorityClassName``
(``no PriorityClass with name x was found``), or from the one ``globalDefault`` class, whose name
the pod then carries, or 0; the refusal of a priority that contradicts the class (``the integer value
of priority (5) must not be provided in pod spec; …``); on update, the priority kept from the stored
pod; and, for PriorityClasses themselves, only one ``globalDefault`` (``PriorityClass x is marked as
default. Only one default can exist``).

Nothing sets ``spec.priority`` or ``preemptionPolicy`` before this plugin (a pod's defaults do not),
so any stated value, ``priority: 0`` included, is checked against the computed one; with no class at
all the pod gets 0 and PreemptLowerPriority (getDefaultPriority). A class's own
``preemptionPolicy`` default is ``defaults._priority_class`` (SetDefaults_PriorityClass).
"""

from __future__ import annotations

from typing import Any

from .errors import forbidden

PREEMPT_LOWER = "PreemptLowerPriority"


def default_class(store: Any) -> dict | None:
    """getDefaultPriorityClass: the globalDefault class (the lowest value if several)."""
    found = [pc for pc in store.scan("PriorityClass") if pc.get("globalDefault") is True]
    return min(found, key=lambda pc: pc.get("value", 0)) if found else None


def admit(operation: str, obj: dict, old: dict | None, api: Any) -> None:
    kind = obj.get("kind")
    if kind == "PriorityClass":
        _admit_class(operation, obj, api)
    if kind != "Pod" or not isinstance(obj.get("spec"), dict):
        return
    spec = obj["spec"]
    if operation == "UPDATE":
        old_spec = (old or {}).get("spec") or {}
        for field in ("priority", "preemptionPolicy"):
            if spec.get(field) is None and old_spec.get(field) is not None:
                spec[field] = old_spec[field]
        return
    if operation != "CREATE":
        return
    name = spec.get("priorityClassName") or ""
    if not name:
        pc = default_class(api.store)
        if pc is not None:
            spec["priorityClassName"] = pc["metadata"]["name"]
    else:
        pc = api.store.peek("PriorityClass", "", name)
        if pc is None:
            raise forbidden(obj, f"no PriorityClass with name {name} was found")
    priority = int(pc.get("value", 0)) if pc is not None else 0
    stated = spec.get("priority")
    if isinstance(stated, int) and not isinstance(stated, bool) and stated != priority:
        raise forbidden(obj, f"the integer value of priority ({stated}) must not be provided in pod spec; "
                             f"priority admission controller computed {priority} from the given PriorityClass name")
    spec["priority"] = priority
    policy = (pc.get("preemptionPolicy") if pc is not None else None) or PREEMPT_LOWER
    stated_policy = spec.get("preemptionPolicy")
    if stated_policy is not None and stated_policy != policy:
        raise forbidden(obj, f"the string value of PreemptionPolicy ({stated_policy}) must not be provided in "
                             f"pod spec; priority admission controller computed {policy} from the given "
                             "PriorityClass name")
    spec["preemptionPolicy"] = policy


def _admit_class(operation: str, pc: dict, api: Any) -> None:
    """admitPriorityClass: a second globalDefault class is refused."""
    if operation not in ("CREATE", "UPDATE") or pc.get("globalDefault") is not True:
        return
    current = default_class(api.store)
    if current is not None and current["metadata"]["name"] != (pc.get("metadata") or {}).get("name"):
        raise forbidden(pc, f"PriorityClass {current['metadata']['name']} is marked as default. "
                            "Only one default can exist")
