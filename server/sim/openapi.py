"""The Kubernetes v1.32 OpenAPI documents: ``/openapi/v2``, ``/openapi/v3`` and the schemas.

Owns: where the documents come from, the bytes and hashes they are served with, and three views
of them:

- ``v2_document`` / ``v2_protobuf`` / ``v2_etag`` and ``v3_paths`` / ``v3_document`` / ``v3_index``:
  what ``GET /openapi/v2`` (JSON, or gnostic's openapi_v2.Document protobuf that kubectl reads for
  a group-version missing from v3) and ``GET /openapi/v3[/<path>]`` answer.
- ``Schema`` / ``schema_for(api_version, kind)``: one node of a kind's schema with the
  ``x-kubernetes-*`` extensions that strategic merge patch, apply and time shifting need, plus
  ``time_field_names()`` (every property whose schema is meta/v1 Time or MicroTime).
- ``resource_schema_doc`` / ``definition``: the v3 schemas ``kubectl explain`` prints from.

Sources, in order: the Kubernetes repository's own ``api/openapi-spec`` files of v1.32, when this
machine has them (``$KUBEPLAY_OPENAPI_DIR`` or ``shared/openapi/v1.32`` beside the checkout:
``swagger.json.gz`` and ``v3/*_openapi.json.gz``), served with ``info.version`` set to the
server's version as the apiserver reports it; otherwise documents rebuilt from the
kubernetes-validate package (PyPI, pinned in the lock), whose v1.32.0 schemas are the swagger.json
definitions as openapi2jsonschema rewrote them (``_Derived`` writes them back: equal to the
repository's for every definition but IntOrString and Quantity, whose descriptions that package
drops). Nothing of either is committed here. The hashes are kube-openapi's ``computeETag``:
uppercase hex SHA-512 of the JSON body we serve; ``/openapi/v3`` lists ``?hash=`` URLs with them.

Schemas and time fields come from the v2 definitions (their extensions sit beside ``$ref`` on the
property); ``explain`` data comes from the v3 document of the kind's group-version, which is what
kubectl v1.32 explains from.

Lazy: importing this module reads nothing; each document is read on first use and kept. Results
are shared: callers must not mutate the returned dicts.
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import json
import os
import struct
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

_V3_SUFFIX = "_openapi.json.gz"
#: the kubernetes-validate package's schemas of the release (PyPI; a dependency in the lock)
KV_VERSION = "v1.32.0-local"


def _raw_dir() -> Path | None:
    """Where the Kubernetes repository's own ``api/openapi-spec`` files of v1.32 are, if this
    machine has them: ``$KUBEPLAY_OPENAPI_DIR``, or ``shared/openapi/v1.32`` beside the checkout
    (``swagger.json.gz`` and ``v3/<path with __>_openapi.json.gz``). Without them the documents are
    derived from the kubernetes-validate package (see ``_derived``)."""
    env = os.environ.get("KUBEPLAY_OPENAPI_DIR")
    candidates = [Path(env)] if env else [Path(__file__).resolve().parents[3] / "shared" / "openapi" / "v1.32"]
    for d in candidates:
        if (d / "swagger.json.gz").is_file():
            return d
    return None

# what `jq -S '.info.version="unversioned"'` leaves at the top level of every vendored document
_UNVERSIONED_INFO = b'\n  "info": {\n    "title": "Kubernetes",\n    "version": "unversioned"\n  },\n'

_TIME_DEFS = frozenset(
    {"io.k8s.apimachinery.pkg.apis.meta.v1.Time", "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime"}
)
# "any JSON" although the document says type object (runtime.RawExtension, e.g. ControllerRevision.data)
_ANY_DEFS = frozenset({"io.k8s.apimachinery.pkg.runtime.RawExtension"})


def _server_version() -> str:
    from .bootstrap import K8S_VERSION  # the one place the simulated server's version is named

    return K8S_VERSION.split("-")[0]


def _served(raw: bytes) -> bytes:
    """A vendored document as the apiserver serves it: ``info.version`` is its version again."""
    if raw.count(_UNVERSIONED_INFO) != 1:
        raise ValueError("vendored OpenAPI document without the expected info block")
    info = (
        b'\n  "info": {\n    "title": "Kubernetes",\n    "version": "%s"\n  },\n' % _server_version().encode()
    )
    return raw.replace(_UNVERSIONED_INFO, info)


def _etag(data: bytes) -> str:
    """kube-openapi's computeETag: ``fmt.Sprintf("%X", sha512.Sum512(data))``."""
    return hashlib.sha512(data).hexdigest().upper()


