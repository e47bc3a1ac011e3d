"""kubectl explain: the documentation of a resource or one of its fields, from the OpenAPI v3 schemas.

Owns: ``explain TYPE[.FIELD…] [--recursive] [--api-version=G/V] [--output=plaintext]``, printed as
kubectl v1.32 prints it: its Go template ``plaintext.tmpl`` (k8s.io/kubectl pkg/explain/v2/templates)
rendered over the v3 document of the resource's group-version (the vendored documents the API serves,
``server.sim.openapi``), with the template's helpers (``wrap`` is go-wordwrap's ``WrapString``,
``indent``, ``typeGuess``, ``extractEnum``) ported one for one, and kubectl's errors: ``error: field
"x" does not exist`` after the header it has already written, ``the server doesn't have a resource
type "x"``, ``couldn't find resource for "G/V, Resource=R"``, ``GVR (…) not found in OpenAPI schema``.
How the type word and its dots split follows ``SplitAndParseResourceRequestWithMatchingPrefix``
(``deployments.apps.spec`` is the spec of deployments.apps) and, with ``--api-version``,
``SplitAndParseResourceRequest`` (the first word is the resource, every other one a field).

``--output=plaintext-openapiv2`` is kubectl's older renderer (pkg/explain: modelPrinter, the
regular and recursive fields printers, fieldLookup, typeName and the Formatter's ``wrapString``)
over the v2 document, ported the same way. The real kubectl cannot be compared with it against
kubeplay (it asks for /openapi/v2 as protobuf, which the web layer answers 406): it was checked
against the expectations of kubectl's own unit tests for those printers instead.

Hands off: the documents themselves to ``server.sim.openapi``; type words to ``sim.resources.lookup``.
"""

from __future__ import annotations

import json
import re
from functools import cache
from typing import Any

from ...sim import openapi
from ...sim.resources import Resource, lookup
from ..parse import Flag, Invocation, KubectlError, Result, command

Schema = dict[str, Any]


# -- the template's functions (pkg/explain/v2/funcs.go) --------------------------------------------
def _wrap(limit: int, s: str) -> str:
    """github.com/mitchellh/go-wordwrap v1.0.1 ``WrapString``: breaks at white space only; a word
    longer than the limit stays whole; line breaks of the text are kept."""
    out: list[str] = []
    current = 0
    word: list[str] = []
    space: list[str] = []
    for ch in s:
        if ch == "\n":
            if not word:
                if current + len(space) <= limit:
                    out.extend(space)
            else:
                out.extend(space)
                out.extend(word)
                word = []
            space = []
            out.append(ch)
            current = 0
        elif ch.isspace() and ch != "\u00a0":
            if not space or word:
                current += len(space) + len(word)
                out.extend(space)
                out.extend(word)
                space, word = [], []
            space.append(ch)
        else:
            word.append(ch)
            if current + len(space) + len(word) > limit and len(word) < limit:
                out.append("\n")
                current = 0
                space = []
    if not word:
        if current + len(space) <= limit:
            out.extend(space)
    else:
        out.extend(space)
        out.extend(word)
    return "".join(out)


def _indent(amount: int, s: str) -> str:
    pad = " " * amount
    return pad + s.replace("\n", "\n" + pad)


def _additional(schema: Schema) -> Schema | None:
    """``additionalProperties`` when it is a schema (not ``true``/``false``) and not empty."""
    ap = schema.get("additionalProperties")
    return ap if isinstance(ap, dict) and ap else None


