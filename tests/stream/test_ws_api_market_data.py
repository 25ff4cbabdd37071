"""The WebSocket API's market-data requests over a real socket: the REST answers, weights and errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.stream.conftest import Served

LIMIT = 6000  # the default config's request weight per minute


def request(sock: Any, method: str, request_id: Any = 1, **params: Any) -> Any:
    message: dict[str, Any] = {"id": request_id, "method": method}
    if params:
        message["params"] = params
    sock.send(message)
    return sock.recv()


def rest(server: Served, path: str, **params: Any) -> Any:
    response = requests.get(server.url + path, params=params, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture
def market(exchange: Any) -> Any:
    """Some trades, so every answer has something in it."""
    exchange.trade("BTCUSDT", Decimal("30100"), Decimal("0.5"))
    exchange.clock.advance(61_000)
    exchange.trade("BTCUSDT", Decimal("30050"), Decimal("0.25"))
    return exchange


CASES = [
    ("depth", {"symbol": "BTCUSDT", "limit": 5}, "/api/v3/depth", 5),
    ("trades.recent", {"symbol": "BTCUSDT", "limit": 2}, "/api/v3/trades", 25),
    ("trades.historical", {"symbol": "BTCUSDT", "limit": 3}, "/api/v3/historicalTrades", 25),
    ("trades.aggregate", {"symbol": "BTCUSDT", "limit": 3}, "/api/v3/aggTrades", 4),
    ("klines", {"symbol": "BTCUSDT", "interval": "1m", "limit": 3}, "/api/v3/klines", 2),
    ("uiKlines", {"symbol": "BTCUSDT", "interval": "1h", "limit": 2}, "/api/v3/uiKlines", 2),
    ("avgPrice", {"symbol": "BTCUSDT"}, "/api/v3/avgPrice", 2),
    ("ticker.24hr", {"symbol": "BTCUSDT"}, "/api/v3/ticker/24hr", 2),
    ("ticker.tradingDay", {"symbol": "BTCUSDT"}, "/api/v3/ticker/tradingDay", 4),
    ("ticker", {"symbol": "BTCUSDT", "windowSize": "1h"}, "/api/v3/ticker", 4),
    ("ticker.price", {"symbol": "BTCUSDT"}, "/api/v3/ticker/price", 2),
    ("ticker.book", {"symbol": "BTCUSDT"}, "/api/v3/ticker/bookTicker", 2),
]


@pytest.mark.parametrize(("method", "params", "path", "weight"), CASES, ids=[c[0] for c in CASES])
def test_each_market_method_answers_as_its_rest_endpoint_with_its_weight(
        connect: Any, server: Served, market: Any, method: str, params: dict[str, Any], path: str,
        weight: int) -> None:
    sock = connect("/ws-api/v3")
    answer = request(sock, method, "req-1", **params)
    assert set(answer) == {"id", "status", "result", "rateLimits"}
    assert (answer["id"], answer["status"]) == ("req-1", 200)
    assert answer["result"] == rest(server, path, **params)
    assert answer["rateLimits"] == [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                                     "limit": LIMIT, "count": weight}]


def test_symbols_are_a_json_array_and_weigh_as_on_rest(connect: Any, server: Served, market: Any) -> None:
    sock = connect("/ws-api/v3")
    answer = request(sock, "ticker.price", 7, symbols=["BTCUSDT", "ETHUSDT"])
    assert answer["result"] == rest(server, "/api/v3/ticker/price", symbols='["BTCUSDT","ETHUSDT"]')
    assert answer["rateLimits"][0]["count"] == 4
    # The weight is the connection's address's, shared with REST: 4 (WS) + 4 (REST) + 5.
    assert request(sock, "depth", 8, symbol="BTCUSDT")["rateLimits"][0]["count"] == 13
    big = request(sock, "depth", 9, symbol="BTCUSDT", limit=1000)
    assert (len(big["result"]["bids"]), big["rateLimits"][0]["count"]) == (1000, 63)


def test_depth_update_id_is_the_streams(connect: Any, market: Any) -> None:
    stream = connect("/ws/btcusdt@depth")
    assert stream.frames_before_answer() == []
    api = connect("/ws-api/v3")
    before = request(api, "depth", 1, symbol="BTCUSDT", limit=5)["result"]["lastUpdateId"]
    market.set_price("BTCUSDT", Decimal("30077"))
    [event] = stream.frames_before_answer()
    after = request(api, "depth", 2, symbol="BTCUSDT", limit=5)["result"]
    assert (event["U"], event["u"], after["lastUpdateId"]) == (before + 1, before + 1, before + 1)
    assert after["bids"][0] == ["30076.99000000", "1.00000000"]


def test_errors_are_binances_with_status_and_rate_limits(connect: Any) -> None:
    sock = connect("/ws-api/v3")
    bad_interval = request(sock, "klines", 1, symbol="BTCUSDT", interval="7m")
    assert bad_interval["status"] == 400
    assert bad_interval["error"] == {"code": -1120, "msg": "Invalid interval."}
    assert bad_interval["rateLimits"][0]["count"] == 2  # a refused request costs its weight too
    assert request(sock, "depth", 2)["error"] == {
        "code": -1102, "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}
    assert request(sock, "ticker.book", 3, symbol="NOPEUSDT")["error"] == {"code": -1121, "msg": "Invalid symbol."}
    assert request(sock, "depth", 4, symbol="BTCUSDT", limit=5001)["error"]["code"] == -1130
    assert request(sock, "avgPrice", 5, symbol="BTCUSDT", color="red")["error"]["code"] == -1104
    sock.send({"id": 6, "method": "depth", "params": ["BTCUSDT"]})
    assert sock.recv()["error"]["code"] == -1102


def test_rate_limits_can_be_hidden_per_request_or_per_connection(connect: Any) -> None:
    sock = connect("/ws-api/v3")
    assert "rateLimits" not in request(sock, "ticker.price", 1, symbol="BTCUSDT", returnRateLimits=False)
    assert request(sock, "v3/ticker.price", 2, symbol="BTCUSDT")["rateLimits"][0]["count"] == 4
    quiet = connect("/ws-api/v3?returnRateLimits=false")
    assert "rateLimits" not in request(quiet, "avgPrice", 3, symbol="BTCUSDT")
    assert request(quiet, "avgPrice", 4, symbol="BTCUSDT", returnRateLimits=True)["rateLimits"][0]["count"] == 8
    assert request(sock, "avgPrice", 5, symbol="BTCUSDT", returnRateLimits="no")["error"]["code"] == -1130


def test_requests_are_answered_in_order_on_one_connection(connect: Any, market: Any) -> None:
    sock = connect("/ws-api/v3")
    for request_id in range(5):
        sock.send({"id": request_id, "method": "ticker.price", "params": {"symbol": "BTCUSDT"}})
    answers = [sock.recv() for _ in range(5)]
    assert [a["id"] for a in answers] == list(range(5))
    assert {json.dumps(a["result"]) for a in answers} == {'{"symbol": "BTCUSDT", "price": "30050.00000000"}'}
