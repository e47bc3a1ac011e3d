"""helm v3's template engine and manifest sorting (pkg/engine, pkg/releaseutil, action.renderResources).

Owns: ``render(chart, values, release, *, rng, lookup) -> Rendered`` — every file of
``templates/`` parsed into one Go template set (``t.New(path)``, in engine.sortTemplates' order:
deeper paths first), the files that are not partials (``_*``) executed with ``missingkey=zero``
and ``<no value>`` erased, as helm's engine does; helm's own functions over sprig (``include``,
``tpl``, ``required``, ``fail``, ``toYaml``/``fromYaml``/``toJson``/``fromJson``, ``lookup`` against
the cluster), ``.Files`` (``Get``, ``Glob``, ``AsConfig``…) and ``.Capabilities.APIVersions.Has``
as Go methods; the top-level NOTES.txt taken out as the release notes; the rest split into YAML
documents (``SplitManifests``), hooks (``helm.sh/hook``) separated from the resources, resources
sorted by kind in ``INSTALL_ORDER`` (kind_sorter.go) and the manifest written as ``---\\n# Source:
PATH\\n…``. Errors are ``RenderError`` with helm's words (``execution error at (PATH:L:C): …``,
``parse error at (PATH:L): …``).

Built on server/kubectl/gotemplate.py (Go text/template) and ``sprig``. Pure but for ``lookup``.
"""

from __future__ import annotations

import base64
import json
import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..kubectl.gotemplate import FuncError, GoFunc, Template, TemplateError, _go_json
from ..kubectl.printers import to_yaml
from ..sim.discovery import K8S_VERSION
from .chart import Chart, _floats
from .sprig import sprig_funcs

INSTALL_ORDER = (
    "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
    "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
    "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
    "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
    "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment",
    "HorizontalPodAutoscaler", "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService")
UNINSTALL_ORDER = (
    "APIService", "Ingress", "IngressClass", "Service", "CronJob", "Job", "StatefulSet", "HorizontalPodAutoscaler",
    "Deployment", "ReplicaSet", "ReplicationController", "Pod", "DaemonSet", "RoleBindingList", "RoleBinding",
    "RoleList", "Role", "ClusterRoleBindingList", "ClusterRoleBinding", "ClusterRoleList", "ClusterRole",
    "CustomResourceDefinition", "PersistentVolumeClaim", "PersistentVolume", "StorageClass", "ConfigMap",
    "SecretList", "Secret", "ServiceAccount", "PodDisruptionBudget", "PodSecurityPolicy", "LimitRange",
    "ResourceQuota", "NetworkPolicy", "Namespace", "PriorityClass")
#: release.HookEvent names of the ``helm.sh/hook`` annotation's words
HOOK_EVENTS = {"pre-install": "pre-install", "post-install": "post-install", "pre-delete": "pre-delete",
               "post-delete": "post-delete", "pre-upgrade": "pre-upgrade", "post-upgrade": "post-upgrade",
               "pre-rollback": "pre-rollback", "post-rollback": "post-rollback", "test": "test",
               "test-success": "test"}
_SEP = re.compile(r"(?:^|\s*\n)---\s*")
_WARN = re.compile(r"HELM_ERR_START((?s:.*))HELM_ERR_END")
_RECURSION_MAX = 1000


class RenderError(Exception):
    """The chart did not render; ``str()`` is helm's message (after ``Error: INSTALLATION FAILED: ``)."""


@dataclass
class Manifest:
    path: str
    content: str
    kind: str
    name: str


@dataclass
class Hook:
    name: str
    kind: str
    path: str
    manifest: str
    events: list[str]
    weight: int = 0
    delete_policies: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "path": self.path, "manifest": self.manifest,
                "events": self.events, "last_run": {"started_at": "", "completed_at": "", "phase": ""},
                "weight": self.weight, **({"delete_policies": self.delete_policies} if self.delete_policies else {})}


@dataclass
class Rendered:
    manifests: list[Manifest]
    hooks: list[Hook]
    notes: str

    @property
    def manifest(self) -> str:
        return "".join(f"---\n# Source: {m.path}\n{m.content}\n" for m in self.manifests)


def _sort_templates(paths: list[str]) -> list[str]:
    """engine.sortTemplates: more path separators first, then reverse lexical order."""
    return sorted(paths, key=lambda p: (p.count("/"), p), reverse=True)


def _api_versions() -> list[str]:
    """action.GetVersionSet: every served group/version, and group/version/Kind of each resource."""
    from ..sim.resources import RESOURCES

    out: list[str] = []
    for r in RESOURCES:
        gv = f"{r.group}/{r.version}" if r.group else r.version
        for v in (gv, f"{gv}/{r.kind}"):
            if v not in out:
                out.append(v)
    return sorted(out)


