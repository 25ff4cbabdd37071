"""LiveServer: a real waitress server on a free loopback port that stops cleanly."""

from __future__ import annotations

import socket
import threading

import pytest
import requests

from mock_exchange.control import LocalControl
from mock_exchange.testing import LiveServer
from tests.control.conftest import frozen_app


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        # As any server would: connections the server closed may linger in TIME_WAIT.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_start_serve_stop_and_release_the_port() -> None:
    server = LiveServer(frozen_app())
    with pytest.raises(RuntimeError):
        server.url  # noqa: B018 - not started yet
    server.start()
    assert server.running and server.url.startswith("http://127.0.0.1:")
    port = int(server.url.rsplit(":", 1)[1])
    session = requests.Session()  # a kept-alive connection must not keep the server up
    assert session.get(f"{server.url}/api/v3/ping", timeout=5).json() == {}
    assert session.get(f"{server.url}/mock/v1/health", timeout=5).json() == {"status": "ok"}
    server.stop()
    server.stop()  # idempotent
    assert not server.running and port_is_free(port)
    with pytest.raises(requests.ConnectionError):
        requests.get(f"http://127.0.0.1:{port}/api/v3/ping", timeout=5)
    session.close()


def test_stop_releases_a_request_a_fault_is_holding() -> None:
    app = frozen_app()
    LocalControl(app).inject_fault("/api/v3/ping", "timeout", delay_ms=600_000)
    outcome: list[object] = []
    with LiveServer(app) as server:
        url = server.url

        def call() -> None:
            try:
                outcome.append(requests.get(f"{url}/api/v3/ping", timeout=30).status_code)
            except requests.RequestException as exc:
                outcome.append(type(exc))

        caller = threading.Thread(target=call)
        caller.start()
        # Wait for the request to be held (the journal records it only once it is answered).
        for _ in range(1000):
            if LocalControl(app).faults()[0]["applied"]:
                break
            threading.Event().wait(0.01)
        assert LocalControl(app).faults()[0]["applied"] == 1
    caller.join(30)
    assert not caller.is_alive() and outcome  # answered or cut off, not left hanging for 10 minutes


def test_two_servers_run_side_by_side_with_separate_state() -> None:
    with LiveServer(frozen_app()) as first, LiveServer(frozen_app()) as second:
        assert first.url != second.url
        LocalControl(first.app).set_price("BTCUSDT", "12345")
        price = "/api/v3/ticker/price?symbol=BTCUSDT"
        assert requests.get(first.url + price, timeout=5).json()["price"] == "12345.00000000"
        assert requests.get(second.url + price, timeout=5).json()["price"] == "30000.00000000"
