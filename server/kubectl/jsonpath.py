"""JSONPath templates as client-go v1.32 evaluates them (``k8s.io/client-go/util/jsonpath``).

Owns: the template grammar of ``parser.go`` (text outside ``{}``; inside: ``.field``, ``['key']``,
``[i]``, ``[start:end:step]`` with negative indexes, ``[*]``, ``..`` recursive descent, unions
``[a,b]``, filters ``[?(@.x=="y")]`` with ``== != < > <= >=`` and bare existence, ``'quoted'`` /
``"quoted"`` text with Go escapes, numbers, ``true``/``false``, ``range``/``end``), the
evaluation of ``jsonpath.go`` (one result set per node; ``range`` re-runs the nodes after it for
each value, with the same bookkeeping, so a printer reused across objects behaves as kubectl's),
its output rules (a set's values joined by one space, maps and lists as compact JSON, strings as
is, ``null`` for nil; ``EnableJSONOutput`` for ``jsonpath-as-json``) and every error text
(``unclosed action``, ``unrecognized identifier x``, ``x is not found`` unless missing keys are
allowed, ``array index out of bounds: index 5, length 2`` ...).

Values are the unstructured JSON a Kubernetes object decodes to: dict, list, str, int (Go's
int64), float (float64), bool, None. Go ranges over maps in random order (``*``, ``..``); here a
map's values come in key order, one of the orders kubectl may print.

Also holds the Go ``fmt`` renderings the printers need for such values: ``go_sprint`` (``%v``,
custom-columns cells), ``go_gosyntax`` (``%#v``, kubectl's "object given to jsonpath engine was"),
``go_json`` (``json.Marshal``/``MarshalIndent``).

Pure functions and small classes; imports nothing from the rest of kubeplay.
"""

from __future__ import annotations

import json
import math
import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from ..sim.golang import quote as _go_string_literal

__all__ = ["JSONPath", "JSONPathError", "go_gosyntax", "go_json", "go_sprint", "parse", "relaxed"]


class JSONPathError(ValueError):
    """A parse or execution error; ``str()`` is client-go's message."""


# -- nodes (node.go) ----------------------------------------------------------------------------

@dataclass
class ListNode:
    nodes: list[Any] = field(default_factory=list)


@dataclass
class TextNode:
    text: str


@dataclass
class FieldNode:
    value: str


@dataclass
class IdentifierNode:
    name: str


@dataclass
class Param:
    value: int = 0
    known: bool = False
    derived: bool = False


@dataclass
class ArrayNode:
    params: tuple[Param, Param, Param]


@dataclass
class FilterNode:
    left: ListNode
    right: ListNode
    operator: str


class GoInt(int):
    """A template's integer literal: Go's ``int`` (the object's integers are ``int64``)."""


@dataclass
class IntNode:
    value: int


@dataclass
class FloatNode:
    value: float


@dataclass
class BoolNode:
    value: bool


@dataclass
class WildcardNode:
    pass


@dataclass
class RecursiveNode:
    pass


@dataclass
class UnionNode:
    nodes: list[ListNode]


# -- parser (parser.go) ------------------------------------------------------------------------

_DICT_KEY = re.compile(r"^'([^']*)'$")
_SLICE = re.compile(r"^(-?\d*)(:-?\d*)?(:-?\d*)?$")
_FILTER = re.compile(r"^([^!<>=]+)([!<>=]+)(.+?)$", re.S)
_EOF = ""


def _is_terminator(r: str) -> bool:
    return r in (" ", "\t", "\r", "\n", _EOF, ".", ",", "[", "]", "$", "@", "{", "}")


def _is_alnum(r: str) -> bool:
    return r == "_" or (r != _EOF and (r.isalpha() or unicodedata.category(r) == "Nd"))


def _go_quote_rune(r: str) -> str:
    """``%#U``: ``U+002A '*'`` (the character only when printable)."""
    code = f"U+{ord(r):04X}"
    return f"{code} '{r}'" if r.isprintable() else code