def capabilities() -> dict[str, Any]:
    major, minor = K8S_VERSION.lstrip("v").split(".")[:2]
    # GitVersion is KubeVersion's deprecated method (the same text), which charts still call
    return {"KubeVersion": {"Version": K8S_VERSION, "Major": major, "Minor": minor, "GitVersion": K8S_VERSION},
            "APIVersions": _api_versions(),
            "HelmVersion": {"version": "v3.16.4", "git_commit": "7877b45b63f95635153b29a42c0c2f4273ec45ca",
                            "git_tree_state": "clean", "go_version": "go1.22.7"}}


class GoMethods:
    """Mixin: a Go value with methods (``go_methods``: name → GoFunc), as the template engine calls them."""

    go_methods: dict[str, GoFunc]


class VersionSet(list, GoMethods):
    """chartutil.VersionSet: ``.Capabilities.APIVersions`` and its ``Has``."""

    def __init__(self, versions: list[str]) -> None:
        super().__init__(versions)
        self.go_methods = {"Has": GoFunc(lambda v: v in self, ["string"])}


class Files(dict, GoMethods):
    """engine's ``files`` (``.Files``): the chart's non-template files by path, with ``Get``,
    ``GetBytes``, ``Glob``, ``Lines``, ``AsConfig`` and ``AsSecrets``."""

    def __init__(self, files: dict[str, str]) -> None:
        super().__init__(files)
        self.go_methods = {
            "Get": GoFunc(lambda name: self.get(name, ""), ["string"]),
            "GetBytes": GoFunc(lambda name: self.get(name, ""), ["string"]),
            "Glob": GoFunc(self._glob, ["string"]),
            "Lines": GoFunc(lambda name: self.get(name, "").split("\n") if name in self else [], ["string"]),
            "AsConfig": GoFunc(lambda: self._as(lambda t: t), []),
            "AsSecrets": GoFunc(lambda: self._as(lambda t: base64.b64encode(t.encode()).decode()), []),
        }

    def _glob(self, pattern: str) -> Files:
        import fnmatch

        return Files({k: v for k, v in self.items() if fnmatch.fnmatchcase(k, pattern)})

    def _as(self, fn: Callable[[str], str]) -> str:
        if not self:
            return ""
        return _to_yaml({k.rsplit("/", 1)[-1]: fn(v) for k, v in self.items()})


def _from_yaml(text: str) -> dict[str, Any]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as e:
        return {"Error": f"error converting YAML to JSON: yaml: {e}"}
    return _floats(data) if isinstance(data, dict) else {}


