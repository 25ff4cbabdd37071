"""Kline intervals, ``timeZone`` offsets and rolling ``windowSize`` values, as Binance names them.

A candle is identified by its *bucket index*: the n-th interval since the epoch in the
requested time zone. Fixed intervals (1s .. 1w) are plain arithmetic; ``1M`` counts
calendar months. Going through indexes lets a range of candles be walked, clipped and
limited without scanning the tape (rest-api.md "Kline/Candlestick data").

Alignment (docs/behaviour.md, "Candles and trades"): seconds to days align to the epoch
in the requested zone, ``3d`` to every third day since 1970-01-01, ``1w`` to Monday 00:00,
``1M`` to the first of the month.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

SECOND_MS = 1000
MINUTE_MS = 60 * SECOND_MS
HOUR_MS = 60 * MINUTE_MS
DAY_MS = 24 * HOUR_MS
WEEK_MS = 7 * DAY_MS
# 1970-01-01 was a Thursday: Monday-aligned weeks start on 1970-01-05, 4 days after the epoch.
_WEEK_ALIGN_MS = 4 * DAY_MS

_FIXED_MS = {
    "1s": SECOND_MS,
    "1m": MINUTE_MS, "3m": 3 * MINUTE_MS, "5m": 5 * MINUTE_MS, "15m": 15 * MINUTE_MS, "30m": 30 * MINUTE_MS,
    "1h": HOUR_MS, "2h": 2 * HOUR_MS, "4h": 4 * HOUR_MS, "6h": 6 * HOUR_MS, "8h": 8 * HOUR_MS, "12h": 12 * HOUR_MS,
    "1d": DAY_MS, "3d": 3 * DAY_MS, "1w": WEEK_MS,
}
MONTH = "1M"
# Binance's order (rest-api.md); case-sensitive: "1m" is a minute, "1M" a month.
KLINE_INTERVALS: tuple[str, ...] = (*_FIXED_MS, MONTH)


@dataclass(frozen=True)
class Interval:
    """One kline interval in one time zone (offset from UTC in milliseconds)."""

    name: str
    offset_ms: int = 0

    @property
    def fixed_ms(self) -> int | None:
        """The length in ms, or None for calendar months."""
        return _FIXED_MS.get(self.name)

    def index(self, time_ms: int) -> int:
        """The bucket containing ``time_ms`` (a UTC epoch time)."""
        local = time_ms + self.offset_ms
        size = self.fixed_ms
        if size is None:
            moment = datetime.fromtimestamp(_clamp_s(local // 1000), UTC)
            return moment.year * 12 + moment.month - 1
        align = _WEEK_ALIGN_MS if self.name == "1w" else 0
        return (local - align) // size

    def open_ms(self, index: int) -> int:
        """The UTC epoch time a bucket opens."""
        size = self.fixed_ms
        if size is None:
            year, month0 = divmod(index, 12)
            local = int(datetime(year, month0 + 1, 1, tzinfo=UTC).timestamp()) * 1000
        else:
            local = index * size + (_WEEK_ALIGN_MS if self.name == "1w" else 0)
        return local - self.offset_ms

    def close_ms(self, index: int) -> int:
        """The bucket's last millisecond (the next bucket's open minus one)."""
        return self.open_ms(index + 1) - 1


def _clamp_s(seconds: int) -> int:
    # datetime covers years 1..9999; times outside are clamped (they never hold data).
    return max(-62_135_596_800, min(seconds, 253_402_300_799))


# -- timeZone ----------------------------------------------------------------------------

_TIME_ZONE_RE = re.compile(r"^([+-]?)(\d{1,2})(?::(\d{2}))?$")
MIN_OFFSET_MS = -12 * HOUR_MS
MAX_OFFSET_MS = 14 * HOUR_MS


def parse_time_zone(text: str) -> int | None:
    """``timeZone`` ("8", "-1:00", "05:45", "+08:00") as an offset in ms, or None if invalid.

    Binance accepts hours, or hours and minutes, strictly within [-12:00, +14:00].
    """
    match = _TIME_ZONE_RE.fullmatch(text)
    if match is None:
        return None
    sign, hours, minutes = match.group(1), int(match.group(2)), int(match.group(3) or 0)
    if minutes >= 60:
        return None
    offset = hours * HOUR_MS + minutes * MINUTE_MS
    if sign == "-":
        offset = -offset
    if not MIN_OFFSET_MS <= offset <= MAX_OFFSET_MS:
        return None
    return offset


# -- windowSize (GET /api/v3/ticker) -----------------------------------------------------

_WINDOW_RE = re.compile(r"^([1-9][0-9]?)([mhd])$")
_WINDOW_MAX = {"m": 59, "h": 23, "d": 7}
_WINDOW_UNIT_MS = {"m": MINUTE_MS, "h": HOUR_MS, "d": DAY_MS}


def parse_window_size(text: str) -> int | None:
    """``windowSize`` (1m..59m, 1h..23h, 1d..7d) in ms, or None if Binance would refuse it."""
    match = _WINDOW_RE.fullmatch(text)
    if match is None:
        return None
    amount, unit = int(match.group(1)), match.group(2)
    if amount > _WINDOW_MAX[unit]:
        return None
    return amount * _WINDOW_UNIT_MS[unit]
