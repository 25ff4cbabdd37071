"""Typed reading of control-plane inputs (JSON bodies, query strings, handle arguments).

Decimals are accepted as strings, ints or ``Decimal`` and never as floats: a float has
already lost the decimal the caller meant, and the fake exchange must be deterministic.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from mock_exchange.control.errors import bad_request
from mock_exchange.core.clock import MAX_TIME_MS  # noqa: F401  (re-exported for the control API)

MAX_DIGITS = 20
# Binance keeps prices, quantities and balances to 8 decimal places; a control value with
# more would be shown rounded by every endpoint, so it is refused instead.
AMOUNT_PLACES = 8


def show(raw: Any) -> str:
    """A value as the caller wrote it, for messages (``1.5`` rather than ``Decimal('1.5')``)."""
    return format(raw, "f") if isinstance(raw, Decimal) else repr(raw)


def reject_floats(**values: Any) -> None:
    """TypeError for any float among ``values`` (the Python handles' guard)."""
    for name, value in values.items():
        if isinstance(value, float):
            raise TypeError(f"{name}: floats are not accepted; pass a str, int or Decimal (got {value!r})")
        if isinstance(value, (list, tuple)):
            for i, item in enumerate(value):
                reject_floats(**{f"{name}[{i}]": item})
        elif isinstance(value, Mapping):
            for key, item in value.items():
                reject_floats(**{f"{name}.{key}": item})


def decimal_value(raw: Any, name: str, *, positive: bool = False, non_negative: bool = False) -> Decimal:
    """``raw`` as a finite Decimal; bad_request otherwise."""
    if isinstance(raw, (bool, float)) or raw is None:
        raise bad_request(f"{name}: expected a decimal as a string, e.g. \"30000.01\" (got {raw!r})")
    if isinstance(raw, Decimal):
        value = raw
    elif isinstance(raw, (int, str)):
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise bad_request(f"{name}: not a decimal: {raw!r}") from None
    else:
        raise bad_request(f"{name}: expected a decimal as a string (got {type(raw).__name__})")
    if not value.is_finite():
        raise bad_request(f"{name}: not a finite decimal: {raw!r}")
    # Binance's own decimal range: up to 20 digits before and after the point.
    # adjusted(): the power of ten of the leading digit, computed without any arithmetic.
    if value != 0 and (value.adjusted() >= MAX_DIGITS or -int(value.as_tuple().exponent) > MAX_DIGITS):
        raise bad_request(f"{name}: out of range (at most 20 digits before and after the point): {show(raw)}")
    if positive and value <= 0:
        raise bad_request(f"{name}: must be positive (got {raw})")
    if non_negative and value < 0:
        raise bad_request(f"{name}: must not be negative (got {raw})")
    return value


def amount_value(raw: Any, name: str, *, positive: bool = False, non_negative: bool = False) -> Decimal:
    """A price, quantity or balance: a decimal in Binance's range with at most 8 decimal places."""
    value = decimal_value(raw, name, positive=positive, non_negative=non_negative)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and -exponent > AMOUNT_PLACES and value != value.quantize(Decimal(1).scaleb(-8)):
        raise bad_request(f"{name}: at most {AMOUNT_PLACES} decimal places, as Binance keeps (got {show(raw)})")
    return value


def int_value(raw: Any, name: str, *, minimum: int | None = None, maximum: int | None = None) -> int:
    """``raw`` as an int (an integral JSON number, or digits in a query string)."""
    value: int
    if isinstance(raw, bool):
        raise bad_request(f"{name}: expected an integer (got {show(raw)})")
    if isinstance(raw, int):
        value = raw
    elif isinstance(raw, Decimal) and raw == raw.to_integral_value():
        value = int(raw)
    elif isinstance(raw, str) and raw.strip().lstrip("-").isdigit():
        value = int(raw.strip())
    else:
        raise bad_request(f"{name}: expected an integer (got {show(raw)})")
    if minimum is not None and value < minimum:
        raise bad_request(f"{name}: must be at least {minimum} (got {value})")
    if maximum is not None and value > maximum:
        raise bad_request(f"{name}: must be at most {maximum} (got {value})")
    return value


def bool_value(raw: Any, name: str) -> bool:
    """A JSON boolean, or "true"/"false" in a query string."""
    if isinstance(raw, bool):
        return raw
    if isinstance(raw, str) and raw.lower() in ("true", "false", "1", "0"):
        return raw.lower() in ("true", "1")
    raise bad_request(f"{name}: expected true or false (got {raw!r})")


def str_value(raw: Any, name: str) -> str:
    if not isinstance(raw, str) or not raw:
        raise bad_request(f"{name}: expected a non-empty string (got {raw!r})")
    return raw


def probability_value(raw: Any, name: str = "probability") -> Decimal:
    value = decimal_value(raw, name)
    if not Decimal(0) <= value <= Decimal(1):
        raise bad_request(f"{name}: must be between 0 and 1 (got {raw})")
    return value
