"""The learning path: the editor's examples grouped and described, and the guided lessons.

Owns: reading ``catalog.yaml`` (beside this file; its header documents the format) and checking
it whole when the app starts, so a broken catalogue stops the server instead of a lesson on the
page: every example file is in exactly one group and every group names only existing files; every
lesson step has a title, a watch text and a check; every ``kubectl … -f NAME`` a step runs names a
file of the workstation's home (``server.sandbox.workspace_files``: by path or bare name); every
check condition parses. The conditions are served *parsed* (``parse_condition``): label selectors
as ``[{"key", "op", "value"}]`` terms and paths as segments, so the page's evaluator
(static/src/lessoncheck.js) only walks them — one parser (here), one evaluator (there), and the
page's checks read the live mirror (pods' STATUS from the server's cells, never recomputed).

Hands off: serving (``server.web.lessons``, ``GET /api/lessons``); evaluating (the page).
Nothing here touches a cluster.
"""

from __future__ import annotations

import functools
import re
import shlex
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

from ..sandbox import workspace_files

CATALOG = Path(__file__).with_name("catalog.yaml")

#: what a condition compares: with a ``name``, the object's value (or its existence); without one,
#: how many objects were picked
NAMED_OPS = ("exists", "equals", "atLeast", "atMost", "count")
COUNT_OPS = ("count", "atLeast", "atMost")
CONDITION_KEYS = {"kind", "namespace", "name", "selector", "node", "status", "path", "cell", *NAMED_OPS}
#: the cells the server sends for a pod or node (server/web/live.py) a check may compare
CELLS = ("status", "ready", "restarts", "node", "ip", "roles")
STEP_KEYS = {"id", "title", "commands", "do", "watch", "check"}
LESSON_KEYS = {"id", "title", "summary", "source", "steps"}

_ID = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_LABEL_KEY = re.compile(r"^([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$")
_LABEL_VALUE = re.compile(r"^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$")
# one path segment: a field name, [N], [*], [field=value] or ["a key with dots/slashes"]
_SEGMENT = re.compile(r'\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[(\*)\]|\[([A-Za-z_][A-Za-z0-9_]*)=([^\]]*)\]|\["([^"]+)"\]')


class CatalogError(ValueError):
    """The catalogue is wrong; the message starts with where (``lessons[1].steps[0].check``)."""


def parse_selector(text: str) -> list[dict]:
    """An equality-based label selector (``app=web,tier!=db,track,!canary``) as terms
    ``{"key", "op": "="|"!="|"exists"|"!exists", "value"}``, as ``kubectl -l`` reads one."""
    terms = []
    for raw in text.split(","):
        part = raw.strip()
        if not part:
            raise CatalogError(f"selector {text!r}: an empty term")
        m = re.fullmatch(r"([^=!\s]+)\s*(!=|==|=)\s*(\S*)", part)
        if m:
            key, op, value = m.group(1), "!=" if m.group(2) == "!=" else "=", m.group(3)
        elif part.startswith("!"):
            key, op, value = part[1:], "!exists", None
        else:
            key, op, value = part, "exists", None
        if not _LABEL_KEY.match(key) or (value is not None and not _LABEL_VALUE.match(value)):
            raise CatalogError(f"selector {text!r}: {part!r} is not a label term")
        terms.append({"key": key, "op": op, "value": value})
    return terms


def parse_path(text: str) -> list[dict]:
    """A field path as segments: ``{"key"}`` (a field, or a quoted key), ``{"index"}``, ``{"all": True}``
    (every item of a list), ``{"where": [field, value]}`` (the list item whose field is value)."""
    out: list[dict] = []
    pos = 0
    while pos < len(text):
        m = _SEGMENT.match(text, pos)
        if not m or (pos == 0 and text.startswith(".")) or (pos and m.group(1) and text[pos] != "."):
            raise CatalogError(f"path {text!r}: cannot read it at {text[pos:]!r}")
        name, index, star, field, value, quoted = m.groups()
        if name or quoted:
            out.append({"key": name or quoted})
        elif index is not None:
            out.append({"index": int(index)})
        elif star:
            out.append({"all": True})
        else:
            out.append({"where": [field, value]})
        pos = m.end()
    if not out:
        raise CatalogError("path: empty")
    return out


