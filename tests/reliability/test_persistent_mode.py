"""Persistent mode with a real process: ``mock-exchange serve --state-file`` on a free loopback port.

Signed orders are placed over HTTP by two threads; each acknowledged order is remembered with
the time its acknowledgement arrived. Then the server is killed with SIGKILL in the middle of
the load and started again on the same file: it must start (the file is never torn), every
invariant must hold on the restored state (assets conserved, nothing negative, locked funds
equal what open orders reserve), and every order acknowledged more than one write interval
(plus one write's duration) before the kill must be there. After SIGTERM nothing is lost.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import requests

from mock_exchange.config import default_config
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.snapshot import SNAPSHOT_VERSION, restore
from tests.reliability import invariants
from tests.reliability.support import count, record_violations
from tests.signed_client import DEMO_KEY, DEMO_SECRET, OTHER_KEY, OTHER_SECRET

INTERVAL_MS = 300
# A write is a snapshot, an encode and two fsyncs; on a busy 2-core CI machine it can take
# a while, and the guarantee is "the last interval plus the write in progress".
WRITE_ALLOWANCE_S = 1.5
START_TIMEOUT_S = 30
# The load runs until the test stops it, bounded by this count per thread.
MAX_ORDERS_PER_THREAD = 3000
SIGTERM_ORDERS_PER_THREAD = 120


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen[str]
    url: str

    def output(self) -> str:
        return self.process.communicate(timeout=30)[0]


def start(state_file: Path, *extra: str) -> Server:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_exchange", "serve", "--port", str(port), "--state-file", str(state_file),
         "--state-interval-ms", str(INTERVAL_MS), *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_ready(process, url)
    except BaseException:
        # Whatever stops the wait (the deadline, an interrupt, an unexpected error), the
        # process is not handed to the ``servers`` fixture, so it is ended here.
        if process.poll() is None:
            process.kill()
        sys.stderr.write(process.communicate(timeout=30)[0])  # the server's output, shown with the failure
        raise
    return Server(process, url)


def _wait_ready(process: subprocess.Popen[str], url: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while True:
        try:
            if requests.get(f"{url}/mock/v1/health", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
            if process.poll() is not None:
                raise AssertionError(f"the server exited with {process.returncode}") from None
            if time.monotonic() > deadline:
                raise AssertionError("the server did not answer in time") from None
        # Polling for readiness, not timing anything: the loop ends on the first answer.
        time.sleep(0.05)


@pytest.fixture
def servers() -> Iterator[list[Server]]:
    """Every server a test starts; any still running at the end is killed."""
    started: list[Server] = []
    yield started
    for server in started:
        if server.process.poll() is None:
            server.process.kill()
            server.process.communicate(timeout=30)


def signed(method: str, url: str, path: str, key: str, secret: str, **params: str) -> requests.Response:
    params["timestamp"] = str(int(time.time() * 1000))
    query = urlencode(params)
    signature = hmac.new(secret.encode(), query.encode(), hashlib.sha256).hexdigest()
    return requests.request(method, f"{url}{path}?{query}&signature={signature}", headers={"X-MBX-APIKEY": key},
                            timeout=10)


@dataclass
class Acks:
    """Acknowledged orders: order id -> (account key, monotonic time the ack arrived)."""

    orders: dict[int, tuple[str, float]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, order_id: int, key: str) -> None:
        with self.lock:
            self.orders[order_id] = (key, time.monotonic())

    def key_of(self, order_id: int) -> str:
        return self.orders[order_id][0]

    def secret_of(self, order_id: int) -> str:
        return {DEMO_KEY: DEMO_SECRET, OTHER_KEY: OTHER_SECRET}[self.key_of(order_id)]

    def older_than(self, instant: float) -> set[int]:
        with self.lock:
            return {order_id for order_id, (_, at) in self.orders.items() if at < instant}


def trader(url: str, key: str, secret: str, acks: Acks, stop: threading.Event, index: int) -> None:
    """Resting limit orders on both sides, market orders that fill them, and cancels, until stopped."""
    resting: list[int] = []
    for i in range(MAX_ORDERS_PER_THREAD):
        if stop.is_set():
            return
        kind = i % 4
        if kind == 3:
            params = {"symbol": "BTCUSDT", "side": "BUY" if i % 8 == 3 else "SELL", "type": "MARKET",
                      "quantity": "0.001"}
        else:
            side = "BUY" if kind == 0 else "SELL"
            params = {"symbol": "BTCUSDT", "side": side, "type": "LIMIT", "timeInForce": "GTC",
                      "quantity": "0.001", "price": "29000" if side == "BUY" else "31000",
                      "newClientOrderId": f"t{index}x{i}"}
        try:
            response = signed("POST", url, "/sapi/v1/margin/order", key, secret, **params)
            assert response.status_code < 500, response.text
            if response.status_code == 200:
                order_id = response.json()["orderId"]
                acks.add(order_id, key)
                count("persistent-mode orders acknowledged")
                if kind != 3:
                    resting.append(order_id)
            if len(resting) > 20:  # keep the book (and the open-order limits) small
                cancelled = signed("DELETE", url, "/sapi/v1/margin/order", key, secret, symbol="BTCUSDT",
                                   orderId=str(resting.pop(0)))
                assert cancelled.status_code < 500, cancelled.text
        except requests.RequestException:
            return  # the server was killed (refused, reset, or cut mid-answer)


def run_load(url: str, acks: Acks, stop: threading.Event) -> list[threading.Thread]:
    threads = [threading.Thread(target=trader, args=(url, key, secret, acks, stop, n), daemon=True)
               for n, (key, secret) in enumerate([(DEMO_KEY, DEMO_SECRET), (OTHER_KEY, OTHER_SECRET)])]
    for thread in threads:
        thread.start()
    return threads


def restored_state(state_file: Path) -> Any:
    """The file restored into a fresh in-process exchange (its own validation included)."""
    exchange = Exchange(default_config())
    restore(exchange, json.loads(state_file.read_text(encoding="utf-8")))
    return exchange.state


def check_invariants(state: Any) -> None:
    found = record_violations(invariants.violations(state, invariants.configured_totals(default_config())))
    assert not found, found


def wait_for(condition: Any, what: str, timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


def test_kill_9_in_the_middle_of_a_load_loses_at_most_the_last_interval(tmp_path: Path,
                                                                        servers: list[Server]) -> None:
    state_file = tmp_path / "state.json"
    first = start(state_file)
    servers.append(first)
    acks, stop = Acks(), threading.Event()
    threads = run_load(first.url, acks, stop)
    # Kill once a good part of the load is acknowledged and old enough to have been written.
    wait_for(lambda: len(acks.older_than(time.monotonic() - 2 * INTERVAL_MS / 1000 - WRITE_ALLOWANCE_S)) >= 40,
             "acknowledged orders")
    first.process.send_signal(signal.SIGKILL)
    killed_at = time.monotonic()
    first.process.communicate(timeout=30)
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    assert first.process.returncode == -signal.SIGKILL
    assert any(not thread.is_alive() for thread in threads)

    state = restored_state(state_file)  # complete JSON, and a valid snapshot
    check_invariants(state)
    must_survive = acks.older_than(killed_at - INTERVAL_MS / 1000 - WRITE_ALLOWANCE_S)
    assert len(must_survive) >= 40
    missing = sorted(must_survive - set(state.orders))
    assert not missing, f"acknowledged orders lost: {missing}"
    count("persistent-mode orders checked after kill -9", len(must_survive))

    second = start(state_file)  # the same file: the restart restores it
    servers.append(second)
    served = requests.get(f"{second.url}/mock/v1/state", timeout=30).json()
    assert {int(order_id) for order_id in served["state"]["orders"]} == set(state.orders)
    newest = max(must_survive)
    query = signed("GET", second.url, "/sapi/v1/margin/order", acks.key_of(newest), acks.secret_of(newest),
                   symbol="BTCUSDT", orderId=str(newest))
    assert query.status_code == 200 and query.json()["orderId"] == newest, query.text
    # Trading goes on from the restored state, with new ids after the restored ones.
    response = signed("POST", second.url, "/sapi/v1/margin/order", DEMO_KEY, DEMO_SECRET, symbol="BTCUSDT",
                      side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.001", price="29000")
    assert response.status_code == 200, response.text
    assert response.json()["orderId"] > max(state.orders)
    second.process.send_signal(signal.SIGTERM)
    second.output()
    check_invariants(restored_state(state_file))


def test_sigterm_loses_nothing(tmp_path: Path, servers: list[Server]) -> None:
    state_file = tmp_path / "state.json"
    first = start(state_file)
    servers.append(first)
    acks, stop = Acks(), threading.Event()
    threads = run_load(first.url, acks, stop)
    wait_for(lambda: len(acks.orders) >= 2 * SIGTERM_ORDERS_PER_THREAD, "acknowledged orders")
    stop.set()
    for thread in threads:
        thread.join(timeout=120)
    before = requests.get(f"{first.url}/mock/v1/state", timeout=10).json()
    first.process.send_signal(signal.SIGTERM)
    output = first.output()
    assert first.process.returncode == 0, output
    assert "Traceback" not in output

    saved = json.loads(state_file.read_text(encoding="utf-8"))
    for section in ("state", "ids", "market", "events"):
        assert saved[section] == before[section], section
    assert set(acks.orders) <= {int(order_id) for order_id in saved["state"]["orders"]}
    check_invariants(restored_state(state_file))

    second = start(state_file)
    servers.append(second)
    after = requests.get(f"{second.url}/mock/v1/state", timeout=10).json()
    for section in ("state", "ids", "market", "events"):
        assert after[section] == before[section], section
    second.process.send_signal(signal.SIGINT)
    second.output()
    assert second.process.returncode == 0


def test_a_frozen_clock_and_control_changes_come_back(tmp_path: Path, servers: list[Server]) -> None:
    state_file = tmp_path / "state.json"
    first = start(state_file)
    servers.append(first)
    control = f"{first.url}/mock/v1"
    assert requests.post(f"{control}/clock", json={"freeze": True, "at_ms": 1_767_225_600_000},
                         timeout=10).status_code == 200
    assert requests.post(f"{control}/market/BTCUSDT/price", json={"price": "30500"}, timeout=10).status_code == 200
    assert requests.put(f"{control}/accounts/other/balances", json={"asset": "BTC", "free": "7"},
                        timeout=10).status_code == 200
    first.process.send_signal(signal.SIGTERM)
    first.output()

    second = start(state_file)
    servers.append(second)
    clock = requests.get(f"{second.url}/mock/v1/clock", timeout=10).json()
    assert (clock["now_ms"], clock["frozen"]) == (1_767_225_600_000, True)
    price = requests.get(f"{second.url}/api/v3/ticker/price", params={"symbol": "BTCUSDT"}, timeout=10).json()
    assert price["price"] == "30500.00000000"
    account = requests.get(f"{second.url}/mock/v1/accounts/other", timeout=10).json()
    assert account["cross"]["BTC"]["free"] == "7"


def test_a_corrupt_state_file_stops_start_up_with_one_line(tmp_path: Path) -> None:
    state_file = tmp_path / "state.json"
    for content in ('{"version": 1, "clock": ', '{"version": 1}', "[]", "\x00\x01"):
        state_file.write_text(content, encoding="utf-8")
        result = subprocess.run([sys.executable, "-m", "mock_exchange", "serve", "--port", str(_free_port()),
                                 "--state-file", str(state_file)], capture_output=True, text=True, timeout=60)
        assert result.returncode == 2, result
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith(f"mock-exchange: state file error: {state_file}"), lines
        assert state_file.read_text(encoding="utf-8") == content  # left as it was, for the user to look at


def test_a_missing_file_is_a_first_start_and_a_stale_temp_file_is_ignored(tmp_path: Path,
                                                                           servers: list[Server]) -> None:
    state_file = tmp_path / "state.json"
    stale = tmp_path / ".state.json.tmp"
    stale.write_text('{"half a wri', encoding="utf-8")  # what a write killed half-way leaves
    first = start(state_file)
    servers.append(first)
    assert json.loads(state_file.read_text(encoding="utf-8"))["version"] == SNAPSHOT_VERSION  # written at start
    assert not stale.exists()
    # A second server on the same file is refused while the first one runs.
    result = subprocess.run([sys.executable, "-m", "mock_exchange", "serve", "--port", str(_free_port()),
                             "--state-file", str(state_file)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert "in use by another mock-exchange server" in result.stderr
    first.process.send_signal(signal.SIGTERM)
    first.output()
    assert os.stat(state_file).st_mode & 0o077 == 0  # the file holds account secrets: owner only


def test_the_writer_writes_only_after_changes_and_yields_the_lock_to_requests(tmp_path: Path) -> None:
    from decimal import Decimal

    from mock_exchange.persistence import LOCK_SHARE_FACTOR, StateFile, StateWriter

    exchange = Exchange(default_config())
    state_file = StateFile(tmp_path / "state.json")
    writer = StateWriter(exchange, state_file, interval_ms=50)
    assert writer.flush() is True and writer.writes == 1
    assert writer.flush() is False  # nothing changed: no write
    exchange.margin_account("demo")  # a read changes nothing
    assert writer.flush() is False
    exchange.set_balance("other", "BTC", free=Decimal("3"))
    assert writer.flush() is True
    assert json.loads(state_file.path.read_text(encoding="utf-8"))["state"]["accounts"]["other"]["cross"][
        "balances"]["BTC"]["free"] == "3"
    exchange.clock.freeze(1_767_225_600_000)
    assert writer.flush() is True  # a frozen clock that moved is a change
    assert writer.flush() is False
    writer.last_lock_s = 1.0  # a huge state: one snapshot held the lock for a second
    assert writer.pause_s() == LOCK_SHARE_FACTOR * 1.0
    writer.last_lock_s = 0.0
    assert writer.pause_s() == 0.05
    assert not state_file.temp_path.exists()