def _from_json(text: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except ValueError as e:
        return {"Error": str(e)}
    return _floats(data) if isinstance(data, dict) else {}


def _to_yaml(v: Any) -> str:
    if v is None:
        return "null"
    return to_yaml(v).removesuffix("\n")


def render(chart: Chart, values: dict[str, Any], release: dict[str, Any], *, rng: random.Random,
           lookup: Callable[[str, str, str, str], dict] | None = None) -> Rendered:
    """Render ``chart`` with the coalesced ``values`` for ``release`` (``.Release``: Name, Namespace,
    Revision, IsInstall, IsUpgrade, Service)."""
    caps = capabilities()
    caps["APIVersions"] = VersionSet(caps["APIVersions"])
    files = Files({p: t for p, t in chart.files.items() if p not in ("Chart.yaml", "values.yaml")})
    top: dict[str, Any] = {"Values": values, "Release": release, "Chart": chart.template_metadata(),
                           "Capabilities": caps, "Files": files, "Subcharts": {}}
    root = Template("gotpl").option("missingkey=zero")
    included: dict[str, int] = {}

    def include(name: str, data: Any) -> str:
        included[name] = included.get(name, 0) + 1
        if included[name] > _RECURSION_MAX:
            raise FuncError(f"rendering template has a nested reference name: {name}: unable to execute template")
        t = root.lookup(name)
        if t is None:
            raise FuncError(f'template: no template "{name}" associated with template "gotpl"')
        try:
            return t.execute(data)
        except TemplateError as e:
            raise FuncError(str(e)) from None

    def tpl(text: str, data: Any) -> str:
        t = root.new("gotpl-tpl")
        try:
            return t.parse(text).execute(data).replace("<no value>", "")
        except TemplateError as e:
            raise FuncError(str(e)) from None

    def required(warn: str, val: Any) -> Any:
        if val is None or val == "":
            raise FuncError(f"HELM_ERR_START{warn}HELM_ERR_END")
        return val

    def fail(msg: str) -> str:
        raise FuncError(f"HELM_ERR_START{msg}HELM_ERR_END")

    funcs = sprig_funcs(rng)
    funcs.pop("env", None)
    funcs.update({
        "include": GoFunc(include, ["string", "any"]), "tpl": GoFunc(tpl, ["string", "any"]),
        "required": GoFunc(required, ["string", "any"]), "fail": GoFunc(fail, ["string"]),
        "toYaml": GoFunc(_to_yaml, ["any"]), "fromYaml": GoFunc(_from_yaml, ["string"]),
        "toJson": GoFunc(lambda v: _go_json(v), ["any"]), "fromJson": GoFunc(_from_json, ["string"]),
        "lookup": GoFunc(lookup or (lambda a, k, n, m: {}), ["string", "string", "string", "string"]),
    })
    root.funcs(funcs)
    paths = _sort_templates([f"{chart.name}/{p}" for p in chart.templates])
    for path in paths:
        try:
            root.new(path).parse(chart.templates[path.split("/", 1)[1]])
        except TemplateError as e:
            raise RenderError(_cleanup_parse_error(path, str(e))) from None
    rendered: dict[str, str] = {}
    for path in paths:
        if path.rsplit("/", 1)[-1].startswith("_"):
            continue
        data = dict(top, Template={"Name": path, "BasePath": f"{chart.name}/templates"})
        try:
            rendered[path] = root.lookup(path).execute(data).replace("<no value>", "")  # type: ignore[union-attr]
        except TemplateError as e:
            raise RenderError(_cleanup_exec_error(path, str(e))) from None
    notes = rendered.pop(f"{chart.name}/templates/NOTES.txt", "")
    for p in [p for p in rendered if p.endswith("NOTES.txt")]:
        del rendered[p]
    return _sort_manifests(rendered, notes)


def _cleanup_parse_error(path: str, msg: str) -> str:
    tokens = msg.split(": ")
    if len(tokens) == 1:
        return f"parse error in ({path}): {msg}"
    return f"parse error at ({tokens[1]}): {tokens[-1]}"


def _cleanup_exec_error(path: str, msg: str) -> str:
    tokens = msg.split(": ", 2)
    if len(tokens) != 3:
        return f"execution error in ({path}): {msg}"
    m = _WARN.search(tokens[2])
    if m:
        return f"execution error at ({tokens[1]}): {m.group(1)}"
    return msg


def split_manifests(text: str) -> list[str]:
    """releaseutil.SplitManifests: the non-empty documents of a file, trimmed."""
    return [d.strip() for d in _SEP.split(text.strip()) if d]


def _sort_manifests(files: dict[str, str], notes: str) -> Rendered:
    generic: list[Manifest] = []
    hooks: list[Hook] = []
    for path in sorted(files):
        content = files[path]
        if path.rsplit("/", 1)[-1].startswith("_") or not content.strip():
            continue
        for doc in split_manifests(content):
            try:
                head = yaml.safe_load(doc)
            except yaml.YAMLError as e:
                raise RenderError(f"YAML parse error on {path}: error converting YAML to JSON: yaml: {e}") from None
            head = head if isinstance(head, dict) else {}
            meta = head.get("metadata") if isinstance(head.get("metadata"), dict) else {}
            annotations = meta.get("annotations") if isinstance(meta.get("annotations"), dict) else {}
            kind, name = str(head.get("kind") or ""), str(meta.get("name") or "")
            hook_words = annotations.get("helm.sh/hook")
            if hook_words is None:
                generic.append(Manifest(path, doc, kind, name))
                continue
            events = [HOOK_EVENTS.get(w.strip().lower()) for w in str(hook_words).split(",")]
            if None in events:
                continue  # an unknown hook is skipped, as helm logs and skips it
            try:
                weight = int(annotations.get("helm.sh/hook-weight", 0))
            except ValueError:
                weight = 0
            policies = [p.strip() for p in str(annotations.get("helm.sh/hook-delete-policy", "")).split(",")
                        if p.strip()]
            hooks.append(Hook(name, kind, path, doc, [e for e in events if e], weight, policies))
    order = {k: i for i, k in enumerate(INSTALL_ORDER)}

    def key(kind: str) -> tuple:
        return (0, order[kind], "") if kind in order else (1, 0, kind)

    generic.sort(key=lambda m: key(m.kind))
    hooks.sort(key=lambda h: key(h.kind))
    return Rendered(generic, hooks, notes)
