"""Go's ``text/template`` in Python, and kubectl's ``-o go-template`` printer on top of it.

Owns: a lexer, parser and executor that behave like Go's ``text/template`` as kubectl v1.32 is
built with it (Go 1.23: ``break``/``continue``, short-circuit ``and``/``or``, no range over
integers yet), the builtin functions (``len index slice printf print println html js urlquery
call not and or eq ne lt le gt ge``), the part of Go's ``fmt`` those need (``%v`` of maps, lists and
nil as Go prints them, the verbs ``%s %d %q %x %f %e %g %t %c %T`` with flags, width and precision,
``%!d(string=x)`` for a wrong verb), and the error texts word for word (``template: NAME:LINE: ...``
for parse errors, ``template: NAME:LINE:COL: executing "NAME" at <NODE>: ...`` for execution).

Go's values are modelled on the JSON-decoded data kubectl hands to a template: ``dict`` is
``map[string]interface {}``, ``list`` is ``[]interface {}``, ``str``, ``bool``, ``int`` (int64, from
data), :class:`Int` (Go's ``int``: template literals, ``len``, range indexes), :class:`Byte` (a
string's ``uint8``), ``float`` (float64), ``complex`` (complex128 literals),
``None`` inside a container is a nil ``interface {}``; an element fetched from a container is an
``interface {}`` (:class:`_Iface`) until a pipeline "digs down" into it, which is what makes
``.a.b`` on a null ``a`` fail with "nil pointer evaluating interface {}.b" while a missing ``a``
prints ``<no value>``.

Public API: :func:`kubectl_template` (what ``kubectl -o go-template=...`` prints for one object,
raising :class:`TemplateError` with kubectl's message), :func:`parse_kubectl_template` (the parse
alone, which kubectl does before the command acts), and for other users (helm later)
``Template(name).funcs({...}).parse(text)`` then ``.execute(data) -> str`` (``t.new(name)`` for
another file of the same set, as Go's ``t.New``; a value whose ``go_methods`` maps names to
:class:`GoFunc` has those methods, called before its fields: ``.Files.Get "x"``). Functions given to
``funcs`` are Python callables taking Go values (``None`` for nil) — wrap them in :class:`GoFunc`
to declare parameter types; raising :class:`FuncError` is Go's non-nil ``error`` result.

kubectl's printer (cli-runtime's GoTemplatePrinter): the template is named ``output`` and gets the
funcs ``exists`` and ``base64decode``; the object goes through json.Marshal and apimachinery's
json.Unmarshal (integral numbers become int64, others float64) and is handed over as a map;
``--allow-missing-template-keys=false`` is ``missingkey=error``; a failure prints the partial
output and the "Error executing template ..." block (template, raw JSON, ``%+v`` of the map) on
stdout, then ``error executing template "...": ...``; a parse error is ``error parsing template
TEXT, ...``.

Known limits: Go stops self-recursive ``{{template}}`` at 100000 calls, kubeplay (a Python stack) at
150 with Go's message; ``slice``/``base64decode`` results that are not UTF-8 print U+FFFD where Go
writes the raw bytes.

Pure: no I/O, no cluster, no ``eval``; lexing and parsing are linear in the template's length.
Hands off: choosing objects and flags to ``verbs/get.py`` and the write verbs' output helpers.
"""

from __future__ import annotations

import bisect
import json
import math
import unicodedata
import urllib.parse
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from ..sim.golang import is_print as _is_print
from ..sim.golang import quote as _go_quote


class TemplateError(Exception):
    """A parse or execution error, ``str(e)`` worded as Go (or kubectl) words it.

    ``output`` is what was written to stdout before the failure (kubectl prints partial output
    and a debugging block before its ``error: ...`` line)."""

    def __init__(self, message: str, output: str = ""):
        super().__init__(message)
        self.output = output


class FuncError(Exception):
    """Raised by a template function: Go's non-nil ``error`` result ("error calling f: ...")."""


class _GoPanic(Exception):
    """A runtime panic inside a function call (Go's safeCall turns it into an error)."""


class Int(int):
    """Go's ``int`` (template integer literals, ``len`` results, range indexes); a plain ``int``
    from data is ``int64``."""


class Byte(Int):
    """Go's ``uint8``: a byte of a string (``index "abc" 0``)."""


class _Missing:
    """Go's invalid ``reflect.Value``: a missing map key, an untyped nil."""

    _inst: _Missing | None = None

    def __new__(cls):
        if cls._inst is None:
            cls._inst = super().__new__(cls)
        return cls._inst

    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()


class _Iface:
    """A value of static type ``interface {}`` (an element of a map or a slice); ``v`` None is nil."""

    __slots__ = ("v",)

    def __init__(self, v: Any):
        self.v = v


def _elem(v: Any) -> Any:
    """reflect's ``Elem`` of an interface value: its dynamic value (MISSING for a nil interface)."""
    if isinstance(v, _Iface):
        return MISSING if v.v is None else v.v
    return v


def _plain(v: Any) -> Any:
    """The value as an ``any`` argument sees it (nil for MISSING or a nil interface)."""
    if isinstance(v, _Iface):
        return v.v
    return None if v is MISSING else v


def type_name(v: Any) -> str:
    """``%T``: the Go type of a template value (sprig's ``typeOf`` too)."""
    if isinstance(v, _Iface):
        return "interface {}"
    if v is None or v is MISSING:
        return "<nil>"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, Byte):
        return "uint8"
    if isinstance(v, Int):
        return "int"
    if isinstance(v, int):
        return "int64"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, list | tuple):
        return "[]interface {}"
    if callable(v):
        return "func"
    return type(v).__name__


# -- Go's fmt ---------------------------------------------------------------------------------


def _float_digits(v: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of abs(v) and the decimal point position (Go's ``dp``:
    abs(v) = 0.DIGITS x 10^dp)."""
    _, digits, exp = Decimal(repr(abs(v))).normalize().as_tuple()
    ds = "".join(map(str, digits))
    return ds, len(ds) + int(exp)


def _exp_str(e: int) -> str:
    return ("e-" if e < 0 else "e+") + f"{abs(e):02d}"


def format_float_shortest(v: float) -> str:
    """strconv.FormatFloat(v, 'g', -1, 64): what ``%v`` prints for a float64."""
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "+Inf" if v > 0 else "-Inf"
    neg = math.copysign(1.0, v) < 0
    if v == 0:
        return "-0" if neg else "0"
    ds, dp = _float_digits(v)
    exp = dp - 1
    if exp < -4 or exp >= 6:  # shortest: Go decides with precision 6
        s = ds[0] + ("." + ds[1:] if len(ds) > 1 else "") + _exp_str(exp)
    elif dp <= 0:
        s = "0." + "0" * (-dp) + ds
    elif dp >= len(ds):
        s = ds + "0" * (dp - len(ds))
    else:
        s = ds[:dp] + "." + ds[dp:]
    return ("-" if neg else "") + s


def _quote_rune(o: int) -> str:
    if o == ord("'"):
        return "'\\''"
    if o == ord('"'):
        return "'\"'"
    q = _go_quote(chr(o) if 0 <= o <= 0x10FFFF else "\ufffd")
    return "'" + q[1:-1] + "'"


def sprint_value(v: Any) -> str:
    """``%v`` of a Go value."""
    return _fmt_arg(v, "v", _Spec())


class _Spec:
    __slots__ = ("minus", "plus", "sharp", "space", "zero", "width", "prec")

    def __init__(self):
        self.minus = self.plus = self.sharp = self.space = self.zero = False
        self.width: int | None = None
        self.prec: int | None = None


def _pad(s: str, spec: _Spec, zero_ok: bool = False) -> str:
    if spec.width is None or len(s) >= spec.width:
        return s
    n = spec.width - len(s)
    if spec.minus:
        return s + " " * n
    if spec.zero and zero_ok:
        if s[:1] in "+- ":
            return s[0] + "0" * n + s[1:]
        return "0" * n + s
    return " " * n + s


def _bad_verb(v: Any, verb: str) -> str:
    if v is None or v is MISSING:
        return f"%!{verb}(<nil>)"
    return f"%!{verb}({type_name(v)}={sprint_value(v)})"


def _fmt_int(n: int, verb: str, spec: _Spec) -> str:
    if verb == "c":
        return _pad(chr(n) if 0 <= n <= 0x10FFFF else "\ufffd", spec)
    if verb == "q":
        return _pad(_quote_rune(n), spec)
    if verb == "U":
        s = f"U+{n:04X}" if n >= 0 else f"U+{n & 0xFFFFFFFFFFFFFFFF:04X}"
        if spec.sharp and 0 <= n <= 0x10FFFF and _is_print(chr(n)):
            s += f" '{chr(n)}'"
        return _pad(s, spec)
    base = {"d": 10, "v": 10, "b": 2, "o": 8, "O": 8, "x": 16, "X": 16}[verb]
    a = abs(n)
    if base == 10:
        digits = str(a)
    elif base == 2:
        digits = format(a, "b")
    elif base == 8:
        digits = format(a, "o")
    else:
        digits = format(a, "x" if verb == "x" else "X")
    if spec.prec is not None:
        digits = digits.rjust(spec.prec, "0") if not (spec.prec == 0 and n == 0) else ""
    prefix = ""
    if verb == "O":
        prefix = "0o"
    elif spec.sharp:
        if base == 8 and not digits.startswith("0"):
            prefix = "0"
        elif verb == "x":
            prefix = "0x"
        elif verb == "X":
            prefix = "0X"
        elif base == 2:
            prefix = "0b"
    sign = "-" if n < 0 else ("+" if spec.plus else (" " if spec.space else ""))
    body = prefix + digits
    if spec.zero and not spec.minus and spec.width is not None and spec.prec is None:
        body = (
            body.rjust(spec.width - len(sign), "0")
            if len(prefix) == 0
            else prefix + digits.rjust(spec.width - len(sign) - len(prefix), "0")
        )
        return sign + body
    return _pad(sign + body, spec)


def _fmt_float(x: float, verb: str, spec: _Spec) -> str:
    if verb in "vgG" and spec.prec is None:
        s = format_float_shortest(x)
        if verb == "G":
            s = s.upper()
        if spec.sharp and "." not in s and "e" not in s.lower():
            s += "."
    elif math.isnan(x) or math.isinf(x):
        s = "NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf")
    else:
        prec = 6 if spec.prec is None else spec.prec
        py = {"e": "e", "E": "E", "f": "f", "F": "f", "g": "g", "G": "G", "v": "g"}[verb]
        s = format(x, ("#" if spec.sharp else "") + f".{prec}{py}")
    if spec.plus and s[0] not in "+-":
        s = "+" + s
    elif spec.space and s[0] not in "+-":
        s = " " + s
    if math.isinf(x) or math.isnan(x):
        return _pad(s, spec)
    return _pad(s, spec, zero_ok=True)


def _hex_float(x: float, verb: str, prec: int | None) -> str:
    """strconv's 'x' format: -0x1.cp+01."""
    if math.isnan(x) or math.isinf(x):
        return "NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf")
    h = float.hex(x)  # [-]0x1.c000000000000p+1
    neg = h.startswith("-")
    h = h.lstrip("-")
    mant, _, exp = h[2:].partition("p")
    whole, _, frac = mant.partition(".")
    frac = frac.rstrip("0")
    if prec is not None:
        if len(frac) > prec:
            v = float.fromhex("0x" + whole + "." + frac + "p" + exp)
            h2 = float.hex(round(v * 2 ** (4 * prec - int(exp))) / 2 ** (4 * prec - int(exp)))
            mant, _, exp = h2[2:].partition("p")
            whole, _, frac = mant.partition(".")
            frac = frac.rstrip("0")
        frac = frac.ljust(prec, "0")
    e = int(exp)
    if x == 0:
        whole, e = "0", 0
    s = "0x" + whole + ("." + frac if frac else "") + "p" + ("-" if e < 0 else "+") + f"{abs(e):02d}"
    if verb == "X":
        s = s.upper()
    return ("-" if neg else "") + s


