"""Field validation of the policy kinds (LimitRange, ResourceQuota, PriorityClass), in the apiserver's words
(pkg/apis/core/validation ValidateLimitRange, ValidateResourceQuota; pkg/apis/scheduling/validation
ValidatePriorityClass and its update rule). Each validator is ``fn(errs, obj, resource)``, as in admission.py.

Go prints a ``resource.Quantity`` passed as a bad value with ``%#v`` (its ``String`` has a pointer
receiver), so those values read ``resource.Quantity{i:resource.int64Amount{value:1, scale:0}, …}``;
the checks that pass ``value.String()`` print the quoted text. A map's keys are checked in name order
(Go's order is random).
"""

from __future__ import annotations

import re
from typing import Any

from ..quantity import Quantity, QuantityError

#: helper.standardResources (pkg/apis/core/helper/helpers.go)
STANDARD_RESOURCES = frozenset({
    "cpu", "memory", "ephemeral-storage", "requests.cpu", "requests.memory", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage", "pods", "services", "replicationcontrollers",
    "resourcequotas", "secrets", "persistentvolumeclaims", "configmaps", "storage", "requests.storage",
    "services.nodeports", "services.loadbalancers"})
#: helper.standardQuotaResources
STANDARD_QUOTA_RESOURCES = frozenset({
    "pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps",
    "persistentvolumeclaims", "services.nodeports", "services.loadbalancers", "cpu", "memory",
    "ephemeral-storage", "requests.cpu", "requests.memory", "requests.storage", "requests.ephemeral-storage",
    "limits.cpu", "limits.memory", "limits.ephemeral-storage"})
#: helper.integerResources
INTEGER_RESOURCES = frozenset({"pods", "services", "replicationcontrollers", "resourcequotas", "secrets",
                               "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"})
STANDARD_SCOPES = ("Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass",
                   "CrossNamespacePodAffinity")
#: the resources a pod-scoped quota may limit (helper.IsResourceQuotaScopeValidForResource)
_POD_OBJECT_COUNTS = frozenset({"pods", "count/pods"})
_POD_COMPUTE = frozenset({"cpu", "memory", "requests.cpu", "requests.memory", "limits.cpu", "limits.memory"})
_LIMIT_TYPES = ("Pod", "Container", "PersistentVolumeClaim")
_QUALIFIED_NAME = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
HIGHEST_USER_PRIORITY = 1000000000
SYSTEM_CLASSES = {"system-node-critical": 2000001000, "system-cluster-critical": 2000000000}
_FORMATS = {"DecimalSI": "DecimalSI", "BinarySI": "BinarySI", "DecimalExponent": "DecimalExponent"}


def go_quantity(q: Quantity) -> str:
    """``%#v`` of a parsed resource.Quantity held as an int64Amount."""
    return (f"resource.Quantity{{i:resource.int64Amount{{value:{q._u}, scale:{q._e}}}, "  # noqa: SLF001
            f'd:resource.infDecAmount{{Dec:(*inf.Dec)(nil)}}, s:"{q._s}", Format:"{_FORMATS[q.format]}"}}')  # noqa: SLF001


def _q(value: Any) -> Quantity | None:
    try:
        return Quantity.of(value)
    except (QuantityError, ValueError):
        return None


def _check_meta(errs: Any, obj: dict, r: Any) -> None:
    from ..admission import _validate_generic  # ValidateObjectMeta, as every kind's validator starts

    _validate_generic(errs, obj, r)


