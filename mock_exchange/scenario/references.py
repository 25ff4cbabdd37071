"""``${name}`` references to values saved by earlier steps, and ``${now}``.

A string that is exactly one reference takes the referenced value with its type (an
``orderListId`` stays an int); a reference inside a longer string is interpolated as text.
``$${`` writes a literal ``${``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any

from mock_exchange.scenario.located import LocatedDict, LocatedList
from mock_exchange.scenario.paths import MISSING, PathError, Token, get_path, parse_path, render

REFERENCE = re.compile(r"\$\$\{|\$\{([^{}]*)\}")
BUILTINS = frozenset({"now"})


class ReferenceError_(LookupError):
    """A reference that cannot be resolved at run time."""


def references_in(value: Any, container: Any = None, key: Any = None) -> Iterator[tuple[str, Any, Any]]:
    """Yield ``(expression, container, key)`` for every reference: the innermost holder and key."""
    if isinstance(value, str):
        for match in REFERENCE.finditer(value):
            if match.group(0) != "$${":
                yield match.group(1), container, key
    elif isinstance(value, dict):
        for child_key, item in value.items():
            yield from references_in(item, value, child_key)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from references_in(item, value, index)


def split_reference(expression: str) -> tuple[str, list[Token]]:
    """The saved name and the field path of ``name.path``; PathError when malformed."""
    text = expression.strip()
    match = re.match(r"[A-Za-z_][A-Za-z0-9_-]*", text)
    if match is None:
        raise PathError(f"${{{expression}}}: a reference starts with a saved name, e.g. ${{list.orderListId}}")
    name, rest = match.group(0), text[match.end():]
    if not rest:
        return name, []
    return name, parse_path(rest.removeprefix("."))


Lookup = Callable[[str], Any]


def resolve(value: Any, lookup: Lookup) -> Any:
    """Replace every reference in ``value`` (keeping line numbers of located containers)."""
    if isinstance(value, str):
        return _resolve_string(value, lookup)
    if isinstance(value, dict):
        out: dict[Any, Any] = LocatedDict() if isinstance(value, LocatedDict) else {}
        for key, item in value.items():
            out[key] = resolve(item, lookup)
        if isinstance(value, LocatedDict) and isinstance(out, LocatedDict):
            out.line, out.key_lines = value.line, dict(value.key_lines)
        return out
    if isinstance(value, list):
        items = [resolve(item, lookup) for item in value]
        if isinstance(value, LocatedList):
            located = LocatedList(items)
            located.line, located.item_lines = value.line, list(value.item_lines)
            return located
        return items
    return value


def _resolve_string(text: str, lookup: Lookup) -> Any:
    whole = REFERENCE.fullmatch(text)
    if whole is not None and whole.group(0) != "$${":
        return _value_of(whole.group(1), lookup)

    def substitute(match: re.Match[str]) -> str:
        if match.group(0) == "$${":
            return "${"
        return render(_value_of(match.group(1), lookup))

    return REFERENCE.sub(substitute, text)


def _value_of(expression: str, lookup: Lookup) -> Any:
    name, tokens = split_reference(expression)
    root = lookup(name)
    value = get_path(root, tokens)
    if value is MISSING:
        raise ReferenceError_(
            f"${{{expression}}}: {name!r} has no field {expression.strip()[len(name) :].lstrip('.')!r}"
        )
    return value
