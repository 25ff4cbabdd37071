"""Single-order checks of core.filters: pre-filter checks, price, quantity and trailing filters."""

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
ETHBTC = CONFIG.symbols["ETHBTC"]
D = Decimal

PRECISION = (-1111, "Precision is over the maximum defined for this asset.")


def fail(name: str) -> tuple[int, str]:
    """The -1013 error of filter ``name``."""
    return (-1013, f"Filter failure: {name}")


def only(symbol: SymbolConfig, *filter_types: str) -> SymbolConfig:
    """``symbol`` keeping just the named default filters, to test one rule in isolation."""
    kept = tuple(f for f in symbol.filters if f["filterType"] in filter_types)
    return SymbolConfig(symbol.symbol, symbol.base_asset, symbol.quote_asset, symbol.last_price, kept)


def custom(*filters: Mapping[str, Any], **fields: Any) -> SymbolConfig:
    """A symbol with exactly ``filters``."""
    return SymbolConfig("XYZUSDT", "XYZ", "USDT", D("100"), tuple(filters), **fields)


def order(
    type: OrderType = OrderType.LIMIT,
    side: Side = Side.BUY,
    quantity: str | None = "0.001",
    price: str | None = None,
    stop: str | None = None,
    iceberg: str | None = None,
    trailing: int | None = None,
    quote: str | None = None,
) -> FilterOrder:
    if price is None and type.has_limit_price:
        price = "30000"
    return FilterOrder(
        side=side, type=type,
        quantity=None if quantity is None else D(quantity),
        price=None if price is None else D(price),
        stop_price=None if stop is None else D(stop),
        iceberg_qty=None if iceberg is None else D(iceberg),
        trailing_delta=trailing,
        quote_order_qty=None if quote is None else D(quote),
    )


def check(
    o: FilterOrder,
    symbol: SymbolConfig = BTC,
    counts: OpenCounts = OpenCounts(),
    last: str = "30000",
    avg: str = "30000",
) -> None:
    check_order(symbol, CONFIG, o, counts, D(last), D(avg))


def rejection(o: FilterOrder, **kwargs: Any) -> tuple[int, str]:
    """(code, msg) of the error ``check`` raises; fails the test when it passes."""
    with pytest.raises(BinanceError) as info:
        check(o, **kwargs)
    assert info.value.http_status == 400
    return info.value.code, info.value.msg


# -- the default config passes ordinary orders ---------------------------------------


@pytest.mark.parametrize("o", [
    order(),
    order(side=Side.SELL, price="30000.01"),
    order(OrderType.LIMIT_MAKER, price="29000"),
    order(OrderType.MARKET, quantity="0.5"),
    order(OrderType.MARKET, quantity=None, quote="100"),
    order(OrderType.STOP_LOSS, side=Side.SELL, stop="29000"),
    order(OrderType.STOP_LOSS_LIMIT, side=Side.SELL, price="28900", stop="29000"),
    order(OrderType.TAKE_PROFIT, side=Side.SELL, stop="31000", trailing=100),
    order(OrderType.TAKE_PROFIT_LIMIT, price="29000", stop="29100", trailing=2000),
    order(OrderType.STOP_LOSS, side=Side.BUY, trailing=500),
    order(quantity="1", iceberg="0.1"),
])
def test_ordinary_orders_pass_the_default_btcusdt_filters(o: FilterOrder) -> None:
    check(o)


def test_ordinary_order_passes_on_ethbtc() -> None:
    check(order(price="0.066667", quantity="0.01"), symbol=ETHBTC, last="0.066667", avg="0.066667")


# -- precision (-1111) ---------------------------------------------------------------


@pytest.mark.parametrize("o", [
    order(quantity="0.000000001"),
    order(quantity="1.123456789"),
    order(price="30000.000000001"),
    order(OrderType.STOP_LOSS, stop="30000.000000001"),
    order(quantity="1", iceberg="0.100000001"),
    order(OrderType.MARKET, quantity=None, quote="100.000000001"),
])
def test_more_decimals_than_8_is_bad_precision(o: FilterOrder) -> None:
    assert rejection(o) == PRECISION


