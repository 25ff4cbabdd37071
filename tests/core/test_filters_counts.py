"""Open-order count filters, MAX_POSITION, exchange filters and check_order_list in core.filters."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.config import ExchangeConfig, SymbolConfig, default_config
from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.filters import FilterOrder, OpenCounts, check_order, check_order_list

CONFIG = default_config()
BTC = CONFIG.symbols["BTCUSDT"]
D = Decimal

LIMIT = FilterOrder(Side.BUY, OrderType.LIMIT, D("0.001"), price=D("30000"))
LIMIT_SELL = FilterOrder(Side.SELL, OrderType.LIMIT_MAKER, D("0.001"), price=D("31000"))
STOP = FilterOrder(Side.SELL, OrderType.STOP_LOSS, D("0.001"), stop_price=D("29000"))
STOP_LIMIT = FilterOrder(Side.SELL, OrderType.STOP_LOSS_LIMIT, D("0.001"), price=D("28900"), stop_price=D("29000"))
ICEBERG = FilterOrder(Side.BUY, OrderType.LIMIT, D("0.01"), price=D("30000"), iceberg_qty=D("0.005"))
OCO = (LIMIT_SELL, STOP_LIMIT)
OTOCO = (LIMIT, LIMIT_SELL, STOP_LIMIT)


def fail(name: str) -> tuple[int, str]:
    return (-1013, f"Filter failure: {name}")


def symbol_with(*filters: Mapping[str, Any]) -> SymbolConfig:
    return SymbolConfig("BTCUSDT", "BTC", "USDT", D("30000"), tuple(filters))


def exchange_with(*filters: Mapping[str, Any]) -> ExchangeConfig:
    return dataclasses.replace(CONFIG, exchange_filters=tuple(filters))


def outcome(
    orders: FilterOrder | Sequence[FilterOrder],
    counts: OpenCounts = OpenCounts(),
    symbol: SymbolConfig = BTC,
    exchange: ExchangeConfig = CONFIG,
    position: Decimal | None = None,
) -> tuple[int, str] | None:
    """None when accepted, else (code, msg); a sequence is checked as an order list."""
    try:
        if isinstance(orders, FilterOrder):
            check_order(symbol, exchange, orders, counts, D("30000"), D("30000"), position=position)
        else:
            check_order_list(symbol, exchange, orders, counts, D("30000"), D("30000"), position=position)
    except BinanceError as exc:
        return exc.code, exc.msg
    return None


# -- MAX_NUM_ORDERS (default 200) ------------------------------------------------------


@pytest.mark.parametrize(("open_", "ok"), [(0, True), (199, True), (200, False), (250, False)])
def test_max_num_orders_counts_the_new_order(open_: int, ok: bool) -> None:
    for o in (LIMIT, STOP):
        assert outcome(o, OpenCounts(symbol_orders=open_)) == (None if ok else fail("MAX_NUM_ORDERS"))


@pytest.mark.parametrize(("legs", "last_ok"), [(OCO, 198), (OTOCO, 197)])
def test_max_num_orders_counts_every_leg_of_a_list(legs: tuple[FilterOrder, ...], last_ok: int) -> None:
    assert outcome(legs, OpenCounts(symbol_orders=last_ok)) is None
    assert outcome(legs, OpenCounts(symbol_orders=last_ok + 1)) == fail("MAX_NUM_ORDERS")


def test_caller_new_orders_figure_wins_when_larger() -> None:
    assert outcome(LIMIT, OpenCounts(symbol_orders=198, new_orders=2)) is None
    assert outcome(LIMIT, OpenCounts(symbol_orders=198, new_orders=3)) == fail("MAX_NUM_ORDERS")


# -- MAX_NUM_ALGO_ORDERS (default 5) -----------------------------------------------------


@pytest.mark.parametrize("o", [STOP, STOP_LIMIT,
                               FilterOrder(Side.BUY, OrderType.TAKE_PROFIT, D("0.001"), stop_price=D("29000")),
                               FilterOrder(Side.BUY, OrderType.TAKE_PROFIT_LIMIT, D("0.001"), price=D("29100"),
                                           stop_price=D("29000"))])
def test_max_num_algo_orders_for_stop_types(o: FilterOrder) -> None:
    assert outcome(o, OpenCounts(symbol_orders=4, symbol_algo_orders=4)) is None
    assert outcome(o, OpenCounts(symbol_orders=5, symbol_algo_orders=5)) == fail("MAX_NUM_ALGO_ORDERS")


def test_max_num_algo_orders_ignores_orders_that_are_not_algo() -> None:
    assert outcome(LIMIT, OpenCounts(symbol_orders=5, symbol_algo_orders=5)) is None
    assert outcome(FilterOrder(Side.BUY, OrderType.MARKET, D("0.001")),
                   OpenCounts(symbol_algo_orders=9)) is None


def test_max_num_algo_orders_counts_each_stop_leg_of_a_list() -> None:
    two_stops = (STOP, FilterOrder(Side.SELL, OrderType.TAKE_PROFIT, D("0.001"), stop_price=D("31000")))
    assert outcome(two_stops, OpenCounts(symbol_algo_orders=3)) is None
    assert outcome(two_stops, OpenCounts(symbol_algo_orders=4)) == fail("MAX_NUM_ALGO_ORDERS")
    assert outcome(OCO, OpenCounts(symbol_algo_orders=4)) is None  # one stop leg


# -- MAX_NUM_ICEBERG_ORDERS / MAX_NUM_ORDER_LISTS (not in the default config) ------------

MAX_ICEBERG = {"filterType": "MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 2}
MAX_LISTS = {"filterType": "MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20}


def test_max_num_iceberg_orders() -> None:
    symbol = symbol_with(MAX_ICEBERG)
    assert outcome(ICEBERG, OpenCounts(symbol_iceberg_orders=1), symbol) is None
    assert outcome(ICEBERG, OpenCounts(symbol_iceberg_orders=2), symbol) == fail("MAX_NUM_ICEBERG_ORDERS")
    assert outcome(LIMIT, OpenCounts(symbol_iceberg_orders=2), symbol) is None


def test_max_num_iceberg_orders_counts_iceberg_legs() -> None:
    symbol = symbol_with(MAX_ICEBERG)
    legs = (ICEBERG, dataclasses.replace(LIMIT_SELL, iceberg_qty=D("0.0005")))
    assert outcome(legs, OpenCounts(), symbol) is None
    assert outcome(legs, OpenCounts(symbol_iceberg_orders=1), symbol) == fail("MAX_NUM_ICEBERG_ORDERS")


def test_max_num_order_lists_counts_a_list_once() -> None:
    symbol = symbol_with(MAX_LISTS)
    for legs in (OCO, OTOCO):
        assert outcome(legs, OpenCounts(symbol_order_lists=19), symbol) is None
        assert outcome(legs, OpenCounts(symbol_order_lists=20), symbol) == fail("MAX_NUM_ORDER_LISTS")


def test_max_num_order_lists_ignores_single_orders() -> None:
    assert outcome(LIMIT, OpenCounts(symbol_order_lists=20), symbol_with(MAX_LISTS)) is None


# -- MAX_POSITION (-2010) ----------------------------------------------------------------

MAX_POSITION = {"filterType": "MAX_POSITION", "maxPosition": "10.00000000"}
POSITION_FAIL = (-2010, "Filter failure: MAX_POSITION")


@pytest.mark.parametrize(("position", "quantity", "ok"), [
    ("6", "4", True), ("6", "4.00001", False), ("10", "0.00001", False), ("0", "10", True),
])
def test_max_position_on_buy_orders(position: str, quantity: str, ok: bool) -> None:
    o = dataclasses.replace(LIMIT, quantity=D(quantity))
    result = outcome(o, symbol=symbol_with(MAX_POSITION), position=D(position))
    assert result == (None if ok else POSITION_FAIL)


def test_max_position_ignores_sells_and_unknown_positions() -> None:
    symbol = symbol_with(MAX_POSITION)
    assert outcome(dataclasses.replace(LIMIT_SELL, quantity=D("50")), symbol=symbol, position=D("10")) is None
    assert outcome(dataclasses.replace(LIMIT, quantity=D("50")), symbol=symbol) is None


def test_max_position_checks_each_buy_leg_of_a_list() -> None:
    symbol = symbol_with(MAX_POSITION)
    buy_oco = (dataclasses.replace(LIMIT, quantity=D("4")),
               FilterOrder(Side.BUY, OrderType.STOP_LOSS, D("4"), stop_price=D("31000")))
    assert outcome(buy_oco, symbol=symbol, position=D("6")) is None
    assert outcome(buy_oco, symbol=symbol, position=D("6.1")) == POSITION_FAIL


# -- exchange filters ----------------------------------------------------------------------


@pytest.mark.parametrize(("open_", "ok"), [(999, True), (1000, False)])
def test_exchange_max_num_orders_default_1000(open_: int, ok: bool) -> None:
    assert outcome(LIMIT, OpenCounts(exchange_orders=open_)) == (None if ok else fail("EXCHANGE_MAX_NUM_ORDERS"))


def test_exchange_max_num_orders_counts_list_legs() -> None:
    assert outcome(OTOCO, OpenCounts(exchange_orders=997)) is None
    assert outcome(OTOCO, OpenCounts(exchange_orders=998)) == fail("EXCHANGE_MAX_NUM_ORDERS")


@pytest.mark.parametrize(("spec", "orders", "full", "not_counted"), [
    ({"filterType": "EXCHANGE_MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 200}, STOP,
     OpenCounts(exchange_algo_orders=200), LIMIT),
    ({"filterType": "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "maxNumIcebergOrders": 10000}, ICEBERG,
     OpenCounts(exchange_iceberg_orders=10000), LIMIT),
    ({"filterType": "EXCHANGE_MAX_NUM_ORDER_LISTS", "maxNumOrderLists": 20}, OCO,
     OpenCounts(exchange_order_lists=20), LIMIT),
])
def test_exchange_count_filters(
    spec: Mapping[str, Any], orders: Any, full: OpenCounts, not_counted: FilterOrder
) -> None:
    exchange = exchange_with(spec)
    limit = next(v for k, v in spec.items() if k.startswith("maxNum"))
    below = dataclasses.replace(full, **{k: v - 1 for k, v in dataclasses.asdict(full).items() if v == limit})
    assert outcome(orders, below, exchange=exchange) is None
    assert outcome(orders, full, exchange=exchange) == fail(spec["filterType"])
    assert outcome(not_counted, full, exchange=exchange) is None


def test_symbol_count_filters_come_before_exchange_filters() -> None:
    counts = OpenCounts(symbol_orders=200, exchange_orders=1000)
    assert outcome(LIMIT, counts) == fail("MAX_NUM_ORDERS")


def test_count_filters_follow_the_symbol_list_order() -> None:
    counts = OpenCounts(symbol_orders=5, symbol_algo_orders=5)
    orders_first = symbol_with({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 5},
                               {"filterType": "MAX_NUM_ALGO_ORDERS", "maxNumAlgoOrders": 5})
    algo_first = symbol_with(*reversed(orders_first.filters))
    assert outcome(STOP, counts, orders_first) == fail("MAX_NUM_ORDERS")
    assert outcome(STOP, counts, algo_first) == fail("MAX_NUM_ALGO_ORDERS")


def test_stateless_filters_come_before_count_filters_whatever_the_list_order() -> None:
    symbol = symbol_with({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": 1},
                         {"filterType": "LOT_SIZE", "minQty": "1", "maxQty": "0", "stepSize": "0"})
    assert outcome(LIMIT, OpenCounts(symbol_orders=1), symbol) == fail("LOT_SIZE")


# -- check_order_list ------------------------------------------------------------------------


def test_valid_lists_pass() -> None:
    assert outcome(OCO) is None
    assert outcome(OTOCO) is None
    assert outcome((LIMIT, STOP)) is None


def test_a_failing_leg_fails_the_list() -> None:
    bad_tick = dataclasses.replace(STOP_LIMIT, price=D("28900.001"))
    assert outcome((LIMIT_SELL, bad_tick)) == fail("PRICE_FILTER")
    assert outcome((LIMIT, LIMIT_SELL, bad_tick)) == fail("PRICE_FILTER")


def test_list_legs_are_checked_in_order() -> None:
    bad_lot = dataclasses.replace(LIMIT_SELL, quantity=D("0.000001"))
    bad_tick = dataclasses.replace(STOP_LIMIT, price=D("28900.001"))
    assert outcome((bad_lot, bad_tick)) == fail("LOT_SIZE")
    assert outcome((bad_tick, bad_lot)) == fail("PRICE_FILTER")


def test_list_legs_are_all_checked_before_counts() -> None:
    bad_tick = dataclasses.replace(STOP_LIMIT, price=D("28900.001"))
    assert outcome((LIMIT_SELL, bad_tick), OpenCounts(symbol_orders=200)) == fail("PRICE_FILTER")


def test_list_leg_pre_checks_apply() -> None:
    no_iceberg = dataclasses.replace(BTC, iceberg_allowed=False)
    legs = (dataclasses.replace(LIMIT_SELL, iceberg_qty=D("0.0005")), STOP_LIMIT)
    assert outcome(legs, symbol=no_iceberg) == (-2010, "Iceberg orders are not supported for this symbol.")
    trailing = (LIMIT_SELL, dataclasses.replace(STOP_LIMIT, trailing_delta=5))
    assert outcome(trailing) == fail("TRAILING_DELTA")


def test_filters_missing_their_limit_fields_are_disabled() -> None:
    symbol = symbol_with(*({"filterType": kind} for kind in (
        "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS", "ICEBERG_PARTS", "TRAILING_DELTA", "PRICE_FILTER", "LOT_SIZE")))
    counts = OpenCounts(symbol_orders=10**6, symbol_algo_orders=10**6)
    trailing_stop = FilterOrder(Side.SELL, OrderType.STOP_LOSS, D("1.5"), trailing_delta=1)
    assert outcome(trailing_stop, counts, symbol) is None
    assert outcome(dataclasses.replace(ICEBERG, iceberg_qty=D("0.00001")), counts, symbol) is None
