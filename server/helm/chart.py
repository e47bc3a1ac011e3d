"""Charts and values as helm v3 reads them (pkg/chart, pkg/chart/loader, pkg/chartutil, pkg/strvals).

Owns: ``Chart`` (its ``Chart.yaml`` metadata, default values, templates and other files, by
path inside the chart), ``load_dir(path)`` (a chart directory shipped with kubeplay), ``load_fs(fs, path)`` (one on the
workstation's files, as ``helm create`` writes it),
``read_values(text)`` (sigs.k8s.io/yaml: YAML through JSON, so every number is a float64, as
``.Values.service.port`` is in a real chart), ``parse_set(expr, into, string=False)``
(``--set a.b=1,c=x`` and ``--set-string``: strvals' typing — ``true``/``false`` bools, ``null``
nil, integers int64, the rest strings; ``a[0]=x`` list items), ``coalesce(chart_values,
user_values)`` (chartutil.CoalesceValues: user values over the chart's, maps merged deeply, a
user ``null`` deletes the key) and ``metadata_json`` (the chart as a release stores it).

Hands off: rendering to ``render``; where charts come from to ``repo``.
"""

from __future__ import annotations

import base64
import copy
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

#: Chart.yaml's keys as chart.Metadata names them in JSON (and the Go field names templates see)
METADATA_FIELDS = (("name", "Name"), ("home", "Home"), ("sources", "Sources"), ("version", "Version"),
                   ("description", "Description"), ("keywords", "Keywords"), ("maintainers", "Maintainers"),
                   ("icon", "Icon"), ("apiVersion", "APIVersion"), ("condition", "Condition"), ("tags", "Tags"),
                   ("appVersion", "AppVersion"), ("deprecated", "Deprecated"), ("annotations", "Annotations"),
                   ("kubeVersion", "KubeVersion"), ("dependencies", "Dependencies"), ("type", "Type"))


class ValuesError(Exception):
    """A values file or ``--set`` expression helm refuses; ``str()`` is helm's message."""


