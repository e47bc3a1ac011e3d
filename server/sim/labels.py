"""Label selectors as apimachinery's ``labels.Parse`` reads them, and label keys and values as
``util/validation`` checks them.

Owns: the selector lexer and parser of ``k8s.io/apimachinery/pkg/labels/selector.go`` (tokens
``!``, ``=``, ``==``, ``!=``, ``in``, ``notin``, ``>``/``<`` (gt/lt), ``(``, ``)``, ``,``; the
greedy special-symbol scan that reads ``!!`` as two ``!``; ``in``/``notin`` taken as plain
identifiers where a value is expected) with every error text of its parse and of
``NewRequirement``'s validation (``values[0][key]: Invalid value: …``, ``<nil>: Invalid value:``
for a bad key, aggregated as ``[e1, e2]``); ``IsQualifiedName`` and ``IsValidLabelValue``'s
messages; and matching parsed requirements against labels (``NotIn``/``!=`` match objects without
the key, ``Gt``/``Lt`` compare integers).

One implementation for kubeplay's kubectl (``kubectl.resolve``) and the REST API's
``labelSelector`` (``server.apiserver``): both accept and refuse the same selectors, in the same
words. Pure functions; no store, no clock.

Hands off: turning requirements into a ``LabelSelector`` dict the store scans with is
``to_label_selector``; the store's own matcher (``store.matches_selector``) knows In, NotIn,
Exists and DoesNotExist, so callers keep ``Gt``/``Lt`` requirements for ``matches``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .golang import quote as go_quote

# -- util/validation: qualified names and label values ------------------------------------------

_QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
_LABEL_VALUE = re.compile(r"(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?")
_DNS1123_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")


def regex_error(msg: str, fmt: str, *examples: str) -> str:
    """validation.RegexError: ``msg (e.g. 'a',  or 'b', regex used for validation is 'fmt')``."""
    if not examples:
        return f"{msg} (regex used for validation is '{fmt}')"
    return msg + " (e.g. " + " or ".join(f"'{e}', " for e in examples) + f"regex used for validation is '{fmt}')"


_QUALIFIED_MSG = regex_error("must consist of alphanumeric characters, '-', '_' or '.', and must start and end "
                             "with an alphanumeric character", _QUALIFIED_NAME.pattern, "MyName", "my.name",
                             "123-abc")
_SUBDOMAIN_MSG = regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, "
                             "'-' or '.', and must start and end with an alphanumeric character",
                             _DNS1123_SUBDOMAIN.pattern, "example.com")
_LABEL_VALUE_MSG = regex_error("a valid label must be an empty string or consist of alphanumeric characters, "
                               "'-', '_' or '.', and must start and end with an alphanumeric character",
                               _LABEL_VALUE.pattern, "MyValue", "my_value", "12345")


def _blen(s: str) -> int:
    return len(s.encode("utf-8", "surrogatepass"))  # Go's len(): bytes


def dns1123_subdomain_errors(value: str) -> list[str]:
    """validation.IsDNS1123Subdomain."""
    errs = []
    if _blen(value) > 253:
        errs.append("must be no more than 253 characters")
    if not _DNS1123_SUBDOMAIN.fullmatch(value):
        errs.append(_SUBDOMAIN_MSG)
    return errs


def qualified_name_errors(value: str) -> list[str]:
    """validation.IsQualifiedName (what a label or annotation key must be)."""
    parts = value.split("/")
    if len(parts) == 1:
        name = parts[0]
        errs: list[str] = []
    elif len(parts) == 2:
        prefix, name = parts
        if not prefix:
            errs = ["prefix part must be non-empty"]
        else:
            errs = ["prefix part " + m for m in dns1123_subdomain_errors(prefix)]
    else:
        return ["a qualified name " + regex_error(
            "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
            "alphanumeric character", _QUALIFIED_NAME.pattern, "MyName", "my.name", "123-abc")
            + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"]
    if not name:
        errs.append("name part must be non-empty")
    elif _blen(name) > 63:
        errs.append("name part must be no more than 63 characters")
    if not _QUALIFIED_NAME.fullmatch(name):
        errs.append("name part " + _QUALIFIED_MSG)
    return errs


def label_value_errors(value: str) -> list[str]:
    """validation.IsValidLabelValue."""
    errs = []
    if _blen(value) > 63:
        errs.append("must be no more than 63 characters")
    if not _LABEL_VALUE.fullmatch(value):
        errs.append(_LABEL_VALUE_MSG)
    return errs


# -- the selector grammar ------------------------------------------------------------------------


class SelectorError(ValueError):
    """labels.Parse refused the text; ``message`` is its error text, as Go's ``err.Error()``."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Requirement:
    """One parsed requirement: ``operator`` is selection.Operator's spelling (``=``, ``==``, ``!=``,
    ``in``, ``notin``, ``exists``, ``!``, ``gt``, ``lt``); ``values`` sorted, as sets.String.List()."""

    key: str
    operator: str
    values: tuple[str, ...] = ()