class _Render:
    """One rendering over the v3 document of ``api_version``."""

    def __init__(self, api_version: str, recursive: bool) -> None:
        self.api_version = api_version
        self.recursive = recursive

    def resolve(self, ref: Any) -> Schema | None:
        """``resolveRef``: ``#/components/schemas/<name>`` in this document, else None."""
        if not isinstance(ref, str) or not ref.startswith("#/components/schemas/"):
            return None
        return openapi.definition(self.api_version, ref) or None

    # {{define "output"}}
    def output(self, schema: Schema, path: list[str], history: frozenset[str] = frozenset()) -> str:
        ref = schema.get("$ref") or ""
        nxt = history | {ref}
        resolved = self.resolve(ref) or schema
        if not path:
            out = "DESCRIPTION:\n" + _indent(4, _wrap(76, self.description(resolved) or "<empty>")) + "\n"
            docs = self.external_docs(resolved)
            if docs:
                out += "\n" + docs
            fields = self.field_list(resolved, 1)
            if fields:
                out += "FIELDS:\n" + fields
            return out
        if ref and ref in history:
            return ""  # a cycle
        props = resolved.get("properties")
        if props and props.get(path[0]):
            sub = props[path[0]]
            out = ""
            if len(path) == 1:
                out = f"FIELD: {path[0]} <{self.type_guess(sub)}>\n" + self.enum(sub, True, -1) + "\n\n"
            return out + self.output(sub, path[1:])
        if resolved.get("items"):
            return self.output(resolved["items"], path, nxt)
        ap = _additional(resolved)
        if ap is not None:
            return self.output(ap, path, nxt)
        for sub in resolved.get("allOf") or ():
            out = self.output(sub, path, nxt)
            if out:
                return out
        return ""

    # {{define "fieldList"}}
    def field_list(self, schema: Schema, level: int, history: frozenset[str] = frozenset()) -> str:
        ref = schema.get("$ref") or ""
        if ref and ref in history:
            return ""
        nxt = history | {ref}
        resolved = self.resolve(ref) or schema
        parts: list[str] = []
        props = resolved.get("properties") or {}
        for name in sorted(props):  # Go templates range over a map in key order
            parts.append(self.field_detail(name, resolved, level))
            if self.recursive:
                parts.append(self.field_list(props[name], level + 1, nxt))
        for sub in resolved.get("allOf") or ():
            parts.append(self.field_list(sub, level, nxt))
        if resolved.get("items"):
            parts.append(self.field_list(resolved["items"], level, nxt))
        ap = _additional(resolved)
        if ap is not None:
            parts.append(self.field_list(ap, level, nxt))
        return "".join(parts)

    # {{define "fieldDetail"}}
    def field_detail(self, name: str, schema: Schema, level: int) -> str:
        amount = level * 2
        field = schema["properties"][name]
        out = _indent(amount, name) + f"\t<{self.type_guess(field)}>"
        if name in (schema.get("required") or ()):
            out += " -required-"
        out += self.enum(field, False, 4, amount) + "\n"
        if not self.recursive:
            out += _indent(amount + 2, _wrap(78 - amount, field.get("description") or "<no description>")) + "\n"
            docs = field.get("externalDocs")
            if docs:
                out += "\n" + _indent(amount + 2, "EXTERNAL DOCS:") + "\n"
                if docs.get("description"):
                    out += _indent(amount + 4, _wrap(76 - amount, docs["description"])) + "\n"
                if docs.get("url"):
                    out += _indent(amount + 4, "URL: " + docs["url"]) + "\n"
            out += "\n"
        return out

    # {{define "description"}}
    def description(self, schema: Schema) -> str:
        s = self.resolve(schema.get("$ref")) or schema
        out = s["description"] + "\n" if s.get("description") else ""
        for sub in s.get("allOf") or ():
            out += self.description(sub)
        if s.get("items"):
            out += self.description(s["items"])
        ap = _additional(s)
        if ap is not None:
            out += self.description(ap)
        return out

    # {{define "externalDocs"}}
    @staticmethod
    def external_docs(schema: Schema) -> str:
        docs = schema.get("externalDocs")
        if not docs:
            return ""
        out = "EXTERNAL DOCS:\n"
        if docs.get("description"):
            out += _indent(4, _wrap(76, docs["description"])) + "\n"
        if docs.get("url"):
            out += _indent(4, "URL: " + docs["url"]) + "\n"
        return out

    # {{define "typeGuess"}}
    def type_guess(self, schema: Schema) -> str:
        if not schema:
            raise KubectlError("error: expected schema argument to subtemplate 'typeguess'")
        if schema.get("items"):
            return "[]" + self.type_guess(schema["items"])
        ap = _additional(schema)
        if ap is not None:
            return "map[string]" + self.type_guess(ap)
        all_of = schema.get("allOf")
        if all_of and not schema.get("properties") and len(all_of) == 1:
            return self.type_guess(all_of[0])
        ref = schema.get("$ref")
        if ref:
            target = self.resolve(ref)
            if not target or not target.get("type") or target["type"] == "object":
                return ref.split("/")[-1].split(".")[-1] or "Object"
            return target["type"]
        t = schema.get("type")
        return "Object" if t == "object" or not t else t

    # {{define "extractEnum"}}
    @staticmethod
    def enum(schema: Schema, long_view: bool, limit: int, indent_amount: int = 0) -> str:
        values = schema.get("enum")
        if not values:
            return ""
        out = "ENUM:" if long_view else "\n" + " " * indent_amount + "enum: "
        for i, v in enumerate(values):
            if limit > -1 and i >= limit:
                out += ", ...."
                break
            if i > 0 and not long_view:
                out += ", "
            elif long_view:
                out += "\n    "
            out += '""' if v == "" else (v if isinstance(v, str) else json.dumps(v))
        return out


