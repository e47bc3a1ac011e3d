"""Admission: turning manifest text into objects and refusing bad ones with the apiserver's words.

Owns: YAML parsing (safe loader, alias-bomb, depth and size limits), the removed-API-version check
("no matches for kind"), decoding against the v1.32 schemas of the vendored OpenAPI documents
(``openapi``: unknown fields per ``fieldValidation``, Go type errors), field validation (required
fields, DNS-1123 names, selector vs template labels, …) and the mutating admission plugins (DefaultTolerationSeconds, ServiceAccount,
Priority, the pod's initial status).

Two kinds of errors, as in real life:
- ``ManifestError``: what kubectl itself refuses before talking to a server (bad YAML, no
  apiVersion/kind, no such kind/version). ``message`` is printed as is, ``error: `` included.
  Raised by ``parse_manifests`` and ``resolve_kind``.
- ``api.ApiError``: what the apiserver answers (400 BadRequest for decoding errors, 422 Invalid
  for field validation). Raised by ``validate``, ``validate_semantics``, ``on_create``,
  ``on_update``; kubectl prints them as ``Error from server (Reason): …``.

Typical caller (``kubectl apply -f``)::

    docs = parse_manifests(text, "x.yml")     # all or nothing: ManifestError on the first bad doc
    for doc in docs:
        resolve_kind(doc, "x.yml")            # per document: ManifestError, go on with the others
        api.apply(doc, namespace)             # ApiError from validate/validate_semantics/...

Hands off: defaulting to ``defaults``; storage to ``api``/``store``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
import threading
import uuid
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

import yaml

from . import labels, openapi
from .golang import json_kind as _json_kind
from .golang import quote as _go_quote
from .quantity import Quantity, QuantityError
from .resources import BY_KIND, REMOVED_VERSIONS, RESOURCES, Resource
from .store import Obj, deep_copy

if TYPE_CHECKING:
    from .api import Api, ApiError

#: the apiserver's limit on a request body (``MaxRequestBodyBytes``)
MAX_REQUEST_BYTES = 3 * 1024 * 1024
#: nesting limit. go-yaml stops at 10000 (``exceeded max depth of 10000``); ours is lower because
#: every later step (copies, merges, validation) recurses in Python. Real manifests nest ~20 deep.
MAX_DEPTH = 500


class ManifestError(Exception):
    """Refused before reaching the API server; ``message`` is kubectl's text (``error: …``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# =================================================================================================
# YAML → JSON-shaped documents, the way kubectl's sigs.k8s.io/yaml (go-yaml v2) reads them
# =================================================================================================
class _GoYamlResolver(yaml.resolver.BaseResolver):
    """go-yaml v2's implicit types: YAML 1.1 booleans incl. y/n, no timestamps, no sexagesimals
    (timestamps stay strings when the target is a plain value, as they do for kubectl)."""


_GoYamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$"),
    list("yYnNtTfFoO"))
_GoYamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_GoYamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))
_GoYamlResolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""])
_GoYamlResolver.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^(?:<<)$"), ["<"])

if yaml.__with_libyaml__:
    # libyaml is the C library go-yaml was ported from: same messages, same marks
    class _Loader(yaml.cyaml.CParser, yaml.constructor.SafeConstructor, _GoYamlResolver):  # type: ignore[misc]
        def __init__(self, stream: str) -> None:
            yaml.cyaml.CParser.__init__(self, stream)
            yaml.constructor.SafeConstructor.__init__(self)
            _GoYamlResolver.__init__(self)
else:  # pragma: no cover - pure-Python fallback, messages differ slightly
    class _Loader(yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser,  # type: ignore[no-redef]
                  yaml.composer.Composer, yaml.constructor.SafeConstructor, _GoYamlResolver):
        def __init__(self, stream: str) -> None:
            yaml.reader.Reader.__init__(self, stream)
            yaml.scanner.Scanner.__init__(self)
            yaml.parser.Parser.__init__(self)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            _GoYamlResolver.__init__(self)


#: go-yaml's YAML 1.1 booleans include y/n
_Loader.bool_values = {**yaml.constructor.SafeConstructor.bool_values, "y": True, "n": False}


def _yaml_message(e: yaml.YAMLError, text: str) -> str:
    """go-yaml's ``yaml: line N: problem`` (its line rule: scanner errors 1-based, parser errors
    use the 0-based problem line, and a line 0 is not printed at all)."""
    if isinstance(e, yaml.reader.ReaderError):
        # go-yaml's reader refuses the same characters (yaml_parser_update_buffer), with no line
        return ("yaml: invalid leading UTF-8 octet" if isinstance(e.character, bytes)
                else "yaml: control characters are not allowed")
    problem = getattr(e, "problem", None) or str(e)
    pm = getattr(e, "problem_mark", None)
    cm = getattr(e, "context_mark", None)
    if isinstance(e, yaml.composer.ComposerError) and problem.startswith("found undefined alias"):
        name = ""
        if pm is not None:
            lines = text.splitlines()
            if pm.line < len(lines):
                m = re.match(r"\*([^\s,\[\]{}]+)", lines[pm.line][pm.column:])
                name = m.group(1) if m else ""
        name = name or problem.partition("'")[2].rstrip("'")
        return f"yaml: unknown anchor '{name}' referenced"
    problem = {"mapping values are not allowed here": "mapping values are not allowed in this context"}.get(
        problem, problem)
    line = 0
    if pm is not None and pm.line != 0:
        line = pm.line + (1 if isinstance(e, yaml.scanner.ScannerError) else 0)
    elif cm is not None and cm.line != 0:
        line = cm.line
    return f"yaml: line {line}: {problem}" if line else f"yaml: {problem}"


def _allowed_alias_ratio(decode_count: int) -> float:
    """go-yaml v2 decode.go allowedAliasRatio: 99% for small documents, down to 10% for huge ones."""
    if decode_count <= 400_000:
        return 0.99
    if decode_count >= 4_000_000:
        return 0.10
    return 0.99 - 0.89 * ((decode_count - 400_000) / 3_600_000)


def _check_aliasing(root: yaml.Node) -> None:
    """Count decode operations the way go-yaml does while expanding aliases, and stop as soon as
    alias expansion dominates: a billion-laughs document is refused after a few thousand steps,
    before anything is expanded in memory. In the composed graph an alias is a second visit of a
    node object already seen."""
    seen: set[int] = set()
    decode = aliases = 0
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, in_alias = stack.pop()
        if id(node) in seen:
            in_alias = True
        else:
            seen.add(id(node))
        decode += 1
        if in_alias:
            aliases += 1
        if aliases > 100 and decode > 1000 and aliases / decode > _allowed_alias_ratio(decode):
            raise ManifestError("yaml: document contains excessive aliasing")
        if isinstance(node, yaml.SequenceNode):
            stack.extend((child, in_alias) for child in reversed(node.value))
        elif isinstance(node, yaml.MappingNode):
            for k, v in reversed(node.value):
                stack.append((v, in_alias))
                stack.append((k, in_alias))


