"""The real Kubernetes v1.32 OpenAPI documents: ``/openapi/v2``, ``/openapi/v3`` and the schemas.

Owns: the vendored documents in ``openapi_data/`` (the Kubernetes repository's
``api/openapi-spec/swagger.json`` and its ``v3/*_openapi.json`` for every GA group-version, exactly
as published for v1.32: provenance, sizes and checksums in ``openapi_data/README.md``), the bytes
and hashes they are served with, and three views of them:

- ``v2_document`` / ``v2_etag`` and ``v3_paths`` / ``v3_document`` / ``v3_index``: what
  ``GET /openapi/v2`` and ``GET /openapi/v3[/<path>]`` answer.
- ``Schema`` / ``schema_for(api_version, kind)``: one node of a kind's schema with the
  ``x-kubernetes-*`` extensions that strategic merge patch, apply and time shifting need, plus
  ``time_field_names()`` (every property whose schema is meta/v1 Time or MicroTime).
- ``resource_schema_doc`` / ``definition``: the raw v3 schemas ``kubectl explain`` prints from.

Served bytes: the repository files are ``curl /openapi/vN | jq -S '.info.version="unversioned"'``
of a kube-apiserver (hack/update-openapi-spec.sh), so the one thing changed on the way out is
``info.version``, put back to what the apiserver reports (its gitVersion without a pre-release
suffix, as genericapiserver's ``Complete`` sets it). The real apiserver marshals compact JSON in Go
field order; we serve the repository's key-sorted, indented form: the same document, other bytes,
so every hash is of the bytes we serve. The hashes are kube-openapi's ``computeETag``: uppercase
hex SHA-512 of the JSON body; ``/openapi/v3`` lists ``?hash=`` URLs with them.

Schemas and time fields come from the v2 document (one document holding every definition; its
extensions sit beside ``$ref`` on the property and are identical to the v3 documents' for every
definition — checked when the data was vendored); ``explain`` data comes from the v3 document of
the kind's group-version, which is what kubectl v1.32 explains from.

Lazy: importing this module reads nothing; each document is read (and gunzipped) on first use and
kept. Results are shared: callers must not mutate the returned dicts.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).with_name("openapi_data")
_V3_DIR = DATA_DIR / "v3"
_V3_SUFFIX = "_openapi.json.gz"

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
    return _served(gzip.decompress((DATA_DIR / "swagger.json.gz").read_bytes()))


@cache
def v2_etag() -> str:
    """The ``ETag`` of ``/openapi/v2`` without its quotes (send it as ``"<etag>"``)."""
    return _etag(v2_document())


@cache
def _v2() -> dict[str, Any]:
    return json.loads(v2_document())


# -- /openapi/v3 ---------------------------------------------------------------------------------


def _v3_file(path: str) -> Path:
    return _V3_DIR / (path.replace("/", "__") + _V3_SUFFIX)


@cache
def _v3_names() -> tuple[str, ...]:
    return tuple(
        sorted(f.name[: -len(_V3_SUFFIX)].replace("__", "/") for f in _V3_DIR.glob("*" + _V3_SUFFIX))
    )


@cache
def _v3_bytes(path: str) -> bytes:
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