# -- --output=plaintext-openapiv2: kubectl's older renderer (pkg/explain) over the v2 document ------
#: pkg/explain's indentation: fields, descriptions, and each level of --recursive
_FIELD_INDENT, _DESC_INDENT, _RECURSIVE_INDENT = 3, 5, 3
_BULLET = re.compile(r"^(\d+\.?|-|\*)\s", re.ASCII)


class _Proto:
    """A kube-openapi ``proto`` schema as ``ParseSchema`` builds it from a v2 definition: ``Kind``
    (an object with properties), ``Map``, ``Array``, ``Primitive``, ``Arbitrary`` or ``Reference``."""

    __slots__ = ("kind", "description", "fields", "required", "sub", "type", "ref")

    def __init__(self, kind: str, raw: Schema) -> None:
        self.kind = kind
        self.description: str = raw.get("description") or ""
        self.fields: dict[str, Schema] = raw.get("properties") or {}
        self.required: tuple[str, ...] = tuple(raw.get("required") or ())
        self.sub: _Proto | None = None
        self.type: str = ""
        self.ref = ""


class _V2:
    """``explain.PrintModelDescription`` (model_printer.go, fields_printer.go,
    recursive_fields_printer.go, field_lookup.go, typename.go, formatter.go) over swagger.json."""

    def __init__(self, definitions: dict[str, Schema] | None = None, recursive: bool = False) -> None:
        self.definitions = json.loads(openapi.v2_document())["definitions"] if definitions is None else definitions
        self.recursive = recursive
        self.lines: list[str] = []

    def parse(self, raw: Schema) -> _Proto:
        ref = raw.get("$ref")
        if ref:
            p = _Proto("Reference", raw)
            p.ref = ref.rpartition("/")[2]
            return p
        t = raw.get("type")
        if not t:
            return _Proto("Kind" if "properties" in raw else "Arbitrary", raw)
        if t == "object":
            if "properties" in raw:
                return _Proto("Kind", raw)
            p = _Proto("Map", raw)
            extra = raw.get("additionalProperties")
            p.sub = self.parse(extra) if isinstance(extra, dict) else _Proto("Arbitrary", {})
            return p
        if t == "array":
            p = _Proto("Array", raw)
            p.sub = self.parse(raw.get("items") or {})
            return p
        p = _Proto("Primitive", raw)
        p.type = t
        return p

    def deref(self, p: _Proto) -> _Proto:
        return self.parse(self.definitions.get(p.ref, {}))

    def field(self, k: _Proto, name: str) -> _Proto:
        return self.parse(k.fields[name])

    def type_name(self, p: _Proto) -> str:
        if p.kind == "Array":
            return "[]" + self.type_name(p.sub)  # type: ignore[arg-type]
        if p.kind == "Map":
            return "map[string]" + self.type_name(p.sub)  # type: ignore[arg-type]
        if p.kind == "Kind":
            return "Object"
        if p.kind == "Primitive":
            return p.type
        if p.kind == "Reference":
            return self.type_name(self.deref(p))
        return ""  # typeName has no VisitArbitrary

    def lookup(self, p: _Proto, path: list[str]) -> _Proto:
        """fieldLookup: the schema at ``path``; a primitive ends the walk whatever path is left."""
        while True:
            if p.kind == "Primitive" or p.kind == "Arbitrary":
                return p
            if not path:
                return p
            if p.kind in ("Array", "Map"):
                p = p.sub  # type: ignore[assignment]
            elif p.kind == "Reference":
                p = self.deref(p)
            else:
                if path[0] not in p.fields:
                    raise KubectlError(f'error: field "{path[0]}" does not exist')
                p, path = self.field(p, path[0]), path[1:]

    # Formatter
    def write(self, indent: int, s: str) -> None:
        self.lines.append(" " * indent + s + "\n" if s else "\n")

    def write_wrapped(self, indent: int, text: str) -> None:
        for line in _wrap_lines(text, 80 - indent):
            self.write(indent, line)

    # modelPrinter
    def model(self, name: str, p: _Proto, gvk: tuple[str, str]) -> str:
        descriptions: list[str] = []
        type_ = ""
        while p.kind in ("Array", "Map", "Reference"):
            descriptions.append(p.description)
            if p.kind == "Reference":
                p = self.deref(p)
                continue
            type_ = type_ or self.type_name(p)
            p = p.sub  # type: ignore[assignment]
        self.write(0, f"KIND:     {gvk[1]}")
        self.write(0, f"VERSION:  {gvk[0]}\n")
        if p.kind == "Kind":
            if name:
                self.write(0, f"RESOURCE: {name} <{type_ or 'Object'}>\n")
            self.description(descriptions, p)
            self.write(0, "\nFIELDS:")
            if self.recursive:
                self.recursive_fields(p, _FIELD_INDENT, set())
            else:
                self.fields(p)
        elif p.kind == "Primitive":
            self.write(0, f"FIELD:    {name} <{type_ or p.type}>\n")
            self.description(descriptions, p)
        else:
            self.description(descriptions, p)
        return "".join(self.lines)

    def description(self, descriptions: list[str], p: _Proto) -> None:
        self.write(0, "DESCRIPTION:")
        empty = True
        for i, desc in enumerate([*descriptions, p.description]):
            if not desc:
                continue
            empty = False
            if i != 0:
                self.write(0, "")
            self.write_wrapped(_DESC_INDENT, desc)
        if empty:
            self.write_wrapped(_DESC_INDENT, "<empty>")

    def fields(self, p: _Proto) -> None:
        """regularFieldsPrinter: every field of the kind the schema leads to."""
        while p.kind in ("Array", "Map", "Reference"):
            p = self.deref(p) if p.kind == "Reference" else p.sub  # type: ignore[assignment]
        if p.kind != "Kind":
            return
        for key in sorted(p.fields):
            v = self.field(p, key)
            required = " -required-" if key in p.required else ""
            self.write(_FIELD_INDENT, f"{key}\t<{self.type_name(v)}>{required}")
            self.write_wrapped(_FIELD_INDENT + 2, v.description)
            self.write(_FIELD_INDENT, "")

    def recursive_fields(self, p: _Proto, indent: int, visited: set[str]) -> None:
        """recursiveFieldsPrinter: names and types, pre-order; a reference already being printed
        above is not entered again."""
        while p.kind in ("Array", "Map", "Reference"):
            if p.kind == "Reference":
                if p.ref in visited:
                    return
                visited.add(p.ref)
                try:
                    return self.recursive_fields(self.deref(p), indent, visited)
                finally:
                    visited.discard(p.ref)
            p = p.sub  # type: ignore[assignment]
        if p.kind != "Kind":
            return
        for key in sorted(p.fields):
            v = self.field(p, key)
            self.write(indent, f"{key}\t<{self.type_name(v)}>")
            self.recursive_fields(v, indent + _RECURSIVE_INDENT, visited)



