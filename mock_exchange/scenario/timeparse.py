"""Durations (``60s``, ``1m``, ``250ms``, ``1h30m``) and instants (epoch ms or ISO-8601 UTC)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from typing import Any

# 2026-01-01T00:00:00Z: the instant scenarios start at unless `given.clock` says otherwise.
DEFAULT_START_MS = 1_767_225_600_000

_UNITS_MS = {"ms": 1, "s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
_DURATION = re.compile(r"(\d+)\s*(ms|s|m|h|d)")


def _is_reference(value: Any) -> bool:
    return isinstance(value, str) and "${" in value


def parse_duration_ms(value: Any) -> int:
    """Milliseconds from an int (already ms) or a text such as ``1m30s``; ValueError otherwise."""
    if _is_reference(value):
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("a duration cannot be negative")
        return value
    if isinstance(value, str):
        text = value.replace(" ", "")
        parts = list(_DURATION.finditer(text))
        if parts and "".join(p.group(0) for p in parts) == text:
            return sum(int(p.group(1)) * _UNITS_MS[p.group(2)] for p in parts)
    raise ValueError(f"not a duration: {value!r} (write milliseconds, or e.g. 500ms, 60s, 1m, 2h)")


def parse_instant_ms(value: Any) -> int:
    """Epoch milliseconds from an int, a datetime, or an ISO-8601 text (UTC unless it says)."""
    if _is_reference(value):
        return 0
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValueError("an instant cannot be negative")
        return value
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=UTC)
        return int(moment.timestamp() * 1000)
    if isinstance(value, date):
        return parse_instant_ms(datetime(value.year, value.month, value.day, tzinfo=UTC))
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return int(text)
        try:
            return parse_instant_ms(datetime.fromisoformat(text))
        except ValueError:
            pass
    raise ValueError(f"not an instant: {value!r} (write epoch milliseconds or e.g. 2026-01-01T00:00:00Z)")


def iso(ms: int) -> str:
    """Epoch milliseconds as ``2026-01-01T00:00:00Z`` (milliseconds shown only when non-zero)."""
    moment = datetime.fromtimestamp(ms / 1000, tz=UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if ms % 1000:
        text += f".{ms % 1000:03d}"
    return text + "Z"
