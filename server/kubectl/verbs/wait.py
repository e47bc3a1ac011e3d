"""kubectl wait: block until objects meet a condition (kubectl/pkg/cmd/wait), on the virtual clock.

Owns: ``--for`` as v1.32 parses it (``parse_condition``: ``delete`` in any case, ``create``,
``condition=NAME[=VALUE]`` with VALUE ``true`` by default, ``jsonpath=EXPR[=VALUE]`` split on single
``=`` with ``==`` kept, EXPR relaxed and parsed by the shared ``jsonpath`` module; ``unrecognized
condition: "x"`` and the jsonpath format errors otherwise), what "met" means (``condition_met``: the
condition's type and status compared case-insensitively, conditions from an older generation ignored; a jsonpath
finding exactly one primitive value, compared as Go's ``%v`` prints it, or any value at all), and the
command's walk over its targets: names, ``TYPE/NAME``, ``-f``, ``-l``, ``--all``, ``-A``; NotFound for
a missing object except under ``--for=delete``; one overall ``--timeout`` (default 30s, ``0`` checks
once and answers ``condition not met for pods/x``, negative means a week) after which every object
still to wait for answers ``timed out waiting for the condition on pods/x``; ``pod/x condition met``
(or the object, with ``-o``) for each success; ``no matching resources found`` when a selector
names nothing; the errors printed as kubectl's ``CheckErr`` prints an aggregate (one: ``error: …``;
several: one per line, bare).

The terminal is request/response, so where the real command watches, ``wait`` runs the simulated
clock forward (``Cluster.run_until``): timer to timer (``Clock.next_due``), checking after each instant,
never past the deadline; a condition that cannot come true costs one jump to the deadline. ``create``
polls every half second as kubectl does, so the clock stops on that grid.

Hands off: target resolution to ``files.gather``; output to ``apply.printed``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ...sim import fields
from ...sim.api import not_found
from ...sim.clock import parse_go_duration
from ...sim.store import Obj
from .. import jsonpath, resolve
from ..files import Ref, gather
from ..parse import Flag, Invocation, KubectlError, Result, command
from .apply import check_output, printed

if TYPE_CHECKING:
    pass

DEFAULT_TIMEOUT = 30.0
WEEK = 168 * 3600.0
CREATE_POLL = 0.5
JSONPATH_FORMAT = ("jsonpath wait format must be --for=jsonpath='{.status.readyReplicas}'=3 or "
                   "--for=jsonpath='{.status.readyReplicas}'")


@dataclass(frozen=True)
class Condition:
    """What ``--for`` asks for: ``kind`` is delete | create | condition | jsonpath."""

    kind: str
    name: str = ""  # the condition type
    value: str = ""  # the wanted condition status or jsonpath value ("" with jsonpath: any value)
    path: str = ""  # the jsonpath template, relaxed (``{.status.phase}``)
    parsed: jsonpath.JSONPath | None = field(default=None, compare=False, repr=False)


def _split_jsonpath_input(text: str) -> list[str]:
    """``splitJSONPathInput``: split on single ``=``; ``==`` stays inside an element."""
    out, cur, i = [], [], 0
    while i < len(text):
        if text[i] == "=":
            if i < len(text) - 1 and text[i + 1] == "=":
                cur.append("==")
                i += 2
                continue
            out.append("".join(cur))
            cur = []
        else:
            cur.append(text[i])
        i += 1
    out.append("".join(cur))
    return out


def parse_condition(text: str) -> Condition:
    """``conditionFuncFor``: the ``--for`` value, or kubectl's error for it."""
    if text.lower() == "delete":
        return Condition("delete")
    if text.lower() == "create":
        return Condition("create")
    if text.startswith("condition="):
        name, eq, value = text[len("condition="):].partition("=")
        return Condition("condition", name=name, value=value if eq else "true")
    if text.startswith("jsonpath="):
        parts = _split_jsonpath_input(text[len("jsonpath="):])
        if len(parts) > 2:
            raise KubectlError(f"error: {JSONPATH_FORMAT}")
        try:
            path = jsonpath.relaxed(parts[0])
        except jsonpath.JSONPathError as e:
            raise KubectlError(f"error: {e}") from None
        value = ""
        if len(parts) == 2:
            value = parts[1].strip("'\"")
            if not value:
                raise KubectlError("error: jsonpath wait has to have a value after equal sign, like "
                                   "--for=jsonpath='{.status.readyReplicas}'=3")
        if not path:
            raise KubectlError("error: jsonpath expression cannot be empty")
        try:
            parsed = jsonpath.JSONPath(path, allow_missing_keys=True)
        except jsonpath.JSONPathError as e:
            raise KubectlError(f"error: {e}") from None
        return Condition("jsonpath", value=value, path=path, parsed=parsed)
    raise KubectlError(f'error: unrecognized condition: "{text}"')


