"""Lenient field readers used by the response models."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import field
from decimal import Decimal, InvalidOperation
from typing import Any

from .errors import UnexpectedResponseError


def raw_field() -> Any:
    """Return the dataclass field keeping the original JSON (not compared, not in repr)."""
    return field(default_factory=dict, compare=False, repr=False, hash=False)


def required(raw: Mapping[str, Any], key: str) -> Any:
    """Return raw[key] or raise UnexpectedResponseError naming the missing field."""
    if not isinstance(raw, Mapping):
        raise UnexpectedResponseError(f"expected a JSON object, got {type(raw).__name__}")
    if key not in raw or raw[key] is None:
        raise UnexpectedResponseError(f"response lacks field '{key}'")
    return raw[key]


def dec(value: Any) -> Decimal | None:
    """Parse a JSON string or number ("0E-8", "0.00000000", 5) as Decimal; None stays None."""
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise UnexpectedResponseError(f"expected a decimal, got {value!r}")
    try:
        # str() first so that a float (never expected) keeps its shortest repr.
        return Decimal(str(value))
    except InvalidOperation as exc:
        raise UnexpectedResponseError(f"not a decimal: {value!r}") from exc


def opt_dec(raw: Mapping[str, Any], key: str) -> Decimal | None:
    """Return raw[key] as Decimal, or None when absent."""
    return dec(raw.get(key))


def req_dec(raw: Mapping[str, Any], key: str) -> Decimal:
    """Return raw[key] as Decimal, raising if absent."""
    value = dec(required(raw, key))
    assert value is not None
    return value


def to_int(value: Any) -> int | None:
    """Parse an id or time (int, or a string like "28" as in the cancel example)."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise UnexpectedResponseError(f"expected an integer, got {value!r}")
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise UnexpectedResponseError(f"not an integer: {value!r}") from exc


def opt_int(raw: Mapping[str, Any], key: str) -> int | None:
    """Return raw[key] as int, or None when absent."""
    return to_int(raw.get(key))


def req_int(raw: Mapping[str, Any], key: str) -> int:
    """Return raw[key] as int, raising if absent."""
    value = to_int(required(raw, key))
    assert value is not None
    return value


def opt_bool(raw: Mapping[str, Any], key: str) -> bool | None:
    """Return raw[key] as bool (JSON bool or "true"/"TRUE"), or None when absent."""
    value = raw.get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise UnexpectedResponseError(f"field '{key}' is not a boolean: {value!r}")


def opt_str(raw: Mapping[str, Any], key: str) -> str | None:
    """Return raw[key] as str, or None when absent."""
    value = raw.get(key)
    return None if value is None else str(value)


def req_str(raw: Mapping[str, Any], key: str) -> str:
    """Return raw[key] as str, raising if absent."""
    return str(required(raw, key))


def items(raw: Mapping[str, Any], key: str) -> list[Any]:
    """Return raw[key] as a list (empty when absent)."""
    value = raw.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise UnexpectedResponseError(f"field '{key}' is not a list")
    return value
