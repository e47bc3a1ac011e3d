"""``jq`` 1.7 as tutorials use it on kubectl's JSON: ``kubectl get pods -o json | jq -r
'.items[].metadata.name'``.

Owns: ``program`` (sh.py's ``(ctx, argv, io) -> int``) with ``-r``/``--raw-output``, ``-j``, ``-c``,
``-n``, ``-s``, ``-e``, ``-S``, ``--tab``, ``--indent N``, ``--arg NAME V``, ``--argjson NAME JSON``,
files or standard input (several JSON texts in a row); and ``run(filter, value, variables) ->
list`` for callers. The filter language's common subset: ``.``, ``.a.b``, ``."a-b"``, ``.[n]``,
``.[]``, ``.[a:b]``, ``..``, ``?``, ``|``, ``,``, ``//``, arithmetic and comparisons, ``and``/``or``/
``not``, ``if … then … elif … else … end``, ``… as $x | …``, ``$var``/``$ENV``, literals, string
interpolation ``"\\(.a)"``, array and object construction (``{a, b: .c, "d": 1, (.k): .v, $x}``),
``@base64 @base64d @csv @tsv @json @text @sh @uri``, and the builtins ``length keys keys_unsorted
values has in select map map_values to_entries from_entries with_entries add any all empty
error not type tostring tonumber tojson fromjson ascii_downcase ascii_upcase split join test
startswith endswith ltrimstr rtrimstr contains inside sort sort_by group_by unique unique_by min
max min_by max_by reverse first last nth range floor sqrt flatten paths leaf_paths getpath
del to_number limit index rindex indices splits sub gsub env input_line_number``. Output is jq
1.7's: 2-space indent, ``{}``/``[]`` for empty ones, no colour when not a tty, numbers as
JSON writes them (an integral result of arithmetic without ``.0``). Errors are jq's words:
``jq: error (at <stdin>:N): Cannot index array with "foo"`` (exit 5), ``jq: error: syntax error,
…`` and ``jq: 1 compile error`` (exit 3), ``jq: error (at <stdin>:N): … cannot be parsed: …``
(exit 2).

Hands off: reading files is ``ctx.fs``'s.
"""

from __future__ import annotations

import base64
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import Any


class JqError(Exception):
    """A runtime error (``error(msg)`` or a type error): ``value`` is what jq prints after ``error:``."""

    def __init__(self, value: Any) -> None:
        super().__init__(value)
        self.value = value


class CompileError(Exception):
    pass


class _Break(Exception):
    pass


# -- values ----------------------------------------------------------------------------------------
def typename(v: Any) -> str:
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "boolean"
    if isinstance(v, int | float):
        return "number"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "array"
    return "object"


def dumps(v: Any, indent: int | str | None = None, sort: bool = False) -> str:
    """jq's JSON text of ``v``: ``indent`` 2 (or a tab, or None for ``-c``)."""
    if isinstance(v, float):
        if math.isnan(v):
            return "null"
        if math.isinf(v):
            return "1.7976931348623157e+308" if v > 0 else "-1.7976931348623157e+308"
    text = json.dumps(v, indent=indent, ensure_ascii=False, sort_keys=sort,
                      separators=(",", ":") if indent is None else (",", ": "))
    return text.replace("\x7f", "\\u007f")


def _num(x: float) -> int | float:
    if isinstance(x, float) and x.is_integer() and abs(x) < 1e17:
        return int(x)
    return x


def _short(v: Any) -> str:
    """A value in an error message: its JSON, cut at 11 bytes with ``...`` as jq does."""
    text = dumps(v)
    return text if len(text) <= 11 else text[:10] + "..."


def _cmp_key(v: Any) -> tuple:
    order = {"null": 0, "boolean": 1, "number": 3, "string": 4, "array": 5, "object": 6}
    t = typename(v)
    if t == "boolean":
        return (1 if v is False else 2,)
    if t == "array":
        return (5, [_cmp_key(x) for x in v])
    if t == "object":
        keys = sorted(v)
        return (6, keys, [_cmp_key(v[k]) for k in keys])
    return (order[t], v) if t in ("number", "string") else (order[t],)


def truthy(v: Any) -> bool:
    return v is not None and v is not False


# -- the parser ------------------------------------------------------------------------------------
_TOKEN = re.compile(r"""
    (?P<ws>\s+|\#[^\n]*)
  | (?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)
  | (?P<str>")
  | (?P<field>\.[A-Za-z_][A-Za-z0-9_]*)
  | (?P<var>\$[A-Za-z_][A-Za-z0-9_]*|\$__loc__)
  | (?P<fmt>@[A-Za-z0-9]+)
  | (?P<ident>[A-Za-z_][A-Za-z0-9_]*(?:::[A-Za-z_][A-Za-z0-9_]*)*)
  | (?P<op>\.\.|\?//|//=|\|=|\+=|-=|\*=|/=|%=|==|!=|<=|>=|//|[.\[\]{}(),:|+\-*/%<>=?;])
""", re.X)


class _Lexer:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks: list[tuple[str, Any]] = []
        pos = 0
        while pos < len(text):
            m = _TOKEN.match(text, pos)
            if not m:
                raise CompileError(f"syntax error, unexpected INVALID_CHARACTER (Unix shell quoting issues?) at "
                                   f"<top-level>, line 1:\n{text}")
            kind = m.lastgroup
            if kind == "str":
                parts, pos = self._string(pos + 1)
                self.toks.append(("str", parts))
                continue
            pos = m.end()
            if kind != "ws":
                self.toks.append((kind, m.group()))  # type: ignore[arg-type]
        self.toks.append(("eof", ""))

    def _string(self, pos: int) -> tuple[list, int]:
        """A string literal's parts: text pieces and ``\\(…)`` filters (as source text)."""
        parts: list = []
        buf: list[str] = []
        text = self.text
        while pos < len(text):
            ch = text[pos]
            if ch == '"':
                parts.append("".join(buf))
                return parts, pos + 1
            if ch == "\\":
                nxt = text[pos + 1:pos + 2]
                if nxt == "(":
                    depth, j = 1, pos + 2
                    while j < len(text) and depth:
                        depth += {"(": 1, ")": -1}.get(text[j], 0)
                        j += 1
                    parts.append("".join(buf))
                    buf = []
                    parts.append(_Parser(text[pos + 2:j - 1]).parse())
                    pos = j
                    continue
                esc = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", '"': '"', "\\": "\\", "/": "/"}
                if nxt == "u":
                    buf.append(chr(int(text[pos + 2:pos + 6], 16)))
                    pos += 6
                    continue
                buf.append(esc.get(nxt, nxt))
                pos += 2
                continue
            buf.append(ch)
            pos += 1
        raise CompileError("syntax error, unexpected end of file, expecting QQSTRING_TEXT or QQSTRING_INTERP_START "
                           "or QQSTRING_END (Unix shell quoting issues?) at <top-level>, line 1:\n" + text)


