"""Slow and half-open clients, and held requests, never lock other clients out (real server, loopback).

- 200 connections that never finish their headers, send one byte at a time, or promise a
  body they never send: a normal client's signed requests still succeed.
- A ``timeout`` fault holding every worker thread: the control API still answers at once,
  and ``DELETE /mock/v1/faults`` releases the held requests.

Every wait has a deadline; nothing is timed beyond a generous per-request timeout.
"""

from __future__ import annotations

import contextlib
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest
import requests
from margin_client import HmacSigner, MarginClient

from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.reliability import rawhttp
from tests.reliability.support import DEMO, count, roomy_config, state_of

SLOW_CONNECTIONS = 200
REQUEST_TIMEOUT_S = 5
DEADLINE_S = 30


@pytest.fixture
def live() -> Iterator[LiveServer]:
    # A running clock: the reference client signs with the wall clock.
    with LiveServer(create_app(roomy_config())) as server:
        yield server


def open_slow(server: LiveServer, kind: str) -> socket.socket:
    sock = socket.create_connection(rawhttp.address(server), timeout=REQUEST_TIMEOUT_S)
    if kind == "headers never finished":
        sock.sendall(b"GET /sapi/v1/margin/account HTTP/1.1\r\nHost: 127.0.0.1\r\nX-MBX-APIKEY: ")
    elif kind == "one byte at a time":
        sock.sendall(b"G")
    elif kind == "body never sent":
        sock.sendall(b"POST /sapi/v1/margin/order HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nsym")
    # "silent": connected, nothing sent
    return sock


KINDS = ("headers never finished", "one byte at a time", "body never sent", "silent")


class Trickle:
    """Sends the next byte of a request line on each 'one byte at a time' connection, until stopped."""

    def __init__(self, socks: list[socket.socket]) -> None:
        self.socks = socks
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        line = b"ET /api/v3/ping HTTP/1.1\r\nX-Slow: " + b"a" * 10_000
        at = 0
        while not self.stop.wait(0.2) and at < len(line):
            for sock in self.socks:
                with contextlib.suppress(OSError):
                    sock.send(line[at:at + 1])
            at += 1

    def __enter__(self) -> Trickle:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.thread.join(DEADLINE_S)


def test_200_slow_connections_do_not_lock_out_a_normal_client(live: LiveServer) -> None:
    socks = {kind: [open_slow(live, kind) for _ in range(SLOW_CONNECTIONS // len(KINDS))] for kind in KINDS}
    count("slow connections held", sum(len(v) for v in socks.values()))
    try:
        with Trickle(socks["one byte at a time"]):
            client = MarginClient(live.url, DEMO.api_key, HmacSigner(DEMO.secret), timeout=REQUEST_TIMEOUT_S)
            for _ in range(5):
                assert client.get_account().trade_enabled
                order = client.place_order(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                                           price="29000", time_in_force="GTC")
                assert client.cancel_order(symbol="BTCUSDT", order_id=order.order_id).status == "CANCELED"
            health = requests.get(f"{live.url}/mock/v1/health", timeout=REQUEST_TIMEOUT_S)
            assert health.status_code == 200
            # The slow ones are still connected: the server kept them and answered the others.
            assert all(sock.fileno() != -1 for group in socks.values() for sock in group)
    finally:
        for group in socks.values():
            for sock in group:
                sock.close()
    assert requests.get(f"{live.url}/api/v3/ping", timeout=REQUEST_TIMEOUT_S).json() == {}


def wait_for(condition, what: str) -> None:
    deadline = time.monotonic() + DEADLINE_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_clearing_faults_is_answered_while_held_requests_fill_every_worker_thread(live: LiveServer) -> None:
    control = f"{live.url}/mock/v1"
    rule = requests.post(f"{control}/faults", json={"endpoint": "/sapi/v1/margin/account", "kind": "timeout",
                                                    "options": {"delay_ms": 600_000}}, timeout=REQUEST_TIMEOUT_S)
    assert rule.status_code == 200, rule.text
    client = MarginClient(live.url, DEMO.api_key, HmacSigner(DEMO.secret), timeout=DEADLINE_S)
    answers: list[object] = []

    def held_call() -> None:
        try:
            answers.append(client.get_account())
        except Exception as exc:  # noqa: BLE001 - the held request's outcome is recorded, not raised
            answers.append(exc)

    held = [threading.Thread(target=held_call, daemon=True) for _ in range(live.threads + 4)]
    for thread in held:
        thread.start()

    def all_threads_held() -> bool:
        rules = requests.get(f"{control}/faults", timeout=REQUEST_TIMEOUT_S).json()["faults"]
        return bool(rules) and rules[0]["applied"] >= live.threads

    wait_for(all_threads_held, "every worker thread to be held")
    before = state_of(live.app)["state"]
    assert requests.get(f"{control}/clock", timeout=REQUEST_TIMEOUT_S).status_code == 200
    cleared = requests.delete(f"{control}/faults", timeout=REQUEST_TIMEOUT_S)
    assert cleared.status_code == 200 and cleared.json()["cleared"] == 1
    for thread in held:
        thread.join(DEADLINE_S)
    assert not any(thread.is_alive() for thread in held), "held requests were not released"
    assert len(answers) == len(held)
    assert state_of(live.app)["state"] == before  # the held requests were reads: nothing changed


def test_mock_exchange_serve_holds_200_slow_connections_too() -> None:
    # The same waitress settings are used by `mock-exchange serve` (mock_exchange/serving.py).
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", str(port)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        def ready() -> bool:
            assert process.poll() is None, "the server exited"
            try:
                return requests.get(f"{url}/mock/v1/health", timeout=1).status_code == 200
            except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
                return False

        wait_for(ready, "the server to answer")
        socks = [socket.create_connection(("127.0.0.1", port), timeout=REQUEST_TIMEOUT_S)
                 for _ in range(SLOW_CONNECTIONS)]
        try:
            for sock in socks:
                sock.sendall(b"GET /api/v3/ping HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            for _ in range(10):
                assert requests.get(f"{url}/api/v3/ping", timeout=REQUEST_TIMEOUT_S).json() == {}
        finally:
            for sock in socks:
                sock.close()
    finally:
        process.terminate()
        process.wait(DEADLINE_S)
