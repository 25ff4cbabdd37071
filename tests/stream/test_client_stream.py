"""The reference client's stream reader (margin_client.stream) against the live fake."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests
from margin_client import BinanceAPIError, HmacSigner, MarginClient

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.requests import NewOrder
from tests.signed_client import DEMO_KEY, DEMO_SECRET
from tests.signed_client import FROZEN_AT_MS as T0

pytest.importorskip("websocket")

from margin_client.stream import StreamClosedError, UserDataStream  # noqa: E402  (after the skip)


@pytest.fixture
def margin(server: Any) -> Iterator[MarginClient]:
    client = MarginClient(server.url, DEMO_KEY, HmacSigner(DEMO_SECRET))
    client.sync_time()  # the fake's clock is frozen in 2026-01-01
    yield client
    client.close()


def place_bid(exchange: Any, client_id: str) -> None:
    exchange.place_order("demo", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                          quantity=Decimal("0.001"), price=Decimal("29000"),
                                          time_in_force=TimeInForce.GTC, new_client_order_id=client_id))


def test_subscribe_with_a_listen_token_and_read_until_the_end(margin: MarginClient, server: Any,
                                                              exchange: Any) -> None:
    token = margin.create_listen_token(validity=5000, signed=True)
    with UserDataStream.subscribe(f"{server.ws_url}/ws-api/v3", token.token) as stream:
        assert (stream.subscription_id, stream.expiration_time) == (0, T0 + 5000)
        place_bid(exchange, "first")
        exchange.clock.advance(5000)
        events = list(stream)  # ends after eventStreamTerminated
    assert [(e["e"], e.get("c")) for e in events] == [
        ("executionReport", "first"), ("outboundAccountPosition", None), ("eventStreamTerminated", None)]
    assert stream.ended


def test_recv_with_a_timeout_returns_none_when_nothing_happened(margin: MarginClient, server: Any,
                                                                exchange: Any) -> None:
    token = margin.create_listen_token()
    with UserDataStream.subscribe(f"{server.ws_url}/ws-api/v3", token.token) as stream:
        assert stream.recv(timeout=0.05) is None
        place_bid(exchange, "late")
        assert stream.recv(timeout=5)["c"] == "late"


def test_listen_on_a_listen_key(http: requests.Session, server: Any, exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    with UserDataStream.listen(server.ws_url, key) as stream:
        place_bid(exchange, "keyed")
        assert stream.recv(timeout=5)["c"] == "keyed"
        http.delete(f"{server.url}/sapi/v1/userDataStream", params={"listenKey": key})
        assert stream.recv(timeout=5)["e"] == "outboundAccountPosition"
        with pytest.raises(StreamClosedError):
            stream.recv(timeout=5)


def test_refusals_are_binance_errors(server: Any) -> None:
    with pytest.raises(BinanceAPIError) as bad_token:
        UserDataStream.subscribe(f"{server.ws_url}/ws-api/v3", "not-a-token")
    assert (bad_token.value.code, bad_token.value.msg, bad_token.value.http_status) == (
        -1209, "Invalid listenToken.", 400)
    with pytest.raises(BinanceAPIError) as bad_key:
        UserDataStream.listen(server.ws_url, "not-a-key")
    assert (bad_key.value.code, bad_key.value.http_status) == (-1125, 400)
