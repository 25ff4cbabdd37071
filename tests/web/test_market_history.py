"""Market history over HTTP: klines, uiKlines, trades, historicalTrades, aggTrades, the tickers, avgPrice.

Each endpoint: its happy path with each parameter form, and every rule broken once with
Binance's exact code and message.
"""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS as T0
from tests.signed_client import SignedClient

MIN = 60_000
DAY = 24 * 60 * MIN


@pytest.fixture
def bare_app() -> Flask:
    """The default config without warm-up history: the tape is exactly what a test prints."""
    config = default_config()
    symbols = {name: dataclasses.replace(spec, history=None) for name, spec in config.symbols.items()}
    config = dataclasses.replace(config, symbols=symbols)
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=T0)))


@pytest.fixture
def bare(bare_app: Flask) -> FlaskClient:
    return bare_app.test_client()


def exchange_of(app: Flask) -> Exchange:
    return app.extensions["mock_exchange"].exchange  # type: ignore[no-any-return]


def tape(app: Flask) -> None:
    """Minute 0: up-tick 0.5 @ 30010 and down-tick 0.25 @ 29990; minute 1: a bare move, 1 @ 30050."""
    ex = exchange_of(app)
    ex.clock.advance(1_000)
    ex.trade("BTCUSDT", Decimal("30010"), Decimal("0.5"))
    ex.clock.advance(1_000)
    ex.trade("BTCUSDT", Decimal("29990"), Decimal("0.25"))
    ex.clock.set(T0 + 61_000)
    ex.set_price("BTCUSDT", Decimal("30100"))
    ex.clock.set(T0 + 65_000)
    ex.trade("BTCUSDT", Decimal("30050"), Decimal("1"))
    ex.clock.set(T0 + 2 * MIN + 5_000)


def ok(client: FlaskClient, path: str) -> Any:
    response = client.get(path)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def err(client: FlaskClient, path: str) -> tuple[int, int, str]:
    response = client.get(path)
    body = response.get_json()
    return response.status_code, body["code"], body["msg"]


def weight(client: FlaskClient, path: str) -> int:
    before = int(client.get("/api/v3/ping").headers["X-MBX-USED-WEIGHT-1M"])
    used = int(client.get(path).headers["X-MBX-USED-WEIGHT-1M"])
    return used - before


MINUTE_0 = [T0, "30000.00000000", "30010.00000000", "29990.00000000", "29990.00000000", "0.75000000", T0 + 59_999,
            "22502.50000000", 2, "0.50000000", "15005.00000000", "0"]
MINUTE_1 = [T0 + MIN, "30100.00000000", "30100.00000000", "30050.00000000", "30050.00000000", "1.00000000",
            T0 + 119_999, "30050.00000000", 1, "0.00000000", "0.00000000", "0"]
MINUTE_2 = [T0 + 2 * MIN, "30050.00000000", "30050.00000000", "30050.00000000", "30050.00000000", "0.00000000",
            T0 + 179_999, "0.00000000", 0, "0.00000000", "0.00000000", "0"]


# -- klines / uiKlines ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/api/v3/klines", "/api/v3/uiKlines"])
def test_klines_from_the_tape(bare_app: Flask, bare: FlaskClient, path: str) -> None:
    tape(bare_app)
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m") == [MINUTE_0, MINUTE_1, MINUTE_2]
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m&limit=1") == [MINUTE_2]
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m&startTime={T0 + 1}&limit=1") == [MINUTE_1]
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m&endTime={T0 + MIN}") == [MINUTE_0, MINUTE_1]
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m&startTime={T0}&endTime={T0 + MIN}&limit=1") == [MINUTE_0]
    assert ok(bare, f"{path}?symbol=BTCUSDT&interval=1m&startTime={T0 + MIN}&endTime={T0}") == []
    three = ok(bare, f"{path}?symbol=BTCUSDT&interval=3m")
    assert three == [[T0, "30000.00000000", "30100.00000000", "29990.00000000", "30050.00000000", "1.75000000",
                      T0 + 3 * MIN - 1, "52552.50000000", 3, "0.50000000", "15005.00000000", "0"]]
    assert weight(bare, f"{path}?symbol=BTCUSDT&interval=1m") == 2