def _sharp_v(v: Any, top: bool = True) -> str:
    """``%#v``: Go syntax."""
    if isinstance(v, _Iface):
        v = v.v
    if v is None or v is MISSING:
        return "<nil>" if top else "interface {}(nil)"
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        s = format_float_shortest(v)
        return s if any(c in s for c in ".eIN") else s + ".0" if abs(v) < 1e21 else s
    if isinstance(v, str):
        return _go_quote(v)
    if isinstance(v, dict):
        return (
            "map[string]interface {}{"
            + ", ".join(_go_quote(k) + ":" + _sharp_v(v[k], False) for k in sorted(v))
            + "}"
        )
    if isinstance(v, list | tuple):
        return "[]interface {}{" + ", ".join(_sharp_v(e, False) for e in v) + "}"
    return sprint_value(v)


def _fmt_str(s: str, verb: str, spec: _Spec) -> str:
    if spec.prec is not None and verb in "svq":
        s = s[: spec.prec]
    if verb in "sv":
        return _pad(s, spec)
    if verb == "q":
        if spec.sharp and "`" not in s and all(_is_print(c) or c == "\t" for c in s):
            return _pad("`" + s + "`", spec)
        return _pad(_go_quote(s, ascii_only=spec.plus), spec)
    # x / X: hex of the bytes
    b = s.encode()
    if spec.prec is not None:
        b = b[: spec.prec]
    digits = "0123456789abcdef" if verb == "x" else "0123456789ABCDEF"
    parts = []
    for i, c in enumerate(b):
        h = digits[c >> 4] + digits[c & 15]
        if spec.sharp and (spec.space or i == 0):
            h = ("0x" if verb == "x" else "0X") + h
        if spec.space and i > 0:
            h = " " + h
        parts.append(h)
    return _pad("".join(parts), spec)


def _fmt_arg(v: Any, verb: str, spec: _Spec) -> str:
    """fmt's printArg for one operand."""
    v = _plain(v)
    if verb == "T":
        return _pad(type_name(v), spec)
    if verb == "v" and spec.sharp:
        return _pad(_sharp_v(v), spec)
    if v is None:
        if verb == "v":
            return _pad("<nil>", spec)
        return _bad_verb(v, verb)
    if isinstance(v, bool):
        if verb in "tv":
            return _pad("true" if v else "false", spec)
        return _bad_verb(v, verb)
    if isinstance(v, int):
        if verb in "vdboOxXcqU":
            return _fmt_int(v, verb, spec)
        return _bad_verb(v, verb)
    if isinstance(v, float):
        if verb in "veEfFgG":
            return _fmt_float(v, verb, spec)
        if verb in "xX":
            return _pad(_hex_float(v, verb, spec.prec), spec)
        return _bad_verb(v, verb)
    if isinstance(v, complex):
        if verb in "veEfFgG":
            im = _Spec()
            im.plus, im.prec = True, spec.prec
            re_spec = _Spec()
            re_spec.prec, re_spec.plus, re_spec.space = spec.prec, spec.plus, spec.space
            body = "(" + _fmt_float(v.real, verb, re_spec) + _fmt_float(v.imag, verb, im) + "i)"
            return _pad(body, spec)
        return _bad_verb(v, verb)
    if isinstance(v, str):
        if verb in "vsqxX":
            return _fmt_str(v, verb, spec)
        return _bad_verb(v, verb)
    if isinstance(v, dict):
        inner = " ".join(_fmt_elem(k, verb, spec) + ":" + _fmt_elem(v[k], verb, spec) for k in sorted(v))
        return "map[" + inner + "]"
    if isinstance(v, list | tuple):
        return "[" + " ".join(_fmt_elem(e, verb, spec) for e in v) + "]"
    if callable(v):
        return _bad_verb(v, verb) if verb != "v" else f"{id(v):#x}"
    return _pad(str(v), spec)


def _fmt_elem(v: Any, verb: str, spec: _Spec) -> str:
    """An element inside a map or slice: a nil interface prints <nil> whatever the verb."""
    if v is None and verb != "T":
        return _pad("<nil>", spec)
    return _fmt_arg(v, verb, spec)


def _arg_number(fmt: str, i: int, argi: int, nargs: int) -> tuple[int, int, bool]:
    """fmt's ``[n]`` explicit argument index at fmt[i]: (new i, new argi, bad index)."""
    if i >= len(fmt) or fmt[i] != "[":
        return i, argi, False
    k = fmt.find("]", i)
    if k < 0:
        return i + 1, argi, True
    num = fmt[i + 1 : k]
    if not num.isdigit() or not 1 <= int(num) <= nargs:
        return k + 1, argi, True
    return k + 1, int(num) - 1, False


def go_sprintf(fmt: str, args: list[Any]) -> str:
    """fmt.Sprintf."""
    out: list[str] = []
    argi = 0
    reordered = False
    i, n = 0, len(fmt)
    while i < n:
        j = fmt.find("%", i)
        if j < 0:
            out.append(fmt[i:])
            break
        out.append(fmt[i:j])
        i = j + 1
        spec = _Spec()
        while i < n and fmt[i] in "+-# 0":
            c = fmt[i]
            if c == "+":
                spec.plus = True
            elif c == "-":
                spec.minus = True
                spec.zero = False
            elif c == "#":
                spec.sharp = True
            elif c == " ":
                spec.space = True
            elif c == "0":
                spec.zero = not spec.minus
            i += 1
        i, argi, bad_index = _arg_number(fmt, i, argi, len(args))
        if i < n and fmt[i] == "*":
            i += 1
            if (
                argi < len(args)
                and isinstance(_plain(args[argi]), int)
                and not isinstance(_plain(args[argi]), bool)
            ):
                spec.width = int(_plain(args[argi]))
                if spec.width < 0:
                    spec.minus, spec.width = True, -spec.width
            else:
                out.append("%!(BADWIDTH)")
            argi += 1
        else:
            k = i
            while i < n and fmt[i].isdigit():
                i += 1
            if i > k:
                spec.width = int(fmt[k:i])
        if i < n and fmt[i] == ".":
            i += 1
            i, argi, bad2 = _arg_number(fmt, i, argi, len(args))
            bad_index = bad_index or bad2
            if i < n and fmt[i] == "*":
                i += 1
                if argi < len(args) and isinstance(_plain(args[argi]), int):
                    spec.prec = int(_plain(args[argi]))
                    if spec.prec < 0:
                        spec.prec = None
                else:
                    out.append("%!(BADPREC)")
                argi += 1
            else:
                k = i
                while i < n and fmt[i].isdigit():
                    i += 1
                spec.prec = int(fmt[k:i]) if i > k else 0
        i, argi, bad3 = _arg_number(fmt, i, argi, len(args))
        bad_index = bad_index or bad3
        reordered = reordered or fmt.find("[", j, i) >= 0
        if i >= n:
            out.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            out.append("%")
            continue
        if bad_index:
            out.append(f"%!{verb}(BADINDEX)")
            continue
        if argi >= len(args):
            out.append(f"%!{verb}(MISSING)")
            continue
        arg = args[argi]
        argi += 1
        if verb == "w":
            verb = "v"
        out.append(_fmt_arg(arg, verb, spec))
    if not reordered and argi < len(args):
        extra = []
        for a in args[argi:]:
            a = _plain(a)
            extra.append("<nil>" if a is None else f"{type_name(a)}={sprint_value(a)}")
        out.append("%!(EXTRA " + ", ".join(extra) + ")")
    return "".join(out)


def go_sprint(args: list[Any], ln: bool = False) -> str:
    """fmt.Sprint (spaces between operands when neither is a string) or fmt.Sprintln."""
    out: list[str] = []
    prev_string = False
    for k, a in enumerate(args):
        a = _plain(a)
        is_string = isinstance(a, str)
        if k > 0 and (ln or (not is_string and not prev_string)):
            out.append(" ")
        out.append(sprint_value(a))
        prev_string = is_string
    if ln:
        out.append("\n")
    return "".join(out)


# -- lexer --------------------------------------------------------------------------------------

(
    T_ERROR,
    T_BOOL,
    T_CHAR,
    T_CHARCONST,
    T_COMMENT,
    T_ASSIGN,
    T_DECLARE,
    T_EOF,
    T_FIELD,
    T_IDENT,
    T_LDELIM,
    T_LPAREN,
    T_NUMBER,
    T_PIPE,
    T_RAWSTRING,
    T_RDELIM,
    T_RPAREN,
    T_SPACE,
    T_STRING,
    T_TEXT,
    T_VARIABLE,
    T_COMPLEX,
    T_KEYWORD,
    T_BLOCK,
    T_BREAK,
    T_CONTINUE,
    T_DOT,
    T_DEFINE,
    T_ELSE,
    T_END,
    T_IF,
    T_NIL,
    T_RANGE,
    T_TEMPLATE,
    T_WITH,
) = range(35)

