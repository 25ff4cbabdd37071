"""The ``fake_exchange`` / ``fake_exchange_live`` fixtures as a test in this process uses them."""

from __future__ import annotations

import socket
import sys
from typing import Any

import pytest
import requests
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.pytest_plugin import IN_PROCESS_URL, FakeExchange

FROZEN_AT_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
OCO = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "price": "31000", "stop_price": "29000",
       "stop_limit_price": "28900", "stop_limit_time_in_force": "GTC"}


def demo_account() -> Any:
    return next(a for a in default_config().accounts if a.name == "demo")


def test_handle_serves_binance_in_process(fake_exchange: FakeExchange) -> None:
    assert isinstance(fake_exchange.app, Flask)
    assert fake_exchange.url == IN_PROCESS_URL
    assert fake_exchange.session.get(f"{fake_exchange.url}/api/v3/ping").json() == {}
    assert fake_exchange.test_client.get("/api/v3/time").status_code == 200
    assert fake_exchange.exchange is fake_exchange.app.extensions["mock_exchange"].exchange


def test_handle_carries_the_demo_credentials(fake_exchange: FakeExchange) -> None:
    demo = demo_account()
    assert (fake_exchange.api_key, fake_exchange.api_secret) == (demo.api_key, demo.hmac_secret)


def test_in_process_fixture_opens_no_socket(fake_exchange: FakeExchange, monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("fake_exchange opened a socket")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    placed = fake_exchange.client.place_oco(**OCO)
    assert placed.list_order_status == "EXECUTING"
    assert fake_exchange.session.get(f"{fake_exchange.url}/api/v3/ping").status_code == 200


def test_control_methods_act_on_the_exchange(fake_exchange: FakeExchange) -> None:
    fake_exchange.set_price("BTCUSDT", "31234.5")
    ticker = fake_exchange.session.get(f"{fake_exchange.url}/api/v3/ticker/price", params={"symbol": "BTCUSDT"})
    assert ticker.json()["price"] == "31234.50000000"
    (entry,) = fake_exchange.journal(path="/api/v3/ticker/price")
    assert entry["status"] == 200
    assert fake_exchange.market("BTCUSDT")["last_price"] == "31234.5"


def test_injected_fault_reaches_the_client(fake_exchange: FakeExchange) -> None:
    fake_exchange.inject_fault("/api/v3/ping", "http_500", count=1)
    assert fake_exchange.session.get(f"{fake_exchange.url}/api/v3/ping").status_code == 500
    assert fake_exchange.session.get(f"{fake_exchange.url}/api/v3/ping").status_code == 200


def test_client_signs_with_the_exchange_clock_even_when_frozen(fake_exchange: FakeExchange) -> None:
    fake_exchange.freeze(at_ms=FROZEN_AT_MS)
    placed = fake_exchange.client.place_oco(**OCO)
    assert placed.transaction_time == FROZEN_AT_MS
    fake_exchange.advance(minutes=5)
    assert fake_exchange.client.get_order_list(order_list_id=placed.order_list_id).transaction_time == FROZEN_AT_MS
    assert fake_exchange.now_ms() == FROZEN_AT_MS + 300_000


def test_client_ids_are_deterministic(fake_exchange: FakeExchange) -> None:
    first = fake_exchange.client.place_oco(**OCO)
    assert first.list_client_order_id == "fx1"


def test_client_needs_the_reference_client_package(fake_exchange: FakeExchange,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "margin_client", None)  # as if it were not installed
    with pytest.raises(RuntimeError, match="pip install --force-reinstall mock-exchange"):
        _ = fake_exchange.client


def test_unknown_attributes_still_raise(fake_exchange: FakeExchange) -> None:
    with pytest.raises(AttributeError):
        _ = fake_exchange.no_such_control_method
    assert "set_price" in dir(fake_exchange)


def test_live_fixture_serves_a_real_port(fake_exchange_live: FakeExchange) -> None:
    assert fake_exchange_live.url.startswith("http://127.0.0.1:")
    assert requests.get(f"{fake_exchange_live.url}/api/v3/ping", timeout=5).json() == {}
    fake_exchange_live.set_price("BTCUSDT", "30500")
    price = fake_exchange_live.session.get(f"{fake_exchange_live.url}/api/v3/ticker/price",
                                           params={"symbol": "BTCUSDT"}, timeout=5).json()["price"]
    assert price == "30500.00000000"


def test_live_fixture_client_places_and_cancels(fake_exchange_live: FakeExchange) -> None:
    client = fake_exchange_live.client
    placed = client.place_oco(**OCO)
    cancelled = client.cancel_order_list(symbol="BTCUSDT", order_list_id=placed.order_list_id)
    assert cancelled.list_order_status == "ALL_DONE"


def test_the_fixture_goes_back_to_wall_time(fake_exchange: FakeExchange) -> None:
    import time

    fake_exchange.freeze(at_ms=1_767_225_600_000)
    fake_exchange.advance(minutes=1)
    assert fake_exchange.clock()["mode"] == "frozen"
    assert abs(fake_exchange.use_wall_clock() - time.time() * 1000) < 5_000
    assert fake_exchange.clock()["mode"] == "wall"
    assert fake_exchange.client.get_open_orders(symbol="BTCUSDT") == []


def test_last_explanation_says_why_the_client_was_rejected(fake_exchange: FakeExchange) -> None:
    from margin_client import FilterFailureError

    assert fake_exchange.last_explanation() is None
    with pytest.raises(FilterFailureError):
        fake_exchange.client.place_order(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                                         price="29000.001", time_in_force="GTC")
    explanation = fake_exchange.last_explanation(account="demo")
    assert explanation["code"] == -1013 and explanation["cause"] == "filter_failure"
    assert "tickSize 0.01" in explanation["text"] and "price=29000.001" in explanation["text"]
