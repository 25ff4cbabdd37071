"""ccxt's ``binance`` exchange, unmodified, against a live fake exchange.

ccxt has no unified OCO / OTOCO: lists go through its implicit API (``sapiPostMarginOrderOco``,
...) or, for OTO / OTOCO which have no implicit method, ``request(path, ["sapi"], ...)``.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import (
    BAD_RELATION,
    BAD_TICK,
    CCXT_SYMBOL,
    FROZEN_AT_MS,
    INSUFFICIENT_BALANCE_MSG,
    NO_FUNDS,
    OCO_SELL,
    OTOCO_BUY_THEN_SELL,
    SYMBOL,
    WRONG_SECRET,
    assert_list_cancelled,
    assert_list_query,
    assert_new_oco,
    assert_new_otoco,
    iso,
    make_ccxt,
    shrink_sapi_budget,
)

ccxt = pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
pytestmark = pytest.mark.compat

BOTH_MODES = pytest.mark.parametrize("isolated", [False, True], ids=["cross", "isolated"])


def test_load_markets_reads_pairs_and_currencies(fake_exchange_live: FakeExchange) -> None:
    exchange = make_ccxt(fake_exchange_live)
    market = exchange.load_markets()[CCXT_SYMBOL]
    assert market["id"] == SYMBOL and market["spot"] and market["margin"] and market["active"]
    assert market["marginModes"] == {"cross": True, "isolated": True}  # from margin/allPairs, isolated/allPairs
    assert market["precision"] == {**market["precision"], "price": 0.01, "amount": 0.00001}
    assert market["limits"]["cost"]["min"] == 5
    assert {"BTC", "USDT", "ETH", "BNB"} <= set(exchange.currencies)  # from capital/config/getall
    paths = [entry["path"] for entry in fake_exchange_live.journal(method="GET")]
    assert {"/sapi/v1/margin/allPairs", "/sapi/v1/margin/isolated/allPairs",
            "/sapi/v1/capital/config/getall"} <= set(paths)


def test_time_difference(fake_exchange_live: FakeExchange) -> None:
    exchange = make_ccxt(fake_exchange_live)
    assert abs(exchange.fetch_time() - exchange.milliseconds()) < 5_000
    exchange.load_time_difference()


@pytest.mark.parametrize("margin_mode", ["cross", "isolated"])
def test_unified_margin_order(fake_exchange_live: FakeExchange, margin_mode: str) -> None:
    exchange = make_ccxt(fake_exchange_live)
    exchange.load_markets()
    params = {"marginMode": margin_mode}
    order = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.001, 29000, params)
    assert order["status"] == "open" and order["clientOrderId"].startswith("x-TKT5PX2F")
    assert (order["price"], order["amount"]) == (29000, 0.001)
    assert exchange.fetch_order(order["id"], CCXT_SYMBOL, params)["status"] == "open"
    assert order["id"] in [o["id"] for o in exchange.fetch_open_orders(CCXT_SYMBOL, params=params)]
    assert exchange.cancel_order(order["id"], CCXT_SYMBOL, params)["status"] == "canceled"


@BOTH_MODES
def test_oco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    exchange = make_ccxt(fake_exchange_live)
    placed = exchange.sapiPostMarginOrderOco(dict(OCO_SELL, isIsolated=iso(isolated)))
    assert_new_oco(placed, isolated)
    assert placed["listClientOrderId"].startswith("x-TKT5PX2F")  # ccxt's broker ids
    list_id = placed["orderListId"]
    scope = {"symbol": SYMBOL, "isIsolated": iso(isolated)}

    assert_list_query(exchange.sapiGetMarginOrderList({**scope, "orderListId": list_id}), list_id, 2)
    assert list_id in {row["orderListId"] for row in exchange.sapiGetMarginOpenOrderList(scope)}
    assert_list_cancelled(exchange.sapiDeleteMarginOrderList({**scope, "orderListId": list_id}), list_id)


@BOTH_MODES
def test_otoco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    exchange = make_ccxt(fake_exchange_live)
    # The api argument must be a list: a bare "sapi" makes ccxt's sign() raise NotSupported.
    placed = exchange.request("margin/order/otoco", ["sapi"], "POST",
                              dict(OTOCO_BUY_THEN_SELL, isIsolated=iso(isolated)))
    assert_new_otoco(placed, isolated)
    list_id = placed["orderListId"]
    scope = {"symbol": SYMBOL, "isIsolated": iso(isolated)}

    assert_list_query(exchange.sapiGetMarginOrderList({**scope, "orderListId": list_id}), list_id, 3)
    open_oto = exchange.request("margin/oto/openOrderList", ["sapi"], "GET", {"symbol": SYMBOL})
    assert [row["orderListId"] for row in open_oto] == ([] if isolated else [list_id])
    assert_list_cancelled(exchange.sapiDeleteMarginOrderList({**scope, "orderListId": list_id}), list_id)


def test_frozen_exchange_clock_with_the_time_difference(fake_exchange_live: FakeExchange) -> None:
    fake_exchange_live.freeze(at_ms=FROZEN_AT_MS)
    exchange = make_ccxt(fake_exchange_live)
    exchange.load_time_difference()  # ccxt's nonce then follows the exchange clock
    placed = exchange.sapiPostMarginOrderOco(dict(OCO_SELL))
    assert placed["transactionTime"] == FROZEN_AT_MS


def test_filter_failure_is_invalid_order(fake_exchange_live: FakeExchange) -> None:
    # Only through the implicit API: the unified create_order rounds prices to the tick itself.
    with pytest.raises(ccxt.InvalidOrder) as raised:
        make_ccxt(fake_exchange_live).sapiPostMarginOrderOco(dict(BAD_TICK))
    assert '"code":-1013' in str(raised.value)


def test_bad_price_relationship_is_invalid_order(fake_exchange_live: FakeExchange) -> None:
    with pytest.raises(ccxt.InvalidOrder) as raised:
        make_ccxt(fake_exchange_live).sapiPostMarginOrderOco(dict(BAD_RELATION))
    assert not isinstance(raised.value, ccxt.InsufficientFunds)
    assert '"code":-2010' in str(raised.value)


def test_insufficient_balance_is_insufficient_funds(fake_exchange_live: FakeExchange) -> None:
    # ccxt matches Binance's exact message before the code (and keeps only the message).
    with pytest.raises(ccxt.InsufficientFunds) as raised:
        make_ccxt(fake_exchange_live).sapiPostMarginOrderOco(dict(NO_FUNDS))
    assert str(raised.value) == f"binance {INSUFFICIENT_BALANCE_MSG}"


def test_wrong_secret_is_authentication_error(fake_exchange_live: FakeExchange) -> None:
    with pytest.raises(ccxt.AuthenticationError) as raised:
        make_ccxt(fake_exchange_live, secret=WRONG_SECRET).sapiPostMarginOrderOco(dict(OCO_SELL))
    assert '"code":-1022' in str(raised.value)


def test_rate_limit_is_ddos_protection(fake_exchange_live: FakeExchange) -> None:
    shrink_sapi_budget(fake_exchange_live)
    exchange: Any = make_ccxt(fake_exchange_live)
    assert exchange.sapiGetMarginAllOrderList({}) == []
    # ccxt maps HTTP 429 (and 418) to DDoSProtection, not RateLimitExceeded.
    with pytest.raises(ccxt.DDoSProtection) as raised:
        exchange.sapiGetMarginAllOrderList({})
    assert " 429 " in str(raised.value) and '"code":-1003' in str(raised.value)