_KEYWORDS = {
    ".": T_DOT,
    "block": T_BLOCK,
    "break": T_BREAK,
    "continue": T_CONTINUE,
    "define": T_DEFINE,
    "else": T_ELSE,
    "end": T_END,
    "if": T_IF,
    "range": T_RANGE,
    "nil": T_NIL,
    "template": T_TEMPLATE,
    "with": T_WITH,
}

_SPACE = " \t\r\n"


class _Item:
    __slots__ = ("typ", "pos", "val", "line")

    def __init__(self, typ: int, pos: int, val: str, line: int):
        self.typ, self.pos, self.val, self.line = typ, pos, val, line

    def __str__(self) -> str:
        if self.typ == T_EOF:
            return "EOF"
        if self.typ == T_ERROR:
            return self.val
        if self.typ > T_KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return _go_quote(self.val[:10]) + "..."
        return _go_quote(self.val)


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or unicodedata.category(ch) == "Nd"


def _rune_u(ch: str) -> str:
    """``%#U`` of a rune."""
    s = f"U+{ord(ch):04X}"
    if _is_print(ch):
        s += f" '{ch}'"
    return s


def _lex(text: str, break_ok: bool, continue_ok: bool, ld: str = "{{", rd: str = "}}") -> list[_Item]:
    """Go's lexer, run to the end (or the first error) at once: the parser reads it in order."""
    items: list[_Item] = []
    newlines = [i for i, c in enumerate(text) if c == "\n"]
    n = len(text)

    def line_at(p: int) -> int:
        return 1 + bisect.bisect_left(newlines, p)

    def emit(typ: int, start: int, end: int) -> None:
        items.append(_Item(typ, start, text[start:end], line_at(start)))

    def error(start: int, msg: str) -> list[_Item]:
        items.append(_Item(T_ERROR, start, msg, line_at(start)))
        return items

    def has_left_trim(p: int) -> bool:
        return p + 1 < n and text[p] == "-" and text[p + 1] in _SPACE

    def has_right_trim(p: int) -> bool:
        return p + 1 < n and text[p] in _SPACE and text[p + 1] == "-"

    def at_right_delim(p: int) -> tuple[bool, bool]:
        if has_right_trim(p) and text.startswith(rd, p + 2):
            return True, True
        if text.startswith(rd, p):
            return True, False
        return False, False

    def at_terminator(p: int) -> bool:
        if p >= n:
            return True
        r = text[p]
        if r in _SPACE or r in ".,|:)(":
            return True
        return text.startswith(rd, p)

    pos = 0
    while True:
        # lexText
        x = text.find(ld, pos)
        if x < 0:
            if n > pos:
                emit(T_TEXT, pos, n)
            items.append(_Item(T_EOF, n, "EOF", line_at(n)))
            return items
        start = pos
        end = x
        delim_end = x + len(ld)
        if has_left_trim(delim_end):
            end = len(text[start:x].rstrip(_SPACE)) + start
        if end > start:
            emit(T_TEXT, start, end)
        # lexLeftDelim
        pos = x + len(ld)
        trim = has_left_trim(pos)
        after = 2 if trim else 0
        if text.startswith("/*", pos + after):
            cstart = pos + after
            k = text.find("*/", cstart + 2)
            if k < 0:
                return error(cstart, "unclosed comment")
            pos = k + 2
            delim, trim_r = at_right_delim(pos)
            if not delim:
                return error(cstart, "comment ends before closing delimiter")
            if trim_r:
                pos += 2
            pos += len(rd)
            if trim_r:
                while pos < n and text[pos] in _SPACE:
                    pos += 1
            continue
        emit(T_LDELIM, x, pos)
        pos += after
        paren = 0
        # lexInsideAction
        while True:
            delim, trim_r = at_right_delim(pos)
            if delim:
                if paren != 0:
                    return error(pos, "unclosed left paren")
                if trim_r:
                    pos += 2
                emit(T_RDELIM, pos, pos + len(rd))
                pos += len(rd)
                if trim_r:
                    while pos < n and text[pos] in _SPACE:
                        pos += 1
                break
            if pos >= n:
                return error(pos, "unclosed action")
            r = text[pos]
            start = pos
            pos += 1
            if r in _SPACE:
                num = 1
                while pos < n and text[pos] in _SPACE:
                    pos += 1
                    num += 1
                # a trim-marked closing delimiter: " -}}"
                if has_right_trim(pos - 1) and text.startswith(rd, pos + 1):
                    pos -= 1
                    if num == 1:
                        continue
                emit(T_SPACE, start, pos)
            elif r == "=":
                emit(T_ASSIGN, start, pos)
            elif r == ":":
                if pos >= n or text[pos] != "=":
                    return error(start, "expected :=")
                pos += 1
                emit(T_DECLARE, start, pos)
            elif r == "|":
                emit(T_PIPE, start, pos)
            elif r == '"':
                while True:
                    if pos >= n:
                        return error(start, "unterminated quoted string")
                    c = text[pos]
                    pos += 1
                    if c == "\\":
                        if pos >= n or text[pos] == "\n":
                            return error(start, "unterminated quoted string")
                        pos += 1
                    elif c == "\n":
                        return error(start, "unterminated quoted string")
                    elif c == '"':
                        break
                emit(T_STRING, start, pos)
            elif r == "`":
                k = text.find("`", pos)
                if k < 0:
                    return error(start, "unterminated raw quoted string")
                pos = k + 1
                emit(T_RAWSTRING, start, pos)
            elif r == "'":
                while True:
                    if pos >= n:
                        return error(start, "unterminated character constant")
                    c = text[pos]
                    pos += 1
                    if c == "\\":
                        if pos >= n or text[pos] == "\n":
                            return error(start, "unterminated character constant")
                        pos += 1
                    elif c == "\n":
                        return error(start, "unterminated character constant")
                    elif c == "'":
                        break
                emit(T_CHARCONST, start, pos)
            elif r in "$.":
                if r == "." and pos < n and "0" <= text[pos] <= "9":
                    pos, ok, typ = _scan_number_token(text, start)
                    if not ok:
                        return error(start, f"bad number syntax: {_go_quote(text[start:pos])}")
                    emit(typ, start, pos)
                    continue
                if at_terminator(pos):
                    emit(T_VARIABLE if r == "$" else T_DOT, start, pos)
                    continue
                while pos < n and _is_alnum(text[pos]):
                    pos += 1
                if not at_terminator(pos):
                    return error(start, f"bad character {_rune_u(text[pos])}")
                emit(T_VARIABLE if r == "$" else T_FIELD, start, pos)
            elif r in "+-" or "0" <= r <= "9":
                pos, ok, typ = _scan_number_token(text, start)
                if not ok:
                    return error(start, f"bad number syntax: {_go_quote(text[start:pos])}")
                emit(typ, start, pos)
            elif _is_alnum(r):
                while pos < n and _is_alnum(text[pos]):
                    pos += 1
                word = text[start:pos]
                if not at_terminator(pos):
                    return error(start, f"bad character {_rune_u(text[pos])}")
                kw = _KEYWORDS.get(word)
                if kw is not None and kw > T_KEYWORD:
                    if (kw == T_BREAK and not break_ok) or (kw == T_CONTINUE and not continue_ok):
                        emit(T_IDENT, start, pos)
                    else:
                        emit(kw, start, pos)
                elif word in ("true", "false"):
                    emit(T_BOOL, start, pos)
                else:
                    emit(T_IDENT, start, pos)
            elif r == "(":
                emit(T_LPAREN, start, pos)
                paren += 1
            elif r == ")":
                paren -= 1
                if paren < 0:
                    return error(start, "unexpected right paren")
                emit(T_RPAREN, start, pos)
            elif ord(r) < 0x80 and r.isprintable():
                emit(T_CHAR, start, pos)
            else:
                return error(start, f"unrecognized character in action: {_rune_u(r)}")


def _scan_number(text: str, p: int) -> tuple[int, bool]:
    n = len(text)

    def accept(p: int, valid: str) -> tuple[int, bool]:
        if p < n and text[p] in valid:
            return p + 1, True
        return p, False

    def accept_run(p: int, valid: str) -> int:
        while p < n and text[p] in valid:
            p += 1
        return p

    p, _ = accept(p, "+-")
    digits = "0123456789_"
    p, z = accept(p, "0")
    if z:
        for pre, ds in (("xX", "0123456789abcdefABCDEF_"), ("oO", "01234567_"), ("bB", "01_")):
            p, ok = accept(p, pre)
            if ok:
                digits = ds
                break
    p = accept_run(p, digits)
    p, ok = accept(p, ".")
    if ok:
        p = accept_run(p, digits)
    if len(digits) == 11:
        p, ok = accept(p, "eE")
        if ok:
            p, _ = accept(p, "+-")
            p = accept_run(p, "0123456789_")
    if len(digits) == 23:
        p, ok = accept(p, "pP")
        if ok:
            p, _ = accept(p, "+-")
            p = accept_run(p, "0123456789_")
    p, _ = accept(p, "i")
    if p < n and _is_alnum(text[p]):
        return p + 1, False
    return p, True


def _scan_number_token(text: str, start: int) -> tuple[int, bool, int]:
    p, ok = _scan_number(text, start)
    if not ok:
        return p, False, T_NUMBER
    if p < len(text) and text[p] in "+-":
        p, ok = _scan_number(text, p)
        if not ok or text[p - 1] != "i":
            return p, False, T_COMPLEX
        return p, True, T_COMPLEX
    return p, True, T_NUMBER


# -- nodes --------------------------------------------------------------------------------------


class Node:
    pos = 0
    tree: _Tree | None = None


class ListNode(Node):
    def __init__(self, pos: int):
        self.pos, self.nodes = pos, []

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    def __init__(self, pos: int, text: str):
        self.pos, self.text = pos, text

    def __str__(self) -> str:
        return self.text


class CommentNode(Node):
    def __init__(self, pos: int, text: str):
        self.pos, self.text = pos, text

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