_ERROR, _EOS, _CLOSE, _COMMA, _NOT, _DEQ, _EQ, _GT, _ID, _IN, _LT, _NEQ, _NOTIN, _OPEN = range(14)
_TOKENS = {")": _CLOSE, ",": _COMMA, "!": _NOT, "==": _DEQ, "=": _EQ, ">": _GT, "in": _IN, "<": _LT,
           "!=": _NEQ, "notin": _NOTIN, "(": _OPEN}
_SPECIAL = frozenset("=!(),><")
_SPACE = frozenset(" \t\r\n")
#: selection operators in the order of labels.binaryOperators (the "expected:" list)
_BINARY = {_IN: "in", _EQ: "=", _DEQ: "==", _GT: "gt", _LT: "lt", _NOTIN: "notin", _NEQ: "!="}
_EXPECTED_OPERATORS = "in, notin, =, ==, !=, gt, lt"


def _lex(text: str) -> list[tuple[int, str]]:
    """The Lexer's token stream, ending with end-of-string."""
    items: list[tuple[int, str]] = []
    pos, n = 0, len(text)
    while True:
        while pos < n and text[pos] in _SPACE:
            pos += 1
        if pos >= n:
            items.append((_EOS, ""))
            return items
        if text[pos] in _SPECIAL:
            # scanSpecialSymbol: grow while the buffer is a token; stop at the first longer miss
            buf, last = "", None
            while pos < n and text[pos] in _SPECIAL:
                buf += text[pos]
                if buf in _TOKENS:
                    last = (_TOKENS[buf], buf)
                    pos += 1
                elif last is not None:
                    break
                else:  # not reachable: every special symbol alone is a token
                    pos += 1
            items.append(last if last is not None else (_ERROR, f"error expected: keyword found '{buf}'"))
            continue
        start = pos
        while pos < n and text[pos] not in _SPECIAL and text[pos] not in _SPACE:
            pos += 1
        word = text[start:pos]
        items.append((_TOKENS.get(word, _ID), word) if word in ("in", "notin") else (_ID, word))


class _Parser:
    def __init__(self, text: str) -> None:
        self.items = _lex(text)
        self.pos = 0

    def _get(self, values: bool, advance: bool) -> tuple[int, str]:
        tok, lit = self.items[self.pos]
        if advance:
            self.pos += 1
        if values and tok in (_IN, _NOTIN):
            tok = _ID
        return tok, lit

    def lookahead(self, values: bool = True) -> tuple[int, str]:
        return self._get(values, False)

    def consume(self, values: bool = True) -> tuple[int, str]:
        return self._get(values, True)

    def parse(self) -> list[Requirement]:
        reqs: list[Requirement] = []
        while True:
            tok, lit = self.lookahead()
            if tok in (_ID, _NOT):
                try:
                    reqs.append(self.requirement())
                except SelectorError as e:
                    raise SelectorError(f"unable to parse requirement: {e.message}") from None
                t, lit = self.consume()
                if t == _EOS:
                    return reqs
                if t == _COMMA:
                    t2, l2 = self.lookahead()
                    if t2 not in (_ID, _NOT):
                        raise SelectorError(f"found '{l2}', expected: identifier after ','")
                else:
                    raise SelectorError(f"found '{lit}', expected: ',' or 'end of string'")
            elif tok == _EOS:
                return reqs
            else:
                raise SelectorError(f"found '{lit}', expected: !, identifier, or 'end of string'")

    def requirement(self) -> Requirement:
        key, op = self.key_and_operator()
        if op in ("exists", "!"):
            return Requirement(key, op)
        tok, lit = self.consume(values=False)
        if tok not in _BINARY:
            raise SelectorError(f"found '{lit}', expected: {_EXPECTED_OPERATORS}")
        op = _BINARY[tok]
        values = self.set_values() if op in ("in", "notin") else self.exact_value()
        return _new_requirement(key, op, sorted(values))

    def key_and_operator(self) -> tuple[str, str]:
        op = ""
        tok, lit = self.consume()
        if tok == _NOT:
            op = "!"
            tok, lit = self.consume()
        if tok != _ID:
            raise SelectorError(f"found '{lit}', expected: identifier")
        errs = qualified_name_errors(lit)
        if errs:
            raise SelectorError(f"<nil>: Invalid value: {go_quote(lit)}: {'; '.join(errs)}")
        if self.lookahead()[0] in (_EOS, _COMMA) and op != "!":
            op = "exists"
        return lit, op

    def set_values(self) -> set[str]:
        tok, lit = self.consume()
        if tok != _OPEN:
            raise SelectorError(f"found '{lit}' expected: '('")
        tok, lit = self.lookahead()
        if tok in (_ID, _COMMA):
            values = self.identifiers()
            if self.consume()[0] != _CLOSE:
                raise SelectorError(f"found '{lit}', expected: ')'")
            return values
        if tok == _CLOSE:
            self.consume()
            return {""}
        raise SelectorError(f"found '{lit}', expected: ',', ')' or identifier")

    def identifiers(self) -> set[str]:
        values: set[str] = set()
        while True:
            tok, lit = self.consume()
            if tok == _ID:
                values.add(lit)
                tok2, lit2 = self.lookahead()
                if tok2 == _COMMA:
                    continue
                if tok2 == _CLOSE:
                    return values
                raise SelectorError(f"found '{lit2}', expected: ',' or ')'")
            if tok == _COMMA:
                if not values:
                    values.add("")
                tok2, _ = self.lookahead()
                if tok2 in (_CLOSE, _COMMA):
                    values.add("")
                if tok2 == _CLOSE:
                    return values
                continue
            raise SelectorError(f"found '{lit}', expected: ',', or identifier")

    def exact_value(self) -> set[str]:
        if self.lookahead()[0] in (_EOS, _COMMA):
            return {""}
        tok, lit = self.consume()
        if tok == _ID:
            return {lit}
        raise SelectorError(f"found '{lit}', expected: identifier")


