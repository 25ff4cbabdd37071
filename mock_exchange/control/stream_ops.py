"""Control operations of the WebSocket streams (a mixin of ControlService); docs/market-streams.md."""

from __future__ import annotations

from typing import Any

from mock_exchange.control.errors import ControlError
from mock_exchange.control.values import int_value

DEFAULT_DELIVERY_TIMEOUT_MS = 5000
MAX_DELIVERY_TIMEOUT_MS = 60_000


class StreamOps:
    """``streams_delivered``: wait until every open stream has sent the frames of the steps so far."""

    exchange: Any
    runtime: Any

    def _forget_stream_connections(self) -> None:
        """A reset forgets the WebSocket handshake counts (web/stream_limits.py), as it does request weights."""
        from mock_exchange.web.stream_delivery import board_of

        board_of(self.runtime).connection_attempts.clear()

    def streams_delivered(self, timeout_ms: Any = None) -> dict[str, Any]:
        """Block until each open WebSocket session has finished a round begun after this call.

        Every frame of every step made before the call is then on its socket. Answers the
        number of sessions and the event sequence they have delivered through; a session
        still behind at ``timeout_ms`` (a client that stopped reading) is a 504.
        """
        from mock_exchange.web.stream_delivery import board_of

        wait_ms = DEFAULT_DELIVERY_TIMEOUT_MS if timeout_ms is None else int_value(
            timeout_ms, "timeout_ms", minimum=0, maximum=MAX_DELIVERY_TIMEOUT_MS)
        with self.exchange.lock:
            through = int(self.exchange.events.last_seq)
        sessions, behind = board_of(self.runtime).wait_for_delivery(wait_ms / 1000)
        if behind:
            raise ControlError("timeout", f"{behind} of {sessions} stream sessions have not delivered "
                                          f"within {wait_ms} ms", sessions=sessions, behind=behind)
        return {"delivered": True, "sessions": sessions, "through_seq": through}