Node = tuple


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.toks = _Lexer(text).toks
        self.i = 0

    def peek(self) -> tuple[str, Any]:
        return self.toks[self.i]

    def at(self, *values: str) -> bool:
        kind, v = self.peek()
        return kind in ("op", "ident") and v in values

    def take(self) -> tuple[str, Any]:
        tok = self.toks[self.i]
        self.i += 1
        return tok

    def expect(self, value: str) -> None:
        if not self.at(value):
            self.fail()
        self.i += 1

    def fail(self) -> None:
        kind, v = self.peek()
        shown = "end of file" if kind == "eof" else f"'{v}'" if kind == "op" and len(v) == 1 else \
            {"ident": "IDENT", "num": "LITERAL", "field": "FIELD", "var": "'$'"}.get(kind, f"'{v}'")
        if kind == "ident" and v in ("end", "then", "else", "elif", "as", "and", "or", "if", "reduce"):
            shown = v
        shown = f"{shown} {v}" if kind == "ident" and shown == "IDENT" else shown
        raise CompileError(f"syntax error, unexpected {shown} (Unix shell quoting issues?) at <top-level>, line 1:\n"
                           f"{self.text}")

    def parse(self) -> Node:
        node = self.pipe()
        if self.peek()[0] != "eof":
            self.fail()
        return node

    def pipe(self) -> Node:
        if self.at("def"):
            self.fail()
        left = self.comma()
        if self.at("as"):
            self.i += 1
            kind, name = self.take()
            if kind != "var":
                self.fail()
            self.expect("|")
            return ("as", left, name[1:], self.pipe())
        if self.at("|"):
            self.i += 1
            return ("pipe", left, self.pipe())
        return left

    def comma(self) -> Node:
        left = self.alt()
        while self.at(","):
            self.i += 1
            left = ("comma", left, self.alt())
        return left

    def alt(self) -> Node:
        left = self.update()
        if self.at("//"):
            self.i += 1
            return ("alt", left, self.alt())
        return left

    def update(self) -> Node:
        left = self.or_()
        if self.at("|=", "=", "+=", "-=", "*=", "/=", "//="):
            op = self.take()[1]
            return ("update", op, left, self.alt())
        return left

    def or_(self) -> Node:
        left = self.and_()
        while self.at("or"):
            self.i += 1
            left = ("or", left, self.and_())
        return left

    def and_(self) -> Node:
        left = self.compare()
        while self.at("and"):
            self.i += 1
            left = ("and", left, self.compare())
        return left

    def compare(self) -> Node:
        left = self.additive()
        if self.at("==", "!=", "<", "<=", ">", ">="):
            op = self.take()[1]
            return ("bin", op, left, self.additive())
        return left

    def additive(self) -> Node:
        left = self.mult()
        while self.at("+", "-"):
            op = self.take()[1]
            left = ("bin", op, left, self.mult())
        return left

    def mult(self) -> Node:
        left = self.postfix()
        while self.at("*", "/", "%"):
            op = self.take()[1]
            left = ("bin", op, left, self.postfix())
        return left

    def postfix(self) -> Node:
        node = self.term()
        while True:
            kind, v = self.peek()
            if kind == "field":
                self.i += 1
                node = ("pipe", node, ("index", ("literal", v[1:])))
            elif kind == "op" and v == "." and self.toks[self.i + 1][0] == "str":
                self.i += 1
                node = ("pipe", node, ("index", self.term()))
            elif kind == "op" and v == "[":
                node = ("pipe", node, self.bracket())
            elif kind == "op" and v == "?":
                self.i += 1
                node = ("try", node, None)
            elif kind == "op" and v == "." and self.toks[self.i + 1] == ("op", "["):
                self.i += 1
            else:
                return node

    def bracket(self) -> Node:
        self.expect("[")
        if self.at("]"):
            self.i += 1
            return ("iterate",)
        if self.at(":"):
            self.i += 1
            hi = self.pipe()
            self.expect("]")
            return ("slice", None, hi)
        lo = self.pipe()
        if self.at(":"):
            self.i += 1
            hi = None if self.at("]") else self.pipe()
            self.expect("]")
            return ("slice", lo, hi)
        self.expect("]")
        return ("index", lo)

    def term(self) -> Node:
        kind, v = self.take()
        if kind == "num":
            n = float(v)
            return ("literal", _num(n) if re.fullmatch(r"\d+", v) else n)
        if kind == "str":
            return ("string", v)
        if kind == "field":
            return ("index", ("literal", v[1:]))
        if kind == "var":
            return ("var", v[1:])
        if kind == "fmt":
            if self.peek()[0] == "str":
                return ("fmtstr", v, self.take()[1])
            return ("format", v)
        if kind == "op":
            if v == ".":
                if self.peek()[0] == "str":
                    return ("index", self.term())
                if self.at("["):
                    return self.bracket()
                return ("identity",)
            if v == "..":
                return ("recurse",)
            if v == "(":
                node = self.pipe()
                self.expect(")")
                return node
            if v == "[":
                if self.at("]"):
                    self.i += 1
                    return ("array", None)
                node = self.pipe()
                self.expect("]")
                return ("array", node)
            if v == "{":
                return self.obj()
            if v == "-":
                return ("neg", self.postfix())
        if kind == "ident":
            if v in ("true", "false", "null"):
                return ("literal", {"true": True, "false": False, "null": None}[v])
            if v == "if":
                return self.if_()
            if v == "reduce" or v == "foreach":
                return self.reduce(v)
            if v == "try":
                body = self.postfix()
                handler = None
                if self.at("catch"):
                    self.i += 1
                    handler = self.postfix()
                return ("try", body, handler)
            if v == "not":
                return ("call", "not", [])
            args: list[Node] = []
            if self.at("("):
                self.i += 1
                args.append(self.pipe())
                while self.at(";"):
                    self.i += 1
                    args.append(self.pipe())
                self.expect(")")
            return ("call", v, args)
        self.i -= 1
        self.fail()
        raise AssertionError

    def if_(self) -> Node:
        cond = self.pipe()
        self.expect("then")
        then = self.pipe()
        if self.at("elif"):
            self.i += 1
            return ("if", cond, then, self.if_())
        orelse: Node = ("identity",)
        if self.at("else"):
            self.i += 1
            orelse = self.pipe()
        self.expect("end")
        return ("if", cond, then, orelse)

    def reduce(self, word: str) -> Node:
        source = self.postfix()
        self.expect("as")
        kind, name = self.take()
        if kind != "var":
            self.fail()
        self.expect("(")
        init = self.pipe()
        self.expect(";")
        update = self.pipe()
        extract = None
        if word == "foreach" and self.at(";"):
            self.i += 1
            extract = self.pipe()
        self.expect(")")
        return (word, source, name[1:], init, update, extract)

    def obj(self) -> Node:
        entries: list[tuple[Node, Node | None]] = []
        while not self.at("}"):
            kind, v = self.peek()
            if kind == "var":
                self.i += 1
                entries.append((("literal", v[1:]), ("var", v[1:])))
            else:
                if kind in ("ident", "num"):
                    self.i += 1
                    key: Node = ("literal", v)
                elif kind == "str":
                    key = self.term()
                elif kind == "fmt":
                    key = self.term()
                elif kind == "op" and v == "(":
                    self.i += 1
                    key = self.pipe()
                    self.expect(")")
                else:
                    self.fail()
                if self.at(":"):
                    self.i += 1
                    value = self.obj_value()
                else:
                    value = ("index", key)
                entries.append((key, value))
            if not self.at(","):
                break
            self.i += 1
        self.expect("}")
        return ("object", entries)

    def obj_value(self) -> Node:
        left = self.alt_noncomma()
        while self.at("|"):
            self.i += 1
            left = ("pipe", left, self.alt_noncomma())
        return left

    def alt_noncomma(self) -> Node:
        return self.alt()