def test_klines_every_interval_and_time_zone(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    for interval in ("1s", "1m", "3m", "5m", "15m", "30m", "1h", "2h", "4h", "6h", "8h", "12h", "1d", "3d", "1w", "1M"):
        rows = ok(bare, f"/api/v3/klines?symbol=BTCUSDT&interval={interval}&limit=1000")
        assert sum(r[8] for r in rows) == 3, interval  # every interval counts the same three trades
        assert rows[-1][4] == "30050.00000000"
    week = ok(bare, "/api/v3/klines?symbol=BTCUSDT&interval=1w")
    assert [week[0][0], week[0][6]] == [T0 - 3 * DAY, T0 + 4 * DAY - 1]  # Monday 2025-12-29 .. Sunday
    for zone, open_ms in (("8", T0 - 8 * 60 * MIN), ("-1:00", T0 - DAY + 60 * MIN), ("05:45", T0 - 345 * MIN),
                          ("%2B08:00", T0 - 8 * 60 * MIN), ("0", T0)):
        rows = ok(bare, f"/api/v3/klines?symbol=BTCUSDT&interval=1d&timeZone={zone}")
        assert [r[0] for r in rows] == [open_ms], zone
    month = ok(bare, "/api/v3/klines?symbol=BTCUSDT&interval=1M&timeZone=-1")
    assert [r[0] for r in month] == [T0 - 31 * DAY + 60 * MIN]  # still December in UTC-1


def test_klines_default_limit_is_500_and_maximum_1000(client: FlaskClient) -> None:
    # The default config has 500 one-minute warm-up candles, then the start candle.
    assert len(ok(client, "/api/v3/klines?symbol=BTCUSDT&interval=1m")) == 500
    assert len(ok(client, "/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000")) == 501
    assert len(ok(client, "/api/v3/klines?symbol=BTCUSDT&interval=1s&limit=1000")) == 1000


@pytest.mark.parametrize(("query", "code", "msg"), [
    ("interval=1m", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
    ("symbol=BTCUSDT", -1102, "Mandatory parameter 'interval' was not sent, was empty/null, or malformed."),
    ("symbol=BTCUSDT&interval=2m", -1120, "Invalid interval."),
    ("symbol=BTCUSDT&interval=1H", -1120, "Invalid interval."),
    ("symbol=NOPE&interval=1m", -1121, "Invalid symbol."),
    ("symbol=BTCUSDT&interval=1m&limit=0", -1130, "Data sent for parameter 'limit' is not valid."),
    ("symbol=BTCUSDT&interval=1m&limit=1001", -1130, "Data sent for parameter 'limit' is not valid."),
    ("symbol=BTCUSDT&interval=1m&limit=abc", -1100,
     "Illegal characters found in parameter 'limit'; legal range is '^-?[0-9]{1,20}$'."),
    ("symbol=BTCUSDT&interval=1m&startTime=x", -1100,
     "Illegal characters found in parameter 'startTime'; legal range is '^-?[0-9]{1,20}$'."),
    ("symbol=BTCUSDT&interval=1m&endTime=", -1105, "Parameter 'endTime' was empty."),
    ("symbol=BTCUSDT&interval=1m&timeZone=15", -1130, "Data sent for parameter 'timeZone' is not valid."),
    ("symbol=BTCUSDT&interval=1m&timeZone=14:01", -1130, "Data sent for parameter 'timeZone' is not valid."),
    ("symbol=BTCUSDT&interval=1m&foo=1", -1104, "Not all sent parameters were read; read '2' parameter(s) but was "
                                                "sent '3'."),
])
@pytest.mark.parametrize("path", ["/api/v3/klines", "/api/v3/uiKlines"])
def test_klines_rules(bare: FlaskClient, path: str, query: str, code: int, msg: str) -> None:
    assert err(bare, f"{path}?{query}") == (400, code, msg)


# -- trades / historicalTrades / aggTrades -------------------------------------------------------------


def test_recent_and_historical_trades(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    first = {"id": 0, "price": "30010.00000000", "qty": "0.50000000", "quoteQty": "15005.00000000",
             "time": T0 + 1_000, "isBuyerMaker": False, "isBestMatch": True}
    last = {"id": 2, "price": "30050.00000000", "qty": "1.00000000", "quoteQty": "30050.00000000",
            "time": T0 + 65_000, "isBuyerMaker": True, "isBestMatch": True}
    trades = ok(bare, "/api/v3/trades?symbol=BTCUSDT")
    assert [trades[0], trades[-1], len(trades)] == [first, last, 3]
    assert ok(bare, "/api/v3/trades?symbol=BTCUSDT&limit=1") == [last]
    assert ok(bare, "/api/v3/historicalTrades?symbol=BTCUSDT") == trades
    assert [t["id"] for t in ok(bare, "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=1")] == [1, 2]
    assert [t["id"] for t in ok(bare, "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=0&limit=2")] == [0, 1]
    assert ok(bare, "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=99") == []
    # No API key needed (security NONE since 2023-12-04); a key sent is ignored.
    with_key = bare.get("/api/v3/historicalTrades?symbol=BTCUSDT", headers={"X-MBX-APIKEY": "nonsense"})
    assert with_key.status_code == 200
    assert weight(bare, "/api/v3/trades?symbol=BTCUSDT") == 25
    assert weight(bare, "/api/v3/historicalTrades?symbol=BTCUSDT") == 25


@pytest.mark.parametrize("path", ["/api/v3/trades", "/api/v3/historicalTrades", "/api/v3/aggTrades"])
@pytest.mark.parametrize(("query", "code", "msg"), [
    ("", -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
    ("symbol=NOPE", -1121, "Invalid symbol."),
    ("symbol=BTCUSDT&limit=0", -1130, "Data sent for parameter 'limit' is not valid."),
    ("symbol=BTCUSDT&limit=1001", -1130, "Data sent for parameter 'limit' is not valid."),
    ("symbol=btcusdt", -1100, "Illegal characters found in parameter 'symbol'; legal range is '^[A-Z0-9-_.]{1,20}$'."),
])
def test_trade_list_rules(bare: FlaskClient, path: str, query: str, code: int, msg: str) -> None:
    assert err(bare, f"{path}?{query}") == (400, code, msg)


def test_trade_list_specific_rules(bare: FlaskClient) -> None:
    assert err(bare, "/api/v3/trades?symbol=BTCUSDT&fromId=1") == (
        400, -1104, "Not all sent parameters were read; read '1' parameter(s) but was sent '2'.")
    assert err(bare, "/api/v3/historicalTrades?symbol=BTCUSDT&fromId=-1") == (
        400, -1130, "Data sent for parameter 'fromId' is not valid.")
    assert err(bare, f"/api/v3/aggTrades?symbol=BTCUSDT&fromId=0&startTime={T0}") == (
        400, -1128, "Combination of optional parameters invalid.")
    assert err(bare, "/api/v3/aggTrades?symbol=BTCUSDT&fromId=-1") == (
        400, -1130, "Data sent for parameter 'fromId' is not valid.")


def test_agg_trades_aggregate_one_taker_at_one_price_and_time(bare_app: Flask, bare: FlaskClient,
                                                               signed: SignedClient) -> None:
    signed = SignedClient(bare, bare_app)
    for _ in range(2):
        placed = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                             price="29000", timeInForce="GTC")
        assert placed.status_code == 200, placed.get_json()
    ex = exchange_of(bare_app)
    ex.clock.advance(1_000)
    ex.trade("BTCUSDT", Decimal("28900"), Decimal("1"))  # one print fills both resting BUYs as makers
    ex.clock.advance(1_000)
    ex.trade("BTCUSDT", Decimal("28950"), Decimal("0.5"))
    aggs = ok(bare, "/api/v3/aggTrades?symbol=BTCUSDT")
    assert aggs == [
        {"a": 0, "p": "29000.00000000", "q": "0.02000000", "f": 0, "l": 1, "T": T0 + 1_000, "m": True, "M": True},
        {"a": 1, "p": "28900.00000000", "q": "0.98000000", "f": 2, "l": 2, "T": T0 + 1_000, "m": True, "M": True},
        {"a": 2, "p": "28950.00000000", "q": "0.50000000", "f": 3, "l": 3, "T": T0 + 2_000, "m": False, "M": True},
    ]
    assert ok(bare, "/api/v3/aggTrades?symbol=BTCUSDT&fromId=1&limit=1") == [aggs[1]]
    assert ok(bare, f"/api/v3/aggTrades?symbol=BTCUSDT&startTime={T0 + 1_500}") == [aggs[2]]
    assert ok(bare, f"/api/v3/aggTrades?symbol=BTCUSDT&endTime={T0 + 1_500}") == aggs[:2]
    assert ok(bare, f"/api/v3/aggTrades?symbol=BTCUSDT&endTime={T0 + 1_500}&limit=1") == [aggs[1]]  # newest first
    assert ok(bare, f"/api/v3/aggTrades?symbol=BTCUSDT&startTime={T0}&endTime={T0 + 1_000}&limit=1") == [aggs[0]]
    assert ok(bare, "/api/v3/aggTrades?symbol=BTCUSDT&limit=2") == aggs[1:]
    # The user's own fills are the public trades: 24hr shows their volume and count.
    row = ok(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert (row["volume"], row["count"], row["firstId"], row["lastId"]) == ("1.50000000", 4, 0, 3)
    assert weight(bare, "/api/v3/aggTrades?symbol=BTCUSDT") == 4


def test_a_fill_caused_by_a_price_move_is_volume(bare_app: Flask, bare: FlaskClient) -> None:
    signed = SignedClient(bare, bare_app)
    signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01", price="29000",
                timeInForce="GTC")
    exchange_of(bare_app).set_price("BTCUSDT", Decimal("28999"))
    row = ok(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert (row["volume"], row["quoteVolume"], row["count"], row["lastPrice"]) == (
        "0.01000000", "290.00000000", 1, "28999.00000000")
    assert ok(bare, "/api/v3/trades?symbol=BTCUSDT")[0]["isBuyerMaker"] is True


# -- tickers ------------------------------------------------------------------------------------------


FULL_24HR = ["symbol", "priceChange", "priceChangePercent", "weightedAvgPrice", "prevClosePrice", "lastPrice",
             "lastQty", "bidPrice", "bidQty", "askPrice", "askQty", "openPrice", "highPrice", "lowPrice", "volume",
             "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count"]
MINI = ["symbol", "openPrice", "highPrice", "lowPrice", "lastPrice", "volume", "quoteVolume", "openTime",
        "closeTime", "firstId", "lastId", "count"]
FULL_WINDOW = ["symbol", "priceChange", "priceChangePercent", "weightedAvgPrice", "openPrice", "highPrice",
               "lowPrice", "lastPrice", "volume", "quoteVolume", "openTime", "closeTime", "firstId", "lastId", "count"]


def test_ticker_24hr_from_the_tape(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    now = T0 + 2 * MIN + 5_000
    row = ok(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT")
    assert list(row) == FULL_24HR
    assert row == {
        "symbol": "BTCUSDT", "priceChange": "50.00000000", "priceChangePercent": "0.167",
        "weightedAvgPrice": "30030.00000000", "prevClosePrice": "30000.00000000", "lastPrice": "30050.00000000",
        "lastQty": "1.00000000", "bidPrice": "30049.99000000", "bidQty": "1.00000000", "askPrice": "30050.01000000",
        "askQty": "1.00000000", "openPrice": "30000.00000000", "highPrice": "30100.00000000",
        "lowPrice": "29990.00000000", "volume": "1.75000000", "quoteVolume": "52552.50000000",
        "openTime": now - DAY, "closeTime": now, "firstId": 0, "lastId": 2, "count": 3,
    }
    mini = ok(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT&type=MINI")
    assert list(mini) == MINI and mini["volume"] == "1.75000000"
    assert ok(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT&type=FULL") == row
    many = ok(bare, '/api/v3/ticker/24hr?symbols=["BTCUSDT","ETHUSDT"]&type=MINI')
    assert [r["symbol"] for r in many] == ["BTCUSDT", "ETHUSDT"]
    assert many[1]["count"] == 0 and many[1]["firstId"] == -1 and many[1]["lastId"] == -1
    assert len(ok(bare, "/api/v3/ticker/24hr")) == 4
    assert ok(bare, "/api/v3/ticker/24hr?symbolStatus=HALT") == []
    assert weight(bare, "/api/v3/ticker/24hr?symbol=BTCUSDT") == 2
    assert weight(bare, '/api/v3/ticker/24hr?symbols=["BTCUSDT"]') == 2
    assert weight(bare, "/api/v3/ticker/24hr") == 80


@pytest.mark.parametrize(("query", "code", "msg"), [
    ("type=FOO", -1139, "Invalid ticker type."),
    ("symbol=BTCUSDT&type=mini", -1139, "Invalid ticker type."),
    ("symbol=NOPE", -1121, "Invalid symbol."),
    ('symbol=BTCUSDT&symbols=["BTCUSDT"]', -1128, "Combination of optional parameters invalid."),
    ("symbols=BTCUSDT", -1100, r"""Illegal characters found in parameter 'symbols'; legal range is """
                               r"""'^\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\]$'."""),
    ("symbol=BTCUSDT&symbolStatus=HALT", -1220, "The symbol's status does not match the requested symbolStatus."),
    ("symbolStatus=OPEN", -1122, "Invalid symbolStatus."),
])
def test_ticker_24hr_rules(bare: FlaskClient, query: str, code: int, msg: str) -> None:
    assert err(bare, f"/api/v3/ticker/24hr?{query}") == (400, code, msg)


def test_rolling_window_ticker(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    now = T0 + 2 * MIN + 5_000
    row = ok(bare, "/api/v3/ticker?symbol=BTCUSDT")  # windowSize defaults to 1d
    assert list(row) == FULL_WINDOW
    assert (row["openTime"], row["closeTime"], row["count"]) == ((now - DAY) // MIN * MIN, now, 3)
    one = ok(bare, "/api/v3/ticker?symbol=BTCUSDT&windowSize=1m")
    # openTime starts on a minute: now - 1m = T0 + 65 s, floored to T0 + 60 s.
    assert (one["openTime"], one["openPrice"], one["count"], one["firstId"]) == (T0 + MIN, "29990.00000000", 1, 2)
    assert (one["priceChange"], one["priceChangePercent"]) == ("60.00000000", "0.200")
    mini = ok(bare, '/api/v3/ticker?symbols=["BTCUSDT","ETHBTC"]&windowSize=2h&type=MINI')
    assert [list(r) for r in mini] == [MINI, MINI] and [r["symbol"] for r in mini] == ["BTCUSDT", "ETHBTC"]
    for size in ("59m", "1h", "23h", "7d"):
        assert ok(bare, f"/api/v3/ticker?symbol=BTCUSDT&windowSize={size}")["count"] == 3
    assert weight(bare, "/api/v3/ticker?symbol=BTCUSDT") == 4
    assert weight(bare, '/api/v3/ticker?symbols=["BTCUSDT","ETHUSDT","BNBUSDT"]') == 12


TOO_MANY = json.dumps([f"S{i}" for i in range(101)], separators=(",", ":"))


@pytest.mark.parametrize("path", ["/api/v3/ticker", "/api/v3/ticker/tradingDay"])
@pytest.mark.parametrize(("query", "code", "msg"), [
    ("", -1102, "Param 'symbol' or 'symbols' must be sent, but both were empty/null!"),
    ("symbol=BTCUSDT&type=FOO", -1139, "Invalid ticker type."),
    ("symbol=NOPE", -1121, "Invalid symbol."),
    (f"symbols={TOO_MANY}", -1101, "Too many parameters; expected '100' and received '101'."),
    ("symbol=BTCUSDT&symbolStatus=BREAK", -1220, "The symbol's status does not match the requested symbolStatus."),
])
def test_window_ticker_rules(bare: FlaskClient, path: str, query: str, code: int, msg: str) -> None:
    assert err(bare, f"{path}?{query}") == (400, code, msg)


@pytest.mark.parametrize("size", ["0m", "60m", "24h", "8d", "1d2h", "1w", "1M"])
def test_window_size_rules(bare: FlaskClient, size: str) -> None:
    assert err(bare, f"/api/v3/ticker?symbol=BTCUSDT&windowSize={size}") == (
        400, -1130, "Data sent for parameter 'windowSize' is not valid.")


def test_trading_day_ticker(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    row = ok(bare, "/api/v3/ticker/tradingDay?symbol=BTCUSDT")
    assert list(row) == FULL_WINDOW
    assert (row["openTime"], row["closeTime"], row["count"], row["volume"]) == (T0, T0 + DAY - 1, 3, "1.75000000")
    # In UTC+8 the trading day began at 2025-12-31T16:00Z; in UTC-1, at 2025-12-31T01:00Z.
    eight = ok(bare, "/api/v3/ticker/tradingDay?symbol=BTCUSDT&timeZone=8&type=MINI")
    assert list(eight) == MINI and (eight["openTime"], eight["closeTime"]) == (T0 - 8 * 60 * MIN,
                                                                              T0 + 16 * 60 * MIN - 1)
    minus = ok(bare, '/api/v3/ticker/tradingDay?symbols=["BTCUSDT"]&timeZone=-1:00')
    assert minus[0]["openTime"] == T0 - DAY + 60 * MIN
    assert err(bare, "/api/v3/ticker/tradingDay?symbol=BTCUSDT&timeZone=x") == (
        400, -1130, "Data sent for parameter 'timeZone' is not valid.")
    assert weight(bare, '/api/v3/ticker/tradingDay?symbols=["BTCUSDT","ETHUSDT"]') == 8


def test_avg_price_is_the_weighted_price_of_the_last_five_minutes(bare_app: Flask, bare: FlaskClient) -> None:
    assert ok(bare, "/api/v3/avgPrice?symbol=BTCUSDT") == {"mins": 5, "price": "30000.00000000", "closeTime": T0}
    tape(bare_app)
    # (30010 x 0.5 + 29990 x 0.25 + 30050 x 1) / 1.75; closeTime is the last trade's time.
    assert ok(bare, "/api/v3/avgPrice?symbol=BTCUSDT") == {"mins": 5, "price": "30030.00000000",
                                                           "closeTime": T0 + 65_000}
    exchange_of(bare_app).clock.set(T0 + 5 * MIN + 30_000)  # the first two trades left the window
    assert ok(bare, "/api/v3/avgPrice?symbol=BTCUSDT")["price"] == "30050.00000000"
    assert err(bare, "/api/v3/avgPrice?symbol=NOPE") == (400, -1121, "Invalid symbol.")
    assert weight(bare, "/api/v3/avgPrice?symbol=BTCUSDT") == 2


def test_a_rejected_request_changes_nothing(bare_app: Flask, bare: FlaskClient) -> None:
    tape(bare_app)
    before = json.dumps(exchange_of(bare_app).market.state(), sort_keys=True)
    for path in ("/api/v3/klines?symbol=BTCUSDT&interval=2m", "/api/v3/aggTrades?symbol=BTCUSDT&limit=0",
                 "/api/v3/ticker?symbol=BTCUSDT&windowSize=9d"):
        assert bare.get(path).status_code == 400
    assert json.dumps(exchange_of(bare_app).market.state(), sort_keys=True) == before


def test_a_snapshot_keeps_candles_and_trades(app: Flask, client: FlaskClient) -> None:
    from mock_exchange.control import LocalControl

    tape(app)
    state = json.loads(json.dumps(LocalControl(app).snapshot()))
    config = default_config()
    copy = create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=T0)))
    LocalControl(copy).restore(state)
    for path in ("/api/v3/klines?symbol=BTCUSDT&interval=1m&limit=1000", "/api/v3/aggTrades?symbol=BTCUSDT",
                 "/api/v3/ticker/24hr?symbol=BTCUSDT"):
        assert copy.test_client().get(path).get_data() == client.get(path).get_data()
    exchange_of(app).trade("BTCUSDT", Decimal("30000"), Decimal("1"))
    exchange_of(copy).trade("BTCUSDT", Decimal("30000"), Decimal("1"))
    assert copy.test_client().get("/api/v3/trades?symbol=BTCUSDT").get_data() == client.get(
        "/api/v3/trades?symbol=BTCUSDT").get_data()  # the ids go on the same way


def names(count: int) -> str:
    return json.dumps([f"S{i}" for i in range(count)], separators=(",", ":"))


@pytest.mark.parametrize(("path", "count", "expected"), [
    ("/api/v3/ticker/24hr", 20, 2), ("/api/v3/ticker/24hr", 21, 40), ("/api/v3/ticker/24hr", 100, 40),
    ("/api/v3/ticker/24hr", 101, 80),
    ("/api/v3/ticker", 50, 200), ("/api/v3/ticker", 51, 200), ("/api/v3/ticker", 10, 40),
    ("/api/v3/ticker/tradingDay", 60, 200),
])
def test_weight_follows_the_number_of_symbols_even_when_refused(bare: FlaskClient, path: str, count: int,
                                                                 expected: int) -> None:
    # Weight is counted before the names are checked (they are unknown here: -1121 or -1101).
    assert weight(bare, f"{path}?symbols={names(count)}") == expected
