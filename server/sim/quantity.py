"""resource.Quantity: the one implementation of Kubernetes' fixed-point resource amounts.

Owns: ``ParseQuantity`` with its exact errors, the value (exact integers, never floats), its
format (``DecimalSI`` ``100m``/``1G``, ``BinarySI`` ``1Gi``, ``DecimalExponent`` ``1e3``), ``Cmp``,
``Add``/``Sub``/``Neg``/``Mul``, ``Value``/``MilliValue``/``ScaledValue`` (rounded up),
``AsApproximateFloat64`` and ``String()`` — ``CanonicalizeBytes``'s canonical text, which is what the
apiserver stores and serves of every quantity a user wrote (``1.5Gi`` → ``1536Mi``, ``0.5`` →
``500m``, ``1024Mi`` → ``1Gi``), including the parser's habit of keeping the text it was given when
that text looks canonical (``100m``, ``1e3``, ``+1`` and ``010`` are served as written).

Mirrors: k8s.io/apimachinery pkg/api/resource (quantity.go, amount.go, suffix.go, scale_int.go,
math.go) of v0.32. A value is kept as Go keeps it — an unscaled integer and a base-10 exponent
(``int64Amount``/``inf.Dec``) — so that the exponent a float is computed from is Go's; Python ints
do what Go's int64-with-big.Int-fallback does without the overflow bookkeeping. Values are rounded up
to the nano unit on parse, BinarySI values are capped at 2^63-1, as ParseQuantity does.

Hands off: nothing; admission, the scheduler, the kubelet, quotas, describe and top all use this.
"""

from __future__ import annotations

import functools
import math
from decimal import Context, Decimal
from typing import Any

DECIMAL_SI = "DecimalSI"
BINARY_SI = "BinarySI"
DECIMAL_EXPONENT = "DecimalExponent"

#: scales (base-10 exponents) of the named constants Nano … Exa
NANO, MICRO, MILLI, KILO, MEGA, GIGA, TERA, PETA, EXA = -9, -6, -3, 3, 6, 9, 12, 15, 18

SPLIT_RE = "^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$"
ERR_FORMAT_WRONG = f"quantities must match the regular expression '{SPLIT_RE}'"
ERR_NUMERIC = "unable to parse numeric part of quantity"
ERR_SUFFIX = "unable to parse quantity's suffix"

_MAX_INT64 = (1 << 63) - 1
_MIN_INT64 = -(1 << 63)
_MAX_INT64_FACTORS = 18
_SUFFIX_CHARS = frozenset("eEinumkKMGTP")
_DIGITS = frozenset("0123456789")

