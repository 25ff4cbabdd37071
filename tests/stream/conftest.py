"""Fixtures for the user-data-stream tests: a real server with WebSockets on a free port.

waitress (``mock_exchange.testing.LiveServer``) cannot hand a connection over to a
WebSocket, so these tests serve the app the way ``mock-exchange serve --ws-port`` does:
werkzeug's threaded server (``WebSocketServer``) on 127.0.0.1, port 0.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from flask import Flask

from tests.signed_client import DEMO_KEY

RECV_TIMEOUT_S = 5  # how long a test waits on a socket for a frame it expects


class Served:
    """Where a running test server answers."""

    def __init__(self, port: int) -> None:
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"


@pytest.fixture
def server(app: Flask) -> Iterator[Served]:
    pytest.importorskip("flask_sock")
    pytest.importorskip("websocket")
    from mock_exchange.web.user_stream_ws import WebSocketServer

    running = WebSocketServer(app).start()
    yield Served(running.port)
    running.stop()


@pytest.fixture
def exchange(app: Flask) -> Any:
    return app.extensions["mock_exchange"].exchange


@pytest.fixture
def http(server: Served) -> Iterator[requests.Session]:
    """Key-only requests as the demo account, to the running server."""
    session = requests.Session()
    session.headers["X-MBX-APIKEY"] = DEMO_KEY
    yield session
    session.close()


class Socket:
    """A websocket-client connection that reads JSON frames with a timeout, never a sleep."""

    def __init__(self, url: str) -> None:
        import websocket

        self.ws = websocket.create_connection(url, timeout=RECV_TIMEOUT_S)

    def send(self, message: dict[str, Any]) -> None:
        self.ws.send(json.dumps(message))

    def recv(self) -> Any:
        """The next frame, decoded; fails the test when none arrives in time."""
        frame = self.ws.recv()
        assert frame, "the server closed the stream"
        return json.loads(frame)

    def recv_raw(self, text: str) -> Any:
        """Send ``text`` as it is (not re-encoded) and return the next frame, decoded."""
        self.ws.send(text)
        return self.recv()

    def recv_many(self, count: int) -> list[Any]:
        return [self.recv() for _ in range(count)]

    def frames_before_answer(self, request_id: int = 999) -> list[Any]:
        """Every frame of the steps made so far: a market stream sends them before it answers
        a request (docs/market-streams.md), so the frames before the answer are all there are."""
        self.send({"method": "LIST_SUBSCRIPTIONS", "id": request_id})
        frames = []
        while True:
            frame = self.recv()
            if isinstance(frame, dict) and frame.get("id") == request_id and "result" in frame:
                return frames
            frames.append(frame)

    def assert_closed(self) -> None:
        """The server ends the connection (a close frame, or the socket closes)."""
        import websocket

        try:
            frame = self.ws.recv()
        except websocket.WebSocketConnectionClosedException:
            return
        assert frame == "", f"expected the stream to close, got {frame!r}"

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def unlimited(app: Flask) -> None:
    """Binance's 5 messages a second per connection off, for tests that check many replies at once."""
    app.config["WS_STREAM_LIMITS"] = False


@pytest.fixture
def connect(server: Served) -> Iterator[Any]:
    """``connect(path)`` opens a socket on the test server; all are closed afterwards."""
    opened: list[Socket] = []

    def open_socket(path: str) -> Socket:
        sock = Socket(server.ws_url + path)
        opened.append(sock)
        return sock

    yield open_socket
    for sock in opened:
        sock.close()