# -- /openapi/v2 ---------------------------------------------------------------------------------


@cache
def v2_document() -> bytes:
    """The body of ``GET /openapi/v2`` (``application/json``): the v1.32 swagger.json."""
    raw = _raw_dir()
    if raw is not None:
        return _served(gzip.decompress((raw / "swagger.json.gz").read_bytes()))
    return _dump(_derived().v2())


@cache
def v2_etag() -> str:
    """The ``ETag`` of ``/openapi/v2`` without its quotes (send it as ``"<etag>"``)."""
    return _etag(v2_document())


@cache
def _v2() -> dict[str, Any]:
    return json.loads(v2_document())


# -- /openapi/v2 as protobuf: gnostic's openapi_v2.Document ---------------------------------------
# What ``Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`` gets (kubectl's
# fallback for a group-version missing from /openapi/v3; kube-openapi's handler answers it with
# ToProtoBinary of the same swagger, under the JSON's ETag). A message is a table of its JSON keys:
# (field number, type) — "s" string, "b" bool, "d" double, "i" int64, "S" repeated string, "A" Any
# (its ``yaml``: the value as JSON, which YAML reads), "A*" repeated Any, a message name, or
# "*Name" repeated; "x-" is the field of the vendor extensions (NamedAny), "*" the field every
# other key is a named entry of (NamedSchema, NamedPathItem …: {1: name, 2: value}). The oneof
# wrappers choose their branch from the JSON value. Field numbers are gnostic's OpenAPIv2.proto.
V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"
#: the JSON Schema validation keywords in gnostic's field order (Schema, parameters, items, headers)
_NUMERIC = {"maximum": "d", "exclusiveMaximum": "b", "minimum": "d", "exclusiveMinimum": "b", "maxLength": "i",
            "minLength": "i", "pattern": "s", "maxItems": "i", "minItems": "i", "uniqueItems": "b"}


def _primitive(first: dict[str, tuple[int, str]], start: int) -> dict[str, tuple[int, str]]:
    """The layout non-body parameters, items and headers share from ``start``: type … multipleOf, vendor."""
    keys = {"type": "s", "format": "s", "items": "PrimitivesItems", "collectionFormat": "s", "default": "A",
            **_NUMERIC, "enum": "A*", "multipleOf": "d", "x-": "x"}
    return {**first, **{key: (start + n, kind) for n, (key, kind) in enumerate(keys.items())}}


