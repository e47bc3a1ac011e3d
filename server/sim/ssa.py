"""Server-side apply and ``metadata.managedFields``, as the v1.32 apiserver keeps them.

A port of sigs.k8s.io/structured-merge-diff v4.4.2 (the version Kubernetes v1.32 vendors: fieldpath
sets, ``typed`` merge/compare/remove/ToFieldSet, ``merge.Updater`` Update/Apply/prune, conflicts)
and of the field manager chain of k8s.io/apimachinery v0.32 pkg/util/managedfields (VersionCheck →
LastAppliedUpdater → LastAppliedManager → ProbabilisticSkipNonApplied → CapManagers →
BuildManagerInfo → ManagedFieldsUpdater → StripMeta → StructuredMerge, plus the ScaleHandler).

Owns: field sets (a Python ``set`` of paths; a path is a tuple of FieldsV1 path-element strings
such as ``"f:spec"``, ``'k:{"name":"nginx"}'``, ``'v:"a"'``, ``"i:0"``), their FieldsV1 JSON, the
managedFields entries (identity, ``time``, ordering, the cap of 10 Update managers into
``ancient-changes``), the apply merge with pruning of fields the applier dropped, conflicts and the
apiserver's conflict message, the ``before-first-apply`` manager for objects that were never
tracked, the client-side → server-side apply upgrade for the ``kubectl`` manager (conflicts with
fields the ``last-applied-configuration`` annotation still matches are forced) and keeping that
annotation up to date, and the reset fields (``status`` for the main resource; ``spec`` and a few
metadata fields for ``/status``), which no manager owns through the wrong endpoint.

How the schema is read: ``Schema`` (``openapi.py``) is the OpenAPI node; the SMD view of it is the
one ``k8s.io/kube-openapi/pkg/schemaconv`` derives: a list is associative when it has
``x-kubernetes-list-type: map|set`` or, lacking one, ``x-kubernetes-patch-strategy: merge`` (the
patch merge key becomes the list-map key; no key makes it a set); every other list is atomic.
Objects are granular unless ``x-kubernetes-map-type: atomic``. A missing schema (or ``type ""``)
is SMD's "deduced" type: maps are granular with every key a member, lists atomic.

Hands off — what the caller (the apiserver layer) does around these pure functions:
- ``apply``: check the apply is allowed (fieldManager given, the config's apiVersion/kind match the
  resource), then *default* the returned object, run the registry strategy (PrepareForCreate /
  PrepareForUpdate: for the main resource the live ``status`` is kept — SMD merges whatever
  status the config carries, the strategy throws it away) and validate; store it. The apiserver
  defaults after the merge, so fields defaulted then belong to no manager until an Update takes
  them. ``InvalidApply`` is a 400/500-class refusal (bad config, duplicate keys, managedFields in
  the config); ``ApplyConflict`` is the 409 ``Conflict`` with ``causes``.
- ``record_update``: call it for every create/update/patch *after* defaulting, with the object
  about to be stored (``old`` None for a create; for ``/status`` pass ``subresource="status"``,
  for ``/scale`` pass the parent objects with ``subresource="scale"``). It never raises.
- The time ``now`` is the virtual clock's RFC3339 seconds; nothing here reads a clock.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from .golang import quote as _go_quote
from .store import deep_copy

if TYPE_CHECKING:
    from .openapi import Schema

Path = tuple[str, ...]
FieldSet = set[Path]

LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration"
MAX_UPDATE_MANAGERS = 10  # internal.DefaultMaxUpdateManagers
_ANCIENT = "ancient-changes"
_BEFORE_FIRST_APPLY = "before-first-apply"
_CURRENT = ("current-operation", "", "", "")  # managedFieldsUpdater's placeholder manager
_ANNOTATIONS_LIMIT = 256 * 1024  # apimachinery ValidateAnnotationsSize (TotalAnnotationSizeLimitB)

# StripMetaManager: never part of any manager's set.
_STRIPPED: frozenset[Path] = frozenset({
    ("f:apiVersion",), ("f:kind",), ("f:metadata",), ("f:metadata", "f:name"), ("f:metadata", "f:namespace"),
    ("f:metadata", "f:creationTimestamp"), ("f:metadata", "f:selfLink"), ("f:metadata", "f:uid"),
    ("f:metadata", "f:clusterName"), ("f:metadata", "f:generation"), ("f:metadata", "f:managedFields"),
    ("f:metadata", "f:resourceVersion"),
})

# GetResetFields of the registry strategies: the main resource resets status; the status
# strategies reset spec, and these kinds a few metadata fields besides (pkg/registry/*/strategy.go).
_MAIN_RESET: frozenset[Path] = frozenset({("f:status",)})
_STATUS_RESET_EXTRA: dict[str, tuple[Path, ...]] = {
    "Pod": (("f:metadata", "f:deletionTimestamp"), ("f:metadata", "f:ownerReferences")),
    "Deployment": (("f:metadata", "f:labels"),),
}

# The Go zero value of a kind as runtime.DefaultUnstructuredConverter renders it (the "empty
# object" a create or before-first-apply is compared against). Only what changes a field set
# matters: non-pointer structs appear as {} (so they are not "added" and get no "." entry) and
# non-omitempty nil slices as null (PodSpec.containers). OpenAPI does not carry Go's pointer-ness,
# so these few shapes are written down from k8s.io/api.
_POD_TEMPLATE = {"metadata": {"creationTimestamp": None}, "spec": {"containers": None}}
_ZERO_SPEC: dict[str, dict[str, Any]] = {
    "Pod": {"containers": None},
    "Deployment": {"selector": None, "template": _POD_TEMPLATE, "strategy": {}},
    "ReplicaSet": {"selector": None, "template": _POD_TEMPLATE},
    "DaemonSet": {"selector": None, "template": _POD_TEMPLATE, "updateStrategy": {}},
    "StatefulSet": {"selector": None, "template": _POD_TEMPLATE, "updateStrategy": {}},
    "Job": {"template": _POD_TEMPLATE},
    "CronJob": {"jobTemplate": {"metadata": {"creationTimestamp": None}, "spec": {"template": _POD_TEMPLATE}}},
    "PersistentVolumeClaim": {"resources": {}},
    "HorizontalPodAutoscaler": {"scaleTargetRef": {}},
}
_ZERO_TOP: dict[str, dict[str, Any]] = {"Event": {"involvedObject": {}, "source": {}}}

# Scale subresource (managedfields.ScaleHandler): the Scale's and the parents' replicas path.
_REPLICAS: Path = ("f:spec", "f:replicas")
_SCALE_VERSION = "autoscaling/v1"


class InvalidApply(ValueError):
    """The request cannot be field-managed: the apiserver answers ``code`` with this message —
    400 ``BadRequest`` where the field manager returns ``errors.NewBadRequest``, 500 with no reason
    (``StatusReasonUnknown``) where it returns a plain Go error (``ErrorToAPIStatus``)."""

    def __init__(self, message: str, code: int = 500) -> None:
        super().__init__(message)
        self.code = code

    @property
    def reason(self) -> str:
        return "BadRequest" if self.code == 400 else ""


def _go_kind_name(v: Any) -> str:
    """encoding/json's name of a JSON value's type in an UnmarshalTypeError."""
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, (int, float)):
        return "number"
    return "string" if isinstance(v, str) else "array" if isinstance(v, list) else "object"


def _go_value(v: Any) -> str:
    """``%v`` of a decoded JSON value (float64 numbers, []interface{}, map[string]interface{})."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int) or (isinstance(v, float) and v.is_integer()):
        return str(int(v))
    if isinstance(v, list):
        return "[" + " ".join(_go_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_value(x)}" for k, x in sorted(v.items())) + "]"
    return "<nil>" if v is None else str(v)