def test_trailing_zeros_do_not_count_as_precision() -> None:
    check(order(quantity="0.00100000000000", price="30000.000000000000"))


@pytest.mark.parametrize(("o", "ok"), [
    (order(quantity="0.01", price="100"), True),
    (order(quantity="0.001", price="100"), False),  # quantity uses base_asset_precision 2
    (order(quantity="1", iceberg="0.001", price="100"), False),  # so does icebergQty
    (order(quantity="1", price="100.001"), True),  # price uses quote_asset_precision 3
    (order(quantity="1", price="100.0001"), False),
    (order(OrderType.STOP_LOSS, quantity="1", stop="100.0001"), False),
    (order(OrderType.MARKET, quantity=None, quote="100.0001"), False),
])
def test_precision_is_per_asset(o: FilterOrder, ok: bool) -> None:
    symbol = custom(base_asset_precision=2, quote_asset_precision=3)
    if ok:
        check(o, symbol=symbol)
    else:
        assert rejection(o, symbol=symbol) == PRECISION


# -- non-positive amounts (-1013) ----------------------------------------------------


def test_zero_quantity_is_invalid_quantity() -> None:
    assert rejection(order(quantity="0")) == (-1013, "Invalid quantity.")


def test_zero_quote_order_qty_without_quantity_is_invalid_quantity() -> None:
    assert rejection(order(OrderType.MARKET, quantity=None, quote="0")) == (-1013, "Invalid quantity.")


def test_zero_limit_price_is_invalid_price() -> None:
    assert rejection(order(price="0")) == (-1013, "Invalid price.")
    assert rejection(order(OrderType.STOP_LOSS_LIMIT, price="0.00", stop="29000")) == (-1013, "Invalid price.")


def test_invalid_quantity_comes_before_invalid_price() -> None:
    assert rejection(order(quantity="0", price="0")) == (-1013, "Invalid quantity.")


def test_zero_iceberg_qty_is_not_an_iceberg() -> None:
    check(order(iceberg="0"), symbol=custom(iceberg_allowed=False))


# -- symbol capabilities and order shape (-2010 / -1013) ------------------------------


def test_iceberg_on_a_symbol_without_icebergs_is_rejected() -> None:
    o = order(quantity="1", price="100", iceberg="0.5")
    assert rejection(o, symbol=custom(iceberg_allowed=False)) == (
        -2010, "Iceberg orders are not supported for this symbol.")
    check(o, symbol=custom())


def test_trailing_delta_on_a_symbol_without_trailing_stops_is_rejected() -> None:
    o = order(OrderType.STOP_LOSS, side=Side.SELL, quantity="1", trailing=100)
    assert rejection(o, symbol=custom(allow_trailing_stop=False)) == (
        -2010, "Trailing stop orders are not supported for this symbol.")
    check(o, symbol=custom())


def test_iceberg_qty_may_equal_but_not_exceed_quantity() -> None:
    check(order(quantity="1", iceberg="1"))
    assert rejection(order(quantity="1", iceberg="1.00001")) == (-2010, "IcebergQty exceeds QTY.")


def test_price_times_quantity_below_one_engine_unit_is_zero() -> None:
    symbol = custom()
    assert rejection(order(price="0.00000023", quantity="0.002"), symbol=symbol) == (
        -1013, "Price * QTY is zero or less.")
    check(order(price="0.00000001", quantity="1"), symbol=symbol)
    check(order(price="0.00000023", quantity="0.05"), symbol=symbol)


def test_stop_market_price_times_quantity_uses_the_stop_price() -> None:
    o = order(OrderType.STOP_LOSS, quantity="0.002", stop="0.00000023")
    assert rejection(o, symbol=custom()) == (-1013, "Price * QTY is zero or less.")


