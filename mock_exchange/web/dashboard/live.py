"""Live updates for the dashboard: a server-sent event stream that says when something changed.

The stream carries no data of its own, only a ``change`` event with the counters a page
compares (newest event and journal seq, the clock); the page then fetches the feeds it
shows, from its cursors, so an update costs one small page whatever the size of the stores.

A stream holds a server thread while it is open, so streams are bounded: at most
:data:`MAX_STREAMS` at once (another gets ``503 unavailable`` and the page falls back to
polling), each ends after :data:`STREAM_SECONDS` (the page reconnects), and a comment line
every :data:`HEARTBEAT_S` lets the server notice a closed tab within a second. Under
waitress they run on threads of their own (``serving.ControlApartDispatcher``), never on
the control API's or the Binance endpoints'.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

from flask import Response

from mock_exchange.control.errors import ControlError
from mock_exchange.web.dashboard import feeds

STREAM_PATH = "/mock/ui/api/stream"
MAX_STREAMS = 4
STREAM_SECONDS = 60.0
HEARTBEAT_S = 1.0
POLL_S = 0.1


class StreamSlots:
    """How many live streams may be open at once (one per app)."""

    def __init__(self, limit: int = MAX_STREAMS) -> None:
        self._free = threading.BoundedSemaphore(limit)

    def take(self) -> None:
        if not self._free.acquire(blocking=False):
            raise ControlError("unavailable", f"{MAX_STREAMS} live streams are open already; poll the feeds instead")

    def give_back(self) -> None:
        self._free.release()


def change_stream(service: Any, slots: StreamSlots, seconds: float = STREAM_SECONDS) -> Response:
    """``text/event-stream``: a ``change`` event now and whenever the exchange changes, until ``seconds``."""
    slots.take()

    def generate() -> Iterator[str]:
        yield "retry: 1000\n\n"
        deadline = time.monotonic() + seconds
        last_mark: tuple[Any, ...] | None = None
        last_write = 0.0
        pause = threading.Event()  # never set: only its timed wait is used
        while time.monotonic() < deadline:
            mark = feeds.change_mark(service)
            now = time.monotonic()
            if mark != last_mark:
                last_mark, last_write = mark, now
                yield f"event: change\ndata: {json.dumps(_change(service))}\n\n"
            elif now - last_write >= HEARTBEAT_S:
                last_write = now
                yield ": alive\n\n"
            pause.wait(POLL_S)
        yield "event: end\ndata: {}\n\n"

    released = threading.Event()

    def give_back() -> None:
        # The server closes the response once, whether the stream ran out or the client left.
        if not released.is_set():
            released.set()
            slots.give_back()

    response = Response(generate(), content_type="text/event-stream; charset=utf-8")
    response.call_on_close(give_back)
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Accel-Buffering"] = "no"
    return response


def _change(service: Any) -> dict[str, Any]:
    exchange = service.exchange
    return {"last_event_seq": exchange.events.last_seq, "last_journal_seq": service.journal.last_seq,
            "changes": exchange.changes, "clock": service.clock()}
