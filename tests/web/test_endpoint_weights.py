"""The endpoint table's varying weights: each rule's numbers, as Binance documents them, and over HTTP.

Numbers: binance-spot-api-docs rest-api.md (depth, the symbol tickers, 24hr, the rolling
window, openOrders, myTrades, order/test) and the margin docs (placements, spec §4.0).
"""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_exchange.web import endpoint_catalog as catalog
from mock_exchange.web.endpoints import Endpoint, WhenSent
from tests.signed_client import SignedClient


def _symbols(count: int) -> str:
    return "[" + ",".join(f'"S{i}"' for i in range(count)) + "]"


@pytest.mark.parametrize(("endpoint", "raw", "weight"), [
    (catalog.DEPTH, {}, 5), (catalog.DEPTH, {"limit": "100"}, 5), (catalog.DEPTH, {"limit": "101"}, 25),
    (catalog.DEPTH, {"limit": "500"}, 25), (catalog.DEPTH, {"limit": "1000"}, 50),
    (catalog.DEPTH, {"limit": "5000"}, 250), (catalog.DEPTH, {"limit": "ten"}, 5),
    (catalog.TICKER_PRICE, {"symbol": "BTCUSDT"}, 2), (catalog.TICKER_PRICE, {"symbols": _symbols(1)}, 4),
    (catalog.TICKER_PRICE, {}, 4), (catalog.BOOK_TICKER, {"symbol": "BTCUSDT"}, 2),
    (catalog.TICKER_24HR, {}, 80), (catalog.TICKER_24HR, {"symbol": "BTCUSDT"}, 2),
    (catalog.TICKER_24HR, {"symbols": _symbols(20)}, 2), (catalog.TICKER_24HR, {"symbols": _symbols(21)}, 40),
    (catalog.TICKER_24HR, {"symbols": _symbols(100)}, 40), (catalog.TICKER_24HR, {"symbols": _symbols(101)}, 80),
    (catalog.TICKER_WINDOW, {"symbol": "BTCUSDT"}, 4), (catalog.TICKER_WINDOW, {"symbols": _symbols(50)}, 200),
    (catalog.TICKER_WINDOW, {"symbols": _symbols(51)}, 200), (catalog.TICKER_TRADING_DAY, {"symbols": _symbols(3)}, 12),
    (catalog.SPOT_OPEN_ORDERS, {"symbol": "BTCUSDT"}, 6), (catalog.SPOT_OPEN_ORDERS, {}, 80),
    (catalog.SPOT_MY_TRADES, {"symbol": "BTCUSDT", "orderId": "1"}, 5), (catalog.SPOT_MY_TRADES, {"symbol": "X"}, 20),
    (catalog.SPOT_TEST_ORDER, {}, 1), (catalog.SPOT_TEST_ORDER, {"computeCommissionRates": "true"}, 20),
    (catalog.SPOT_TEST_ORDER, {"computeCommissionRates": "TRUE"}, 20),
    (catalog.SPOT_TEST_ORDER, {"computeCommissionRates": "false"}, 1),
    (catalog.MARGIN_NEW_ORDER, {}, 6), (catalog.MARGIN_NEW_ORDER, {"sideEffectType": "MARGIN_BUY"}, 1500),
    (catalog.MARGIN_NEW_OCO, {"sideEffectType": "AUTO_BORROW_REPAY"}, 1500),
    (catalog.MARGIN_NEW_OTOCO, {"sideEffectType": "NO_SIDE_EFFECT"}, 6),
    (catalog.MARGIN_CROSS_MARGIN_DATA, {"coin": "BTC"}, 1), (catalog.MARGIN_CROSS_MARGIN_DATA, {}, 5),
    (catalog.MARGIN_ISOLATED_MARGIN_DATA, {"symbol": "BTCUSDT"}, 1), (catalog.MARGIN_ISOLATED_MARGIN_DATA, {}, 10),
])
def test_a_varying_weight_is_its_rule_applied_to_the_raw_request(endpoint: Endpoint, raw: dict[str, str],
                                                                 weight: int) -> None:
    assert endpoint.weight_for(raw) == weight


def test_every_rule_says_its_numbers_in_the_docs() -> None:
    assert catalog.DEPTH_WEIGHT.describe() == (
        "5 for limit ≤ 100, 25 for limit ≤ 500, 50 for limit ≤ 1000, 250 above (default limit 100)")
    assert catalog.TICKER_24HR_WEIGHT.describe() == (
        "2 for 1–20 symbols, 40 for 21–100 symbols, 80 above; 80 for every symbol")
    assert catalog.PER_SYMBOL_WEIGHT.describe() == "4 per symbol, at most 200"
    assert catalog.MARGIN_PLACEMENT_WEIGHT.describe() == (
        "6, or 1500 with sideEffectType=MARGIN_BUY or AUTO_BORROW_REPAY")
    assert catalog.SPOT_OPEN_ORDERS.weight == WhenSent("symbol", 6, 80)
    assert WhenSent("symbol", 6, 80).describe() == "6 with symbol, 80 without"


def _used(response: TestResponse) -> int:
    return int(response.headers["X-MBX-USED-WEIGHT-1M"])


def test_the_pipeline_charges_the_table_s_rule(client: FlaskClient, signed: SignedClient) -> None:
    # The same rule values over HTTP: the used-weight header grows by the rule's weight.
    first = _used(client.get("/api/v3/depth?symbol=BTCUSDT&limit=1000"))
    assert first == 50
    assert _used(client.get("/api/v3/depth?symbol=BTCUSDT&limit=5000")) == first + 250
    before = _used(signed.get("/api/v3/openOrders", symbol="BTCUSDT"))
    assert _used(signed.get("/api/v3/openOrders")) == before + 80