def parse_condition(cond: Any) -> dict:
    """One check condition (catalog.yaml's header) in the form the page evaluates: ``kind``,
    ``namespace``, ``name``, ``selector`` terms, ``node``, ``status`` words, ``path`` segments with
    ``many`` (a ``[*]`` in it), ``cell``, and the comparison as ``op`` and ``value``."""
    if not isinstance(cond, dict):
        raise CatalogError("a condition is a mapping")
    unknown = sorted(set(cond) - CONDITION_KEYS)
    if unknown:
        raise CatalogError(f"unknown field {unknown[0]!r}")
    kind = cond.get("kind")
    if not isinstance(kind, str) or not re.fullmatch(r"[A-Z][A-Za-z0-9]*", kind):
        raise CatalogError("kind: a Kubernetes kind (Pod, Deployment …) is required")
    name = cond.get("name")
    if name is not None and not isinstance(name, str):
        raise CatalogError("name: a string")
    if name is not None and "selector" in cond:
        raise CatalogError("name and selector: pick one")
    status = cond.get("status")
    if isinstance(status, str):
        status = [status]
    if status is not None and not (isinstance(status, list) and status and all(isinstance(s, str) for s in status)):
        raise CatalogError("status: a STATUS word or a list of them")
    ops = [op for op in NAMED_OPS if op in cond]
    if len(ops) != 1:
        raise CatalogError(f"one comparison of {', '.join(NAMED_OPS)} is needed (found {len(ops)})")
    op = ops[0]
    value = cond[op]
    path = cond.get("path")
    cell = cond.get("cell")
    if path is not None and cell is not None:
        raise CatalogError("path and cell: pick one")
    if name is None and (path is not None or cell is not None or op not in COUNT_OPS):
        raise CatalogError(f"without a name a condition counts objects: {', '.join(COUNT_OPS)}")
    segments = parse_path(path) if path is not None else None
    many = bool(segments and any(s.get("all") for s in segments))
    if cell is not None and cell not in CELLS:
        raise CatalogError(f"cell: one of {', '.join(CELLS)}")
    if op == "exists":
        if not isinstance(value, bool):
            raise CatalogError("exists: true or false")
    elif op == "count" or (op != "equals" and (name is None or many)):
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise CatalogError(f"{op}: a count (0, 1, 2 …)")
    elif op == "equals":
        if many:
            raise CatalogError("equals: a path with [*] reaches many values; compare how many (count)")
        if not isinstance(value, (str, int, float, bool)):
            raise CatalogError("equals: a string, number or boolean")
    elif not isinstance(value, (int, float)) or isinstance(value, bool):
        raise CatalogError(f"{op}: a number")
    if op == "count" and name is not None and segments is None:
        raise CatalogError("count: with a name, count the values of a path")
    if name is not None and op != "exists" and segments is None and cell is None:
        raise CatalogError(f"{op}: compare a path or a cell of the object")
    namespace = cond.get("namespace", "default")
    if not isinstance(namespace, str):
        raise CatalogError("namespace: a string")
    node = cond.get("node")
    if node is not None and not isinstance(node, str):
        raise CatalogError("node: a node name")
    return {
        "kind": kind, "namespace": namespace, "name": name,
        "selector": parse_selector(cond["selector"]) if "selector" in cond else None,
        "node": node, "status": status, "path": segments, "many": many, "cell": cell,
        "op": op, "value": value,
    }


def _files_named(command: str) -> list[str]:
    """The files a ``kubectl … -f NAME`` line reads (``-f a.yml``, ``--filename=a.yml``, ``-fa.yml``)."""
    try:
        words = shlex.split(command)
    except ValueError as e:
        raise CatalogError(f"command {command!r}: {e}") from None
    if not words or words[0] != "kubectl":
        return []
    out = []
    for i, w in enumerate(words):
        if w in ("-f", "--filename") and i + 1 < len(words):
            out.append(words[i + 1])
        elif w.startswith("--filename="):
            out.append(w.split("=", 1)[1])
        elif w.startswith("-f") and len(w) > 2 and not w.startswith("--"):
            out.append(w[2:])
    return [f for f in out if f != "-" and "://" not in f]


def _text(where: str, value: Any, *, required: bool = True) -> None:
    if value is None and not required:
        return
    if not isinstance(value, str) or not value.strip():
        raise CatalogError(f"{where}: a non-empty text is required")


def _check_groups(groups: Any, examples: set[str] | None) -> None:
    if not isinstance(groups, list) or not groups:
        raise CatalogError("groups: a list of groups is required")
    seen: dict[str, str] = {}
    for gi, group in enumerate(groups):
        where = f"groups[{gi}]"
        if not isinstance(group, dict) or set(group) != {"title", "examples"}:
            raise CatalogError(f"{where}: a group has a title and examples")
        _text(f"{where}.title", group["title"])
        if not isinstance(group["examples"], list) or not group["examples"]:
            raise CatalogError(f"{where}.examples: a list of examples is required")
        for ei, ex in enumerate(group["examples"]):
            at = f"{where}.examples[{ei}]"
            if not isinstance(ex, dict) or set(ex) != {"path", "teaches"}:
                raise CatalogError(f"{at}: an example has a path and what it teaches")
            _text(f"{at}.teaches", ex["teaches"])
            path = ex["path"]
            if path in seen:
                raise CatalogError(f"{at}: {path} is already in {seen[path]}")
            if examples is not None and path not in examples:
                raise CatalogError(f"{at}: no example file {path}")
            seen[path] = where
    if examples is not None:
        missing = sorted(examples - set(seen))
        if missing:
            raise CatalogError(f"groups: {missing[0]} is in no group (every example is described)")