def _gvk_string(api_version: str, kind: str) -> str:
    """schema.GroupVersionKind's String(): ``apps/v1, Kind=Deployment``, ``/v1, Kind=Pod``."""
    group, _, version = api_version.rpartition("/") if "/" in api_version else ("", "", api_version)
    return f"{group}/{version}, Kind={kind}"


def check_config(config: Any, api_version: str, kind: str) -> dict:
    """The checks the v1.32 apiserver makes of an apply configuration before merging it, in its
    order, raising ``InvalidApply`` with the code and words it answers; returns the configuration
    with a ``metadata: null`` dropped (SMD treats a null map as unset).

    - applyPatcher: ``yaml.Unmarshal`` into ``map[string]interface{}`` — a list, string, number or
      bool is ``400 error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot
      unmarshal <type> into Go value of type map[string]interface {}`` (``null`` decodes to a nil
      map: an object without apiVersion/kind);
    - versionCheckManager: ``400 invalid object type: <gvk>`` when the configuration's
      apiVersion/kind is not the resource's;
    - structuredMergeManager: ``400 metadata.managedFields must be nil``; then the patch object's
      typed conversion, whose failure v1.32 returns as a plain error (``500 failed to create typed
      patch object (<ns>/<name>; <gvk>): .metadata: expected map, got &{…}``;
      kubernetes/kubernetes#122480, made a 400 only after v1.32).

    The URL-name check (``checkName``: ``the name of the object (x based on URL) was
    undeterminable: name must be provided``) comes after the merge and is the caller's.
    """
    if config is not None and not isinstance(config, dict):
        raise InvalidApply("error decoding YAML: error unmarshaling JSON: while decoding JSON: json: cannot "
                           f"unmarshal {_go_kind_name(config)} into Go value of type map[string]interface {{}}", 400)
    config = config or {}
    got_version, got_kind = config.get("apiVersion"), config.get("kind")
    if (got_version, got_kind) != (api_version, kind):
        shown = _gvk_string(got_version if isinstance(got_version, str) else "",
                            got_kind if isinstance(got_kind, str) else "")
        raise InvalidApply(f"invalid object type: {shown}", 400)
    meta = config.get("metadata")
    if meta is None:
        return {k: v for k, v in config.items() if k != "metadata"}
    if not isinstance(meta, dict):
        raise InvalidApply(f"failed to create typed patch object (/; {_gvk_string(api_version, kind)}): "
                           f".metadata: expected map, got &{{{_go_value(meta)}}}")
    if meta.get("managedFields") is not None:
        raise InvalidApply("metadata.managedFields must be nil", 400)
    return config


class ApplyConflict(Exception):
    """An apply would change fields other managers own (the apiserver's 409 Conflict)."""

    def __init__(self, conflicts: list[tuple[str, str]], message: str, causes: list[dict[str, str]]) -> None:
        super().__init__(message)
        self.conflicts = conflicts
        self.message = message
        #: metav1.StatusCause list: {"type": "FieldManagerConflict", "message": ..., "field": ...}
        self.causes = causes

    def status(self) -> dict:
        """The metav1.Status the apiserver answers (errors.NewApplyConflict)."""
        return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                "message": self.message, "reason": "Conflict", "details": {"causes": self.causes},
                "code": 409}


class _Conflicts(Exception):
    def __init__(self, sets: dict[tuple, FieldSet]) -> None:
        super().__init__("conflicts")
        self.sets = sets


class _Missing:
    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


_MISSING: Any = _Missing()  # "no value" (Go nil), as opposed to JSON null (None)

# ---------------------------------------------------------------- values: Go JSON and comparison