def _qualified_name_errors(value: str) -> list[str]:
    """validation.IsQualifiedName's messages."""
    msgs: list[str] = []
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            msgs.append("prefix part must be non-empty")
        elif len(prefix) > 253 or not _DNS_SUBDOMAIN.match(prefix):
            msgs.append("prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric "
                        "characters, '-' or '.', and must start and end with an alphanumeric character (e.g. "
                        "'example.com', regex used for validation is "
                        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
    else:
        return ["a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and "
                "end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix "
                "and '/' (e.g. 'example.com/MyName')"]
    if not name:
        msgs.append("name part must be non-empty")
    elif len(name) > 63:
        msgs.append("name part must be no more than 63 characters")
    elif not _QUALIFIED_NAME.match(name):
        msgs.append("name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                    "with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
                    "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')")
    return msgs


def _standard(name: str, table: frozenset[str]) -> bool:
    return name in table or name.startswith("hugepages-") or name.startswith("requests.hugepages-")


def _resource_name(errs: Any, path: str, name: str, detail: str = "must be a standard resource type or fully qualified",
                   table: frozenset[str] = STANDARD_RESOURCES) -> bool:
    """validateResourceName: a qualified name, standard when it has no domain."""
    msgs = _qualified_name_errors(name)
    for msg in msgs:
        errs.invalid(path, name, msg)
    if msgs:
        return False
    if "/" not in name and not _standard(name, table):
        errs.invalid(path, name, detail)
        return False
    return True


# -- ResourceQuota ---------------------------------------------------------------------------------
def _integer_resource(name: str) -> bool:
    if name in INTEGER_RESOURCES:
        return True
    return "/" in name and not name.startswith("requests.") and "kubernetes.io/" not in name  # an extended resource


def validate_resource_quota(errs: Any, obj: dict, r: Any) -> None:
    _check_meta(errs, obj, r)
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    hard = spec.get("hard") if isinstance(spec.get("hard"), dict) else {}
    for name in sorted(hard):
        path = f"spec.hard[{name}]"
        if _resource_name(errs, path, name) and "/" not in name and not _standard(name, STANDARD_QUOTA_RESOURCES):
            errs.invalid(path, name, "must be a standard resource for quota")
        q = _q(hard[name])
        if q is None:
            continue
        if q.sign() < 0:
            errs.invalid(path, str(q), "must be greater than or equal to 0")
        if _integer_resource(name) and q.milli_value() % 1000 != 0:
            errs.invalid(path, go_quantity(q), "must be an integer", raw=True)
    scopes = [s for s in spec.get("scopes") or [] if isinstance(s, str)]
    if scopes:
        shown = "[]core.ResourceQuotaScope{" + ", ".join(f'"{s}"' for s in scopes) + "}"
        for scope in scopes:
            if scope not in STANDARD_SCOPES:
                errs.invalid("spec.scopes", shown, "unsupported scope", raw=True)
            for name in sorted(hard):
                if _standard(name, STANDARD_QUOTA_RESOURCES) and not _scope_valid(scope, name):
                    errs.invalid("spec.scopes", shown, "unsupported scope applied to resource", raw=True)
        for pair in (("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")):
            if all(p in scopes for p in pair):
                errs.invalid("spec.scopes", shown, "conflicting scopes", raw=True)


def _scope_valid(scope: str, resource: str) -> bool:
    """helper.IsResourceQuotaScopeValidForResource."""
    if scope in ("Terminating", "NotTerminating", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"):
        return resource in _POD_OBJECT_COUNTS or resource in _POD_COMPUTE
    if scope == "BestEffort":
        return resource in _POD_OBJECT_COUNTS
    return False


# -- LimitRange ------------------------------------------------------------------------------------
def validate_limit_range(errs: Any, obj: dict, r: Any) -> None:
    _check_meta(errs, obj, r)
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else {}
    seen: set[str] = set()
    for i, item in enumerate(spec.get("limits") or []):
        if not isinstance(item, dict):
            continue
        path = f"spec.limits[{i}]"
        t = item.get("type") or ""
        type_msgs = _qualified_name_errors(t)
        for msg in type_msgs:
            errs.invalid(f"{path}.type", t, msg)
        if not type_msgs and "/" not in t and t not in _LIMIT_TYPES:
            errs.invalid(f"{path}.type", t, "must be a standard limit type or fully qualified")
        if t in seen:
            errs.duplicate(f"{path}.type", t)
        seen.add(t)
        fields: dict[str, dict[str, Quantity]] = {}
        order = ["max", "min"] + (["default", "defaultRequest"] if t != "Pod" else []) + ["maxLimitRequestRatio"]
        for field in order:
            values = item.get(field) if isinstance(item.get(field), dict) else {}
            fields[field] = {}
            for name in sorted(values):
                fpath = f"{path}.{field}[{name}]"
                if t in ("Pod", "Container"):
                    _resource_name(errs, fpath, name, "must be a standard resource type or fully qualified")
                else:
                    _resource_name(errs, fpath, name)
                if (q := _q(values[name])) is not None:
                    fields[field][name] = q
        if t == "Pod":
            for field in ("default", "defaultRequest"):
                if item.get(field):
                    errs.forbidden(f"{path}.{field}", "may not be specified when `type` is 'Pod'")
        if t == "PersistentVolumeClaim" and "storage" not in fields["min"] and "storage" not in fields["max"]:
            errs.required(f"{path}.limits", "either minimum or maximum storage value is required, but neither was provided")
        keys = sorted({k for f in fields.values() for k in f})
        for k in keys:
            mn, mx = fields["min"].get(k), fields["max"].get(k)
            dflt, req = fields.get("default", {}).get(k), fields.get("defaultRequest", {}).get(k)
            ratio = fields["maxLimitRequestRatio"].get(k)
            if mn is not None and mx is not None and mn.cmp(mx) > 0:
                errs.invalid(f"{path}.min[{k}]", go_quantity(mn), f"min value {mn} is greater than max value {mx}", raw=True)
            if req is not None and mn is not None and mn.cmp(req) > 0:
                errs.invalid(f"{path}.defaultRequest[{k}]", go_quantity(req),
                             f"min value {mn} is greater than default request value {req}", raw=True)
            if req is not None and mx is not None and req.cmp(mx) > 0:
                errs.invalid(f"{path}.defaultRequest[{k}]", go_quantity(req),
                             f"default request value {req} is greater than max value {mx}", raw=True)
            if req is not None and dflt is not None and req.cmp(dflt) > 0:
                errs.invalid(f"{path}.defaultRequest[{k}]", go_quantity(req),
                             f"default request value {req} is greater than default limit value {dflt}", raw=True)
            if dflt is not None and mn is not None and mn.cmp(dflt) > 0:
                errs.invalid(f"{path}.default[{k}]", go_quantity(mn),
                             f"min value {mn} is greater than default value {dflt}", raw=True)
            if dflt is not None and mx is not None and dflt.cmp(mx) > 0:
                errs.invalid(f"{path}.default[{k}]", go_quantity(mx),
                             f"default value {dflt} is greater than max value {mx}", raw=True)
            if ratio is not None and ratio.cmp(Quantity.parse("1")) < 0:
                errs.invalid(f"{path}.maxLimitRequestRatio[{k}]", go_quantity(ratio),
                             f"ratio {ratio} is less than 1", raw=True)
            if ratio is not None and mn is not None and mx is not None and mn.milli_value():
                limit = mx.milli_value() / mn.milli_value()
                if ratio.milli_value() / 1000 > limit:
                    errs.invalid(f"{path}.maxLimitRequestRatio[{k}]", go_quantity(ratio),
                                 f"ratio {ratio} is greater than max/min = {limit:f}", raw=True)


# -- PriorityClass ---------------------------------------------------------------------------------
def validate_priority_class(errs: Any, obj: dict, r: Any) -> None:
    _check_meta(errs, obj, r)
    name = (obj.get("metadata") or {}).get("name") or ""
    value = obj.get("value")
    if isinstance(name, str) and name.startswith("system-"):
        problem = ""
        if name not in SYSTEM_CLASSES:
            problem = f"{name} is not a known system priority class"
        elif value != SYSTEM_CLASSES[name]:
            problem = f"value of {name} PriorityClass must be {SYSTEM_CLASSES[name]}"
        elif obj.get("globalDefault"):
            problem = f"globalDefault of {name} PriorityClass must be false"
        if problem:
            errs.forbidden("metadata.name", "priority class names with 'system-' prefix are reserved for system "
                                            f"use only. error: {problem}")
    elif isinstance(value, int) and value > HIGHEST_USER_PRIORITY:
        errs.forbidden("value", f"maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}")
    policy = obj.get("preemptionPolicy")
    if policy is not None and policy not in ("Never", "PreemptLowerPriority"):
        errs.unsupported("preemptionPolicy", policy, ["Never", "PreemptLowerPriority"])


def update_priority_class(errs: Any, old: dict, new: dict, r: Any) -> None:
    if new.get("value") != old.get("value"):
        errs.forbidden("value", "may not be changed in an update.")
    # an update that leaves the policy out gets SetDefaults_PriorityClass's before this check
    policy = new.get("preemptionPolicy") or "PreemptLowerPriority"
    if policy != (old.get("preemptionPolicy") or "PreemptLowerPriority"):
        errs.invalid("preemptionPolicy", policy, "field is immutable")


#: kind -> validator(errs: admission.Errors, obj, resource)
VALIDATORS: dict[str, Any] = {"ResourceQuota": validate_resource_quota, "LimitRange": validate_limit_range,
                              "PriorityClass": validate_priority_class}
#: kind -> update rule(errs: admission.Errors, old, new, resource)
UPDATE_VALIDATORS: dict[str, Any] = {"PriorityClass": update_priority_class}