def check_depth(text: str) -> None:
    """Refuse absurd nesting from the event stream (flat, no recursion) before composing it
    (libyaml's composer recurses in C). Each level needs one of ``- : ? [ {``, so a text with
    fewer of those than the limit needs no check."""
    if sum(text.count(c) for c in "-:?[{") <= MAX_DEPTH:
        return
    loader = _Loader(text)
    try:
        depth = 0
        while loader.check_event():
            ev = loader.get_event()
            if isinstance(ev, (yaml.SequenceStartEvent, yaml.MappingStartEvent)):
                depth += 1
                if depth > MAX_DEPTH:
                    raise ManifestError(f"yaml: exceeded max depth of {MAX_DEPTH}")
            elif isinstance(ev, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                depth -= 1
    except yaml.YAMLError as e:
        # libyaml 0.2.6+ has a nesting limit of its own (PyYAML 6.0.4's scanner may reach it first,
        # looking ahead): the text is refused for its depth either way, in one wording
        if "depth" in str(e):
            raise ManifestError(f"yaml: exceeded max depth of {MAX_DEPTH}") from None
        raise
    finally:
        loader.dispose()


#: the integers kubectl keeps as integers (its readers turn YAML and JSON numbers into int64 when
#: they fit, float64 otherwise): a larger one is sent as a float64
_INT64 = (-(1 << 63), 1 << 63)


def _jsonable(value: Any, ints: tuple[int, int] = _INT64) -> Any:
    """sigs.k8s.io/yaml's YAML→JSON step: map keys become strings (``1`` → "1", ``true`` →
    "true"); an integer too large for Go's int64 becomes a float64; other values keep
    their JSON type."""
    if type(value) is int and not ints[0] <= value < ints[1]:
        return float(value)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if isinstance(k, bool):
                key = "true" if k else "false"
            elif isinstance(k, (int, float, str)):
                key = str(k)
            else:
                raise ManifestError(f"unsupported map key of type: {type(k).__name__}, key: {k!r}")
            out[key] = _jsonable(v, ints)
        return out
    if isinstance(value, list):
        return [_jsonable(v, ints) for v in value]
    if isinstance(value, (bytes, datetime)):
        return str(value)
    return value


def _validation_error(source: str, detail: str) -> ManifestError:
    return ManifestError(f'error: error validating "{source}": error validating data: {detail}; '
                         "if you choose to ignore these errors, turn validation off with --validate=false")


def _json_stream(text: str) -> list[Any] | None:
    """The values of a JSON stream, as kubectl's YAMLOrJSONDecoder reads a source whose first
    non-space character is ``{`` (GuessJSONStream): JSON, not YAML (a JSON string may hold any
    character but the C0 controls, which YAML would refuse); None when the text is not such a
    stream or does not parse as JSON (then it is read as YAML, whose errors are reported)."""
    start = len(text) - len(text.lstrip())
    if text[start:start + 1] != "{" or text.count("{") > MAX_DEPTH:
        return None
    decoder = json.JSONDecoder()
    out: list[Any] = []
    pos = start
    try:
        while pos < len(text):
            value, pos = decoder.raw_decode(text, pos)
            out.append(value)
            while pos < len(text) and text[pos] in " \t\r\n":
                pos += 1
    except (ValueError, RecursionError):
        return None
    return out


def _yaml_documents(text: str, source: str) -> list[Any]:
    """The documents of a YAML stream as JSON values; ``ManifestError`` in go-yaml's words."""
    try:
        check_depth(text)
        loader = _Loader(text)
        docs: list[Any] = []
        try:
            while loader.check_node():
                node = loader.get_node()
                if node is None:
                    continue
                _check_aliasing(node)
                docs.append(loader.construct_document(node))
        finally:
            loader.dispose()
        return [_jsonable(d) for d in docs if d is not None]
    except ManifestError as e:
        if e.message.startswith("error: "):
            raise
        raise ManifestError(f"error: error parsing {source}: error converting YAML to JSON: {e.message}") from None
    except yaml.YAMLError as e:
        raise ManifestError(
            f"error: error parsing {source}: error converting YAML to JSON: {_yaml_message(e, text)}") from None
    except RecursionError:
        raise ManifestError(f"error: error parsing {source}: error converting YAML to JSON: "
                            f"yaml: exceeded max depth of {MAX_DEPTH}") from None


def parse_manifests(text: str, source: str) -> list[dict]:
    """Every non-empty document of ``text`` (``source`` is the file name or ``STDIN``), as kubectl
    sends them: all or nothing, ``ManifestError`` on the first document that cannot be sent."""
    size = len(text) if len(text) * 4 <= MAX_REQUEST_BYTES else len(text.encode("utf-8", "replace"))
    if size > MAX_REQUEST_BYTES:
        raise ManifestError(
            f"error: error parsing {source}: Request entity too large: limit is {MAX_REQUEST_BYTES} "
            f"(the manifest is {size} bytes; the API server accepts at most 3 MiB per request)")
    json_docs = _json_stream(text)
    docs = [_jsonable(d) for d in json_docs if d is not None] if json_docs is not None else \
        _yaml_documents(text, source)
    for doc in docs:
        if not isinstance(doc, dict):
            raise _validation_error(source, "invalid object to validate")
        missing = [f"{f} not set" for f in ("apiVersion", "kind") if not doc.get(f)]
        if missing:
            raise _validation_error(source, missing[0] if len(missing) == 1 else f"[{', '.join(missing)}]")
        for f in ("apiVersion", "kind"):
            if not isinstance(doc[f], str):
                raise ManifestError(f'error: unable to decode "{source}": json: cannot unmarshal '
                                    f"{_json_kind(doc[f])} into Go struct field .{f} of type string")
    return docs


# =================================================================================================
# Kind and version: kubectl's REST mapping
# =================================================================================================
#: kinds a real cluster serves that kubeplay does not simulate (for a friendlier hint)
_NOT_SIMULATED = {
    "Ingress": "networking.k8s.io/v1", "IngressClass": "networking.k8s.io/v1",
    "NetworkPolicy": "networking.k8s.io/v1", "PersistentVolumeClaim": "v1", "PersistentVolume": "v1",
    "HorizontalPodAutoscaler": "autoscaling/v2", "PodDisruptionBudget": "policy/v1",
    "Role": "rbac.authorization.k8s.io/v1", "RoleBinding": "rbac.authorization.k8s.io/v1",
    "ClusterRole": "rbac.authorization.k8s.io/v1", "ClusterRoleBinding": "rbac.authorization.k8s.io/v1",
    "StorageClass": "storage.k8s.io/v1", "ResourceQuota": "v1", "LimitRange": "v1",
    "ReplicationController": "v1", "PodTemplate": "v1", "PriorityClass": "scheduling.k8s.io/v1",
    "CustomResourceDefinition": "apiextensions.k8s.io/v1",
}


def _hint(kind: str, api_version: str, doc: dict) -> str:
    if api_version in REMOVED_VERSIONS:
        today = BY_KIND[kind].api_version if kind in BY_KIND else REMOVED_VERSIONS[api_version]
        if kind in _NOT_SIMULATED:
            today = _NOT_SIMULATED[kind]
        hint = (f"hint: {api_version} was removed from Kubernetes; write the {kind} with "
                f"\"apiVersion: {today}\" today")
        spec = doc.get("spec") if isinstance(doc.get("spec"), dict) else {}
        if kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet") and not spec.get("selector"):
            hint += " (apps/v1 also requires spec.selector.matchLabels to match the template's labels)"
        return hint
    if kind in BY_KIND:
        return f'hint: {kind} is served as "apiVersion: {BY_KIND[kind].api_version}"'
    if kind in _NOT_SIMULATED:
        return f"hint: kubeplay does not simulate {kind} objects"
    for r in RESOURCES:
        if r.kind.lower() == kind.lower():
            return f'hint: kinds are case-sensitive: did you mean "kind: {r.kind}"?'
    return ""


def resolve_kind(doc: dict, source: str) -> Resource:
    """The resource of a parsed document, or kubectl's REST-mapping error as a ``ManifestError``
    (``no matches for kind … in version …`` + ``ensure CRDs are installed first`` + our hint line).
    kubectl reports it per document and still applies the others."""
    kind, api_version = doc.get("kind", ""), doc.get("apiVersion", "")
    r = BY_KIND.get(kind)
    if r is not None and r.api_version == api_version:
        return r
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    name, ns = meta.get("name") or "", meta.get("namespace") or ""
    msg = (f'error: resource mapping not found for name: "{name}" namespace: "{ns}" from "{source}": '
           f'no matches for kind "{kind}" in version "{api_version}"\nensure CRDs are installed first')
    hint = _hint(kind, api_version, doc)
    raise ManifestError(msg + ("\n" + hint if hint else ""))


# =================================================================================================
# Strict decoding: unknown fields and Go type errors (400 BadRequest), from the v1.32 OpenAPI
# =================================================================================================
# What a schema is to Go's decoder (sigs.k8s.io/json, a fork of encoding/json): a struct, a slice,
# a map or a scalar; and the few types that decode themselves (UnmarshalJSON)
_STRUCT, _LIST, _MAP, _STRING, _INT, _FLOAT, _BOOL, _QUANTITY, _INT_OR_STRING, _TIME, _ANY, _BYTES = range(12)

_QUANTITY_DEF = "io.k8s.apimachinery.pkg.api.resource.Quantity"
_INT_OR_STRING_DEF = "io.k8s.apimachinery.pkg.util.intstr.IntOrString"
#: raw JSON to the decoder (runtime.RawExtension, e.g. ControllerRevision.data; metav1.FieldsV1)
_RAW_DEFS = frozenset({"io.k8s.apimachinery.pkg.runtime.RawExtension", "io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1"})


class _Type:
    """A compiled schema node: ``kind`` (one of the constants above), ``go`` the Go type as
    encoding/json names it in errors (``[]v1.Container``, ``int32``, ``v1.ResourceList``);
    structs have ``struct`` (their Go name), ``fields`` (JSON name → type) and ``walk`` (the
    properties ``validate_semantics`` visits: required ones and nested structs, in schema order);
    slices and maps have ``item``; integers have ``bits``."""

    __slots__ = ("kind", "go", "struct", "fields", "walk", "item", "bits")

    def __init__(self, kind: int, go: str, item: _Type | None = None, bits: int = 0) -> None:
        self.kind, self.go, self.item, self.bits = kind, go, item, bits
        self.struct = ""
        self.fields: dict[str, _Type] = {}
        self.walk: tuple[tuple[str, bool, _Type | None], ...] = ()


_T_STRING, _T_BOOL, _T_FLOAT = _Type(_STRING, "string"), _Type(_BOOL, "bool"), _Type(_FLOAT, "float64")
_T_INT32, _T_INT64 = _Type(_INT, "int32", bits=32), _Type(_INT, "int64", bits=64)
_T_QUANTITY, _T_ANY = _Type(_QUANTITY, "resource.Quantity"), _Type(_ANY, "interface {}")
#: []byte: a base64 string in JSON (Secret data, ConfigMap binaryData, caBundle)
_T_BYTES = _Type(_BYTES, "[]uint8")
# IntOrString and Time unmarshal their content themselves, into an int32 or a string: Go's errors
# name those types (``json.Unmarshal(value, &intstr.IntVal)``, ``json.Unmarshal(b, &str)``)
_T_INT_OR_STRING, _T_TIME = _Type(_INT_OR_STRING, "int32", bits=32), _Type(_TIME, "string")

#: compiled struct definitions by (api_version of the document, definition name); filled before
#: their fields so that recursive types terminate
_STRUCTS: dict[tuple[str, str], _Type] = {}


def _ref(raw: dict[str, Any]) -> str:
    ref = raw.get("$ref")
    if ref is None and (all_of := raw.get("allOf")) and len(all_of) == 1:
        ref = all_of[0].get("$ref")
    return ref.rpartition("/")[2] if ref else ""


def _compile(api_version: str, raw: dict[str, Any]) -> _Type:
    """The decoder's view of one schema of the v3 document of ``api_version``."""
    name = _ref(raw)
    if name:
        if name == _QUANTITY_DEF:
            return _T_QUANTITY
        if name == _INT_OR_STRING_DEF:
            return _T_INT_OR_STRING
        if name in _RAW_DEFS:
            return _T_ANY
        known = _STRUCTS.get((api_version, name))
        if known is not None:
            return known
        target = openapi.definition(api_version, name) or {}
        if "properties" not in target:
            return _compile(api_version, target)  # a named scalar (meta/v1 Time, MicroTime)
        return _compile_struct(api_version, name, target)
    t = raw.get("type")
    if t == "string":
        fmt = raw.get("format")
        return _T_TIME if fmt == "date-time" else _T_BYTES if fmt == "byte" else _T_STRING
    if t == "integer":
        return _T_INT64 if raw.get("format") == "int64" else _T_INT32
    if t == "boolean":
        return _T_BOOL
    if t == "number":
        return _T_FLOAT
    if t == "array":
        item = _compile(api_version, raw.get("items") or {})
        return _Type(_LIST, "[]" + item.go, item)
    if t == "object" and isinstance(raw.get("additionalProperties"), dict):
        item = _compile(api_version, raw["additionalProperties"])
        # map[string]resource.Quantity is core/v1's named type ResourceList wherever it appears
        return _Type(_MAP, "v1.ResourceList" if item is _T_QUANTITY else "map[string]" + item.go, item)
    return _T_ANY


def _compile_struct(api_version: str, name: str, raw: dict[str, Any]) -> _Type:
    package, _, struct = name.rpartition(".")
    t = _Type(_STRUCT, f"{package.rpartition('.')[2]}.{struct}")
    t.struct = struct
    _STRUCTS[(api_version, name)] = t
    required = set(raw.get("required", ()))
    walk = []
    for prop, schema in raw.get("properties", {}).items():
        child = t.fields[prop] = _compile(api_version, schema)
        nested = child if child.kind == _STRUCT or (child.kind == _LIST and child.item.kind == _STRUCT) else None
        if (prop in required or nested is not None) and prop not in ("apiVersion", "kind", "metadata", "status"):
            walk.append((prop, prop in required, nested))
    t.walk = tuple(walk)
    return t


#: compiling publishes structs before their fields are filled: one compilation at a time, so that
#: no request sees a half-compiled struct (the cache below answers without it once compiled)
_COMPILE_LOCK = threading.Lock()


@cache
def _kind_type(api_version: str, kind: str) -> _Type | None:
    """The compiled schema of a kind, from the v3 document of its group-version."""
    with _COMPILE_LOCK:
        raw = openapi.resource_schema_doc(api_version, kind)
        name = openapi.definition_name(api_version, kind)
        return None if raw is None or name is None else _compile_struct(api_version, name, raw)


def _zero(t: _Type) -> Any:
    """What a JSON ``null`` becomes as an item of a Go slice or a value of a Go map: the item
    type's zero value (a null only leaves a struct *field* unset). ``containers: [null]`` is one
    empty Container to validation (``spec.containers[0].name: Required value``, as the apiserver
    says), a ``[null]`` of strings is ``[""]``; Quantity and IntOrString decode null as their zero
    (``0``); slices, maps and times stay null (nil)."""
    kind = t.kind
    if kind == _STRUCT:
        return {}
    if kind == _STRING:
        return ""
    if kind in (_INT, _INT_OR_STRING, _FLOAT):
        return 0
    if kind == _BOOL:
        return False
    if kind == _QUANTITY:
        return "0"
    return None


class _Abort(Exception):
    """An error returned by a type's own UnmarshalJSON: Go stops decoding there, and this error
    wins over a type error saved before it (decodeState.unmarshal returns it, not savedError)."""


class _Decoder:
    """Walks a raw object alongside its compiled schema, like sigs.k8s.io/json's strict decoder:
    unknown fields are collected in document order (with list indices in their paths, and where
    they sit, to drop them), and the first type error is kept (in Go's words: struct = innermost
    Go struct, field = JSON path without indices or map keys)."""

    __slots__ = ("unknown", "type_error")

    def __init__(self) -> None:
        self.unknown: list[tuple[dict, str, str]] = []  # (the map holding it, key, path)
        self.type_error: str | None = None

    def fail(self, v: Any, t: _Type, struct: str, go_path: str, detail: str = "", abort: bool = False) -> None:
        what = _json_kind(v) + (f" {detail}" if detail else "")
        message = f"json: cannot unmarshal {what} into Go struct field {struct}.{go_path} of type {t.go}"
        if abort:
            self.type_error = message
            raise _Abort
        if self.type_error is None:
            self.type_error = message

    def struct(self, value: dict, t: _Type, path: str, go_path: str, skip: str = "") -> None:
        fields, struct = t.fields, t.struct
        for k, v in value.items():
            ft = fields.get(k)
            if ft is None:
                if k != skip:
                    self.unknown.append((value, k, f"{path}.{k}" if path else k))
                continue
            if v is None:
                continue  # JSON null leaves any Go value unset
            kind = ft.kind
            if kind == _STRING:  # the common case, inline
                if type(v) is not str:
                    self.fail(v, ft, struct, f"{go_path}.{k}" if go_path else k)
            elif kind == _QUANTITY:
                value[k] = self._quantity(v)
            else:
                self.value(v, ft, f"{path}.{k}" if path else k, f"{go_path}.{k}" if go_path else k, struct)

    def value(self, v: Any, t: _Type, path: str, go_path: str, struct: str) -> None:
        if v is None:
            return
        kind = t.kind
        if kind == _STRUCT:
            if type(v) is not dict:
                return self.fail(v, t, struct, go_path)
            return self.struct(v, t, path, go_path)
        if kind == _LIST:
            if type(v) is not list:
                return self.fail(v, t, struct, go_path)
            item = t.item
            if item.kind == _STRING:
                for i, x in enumerate(v):
                    if type(x) is not str:
                        if x is None:
                            v[i] = ""
                        else:
                            self.fail(x, item, struct, go_path)
                return None
            for i, x in enumerate(v):
                if x is None:
                    v[i] = _zero(item)
                elif item.kind == _QUANTITY:
                    v[i] = self._quantity(x)
                else:
                    self.value(x, item, f"{path}[{i}]", go_path, struct)
            return None
        if kind == _MAP:
            if type(v) is not dict:
                return self.fail(v, t, struct, go_path)
            item = t.item
            if item.kind == _STRING:
                for k, x in v.items():
                    if type(x) is not str:
                        if x is None:
                            v[k] = ""
                        else:
                            self.fail(x, item, struct, go_path)
                return None
            for k, x in v.items():
                if x is None:
                    v[k] = _zero(item)
                elif item.kind == _QUANTITY:
                    v[k] = self._quantity(x)
                else:
                    self.value(x, item, f"{path}.{k}", go_path, struct)
            return None
        if kind == _STRING:
            if type(v) is not str:
                self.fail(v, t, struct, go_path)
        elif kind == _INT:
            self._int(v, t, struct, go_path, False)
        elif kind == _BOOL:
            if type(v) is not bool:
                self.fail(v, t, struct, go_path)
        elif kind == _INT_OR_STRING:
            if type(v) is not str:
                self._int(v, t, struct, go_path, True)
        elif kind == _TIME:
            if type(v) is not str:
                self.fail(v, t, struct, go_path, abort=True)
        elif kind == _FLOAT:
            if isinstance(v, bool) or not isinstance(v, (int, float)):
                self.fail(v, t, struct, go_path)
        elif kind == _BYTES:
            if type(v) is not str:
                self.fail(v, t, struct, go_path)
            elif self.type_error is None:
                problem = base64_error(v)
                if problem:
                    self.type_error = problem  # decodeState.saveError: reported once decoding ends
        return None

    def _int(self, v: Any, t: _Type, struct: str, go_path: str, abort: bool) -> None:
        if type(v) is int:
            if -(1 << (t.bits - 1)) <= v < 1 << (t.bits - 1):
                return None
            return self.fail(v, t, struct, go_path, str(v), abort)
        if type(v) is not float:
            return self.fail(v, t, struct, go_path, abort=abort)
        if not v.is_integer() or not -(2 ** (t.bits - 1)) <= v < 2 ** (t.bits - 1):
            return self.fail(v, t, struct, go_path, go_float(v), abort)
        return None

    def _quantity(self, v: Any) -> str:
        """resource.Quantity.UnmarshalJSON then MarshalJSON: a string (trimmed) or a bare number,
        parsed by ParseQuantity, becomes the canonical text the apiserver stores and serves
        (``1.5Gi`` → ``1536Mi``, ``0.5`` → ``500m``, ``2`` → ``"2"``); what it cannot parse (a bool,
        a list …) is refused in the parser's words, not as a type error."""
        try:
            return str(Quantity.of(v))
        except QuantityError as e:
            self.type_error = str(e)
            raise _Abort from None


_B64 = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")


def base64_error(text: str) -> str | None:
    """encoding/json's error for a ``[]byte`` string that base64.StdEncoding cannot decode
    (``illegal base64 data at input byte N``, N as decodeQuantum computes it: newlines skipped,
    padding required), or None."""
    src = text.encode("utf-8")
    si, n = 0, len(src)
    while True:
        j = 0
        while j < 4:
            if si == n:
                if j == 0:
                    return None
                return f"illegal base64 data at input byte {si - j}"
            c = src[si]
            si += 1
            if c in _B64:
                j += 1
                continue
            if c in (10, 13):
                continue
            if c != 61:  # "="
                return f"illegal base64 data at input byte {si - 1}"
            if j in (0, 1):
                return f"illegal base64 data at input byte {si - 1}"
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    return f"illegal base64 data at input byte {n}"
                if src[si] != 61:
                    return f"illegal base64 data at input byte {si - 1}"
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            return f"illegal base64 data at input byte {si}" if si < n else None


def go_float(v: float) -> str:
    """A float64 as encoding/json writes it (the number text kubectl sends and Go's errors quote):
    the shortest digits, in exponent form below 1e-6 and from 1e21 on (``1e-07`` as ``1e-7``)."""
    if v == 0 or 1e-6 <= abs(v) < 1e21:
        text = format(Decimal(repr(v)), "f")
        return text[:-2] if text.endswith(".0") else text
    mantissa, _, exponent = repr(v).partition("e")
    sign = "-" if exponent.startswith("-") else "+"
    return f"{mantissa}e{sign}{int(exponent.lstrip('+-'))}"


def _api_error(code: int, reason: str, message: str, details: Any = None) -> ApiError:
    from .api import ApiError

    return ApiError(code, reason, message, details=details)


#: the apiserver's ``fieldValidation`` query parameter values
FIELD_VALIDATION = ("Strict", "Warn", "Ignore")


def validate(obj: Obj, field_validation: str = "Strict") -> list[str]:
    """Decoding of a raw manifest against the v1.32 schema (the vendored OpenAPI), as the
    apiserver decodes a create/update body; raises ApiError 400 BadRequest (``Pod in version "v1"
    cannot be handled as a Pod: strict decoding error: unknown field "spec.containres"``).

    ``field_validation`` is the request's ``fieldValidation``: ``Strict`` (kubectl's default)
    refuses unknown fields; ``Warn`` drops them from ``obj`` in place and returns the warnings the
    apiserver sends (``unknown field "spec.foo"``, in document order); ``Ignore`` drops them and
    returns []. A Go type error always raises, and wins over unknown fields, as in the apiserver
    (whose decoder only reports strict errors when decoding succeeded). Duplicate fields cannot be
    seen here: the object is already a dict (YAML and JSON parsing keep the last value).
    ``status`` is not checked: the apiserver ignores it on create/update and what is there came
    from the controllers. Kind/version mismatches raise 404 NotFound ``no matches for kind``."""
    if not isinstance(obj, dict):
        raise _api_error(400, "BadRequest", "the object provided is not a JSON object")
    if field_validation not in FIELD_VALIDATION:
        raise ValueError(f"fieldValidation {field_validation!r} is not one of {', '.join(FIELD_VALIDATION)}")
    kind, api_version = obj.get("kind"), obj.get("apiVersion")
    r = BY_KIND.get(kind) if isinstance(kind, str) else None
    if r is None or (api_version is not None and api_version != r.api_version):
        if r is None and isinstance(kind, str) and api_version is None:
            return []  # let Api.resource answer "the server doesn't have a resource type"
        raise _api_error(404, "NotFound", f'no matches for kind "{kind}" in version "{api_version}"')
    return decode(obj, r.api_version, r.kind, field_validation)


def decode(obj: Obj, api_version: str, kind: str, field_validation: str = "Strict") -> list[str]:
    """The apiserver's strict decoding of ``obj`` as ``kind`` in ``api_version`` (that version's
    v1.32 schema, the vendored OpenAPI; ``status`` skipped): raises ApiError 400 BadRequest with the
    Go type error, or with ``strict decoding error: unknown field "…"`` under ``Strict``; under
    ``Warn`` drops the unknown fields from ``obj`` in place and returns their warnings, under
    ``Ignore`` drops them and returns []. The one decoder of ``validate`` (a stored version) and of
    ``versions.decode`` (a body of a version served beside the stored one)."""
    t = _kind_type(api_version, kind)
    if t is None:  # pragma: no cover - every served version is in the vendored documents
        return []
    dec = _Decoder()
    try:
        dec.struct(obj, t, "", "", skip="status")
    except _Abort:
        pass
    version = api_version.rsplit("/", 1)[-1]
    prefix = f'{kind} in version "{version}" cannot be handled as a {kind}: '
    if dec.type_error:
        raise _api_error(400, "BadRequest", prefix + dec.type_error)
    if not dec.unknown:
        return []
    warnings = [f'unknown field "{p}"' for _, _, p in dec.unknown]
    if field_validation == "Strict":
        raise _api_error(400, "BadRequest", prefix + "strict decoding error: " + ", ".join(warnings))
    for holder, key, _ in dec.unknown:
        holder.pop(key, None)
    return warnings if field_validation == "Warn" else []


# =================================================================================================
# Field validation (422 Invalid)
# =================================================================================================
_DNS1123_LABEL = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")
_DNS1123_SUBDOMAIN = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
_DNS1035_LABEL = re.compile(r"^[a-z]([-a-z0-9]*[a-z0-9])?$")
_LABEL_VALUE = re.compile(r"^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$")
_C_IDENTIFIER_ENV = re.compile(r"^[-._a-zA-Z][-._a-zA-Z0-9]*$")
_PERCENT = re.compile(r"^[0-9]+%$")

MSG_SUBDOMAIN = ("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
                 "'.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used "
                 r"for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')")
MSG_LABEL = ("a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must "
             "start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
             "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')")
MSG_DNS1035 = ("a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
               "alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', "
               "regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')")
MSG_LABEL_VALUE = ("a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
                   "'.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or "
                   "'my_value',  or '12345', regex used for validation is "
                   "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')")
MSG_PERCENT = ("a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or "
               "'93%', regex used for validation is '[0-9]+%')")


def go_repr(v: Any) -> str:
    """A bad value as field.Error prints it: strings quoted, numbers bare, maps as Go's ``%#v``."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (int, float)):
        return str(v)
    if isinstance(v, str):
        return _go_quote(v)
    if v is None:
        return "null"
    if isinstance(v, dict):
        return "map[string]string{" + ", ".join(f"{_go_quote(k)}:{_go_quote(str(x))}" for k, x in sorted(v.items())) + "}"
    return str(v)


def _selector_repr(sel: Any) -> str:
    """A *metav1.LabelSelector as ``%#v`` prints it (``field is immutable`` messages)."""
    if not isinstance(sel, dict):
        return "null"
    ml = sel.get("matchLabels")
    ml_s = go_repr(ml) if isinstance(ml, dict) and ml else "map[string]string(nil)"
    exprs = sel.get("matchExpressions")
    if isinstance(exprs, list) and exprs:
        parts = []
        for e in exprs:
            vals = e.get("values")
            vals_s = ("[]string{" + ", ".join(_go_quote(str(x)) for x in vals) + "}") if vals else "[]string(nil)"
            parts.append(f'v1.LabelSelectorRequirement{{Key:{_go_quote(str(e.get("key", "")))}, '
                         f'Operator:{_go_quote(str(e.get("operator", "")))}, Values:{vals_s}}}')
        ex_s = "[]v1.LabelSelectorRequirement{" + ", ".join(parts) + "}"
    else:
        ex_s = "[]v1.LabelSelectorRequirement(nil)"
    return f"v1.LabelSelector{{MatchLabels:{ml_s}, MatchExpressions:{ex_s}}}"


class Errors:
    """A field.ErrorList: each entry ``path: Type: value: detail``."""

    def __init__(self) -> None:
        self.items: list[str] = []

    def required(self, path: str, detail: str = "") -> None:
        self.items.append(f"{path}: Required value" + (f": {detail}" if detail else ""))

    def invalid(self, path: str, value: Any, detail: str, raw: bool = False) -> None:
        self.items.append(f"{path}: Invalid value: {value if raw else go_repr(value)}: {detail}")

    def unsupported(self, path: str, value: Any, supported: list[str]) -> None:
        self.items.append(f"{path}: Unsupported value: {go_repr(value)}: supported values: "
                          + ", ".join(_go_quote(s) for s in supported))

    def forbidden(self, path: str, detail: str) -> None:
        self.items.append(f"{path}: Forbidden: {detail}")

    def duplicate(self, path: str, value: Any) -> None:
        self.items.append(f"{path}: Duplicate value: {go_repr(value)}")

    def not_found(self, path: str, value: Any) -> None:
        self.items.append(f"{path}: Not found: {go_repr(value)}")

    def too_long(self, path: str, max_len: int) -> None:
        self.items.append(f"{path}: Too long: may not be more than {max_len} bytes")

    def causes(self) -> list[dict[str, str]]:
        """The Status causes of NewInvalid: per error its type, ErrorBody() and field path."""
        out = []
        for item in self.items:
            m = _CAUSE.match(item)
            if m is None:
                out.append({"reason": "FieldValueInvalid", "message": item})
                continue
            out.append({"reason": _CAUSE_TYPES[m.group(2)], "message": m.group(2) + m.group(3), "field": m.group(1)})
        return out

    def raise_for(self, r: Resource, name: str) -> None:
        """NewInvalid: 422 with the aggregated message and the details (kind, name, causes) kubectl
        prints as ``The Kind "name" is invalid: field: …``."""
        if not self.items:
            return
        unique = list(dict.fromkeys(self.items))  # ToAggregate drops repeated messages
        body = unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"
        qualified = f"{r.kind}.{r.group}" if r.group else r.kind
        details: dict[str, Any] = {"name": name}
        if r.group:
            details["group"] = r.group
        details["kind"] = r.kind
        details["causes"] = self.causes()
        raise _api_error(422, "Invalid", f"{qualified} {_go_quote(name)} is invalid: {body}", details)  # %q


#: field.ErrorType's text → its CauseType
_CAUSE_TYPES = {"Required value": "FieldValueRequired", "Invalid value": "FieldValueInvalid",
                "Unsupported value": "FieldValueNotSupported", "Forbidden": "FieldValueForbidden",
                "Duplicate value": "FieldValueDuplicate", "Not found": "FieldValueNotFound",
                "Too long": "FieldValueTooLong"}
_CAUSE = re.compile(r"(.*?): (" + "|".join(_CAUSE_TYPES) + r")(.*)", re.S)


# -- generic checks ------------------------------------------------------------------------------
def _check_name(errs: Errors, path: str, name: Any, how: str) -> None:
    if not isinstance(name, str):
        return
    if how == "label":
        if len(name) > 63:
            errs.invalid(path, name, "must be no more than 63 characters")
        if not _DNS1123_LABEL.match(name):
            errs.invalid(path, name, MSG_LABEL)
    elif how == "dns1035":
        if len(name) > 63:
            errs.invalid(path, name, "must be no more than 63 characters")
        if not _DNS1035_LABEL.match(name):
            errs.invalid(path, name, MSG_DNS1035)
    else:
        if len(name) > 253:
            errs.invalid(path, name, "must be no more than 253 characters")
        if not _DNS1123_SUBDOMAIN.match(name):
            errs.invalid(path, name, MSG_SUBDOMAIN)


def _check_qualified_name(errs: Errors, path: str, key: str) -> None:
    """ValidateLabelName / ValidateAnnotations: one Invalid per IsQualifiedName message."""
    for msg in labels.qualified_name_errors(key):
        errs.invalid(path, key, msg)


def _check_labels(errs: Errors, path: str, labels: Any) -> None:
    if not isinstance(labels, dict):
        return
    for k, v in labels.items():
        _check_qualified_name(errs, path, k)
        if isinstance(v, str):
            if len(v) > 63:
                errs.invalid(path, v, "must be no more than 63 characters")
            if not _LABEL_VALUE.match(v):
                errs.invalid(path, v, MSG_LABEL_VALUE)


def _check_meta(errs: Errors, obj: Obj, r: Resource, how: str) -> None:
    meta = obj.get("metadata") or {}
    name, gen = meta.get("name"), meta.get("generateName")
    if not name and not gen:
        errs.required("metadata.name", "name or generateName is required")
    elif name:
        _check_name(errs, "metadata.name", name, how)
    if r.namespaced and meta.get("namespace"):
        _check_name(errs, "metadata.namespace", meta["namespace"], "label")
    _check_labels(errs, "metadata.labels", meta.get("labels"))
    annotations = meta.get("annotations")
    if isinstance(annotations, dict):
        for k in annotations:
            _check_qualified_name(errs, "metadata.annotations", k)
        total = sum(len(k) + len(v) for k, v in annotations.items() if isinstance(v, str))
        if total > 256 * 1024:
            errs.too_long("metadata.annotations", 256 * 1024)


def _required_walk(errs: Errors, value: dict, t: _Type, path: str, reported: set[str] | None = None) -> None:
    """Fields the schema marks required (containerPort, env[].name, volumes[].name, …), for the
    kinds whose own validator does not check them; a field the kind's validator already refused
    (in its own words: a Service's port 0 is ``Invalid value: 0``) is not reported twice."""
    if reported is None:
        reported = {item.partition(": ")[0] for item in errs.items}
    for key, required, nested in t.walk:
        v = value.get(key)
        if v is None or v == "":
            sub = f"{path}.{key}" if path else key
            if required and sub not in reported:
                errs.required(sub)
            continue
        if nested is None:
            continue
        sub = f"{path}.{key}" if path else key
        if nested.kind == _STRUCT:
            if isinstance(v, dict):
                _required_walk(errs, v, nested, sub, reported)
        elif isinstance(v, list):
            for i, x in enumerate(v):
                if isinstance(x, dict):
                    _required_walk(errs, x, nested.item, f"{sub}[{i}]", reported)


def _int_or_percent(v: Any) -> tuple[int, bool] | None:
    """(value, is_percent) of an IntOrString, None when malformed."""
    if isinstance(v, bool):
        return None
    if isinstance(v, int):
        return v, False
    if isinstance(v, str) and _PERCENT.match(v):
        return int(v[:-1]), True
    return None


def _check_int_or_percent(errs: Errors, path: str, v: Any) -> tuple[int, bool] | None:
    parsed = _int_or_percent(v)
    if v is None:
        return None
    if parsed is None:
        errs.invalid(path, v, MSG_PERCENT, raw=not isinstance(v, str))
        return None
    if parsed[0] < 0:
        errs.invalid(path, v, "must be greater than or equal to 0", raw=True)
    if parsed[1] and parsed[0] > 100:
        errs.invalid(path, v, "must not be greater than 100%", raw=True)
    return parsed


def _nonneg(errs: Errors, path: str, v: Any) -> None:
    if isinstance(v, int) and not isinstance(v, bool) and v < 0:
        errs.invalid(path, v, "must be greater than or equal to 0")


# -- pods ----------------------------------------------------------------------------------------
_RESTART = ["Always", "OnFailure", "Never"]
_PULL = ["Always", "IfNotPresent", "Never"]
_PROTOCOLS = ["SCTP", "TCP", "UDP"]
_DNS_POLICIES = ["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"]


def _port_name(errs: Errors, path: str, name: str) -> None:
    """IANA_SVC_NAME (validation.IsValidPortName)."""
    if len(name) > 15:
        errs.invalid(path, name, "must be no more than 15 characters")
    if not re.match(r"^[-a-z0-9]+$", name):
        errs.invalid(path, name, "must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)")
    if not re.search(r"[a-z]", name):
        errs.invalid(path, name, "must contain at least one letter (a-z)")
    if "--" in name:
        errs.invalid(path, name, "must not contain consecutive hyphens")
    if name.startswith("-") or name.endswith("-"):
        errs.invalid(path, name, "must not begin or end with a hyphen")


def _check_probe(errs: Errors, path: str, probe: Any) -> None:
    if not isinstance(probe, dict):
        return
    handlers = [k for k in ("exec", "httpGet", "tcpSocket", "grpc") if probe.get(k) is not None]
    if not handlers:
        errs.required(path, "must specify a handler type")
    elif len(handlers) > 1:
        errs.forbidden(f"{path}.{handlers[1]}", "may not specify more than 1 handler type")
    for f in ("initialDelaySeconds", "timeoutSeconds", "periodSeconds", "successThreshold", "failureThreshold"):
        _nonneg(errs, f"{path}.{f}", probe.get(f))
    for h in ("httpGet", "tcpSocket"):
        port = (probe.get(h) or {}).get("port") if isinstance(probe.get(h), dict) else None
        if isinstance(port, int) and not isinstance(port, bool) and not 1 <= port <= 65535:
            errs.invalid(f"{path}.{h}.port", port, "must be between 1 and 65535, inclusive")


def _check_containers(errs: Errors, containers: Any, path: str, volumes: set[str], names: set[str]) -> None:
    if not isinstance(containers, list):
        return
    for i, c in enumerate(containers):
        if not isinstance(c, dict):
            continue
        p = f"{path}[{i}]"
        name = c.get("name")
        if not name:
            errs.required(f"{p}.name")
        else:
            _check_name(errs, f"{p}.name", name, "label")
            if name in names:
                errs.duplicate(f"{p}.name", name)
            names.add(name)
        if not c.get("image"):
            errs.required(f"{p}.image")
        elif isinstance(c["image"], str) and c["image"] != c["image"].strip():
            errs.invalid(f"{p}.image", c["image"], "must not have leading or trailing whitespace")
        policy = c.get("imagePullPolicy")
        if policy is not None and policy not in _PULL:
            errs.unsupported(f"{p}.imagePullPolicy", policy, _PULL)
        port_names: set[str] = set()
        for j, port in enumerate(c.get("ports") or []):
            if not isinstance(port, dict):
                continue
            pp = f"{p}.ports[{j}]"
            if port.get("name"):
                _port_name(errs, f"{pp}.name", port["name"])
                if port["name"] in port_names:
                    errs.duplicate(f"{pp}.name", port["name"])
                port_names.add(port["name"])
            cp = port.get("containerPort")
            if cp is None:
                errs.required(f"{pp}.containerPort")
            elif isinstance(cp, int) and not 1 <= cp <= 65535:
                errs.invalid(f"{pp}.containerPort", cp, "must be between 1 and 65535, inclusive")
            hp = port.get("hostPort")
            if isinstance(hp, int) and hp != 0 and not 1 <= hp <= 65535:
                errs.invalid(f"{pp}.hostPort", hp, "must be between 1 and 65535, inclusive")
            proto = port.get("protocol")
            if proto is None:
                errs.required(f"{pp}.protocol")
            elif proto not in _PROTOCOLS:
                errs.unsupported(f"{pp}.protocol", proto, _PROTOCOLS)
        for j, env in enumerate(c.get("env") or []):
            if not isinstance(env, dict):
                continue
            if not env.get("name"):
                errs.required(f"{p}.env[{j}].name")
            elif not _C_IDENTIFIER_ENV.match(env["name"]):
                errs.invalid(f"{p}.env[{j}].name", env["name"],
                             "a valid environment variable name must consist of alphabetic characters, digits, "
                             "'_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or "
                             "'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is "
                             "'[-._a-zA-Z][-._a-zA-Z0-9]*')")
            if env.get("value") and env.get("valueFrom"):
                errs.invalid(f"{p}.env[{j}].valueFrom", "",
                             "may not be specified when `value` is not empty", raw=True)
        for j, vm in enumerate(c.get("volumeMounts") or []):
            if not isinstance(vm, dict):
                continue
            vp = f"{p}.volumeMounts[{j}]"
            if not vm.get("name"):
                errs.required(f"{vp}.name")
            elif vm["name"] not in volumes:
                errs.not_found(f"{vp}.name", vm["name"])
            if not vm.get("mountPath"):
                errs.required(f"{vp}.mountPath")
        _check_resources(errs, f"{p}.resources", c.get("resources"))
        for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
            _check_probe(errs, f"{p}.{probe}", c.get(probe))
        if isinstance(c.get("readinessProbe"), dict) or isinstance(c.get("livenessProbe"), dict):
            for probe in ("livenessProbe", "startupProbe"):
                st = (c.get(probe) or {}).get("successThreshold") if isinstance(c.get(probe), dict) else None
                if isinstance(st, int) and st != 1:
                    errs.invalid(f"{p}.{probe}.successThreshold", st, "must be 1")


def _check_pod_spec(errs: Errors, spec: Any, path: str) -> None:
    if not isinstance(spec, dict):
        errs.required(path)
        return
    volumes: set[str] = set()
    for i, v in enumerate(spec.get("volumes") or []):
        if not isinstance(v, dict):
            continue
        vp = f"{path}.volumes[{i}]"
        name = v.get("name")
        if not name:
            errs.required(f"{vp}.name")
        else:
            _check_name(errs, f"{vp}.name", name, "label")
            if name in volumes:
                errs.duplicate(f"{vp}.name", name)
            volumes.add(name)
        sources = [k for k in v if k != "name" and v[k] is not None]
        if not sources:
            errs.required(vp, "must specify a volume type")
        elif len(sources) > 1:
            errs.forbidden(f"{vp}.{sources[1]}", "may not specify more than 1 volume type")
    names: set[str] = set()
    _check_containers(errs, spec.get("initContainers"), f"{path}.initContainers", volumes, names)
    containers = spec.get("containers")
    if not containers:
        errs.required(f"{path}.containers")
    else:
        _check_containers(errs, containers, f"{path}.containers", volumes, names)
    restart = spec.get("restartPolicy")
    if restart is not None and restart not in _RESTART:
        errs.unsupported(f"{path}.restartPolicy", restart, _RESTART)
    dns = spec.get("dnsPolicy")
    if dns is not None and dns not in _DNS_POLICIES:
        errs.unsupported(f"{path}.dnsPolicy", dns, _DNS_POLICIES)
    if dns == "None" and not spec.get("dnsConfig"):
        errs.required(f"{path}.dnsConfig", "must provide `dnsConfig` when `dnsPolicy` is None")
    _check_labels(errs, f"{path}.nodeSelector", spec.get("nodeSelector"))
    for f in ("serviceAccountName", "nodeName"):
        if spec.get(f):
            _check_name(errs, f"{path}.{f}", spec[f], "subdomain")
    if spec.get("hostname"):
        _check_name(errs, f"{path}.hostname", spec["hostname"], "label")
    ads = spec.get("activeDeadlineSeconds")
    if isinstance(ads, int) and ads <= 0:
        errs.invalid(f"{path}.activeDeadlineSeconds", ads, "must be between 1 and 2147483647, inclusive")
    _check_tolerations(errs, spec.get("tolerations"), f"{path}.tolerations")


_TAINT_EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"]


def _check_tolerations(errs: Errors, tolerations: Any, path: str) -> None:
    """ValidateTolerations, in its order: the key, an empty key needing Exists (the operator as
    typed, "" included), tolerationSeconds needing NoExecute, the operator and its value, the effect."""
    if not isinstance(tolerations, list):
        return
    for i, t in enumerate(tolerations):
        if not isinstance(t, dict):
            continue
        tp = f"{path}[{i}]"
        key, op, value = t.get("key") or "", t.get("operator") or "", t.get("value") or ""
        effect = t.get("effect") or ""
        if key:
            _check_qualified_name(errs, f"{tp}.key", key)
        if not key and op != "Exists":
            errs.invalid(f"{tp}.operator", op,
                         "operator must be Exists when `key` is empty, which means \"match all values and all keys\"")
        if t.get("tolerationSeconds") is not None and effect != "NoExecute":
            errs.invalid(f"{tp}.effect", effect, "effect must be 'NoExecute' when `tolerationSeconds` is set")
        if op in ("Equal", ""):
            if isinstance(value, str) and (len(value) > 63 or not _LABEL_VALUE.match(value)):
                msgs = (["must be no more than 63 characters"] if len(value) > 63 else []) + \
                    ([MSG_LABEL_VALUE] if not _LABEL_VALUE.match(value) else [])
                errs.invalid(f"{tp}.operator", value, ";".join(msgs))
        elif op == "Exists":
            if value:
                seconds = "(*int64)(nil)" if t.get("tolerationSeconds") is None else "(*int64)(0xc000a1b2c8)"
                shown = (f"core.Toleration{{Key:{_go_quote(str(key))}, Operator:{_go_quote(op)}, "
                         f"Value:{_go_quote(str(value))}, Effect:{_go_quote(str(effect))}, TolerationSeconds:{seconds}}}")
                errs.invalid(f"{tp}.operator", shown, "value must be empty when `operator` is 'Exists'", raw=True)
        else:
            errs.unsupported(f"{tp}.operator", op, ["Equal", "Exists"])
        if effect and effect not in _TAINT_EFFECTS:
            errs.unsupported(f"{tp}.effect", effect, _TAINT_EFFECTS)


def _validate_pod(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    _check_pod_spec(errs, obj.get("spec"), "spec")


def _check_template(errs: Errors, spec: dict, selector_required: bool, restart_always: bool, owner: str) -> None:
    """ValidatePodTemplateSpecForReplicaSet and friends: template present, labels selected."""
    tpl = spec.get("template")
    if not isinstance(tpl, dict):
        errs.required("spec.template")
        return
    meta = tpl.get("metadata") if isinstance(tpl.get("metadata"), dict) else {}
    labels = meta.get("labels") if isinstance(meta.get("labels"), dict) else None
    sel = spec.get("selector")
    from .store import matches_selector

    if selector_required:
        sel_ok = isinstance(sel, dict)
        empty = sel_ok and not (sel.get("matchLabels") or sel.get("matchExpressions"))
        if sel_ok and empty:
            pass  # an empty selector matches everything: nothing to compare
        elif not sel_ok or not matches_selector(labels or {}, sel):
            errs.invalid("spec.template.metadata.labels",
                         go_repr(labels) if labels is not None else "map[string]string(nil)",
                         "`selector` does not match template `labels`", raw=True)
    _check_labels(errs, "spec.template.metadata.labels", labels)
    _check_pod_spec(errs, tpl.get("spec"), "spec.template.spec")
    tspec = tpl.get("spec") if isinstance(tpl.get("spec"), dict) else {}
    rp = tspec.get("restartPolicy")
    if restart_always and rp is not None and rp != "Always":
        errs.unsupported("spec.template.spec.restartPolicy", rp, ["Always"])
    if restart_always and tspec.get("activeDeadlineSeconds") is not None:
        errs.forbidden("spec.template.spec.activeDeadlineSeconds",
                       f"activeDeadlineSeconds in {owner} is not Supported")


def check_label_selector(errs: Errors, path: str, sel: Any, *, keys: bool = True) -> None:
    """ValidateLabelSelector: its matchLabels, and each matchExpression's operator and values (and,
    with ``keys``, its key as a qualified name)."""
    if not isinstance(sel, dict):
        return
    _check_labels(errs, f"{path}.matchLabels", sel.get("matchLabels"))
    for i, e in enumerate(sel.get("matchExpressions") or []):
        if not isinstance(e, dict):
            continue
        op, p = e.get("operator"), f"{path}.matchExpressions[{i}]"
        if op in ("In", "NotIn") and not e.get("values"):
            errs.required(f"{p}.values", "must be specified when `operator` is 'In' or 'NotIn'")
        elif op in ("Exists", "DoesNotExist") and e.get("values"):
            errs.forbidden(f"{p}.values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'")
        elif op not in ("In", "NotIn", "Exists", "DoesNotExist"):
            errs.invalid(f"{p}.operator", op, "not a valid selector operator")
        if keys and isinstance(e.get("key"), str):
            _check_qualified_name(errs, f"{p}.key", e["key"])


def _check_selector(errs: Errors, spec: dict, owner: str) -> None:
    sel = spec.get("selector")
    if sel is None:
        errs.required("spec.selector")
        return
    if not isinstance(sel, dict):
        return
    check_label_selector(errs, "spec.selector", sel, keys=False)
    if not (sel.get("matchLabels") or sel.get("matchExpressions")):
        errs.invalid("spec.selector", _selector_repr(sel), f"empty selector is invalid for {owner}", raw=True)


def _validate_deployment(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    _nonneg(errs, "spec.replicas", spec.get("replicas"))
    _check_selector(errs, spec, "deployment")
    _check_template(errs, spec, True, True, "Deployment")
    strategy = spec.get("strategy") if isinstance(spec.get("strategy"), dict) else {}
    stype = strategy.get("type")
    if stype not in ("Recreate", "RollingUpdate"):
        if stype is None:
            errs.required("spec.strategy.type")
        else:
            errs.unsupported("spec.strategy.type", stype, ["Recreate", "RollingUpdate"])
    ru = strategy.get("rollingUpdate")
    if stype == "Recreate" and ru is not None:
        errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'")
    if stype == "RollingUpdate" and isinstance(ru, dict):
        surge = _check_int_or_percent(errs, "spec.strategy.rollingUpdate.maxSurge", ru.get("maxSurge"))
        unavail = _check_int_or_percent(errs, "spec.strategy.rollingUpdate.maxUnavailable", ru.get("maxUnavailable"))
        if surge is not None and unavail is not None and surge[0] == 0 and unavail[0] == 0:
            errs.invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.get("maxUnavailable"),
                         "may not be 0 when `maxSurge` is 0", raw=True)
    for f in ("minReadySeconds", "revisionHistoryLimit", "progressDeadlineSeconds"):
        _nonneg(errs, f"spec.{f}", spec.get(f))
    pds, mrs = spec.get("progressDeadlineSeconds"), spec.get("minReadySeconds") or 0
    if isinstance(pds, int) and isinstance(mrs, int) and pds <= mrs:
        errs.invalid("spec.progressDeadlineSeconds", pds, "must be greater than minReadySeconds")


def _validate_replica_set(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    _nonneg(errs, "spec.replicas", spec.get("replicas"))
    _nonneg(errs, "spec.minReadySeconds", spec.get("minReadySeconds"))
    _check_selector(errs, spec, "deployment")
    _check_template(errs, spec, True, True, "ReplicaSet")


def _validate_daemon_set(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    _check_selector(errs, spec, "daemonset")
    _check_template(errs, spec, True, True, "DaemonSet")


def _validate_stateful_set(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "label")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    _nonneg(errs, "spec.replicas", spec.get("replicas"))
    pmp = spec.get("podManagementPolicy")
    if pmp is not None and pmp not in ("OrderedReady", "Parallel"):
        errs.unsupported("spec.podManagementPolicy", pmp, ["OrderedReady", "Parallel"])
    _check_selector(errs, spec, "statefulset")
    _check_template(errs, _with_claim_volumes(spec), True, True, "StatefulSet")


def _with_claim_volumes(spec: dict) -> dict:
    """The template as the controller will stamp it: a volume per volumeClaimTemplate (updateStorage),
    so that volumeMounts naming a claim template are not 'Not found'."""
    claims = [t["metadata"]["name"] for t in spec.get("volumeClaimTemplates") or []
              if isinstance(t, dict) and isinstance(t.get("metadata"), dict) and t["metadata"].get("name")]
    tpl = spec.get("template")
    if not claims or not isinstance(tpl, dict) or not isinstance(tpl.get("spec"), dict):
        return spec
    volumes = [v for v in tpl["spec"].get("volumes") or [] if not (isinstance(v, dict) and v.get("name") in claims)]
    tspec = {**tpl["spec"], "volumes": [{"name": n, "persistentVolumeClaim": {"claimName": n}} for n in claims]
             + volumes}
    return {**spec, "template": {**tpl, "spec": tspec}}


def _check_job_spec(errs: Errors, spec: dict, generated_selector: bool) -> None:
    for f in ("parallelism", "completions", "backoffLimit"):
        _nonneg(errs, f"spec.{f}", spec.get(f))
    ads = spec.get("activeDeadlineSeconds")
    if isinstance(ads, int) and ads <= 0:
        errs.invalid("spec.activeDeadlineSeconds", ads, "must be greater than 0")
    tpl = spec.get("template")
    if not isinstance(tpl, dict):
        errs.required("spec.template")
        return
    meta = tpl.get("metadata") if isinstance(tpl.get("metadata"), dict) else {}
    _check_labels(errs, "spec.template.metadata.labels", meta.get("labels"))
    _check_pod_spec(errs, tpl.get("spec"), "spec.template.spec")
    tspec = tpl.get("spec") if isinstance(tpl.get("spec"), dict) else {}
    if tspec.get("restartPolicy") not in ("OnFailure", "Never"):
        errs.required("spec.template.spec.restartPolicy", 'valid values: "OnFailure", "Never"')
    mode = spec.get("completionMode")
    if mode is not None and mode not in ("NonIndexed", "Indexed"):
        errs.unsupported("spec.completionMode", mode, ["NonIndexed", "Indexed"])
    if mode == "Indexed" and spec.get("completions") is None:
        errs.required("spec.completions", "when completion mode is Indexed")


def _validate_job(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    _check_job_spec(errs, spec, True)


_CRON_FIELD = re.compile(r"^[\d*/,\-A-Za-z?]+$")


def _validate_cron_job(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")
    name = (obj.get("metadata") or {}).get("name")
    if isinstance(name, str) and len(name) > 52:
        errs.invalid("metadata.name", name, "must be no more than 52 characters")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    sched = spec.get("schedule")
    if not sched:
        errs.required("spec.schedule")
    elif isinstance(sched, str):
        fields = sched.split()
        if not (sched.startswith("@") or (len(fields) == 5 and all(_CRON_FIELD.match(f) for f in fields))):
            errs.invalid("spec.schedule", sched, f"expected exactly 5 fields, found {len(fields)}: {sched}"
                         if len(fields) != 5 else "unparseable schedule")
    policy = spec.get("concurrencyPolicy")
    if policy is not None and policy not in ("Allow", "Forbid", "Replace"):
        errs.unsupported("spec.concurrencyPolicy", policy, ["Allow", "Forbid", "Replace"])
    for f in ("startingDeadlineSeconds", "successfulJobsHistoryLimit", "failedJobsHistoryLimit"):
        _nonneg(errs, f"spec.{f}", spec.get(f))
    jt = spec.get("jobTemplate")
    if not isinstance(jt, dict) or not isinstance(jt.get("spec"), dict):
        errs.required("spec.jobTemplate.spec")
        return
    sub = Errors()
    _check_job_spec(sub, jt["spec"], True)
    errs.items.extend(i.replace("spec.", "spec.jobTemplate.spec.", 1) for i in sub.items)


def _validate_service(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "dns1035")
    spec = obj.get("spec")
    if not isinstance(spec, dict):
        errs.required("spec")
        return
    stype = spec.get("type", "ClusterIP")
    types = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"]
    if stype not in types:
        errs.unsupported("spec.type", stype, types)
    ports = spec.get("ports") or []
    if not ports and stype != "ExternalName" and spec.get("clusterIP") != "None":
        errs.required("spec.ports")
    if stype == "ExternalName":
        if not spec.get("externalName"):
            errs.required("spec.externalName")
        else:
            _check_name(errs, "spec.externalName", spec["externalName"].rstrip("."), "subdomain")
    names: set[str] = set()
    for i, p in enumerate(ports):
        if not isinstance(p, dict):
            continue
        pp = f"spec.ports[{i}]"
        if len(ports) > 1 and not p.get("name"):
            errs.required(f"{pp}.name")
        elif p.get("name"):
            _check_name(errs, f"{pp}.name", p["name"], "label")
            if p["name"] in names:
                errs.duplicate(f"{pp}.name", p["name"])
            names.add(p["name"])
        # validateServicePort: a missing port is Go's 0 (IsValidPortNum), and so is the targetPort
        # SetDefaults_Service copied from it
        port = p.get("port")
        if port is None:
            port = 0
        if isinstance(port, int) and not 1 <= port <= 65535:
            errs.invalid(f"{pp}.port", port, "must be between 1 and 65535, inclusive")
        proto = p.get("protocol")
        if proto is not None and proto not in _PROTOCOLS:
            errs.unsupported(f"{pp}.protocol", proto, _PROTOCOLS)
        tp = p.get("targetPort")
        if tp is None or tp == "":
            tp = port
        if isinstance(tp, int) and not isinstance(tp, bool) and not 1 <= tp <= 65535:
            errs.invalid(f"{pp}.targetPort", tp, "must be between 1 and 65535, inclusive")
        elif isinstance(tp, str):
            _port_name(errs, f"{pp}.targetPort", tp)
        np_ = p.get("nodePort")
        if np_ is not None and stype not in ("NodePort", "LoadBalancer"):
            errs.forbidden(f"{pp}.nodePort", "may not be used when `type` is 'ClusterIP'")
        elif isinstance(np_, int) and not 30000 <= np_ <= 32767 and np_ != 0:
            errs.invalid(f"{pp}.nodePort", np_, "provided port is not in the valid range. The range of valid ports is 30000-32767")
    affinity = spec.get("sessionAffinity")
    if affinity is not None and affinity not in ("ClientIP", "None"):
        errs.unsupported("spec.sessionAffinity", affinity, ["ClientIP", "None"])
    _check_labels(errs, "spec.selector", spec.get("selector"))


def _validate_namespace(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "label")


def _validate_generic(errs: Errors, obj: Obj, r: Resource) -> None:
    _check_meta(errs, obj, r, "subdomain")


def _overcommit_allowed(name: str) -> bool:
    """helper.IsOvercommitAllowed: native resources (no domain, or a kubernetes.io one) but hugepages."""
    native = "/" not in name or "kubernetes.io/" in name
    return native and not name.startswith("hugepages-")


def _check_nonnegative(errs: Errors, path: str, quantity: Any) -> None:
    """ValidateNonnegativeQuantity (``…limits[memory]: Invalid value: "-1Gi": must be greater than or
    equal to 0``)."""
    try:
        value = Quantity.of(quantity)
    except QuantityError:
        return  # the decoder refused it already
    if value.sign() < 0:
        errs.invalid(path, str(value), "must be greater than or equal to 0")


def _check_resources(errs: Errors, path: str, res: Any) -> None:
    """validateResourceRequirements' rules: no negative quantity (limits first, then requests, each
    request then compared with its limit); a request may not exceed its limit
    (``…resources.requests: Invalid value: "2": must be less than or equal to cpu limit of 1``);
    resources that cannot be overcommitted (extended resources, hugepages) need a limit equal to
    the request. The values print as Quantity.String() (``1.5Gi`` as ``1536Mi``), as the apiserver
    prints them."""
    if not isinstance(res, dict):
        return
    limits = res.get("limits") if isinstance(res.get("limits"), dict) else {}
    requests = res.get("requests") if isinstance(res.get("requests"), dict) else {}
    for name, quantity in limits.items():
        _check_nonnegative(errs, f"{path}.limits[{name}]", quantity)
    for name, quantity in requests.items():
        try:
            value = Quantity.of(quantity)
        except QuantityError:
            continue  # the decoder refused it already
        _check_nonnegative(errs, f"{path}.requests[{name}]", value)
        if name in limits:
            try:
                limit = Quantity.of(limits[name])
            except QuantityError:
                continue
            if value.cmp(limit) != 0 and not _overcommit_allowed(name):
                errs.invalid(f"{path}.requests", str(value), f"must be equal to {name} limit of {limit}")
            elif value.cmp(limit) > 0:
                errs.invalid(f"{path}.requests", str(value), f"must be less than or equal to {name} limit of {limit}")
        elif not _overcommit_allowed(name):
            errs.required(f"{path}.limits", "Limit must be set for non overcommitable resources")


_CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_CONFIG_KEY_MSG = labels.regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                                     _CONFIG_KEY.pattern, "key.name", "KEY_NAME", "key-name")


def config_key_errors(key: str) -> list[str]:
    """validation.IsConfigMapKey: what a ConfigMap's or Secret's data key must be."""
    errs = []
    if len(key.encode()) > 253:
        errs.append("must be no more than 253 characters")
    if not _CONFIG_KEY.fullmatch(key):
        errs.append(_CONFIG_KEY_MSG)
    if key == ".":
        errs.append("must not be '.'")
    elif key == "..":
        errs.append("must not be '..'")
    elif key.startswith(".."):
        errs.append("must not start with '..'")
    return errs


def _validate_config_data(errs: Errors, obj: Obj, r: Resource) -> None:
    """ValidateConfigMap: keys of data and binaryData, a key in both bags."""
    _check_meta(errs, obj, r, "subdomain")
    data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
    binary = obj.get("binaryData") if isinstance(obj.get("binaryData"), dict) else {}
    for k in data:
        for msg in config_key_errors(k):
            errs.invalid(f"data[{k}]", k, msg)
        if k in binary:
            errs.invalid(f"data[{k}]", k, "duplicate of key present in binaryData")
    for k in binary:
        for msg in config_key_errors(k):
            errs.invalid(f"binaryData[{k}]", k, msg)


#: core.MaxSecretSize
MAX_SECRET_SIZE = 1024 * 1024
SERVICE_ACCOUNT_NAME_KEY = "kubernetes.io/service-account.name"


def secret_bytes(value: Any) -> bytes | None:
    """A Secret's ``data`` value (base64 text, as the API carries []byte) as its bytes."""
    if not isinstance(value, str):
        return None
    try:
        return base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError):
        return None


def _json_object_error(raw: bytes) -> str | None:
    """encoding/json's error for unmarshalling ``raw`` into a map[string]interface{} (the common ones)."""
    text = raw.decode("utf-8", "replace")
    if not text.strip():
        return "unexpected end of JSON input"
    try:
        value = json.loads(text)
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()):
            return "unexpected end of JSON input"
        ch = text[e.pos]
        where = "looking for beginning of value" if e.pos == len(text) - len(text.lstrip()) else \
            "looking for beginning of object key string" if e.msg.startswith("Expecting property name") else \
            "after object key" if e.msg.startswith("Expecting ':'") else \
            "after object key:value pair" if e.msg.startswith("Expecting ','") else \
            "looking for beginning of value"
        return f"invalid character {_go_char(ch)} {where}"
    go_type = {dict: None, list: "array", str: "string", bool: "bool", int: "number", float: "number"}
    kind = go_type.get(type(value)) if value is not None else None
    return f"json: cannot unmarshal {kind} into Go value of type map[string]interface {{}}" if kind else None


def _go_char(ch: str) -> str:
    """encoding/json's quoteChar."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + labels.go_quote(ch)[1:-1] + "'"


def _validate_secret(errs: Errors, obj: Obj, r: Resource) -> None:
    """ValidateSecret: data keys and total size, then the keys each type requires (the
    apiserver's conversion has folded stringData into data already: ``defaults``)."""
    _check_meta(errs, obj, r, "subdomain")
    data = obj.get("data") if isinstance(obj.get("data"), dict) else {}
    total = 0
    for k, v in data.items():
        for msg in config_key_errors(k):
            errs.invalid(f"data[{k}]", k, msg)
        total += len(secret_bytes(v) or b"")
    if total > MAX_SECRET_SIZE:
        errs.too_long("data", MAX_SECRET_SIZE)
    stype = obj.get("type") or ""
    annotations = (obj.get("metadata") or {}).get("annotations") or {}
    if stype == "kubernetes.io/service-account-token":
        if not annotations.get(SERVICE_ACCOUNT_NAME_KEY):
            errs.required(f"metadata.annotations[{SERVICE_ACCOUNT_NAME_KEY}]")
    elif stype in ("kubernetes.io/dockercfg", "kubernetes.io/dockerconfigjson"):
        key = ".dockercfg" if stype == "kubernetes.io/dockercfg" else ".dockerconfigjson"
        if key not in data:
            errs.required(f"data[{key}]")
        else:
            problem = _json_object_error(secret_bytes(data[key]) or b"")
            if problem:
                errs.invalid(f"data[{key}]", "<secret contents redacted>", problem)
    elif stype == "kubernetes.io/basic-auth":
        if "username" not in data and "password" not in data:
            errs.required("data[username]")
            errs.required("data[password]")
    elif stype == "kubernetes.io/ssh-auth":
        if not secret_bytes(data.get("ssh-privatekey")):
            errs.required("data[ssh-privatekey]")
    elif stype == "kubernetes.io/tls":
        if "tls.crt" not in data:
            errs.required("data[tls.crt]")
        if "tls.key" not in data:
            errs.required("data[tls.key]")


_VALIDATORS = {
    "Pod": _validate_pod,
    "Deployment": _validate_deployment,
    "ReplicaSet": _validate_replica_set,
    "DaemonSet": _validate_daemon_set,
    "StatefulSet": _validate_stateful_set,
    "Job": _validate_job,
    "CronJob": _validate_cron_job,
    "Service": _validate_service,
    "Namespace": _validate_namespace,
    "Node": _validate_generic,
    "ConfigMap": _validate_config_data,
    "Secret": _validate_secret,
}


#: kind -> fn(errs, old, new, resource): the update rules of the other API areas (immutable fields)
_UPDATE_VALIDATORS: dict[str, Any] = {}


def _merge_area_validators() -> None:
    from .validation import update_validators, validators  # the kinds of other areas (storage, …)

    _VALIDATORS.update(validators())
    _UPDATE_VALIDATORS.update(update_validators())


_merge_area_validators()


def validate_semantics(obj: Obj, api: Api | None = None) -> None:
    """Field validation after defaulting: one ApiError 422 Invalid listing every problem, in the
    apiserver's words (``Deployment.apps "web" is invalid: [spec.selector: Required value, …]``)."""
    r = BY_KIND.get(obj.get("kind", ""))
    if r is None:
        return
    errs = Errors()
    _VALIDATORS.get(r.kind, _validate_generic)(errs, obj, r)
    t = _kind_type(r.api_version, r.kind)
    if t is not None:
        _required_walk(errs, obj, t, "")
    errs.raise_for(r, (obj.get("metadata") or {}).get("name") or "")


# =================================================================================================
# Mutating admission on create, and update rules
# =================================================================================================
_DEFAULT_TOLERATIONS = (("node.kubernetes.io/not-ready", "NoExecute"), ("node.kubernetes.io/unreachable", "NoExecute"))
_STATUS_RESET = frozenset({"Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job", "CronJob"})


def _quantity(v: Any) -> Quantity:
    """A stored resource.Quantity (text or a JSON number); zero when it cannot be parsed (the
    decoder refused such a value already)."""
    try:
        return Quantity.of(v)
    except QuantityError:
        return Quantity()


def qos_class(spec: dict) -> str:
    """GetPodQOS: Guaranteed when every container has cpu and memory limits equal to its requests,
    BestEffort when nobody asks for cpu or memory, Burstable otherwise."""
    containers = [c for c in (spec.get("containers") or []) + (spec.get("initContainers") or []) if isinstance(c, dict)]
    requests_any = limits_any = False
    guaranteed = True
    for c in containers:
        res = c.get("resources") or {}
        req = {k: v for k, v in (res.get("requests") or {}).items() if k in ("cpu", "memory")}
        lim = {k: v for k, v in (res.get("limits") or {}).items() if k in ("cpu", "memory")}
        requests_any = requests_any or any(not _quantity(v).is_zero() for v in req.values())
        limits_any = limits_any or any(not _quantity(v).is_zero() for v in lim.values())
        if set(lim) != {"cpu", "memory"}:
            guaranteed = False
        for k, v in req.items():
            if k not in lim or _quantity(lim[k]).cmp(_quantity(v)) != 0:
                guaranteed = False
    if not requests_any and not limits_any:
        return "BestEffort"
    return "Guaranteed" if guaranteed else "Burstable"


def on_create(obj: Obj, api: Api | None = None) -> None:
    """Mutating admission and the registry's PrepareForCreate, in place, in the apiserver's order:
    pods get the default service account and the DefaultTolerationSeconds tolerations, then the
    plugins run (LimitRanger's requests/limits, ServiceAccount's check and token volume, Priority —
    the only one setting ``priority``/``preemptionPolicy`` —, …, ResourceQuota last), and only then
    the pod strategy's PrepareForCreate gives ``status: {phase: Pending, qosClass}`` (the QoS class
    sees what LimitRanger added); workload objects start with an empty status; a Job gets its
    generated selector and labels (which need its uid, assigned here)."""
    kind = obj.get("kind")
    spec = obj.get("spec") if isinstance(obj.get("spec"), dict) else None
    if kind == "Pod" and spec is not None:
        spec.setdefault("serviceAccountName", "default")
        spec.setdefault("serviceAccount", spec["serviceAccountName"])
        tolerations = spec.setdefault("tolerations", [])
        for key, effect in _DEFAULT_TOLERATIONS:
            # a toleration with this key (or an empty key) and this effect (or none) already covers it
            if any(isinstance(t, dict) and t.get("key") in (key, None, "") and t.get("effect") in (effect, None, "")
                   for t in tolerations):
                continue
            tolerations.append({"key": key, "operator": "Exists", "effect": effect, "tolerationSeconds": 300})
    elif kind in _STATUS_RESET:
        obj["status"] = {}
    if kind == "DaemonSet" and isinstance(obj.get("metadata"), dict):
        # daemonSetStrategy.PrepareForCreate: templateGeneration 1, shown in apps/v1 as this annotation
        obj["metadata"].setdefault("annotations", {})[DS_TEMPLATE_GENERATION] = "1"
    if kind == "Job" and spec is not None and api is not None:
        _job_selector(obj, spec, api)
    if kind == "Service" and api is not None:
        from .net.alloc import allocator  # the service registry's IP/port allocators

        allocator(api).allocate_create(obj)
    from . import plugins  # NamespaceLifecycle, LimitRanger, ServiceAccount, Priority, …, ResourceQuota

    plugins.admit("CREATE", obj, None, api)
    if kind == "Pod" and spec is not None:
        # the registry's PrepareForCreate runs after admission: LimitRanger's defaults count
        obj["status"] = {"phase": "Pending", "qosClass": qos_class(spec)}


def _job_selector(obj: Obj, spec: dict, api: Api) -> None:
    """The Job registry's generateSelector: ``batch.kubernetes.io/controller-uid`` selector and
    template labels (unless ``manualSelector``)."""
    if spec.get("manualSelector") is True:
        return
    meta = obj["metadata"]
    if not meta.get("uid"):
        meta["uid"] = str(uuid.UUID(int=api.clock.rng.getrandbits(128), version=4))
    uid, name = meta["uid"], meta.get("name") or ""
    tpl = spec.get("template")
    if not isinstance(tpl, dict):
        return
    labels = tpl.setdefault("metadata", {}).setdefault("labels", {})
    labels.setdefault("batch.kubernetes.io/controller-uid", uid)
    labels.setdefault("controller-uid", uid)
    if name:
        labels.setdefault("batch.kubernetes.io/job-name", name)
        labels.setdefault("job-name", name)
    spec.setdefault("selector", {"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})


_POD_UPDATABLE = ("`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                  "`spec.tolerations` (only additions to existing tolerations),"
                  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)")


def _pod_spec_munged(spec: dict) -> dict:
    """The pod spec with the fields an update may change blanked out (ValidatePodUpdate)."""
    s = deep_copy(spec)
    for key in ("containers", "initContainers"):
        for c in s.get(key) or []:
            if isinstance(c, dict):
                c.pop("image", None)
    for key in ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds"):
        s.pop(key, None)
    return s


def _diff_lines(old: Any, new: Any, path: str = "spec") -> list[str]:
    if isinstance(old, dict) and isinstance(new, dict):
        out: list[str] = []
        for k in list(old) + [k for k in new if k not in old]:
            out += _diff_lines(old.get(k), new.get(k), f"{path}.{k}")
        return out
    if isinstance(old, list) and isinstance(new, list) and len(old) == len(new):
        out = []
        for i, (a, b) in enumerate(zip(old, new, strict=True)):
            out += _diff_lines(a, b, f"{path}[{i}]")
        return out
    if old == new:
        return []
    return [f"  - {path}: {old!r}", f"  + {path}: {new!r}"]


def on_update(old: Obj, new: Obj, api: Api | None = None) -> None:
    """Update-time checks (ApiError 422): immutable selectors of Deployments, ReplicaSets,
    DaemonSets, StatefulSets and Jobs; a pod's spec beyond the few updatable fields; a Secret's
    type, and the data of an ``immutable`` Secret or ConfigMap."""
    r = BY_KIND.get(new.get("kind", ""))
    if r is None:
        return
    errs = Errors()
    name = (new.get("metadata") or {}).get("name") or ""
    old_spec = old.get("spec") if isinstance(old.get("spec"), dict) else {}
    new_spec = new.get("spec") if isinstance(new.get("spec"), dict) else {}
    if r.kind in ("Deployment", "ReplicaSet", "DaemonSet", "StatefulSet", "Job"):
        if new_spec.get("selector") != old_spec.get("selector"):
            errs.invalid("spec.selector", _selector_repr(new_spec.get("selector")), "field is immutable", raw=True)
    if r.kind == "Job" and old_spec.get("template") != new_spec.get("template"):
        errs.invalid("spec.template", "core.PodTemplateSpec{...}", "field is immutable", raw=True)
    if r.kind == "Secret" and new.get("type") != old.get("type"):
        errs.invalid("type", new.get("type") or "", "field is immutable")
    if r.kind in ("Secret", "ConfigMap") and old.get("immutable") is True:
        # ValidateSecretUpdate / ValidateConfigMapUpdate: an immutable object stays so, data included
        if new.get("immutable") is not True:
            errs.forbidden("immutable", "field is immutable when `immutable` is set")
        bags = ("data",) if r.kind == "Secret" else ("data", "binaryData")
        for bag in bags:
            if (old.get(bag) or {}) != (new.get(bag) or {}):
                errs.forbidden(bag, "field is immutable when `immutable` is set")
    if r.kind == "Pod":
        a, b = _pod_spec_munged(old_spec), _pod_spec_munged(new_spec)
        old_tol = old_spec.get("tolerations") or []
        new_tol = new_spec.get("tolerations") or []
        removed_tol = any(t not in new_tol for t in old_tol)
        if a != b or removed_tol:
            diff = "\n".join(_diff_lines(a, b)) if a != b else "  (tolerations may only be added)"
            errs.forbidden("spec", f"pod updates may not change fields other than {_POD_UPDATABLE}\n{diff}")
    if r.kind in _UPDATE_VALIDATORS:
        _UPDATE_VALIDATORS[r.kind](errs, old, new, r)
    errs.raise_for(r, name)
    if r.kind == "DaemonSet":
        _daemon_set_template_generation(old, new, old_spec, new_spec)
    if r.kind == "Service" and api is not None:
        from .net.alloc import allocator  # keeps the Service's allocations, adds what a type change needs

        allocator(api).allocate_update(old, new)
    from . import plugins

    plugins.admit("UPDATE", new, old, api)


DS_TEMPLATE_GENERATION = "deprecated.daemonset.template.generation"


def _daemon_set_template_generation(old: Obj, new: Obj, old_spec: dict, new_spec: dict) -> None:
    """daemonSetStrategy.PrepareForUpdate: the template generation is the stored one, plus one when
    the template changed (the DaemonSet controller labels its pods ``pod-template-generation``)."""
    def semantic(v: object) -> object:  # nulls and empty maps/lists are unset (apimachinery Semantic)
        if isinstance(v, dict):
            return {k: x for k, x in ((k, semantic(x)) for k, x in v.items()) if x not in (None, {}, [])}
        return [semantic(x) for x in v] if isinstance(v, list) else v

    try:
        generation = int(((old.get("metadata") or {}).get("annotations") or {}).get(DS_TEMPLATE_GENERATION) or 0)
    except ValueError:
        generation = 0
    if semantic(old_spec.get("template")) != semantic(new_spec.get("template")):
        generation += 1
    meta = new.setdefault("metadata", {})
    if generation:
        meta.setdefault("annotations", {})[DS_TEMPLATE_GENERATION] = str(generation)
    elif meta.get("annotations"):
        meta["annotations"].pop(DS_TEMPLATE_GENERATION, None)
