"""Which WebSocket sessions are open, and how many delivery rounds each has finished.

Every session (market streams, listen-key streams, the WebSocket API) reads the exchange
in rounds and counts each finished round here. A session takes its seat before its
handshake answers (user_stream_ws._begin), so no connection a client already sees open can
be missed. ``wait_for_delivery`` is the control
plane's "all frames of this step delivered": it waits until every session open at the
call has finished a round that began after it, so every frame of the steps made before the
call has been handed to the socket (``POST /mock/v1/streams/delivered``). Tests wait on it
instead of sleeping.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from mock_exchange.web.stream_limits import ConnectionAttempts


@dataclass
class DeliveryBoard:
    """Open sessions and their finished rounds; one per app (with its handshake counts)."""

    connection_attempts: ConnectionAttempts = field(default_factory=ConnectionAttempts)
    _rounds: dict[int, int] = field(default_factory=dict)
    _ids: itertools.count[int] = field(default_factory=lambda: itertools.count(1))
    _changed: threading.Condition = field(default_factory=threading.Condition)

    def open(self) -> int:
        with self._changed:
            session = next(self._ids)
            self._rounds[session] = 0
            return session

    def close(self, session: int) -> None:
        with self._changed:
            self._rounds.pop(session, None)
            self._changed.notify_all()

    def round_done(self, session: int) -> None:
        with self._changed:
            if session in self._rounds:
                self._rounds[session] += 1
                self._changed.notify_all()

    def wait_for_delivery(self, timeout_s: float) -> tuple[int, int]:
        """(sessions waited for, sessions still behind at the deadline: 0 when all delivered)."""
        deadline = time.monotonic() + timeout_s
        with self._changed:
            # A round under way at the call may have read the exchange before the step: the
            # round after it is the first that surely began later.
            wanted = {session: done + 2 for session, done in self._rounds.items()}
            while True:
                behind = [s for s, target in wanted.items() if self._rounds.get(s, target) < target]
                remaining = deadline - time.monotonic()
                if not behind or remaining <= 0:
                    return len(wanted), len(behind)
                self._changed.wait(remaining)


_create_lock = threading.Lock()


def board_of(runtime: Any) -> DeliveryBoard:
    """The runtime's board (``ExchangeRuntime.deliveries``, created on first use)."""
    with _create_lock:
        if not isinstance(runtime.deliveries, DeliveryBoard):
            runtime.deliveries = DeliveryBoard()
        board: DeliveryBoard = runtime.deliveries
        return board
