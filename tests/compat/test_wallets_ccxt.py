"""ccxt's unified wallet, fee and borrow-rate methods, unmodified, against a live fake exchange.

Demo state: spot 10000 USDT / 0.5 BTC; cross 100000 USDT / 2 BTC / 20 ETH / 100 BNB;
isolated BTCUSDT 1 BTC / 50000 USDT; every hourly rate 0.00000417 (daily 0.00010008).
"""

from __future__ import annotations

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import CCXT_SYMBOL, FROZEN_AT_MS, make_ccxt

ccxt = pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
pytestmark = pytest.mark.compat

HOUR_MS = 60 * 60 * 1000
DAY_MS = 24 * HOUR_MS


def test_fetch_balance_spot_cross_and_isolated(fake_exchange_live: FakeExchange) -> None:
    exchange = make_ccxt(fake_exchange_live)
    spot = exchange.fetch_balance()
    assert (spot["USDT"]["free"], spot["BTC"]["total"]) == (10000.0, 0.5)
    cross = exchange.fetch_balance({"type": "margin"})
    assert cross["USDT"]["free"] == 100000.0 and cross["BTC"]["total"] == 2.0
    # ccxt merges the isolated pairs' assets into one balance per asset.
    isolated = exchange.fetch_balance({"type": "margin", "marginMode": "isolated", "symbols": [CCXT_SYMBOL]})
    assert isolated["BTC"]["free"] == 1.0 and isolated["USDT"]["free"] == 50000.0


def test_fetch_trading_fee(fake_exchange_live: FakeExchange) -> None:
    fee = make_ccxt(fake_exchange_live).fetch_trading_fee(CCXT_SYMBOL)
    assert (fee["symbol"], fee["maker"], fee["taker"]) == (CCXT_SYMBOL, 0.001, 0.001)


def test_borrow_rates_cross_history_and_isolated(fake_exchange_live: FakeExchange) -> None:
    exchange = make_ccxt(fake_exchange_live)
    rate = exchange.fetch_cross_borrow_rate("USDT")
    assert (rate["currency"], rate["rate"], rate["period"]) == ("USDT", 0.00010008, DAY_MS)
    history = exchange.fetch_borrow_rate_history("BTC")  # the last 7 days: one row per midnight
    assert len(history) in (7, 8) and {row["rate"] for row in history} == {0.00010008}
    assert all(row["timestamp"] % DAY_MS == 0 for row in history)
    assert history == sorted(history, key=lambda row: row["timestamp"])
    since = exchange.milliseconds() - 10 * DAY_MS
    recent = exchange.fetch_borrow_rate_history("BTC", since=since, limit=5)
    assert len(recent) == 5 and all(row["timestamp"] >= since - DAY_MS for row in recent)
    isolated = exchange.fetch_isolated_borrow_rate(CCXT_SYMBOL)
    assert (isolated["symbol"], isolated["base"], isolated["quote"]) == (CCXT_SYMBOL, "BTC", "USDT")
    assert isolated["baseRate"] == isolated["quoteRate"] == 0.00010008


def test_fetch_borrow_interest_cross_and_isolated(fake_exchange_live: FakeExchange) -> None:
    fake_exchange_live.freeze(at_ms=FROZEN_AT_MS)
    exchange = make_ccxt(fake_exchange_live)
    exchange.load_time_difference()  # ccxt's nonce then follows the exchange clock
    exchange.borrow_cross_margin("USDT", 1000)
    exchange.borrow_isolated_margin(CCXT_SYMBOL, "USDT", 500)
    fake_exchange_live.advance(2 * HOUR_MS)
    exchange.load_time_difference()
    cross = exchange.fetch_borrow_interest("USDT")  # newest first, one row per hour
    assert [(row["currency"], row["marginMode"], row["interest"], row["amountBorrowed"]) for row in cross] == [
        ("USDT", "cross", 0.00417, 1000.0)] * 2
    assert [row["timestamp"] for row in cross] == [FROZEN_AT_MS + 2 * HOUR_MS, FROZEN_AT_MS + HOUR_MS]
    isolated = exchange.fetch_borrow_interest("USDT", CCXT_SYMBOL)
    # ccxt leaves the symbol as Binance's id here (parse_borrow_interest reads isolatedSymbol as is).
    assert [(row["symbol"], row["marginMode"], row["interest"]) for row in isolated] == [
        ("BTCUSDT", "isolated", 0.002085)] * 2


def test_transfer_spot_margin_isolated_and_fetch_transfers(fake_exchange_live: FakeExchange) -> None:
    exchange = make_ccxt(fake_exchange_live)
    into_cross = exchange.transfer("USDT", 250, "spot", "cross")
    assert into_cross["id"] == str(into_cross["info"]["tranId"])
    back = exchange.transfer("USDT", 50, "cross", "spot")
    assert int(back["id"]) > int(into_cross["id"])
    exchange.transfer("USDT", 100, "spot", CCXT_SYMBOL)  # spot -> isolated BTCUSDT (MAIN_ISOLATED_MARGIN)
    assert exchange.fetch_balance()["USDT"]["free"] == 10000 - 250 + 50 - 100
    assert exchange.fetch_balance({"type": "margin"})["USDT"]["free"] == 100000 + 250 - 50
    isolated = exchange.fetch_balance({"type": "margin", "marginMode": "isolated", "symbols": [CCXT_SYMBOL]})
    assert isolated["USDT"]["free"] == 50100.0
    transfers = exchange.fetch_transfers("USDT", params={"type": "MAIN_MARGIN"})
    assert [(t["amount"], t["fromAccount"], t["toAccount"], t["status"]) for t in transfers] == [
        (250.0, "spot", "margin", "ok")]
    assert transfers[0]["id"] == into_cross["id"]
    with pytest.raises(ccxt.ExchangeError, match="-5013"):
        exchange.transfer("USDT", 1_000_000, "spot", "cross")
