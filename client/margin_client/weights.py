"""Used-weight tracking from response headers and optional client-side throttling."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from .endpoints import API_WEIGHT_HEADER, SAPI_IP_WEIGHT_HEADER, SAPI_UID_WEIGHT_HEADER

_WEIGHT_HEADER = re.compile(r"^X-(?:MBX-USED-WEIGHT|SAPI-USED-(?:IP|UID)-WEIGHT)(?:-(\d+)([SMHD]))?$")
_UNIT_MS = {"S": 1_000, "M": 60_000, "H": 3_600_000, "D": 86_400_000}

DEFAULT_LIMITS: Mapping[str, int] = {
    API_WEIGHT_HEADER: 6000,
    SAPI_IP_WEIGHT_HEADER: 12000,
    SAPI_UID_WEIGHT_HEADER: 180000,
}


def interval_ms(header: str) -> int | None:
    """Return the window length a weight header refers to, or None if it is not one."""
    match = _WEIGHT_HEADER.fullmatch(header.upper())
    if match is None:
        return None
    if match.group(1) is None:
        return 60_000  # legacy bare X-MBX-USED-WEIGHT counts per minute
    return int(match.group(1)) * _UNIT_MS[match.group(2)]


def window_start(now_ms: int, length_ms: int) -> int:
    """Return the start of the fixed window containing `now_ms`."""
    return now_ms - now_ms % length_ms


@dataclass
class _Usage:
    used: int
    window_start_ms: int


class WeightTracker:
    """Latest used weight per header (and per endpoint for /sapi's independent budgets)."""

    def __init__(self) -> None:
        self._usage: dict[tuple[str, str], _Usage] = {}
        self.last_headers: dict[str, int] = {}
        self.blocked_until_ms: int = 0

    def record_headers(self, headers: Mapping[str, str], *, scope: str, now_ms: int) -> dict[str, int]:
        """Store every used-weight header of a response; return what was found."""
        found: dict[str, int] = {}
        for name, value in headers.items():
            upper = name.upper()
            length = interval_ms(upper)
            if length is None:
                continue
            try:
                used = int(str(value).strip())
            except ValueError:
                continue
            found[upper] = used
            # /api weights are one shared per-IP budget; /sapi budgets are per endpoint.
            key_scope = "" if upper.startswith("X-MBX-") else scope
            self._usage[(upper, key_scope)] = _Usage(used, window_start(now_ms, length))
        self.last_headers.update(found)
        return found

    def add(self, header: str, *, scope: str, weight: int, now_ms: int) -> None:
        """Add a locally known weight when the response carried no header for it."""
        header = header.upper()
        length = interval_ms(header) or 60_000
        key = (header, "" if header.startswith("X-MBX-") else scope)
        start = window_start(now_ms, length)
        current = self._usage.get(key)
        base = current.used if current and current.window_start_ms == start else 0
        self._usage[key] = _Usage(base + weight, start)

    def used(self, header: str, *, scope: str = "", now_ms: int) -> int:
        """Return the weight used so far in the current window (0 once it has reset)."""
        header = header.upper()
        length = interval_ms(header) or 60_000
        usage = self._usage.get((header, "" if header.startswith("X-MBX-") else scope))
        if usage is None or usage.window_start_ms != window_start(now_ms, length):
            return 0
        return usage.used

    def block_until(self, until_ms: int) -> None:
        """Remember a Retry-After deadline from a 429/418 so the throttle honours it."""
        self.blocked_until_ms = max(self.blocked_until_ms, until_ms)


class Throttle:
    """Waits before a request whose known weight would exceed a configured limit."""

    def __init__(
        self,
        limits: Mapping[str, int] = DEFAULT_LIMITS,
        *,
        sleep: Callable[[float], None] = time.sleep,
        respect_retry_after: bool = True,
    ) -> None:
        self.limits = {name.upper(): limit for name, limit in limits.items()}
        self._sleep = sleep
        self.respect_retry_after = respect_retry_after

    def wait_time_ms(self, tracker: WeightTracker, *, header: str, scope: str, weight: int, now_ms: int) -> int:
        """Return how long to wait before sending a request of `weight` (0 = go now)."""
        wait = 0
        if self.respect_retry_after and tracker.blocked_until_ms > now_ms:
            wait = tracker.blocked_until_ms - now_ms
        limit = self.limits.get(header.upper())
        if limit is not None:
            used = tracker.used(header, scope=scope, now_ms=now_ms + wait)
            # A request heavier than the whole budget can never fit: waiting would not help.
            if used + weight > limit and weight <= limit:
                length = interval_ms(header.upper()) or 60_000
                reset_at = window_start(now_ms + wait, length) + length
                wait = reset_at - now_ms
        return wait

    def before_request(
        self, tracker: WeightTracker, *, header: str, scope: str, weight: int, now_ms: int
    ) -> float:
        """Sleep if needed before a request; return the seconds slept."""
        wait_ms = self.wait_time_ms(tracker, header=header, scope=scope, weight=weight, now_ms=now_ms)
        if wait_ms <= 0:
            return 0.0
        seconds = wait_ms / 1000
        self._sleep(seconds)
        return seconds
