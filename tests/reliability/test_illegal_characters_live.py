"""A trailing newline (or any whitespace / control character) over real HTTP: -1100, nothing stored.

With ``re.match`` a pattern's ``$`` also matches before a final newline, so ``0.01\\n``
passed as a quantity and ``dup\\n`` was stored as a client id beside ``dup``. Binance
matches the whole value: -1100 "Illegal characters found in parameter ...".
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_exchange.testing import LiveServer
from tests.reliability.catalogue import LIMIT_BUY, OCO_SELL
from tests.reliability.support import DEMO, FROZEN_AT_MS, check_response, frozen_app, prepare, state_of

TS = str(FROZEN_AT_MS)


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def send(live: LiveServer, method: str, path: str, params: dict[str, str], placement: str = "query"):
    request = prepare(method, path, list({**params, "timestamp": params.get("timestamp", TS)}.items()), DEMO,
                      placement=placement)
    answer = requests.request(method, live.url + request.url, data=request.body.encode(), headers=request.headers,
                              timeout=10)
    return check_response(answer.status_code, answer.headers.get("Content-Type", ""), answer.content, request)


CASES = {
    "quantity": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "quantity": "0.01\n"}),
    "price": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "price": "29000\n"}),
    "amount": ("POST", "/sapi/v1/margin/borrow-repay",
               {"asset": "USDT", "isIsolated": "FALSE", "amount": "10\n", "type": "BORROW"}),
    "timestamp": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "timestamp": TS + "\n"}),
    "recvWindow": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "recvWindow": "5000\n"}),
    "orderId": ("DELETE", "/sapi/v1/margin/order", {"symbol": "BTCUSDT", "orderId": "1\n"}),
    "newClientOrderId": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "newClientOrderId": "dup\n"}),
    "listClientOrderId": ("POST", "/sapi/v1/margin/order/oco", {**OCO_SELL, "listClientOrderId": "list\n"}),
    "limitClientOrderId": ("POST", "/sapi/v1/margin/order/oco", {**OCO_SELL, "limitClientOrderId": "leg\r\n"}),
    "origClientOrderId": ("GET", "/sapi/v1/margin/order", {"symbol": "BTCUSDT", "origClientOrderId": "dup\n"}),
    "symbol": ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "symbol": "BTCUSDT\n"}),
}


@pytest.mark.parametrize("placement", ["query", "body"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_trailing_newline_is_illegal_characters(live: LiveServer, name: str, placement: str) -> None:
    method, path, params = CASES[name]
    before = state_of(live.app)
    outcome = send(live, method, path, params, placement)
    assert outcome.status == 400
    assert outcome.error is not None and outcome.error[0] == -1100, outcome.body
    assert outcome.error[1].startswith(f"Illegal characters found in parameter '{name}'; legal range is '^")
    assert state_of(live.app) == before


def test_a_client_id_with_a_newline_never_sits_beside_the_same_id(live: LiveServer) -> None:
    placed = send(live, "POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "newClientOrderId": "dupLive"})
    assert placed.ok, placed.body
    for suffix in ("\n", "\r\n", " ", "\t", "\x00"):
        again = send(live, "POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "newClientOrderId": "dupLive" + suffix})
        assert again.error is not None and again.error[0] == -1100
    opened = send(live, "GET", "/sapi/v1/margin/openOrders", {"symbol": "BTCUSDT"})
    assert [o["clientOrderId"] for o in opened.body if o["clientOrderId"].startswith("dupLive")] == ["dupLive"]
