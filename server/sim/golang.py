"""Go's own words for values, as the real components print them: one implementation each.

Owns: ``strconv.Quote`` (``quote``; ``fmt``'s ``%q`` of a string; ``QuoteToASCII`` with
``ascii_only``) and the JSON kind encoding/json names in its ``UnmarshalTypeError``s
(``json_kind``: object, array, string, bool, number). Used by the apiserver's messages
(admission, patch, ssa, labels) and kubectl's (parse, jsonpath, go-template, describe, create).
"""

from __future__ import annotations

import unicodedata
from typing import Any

_ESCAPES = {'"': '\\"', "\\": "\\\\", "\a": "\\a", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
            "\t": "\\t", "\v": "\\v"}


def is_print(ch: str) -> bool:
    """``strconv.IsPrint``: letters, marks, numbers, punctuation, symbols and the ASCII space."""
    cat = unicodedata.category(ch)
    return ch == " " or not (cat.startswith("C") or cat.startswith("Z"))


def quote(s: str, ascii_only: bool = False) -> str:
    """``strconv.Quote`` (``QuoteToASCII`` with ``ascii_only``)."""
    out = ['"']
    for ch in s:
        o = ord(ch)
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif o < 0x20 or o == 0x7F:
            out.append(f"\\x{o:02x}")
        elif o < 0x80 or (not ascii_only and is_print(ch)):
            out.append(ch)
        elif o > 0xFFFF:
            out.append(f"\\U{o:08x}")
        else:
            out.append(f"\\u{o:04x}")
    out.append('"')
    return "".join(out)


def json_kind(value: Any) -> str:
    """encoding/json's word for a JSON value's type ("cannot unmarshal X into …")."""
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, str):
        return "string"
    if isinstance(value, bool):
        return "bool"
    return "number" if isinstance(value, int | float) else "null"