# -- PRICE_FILTER --------------------------------------------------------------------

PRICE_ONLY = only(BTC, "PRICE_FILTER")  # minPrice 0.01, maxPrice 1000000.00, tickSize 0.01


@pytest.mark.parametrize(("price", "ok"), [
    ("0.01", True), ("0.009", False), ("0.001", False),
    ("1000000.00", True), ("1000000.01", False),
    ("30000.01", True), ("30000.015", False), ("30000.001", False),
])
def test_price_filter_bounds_and_tick(price: str, ok: bool) -> None:
    o = order(price=price)
    if ok:
        check(o, symbol=PRICE_ONLY)
    else:
        assert rejection(o, symbol=PRICE_ONLY) == fail("PRICE_FILTER")


@pytest.mark.parametrize(("stop", "ok"), [("0.01", True), ("0.009", False), ("1000000", True),
                                      ("1000000.01", False), ("29999.99", True), ("29999.999", False)])
def test_price_filter_applies_to_the_stop_price(stop: str, ok: bool) -> None:
    for o in (order(OrderType.STOP_LOSS, stop=stop), order(OrderType.TAKE_PROFIT_LIMIT, price="30000", stop=stop)):
        if ok:
            check(o, symbol=PRICE_ONLY)
        else:
            assert rejection(o, symbol=PRICE_ONLY) == fail("PRICE_FILTER")


def test_price_filter_on_the_default_config_with_a_matching_average_price() -> None:
    # PERCENT_PRICE_BY_SIDE follows the average, so move it to reach PRICE_FILTER's edges.
    check(order(price="0.01", quantity="500"), last="0.01", avg="0.01")
    assert rejection(order(price="0.009", quantity="600"), last="0.01", avg="0.01") == fail("PRICE_FILTER")
    check(order(price="1000000", quantity="0.001"), last="1000000", avg="1000000")
    assert rejection(order(price="1000000.01", quantity="0.001"), last="1000000", avg="1000000") == fail(
        "PRICE_FILTER")


@pytest.mark.parametrize(("field", "passes", "still_fails"), [
    ("minPrice", "0.5", "5000"),  # below min passes; max still enforced
    ("maxPrice", "5000", "0.5"),  # above max passes; min still enforced
    ("tickSize", "123.45678901", "0.5"),  # off tick passes; min still enforced
])
def test_price_filter_rule_disabled_by_zero(field: str, passes: str, still_fails: str) -> None:
    spec = {"filterType": "PRICE_FILTER", "minPrice": "10", "maxPrice": "1000", "tickSize": "0.5", field: "0"}
    symbol = custom(spec)
    check(order(price=passes), symbol=symbol)
    assert rejection(order(price=still_fails), symbol=symbol) == fail("PRICE_FILTER")


def test_price_filter_ignores_market_orders() -> None:
    check(order(OrderType.MARKET, quantity="1", price="0.001"), symbol=PRICE_ONLY)


# -- PERCENT_PRICE -------------------------------------------------------------------

PERCENT = {"filterType": "PERCENT_PRICE", "multiplierUp": "1.1", "multiplierDown": "0.9", "avgPriceMins": 5}


@pytest.mark.parametrize(("price", "ok"), [("110", True), ("110.01", False), ("90", True), ("89.99", False)])
def test_percent_price_band_around_the_average(price: str, ok: bool) -> None:
    o = order(price=price, quantity="1")
    kwargs: dict[str, Any] = {"symbol": custom(PERCENT), "last": "500", "avg": "100"}
    if ok:
        check(o, **kwargs)
    else:
        assert rejection(o, **kwargs) == fail("PERCENT_PRICE")


def test_percent_price_with_zero_avg_price_mins_uses_the_last_price() -> None:
    symbol = custom({**PERCENT, "avgPriceMins": 0})
    check(order(price="220", quantity="1"), symbol=symbol, last="200", avg="100")
    assert rejection(order(price="220.01", quantity="1"), symbol=symbol, last="200", avg="100") == fail(
        "PERCENT_PRICE")


