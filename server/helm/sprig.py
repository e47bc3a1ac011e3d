"""The sprig v3 template functions charts use (github.com/Masterminds/sprig, as helm v3.16 links it).

Owns: ``sprig_funcs(rng) -> dict`` — strings (``quote squote upper lower title trim trimAll
trimSuffix trimPrefix replace repeat trunc abbrev nospace contains hasPrefix hasSuffix cat indent
nindent split splitList join substr``), defaults and logic (``default empty coalesce ternary
required-free fail``), conversions (``int int64 float64 toString toStrings atoi``), encodings
(``b64enc b64dec sha256sum sha1sum``), random text (``randAlphaNum randAlpha randNumeric randAscii
uuidv4`` — from the cluster's seeded RNG, so a replayed sandbox generates the same passwords),
lists (``list first last rest initial append prepend concat uniq compact has without reverse
until sortAlpha``), dicts (``dict get set unset hasKey keys values pluck pick omit merge
mergeOverwrite deepCopy dig``), arithmetic (``add add1 sub mul div mod max min``), regular
expressions (``regexMatch regexReplaceAll regexFind``), types (``typeOf kindOf kindIs``) and
``semverCompare``. Each follows sprig's Go code: ``strval`` (fmt's ``%v`` for what is not a
string), cast's number rules, ``empty``'s zero values.

Values are the template engine's Go values (server/kubectl/gotemplate.py): dict, list, str, bool,
``Int``/int, float, None for nil. A function that fails raises ``FuncError`` with sprig's words.
Pure: the only state is the RNG handed in.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import random
import re
from collections.abc import Callable
from typing import Any

from ..kubectl.gotemplate import FuncError, GoFunc, Int, sprint_value, type_name
from ..sim.golang import quote as go_quote

ALPHA = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
NUMERIC = "0123456789"


def strval(v: Any) -> str:
    """sprig's strval: a string as is, anything else as fmt's ``%v`` prints it."""
    if isinstance(v, str):
        return v
    if v is None:
        return "<nil>"
    return sprint_value(v)


def empty(v: Any) -> bool:
    """sprig's ``empty``: nil, false, 0, "" and empty collections."""
    if v is None:
        return True
    if isinstance(v, bool):
        return not v
    if isinstance(v, int | float):
        return v == 0
    if isinstance(v, str | list | tuple | dict):
        return len(v) == 0
    return False


def to_int(v: Any) -> int:
    """cast.ToInt: numbers truncate, strings parse (base prefixes allowed; bad text is 0), bools 1/0."""
    if v is None:
        return 0
    if isinstance(v, bool):
        return int(v)
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return int(v)
    if isinstance(v, str):
        text = v.strip()
        if re.fullmatch(r"[+-]?\d+\.0*", text):
            text = text.split(".")[0]
        try:
            return int(text, 0) if not re.fullmatch(r"[+-]?0\d+", text) else int(text, 8)
        except ValueError:
            return 0
    return 0


def to_float(v: Any) -> float:
    if isinstance(v, bool):
        return float(v)
    if isinstance(v, int | float):
        return float(v)
    if isinstance(v, str):
        try:
            return float(v)
        except ValueError:
            return 0.0
    return 0.0


# -- strings --------------------------------------------------------------------------------------
def _quote(*args: Any) -> str:
    return " ".join(go_quote(strval(a)) for a in args if a is not None)


def _squote(*args: Any) -> str:
    return " ".join(f"'{strval(a)}'" for a in args if a is not None)


def _trunc(c: Any, s: Any) -> str:
    c, s = to_int(c), strval(s)
    if c < 0 and len(s) + c > 0:
        return s[len(s) + c:]
    if c >= 0 and len(s) > c:
        return s[:c]
    return s


def _indent(spaces: Any, v: Any) -> str:
    pad = " " * to_int(spaces)
    return pad + strval(v).replace("\n", "\n" + pad)


def _abbrev(width: Any, s: Any) -> str:
    width, s = to_int(width), strval(s)
    if width < 4 or len(s) <= width:
        return s
    return s[:width - 3] + "..."


def _substr(start: Any, end: Any, s: Any) -> str:
    start, end, s = to_int(start), to_int(end), strval(s)
    if start < 0:
        return s[:end]
    if end < 0 or end > len(s):
        return s[start:]
    return s[start:end]


def _title(s: Any) -> str:
    return re.sub(r"(^|\s)(\S)", lambda m: m.group(1) + m.group(2).upper(), strval(s))


def _split(sep: Any, s: Any) -> dict:
    return {f"_{i}": part for i, part in enumerate(strval(s).split(strval(sep)))}


