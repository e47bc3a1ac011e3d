"""kubectl taint: adding, overwriting and removing a node's taints.

Owns: ``kubectl taint nodes NAME… KEY[=VALUE]:EFFECT… | KEY[:EFFECT]-…`` with ``--overwrite``,
``--all``, ``-l``, ``--dry-run`` and ``-o``, as kubectl/pkg/cmd/taint does it: the argument split
(resources first, then taint changes), parseTaints' validation (``invalid taint effect: X,
unsupported taint effect``, ``invalid taint spec: …`` with apimachinery's qualified-name and
label-value messages, duplicates), the conflict checks, ``reorganizeTaints``' verdict (``tainted``
/ ``untainted`` / ``modified``) and its errors (``node n already has k taint(s) with same
effect(s) and --overwrite is false``, ``taint "k" not found``).

Hands off: the write to the REST layer as kubectl sends it (a PATCH through ``modify.send_patch``);
the scheduler and the taint-eviction controller react to the stored node.
"""

from __future__ import annotations

import re
from typing import Any

from ...sim.api import ApiError
from ...sim.store import Obj, deep_copy, matches_selector
from ..parse import Flag, Invocation, KubectlError, Result, command
from ..resolve import parse_selector, resource_type
from .apply import check_output, dry_run_mode, printed
from .modify import send_patch

EFFECTS = ("NoSchedule", "PreferNoSchedule", "NoExecute")

_NAME = r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]"
_NAME_MSG = ("must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric "
             f"character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '{_NAME}')")
_DNS1123 = r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*"
_DNS1123_MSG = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and "
                f"must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation "
                f"is '{_DNS1123}')")
_VALUE = r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?"
_VALUE_MSG = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must "
              "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex "
              f"used for validation is '{_VALUE}')")

FLAGS = [Flag("output", "o", "str"), Flag("dry-run", kind="str", default="none"), Flag("selector", "l", "str"),
         Flag("overwrite"), Flag("all"), Flag("field-manager", kind="str", default="kubectl-taint"),
         Flag("validate", kind="str"), Flag("allow-missing-template-keys", default=True),
         Flag("show-managed-fields"), Flag("template", kind="str")]