def test_percent_price_checks_the_limit_price_only() -> None:
    symbol = custom(PERCENT)
    check(order(OrderType.MARKET, quantity="1"), symbol=symbol, avg="100")
    check(order(OrderType.STOP_LOSS, quantity="1", stop="500"), symbol=symbol, avg="100")
    check(order(OrderType.STOP_LOSS_LIMIT, quantity="1", price="105", stop="500"), symbol=symbol, avg="100")
    assert rejection(order(OrderType.TAKE_PROFIT_LIMIT, quantity="1", price="111", stop="105"),
                     symbol=symbol, avg="100") == fail("PERCENT_PRICE")


# -- PERCENT_PRICE_BY_SIDE -----------------------------------------------------------


@pytest.mark.parametrize(("side", "price", "ok"), [
    (Side.BUY, "150000", True), (Side.BUY, "150000.01", False),
    (Side.BUY, "6000", True), (Side.BUY, "5999.99", False),
    (Side.SELL, "150000", True), (Side.SELL, "150000.01", False),
    (Side.SELL, "6000", True), (Side.SELL, "5999.99", False),
])
def test_percent_price_by_side_on_the_default_config(side: Side, price: str, ok: bool) -> None:
    o = order(side=side, price=price)
    if ok:
        check(o)
    else:
        assert rejection(o) == fail("PERCENT_PRICE_BY_SIDE")


BY_SIDE = {"filterType": "PERCENT_PRICE_BY_SIDE", "bidMultiplierUp": "1.2", "bidMultiplierDown": "0.2",
           "askMultiplierUp": "5", "askMultiplierDown": "0.8", "avgPriceMins": 1}


@pytest.mark.parametrize(("side", "price", "ok"), [
    (Side.BUY, "120", True), (Side.BUY, "120.01", False), (Side.SELL, "120.01", True),
    (Side.SELL, "80", True), (Side.SELL, "79.99", False), (Side.BUY, "79.99", True),
    (Side.BUY, "20", True), (Side.BUY, "19.99", False), (Side.SELL, "500", True), (Side.SELL, "500.01", False),
])
def test_percent_price_by_side_buy_uses_bid_and_sell_uses_ask(side: Side, price: str, ok: bool) -> None:
    o = order(side=side, price=price, quantity="1")
    kwargs: dict[str, Any] = {"symbol": custom(BY_SIDE), "last": "1", "avg": "100"}
    if ok:
        check(o, **kwargs)
    else:
        assert rejection(o, **kwargs) == fail("PERCENT_PRICE_BY_SIDE")


# -- LOT_SIZE ------------------------------------------------------------------------

LOT_ONLY = only(BTC, "LOT_SIZE")  # minQty 0.00001, maxQty 9000.00000, stepSize 0.00001


@pytest.mark.parametrize(("quantity", "ok"), [
    ("0.00001", True), ("0.000009", False), ("9000", True), ("9000.00001", False),
    ("1.23456", True), ("1.234565", False),
])
def test_lot_size_bounds_and_step(quantity: str, ok: bool) -> None:
    for o in (order(quantity=quantity), order(OrderType.MARKET, quantity=quantity),
              order(OrderType.STOP_LOSS, quantity=quantity, stop="29000")):
        if ok:
            check(o, symbol=LOT_ONLY)
        else:
            assert rejection(o, symbol=LOT_ONLY) == fail("LOT_SIZE")


@pytest.mark.parametrize(("iceberg", "ok"), [("0.00001", True), ("0.000009", False), ("0.123455", False)])
def test_lot_size_applies_to_the_iceberg_qty(iceberg: str, ok: bool) -> None:
    o = order(quantity="1", iceberg=iceberg)
    if ok:
        check(o, symbol=LOT_ONLY)
    else:
        assert rejection(o, symbol=LOT_ONLY) == fail("LOT_SIZE")


