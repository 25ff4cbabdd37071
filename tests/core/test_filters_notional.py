"""MIN_NOTIONAL and NOTIONAL in core.filters: limit, stop, MARKET and quoteOrderQty notionals."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.config import SymbolConfig, default_config
from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.filters import FilterOrder, OpenCounts, check_order

CONFIG = default_config()
BTC = CONFIG.symbols["BTCUSDT"]
D = Decimal

NOTIONAL_FAIL = (-1013, "Filter failure: NOTIONAL")
MIN_NOTIONAL_FAIL = (-1013, "Filter failure: MIN_NOTIONAL")

# The default config's: minNotional 5, applyMinToMarket true, maxNotional 9000000, applyMaxToMarket false.
_NOTIONAL = BTC.filter("NOTIONAL")
assert _NOTIONAL is not None
BTC_NOTIONAL: Mapping[str, Any] = _NOTIONAL
MIN_NOTIONAL = {"filterType": "MIN_NOTIONAL", "minNotional": "10", "applyToMarket": True, "avgPriceMins": 5}


def symbol_with(*filters: Mapping[str, Any]) -> SymbolConfig:
    return SymbolConfig("XYZUSDT", "XYZ", "USDT", D("100"), tuple(filters))


def order(type: OrderType = OrderType.LIMIT, quantity: str | None = "1", price: str | None = None,
          stop: str | None = None, quote: str | None = None, trailing: int | None = None) -> FilterOrder:
    return FilterOrder(
        side=Side.BUY, type=type,
        quantity=None if quantity is None else D(quantity),
        price=None if price is None else D(price),
        stop_price=None if stop is None else D(stop),
        trailing_delta=trailing,
        quote_order_qty=None if quote is None else D(quote),
    )


def check(o: FilterOrder, symbol: SymbolConfig, last: str = "30000", avg: str = "30000") -> None:
    check_order(symbol, CONFIG, o, OpenCounts(), D(last), D(avg))


def rejection(o: FilterOrder, symbol: SymbolConfig, last: str = "30000", avg: str = "30000") -> tuple[int, str]:
    with pytest.raises(BinanceError) as info:
        check(o, symbol, last, avg)
    return info.value.code, info.value.msg


def outcome(o: FilterOrder, symbol: SymbolConfig, last: str = "30000", avg: str = "30000") -> tuple[int, str] | None:
    """None when the order passes, else (code, msg)."""
    try:
        check(o, symbol, last, avg)
    except BinanceError as exc:
        return exc.code, exc.msg
    return None


# -- NOTIONAL (default config values) -------------------------------------------------

NOTIONAL_ONLY = symbol_with(BTC_NOTIONAL)


@pytest.mark.parametrize(("price", "quantity", "ok"), [
    ("5000", "0.001", True), ("4999.99", "0.001", False),  # min 5
    ("90000", "100", True), ("90000", "100.00001", False),  # max 9000000
])
def test_notional_limit_orders_use_price_times_quantity(price: str, quantity: str, ok: bool) -> None:
    for type_ in (OrderType.LIMIT, OrderType.LIMIT_MAKER):
        o = order(type_, quantity=quantity, price=price)
        assert outcome(o, NOTIONAL_ONLY) == (None if ok else NOTIONAL_FAIL)


@pytest.mark.parametrize(("price", "stop", "quantity", "ok"), [
    ("5000", "1", "0.001", True), ("4999.99", "100000", "0.001", False),
])
def test_notional_stop_limit_orders_use_the_limit_price(price: str, stop: str, quantity: str, ok: bool) -> None:
    o = order(OrderType.STOP_LOSS_LIMIT, quantity=quantity, price=price, stop=stop)
    assert outcome(o, NOTIONAL_ONLY) == (None if ok else NOTIONAL_FAIL)


@pytest.mark.parametrize(("stop", "quantity", "ok"), [
    ("5000", "0.001", True), ("4999.99", "0.001", False),
    ("90000", "100", True), ("90000", "100.00001", False),  # max applies: a stop is not a MARKET order
])
def test_notional_stop_market_orders_use_the_stop_price(stop: str, quantity: str, ok: bool) -> None:
    for type_ in (OrderType.STOP_LOSS, OrderType.TAKE_PROFIT):
        o = order(type_, quantity=quantity, stop=stop)
        # The average price would say otherwise: only the stop price counts.
        assert outcome(o, NOTIONAL_ONLY, avg="1") == (None if ok else NOTIONAL_FAIL)


@pytest.mark.parametrize(("avg", "ok"), [("5000", True), ("4999.99", False)])
def test_notional_market_min_applies_with_the_average_price(avg: str, ok: bool) -> None:
    o = order(OrderType.MARKET, quantity="0.001")
    assert outcome(o, NOTIONAL_ONLY, last="1000000", avg=avg) == (None if ok else NOTIONAL_FAIL)


def test_notional_market_max_is_off_in_the_default_config() -> None:
    check(order(OrderType.MARKET, quantity="1000"), NOTIONAL_ONLY)  # 30,000,000 > maxNotional


def test_notional_market_max_when_apply_max_to_market() -> None:
    symbol = symbol_with({**BTC_NOTIONAL, "applyMaxToMarket": True})
    check(order(OrderType.MARKET, quantity="300"), symbol)  # 9,000,000
    assert rejection(order(OrderType.MARKET, quantity="300.00001"), symbol) == NOTIONAL_FAIL


def test_notional_market_min_off_when_not_apply_min_to_market() -> None:
    symbol = symbol_with({**BTC_NOTIONAL, "applyMinToMarket": False})
    check(order(OrderType.MARKET, quantity="0.00001"), symbol)
    assert rejection(order(quantity="0.00001", price="30000"), symbol) == NOTIONAL_FAIL  # limits still checked


@pytest.mark.parametrize(("quote", "ok"), [("5", True), ("4.99999999", False), ("9000000", True),
                                       ("90000000", True)])
def test_notional_quote_order_qty_is_the_notional(quote: str, ok: bool) -> None:
    o = order(OrderType.MARKET, quantity=None, quote=quote)
    assert outcome(o, NOTIONAL_ONLY) == (None if ok else NOTIONAL_FAIL)


def test_notional_quote_order_qty_max_when_apply_max_to_market() -> None:
    symbol = symbol_with({**BTC_NOTIONAL, "applyMaxToMarket": True})
    check(order(OrderType.MARKET, quantity=None, quote="9000000"), symbol)
    assert rejection(order(OrderType.MARKET, quantity=None, quote="9000000.00000001"), symbol) == NOTIONAL_FAIL


def test_notional_trailing_stop_without_stop_price_is_valued_like_market() -> None:
    o = order(OrderType.STOP_LOSS, quantity="0.001", trailing=100)
    check(o, NOTIONAL_ONLY, avg="5000")
    assert rejection(o, NOTIONAL_ONLY, avg="4999.99") == NOTIONAL_FAIL
    check(order(OrderType.STOP_LOSS, quantity="1000", trailing=100), NOTIONAL_ONLY)  # market: max off


def test_notional_with_zero_avg_price_mins_uses_the_last_price() -> None:
    symbol = symbol_with({**BTC_NOTIONAL, "avgPriceMins": 0})
    check(order(OrderType.MARKET, quantity="0.001"), symbol, last="5000", avg="1")
    assert rejection(order(OrderType.MARKET, quantity="0.001"), symbol, last="4999.99", avg="100000") == NOTIONAL_FAIL


def test_notional_max_zero_is_disabled() -> None:
    symbol = symbol_with({**BTC_NOTIONAL, "maxNotional": "0"})
    check(order(quantity="9000", price="1000000"), symbol)


def test_notional_on_the_full_default_symbol() -> None:
    check(order(quantity="0.001", price="5000"), BTC, avg="5000")
    assert rejection(order(quantity="0.001", price="4999.99"), BTC, avg="5000") == NOTIONAL_FAIL
    assert rejection(order(OrderType.MARKET, quantity="0.0001"), BTC) == NOTIONAL_FAIL  # 3 USDT at 30000


# -- MIN_NOTIONAL (not in the default config) -----------------------------------------

MIN_ONLY = symbol_with(MIN_NOTIONAL)


@pytest.mark.parametrize(("o", "ok"), [
    (order(quantity="0.1", price="100"), True),
    (order(quantity="0.09", price="100"), False),
    (order(OrderType.STOP_LOSS, quantity="0.1", stop="100"), True),
    (order(OrderType.STOP_LOSS, quantity="0.09", stop="100"), False),
    (order(OrderType.TAKE_PROFIT_LIMIT, quantity="0.1", price="100", stop="1"), True),
    (order(OrderType.TAKE_PROFIT_LIMIT, quantity="0.1", price="99.99", stop="1000"), False),
    (order(OrderType.MARKET, quantity=None, quote="10"), True),
    (order(OrderType.MARKET, quantity=None, quote="9.99999999"), False),
])
def test_min_notional(o: FilterOrder, ok: bool) -> None:
    assert outcome(o, MIN_ONLY, avg="1") == (None if ok else MIN_NOTIONAL_FAIL)


@pytest.mark.parametrize(("avg", "ok"), [("100", True), ("99.99", False)])
def test_min_notional_market_uses_the_average_price(avg: str, ok: bool) -> None:
    assert outcome(order(OrderType.MARKET, quantity="0.1"), MIN_ONLY, avg=avg) == (None if ok else MIN_NOTIONAL_FAIL)


def test_min_notional_skips_market_orders_unless_apply_to_market() -> None:
    symbol = symbol_with({**MIN_NOTIONAL, "applyToMarket": False})
    check(order(OrderType.MARKET, quantity="0.001"), symbol, avg="1")
    check(order(OrderType.MARKET, quantity=None, quote="0.01"), symbol)
    assert rejection(order(quantity="0.001", price="1"), symbol) == MIN_NOTIONAL_FAIL


def test_min_notional_has_no_maximum() -> None:
    check(order(quantity="90000", price="90000"), MIN_ONLY)


def test_min_notional_and_notional_fail_in_list_order() -> None:
    notional = {**BTC_NOTIONAL, "minNotional": "10"}
    o = order(quantity="0.01", price="100")  # 1
    assert rejection(o, symbol_with(MIN_NOTIONAL, notional)) == MIN_NOTIONAL_FAIL
    assert rejection(o, symbol_with(notional, MIN_NOTIONAL)) == NOTIONAL_FAIL


def test_exact_product_of_long_decimals() -> None:
    # Binance allows 20 decimals; the 28-digit default context would round this product up to 1.
    spec = {"filterType": "MIN_NOTIONAL", "minNotional": "1", "applyToMarket": True, "avgPriceMins": 5}
    symbol = SymbolConfig("XYZUSDT", "XYZ", "USDT", D("1"), (spec,), base_asset_precision=20,
                          quote_asset_precision=20)
    o = order(quantity="0.99999999999999999999", price="1.00000000000000000001")
    assert rejection(o, symbol) == MIN_NOTIONAL_FAIL
    check(order(quantity="1", price="1.00000000000000000001"), symbol)