def _observed_generation(obj: Obj, condition: dict) -> int | None:
    if isinstance(condition.get("observedGeneration"), int):
        return condition["observedGeneration"]
    value = (obj.get("status") or {}).get("observedGeneration")
    return value if isinstance(value, int) else None


def condition_met(cond: Condition, obj: Obj) -> bool:
    """Whether ``obj`` satisfies a condition or jsonpath ``cond`` (``checkCondition``); raises
    KubectlError with kubectl's message for a jsonpath that finds several or nested values."""
    if cond.kind == "condition":
        for c in (obj.get("status") or {}).get("conditions") or []:
            if not isinstance(c, dict) or not isinstance(c.get("type"), str):
                continue
            if c["type"].casefold() != cond.name.casefold() or not isinstance(c.get("status"), str):
                continue
            generation = obj["metadata"].get("generation")
            if isinstance(generation, int):
                observed = _observed_generation(obj, c)
                if observed is not None and observed < generation:
                    return False
            return c["status"].casefold() == cond.value.casefold()
        return False
    parsed = cond.parsed or jsonpath.JSONPath(cond.path, allow_missing_keys=True)
    try:
        results = parsed.find_results(obj)
    except jsonpath.JSONPathError as e:
        raise KubectlError(f"error: {e}") from None
    if not results or not results[0]:
        return False
    if len(results) > 1:
        raise KubectlError("error: given jsonpath expression matches more than one list")
    if len(results[0]) > 1:
        raise KubectlError("error: given jsonpath expression matches more than one value")
    if not cond.value:
        return True
    if isinstance(results[0][0], dict | list):
        raise KubectlError("error: jsonpath leads to a nested object or list which is not supported")
    return jsonpath.go_sprint(results[0][0]).strip() == cond.value.strip()


def _timeout(inv: Invocation) -> float:
    text = inv.flags.get("timeout")
    if text is None:
        return DEFAULT_TIMEOUT
    try:
        seconds = parse_go_duration(text)
    except ValueError as e:
        raise KubectlError(f'error: invalid argument "{text}" for "--timeout" flag: {e}\n'
                           "See 'kubectl wait --help' for usage.") from None
    return WEEK if seconds < 0 else seconds


def check_err(errors: list[str]) -> str:
    """``cmdutil.CheckErr`` of an aggregate: one error with its ``error: `` prefix, several one per
    line without it (the server's errors keep their ``Error from server (…)`` wording either way)."""
    if len(errors) == 1:
        return errors[0] + "\n"
    return "".join(e.removeprefix("error: ") + "\n" for e in errors)


def _refs(inv: Invocation) -> tuple[list[Ref], dict[int, Obj]]:
    """The targets, and for those a list found (``-l``, ``--all``) the objects as listed, by
    position: the builder lists once up front, while named objects are fetched one by one as the
    walk reaches them."""
    f = inv.flags
    refs, errors = gather(inv, inv.args, verb="wait", selector=f.get("selector"),
                          select_all=bool(f.get("all")), all_namespaces=bool(f.get("all-namespaces")))
    if errors:
        raise KubectlError("\n".join(errors))
    listed = bool(inv.args) and not f.get("filename") and not any(t.names for t in resolve.targets(inv.args))
    if not listed:
        return refs, {}
    store = inv.cluster.store
    text = f.get("field-selector") or ""
    kept: list[Ref] = []
    snapshots: dict[int, Obj] = {}
    for ref in refs:
        obj = store.get(ref.resource.kind, ref.namespace, ref.name)
        if obj is None:
            continue
        if text:  # the builder sends a field selector with its lists only
            try:
                reqs = fields.parse(text, ref.resource.kind)
            except fields.FieldSelectorError as e:
                raise KubectlError(f"Error from server (BadRequest): {e}") from None
            if not fields.matches(obj, reqs):
                continue
        snapshots[len(kept)] = obj
        kept.append(ref)
    return kept, snapshots


