"""How the app is served by waitress, for ``mock-exchange serve`` and ``LiveServer`` alike.

Two things waitress does by default would let a few clients lock everyone else out:

- It stops accepting connections at ``connection_limit`` (100) open ones. Waitress reads
  headers asynchronously, so a connection that never finishes its headers (or sends one
  byte a second) costs no thread, only a slot; about 98 of them filled every slot. The
  limit is raised to :data:`CONNECTION_LIMIT`, with ``poll()`` instead of ``select()``
  (which cannot watch descriptors above 1023), the process's open-file limit raised to
  fit, and idle connections closed after :data:`CHANNEL_TIMEOUT_S`.
- All requests share one pool of worker threads. A ``latency`` / ``timeout`` fault holds
  its thread on purpose, so with every thread held, ``DELETE /mock/v1/faults`` (the call
  that releases them) waited for a thread that only the release could free. Control
  requests (``/mock/...``) run on their own small pool, so the control API never queues
  behind held Binance requests.

And one thing it does that costs every request: waitress's loop asks each channel whether
it has output to send, and a channel says yes as soon as its worker thread has put the
answer in the output buffer, while that thread still holds the buffer's lock and sends it
itself. The loop cannot take the lock, finds the socket writable at once, and asks again:
thousands of empty turns a second, each taking the GIL from the threads doing the work
(measured: ~25 loop turns per request and 4.4 ms of server CPU per request instead of about
1 ms). :class:`QuietWhileWritingChannel` does not ask for the socket while its task holds
the buffer, and wakes the loop once the task lets go with output left unsent.

A server also gives back the memory a large request used once it is freed
(:mod:`mock_exchange.allocator`: glibc otherwise keeps the peaks of large bodies).
"""

from __future__ import annotations

import logging
from typing import Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer
from waitress.server import create_server as _waitress_create_server
from waitress.task import ThreadedTaskDispatcher

from mock_exchange.allocator import return_freed_memory

CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 30  # an idle keep-alive connection is closed after this long
CONTROL_THREADS = 2
CONTROL_PREFIX = "/mock/"
LIVE_STREAM_PATH = "/mock/ui/api/stream"  # web.dashboard.live.STREAM_PATH
LIVE_STREAMS = 4  # web.dashboard.live.MAX_STREAMS
# One thread more than streams, so the stream past the bound is answered (503) rather than queued.
LIVE_THREADS = LIVE_STREAMS + 1
# Descriptors beyond the connection limit: the listener, waitress's trigger, log and state files.
_SPARE_FILES = 64

log = logging.getLogger(__name__)


class QuietWhileWritingChannel(HTTPChannel):
    """A waitress channel that leaves the socket alone while its task is sending on it."""

    def writable(self) -> bool:
        if self.requests and not (self.will_close or self.close_when_flushed):
            # A task is running. While it holds the output buffer it is sending the buffer
            # itself (waitress flushes in ``write_soon``), and the loop could only fail to
            # take the lock: don't wake up for the socket until it lets go.
            if not self.outbuf_lock.acquire(blocking=False):
                return False
            self.outbuf_lock.release()
        return bool(super().writable())

    def write_soon(self, data: Any) -> int:
        written = int(super().write_soon(data))
        if self.total_outbufs_len and self.connected:
            # The socket did not take everything (a slow reader). waitress woke the loop while
            # the lock was still held, when ``writable`` said no: wake it again now it is free.
            self.server.pull_trigger()
        return written


class ControlApartDispatcher(ThreadedTaskDispatcher):
    """Binance requests on the worker threads, control requests on threads of their own.

    The dashboard's live streams hold a thread while open: they get a third pool, as large
    one thread larger than the number of streams the dashboard allows, so they never take
    the control API's.
    """

    def __init__(self, threads: int, control_threads: int = CONTROL_THREADS) -> None:
        super().__init__()
        self.control = ThreadedTaskDispatcher()
        self.control.set_thread_count(control_threads)
        self.live = ThreadedTaskDispatcher()
        self.live.set_thread_count(LIVE_THREADS)
        self.set_thread_count(threads)

    def add_task(self, task: Any) -> None:
        # A waitress task is the channel with its parsed requests; the first is the one to serve.
        requests = getattr(task, "requests", None)
        path = getattr(requests[0], "path", "") if requests else ""
        if isinstance(path, str) and path.startswith(LIVE_STREAM_PATH):
            self.live.add_task(task)
        elif isinstance(path, str) and path.startswith(CONTROL_PREFIX):
            self.control.add_task(task)
        else:
            super().add_task(task)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        # types-waitress types the timeout as int; waitress itself takes seconds as any number.
        control_done = self.control.shutdown(cancel_pending, timeout)  # type: ignore[arg-type]
        live_done = self.live.shutdown(cancel_pending, timeout)  # type: ignore[arg-type]
        return bool(super().shutdown(cancel_pending, timeout) and control_done and live_done)  # type: ignore[arg-type]


def waitress_options(threads: int) -> dict[str, Any]:
    """Keyword arguments for ``waitress.serve`` / ``create_server`` (besides the app, host and port)."""
    _raise_open_file_limit(CONNECTION_LIMIT + threads + CONTROL_THREADS + LIVE_THREADS + _SPARE_FILES)
    return {
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT_S,
        "asyncore_use_poll": True,
        "ident": "mock-exchange",
        "_dispatcher": ControlApartDispatcher(threads),
    }


def create_server(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server for ``app`` bound to ``host:port`` (not yet serving), configured as above."""
    return_freed_memory()
    server = _waitress_create_server(app, host=host, port=port, **waitress_options(threads))
    # A host name with several addresses gives a MultiSocketServer: one server per address.
    for listener in [server, *getattr(server, "map", {}).values()]:
        if isinstance(listener, BaseWSGIServer):
            listener.channel_class = QuietWhileWritingChannel
    return server


def _raise_open_file_limit(wanted: int) -> None:
    """Lift the soft open-file limit towards ``wanted`` (never above the hard limit)."""
    try:
        import resource
    except ImportError:  # pragma: no cover - not on Linux / macOS
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or soft >= wanted:
        return
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    try:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    except (ValueError, OSError):  # pragma: no cover - a sandbox that forbids it
        log.warning("could not raise the open-file limit to %d (it is %d)", target, soft)