class _Parser:
    def __init__(self, text: str):
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.root = ListNode()

    def parse(self) -> ListNode:
        self._parse_text(self.root)
        return self.root

    # lexing ----------------------------------------------------------------------------------
    def _consume(self) -> str:
        value = self.input[self.start:self.pos]
        self.start = self.pos
        return value

    def _next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return _EOF
        r = self.input[self.pos]
        self.width = 1
        self.pos += 1
        return r

    def _peek(self) -> str:
        r = self._next()
        self._backup()
        return r

    def _backup(self) -> None:
        self.pos -= self.width

    # grammar ---------------------------------------------------------------------------------
    def _parse_text(self, cur: ListNode) -> None:
        # iterative (the Go code recurses text -> action -> text); same nodes, no recursion limit
        while True:
            at = self.input.find("{", self.pos)
            if at < 0:
                self.pos = len(self.input)
                if self.pos > self.start:
                    cur.nodes.append(TextNode(self._consume()))
                return
            self.pos = at
            if self.pos > self.start:
                cur.nodes.append(TextNode(self._consume()))
            self.pos += 1
            self._consume()
            node = ListNode()
            cur.nodes.append(node)
            if not self._parse_inside_action(node):
                return  # reached the end of the input inside the action (a sub-parse)
            cur = self.root

    def _parse_inside_action(self, cur: ListNode) -> bool:
        """Parse one action's nodes into ``cur``; True when its ``}`` was consumed."""
        while True:
            rest = self.input[self.pos:]
            if rest.startswith("}"):
                self.pos += 1
                self._consume()
                return True
            if rest.startswith("[?("):
                self._parse_filter(cur)
                continue
            if rest.startswith(".."):
                self._parse_recursive(cur)
                continue
            r = self._next()
            if r == _EOF or r in "\r\n":
                raise JSONPathError("unclosed action")
            if r == " ":
                self._consume()
            elif r in "@$":
                self._consume()
            elif r == "[":
                self._parse_array(cur)
            elif r in "\"'":
                self._parse_quote(cur, r)
            elif r == ".":
                self._parse_field(cur)
            elif r in "+-" or unicodedata.category(r) == "Nd":
                self._backup()
                self._parse_number(cur)
            elif _is_alnum(r):
                self._backup()
                self._parse_identifier(cur)
            else:
                raise JSONPathError(f"unrecognized character in action: {_go_quote_rune(r)}")

    def _parse_identifier(self, cur: ListNode) -> None:
        while True:
            r = self._next()
            if _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        cur.nodes.append(BoolNode(value == "true") if value in ("true", "false") else IdentifierNode(value))

    def _parse_recursive(self, cur: ListNode) -> None:
        if cur.nodes and isinstance(cur.nodes[-1], RecursiveNode):
            raise JSONPathError("invalid multiple recursive descent")
        self.pos += 2
        self._consume()
        cur.nodes.append(RecursiveNode())
        if _is_alnum(self._peek()):
            self._parse_field(cur)

    def _parse_number(self, cur: ListNode) -> None:
        if self._peek() in ("+", "-"):
            self._next()
        while True:
            r = self._next()
            if r != "." and (r == _EOF or unicodedata.category(r) != "Nd"):
                self._backup()
                break
        value = self._consume()
        if re.fullmatch(r"[+-]?[0-9]+", value):
            cur.nodes.append(IntNode(GoInt(int(value))))
            return
        if re.fullmatch(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)", value):
            cur.nodes.append(FloatNode(float(value)))
            return
        raise JSONPathError(f"cannot parse number {value}")

    def _parse_array(self, cur: ListNode) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated array")
            if r == "]":
                break
        text = self._consume()[1:-1]
        if text == "*":
            text = ":"
        parts = text.split(",")
        if len(parts) > 1:
            cur.nodes.append(UnionNode([_parse_action(f"[{p.strip(' ')}]") for p in parts]))
            return
        m = _DICT_KEY.match(text)
        if m:
            cur.nodes.extend(_parse_action(f".{m.group(1)}").nodes)
            return
        m = _SLICE.match(text)
        if not m:
            raise JSONPathError(f"invalid array index {text}")
        groups = [g or "" for g in m.groups()]
        params = [Param(), Param(), Param()]
        for i in range(3):
            value = groups[i]
            if value:
                if i > 0:
                    value = value[1:]
                if i > 0 and value == "":
                    params[i].known = False
                else:
                    params[i].known = True
                    if not re.fullmatch(r"[+-]?[0-9]+", value):
                        raise JSONPathError(f"array index {value} is not a number")
                    params[i].value = int(value)
            elif i == 1:
                params[i] = Param(params[0].value + 1, True, True)
        cur.nodes.append(ArrayNode((params[0], params[1], params[2])))

    def _parse_filter(self, cur: ListNode) -> None:
        self.pos += 3
        self._consume()
        begin = end = False
        pair = ""
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated filter")
            if r in "\"'":
                if not begin:
                    begin, pair = True, r
                    continue
                if self.input[self.pos - 2] != "\\" and r == pair:
                    end = True
            elif r == ")" and begin == end:
                break
        if self._next() != "]":
            raise JSONPathError("unclosed array expect ]")
        text = self._consume()[:-2]
        m = _FILTER.match(text)
        if m is None:
            cur.nodes.append(FilterNode(_parse_action(text), ListNode(), "exists"))
        else:
            cur.nodes.append(FilterNode(_parse_action(m.group(1)), _parse_action(m.group(3)), m.group(2)))

    def _parse_quote(self, cur: ListNode, end: str) -> None:
        while True:
            r = self._next()
            if r == _EOF or r == "\n":
                raise JSONPathError("unterminated quoted string")
            if r == end and self.input[self.pos - 2] != "\\":
                break
        value = self._consume()
        try:
            text = unquote_extend(value)
        except ValueError as e:
            raise JSONPathError(f"unquote string {value} error {e}") from e
        cur.nodes.append(TextNode(text))

    def _parse_field(self, cur: ListNode) -> None:
        self._consume()
        while True:
            r = self._next()
            if r == "\\":
                self._next()
            elif _is_terminator(r):
                self._backup()
                break
        value = self._consume()
        cur.nodes.append(WildcardNode() if value == "*" else FieldNode(value.replace("\\", "")))


