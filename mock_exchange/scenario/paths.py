"""Field paths into JSON values: ``orderReports[0].status``, ``orders.1.orderId``,
``orderReports[type=LIMIT_MAKER].orderId`` (the first item whose field equals the value)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_SEGMENT = re.compile(r"([^.\[\]]+)|\[([^\[\]]*)\]|(\.)")


class PathError(ValueError):
    """A path that cannot be parsed."""


class Missing:
    """The value at a path that leads nowhere (distinct from JSON null); use :data:`MISSING`."""

    def __repr__(self) -> str:
        return "<missing>"


MISSING = Missing()


@dataclass(frozen=True)
class Key:
    """A mapping key (or, on a list, a decimal index written as ``.0``)."""

    name: str


@dataclass(frozen=True)
class Index:
    """A list index written as ``[2]`` (negative counts from the end)."""

    position: int


@dataclass(frozen=True)
class Select:
    """The first list item whose ``field`` renders as ``value``: ``[type=LIMIT_MAKER]``."""

    field: str
    value: str


Token = Key | Index | Select


def parse_path(text: str) -> list[Token]:
    """Split a path into tokens; PathError with the reason when malformed."""
    if not isinstance(text, str) or not text.strip():
        raise PathError("an empty field path")
    if text in (".", "$"):
        return []  # the whole value
    tokens: list[Token] = []
    pos = 0
    expect_segment = True
    while pos < len(text):
        match = _SEGMENT.match(text, pos)
        if match is None:
            raise PathError(f"cannot read field path {text!r} at {text[pos:]!r}")
        name, bracket, dot = match.groups()
        if dot:
            if expect_segment:
                raise PathError(f"empty segment in field path {text!r}")
            expect_segment = True
        elif name is not None:
            if not expect_segment:
                raise PathError(f"missing '.' before {name!r} in field path {text!r}")
            tokens.append(Key(name.strip()))
            expect_segment = False
        else:
            tokens.append(_bracket(bracket, text))
            expect_segment = False
        pos = match.end()
    if expect_segment:
        raise PathError(f"field path {text!r} ends with '.'")
    return tokens


def _bracket(inner: str, text: str) -> Token:
    inner = inner.strip()
    if re.fullmatch(r"-?\d+", inner):
        return Index(int(inner))
    field, sep, value = inner.partition("=")
    if not sep or not field.strip():
        raise PathError(f"[{inner}] in {text!r}: use [index] or [field=value]")
    return Select(field.strip(), value.strip())


def get_path(value: Any, tokens: list[Token]) -> Any:
    """Follow ``tokens`` into ``value``; MISSING where the path leads nowhere."""
    current = value
    for token in tokens:
        current = _step(current, token)
        if current is MISSING:
            return MISSING
    return current


def _step(current: Any, token: Token) -> Any:
    if isinstance(token, Key):
        if isinstance(current, dict):
            return current.get(token.name, MISSING)
        if isinstance(current, list) and re.fullmatch(r"-?\d+", token.name):
            return _index(current, int(token.name))
        return MISSING
    if isinstance(token, Index):
        return _index(current, token.position) if isinstance(current, list) else MISSING
    if isinstance(current, list):
        for item in current:
            if isinstance(item, dict) and render(item.get(token.field, MISSING)) == token.value:
                return item
    return MISSING


def _index(items: list[Any], position: int) -> Any:
    try:
        return items[position]
    except IndexError:
        return MISSING


def render(value: Any) -> str:
    """A value as text for selectors and messages (JSON-ish: true/false/null)."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def format_path(prefix: str, key: Any) -> str:
    """Join a parent path and a child key or index for messages."""
    if isinstance(key, int):
        return f"{prefix}[{key}]"
    return f"{prefix}.{key}" if prefix else str(key)
