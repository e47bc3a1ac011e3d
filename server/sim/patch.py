"""PATCH bodies applied the way a v1.32 kube-apiserver applies them.

Owns: the three non-apply patch types of ``PATCH`` requests and the errors the apiserver answers for
them, each a pure function of (stored object, patch) that never mutates its arguments:

- ``application/json-patch+json``: RFC 6902 as ``gopkg.in/evanphx/json-patch.v4`` v4.12.0 applies it
  (its quirks included: ``replace`` of a missing map key adds it, negative array indices count from
  the end, ``"-"`` appends, a path without a leading ``/`` loses its first segment, copies are capped
  at 3 MiB in total, at most 10000 operations);
- ``application/merge-patch+json``: RFC 7386 as the same library's ``MergePatch`` does it (nulls
  delete, objects merge, anything else replaces; nulls are pruned from values that are added);
- ``application/strategic-merge-patch+json``: a port of k8s.io/apimachinery
  ``strategicpatch.StrategicMergeMapPatch`` (``mergeMap`` with ``MergeParallelList`` and
  ``IgnoreUnmatchedNulls``): merge lists keyed by ``patch_merge_key``, primitive merge lists as
  de-duplicated unions, ``$patch: replace|delete`` in maps and list items, ``$retainKeys``,
  ``$deleteFromPrimitiveList/<f>``, ``$setElementOrder/<f>``, and the merged-list order of
  ``normalizeElementOrder`` (Go's ``sort.SliceStable`` is ported too, because the comparator it is
  given is not a strict order and the result depends on the sort's exact steps).

Errors become ``PatchError`` with the code, reason and message of the Status the apiserver returns
(staging/src/k8s.io/apiserver/pkg/endpoints/handlers/patch.go): a JSON patch that does not apply is
422 Invalid with the generic "the server rejected our request due to an error in our request" (the
library's own text is kept in ``PatchError.detail``); a body that does not decode is 400 BadRequest;
strategic-merge-patch errors are 400 (malformed directives), 422 (lists of lists) or, for the rest,
500 with no reason and the library's message, which is what kubectl prints as "Error from server: ...".
Messages that quote values format them as Go's ``%v`` does (``map[name:a]``). The few JSON patches
on which json-patch.v4 dereferences nil (a ``test`` or a whole-document ``replace`` without a
``value``) are ``PatchError.panicked``: the apiserver's panic filter answers those in plain text.

Map iteration in Go is random; where the order of a patch's keys could matter this module takes
them in the order the patch lists them (kubectl sends them sorted, as Go's encoder writes them).
The one visible case: an item both added by "<f>" and removed by "$deleteFromPrimitiveList/<f>" in
one patch stays or goes depending on that order (in Go, at random; kubectl never sends it).
Key order in results: a field keeps its place, new fields follow in patch order (the apiserver
re-encodes the typed object in struct field order, which is for the printer to mirror).
Lists are merged with index maps, so the work is linear in the list sizes (plus the sorts).

Hands off: decoding the result into the typed object (which drops unknown fields, including SMP
directives left in subtrees that were added whole), defaulting, validation and storage belong to the
caller (``server.sim.api`` through the REST layer); server-side apply (``apply-patch+yaml``) is not
a patch of this module. ``Schema`` comes from ``server.sim.openapi``; ``None`` means "no patch
metadata": maps merge and lists are replaced.
"""

from __future__ import annotations

import heapq
import json
import re
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .golang import json_kind as _json_kind
from .golang import quote as _go_quote
from .store import deep_copy

if TYPE_CHECKING:
    from .openapi import Schema

__all__ = ["PatchError", "apply_patch", "json_patch", "merge_patch", "merge_patch_between", "strategic_merge_patch",
           "JSON_PATCH", "MERGE_PATCH", "STRATEGIC_MERGE_PATCH", "APPLY_PATCH", "PATCH_TYPES"]

JSON_PATCH = "application/json-patch+json"
MERGE_PATCH = "application/merge-patch+json"
STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
APPLY_PATCH = "application/apply-patch+yaml"
#: the Content-Types a built-in resource's PATCH accepts, in the order the apiserver lists them
PATCH_TYPES = (JSON_PATCH, MERGE_PATCH, STRATEGIC_MERGE_PATCH, APPLY_PATCH)

MAX_JSON_PATCH_OPERATIONS = 10000  # handlers/patch.go maxJSONPatchOperations
JSON_PATCH_MAX_COPY_BYTES = 3 * 1024 * 1024  # genericapiserver Config.JSONPatchMaxCopyBytes

_INF = float("inf")
_REJECTED = "the server rejected our request due to an error in our request"


class PatchError(Exception):
    """A patch the apiserver refuses: ``code``/``reason``/``message`` are its Status's fields.

    ``reason`` is "" where the apiserver sends none (StatusReasonUnknown: errors that are not a
    Status, answered as 500). ``detail`` keeps the underlying library error where the Status
    message hides it (json-patch failures)."""

    def __init__(self, code: int, reason: str, message: str, detail: str = "", *, panicked: bool = False) -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason
        self.message = message
        self.detail = detail or message
        #: the library panics on this patch: the apiserver's panic filter answers a text/plain 500
        #: with ``message`` as its body, not a Status
        self.panicked = panicked

    def __repr__(self) -> str:
        return f"PatchError({self.code}, {self.reason!r}, {self.message!r})"


def _bad_request(message: str) -> PatchError:
    return PatchError(400, "BadRequest", message)


# --------------------------------------------------------------------------------------------------
# Go formatting and JSON decoding, as the messages quote them

def _go_float(f: float) -> str:
    """What Go's %v prints for a float64: strconv.FormatFloat(f, 'g', -1, 64)."""
    if f != f:
        return "NaN"
    if f in (_INF, -_INF):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "0"
    sign = "-" if f < 0 else ""
    t = Decimal(repr(abs(f))).as_tuple()
    digits = "".join(map(str, t.digits))
    dp = len(digits) + int(t.exponent)
    digits = digits.lstrip("0")
    digits = digits.rstrip("0") or "0"
    exp = dp - 1
    if exp < -4 or exp >= 6:  # shortest formatting decides with precision 6
        tail = "." + digits[1:] if len(digits) > 1 else ""
        return f"{sign}{digits[0]}{tail}e{'-' if exp < 0 else '+'}{abs(exp):02d}"
    if dp <= 0:
        return f"{sign}0.{'0' * -dp}{digits}"
    if dp >= len(digits):
        return f"{sign}{digits}{'0' * (dp - len(digits))}"
    return f"{sign}{digits[:dp]}.{digits[dp:]}"