class PipeNode(Node):
    def __init__(self, pos: int, line: int):
        self.pos, self.line = pos, line
        self.is_assign = False
        self.decl: list[VariableNode] = []
        self.cmds: list[CommandNode] = []

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + (" = " if self.is_assign else " := ")
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    def __init__(self, pos: int, line: int, pipe: PipeNode):
        self.pos, self.line, self.pipe = pos, line, pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    def __init__(self, pos: int):
        self.pos, self.args = pos, []

    def __str__(self) -> str:
        return " ".join(f"({a})" if isinstance(a, PipeNode) else str(a) for a in self.args)


class IdentifierNode(Node):
    def __init__(self, pos: int, ident: str):
        self.pos, self.ident = pos, ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    def __init__(self, pos: int, ident: str):
        self.pos, self.ident = pos, ident.split(".")

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    def __init__(self, pos: int):
        self.pos = pos

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    def __init__(self, pos: int):
        self.pos = pos

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    def __init__(self, pos: int, ident: str):
        self.pos, self.ident = pos, ident[1:].split(".")

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    def __init__(self, pos: int, node: Node):
        self.pos, self.node, self.field = pos, node, []

    def add(self, field: str) -> None:
        self.field.extend(field[1:].split("."))

    def __str__(self) -> str:
        s = f"({self.node})" if isinstance(self.node, PipeNode) else str(self.node)
        return s + "".join("." + f for f in self.field)


class BoolNode(Node):
    def __init__(self, pos: int, true: bool):
        self.pos, self.true = pos, true

    def __str__(self) -> str:
        return "true" if self.true else "false"


class NumberNode(Node):
    def __init__(self, pos: int, text: str):
        self.pos, self.text = pos, text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    def __init__(self, pos: int, quoted: str, text: str):
        self.pos, self.quoted, self.text = pos, quoted, text

    def __str__(self) -> str:
        return self.quoted


class _EndNode(Node):
    def __init__(self, pos: int):
        self.pos = pos

    def __str__(self) -> str:
        return "{{end}}"


class _ElseNode(Node):
    def __init__(self, pos: int, line: int):
        self.pos, self.line = pos, line

    def __str__(self) -> str:
        return "{{else}}"


class _BranchNode(Node):
    keyword = ""

    def __init__(self, pos: int, line: int, pipe: PipeNode, lst: ListNode, else_list: ListNode | None):
        self.pos, self.line, self.pipe, self.list, self.else_list = pos, line, pipe, lst, else_list

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(_BranchNode):
    keyword = "if"


class RangeNode(_BranchNode):
    keyword = "range"


class WithNode(_BranchNode):
    keyword = "with"


class BreakNode(Node):
    def __init__(self, pos: int, line: int):
        self.pos, self.line = pos, line

    def __str__(self) -> str:
        return "{{break}}"


class ContinueNode(Node):
    def __init__(self, pos: int, line: int):
        self.pos, self.line = pos, line

    def __str__(self) -> str:
        return "{{continue}}"


class TemplateNode(Node):
    def __init__(self, pos: int, line: int, name: str, pipe: PipeNode | None):
        self.pos, self.line, self.name, self.pipe = pos, line, name, pipe

    def __str__(self) -> str:
        if self.pipe is None:
            return "{{template " + _go_quote(self.name) + "}}"
        return "{{template " + _go_quote(self.name) + " " + str(self.pipe) + "}}"


# -- parser -------------------------------------------------------------------------------------


class _ParseError(Exception):
    pass


def _unquote(s: str) -> str:
    """strconv.Unquote of a lexed string, raw string or character constant."""
    q = s[0]
    if q == "`":
        if len(s) < 2 or s[-1] != "`":
            raise _ParseError("invalid syntax")
        return s[1:-1].replace("\r", "")
    if len(s) < 2 or s[-1] != q:
        raise _ParseError("invalid syntax")
    body = s[1:-1]
    out: list[str] = []
    i, n = 0, len(body)
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
    while i < n:
        c = body[i]
        if c == q and q == "'":
            raise _ParseError("invalid syntax")
        if c != "\\":
            out.append(c)
            i += 1
            continue
        if i + 1 >= n:
            raise _ParseError("invalid syntax")
        e = body[i + 1]
        i += 2
        if e in simple:
            out.append(simple[e])
        elif e == q:
            out.append(e)
        elif e in "xuU":
            width = {"x": 2, "u": 4, "U": 8}[e]
            h = body[i : i + width]
            if len(h) != width or any(ch not in "0123456789abcdefABCDEF" for ch in h):
                raise _ParseError("invalid syntax")
            v = int(h, 16)
            if e != "x" and (v > 0x10FFFF or 0xD800 <= v < 0xE000):
                raise _ParseError("invalid syntax")
            out.append(chr(v))
            i += width
        elif e in "01234567":
            o = body[i - 1 : i + 2]
            if len(o) != 3 or any(ch not in "01234567" for ch in o) or int(o, 8) > 255:
                raise _ParseError("invalid syntax")
            out.append(chr(int(o, 8)))
            i += 2
        else:
            raise _ParseError("invalid syntax")
    r = "".join(out)
    if q == "'" and len(r) != 1:
        raise _ParseError("invalid syntax")
    return r


