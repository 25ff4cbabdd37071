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
"""

from __future__ import annotations

import logging
from typing import Any

from waitress.task import ThreadedTaskDispatcher

CONNECTION_LIMIT = 1000
CHANNEL_TIMEOUT_S = 30  # an idle keep-alive connection is closed after this long
CONTROL_THREADS = 2
CONTROL_PREFIX = "/mock/"
# Descriptors beyond the connection limit: the listener, waitress's trigger, log and state files.
_SPARE_FILES = 64

log = logging.getLogger(__name__)


class ControlApartDispatcher(ThreadedTaskDispatcher):
    """Binance requests on the worker threads, control requests on threads of their own."""

    def __init__(self, threads: int, control_threads: int = CONTROL_THREADS) -> None:
        super().__init__()
        self.control = ThreadedTaskDispatcher()
        self.control.set_thread_count(control_threads)
        self.set_thread_count(threads)

    def add_task(self, task: Any) -> None:
        # A waitress task is the channel with its parsed requests; the first is the one to serve.
        requests = getattr(task, "requests", None)
        path = getattr(requests[0], "path", "") if requests else ""
        if isinstance(path, str) and path.startswith(CONTROL_PREFIX):
            self.control.add_task(task)
        else:
            super().add_task(task)

    def shutdown(self, cancel_pending: bool = True, timeout: float = 5) -> bool:
        control_done = self.control.shutdown(cancel_pending, timeout)
        return bool(super().shutdown(cancel_pending, timeout) and control_done)


def waitress_options(threads: int) -> dict[str, Any]:
    """Keyword arguments for ``waitress.serve`` / ``create_server`` (besides the app, host and port)."""
    _raise_open_file_limit(CONNECTION_LIMIT + threads + CONTROL_THREADS + _SPARE_FILES)
    return {
        "threads": threads,
        "connection_limit": CONNECTION_LIMIT,
        "channel_timeout": CHANNEL_TIMEOUT_S,
        "asyncore_use_poll": True,
        "ident": "mock-exchange",
        "_dispatcher": ControlApartDispatcher(threads),
    }


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