def _wrap_lines(text: str, wrap: int) -> list[str]:
    """pkg/explain formatter.go ``wrapString``: words joined up to ``wrap`` bytes a line; code
    blocks (4 spaces), blank lines after the first line, lines after a ``:`` and list items kept."""
    wrapped: list[str] = []
    words: list[str] = []
    last = ""

    def flush() -> None:
        nonlocal words, last
        if words:
            last = ""
            wrapped.append(" ".join(words))
            words = []

    for line in text.split("\n"):
        if line.startswith("    "):
            flush()
            wrapped.append(line)
            continue
        if wrapped and not line.strip():
            flush()
            wrapped.append("")
            continue
        if last.endswith(":") or not line.strip() or _BULLET.match(line.strip()):
            flush()
        for word in line.split():
            last = word
            if words and len(" ".join([*words, word]).encode()) > wrap:
                flush()
            words.append(word)
    flush()
    return wrapped


def explain_v2(word: str, api_version: str = "", recursive: bool = False) -> str:
    """``kubectl explain --output=plaintext-openapiv2``: ``renderOpenAPIV2`` — the kind from the
    REST mapping, ``--api-version`` replacing its group-version, the definition listing that
    group-version-kind in swagger.json; KubectlError for kubectl's errors."""
    r, path = _resource_and_path(word, api_version)
    group, version = (r.group, r.version)
    if api_version:
        group, version = _group_version(api_version)
    v2 = _V2(recursive=recursive)
    gvk_name = ""
    for name, schema in v2.definitions.items():
        if any(g.get("group") == group and g.get("version") == version and g.get("kind") == r.kind
               for g in schema.get("x-kubernetes-group-version-kind") or ()):
            gvk_name = name
            break
    if not gvk_name:
        raise KubectlError(f'error: couldn\'t find resource for "{group}/{version}, Kind={r.kind}"')
    schema = v2.lookup(v2.parse(v2.definitions[gvk_name]), path)
    return v2.model(path[-1] if path else "", schema, (f"{group}/{version}" if group else version, r.kind))