def _parse_go_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) without the range check."""
    t = text
    neg = False
    if t[:1] in "+-":
        neg, t = t[0] == "-", t[1:]
    if not t:
        return None
    base = 10
    if len(t) > 1 and t[0] == "0":
        p = t[1].lower()
        if p in "xob":
            base, t = {"x": 16, "o": 8, "b": 2}[p], t[2:]
        else:
            base, t = 8, t[1:]
    if not t or t.startswith("_") or t.endswith("_") or "__" in t:
        return None
    try:
        v = int(t.replace("_", ""), base)
    except ValueError:
        return None
    return -v if neg else v


class _Tree:
    def __init__(self, name: str, parse_name: str, text: str, funcs: Callable[[str], bool]):
        self.name, self.parse_name, self.text = name, parse_name, text
        self.has_function = funcs
        self.root: ListNode | None = None
        self._newlines: list[int] = []

    def location(self, node: Node) -> str:
        pos = node.pos
        text = self.text[:pos]
        nl = text.rfind("\n")
        col = len(text[nl + 1 :].encode())  # Go counts bytes
        return f"{self.parse_name}:{1 + text.count(chr(10))}:{col}"


class _Parser:
    def __init__(self, tree: _Tree, items: list[_Item], tree_set: dict[str, _Tree]):
        self.t = tree
        self.items = items
        self.i = 0
        self.token: list[_Item] = [items[0], items[0], items[0]]
        self.peek_count = 0
        self.vars = ["$"]
        self.tree_set = tree_set
        self.action_line = 0
        self.range_depth = 0

    # token stream, as Go's three-token lookahead
    def _lex_next(self) -> _Item:
        it = self.items[self.i] if self.i < len(self.items) else self.items[-1]
        if self.i < len(self.items) - 1 or it.typ == T_EOF:
            self.i += 1
        if it.typ == T_ERROR:
            # the lexer stops at its error; later reads are EOF
            self.items = self.items[: self.i] + [_Item(T_EOF, it.pos, "EOF", it.line)]
        return it

    def next(self) -> _Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            self.token[0] = self._lex_next()
        return self.token[self.peek_count]

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: _Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: _Item, t1: _Item) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self) -> _Item:
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        self.token[0] = self._lex_next()
        return self.token[0]

    def next_non_space(self) -> _Item:
        while True:
            tok = self.next()
            if tok.typ != T_SPACE:
                return tok

    def peek_non_space(self) -> _Item:
        tok = self.next_non_space()
        self.backup()
        return tok

    def errorf(self, msg: str) -> None:
        raise _ParseError(f"template: {self.t.parse_name}:{self.token[0].line}: {msg}")

    def expect(self, typ: int, context: str) -> _Item:
        tok = self.next_non_space()
        if tok.typ != typ:
            self.unexpected(tok, context)
        return tok

    def unexpected(self, tok: _Item, context: str) -> None:
        if tok.typ == T_ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != tok.line:
                extra = f" in action started at {self.t.parse_name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action") :]
            self.errorf(f"{tok}{extra}")
        self.errorf(f"unexpected {tok} in {context}")

    # grammar
    def parse(self) -> None:
        self.t.root = ListNode(self.peek().pos)
        while self.peek().typ != T_EOF:
            if self.peek().typ == T_LDELIM:
                delim = self.next()
                if self.next_non_space().typ == T_DEFINE:
                    self.parse_definition()
                    continue
                self.backup2(delim)
            n = self.text_or_action()
            if isinstance(n, _EndNode | _ElseNode):
                self.errorf(f"unexpected {n}")
            self.t.root.nodes.append(n)

    def _sub(self, name: str) -> tuple[_Tree, list[str], int]:
        new = _Tree(name, self.t.parse_name, self.t.text, self.t.has_function)
        saved = (self.t, self.vars, self.range_depth)
        self.t, self.vars, self.range_depth = new, ["$"], 0
        return saved  # type: ignore[return-value]

    def parse_definition(self) -> None:
        context = "define clause"
        tok = self.next_non_space()
        if tok.typ not in (T_STRING, T_RAWSTRING):
            self.unexpected(tok, context)
        try:
            name = _unquote(tok.val)
        except _ParseError as e:
            self.errorf(str(e))
        saved = self._sub(name)
        self.expect(T_RDELIM, context)
        self.t.root, end = self.item_list()
        if not isinstance(end, _EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()
        self.t, self.vars, self.range_depth = saved

    def add(self) -> None:
        tree = self.tree_set.get(self.t.name)
        if tree is None or _is_empty_tree(tree.root):
            self.tree_set[self.t.name] = self.t
            return
        if not _is_empty_tree(self.t.root):
            self.errorf(f"template: multiple definition of template {_go_quote(self.t.name)}")

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self.peek_non_space().pos)
        while self.peek_non_space().typ != T_EOF:
            n = self.text_or_action()
            if isinstance(n, _EndNode | _ElseNode):
                return lst, n
            lst.nodes.append(n)
        self.errorf("unexpected EOF")
        raise AssertionError

    def text_or_action(self) -> Node:
        tok = self.next_non_space()
        if tok.typ == T_TEXT:
            return TextNode(tok.pos, tok.val)
        if tok.typ == T_LDELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(tok, "input")
        raise AssertionError

    def action(self) -> Node:
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T_BLOCK:
            return self.block_control()
        if typ == T_BREAK:
            return self.break_control(tok, "{{break}}", BreakNode)
        if typ == T_CONTINUE:
            return self.break_control(tok, "{{continue}}", ContinueNode)
        if typ == T_ELSE:
            return self.else_control()
        if typ == T_END:
            return _EndNode(self.expect(T_RDELIM, "end").pos)
        if typ == T_IF:
            return IfNode(*self.parse_control("if"))
        if typ == T_RANGE:
            return RangeNode(*self.parse_control("range"))
        if typ == T_TEMPLATE:
            return self.template_control()
        if typ == T_WITH:
            return WithNode(*self.parse_control("with"))
        self.backup()
        tok = self.peek()
        return ActionNode(tok.pos, tok.line, self.pipeline("command", T_RDELIM))

    def break_control(self, tok: _Item, word: str, cls: type) -> Node:
        nxt = self.next_non_space()
        if nxt.typ != T_RDELIM:
            self.unexpected(nxt, word)
        if self.range_depth == 0:
            self.errorf(f"{word} outside {{{{range}}}}")
        return cls(tok.pos, tok.line)

    def pipeline(self, context: str, end: int) -> PipeNode:
        tok = self.peek_non_space()
        pipe = PipeNode(tok.pos, tok.line)
        while True:  # decls
            v = self.peek_non_space()
            if v.typ != T_VARIABLE:
                break
            self.next()
            after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ in (T_ASSIGN, T_DECLARE):
                pipe.is_assign = nxt.typ == T_ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
            elif nxt.typ == T_CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (T_VARIABLE, T_RDELIM, T_RPAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif after.typ == T_SPACE:
                self.backup3(v, after)
            else:
                self.backup2(v)
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in (
                T_BOOL,
                T_CHARCONST,
                T_COMPLEX,
                T_DOT,
                T_FIELD,
                T_IDENT,
                T_NUMBER,
                T_NIL,
                T_RAWSTRING,
                T_STRING,
                T_VARIABLE,
                T_LPAREN,
            ):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], BoolNode | DotNode | NilNode | NumberNode | StringNode):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def parse_control(self, context: str):
        mark = len(self.vars)
        try:
            pipe = self.pipeline(context, T_RDELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, _ElseNode):
                if context == "if" and self.peek().typ == T_IF:
                    self.next()
                    else_list = ListNode(nxt.pos)
                    else_list.nodes.append(IfNode(*self.parse_control("if")))
                elif context == "with" and self.peek().typ == T_WITH:
                    self.next()
                    else_list = ListNode(nxt.pos)
                    else_list.nodes.append(WithNode(*self.parse_control("with")))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, _EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[mark:]

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (T_IF, T_WITH):
            return _ElseNode(peek.pos, peek.line)
        tok = self.expect(T_RDELIM, "else")
        return _ElseNode(tok.pos, tok.line)

    def template_name(self, tok: _Item, context: str) -> str:
        if tok.typ in (T_STRING, T_RAWSTRING):
            try:
                return _unquote(tok.val)
            except _ParseError as e:
                self.errorf(str(e))
        self.unexpected(tok, context)
        raise AssertionError

    def block_control(self) -> Node:
        context = "block clause"
        tok = self.next_non_space()
        name = self.template_name(tok, context)
        pipe = self.pipeline(context, T_RDELIM)
        saved = self._sub(name)
        self.t.root, end = self.item_list()
        if not isinstance(end, _EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()
        self.t, self.vars, self.range_depth = saved
        return TemplateNode(tok.pos, tok.line, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        tok = self.next_non_space()
        name = self.template_name(tok, context)
        pipe = None
        if self.next_non_space().typ != T_RDELIM:
            self.backup()
            pipe = self.pipeline(context, T_RDELIM)
        return TemplateNode(tok.pos, tok.line, name, pipe)

    def command(self) -> CommandNode:
        cmd = CommandNode(self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.typ == T_SPACE:
                continue
            if tok.typ in (T_RDELIM, T_RPAREN):
                self.backup()
            elif tok.typ != T_PIPE:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == T_FIELD:
            chain = ChainNode(self.peek().pos, node)
            while self.peek().typ == T_FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                node = FieldNode(chain.pos, str(chain))
            elif isinstance(node, VariableNode):
                node = VariableNode(chain.pos, str(chain))
            elif isinstance(node, BoolNode | StringNode | NumberNode | NilNode | DotNode):
                self.errorf(f"unexpected . after term {_go_quote(str(node))}")
            else:
                node = chain
        return node

    def term(self) -> Node | None:
        tok = self.next_non_space()
        typ = tok.typ
        if typ == T_IDENT:
            if not self.t.has_function(tok.val):
                self.errorf(f"function {_go_quote(tok.val)} not defined")
            return IdentifierNode(tok.pos, tok.val)
        if typ == T_DOT:
            return DotNode(tok.pos)
        if typ == T_NIL:
            return NilNode(tok.pos)
        if typ == T_VARIABLE:
            v = VariableNode(tok.pos, tok.val)
            if v.ident[0] not in self.vars:
                self.errorf(f"undefined variable {_go_quote(v.ident[0])}")
            return v
        if typ == T_FIELD:
            return FieldNode(tok.pos, tok.val)
        if typ == T_BOOL:
            return BoolNode(tok.pos, tok.val == "true")
        if typ in (T_CHARCONST, T_COMPLEX, T_NUMBER):
            return self.number(tok)
        if typ == T_LPAREN:
            return self.pipeline("parenthesized pipeline", T_RPAREN)
        if typ in (T_STRING, T_RAWSTRING):
            try:
                s = _unquote(tok.val)
            except _ParseError as e:
                self.errorf(str(e))
            return StringNode(tok.pos, tok.val, s)
        self.backup()
        return None

    def number(self, tok: _Item) -> NumberNode:
        nn = NumberNode(tok.pos, tok.val)
        text = tok.val
        if tok.typ == T_CHARCONST:
            try:
                r = _unquote(text)
            except _ParseError:
                self.errorf(f"malformed character constant: {text}")
            nn.int64 = ord(r)
            nn.is_int = nn.is_uint = nn.is_float = True
            nn.float64 = float(nn.int64)
            return nn
        if tok.typ == T_COMPLEX or text.endswith("i"):
            try:
                c = (
                    complex(text.replace("_", "")[:-1] + "j")
                    if tok.typ == T_COMPLEX
                    else complex(0, float(text.replace("_", "")[:-1]))
                )
            except ValueError:
                self.errorf(f"illegal number syntax: {_go_quote(text)}")
            nn.is_complex, nn.complex128 = True, c
            if c.imag == 0:
                nn.is_float, nn.float64 = True, c.real
                if math.isfinite(c.real) and c.real == int(c.real):
                    ival = int(c.real)
                    nn.is_int, nn.int64 = -(1 << 63) <= ival < (1 << 63), ival
                    nn.is_uint = 0 <= ival < (1 << 64)
            return nn
        iv = _parse_go_int(text)
        if iv is not None:
            if -(1 << 63) <= iv < (1 << 63):
                nn.is_int, nn.int64 = True, iv
            if 0 <= iv < (1 << 64):
                nn.is_uint = True
        if nn.is_int:
            nn.is_float, nn.float64 = True, float(nn.int64)
        elif nn.is_uint:
            nn.is_float, nn.float64 = True, float(iv)
        else:
            fv = _parse_go_float(text)
            if fv is not None:
                if not any(c in text for c in ".eEpP"):
                    self.errorf(f"integer overflow: {_go_quote(text)}")
                nn.is_float, nn.float64 = True, fv
                if fv == int(fv):
                    ival = int(fv)
                    nn.is_int, nn.int64 = -(1 << 63) <= ival < (1 << 63), ival
                    nn.is_uint = 0 <= ival < (1 << 64)
        if not (nn.is_int or nn.is_uint or nn.is_float):
            self.errorf(f"illegal number syntax: {_go_quote(text)}")
        return nn


def _parse_go_float(text: str) -> float | None:
    t = text.replace("_", "")
    try:
        if "x" in t.lower():
            neg = t.startswith("-")
            body = t.lstrip("+-")
            v = float.fromhex(body)
            return -v if neg else v
        v = float(t)
    except ValueError:
        return None
    if math.isinf(v):
        return None
    return v


def _is_empty_tree(n: Node | None) -> bool:
    if n is None or isinstance(n, CommentNode):
        return True
    if isinstance(n, ListNode):
        return all(_is_empty_tree(x) for x in n.nodes)
    if isinstance(n, TextNode):
        return n.text.strip(" \t\n\r\v\f\x85\xa0") == ""
    return False


# -- functions ----------------------------------------------------------------------------------

# parameter kinds: "value" (reflect.Value: anything, missing included), "any" (interface {}),
# "string", "int", "bool", "float64"


class GoFunc:
    """A template function with Go parameter types (``params``; the last one repeats if
    ``variadic``). ``fn`` gets Go values; it may raise :class:`FuncError`."""

    def __init__(self, fn: Callable[..., Any], params: list[str], variadic: bool = False):
        self.fn, self.params, self.variadic = fn, params, variadic


def _length(item: Any) -> Any:
    if isinstance(item, _Iface) and item.v is None:
        raise FuncError("len of nil pointer")
    item = _elem(item)
    if item is MISSING:
        raise _GoPanic("reflect: call of reflect.Value.Type on zero Value")
    if isinstance(item, str):
        return Int(len(item.encode()))
    if isinstance(item, dict | list | tuple):
        return Int(len(item))
    raise FuncError(f"len of type {type_name(item)}")


def _index_arg(index: Any, cap: int) -> int:
    index = _elem(index)
    if index is MISSING:
        raise FuncError("cannot index slice/array with nil")
    if isinstance(index, bool) or not isinstance(index, int):
        raise FuncError(f"cannot index slice/array with type {type_name(index)}")
    if index < 0 or index > cap:
        raise FuncError(f"index out of range: {index}")
    return int(index)


def _index(item: Any, *indexes: Any) -> Any:
    item = _elem(item)
    if item is MISSING:
        raise FuncError("index of untyped nil")
    for index in indexes:
        index = _elem(index)
        if isinstance(item, _Iface):
            if item.v is None:
                raise FuncError("index of nil pointer")
            item = item.v
        if isinstance(item, list | tuple | str):
            x = _index_arg(index, len(item))
            if x == len(item):
                raise FuncError(f"index out of range: {x}")
            if isinstance(item, str):
                item = Byte(item.encode()[x])
            else:
                item = _Iface(item[x])
        elif isinstance(item, dict):
            if index is MISSING:
                index = ""
            if not isinstance(index, str):
                raise FuncError(f"value has type {type_name(index)}; should be string")
            item = _Iface(item.get(index))
        else:
            raise FuncError(f"can't index item of type {type_name(item)}")
    return item


def _slice(item: Any, *indexes: Any) -> Any:
    item = _elem(item)
    if item is MISSING:
        raise FuncError("slice of untyped nil")
    if len(indexes) > 3:
        raise FuncError(f"too many slice indexes: {len(indexes)}")
    if isinstance(item, str):
        if len(indexes) == 3:
            raise FuncError("cannot 3-index slice a string")
        b = item.encode()
    elif isinstance(item, list | tuple):
        b = item
    else:
        raise FuncError(f"can't slice item of type {type_name(item)}")
    cap = len(b)
    idx = [0, len(b), 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(index, cap)
    if idx[0] > idx[1]:
        raise FuncError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise FuncError(f"invalid slice index: {idx[1]} > {idx[2]}")
    if isinstance(item, str):
        return b[idx[0] : idx[1]].decode(errors="replace")
    return list(b[idx[0] : idx[1]])


def _basic_kind(v: Any) -> str | None:
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    return None


def _eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = _elem(arg1)
    if not arg2:
        raise FuncError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        arg = _elem(arg)
        k2 = _basic_kind(arg)
        truth = False
        if k1 != k2:
            if arg1 is not MISSING and arg is not MISSING:
                raise FuncError("incompatible types for comparison")
        elif k1 is not None:
            truth = arg1 == arg
        else:
            s_spec = _Spec()
            if arg1 is not MISSING and arg is not MISSING and type(arg1) is not type(arg):
                raise FuncError(
                    f"non-comparable types {_fmt_arg(arg1, 's', s_spec)}: {type_name(arg1)}, "
                    f"{type_name(arg)}: {sprint_value(arg)}"
                )
            if arg1 is MISSING or arg is MISSING:
                truth = (arg1 is MISSING) == (arg is MISSING)
            elif isinstance(arg, dict | list):
                raise FuncError(f"non-comparable type {_fmt_arg(arg, 's', s_spec)}: {type_name(arg)}")
            else:
                truth = arg1 is arg
        if truth:
            return True
    return False


def _ne(a: Any, b: Any) -> bool:
    return not _eq(a, b)


def _lt(arg1: Any, arg2: Any) -> bool:
    arg1, arg2 = _elem(arg1), _elem(arg2)
    k1, k2 = _basic_kind(arg1), _basic_kind(arg2)
    if k1 is None or k2 is None:
        raise FuncError("invalid type for comparison")
    if k1 != k2:
        raise FuncError("incompatible types for comparison")
    if k1 in ("bool", "complex"):
        raise FuncError("invalid type for comparison")
    if k1 == "string":
        return arg1.encode() < arg2.encode()
    return arg1 < arg2


def _le(a: Any, b: Any) -> bool:
    return _lt(a, b) or _eq(a, b)


def _gt(a: Any, b: Any) -> bool:
    return not _le(a, b)


def _ge(a: Any, b: Any) -> bool:
    return not _lt(a, b)


def _truth(v: Any) -> bool:
    return _is_true(_elem(v))[0]


def _not(v: Any) -> bool:
    return not _truth(v)


def _eval_args(args: tuple) -> str:
    """text/template's evalArgs: fmt.Sprint, a nil argument printing as <no value>."""
    if len(args) == 1 and isinstance(_plain(args[0]), str):
        return _plain(args[0])
    parts = []
    for a in args:
        a = _plain(a)
        parts.append("<no value>" if a is None else a)
    return go_sprint(parts)