# -- evaluation ------------------------------------------------------------------------------------
Env = dict[str, Any]


def _index(v: Any, k: Any) -> Any:
    if v is None and isinstance(k, str | int | float | type(None)):
        return None
    if isinstance(v, dict) and isinstance(k, str):
        return v.get(k)
    if isinstance(v, list) and isinstance(k, int | float) and not isinstance(k, bool):
        k = int(math.floor(k))
        if k < 0:
            k += len(v)
        return v[k] if 0 <= k < len(v) else None
    if isinstance(v, list) and isinstance(k, list):
        return [i for i in range(len(v)) if v[i:i + len(k)] == k] if k else None
    if isinstance(k, str):
        raise JqError(f'Cannot index {typename(v)} with "{k}"')
    raise JqError(f"Cannot index {typename(v)} with {typename(k)}")


def _iterate(v: Any) -> Iterator[Any]:
    if isinstance(v, list):
        yield from v
    elif isinstance(v, dict):
        yield from v.values()
    else:
        raise JqError(f"Cannot iterate over {typename(v)}" + (f" ({_short(v)})" if v is not None else ""))


def _arith(op: str, a: Any, b: Any) -> Any:
    ta, tb = typename(a), typename(b)
    if op == "+":
        if a is None:
            return b
        if b is None:
            return a
        if ta == tb == "number":
            return _num(a + b) if isinstance(a + b, float) else a + b
        if ta == tb and ta in ("string", "array"):
            return a + b
        if ta == tb == "object":
            return {**a, **b}
    elif op == "-":
        if ta == tb == "number":
            return _num(a - b) if isinstance(a - b, float) else a - b
        if ta == tb == "array":
            return [x for x in a if x not in b]
    elif op == "*":
        if ta == tb == "number":
            return _num(a * b) if isinstance(a * b, float) else a * b
        if ta == "string" and tb == "number" or ta == "number" and tb == "string":
            s, n = (a, b) if ta == "string" else (b, a)
            return s * int(n) if n > 0 else None
        if ta == tb == "object":
            return _deep_merge(a, b)
    elif op == "/":
        if ta == tb == "number":
            if b == 0:
                raise JqError(f"{_short(a)} ({ta}) and {_short(b)} ({tb}) cannot be divided because the divisor is zero")
            return _num(a / b)
        if ta == tb == "string":
            return a.split(b) if a else []
    elif op == "%":
        if ta == tb == "number":
            if int(b) == 0:
                raise JqError(f"{_short(a)} ({ta}) and {_short(b)} ({tb}) cannot be divided because the divisor is zero")
            r = abs(int(a)) % abs(int(b))
            return -r if int(a) < 0 else r
    verb = {"+": "added", "-": "subtracted", "*": "multiplied", "/": "divided", "%": "divided"}[op]
    raise JqError(f"{ta} ({_short(a)}) and {tb} ({_short(b)}) cannot be {verb}")


