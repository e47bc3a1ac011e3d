"""kubectl kustomize DIR: a plain kustomization built from the workstation's files, as kustomize v5.5.0
(vendored by kubectl v1.32) prints it.

Owns: ``build(workspace, directory) -> str`` (what ``apply -k`` / ``delete -k`` / ``get -k`` feed on)
and the ``kustomize`` command. A kustomization (``kustomization.yaml``, ``kustomization.yml`` or
``Kustomization``) is built as krusty does: ``resources`` (files and directories holding their own
kustomization, built first, recursively; ``bases`` too), then ``configMapGenerator`` /
``secretGenerator`` (``literals``, ``files``, ``envs``; ``generatorOptions``), then the built-in
transformers in krusty's fixed order — ``patchesStrategicMerge``, ``patches`` (strategic merge, or
RFC 6902 when the patch is a list of operations; ``target`` selectors), ``namespace``,
``namePrefix``/``nameSuffix``, ``commonLabels``/``labels``, ``commonAnnotations``,
``patchesJson6902``, ``replicas``, ``images``. Only the top-level build then appends the content
hash to generated names (kustomize's hasher: sha256 of the JSON of kind, type, data — its name
lookup misses, so the name is "") and fixes the references to renamed ConfigMaps, Secrets,
ServiceAccounts, PersistentVolumeClaims and Services; the result is sorted in kustomize's legacy
order and printed as YAML documents (keys sorted, go-yaml v3 quoting) joined by ``---``.

Mirrors: sigs.k8s.io/kustomize api/krusty, api/hasher, plugin/builtin (fieldspecs of
api/konfig/builtinpluginconsts), plugin/builtin/sortordertransformer. Not built: components,
helmCharts, replacements, vars, crds, openapi, remote resources; those fields answer an error.

Hands off: strategic merge and JSON patches to ``server.sim.patch``; the kind's patch metadata to
``server.sim.openapi``.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import json
import posixpath
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ...sim.golang import json_kind as _json_kind
from ...sim.openapi import schema_for
from ...sim.patch import PatchError, json_patch, strategic_merge_patch
from ...sim.resources import BY_KIND
from ..parse import Flag, Invocation, KubectlError, Result, command
from .cp import HOME
from .cp import workspace_key as _rel

Obj = dict[str, Any]

KUSTOMIZATION_FILES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
UNSUPPORTED = ("components", "helmCharts", "helmGlobals", "replacements", "vars", "crds", "openapi",
               "generators", "transformers", "validators", "helmChartInflationGenerator")
DEPRECATED = {"commonLabels": "labels", "patchesStrategicMerge": "patches", "bases": "resources",
              "patchesJson6902": "patches"}

POD_TEMPLATE_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "ReplicationController")
SELECTOR_KINDS = ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet")
REPLICA_KINDS = ("Deployment", "ReplicaSet", "StatefulSet", "ReplicationController")
#: kinds that keep their names under namePrefix/nameSuffix (prefixSuffixFieldSpecsToSkip)
NO_PREFIX_KINDS = ("CustomResourceDefinition", "APIService", "Namespace")
#: cluster-scoped kinds kustomize knows besides the ones we serve
CLUSTER_KINDS = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition", "StorageClass",
                 "PersistentVolume", "PriorityClass", "APIService", "MutatingWebhookConfiguration",
                 "ValidatingWebhookConfiguration", "IngressClass", "RuntimeClass", "CSIDriver", "Node"}

ORDER_FIRST = ("Namespace", "ResourceQuota", "StorageClass", "CustomResourceDefinition", "ServiceAccount",
               "PodSecurityPolicy", "Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding", "ConfigMap",
               "Secret", "Endpoints", "Service", "LimitRange", "PriorityClass", "PersistentVolume",
               "PersistentVolumeClaim", "Deployment", "StatefulSet", "CronJob", "PodDisruptionBudget")
ORDER_LAST = ("MutatingWebhookConfiguration", "ValidatingWebhookConfiguration")


class KustomizeError(KubectlError):
    pass


@dataclass
class Res:
    """One resource of a build, with the names it had (for name references) and whether a
    generator made it (only those get the hash suffix)."""

    obj: Obj
    generated: bool = False
    hash_suffix: bool = True
    previous: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.obj.get("kind") or ""

    @property
    def name(self) -> str:
        return (self.obj.get("metadata") or {}).get("name") or ""

    @property
    def namespace(self) -> str:
        return (self.obj.get("metadata") or {}).get("namespace") or ""

    def rename(self, new: str) -> None:
        if new != self.name:
            self.previous.append(self.name)
            self.obj.setdefault("metadata", {})["name"] = new


# -- the workspace as a file system ---------------------------------------------------------------


def _abs(rel: str) -> str:
    return HOME if rel in (".", "") else posixpath.join(HOME, rel)


def _is_dir(workspace: dict[str, str], rel: str) -> bool:
    if rel in (".", ""):
        return True
    prefix = rel.rstrip("/") + "/"
    return any(p.startswith(prefix) for p in workspace)


def _join(base: str, path: str) -> str:
    if path.startswith("/"):
        return _rel(path)
    return _rel(posixpath.join(_abs(base), path))


def _read(workspace: dict[str, str], base: str, path: str) -> str:
    rel = _join(base, path)
    if rel not in workspace:
        full = _abs(rel)
        raise KustomizeError(f"error: evalsymlink failure on '{full}' : lstat {full}: no such file or directory")
    return workspace[rel]


# -- loading -----------------------------------------------------------------------------------------


#: the typed Kustomization (api/types): field -> Go type; a struct type names its fields' types
_STR, _STRS, _MAP, _BOOL, _INT = "string", "[]string", "map[string]string", "bool", "int64"
_SELECTOR = ("types.Selector", {"group": _STR, "version": _STR, "kind": _STR, "name": _STR, "namespace": _STR,
                                "labelSelector": _STR, "annotationSelector": _STR})
_PATCH = ("types.Patch", {"path": _STR, "patch": _STR, "target": _SELECTOR, "options": "map[string]bool"})
_GEN_OPTIONS = ("types.GeneratorOptions", {"labels": _MAP, "annotations": _MAP, "disableNameSuffixHash": _BOOL,
                                           "immutable": _BOOL})
_GEN = {"name": _STR, "namespace": _STR, "behavior": _STR, "literals": _STRS, "files": _STRS, "envs": _STRS,
        "env": _STR, "options": _GEN_OPTIONS}
KUSTOMIZATION_SCHEMA = ("types.Kustomization", {
    "apiVersion": _STR, "kind": _STR, "metadata": ("types.ObjectMeta", {"name": _STR, "namespace": _STR,
                                                                        "labels": _MAP, "annotations": _MAP}),
    "resources": _STRS, "bases": _STRS, "components": _STRS, "crds": _STRS, "configurations": _STRS,
    "namespace": _STR, "namePrefix": _STR, "nameSuffix": _STR, "commonLabels": _MAP, "commonAnnotations": _MAP,
    "labels": ("[]types.Label", {"pairs": _MAP, "includeSelectors": _BOOL, "includeTemplates": _BOOL,
                                 "fields": "[]types.FieldSpec"}),
    "images": ("[]types.Image", {"name": _STR, "newName": _STR, "newTag": _STR, "digest": _STR,
                                 "tagSuffix": _STR}),
    "replicas": ("[]types.Replica", {"name": _STR, "count": _INT}),
    "patches": ("[]" + _PATCH[0], _PATCH[1]), "patchesJson6902": ("[]" + _PATCH[0], _PATCH[1]),
    "patchesStrategicMerge": "[]types.PatchStrategicMerge",
    "configMapGenerator": ("[]types.ConfigMapArgs", _GEN),
    "secretGenerator": ("[]types.SecretArgs", {**_GEN, "type": _STR}),
    "generatorOptions": _GEN_OPTIONS, "sortOptions": ("types.SortOptions", {"order": _STR, "legacySortOptions": "x"}),
    "buildMetadata": _STRS, "openapi": _MAP, "vars": "[]types.Var", "replacements": "[]types.ReplacementField",
    "helmCharts": "[]types.HelmChart", "helmGlobals": "types.HelmGlobals", "generators": _STRS,
    "transformers": _STRS, "validators": _STRS,
})


def _check(value: Any, typ: Any, where: str) -> None:
    """encoding/json's errors for a Kustomization field of the wrong shape (``where`` is the
    ``Struct.path`` json prints), and its strictness about unknown fields."""
    if value is None:
        return
    name, fields = typ if isinstance(typ, tuple) else (typ, None)
    kind = _json_kind(value)

    def bad(shown: str) -> KustomizeError:
        return KustomizeError(f"error: invalid Kustomization: json: cannot unmarshal {kind} into Go struct field "
                              f"{where} of type {shown}")

    if name.startswith("[]"):
        if kind != "array":
            raise bad(name)
        for item in value:
            _check(item, (name[2:], fields) if fields is not None else name[2:], where)
        return
    if name.startswith("map["):
        if kind != "object":
            raise bad(name)
        scalar = name.rpartition("]")[2]
        for v in value.values():
            if v is not None and _json_kind(v) in ("array", "object"):
                kind = _json_kind(v)
                raise bad(scalar)
        return
    if name == _STR:
        if kind in ("array", "object"):
            raise bad(name)
        return
    if name == _INT:
        if kind != "number":
            raise bad(name)
        return
    if name == _BOOL:
        if kind in ("array", "object"):
            raise bad(name)
        return
    if fields is None:
        return  # a type kubeplay does not build: its use is refused later
    if kind != "object":
        raise bad(name)
    struct = name.rpartition(".")[2]
    for key, v in value.items():
        if key not in fields:
            raise KustomizeError(f'error: invalid Kustomization: json: unknown field "{key}"')
        parent = where.partition(".")[2]
        _check(v, fields[key], f"{struct}.{parent + '.' if parent else ''}{key}")


def _validate_kustomization(typed: Any) -> None:
    if typed is None:
        return
    if not isinstance(typed, dict):
        raise KustomizeError(f"error: invalid Kustomization: json: cannot unmarshal {_json_kind(typed)} into Go value "
                             "of type types.Kustomization")
    for key, value in typed.items():
        spec = KUSTOMIZATION_SCHEMA[1].get(key)
        if spec is None:
            raise KustomizeError(f'error: invalid Kustomization: json: unknown field "{key}"')
        _check(value, spec, f"Kustomization.{key}")


def _load_kustomization(workspace: dict[str, str], directory: str) -> tuple[dict, str]:
    for name in KUSTOMIZATION_FILES:
        key = _join(directory, name)
        if key in workspace:
            typed = _load_yaml(workspace[key], _abs(key))
            _validate_kustomization(typed[0] if typed else None)
            # the values themselves as the typed Kustomization reads them: every scalar a string
            # (sigs.k8s.io/yaml keeps "1.10" a string when the field is one)
            doc = yaml.load(workspace[key], Loader=yaml.BaseLoader)
            return (doc if isinstance(doc, dict) else {}), key
    raise KustomizeError(f"error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or "
                         f"'Kustomization' in directory '{_abs(directory)}'")


class _KyamlResolver(yaml.resolver.BaseResolver):
    """kyaml's (go-yaml v3's) implicit types, which kustomize reads resources with: only
    true/false are booleans (``yes``, ``on``, ``y`` stay strings), 0x/0o/0b integers, timestamps
    (which the JSON round trip prints as RFC 3339)."""


_KyamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))
_KyamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_KyamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_KyamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_KyamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:timestamp",
    re.compile(r"^(?:[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
               r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?)$"),
    list("0123456789"))


class _KyamlLoader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer,
                   yaml.constructor.SafeConstructor, _KyamlResolver):
    def __init__(self, stream: str) -> None:
        yaml.reader.Reader.__init__(self, stream)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)
        yaml.constructor.SafeConstructor.__init__(self)
        _KyamlResolver.__init__(self)


def _json_shaped(value: Any) -> Any:
    """The JSON round trip kustomize's output goes through: string keys, RFC 3339 times, integral
    floats as integers (1e3 prints 1000)."""
    if isinstance(value, dict):
        return {("true" if k is True else "false" if k is False else str(k)): _json_shaped(v)
                for k, v in value.items()}
    if isinstance(value, list):
        return [_json_shaped(v) for v in value]
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC).replace(tzinfo=None)
        return value.strftime("%Y-%m-%dT%H:%M:%S") + (f".{value.microsecond:06d}".rstrip("0")
                                                     if value.microsecond else "") + "Z"
    if isinstance(value, datetime.date):
        return value.strftime("%Y-%m-%dT00:00:00Z")
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _load_yaml(text: str, source: str) -> list[Any]:
    try:
        return [_json_shaped(d) for d in yaml.load_all(text, Loader=_KyamlLoader) if d is not None]
    except yaml.YAMLError as e:
        raise KustomizeError(f"error: map[string]interface {{}}(nil): yaml: {e.problem or e} in {source}") from None


def _docs(text: str, source: str) -> list[Obj]:
    docs = _load_yaml(text, source)
    for doc in docs:
        if not isinstance(doc, dict) or not doc.get("kind"):
            raise KustomizeError(f"error: accumulating resources: missing Resource metadata in {source}")
    return docs


def _true(v: Any) -> bool:
    return str(v).lower() == "true"


# -- generators --------------------------------------------------------------------------------------


def _env_pairs(text: str) -> list[tuple[str, str]]:
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        k, _, v = line.partition("=")
        out.append((k, v))
    return out


def _generate(workspace: dict[str, str], directory: str, spec: dict, kind: str, options: dict) -> Res:
    data: dict[str, str] = {}
    for lit in spec.get("literals") or []:
        k, _, v = str(lit).partition("=")
        if len(v) >= 2 and v[0] == v[-1] and v[0] in "\"'":
            v = v[1:-1]
        data[k] = v
    for f in spec.get("files") or []:
        key, eq, path = str(f).partition("=")
        if not eq:
            key, path = posixpath.basename(key), key
        data[key] = _read(workspace, directory, path)
    for env in [*(spec.get("envs") or []), *([spec["env"]] if spec.get("env") else [])]:
        data.update(_env_pairs(_read(workspace, directory, env)))
    meta: Obj = {"name": spec.get("name") or ""}
    if spec.get("namespace"):
        meta["namespace"] = spec["namespace"]
    merged_opts = {**options, **(spec.get("options") or {})}
    labels = {**(options.get("labels") or {}), **((spec.get("options") or {}).get("labels") or {})}
    annotations = {**(options.get("annotations") or {}), **((spec.get("options") or {}).get("annotations") or {})}
    if labels:
        meta["labels"] = labels
    if annotations:
        meta["annotations"] = annotations
    obj: Obj = {"apiVersion": "v1", "kind": kind, "metadata": meta}
    if kind == "Secret":
        obj["type"] = spec.get("type") or "Opaque"
        if data:
            obj["data"] = {k: base64.b64encode(v.encode()).decode() for k, v in data.items()}
    elif data:
        obj["data"] = data
    if _true(merged_opts.get("immutable")):
        obj["immutable"] = True
    return Res(obj, generated=True, hash_suffix=not _true(merged_opts.get("disableNameSuffixHash")))


def content_hash(obj: Obj) -> str:
    """kustomize's hasher: the JSON of kind, (type,) name and data — the name lookup of its
    ``getNodeValues`` never finds "metadata/name", so the name is always "" — sha256, its first
    10 hex digits with 0 1 3 a e spelt g h k m t."""
    if obj.get("kind") == "Secret":
        m: Obj = {"kind": "Secret", "type": obj.get("type", ""), "name": "", "data": obj.get("data") or ""}
        if obj.get("stringData"):
            m["stringData"] = obj["stringData"]
    else:
        m = {"kind": "ConfigMap", "name": "", "data": obj.get("data") or ""}
        if obj.get("binaryData"):
            m["binaryData"] = obj["binaryData"]
    text = json.dumps(m, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return hashlib.sha256(text.encode()).hexdigest()[:10].translate(str.maketrans("013ae", "ghkmt"))


# -- transformers --------------------------------------------------------------------------------------


def _namespaced(kind: str) -> bool:
    r = BY_KIND.get(kind)
    return r.namespaced if r is not None else kind not in CLUSTER_KINDS


def _pod_templates(obj: Obj) -> list[Obj]:
    """The pod template ``metadata``-holders of a workload (``spec.template``, a CronJob's too)."""
    spec = obj.get("spec") or {}
    kind = obj.get("kind")
    if kind in POD_TEMPLATE_KINDS and isinstance(spec.get("template"), dict):
        return [spec["template"]]
    if kind == "CronJob":
        tmpl = ((spec.get("jobTemplate") or {}).get("spec") or {}).get("template")
        return [tmpl] if isinstance(tmpl, dict) else []
    return []


def _pod_specs(obj: Obj) -> list[Obj]:
    if obj.get("kind") == "Pod":
        return [obj.get("spec") or {}]
    return [t["spec"] for t in _pod_templates(obj) if isinstance(t.get("spec"), dict)]


def _add_map(holder: Obj, key: str, values: dict[str, str]) -> None:
    holder.setdefault("metadata", {}) if key == "metadata" else None
    target = holder.setdefault(key, {})
    if target is None:
        target = holder[key] = {}
    target.update(values)


def _labels(res: Res, labels: dict[str, str], selectors: bool, templates: bool) -> None:
    """commonLabels (selectors and templates) or one ``labels`` entry (metadata only unless
    includeSelectors/includeTemplates), along kustomize's label fieldspecs."""
    obj = res.obj
    meta = obj.setdefault("metadata", {})
    _add_map(meta, "labels", labels)
    kind = res.kind
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if templates or selectors:
        for t in _pod_templates(obj):
            _add_map(t.setdefault("metadata", {}), "labels", labels)
        if kind == "CronJob" and spec is not None:
            jt = spec.setdefault("jobTemplate", {})
            _add_map(jt.setdefault("metadata", {}), "labels", labels)
        if kind == "StatefulSet" and spec is not None:
            for vct in spec.get("volumeClaimTemplates") or []:
                _add_map(vct.setdefault("metadata", {}), "labels", labels)
    if selectors and spec is not None:
        if kind in ("Service", "ReplicationController"):
            _add_map(spec, "selector", labels)
        elif kind in SELECTOR_KINDS:
            _add_map(spec.setdefault("selector", {}), "matchLabels", labels)
        elif kind in ("Job", "PodDisruptionBudget") and isinstance(spec.get("selector"), dict):
            _add_map(spec["selector"], "matchLabels", labels)
        elif kind == "NetworkPolicy" and isinstance(spec.get("podSelector"), dict):
            _add_map(spec["podSelector"], "matchLabels", labels)


def _annotations(res: Res, annotations: dict[str, str]) -> None:
    obj = res.obj
    _add_map(obj.setdefault("metadata", {}), "annotations", annotations)
    for t in _pod_templates(obj):
        _add_map(t.setdefault("metadata", {}), "annotations", annotations)
    if res.kind == "CronJob" and isinstance(obj.get("spec"), dict):
        _add_map(obj["spec"].setdefault("jobTemplate", {}).setdefault("metadata", {}), "annotations", annotations)


def _split_image(image: str) -> tuple[str, str, str]:
    """(name, ":tag" or "", "@digest" or "") of an image reference."""
    name, at, digest = image.partition("@")
    slash = name.rfind("/")
    colon = name.rfind(":")
    tag = ""
    if colon > slash:
        name, tag = name[:colon], name[colon:]
    return name, tag, at + digest


def _images(obj: Any, images: list[dict]) -> None:
    """The image transformer: every ``containers``/``initContainers`` image, anywhere in the object."""
    if isinstance(obj, list):
        for item in obj:
            _images(item, images)
        return
    if not isinstance(obj, dict):
        return
    for key, value in obj.items():
        if key in ("containers", "initContainers", "ephemeralContainers") and isinstance(value, list):
            for c in value:
                if isinstance(c, dict) and isinstance(c.get("image"), str):
                    c["image"] = _new_image(c["image"], images)
        _images(value, images)


def _new_image(image: str, images: list[dict]) -> str:
    name, tag, digest = _split_image(image)
    for img in images:
        if img.get("name") != name:
            continue
        new_name = img.get("newName") or name
        if img.get("digest"):
            return f"{new_name}@{img['digest']}"
        if img.get("newTag"):
            return f"{new_name}:{img['newTag']}"
        return new_name + tag + digest
    return image


def _selects(res: Res, target: dict) -> bool:
    api = res.obj.get("apiVersion") or ""
    group, _, version = api.rpartition("/")
    checks = (("kind", res.kind), ("name", res.name), ("namespace", res.namespace), ("group", group),
              ("version", version))
    for key, value in checks:
        want = target.get(key)
        if want and not _glob(want, value):
            return False
    for key, holder in (("labelSelector", "labels"), ("annotationSelector", "annotations")):
        if target.get(key):
            have = (res.obj.get("metadata") or {}).get(holder) or {}
            for term in str(target[key]).split(","):
                k, eq, v = term.partition("=")
                if (eq and have.get(k.rstrip("!")) != v) or (not eq and k not in have):
                    return False
    return True


def _glob(pattern: str, value: str) -> bool:
    """kustomize matches target fields as anchored regular expressions."""
    try:
        return re.fullmatch(pattern, value) is not None
    except re.error:
        return pattern == value


def _smp(res: Res, patch: Obj) -> None:
    schema = schema_for(res.obj.get("apiVersion") or "", res.kind)
    try:
        merged = strategic_merge_patch(res.obj, patch, schema)
    except PatchError as e:
        raise KustomizeError(f"error: {e}") from None
    res.obj.clear()
    res.obj.update(merged)


def _patch_text(workspace: dict[str, str], directory: str, p: Any) -> str:
    if isinstance(p, dict):
        if p.get("path"):
            return _read(workspace, directory, p["path"])
        return str(p.get("patch") or "")
    text = str(p)
    if "\n" not in text and _join(directory, text) in workspace:
        return workspace[_join(directory, text)]
    return text


def _apply_patch(resources: list[Res], text: str, target: dict | None) -> None:
    docs = _load_yaml(text, "patch") if text.strip() else []
    doc = docs[0] if len(docs) == 1 else docs or None
    if isinstance(doc, list):
        if not target:
            raise KustomizeError("error: unable to apply JSON patch without a target")
        for res in resources:
            if _selects(res, target):
                try:
                    merged = json_patch(res.obj, doc)
                except PatchError as e:
                    raise KustomizeError(f"error: {e.detail or e}") from None
                res.obj.clear()
                res.obj.update(merged)
        return
    if not isinstance(doc, dict):
        return
    if target:
        for res in resources:
            if _selects(res, target):
                _smp(res, doc)
        return
    kind = doc.get("kind")
    meta = doc.get("metadata") or {}
    matches = [r for r in resources if r.kind == kind and meta.get("name") in (r.name, *r.previous)
               and (not meta.get("namespace") or meta["namespace"] == r.namespace)]
    if not matches:
        raise KustomizeError(f"error: no resource matches strategic merge patch \"{kind}.{doc.get('apiVersion', '')}"
                             f" [noGrp]/{meta.get('name')}.[noNs]\": no matches for Id "
                             f"{kind}.{doc.get('apiVersion', '')}.[noGrp]/{meta.get('name')}.[noNs]; "
                             "failed to find unique target for patch")
    for res in matches:
        _smp(res, doc)


# -- the build --------------------------------------------------------------------------------------------


def _build_dir(workspace: dict[str, str], directory: str, warnings: list[str], depth: int = 0) -> list[Res]:
    if depth > 30:
        raise KustomizeError("error: cycle detected in kustomization resources")
    k, _ = _load_kustomization(workspace, directory)
    for name in UNSUPPORTED:
        if k.get(name):
            raise KustomizeError(f"error: kubeplay does not simulate `kubectl kustomize` with `{name}` yet")
    for old, new in DEPRECATED.items():
        if k.get(old):
            message = (f"# Warning: '{old}' is deprecated. Please use '{new}' instead. Run 'kustomize edit fix' "
                       "to update your Kustomization automatically.")
            if message not in warnings:
                warnings.append(message)
    resources: list[Res] = []
    for entry in [*(k.get("bases") or []), *(k.get("resources") or [])]:
        entry = str(entry)
        if "://" in entry or entry.startswith(("github.com/", "git@")):
            raise KustomizeError(f"error: kubeplay does not simulate remote kustomize resources yet: {entry}")
        rel = _join(directory, entry)
        try:
            if rel in workspace:
                resources.extend(Res(o) for o in _docs(workspace[rel], _abs(rel)))
            elif _is_dir(workspace, rel):
                try:
                    resources.extend(_build_dir(workspace, rel, warnings, depth + 1))
                except KustomizeError as e:
                    if not e.message.startswith("error: unable to find one of"):
                        raise
                    raise KustomizeError(
                        f"error: accumulating resources: accumulation err='accumulating resources from '{entry}': "
                        f"'{_abs(rel)}' must resolve to a file': couldn't make target for path '{_abs(rel)}': "
                        f"{e.message.removeprefix('error: ')}") from None
            else:
                full = _abs(rel)
                raise KustomizeError(f"error: evalsymlink failure on '{full}' : lstat {full}: no such file or "
                                     "directory")
        except KustomizeError as e:
            msg = e.message.removeprefix("error: ")
            if msg.startswith("evalsymlink"):
                raise KustomizeError(f"error: accumulating resources: accumulation err='accumulating resources "
                                     f"from '{entry}': {msg}': must build at directory: not a valid directory: "
                                     f"{msg}") from None
            raise
    options = k.get("generatorOptions") or {}
    for spec in k.get("configMapGenerator") or []:
        resources.append(_generate(workspace, directory, spec, "ConfigMap", options))
    for spec in k.get("secretGenerator") or []:
        resources.append(_generate(workspace, directory, spec, "Secret", options))
    for p in k.get("patchesStrategicMerge") or []:
        _apply_patch(resources, _patch_text(workspace, directory, p), None)
    for p in k.get("patches") or []:
        _apply_patch(resources, _patch_text(workspace, directory, p), (p.get("target") if isinstance(p, dict)
                                                                      else None))
    if k.get("namespace"):
        for res in resources:
            if _namespaced(res.kind):
                res.obj.setdefault("metadata", {})["namespace"] = k["namespace"]
            elif res.kind == "Namespace":  # the transformer's fieldspec names Namespace objects too
                res.rename(k["namespace"])
    prefix, suffix = k.get("namePrefix") or "", k.get("nameSuffix") or ""
    if prefix or suffix:
        for res in resources:
            if res.kind not in NO_PREFIX_KINDS:
                res.rename(f"{prefix}{res.name}{suffix}")
    if k.get("commonLabels"):
        for res in resources:
            _labels(res, dict(k["commonLabels"]), selectors=True, templates=True)
    for entry in k.get("labels") or []:
        pairs = dict(entry.get("pairs") or {})
        sel = _true(entry.get("includeSelectors"))
        for res in resources:
            _labels(res, pairs, selectors=sel, templates=sel or _true(entry.get("includeTemplates")))
    if k.get("commonAnnotations"):
        for res in resources:
            _annotations(res, dict(k["commonAnnotations"]))
    for p in k.get("patchesJson6902") or []:
        _apply_patch(resources, _patch_text(workspace, directory, p), p.get("target") or {})
    for rep in k.get("replicas") or []:
        for res in resources:
            if res.kind in REPLICA_KINDS and rep.get("name") in (res.name, *res.previous):
                res.obj.setdefault("spec", {})["replicas"] = int(float(rep.get("count") or 0))
    if k.get("images"):
        for res in resources:
            _images(res.obj, list(k["images"]))
    return resources


#: where a pod spec names other objects: (kind referred to, path inside the pod spec)
def _pod_refs(spec: Obj) -> list[tuple[str, Obj, str]]:
    """(kind, holder dict, key) of every name a pod spec refers to."""
    out: list[tuple[str, Obj, str]] = []
    if spec.get("serviceAccountName"):
        out.append(("ServiceAccount", spec, "serviceAccountName"))
    for s in spec.get("imagePullSecrets") or []:
        out.append(("Secret", s, "name"))
    for v in spec.get("volumes") or []:
        if isinstance(v.get("configMap"), dict):
            out.append(("ConfigMap", v["configMap"], "name"))
        if isinstance(v.get("secret"), dict):
            out.append(("Secret", v["secret"], "secretName"))
        if isinstance(v.get("persistentVolumeClaim"), dict):
            out.append(("PersistentVolumeClaim", v["persistentVolumeClaim"], "claimName"))
        for src in (v.get("projected") or {}).get("sources") or []:
            if isinstance(src.get("configMap"), dict):
                out.append(("ConfigMap", src["configMap"], "name"))
            if isinstance(src.get("secret"), dict):
                out.append(("Secret", src["secret"], "name"))
    for c in [*(spec.get("containers") or []), *(spec.get("initContainers") or [])]:
        for env in c.get("env") or []:
            ref = (env.get("valueFrom") or {})
            if isinstance(ref.get("configMapKeyRef"), dict):
                out.append(("ConfigMap", ref["configMapKeyRef"], "name"))
            if isinstance(ref.get("secretKeyRef"), dict):
                out.append(("Secret", ref["secretKeyRef"], "name"))
        for env in c.get("envFrom") or []:
            if isinstance(env.get("configMapRef"), dict):
                out.append(("ConfigMap", env["configMapRef"], "name"))
            if isinstance(env.get("secretRef"), dict):
                out.append(("Secret", env["secretRef"], "name"))
    return out


def _fix_references(resources: list[Res]) -> None:
    """kustomize's nameReference transformer: a reference to a name a resource had now names it."""
    renamed: dict[tuple[str, str, str], str] = {}
    for res in resources:
        for old in res.previous:
            renamed.setdefault((res.kind, res.namespace, old), res.name)
    if not renamed:
        return
    for res in resources:
        ns = res.namespace
        refs = [ref for spec in _pod_specs(res.obj) for ref in _pod_refs(spec)]
        spec = res.obj.get("spec") if isinstance(res.obj.get("spec"), dict) else {}
        if res.kind == "StatefulSet" and spec.get("serviceName"):
            refs.append(("Service", spec, "serviceName"))
        if res.kind == "HorizontalPodAutoscaler" and isinstance(spec.get("scaleTargetRef"), dict):
            refs.append((spec["scaleTargetRef"].get("kind") or "", spec["scaleTargetRef"], "name"))
        if res.kind in ("RoleBinding", "ClusterRoleBinding"):
            for s in res.obj.get("subjects") or []:
                if s.get("kind") == "ServiceAccount":
                    refs.append(("ServiceAccount", s, "name"))
        for kind, holder, key in refs:
            new = renamed.get((kind, ns, holder.get(key)))
            if new is not None:
                holder[key] = new


def _sort_key(res: Res) -> tuple:
    kind = res.kind
    rank = (-len(ORDER_FIRST) + ORDER_FIRST.index(kind) if kind in ORDER_FIRST
            else 1 + ORDER_LAST.index(kind) if kind in ORDER_LAST else 0)
    group, _, version = (res.obj.get("apiVersion") or "").rpartition("/")
    gvk = f"{group or '~G'}_{version or '~V'}_{kind or '~K'}"
    return rank, gvk, f"{gvk}|{res.namespace or '~X'}|{res.name or '~N'}"


class _V3Dumper(yaml.SafeDumper):
    """PyYAML tuned to print as kustomize's kyaml (go-yaml v3) does: keys sorted, sequences not
    indented under their key, a string that would read back as another type (or as one of YAML
    1.1's y/n/yes/on… booleans) double-quoted, strings the plain style cannot hold single-quoted."""


#: PyYAML's tags for "=" and "!"/"&"/"*": go-yaml v3 reads those as strings
_PLAIN_TAGS = ("tag:yaml.org,2002:str", "tag:yaml.org,2002:value", "tag:yaml.org,2002:yaml")
_OLD_BOOLS = {"y", "Y", "yes", "Yes", "YES", "on", "On", "ON", "n", "N", "no", "No", "NO", "off", "Off", "OFF"}


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    if "\n" in value:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style="|")
    resolved = dumper.resolve(yaml.ScalarNode, value, (True, False))
    if resolved not in _PLAIN_TAGS or value in _OLD_BOOLS:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')
    return dumper.represent_scalar("tag:yaml.org,2002:str", value)