def html_escape(s: str) -> str:
    """template.HTMLEscapeString."""
    rep = {"\0": "\ufffd", '"': "&#34;", "'": "&#39;", "&": "&amp;", "<": "&lt;", ">": "&gt;"}
    return "".join(rep.get(c, c) for c in s)


def js_escape(s: str) -> str:
    """template.JSEscapeString."""
    out = []
    rep = {
        "\\": "\\\\",
        "'": "\\'",
        '"': '\\"',
        "<": "\\u003C",
        ">": "\\u003E",
        "&": "\\u0026",
        "=": "\\u003D",
    }
    for c in s:
        if c in rep:
            out.append(rep[c])
        elif ord(c) < 0x20:
            out.append(f"\\u00{ord(c):02X}")
        elif ord(c) >= 0x80 and not _is_print(c):
            out.append(f"\\u{ord(c):04X}")
        else:
            out.append(c)
    return "".join(out)


def _urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(_eval_args(args), safe="-_.~")


def _printf(fmt: str, *args: Any) -> str:
    return go_sprintf(fmt, list(args))


_BUILTINS: dict[str, GoFunc] = {
    "and": GoFunc(None, ["value", "value"], variadic=True),  # type: ignore[arg-type]
    "or": GoFunc(None, ["value", "value"], variadic=True),  # type: ignore[arg-type]
    "call": GoFunc(None, ["value", "value"], variadic=True),  # type: ignore[arg-type]
    "html": GoFunc(lambda *a: html_escape(_eval_args(a)), ["any"], variadic=True),
    "js": GoFunc(lambda *a: js_escape(_eval_args(a)), ["any"], variadic=True),
    "urlquery": GoFunc(_urlquery, ["any"], variadic=True),
    "index": GoFunc(_index, ["value", "value"], variadic=True),
    "slice": GoFunc(_slice, ["value", "value"], variadic=True),
    "len": GoFunc(_length, ["value"]),
    "not": GoFunc(_not, ["value"]),
    "print": GoFunc(lambda *a: go_sprint(list(a)), ["any"], variadic=True),
    "printf": GoFunc(_printf, ["string", "any"], variadic=True),
    "println": GoFunc(lambda *a: go_sprint(list(a), ln=True), ["any"], variadic=True),
    "eq": GoFunc(_eq, ["value", "value"], variadic=True),
    "ne": GoFunc(_ne, ["value", "value"]),
    "lt": GoFunc(_lt, ["value", "value"]),
    "le": GoFunc(_le, ["value", "value"]),
    "gt": GoFunc(_gt, ["value", "value"]),
    "ge": GoFunc(_ge, ["value", "value"]),
}

_GO_TYPE = {
    "value": "reflect.Value",
    "any": "interface {}",
    "string": "string",
    "int": "int",
    "bool": "bool",
    "float64": "float64",
}


def _is_true(v: Any) -> tuple[bool, bool]:
    """template.IsTrue: (truth, whether the value has one)."""
    if v is MISSING or v is None:
        return False, True
    if isinstance(v, _Iface):
        return v.v is not None, True
    if isinstance(v, bool):
        return v, True
    if isinstance(v, int | float | complex):
        return v != 0, True
    if isinstance(v, str | dict | list | tuple):
        return len(v) > 0, True
    return True, True  # functions


# -- executor -----------------------------------------------------------------------------------


class _ExecError(Exception):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


_MISSING_VAL = object()  # "no final value" in a pipeline (Go's missingVal)


# Go stops at 100000 nested template calls; Python's stack is shallower, so kubeplay stops earlier
# (a template that calls itself forever) with Go's message.
_MAX_DEPTH = 150


