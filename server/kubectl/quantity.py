"""resource.Quantity as kubectl prints it: ``String()``'s canonical text.

Owns: parsing a quantity's text into its exact value and format (binary ``Ki``…``Ei``, decimal
``n``…``E`` or none, exponent ``1e3``) and writing a value back in a format the way
apimachinery's ``CanonicalizeBytes`` does. The apiserver stores every quantity canonicalized, so
this is also what ``kubectl get -o yaml`` shows of a value a user typed.
"""

from __future__ import annotations

import re
from decimal import ROUND_CEILING, Decimal
from typing import Any

_QUANTITY = re.compile(r"^([+-]?[0-9]*\.?[0-9]+)(?:([eE][+-]?[0-9]+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?)$")
_DECIMAL = {"n": -9, "u": -6, "m": -3, None: 0, "k": 3, "M": 6, "G": 9, "T": 12, "P": 15, "E": 18}
_BINARY = {"Ki": 1, "Mi": 2, "Gi": 3, "Ti": 4, "Pi": 5, "Ei": 6}
_DECIMAL_SUFFIX = {v: (k or "") for k, v in _DECIMAL.items()}
_BINARY_SUFFIX = ["", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"]


def parse_quantity(value: Any) -> tuple[Decimal, str] | None:
    """A resource.Quantity's value (rounded up to nano units, as ParseQuantity keeps it) and its
    format: ``binary`` (Ki…Ei), ``exponent`` (1e3) or ``decimal`` (n…E or none); None for text
    that is not a quantity."""
    m = _QUANTITY.match(str(value).strip())
    if not m:
        return None
    number = Decimal(m.group(1))
    if m.group(2):
        fmt, number = "exponent", number * Decimal(10) ** int(m.group(2)[1:])
    elif m.group(3) in _BINARY:
        fmt, number = "binary", number * Decimal(1024) ** _BINARY[m.group(3)]
    else:
        fmt, number = "decimal", number * Decimal(10) ** _DECIMAL[m.group(3)]
    if number.as_tuple().exponent < -9:  # type: ignore[operator]
        number = number.quantize(Decimal("1e-9"), rounding=ROUND_CEILING)
    return number, fmt


def format_quantity(number: Decimal, fmt: str) -> str:
    """Quantity.String() of a value in a format: binary values under 1024 or with a fraction
    print as decimal SI; decimal SI takes the suffix of the largest power of 1000 that keeps the
    mantissa whole (an exponent form beyond E or below n)."""
    if number == 0:
        return "0"
    if fmt == "binary" and (abs(number) < 1024 or number != number.to_integral_value()):
        fmt = "decimal"
    sign = "-" if number < 0 else ""
    if fmt == "binary":
        n, power = int(abs(number)), 0
        while n % 1024 == 0 and power < 6:
            n, power = n // 1024, power + 1
        return f"{sign}{n}{_BINARY_SUFFIX[power]}"
    _, digits, exponent = abs(number).normalize().as_tuple()
    exp3 = (int(exponent) // 3) * 3
    mantissa = int("".join(map(str, digits))) * 10 ** (int(exponent) - exp3)
    if fmt == "decimal" and exp3 in _DECIMAL_SUFFIX:
        return f"{sign}{mantissa}{_DECIMAL_SUFFIX[exp3]}"
    return f"{sign}{mantissa}" + (f"e{exp3}" if exp3 else "")


def quantity_string(value: Any) -> str:
    """resource.Quantity's ``String()``: the canonical text the apiserver stores (``0.5`` →
    ``500m``, ``1024Mi`` → ``1Gi``, ``1500`` and ``1e3`` stay); ``<nil>`` for an unset pointer;
    text that is not a quantity is printed as it is."""
    if value is None:
        return "<nil>"
    parsed = parse_quantity(value)
    return str(value) if parsed is None else format_quantity(*parsed)
