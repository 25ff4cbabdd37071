"""Conversion of Python values to Binance's wire strings and form encoding."""

from __future__ import annotations

import enum
import json
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from urllib.parse import quote

from .errors import MissingParameterError

DecimalLike = Decimal | int | str


def format_decimal(value: DecimalLike) -> str:
    """Render a decimal as a plain string (never exponent notation)."""
    if isinstance(value, (bool, float)):
        # Floats silently lose precision and bools are ints: refuse both.
        raise TypeError(f"decimal parameters take Decimal, int or str, not {type(value).__name__}")
    try:
        number = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal number: {value!r}") from exc
    if not number.is_finite():
        raise ValueError(f"not a finite decimal: {value!r}")
    return format(number, "f")


def isolated_flag(is_isolated: bool | None) -> str | None:
    """Render isIsolated the way the margin trade endpoints expect ("TRUE"/"FALSE")."""
    if is_isolated is None:
        return None
    return "TRUE" if is_isolated else "FALSE"


def bool_flag(value: bool | None) -> str | None:
    """Render a BOOLEAN parameter such as autoRepayAtCancel ("true"/"false")."""
    if value is None:
        return None
    return "true" if value else "false"


def symbols_param(symbols: Iterable[str] | None) -> str | None:
    """Render a `symbols` list as the compact JSON array /api/v3 expects."""
    if symbols is None:
        return None
    return json.dumps(list(symbols), separators=(",", ":"))


def to_wire(value: object) -> str:
    """Render a parameter value as its wire string."""
    if isinstance(value, enum.Enum):
        value = value.value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (Decimal, float)):
        return format_decimal(value)  # type: ignore[arg-type]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    raise TypeError(f"unsupported parameter type {type(value).__name__}")


def clean_params(params: Mapping[str, object]) -> dict[str, str]:
    """Drop None values and render the rest as wire strings, keeping the order."""
    return {key: to_wire(value) for key, value in params.items() if value is not None}


def encode_pairs(pairs: Mapping[str, str]) -> str:
    """Percent-encode pairs as a form string: the exact bytes that are sent and signed."""
    # quote(safe="") encodes everything but unreserved characters, which `requests`
    # leaves untouched, so the bytes on the wire equal the bytes we signed.
    return "&".join(f"{quote(key, safe='')}={quote(val, safe='')}" for key, val in pairs.items())


def require(**named: object) -> None:
    """Raise MissingParameterError for the first argument that is None or empty."""
    for name, value in named.items():
        if value is None or value == "":
            raise MissingParameterError(name, camel_case(name))


def require_one_of(**named: object) -> None:
    """Raise MissingParameterError unless at least one argument is given."""
    if all(value is None or value == "" for value in named.values()):
        names = " or ".join(named)
        raise MissingParameterError(names, " or ".join(camel_case(n) for n in named))


def camel_case(snake: str) -> str:
    """Map a snake_case keyword to Binance's camelCase wire name."""
    head, *rest = snake.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)
