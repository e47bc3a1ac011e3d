"""Kubernetes protobuf request bodies (``application/vnd.kubernetes.protobuf``) as Kubernetes JSON.

kubectl v1.32's ``create deployment|configmap|secret|namespace|service|job|cronjob|…`` generators
write through typed client-go clients, which send protobuf. The sandbox's apiserver speaks JSON, so
the web layer turns such a body into the JSON text the same client would have sent, before it
reaches ``Sandbox.rest`` (so the journal holds JSON only).

The wire format (k8s.io/apimachinery ``runtime/serializer/protobuf/protobuf.go``): the 4-byte magic
``k8s\\x00``, then a ``runtime.Unknown`` message: ``typeMeta`` (1: ``apiVersion`` 1, ``kind`` 2),
``raw`` (2: the object's own message), ``contentEncoding`` (3), ``contentType`` (4). The object is
encoded by gogo-protobuf per the ``generated.proto`` files of k8s.io/api and k8s.io/apimachinery.

Schema: those ``generated.proto`` files, read by the small proto2 parser below (``parse_proto``:
``syntax``/``package``/``import``/``option`` lines, ``message`` blocks, nested messages,
``optional``/``repeated`` fields, ``map<k, v>``, type references by local or full name), and the Go
``types.go`` files of the same packages at the same tag (``parse_go_types``: each struct field's
``json`` and ``protobuf`` tags and whether it is a pointer), because the JSON a Go client writes
depends on those and the .proto does not record them. Both parsers are hand-written because the
project needs no protoc, no generated code and no protobuf dependency: only decoding, of files whose
grammar is this narrow subset. The files are looked up in ``proto_dir()``: ``$KUBEPLAY_K8S_PROTO``
if set, else ``server/web/proto/`` (its README says which files, from which tags, and why they may
be absent). Without the .proto files ``available()`` is False and a protobuf body is refused as
before (415).

JSON shape (``decode``): each field under its Go JSON name (the .proto name but for ``uID``, which
is ``uid``); an embedded struct (``json:",inline"``: ``Probe.handler``, ``Volume.volumeSource``, the
``localObjectReference`` of key selectors) has its fields inlined; int32/int64/uint64 as ints,
bools, ``bytes`` as base64 (Go's ``[]byte`` JSON); maps from their key/value entry messages; and the
types whose JSON is not their message:

- meta/v1 ``Time`` → RFC 3339 seconds (``2006-01-02T15:04:05Z``), ``MicroTime`` with 6 fractional
  digits; an empty one (gogo writes a zero Time as zero bytes) is ``null``, as Go's JSON writes it.
- ``resource.Quantity`` → its ``string``; ``intstr.IntOrString`` → ``intVal`` or ``strVal`` by ``type``;
  ``runtime.RawExtension`` and meta/v1 ``FieldsV1`` → the JSON their ``raw`` holds; meta/v1 ``Duration``
  → Go's ``time.Duration.String()``; a message that wraps a Go slice type (``+protobuf.nullable=true``
  with only ``repeated … items = 1``: ``ExtraValue``, ``Verbs``) → the list.

Zero values. gogo marshals every non-pointer field, zero or not (``12 00`` for an empty
``generateName``), and a pointer field only when it is non-nil; Go's JSON omits zero ``omitempty``
scalars, keeps non-``omitempty`` ones and non-nil pointers (zero or not), writes non-pointer structs
always (``"resources": {}``, ``"status": {}``, ``"creationTimestamp": null``), and omits empty
``omitempty`` slices and maps. So the rule, which reproduces Go's JSON of the same object:

- a zero scalar (``""``, ``0``, ``false``) is dropped when its Go field is a non-pointer with
  ``omitempty`` (``hostNetwork: false``, ``hostPort: 0``), and kept when it is a pointer (present on
  the wire means set: ``--replicas=0``, ``backoffLimit: 0``, ``allowPrivilegeEscalation: false``) or
  has no ``omitempty`` (Container ``name``, TokenRequestStatus ``token``); non-zero scalars are kept;
- a nested message present on the wire is kept (a non-pointer struct is always there, as in JSON; a
  pointer one only when set, as in JSON);
- repeated fields and maps appear on the wire only when non-empty, as ``omitempty`` JSON has them.

Checked against ``kubectl create … --dry-run=client -o json`` (the same Go object JSON-encoded) for
16 generators in tests/web/test_k8s_protobuf.py, pointer zeros included (``create job
--from=cronjob`` of a template that sets them). What the wire cannot tell apart: a nil slice or map
from an empty one (Go's JSON writes a non-``omitempty`` nil one as ``null``, an empty one as
``[]``/``{}``; both are left out here, the same value to the apiserver), and a field of a message
whose Go struct is not among the types.go files read (its zero scalars are dropped).
"""