_V3Dumper.add_representer(str, _represent_str)


def _dump(obj: Obj) -> str:
    return yaml.dump(obj, Dumper=_V3Dumper, sort_keys=True, default_flow_style=False, allow_unicode=True, width=80)


def build_with_warnings(workspace: dict[str, str], directory: str) -> tuple[str, list[str]]:
    """(the YAML ``kubectl kustomize DIR`` prints, kustomize's deprecation warnings)."""
    rel = _rel(directory or ".")
    if not _is_dir(workspace, rel):
        full = _abs(rel)
        if rel in workspace:
            raise KustomizeError(f"error: must build at directory: '{directory}': file is not directory")
        raise KustomizeError(f"error: must build at directory: not a valid directory: evalsymlink failure on "
                             f"'{directory}' : lstat {full}: no such file or directory")
    warnings: list[str] = []
    resources = _build_dir(workspace, rel, warnings)
    for res in resources:
        if res.generated and res.hash_suffix:
            res.rename(f"{res.name}-{content_hash(res.obj)}")
    _fix_references(resources)
    seen: set[tuple[str, str, str]] = set()
    for res in resources:
        key = (res.kind, res.namespace, res.name)
        if key in seen:
            raise KustomizeError(f"error: may not add resource with an already registered id: "
                                 f"{res.kind}.{res.obj.get('apiVersion', '')}.[noGrp]/{res.name}.[noNs]")
        seen.add(key)
    resources.sort(key=_sort_key)
    return "---\n".join(_dump(r.obj) for r in resources), warnings


def build(workspace: dict[str, str], directory: str) -> str:
    """The YAML ``kubectl kustomize DIR`` prints for a directory of the workspace (``KubectlError``
    with kustomize's message when it cannot be built)."""
    return build_with_warnings(workspace, directory)[0]


@command("kustomize", flags=[Flag("output", "o", "str", ""), Flag("enable-helm"), Flag("load-restrictor", kind="str"),
                             Flag("enable-alpha-plugins"), Flag("reorder", kind="str")])
def kustomize(inv: Invocation) -> Result:
    if len(inv.args) > 1:
        raise KubectlError("error: specify one path to kustomization.yaml")
    text, warnings = build_with_warnings(getattr(inv.cluster, "workspace", None) or {},
                                         inv.args[0] if inv.args else ".")
    notes = "".join(w + "\n" for w in warnings)
    if inv.flags.get("output"):
        # -o PATH writes the build to a file of the workstation instead of printing it
        inv.cluster.workspace[_rel(inv.flags["output"])] = text
        return Result(notes)
    return Result(notes + text)
