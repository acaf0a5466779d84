"""The one number formatter of every table, figure label, sentence and text output.

Kominfo publishes its scores with two decimals, rounded half up (3.125 -> 3.13). Python's
``f"{x:.2f}"`` rounds the binary float, which is slightly below 3.125, to 3.12; the
formatter here rounds the decimal value (``decimal.Decimal(repr(x))``, the shortest
decimal that reads back as ``x``) half up, so the report prints what the publication
prints (floating-point noise below 1e-9 is removed first). Two more rules keep a number from saying more than it means:

* shares of a target (``pct_achieved``) are cut down, never rounded up: 99.7 % prints as
  "99 %" with no decimals, so "100 %" appears only when the target is met;
* no negative zero: a value that rounds to zero prints without a sign ("0.00", "+0.00"
  with ``sign``).

Missing values (None, NaN) print as an en dash. The decimal point is "." in both
languages so that the numbers read the same as the CSV outputs.
"""

from __future__ import annotations

import math
from decimal import ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

__all__ = ["DIGITS", "MISSING", "rounded", "fmt", "fmt_share", "number_or_none"]

#: The decimals the Kominfo evaluation publishes (and the default of every score).
DIGITS = 2
#: Floating-point noise removed before rounding: a mean computed as 3.0749999999999997
#: is the decimal 3.075 and prints 3.08, as the publication (which rounds the same way).
_NOISE = Decimal("1e-9")
#: How a missing value prints.
MISSING = "–"


def number_or_none(value: Any) -> float | None:
    """``value`` as a float, or None when it is missing or not a number."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    try:
        number = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(number) else number


def _quantize(number: float, digits: int, rounding: str) -> Decimal:
    try:
        exact = Decimal(repr(float(number))).quantize(_NOISE, rounding=ROUND_HALF_EVEN)
        out = exact.quantize(Decimal(1).scaleb(-int(digits)), rounding=rounding)
    except InvalidOperation:  # infinities
        return Decimal(repr(float(number)))
    return out + Decimal(0) if out.is_zero() else out  # drop the sign of -0


def rounded(value: Any, digits: int = DIGITS) -> float | None:
    """``value`` rounded half up on its decimal value (None when missing):
    ``rounded(3.125) == 3.13``, ``rounded(-0.004) == 0.0``."""
    number = number_or_none(value)
    if number is None:
        return None
    out = float(_quantize(number, digits, ROUND_HALF_UP))
    return 0.0 if out == 0 else out


def _text(dec: Decimal, digits: int, sign: bool) -> str:
    if dec.is_zero():
        dec = abs(dec)
    text = f"{dec:.{max(0, int(digits))}f}"
    return ("+" + text if dec >= 0 else text) if sign else text


def fmt(value: Any, digits: int = DIGITS, sign: bool = False) -> str:
    """``value`` with ``digits`` decimals, rounded half up (``fmt(3.125) == "3.13"``),
    optional sign, never "-0.00"; an en dash when missing; other text as it is."""
    if isinstance(value, str):
        return value
    number = number_or_none(value)
    if number is None:
        return MISSING if value is None or _is_nan(value) else str(value)
    if math.isinf(number):
        return str(number)
    return _text(_quantize(number, digits, ROUND_HALF_UP), digits, sign)


def fmt_share(value: Any, digits: int = 0) -> str:
    """A share of a target in percent, cut down to ``digits`` decimals (never rounded up
    into a claim): ``fmt_share(99.7) == "99"``, ``fmt_share(100.0) == "100"``."""
    number = number_or_none(value)
    if number is None:
        return MISSING
    if math.isinf(number):
        return str(number)
    return _text(_quantize(number, digits, ROUND_FLOOR), digits, False)


def _is_nan(value: Any) -> bool:
    try:
        return math.isnan(float(value))
    except (TypeError, ValueError):
        return False