from __future__ import annotations

import base64
import binascii
import gzip
import json
import os
import re
import struct
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

MAGIC = b"k8s\x00"
CONTENT_TYPE = "application/vnd.kubernetes.protobuf"

_META = "k8s.io.apimachinery.pkg.apis.meta.v1."
_TIME, _MICRO, _DURATION, _FIELDS = _META + "Time", _META + "MicroTime", _META + "Duration", _META + "FieldsV1"
_QUANTITY = "k8s.io.apimachinery.pkg.api.resource.Quantity"
_INTSTR = "k8s.io.apimachinery.pkg.util.intstr.IntOrString"
_RAW_EXT = "k8s.io.apimachinery.pkg.runtime.RawExtension"
_UNKNOWN = "k8s.io.apimachinery.pkg.runtime.Unknown"

_SCALARS = {"double", "float", "int32", "int64", "uint32", "uint64", "sint32", "sint64", "fixed32",
            "fixed64", "sfixed32", "sfixed64", "bool", "string", "bytes"}


class ProtobufError(ValueError):
    """A body that is not a Kubernetes protobuf message; the text is the apiserver's base error.
    ``kind``/``version`` are the envelope's, once it was read (the apiserver words an error of the
    object inside as ``<kind> in version "<version>" cannot be handled as a …``)."""

    def __init__(self, message: str, kind: str = "", version: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.version = version


# -- the .proto parser -------------------------------------------------------------------------
@dataclass(frozen=True)
class Field:
    name: str
    number: int
    type: str  # a scalar name or a message's full name (resolved)
    repeated: bool = False
    map_key: str = ""  # a map<k, v> field: type is the value type


@dataclass
class Message:
    full_name: str
    fields: dict[int, Field] = field(default_factory=dict)
    comment: str = ""


@dataclass
class ProtoFile:
    package: str
    imports: list[str]
    messages: list[Message]
    #: unresolved type names per message, resolved by ``Registry``
    refs: dict[str, dict[int, tuple[str, str, bool, str]]] = field(default_factory=dict)


_TOKEN = re.compile(r'//[^\n]*|/\*.*?\*/|"[^"]*"|[A-Za-z0-9_.]+|[{}<>=;,\[\]()]', re.S)


def parse_proto(text: str) -> ProtoFile:
    """The messages of a proto2 ``generated.proto`` (the subset go-to-protobuf writes)."""
    tokens = _TOKEN.findall(text)
    out = ProtoFile("", [], [])
    scope: list[str] = []  # message names, outermost first
    stack: list[Message] = []
    comment: list[str] = []
    i = 0

    def take(n: int = 1) -> list[str]:
        nonlocal i
        got = tokens[i:i + n]
        i += n
        return got

    while i < len(tokens):
        tok = tokens[i]
        if tok.startswith("//") or tok.startswith("/*"):
            comment.append(tok)
            i += 1
            continue
        if tok in ("syntax", "option"):
            while tokens[i] != ";":
                i += 1
            i += 1
        elif tok == "package":
            out.package = tokens[i + 1]
            i += 3
        elif tok == "import":
            out.imports.append(tokens[i + 1].strip('"'))
            i += 3
        elif tok == "message":
            _, name, brace = take(3)
            if brace != "{":
                raise ValueError(f"message {name}: expected {{")
            scope.append(name)
            msg = Message(".".join([out.package, *scope]), comment="\n".join(comment))
            out.messages.append(msg)
            out.refs[msg.full_name] = {}
            stack.append(msg)
        elif tok == "}":
            stack.pop()
            scope.pop()
            i += 1
        elif tok in ("optional", "repeated", "required"):
            label, type_, name, eq, number = take(5)
            if eq != "=":
                raise ValueError(f"field {name}: expected =")
            i = _skip_options(tokens, i)
            stack[-1].fields[int(number)] = Field(name, int(number), "", label == "repeated")
            out.refs[stack[-1].full_name][int(number)] = (type_, name, label == "repeated", "")
        elif tok == "map":
            _, _, key, _, value, _, name, _, number = take(9)
            i = _skip_options(tokens, i)
            stack[-1].fields[int(number)] = Field(name, int(number), "", True, key)
            out.refs[stack[-1].full_name][int(number)] = (value, name, True, key)
        else:
            raise ValueError(f"unexpected {tok!r} in proto file")
        if not tok.startswith("/"):
            comment = []
    return out


def _skip_options(tokens: list[str], i: int) -> int:
    while tokens[i] != ";":  # [packed = true] and the like
        i += 1
    return i + 1


class Registry:
    """Every message of a set of parsed files, their type references resolved as protoc does:
    a leading dot is a full name; else the innermost enclosing scope outwards."""

    def __init__(self, files: list[ProtoFile]) -> None:
        self.messages: dict[str, Message] = {m.full_name: m for f in files for m in f.messages}
        for f in files:
            for full, refs in f.refs.items():
                msg = self.messages[full]
                for number, (type_, name, repeated, key) in refs.items():
                    msg.fields[number] = Field(name, number, self._resolve(type_, full), repeated, key)

    def _resolve(self, type_: str, within: str) -> str:
        if type_ in _SCALARS:
            return type_
        if type_.startswith("."):
            found = type_[1:]
        else:
            parts = within.split(".")
            found = ""
            while parts:
                candidate = ".".join([*parts, type_])
                if candidate in self.messages:
                    found = candidate
                    break
                parts.pop()
        if found not in self.messages:
            raise ValueError(f"unknown type {type_} in {within}")
        return found


def proto_dir() -> Path:
    """``$KUBEPLAY_K8S_PROTO``, else ``shared/k8s-proto`` beside the checkout when it is there
    (where the steering side may keep the files), else this package's ``proto/`` folder."""
    env = os.environ.get("KUBEPLAY_K8S_PROTO")
    if env:
        return Path(env)
    shared = Path(__file__).resolve().parents[3] / "shared" / "k8s-proto"
    return shared if shared.is_dir() else Path(__file__).parent / "proto"


@cache
def registry() -> Registry | None:
    """The schema of every ``generated.proto(.gz)`` under ``proto_dir()``; None when there are none."""
    paths = sorted(proto_dir().rglob("generated.proto*"))
    files = []
    for p in paths:
        data = p.read_bytes()
        files.append(parse_proto((gzip.decompress(data) if p.suffix == ".gz" else data).decode()))
    return Registry(files) if files else None


def available() -> bool:
    return registry() is not None


# -- the wire ----------------------------------------------------------------------------------
def _varint(b: bytes, i: int) -> tuple[int, int]:
    result = shift = 0
    while True:
        if i >= len(b):
            raise ProtobufError("unexpected EOF")
        c = b[i]
        i += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result, i
        shift += 7
        if shift >= 70:
            raise ProtobufError("proto: integer overflow")


def _fields(b: bytes) -> list[tuple[int, int, Any]]:
    """(number, wire type, value) in wire order: ints for varint/fixed, bytes for length-delimited."""
    out = []
    i = 0
    while i < len(b):
        key, i = _varint(b, i)
        number, wire = key >> 3, key & 7
        if number <= 0:
            raise ProtobufError(f"proto: illegal tag {number} (wire type {wire})")
        if wire == 0:
            value, i = _varint(b, i)
        elif wire == 1:
            if i + 8 > len(b):
                raise ProtobufError("unexpected EOF")
            value, i = int.from_bytes(b[i:i + 8], "little"), i + 8
        elif wire == 2:
            n, i = _varint(b, i)
            if i + n > len(b):
                raise ProtobufError("unexpected EOF")
            value, i = b[i:i + n], i + n
        elif wire == 5:
            if i + 4 > len(b):
                raise ProtobufError("unexpected EOF")
            value, i = int.from_bytes(b[i:i + 4], "little"), i + 4
        else:
            raise ProtobufError(f"proto: illegal wireType {wire}")
        out.append((number, wire, value))
    return out


def _signed(v: int, bits: int) -> int:
    v &= (1 << bits) - 1
    return v - (1 << bits) if v >> (bits - 1) else v


def _scalar(type_: str, wire: int, v: Any) -> Any:
    if type_ == "string":
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            raise ProtobufError("proto: invalid UTF-8 in string field") from None
    if type_ == "bytes":
        return base64.b64encode(v).decode()
    if type_ == "bool":
        return v != 0
    if type_ in ("int32", "sfixed32"):
        return _signed(v, 32)
    if type_ in ("int64", "sfixed64"):
        return _signed(v, 64)
    if type_ in ("uint32", "fixed32", "uint64", "fixed64"):
        return v
    if type_ in ("sint32", "sint64"):
        return (v >> 1) ^ -(v & 1)
    if type_ == "double":
        return struct.unpack("<d", v.to_bytes(8, "little"))[0]
    if type_ == "float":
        return struct.unpack("<f", v.to_bytes(4, "little"))[0]
    raise ProtobufError(f"unknown scalar {type_}")


_WIRE = {"double": 1, "fixed64": 1, "sfixed64": 1, "float": 5, "fixed32": 5, "sfixed32": 5,
         "string": 2, "bytes": 2}


def _scalar_values(f: Field, wire: int, v: Any) -> list[Any]:
    """One wire occurrence of a scalar field: a packed run of numbers is several values."""
    want = _WIRE.get(f.type, 0)
    if wire == want:
        return [_scalar(f.type, wire, v)]
    if wire == 2 and f.repeated:  # packed
        out, i = [], 0
        while i < len(v):
            if want == 0:
                n, i = _varint(v, i)
            else:
                size = 8 if want == 1 else 4
                n, i = int.from_bytes(v[i:i + size], "little"), i + size
            out.append(_scalar(f.type, want, n))
        return out
    raise ProtobufError(f"proto: wrong wireType = {wire} for field {f.name}")


def _is_zero(v: Any) -> bool:
    """Go's zero value of a decoded scalar: "", 0 (ints, floats) or false."""
    return v == "" if isinstance(v, str) else not v


@dataclass(frozen=True)
class GoField:
    """What the Go struct field behind a .proto field says about its JSON: its name, ``omitempty``,
    ``inline`` (an embedded struct) and whether it is a pointer."""

    json_name: str
    omitempty: bool
    inline: bool
    pointer: bool


_GO_STRUCT = re.compile(r"^type (\w+) struct \{$")
_GO_FIELD = re.compile(r"^\t(\S+)(?:[ \t]+(\S+))?[ \t]+`([^`]*)`")
_GO_TAG = re.compile(r'(\w+):"([^"]*)"')


def parse_go_types(text: str, package: str) -> dict[str, dict[int, GoField]]:
    """``{message full name: {field number: GoField}}`` from a Go ``types.go``: every struct field
    with a ``protobuf:"<wire>,<number>,…"`` tag (go-to-protobuf names the message after the struct
    and numbers its fields by that tag)."""
    out: dict[str, dict[int, GoField]] = {}
    current: dict[int, GoField] | None = None
    for line in text.splitlines():
        if m := _GO_STRUCT.match(line):
            current = out.setdefault(f"{package}.{m.group(1)}", {})
        elif line == "}":
            current = None
        elif current is not None and (m := _GO_FIELD.match(line)):
            go_type = m.group(2) if m.group(2) else m.group(1)  # an embedded struct has no name
            tags = dict(_GO_TAG.findall(m.group(3)))
            proto = tags.get("protobuf", "").split(",")
            if len(proto) < 2 or not proto[1].isdigit():
                continue
            json_name, _, opts = tags.get("json", "").partition(",")
            current[int(proto[1])] = GoField(json_name, "omitempty" in opts.split(","),
                                             "inline" in opts.split(","), go_type.startswith("*"))
    return out


@cache
def go_fields() -> dict[str, dict[int, GoField]]:
    """The Go fields of every ``types.go(.gz)`` under ``proto_dir()`` (k8s.io/api, meta/v1)."""
    out: dict[str, dict[int, GoField]] = {}
    root = proto_dir()
    for p in sorted(root.rglob("types.go*")):
        data = p.read_bytes()
        package = str(p.parent.relative_to(root)).replace(os.sep, ".")
        out.update(parse_go_types((gzip.decompress(data) if p.suffix == ".gz" else data).decode(), package))
    return out


def _slice_wrapper(msg: Message) -> bool:
    only = msg.fields.get(1)
    return (len(msg.fields) == 1 and only is not None and only.name == "items" and only.repeated
            and "+protobuf.nullable=true" in msg.comment)


def _go_duration(ns: int) -> str:
    """Go's ``time.Duration.String()``."""
    if ns == 0:
        return "0s"
    sign, u = ("-", -ns) if ns < 0 else ("", ns)
    if u < 1_000_000_000:
        for unit, scale in (("ns", 1), ("µs", 1_000), ("ms", 1_000_000)):
            if u < scale * 1000:
                return sign + _frac(u, scale) + unit
    secs = u / 1_000_000_000
    h, rem = divmod(u, 3_600_000_000_000)
    m, s = divmod(rem, 60_000_000_000)
    text = _frac(s, 1_000_000_000) + "s"
    if h or m or secs >= 60:
        text = f"{m}m" + text
    if h:
        text = f"{h}h" + text
    return sign + text


def _frac(v: int, scale: int) -> str:
    whole, part = divmod(v, scale)
    if not part:
        return str(whole)
    digits = str(part).rjust(len(str(scale)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def _time(fields: list[tuple[int, int, Any]], micro: bool) -> str | None:
    if not fields:
        return None
    values = {n: v for n, _, v in fields}
    seconds, nanos = _signed(values.get(1, 0), 64), _signed(values.get(2, 0), 32)
    t = datetime.fromtimestamp(seconds, UTC)
    if micro:
        return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{nanos // 1000:06d}Z"
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def _raw_json(fields: list[tuple[int, int, Any]]) -> Any:
    raw = b"".join(v for n, w, v in fields if n == 1 and w == 2)
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        raise ProtobufError("raw bytes are not JSON") from None


def _message(reg: Registry, full_name: str, data: bytes) -> Any:
    wire_fields = _fields(data)
    if full_name in (_TIME, _MICRO):
        return _time(wire_fields, full_name == _MICRO)
    if full_name in (_RAW_EXT, _FIELDS):
        return _raw_json(wire_fields)
    msg = reg.messages[full_name]
    obj = _decode_fields(reg, msg, wire_fields)
    if full_name == _QUANTITY:
        return obj.get("string", "0") or "0"
    if full_name == _INTSTR:
        return obj.get("strVal", "") if obj.get("type", 0) == 1 else obj.get("intVal", 0)
    if full_name == _DURATION:
        return _go_duration(obj.get("duration", 0))
    if _slice_wrapper(msg):
        return obj.get("items", [])
    return obj


def _decode_fields(reg: Registry, msg: Message, wire_fields: list[tuple[int, int, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    special = msg.full_name in (_QUANTITY, _INTSTR, _DURATION) or _slice_wrapper(msg)
    for number, wire, v in wire_fields:
        f = msg.fields.get(number)
        if f is None:
            continue  # an unknown field: the apiserver's gogo Unmarshal skips it too
        if f.map_key:
            if wire != 2:
                raise ProtobufError(f"proto: wrong wireType = {wire} for field {f.name}")
            entry = {n: (w, val) for n, w, val in _fields(v)}
            key_field = Field("key", 1, f.map_key)
            key = _scalar_values(key_field, *entry[1])[0] if 1 in entry else _scalar(f.map_key, 2, b"")
            if f.type in _SCALARS:
                value = _scalar_values(Field("value", 2, f.type), *entry[2])[0] if 2 in entry else (
                    _scalar(f.type, 2, b"") if f.type in ("string", "bytes") else 0)
            else:
                value = _message(reg, f.type, entry[2][1] if 2 in entry else b"")
            out.setdefault(f.name, {})[key] = value
            continue
        go = None if special else go_fields().get(msg.full_name, {}).get(number)
        name = go.json_name if go is not None else f.name
        if f.type in _SCALARS:
            values = _scalar_values(f, wire, v)
            if f.repeated:
                out.setdefault(name, []).extend(values)
                continue
            value = values[-1]
            if not special and _is_zero(value) and f.type != "bytes" and (
                    go is None or (go.omitempty and not go.pointer)):
                out.pop(name, None)  # a non-pointer zero that Go's JSON omits
                continue
            out[name] = value
            continue
        if wire != 2:
            raise ProtobufError(f"proto: wrong wireType = {wire} for field {f.name}")
        value = _message(reg, f.type, v)
        if f.repeated:
            out.setdefault(name, []).append(value)
        elif go is not None and go.inline and isinstance(value, dict):
            out.update(value)  # an embedded struct: JSON inlines its fields
        else:
            out[name] = value
    return out


def decode(body: bytes, default: tuple[str, str] = ("", "")) -> tuple[str, str, dict[str, Any]]:
    """``(apiVersion, kind, object)`` of a Kubernetes protobuf body; the object has apiVersion and
    kind first, as a Go client's JSON has them. ``default`` is the endpoint's (apiVersion, kind): an
    envelope that names none gets them, as the serializer's ``copyKindDefaults`` gives it the
    handler's. Raises ``ProtobufError`` with the serializer's words."""
    reg = registry()
    if reg is None:
        raise ProtobufError("no protobuf schema is installed")
    if not body:
        raise ProtobufError("empty data")
    if not body.startswith(MAGIC):
        raise ProtobufError("provided data does not appear to be a protobuf message, expected prefix "
                            f"[{' '.join(str(c) for c in MAGIC)}]")
    if len(body) == len(MAGIC):
        raise ProtobufError("empty body")
    envelope = {n: v for n, w, v in _fields(body[len(MAGIC):]) if w == 2}
    type_meta = {n: v.decode("utf-8", "replace") for n, w, v in _fields(envelope.get(1, b"")) if w == 2}
    sent_version, sent_kind = type_meta.get(1, ""), type_meta.get(2, "")
    api_version, kind = sent_version or default[0], sent_kind or default[1]
    if not kind:
        raise ProtobufError(f"Object 'Kind' is missing in '{_go_type_meta(sent_version, sent_kind)}'")
    if not api_version:
        raise ProtobufError(f"Object 'apiVersion' is missing in '{_go_type_meta(sent_version, sent_kind)}'",
                            kind)
    group, _, version = api_version.rpartition("/")
    package = f"k8s.io.api.{group.split('.')[0] if group else 'core'}.{version}"
    # meta/v1's kinds (DeleteOptions, …) are registered in every group-version
    full_name = next((n for n in (f"{package}.{kind}", f"{_META}{kind}") if n in reg.messages), "")
    try:
        if not full_name:
            raise ProtobufError(f'no kind "{kind}" is registered for version "{api_version}" in scheme '
                                '"pkg/api/legacyscheme/scheme.go:30"')
        obj = _message(reg, full_name, envelope.get(2, b""))
    except ProtobufError as e:
        raise ProtobufError(str(e), kind, version) from None
    if not isinstance(obj, dict):
        raise ProtobufError(f"{kind} is not an object", kind, version)
    return api_version, kind, {"apiVersion": api_version, "kind": kind, **obj}


def _go_type_meta(api_version: str, kind: str) -> str:
    return f'runtime.TypeMeta{{APIVersion:"{api_version}", Kind:"{kind}"}}'


def summarize(body: bytes, max_length: int = 30) -> str:
    """The apiserver's ``summarizeData`` of a body it could not decode (handlers/rest.go)."""
    if not body:
        return "<empty>"
    if body[:1] == b"{":
        text = body.decode("utf-8", "replace")
        return text[:max_length] + " ..." if len(body) > max_length else text
    return binascii.hexlify(body[:max_length]).decode() + (" ..." if len(body) > max_length else "")


def to_json_text(body: bytes, default: tuple[str, str] = ("", "")) -> str:
    """The body as the JSON text the same client would have sent (``default`` as for ``decode``)."""
    return json.dumps(decode(body, default)[2], separators=(",", ":"), ensure_ascii=False)