def qualified_name_errors(value: str) -> list[str]:
    """apimachinery ``validation.IsQualifiedName``: ``[prefix/]name`` (label and taint keys)."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            return ["prefix part must be non-empty"]
        errs = []
        if len(prefix) > 253:
            errs.append("prefix part must be no more than 253 characters")
        if not re.fullmatch(_DNS1123, prefix):
            errs.append("prefix part " + _DNS1123_MSG)
        if errs:
            return errs
    else:
        return [f"a qualified name {_NAME_MSG} with an optional DNS subdomain prefix and '/' (e.g. "
                "'example.com/MyName')"]
    if not name:
        return ["name part must be non-empty"]
    errs = []
    if len(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not re.fullmatch(_NAME, name):
        errs.append("name part " + _NAME_MSG)
    return errs


def label_value_errors(value: str) -> list[str]:
    """apimachinery ``validation.IsValidLabelValue``."""
    errs = []
    if len(value) > 63:
        errs.append("must be no more than 63 characters")
    if not re.fullmatch(_VALUE, value):
        errs.append(_VALUE_MSG)
    return errs


def taint_string(t: dict[str, Any]) -> str:
    """corev1 ``Taint.ToString``: ``key=value:effect``, ``key:effect``, ``key=value:`` or ``key``."""
    key, value, effect = t.get("key", ""), t.get("value", ""), t.get("effect", "")
    if not effect:
        return f"{key}={value}:" if value else key
    return f"{key}={value}:{effect}" if value else f"{key}:{effect}"


def parse_taint(spec: str) -> dict[str, str]:
    """``parseTaint``: ``key=value:effect``, ``key:effect`` or ``key`` (effect/value may be empty)."""
    parts = spec.split(":")
    value = effect = ""
    if len(parts) == 1:
        key = parts[0]
    elif len(parts) == 2:
        effect = parts[1]
        if effect not in EFFECTS:
            raise ValueError(f"invalid taint effect: {effect}, unsupported taint effect")
        kv = parts[0].split("=")
        if len(kv) > 2:
            raise ValueError(f"invalid taint spec: {spec}")
        key = kv[0]
        if len(kv) == 2:
            value = kv[1]
            if errs := label_value_errors(value):
                raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    else:
        raise ValueError(f"invalid taint spec: {spec}")
    if errs := qualified_name_errors(key):
        raise ValueError(f"invalid taint spec: {spec}, {'; '.join(errs)}")
    out = {"key": key}
    if value:
        out["value"] = value
    if effect:
        out["effect"] = effect
    return out


def parse_taints(specs: list[str]) -> tuple[list[dict], list[dict]]:
    """``parseTaints``: the taints to add and those to remove (``…-``), in the order given."""
    add: list[dict] = []
    remove: list[dict] = []
    seen: set[tuple[str, str]] = set()
    for spec in specs:
        if spec.endswith("-"):
            t = parse_taint(spec[:-1])
            remove.append({k: v for k, v in t.items() if k != "value"})
            continue
        t = parse_taint(spec)
        if not t.get("effect"):
            raise ValueError(f"invalid taint spec: {spec}")
        if (t["key"], t["effect"]) in seen:
            # Go's %v of a corev1.Taint: {Key Value Effect TimeAdded}
            raise ValueError(f"duplicated taints with the same key and effect: "
                             f"{{{t['key']} {t.get('value', '')} {t['effect']} <nil>}}")
        seen.add((t["key"], t["effect"]))
        add.append(t)
    return add, remove


def _match(a: dict, b: dict) -> bool:
    """``Taint.MatchTaint``: same key and effect."""
    return a.get("key") == b.get("key") and a.get("effect", "") == b.get("effect", "")


def reorganize(old: list[dict], overwrite: bool, add: list[dict], remove: list[dict]
               ) -> tuple[str, list[dict], list[str]]:
    """``reorganizeTaints``: (operation, the node's new taints, the not-found errors)."""
    new = [dict(t) for t in add]
    for t in old:
        if not any(_match(n, t) for n in new):
            new.append(t)
    added = len(old) != len(new)
    errors: list[str] = []
    deleted = False
    for r in remove:
        keep = [t for t in new if not (_match(r, t) if r.get("effect") else t.get("key") == r["key"])]
        deleted = len(keep) != len(new)  # kubectl keeps only the last removal's verdict
        new = keep
        if not deleted:
            errors.append(f'taint "{taint_string(r)}" not found')
    if (added and deleted) or overwrite:
        return "modified", new, errors
    return ("tainted" if added else "untainted"), new, errors


def _usage(message: str) -> KubectlError:
    return KubectlError(f"error: {message}\nSee 'kubectl taint -h' for help and examples")


def _aggregate(errors: list[str]) -> str:
    """utilerrors.NewAggregate(...).Error(): one message, or ``[a, b]``."""
    return errors[0] if len(errors) == 1 else "[" + ", ".join(errors) + "]"


@command("taint", flags=FLAGS)
def taint(inv: Invocation) -> Result:
    f = inv.flags
    mode = dry_run_mode(inv)
    resources: list[str] = []
    specs: list[str] = []
    for s in inv.args:
        is_taint = "=" in s or ":" in s or s.endswith("-")
        if is_taint:
            specs.append(s)
        elif specs:
            raise KubectlError(f"error: all resources must be specified before taint changes: {s}")
        else:
            resources.append(s)
    if not resources:
        raise KubectlError("error: one or more resources must be specified as <resource> <name>")
    if not specs:
        raise KubectlError("error: at least one taint update is required")
    try:
        add, remove = parse_taints(specs)
    except ValueError as e:
        raise _usage(str(e)) from None
    # Validate
    r = resource_type(resources[0].lower())
    if r.kind != "Node":
        raise KubectlError(f"error: invalid resource type {resources[0].lower()}, only node types are supported")
    conflicts = [f'{rm["key"]}={rm.get("effect", "")}' for a in add for rm in remove
                 if a["key"] == rm["key"] and (not rm.get("effect") or a["effect"] == rm.get("effect"))]
    if conflicts:
        raise KubectlError("error: can not both modify and remove the following taint(s) in the same command: "
                           + ", ".join(conflicts))
    selector = f.get("selector") or ""
    if f.get("all") and selector:
        raise KubectlError("error: setting 'all' parameter with a non empty selector is prohibited")
    if not f.get("all") and not selector and len(resources) < 2:
        raise KubectlError("error: at least one resource name must be specified since 'all' parameter is not set")
    fmt = check_output(inv)
    store = inv.cluster.store
    errors: list[str] = []
    nodes: list[Obj] = []
    if f.get("all") or selector:
        sel = parse_selector(selector) if selector else None
        nodes = [n for n in store.list("Node")
                 if sel is None or matches_selector(n["metadata"].get("labels") or {}, sel)]
    else:
        for name in resources[1:]:
            node = store.peek("Node", "", name)
            if node is None:
                errors.append(f'Error from server (NotFound): nodes "{name}" not found')
            else:
                nodes.append(node)
    out: list[str] = []
    for node in nodes:
        node = deep_copy(node)
        name = node["metadata"]["name"]
        old = list((node.get("spec") or {}).get("taints") or [])
        if not f.get("overwrite"):
            exists = [t["key"] for t in add for o in old if t["key"] == o.get("key") and t["effect"] == o.get("effect")]
            if exists:
                errors.append(f"error: node {name} already has {','.join(exists)} taint(s) with same effect(s) "
                              "and --overwrite is false")
                continue
        operation, new, missing = reorganize(old, bool(f.get("overwrite")), add, remove)
        if missing:
            errors.append("error: " + _aggregate(missing))
            continue
        if new:
            node.setdefault("spec", {})["taints"] = new
        else:
            (node.get("spec") or {}).pop("taints", None)
        if mode != "client":
            try:
                node = send_patch(inv, r, "", name, {"spec": {"taints": new or None}}, "merge",
                                  dry_run=mode == "server", manager=f.get("field-manager") or "kubectl-taint")
            except ApiError as e:
                errors.append(f"Error from server ({e.reason}): {e.message}")
                continue
        # ToPrinter sets the operation after PrintFlagsWithDryRunStrategy: no "(dry run)" suffix
        out.append(printed(r, name, operation, fmt, node))
    return Result("".join(out) + "".join(e + "\n" for e in errors), 1 if errors else 0)
