"""Faults around the exchange: clients hanging up mid-request, snapshots taken while orders
change, and a restart from a snapshot. Nothing is lost and nothing happens twice.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_exchange.control import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.snapshot import restore
from mock_exchange.testing import LiveServer
from tests.reliability import rawhttp
from tests.reliability.catalogue import LIMIT_BUY
from tests.reliability.invariants import configured_totals, violations
from tests.reliability.support import (
    FROZEN_AT_MS,
    Budget,
    count,
    exchange_of,
    frozen_app,
    prepare,
    record_violations,
    roomy_config,
    run_until,
    state_of,
)
from tests.reliability.workload import run_workers

POLL_S = 10
JOURNAL_ROOM = 50_000  # the journal keeps 100 000 entries: a soak stays well inside them


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll ``condition`` until it holds or POLL_S pass (the server answers on its own threads)."""
    deadline = time.monotonic() + POLL_S
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.005)


def placement(client_id: str) -> bytes:
    # IOC below the market: placed and expired at once, so a long soak never meets MAX_NUM_ORDERS.
    params = {**LIMIT_BUY, "timeInForce": "IOC", "newClientOrderId": client_id, "timestamp": str(FROZEN_AT_MS)}
    request = prepare("POST", "/sapi/v1/margin/order", list(params.items()),
                      placement="body")
    return rawhttp.request_bytes("POST", "/sapi/v1/margin/order", request.headers, request.body.encode())


def hang_up(server: LiveServer, data: bytes) -> None:
    """Send ``data`` and close at once, reading nothing."""
    with rawhttp.connect(server) as sock:
        sock.sendall(data)


@pytest.mark.soak(weight=1)
def test_clients_hanging_up_mid_request_lose_and_duplicate_nothing(budget: Budget) -> None:
    app = frozen_app()
    control = LocalControl(app)
    complete: list[str] = []
    with LiveServer(app) as server:

        def one(i: int) -> None:
            data = placement(f"hangup{i}")
            kind = i % 4
            if kind == 0:  # half the request line
                hang_up(server, data[: len(data) // 10])
            elif kind == 1:  # headers, then part of the body
                hang_up(server, data[: len(data) - 20])
            else:  # the whole request, closed before reading the answer
                hang_up(server, data)
                complete.append(f"hangup{i}")
            count("client disconnects")

        run_until(budget, 40, one, limit=JOURNAL_ROOM)
        wait_for(lambda: control.journal_count(path="/sapi/v1/margin/order") >= len(complete),
                 "the complete requests to be answered")
        answer = rawhttp.exchange(server, rawhttp.request_bytes("GET", "/api/v3/ping"))
        assert answer is not None and answer.status == 200, "the server stopped answering"
    entries = control.journal(path="/sapi/v1/margin/order")
    assert sorted(e["params"]["newClientOrderId"] for e in entries) == sorted(complete), "journal"
    assert all(e["status"] == 200 for e in entries), [e["response"] for e in entries if e["status"] != 200]
    orders = exchange_of(app).state.orders.values()
    assert sorted(o.client_order_id for o in orders) == sorted(complete), "each complete request placed once"


def check_snapshot(raw: dict[str, Any], totals: Any) -> list[str]:
    """Restore ``raw`` into a fresh exchange (which checks its references) and check its invariants."""
    config = roomy_config()
    fresh = Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS))
    restore(fresh, raw)
    return violations(fresh.state, totals)


@pytest.mark.soak(weight=2)
def test_snapshots_taken_while_orders_change_are_consistent(budget: Budget) -> None:
    app = frozen_app()
    totals = configured_totals(exchange_of(app).initial_config)
    taken: list[dict[str, Any]] = []
    stop = threading.Event()

    def snapshotter(url: str) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                response = session.get(f"{url}/mock/v1/state", timeout=30)
                assert response.status_code == 200
                taken.append(response.json())

    with LiveServer(app, threads=8) as server:
        thread = threading.Thread(target=snapshotter, args=(server.url,))
        thread.start()
        try:
            run_until(budget, 1, lambda i: run_workers(server, 4, 150, 30, first=100 + 4 * i))
        finally:
            stop.set()
            thread.join(60)
    assert len(taken) >= 5, "the snapshotter did not run alongside the workers"
    order_counts = [len(snap["state"]["orders"]) for snap in taken]
    assert order_counts == sorted(order_counts), "a later snapshot has fewer orders than an earlier one"
    assert order_counts[-1] > order_counts[0], "the orders did not change while snapshots were taken"
    for snap in taken:
        found = record_violations(check_snapshot(snap, totals))
        assert not found, found
    count("snapshots checked", len(taken))


def test_restart_from_a_snapshot_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    first = frozen_app()
    path = tmp_path / "exchange.json"
    with LiveServer(first, threads=8) as server:
        workers = run_workers(server, 4, 120, 30, first=200)
        assert not [e for w in workers for e in w.errors]
        saved = LocalControl(first).save_snapshot(str(path))
        assert saved["bytes"] > 0
        before = state_of(first)
    count("concurrent operations before the restart", sum(w.done for w in workers))

    second = frozen_app()
    LocalControl(second).load_snapshot(str(path))
    assert state_of(second) == before == json.loads(path.read_text()), "the restart changed the state"
    exchange = exchange_of(second)
    old_ids = set(exchange.state.orders)
    resting = [o.order_id for o in exchange.state.orders.values() if o.is_open and o.is_working]
    with LiveServer(second) as server:
        more = run_workers(server, 2, 60, 30, first=300)
        assert not [e for w in more for e in w.errors]
        LocalControl(second).set_price("BTCUSDT", "29000")
        LocalControl(second).set_price("BTCUSDT", "31000")
    state = exchange.state
    new_ids = set(state.orders) - old_ids
    assert new_ids and min(new_ids) > max(old_ids), "order ids went on from the snapshot's"
    assert all(state.orders[i].account == before["state"]["orders"][str(i)]["account"] for i in old_ids)
    assert any(not state.orders[i].is_open for i in resting if state.orders[i].symbol == "BTCUSDT"), \
        "orders restored from the snapshot take part in the market"
    found = record_violations(violations(state, configured_totals(exchange.initial_config)))
    assert not found, found
