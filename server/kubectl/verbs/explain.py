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

``--output=plaintext-openapiv2`` (kubectl's older renderer over the v2 document) is not ported: it
answers with a plain error instead of different text.

Hands off: the documents themselves to ``server.sim.openapi``; type words to ``sim.resources.lookup``.
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

from ...sim import openapi
from ...sim.resources import lookup
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


def explain_text(word: str, api_version: str = "", recursive: bool = False,
                 output: str = "plaintext") -> tuple[str, str]:
    """(what kubectl writes to stdout, the error it ends with or "") for ``kubectl explain word``,
    checked in kubectl's order: the type, the group-version's document, the output format, the
    kind's schema, the field path."""
    if api_version:
        resource, *path = word.removesuffix(".").split(".")
        r = lookup(resource)
        if r is None:
            return "", f'the server doesn\'t have a resource type "{resource}"'
        parts = api_version.split("/")
        if len(parts) > 2:
            return "", f"error: unexpected GroupVersion string: {api_version}"
        group, version = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
    else:
        word = word.removesuffix(".")
        dots = word.split(".")
        r = lookup(dots[0])
        if r is None:
            return "", f'the server doesn\'t have a resource type "{dots[0]}"'
        path = dots[1:]
        group_resource = f"{r.plural}.{r.group}" if r.group else r.plural  # GroupResource.String()
        if word.startswith(group_resource):
            rest = word[len(group_resource):]
            path = rest[1:].split(".") if rest else []
        group, version = r.group, r.version
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
    if fmt == "plaintext-openapiv2":
        raise KubectlError("error: --output=plaintext-openapiv2 is not supported by kubeplay's kubectl; "
                           "use the default --output=plaintext")
    out, err = explain_text(inv.args[0], inv.flags.get("api-version") or "", bool(inv.flags.get("recursive")), fmt)
    return Result(out + err, 1) if err else Result(out)