def _parse_action(text: str) -> ListNode:
    """``parseAction``: ``text`` as the inside of one ``{}``."""
    root = _Parser("{" + text + "}").parse()
    return root.nodes[0]


def parse(text: str) -> ListNode:
    """The template's node tree (``Parse``); raises ``JSONPathError``."""
    return _Parser(text).parse()


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}


def unquote_extend(s: str) -> str:
    """``UnquoteExtend``: ``strconv.Unquote`` that also takes single quotes (errors: ``invalid syntax``)."""
    if len(s) < 2 or s[0] != s[-1] or s[0] not in "\"'":
        raise ValueError("invalid syntax")
    quote, body = s[0], s[1:-1]
    if "\\" not in body and quote not in body:
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        c = body[i]
        if c == quote:
            raise ValueError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= len(body):
            raise ValueError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[e])
        elif e in "'\"":
            if e != quote:
                raise ValueError("invalid syntax")
            out.append(e)
        elif e in "xuU":
            n = {"x": 2, "u": 4, "U": 8}[e]
            digits = body[i:i + n]
            if len(digits) < n or not re.fullmatch(r"[0-9A-Fa-f]+", digits):
                raise ValueError("invalid syntax")
            value = int(digits, 16)
            i += n
            if e == "x":
                out.append(bytes([value]).decode("latin-1") if value < 0x80 else chr(value))
            else:
                if value > 0x10FFFF or 0xD800 <= value < 0xE000:
                    raise ValueError("invalid syntax")
                out.append(chr(value))
        elif e in "01234567":
            digits = body[i - 1:i + 2]
            if len(digits) < 3 or not re.fullmatch(r"[0-7]{3}", digits) or int(digits, 8) > 255:
                raise ValueError("invalid syntax")
            out.append(chr(int(digits, 8)))
            i += 2
        else:
            raise ValueError("invalid syntax")
    return "".join(out)


# -- Go renderings of unstructured values -------------------------------------------------------

def _float_parts(f: float) -> tuple[str, str, int]:
    """Sign, shortest round-trip digits and decimal exponent of a finite non-zero float."""
    d = Decimal(repr(f)).normalize()
    sign, digits, exp = d.as_tuple()
    text = "".join(map(str, digits))
    return ("-" if sign else ""), text, len(text) + int(exp) - 1