_PARAM_HEAD = {"required": (1, "b"), "in": (2, "s"), "description": (3, "s"), "name": (4, "s")}
_V2_MESSAGES: dict[str, dict[str, tuple[int, str]]] = {
    "Document": {"swagger": (1, "s"), "info": (2, "Info"), "host": (3, "s"), "basePath": (4, "s"),
                 "schemes": (5, "S"), "consumes": (6, "S"), "produces": (7, "S"), "paths": (8, "Paths"),
                 "definitions": (9, "Definitions"), "parameters": (10, "ParameterDefinitions"),
                 "responses": (11, "ResponseDefinitions"), "security": (12, "*SecurityRequirement"),
                 "securityDefinitions": (13, "SecurityDefinitions"), "tags": (14, "*Tag"),
                 "externalDocs": (15, "ExternalDocs"), "x-": (16, "x")},
    "Info": {"title": (1, "s"), "version": (2, "s"), "description": (3, "s"), "termsOfService": (4, "s"),
             "contact": (5, "Contact"), "license": (6, "License"), "x-": (7, "x")},
    "Contact": {"name": (1, "s"), "url": (2, "s"), "email": (3, "s"), "x-": (4, "x")},
    "License": {"name": (1, "s"), "url": (2, "s"), "x-": (3, "x")},
    "ExternalDocs": {"description": (1, "s"), "url": (2, "s"), "x-": (3, "x")},
    "Tag": {"name": (1, "s"), "description": (2, "s"), "externalDocs": (3, "ExternalDocs"), "x-": (4, "x")},
    "Paths": {"x-": (1, "x"), "*": (2, "PathItem")},
    "PathItem": {"$ref": (1, "s"), "get": (2, "Operation"), "put": (3, "Operation"), "post": (4, "Operation"),
                 "delete": (5, "Operation"), "options": (6, "Operation"), "head": (7, "Operation"),
                 "patch": (8, "Operation"), "parameters": (9, "*ParametersItem"), "x-": (10, "x")},
    "Operation": {"tags": (1, "S"), "summary": (2, "s"), "description": (3, "s"), "externalDocs": (4, "ExternalDocs"),
                  "operationId": (5, "s"), "produces": (6, "S"), "consumes": (7, "S"),
                  "parameters": (8, "*ParametersItem"), "responses": (9, "Responses"), "schemes": (10, "S"),
                  "deprecated": (11, "b"), "security": (12, "*SecurityRequirement"), "x-": (13, "x")},
    "Responses": {"*": (1, "ResponseValue"), "x-": (2, "x")},
    "Response": {"description": (1, "s"), "schema": (2, "SchemaItem"), "headers": (3, "Headers"),
                 "examples": (4, "Examples"), "x-": (5, "x")},
    "JsonReference": {"$ref": (1, "s"), "description": (2, "s")},
    "BodyParameter": {"description": (1, "s"), "name": (2, "s"), "in": (3, "s"), "required": (4, "b"),
                      "schema": (5, "Schema"), "x-": (6, "x")},
    "HeaderParameterSubSchema": _primitive(_PARAM_HEAD, 5),
    "PathParameterSubSchema": _primitive(_PARAM_HEAD, 5),
    "QueryParameterSubSchema": _primitive({**_PARAM_HEAD, "allowEmptyValue": (5, "b")}, 6),
    "FormDataParameterSubSchema": _primitive({**_PARAM_HEAD, "allowEmptyValue": (5, "b")}, 6),
    "PrimitivesItems": _primitive({}, 1),
    "Header": {**_primitive({}, 1), "description": (18, "s"), "x-": (19, "x")},
    "Schema": {"$ref": (1, "s"), "format": (2, "s"), "title": (3, "s"), "description": (4, "s"), "default": (5, "A"),
               "multipleOf": (6, "d"), **{k: (7 + n, t) for n, (k, t) in enumerate(_NUMERIC.items())},
               "maxProperties": (17, "i"), "minProperties": (18, "i"), "required": (19, "S"), "enum": (20, "A*"),
               "additionalProperties": (21, "AdditionalPropertiesItem"), "type": (22, "TypeItem"),
               "items": (23, "ItemsItem"), "allOf": (24, "*Schema"), "properties": (25, "Properties"),
               "discriminator": (26, "s"), "readOnly": (27, "b"), "externalDocs": (29, "ExternalDocs"),
               "example": (30, "A"), "x-": (31, "x")},
    "ApiKeySecurity": {"type": (1, "s"), "name": (2, "s"), "in": (3, "s"), "description": (4, "s"), "x-": (5, "x")},
    "BasicAuthenticationSecurity": {"type": (1, "s"), "description": (2, "s"), "x-": (3, "x")},
    **{name: {"*": (1, value)} for name, value in (
        ("Definitions", "Schema"), ("Properties", "Schema"), ("ParameterDefinitions", "Parameter"),
        ("ResponseDefinitions", "Response"), ("SecurityDefinitions", "SecurityDefinitionsItem"),
        ("SecurityRequirement", "StringArray"), ("Headers", "Header"), ("Examples", "A"))},
}