class _State:
    def __init__(self, tmpl: Template, out: list[str], dot: Any):
        self.tmpl = tmpl
        self.out = out
        self.node: Node | None = None
        self.vars: list[list[Any]] = [["$", dot]]
        self.depth = 0

    def errorf(self, msg: str) -> None:
        name = self.tmpl.name
        if self.node is None:
            raise _ExecError(f"template: {name}: {msg}")
        tree = self.node.tree or self.tmpl._tree
        loc = tree.location(self.node) if tree else name
        raise _ExecError(f"template: {loc}: executing {_go_quote(name)} at <{self.node}>: {msg}")

    def var_value(self, name: str) -> Any:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                return self.vars[i][1]
        self.errorf(f"undefined variable: {name}")

    def set_var(self, name: str, value: Any) -> None:
        for i in range(len(self.vars) - 1, -1, -1):
            if self.vars[i][0] == name:
                self.vars[i][1] = value
                return
        self.errorf(f"undefined variable: {name}")

    # walking
    def walk(self, dot: Any, node: Node) -> None:
        self.node = node
        if isinstance(node, ActionNode):
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif isinstance(node, TextNode):
            self.out.append(node.text)
        elif isinstance(node, ListNode):
            for n in node.nodes:
                self.walk(dot, n)
        elif isinstance(node, IfNode | WithNode):
            mark = len(self.vars)
            try:
                val = self.eval_pipeline(dot, node.pipe)
                truth, _ = _is_true(_elem(val))
                if truth:
                    self.walk(val if isinstance(node, WithNode) else dot, node.list)
                elif node.else_list is not None:
                    self.walk(dot, node.else_list)
            finally:
                del self.vars[mark:]
        elif isinstance(node, RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, BreakNode):
            raise _Break()
        elif isinstance(node, ContinueNode):
            raise _Continue()
        elif isinstance(node, CommentNode):
            pass
        else:
            self.errorf(f"unknown node: {node}")

    def walk_range(self, dot: Any, r: RangeNode) -> None:
        self.node = r
        mark0 = len(self.vars)
        try:
            val = _elem(self.eval_pipeline(dot, r.pipe))
            mark = len(self.vars)

            def one(index: Any, elem: Any) -> None:
                if r.pipe.decl:
                    if r.pipe.is_assign:
                        if len(r.pipe.decl) > 1:
                            self.set_var(r.pipe.decl[0].ident[0], index)
                        else:
                            self.set_var(r.pipe.decl[0].ident[0], elem)
                    else:
                        self.vars[-1][1] = elem
                if len(r.pipe.decl) > 1:
                    if r.pipe.is_assign:
                        self.set_var(r.pipe.decl[1].ident[0], elem)
                    else:
                        self.vars[-2][1] = index
                try:
                    self.walk(elem, r.list)
                except _Continue:
                    pass
                finally:
                    del self.vars[mark:]

            ran = False
            if isinstance(val, list | tuple):
                for i, e in enumerate(val):
                    ran = True
                    one(Int(i), _Iface(e))
            elif isinstance(val, dict):
                for k in sorted(val, key=lambda s: s.encode()):
                    ran = True
                    one(k, _Iface(val[k]))
            elif val is MISSING:
                pass
            else:
                self.errorf(f"range can't iterate over {sprint_value(val)}")
            if ran:
                return
            if r.else_list is not None:
                self.walk(dot, r.else_list)
        except _Break:
            pass
        finally:
            del self.vars[mark0:]

    def walk_template(self, dot: Any, t: TemplateNode) -> None:
        self.node = t
        tmpl = self.tmpl._common.get(t.name)
        if tmpl is None or tmpl._tree is None:
            self.errorf(f"template {_go_quote(t.name)} not defined")
        if self.depth >= _MAX_DEPTH:
            self.errorf("exceeded maximum template depth (100000)")
        dot = self.eval_pipeline(dot, t.pipe)
        new = _State(tmpl, self.out, dot)
        new.depth = self.depth + 1
        new.walk(dot, tmpl._tree.root)

    # evaluation
    def eval_pipeline(self, dot: Any, pipe: PipeNode | None) -> Any:
        if pipe is None:
            return MISSING
        self.node = pipe
        value: Any = _MISSING_VAL
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            value = _elem(value)
        for v in pipe.decl:
            if pipe.is_assign:
                self.set_var(v.ident[0], value)
            else:
                self.vars.append([v.ident[0], value])
        return value

    def not_a_function(self, args: list[Node], final: Any) -> None:
        if (args is not None and len(args) > 1) or final is not _MISSING_VAL:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.node = first
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.true
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        self.errorf(f"can't evaluate command {_go_quote(str(first))}")

    def ideal_constant(self, c: NumberNode) -> Any:
        self.node = c
        t = c.text
        is_hex_int = len(t) > 2 and t[0] == "0" and t[1] in "xX" and not any(x in t for x in "pP")
        if c.is_complex:
            return c.complex128
        if c.is_float and not is_hex_int and not t.startswith("'") and any(x in t for x in ".eEpP"):
            return c.float64
        if c.is_int:
            return Int(c.int64)
        if c.is_uint:
            self.errorf(f"{t} overflows int")
        return MISSING

    def eval_field_node(self, dot: Any, field: FieldNode, args: list[Node], final: Any) -> Any:
        self.node = field
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(self, dot: Any, chain: ChainNode, args: list[Node], final: Any) -> Any:
        self.node = chain
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        pipe = self.eval_arg(dot, "value", chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.field, args, final)

    def eval_variable_node(self, dot: Any, var: VariableNode, args: list[Node], final: Any) -> Any:
        self.node = var
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args, final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(self, dot: Any, receiver: Any, node: Node, ident: list[str], args, final) -> Any:
        for name in ident[:-1]:
            receiver = self.eval_field(dot, name, node, None, _MISSING_VAL, receiver)
        return self.eval_field(dot, ident[-1], node, args, final, receiver)

    def eval_field(self, dot: Any, name: str, node: Node, args, final, receiver: Any) -> Any:
        if receiver is MISSING:
            if self.tmpl._missingkey == "error":
                self.errorf(f"nil data; no entry for key {_go_quote(name)}")
            return MISSING
        typ = type_name(receiver)
        if isinstance(receiver, _Iface):
            if receiver.v is None:
                self.errorf(f"nil pointer evaluating {typ}.{name}")
            receiver = receiver.v
        methods = getattr(receiver, "go_methods", None)
        if methods is not None and name in methods:
            # a value with methods (helm's .Files.Get, .Capabilities.APIVersions.Has): Go looks for a
            # method before a field or map key
            return self.eval_call(dot, methods[name], False, node, name, args, final)
        has_args = (args is not None and len(args) > 1) or final is not _MISSING_VAL
        if isinstance(receiver, dict):
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return _Iface(receiver[name])
            if self.tmpl._missingkey == "error":
                self.errorf(f"map has no entry for key {_go_quote(name)}")
            if self.tmpl._missingkey == "zero":
                return _Iface(None)
            return MISSING
        self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_function(self, dot: Any, node: IdentifierNode, cmd: Node, args, final) -> Any:
        self.node = node
        name = node.ident
        fn = self.tmpl._funcs.get(name)
        builtin = False
        if fn is None:
            fn = _BUILTINS.get(name)
            builtin = fn is not None
        if fn is None:
            self.errorf(f"{_go_quote(name)} is not a defined function")
        return self.eval_call(dot, fn, builtin, cmd, name, args, final)

    def eval_call(self, dot: Any, fn: GoFunc, builtin: bool, node: Node, name: str, args, final) -> Any:
        args = list(args[1:]) if args is not None else []
        num_in = len(args) + (0 if final is _MISSING_VAL else 1)
        params = fn.params
        if fn.variadic:
            num_fixed = len(params) - 1
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {num_fixed} got {len(args)}")
        else:
            num_fixed = len(args)
            if num_in != len(params):
                self.errorf(f"wrong number of args for {name}: want {len(params)} got {num_in}")

        if builtin and name in ("and", "or"):
            v: Any = MISSING
            for a in args:
                v = self.eval_arg(dot, "value", a)
                if _truth(v) == (name == "or"):
                    return v
            if final is not _MISSING_VAL:
                v = final
            return v

        argv: list[Any] = []
        for i, a in enumerate(args):
            ptype = params[i] if i < num_fixed else params[-1]
            argv.append(self.eval_arg(dot, ptype, a))
        if final is not _MISSING_VAL:
            if fn.variadic and num_in - 1 >= num_fixed:
                ptype = params[-1]
            else:
                ptype = params[num_in - 1]
            argv.append(self.validate_type(final, ptype))

        if builtin and name == "call":
            callee = str(args[0]) if args else ""
            f = _elem(argv[0]) if argv else MISSING
            self.node = node
            if f is MISSING:
                self.errorf("error calling call: call of nil")
            if not isinstance(f, GoFunc) and not callable(f):
                self.errorf(f"error calling call: non-function {callee} of type {type_name(f)}")
            if not isinstance(f, GoFunc):
                f = GoFunc(f, ["any"], variadic=True)
            fn, argv = f, [_plain(a) for a in argv[1:]]
        try:
            return fn.fn(*argv)
        except FuncError as e:
            self.node = node
            self.errorf(f"error calling {name}: {e}")
        except _GoPanic as e:
            self.node = node
            self.errorf(f"error calling {name}: {e}")

    def validate_type(self, value: Any, typ: str) -> Any:
        if value is MISSING:
            if typ == "value":
                return MISSING
            if typ == "any":
                return None
            self.errorf(f"invalid value; expected {_GO_TYPE[typ]}")
        if typ == "value":
            return value
        if typ == "any":
            return _plain(value)
        v = value
        if isinstance(v, _Iface) and v.v is not None:
            v = v.v
        ok = (
            (typ == "string" and isinstance(v, str))
            or (typ == "bool" and isinstance(v, bool))
            or (typ == "int" and isinstance(v, Int))
            or (typ == "float64" and isinstance(v, float))
        )
        if not ok:
            self.errorf(f"wrong type for value; expected {_GO_TYPE[typ]}; got {type_name(v)}")
        return v

    def eval_arg(self, dot: Any, typ: str, n: Node) -> Any:
        self.node = n
        if isinstance(n, DotNode):
            return self.validate_type(dot, typ)
        if isinstance(n, NilNode):
            if typ in ("value", "any"):
                return MISSING if typ == "value" else None
            self.errorf(f"cannot assign nil to {_GO_TYPE[typ]}")
        if isinstance(n, FieldNode):
            return self.validate_type(self.eval_field_node(dot, n, [n], _MISSING_VAL), typ)
        if isinstance(n, VariableNode):
            return self.validate_type(self.eval_variable_node(dot, n, None, _MISSING_VAL), typ)
        if isinstance(n, PipeNode):
            return self.validate_type(self.eval_pipeline(dot, n), typ)
        if isinstance(n, IdentifierNode):
            return self.validate_type(self.eval_function(dot, n, n, None, _MISSING_VAL), typ)
        if isinstance(n, ChainNode):
            return self.validate_type(self.eval_chain_node(dot, n, None, _MISSING_VAL), typ)
        if typ in ("value", "any"):
            v = self.eval_empty_interface(dot, n)
            return v if typ == "value" else _plain(v)
        if typ == "bool":
            if isinstance(n, BoolNode):
                return n.true
            self.errorf(f"expected bool; found {n}")
        if typ == "string":
            if isinstance(n, StringNode):
                return n.text
            self.errorf(f"expected string; found {n}")
        if typ == "int":
            if isinstance(n, NumberNode) and n.is_int:
                return Int(n.int64)
            self.errorf(f"expected integer; found {n}")
        if typ == "float64":
            if isinstance(n, NumberNode) and n.is_float:
                return n.float64
            self.errorf(f"expected float; found {n}")
        self.errorf(f"can't handle {n} for arg of type {_GO_TYPE[typ]}")

    def eval_empty_interface(self, dot: Any, n: Node) -> Any:
        self.node = n
        if isinstance(n, BoolNode):
            return n.true
        if isinstance(n, NumberNode):
            return self.ideal_constant(n)
        if isinstance(n, StringNode):
            return n.text
        self.errorf(f"can't handle assignment of {n} to empty interface argument")

    def print_value(self, n: Node, v: Any) -> None:
        self.node = n
        v = _elem(v)
        if v is MISSING:
            self.out.append("<no value>")
            return
        if isinstance(v, GoFunc) or callable(v):
            self.errorf(f"can't print {n} of type func")
        self.out.append(sprint_value(v))


