"""Decimal parsing and Binance's number formats, kept in one place.

Binance renders decimals differently per endpoint (spec §5.1, open question §13.4):
8-decimal strings on queries, trailing zeros stripped on single-order placements,
and Java's ``0E-8`` for a zero with scale 8 inside order-list placements. Each
serialiser names the format it uses, so a correction is a one-line change here.
"""

from __future__ import annotations

import re
from contextlib import AbstractContextManager
from decimal import ROUND_HALF_EVEN, Context, Decimal, DivisionByZero, InvalidOperation, Overflow, localcontext
from enum import Enum

# Binance's legal range for DECIMAL parameters (spec §1); no exponent notation.
DECIMAL_PATTERN = r"^([0-9]{1,20})(\.[0-9]{1,20})?$"
_DECIMAL_RE = re.compile(DECIMAL_PATTERN)

ZERO = Decimal(0)
_EIGHT = Decimal("0.00000001")

# The arithmetic every request runs in (web/app.py) and the control handles use. Python's
# default keeps 28 digits, and quantizing a result that needs more (a balance of 1e19 valued
# at a price of 1e19, to 8 places) raises InvalidOperation: a 500. Amounts the engine
# accepts stay below 1e20 with at most 40 places, so no product of a few of them needs 150.
ENGINE_PRECISION = 150
ENGINE_CONTEXT = Context(prec=ENGINE_PRECISION, rounding=ROUND_HALF_EVEN,
                         traps=[InvalidOperation, DivisionByZero, Overflow])


def engine_arithmetic() -> AbstractContextManager[Context]:
    """``with engine_arithmetic():`` the decimal context of :data:`ENGINE_CONTEXT` (thread-local)."""
    return localcontext(ENGINE_CONTEXT)


class NumberFormat(Enum):
    """How a decimal leaves the server."""

    PLAIN8 = "plain8"  # "0.00000000", "30000.00000000"
    STRIPPED = "stripped"  # "0", "0.001", "65982.53"
    JAVA_SCALE8 = "java_scale8"  # "30000.00000000", but zero as "0E-8"


def parse_decimal(text: str) -> Decimal | None:
    """``text`` as a Decimal if it matches Binance's decimal syntax, else None."""
    # A full match: with re.match, "$" would also accept "1.5\n".
    if not _DECIMAL_RE.fullmatch(text):
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid literals
        return None


def format_decimal(value: Decimal, fmt: NumberFormat = NumberFormat.PLAIN8) -> str:
    """Render ``value`` as Binance does in format ``fmt``."""
    if fmt is NumberFormat.PLAIN8:
        return f"{value.quantize(_EIGHT):f}"
    if fmt is NumberFormat.STRIPPED:
        if value == 0:
            return "0"
        return f"{value.normalize():f}"
    if value == 0:
        return "0E-8"
    return f"{value.quantize(_EIGHT):f}"


def plain8(value: Decimal) -> str:
    return format_decimal(value, NumberFormat.PLAIN8)


def stripped(value: Decimal) -> str:
    return format_decimal(value, NumberFormat.STRIPPED)


def decimal_places(value: Decimal) -> int:
    """Digits after the point of ``value`` as written (``Decimal('1.50')`` -> 2)."""
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def is_multiple(value: Decimal, step: Decimal) -> bool:
    """Whether ``value`` is a whole multiple of ``step`` (a zero step disables the rule)."""
    if step == 0:
        return True
    return (value % step) == 0