def _exp_form(sign: str, digits: str, exponent: int) -> str:
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    return f"{sign}{mantissa}e{'-' if exponent < 0 else '+'}{abs(exponent):02d}"


def go_float(f: float) -> str:
    """``fmt.Sprint(float64)`` (``%v``): shortest digits, exponent form below 1e-4 or from 1e21."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    if f == 0:
        return "-0" if math.copysign(1, f) < 0 else "0"
    sign, digits, exponent = _float_parts(f)
    if exponent < -4 or exponent >= 21:
        return _exp_form(sign, digits, exponent)
    return format(Decimal(repr(f)).normalize(), "f")


def _go_json_float(f: float) -> str:
    """``encoding/json``'s float64: ``%f`` form unless the exponent is < -6 or >= 21 (``1e-7``)."""
    if f == 0 or math.isnan(f) or math.isinf(f):
        return go_float(f)
    if 1e-6 <= abs(f) < 1e21:
        return format(Decimal(repr(f)).normalize(), "f")
    text = _exp_form(*_float_parts(f))
    return re.sub(r"e-0(\d)$", r"e-\1", text)


def go_json(value: Any, indent: str | None = None) -> str:
    """``json.Marshal`` (``indent`` None) or ``json.MarshalIndent(v, "", indent)``: keys sorted,
    ``<``, ``>``, ``&`` escaped as Go's encoder does."""
    def encode(v: Any, level: int) -> str:
        if isinstance(v, dict):
            if not v:
                return "{}"
            items = [json.dumps(str(k), ensure_ascii=False) + (": " if indent is not None else ":")
                     + encode(v[k], level + 1) for k in sorted(v)]
            return _join("{", "}", items, level)
        if isinstance(v, list | tuple):
            if not v:
                return "[]"
            return _join("[", "]", [encode(x, level + 1) for x in v], level)
        if isinstance(v, bool):
            return "true" if v else "false"
        if v is None:
            return "null"
        if isinstance(v, float):
            return _go_json_float(v)
        if isinstance(v, int):
            return str(v)
        return json.dumps(str(v), ensure_ascii=False).replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")

    def _join(open_: str, close: str, items: list[str], level: int) -> str:
        if indent is None:
            return open_ + ",".join(items) + close
        pad, inner = "\n" + indent * level, "\n" + indent * (level + 1)
        return open_ + inner + ("," + inner).join(items) + pad + close

    return encode(value, 0).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def go_sprint(value: Any) -> str:
    """``fmt.Sprint`` of an unstructured value: ``map[k:v]``, ``[a b]``, ``<nil>``."""
    if isinstance(value, dict):
        return "map[" + " ".join(f"{k}:{go_sprint(value[k])}" for k in sorted(value)) + "]"
    if isinstance(value, list | tuple):
        return "[" + " ".join(go_sprint(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>"
    if isinstance(value, float):
        return go_float(value)
    return str(value)


def go_gosyntax(value: Any, top: bool = True) -> str:
    """``fmt.Sprintf("%#v")`` of an unstructured value as a ``map[string]interface {}``'s
    element (``interface {}(nil)`` for nil inside a map or slice)."""
    if isinstance(value, dict):
        inner = ", ".join(f"{_go_string_literal(str(k))}:{go_gosyntax(value[k], False)}" for k in sorted(value))
        return "map[string]interface {}{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[]interface {}{" + ", ".join(go_gosyntax(v, False) for v in value) + "}"
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "<nil>" if top else "interface {}(nil)"
    if isinstance(value, float):
        return go_float(value)
    if isinstance(value, int):
        return str(value)
    return _go_string_literal(str(value))


def _go_type(value: Any) -> str:
    """The Go type a decoded JSON value has (``value.Type()`` in errors)."""
    if isinstance(value, dict):
        return "map[string]interface {}"
    if isinstance(value, list | tuple):
        return "[]interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, GoInt):
        return "int"
    if isinstance(value, int):
        return "int64"
    return "string"


# -- comparisons (third_party/forked/golang/template/funcs.go) ---------------------------------

def _basic_kind(v: Any) -> str:
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    raise JSONPathError("invalid type for comparison")


def _equal(a: Any, b: Any) -> bool:
    if _basic_kind(a) != _basic_kind(b):
        raise JSONPathError("incompatible types for comparison")
    return a == b


def _less(a: Any, b: Any) -> bool:
    ka, kb = _basic_kind(a), _basic_kind(b)
    if ka != kb:
        raise JSONPathError("incompatible types for comparison")
    if ka == "bool":
        raise JSONPathError("invalid type for comparison")
    if ka == "string":
        return a.encode() < b.encode()
    return a < b


_COMPARE = {
    "<": _less,
    ">": lambda a, b: not (_less(a, b) or _equal(a, b)),
    "==": _equal,
    "!=": lambda a, b: not _equal(a, b),
    "<=": lambda a, b: _less(a, b) or _equal(a, b),
    ">=": lambda a, b: not _less(a, b),
}


# -- evaluation (jsonpath.go) ------------------------------------------------------------------

class _Nil:
    """A missing value (Go's invalid reflect.Value), distinct from JSON null."""


class JSONPath:
    """One parsed template, as ``jsonpath.New(name)`` + ``Parse``; ``execute`` may be called for
    several objects and, like client-go, a ``range`` leaves the node list shortened for the next."""

    def __init__(self, template: str, allow_missing_keys: bool = False, json_output: bool = False):
        self.template = template
        self.root = parse(template)
        self.nodes: list[Any] = list(self.root.nodes)
        self.allow_missing_keys = allow_missing_keys
        self.json_output = json_output
        self._begin = self._in = self._end = 0
        self._last_end: int | None = None

    # public --------------------------------------------------------------------------------
    def find_results(self, data: Any) -> list[list[Any]]:
        """``FindResults``: one list of values per top-level node."""
        return self._find(data, self.nodes, 0)

    def execute(self, data: Any) -> str:
        """``Execute``: the printed text."""
        return "".join(self.print_results(r) for r in self.find_results(data))

    def print_results(self, results: list[Any]) -> str:
        if self.json_output:
            results = [list(results)]
        out = []
        for i, r in enumerate(results):
            if self.json_output:
                text = go_json(r, "    ") + "\n"
            elif isinstance(r, dict | list):
                text = go_json(r)
            elif r is None:
                text = "null"
            else:
                text = go_sprint(r)
            out.append(text + (" " if i != len(results) - 1 else ""))
        return "".join(out)

    # the walk ------------------------------------------------------------------------------
    def _find(self, data: Any, nodes: list[Any], base: int) -> list[list[Any]]:
        # ``nodes`` is the node list this call runs (Go: j.parser.Root.Nodes); ``base`` the
        # position of nodes[0] in the original list, so the last ``end`` can be found again
        cur = [data]
        full: list[list[Any]] = []
        i = 0
        while i < len(nodes):
            results = self._walk(cur, nodes[i])
            if self._end > 0 and self._end <= self._in:
                self._end -= 1
                self._last_end = base + i
                break
            if self._begin > 0:
                self._begin -= 1
                self._in += 1
                rest = nodes[i + 1:]
                if results:
                    for value in results:
                        self.nodes = rest
                        full.extend(self._find(value, rest, base + i + 1))
                else:
                    self.nodes = rest
                    self._find(None, rest, base + i + 1)
                self._in -= 1
                for k in range(i + 1, len(nodes)):
                    if base + k == self._last_end:
                        i = k
                        break
                i += 1
                continue
            full.append(results)
            i += 1
        return full

    def _walk(self, values: list[Any], node: Any) -> list[Any]:
        if isinstance(node, ListNode):
            for n in node.nodes:
                values = self._walk(values, n)
            return values
        if isinstance(node, TextNode):
            return [node.text]
        if isinstance(node, FieldNode):
            return self._field(values, node)
        if isinstance(node, ArrayNode):
            return self._array(values, node)
        if isinstance(node, FilterNode):
            return self._filter(values, node)
        if isinstance(node, IntNode | FloatNode | BoolNode):
            return [node.value for _ in values]
        if isinstance(node, WildcardNode):
            return [v for value in values for v in _children(value)]
        if isinstance(node, RecursiveNode):
            return self._recursive(values)
        if isinstance(node, UnionNode):
            return [v for part in node.nodes for v in self._walk(values, part)]
        if isinstance(node, IdentifierNode):
            if node.name == "range":
                self._begin += 1
                return values
            if node.name == "end":
                if self._in > 0:
                    self._end += 1
                    return []
                raise JSONPathError("not in range, nothing to end")
            raise JSONPathError(f"unrecognized identifier {node.name}")
        raise JSONPathError(f"unexpected Node {node}")

    def _field(self, values: list[Any], node: FieldNode) -> list[Any]:
        if not values:
            return []
        results = [v[node.value] for v in values if isinstance(v, dict) and node.value in v]
        if not results and not self.allow_missing_keys:
            raise JSONPathError(f"{node.value} is not found")
        return results

    def _array(self, values: list[Any], node: ArrayNode) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            if not isinstance(value, list):
                raise JSONPathError(f"{_go_type(value)} is not array or slice")
            n = len(value)
            p0, p1, p2 = (Param(p.value, p.known, p.derived) for p in node.params)
            if not p0.known:
                p0.value = 0
            if p0.value < 0:
                p0.value += n
            if not p1.known:
                p1.value = n
            if p1.value < 0 or (p1.value == 0 and p1.derived):
                p1.value += n
            if p1.value == p0.value:
                return result
            if p0.value >= n or p0.value < 0:
                raise JSONPathError(f"array index out of bounds: index {p0.value}, length {n}")
            if p1.value > n or p1.value < 0:
                raise JSONPathError(f"array index out of bounds: index {p1.value - 1}, length {n}")
            if p0.value > p1.value:
                raise JSONPathError(f"starting index {p0.value} is greater than ending index {p1.value}")
            step = 1
            if p2.known:
                if p2.value <= 0:
                    raise JSONPathError("step must be > 0")
                step = p2.value
            result.extend(value[p0.value:p1.value:step])
        return result

    def _recursive(self, values: list[Any]) -> list[Any]:
        result: list[Any] = []
        for value in values:
            if value is None:
                continue
            children = _children(value)
            if children:
                result.append(value)
                result.extend(self._recursive(children))
        return result

    def _filter(self, values: list[Any], node: FilterNode) -> list[Any]:
        results: list[Any] = []
        for value in values:
            if not isinstance(value, list):
                shown = "<invalid reflect.Value>" if value is None else go_sprint(value)
                raise JSONPathError(f"{shown} is not array or slice and cannot be filtered")
            for item in value:
                try:
                    lefts = self._walk([item], node.left)
                    error = None
                except JSONPathError as e:
                    lefts, error = [], e
                if node.operator == "exists":
                    if lefts:
                        results.append(item)
                    continue
                if error is not None:
                    raise error
                if not lefts:
                    continue
                if len(lefts) > 1:
                    raise JSONPathError("can only compare one element at a time")
                rights = self._walk([item], node.right)
                if not rights:
                    continue
                if len(rights) > 1:
                    raise JSONPathError("can only compare one element at a time")
                compare = _COMPARE.get(node.operator)
                if compare is None:
                    raise JSONPathError(f"unrecognized filter operator {node.operator}")
                if compare(lefts[0], rights[0]):
                    results.append(item)
        return results


def _children(value: Any) -> list[Any]:
    """What ``*`` and ``..`` step into: a map's values (in key order), a list's items, a
    string's bytes (Go indexes a string by byte: uint8 values)."""
    if isinstance(value, dict):
        return [value[k] for k in sorted(value)]
    if isinstance(value, list):
        return list(value)
    if isinstance(value, str):
        return list(value.encode())
    return []


# -- kubectl's relaxed expressions (kubectl/pkg/cmd/get/customcolumn.go) ---------------------

_RELAXED = re.compile(r"^\{\.?([^{}]+)\}$|^\.?([^{}]+)$", re.S)


def relaxed(expr: str) -> str:
    """``RelaxedJSONPathExpression``: ``a.b``, ``.a.b``, ``{a.b}`` and ``{.a.b}`` all become ``{.a.b}``."""
    if not expr:
        return expr
    m = _RELAXED.match(expr)
    if m is None:
        raise JSONPathError("unexpected path string, expected a 'name1.name2' or '.name1.name2' or "
                            "'{name1.name2}' or '{.name1.name2}'")
    return "{." + (m.group(1) or m.group(2)) + "}"