def _set_trees(root: Node, tree: _Tree) -> None:
    """Give each node its tree (for error locations), iteratively."""
    stack = [root]
    while stack:
        n = stack.pop()
        n.tree = tree
        if isinstance(n, ListNode):
            stack.extend(n.nodes)
        elif isinstance(n, ActionNode):
            stack.append(n.pipe)
        elif isinstance(n, PipeNode):
            stack.extend(n.decl)
            stack.extend(n.cmds)
        elif isinstance(n, CommandNode):
            stack.extend(n.args)
        elif isinstance(n, ChainNode):
            stack.append(n.node)
        elif isinstance(n, _BranchNode):
            stack.append(n.pipe)
            stack.append(n.list)
            if n.else_list is not None:
                stack.append(n.else_list)
        elif isinstance(n, TemplateNode) and n.pipe is not None:
            stack.append(n.pipe)


class Template:
    """A Go ``text/template`` (with its associated templates, as ``define`` makes them)."""

    def __init__(self, name: str, _common: dict[str, Template] | None = None):
        self.name = name
        self._tree: _Tree | None = None
        self._common: dict[str, Template] = _common if _common is not None else {}
        self._funcs: dict[str, GoFunc] = {}
        self._missingkey = "default"

    def funcs(self, funcs: dict[str, Callable[..., Any] | GoFunc]) -> Template:
        for k, f in funcs.items():
            self._funcs[k] = f if isinstance(f, GoFunc) else GoFunc(f, ["any"], variadic=True)
        return self

    def option(self, opt: str) -> Template:
        """``missingkey=default|invalid|zero|error``."""
        key, _, val = opt.partition("=")
        if key != "missingkey" or val not in ("default", "invalid", "zero", "error"):
            raise ValueError(f"unrecognized option: {opt}")
        self._missingkey = "default" if val == "invalid" else val
        return self

    def _has_function(self, name: str) -> bool:
        return name in self._funcs or name in _BUILTINS

    def parse(self, text: str) -> Template:
        """Parse ``text`` (raises :class:`TemplateError` with Go's message)."""
        items = _lex(text, not self._has_function("break"), not self._has_function("continue"))
        tree = _Tree(self.name, self.name, text, self._has_function)
        tree_set: dict[str, _Tree] = {}
        p = _Parser(tree, items, tree_set)
        try:
            p.parse()
            p.t = tree
            p.add()
        except _ParseError as e:
            raise TemplateError(str(e)) from None
        except RecursionError:  # Go's parser stops nesting at 10000; Python's stack is shallower
            raise TemplateError(
                f"template: {self.name}:{p.token[0].line}: max expression depth exceeded"
            ) from None
        for name, t in tree_set.items():
            if t.root is not None:
                _set_trees(t.root, t)
            tmpl = self if name == self.name else self._common.get(name)
            # a template that exists is not replaced by an empty one (a file of defines only)
            if tmpl is not None and tmpl._tree is not None and _is_empty_tree(t.root):
                continue
            if tmpl is None:
                tmpl = Template(name, self._common)
            tmpl._funcs, tmpl._missingkey = self._funcs, self._missingkey
            tmpl._tree = t
            self._common[name] = tmpl
        return self

    def lookup(self, name: str) -> Template | None:
        return self._common.get(name)

    def new(self, name: str) -> Template:
        """Go's ``t.New(name)``: a template associated with this one (it sees the same ``define``s
        and funcs, and its own defines join the set) — how helm parses every file of a chart."""
        t = Template(name, self._common)
        t._funcs, t._missingkey = self._funcs, self._missingkey
        return t

    def execute(self, data: Any) -> str:
        """Render with ``data`` as dot; raises :class:`TemplateError` (``.output`` = partial output)."""
        out: list[str] = []
        state = _State(self, out, MISSING if data is None else data)
        try:
            if self._tree is None or self._tree.root is None:
                state.errorf(f"{_go_quote(self.name)} is an incomplete or empty template")
            for t in self._common.values():
                t._missingkey = self._missingkey
            state.walk(state.vars[0][1], self._tree.root)
        except _ExecError as e:
            raise TemplateError(str(e), "".join(out)) from None
        except RecursionError:
            raise TemplateError(
                f"template: {self.name}: exceeded maximum template depth (100000)", "".join(out)
            ) from None
        return "".join(out)


# -- kubectl ------------------------------------------------------------------------------------


_B64 = {c: i for i, c in enumerate(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")}


def _b64_std_decode(src: bytes) -> bytes:
    """encoding/base64's StdEncoding.DecodeString; raises ValueError(offset) as CorruptInputError."""
    out = bytearray()
    si, n = 0, len(src)
    while True:
        dbuf = [0, 0, 0, 0]
        dlen = 4
        j = 0
        end = False
        while j < 4:
            if si == n:
                if j == 0:
                    return bytes(out)
                raise ValueError(si - j)
            c = src[si]
            si += 1
            if c in _B64:
                dbuf[j] = _B64[c]
                j += 1
                continue
            if c in (10, 13):
                continue
            if c != ord("="):
                raise ValueError(si - 1)
            if j in (0, 1):
                raise ValueError(si - 1)
            if j == 2:
                while si < n and src[si] in (10, 13):
                    si += 1
                if si == n:
                    raise ValueError(n)
                if src[si] != ord("="):
                    raise ValueError(si - 1)
                si += 1
            while si < n and src[si] in (10, 13):
                si += 1
            if si < n:
                raise ValueError(si)
            dlen, end = j, True
            break
        val = dbuf[0] << 18 | dbuf[1] << 12 | dbuf[2] << 6 | dbuf[3]
        chunk = bytes([val >> 16 & 255, val >> 8 & 255, val & 255])
        out += chunk[: {4: 3, 3: 2, 2: 1}[dlen]]
        if end:
            return bytes(out)


def _base64decode(v: str) -> str:
    try:
        data = _b64_std_decode(v.encode())
    except ValueError as e:
        raise FuncError(f"base64 decode failed: illegal base64 data at input byte {e.args[0]}") from None
    return data.decode(errors="replace")


def _exists(item: Any, *indices: Any) -> bool:
    """kubectl's ``exists``: could ``index`` be called with these arguments (and give non-nil)?"""
    v = item
    fetched = False  # a nil fetched from a container is a nil interface; the item itself is not
    for index in indices:
        if v is None:
            return False
        if isinstance(v, list | tuple | str):
            if isinstance(index, bool) or not isinstance(index, int):
                return False
            if index < 0 or index >= len(v):
                return False
            v = v[index] if not isinstance(v, str) else v.encode()[index]
        elif isinstance(v, dict):
            if index is None:
                index = ""
            if not isinstance(index, str):
                return False
            v = v.get(index)
        else:
            return False
        fetched = True
    return not (fetched and v is None)


KUBECTL_FUNCS: dict[str, GoFunc] = {
    "exists": GoFunc(_exists, ["any", "any"], variadic=True),
    "base64decode": GoFunc(_base64decode, ["string"]),
}


def _go_json_numbers(v: Any) -> Any:
    """What json.Marshal then apimachinery's json.Unmarshal make of a value: integral floats that
    Go writes without an exponent come back as int64."""
    if isinstance(v, dict):
        return {k: _go_json_numbers(x) for k, x in v.items()}
    if isinstance(v, list | tuple):
        return [_go_json_numbers(x) for x in v]
    if isinstance(v, int) and not isinstance(v, bool) and not -(1 << 63) <= v < (1 << 63):
        return float(v)  # beyond int64: decoded as float64
    if isinstance(v, float) and math.isfinite(v) and v == int(v) and abs(v) < 1e21:
        i = int(v)
        if -(1 << 63) <= i < (1 << 63):
            return i
    return v


def _go_json_float(v: float) -> str:
    """encoding/json's float64: shortest digits, 'f' form unless tiny or huge, e-7 not e-07."""
    a = abs(v)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        ds, dp = _float_digits(v)
        s = ds[0] + ("." + ds[1:] if len(ds) > 1 else "") + "e" + ("-" if dp - 1 < 0 else "+")
        s += str(abs(dp - 1))
        return ("-" if v < 0 else "") + s
    s = repr(v)
    if "e" in s or "E" in s:
        s = format(Decimal(s), "f")
    return s[:-2] if s.endswith(".0") else s


def _go_json(v: Any) -> str:
    """json.Marshal of the object (map keys sorted, <>& escaped), as kubectl's debugging block prints it."""
    if isinstance(v, dict):
        return "{" + ",".join(_go_json(str(k)) + ":" + _go_json(v[k]) for k in sorted(v)) + "}"
    if isinstance(v, list | tuple):
        return "[" + ",".join(_go_json(e) for e in v) + "]"
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, float):
        return _go_json_float(v)
    if isinstance(v, str):
        s = json.dumps(v, ensure_ascii=False)
        for a, b in (
            ("<", "\\u003c"),
            (">", "\\u003e"),
            ("&", "\\u0026"),
            ("\u2028", "\\u2028"),
            ("\u2029", "\\u2029"),
            ("\x7f", "\x7f"),
        ):
            s = s.replace(a, b)
        return s
    return json.dumps(v)


def parse_kubectl_template(text: str) -> Template:
    """``NewGoTemplatePrinter``: the template kubectl parses when it builds its printer, before the
    command does anything; a parse error raises :class:`TemplateError` with kubectl's message
    (``error parsing template TEXT, template: output:1: ...``) after ``error: ``."""
    t = Template("output").funcs(KUBECTL_FUNCS)
    try:
        return t.parse(text)
    except TemplateError as e:
        raise TemplateError(f"error parsing template {text}, {e}") from None


def kubectl_template(text: str, data: Any, allow_missing_keys: bool = True) -> str:
    """What ``kubectl ... -o go-template=TEXT`` prints for one object (cli-runtime's
    GoTemplatePrinter). Raises :class:`TemplateError`: ``str(e)`` is kubectl's message after
    ``error: `` and ``e.output`` what kubectl printed to stdout before failing (the partial output
    and its "Error executing template" debugging block)."""
    t = parse_kubectl_template(text)
    t.option("missingkey=default" if allow_missing_keys else "missingkey=error")
    obj = _go_json_numbers(data)
    try:
        return t.execute(obj)
    except TemplateError as e:
        raw = _go_json(obj)
        debug = (
            f"Error executing template: {e}. Printing more information for debugging the template:\n"
            f"\ttemplate was:\n\t\t{text}\n"
            f"\traw data was:\n\t\t{raw}\n"
            f"\tobject given to template engine was:\n\t\t{sprint_value(obj)}\n\n"
        )
        raise TemplateError(f"error executing template {_go_quote(text)}: {e}", e.output + debug) from None