def _join(sep: Any, v: Any) -> str:
    return strval(sep).join(strval(x) for x in _strslice(v))


def _strslice(v: Any) -> list[str]:
    if isinstance(v, list | tuple):
        return [strval(x) for x in v if x is not None]
    if v is None:
        return []
    return [strval(v)]


# -- defaults and logic ---------------------------------------------------------------------------
def _default(d: Any, *given: Any) -> Any:
    if not given or empty(given[0]):
        return d
    return given[0]


def _coalesce(*v: Any) -> Any:
    for x in v:
        if not empty(x):
            return x
    return None


def _ternary(vt: Any, vf: Any, v: Any) -> Any:
    return vt if v else vf


def _fail(msg: Any) -> Any:
    raise FuncError(strval(msg))


# -- random text ----------------------------------------------------------------------------------
def _random(rng: random.Random, alphabet: str) -> Callable[[Any], str]:
    def fn(count: Any) -> str:
        return "".join(rng.choice(alphabet) for _ in range(to_int(count)))

    return fn


def _uuidv4(rng: random.Random) -> Callable[[], str]:
    def fn() -> str:
        b = bytearray(rng.getrandbits(8) for _ in range(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        h = b.hex()
        return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"

    return fn


# -- lists ----------------------------------------------------------------------------------------
def _as_list(v: Any, fn: str) -> list:
    if isinstance(v, list | tuple):
        return list(v)
    raise FuncError(f"Cannot find {fn} on type {sprint_type(v)}")


def sprint_type(v: Any) -> str:
    return type_name(v)


def _first(v: Any) -> Any:
    lst = _as_list(v, "first")
    return lst[0] if lst else None


def _last(v: Any) -> Any:
    lst = _as_list(v, "last")
    return lst[-1] if lst else None


def _uniq(v: Any) -> list:
    out: list = []
    for x in _as_list(v, "uniq"):
        if x not in out:
            out.append(x)
    return out


def _until(n: Any) -> list:
    n = to_int(n)
    return [Int(i) for i in (range(n) if n >= 0 else range(0, n, -1))]


# -- dicts ----------------------------------------------------------------------------------------
def _dict(*kv: Any) -> dict:
    out: dict = {}
    for i in range(0, len(kv), 2):
        out[strval(kv[i])] = kv[i + 1] if i + 1 < len(kv) else ""
    return out


def _merge_into(dst: dict, src: dict, overwrite: bool) -> None:
    """mergo.Merge (WithOverride for mergeOverwrite): maps merge deeply; without override a key
    that dst holds with a non-empty value keeps it."""
    for k, v in src.items():
        if k in dst and isinstance(dst[k], dict) and isinstance(v, dict):
            _merge_into(dst[k], v, overwrite)
        elif k not in dst or empty(dst[k]) or overwrite and not empty(v):
            dst[k] = copy.deepcopy(v)


def _merge(overwrite: bool) -> Callable[..., dict]:
    def fn(dst: Any, *srcs: Any) -> dict:
        if not isinstance(dst, dict):
            raise FuncError("wrong type for value; expected map[string]interface {}")
        for s in srcs:
            if isinstance(s, dict):
                _merge_into(dst, s, overwrite)
        return dst

    return fn


def _dig(*args: Any) -> Any:
    if len(args) < 3:
        raise FuncError("dig needs at least three arguments")
    keys, default, d = args[:-2], args[-2], args[-1]
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return default
        d = d[k]
    return d


# -- types ----------------------------------------------------------------------------------------
def _kind_of(v: Any) -> str:
    t = type_name(v)
    return {"map[string]interface {}": "map", "[]interface {}": "slice", "<nil>": "invalid"}.get(t, t)


# -- semver ---------------------------------------------------------------------------------------
_SEMVER = re.compile(r"v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$")


def _parse_version(text: str) -> tuple[int, int, int, str] | None:
    m = _SEMVER.match(text.strip())
    if m is None:
        return None
    return int(m[1]), int(m[2] or 0), int(m[3] or 0), m[4] or ""


def _pre_key(pre: str) -> tuple:
    """Prerelease precedence: none sorts after any prerelease."""
    if not pre:
        return (1,)
    parts = [(0, int(p), "") if p.isdigit() else (1, 0, p) for p in pre.split(".")]
    return (0, *parts)


def _vkey(v: tuple[int, int, int, str]) -> tuple:
    return v[0], v[1], v[2], _pre_key(v[3])


def _check(op: str, ver: tuple[int, int, int, str], want_text: str) -> bool:
    want = _parse_version(want_text)
    if want is None:
        raise FuncError(f"improper constraint: {op}{want_text}")
    parts = want_text.strip().lstrip("v").split("-")[0].split(".")
    # a constraint without a prerelease does not match prerelease versions (Masterminds/semver)
    if ver[3] and not want[3]:
        return False
    a, b = _vkey(ver), _vkey(want)
    if op in ("", "="):
        if len(parts) < 3 or "x" in parts or "*" in parts:
            return ver[:len(parts)] == want[:len(parts)]
        return a == b
    if op == "!=":
        return a != b
    if op == ">":
        return a > b
    if op == ">=" or op == "=>":
        return a >= b
    if op == "<":
        return a < b
    if op == "<=" or op == "=<":
        return a <= b
    if op == "~":
        upper = (want[0], want[1] + 1, 0, "") if len(parts) > 1 else (want[0] + 1, 0, 0, "")
        return b <= a < _vkey(upper)
    if op == "^":
        upper = (want[0] + 1, 0, 0, "") if want[0] > 0 or len(parts) == 1 else (0, want[1] + 1, 0, "")
        return b <= a < _vkey(upper)
    raise FuncError(f"improper constraint: {op}{want_text}")


def semver_compare(constraint: Any, version: Any) -> bool:
    ver = _parse_version(strval(version))
    if ver is None:
        raise FuncError("Invalid Semantic Version")
    for alternative in strval(constraint).split("||"):
        terms = re.findall(r"(!=|>=|=>|<=|=<|>|<|=|~|\^)?\s*(v?[0-9xX*][0-9A-Za-z.+*-]*)", alternative)
        if terms and all(_check(op, ver, text) for op, text in terms):
            return True
    return False


# -- the table ------------------------------------------------------------------------------------
def sprig_funcs(rng: random.Random) -> dict[str, Any]:
    """Sprig's function map (the generic, non-hermetic one helm uses), over ``rng``."""
    s = strval

    def b64dec(v: Any) -> str:
        try:
            return base64.b64decode(s(v), validate=True).decode("utf-8", "replace")
        except ValueError as e:
            return str(e)

    def regex(fn: Callable[..., Any]) -> Callable[..., Any]:
        def call(*a: Any) -> Any:
            try:
                return fn(*a)
            except re.error as e:
                raise FuncError(f"error parsing regexp: {e}") from None

        return call

    funcs: dict[str, Any] = {
        # strings
        "quote": _quote, "squote": _squote,
        "upper": GoFunc(lambda x: x.upper(), ["string"]), "lower": GoFunc(lambda x: x.lower(), ["string"]),
        "title": GoFunc(_title, ["string"]), "trim": GoFunc(lambda x: x.strip(), ["string"]),
        "trimAll": GoFunc(lambda cut, x: x.strip(cut), ["string", "string"]),
        "trimSuffix": GoFunc(lambda suf, x: x[:-len(suf)] if suf and x.endswith(suf) else x, ["string", "string"]),
        "trimPrefix": GoFunc(lambda pre, x: x[len(pre):] if pre and x.startswith(pre) else x,
                             ["string", "string"]),
        "replace": GoFunc(lambda old, new, src: src.replace(old, new) if old else src,
                          ["string", "string", "string"]),
        "repeat": GoFunc(lambda n, x: x * max(0, n), ["int", "string"]),
        "trunc": GoFunc(_trunc, ["int", "string"]), "abbrev": GoFunc(_abbrev, ["int", "string"]),
        "substr": GoFunc(_substr, ["int", "int", "string"]),
        "nospace": lambda x: re.sub(r"\s", "", s(x)),
        "contains": GoFunc(lambda sub, x: sub in x, ["string", "string"]),
        "hasPrefix": GoFunc(lambda pre, x: x.startswith(pre), ["string", "string"]),
        "hasSuffix": GoFunc(lambda suf, x: x.endswith(suf), ["string", "string"]),
        "cat": lambda *a: " ".join(s(x) for x in a if x is not None),
        "indent": GoFunc(_indent, ["int", "string"]),
        "nindent": GoFunc(lambda n, v: "\n" + _indent(n, v), ["int", "string"]),
        "split": GoFunc(_split, ["string", "string"]), "splitList": GoFunc(lambda sep, x: x.split(sep),
                                                                         ["string", "string"]),
        "join": GoFunc(_join, ["string", "any"]),
        "toString": s, "toStrings": _strslice,
        "kebabcase": lambda x: re.sub(r"([a-z0-9])([A-Z])", r"\1-\2", s(x)).replace("_", "-").lower(),
        "snakecase": lambda x: re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", s(x)).replace("-", "_").lower(),
        # defaults and logic
        "default": _default, "empty": empty, "coalesce": _coalesce, "ternary": _ternary, "fail": _fail,
        # conversions
        "int": lambda v: Int(to_int(v)), "int64": lambda v: to_int(v), "float64": to_float,
        "atoi": lambda v: Int(to_int(s(v))),
        # encodings
        "b64enc": GoFunc(lambda v: base64.b64encode(v.encode()).decode(), ["string"]),
        "b64dec": GoFunc(b64dec, ["string"]),
        "sha256sum": GoFunc(lambda v: hashlib.sha256(v.encode()).hexdigest(), ["string"]),
        "sha1sum": GoFunc(lambda v: hashlib.sha1(v.encode()).hexdigest(), ["string"]),  # noqa: S324 - sprig's
        # random text
        "randAlphaNum": GoFunc(_random(rng, ALPHA + NUMERIC), ["int"]),
        "randAlpha": GoFunc(_random(rng, ALPHA), ["int"]), "randNumeric": GoFunc(_random(rng, NUMERIC), ["int"]),
        "randAscii": GoFunc(_random(rng, "".join(chr(c) for c in range(32, 127))), ["int"]),
        "uuidv4": GoFunc(_uuidv4(rng), []),
        # lists
        "list": lambda *a: list(a), "first": _first, "last": _last,
        "rest": lambda v: _as_list(v, "rest")[1:], "initial": lambda v: _as_list(v, "initial")[:-1],
        "append": lambda v, x: [*_as_list(v, "append"), x], "push": lambda v, x: [*_as_list(v, "push"), x],
        "prepend": lambda v, x: [x, *_as_list(v, "prepend")],
        "concat": lambda *ls: [x for lst in ls for x in _as_list(lst, "concat")],
        "uniq": _uniq, "compact": lambda v: [x for x in _as_list(v, "compact") if not empty(x)],
        "has": lambda needle, v: needle in (v or []),
        "without": lambda v, *out: [x for x in _as_list(v, "without") if x not in out],
        "reverse": lambda v: _as_list(v, "reverse")[::-1], "until": _until,
        "sortAlpha": lambda v: sorted(_strslice(v)),
        # dicts
        "dict": _dict, "get": lambda d, k: d.get(k, "") if isinstance(d, dict) else "",
        "set": lambda d, k, v: (d.__setitem__(k, v), d)[1], "unset": lambda d, k: (d.pop(k, None), d)[1],
        "hasKey": lambda d, k: isinstance(d, dict) and k in d,
        "keys": lambda *ds: [k for d in ds if isinstance(d, dict) for k in d],
        "values": lambda d: list(d.values()) if isinstance(d, dict) else [],
        "pluck": lambda k, *ds: [d[k] for d in ds if isinstance(d, dict) and k in d],
        "pick": lambda d, *ks: {k: d[k] for k in ks if k in d},
        "omit": lambda d, *ks: {k: v for k, v in d.items() if k not in ks},
        "merge": _merge(False), "mergeOverwrite": _merge(True), "deepCopy": copy.deepcopy, "dig": _dig,
        # arithmetic
        "add": lambda *a: sum(to_int(x) for x in a), "add1": lambda x: to_int(x) + 1,
        "sub": lambda a, b: to_int(a) - to_int(b), "mul": lambda *a: _product(a),
        "div": lambda a, b: _div(to_int(a), to_int(b)), "mod": lambda a, b: _mod(to_int(a), to_int(b)),
        "max": lambda *a: max(to_int(x) for x in a), "min": lambda *a: min(to_int(x) for x in a),
        # regular expressions (Go's RE2 syntax is close to Python's for what charts use)
        "regexMatch": regex(lambda rx, x: re.search(rx, s(x)) is not None),
        "regexFind": regex(lambda rx, x: (m.group(0) if (m := re.search(rx, s(x))) else "")),
        "regexReplaceAll": regex(lambda rx, x, repl: re.sub(rx, re.sub(r"\$\{?(\w+)\}?", r"\\g<\1>", s(repl)),
                                                            s(x))),
        # types
        "typeOf": type_name, "kindOf": _kind_of, "kindIs": lambda k, v: _kind_of(v) == s(k),
        "semverCompare": semver_compare,
    }
    return funcs


def _product(args: tuple) -> int:
    out = 1
    for a in args:
        out *= to_int(a)
    return out


def _div(a: int, b: int) -> int:
    if b == 0:
        raise FuncError("runtime error: integer divide by zero")
    q = abs(a) // abs(b)
    return q if (a >= 0) == (b >= 0) else -q


def _mod(a: int, b: int) -> int:
    if b == 0:
        raise FuncError("runtime error: integer divide by zero")
    return a - _div(a, b) * b
