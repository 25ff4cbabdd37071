"""Binance's WebSocket limits on the market-stream connections (web-socket-streams.md, "WebSocket Limits").

- "5 incoming messages per second": a connection whose sixth message arrives within one
  second is closed (code 1008). The fake counts the messages it reads (every control
  message, well formed or not); ping and pong frames are answered by the WebSocket
  library underneath and not seen, so they do not count (docs/market-streams.md).
- "300 connections per attempt every 5 minutes per IP": the 301st handshake from one
  address within 5 minutes is refused with HTTP 429.

Both windows are wall-clock time, not the exchange clock: they protect a server's real
seconds, and a frozen exchange clock would never end them. A control-plane reset forgets the
connection counts, as it forgets the request weights. ``app.config["WS_STREAM_LIMITS"] =
False`` turns both off.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_MESSAGES_PER_SECOND = 5
MAX_CONNECTIONS = 300
CONNECTION_WINDOW_S = 5 * 60
MAX_TRACKED_ADDRESSES = 10_000  # bounded: the oldest address is forgotten first
TOO_MANY_MESSAGES_CLOSE = (1008, "Too many messages")  # (inferred) Binance documents the limit, not the close
CONFIG_KEY = "WS_STREAM_LIMITS"


@dataclass
class MessageRate:
    """One connection's incoming messages in the current wall-clock second."""

    clock: Callable[[], float] = time.monotonic
    second: int = -1
    count: int = 0

    def allow(self) -> bool:
        """Count one message; False when it is one too many for this second."""
        now = int(self.clock())
        if now != self.second:
            self.second, self.count = now, 0
        self.count += 1
        return self.count <= MAX_MESSAGES_PER_SECOND


@dataclass
class ConnectionAttempts:
    """Handshakes per address over the last five minutes."""

    clock: Callable[[], float] = time.monotonic
    _attempts: dict[str, deque[float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def allow(self, address: str) -> bool:
        """Count one attempt from ``address``; False when it is over the limit (not counted then)."""
        now = self.clock()
        with self._lock:
            seen = self._attempts.pop(address, None) or deque()
            while seen and seen[0] <= now - CONNECTION_WINDOW_S:
                seen.popleft()
            allowed = len(seen) < MAX_CONNECTIONS
            if allowed:
                seen.append(now)
            self._attempts[address] = seen  # re-inserted: the dict's order is least recently seen first
            while len(self._attempts) > MAX_TRACKED_ADDRESSES:
                del self._attempts[next(iter(self._attempts))]
            return allowed

    def clear(self) -> None:
        with self._lock:
            self._attempts.clear()
