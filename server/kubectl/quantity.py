"""resource.Quantity as kubectl prints it: a thin front over ``server.sim.quantity`` (the one
implementation of apimachinery's Quantity) for the describers, which carry a quantity as an exact
``Decimal`` and a format name (``binary`` Ki…Ei, ``exponent`` 1e3, ``decimal`` n…E or none).

``quantity_string`` is ``String()``: the canonical text the apiserver stores (``0.5`` → ``500m``,
``1024Mi`` → ``1Gi``; text ParseQuantity keeps as typed, such as ``1e3``, stays).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from ..sim.quantity import BINARY_SI, DECIMAL_EXPONENT, DECIMAL_SI, Quantity

_FORMATS = {BINARY_SI: "binary", DECIMAL_EXPONENT: "exponent", DECIMAL_SI: "decimal"}
_BY_NAME = {v: k for k, v in _FORMATS.items()}


def parse_quantity(value: Any) -> tuple[Decimal, str] | None:
    """A quantity's exact value (rounded up to nano units, as ParseQuantity keeps it) and its format
    name; None for text that is not a quantity."""
    try:
        q = Quantity.of(value)
    except ValueError:
        return None
    return q.as_decimal(), _FORMATS[q.format]


def from_decimal(number: Decimal, fmt: str) -> Quantity:
    """A Quantity of an exact Decimal in a format named as ``parse_quantity`` names it."""
    sign, digits, exponent = number.as_tuple()
    unscaled = int("".join(map(str, digits)) or "0")
    return Quantity(-unscaled if sign else unscaled, int(exponent), _BY_NAME.get(fmt, DECIMAL_SI))


def format_quantity(number: Decimal, fmt: str) -> str:
    """Quantity.String() of a value in a format (canonical: CanonicalizeBytes)."""
    return str(from_decimal(number, fmt))


def quantity_string(value: Any) -> str:
    """resource.Quantity's ``String()``; ``<nil>`` for an unset pointer; text that is not a quantity
    is printed as it is."""
    if value is None:
        return "<nil>"
    try:
        return str(Quantity.of(value))
    except ValueError:
        return str(value)