def _is_int64(v: str) -> bool:
    return bool(re.fullmatch(r"[+-]?[0-9]+", v)) and -(2**63) <= int(v) < 2**63


def _new_requirement(key: str, op: str, values: list[str]) -> Requirement:
    """NewRequirement's value checks (the key was checked by the parser already), aggregated."""
    errs: list[str] = []
    if op in ("gt", "lt"):  # (exactly one value: the grammar gives nothing else)
        for i, v in enumerate(values):
            if not _is_int64(v):
                errs.append(f"values[{i}]: Invalid value: {go_quote(v)}: for 'Gt', 'Lt' operators, "
                            "the value must be an integer")
    for i, v in enumerate(values):
        msgs = label_value_errors(v)
        if msgs:
            errs.append(f"values[{i}][{key}]: Invalid value: {go_quote(v)}: {'; '.join(msgs)}")
    if errs:
        unique = list(dict.fromkeys(errs))  # utilerrors.NewAggregate: one error alone is itself
        raise SelectorError(unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]")
    return Requirement(key, op, tuple(values))


def parse(text: str) -> list[Requirement]:
    """labels.Parse: the requirements sorted by key (stable), or ``SelectorError``."""
    reqs = _Parser(text).parse()
    return sorted(reqs, key=lambda r: r.key)


def matches(reqs: list[Requirement], labels: dict[str, str] | None) -> bool:
    """internalSelector.Matches: every requirement holds."""
    labels = labels or {}
    for r in reqs:
        has = r.key in labels
        value = labels.get(r.key)
        if r.operator in ("=", "==", "in"):
            ok = has and value in r.values
        elif r.operator in ("!=", "notin"):
            ok = not has or value not in r.values
        elif r.operator == "exists":
            ok = has
        elif r.operator == "!":
            ok = not has
        else:  # gt, lt: integers on both sides, else no match
            ok = (has and value is not None and _is_int64(value) and len(r.values) == 1
                  and (int(value) > int(r.values[0]) if r.operator == "gt" else int(value) < int(r.values[0])))
        if not ok:
            return False
    return True


_EXPRESSION_OPERATOR = {"in": "In", "notin": "NotIn", "!=": "NotIn", "exists": "Exists", "!": "DoesNotExist",
                        "gt": "Gt", "lt": "Lt", "=": "In", "==": "In"}


def to_label_selector(reqs: list[Requirement]) -> dict:
    """A ``LabelSelector`` dict (matchLabels + matchExpressions) with the same meaning: ``k=v``
    becomes matchLabels (or ``In`` when the key is already there), ``k!=v`` ``NotIn``; ``Gt``/``Lt``
    appear as such (the store's matcher does not know them: see the module docstring)."""
    match_labels: dict[str, str] = {}
    exprs: list[dict] = []
    for r in reqs:
        if r.operator in ("=", "==") and r.key not in match_labels:
            match_labels[r.key] = r.values[0]
            continue
        expr: dict = {"key": r.key, "operator": _EXPRESSION_OPERATOR[r.operator]}
        if r.operator not in ("exists", "!"):
            expr["values"] = list(r.values)
        exprs.append(expr)
    return {"matchLabels": match_labels, "matchExpressions": exprs}