def _deep_merge(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep_merge(out[k], v) if isinstance(out.get(k), dict) and isinstance(v, dict) else v
    return out


def _compare(op: str, a: Any, b: Any) -> bool:
    if op == "==":
        return _cmp_key(a) == _cmp_key(b)
    if op == "!=":
        return _cmp_key(a) != _cmp_key(b)
    ka, kb = _cmp_key(a), _cmp_key(b)
    return {"<": ka < kb, "<=": ka <= kb, ">": ka > kb, ">=": ka >= kb}[op]


def tostring(v: Any) -> str:
    return v if isinstance(v, str) else dumps(v)


def _format(name: str, v: Any) -> str:
    if name in ("@text",):
        return tostring(v)
    if name == "@json":
        return dumps(v)
    if name == "@base64":
        return base64.b64encode(tostring(v).encode()).decode()
    if name == "@base64d":
        s = tostring(v)
        try:
            return base64.b64decode(s + "=" * (-len(s) % 4)).decode("utf-8", "replace")
        except ValueError:
            raise JqError(f"{_short(v)} ({typename(v)}) is not valid base64 data") from None
    if name == "@uri":
        from urllib.parse import quote

        return quote(tostring(v), safe="-_.~")
    if name in ("@csv", "@tsv", "@sh"):
        if name != "@sh" and not isinstance(v, list):
            raise JqError(f"{typename(v)} ({_short(v)}) cannot be {name[1:]}-formatted, only an array can be")
        items = v if isinstance(v, list) else [v]
        out = []
        for x in items:
            if isinstance(x, dict | list):
                raise JqError(f"{typename(x)} ({_short(x)}) is not valid in a csv row")
            if name == "@csv":
                out.append('"' + x.replace('"', '""') + '"' if isinstance(x, str) else "" if x is None else tostring(x))
            elif name == "@tsv":
                out.append(x.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
                           if isinstance(x, str) else "" if x is None else tostring(x))
            else:
                out.append("'" + x.replace("'", "'\\''") + "'" if isinstance(x, str) else tostring(x))
        return ("," if name == "@csv" else "\t" if name == "@tsv" else " ").join(out)
    raise JqError(f"{name[1:]} is not a valid format")


class _Interp:
    def __init__(self, env: dict[str, str], line: Callable[[], int]) -> None:
        self.osenv = env
        self.line = line

    def ev(self, node: Node, v: Any, vars_: Env) -> Iterator[Any]:
        op = node[0]
        if op == "identity":
            yield v
        elif op == "literal":
            yield node[1]
        elif op == "string":
            yield from self._string(node[1], v, vars_, None)
        elif op == "fmtstr":
            yield from self._string(node[2], v, vars_, node[1])
        elif op == "format":
            yield _format(node[1], v)
        elif op == "index":
            for k in self.ev(node[1], v, vars_):
                yield _index(v, k)
        elif op == "slice":
            los = list(self.ev(node[1], v, vars_)) if node[1] else [None]
            his = list(self.ev(node[2], v, vars_)) if node[2] else [None]
            for lo in los:
                for hi in his:
                    if v is None:
                        yield None
                    elif isinstance(v, list | str):
                        a = None if lo is None else int(math.floor(lo))
                        b = None if hi is None else int(math.ceil(hi))
                        yield v[a:b]
                    else:
                        raise JqError(f"Cannot index {typename(v)} with object")
        elif op == "iterate":
            yield from _iterate(v)
        elif op == "recurse":
            yield from _recurse(v)
        elif op == "pipe":
            for x in self.ev(node[1], v, vars_):
                yield from self.ev(node[2], x, vars_)
        elif op == "comma":
            yield from self.ev(node[1], v, vars_)
            yield from self.ev(node[2], v, vars_)
        elif op == "as":
            for x in self.ev(node[1], v, vars_):
                yield from self.ev(node[3], v, {**vars_, node[2]: x})
        elif op == "var":
            name = node[1]
            if name == "ENV":
                yield dict(self.osenv)
            elif name in vars_:
                yield vars_[name]
            else:
                raise CompileError(f"${name} is not defined at <top-level>, line 1:")
        elif op == "array":
            yield [] if node[1] is None else list(self.ev(node[1], v, vars_))
        elif op == "object":
            yield from self._object(node[1], 0, v, vars_, {})
        elif op == "neg":
            for x in self.ev(node[1], v, vars_):
                if typename(x) != "number":
                    raise JqError(f"{typename(x)} ({_short(x)}) cannot be negated")
                yield -x
        elif op == "bin":
            for b in self.ev(node[3], v, vars_):
                for a in self.ev(node[2], v, vars_):
                    yield _compare(node[1], a, b) if node[1] in ("==", "!=", "<", "<=", ">", ">=") \
                        else _arith(node[1], a, b)
        elif op == "and" or op == "or":
            for a in self.ev(node[1], v, vars_):
                if op == "and" and not truthy(a):
                    yield False
                    continue
                if op == "or" and truthy(a):
                    yield True
                    continue
                for b in self.ev(node[2], v, vars_):
                    yield truthy(b)
        elif op == "alt":
            got = False
            try:
                for x in self.ev(node[1], v, vars_):
                    if truthy(x):
                        got = True
                        yield x
            except JqError:
                pass
            if not got:
                yield from self.ev(node[2], v, vars_)
        elif op == "if":
            for c in self.ev(node[1], v, vars_):
                yield from self.ev(node[2] if truthy(c) else node[3], v, vars_)
        elif op == "try":
            try:
                yield from list(self.ev(node[1], v, vars_))
            except JqError as e:
                if node[2] is not None:
                    yield from self.ev(node[2], e.value, vars_)
        elif op == "reduce":
            _, source, name, init, update, _x = node
            for acc in self.ev(init, v, vars_):
                for x in self.ev(source, v, vars_):
                    outs = list(self.ev(update, acc, {**vars_, name: x}))
                    acc = outs[-1] if outs else None
                yield acc
        elif op == "foreach":
            _, source, name, init, update, extract = node
            for acc in self.ev(init, v, vars_):
                for x in self.ev(source, v, vars_):
                    for acc in self.ev(update, acc, {**vars_, name: x}):  # noqa: B020
                        yield from (self.ev(extract, acc, {**vars_, name: x}) if extract else [acc])
        elif op == "update":
            yield from self._update(node, v, vars_)
        elif op == "call":
            yield from self.call(node[1], node[2], v, vars_)
        else:  # pragma: no cover
            raise JqError(f"unknown node {op}")

    def _string(self, parts: list, v: Any, vars_: Env, fmt: str | None) -> Iterator[str]:
        def rec(i: int, acc: str) -> Iterator[str]:
            if i == len(parts):
                yield acc
                return
            p = parts[i]
            if isinstance(p, str):
                yield from rec(i + 1, acc + p)
                return
            for x in self.ev(p, v, vars_):
                yield from rec(i + 1, acc + (_format(fmt, x) if fmt else tostring(x)))

        yield from rec(0, "")

    def _object(self, entries: list, i: int, v: Any, vars_: Env, acc: dict) -> Iterator[dict]:
        if i == len(entries):
            yield dict(acc)
            return
        key_node, value_node = entries[i]
        for k in self.ev(key_node, v, vars_):
            if not isinstance(k, str):
                raise JqError("Object keys must be strings" if typename(k) != "null" else
                              "Object keys must be strings")
            for val in self.ev(value_node, v, vars_):
                yield from self._object(entries, i + 1, v, vars_, {**acc, k: val})

    def _paths(self, node: Node, v: Any, vars_: Env) -> Iterator[list]:
        op = node[0]
        if op == "identity":
            yield []
        elif op == "index":
            for k in self.ev(node[1], v, vars_):
                yield [k]
        elif op == "iterate":
            if isinstance(v, list):
                yield from ([i] for i in range(len(v)))
            elif isinstance(v, dict):
                yield from ([k] for k in v)
            elif v is not None:
                raise JqError(f"Cannot iterate over {typename(v)}")
        elif op == "pipe":
            for p in self._paths(node[1], v, vars_):
                sub = _getpath(v, p)
                for q in self._paths(node[2], sub, vars_):
                    yield p + q
        elif op == "comma":
            yield from self._paths(node[1], v, vars_)
            yield from self._paths(node[2], v, vars_)
        elif op == "call" and node[1] == "select":
            for c in self.ev(node[2][0], v, vars_):
                if truthy(c):
                    yield []
        elif op == "recurse":
            yield from _all_paths(v)
        else:
            raise JqError("Invalid path expression")

    def _update(self, node: Node, v: Any, vars_: Env) -> Iterator[Any]:
        _, op, lhs, rhs = node
        if op == "|=":
            out = v
            for p in list(self._paths(lhs, v, vars_)):
                new = list(self.ev(rhs, _getpath(out, p), vars_))
                out = _setpath(out, p, new[0] if new else None)
            yield out
            return
        for r in self.ev(rhs, v, vars_):
            out = v
            for p in list(self._paths(lhs, v, vars_)):
                cur = _getpath(out, p)
                new = r if op == "=" else (cur if truthy(cur) else r) if op == "//=" else _arith(op[0], cur, r)
                out = _setpath(out, p, new)
            yield out

    # the builtins
    def call(self, name: str, args: list[Node], v: Any, vars_: Env) -> Iterator[Any]:  # noqa: C901
        n = len(args)
        key = f"{name}/{n}"

        def one(i: int = 0) -> Iterator[Any]:
            return self.ev(args[i], v, vars_)

        if key == "empty/0":
            return
        if key == "not/0":
            yield not truthy(v)
        elif key == "length/0":
            if v is None:
                yield 0
            elif isinstance(v, bool):
                raise JqError(f"boolean ({dumps(v)}) has no length")
            elif isinstance(v, int | float):
                yield abs(v)
            else:
                yield len(v)
        elif key in ("keys/0", "keys_unsorted/0"):
            if isinstance(v, dict):
                yield sorted(v) if name == "keys" else list(v)
            elif isinstance(v, list):
                yield list(range(len(v)))
            else:
                raise JqError(f"{typename(v)} ({_short(v)}) has no keys")
        elif key == "values/0":
            if v is not None:
                yield v
        elif key == "has/1":
            for k in one():
                if isinstance(v, dict) and isinstance(k, str):
                    yield k in v
                elif isinstance(v, list) and isinstance(k, int | float):
                    yield 0 <= k < len(v)
                else:
                    raise JqError(f"Cannot check whether {typename(v)} has a {typename(k)} key")
        elif key == "in/1":
            for c in one():
                yield from self.call("has", [("literal", v)], c, vars_)
        elif key == "select/1":
            for c in one():
                if truthy(c):
                    yield v
        elif key == "map/1":
            yield [x for item in _iterate(v) for x in self.ev(args[0], item, vars_)]
        elif key == "map_values/1":
            if isinstance(v, dict):
                yield {k: outs[0] for k, x in v.items() if (outs := list(self.ev(args[0], x, vars_)))}
            else:
                yield [outs[0] for x in _iterate(v) if (outs := list(self.ev(args[0], x, vars_)))]
        elif key == "to_entries/0":
            if not isinstance(v, dict):
                raise JqError(f"{typename(v)} ({_short(v)}) has no keys")
            yield [{"key": k, "value": x} for k, x in v.items()]
        elif key == "from_entries/0":
            out: dict = {}
            for e in _iterate(v):
                k = next((e[f] for f in ("key", "k", "name", "Name", "Key", "K") if isinstance(e, dict) and
                          e.get(f) is not None), None) if isinstance(e, dict) else None
                if isinstance(k, bool | int | float):
                    k = dumps(k)
                if not isinstance(k, str):
                    raise JqError(f"Cannot use {typename(k)} ({_short(k)}) as object key")
                out[k] = next((e[f] for f in ("value", "v", "Value", "V") if f in e), None)
            yield out
        elif key == "with_entries/1":
            entries = next(self.call("to_entries", [], v, vars_))
            mapped = [x for e in entries for x in self.ev(args[0], e, vars_)]
            yield from self.call("from_entries", [], mapped, vars_)
        elif key == "add/0":
            acc = None
            for x in _iterate(v):
                acc = x if acc is None else _arith("+", acc, x)
            yield acc
        elif key in ("any/0", "all/0"):
            items = [truthy(x) for x in _iterate(v)]
            yield any(items) if name == "any" else all(items)
        elif key in ("any/1", "all/1"):
            items = [truthy(c) for x in _iterate(v) for c in self.ev(args[0], x, vars_)]
            yield any(items) if name == "any" else all(items)
        elif key == "error/0":
            raise JqError(v)
        elif key == "error/1":
            for m in one():
                raise JqError(m)
        elif key == "type/0":
            yield typename(v)
        elif key == "tostring/0":
            yield tostring(v)
        elif key in ("tonumber/0", "to_number/0"):
            if isinstance(v, int | float) and not isinstance(v, bool):
                yield v
            elif isinstance(v, str):
                try:
                    f = float(v)
                except ValueError:
                    raise JqError(f"Cannot parse '{v}' as JSON") from None
                yield int(f) if re.fullmatch(r"-?\d+", v.strip()) else f
            else:
                raise JqError(f"{typename(v)} ({_short(v)}) cannot be parsed as a number")
        elif key == "tojson/0":
            yield dumps(v)
        elif key == "fromjson/0":
            try:
                yield json.loads(v)
            except (ValueError, TypeError):
                raise JqError(f"{v} (while parsing '{v}')") from None
        elif key in ("ascii_downcase/0", "ascii_upcase/0"):
            if not isinstance(v, str):
                raise JqError(f"{name} input must be a string")
            yield v.lower() if name == "ascii_downcase" else v.upper()
        elif key == "split/1":
            for sep in one():
                if not isinstance(v, str) or not isinstance(sep, str):
                    raise JqError("split input and separator must be strings")
                yield v.split(sep) if v else []
        elif key == "join/1":
            for sep in one():
                parts = []
                for x in _iterate(v):
                    if isinstance(x, dict | list):
                        raise JqError(f"Cannot join with {typename(x)}")
                    parts.append("" if x is None else x if isinstance(x, str) else dumps(x))
                yield sep.join(parts)
        elif key in ("test/1", "test/2"):
            flags = next(self.ev(args[1], v, vars_)) if n > 1 else ""
            for pat in one():
                yield bool(_regex(pat, flags).search(v if isinstance(v, str) else _need_str(v)))
        elif key in ("sub/2", "gsub/2", "sub/3", "gsub/3"):
            flags = (next(self.ev(args[2], v, vars_)) if n > 2 else "") + ("g" if name == "gsub" else "")
            for pat in one():
                rx = _regex(pat, flags)
                s = _need_str(v)
                pieces, pos = [], 0
                for m in rx.finditer(s):
                    pieces.append(s[pos:m.start()])
                    cap = {k: val for k, val in m.groupdict().items()}
                    pieces.append(tostring(next(self.ev(args[1], cap, vars_))))
                    pos = m.end()
                    if "g" not in flags:
                        break
                pieces.append(s[pos:])
                yield "".join(pieces)
        elif key in ("startswith/1", "endswith/1", "ltrimstr/1", "rtrimstr/1"):
            for s in one():
                if name in ("startswith", "endswith"):
                    if not isinstance(v, str) or not isinstance(s, str):
                        raise JqError(f"{name}() requires string inputs")
                    yield v.startswith(s) if name == "startswith" else v.endswith(s)
                elif isinstance(v, str) and isinstance(s, str) and (v.startswith(s) if name == "ltrimstr"
                                                                    else v.endswith(s)):
                    yield v[len(s):] if name == "ltrimstr" else v[:len(v) - len(s)] if s else v
                else:
                    yield v
        elif key in ("contains/1", "inside/1"):
            for b in one():
                yield _contains(v, b) if name == "contains" else _contains(b, v)
        elif key == "sort/0":
            yield sorted(_need_array(v, "sorted"), key=_cmp_key)
        elif key in ("sort_by/1", "group_by/1", "unique_by/1", "min_by/1", "max_by/1"):
            items = _need_array(v, "sorted")
            keyed = [([_cmp_key(x) for x in self.ev(args[0], item, vars_)], item) for item in items]
            keyed.sort(key=lambda p: p[0])
            if name == "sort_by":
                yield [item for _, item in keyed]
            elif name in ("group_by", "unique_by"):
                groups: list[list] = []
                last = object()
                for k, item in keyed:
                    if k != last:
                        groups.append([])
                        last = k
                    groups[-1].append(item)
                yield groups if name == "group_by" else [g[0] for g in groups]
            else:
                yield (keyed[0][1] if name == "min_by" else keyed[-1][1]) if keyed else None
        elif key == "unique/0":
            out_l: list = []
            for x in sorted(_need_array(v, "sorted"), key=_cmp_key):
                if not out_l or _cmp_key(out_l[-1]) != _cmp_key(x):
                    out_l.append(x)
            yield out_l
        elif key in ("min/0", "max/0"):
            items = sorted(_need_array(v, "sorted"), key=_cmp_key)
            yield (items[0] if name == "min" else items[-1]) if items else None
        elif key == "reverse/0":
            yield v[::-1] if isinstance(v, list | str) else [] if v is None else _need_array(v, "reversed")
        elif key in ("first/0", "last/0"):
            yield _index(v, 0 if name == "first" else -1)
        elif key in ("first/1", "last/1"):
            outs = list(one()) if name == "last" else []
            if name == "first":
                for x in one():
                    yield x
                    break
            elif outs:
                yield outs[-1]
        elif key == "nth/1":
            for i in one():
                yield _index(v, i)
        elif key == "limit/2":
            for count in one():
                if count <= 0:
                    continue
                for j, x in enumerate(self.ev(args[1], v, vars_)):
                    yield x
                    if j + 1 >= count:
                        break
        elif key in ("range/1", "range/2"):
            if n == 1:
                for hi in one():
                    yield from range(int(hi)) if float(hi).is_integer() else _frange(0, hi)
            else:
                for lo in one():
                    for hi in self.ev(args[1], v, vars_):
                        yield from _frange(lo, hi)
        elif key in ("floor/0", "sqrt/0", "ceil/0", "round/0", "fabs/0"):
            f = {"floor": math.floor, "sqrt": math.sqrt, "ceil": math.ceil, "round": round, "fabs": abs}[name]
            yield _num(float(f(v)))
        elif key == "flatten/0" or key == "flatten/1":
            depth = next(one()) if n else 1e9
            yield _flatten(_need_array(v, "flattened"), depth)
        elif key == "paths/0":
            yield from (p for p in _all_paths(v) if p)
        elif key == "leaf_paths/0":
            yield from (p for p in _all_paths(v) if p and not isinstance(_getpath(v, p), dict | list))
        elif key == "getpath/1":
            for p in one():
                yield _getpath(v, p)
        elif key == "del/1":
            paths = list(self._paths(args[0], v, vars_))
            yield _delpaths(v, paths)
        elif key == "to_array/0":
            yield v if isinstance(v, list) else [v]
        elif key in ("index/1", "rindex/1", "indices/1"):
            for s in one():
                if isinstance(v, str) and isinstance(s, str):
                    found = [m.start() for m in re.finditer(f"(?={re.escape(s)})", v)] if s else []
                else:
                    found = _index(v, s if isinstance(s, list) else [s]) or []
                yield found if name == "indices" else (found[0] if name == "index" else found[-1]) if found else None
        elif key == "splits/1":
            for pat in one():
                yield from _regex(pat, "").split(_need_str(v))
        elif key == "env/0":
            yield dict(self.osenv)
        elif key == "input_line_number/0":
            yield self.line()
        elif key == "recurse/0":
            yield from _recurse(v)
        elif key == "recurse/1":
            yield from self._recurse_f(args[0], v, vars_)
        elif key == "tostream/0":
            for p in _all_paths(v):
                x = _getpath(v, p)
                if not isinstance(x, dict | list) or not x:
                    yield [p, x]
        elif key == "ascii/0":
            yield chr(v)
        elif key == "isempty/1":
            yield next(iter(one()), _SENTINEL) is _SENTINEL
        elif key == "objects/0" or key == "arrays/0" or key == "strings/0" or key == "numbers/0" \
                or key == "booleans/0" or key == "nulls/0" or key == "iterables/0" or key == "scalars/0":
            want = {"objects": ("object",), "arrays": ("array",), "strings": ("string",), "numbers": ("number",),
                    "booleans": ("boolean",), "nulls": ("null",), "iterables": ("array", "object"),
                    "scalars": ("null", "boolean", "number", "string")}[name]
            if typename(v) in want:
                yield v
        elif key == "halt/0":
            raise _Break()
        else:
            raise CompileError(f"{name}/{n} is not defined at <top-level>, line 1:")

    def _recurse_f(self, f: Node, v: Any, vars_: Env) -> Iterator[Any]:
        yield v
        for x in self.ev(f, v, vars_):
            yield from self._recurse_f(f, x, vars_)


_SENTINEL = object()


def _frange(lo: float, hi: float) -> Iterator[Any]:
    x = lo
    while x < hi:
        yield x
        x += 1


def _need_str(v: Any) -> str:
    if not isinstance(v, str):
        raise JqError(f"{typename(v)} ({_short(v)}) cannot be matched, as it is not a string")
    return v


def _need_array(v: Any, verb: str) -> list:
    if not isinstance(v, list):
        raise JqError(f"{typename(v)} ({_short(v)}) cannot be {verb}, as it is not an array")
    return v


def _regex(pat: str, flags: str | None) -> re.Pattern:
    f = 0
    for ch in flags or "":
        f |= {"i": re.I, "x": re.X, "s": re.S}.get(ch, 0)
    try:
        return re.compile(re.sub(r"\(\?<([A-Za-z_]\w*)>", r"(?P<\1>", pat), f)
    except re.error as e:
        raise JqError(f"{pat} (at offset {e.pos or 0}) is not a valid regex: {e.msg}") from None


def _contains(a: Any, b: Any) -> bool:
    if typename(a) != typename(b):
        raise JqError(f"{typename(a)} ({_short(a)}) and {typename(b)} ({_short(b)}) cannot have their "
                      "containment checked")
    if isinstance(a, dict):
        return all(k in a and _contains(a[k], x) for k, x in b.items())
    if isinstance(a, list):
        return all(any(typename(y) == typename(x) and _contains(y, x) for y in a) for x in b)
    if isinstance(a, str):
        return b in a
    return a == b


def _flatten(v: list, depth: float) -> list:
    out: list = []
    for x in v:
        if isinstance(x, list) and depth > 0:
            out.extend(_flatten(x, depth - 1))
        else:
            out.append(x)
    return out


def _recurse(v: Any) -> Iterator[Any]:
    yield v
    if isinstance(v, list):
        for x in v:
            yield from _recurse(x)
    elif isinstance(v, dict):
        for x in v.values():
            yield from _recurse(x)


def _all_paths(v: Any, prefix: list | None = None) -> Iterator[list]:
    prefix = prefix or []
    yield prefix
    if isinstance(v, list):
        for i, x in enumerate(v):
            yield from _all_paths(x, prefix + [i])
    elif isinstance(v, dict):
        for k, x in v.items():
            yield from _all_paths(x, prefix + [k])


def _getpath(v: Any, path: list) -> Any:
    for k in path:
        if v is None:
            return None
        v = _index(v, k)
    return v


def _setpath(v: Any, path: list, new: Any) -> Any:
    if not path:
        return new
    k, rest = path[0], path[1:]
    if isinstance(k, str):
        if v is None:
            v = {}
        if not isinstance(v, dict):
            raise JqError(f'Cannot index {typename(v)} with "{k}"')
        return {**v, k: _setpath(v.get(k), rest, new)}
    if v is None:
        v = []
    if not isinstance(v, list):
        raise JqError(f"Cannot index {typename(v)} with number")
    out = list(v)
    k = int(k) + (len(out) if k < 0 else 0)
    while len(out) <= k:
        out.append(None)
    out[k] = _setpath(out[k], rest, new)
    return out


def _delpaths(v: Any, paths: list[list]) -> Any:
    for p in sorted(paths, key=lambda p: [_cmp_key(x) for x in p], reverse=True):
        if not p:
            return None
        parent = _getpath(v, p[:-1])
        if isinstance(parent, dict) and p[-1] in parent:
            v = _setpath(v, p[:-1], {k: x for k, x in parent.items() if k != p[-1]})
        elif isinstance(parent, list):
            i = int(p[-1])
            v = _setpath(v, p[:-1], parent[:i] + parent[i + 1:])
    return v


def compile_filter(text: str) -> Node:
    return _Parser(text).parse()


def run(text: str, value: Any, variables: dict[str, Any] | None = None, env: dict[str, str] | None = None
        ) -> list[Any]:
    """Every output of the filter ``text`` on ``value``; raises JqError / CompileError."""
    return list(_Interp(env or {}, lambda: 0).ev(compile_filter(text), value, dict(variables or {})))


# -- the program -----------------------------------------------------------------------------------
def _documents(text: str) -> Iterator[tuple[Any, int]]:
    """Each JSON text of the input and the line jq has read to when it is parsed."""
    dec = json.JSONDecoder()
    pos = 0
    n = len(text)
    while True:
        while pos < n and text[pos] in " \t\r\n":
            pos += 1
        if pos >= n:
            return
        try:
            value, end = dec.raw_decode(text, pos)
        except json.JSONDecodeError as e:
            raise _ParseError(text.count("\n", 0, e.pos), e) from None
        # jq reports the line it has read up to: the newline after the value counts
        after = end
        while after < n and text[after] in " \t\r":
            after += 1
        line = text.count("\n", 0, after + 1 if after < n and text[after] == "\n" else after)
        pos = end
        yield value, line


class _ParseError(Exception):
    def __init__(self, line: int, err: json.JSONDecodeError) -> None:
        super().__init__(line)
        self.line = line
        self.err = err


def program(ctx: Any, argv: list[str], io: Any) -> int:
    raw = join = compact = null_input = slurp = exit_status = sort = tab = False
    indent = 2
    variables: dict[str, Any] = {}
    filt: str | None = None
    files: list[str] = []
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a.startswith("-") and len(a) > 1 and not a.startswith("--") and filt is None or a.startswith("--"):
            if a in ("--raw-output", "-r"):
                raw = True
            elif a in ("--join-output", "-j"):
                raw = join = True
            elif a in ("--compact-output", "-c"):
                compact = True
            elif a in ("--null-input", "-n"):
                null_input = True
            elif a in ("--slurp", "-s"):
                slurp = True
            elif a in ("--exit-status", "-e"):
                exit_status = True
            elif a in ("--sort-keys", "-S"):
                sort = True
            elif a in ("--monochrome-output", "-M", "-C", "--color-output", "-a", "--ascii-output"):
                pass
            elif a == "--tab":
                tab = True
            elif a == "--indent" and i + 1 < len(args):
                indent = int(args[i + 1])
                i += 1
            elif a in ("--arg", "--argjson") and i + 2 < len(args):
                name, value = args[i + 1], args[i + 2]
                if a == "--argjson":
                    try:
                        value = json.loads(value)
                    except ValueError:
                        io.err("jq: Invalid JSON text passed to --argjson\nUse jq --help for help with "
                               "command-line options,\nor see the jq manpage, or online docs  at "
                               "https://jqlang.github.io/jq\n")
                        return 2
                variables[name] = value
                i += 2
            elif len(a) > 2 and not a.startswith("--") and all(ch in "rjcnseSMCa" for ch in a[1:]):
                raw = raw or "r" in a or "j" in a
                join = join or "j" in a
                compact = compact or "c" in a
                null_input = null_input or "n" in a
                slurp = slurp or "s" in a
                exit_status = exit_status or "e" in a
                sort = sort or "S" in a
            else:
                io.err(f"jq: Unknown option: {a}\nUse jq --help for help with command-line options,\n"
                       "or see the jq manpage, or online docs  at https://jqlang.github.io/jq\n")
                return 2
        elif filt is None:
            filt = a
        else:
            files.append(a)
        i += 1
    if filt is None:
        filt = "."  # jq 1.6+: no filter and an input that is not a terminal: the identity
    try:
        node = compile_filter(filt)
    except CompileError as e:
        io.err(f"jq: error: {_with_text(str(e), filt)}\njq: 1 compile error\n")
        return 3
    except RecursionError:
        io.err("jq: error: too deep\njq: 1 compile error\n")
        return 3
    texts: list[tuple[str, str]] = []
    for f in files:
        try:
            texts.append((f, ctx.fs.read(ctx.resolve(f)).decode("utf-8", "replace")))
        except Exception as e:  # the shells' filesystems raise their own errors
            if not hasattr(e, "errno_name") and not isinstance(e, OSError):
                raise
            io.err(f"jq: error: Could not open {f}: {e}\n")
            return 2
    if not files:
        texts.append(("<stdin>", io.read()))
    line = [0]
    interp = _Interp(dict(getattr(ctx, "env", {}) or {}), lambda: line[0])
    ind: int | str | None = None if compact else "\t" if tab else indent if indent else None
    last: Any = _SENTINEL
    status = 0

    def emit(value: Any) -> None:
        nonlocal last
        last = value
        if raw and isinstance(value, str):
            io.out(value + ("" if join else "\n"))
        else:
            io.out(dumps(value, ind, sort) + ("" if join else "\n"))

    def apply(value: Any, where: str) -> bool:
        nonlocal status
        try:
            for out in interp.ev(node, value, variables):
                emit(out)
        except JqError as e:
            msg = e.value if isinstance(e.value, str) else f"{dumps(e.value)} (not a string)"
            io.err(f"jq: error (at {where}:{line[0]}): {msg}\n")
            status = 5
        except CompileError as e:
            io.err(f"jq: error: {_with_text(str(e), filt or '')}\njq: 1 compile error\n")
            status = 3
            return False
        except _Break:
            return False
        return True

    try:
        if null_input:
            apply(None, "<unknown>")
        elif slurp:
            values = []
            for _name, text in texts:
                for value, ln in _documents(text):
                    values.append(value)
                    line[0] = ln
            apply(values, texts[-1][0] if texts else "<stdin>")
        else:
            for name, text in texts:
                for value, ln in _documents(text):
                    line[0] = ln
                    if not apply(value, name):
                        return status
    except _ParseError as e:
        io.err(f"jq: parse error: {_parse_words(e.err)}\n")
        return 2
    if exit_status and status == 0:
        return 4 if last is _SENTINEL else 0 if truthy(last) else 1
    return status


def _with_text(message: str, text: str) -> str:
    """A compile error names the program's line after ``line 1:``."""
    return message + "\n" + text if message.endswith("line 1:") else message


def _parse_words(err: json.JSONDecodeError) -> str:
    """jv_parse's message for where Python's decoder stopped (the common cases)."""
    doc = err.doc
    line = doc.count("\n", 0, err.pos) + 1
    col = err.pos - (doc.rfind("\n", 0, err.pos) + 1)
    if not doc[err.pos:].strip():
        last = doc.rsplit("\n", 1)[-1]
        return f"Unfinished JSON term at EOF at line {doc.count(chr(10)) + 1}, column {len(last)}"
    return f"Invalid literal at line {line}, column {col + 1}"