# -- the command ------------------------------------------------------------------------------------
@cache
def _path_gvks(path: str) -> dict[str, dict[str, str]]:
    """Every path of a v3 document → the x-kubernetes-group-version-kind of its first operation
    that has one (get, post, put, patch, delete), as the template looks them up."""
    doc = json.loads(openapi.v3_document(path) or b"{}")
    out: dict[str, dict[str, str]] = {}
    for url, item in (doc.get("paths") or {}).items():
        for method in ("get", "post", "put", "patch", "delete"):
            gvk = (item.get(method) or {}).get("x-kubernetes-group-version-kind")
            if gvk:
                out[url] = gvk
                break
    return out


def _resource_and_path(word: str, api_version: str) -> tuple[Resource, list[str]]:
    """``SplitAndParseResourceRequestWithMatchingPrefix`` (``deployments.apps.spec`` is the spec of
    deployments.apps), or with ``--api-version`` ``SplitAndParseResourceRequest`` (the first word
    is the resource, every other one a field)."""
    word = word.removesuffix(".")
    dots = word.split(".")
    r = lookup(dots[0])
    if r is None:
        raise KubectlError(f'the server doesn\'t have a resource type "{dots[0]}"')
    path = dots[1:]
    group_resource = f"{r.plural}.{r.group}" if r.group else r.plural  # GroupResource.String()
    if not api_version and word.startswith(group_resource):
        rest = word[len(group_resource):]
        path = rest[1:].split(".") if rest else []
    return r, path


