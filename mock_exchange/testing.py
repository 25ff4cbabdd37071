"""Serving an app over real HTTP for tests: :class:`LiveServer` (waitress on a free port).

    with LiveServer(create_app()) as server:
        requests.get(f"{server.url}/api/v3/ping")

The server binds 127.0.0.1 on a port the OS picks, serves from a daemon thread, and on
stop releases any request a latency / timeout fault is holding, closes every connection
and waits for its threads, so tests never leak a listening socket.
"""

from __future__ import annotations

import threading
from types import TracebackType
from typing import Any

from flask import Flask

from mock_exchange.web.runtime import EXTENSION_KEY

STOP_TIMEOUT_S = 10


class LiveServer:
    """A waitress server for ``app`` in a background thread; a context manager."""

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0, threads: int = 8) -> None:
        self.app = app
        self.host = host
        self.port = port
        self.threads = threads
        self._server: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        if self._server is None:
            raise RuntimeError("the server is not running; call start() first")
        return f"http://{self.host}:{self._server.effective_port}"

    @property
    def running(self) -> bool:
        return self._server is not None

    def start(self) -> LiveServer:
        """Bind and start serving; returns self."""
        if self._server is not None:
            return self
        from mock_exchange.serving import create_server

        self._server = create_server(self.app, self.host, self.port, self.threads)
        self._thread = threading.Thread(target=self._server.run, name=f"mock-exchange-{self.url}", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Release held requests, close the listener and every connection, join the threads."""
        server, thread = self._server, self._thread
        if server is None:
            return
        self._server = self._thread = None
        faults = getattr(self.app.extensions.get(EXTENSION_KEY), "faults", None)
        if faults is not None:
            faults.release_held()
        from waitress import wasyncore

        # Closing the sockets from the loop's own thread avoids racing its select().
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:
            # The wake-up pipe is already gone (waitress closed it while shutting a
            # channel down); nothing can race the loop any more, so close from here.
            wasyncore.close_all(server._map)
        if thread is not None:
            thread.join(STOP_TIMEOUT_S)
        server.task_dispatcher.shutdown(timeout=STOP_TIMEOUT_S)

    def __enter__(self) -> LiveServer:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
