"""``awk``: the common subset tutorials use (``kubectl get pods | awk '{print $1}'``, ``awk -F: …``,
``awk 'NR>1 {print $1}'``, ``awk '/Running/ {n++} END {print n}'``), as mawk 1.3.4 — Debian's
default ``awk`` on the workstation — and busybox awk print it.

Owns: ``program(dialect) -> Program`` (sh.py's interface; ``dialect`` ``mawk``, ``gawk`` or
``busybox``: only the error words differ) with ``-F FS``, ``-v NAME=VALUE``, ``-f FILE``, files
or standard input, ``NAME=VALUE`` operands; the language: ``BEGIN``/``END``, patterns
(expressions, ``/regex/``, ``p1, p2`` ranges), ``$N``/``$0``/``$NF`` (assignable: the record is
rebuilt with ``OFS``), ``NF NR FNR FS OFS ORS RS SUBSEP FILENAME``, user variables and associative
arrays (``a[k]``, ``(k in a)``, ``delete``, ``for (k in a)``), numbers and strings with awk's
numeric-string comparisons, ``~``/``!~``, ``&& || !``, ``?:``, ``++ -- += -= *= /= %= ^=``,
concatenation, ``if/else``, ``while``, ``do…while``, ``for(;;)``, ``break continue next exit``,
``print`` (with ``>``/``>>`` to files), ``printf``, ``getline`` (from the input), and the builtins
``length substr index split sub gsub match sprintf tolower toupper int sqrt exp log sin cos
atan2 rand srand system``-less (no processes are started). Numbers print with ``%.6g``
(``CONVFMT``/``OFMT``), integers as integers. Regular expressions are POSIX EREs
(``sed.posix_regex``). Errors: mawk's ``mawk: line 1: syntax error at or near }`` (exit 2); gawk's
``awk: cmd. line:1: …``.

Hands off: files are ``ctx.fs``'s.
"""

from __future__ import annotations

import contextvars
import math
import re
from collections.abc import Callable
from typing import Any

from .sed import posix_regex

