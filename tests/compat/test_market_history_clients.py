"""Candles and trades through python-binance and ccxt, unmodified, against a live fake exchange.

The fake runs on wall time here (as a bot's CI would): the default config's 500 one-minute
warm-up candles end at start-up, and the test's trades land in the current candle.
"""

from __future__ import annotations

import itertools
import time
from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import CCXT_SYMBOL, SYMBOL, make_ccxt, make_python_binance

pytestmark = pytest.mark.compat
MIN = 60_000


def three_trades(ex: FakeExchange) -> None:
    ex.trade(SYMBOL, "30010", "0.5")
    ex.trade(SYMBOL, "29990", "0.25")
    ex.trade(SYMBOL, "30050", "1")


def test_python_binance_klines_historical_klines_agg_and_recent_trades(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    three_trades(fake_exchange_live)
    client = make_python_binance(fake_exchange_live)
    candles = client.get_klines(symbol=SYMBOL, interval="1m", limit=1000)
    assert len(candles) == 501  # 500 warm-up candles and the current one
    current = candles[-1]
    assert current[4] == "30050.00000000" and current[5] == "1.75000000" and current[8] == 3
    for before, after in itertools.pairwise(candles):
        assert after[0] - before[0] == MIN
    # get_historical_klines pages through startTime (it first asks for the earliest candle).
    start = candles[0][0]
    history = client.get_historical_klines(SYMBOL, "1m", start)
    assert [c[0] for c in history] == [c[0] for c in candles]
    assert client.get_historical_klines(SYMBOL, "1m", start, limit=200) == candles[:200]
    hourly = client.get_historical_klines(SYMBOL, "1h", start - start % 3_600_000)  # from the hour holding start
    assert sum(float(c[5]) for c in hourly) == pytest.approx(sum(float(c[5]) for c in candles))
    trades = client.get_recent_trades(symbol=SYMBOL)
    assert [(t["price"], t["qty"], t["isBuyerMaker"]) for t in trades] == [
        ("30010.00000000", "0.50000000", False), ("29990.00000000", "0.25000000", True),
        ("30050.00000000", "1.00000000", False)]  # the tick rule: an up-tick is a buyer taking
    aggs = client.get_aggregate_trades(symbol=SYMBOL)
    assert [a["p"] for a in aggs] == ["30010.00000000", "29990.00000000", "30050.00000000"]
    assert [a["f"] for a in aggs] == [t["id"] for t in trades]
    assert client.get_aggregate_trades(symbol=SYMBOL, fromId=aggs[1]["a"]) == aggs[1:]
    assert client.get_historical_trades(symbol=SYMBOL, fromId=trades[2]["id"]) == trades[2:]
    ticker = client.get_ticker(symbol=SYMBOL)
    assert ticker["lastPrice"] == "30050.00000000" and ticker["count"] > 3  # warm-up trades count too
    assert client.get_avg_price(symbol=SYMBOL)["price"] == "30030.00000000"


def test_ccxt_fetch_ohlcv_and_fetch_trades(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
    three_trades(fake_exchange_live)
    exchange = make_ccxt(fake_exchange_live)
    ohlcv: list[list[Any]] = exchange.fetch_ohlcv(CCXT_SYMBOL, "1m", limit=1000)
    assert len(ohlcv) == 501
    assert ohlcv[-1][1:] == [30000.0, 30050.0, 29990.0, 30050.0, 1.75]
    since = ohlcv[-10][0]
    window = exchange.fetch_ohlcv(CCXT_SYMBOL, "1m", since=since, limit=5)
    assert [c[0] for c in window] == [since + i * MIN for i in range(5)]
    trades = exchange.fetch_trades(CCXT_SYMBOL)
    assert [(t["price"], t["amount"], t["side"]) for t in trades] == [
        (30010.0, 0.5, "buy"), (29990.0, 0.25, "sell"), (30050.0, 1.0, "buy")]
    assert all(abs(t["timestamp"] - time.time() * 1000) < 60_000 for t in trades)
    recent = exchange.fetch_trades(CCXT_SYMBOL, since=trades[1]["timestamp"], limit=10)
    assert len(recent) >= 2 and recent[-1]["price"] == 30050.0
    ticker = exchange.fetch_ticker(CCXT_SYMBOL)
    assert ticker["last"] == 30050.0
