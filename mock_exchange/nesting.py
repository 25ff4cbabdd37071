"""Documents from outside (JSON bodies, snapshot files, configs, WebSocket frames) have a depth limit.

``json.loads`` and ``yaml.safe_load`` recurse once per level: a body of 100 000 ``[`` raises
``RecursionError``, which no ``except ValueError`` catches, and a document a little under
the interpreter's limit parses but breaks the first recursive walk over it. Nothing the
fake reads is deeper than a few levels (a snapshot is about eight), so anything deeper
than :data:`MAX_DEPTH` is refused as malformed, with a ``ValueError`` like any other.
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64


class TooDeep(ValueError):
    """A document nested deeper than :data:`MAX_DEPTH` levels."""

    def __init__(self, limit: int = MAX_DEPTH) -> None:
        super().__init__(f"nested deeper than {limit} levels")


def loads(data: str | bytes, *, limit: int = MAX_DEPTH, **options: Any) -> Any:
    """``json.loads(data, **options)`` that raises :class:`TooDeep` instead of recursing too far."""
    try:
        value = json.loads(data, **options)
    except RecursionError:
        raise TooDeep(limit) from None
    check_depth(value, limit)
    return value


def check_depth(value: Any, limit: int = MAX_DEPTH) -> None:
    """:class:`TooDeep` when lists / dicts in ``value`` nest deeper than ``limit``.

    Iterative, and each container is visited once: a YAML document can share one node
    many times through aliases (or even contain itself), which must not blow up the walk.
    """
    seen: set[int] = set()
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if not isinstance(item, (dict, list, tuple)) or id(item) in seen:
            continue
        if depth > limit:
            raise TooDeep(limit)
        seen.add(id(item))
        children = item.values() if isinstance(item, dict) else item
        stack.extend((child, depth + 1) for child in children)