def _wait_created(inv: Invocation, refs: list[Ref], deadline: float | None) -> None:
    """``--for=create``: poll (every half second, from now) until every named object exists."""
    cluster = inv.cluster
    start = cluster.clock.now()

    def all_there() -> bool:
        return all(cluster.store.peek(r.resource.kind, r.namespace, r.name) is not None for r in refs)

    if all_there():
        return
    if deadline is None:  # --timeout=0: PollUntilContextTimeout with no time gives up at once
        raise KubectlError("error: timed out waiting for the condition")
    if not cluster.run_until(deadline, all_there):
        raise KubectlError("error: timed out waiting for the condition")
    # kubectl notices at its next poll
    polls = math.ceil((cluster.clock.now() - start) / CREATE_POLL - 1e-9)
    cluster.advance(max(0.0, min(deadline, start + polls * CREATE_POLL) - cluster.clock.now()))


@command("wait", flags=[Flag("filename", "f", "list"), Flag("recursive", "R"), Flag("kustomize", "k", "str"),
                        Flag("selector", "l", "str"), Flag("field-selector", kind="str"), Flag("all"),
                        Flag("all-namespaces", "A"), Flag("output", "o", "str"), Flag("template", kind="str"),
                        Flag("allow-missing-template-keys", default=True), Flag("show-managed-fields"),
                        Flag("timeout", kind="str"), Flag("for", kind="str"), Flag("local")])
def wait(inv: Invocation) -> Result:
    if inv.flags.get("kustomize"):  # -k is not wired into the resource builder (files.gather) yet
        raise KubectlError(f"error: kubeplay does not simulate `kubectl {inv.command} -k` yet")
    timeout = _timeout(inv)
    fmt = check_output(inv)
    cond = parse_condition(inv.flags.get("for") or "")
    cluster = inv.cluster
    deadline = cluster.clock.now() + timeout if timeout > 0 else None
    refs, listed = _refs(inv)
    if cond.kind == "create":
        _wait_created(inv, refs, deadline)
    out: list[str] = []
    errors: list[str] = []
    visited = 0
    for i, ref in enumerate(refs):
        r = ref.resource
        obj = cluster.store.get(r.kind, ref.namespace, ref.name)
        if obj is None and i in listed:
            if cond.kind == "delete":  # listed, gone since: IsDeleted's first look says met
                visited += 1
                out.append(printed(r, ref.name, "condition met", fmt, listed[i]))
                continue
            # listed, gone since: the condition's own Get (or its watch) meets NotFound
            e = not_found(r, ref.name)
            errors.append(f"Error from server ({e.reason}): {e.message}")
            visited += 1
            continue
        if obj is None:
            if cond.kind != "delete":  # the builder's NotFound (ignored when waiting for a deletion)
                e = not_found(r, ref.name)
                errors.append(f"Error from server ({e.reason}): {e.message}")
            continue
        visited += 1
        object_name = f"{r.plural}/{ref.name}"
        if cond.kind == "create":
            out.append(printed(r, ref.name, "condition met", fmt, obj))
            continue
        if cond.kind == "delete":
            uid = obj["metadata"].get("uid")

            def gone(r=r, ref=ref, uid=uid) -> bool:
                now = cluster.store.peek(r.kind, ref.namespace, ref.name)
                return now is None or now["metadata"].get("uid") != uid

            if deadline is None:
                errors.append(f"error: condition not met for {object_name}")
            elif cluster.clock.now() >= deadline or not cluster.run_until(deadline, gone):
                errors.append(f"error: timed out waiting for the condition on {object_name}")
            else:
                out.append(printed(r, ref.name, "condition met", fmt, obj))
            continue
        state: dict = {"obj": obj, "error": None}

        def met(r=r, ref=ref, state=state) -> bool:
            now = cluster.store.peek(r.kind, ref.namespace, ref.name)
            if now is None:
                state["error"] = not_found(r, ref.name)
                return True
            state["obj"] = now
            return condition_met(cond, now)

        try:
            if deadline is None:
                if not condition_met(cond, obj):
                    errors.append(f"error: condition not met for {object_name}")
                    continue
            elif cluster.clock.now() >= deadline or not cluster.run_until(deadline, met):
                errors.append(f"error: timed out waiting for the condition on {object_name}")
                continue
        except KubectlError as e:
            errors.append(e.message)
            continue
        if state["error"] is not None:
            errors.append(f"Error from server ({state['error'].reason}): {state['error'].message}")
            continue
        final = state["obj"] if deadline is not None else obj
        out.append(printed(r, ref.name, "condition met", fmt, final))
    if not errors and not visited and cond.kind != "delete":
        errors.append("error: no matching resources found")
    return Result("".join(out) + (check_err(errors) if errors else ""), 1 if errors else 0)