def _oneof(name: str, v: Any) -> tuple[int, str, Any] | None:
    """The branch (field, message, value) a oneof wrapper takes for the JSON value ``v``."""
    if name in ("ParametersItem", "ResponseValue"):
        return (2, "JsonReference", v) if "$ref" in v else (1, "Parameter" if name == "ParametersItem" else "Response", v)
    if name == "Parameter":
        return (1, "BodyParameter", v) if v.get("in") == "body" else (2, "NonBodyParameter", v)
    if name == "NonBodyParameter":
        where = ("header", "formData", "query", "path")
        n = where.index(v.get("in")) if v.get("in") in where else 2
        return n + 1, ("HeaderParameterSubSchema", "FormDataParameterSubSchema", "QueryParameterSubSchema",
                       "PathParameterSubSchema")[n], v
    if name == "SchemaItem":
        return 1, "Schema", v
    if name == "SecurityDefinitionsItem":
        return {"basic": (1, "BasicAuthenticationSecurity", v), "apiKey": (2, "ApiKeySecurity", v)}.get(v.get("type"))
    if name == "AdditionalPropertiesItem":
        return (2, "b", v) if isinstance(v, bool) else (1, "Schema", v)
    return None


def _varint(n: int) -> bytes:
    n &= (1 << 64) - 1  # a negative int64 is ten bytes of two's complement
    out = bytearray()
    while n > 0x7F:
        out.append(n & 0x7F | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def _field(num: int, kind: str, v: Any) -> bytes:
    if kind == "b":
        return _varint(num << 3) + _varint(1) if v else b""
    if kind == "i":
        return _varint(num << 3) + _varint(int(v)) if v else b""
    if kind == "d":
        return _varint(num << 3 | 1) + struct.pack("<d", float(v)) if v else b""
    if kind.startswith("*"):
        return b"".join(_field(num, kind[1:], x) for x in v)
    if kind in ("S", "A*"):
        return b"".join(_field(num, kind[0].lower() if kind == "S" else "A", x) for x in v)
    if kind == "s":
        data = str(v).encode()
    elif kind == "A":  # Any{yaml = 2}
        data = _field(2, "s", json.dumps(v, ensure_ascii=False, sort_keys=True))
    else:
        data = _message(kind, v)
    return _varint(num << 3 | 2) + _varint(len(data)) + data


def _named(num: int, kind: str, name: str, v: Any) -> bytes:
    return _field(num, "NamedEntry", (name, kind, v))


def _message(name: str, v: Any) -> bytes:
    if name == "NamedEntry":  # NamedSchema, NamedAny …: {1: name, 2: value}
        key, kind, value = v
        return _field(1, "s", key) + _field(2, kind, value)
    if name == "TypeItem":
        return _field(1, "S", [v] if isinstance(v, str) else v)
    if name == "StringArray":
        return _field(1, "S", v)
    if name == "ItemsItem":
        return _field(1, "*Schema", v if isinstance(v, list) else [v])
    branch = _oneof(name, v)
    if branch is not None:
        return _field(*branch)
    if name not in _V2_MESSAGES or not isinstance(v, dict):
        return b""
    spec, out = _V2_MESSAGES[name], []
    rest, vendor = spec.get("*"), spec.get("x-")
    for key, value in v.items():
        if key in spec and key != "*":
            out.append(_field(*spec[key], value))
        elif key.startswith("x-") and vendor is not None:
            out.append(_named(vendor[0], "A", key, value))
        elif rest is not None:
            out.append(_named(rest[0], rest[1], key, value))
    return b"".join(out)


@cache
def v2_protobuf() -> bytes:
    """The body of ``GET /openapi/v2`` asked for as protobuf: the v2 document as gnostic's
    openapi_v2.Document (served with ``v2_etag``, the JSON's, as kube-openapi does)."""
    return _message("Document", _v2())


# -- /openapi/v3 ---------------------------------------------------------------------------------


def _v3_file(path: str) -> Path:
    raw = _raw_dir()
    assert raw is not None
    return raw / "v3" / (path.replace("/", "__") + _V3_SUFFIX)


def _served_resources() -> list[Any]:
    """Every served resource: the stored kinds' and the extra served versions' (autoscaling/v1)."""
    from . import versions
    from .resources import RESOURCES

    return [*RESOURCES, *versions.resources()]


@cache
def _served_paths() -> frozenset[str]:
    return frozenset(v3_path_for(r.api_version) for r in _served_resources())


def _is_group_version(path: str) -> bool:
    """``api/v1``, ``apis/apps/v1`` (not ``api``, ``apis``, ``version``, ``logs`` …)."""
    parts = path.split("/")
    return (parts[0] == "api" and len(parts) == 2) or (parts[0] == "apis" and len(parts) == 3)


@cache
def _v3_names() -> tuple[str, ...]:
    """The group-version documents this server serves (as the apiserver's v3 aggregator, which
    lists the group-versions its handlers install, so an unserved one answers 404), plus the
    vendored non-group documents (``version``, ``.well-known/openid-configuration`` …)."""
    raw = _raw_dir()
    if raw is None:
        return tuple(sorted(_served_paths()))
    vendored = (f.name[: -len(_V3_SUFFIX)].replace("__", "/") for f in (raw / "v3").glob("*" + _V3_SUFFIX))
    return tuple(sorted(p for p in vendored if not _is_group_version(p) or p in _served_paths()))


@cache
def _v3_bytes(path: str) -> bytes:
    if _raw_dir() is None:
        return _dump(_derived().v3(path))
    return _served(gzip.decompress(_v3_file(path).read_bytes()))


@cache
def v3_paths() -> dict[str, str]:
    """Every vendored group-version path (``api/v1``, ``apis/apps/v1``, …) → its content hash."""
    return {path: _etag(_v3_bytes(path)) for path in _v3_names()}


def v3_document(path: str) -> bytes | None:
    """The body of ``GET /openapi/v3/<path>`` (``application/json``), None for an unknown path."""
    return _v3_bytes(path) if path in v3_paths() else None


def v3_server_relative_url(path: str) -> str:
    """``/openapi/v3/apis/apps/v1?hash=<HASH>``, as kube-openapi's constructServerRelativeURL."""
    return f"/openapi/v3/{path}?hash={v3_paths()[path]}"


def v3_index(paths: Iterable[str] | None = None) -> bytes:
    """The body of ``GET /openapi/v3`` listing ``paths`` (default: all vendored), Go-marshalled:
    ``{"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=…"},…}}`` (keys sorted)."""
    listed = v3_paths() if paths is None else paths
    body = {"paths": {p: {"serverRelativeURL": v3_server_relative_url(p)} for p in listed}}
    return json.dumps(body, separators=(",", ":"), sort_keys=True).encode()


def v3_path_for(api_version: str) -> str:
    """``v1`` → ``api/v1``; ``apps/v1`` → ``apis/apps/v1``."""
    return f"apis/{api_version}" if "/" in api_version else f"api/{api_version}"


@cache
def _v3(path: str) -> dict[str, Any] | None:
    data = v3_document(path)
    return None if data is None else json.loads(data)


# -- schemas (from the v2 definitions) -----------------------------------------------------------


def _gv(api_version: str) -> tuple[str, str]:
    group, _, version = api_version.rpartition("/")
    return group, version


def _gvk_index(schemas: dict[str, Any]) -> dict[tuple[str, str, str], str]:
    index: dict[tuple[str, str, str], str] = {}
    for name, schema in schemas.items():
        for gvk in schema.get("x-kubernetes-group-version-kind", ()):
            index.setdefault((gvk["group"], gvk["version"], gvk["kind"]), name)
    return index


@cache
def _v2_gvk() -> dict[tuple[str, str, str], str]:
    return _gvk_index(_v2()["definitions"])


def _ref_name(raw: dict[str, Any]) -> str:
    """The definition a schema refers to: ``$ref``, or v3's ``allOf: [{$ref}]``; "" for none."""
    ref = raw.get("$ref")
    if ref is None:
        all_of = raw.get("allOf")
        if all_of and len(all_of) == 1:
            ref = all_of[0].get("$ref")
    return ref.rpartition("/")[2] if ref else ""


class Schema:
    """One node of a kind's schema (see /work/notes/schema_iface.md): the type of the value here,
    and the extensions of the field that leads here. Children are built on first use and kept, so
    recursive types cost nothing until walked."""

    __slots__ = (
        "type",
        "format",
        "patch_strategy",
        "patch_merge_key",
        "list_type",
        "list_map_keys",
        "map_type",
        "_target",
        "_children",
    )

    def __init__(self, raw: dict[str, Any], name: str = "") -> None:
        target = _v2()["definitions"].get(name, {}) if name else raw
        # a field referring to a definition shares the definition's children
        self._children: dict[str, Schema | None] = _definition_node(name)._children if name else {}
        self._target = target
        self.format: str = target.get("format", "")
        self.type: str = "" if self.format == "int-or-string" or name in _ANY_DEFS else target.get("type", "")
        self.patch_strategy: str = raw.get("x-kubernetes-patch-strategy", "")
        self.patch_merge_key: str = raw.get("x-kubernetes-patch-merge-key", "")
        self.list_type: str = raw.get("x-kubernetes-list-type", target.get("x-kubernetes-list-type", ""))
        self.list_map_keys: tuple[str, ...] = tuple(
            raw.get("x-kubernetes-list-map-keys", target.get("x-kubernetes-list-map-keys", ()))
        )
        self.map_type: str = raw.get("x-kubernetes-map-type", target.get("x-kubernetes-map-type", ""))

    def field(self, name: str) -> Schema | None:
        """A property; for a map (additionalProperties) the value schema for any key; None if unknown."""
        try:
            return self._children[name]
        except KeyError:
            pass
        props = self._target.get("properties")
        if props is not None and name in props:
            child: Schema | None = _node(props[name])
        else:
            extra = self._target.get("additionalProperties")
            child = _node(extra) if isinstance(extra, dict) else None
        self._children[name] = child
        return child

    @property
    def closed(self) -> bool:
        """A struct that declares every field it may have (``properties``, no ``additionalProperties``
        nor ``x-kubernetes-preserve-unknown-fields``): SMD's typed conversion refuses any other."""
        t = self._target
        return (self.type == "object" and "properties" in t and "additionalProperties" not in t
                and not t.get("x-kubernetes-preserve-unknown-fields"))

    @property
    def items(self) -> Schema | None:
        """The item schema of an array, else None."""
        if self.type != "array" or "items" not in self._target:
            return None
        key = "\0items"  # not a property name
        if key not in self._children:
            self._children[key] = _node(self._target["items"])
        return self._children[key]

    def __repr__(self) -> str:
        ext = [f"{k}={getattr(self, k)!r}" for k in self.__slots__[2:7] if getattr(self, k)]
        return f"Schema({self.type or 'any'}{'/' + self.format if self.format else ''}{', ' if ext else ''}{', '.join(ext)})"


def _node(raw: dict[str, Any]) -> Schema:
    name = _ref_name(raw)
    if name and len(raw) == 1:  # a bare reference: the definition's own node
        return _definition_node(name)
    return Schema(raw, name)


@cache
def _definition_node(name: str) -> Schema:
    return Schema(_v2()["definitions"].get(name, {}))


def schema_for(api_version: str, kind: str) -> Schema | None:
    """The schema of a kind, e.g. ``("apps/v1", "Deployment")``; None for an unknown kind."""
    name = _v2_gvk().get((*_gv(api_version), kind))
    return None if name is None else _definition_node(name)


@cache
def time_field_names() -> frozenset[str]:
    """Every property name whose schema is meta/v1 Time or MicroTime (creationTimestamp,
    lastTransitionTime, …), over every definition of the document."""
    return frozenset(
        prop
        for schema in _v2()["definitions"].values()
        for prop, raw in schema.get("properties", {}).items()
        if _ref_name(raw) in _TIME_DEFS
    )


# -- explain data (from the v3 document of the kind's group-version) ----------------------------


@cache
def _v3_gvk(path: str) -> dict[tuple[str, str, str], str]:
    doc = _v3(path)
    return {} if doc is None else _gvk_index(doc["components"]["schemas"])


def definition_name(api_version: str, kind: str) -> str | None:
    """``io.k8s.api.apps.v1.Deployment`` for ``("apps/v1", "Deployment")``; None if unknown."""
    return _v3_gvk(v3_path_for(api_version)).get((*_gv(api_version), kind))


def resource_schema_doc(api_version: str, kind: str) -> dict[str, Any] | None:
    """The raw v3 schema of a kind (``components.schemas`` entry of its group-version's document:
    description, properties with ``allOf: [{$ref}]``, extensions, defaults); None if unknown.
    Resolve what it refers to with ``definition(api_version, ref)``."""
    name = definition_name(api_version, kind)
    return None if name is None else definition(api_version, name)


def definition(api_version: str, ref: str) -> dict[str, Any] | None:
    """A schema of the v3 document of ``api_version`` by name or ``#/components/schemas/<name>``."""
    doc = _v3(v3_path_for(api_version))
    return None if doc is None else doc["components"]["schemas"].get(ref.rpartition("/")[2])


# -- documents derived from the kubernetes-validate package ---------------------------------------
def _dump(doc: dict[str, Any]) -> bytes:
    """The layout of the repository's files (``jq -S``: keys sorted, two-space indent)."""
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def _kv_definitions_file() -> Path:
    spec = importlib.util.find_spec("kubernetes_validate")  # its data, without importing its code
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("the kubernetes-validate package is not installed: run `make install`")
    return Path(next(iter(spec.submodule_search_locations))) / "kubernetes-json-schema" / KV_VERSION / "_definitions.json"


class _Derived:
    """The v1.32 documents rebuilt from kubernetes-validate's ``_definitions.json``: the swagger.json
    definitions that openapi2jsonschema rewrote, written back (``type: [t, "null"]`` → ``t``,
    ``#/$defs/`` → ``#/definitions/``, the ``enum`` it added to apiVersion/kind dropped); checked
    against the repository's swagger.json, every definition comes back equal but IntOrString and
    Quantity, whose descriptions it does not keep. The v3 documents are derived from them as the
    apiserver's v3 builder lays them out (a ``$ref`` with siblings becomes ``allOf: [{$ref}]``;
    the ``default`` values v3 adds are not known here), one per served group-version, with the
    closure of the definitions its kinds use, and paths generated from the served resources with
    the operations' ``x-kubernetes-group-version-kind`` and query parameters (kubectl's field
    validation check reads ``fieldValidation`` on each kind's PATCH)."""

    SPECIAL = {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"format": "int-or-string", "type": "string"},
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"type": "string"},
    }
    #: v3 writes these two as the alternatives they are
    SPECIAL_V3 = {
        "io.k8s.apimachinery.pkg.util.intstr.IntOrString": {"format": "int-or-string",
                                                             "oneOf": [{"type": "integer"}, {"type": "string"}]},
        "io.k8s.apimachinery.pkg.api.resource.Quantity": {"oneOf": [{"type": "string"}, {"type": "number"}]},
    }
    META = ("DeleteOptions", "Status", "WatchEvent", "APIResourceList", "Patch")

    def __init__(self) -> None:
        raw = json.loads(_kv_definitions_file().read_text(encoding="utf-8"))["$defs"]
        self.definitions = {name: self.SPECIAL.get(name) or self._v2(schema) for name, schema in raw.items()}

    def _v2(self, value: Any, in_properties: bool = False) -> Any:
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for k, v in value.items():
                if in_properties:
                    out[k] = self._v2(v)
                    continue
                if k == "enum":
                    continue  # added by openapi2jsonschema (the repository filters enums out)
                if k == "type" and isinstance(v, list):
                    kinds = [t for t in v if t != "null"]
                    v = kinds[0] if len(kinds) == 1 else kinds
                if k == "$ref" and isinstance(v, str):
                    v = v.replace("#/$defs/", "#/definitions/")
                out[k] = self._v2(v, in_properties=k == "properties")
            return out
        if isinstance(value, list):
            return [self._v2(v) for v in value]
        return value

    def v2(self) -> dict[str, Any]:
        return {"definitions": self.definitions, "info": {"title": "Kubernetes", "version": _server_version()},
                "paths": {}, "swagger": "2.0"}

    # -- v3 --
    def _v3(self, value: Any, in_properties: bool = False) -> Any:
        if isinstance(value, dict):
            if in_properties:  # keys are property names
                return {k: self._v3(v) for k, v in value.items()}
            if isinstance(value.get("$ref"), str):
                ref = {"$ref": value["$ref"].replace("#/definitions/", "#/components/schemas/")}
                rest = {k: self._v3(v) for k, v in value.items() if k != "$ref"}
                return {"allOf": [ref], **rest} if rest else ref
            return {k: self._v3(v, in_properties=k == "properties") for k, v in value.items()}
        if isinstance(value, list):
            return [self._v3(v) for v in value]
        return value

    @staticmethod
    def _package(api_version: str) -> str:
        group, _, version = api_version.rpartition("/")
        return f"io.k8s.api.{(group or 'core').split('.')[0]}.{version}."

    def _closure(self, roots: Iterable[str]) -> list[str]:
        seen: set[str] = set()
        stack = [r for r in roots if r in self.definitions]
        while stack:
            name = stack.pop()
            if name in seen:
                continue
            seen.add(name)

            def refs(v: Any) -> None:
                if isinstance(v, dict):
                    ref = v.get("$ref")
                    if isinstance(ref, str):
                        stack.append(ref.rpartition("/")[2])
                    for x in v.values():
                        refs(x)
                elif isinstance(v, list):
                    for x in v:
                        refs(x)

            refs(self.definitions[name])
        return sorted(seen)

    def v3(self, path: str) -> dict[str, Any]:
        served = [r for r in _served_resources() if v3_path_for(r.api_version) == path]
        api_version = served[0].api_version
        package = self._package(api_version)
        roots = [n for n in self.definitions if n.startswith(package)]
        roots += [f"io.k8s.apimachinery.pkg.apis.meta.v1.{m}" for m in self.META]
        schemas = {name: self.SPECIAL_V3.get(name) or self._v3(self.definitions[name]) for name in self._closure(roots)}
        paths: dict[str, Any] = {}
        for r in served:
            paths.update(_resource_paths(r, self._gvk_name(r, schemas)))
        return {"components": {"schemas": schemas}, "info": {"title": "Kubernetes", "version": _server_version()},
                "openapi": "3.0.0", "paths": paths}

    @staticmethod
    def _gvk_name(r: Any, schemas: dict[str, Any]) -> str:
        for name, schema in schemas.items():
            for gvk in schema.get("x-kubernetes-group-version-kind", ()):
                if (gvk["group"], gvk["version"], gvk["kind"]) == (r.group, r.version, r.kind):
                    return name
        return ""


