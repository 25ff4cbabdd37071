"""Client clock: local time plus an offset learned from the server's time."""

from __future__ import annotations

import time
from collections.abc import Callable


def _system_time_ms() -> int:
    """Return the local wall-clock time in epoch milliseconds."""
    return time.time_ns() // 1_000_000


class Clock:
    """Epoch-millisecond clock whose offset is corrected from the server time."""

    def __init__(self, time_source_ms: Callable[[], int] = _system_time_ms, offset_ms: int = 0) -> None:
        self._time_source_ms = time_source_ms
        self.offset_ms = offset_ms

    def local_ms(self) -> int:
        """Return the uncorrected local time in epoch milliseconds."""
        return int(self._time_source_ms())

    def now_ms(self) -> int:
        """Return the estimated server time in epoch milliseconds."""
        return self.local_ms() + self.offset_ms

    def apply_server_time(self, server_time_ms: int, sent_local_ms: int, received_local_ms: int) -> int:
        """Set the offset from a server time observed between two local instants; return it."""
        # The server stamped its time somewhere inside the round trip; the midpoint
        # halves the worst-case error compared with using either end.
        midpoint = (sent_local_ms + received_local_ms) // 2
        self.offset_ms = int(server_time_ms) - midpoint
        return self.offset_ms