@dataclass
class Chart:
    metadata: dict[str, Any]
    values_text: str = ""
    #: templates/… paths → text
    templates: dict[str, str] = field(default_factory=dict)
    #: every other file (README.md, LICENSE, values.yaml…) → text
    files: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return str(self.metadata.get("name", ""))

    @property
    def version(self) -> str:
        return str(self.metadata.get("version", ""))

    @property
    def app_version(self) -> str:
        return str(self.metadata.get("appVersion", "") or "")

    @property
    def values(self) -> dict[str, Any]:
        return read_values(self.values_text)

    def template_metadata(self) -> dict[str, Any]:
        """``.Chart`` as templates see it: chart.Metadata's Go field names."""
        out: dict[str, Any] = {go: None for _, go in METADATA_FIELDS}
        for key, go in METADATA_FIELDS:
            if key in self.metadata:
                out[go] = self.metadata[key]
        for go in ("Name", "Home", "Version", "Description", "Icon", "APIVersion", "Condition", "Tags",
                   "AppVersion", "KubeVersion", "Type"):
            if out[go] is None:
                out[go] = ""
        out["Deprecated"] = bool(out["Deprecated"])
        return out

    def metadata_json(self) -> dict[str, Any]:
        """chart.Metadata as json.Marshal writes it (``omitempty`` fields left out)."""
        out: dict[str, Any] = {}
        for key, _ in METADATA_FIELDS:
            v = self.metadata.get(key)
            if v not in (None, "", [], {}, False) or key in ("name", "version", "apiVersion"):
                out[key] = v if v is not None else ""
        return out

    def to_json(self) -> dict[str, Any]:
        """The chart inside a stored release (chart.Chart's JSON: templates and files base64)."""
        def b64(text: str) -> str:
            return base64.b64encode(text.encode()).decode()

        return {"metadata": self.metadata_json(), "lock": None,
                "templates": [{"name": p, "data": b64(t)} for p, t in sorted(self.templates.items())],
                "values": self.values, "schema": None,
                "files": [{"name": p, "data": b64(t)} for p, t in sorted(self.files.items())
                          if p not in ("Chart.yaml", "values.yaml")]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Chart:
        def text(b: str) -> str:
            return base64.b64decode(b).decode()

        values = data.get("values") or {}
        return cls(dict(data.get("metadata") or {}), values_text=json.dumps(values),
                   templates={t["name"]: text(t["data"]) for t in data.get("templates") or []},
                   files={f["name"]: text(f["data"]) for f in data.get("files") or []})


def load_dir(path: Path) -> Chart:
    """A chart directory: Chart.yaml, values.yaml, templates/**, the rest as files (.helmignore honoured
    for the names it lists literally)."""
    ignore = set()
    if (path / ".helmignore").is_file():
        ignore = {ln.strip() for ln in (path / ".helmignore").read_text().splitlines()
                  if ln.strip() and not ln.startswith("#")}
    meta = yaml.safe_load((path / "Chart.yaml").read_text()) or {}
    chart = Chart(meta)
    for f in sorted(path.rglob("*")):
        if not f.is_file():
            continue
        rel = f.relative_to(path).as_posix()
        if rel == ".helmignore" or rel.split("/")[0] in ignore or f.name in ignore:
            continue
        _add_file(chart, rel, f.read_text())
    return chart


def _add_file(chart: Chart, rel: str, text: str) -> None:
    """The loader's sorting of a chart's file: values.yaml is the values (not one of ``.Files``, as
    helm's loader keeps it), ``templates/`` the templates, anything else ``.Files``."""
    if rel == "values.yaml":
        chart.values_text = text
    elif rel.startswith("templates/"):
        chart.templates[rel] = text
    else:
        chart.files[rel] = text


def _ignored(rel: str, is_dir: bool, patterns: list[str]) -> bool:
    """ignore.Rules for the simple patterns .helmignore files hold: ``dir/``, globs on the base name
    or on the path relative to the chart."""
    import fnmatch

    base = rel.rsplit("/", 1)[-1]
    for pat in patterns:
        if pat.endswith("/"):
            if is_dir and fnmatch.fnmatchcase(base, pat[:-1]):
                return True
        elif fnmatch.fnmatchcase(base, pat) or fnmatch.fnmatchcase(rel, pat):
            return True
    return False


def load_fs(fs: Any, root: str) -> Chart:
    """A chart directory on the workstation's files (``fs``: sim/fs's interface — ``read``,
    ``listdir``, ``isdir``), as loader.LoadDir reads it; raises ``ValuesError`` with helm's words
    for a directory without a Chart.yaml."""
    try:
        meta_text = fs.read(f"{root}/Chart.yaml").decode()
    except Exception:  # noqa: BLE001 - any file-system error: no Chart.yaml
        raise ValuesError("Chart.yaml file is missing") from None
    try:
        meta = yaml.safe_load(meta_text) or {}
    except yaml.YAMLError as e:
        raise ValuesError(f"cannot load Chart.yaml: error converting YAML to JSON: yaml: {e}") from None
    patterns: list[str] = []
    try:
        patterns = [ln.strip() for ln in fs.read(f"{root}/.helmignore").decode().splitlines()
                    if ln.strip() and not ln.lstrip().startswith(("#", "!"))]
    except Exception:  # noqa: BLE001 - no .helmignore
        pass
    chart = Chart(meta if isinstance(meta, dict) else {})
    stack = [""]
    while stack:
        rel_dir = stack.pop()
        for name in sorted(fs.listdir(f"{root}/{rel_dir}".rstrip("/"))):
            rel = f"{rel_dir}/{name}" if rel_dir else name
            path = f"{root}/{rel}"
            if fs.isdir(path):
                if not _ignored(rel, True, patterns) and rel != "charts":
                    stack.append(rel)
                continue
            if rel in (".helmignore", "Chart.yaml") or _ignored(rel, False, patterns):
                continue
            _add_file(chart, rel, fs.read(path).decode("utf-8", "replace"))
    return chart


def _floats(v: Any) -> Any:
    """JSON's numbers as Go decodes them into interface{}: float64."""
    if isinstance(v, dict):
        return {str(k): _floats(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_floats(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool):
        return float(v)
    return v


def read_values(text: str) -> dict[str, Any]:
    """chartutil.ReadValues: a YAML map (an empty file is no values), numbers as float64."""
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as e:
        raise ValuesError(f"error converting YAML to JSON: yaml: {e}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ValuesError("error unmarshaling JSON: while decoding JSON: json: cannot unmarshal "
                          f"{'array' if isinstance(data, list) else 'string'} into Go value of type "
                          "map[string]interface {}")
    return _floats(json.loads(json.dumps(data, default=str)))


def _typed(value: str, string: bool) -> Any:
    """strvals' typedVal."""
    if string:
        return value
    if value == "true":
        return True
    if value == "false":
        return False
    if value == "null":
        return None
    if value == "0" or value and value[0] != "0" and value.lstrip("-").isdigit() and value != "-":
        try:
            return int(value)
        except ValueError:
            return value
    return value


def _split_unescaped(text: str, sep: str) -> list[str]:
    """``text`` split at each ``sep`` no backslash escapes; the escapes are kept (``_unescape``)."""
    out, cur, i = [], [], 0
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            cur.append(text[i:i + 2])
            i += 2
            continue
        if ch == sep:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
        i += 1
    out.append("".join(cur))
    return out


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def parse_set(expr: str, into: dict[str, Any], string: bool = False) -> None:
    """One ``--set`` argument into ``into`` (strvals.ParseInto: ``\\,`` and ``\\.`` escape)."""
    for assignment in _split_unescaped(expr, ","):
        if not assignment:
            continue
        key, eq, value = assignment.partition("=")
        if not eq:
            raise ValuesError(f"failed parsing --set data: key \"{_unescape(key)}\" has no value")
        value = _unescape(value)
        parts = [_unescape(p) for p in _split_unescaped(key, ".")]
        node: Any = into
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            name, index = part, None
            if part.endswith("]") and "[" in part:
                name, _, idx = part[:-1].partition("[")
                if not idx.isdigit():
                    raise ValuesError(f"failed parsing --set data: key \"{part}\" has an invalid index")
                index = int(idx)
            if index is None:
                if last:
                    node[name] = _typed(value, string)
                else:
                    if not isinstance(node.get(name), dict):
                        node[name] = {}
                    node = node[name]
                continue
            lst = node.get(name) if isinstance(node.get(name), list) else []
            while len(lst) <= index:
                lst.append(None)
            node[name] = lst
            if last:
                lst[index] = _typed(value, string)
            else:
                if not isinstance(lst[index], dict):
                    lst[index] = {}
                node = lst[index]


def merge_user_values(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """values.MergeValues: later ``-f`` files and ``--set`` over earlier ones (maps merged)."""
    out = copy.deepcopy(base)
    for k, v in extra.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge_user_values(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


def coalesce(chart_values: dict[str, Any], user: dict[str, Any]) -> dict[str, Any]:
    """chartutil.CoalesceValues: the user's values win; maps merge deeply; a user null removes the key."""
    out = copy.deepcopy(chart_values)
    for k, v in user.items():
        if v is None:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = coalesce(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out