def _group_version(api_version: str) -> tuple[str, str]:
    """``schema.ParseGroupVersion``."""
    parts = api_version.split("/")
    if len(parts) > 2:
        raise KubectlError(f"error: unexpected GroupVersion string: {api_version}")
    return (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])


def explain_text(word: str, api_version: str = "", recursive: bool = False,
                 output: str = "plaintext") -> tuple[str, str]:
    """(what kubectl writes to stdout, the error it ends with or "") for ``kubectl explain word``,
    checked in kubectl's order: the type, the group-version's document, the output format, the
    kind's schema, the field path."""
    try:
        r, path = _resource_and_path(word, api_version)
        group, version = _group_version(api_version) if api_version else (r.group, r.version)
    except KubectlError as e:
        return "", e.message
    gv = f"{group}/{version}" if group else version
    gvr = f"{group}/{version}, Resource={r.plural}"
    doc_path = openapi.v3_path_for(gv)
    if openapi.v3_document(doc_path) is None:
        return "", f'error: couldn\'t find resource for "{gvr}"'
    if output != "plaintext":
        return "", f"error: unrecognized format: {output}"
    prefix = f"/apis/{group}" if group else "/api"
    gvks = _path_gvks(doc_path)
    gvk = None
    for url in (f"{prefix}/{version}/{r.plural}", f"{prefix}/{version}/{r.plural}/{{name}}",
                f"{prefix}/{version}/namespaces/{{namespace}}/{r.plural}",
                f"{prefix}/{version}/namespaces/{{namespace}}/{r.plural}/{{name}}"):
        gvk = gvks.get(url)
        if gvk:
            break
    if not gvk:
        return "", f"error: GVR ({gvr}) not found in OpenAPI schema"
    head = (f"GROUP:      {gvk['group']}\n" if gvk["group"] else "") + \
        f"KIND:       {gvk['kind']}\nVERSION:    {gvk['version']}\n\n"
    # the first schema (by name) whose x-kubernetes-group-version-kind lists the kind
    name = openapi.definition_name(f"{gvk['group']}/{gvk['version']}" if gvk["group"] else gvk["version"],
                                   gvk["kind"])
    schema = None if name is None else openapi.definition(gv, name)
    if schema is None:
        return head, f"error: GVK {_go_map(gvk)} not found in OpenAPI schema"
    body = _Render(gv, recursive).output(schema, path)
    if not body:
        return head, f'error: field "{path[-1]}" does not exist'
    return head + body + "\n", ""


def _go_map(gvk: dict[str, str]) -> str:
    """``%v`` of a map[string]any: ``map[group:apps kind:Deployment version:v1]``."""
    return "map[" + " ".join(f"{k}:{gvk[k]}" for k in sorted(gvk)) + "]"


@command("explain", flags=[Flag("recursive"), Flag("api-version", kind="str"), Flag("output", "o", "str")])
def explain(inv: Invocation) -> Result:
    if not inv.args:
        raise KubectlError('error: You must specify the type of resource to explain. Use "kubectl api-resources" '
                           "for a complete list of supported resources.\n")
    if len(inv.args) > 1:
        raise KubectlError("error: We accept only this format: explain RESOURCE\n")
    fmt = inv.flags.get("output") or "plaintext"
    word, api_version, recursive = inv.args[0], inv.flags.get("api-version") or "", bool(inv.flags.get("recursive"))
    if fmt == "plaintext-openapiv2":
        return Result(explain_v2(word, api_version, recursive))
    out, err = explain_text(word, api_version, recursive, fmt)
    return Result(out + err, 1) if err else Result(out)