_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+|\\\n|\#[^\n]*)
  | (?P<nl>\n)
  | (?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<func>[A-Za-z_][A-Za-z0-9_]*(?=\())
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\+\+|--|\+=|-=|\*=|/=|%=|\^=|==|!=|<=|>=|&&|\|\||!~|>>|[-+*/%^!<>=~?:;,(){}\[\]$|])
""", re.X)
KEYWORDS = frozenset({"BEGIN", "END", "if", "else", "while", "for", "do", "break", "continue", "next", "exit",
                      "print", "printf", "in", "delete", "getline", "function", "return", "nextfile"})
BUILTINS = frozenset({"length", "substr", "index", "split", "sub", "gsub", "match", "sprintf", "tolower",
                      "toupper", "int", "sqrt", "exp", "log", "sin", "cos", "atan2", "rand", "srand"})


class AwkSyntax(Exception):
    def __init__(self, near: str, line: int) -> None:
        super().__init__(near)
        self.near, self.line = near, line


class AwkRuntime(Exception):
    pass


class _Next(Exception):
    pass


class _Exit(Exception):
    def __init__(self, code: int) -> None:
        self.code = code


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _unescape(s: str) -> str:
    return re.sub(r'\\(.)', lambda m: {"n": "\n", "t": "\t", "r": "\r", "\\": "\\", '"': '"', "/": "/"}.get(
        m.group(1), "\\" + m.group(1)), s)


class _Lexer:
    def __init__(self, text: str) -> None:
        self.toks: list[tuple[str, Any, int]] = []
        pos, line = 0, 1
        while pos < len(text):
            ch = text[pos]
            if ch == "/" and self._regex_ok():
                end = pos + 1
                in_br = False
                while end < len(text) and (text[end] != "/" or in_br):
                    if text[end] == "\\":
                        end += 1
                    elif text[end] == "[":
                        in_br = True
                    elif text[end] == "]":
                        in_br = False
                    elif text[end] == "\n":
                        raise AwkSyntax("/", line)
                    end += 1
                if end >= len(text):
                    raise AwkSyntax("runaway regular expression /" + text[pos + 1:pos + 11] + " ...", line)
                self.toks.append(("re", text[pos + 1:end], line))
                pos = end + 1
                continue
            m = _TOKEN.match(text, pos)
            if not m:
                raise AwkSyntax(ch, line)
            kind, v = m.lastgroup or "", m.group()
            pos = m.end()
            if kind == "ws":
                continue
            if kind == "nl":
                line += 1
                self.toks.append(("nl", "\n", line - 1))
                continue
            if kind in ("name", "func") and v in KEYWORDS:
                kind = "kw"
            elif kind == "str":
                v = _unescape(v[1:-1])
            elif kind == "num":
                v = float(v)
            self.toks.append((kind, v, line))
        self.toks.append(("eof", "", line))

    def _regex_ok(self) -> bool:
        if not self.toks:
            return True
        kind, v, _ = self.toks[-1]
        return not (kind in ("num", "str", "name", "re") or kind == "op" and v in (")", "]", "$", "++", "--")
                    or kind == "kw" and v == "getline")


class _Parser:
    def __init__(self, text: str) -> None:
        self.toks = _Lexer(text).toks
        self.i = 0
        self.begin: list = []
        self.end: list = []
        self.rules: list = []
        self.functions: dict[str, tuple[list[str], list]] = {}

    def peek(self, k: int = 0) -> tuple[str, Any, int]:
        return self.toks[min(self.i + k, len(self.toks) - 1)]

    def is_(self, kind: str, v: Any = None) -> bool:
        t = self.peek()
        return t[0] == kind and (v is None or t[1] == v)

    def op(self, v: str) -> bool:
        return self.is_("op", v)

    def fail(self) -> AwkSyntax:
        kind, v, line = self.peek()
        near = "end of file" if kind == "eof" else "end of line" if kind == "nl" else \
            (f'"{v}"' if kind == "str" else str(int(v)) if kind == "num" and float(v).is_integer() else str(v))
        return AwkSyntax(near, line)

    def expect(self, v: str) -> None:
        if not (self.op(v)):
            raise self.fail()
        self.i += 1

    def nls(self) -> None:
        while self.is_("nl") or self.op(";"):
            self.i += 1

    def opt_nl(self) -> None:
        while self.is_("nl"):
            self.i += 1

    def program(self) -> _Parser:
        self.nls()
        while not self.is_("eof"):
            if self.is_("kw", "BEGIN"):
                self.i += 1
                self.begin.extend(self.block())
            elif self.is_("kw", "END"):
                self.i += 1
                self.end.extend(self.block())
            elif self.is_("kw", "function"):
                self.i += 1
                name = self.peek()[1]
                self.i += 1
                self.expect("(")
                params = []
                while not self.op(")"):
                    params.append(self.peek()[1])
                    self.i += 1
                    if self.op(","):
                        self.i += 1
                self.expect(")")
                self.opt_nl()
                self.functions[name] = (params, self.block())
            else:
                pattern: Any = None
                if not self.op("{"):
                    pattern = self.expr()
                    if self.op(","):
                        self.i += 1
                        pattern = ("range", pattern, self.expr(), [False])
                body = self.block() if self.op("{") else None
                self.rules.append((pattern, body))
            self.nls()
        return self

    def block(self) -> list:
        self.opt_nl()
        self.expect("{")
        out = []
        self.nls()
        while not self.op("}"):
            if self.is_("eof"):
                raise AwkSyntax("missing } near end of file", self.peek()[2] + 1)
            out.append(self.stmt())
            self.nls()
        self.i += 1
        return out

    def simple_end(self) -> None:
        if self.op(";") or self.is_("nl"):
            self.i += 1
        elif not (self.op("}") or self.is_("eof")):
            raise self.fail()

    def stmt(self) -> Any:
        t = self.peek()
        if self.op("{"):
            return ("block", self.block())
        if t[0] == "kw":
            v = t[1]
            if v == "if":
                self.i += 1
                self.expect("(")
                cond = self.expr()
                self.expect(")")
                self.opt_nl()
                then = self.stmt()
                save = self.i
                self.nls()
                if self.is_("kw", "else"):
                    self.i += 1
                    self.opt_nl()
                    return ("if", cond, then, self.stmt())
                self.i = save
                return ("if", cond, then, None)
            if v == "while":
                self.i += 1
                self.expect("(")
                cond = self.expr()
                self.expect(")")
                self.opt_nl()
                if self.op(";"):
                    self.i += 1
                    return ("while", cond, ("block", []))
                return ("while", cond, self.stmt())
            if v == "do":
                self.i += 1
                self.opt_nl()
                body = self.stmt()
                self.nls()
                if not self.is_("kw", "while"):
                    raise self.fail()
                self.i += 1
                self.expect("(")
                cond = self.expr()
                self.expect(")")
                self.simple_end()
                return ("do", body, cond)
            if v == "for":
                self.i += 1
                self.expect("(")
                if self.is_("name") and self.peek(1)[:2] == ("kw", "in"):
                    var = self.peek()[1]
                    self.i += 2
                    arr = self.peek()[1]
                    self.i += 1
                    self.expect(")")
                    self.opt_nl()
                    return ("forin", var, arr, self.stmt())
                init = None if self.op(";") else self.simple()
                self.expect(";")
                self.opt_nl()
                cond = None if self.op(";") else self.expr()
                self.expect(";")
                self.opt_nl()
                step = None if self.op(")") else self.simple()
                self.expect(")")
                self.opt_nl()
                if self.op(";"):
                    self.i += 1
                    return ("for", init, cond, step, ("block", []))
                return ("for", init, cond, step, self.stmt())
            if v in ("next", "break", "continue", "nextfile"):
                self.i += 1
                self.simple_end()
                return (v,)
            if v in ("exit", "return"):
                self.i += 1
                value = None if self.op(";") or self.op("}") or self.is_("nl") else self.expr()
                self.simple_end()
                return (v, value)
            if v == "delete":
                self.i += 1
                name = self.peek()[1]
                self.i += 1
                sub = None
                if self.op("["):
                    self.i += 1
                    sub = self.exprlist()
                    self.expect("]")
                self.simple_end()
                return ("delete", name, sub)
        s = self.simple()
        self.simple_end()
        return s

    def simple(self) -> Any:
        if self.is_("kw", "print") or self.is_("kw", "printf"):
            word = self.peek()[1]
            self.i += 1
            args: list = []
            if self.op("(") and self._paren_is_list():
                self.i += 1
                args = self.exprlist()
                self.expect(")")
            elif not (self.op(";") or self.op("}") or self.is_("nl") or self.op(">") or self.op(">>")
                      or self.op("|")):
                args = self.exprlist(no_gt=True)
            dest = None
            if self.op(">") or self.op(">>"):
                mode = self.peek()[1]
                self.i += 1
                dest = (mode, self.concat(no_gt=True))
            return (word, args, dest)
        return ("expr", self.expr())

    def _paren_is_list(self) -> bool:
        depth, j = 0, self.i
        while j < len(self.toks):
            kind, v, _ = self.toks[j]
            if kind == "op" and v in "([":
                depth += 1
            elif kind == "op" and v in ")]":
                depth -= 1
                if depth == 0:
                    nk, nv, _ = self.toks[j + 1]
                    return nk in ("nl", "eof") or nk == "op" and nv in (";", "}", ">", ">>", "|")
            j += 1
        return False

    def exprlist(self, no_gt: bool = False) -> list:
        out = [self.expr(no_gt)]
        while self.op(","):
            self.i += 1
            self.opt_nl()
            out.append(self.expr(no_gt))
        return out

    def expr(self, no_gt: bool = False) -> Any:
        return self.ternary(no_gt)

    def ternary(self, no_gt: bool) -> Any:
        cond = self.or_(no_gt)
        if self.op("?"):
            self.i += 1
            a = self.ternary(no_gt)
            self.expect(":")
            return ("?", cond, a, self.ternary(no_gt))
        if self.op("=") or self.op("+=") or self.op("-=") or self.op("*=") or self.op("/=") or self.op("%=") \
                or self.op("^="):
            if cond[0] not in ("var", "field", "index"):
                raise self.fail()
            op = self.peek()[1]
            self.i += 1
            self.opt_nl()
            return ("assign", op, cond, self.ternary(no_gt))
        return cond

    def or_(self, no_gt: bool) -> Any:
        left = self.and_(no_gt)
        while self.op("||"):
            self.i += 1
            self.opt_nl()
            left = ("||", left, self.and_(no_gt))
        return left

    def and_(self, no_gt: bool) -> Any:
        left = self.in_(no_gt)
        while self.op("&&"):
            self.i += 1
            self.opt_nl()
            left = ("&&", left, self.in_(no_gt))
        return left

    def in_(self, no_gt: bool) -> Any:
        left = self.match(no_gt)
        while self.is_("kw", "in"):
            self.i += 1
            name = self.peek()[1]
            self.i += 1
            left = ("in", [left], name)
        return left

    def match(self, no_gt: bool) -> Any:
        left = self.compare(no_gt)
        while self.op("~") or self.op("!~"):
            op = self.peek()[1]
            self.i += 1
            left = (op, left, self.compare(no_gt))
        return left

    def compare(self, no_gt: bool) -> Any:
        left = self.concat(no_gt)
        ops = ("<", "<=", "!=", "==", ">=") if no_gt else ("<", "<=", "!=", "==", ">", ">=")
        if self.peek()[0] == "op" and self.peek()[1] in ops:
            op = self.peek()[1]
            self.i += 1
            return ("cmp", op, left, self.concat(no_gt))
        return left

    def concat(self, no_gt: bool = False) -> Any:
        left = self.additive()
        while self._starts_operand():
            left = ("concat", left, self.additive())
        return left

    def _starts_operand(self) -> bool:
        kind, v, _ = self.peek()
        if kind in ("num", "str", "name", "func", "re"):
            return True
        if kind == "kw" and v == "getline":
            return False
        return kind == "op" and v in ("$", "!", "(", "-", "+", "++", "--") and not (v in "-+" and False)

    def additive(self) -> Any:
        left = self.mult()
        while self.op("+") or self.op("-"):
            op = self.peek()[1]
            self.i += 1
            left = ("arith", op, left, self.mult())
        return left

    def mult(self) -> Any:
        left = self.unary()
        while self.op("*") or self.op("/") or self.op("%"):
            op = self.peek()[1]
            self.i += 1
            left = ("arith", op, left, self.unary())
        return left

    def unary(self) -> Any:
        if self.op("!"):
            self.i += 1
            return ("!", self.unary())
        if self.op("-") or self.op("+"):
            op = self.peek()[1]
            self.i += 1
            return ("neg", self.unary()) if op == "-" else ("num", self.unary())
        return self.power()

    def power(self) -> Any:
        base = self.postfix()
        if self.op("^"):
            self.i += 1
            return ("arith", "^", base, self.unary())
        return base

    def postfix(self) -> Any:
        node = self.primary()
        if node[0] in ("var", "field", "index") and (self.op("++") or self.op("--")):
            op = self.peek()[1]
            self.i += 1
            return ("post", op, node)
        return node

    def primary(self) -> Any:
        kind, v, _ = self.peek()
        self.i += 1
        if kind == "num":
            return ("const", v)
        if kind == "str":
            return ("const", v)
        if kind == "re":
            return ("re", v)
        if kind == "op":
            if v == "$":
                return ("field", self.primary_noinc())
            if v == "(":
                first = self.expr()
                if self.op(","):
                    items = [first]
                    while self.op(","):
                        self.i += 1
                        items.append(self.expr())
                    self.expect(")")
                    if not self.is_("kw", "in"):
                        raise self.fail()
                    self.i += 1
                    name = self.peek()[1]
                    self.i += 1
                    return ("in", items, name)
                self.expect(")")
                return ("group", first)
            if v in ("++", "--"):
                target = self.primary()
                return ("pre", v, target)
        if kind == "func":
            self.expect("(")
            args = [] if self.op(")") else self.exprlist()
            self.expect(")")
            return ("call", v, args)
        if kind == "name":
            if v == "length" and not self.op("("):
                return ("call", "length", [])
            if self.op("["):
                self.i += 1
                sub = self.exprlist()
                self.expect("]")
                return ("index", v, sub)
            return ("var", v)
        if kind == "kw" and v == "getline":
            target = None
            if self.is_("name") or self.op("$"):
                target = self.primary()
            return ("getline", target)
        self.i -= 1
        raise self.fail()

    def primary_noinc(self) -> Any:
        if self.op("++") or self.op("--"):
            return self.primary()
        kind, v, _ = self.peek()
        if kind == "op" and v == "-":
            self.i += 1
            return ("neg", self.primary_noinc())
        return self.primary()


# -- values ----------------------------------------------------------------------------------------
class StrNum(str):
    """A field or ``-v``/``split`` value that looks like a number: compares as one."""


_NUMERIC = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?\s*\Z")
_LEADING_NUM = re.compile(r"\s*[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")


def _field(text: str) -> str:
    return StrNum(text) if _NUMERIC.match(text) else text


def to_num(v: Any) -> float:
    if isinstance(v, float | int):
        return float(v)
    m = _LEADING_NUM.match(v or "")
    if not m:
        return 0.0
    try:
        return float(m.group())
    except ValueError:
        return 0.0


#: the largest integral value printed as an integer: mawk's int (2^31 - 1), gawk's exact doubles (2^53)
_INT_LIMIT: contextvars.ContextVar[float] = contextvars.ContextVar("awk_int_limit", default=2.0 ** 31 - 1)


def fmt_num(x: float, fmt: str = "%.6g") -> str:
    if math.isnan(x):
        return "nan" if math.copysign(1, x) > 0 else "-nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == int(x) and abs(x) <= _INT_LIMIT.get():
        return str(int(x))
    return fmt % x


def to_str(v: Any, fmt: str = "%.6g") -> str:
    if isinstance(v, float):
        return fmt_num(v, fmt)
    return v


def _is_num(v: Any) -> bool:
    return isinstance(v, float) or isinstance(v, StrNum)


def sprintf(fmt: str, args: list[Any]) -> str:
    out: list[str] = []
    it = iter(args)
    i = 0
    spec = re.compile(r"%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?([csdiouxXeEfFgG%])")
    while i < len(fmt):
        m = spec.match(fmt, i) if fmt[i] == "%" else None
        if not m:
            out.append(fmt[i])
            i += 1
            continue
        i = m.end()
        flags, width, prec, conv = m.groups()
        if conv == "%":
            out.append("%")
            continue
        if width == "*":
            width = str(int(to_num(next(it, 0.0))))
        if prec == "*":
            prec = str(int(to_num(next(it, 0.0))))
        arg = next(it, None)
        spec_text = "%" + flags + (width or "") + ("." + prec if prec is not None else "")
        if conv == "c":
            ch = (chr(int(to_num(arg))) if _is_num(arg) or isinstance(arg, float) else (arg or "")[:1]) \
                if arg is not None else ""
            out.append((spec_text + "s") % ch)
        elif conv == "s":
            out.append((spec_text + "s") % (to_str(arg) if arg is not None else ""))
        elif conv in "diouxX":
            n = int(to_num(arg)) if arg is not None else 0
            out.append((spec_text + ("d" if conv == "i" else conv)) % n)
        else:
            out.append((spec_text + conv) % (to_num(arg) if arg is not None else 0.0))
    return "".join(out)


# -- running ---------------------------------------------------------------------------------------
class _Run:
    def __init__(self, prog: _Parser, ctx: Any, io: Any, variables: dict[str, Any]) -> None:
        self.p = prog
        self.ctx = ctx
        self.io = io
        self.vars: dict[str, Any] = {"FS": " ", "OFS": " ", "ORS": "\n", "RS": "\n", "NR": 0.0, "NF": 0.0,
                                     "FNR": 0.0, "SUBSEP": "\x1c", "CONVFMT": "%.6g", "OFMT": "%.6g",
                                     "FILENAME": "", "RSTART": 0.0, "RLENGTH": -1.0}
        self.vars.update(variables)
        self.arrays: dict[str, dict[str, Any]] = {"ENVIRON": {k: _field(v) for k, v in
                                                                (getattr(ctx, "env", {}) or {}).items()}}
        self.fields: list[str] = [""]
        self.lines: list[str] = []
        self.pos = 0
        self.files: dict[str, list[str]] = {}
        self.regex_cache: dict[str, re.Pattern] = {}
        self.rand = 0
        self.frames: list[dict[str, Any]] = []

    # records and fields
    def set_record(self, text: str) -> None:
        self.fields = [text, *self.split_fields(text)]
        self.vars["NF"] = float(len(self.fields) - 1)

    def split_fields(self, text: str, fs: str | None = None) -> list[str]:
        fs = self.vars["FS"] if fs is None else fs
        fs = to_str(fs)
        if fs == " ":
            parts = text.split()
        elif len(fs) == 1 and fs != "\\":
            parts = text.split(fs) if text else []
        else:
            parts = self.regex(fs).split(text) if text else []
        return [_field(p) for p in parts]

    def get_field(self, n: int) -> str:
        if n < 0:
            raise AwkRuntime(f"trying to access out of range field {n}")
        return self.fields[n] if n < len(self.fields) else ""

    def set_field(self, n: int, value: str) -> None:
        if n == 0:
            self.set_record(value)
            return
        while len(self.fields) <= n:
            self.fields.append("")
        self.fields[n] = value
        self.vars["NF"] = float(len(self.fields) - 1)
        self.rebuild()

    def rebuild(self) -> None:
        self.fields[0] = to_str(self.vars["OFS"]).join(to_str(f, self.vars["CONVFMT"]) for f in self.fields[1:])

    def regex(self, text: str) -> re.Pattern:
        rx = self.regex_cache.get(text)
        if rx is None:
            try:
                rx = re.compile(posix_regex(text, True))
            except re.error:
                rx = re.compile(re.escape(text))
            self.regex_cache[text] = rx
        return rx

    # evaluation
    def ev(self, node: Any) -> Any:  # noqa: C901
        op = node[0]
        if op == "const":
            return node[1]
        if op == "var":
            name = node[1]
            for frame in reversed(self.frames[-1:]):
                if name in frame:
                    return frame[name]
            if name in self.arrays:
                raise AwkRuntime(f"can't use array {name} in scalar context")
            return self.vars.get(name, "")
        if op == "field":
            return self.get_field(int(to_num(self.ev(node[1]))))
        if op == "index":
            return self.array(node[1]).setdefault(self.subscript(node[2]), "")
        if op == "group":
            return self.ev(node[1])
        if op == "re":
            return 1.0 if self.regex(node[1]).search(self.fields[0]) else 0.0
        if op == "concat":
            return to_str(self.ev(node[1]), self.vars["CONVFMT"]) + to_str(self.ev(node[2]), self.vars["CONVFMT"])
        if op == "arith":
            a, b = to_num(self.ev(node[2])), to_num(self.ev(node[3]))
            return self.arith(node[1], a, b)
        if op == "neg":
            return -to_num(self.ev(node[1]))
        if op == "num":
            return to_num(self.ev(node[1]))
        if op == "!":
            return 0.0 if self.truth(self.ev(node[1])) else 1.0
        if op == "&&":
            return 1.0 if self.truth(self.ev(node[1])) and self.truth(self.ev(node[2])) else 0.0
        if op == "||":
            return 1.0 if self.truth(self.ev(node[1])) or self.truth(self.ev(node[2])) else 0.0
        if op == "?":
            return self.ev(node[2]) if self.truth(self.ev(node[1])) else self.ev(node[3])
        if op in ("~", "!~"):
            text = to_str(self.ev(node[1]), self.vars["CONVFMT"])
            pat = node[2][1] if node[2][0] == "re" else to_str(self.ev(node[2]), self.vars["CONVFMT"])
            hit = bool(self.regex(pat).search(text))
            return 1.0 if hit == (op == "~") else 0.0
        if op == "cmp":
            a, b = self.ev(node[2]), self.ev(node[3])
            if _is_num(a) and _is_num(b):
                x, y = to_num(a), to_num(b)
            else:
                x, y = to_str(a, self.vars["CONVFMT"]), to_str(b, self.vars["CONVFMT"])
            r = {"<": x < y, "<=": x <= y, ">": x > y, ">=": x >= y, "==": x == y, "!=": x != y}[node[1]]
            return 1.0 if r else 0.0
        if op == "in":
            key = self.subscript(node[1])
            return 1.0 if key in self.array(node[2]) else 0.0
        if op == "assign":
            target, value = node[2], self.ev(node[3])
            if node[1] != "=":
                value = self.arith(node[1][0], to_num(self.ev(target)), to_num(value))
            elif isinstance(value, StrNum):
                value = StrNum(value)
            self.store(target, value)
            return value
        if op in ("pre", "post"):
            old = to_num(self.ev(node[2]))
            new = old + (1 if node[1] == "++" else -1)
            self.store(node[2], new)
            return new if op == "pre" else old
        if op == "call":
            return self.call(node[1], node[2])
        if op == "getline":
            if self.pos >= len(self.lines):
                return 0.0
            line = self.lines[self.pos]
            self.pos += 1
            self.vars["NR"] = self.vars["NR"] + 1
            self.vars["FNR"] = self.vars["FNR"] + 1
            if node[1] is None:
                self.set_record(line)
            else:
                self.store(node[1], _field(line))
            return 1.0
        raise AwkRuntime(f"unknown node {op}")

    def arith(self, op: str, a: float, b: float) -> float:
        if op == "+":
            return a + b
        if op == "-":
            return a - b
        if op == "*":
            return a * b
        if op == "/":
            if b == 0:
                raise AwkRuntime("division by zero")
            return a / b
        if op == "%":
            if b == 0:
                raise AwkRuntime("division by zero in %")
            return math.fmod(a, b)
        return a ** b

    def truth(self, v: Any) -> bool:
        if isinstance(v, float):
            return v != 0
        if isinstance(v, StrNum):
            return to_num(v) != 0
        return v != ""

    def array(self, name: str) -> dict[str, Any]:
        if self.frames and name in self.frames[-1] and isinstance(self.frames[-1][name], dict):
            return self.frames[-1][name]
        return self.arrays.setdefault(name, {})

    def subscript(self, items: list) -> str:
        return to_str(self.vars["SUBSEP"]).join(to_str(self.ev(x), self.vars["CONVFMT"]) for x in items)

    def store(self, target: Any, value: Any) -> None:
        kind = target[0]
        if kind == "var":
            if self.frames and target[1] in self.frames[-1]:
                self.frames[-1][target[1]] = value
                return
            self.vars[target[1]] = value
            if target[1] == "NF":
                n = int(to_num(value))
                self.fields = (self.fields + [""] * n)[:n + 1]
                self.rebuild()
        elif kind == "field":
            self.set_field(int(to_num(self.ev(target[1]))), to_str(value, self.vars["CONVFMT"]) if
                           isinstance(value, float) else value)
        elif kind == "index":
            self.array(target[1])[self.subscript(target[2])] = value
        else:
            raise AwkRuntime("assignment to a value")

    def call(self, name: str, args: list) -> Any:  # noqa: C901
        if name in self.p.functions:
            params, body = self.p.functions[name]
            frame: dict[str, Any] = {}
            for j, pname in enumerate(params):
                if j < len(args):
                    a = args[j]
                    if a[0] == "var" and (a[1] in self.arrays):
                        frame[pname] = self.arrays[a[1]]
                    else:
                        frame[pname] = self.ev(a)
                else:
                    frame[pname] = ""
            self.frames.append(frame)
            try:
                self.block(body)
            except _Return as r:
                return r.value
            finally:
                self.frames.pop()
            return ""
        vals = lambda: [self.ev(a) for a in args]  # noqa: E731
        if name == "length":
            if args and args[0][0] == "var" and args[0][1] in self.arrays:
                return float(len(self.arrays[args[0][1]]))
            v = self.ev(args[0]) if args else self.fields[0]
            return float(len(to_str(v, self.vars["CONVFMT"])))
        if name == "substr":
            v = vals()
            s = to_str(v[0], self.vars["CONVFMT"])
            start = to_num(v[1])
            length = to_num(v[2]) if len(v) > 2 else float("inf")
            begin = round(start)
            end = begin + round(length) if length != float("inf") else len(s) + 1
            begin = max(begin, 1)
            return s[begin - 1:max(begin - 1, end - 1)]
        if name == "index":
            s, t = (to_str(x, self.vars["CONVFMT"]) for x in vals())
            return float(s.find(t) + 1)
        if name == "split":
            s = to_str(self.ev(args[0]), self.vars["CONVFMT"])
            fs = to_str(self.ev(args[2])) if len(args) > 2 and args[2][0] != "re" else \
                args[2][1] if len(args) > 2 else None
            parts = self.split_fields(s, fs)
            arr = self.array(args[1][1])
            arr.clear()
            for j, part in enumerate(parts):
                arr[str(j + 1)] = part
            return float(len(parts))
        if name in ("sub", "gsub"):
            pat = args[0][1] if args[0][0] == "re" else to_str(self.ev(args[0]), self.vars["CONVFMT"])
            repl = to_str(self.ev(args[1]), self.vars["CONVFMT"])
            target = args[2] if len(args) > 2 else ("field", ("const", 0.0))
            text = to_str(self.ev(target), self.vars["CONVFMT"])
            rx = self.regex(pat)
            count = 0

            def replace(m: re.Match) -> str:
                nonlocal count
                count += 1
                return re.sub(r"\\(.)|&", lambda r: r.group(1) if r.group(1) else m.group(0), repl)

            new = rx.sub(replace, text, count=0 if name == "gsub" else 1)
            if count:
                self.store(target, new)
            return float(count)
        if name == "match":
            s = to_str(self.ev(args[0]), self.vars["CONVFMT"])
            pat = args[1][1] if args[1][0] == "re" else to_str(self.ev(args[1]))
            m = self.regex(pat).search(s)
            self.vars["RSTART"] = float(m.start() + 1) if m else 0.0
            self.vars["RLENGTH"] = float(m.end() - m.start()) if m else -1.0
            return self.vars["RSTART"]
        if name == "sprintf":
            v = vals()
            return sprintf(to_str(v[0]), v[1:]) if v else ""
        if name in ("tolower", "toupper"):
            s = to_str(self.ev(args[0]), self.vars["CONVFMT"])
            return s.lower() if name == "tolower" else s.upper()
        if name == "int":
            return float(math.trunc(to_num(self.ev(args[0]))))
        if name in ("sqrt", "exp", "log", "sin", "cos"):
            x = to_num(self.ev(args[0]))
            try:
                return float(getattr(math, name)(x))
            except ValueError:
                return float("nan")
        if name == "atan2":
            a, b = (to_num(x) for x in vals())
            return math.atan2(a, b)
        if name == "rand":
            self.rand = (self.rand * 1103515245 + 12345) % (1 << 31)
            return self.rand / float(1 << 31)
        if name == "srand":
            old = float(self.rand)
            self.rand = int(to_num(self.ev(args[0]))) if args else 0
            return old
        raise AwkRuntime(f"function {name} never defined")

    # statements
    def block(self, stmts: list) -> None:
        for s in stmts:
            self.stmt(s)

    def stmt(self, s: Any) -> None:  # noqa: C901
        op = s[0]
        if op == "expr":
            self.ev(s[1])
        elif op in ("print", "printf"):
            ofmt = self.vars["OFMT"]
            if op == "print":
                vals = [self.ev(a) for a in s[1]] if s[1] else [self.fields[0]]
                text = to_str(self.vars["OFS"]).join(to_str(v, ofmt) for v in vals) + to_str(self.vars["ORS"])
            else:
                vals = [self.ev(a) for a in s[1]]
                text = sprintf(to_str(vals[0], ofmt), vals[1:]) if vals else ""
            if s[2] is None:
                self.io.out(text)
            else:
                mode, dest = s[2]
                name = to_str(self.ev(dest))
                path = self.ctx.resolve(name) if hasattr(self.ctx, "resolve") else name
                first = name not in self.files
                self.files.setdefault(name, [])
                try:
                    self.ctx.fs.write(path, text.encode(), append=mode == ">>" or not first)
                except Exception as e:  # noqa: BLE001 — the filesystems' own errors
                    raise AwkRuntime(f"cannot open \"{name}\" for output") from e
        elif op == "block":
            self.block(s[1])
        elif op == "if":
            if self.truth(self.ev(s[1])):
                self.stmt(s[2])
            elif s[3] is not None:
                self.stmt(s[3])
        elif op == "while":
            while self.truth(self.ev(s[1])):
                try:
                    self.stmt(s[2])
                except _Break:
                    break
                except _Continue:
                    continue
        elif op == "do":
            while True:
                try:
                    self.stmt(s[1])
                except _Break:
                    break
                except _Continue:
                    pass
                if not self.truth(self.ev(s[2])):
                    break
        elif op == "for":
            if s[1] is not None:
                self.stmt(s[1])
            while s[2] is None or self.truth(self.ev(s[2])):
                try:
                    self.stmt(s[4])
                except _Break:
                    break
                except _Continue:
                    pass
                if s[3] is not None:
                    self.stmt(s[3])
        elif op == "forin":
            for key in list(self.array(s[2])):
                self.store(("var", s[1]), _field(key))
                try:
                    self.stmt(s[3])
                except _Break:
                    break
                except _Continue:
                    continue
        elif op == "next":
            raise _Next()
        elif op == "exit":
            raise _Exit(int(to_num(self.ev(s[1]))) if s[1] is not None else 0)
        elif op == "return":
            raise _Return(self.ev(s[1]) if s[1] is not None else "")
        elif op == "break":
            raise _Break()
        elif op == "continue":
            raise _Continue()
        elif op == "delete":
            arr = self.array(s[1])
            if s[2] is None:
                arr.clear()
            else:
                arr.pop(self.subscript(s[2]), None)

    def matches(self, pattern: Any) -> bool:
        if pattern is None:
            return True
        if pattern[0] == "range":
            state = pattern[3]
            if not state[0]:
                if self.truth(self.ev(pattern[1])):
                    state[0] = not self.truth(self.ev(pattern[2]))
                    return True
                return False
            if self.truth(self.ev(pattern[2])):
                state[0] = False
            return True
        return self.truth(self.ev(pattern))

    def main(self, inputs: list[tuple[str, str]]) -> int:
        code = 0
        try:
            self.block(self.p.begin)
            if self.p.rules or self.p.end:
                for name, text in inputs:
                    self.vars["FILENAME"] = name if name != "-" else ""
                    self.vars["FNR"] = 0.0
                    rs = to_str(self.vars["RS"])
                    if rs == "\n":
                        self.lines = text.split("\n")
                        if self.lines and self.lines[-1] == "":
                            self.lines.pop()
                    elif rs == "":
                        self.lines = [p.strip("\n") for p in re.split(r"\n\n+", text.strip("\n")) if p]
                    else:
                        self.lines = text.split(rs[0])
                        if self.lines and self.lines[-1] in ("", "\n"):
                            self.lines.pop()
                    self.pos = 0
                    while self.pos < len(self.lines):
                        line = self.lines[self.pos]
                        self.pos += 1
                        self.vars["NR"] = to_num(self.vars["NR"]) + 1
                        self.vars["FNR"] = to_num(self.vars["FNR"]) + 1
                        self.set_record(line)
                        try:
                            for pattern, body in self.p.rules:
                                if self.matches(pattern):
                                    if body is None:
                                        self.io.out(self.fields[0] + to_str(self.vars["ORS"]))
                                    else:
                                        self.block(body)
                        except _Next:
                            continue
        except _Exit as e:
            code = e.code
        try:
            self.block(self.p.end)
        except _Exit as e:
            code = e.code
        return code


class _Return(Exception):
    def __init__(self, value: Any) -> None:
        self.value = value


def _syntax_message(dialect: str, err: AwkSyntax, text: str, name: str = "mawk") -> str:
    if dialect == "gawk":
        line = text.split("\n")[err.line - 1] if err.line - 1 < len(text.split("\n")) else ""
        return f"awk: cmd. line:{err.line}: {line}\nawk: cmd. line:{err.line}: {' ' * 0}^ syntax error\n"
    if dialect == "busybox":
        return f"awk: cmd. line:{min(err.line, text.count(chr(10)) + 1)}: Unexpected token\n"
    if err.near.startswith(("runaway", "missing")):
        return f"{name}: line {err.line}: {err.near}\n"
    return f"{name}: line {err.line}: syntax error at or near {err.near}\n"


def program(dialect: str = "mawk") -> Callable[[Any, list[str], Any], int]:
    def awk(ctx: Any, argv: list[str], io: Any) -> int:
        return _awk(ctx, argv, io, dialect)

    return awk


def _prefix(dialect: str, name: str = "awk") -> str:
    return name if dialect == "mawk" else "awk"


def _awk(ctx: Any, argv: list[str], io: Any, dialect: str) -> int:
    token = _INT_LIMIT.set(2.0 ** 31 - 1 if dialect == "mawk" else 2.0 ** 53)
    try:
        return _awk_main(ctx, argv, io, dialect, (argv[0].rsplit("/", 1)[-1] or "awk") if argv else "awk")
    finally:
        _INT_LIMIT.reset(token)


def _awk_main(ctx: Any, argv: list[str], io: Any, dialect: str, name: str) -> int:
    variables: dict[str, Any] = {}
    text: str | None = None
    args = argv[1:]
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            i += 1
            break
        if a == "-F" or a == "-v" or a == "-f":
            if i + 1 >= len(args):
                io.err(f"{_prefix(dialect, name)}: option requires an argument -- {a[1]}\n")
                return 2
            value = args[i + 1]
            i += 2
        elif a.startswith(("-F", "-v", "-f")) and len(a) > 2:
            value, a = a[2:], a[:2]
            i += 1
        elif a.startswith("-") and len(a) > 1:
            io.err(f"{_prefix(dialect, name)}: not an option: {a}\n")
            return 2
        else:
            break
        if a == "-F":
            variables["FS"] = "\t" if value == "t" else _unescape(value)
        elif a == "-v":
            name, _, v = value.partition("=")
            variables[name] = _field(_unescape(v))
        else:
            path = ctx.resolve(value) if hasattr(ctx, "resolve") else value
            try:
                text = (text or "") + ctx.fs.read(path).decode("utf-8", "replace") + "\n"
            except Exception:  # noqa: BLE001
                io.err(f"{_prefix(dialect, name)}: couldn't open file {value}\n" if dialect == "mawk" else
                       f"awk: fatal: can't open source file `{value}' for reading: No such file or directory\n")
                return 2
    rest = args[i:]
    if text is None:
        if not rest:
            io.err("usage: mawk [-F value] [-v var=value] [--] 'program text' [file ...]\n"
                   "usage: mawk [-F value] [-v var=value] [-f program-file] [--] [file ...]\n"
                   if dialect == "mawk" else "Usage: awk [POSIX or GNU style options] -f progfile [--] file ...\n")
            return 2
        text = rest.pop(0)
    try:
        prog = _Parser(text).program()
    except AwkSyntax as e:
        io.err(_syntax_message(dialect, e, text, name))
        return 1 if dialect == "busybox" else 2
    except RecursionError:
        io.err(f"{_prefix(dialect, name)}: program too deeply nested\n")
        return 2
    run = _Run(prog, ctx, io, variables)
    inputs: list[tuple[str, str]] = []
    status = 0
    for f in rest or ["-"]:
        if "=" in f and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", f):
            name, _, v = f.partition("=")
            run.vars[name] = _field(_unescape(v))
            continue
        if f == "-":
            inputs.append(("-", io.read()))
            continue
        path = ctx.resolve(f) if hasattr(ctx, "resolve") else f
        try:
            inputs.append((f, ctx.fs.read(path).decode("utf-8", "replace")))
        except Exception:  # noqa: BLE001
            io.err(f"{_prefix(dialect, name)}: cannot open {f} (No such file or directory)\n" if dialect == "mawk" else
                   f"awk: {f}: No such file or directory\n" if dialect == "busybox" else
                   f"awk: fatal: cannot open file `{f}' for reading: No such file or directory\n")
            status = 1 if dialect == "busybox" else 2
            break
    if not inputs and not status and any("=" in f for f in rest):
        inputs.append(("-", io.read()))
    try:
        code = run.main(inputs)
    except AwkRuntime as e:
        io.err(f"{_prefix(dialect, name)}: run time error: {e}\n\tFILENAME=\"{run.vars['FILENAME']}\" "
               f"FNR={fmt_num(to_num(run.vars['FNR']))} NR={fmt_num(to_num(run.vars['NR']))}\n")
        return 2
    except RecursionError:
        io.err(f"{_prefix(dialect, name)}: function call nesting too deep\n")
        return 2
    return code or status