def _entry(where: str, entry: Any, what: str, keys: frozenset[str] | set[str], ids: set[str], id_rule: str) -> None:
    """A lesson's or a step's frame: a mapping of known fields with an id not seen before (added to ``ids``)."""
    if not isinstance(entry, dict):
        raise CatalogError(f"{where}: {what} is a mapping")
    unknown = sorted(set(entry) - keys)
    if unknown:
        raise CatalogError(f"{where}: unknown field {unknown[0]!r}")
    eid = entry.get("id")
    if not isinstance(eid, str) or not _ID.match(eid) or eid in ids:
        raise CatalogError(f"{where}.id: {id_rule}")
    ids.add(eid)


def _check_lessons(lessons: Any, files: dict[str, str] | None) -> list[dict]:
    if not isinstance(lessons, list) or not lessons:
        raise CatalogError("lessons: a list of lessons is required")
    out = []
    ids = set()
    for li, lesson in enumerate(lessons):
        where = f"lessons[{li}]"
        _entry(where, lesson, "a lesson", LESSON_KEYS, ids, "a unique lowercase id is required")
        _text(f"{where}.title", lesson.get("title"))
        _text(f"{where}.summary", lesson.get("summary"))
        _text(f"{where}.source", lesson.get("source"), required=False)
        steps = lesson.get("steps")
        if not isinstance(steps, list) or not steps:
            raise CatalogError(f"{where}.steps: a list of steps is required")
        step_ids = set()
        served_steps = []
        for si, step in enumerate(steps):
            at = f"{where}.steps[{si}]"
            _entry(at, step, "a step", STEP_KEYS, step_ids, "a lowercase id unique in its lesson is required")
            _text(f"{at}.title", step.get("title"))
            _text(f"{at}.watch", step.get("watch"))
            _text(f"{at}.do", step.get("do"), required=False)
            commands = step.get("commands", [])
            if not isinstance(commands, list) or not all(isinstance(c, str) and c.strip() for c in commands):
                raise CatalogError(f"{at}.commands: a list of command lines")
            if not commands and not step.get("do"):
                raise CatalogError(f"{at}: a step has commands to run or something to do")
            for ci, command in enumerate(commands):
                try:
                    named = _files_named(command)
                except CatalogError as e:
                    raise CatalogError(f"{at}.commands[{ci}]: {e}") from None
                for name in named:
                    if files is not None and name not in files:
                        raise CatalogError(f"{at}.commands[{ci}]: no file {name} in the workstation's home")
            check = step.get("check")
            if not isinstance(check, dict) or set(check) != {"text", "all"}:
                raise CatalogError(f"{at}.check: a check has a text and all (its conditions)")
            _text(f"{at}.check.text", check["text"])
            if not isinstance(check["all"], list) or not check["all"]:
                raise CatalogError(f"{at}.check.all: a list of conditions is required")
            parsed = []
            for ki, cond in enumerate(check["all"]):
                try:
                    parsed.append(parse_condition(cond))
                except CatalogError as e:
                    raise CatalogError(f"{at}.check.all[{ki}]: {e}") from None
            served_steps.append({"id": step["id"], "title": step["title"], "commands": list(commands),
                                 "do": step.get("do"), "watch": step["watch"],
                                 "check": {"text": check["text"], "all": parsed}})
        out.append({"id": lesson["id"], "title": lesson["title"], "summary": lesson["summary"],
                    "source": lesson.get("source"), "steps": served_steps})
    return out


def validate(data: Any, examples: Iterable[str] | None = None) -> dict:
    """The catalogue as served (``{"groups", "lessons"}``, conditions parsed), or CatalogError.
    ``examples``: the example files by relative path (``load_examples``' keys); None skips the
    file checks."""
    if not isinstance(data, dict) or set(data) != {"groups", "lessons"}:
        raise CatalogError("the catalogue has groups and lessons")
    names = set(examples) if examples is not None else None
    _check_groups(data["groups"], names)
    files = workspace_files(dict.fromkeys(names, "")) if names is not None else None
    lessons = _check_lessons(data["lessons"], files)
    groups = [{"title": g["title"], "examples": [dict(e) for e in g["examples"]]} for g in data["groups"]]
    return {"groups": groups, "lessons": lessons}


@functools.lru_cache(maxsize=8)
def _parsed(path: str, mtime_ns: int, size: int) -> Any:
    """The catalogue file's YAML, parsed once per version of the file (every app a test builds
    loads it; libyaml's loader where PyYAML has it). ``validate`` reads it, never changes it."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - a safe loader


def load_catalog(path: Path = CATALOG, examples: Iterable[str] | None = None) -> dict:
    """Reads and validates the catalogue (see ``validate``)."""
    try:
        st = path.stat()
        data = _parsed(str(path), st.st_mtime_ns, st.st_size)
    except yaml.YAMLError as e:
        raise CatalogError(f"{path.name}: {e}") from None
    try:
        return validate(data, examples)
    except CatalogError as e:
        raise CatalogError(f"{path.name}: {e}") from None