#: suffix -> (base, exponent, format), suffix.go's tables
_DEC_SUFFIXES = {"n": -9, "u": -6, "m": -3, "": 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BIN_SUFFIXES = {"Ki": 10, "Mi": 20, "Gi": 30, "Ti": 40, "Pi": 50, "Ei": 60}
_DEC_BY_EXPONENT = {e: s for s, e in _DEC_SUFFIXES.items()}
_BIN_BY_EXPONENT = {e: s for s, e in _BIN_SUFFIXES.items()}

#: an exact context for the Decimal views (a quantity has at most a few hundred digits)
_EXACT = Context(prec=1000, Emax=999999, Emin=-999999)


class QuantityError(ValueError):
    """ParseQuantity's error; ``str()`` is its message (``ErrFormatWrong``, ``ErrNumeric``, ``ErrSuffix``)."""


def _interpret(suffix: str) -> tuple[int, int, str] | None:
    """quantitySuffixer.interpret: (base, exponent, format) or None."""
    if suffix in _DEC_SUFFIXES:
        return 10, _DEC_SUFFIXES[suffix], DECIMAL_SI
    if suffix in _BIN_SUFFIXES:
        return 2, _BIN_SUFFIXES[suffix], BINARY_SI
    if len(suffix) > 1 and suffix[0] in "eE":
        exp = _parse_int64(suffix[1:])
        if exp is None:
            return None
        return 10, exp, DECIMAL_EXPONENT
    return None


def _parse_int64(text: str) -> int | None:
    """strconv.ParseInt(text, 10, 64): an optional sign and decimal digits, in range."""
    body = text[1:] if text[:1] in ("+", "-") else text
    if not body or not set(body) <= _DIGITS:
        return None
    value = int(text)
    return value if _MIN_INT64 <= value <= _MAX_INT64 else None


def parse_quantity_string(text: str) -> tuple[bool, str, str, str, str]:
    """parseQuantityString: (positive, value, num, denom, suffix); raises QuantityError."""
    positive, pos, end = True, 0, len(text)
    if pos < end and text[0] in "+-":
        positive = text[0] != "-"
        pos += 1
    while True:  # leading zeros
        if pos >= end:
            return positive, "0", "0", "", ""
        if text[pos] != "0":
            break
        pos += 1
    start = pos
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return positive, text, text[start:], "", ""
    num = text[start:pos] or "0"
    denom = ""
    if text[pos] == ".":
        pos += 1
        dstart = pos
        while pos < end and text[pos] in _DIGITS:
            pos += 1
        denom = text[dstart:pos]
        if pos >= end:
            return positive, text, num, denom, ""
    value = text[:pos]
    suffix_start = pos
    while pos < end and text[pos] in _SUFFIX_CHARS:
        pos += 1
    if pos >= end:
        return positive, value, num, denom, text[suffix_start:]
    if text[pos] in "+-":
        pos += 1
    while pos < end and text[pos] in _DIGITS:
        pos += 1
    if pos >= end:
        return positive, value, num, denom, text[suffix_start:]
    raise QuantityError(ERR_FORMAT_WRONG)


def _dec_from_string(value: str) -> tuple[int, int] | None:
    """inf.Dec.SetString: (unscaled, scale) of a signed decimal number, or None."""
    sign = -1 if value[:1] == "-" else 1
    body = value[1:] if value[:1] in ("+", "-") else value
    whole, dot, frac = body.partition(".")
    digits = whole + frac
    if not digits or not set(digits) <= _DIGITS or (dot and "." in frac):
        return None
    return sign * int(digits), len(frac)


def _round_up_scale(unscaled: int, scale: int, new_scale: int) -> tuple[int, bool]:
    """inf.Dec.Round(x, new_scale, RoundUp): away from zero; (unscaled at new_scale, exact)."""
    if new_scale >= scale:
        return unscaled * 10 ** (new_scale - scale), True
    q, r = divmod(abs(unscaled), 10 ** (scale - new_scale))
    if r:
        q += 1
    return (q if unscaled >= 0 else -q), r == 0


def _remove_factors(value: int, base: int) -> tuple[int, int]:
    """removeInt64Factors / removeBigIntFactors: value = result * base**times, on the magnitude."""
    negative, result, times = value < 0, abs(value), 0
    while result >= base and result % base == 0:
        result //= base
        times += 1
    return (-result if negative else result), times


_POW10_TAB = [float(10**i) for i in range(32)]
_POW10_POS32 = [float(10 ** (32 * i)) for i in range(10)]
_POW10_NEG32 = [1.0, 1e-32, 1e-64, 1e-96, 1e-128, 1e-160, 1e-192, 1e-224, 1e-256, 1e-288, 1e-320]


def go_pow10(n: int) -> float:
    """Go's math.Pow10, table for table (its rounding is not Python's ``10.0 ** n``)."""
    if 0 <= n <= 308:
        return _POW10_POS32[n // 32] * _POW10_TAB[n % 32]
    if -323 <= n <= 0:
        return _POW10_NEG32[-n // 32] / _POW10_TAB[-n % 32]
    return math.inf if n > 0 else 0.0


def _big_to_float(value: int) -> float:
    """big.Float(0).SetInt(x).Float64(): nearest-even, ±Inf past the range."""
    try:
        return float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf


@functools.total_ordering
class Quantity:
    """An immutable resource.Quantity. ``Quantity.parse(text)`` is ParseQuantity; ``str(q)`` is String()."""

    __slots__ = ("_u", "_e", "format", "_s")

    def __init__(self, unscaled: int = 0, exponent: int = 0, fmt: str = DECIMAL_SI, s: str = "") -> None:
        #: value = _u * 10 ** _e (Go's int64Amount{value, scale} or inf.Dec{unscaled, -scale})
        self._u = unscaled
        self._e = exponent
        self.format = fmt
        #: the text String() returns when set (ParseQuantity keeps a canonical-looking input)
        self._s = s

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def parse(cls, text: str) -> Quantity:
        """ParseQuantity: raises QuantityError with apimachinery's message."""
        if not text:
            raise QuantityError(ERR_FORMAT_WRONG)
        if text == "0":
            return cls(0, 0, DECIMAL_SI, text)
        positive, value, num, denom, suf = parse_quantity_string(text)
        interpreted = _interpret(suf)
        if interpreted is None:
            raise QuantityError(ERR_SUFFIX)
        base, exponent, fmt = interpreted
        precision, scale, mantissa = 0, 0, 1
        if fmt in (DECIMAL_EXPONENT, DECIMAL_SI):
            scale = exponent
            precision = _MAX_INT64_FACTORS - (len(num) + len(denom))
        elif exponent >= 0 and not denom:
            mantissa = 1 << exponent
            # float32(exponent)*3/10 truncated, as the Go expression converts it
            precision = 15 - len(num) - int(exponent * 3 / 10) - 1
        else:
            precision = -1
        if precision >= 0:
            scale -= len(denom)
            if scale >= NANO:
                shifted = num + denom
                parsed = _parse_int64(shifted)
                if parsed is None:
                    raise QuantityError(ERR_NUMERIC)
                result = parsed * mantissa
                if _MIN_INT64 <= result <= _MAX_INT64:
                    if not positive:
                        result = -result
                    keep = ""
                    if fmt == BINARY_SI:
                        if exponent % 10 == 0 and parsed & 0x07:
                            keep = text
                    elif scale % 3 == 0 and not shifted.endswith("000") and shifted[0] != "0":
                        keep = text
                    return cls(result, scale, fmt, keep)
        dec = _dec_from_string(value)
        if dec is None:
            raise QuantityError(ERR_NUMERIC)
        unscaled, dscale = dec
        if base == 10:
            dscale -= exponent
        else:
            unscaled <<= exponent
        negative = unscaled < 0
        unscaled = abs(unscaled)
        if unscaled:
            unscaled, _ = _round_up_scale(unscaled, dscale, -NANO)
            dscale = -NANO
        if fmt == BINARY_SI and unscaled > _MAX_INT64 * 10 ** dscale:
            unscaled, dscale = _MAX_INT64, 0
        if fmt == BINARY_SI and 0 < unscaled < 10 ** dscale:
            fmt = DECIMAL_SI
        return cls(-unscaled if negative else unscaled, -dscale, fmt)

    @classmethod
    def of(cls, value: Any) -> Quantity:
        """A Quantity from what a decoded object holds: a Quantity, text, or a JSON number (the
        apiserver's UnmarshalJSON trims the text and parses a bare number's digits)."""
        if isinstance(value, Quantity):
            return value
        if isinstance(value, bool) or value is None:
            raise QuantityError(ERR_FORMAT_WRONG)
        if isinstance(value, int):
            return cls.parse(str(value))
        if isinstance(value, float):
            return cls.parse(repr(value) if not value.is_integer() else str(int(value)))
        return cls.parse(str(value).strip())

    # -- the value ------------------------------------------------------------------------------
    def _scaled(self, exponent: int) -> int:
        """The unscaled value at base-10 exponent ``exponent`` (exact only when fine enough)."""
        if exponent <= self._e:
            return self._u * 10 ** (self._e - exponent)
        return self._u // 10 ** (exponent - self._e)

    def _aligned(self, other: Quantity) -> tuple[int, int, int]:
        e = min(self._e, other._e)
        return self._scaled(e), other._scaled(e), e

    def cmp(self, other: Quantity) -> int:
        a, b, _ = self._aligned(other)
        return (a > b) - (a < b)

    def cmp_int64(self, y: int) -> int:
        return self.cmp(Quantity(y, 0))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Quantity):
            return NotImplemented
        return self.cmp(other) == 0

    def __lt__(self, other: Quantity) -> bool:
        return self.cmp(other) < 0

    def __hash__(self) -> int:
        u, times = _remove_factors(self._u, 10)
        return hash((u, self._e + times if u else 0))

    def is_zero(self) -> bool:
        return self._u == 0

    def sign(self) -> int:
        return (self._u > 0) - (self._u < 0)

    def as_decimal(self) -> Decimal:
        """The exact value as a Decimal."""
        return _EXACT.scaleb(Decimal(self._u), self._e)

    def scaled_value(self, scale: int) -> int:
        """ScaledValue: ceil(q / 10^scale) — away from zero for a negative amount (int64Amount's
        rounding), wrapped to int64 as Go's conversion does."""
        if scale <= self._e:
            result = self._u * 10 ** (self._e - scale)
        else:
            result, _ = _round_up_scale(self._u, -self._e, -scale)
        return ((result - _MIN_INT64) % (1 << 64)) + _MIN_INT64

    def value(self) -> int:
        """Value: rounded up to a whole number."""
        return self.scaled_value(0)

    def milli_value(self) -> int:
        """MilliValue: ceil(q * 1000)."""
        return self.scaled_value(MILLI)

    def as_int64(self) -> tuple[int, bool]:
        """AsInt64: the whole value when it is one and fits an int64."""
        if self._e >= 0:
            v = self._u * 10**self._e
        else:
            q, r = divmod(self._u, 10 ** -self._e)
            if r:
                return 0, False
            v = q
        return (v, True) if _MIN_INT64 <= v <= _MAX_INT64 else (0, False)

    def as_approximate_float64(self) -> float:
        """AsApproximateFloat64: float64(unscaled) * math.Pow10(exponent), as Go computes it."""
        base = _big_to_float(self._u)
        if self._e == 0:
            return base
        return base * go_pow10(self._e)

    # -- arithmetic (immutable: each returns a new Quantity) ------------------------------------
    def add(self, y: Quantity) -> Quantity:
        """Add: a zero receiver takes y's format."""
        a, b, e = self._aligned(y)
        return Quantity(a + b, e, y.format if self._u == 0 else self.format)

    def sub(self, y: Quantity) -> Quantity:
        a, b, e = self._aligned(y)
        return Quantity(a - b, e, y.format if self._u == 0 else self.format)

    def neg(self) -> Quantity:
        return Quantity(-self._u, self._e, self.format)

    def mul(self, y: int) -> Quantity:
        return Quantity(self._u * y, self._e, self.format)

    def __add__(self, y: Quantity) -> Quantity:
        return self.add(y)

    def __sub__(self, y: Quantity) -> Quantity:
        return self.sub(y)

    def __neg__(self) -> Quantity:
        return self.neg()

    def round_up(self, scale: int) -> tuple[Quantity, bool]:
        """RoundUp: the value rounded away from zero to ``scale``; whether that was exact."""
        if self._e >= scale:
            return self, True
        u, exact = _round_up_scale(self._u, -self._e, -scale)
        return Quantity(u, scale, self.format), exact

    def with_format(self, fmt: str) -> Quantity:
        return Quantity(self._u, self._e, fmt)

    # -- text ---------------------------------------------------------------------------------
    def canonicalize(self) -> tuple[str, str]:
        """CanonicalizeBytes: (number, suffix)."""
        if self._u == 0:
            return "0", ""
        fmt = self.format
        rounded = 0
        if fmt == BINARY_SI:
            if self.cmp_int64(-1024) > 0 and self.cmp_int64(1024) < 0:
                fmt = DECIMAL_SI
            else:
                rounded, exact = _round_up_scale(self._u, -self._e, 0)
                if not exact:
                    fmt = DECIMAL_SI
        elif fmt != DECIMAL_SI:
            fmt = DECIMAL_EXPONENT
        if fmt == BINARY_SI:
            amount, times = _remove_factors(rounded, 1024)
            return str(amount), _BIN_BY_EXPONENT.get(times * 10, "")
        amount, times = _remove_factors(self._u, 10)
        exponent = self._e + times
        down = exponent % 3  # Python's modulo floors, as the Go switch on exponent%3 does
        amount, exponent = amount * 10**down, exponent - down
        if fmt == DECIMAL_EXPONENT:
            return str(amount), (f"e{exponent}" if exponent else "")
        return str(amount), _DEC_BY_EXPONENT.get(exponent, "")

    def __str__(self) -> str:
        if self._s:
            return self._s
        number, suffix = self.canonicalize()
        return number + suffix

    def __repr__(self) -> str:
        return f"Quantity({str(self)!r}, {self.format})"


def parse_quantity(text: str) -> Quantity:
    """resource.ParseQuantity: raises QuantityError (a ValueError) with apimachinery's message."""
    return Quantity.parse(text)


def must_parse(text: str) -> Quantity:
    return Quantity.parse(text)


def new_quantity(value: int, fmt: str = DECIMAL_SI) -> Quantity:
    """NewQuantity."""
    return Quantity(value, 0, fmt)


def new_milli_quantity(value: int, fmt: str = DECIMAL_SI) -> Quantity:
    """NewMilliQuantity: value/1000."""
    return Quantity(value, MILLI, fmt)


def new_scaled_quantity(value: int, scale: int) -> Quantity:
    """NewScaledQuantity: value * 10^scale, DecimalSI."""
    return Quantity(value, scale, DECIMAL_SI)


def canonical(value: Any) -> str:
    """String() of a stored value (text or a JSON number) as the apiserver serves it back."""
    return str(Quantity.of(value))


def milli_value(value: Any) -> int:
    """MilliValue of a stored value (CPU in millicores)."""
    return Quantity.of(value).milli_value()


def int_value(value: Any) -> int:
    """Value of a stored value (bytes, a count), rounded up."""
    return Quantity.of(value).value()