def test_lot_size_skips_quote_order_qty_market_orders() -> None:
    check(order(OrderType.MARKET, quantity=None, quote="0.5"), symbol=LOT_ONLY)


def test_lot_size_on_the_default_config() -> None:
    check(order(price="500000", quantity="0.00001"), last="500000", avg="500000")
    assert rejection(order(price="600000", quantity="0.000009"), last="500000", avg="500000") == fail("LOT_SIZE")
    check(order(price="1000", quantity="9000"), last="1000", avg="1000")
    assert rejection(order(price="1000", quantity="9000.00001"), last="1000", avg="1000") == fail("LOT_SIZE")


def test_lot_size_step_with_a_huge_quotient_is_exact() -> None:
    symbol = custom({"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0", "stepSize": "0.00000001"})
    check(order(quantity="99999999999999999999.00000001", price="1"), symbol=symbol)


# -- MARKET_LOT_SIZE -----------------------------------------------------------------

MARKET_LOT_ONLY = only(BTC, "MARKET_LOT_SIZE")  # minQty 0, maxQty 100, stepSize 0 (disabled)


@pytest.mark.parametrize(("quantity", "ok"), [("100", True), ("100.00001", False), ("0.12345678", True)])
def test_market_lot_size_on_market_orders(quantity: str, ok: bool) -> None:
    o = order(OrderType.MARKET, quantity=quantity)
    if ok:
        check(o, symbol=MARKET_LOT_ONLY)
    else:
        assert rejection(o, symbol=MARKET_LOT_ONLY) == fail("MARKET_LOT_SIZE")


def test_market_lot_size_ignores_other_types() -> None:
    check(order(quantity="200"), symbol=MARKET_LOT_ONLY)
    check(order(OrderType.STOP_LOSS, quantity="200", stop="29000"), symbol=MARKET_LOT_ONLY)


def test_market_lot_size_with_step_and_min() -> None:
    symbol = custom({"filterType": "MARKET_LOT_SIZE", "minQty": "0.5", "maxQty": "10", "stepSize": "0.1"})
    check(order(OrderType.MARKET, quantity="0.5"), symbol=symbol)
    assert rejection(order(OrderType.MARKET, quantity="0.4"), symbol=symbol) == fail("MARKET_LOT_SIZE")
    assert rejection(order(OrderType.MARKET, quantity="1.05"), symbol=symbol) == fail("MARKET_LOT_SIZE")


def test_market_lot_size_on_the_default_config_after_lot_size() -> None:
    check(order(OrderType.MARKET, quantity="100"))
    assert rejection(order(OrderType.MARKET, quantity="100.00001")) == fail("MARKET_LOT_SIZE")
    # LOT_SIZE is listed first and also fails on the step.
    assert rejection(order(OrderType.MARKET, quantity="100.000001")) == fail("LOT_SIZE")


# -- ICEBERG_PARTS -------------------------------------------------------------------


@pytest.mark.parametrize(("quantity", "iceberg", "ok"), [
    ("1", "0.1", True),  # exactly 10 parts
    ("1", "0.09999", False),  # ceil(10.001) = 11
    ("0.99999", "0.1", True),  # ceil(9.9999) = 10
    ("1.00001", "0.1", False),  # ceil(10.0001) = 11
    ("1", "1", True),
])
def test_iceberg_parts_limit_10(quantity: str, iceberg: str, ok: bool) -> None:
    o = order(quantity=quantity, iceberg=iceberg)
    if ok:
        check(o)
    else:
        assert rejection(o) == fail("ICEBERG_PARTS")


# -- TRAILING_DELTA ------------------------------------------------------------------