def _query(name: str, description: str) -> dict[str, Any]:
    return {"description": description, "in": "query", "name": name, "schema": {"type": "string", "uniqueItems": True}}


_WRITE_PARAMS = [
    _query("dryRun", "When present, indicates that modifications should not be persisted. An invalid or unrecognized "
           "dryRun directive will result in an error response and no further processing of the request. Valid "
           "values are: - All: all dry run stages will be processed"),
    _query("fieldManager", "fieldManager is a name associated with the actor or entity that is making these changes."),
    _query("fieldValidation", "fieldValidation instructs the server on how to handle objects in the request "
           "(POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore - Warn - Strict"),
]


def _resource_paths(r: Any, schema_name: str) -> dict[str, Any]:
    """The REST paths of a served resource with their operations, as the apiserver's v3 builder
    lists them (actions, the kind each operation handles, the write verbs' query parameters)."""
    prefix = f"/apis/{r.group}/{r.version}" if r.group else f"/api/{r.version}"
    base = f"{prefix}/namespaces/{{namespace}}/{r.plural}" if r.namespaced else f"{prefix}/{r.plural}"
    gvk = {"group": r.group, "kind": r.kind, "version": r.version}
    body = {"$ref": f"#/components/schemas/{schema_name}"} if schema_name else {}

    def op(action: str, method_params: list | None = None) -> dict[str, Any]:
        out: dict[str, Any] = {"x-kubernetes-action": action, "x-kubernetes-group-version-kind": gvk,
                               "responses": {"200": {"content": {"application/json": {"schema": body}}}}}
        if method_params:
            out["parameters"] = method_params
        return out

    item = {"get": op("get"), "put": op("put", _WRITE_PARAMS), "delete": op("delete"),
            "patch": op("patch", [*_WRITE_PARAMS, _query("force", "Force is going to \"force\" Apply requests.")])}
    collection = {"get": op("list"), "post": op("post", _WRITE_PARAMS), "delete": op("deletecollection")}
    paths = {base: collection, f"{base}/{{name}}": item}
    if r.namespaced:
        paths[f"{prefix}/{r.plural}"] = {"get": op("list")}
    return paths


@cache
def _derived() -> _Derived:
    return _Derived()