def _go_v(v: Any) -> str:
    """Go's %v of a decoded JSON value (maps print with sorted keys)."""
    if v is None:
        return "<nil>"
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return _go_float(v)
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_v(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(_go_v(x) for x in v) + "]"
    return str(v)


def _go_s(v: Any) -> str:
    """Go's %s of an interface{} (non-strings print as %!s(type=value))."""
    if isinstance(v, str):
        return v
    if v is None:
        return "%!s(<nil>)"
    if isinstance(v, dict):
        return "map[" + " ".join(f"{k}:{_go_s(v[k])}" for k in sorted(v)) + "]"
    if isinstance(v, list):
        return "[" + " ".join(_go_s(x) for x in v) + "]"
    return f"%!s({_go_type(v)}={_go_v(v)})"


def _go_type(v: Any) -> str:
    """reflect.TypeOf(v).String() for a value decoded by k8s.io/apimachinery/pkg/util/json."""
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list):
        return "[]interface {}"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, str):
        return "string"
    return "%!s(<nil>)"  # %s of a nil reflect.Type




def _go_json(v: Any) -> str:
    """json.Marshal: compact, map keys sorted, <, > and & escaped as Go escapes them for HTML."""
    text = json.dumps(v, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _go_char(ch: str) -> str:
    """encoding/json's quoteChar."""
    if ch == "'":
        return "'\\''"
    if ch == '"':
        return "'\"'"
    return "'" + _go_quote(ch)[1:-1] + "'"


class _SyntaxError(ValueError):
    pass


_PY_TO_GO_CONTEXT = {
    "Expecting value": "looking for beginning of value",
    "Expecting property name enclosed in double quotes": "looking for beginning of object key string",
    "Expecting ':' delimiter": "after object key",
    "Expecting ',' delimiter": "after object key:value pair",  # or "after array element"
    "Extra data": "after top-level value",
    "Invalid control character at": "in string literal",
    "Invalid \\escape": "in string escape code",
}


def _reject_constant(name: str) -> Any:
    raise _SyntaxError(f"invalid character {_go_char(name[0])} looking for beginning of value")


def _decode_json(data: bytes, *, preserve_ints: bool = False) -> Any:
    """json.Unmarshal into interface{}; syntax errors carry encoding/json's wording (its scanner's
    context is rebuilt from Python's error, which covers the common cases, not every one).

    ``preserve_ints`` mirrors sigs.k8s.io/json's UnmarshalCaseSensitivePreserveInts: integers that
    do not fit an int64 become float64."""
    text = data.decode("utf-8", errors="replace")
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except _SyntaxError:
        raise
    except json.JSONDecodeError as e:
        if e.pos >= len(text.rstrip()) or e.msg.startswith("Unterminated string"):
            raise _SyntaxError("unexpected end of JSON input") from None
        context = next((go for py, go in _PY_TO_GO_CONTEXT.items() if e.msg.startswith(py)),
                       "looking for beginning of value")
        if e.msg.startswith("Expecting ',' delimiter") and _open_container(text, e.pos) == "[":
            context = "after array element"
        raise _SyntaxError(f"invalid character {_go_char(text[e.pos])} {context}") from None
    except RecursionError:
        raise _SyntaxError("exceeded max depth") from None
    if preserve_ints:
        value = _ints_to_int64(value)
    return value


def _open_container(text: str, pos: int) -> str:
    """The innermost "{" or "[" still open at ``pos`` (strings skipped)."""
    stack: list[str] = []
    in_string = escaped = False
    for ch in text[:pos]:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            stack.append(ch)
        elif ch in "}]" and stack:
            stack.pop()
    return stack[-1] if stack else ""


def _ints_to_int64(v: Any) -> Any:
    if isinstance(v, dict):
        return {k: _ints_to_int64(x) for k, x in v.items()}
    if isinstance(v, list):
        return [_ints_to_int64(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and not -(2**63) <= v < 2**63:
        return float(v)
    return v


def _hkey(v: Any) -> Any:
    """A hashable key under which two values are equal exactly when Go's == on interface{} says so
    (an int64 1 is not a float64 1, true is not 1)."""
    if isinstance(v, (dict, list)):
        return ("json", json.dumps(v, sort_keys=True))
    return (type(v), v)


def _same(a: Any, b: Any) -> bool:
    return type(a) is type(b) and a == b


def _not_an_object(result: Any) -> PatchError:
    """What the apiserver answers when a patch turns the object into a JSON array: decoding the
    result fails before any field is looked at (handlers/patch.go, jsonPatcher)."""
    return PatchError(422, "Invalid",
                      ' "" is invalid: patch: Invalid value: ' + _go_quote(_go_json(result))
                      + ": couldn't get version/kind; json parse error: json: cannot unmarshal array into Go "
                      'value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; '
                      'Kind string "json:\\"kind,omitempty\\"" }')


# --------------------------------------------------------------------------------------------------
# RFC 6902 JSON Patch, as gopkg.in/evanphx/json-patch.v4 v4.12.0 applies it

class _OpError(Exception):
    """An error of the json-patch library (its text; the apiserver answers 422 for all of them)."""


class _NilDeref(Exception):
    """Where json-patch.v4 dereferences the nil value of an operation that has no "value"."""


_PANIC_BODY = "This request caused apiserver to panic. Look in the logs for details."  # WithPanicRecovery


_ATOI = re.compile(r"[+-]?[0-9]+", re.ASCII)
_RFC6901 = re.compile("~1|~0")


def _decode_key(k: str) -> str:
    return _RFC6901.sub(lambda m: "/" if m.group() == "~1" else "~", k)


def _atoi(key: str) -> int:
    """strconv.Atoi on a 64-bit platform."""
    if not _ATOI.fullmatch(key):
        raise _OpError(f"strconv.Atoi: parsing {_go_quote(key)}: invalid syntax")
    n = int(key)
    if not -(2**63) <= n < 2**63:
        raise _OpError(f"strconv.Atoi: parsing {_go_quote(key)}: value out of range")
    return n


def _invalid_index(idx: int) -> _OpError:
    return _OpError(f"Unable to access invalid index: {idx}: invalid index referenced")


def _c_get(con: dict | list, key: str) -> Any:
    if isinstance(con, dict):
        return con.get(key)  # a missing key reads as nil, without error
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _invalid_index(idx)
        idx += len(con)
    if idx >= len(con):
        raise _invalid_index(idx)
    return con[idx]


def _c_set(con: dict | list, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    idx = _atoi(key)
    if idx < 0:
        if idx < -len(con):
            raise _invalid_index(idx)
        idx += len(con)
    con[idx] = val  # only reached after _c_get checked the index (replace)


def _c_add(con: dict | list, key: str, val: Any) -> None:
    if isinstance(con, dict):
        con[key] = val
        return
    if key == "-":
        con.append(val)
        return
    try:
        idx = _atoi(key)
    except _OpError as e:
        raise _OpError(f"value was not a proper array index: '{key}': {e}") from None
    size = len(con) + 1
    if idx >= size:
        raise _invalid_index(idx)
    if idx < 0:
        if idx < -size:
            raise _invalid_index(idx)
        idx += size
    con.insert(idx, val)


def _c_remove(con: dict | list, key: str) -> None:
    if isinstance(con, dict):
        if key not in con:
            raise _OpError(f"Unable to remove nonexistent key: {key}: missing value")
        del con[key]
        return
    idx = _atoi(key)
    if idx >= len(con):
        raise _invalid_index(idx)
    if idx < 0:
        if idx < -len(con):
            raise _invalid_index(idx)
        idx += len(con)
    del con[idx]


def _find_object(root: dict | list, path: str) -> tuple[dict | list, str] | None:
    """findObject: the container holding the last segment, or None. The first segment is dropped
    unread (so "a/b" addresses "/b"), and a null, a scalar or a bad index on the way is "missing"."""
    split = path.split("/")
    if len(split) < 2:
        return None
    doc: Any = root
    for part in split[1:-1]:
        try:
            nxt = _c_get(doc, _decode_key(part))
        except _OpError:
            return None
        if not isinstance(nxt, (dict, list)):
            return None
        doc = nxt
    return doc, _decode_key(split[-1])


def _op_str(op: dict, field: str) -> str | None:
    """Operation.Path()/From(): the string, None when absent or null; a non-string is an error."""
    v = op.get(field)
    if v is None:
        return None
    if not isinstance(v, str):
        raise _OpError(f"json: cannot unmarshal {_json_kind(v)} into Go value of type string")
    return v


def _path_or(op: dict, field: str, fail: str, *, keep_cause: bool) -> str:
    try:
        v = _op_str(op, field)
    except _OpError as e:
        raise _OpError(f"{fail}: {e}" if keep_cause else f"{fail}: missing value") from None
    if v is None:
        missing = "operation missing path field" if field == "path" else "operation, missing from field"
        raise _OpError(f"{fail}: {missing}: missing value" if keep_cause else f"{fail}: missing value")
    return v


def _json_equal(a: Any, b: Any) -> bool:
    """lazyNode.equal: objects and arrays structurally, scalars by their JSON text."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b, strict=True))
    return _same(a, b)


def _copy_size(v: Any) -> int:
    """The bytes deepCopy re-marshals (a nil node copies as nothing)."""
    return 0 if v is None else len(_go_json(v).encode())


def _apply_op(root: Any, op: dict, copied: list[int]) -> Any:
    """One operation on ``root`` (mutated in place); returns the new root (replace of "")."""
    kind = op.get("op")
    kind = kind if isinstance(kind, str) else "unknown"
    value = op.get("value")
    if kind == "add":
        path = _path_or(op, "path", "add operation failed to decode path", keep_cause=False)
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f'add operation does not apply: doc is missing path: "{path}": missing value')
        try:
            _c_add(found[0], found[1], deep_copy(value))
        except _OpError as e:
            raise _OpError(f"error in add for path: '{path}': {e}") from None
        return root
    if kind == "remove":
        path = _path_or(op, "path", "remove operation failed to decode path", keep_cause=False)
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f'remove operation does not apply: doc is missing path: "{path}": missing value')
        try:
            _c_remove(*found)
        except _OpError as e:
            raise _OpError(f"error in remove for path: '{path}': {e}") from None
        return root
    if kind == "replace":
        path = _path_or(op, "path", "replace operation failed to decode path", keep_cause=True)
        if path == "":
            if "value" not in op:
                raise _NilDeref
            # a value that is neither object nor array is silently ignored (errors.Wrapf(nil, ...))
            return deep_copy(value) if isinstance(value, (dict, list)) else root
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f"replace operation does not apply: doc is missing path: {path}: missing value")
        try:
            _c_get(*found)
        except _OpError:
            raise _OpError(f"replace operation does not apply: doc is missing key: {path}: missing value") from None
        _c_set(found[0], found[1], deep_copy(value))
        return root
    if kind == "move":
        frm = _path_or(op, "from", "move operation failed to decode from", keep_cause=True)
        found = _find_object(root, frm)
        if found is None:
            raise _OpError(f"move operation does not apply: doc is missing from path: {frm}: missing value")
        con, key = found
        try:
            val = _c_get(con, key)
            _c_remove(con, key)
        except _OpError as e:
            raise _OpError(f"error in move for path: '{key}': {e}") from None
        path = _path_or(op, "path", "move operation failed to decode path", keep_cause=True)
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f"move operation does not apply: doc is missing destination path: {path}: missing value")
        try:
            _c_add(found[0], found[1], val)
        except _OpError as e:
            raise _OpError(f"error in move for path: '{path}': {e}") from None
        return root
    if kind == "test":
        path = _path_or(op, "path", "test operation failed to decode path", keep_cause=True)
        if path == "":
            if "value" not in op:
                raise _NilDeref
            if _json_equal(root, value):
                return root
            raise _OpError("testing value  failed: test failed")
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f"test operation does not apply: is missing path: {path}: missing value")
        try:
            val = _c_get(*found)
        except _OpError as e:
            raise _OpError(f"error in test for path: '{path}': {e}") from None
        if val is None:
            if "value" not in op:
                raise _NilDeref
            if value is None:  # null matches a missing or null member
                return root
        elif "value" in op and _json_equal(val, value):
            return root
        raise _OpError(f"testing value {path} failed: test failed")
    if kind == "copy":
        frm = _path_or(op, "from", "copy operation failed to decode from", keep_cause=True)
        found = _find_object(root, frm)
        if found is None:
            raise _OpError(f"copy operation does not apply: doc is missing from path: {frm}: missing value")
        try:
            val = _c_get(*found)
        except _OpError as e:
            raise _OpError(f"error in copy for from: '{frm}': {e}") from None
        path = _path_or(op, "path", "copy operation failed to decode path", keep_cause=False)
        found = _find_object(root, path)
        if found is None:
            raise _OpError(f"copy operation does not apply: doc is missing destination path: {path}: missing value")
        copied[0] += _copy_size(val)
        if copied[0] > JSON_PATCH_MAX_COPY_BYTES:
            raise _OpError("Unable to complete the copy, the accumulated size increase of copy is "
                           f"{copied[0]}, exceeding the limit {JSON_PATCH_MAX_COPY_BYTES}")
        try:
            _c_add(found[0], found[1], deep_copy(val))
        except _OpError as e:
            raise _OpError(f"error while adding value during copy: {e}") from None
        return root
    raise _OpError(f"Unexpected kind: {kind}")


def json_patch(doc: dict, patch: list | object) -> dict:
    """Apply a decoded RFC 6902 patch (the body of an ``application/json-patch+json`` PATCH).

    A body that is not an array of objects is 400 with encoding/json's message; more than 10000
    operations is 413; an operation that does not apply is 422 with the apiserver's generic message
    (the library's text in ``detail``, e.g. ``add operation does not apply: doc is missing path:
    "/spec/foo": missing value``)."""
    if patch is None:
        ops: list = []  # JSON null decodes to an empty Patch
    elif not isinstance(patch, list):
        raise _bad_request(f"json: cannot unmarshal {_json_kind(patch)} into Go value of type jsonpatch.Patch")
    else:
        ops = patch
    for op in ops:
        if op is not None and not isinstance(op, dict):
            raise _bad_request(f"json: cannot unmarshal {_json_kind(op)} into Go value of type jsonpatch.Operation")
    if len(ops) > MAX_JSON_PATCH_OPERATIONS:
        raise PatchError(413, "RequestEntityTooLarge",
                         "Request entity too large: The allowed maximum operations in a JSON patch is "
                         f"{MAX_JSON_PATCH_OPERATIONS}, got {len(ops)}")
    root: Any = deep_copy(doc)
    copied = [0]
    for op in ops:
        try:
            root = _apply_op(root, op or {}, copied)
        except _OpError as e:
            raise PatchError(422, "Invalid", _REJECTED, str(e)) from None
        except _NilDeref:
            raise PatchError(500, "", _PANIC_BODY, "runtime error: invalid memory address or nil pointer "
                             "dereference", panicked=True) from None
    if not isinstance(root, dict):
        raise _not_an_object(root)
    return root


# --------------------------------------------------------------------------------------------------
# RFC 7386 JSON Merge Patch, as json-patch.v4's MergePatch applies it

def _prune_nulls(v: Any) -> Any:
    """pruneNulls: drop null members of objects, at any depth (null array items stay)."""
    if isinstance(v, dict):
        return {k: _prune_nulls(x) for k, x in v.items() if x is not None}
    if isinstance(v, list):
        return [_prune_nulls(x) for x in v]
    return v


def _merge_value(cur: Any, patch: Any) -> Any:
    if not isinstance(cur, dict):
        return _prune_nulls(patch)
    if not isinstance(patch, dict):
        return deep_copy(patch)  # an object replaced by a non-object keeps the patch as sent
    _merge_docs(cur, patch)
    return cur


def _merge_docs(doc: dict, patch: dict) -> None:
    for k, v in patch.items():
        if v is None:
            doc.pop(k, None)
        elif doc.get(k) is None:
            doc[k] = _prune_nulls(v)
        else:
            doc[k] = _merge_value(doc[k], v)


def merge_patch(doc: dict, patch: object) -> dict:
    """Apply a decoded JSON merge patch (``application/merge-patch+json``).

    A patch that is not an object is refused as "Invalid JSON Patch" (400), except an array, which
    the library returns as the whole new document, and which the apiserver then fails to decode as
    an object (422)."""
    if isinstance(patch, list):
        raise _not_an_object(_prune_nulls(patch))
    if not isinstance(patch, dict):
        raise _bad_request("Invalid JSON Patch")
    result = deep_copy(doc)
    _merge_docs(result, patch)
    return result


# --------------------------------------------------------------------------------------------------
# Strategic merge patch: k8s.io/apimachinery/pkg/util/strategicpatch (v0.32), server side

_DIRECTIVE = "$patch"
_DELETE, _REPLACE, _MERGE = "delete", "replace", "merge"
_RETAIN_KEYS = "$retainKeys"
_DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList"
_SET_ELEMENT_ORDER = "$setElementOrder"


class _SMPError(Exception):
    """An error of the strategicpatch package, with the Status the apiserver makes of it
    (interpretStrategicMergePatchError; anything else is not a Status: 500, no reason)."""

    def __init__(self, message: str, code: int = 500, reason: str = "") -> None:
        super().__init__(message)
        self.code = code
        self.reason = reason


# mergepatch's sentinel errors
def _err_no_list_of_lists() -> _SMPError:
    return _SMPError("lists of lists are not supported", 422, "Invalid")


def _err_primitive_list_format() -> _SMPError:
    return _SMPError("invalid patch format of primitive list", 400, "BadRequest")


def _err_retain_keys_format() -> _SMPError:
    return _SMPError("invalid patch format of retainKeys", 400, "BadRequest")


def _err_set_element_order_format() -> _SMPError:
    return _SMPError("invalid patch format of setElementOrder list", 400, "BadRequest")


def _err_no_merge_key(m: dict, key: str) -> _SMPError:
    return _SMPError(f"map: {_go_v(m)} does not contain declared merge key: {key}")


def _err_bad_arg_type(expected: str, actual: Any) -> _SMPError:
    return _SMPError(f"expected a {expected}, but received a {_go_type(actual)}")


def _err_bad_patch_type(t: Any, m: dict) -> _SMPError:
    return _SMPError(f"unknown patch type: {_go_s(t)} in map: {_go_v(m)}")


_MAP_T, _SLICE_T = "map[string]interface {}", "[]interface {}"


def _struct_meta(schema: Schema | None, key: str) -> tuple[Schema | None, list[str], str]:
    """LookupPatchMetadataForStruct: the field's schema, its patch strategies and merge key."""
    sub = schema.field(key) if schema is not None else None
    if sub is None:
        return None, [], ""
    return sub, (sub.patch_strategy.split(",") if sub.patch_strategy else []), sub.patch_merge_key or ""


def _slice_meta(schema: Schema | None, key: str) -> tuple[Schema | None, list[str], str]:
    """LookupPatchMetadataForSlice: the item schema, the field's patch strategies and merge key."""
    sub, strategies, merge_key = _struct_meta(schema, key)
    return (sub.items if sub is not None else None), strategies, merge_key


def _strategy(strategies: list[str]) -> str:
    """extractRetainKeysPatchStrategy's second result: the strategy besides retainKeys."""
    if not strategies:
        return ""
    if len(strategies) == 1:
        return "" if strategies[0] == "retainKeys" else strategies[0]
    if len(strategies) == 2 and "retainKeys" in strategies:
        return strategies[1] if strategies[0] == "retainKeys" else strategies[0]
    raise _SMPError(f"unexpected patch strategy: [{' '.join(strategies)}]")


def _schema_name(schema: Schema | None) -> str:
    """PatchMetaFromStruct.Name() of a list's element type: the items of Kubernetes' merge lists
    are structs."""
    return "struct"


def _element_kind(*slices: list | None) -> str:
    """sliceElementType: the one Go type of every element of the slices ("map", "slice", or a
    scalar type); lists of lists and mixed lists are errors."""
    prev: str | None = None
    for s in slices:
        for v in s or ():
            cur = _go_type(v)
            if prev is None:
                prev = cur
                if cur == _SLICE_T:
                    raise _err_no_list_of_lists()
            elif prev != cur:
                shown = "[" + " ".join(_go_v(x) if x is not None else "[]" for x in slices) + "]"
                raise _SMPError(f"list element types are not identical: {shown}")
    if prev is None:
        raise _SMPError("no elements in any of the given slices")
    return "map" if prev == _MAP_T else prev


def _remove_directives(obj: Any) -> tuple[Any, bool]:
    """removeDirectives: drop every map holding "$patch" (and the map itself if it holds one)."""
    if isinstance(obj, dict):
        if _DIRECTIVE in obj:
            return None, False
        out = {}
        for k, v in obj.items():
            nv, keep = _remove_directives(v)
            if keep:
                out[k] = nv
        return out, True
    if isinstance(obj, list):
        res = []
        for v in obj:
            nv, keep = _remove_directives(v)
            if keep:
                res.append(nv)
        return res, True
    return obj, True


def _discard_nulls(v: Any) -> None:
    """discardNullValuesFromPatch (in place)."""
    if isinstance(v, dict):
        for k in [k for k, x in v.items() if x is None]:
            del v[k]
        for x in v.values():
            _discard_nulls(x)
    elif isinstance(v, list):
        for x in v:
            _discard_nulls(x)


def _extract_key(s: str, prefix: str) -> str:
    head, sep, rest = s.partition("/")
    if not sep or head != prefix:
        raise _err_primitive_list_format() if prefix == _DELETE_FROM_PRIMITIVE_LIST \
            else _err_set_element_order_format()
    return rest


def _handle_directive_in_map(directive: Any, patch: dict) -> dict:
    if isinstance(directive, str) and directive == _REPLACE:
        del patch[_DIRECTIVE]
        return patch
    if isinstance(directive, str) and directive == _DELETE:
        return {}
    raise _err_bad_patch_type(directive, patch)


def _apply_retain_keys(original: dict, patch: dict) -> None:
    """applyRetainKeysDirective (MergeParallelList): clear the fields of ``original`` that the
    directive does not list; every field the patch sets must be listed."""
    if _RETAIN_KEYS not in patch:
        return
    retain = patch.pop(_RETAIN_KEYS)
    if not isinstance(retain, list):
        raise _err_retain_keys_format()
    keep = {_hkey(v) for v in retain}
    for k, v in patch.items():
        if v is None or k.startswith(_DELETE_FROM_PRIMITIVE_LIST) or k.startswith(_SET_ELEMENT_ORDER):
            continue
        if _hkey(k) not in keep:
            raise _err_retain_keys_format()
    for k in [k for k in original if _hkey(k) not in keep]:
        del original[k]


def _merge_map(original: dict | None, patch: dict, schema: Schema | None) -> dict:
    """mergeMap with MergeParallelList and IgnoreUnmatchedNulls (StrategicMergeMapPatch).
    Mutates both arguments, as the Go code does; callers hand it copies."""
    if _DIRECTIVE in patch:
        return _handle_directive_in_map(patch[_DIRECTIVE], patch)
    if original is None:
        original = {}
    _apply_retain_keys(original, patch)
    _merge_set_element_order(original, patch, schema)
    for k, patch_v in list(patch.items()):
        is_delete_list = False
        if k.startswith(_DELETE_FROM_PRIMITIVE_LIST):
            k = _extract_key(k, _DELETE_FROM_PRIMITIVE_LIST)
            is_delete_list = True
        if patch_v is None:
            original.pop(k, None)
            continue
        if k not in original or _go_type(original[k]) != _go_type(patch_v):
            if not is_delete_list:
                _discard_nulls(patch_v)
                v, keep = _remove_directives(patch_v)
                if keep:
                    original[k] = v
                else:
                    original.pop(k, None)
            continue
        cur = original[k]
        if isinstance(cur, dict):
            sub, strategies, _ = _struct_meta(schema, k)
            if _strategy(strategies) != _REPLACE:
                original[k] = _merge_map(cur, patch_v, sub)
            else:
                original[k] = patch_v
        elif isinstance(cur, list):
            sub, strategies, merge_key = _slice_meta(schema, k)
            original[k] = _merge_slice_handler(cur, patch_v, sub, _strategy(strategies), merge_key,
                                               is_delete_list)[0]
        else:
            v, keep = _remove_directives(patch_v)
            if keep:
                original[k] = v
            else:
                original.pop(k, None)
    return original


def _merge_slice_handler(original: list, patch: list, schema: Schema | None, strategy: str,
                         merge_key: str, is_delete_list: bool) -> tuple[list, list]:
    """mergeSliceHandler; also returns what the caller's ``original`` slice holds afterwards (see
    ``_merge_slice``)."""
    if strategy == _MERGE or is_delete_list:
        return _merge_slice(original, patch, schema, merge_key, is_delete_list)
    return patch, original


def _merge_slice(original: list, patch: list, schema: Schema | None, merge_key: str,
                 is_delete_list: bool) -> tuple[list, list]:
    """mergeSlice. The second result is the caller's view of ``original`` afterwards: Go deletes
    list items by shifting the survivors down in the same backing array and then appends new items
    into the freed slots, so a caller still holding the old slice (mergePatchIntoOriginal, which
    orders by it) sees the survivors followed by the first appended items. (For primitive lists Go
    can also alias through spare slice capacity, which depends on how the object was decoded: this
    port assumes none.)"""
    if not original and not patch:
        return original, original
    kind = _element_kind(original, patch)
    if kind != "map":
        if is_delete_list:
            gone = {_hkey(v) for v in patch}
            return [v for v in original if _hkey(v) not in gone], original
        merged = _dedupe_scalars(original + patch)
        view = original
        server_order = original
    else:
        if merge_key == "":
            raise _SMPError(f"cannot merge lists without merge key for {_schema_name(schema)}")
        survivors, plain, replaced = _merge_special_elements(original, patch, merge_key)
        server_order = plain if replaced else survivors
        merged = _merge_plain_elements(server_order, [] if replaced else plain, merge_key, schema)
        patch = [] if replaced else plain
        view = survivors if replaced else merged[:len(original)]
    if merge_key == "":
        patch_items, server_only = _partition_primitives(merged, patch)
    else:
        patch_items, server_only = _partition_maps(merged, patch, merge_key)
    return _normalize_element_order(patch_items, server_only, patch, server_order, merge_key, kind), view


def _merge_special_elements(original: list, patch: list, merge_key: str) -> tuple[list, list, bool]:
    """mergeSliceWithSpecialElements: apply the "$patch" items of a merge list (delete by key,
    replace the whole list). Returns the original items left, the patch without "$patch" items,
    and whether the list is replaced by those."""
    plain = []
    replace = False
    for v in patch:
        if _DIRECTIVE not in v:
            plain.append(v)
            continue
        directive = v[_DIRECTIVE]
        if isinstance(directive, str) and directive == _DELETE:
            if merge_key not in v:
                raise _err_no_merge_key(v, merge_key)
            gone = _hkey(v[merge_key])
            original = [o for o in original if not (merge_key in o and _hkey(o[merge_key]) == gone)]
        elif isinstance(directive, str) and directive == _REPLACE:
            replace = True  # keep going: the other "$patch" items are still dropped
        elif isinstance(directive, str) and directive == _MERGE:
            raise _SMPError("merging lists cannot yet be specified in the patch")
        else:
            raise _err_bad_patch_type(directive, v)
    return original, plain, replace


def _merge_plain_elements(original: list, patch: list, merge_key: str, schema: Schema | None) -> list:
    """mergeSliceWithoutSpecialElements: merge each patch item into the first original item with
    its merge key value, or append it."""
    merged = list(original)
    where: dict[Any, int] = {}
    for i, o in enumerate(merged):
        if merge_key in o:
            where.setdefault(_hkey(o[merge_key]), i)
    for v in patch:
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        key = _hkey(v[merge_key])
        i = where.get(key)
        if i is None:
            where[key] = len(merged)
            merged.append(v)
            continue
        item = _merge_map(merged[i], v, schema)
        merged[i] = item
        if not isinstance(item, dict) or merge_key not in item or _hkey(item[merge_key]) != key:
            # the merge dropped or changed the key ($retainKeys): look the next ones up afresh
            where = {}
            for j, o in enumerate(merged):
                if isinstance(o, dict) and merge_key in o:
                    where.setdefault(_hkey(o[merge_key]), j)
    return merged


def _partition_primitives(items: list, by: list | None) -> tuple[list, list]:
    present = {_hkey(v) for v in by or ()}
    inside, outside = [], []
    for v in items:
        (inside if _hkey(v) in present else outside).append(v)
    return inside, outside


def _partition_maps(items: list, by: list | None, merge_key: str) -> tuple[list, list]:
    """partitionMapsByPresentInList, with findMapInSliceBasedOnKeyValue's error for a non-map
    item in ``by`` that the scan would reach."""
    by = by or []
    first: dict[Any, int] = {}
    first_non_map = None
    for i, v in enumerate(by):
        if not isinstance(v, dict):
            if first_non_map is None:
                first_non_map = i
        elif merge_key in v:
            first.setdefault(_hkey(v[merge_key]), i)
    inside, outside = [], []
    for v in items:
        if not isinstance(v, dict):
            raise _err_bad_arg_type(_MAP_T, v)
        if merge_key not in v:
            raise _err_no_merge_key(v, merge_key)
        at = first.get(_hkey(v[merge_key]))
        if first_non_map is not None and (at is None or first_non_map < at):
            raise _SMPError(f"value for key {first_non_map} is not a map")
        (inside if at is not None else outside).append(v)
    return inside, outside


def _dedupe_scalars(s: list) -> list:
    """deduplicateScalars: Go's in-place de-duplication, which fills each duplicate's slot with the
    current last element (so the order it leaves is part of the result). Same steps, found with a
    heap of positions per value instead of rescanning."""
    s = list(s)
    positions: dict[Any, list[int]] = {}
    for i, v in enumerate(s):
        positions.setdefault(_hkey(v), []).append(i)  # ascending: already a heap
    last = len(s) - 1
    i = 0
    while i < last:
        key = _hkey(s[i])
        heap = positions[key]
        while True:
            while heap and (heap[0] <= i or heap[0] > last or _hkey(s[heap[0]]) != key):
                heapq.heappop(heap)
            if not heap:
                break
            p = heapq.heappop(heap)
            moved = s[last]
            s[p] = moved
            s.pop()
            if p != last:
                heapq.heappush(positions[_hkey(moved)], p)
            last -= 1
        i += 1
    return s


def _validate_with_set_order(patch_list: Any, set_order: Any, merge_key: str) -> None:
    """validatePatchWithSetOrderList: the patch list must be a subsequence of $setElementOrder
    (deletions and other "$patch" items aside)."""
    if not isinstance(set_order, list) or not isinstance(patch_list, list):
        raise _err_set_element_order_format()
    if not set_order or not patch_list:
        return
    items = patch_list
    if merge_key:
        for v in patch_list:
            if not isinstance(v, dict):
                raise _err_bad_arg_type(_MAP_T, v)
        items = [v for v in patch_list if not (_DIRECTIVE in v and _same(v[_DIRECTIVE], _DELETE))]
    pi = si = 0
    while pi < len(items) and si < len(set_order):
        if isinstance(items[pi], dict) and _DIRECTIVE in items[pi]:
            pi += 1
            continue
        if _merge_key_equal(items[pi], set_order[si], merge_key):
            pi += 1
        si += 1
    if pi < len(items) and si >= len(set_order):
        raise _SMPError(f"The order in patch list:\n{_go_v(patch_list)}\n doesn't match "
                        f"{_SET_ELEMENT_ORDER} list:\n{_go_v(set_order)}\n")


def _merge_key_equal(left: Any, right: Any, merge_key: str) -> bool:
    if not merge_key:
        return _same(left, right)
    if not isinstance(left, dict):
        raise _err_bad_arg_type(_MAP_T, left)
    if not isinstance(right, dict):
        raise _err_bad_arg_type(_MAP_T, right)
    if merge_key not in left:
        raise _err_no_merge_key(left, merge_key)
    if merge_key not in right:
        raise _err_no_merge_key(right, merge_key)
    return _same(left[merge_key], right[merge_key])


def _merge_set_element_order(original: dict, patch: dict, schema: Schema | None) -> None:
    """mergePatchIntoOriginal: each "$setElementOrder/<f>" merges <f> now and orders the result:
    $setElementOrder first, then the order in the patch, then the live order."""
    for key in list(patch):
        if key not in patch or not key.startswith(_SET_ELEMENT_ORDER):
            continue
        set_order = patch.pop(key)
        if not isinstance(set_order, list):
            raise _err_bad_arg_type(_SLICE_T, set_order)
        field = _extract_key(key, _SET_ELEMENT_ORDER)
        found_original, found_patch = field in original, field in patch
        original_list = original.get(field)
        patch_list = patch.get(field)
        if found_original and not isinstance(original_list, list):
            raise _err_bad_arg_type(_SLICE_T, original_list)
        if found_patch and not isinstance(patch_list, list):
            raise _err_bad_arg_type(_SLICE_T, patch_list)
        sub, strategies, merge_key = _slice_meta(schema, field)
        strategy = _strategy(strategies)
        _validate_with_set_order(patch_list if found_patch else [], set_order, merge_key)
        if found_original and not found_patch:
            merged = original_list
        elif found_patch and not found_original:
            merged = _remove_directives(patch_list)[0]
        elif found_original and found_patch:
            merged, original_list = _merge_slice_handler(original_list, patch_list, sub, strategy,
                                                         merge_key, False)
        else:
            continue
        if merge_key == "":
            patch_items, server_only = _partition_primitives(merged, set_order)
        else:
            patch_items, server_only = _partition_maps(merged, set_order, merge_key)
        kind = _element_kind(original_list if found_original else None, patch_list if found_patch else None)
        original[field] = _normalize_element_order(patch_items, server_only, set_order,
                                                   original_list if found_original else None, merge_key, kind)
        patch.pop(field, None)


class _Order:
    """index(): an item's position in an order list (by merge key for maps), -1 when absent."""

    def __init__(self, order: list | None, merge_key: str, kind: str) -> None:
        self.merge_key, self.kind = merge_key, kind
        self.pos: dict[Any, int] = {}
        for i, v in enumerate(order or ()):
            self.pos.setdefault(self._val(v), i)

    def _val(self, item: Any) -> Any:
        if self.kind == "map":
            return _hkey(item.get(self.merge_key) if isinstance(item, dict) else None)
        return _hkey(item)

    def index(self, item: Any) -> int:
        return self.pos.get(self._val(item), -1)


def _normalize_element_order(patch: list, server_only: list, patch_order: list | None,
                             server_order: list | None, merge_key: str, kind: str) -> list:
    """normalizeElementOrder: sort the patch items by the patch order and the server-only items by
    the live order, then interleave them (mergeSortedSlice)."""
    patch = _normalize_slice_order(patch, patch_order, merge_key, kind)
    server_only = _normalize_slice_order(server_only, server_order, merge_key, kind)
    order = _Order(server_order, merge_key, kind)
    out = []
    i = j = 0
    left, right = server_only, patch
    while i < len(left) or j < len(right):
        if i >= len(left):
            out.append(right[j])
            j += 1
        elif j >= len(right):
            out.append(left[i])
            i += 1
        else:
            li, ri = order.index(left[i]), order.index(right[j])
            if li >= 0 and ri >= 0 and li < ri:
                out.append(left[i])
                i += 1
            else:
                out.append(right[j])
                j += 1
    return out


def _normalize_slice_order(to_sort: list, order: list | None, merge_key: str, kind: str) -> list:
    """normalizeSliceOrder: sort.SliceStable by position in ``order`` (its comparator says "less"
    whenever either item is absent from the order), "$patch: delete" items last."""
    to_delete: list = []
    if kind == "map":
        for lst in (to_sort, order or []):
            for item in lst:
                if not isinstance(item, dict):
                    raise _err_bad_arg_type(_MAP_T, item)
                if merge_key not in item:
                    raise _err_no_merge_key(item, merge_key)
        kept = []
        for v in to_sort:
            (to_delete if _DIRECTIVE in v and _same(v[_DIRECTIVE], _DELETE) else kept).append(v)
        to_sort = kept
    else:
        to_sort = list(to_sort)
    idx = _Order(order, merge_key, kind)
    pos = [idx.index(v) for v in to_sort]
    data = list(range(len(to_sort)))  # sort positions, comparing the items they stand for

    def less(a: int, b: int) -> bool:
        pa, pb = pos[data[a]], pos[data[b]]
        return pa < pb if pa >= 0 and pb >= 0 else True

    _go_stable_sort(data, less)
    return [to_sort[k] for k in data] + to_delete


def _go_stable_sort(data: list, less: Any) -> None:
    """Go's sort.SliceStable step for step (insertion sort of blocks of 20, then SymMerge): the
    comparator above is not a strict weak order, so only the same steps give the same result."""
    n = len(data)

    def swap(i: int, j: int) -> None:
        data[i], data[j] = data[j], data[i]

    def insertion_sort(a: int, b: int) -> None:
        for i in range(a + 1, b):
            j = i
            while j > a and less(j, j - 1):
                swap(j, j - 1)
                j -= 1

    def swap_range(a: int, b: int, count: int) -> None:
        for i in range(count):
            swap(a + i, b + i)

    def rotate(a: int, m: int, b: int) -> None:
        i, j = m - a, b - m
        while i != j:
            if i > j:
                swap_range(m - i, m, j)
                i -= j
            else:
                swap_range(m - i, m + j - i, i)
                j -= i
        swap_range(m - i, m, i)

    def sym_merge(a: int, m: int, b: int) -> None:
        if m - a == 1:
            i, j = m, b
            while i < j:
                h = (i + j) >> 1
                if less(h, a):
                    i = h + 1
                else:
                    j = h
            for k in range(a, i - 1):
                swap(k, k + 1)
            return
        if b - m == 1:
            i, j = a, m
            while i < j:
                h = (i + j) >> 1
                if not less(m, h):
                    i = h + 1
                else:
                    j = h
            for k in range(m, i, -1):
                swap(k, k - 1)
            return
        mid = (a + b) >> 1
        nn = mid + m
        if m > mid:
            start, r = nn - b, mid
        else:
            start, r = a, m
        p = nn - 1
        while start < r:
            c = (start + r) >> 1
            if not less(p - c, c):
                start = c + 1
            else:
                r = c
        end = nn - start
        if start < m < end:
            rotate(start, m, end)
        if a < start < mid:
            sym_merge(a, start, mid)
        if mid < end < b:
            sym_merge(mid, end, b)

    block = 20
    a, b = 0, block
    while b <= n:
        insertion_sort(a, b)
        a, b = b, b + block
    insertion_sort(a, n)
    while block < n:
        a, b = 0, 2 * block
        while b <= n:
            sym_merge(a, a + block, b)
            a, b = b, b + 2 * block
        if a + block < n:
            sym_merge(a, a + block, n)
        block *= 2


def strategic_merge_patch(doc: dict, patch: object, schema: Schema | None) -> dict:
    """Apply a decoded strategic merge patch (``application/strategic-merge-patch+json``) with the
    patch metadata of ``schema`` (the kind's OpenAPI schema; None merges as plain JSON would).

    A JSON null patch changes nothing; a patch that is not an object is 400 as encoding/json words
    it; directive errors carry the apiserver's codes (400 for malformed $retainKeys,
    $setElementOrder and $deleteFromPrimitiveList, 422 for lists of lists, else 500)."""
    if patch is None:
        return deep_copy(doc)
    if not isinstance(patch, dict):
        raise _bad_request(f"json: cannot unmarshal {_json_kind(patch)} into Go value of type "
                           "map[string]interface {}")
    try:
        return _merge_map(deep_copy(doc), deep_copy(patch), schema)
    except _SMPError as e:
        raise PatchError(e.code, e.reason, str(e)) from None


def apply_patch(doc: dict, patch_bytes: bytes, content_type: str, schema: Schema | None) -> dict:
    """Decode a PATCH body and apply it by its Content-Type, as PatchResource does.

    The body must be JSON for all three types (kubectl converts YAML to JSON before it sends);
    "; charset=..." is cut from the Content-Type, which is then compared exactly. An unknown type is
    415. ``application/apply-patch+yaml`` is server-side apply, which is not a patch of this module
    (ValueError)."""
    media = content_type
    if (cut := media.find(";")) > 0:
        media = media[:cut]
    if media == APPLY_PATCH:
        raise ValueError("server-side apply (application/apply-patch+yaml) is not applied by server.sim.patch")
    if media not in PATCH_TYPES:
        raise PatchError(415, "UnsupportedMediaType",
                         "the body of the request was in an unknown format - accepted media types include: "
                         + ", ".join(PATCH_TYPES))
    if media == JSON_PATCH:
        try:
            ops = _decode_json(patch_bytes)
        except _SyntaxError as e:
            raise _bad_request(str(e)) from None
        return json_patch(doc, ops)
    if media == MERGE_PATCH:
        try:
            body = _decode_json(patch_bytes)
        except _SyntaxError:
            raise _bad_request("Invalid JSON Patch") from None
        return merge_patch(doc, body)
    try:
        body = _decode_json(patch_bytes, preserve_ints=True)
    except _SyntaxError as e:
        raise _bad_request(str(e)) from None
    return strategic_merge_patch(doc, body, schema)


def merge_patch_between(old: Any, new: Any) -> Any:
    """json-patch's CreateMergePatch: the RFC 7386 patch that turns ``old`` into ``new``."""
    if not isinstance(old, dict) or not isinstance(new, dict):
        return new
    out: dict = {k: None for k in old if k not in new}
    for k, v in new.items():
        if k not in old:
            out[k] = v
        elif old[k] != v:
            out[k] = merge_patch_between(old[k], v) if isinstance(v, dict) and isinstance(old[k], dict) else v
    return out