def _norm(v: Any) -> Any:
    """Integral floats are written as integers by Go's encoders (float64 80 -> 80)."""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e21:
        return int(v)
    if isinstance(v, dict):
        return {k: _norm(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_norm(x) for x in v]
    return v


_GO_ESCAPES = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def go_json(v: Any) -> str:
    """encoding/json (and jsoniter's compatible config): sorted keys, HTML-safe escapes."""
    s = json.dumps(_norm(v), sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    s = re.sub(r"\\(.)", lambda m: {"b": "\\u0008", "f": "\\u000c"}.get(m.group(1), m.group(0)), s)
    return re.sub("[<>&\u2028\u2029]", lambda m: _GO_ESCAPES[m.group(0)], s)


def _to_string(v: Any) -> str:
    """value.ToString, used in printed paths."""
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() and abs(v) < 1e21 else repr(v)
    if isinstance(v, str):
        return _go_quote(v)
    if isinstance(v, list):
        return "[" + ",".join(_to_string(x) for x in v) + "]"
    if isinstance(v, dict):
        return "".join(f"{k}={_to_string(x)}" for k, x in sorted(v.items()))
    return "{{undefined}}"


def _veq(a: Any, b: Any) -> bool:
    """value.Equals: numbers compare as numbers (int 1 == float 1.0), bools are not numbers."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) or isinstance(b, (int, float)):
        return isinstance(a, (int, float)) and isinstance(b, (int, float)) and float(a) == float(b)
    if isinstance(a, str) or isinstance(b, str):
        return isinstance(a, str) and isinstance(b, str) and a == b
    if isinstance(a, list) or isinstance(b, list):
        return (isinstance(a, list) and isinstance(b, list) and len(a) == len(b)
                and all(_veq(x, y) for x, y in zip(a, b, strict=True)))
    if isinstance(a, dict) or isinstance(b, dict):
        return (isinstance(a, dict) and isinstance(b, dict) and a.keys() == b.keys()
                and all(_veq(a[k], b[k]) for k in a))
    return a is None and b is None


def _vkey(v: Any) -> tuple:
    """A sort key in value.Compare's order: numbers < strings < bools < lists < maps < null."""
    if isinstance(v, bool):
        return (2, v)
    if isinstance(v, (int, float)):
        return (0, float(v))
    if isinstance(v, str):
        return (1, v)
    if isinstance(v, list):
        return (3, tuple(_vkey(x) for x in v))
    if isinstance(v, dict):
        return (4, tuple((k, _vkey(x)) for k, x in sorted(v.items())))
    return (5,)


# ---------------------------------------------------------------- path elements


def _pe_field(name: str) -> str:
    return "f:" + name


def _pe_key(fields: Iterable[tuple[str, Any]]) -> str:
    return "k:{" + ",".join(go_json(n) + ":" + go_json(v) for n, v in sorted(fields, key=lambda f: f[0])) + "}"


def _pe_value(v: Any) -> str:
    return "v:" + go_json(v)


def _canonical_pe(s: str) -> str | None:
    """DeserializePathElement then serialize again; None for element types we do not know."""
    if len(s) < 2 or s[1] != ":":
        raise InvalidApply(f"key must be 2 characters long: {s}" if len(s) < 2 else f"missing colon: {s}")
    kind, rest = s[0], s[2:]
    if kind == "f":
        return s
    if kind == "v":
        return _pe_value(json.loads(rest))
    if kind == "k":
        fields = json.loads(rest)
        if not isinstance(fields, dict):
            raise InvalidApply(f"invalid key: {s}")
        return _pe_key(fields.items())
    if kind == "i":
        return "i:" + str(int(rest))
    return None


@lru_cache(maxsize=4096)
def _pe_sort_key(pe: str) -> tuple:
    """PathElement.Compare: field names < keys < values < indexes."""
    kind, rest = pe[0], pe[2:]
    if kind == "f":
        return (0, rest)
    if kind == "k":
        return (1, tuple((n, _vkey(v)) for n, v in json.loads(rest).items()))
    if kind == "v":
        return (2, _vkey(json.loads(rest)))
    return (3, int(rest))


def _pe_string(pe: str) -> str:
    """PathElement.String: .name, [k=v,...], [=v], [i]."""
    kind, rest = pe[0], pe[2:]
    if kind == "f":
        return "." + rest
    if kind == "k":
        return "[" + ",".join(f"{n}={_to_string(v)}" for n, v in json.loads(rest).items()) + "]"
    if kind == "v":
        return f"[={_to_string(json.loads(rest))}]"
    return f"[{rest}]"


def path_string(path: Path) -> str:
    """fieldpath.Path.String, e.g. ``.spec.template.spec.containers[name="nginx"].image``."""
    return "".join(_pe_string(pe) for pe in path)


# ---------------------------------------------------------------- the schema, as SMD sees it

_ATOMIC: tuple[str, tuple[str, ...]] = ("atomic", ())
_PROBE = "\x00kubeplay-probe"  # no real property is called this


def _is_map_schema(s: Schema) -> bool:
    """additionalProperties (a map whose keys are not named fields), not a struct."""
    return s.field(_PROBE) is not None


def _stype(s: Schema | None) -> str:
    return s.type if s is not None else ""


def _kind(s: Schema | None, v: Any) -> str:
    """handleAtom(deduceAtom(atom, v)): 'map', 'list' or 'scalar'."""
    t = _stype(s)
    if t == "object":
        return "map"
    if t == "array":
        return "list"
    if t in ("string", "integer", "number", "boolean"):
        return "scalar"
    # deduced / untyped: the value decides; nil and null pick the map (Map is tried first)
    if isinstance(v, list):
        return "list"
    if v is None or v is _MISSING or isinstance(v, dict):
        return "map"
    return "scalar"


def _child(s: Schema | None, name: str) -> tuple[Schema | None, bool]:
    """The schema of a map entry and whether it is a named (struct) field."""
    if s is None or s.type != "object":
        return None, False
    c = s.field(name)
    if c is None:
        return None, False
    return c, not _is_map_schema(s)


def _items(s: Schema | None) -> Schema | None:
    return s.items if s is not None and s.type == "array" else None


def _list_rel(s: Schema | None) -> tuple[str, tuple[str, ...]]:
    """schemaconv.getListElementRelationship."""
    if s is None or s.type != "array":
        return _ATOMIC
    lt = s.list_type
    if lt == "map":
        return ("map", tuple(s.list_map_keys))
    if lt == "set":
        return ("set", ())
    if lt:
        return _ATOMIC
    if s.patch_strategy in ("merge", "merge,retainKeys"):
        return ("map", (s.patch_merge_key,)) if s.patch_merge_key else ("set", ())
    return _ATOMIC


def _atomic_map(s: Schema | None) -> bool:
    return s is not None and s.type == "object" and s.map_type == "atomic"


def _key_default(item_schema: Schema | None, key: str) -> Any:
    ks = item_schema.field(key) if item_schema is not None and item_schema.type == "object" else None
    default = getattr(ks, "default", None) if ks is not None else None
    if default is None and key == "protocol":
        # every list-map key with a default in the v1.32 OpenAPI is a port protocol (+default="TCP")
        default = "TCP"
    return default


def _item_pe(rel: tuple[str, tuple[str, ...]], item: Any, item_schema: Schema | None,
             path: Path, index: int) -> str:
    """listItemToPathElement; errors carry SMD's wording."""
    where = f"{path_string(path)}: element {index}: "
    if rel[0] == "map":
        if item is None:
            raise InvalidApply(where + "associative list with keys may not have a null element")
        if not isinstance(item, dict):
            raise InvalidApply(where + "associative list with keys may not have non-map elements")
        fields = []
        for k in rel[1]:
            if k in item:
                fields.append((k, item[k]))
                continue
            default = _key_default(item_schema, k)
            if default is None:
                raise InvalidApply(where + f"associative list with keys has an element that omits key field "
                                   f"{_go_quote(k)} (and doesn't have default value)")
            fields.append((k, default))
        return _pe_key(fields)
    if isinstance(item, dict):
        raise InvalidApply(where + "associative list without keys has an element that's a map type")
    if isinstance(item, list):
        raise InvalidApply(where + "not supported: associative list with lists as elements")
    if item is None:
        raise InvalidApply(where + "associative list without keys has an element that's an explicit null")
    return _pe_value(item)


# ---------------------------------------------------------------- typed: ToFieldSet


def fields_of(obj: dict, schema: Schema | None) -> FieldSet:
    """TypedValue.ToFieldSet: leaves, map keys, list items ('.' entries) and empty/null values."""
    out: FieldSet = set()
    _fieldset(obj, schema, (), out)
    return out


def _fieldset(v: Any, s: Schema | None, path: Path, out: FieldSet) -> None:
    kind = _kind(s, v)
    if kind == "scalar":
        if path:
            out.add(path)
        return
    if kind == "list":
        rel = _list_rel(s)
        if rel[0] == "atomic":
            if path:
                out.add(path)
            return
        if not isinstance(v, list):
            return
        item_s = _items(s)
        pes = [_item_pe(rel, item, item_s, path, i) for i, item in enumerate(v)]
        seen: set[str] = set()
        dups: set[str] = set()
        for pe in pes:
            if pe in seen:
                if pe not in dups:
                    out.add(path + (pe,))
                    dups.add(pe)
            else:
                seen.add(pe)
        for pe, item in zip(pes, v, strict=True):
            if pe not in dups:
                _fieldset(item, item_s, path + (pe,), out)
                out.add(path + (pe,))
        return
    if _atomic_map(s):
        if path:
            out.add(path)
        return
    if not isinstance(v, dict):
        return
    for key, val in v.items():
        cs, named = _child(s, key)
        p2 = path + (_pe_field(key),)
        _fieldset(val, cs, p2, out)
        if val is None or (isinstance(val, dict) and not val) or not named:
            out.add(p2)


def _validate(v: Any, s: Schema | None, path: Path, errs: list[str]) -> None:
    """TypedValue.Validate of an applied configuration (ObjectToTyped without AllowDuplicates):
    SMD's errors into ``errs`` — a field a struct does not declare (the rest of that map is not
    looked at), an associative list item without its keys or of the wrong shape (nor the rest of
    that list), two items with one key. SMD walks maps in Go's random order; here it is document
    order. Scalar type mismatches are left to the apiserver's decoding of the merged object."""
    kind = _kind(s, v)
    if kind == "map" and isinstance(v, dict):
        closed = bool(getattr(s, "closed", False))  # a stand-in schema without it declares nothing
        for key, val in v.items():
            child = path + (_pe_field(key),)
            cs = s.field(key) if s is not None and s.type == "object" else None
            if cs is None and closed:
                errs.append(f"{path_string(child)}: field not declared in schema")
                return
            _validate(val, cs, child, errs)
    elif kind == "list" and isinstance(v, list):
        rel, item_s = _list_rel(s), _items(s)
        seen: set[str] = set()
        for i, item in enumerate(v):
            try:
                pe = f"i:{i}" if rel[0] == "atomic" else _item_pe(rel, item, item_s, path, i)
            except InvalidApply as err:
                errs.append(str(err))
                return
            if pe in seen:
                errs.append(f"{path_string(path)}: duplicate entries for key {_pe_string(pe)}")
            seen.add(pe)
            _validate(item, item_s, path + (pe,), errs)


def _validation_error(errs: list[str]) -> str:
    """ValidationErrors.Error: one error as it is, several under ``errors:``, indented."""
    return errs[0] if len(errs) == 1 else "\n  ".join(["errors:", *errs])


def _ensure_named(paths: FieldSet, schema: Schema | None) -> FieldSet:
    """Set.EnsureNamedFieldsAreMembers: struct fields on the way to a member become members."""
    out = set(paths)
    at: dict[Path, Schema | None] = {(): schema}

    def schema_at(prefix: Path) -> Schema | None:
        if prefix in at:
            return at[prefix]
        parent = schema_at(prefix[:-1])
        pe = prefix[-1]
        s: Schema | None = None
        if parent is not None:
            if pe[0] == "f" and parent.type == "object":
                s = parent.field(pe[2:])
            elif pe[0] == "k" and parent.type == "array":
                s = parent.items
        at[prefix] = s
        return s

    for p in paths:
        for k in range(1, len(p)):
            pe = p[k - 1]
            if pe[0] != "f" or p[:k] in out:
                continue
            parent = schema_at(p[:k - 1])
            if parent is not None and parent.type == "object" and parent.field(pe[2:]) is not None \
                    and not _is_map_schema(parent):
                out.add(p[:k])
    return out


def _recursive_difference(paths: FieldSet, remove: Iterable[Path]) -> FieldSet:
    """Set.RecursiveDifference: drop every path that is, or lies under, a path of ``remove``."""
    rm = set(remove)
    if not rm:
        return set(paths)
    return {p for p in paths if not any(p[:k] in rm for k in range(1, len(p) + 1))}


# ---------------------------------------------------------------- typed: Compare


def _compare(lhs: Any, rhs: Any, s: Schema | None) -> tuple[FieldSet, FieldSet, FieldSet]:
    """TypedValue.Compare: (removed, modified, added)."""
    cmp: tuple[FieldSet, FieldSet, FieldSet] = (set(), set(), set())
    _cmp(lhs, rhs, s, (), cmp)
    return cmp


def _cmp(lhs: Any, rhs: Any, s: Schema | None, path: Path, cmp: tuple[FieldSet, FieldSet, FieldSet]) -> None:
    removed, modified, added = cmp
    if rhs is _MISSING:
        leaf = _cmp_as(_kind(s, lhs), lhs, rhs, s, path, cmp)
    else:
        kr = _kind(s, rhs)
        if lhs is not _MISSING and _kind(s, lhs) != kr:
            _cmp_as(_kind(s, lhs), lhs, rhs, s, path, cmp)  # SMD walks both atoms
        leaf = _cmp_as(kr, lhs, rhs, s, path, cmp)
    if not leaf and path:
        if lhs is _MISSING:
            added.add(path)
        elif rhs is _MISSING:
            removed.add(path)


def _cmp_leaf(lhs: Any, rhs: Any, path: Path, cmp: tuple[FieldSet, FieldSet, FieldSet]) -> None:
    if not path:
        return
    if lhs is _MISSING:
        cmp[2].add(path)
    elif rhs is _MISSING:
        cmp[0].add(path)
    elif not _veq(lhs, rhs):
        cmp[1].add(path)


def _cmp_as(kind: str, lhs: Any, rhs: Any, s: Schema | None, path: Path,
            cmp: tuple[FieldSet, FieldSet, FieldSet]) -> bool:
    """One atom of compareWalker; True when the node was compared as a leaf."""
    if kind == "scalar":
        _cmp_leaf(lhs, rhs, path, cmp)
        return True
    if kind == "list":
        ll = lhs if isinstance(lhs, list) else None
        rl = rhs if isinstance(rhs, list) else None
        rel = _list_rel(s)
        if rel[0] == "atomic" or (not ll and not rl):
            _cmp_leaf(lhs, rhs, path, cmp)
            return True
        item_s = _items(s)
        order: list[str] = []
        lvals: dict[str, list] = {}
        rvals: dict[str, list] = {}
        for i, item in enumerate(ll or []):
            pe = _item_pe(rel, item, item_s, path, i)
            if pe not in lvals:
                lvals[pe] = []
                order.append(pe)
            lvals[pe].append(item)
        for i, item in enumerate(rl or []):
            pe = _item_pe(rel, item, item_s, path, i)
            if pe not in rvals:
                rvals[pe] = []
                if pe not in lvals:
                    order.append(pe)
            rvals[pe].append(item)
        for pe in order:
            lv, rv = lvals.get(pe, []), rvals.get(pe, [])
            p2 = path + (pe,)
            if len(lv) <= 1 and len(rv) <= 1:
                _cmp(lv[0] if lv else _MISSING, rv[0] if rv else _MISSING, item_s, p2, cmp)
            elif len(lv) >= 2 and len(rv) >= 2:
                if len(lv) != len(rv) or not all(_veq(a, b) for a, b in zip(lv, rv, strict=True)):
                    cmp[1].add(p2)
            elif len(lv) >= 2:
                if rv:
                    _cmp(_MISSING, rv[0], item_s, p2, cmp)
                cmp[0].add(p2)
            else:
                if lv:
                    _cmp(lv[0], _MISSING, item_s, p2, cmp)
                cmp[2].add(p2)
        return False
    lm = lhs if isinstance(lhs, dict) else None
    rm = rhs if isinstance(rhs, dict) else None
    if _atomic_map(s) or (not lm and not rm):
        _cmp_leaf(lhs, rhs, path, cmp)
        return True
    lm, rm = lm or {}, rm or {}
    for key in list(lm) + [k for k in rm if k not in lm]:
        cs, _ = _child(s, key)
        _cmp(lm.get(key, _MISSING), rm.get(key, _MISSING), cs, path + (_pe_field(key),), cmp)
    return False


# ---------------------------------------------------------------- typed: Merge


def _merge(lhs: Any, rhs: Any, s: Schema | None, path: Path = ()) -> Any:
    """TypedValue.Merge with ruleKeepRHS; _MISSING when nothing comes out."""
    kind = _kind(s, lhs if rhs is _MISSING else rhs)
    leaf = rhs if rhs is not _MISSING else lhs
    if kind == "scalar":
        return leaf
    if kind == "list":
        ll = lhs if isinstance(lhs, list) else None
        rl = rhs if isinstance(rhs, list) else None
        rel = _list_rel(s)
        if rel[0] == "atomic" or (not ll and not rl):
            return leaf
        out = _merge_list(rel, ll or [], rl or [], _items(s), path)
        return out if out else _MISSING
    lm = lhs if isinstance(lhs, dict) else None
    rm = rhs if isinstance(rhs, dict) else None
    if _atomic_map(s) or (not lm and not rm):
        return leaf
    lm, rm = lm or {}, rm or {}
    merged: dict[str, Any] = {}
    for key in list(lm) + [k for k in rm if k not in lm]:
        cs, _ = _child(s, key)
        m = _merge(lm.get(key, _MISSING), rm.get(key, _MISSING), cs, path + (_pe_field(key),))
        if m is not _MISSING:
            merged[key] = m
    return merged if merged else _MISSING


def _merge_list(rel: tuple[str, tuple[str, ...]], lhs: list, rhs: list, item_s: Schema | None,
                path: Path) -> list:
    """mergingWalker.visitListItems: live order, applied items placed as the config orders them."""
    rhs_pes: list[str] = []
    observed_r: dict[str, Any] = {}
    for i, item in enumerate(rhs):
        pe = _item_pe(rel, item, item_s, path, i)
        if pe in observed_r:
            raise InvalidApply(f"{path_string(path)}: duplicate entries for key {_pe_string(pe)}")
        observed_r[pe] = item
        rhs_pes.append(pe)
    lhs_pes: list[str] = []
    observed_l: dict[str, Any] = {}
    for i, item in enumerate(lhs):
        pe = _item_pe(rel, item, item_s, path, i)
        observed_l[pe] = None if pe in observed_l else item  # duplicates in live merge as null
        lhs_pes.append(pe)
    shared = [pe for pe in rhs_pes if pe in observed_l]
    next_shared = shared.pop(0) if shared else None
    merged_r: set[str] = set()
    out: list = []

    def emit(pe: str, lchild: Any, rchild: Any) -> None:
        m = _merge(lchild, rchild, item_s, path + (pe,))
        if m is not _MISSING:
            out.append(m)

    li = ri = 0
    while li < len(lhs_pes) or ri < len(rhs_pes):
        if li < len(lhs_pes) and ri < len(rhs_pes):
            pe = lhs_pes[li]
            if pe == rhs_pes[ri]:
                merged_r.add(pe)
                emit(pe, observed_l[pe], observed_r[pe])
                li += 1
                ri += 1
                next_shared = shared.pop(0) if shared else None
                continue
            if pe in observed_r and next_shared is not None and next_shared != pe:
                li += 1
                continue
        if li < len(lhs_pes):
            pe = lhs_pes[li]
            if pe not in observed_r:
                emit(pe, lhs[li], _MISSING)
                li += 1
                continue
            if pe in merged_r:
                li += 1
        if ri < len(rhs_pes):
            pe = rhs_pes[ri]
            merged_r.add(pe)
            emit(pe, observed_l.get(pe, _MISSING), observed_r[pe])
            ri += 1
            if next_shared is not None and next_shared == pe:
                next_shared = shared.pop(0) if shared else None
    return out


# ---------------------------------------------------------------- typed: RemoveItems


def _tree(paths: Iterable[Path]) -> dict:
    root: dict = {}
    for p in paths:
        node = root
        for pe in p[:-1]:
            node = node.setdefault(pe, [False, {}])[1]
        node.setdefault(p[-1], [False, {}])[0] = True
    return root


def _remove_items(v: Any, paths: FieldSet, s: Schema | None) -> Any:
    return _remove(v, _tree(paths), s, ()) if paths else v


def _remove(v: Any, tree: dict, s: Schema | None, path: Path) -> Any:
    """removingWalker (not extracting): what is left becomes null when empty, as in SMD."""
    kind = _kind(s, v)
    if kind == "scalar":
        return v
    if kind == "list":
        rel = _list_rel(s)
        if not isinstance(v, list) or not v or rel[0] == "atomic":
            return None
        item_s = _items(s)
        items = []
        for i, item in enumerate(v):
            node = tree.get(_item_pe(rel, item, item_s, path, i))
            if node is not None and node[0]:
                continue
            if node is not None and node[1]:
                item = _remove(item, node[1], item_s, path)
            items.append(item)
        return items or None
    if not isinstance(v, dict) or not v or _atomic_map(s):
        return None
    out = {}
    for key, val in v.items():
        node = tree.get(_pe_field(key))
        if node is not None and node[0]:
            continue
        if node is not None and node[1]:
            val = _remove(val, node[1], _child(s, key)[0], path + (_pe_field(key),))
        out[key] = val
    return out or None


# ---------------------------------------------------------------- merge.Updater

# managers: {identity: [field set, apiVersion, applied]}; identity = (manager, operation,
# apiVersion for Update entries else "", subresource) as BuildManagerIdentifier keys them.
Managers = dict[tuple, list]


def _copy_managers(managers: Managers) -> Managers:
    return {k: [set(v[0]), v[1], v[2]] for k, v in managers.items()}


def _updater_update(old: Any, new: Any, version: str, managers: Managers, workflow: tuple, force: bool,
                    reset: frozenset[Path], schema: Schema | None) -> tuple[Managers, tuple]:
    """Updater.update: other managers lose changed fields (conflicts unless forced) and removed ones."""
    removed, modified, added = _compare(old, new, schema)
    removed = _recursive_difference(removed, reset)
    modified = _recursive_difference(modified, reset)
    added = _recursive_difference(added, reset)
    changed = modified | added
    conflicts: dict[tuple, FieldSet] = {}
    for m, vs in managers.items():
        if m != workflow and vs[0] & changed:
            conflicts[m] = vs[0] & changed
    if not force and conflicts:
        raise _Conflicts(conflicts)
    for m, c in conflicts.items():
        managers[m][0] = managers[m][0] - c
    if removed:
        for m, vs in managers.items():
            if m != workflow:
                vs[0] = vs[0] - removed
    for m in [m for m, vs in managers.items() if not vs[0]]:
        del managers[m]
    return managers, (removed, modified, added)


def _live_versions(managers: Managers, version: str) -> Managers:
    """reconcileManagedFieldsWithSchemaChanges: entries of a version this server cannot convert to go."""
    return {k: [set(v[0]), v[1], v[2]] for k, v in managers.items() if v[1] == version}


def _smd_update(old: Any, new: Any, version: str, managers: Managers, manager: tuple,
                reset: frozenset[Path], schema: Schema | None) -> Managers:
    managers = _live_versions(managers, version)
    managers, (removed, modified, added) = _updater_update(old, new, version, managers, manager, True,
                                                           reset, schema)
    owned = managers.get(manager, [set()])[0]
    fs = _recursive_difference((owned - removed) | modified | added, reset)
    if fs:
        managers[manager] = [fs, version, False]
    else:
        managers.pop(manager, None)
    return managers


def _smd_apply(live: Any, config: dict, version: str, managers: Managers, manager: tuple, force: bool,
               reset: frozenset[Path], schema: Schema | None) -> tuple[Any, Managers]:
    """Updater.Apply; the new object is None when nothing changed."""
    managers = _live_versions(managers, version)
    merged = _merge(live, config, schema)
    if merged is _MISSING:
        merged = {}
    last = managers.get(manager)
    managers[manager] = [_recursive_difference(fields_of(config, schema), reset), version, True]
    if last is not None and last[0]:
        merged = _prune(merged, managers, last[0], schema)
    managers, _ = _updater_update(live, merged, version, managers, manager, force, reset, schema)
    return (None if _veq(live, merged) else merged), managers


def _prune(merged: Any, managers: Managers, last: FieldSet, schema: Schema | None) -> Any:
    """Updater.prune: drop what the applier applied last time, no longer applies and nobody owns."""
    last_named = _ensure_named(last, schema)
    pruned = _remove_items(merged, last_named, schema)
    # addBackOwnedItems
    owned: FieldSet = set()
    for vs in managers.values():
        owned |= vs[0]
    merged_set = _ensure_named(fields_of(merged, schema), schema)
    pruned_set = _ensure_named(fields_of(pruned, schema), schema)
    pruned = _remove_items(merged, merged_set - (pruned_set | _ensure_named(owned, schema)), schema)
    # addBackDanglingItems
    pruned_set = _ensure_named(fields_of(pruned, schema), schema)
    return _remove_items(merged, (merged_set - pruned_set) & last_named, schema)


# ---------------------------------------------------------------- FieldsV1


def encode_fields_v1(fields: Iterable[Path]) -> dict:
    """Set.ToJSON: elements sorted as SMD sorts them; '.' marks a member that has children."""

    def emit(node: dict) -> dict:
        out: dict = {}
        for pe in sorted(node, key=_pe_sort_key):
            member, children = node[pe]
            if children:
                body = {".": {}} if member else {}
                body.update(emit(children))
                out[pe] = body
            else:
                out[pe] = {}
        return out

    return emit(_tree(p for p in fields if p))


def decode_fields_v1(data: dict) -> FieldSet:
    """Set.FromJSON: a key with {} (or with '.') is a member; unknown element types are dropped."""
    out: FieldSet = set()

    def walk(node: dict, prefix: Path) -> bool:
        member = False
        has_children = False
        for key, value in node.items():
            if key == ".":
                member = True
                continue
            pe = _canonical_pe(key)
            if pe is None:
                continue
            has_children = True
            if not isinstance(value, dict):
                raise InvalidApply(f"invalid fieldsV1 value at {key}")
            if walk(value, prefix + (pe,)):
                out.add(prefix + (pe,))
        return member or not has_children

    if not isinstance(data, dict):
        raise InvalidApply("fieldsV1 must be an object")
    walk(data, ())
    return out


# ---------------------------------------------------------------- managedFields entries


def _seconds(t: str | None) -> int:
    if not t:
        return 0
    try:
        return int(datetime.fromisoformat(t.replace("Z", "+00:00")).timestamp())
    except ValueError:
        return 0


def _decode_managed(entries: Any) -> tuple[Managers, dict[tuple, str | None]]:
    """DecodeManagedFields; InvalidApply for an entry the apiserver refuses."""
    managers: Managers = {}
    times: dict[tuple, str | None] = {}
    for i, e in enumerate(entries or []):
        if not isinstance(e, dict):
            raise InvalidApply(f"invalid managed fields entry {i}")
        op = e.get("operation")
        if op not in ("Apply", "Update"):
            raise InvalidApply("operation must be `Apply` or `Update`")
        version = e.get("apiVersion") or ""
        if not version:
            raise InvalidApply("apiVersion must not be empty")
        ftype = e.get("fieldsType") or ""
        if not ftype:
            raise InvalidApply(f"missing fieldsType in managed fields entry {i}")
        if ftype != "FieldsV1":
            raise InvalidApply(f"invalid fieldsType {go_json(ftype)} in managed fields entry {i}")
        key = (e.get("manager") or "", op, version if op == "Update" else "", e.get("subresource") or "")
        try:
            managers[key] = [decode_fields_v1(e.get("fieldsV1") or {}), version, op == "Apply"]
        except (ValueError, TypeError) as err:
            raise InvalidApply(f"error decoding versioned set: {err}") from err
        times[key] = e.get("time")
    return managers, times


def _encode_managed(managers: Managers, times: dict[tuple, str | None]) -> list[dict] | None:
    """encodeManagedFields + sortEncodedManagedFields (operation, time, manager, apiVersion, subresource)."""
    if not managers:
        return None
    entries = []
    for key, (fs, version, applied) in managers.items():
        name, op, _, sub = key
        e: dict[str, Any] = {}
        if name:
            e["manager"] = name
        e["operation"] = "Apply" if applied else op
        e["apiVersion"] = version
        if times.get(key):
            e["time"] = times[key]
        e["fieldsType"] = "FieldsV1"
        e["fieldsV1"] = encode_fields_v1(fs)
        if sub:
            e["subresource"] = sub
        entries.append(e)
    entries.sort(key=lambda e: (e["operation"], _seconds(e.get("time")), e.get("manager", ""),
                                e["apiVersion"], e.get("subresource", "")))
    return entries


def _identifier(key: tuple) -> str:
    """BuildManagerIdentifier's JSON (what conflicts are grouped and sorted by)."""
    name, op, version, sub = key
    parts = []
    if name:
        parts.append('"manager":' + go_json(name))
    parts.append('"operation":' + go_json(op))
    if version:
        parts.append('"apiVersion":' + go_json(version))
    if sub:
        parts.append('"subresource":' + go_json(sub))
    return "{" + ",".join(parts) + "}"


def _print_manager(key: tuple) -> str:
    """conflict.go printManager."""
    name, op, version, sub = key
    out = _go_quote(name)
    if sub:
        out += f" with subresource {_go_quote(sub)}"
    if op == "Update":
        out += f" using {version}"
    return out


def _iterate(paths: FieldSet) -> list[Path]:
    """Set.Iterate order: at each level the members first, then each child's subtree, sorted."""
    out: list[Path] = []

    def walk(node: dict, prefix: Path) -> None:
        pes = sorted(node, key=_pe_sort_key)
        for pe in pes:
            if node[pe][0]:
                out.append(prefix + (pe,))
        for pe in pes:
            if node[pe][1]:
                walk(node[pe][1], prefix + (pe,))

    walk(_tree(paths), ())
    return out


def _conflict_error(sets: dict[tuple, FieldSet]) -> ApplyConflict:
    """NewConflictError: the message and causes the apiserver sends."""
    ordered = sorted(sets, key=_identifier)
    pairs = [(key, p) for key in ordered for p in _iterate(sets[key])]
    causes = [{"type": "FieldManagerConflict", "message": f"conflict with {_print_manager(k)}",
               "field": path_string(p)} for k, p in pairs]
    if len(pairs) == 1:
        key, p = pairs[0]
        message = f"Apply failed with 1 conflict: conflict with {_print_manager(key)}: {path_string(p)}"
    else:
        lines = []
        for key in ordered:
            lines.append(f"conflicts with {_print_manager(key)}:")
            lines.extend(f"- {path_string(p)}" for p in _iterate(sets[key]))
        message = f"Apply failed with {len(pairs)} conflicts: " + "\n".join(lines)
    return ApplyConflict([(k[0], path_string(p)) for k, p in pairs], message, causes)


def _cap_update_managers(managers: Managers, times: dict[tuple, str | None]) -> None:
    """capManagersManager: past 10 Update entries the oldest merge into ancient-changes per version."""
    updaters = [m for m, vs in managers.items() if not vs[2]]
    if len(updaters) <= MAX_UPDATE_MANAGERS:
        return
    updaters.sort(key=lambda m: (_seconds(times.get(m)), _identifier(m)))
    first_of_version: dict[str, tuple] = {}
    length = len(updaters)
    for m in updaters:
        if length <= MAX_UPDATE_MANAGERS:
            break
        vs = managers[m]
        version = vs[1]
        bucket = (_ANCIENT, "Update", version, "")
        if version in first_of_version:
            if bucket not in managers:
                managers[bucket] = managers.pop(first_of_version[version])
            managers[bucket] = [vs[0] | managers[bucket][0], version, vs[2]]
            del managers[m]
            length -= 1
            times[bucket] = times.get(m)
        else:
            first_of_version[version] = m


def _strip(managers: Managers, key: tuple) -> None:
    """stripMetaManager.stripFields."""
    if key in managers:
        fs = managers[key][0] - _STRIPPED
        if fs:
            managers[key][0] = fs
        else:
            del managers[key]


def _tracked_update(old: Any, new: Any, key: tuple, managers: Managers, times: dict[tuple, str | None],
                    version: str, reset: frozenset[Path], schema: Schema | None, now: str) -> Managers:
    """CapManagers(BuildManagerInfo(ManagedFieldsUpdater(StripMeta(StructuredMerge))).Update."""
    managers = _smd_update(old, new, version, managers, _CURRENT, reset, schema)
    _strip(managers, _CURRENT)
    if _CURRENT in managers:
        fs = managers.pop(_CURRENT)[0]
        if key in managers:
            fs = fs | managers[key][0]
        managers[key] = [fs, version, False]
        times[key] = now
    _cap_update_managers(managers, times)
    return managers


# ---------------------------------------------------------------- objects


def _meta(obj: dict | None) -> dict:
    return (obj or {}).get("metadata") or {}


def _without_managed_fields(obj: dict) -> dict:
    out = dict(obj)
    if isinstance(out.get("metadata"), dict) and "managedFields" in out["metadata"]:
        out["metadata"] = {k: v for k, v in out["metadata"].items() if k != "managedFields"}
    return out


def _zero_object(obj: dict, schema: Schema | None) -> dict:
    """The kind's Go zero value, as the typed converter sees it (objectCreater.New)."""
    kind = obj.get("kind") or ""
    zero: dict[str, Any] = {"metadata": {"creationTimestamp": None}}
    for field in ("spec", "status"):
        if schema is not None and schema.type == "object" and schema.field(field) is not None:
            zero[field] = deep_copy(_ZERO_SPEC.get(kind, {})) if field == "spec" else {}
    zero.update(deep_copy(_ZERO_TOP.get(kind, {})))
    return zero


def _drop_nulls(v: Any) -> Any:
    """TypedToObject: a null field is an unset field once the value becomes a Go object again."""
    if isinstance(v, dict):
        return {k: _drop_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_drop_nulls(x) for x in v]
    return v


def _reset_fields(kind: str, subresource: str) -> frozenset[Path]:
    if subresource == "status":
        return frozenset({("f:spec",), *_STATUS_RESET_EXTRA.get(kind, ())})
    if subresource:
        return frozenset()
    return _MAIN_RESET


def _is_reset(entries: Any) -> bool:
    """isResetManagedFields: [] (set, but empty) or [{}]."""
    if isinstance(entries, list):
        return len(entries) == 0 or (len(entries) == 1 and entries[0] == {})
    return False


def _set_managed(obj: dict, managers: Managers, times: dict[tuple, str | None]) -> dict:
    meta = obj.setdefault("metadata", {})
    encoded = _encode_managed(managers, times)
    if encoded:
        meta["managedFields"] = encoded
    else:
        meta.pop("managedFields", None)
    return obj


def record_update(old: dict | None, new: dict, manager: str, *, schema: Schema | None, now: str,
                  subresource: str = "") -> dict:
    """A create/update/patch by ``manager``: ``new`` with managedFields as FieldManager.Update leaves them.

    The fields this write changed become ``manager``'s (one Update entry per manager, apiVersion and
    subresource) and leave every other manager's set; an object whose managedFields are empty is
    not tracked on update (only creates start tracking); ``managedFields: []`` or ``[{}]`` in
    ``new`` resets them. Never raises: a value SMD cannot type loses its managedFields, as in v1.32.
    """
    if not isinstance(new.get("metadata"), dict):
        return deep_copy(new)
    if subresource == "scale":
        return _record_scale(old, new, manager, now)
    out = deep_copy(new)
    meta = out["metadata"]
    version = out.get("apiVersion") or (old or {}).get("apiVersion") or ""
    try:
        live_managed = _decode_managed(_meta(old).get("managedFields"))
    except InvalidApply:
        live_managed = ({}, {})
    if subresource:
        managers, times = live_managed
    elif _is_reset(meta.get("managedFields")):
        managers, times = {}, {}
    else:
        try:
            managers, times = _decode_managed(meta.get("managedFields"))
        except InvalidApply:
            managers, times = {}, {}
        if not managers:
            managers, times = live_managed
    meta.pop("managedFields", None)
    if not managers and old is not None:
        return out  # skipNonAppliedManager: an untracked object stays untracked on update
    live = _without_managed_fields(old) if old is not None else _zero_object(out, schema)
    key = (manager or "unknown", "Update", version, subresource)
    times = dict(times)
    try:
        managers = _tracked_update(live, out, key, _copy_managers(managers), times, version,
                                   _reset_fields(out.get("kind") or "", subresource), schema, now)
    except InvalidApply:
        return out  # v0.32 UpdateNoErrors: managedFields are dropped rather than left wrong
    return _set_managed(out, managers, times)


def _record_scale(old: dict | None, new: dict, manager: str, now: str) -> dict:
    """A write through /scale: ScaleHandler.ToSubresource, the Scale's field manager, ToParent."""
    out = deep_copy(new)
    meta = out["metadata"]
    meta.pop("managedFields", None)
    version = out.get("apiVersion") or (old or {}).get("apiVersion") or ""
    try:
        parent, ptimes = _decode_managed(_meta(old).get("managedFields"))
    except InvalidApply:
        parent, ptimes = {}, {}
    # ToSubresource: the entries owning the parent's replicas, now owning the Scale's
    scale: Managers = {}
    stimes: dict[tuple, str | None] = {}
    for key, (fs, v, applied) in parent.items():
        if v == version and _REPLICAS in fs:
            skey = (key[0], key[1], _SCALE_VERSION if key[1] == "Update" else "", key[3])
            scale[skey] = [{_REPLICAS}, _SCALE_VERSION, applied]
            stimes[skey] = ptimes.get(key)
    if scale:  # an untracked Scale stays untracked (skipNonAppliedManager)
        # autoscaling/v1 ScaleSpec.replicas is omitempty: 0 is no value at all
        def replicas(o: dict | None) -> Any:
            r = ((o or {}).get("spec") or {}).get("replicas", _MISSING)
            return _MISSING if r in (0, None) or r is _MISSING else r

        before, after = replicas(old), replicas(new)
        removed = before is not _MISSING and after is _MISSING
        changed = after is not _MISSING and not (before is not _MISSING and _veq(before, after))
        if changed or removed:
            for fs in scale.values():
                fs[0] = fs[0] - {_REPLICAS}
            scale = {k: v for k, v in scale.items() if v[0]}
        if changed:
            skey = (manager or "unknown", "Update", _SCALE_VERSION, "scale")
            scale[skey] = [{_REPLICAS}, _SCALE_VERSION, False]
            stimes[skey] = now
        _cap_update_managers(scale, stimes)
    # ToParent
    merged: Managers = {}
    mtimes: dict[tuple, str | None] = {}
    for key, (fs, v, applied) in parent.items():
        if v != version:
            continue
        if _REPLICAS not in fs:
            merged[key], mtimes[key] = [fs, v, applied], ptimes.get(key)
        elif key not in scale:
            if fs - {_REPLICAS}:
                merged[key], mtimes[key] = [fs - {_REPLICAS}, v, applied], ptimes.get(key)
        else:
            merged[key], mtimes[key] = [fs, v, applied], ptimes.get(key)
            del scale[key]
    for key, (fs, _, applied) in scale.items():
        if _REPLICAS in fs:
            # the parent's time under the Scale's identity: none (v1.32 leaves such entries untimed)
            merged[key], mtimes[key] = [{_REPLICAS}, version, applied], ptimes.get(key)
    return _set_managed(out, merged, mtimes)


def _allowed_from_last_applied(live: dict, version: str, schema: Schema | None) -> FieldSet | None:
    """lastAppliedManager.allowedConflictsFromLastApplied: what client-side apply still owns."""
    text = (_meta(live).get("annotations") or {}).get(LAST_APPLIED)
    if not text:
        return None
    try:
        last = json.loads(text)
    except ValueError:
        return None
    if not isinstance(last, dict) or last.get("apiVersion") != version:
        return None
    try:
        removed, modified, added = _compare(last, live, schema)
        return fields_of(last, schema) - modified - added - removed
    except InvalidApply:
        return None


def last_applied_value(config: dict) -> str:
    """buildLastApplied: the applied config without the annotation, as UnstructuredJSONScheme writes it."""
    obj = deep_copy(config)
    annotations = (obj.get("metadata") or {}).get("annotations")
    if isinstance(annotations, dict):
        annotations.pop(LAST_APPLIED, None)
    return go_json(obj) + "\n"


def apply(live: dict | None, config: dict, manager: str, *, force: bool, schema: Schema | None,
          now: str) -> dict:
    """Server-side apply of ``config`` by ``manager`` (FieldManager.Apply); ``live`` None creates.

    Returns the merged object with managedFields updated (an Apply entry for ``manager``, its
    ``time`` set when the object changed); fields ``manager`` applied before and no longer applies
    are removed unless another manager owns them. Raises ``ApplyConflict`` when a field another
    manager owns would change value and not ``force``; ``InvalidApply`` for a config SMD refuses.
    """
    if not manager:
        raise InvalidApply("fieldManager: Required value: is required for apply patch", 400)
    if not isinstance(config, dict):
        raise InvalidApply("apply patch must be an object", 400)
    if _meta(config).get("managedFields") is not None:
        raise InvalidApply("metadata.managedFields must be nil", 400)
    version = config.get("apiVersion") or ""
    if live is not None and live.get("apiVersion") and version != live.get("apiVersion"):
        raise InvalidApply("Incorrect version specified in apply patch. Specified patch version: "
                           f"{version}, expected: {live.get('apiVersion')}", 400)
    try:
        managers0, times0 = _decode_managed(_meta(live).get("managedFields"))
    except InvalidApply as err:
        raise InvalidApply(f"failed to decode managed fields: {err}") from err
    errs: list[str] = []  # structuredMergeManager: the patch object's typed conversion (a plain error: a 500 in v1.32)
    _validate(config, schema, (), errs)
    if errs:
        meta = _meta(config)
        where = "/".join(v if isinstance(v, str) else "" for v in (meta.get("namespace"), meta.get("name")))
        raise InvalidApply(f"failed to create typed patch object ({where}; {_gvk_string(version, config.get('kind') or '')}): "
                           f"{_validation_error(errs)}")
    base = _without_managed_fields(live) if live is not None else {}
    reset = _reset_fields(config.get("kind") or "", "")
    key = (manager, "Apply", "", "")

    def attempt(force_: bool) -> tuple[dict, Managers, dict[tuple, str | None]]:
        managers, times = _copy_managers(managers0), dict(times0)
        if not managers and live is not None:  # skipNonAppliedManager: claim what is there first
            bkey = (_BEFORE_FIRST_APPLY, "Update", version, "")
            managers = _tracked_update(_zero_object(base, schema), base, bkey, managers, times, version,
                                       reset, schema, now)
        new, managers = _smd_apply(base, config, version, managers, key, force_, reset, schema)
        _strip(managers, key)
        if new is None:
            return deep_copy(base), managers, times
        times[key] = now
        return new, managers, times

    try:
        obj, managers, times = attempt(force)
    except _Conflicts as c:
        allowed = _allowed_from_last_applied(base, version, schema) if manager == "kubectl" else None
        if allowed is None:
            raise _conflict_error(c.sets) from None
        left = {m: fs - allowed for m, fs in c.sets.items() if fs - allowed}
        if left:
            raise _conflict_error(left) from None
        obj, managers, times = attempt(True)
    obj = _drop_nulls(obj)
    if manager == "kubectl" and (_meta(obj).get("annotations") or {}).get(LAST_APPLIED):
        annotations = dict(obj["metadata"]["annotations"])
        annotations[LAST_APPLIED] = last_applied_value(config)
        if sum(len(k) + len(v) for k, v in annotations.items() if isinstance(v, str)) > _ANNOTATIONS_LIMIT:
            del annotations[LAST_APPLIED]  # SetLastApplied drops an annotation that would not fit
        obj["metadata"] = {**obj["metadata"], "annotations": annotations}
    return _set_managed(obj, managers, times)
