"""The exchange clock: wall time, wall time plus an offset, or frozen at an instant.

Every time the exchange uses (timestamps in responses, recvWindow checks, rate-limit
windows, bans, listen-token expiry) comes from one ``ExchangeClock``. It is in one of
three modes:

- ``wall``: it reads ``time.time()`` on every call (so freezegun works in-process);
- ``offset``: it runs with wall time, a fixed number of milliseconds ahead or behind
  (after ``advance`` or ``set`` on a running clock, or ``unfreeze``);
- ``frozen``: it stands still at an instant until told to move.

Only ``wall`` agrees with the clients' own clocks: in the other two a client that signs
with its local time gets -1021 once the difference passes Binance's allowance.
``follow_wall`` always brings it back; ``restart`` returns to the mode it was built in.
"""

from __future__ import annotations

import threading
import time

WALL, OFFSET, FROZEN = "wall", "offset", "frozen"
# The last millisecond of year 9999: beyond it no date can be shown.
MAX_TIME_MS = 253_402_300_799_999


class ExchangeClock:
    """Milliseconds since the epoch, as the exchange sees them."""

    def __init__(self, frozen_at_ms: int | None = None) -> None:
        self._lock = threading.Lock()
        # What `restart` (a control-plane reset) returns to: wall time, or this instant, frozen.
        self._start_frozen_at_ms = None if frozen_at_ms is None else int(frozen_at_ms)
        self._frozen_at_ms = self._start_frozen_at_ms
        # In wall mode the exchange time is wall time plus this offset, so `advance`
        # works without freezing.
        self._offset_ms = 0
        self._last_ms = 0  # the last running-clock reading (see now_ms)

    @staticmethod
    def _wall_ms() -> int:
        return int(time.time() * 1000)

    def now_ms(self) -> int:
        """The exchange's current time in epoch milliseconds."""
        frozen = self._frozen_at_ms
        if frozen is not None:
            return frozen
        # time.time() read here rather than through _wall_ms: this runs ~15 times per engine call.
        now = int(time.time() * 1000) + self._offset_ms
        # Within one millisecond, the same int object: an order, its list and its events keep
        # their timestamps, and one object instead of one per record is a few per cent of an
        # open order's memory (benchmarks/README.md, Findings, "Memory").
        last = self._last_ms
        if now == last:
            return last
        self._last_ms = now
        return now

    @property
    def frozen(self) -> bool:
        return self._frozen_at_ms is not None

    @property
    def offset_ms(self) -> int:
        """How far a running clock is from wall time (0 when frozen or in wall mode)."""
        return 0 if self.frozen else self._offset_ms

    @property
    def mode(self) -> str:
        """``wall``, ``offset`` or ``frozen``."""
        if self.frozen:
            return FROZEN
        return OFFSET if self._offset_ms else WALL

    def freeze(self, at_ms: int | None = None) -> int:
        """Stop the clock at ``at_ms`` (default: now)."""
        with self._lock:
            self._frozen_at_ms = self.now_ms() if at_ms is None else int(at_ms)
            return self._frozen_at_ms

    def unfreeze(self) -> int:
        """Let the clock run again, continuing from the frozen instant (so offset from wall time)."""
        with self._lock:
            if self._frozen_at_ms is not None:
                self._offset_ms = self._frozen_at_ms - self._wall_ms()
                self._frozen_at_ms = None
            return self.now_ms()

    def follow_wall(self) -> int:
        """Back to wall time: not frozen, no offset. The new time."""
        with self._lock:
            self._frozen_at_ms = None
            self._offset_ms = 0
            return self.now_ms()

    def set(self, at_ms: int) -> int:
        """Jump to ``at_ms``; a running clock keeps running from there."""
        with self._lock:
            if self._frozen_at_ms is not None:
                self._frozen_at_ms = int(at_ms)
            else:
                self._offset_ms = int(at_ms) - self._wall_ms()
            return self.now_ms()

    def advance(self, ms: int) -> int:
        """Move the clock forward by ``ms`` milliseconds."""
        if ms < 0:
            raise ValueError("the exchange clock only moves forward")
        with self._lock:
            if self._frozen_at_ms is not None:
                self._frozen_at_ms += int(ms)
            else:
                self._offset_ms += int(ms)
            return self.now_ms()

    def reset(self) -> None:
        """Back to wall time with no offset (same as :meth:`follow_wall`)."""
        self.follow_wall()

    def restart(self) -> int:
        """Back to the start it was built with: frozen at that instant, or wall time."""
        with self._lock:
            self._frozen_at_ms = self._start_frozen_at_ms
            self._offset_ms = 0
            return self.now_ms()

    def state(self) -> dict[str, object]:
        return {"now_ms": self.now_ms(), "frozen": self.frozen, "offset_ms": self.offset_ms, "mode": self.mode}