@pytest.mark.parametrize(("delta", "ok"), [(10, True), (9, False), (2000, True), (2001, False), (0, False)])
def test_trailing_delta_default_bounds(delta: int, ok: bool) -> None:
    o = order(OrderType.STOP_LOSS, side=Side.SELL, trailing=delta)
    if ok:
        check(o)
    else:
        assert rejection(o) == fail("TRAILING_DELTA")


TRAILING = {"filterType": "TRAILING_DELTA", "minTrailingAboveDelta": 10, "maxTrailingAboveDelta": 100,
            "minTrailingBelowDelta": 200, "maxTrailingBelowDelta": 300}


@pytest.mark.parametrize(("type_", "side", "bounds"), [
    (OrderType.STOP_LOSS, Side.BUY, (10, 100)),
    (OrderType.STOP_LOSS_LIMIT, Side.BUY, (10, 100)),
    (OrderType.TAKE_PROFIT, Side.SELL, (10, 100)),
    (OrderType.TAKE_PROFIT_LIMIT, Side.SELL, (10, 100)),
    (OrderType.STOP_LOSS, Side.SELL, (200, 300)),
    (OrderType.STOP_LOSS_LIMIT, Side.SELL, (200, 300)),
    (OrderType.TAKE_PROFIT, Side.BUY, (200, 300)),
    (OrderType.TAKE_PROFIT_LIMIT, Side.BUY, (200, 300)),
])
def test_trailing_delta_above_and_below_by_type_and_side(
    type_: OrderType, side: Side, bounds: tuple[int, int]
) -> None:
    symbol = custom(TRAILING)
    low, high = bounds
    for delta in (low, high):
        check(order(type_, side=side, quantity="1", price="100" if type_.has_limit_price else None,
                    trailing=delta), symbol=symbol)
    for delta in (low - 1, high + 1):
        o = order(type_, side=side, quantity="1", price="100" if type_.has_limit_price else None, trailing=delta)
        assert rejection(o, symbol=symbol) == fail("TRAILING_DELTA")


def test_trailing_delta_filter_skips_orders_without_trailing_delta() -> None:
    check(order(OrderType.STOP_LOSS, side=Side.SELL, quantity="1", stop="90"), symbol=custom(TRAILING))


# -- precedence ----------------------------------------------------------------------


def test_precision_comes_before_everything() -> None:
    o = order(quantity="0.000000001", price="0", iceberg="5")
    assert rejection(o, symbol=custom(iceberg_allowed=False)) == PRECISION


def test_shape_checks_come_before_filters() -> None:
    assert rejection(order(quantity="0.1", price="30000.001", iceberg="0.2")) == (-2010, "IcebergQty exceeds QTY.")
    assert rejection(order(price="0.00000001", quantity="0.000001")) == (-1013, "Price * QTY is zero or less.")


def test_iceberg_support_is_checked_before_trailing_support() -> None:
    o = order(OrderType.STOP_LOSS_LIMIT, quantity="1", price="100", iceberg="0.5", trailing=100)
    assert rejection(o, symbol=custom(iceberg_allowed=False, allow_trailing_stop=False)) == (
        -2010, "Iceberg orders are not supported for this symbol.")


def test_filters_fail_in_the_order_the_symbol_lists_them() -> None:
    price = {"filterType": "PRICE_FILTER", "minPrice": "0", "maxPrice": "0", "tickSize": "1"}
    lot = {"filterType": "LOT_SIZE", "minQty": "0", "maxQty": "0", "stepSize": "1"}
    o = order(price="100.5", quantity="1.5")
    assert rejection(o, symbol=custom(price, lot)) == fail("PRICE_FILTER")
    assert rejection(o, symbol=custom(lot, price)) == fail("LOT_SIZE")


def test_default_btcusdt_reports_price_filter_before_percent_price_and_notional() -> None:
    assert rejection(order(price="1.001", quantity="0.00001")) == fail("PRICE_FILTER")
    assert rejection(order(price="1", quantity="0.00001")) == fail("PERCENT_PRICE_BY_SIDE")
