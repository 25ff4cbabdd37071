"""The exchange clock: wall time, or frozen at an instant, settable and advanceable.

Every time the exchange uses (timestamps in responses, recvWindow checks, rate-limit
windows, bans, listen-token expiry) comes from one ``ExchangeClock``. In wall mode it
reads ``time.time()`` on every call, so freezegun works in-process; over HTTP a server in
another process is steered with ``freeze`` / ``set`` / ``advance`` instead.
"""

from __future__ import annotations

import threading
import time


class ExchangeClock:
    """Milliseconds since the epoch, as the exchange sees them."""

    def __init__(self, frozen_at_ms: int | None = None) -> None:
        self._lock = threading.Lock()
        self._frozen_at_ms = frozen_at_ms
        # In wall mode the exchange time is wall time plus this offset, so `advance`
        # works without freezing.
        self._offset_ms = 0

    @staticmethod
    def _wall_ms() -> int:
        return int(time.time() * 1000)

    def now_ms(self) -> int:
        """The exchange's current time in epoch milliseconds."""
        frozen = self._frozen_at_ms
        if frozen is not None:
            return frozen
        return self._wall_ms() + self._offset_ms

    @property
    def frozen(self) -> bool:
        return self._frozen_at_ms is not None

    def freeze(self, at_ms: int | None = None) -> int:
        """Stop the clock at ``at_ms`` (default: now)."""
        with self._lock:
            self._frozen_at_ms = self.now_ms() if at_ms is None else int(at_ms)
            return self._frozen_at_ms

    def unfreeze(self) -> int:
        """Let the clock run with wall time again, continuing from the frozen instant."""
        with self._lock:
            if self._frozen_at_ms is not None:
                self._offset_ms = self._frozen_at_ms - self._wall_ms()
                self._frozen_at_ms = None
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
        """Back to wall time with no offset."""
        with self._lock:
            self._frozen_at_ms = None
            self._offset_ms = 0

    def state(self) -> dict[str, object]:
        return {"now_ms": self.now_ms(), "frozen": self.frozen, "offset_ms": self._offset_ms}
