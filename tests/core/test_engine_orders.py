"""Single margin orders: arrival, resting fills, stops, trailing stops, IOC / FOK, commission."""

from __future__ import annotations

import pytest

from mock_exchange.core.enums import ExecutionType, ExpiryReason, OrderStatus, OrderType, Side, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import OrderEvent
from mock_exchange.core.requests import NewOrder
from tests.core.engine_helpers import D, asset_totals, balance, check_invariants, make_exchange

BTC = "BTCUSDT"


def limit(side: Side, qty: str, price: str, **extra) -> NewOrder:  # type: ignore[no-untyped-def]
    return NewOrder(BTC, side, OrderType.LIMIT, quantity=D(qty), price=D(price),
                    time_in_force=extra.pop("time_in_force", TimeInForce.GTC), **extra)


def test_resting_buy_limit_locks_quote_and_fills_as_maker_at_its_price() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_order("bob", limit(Side.BUY, "0.5", "29000"))
    order = result.order
    assert order.status is OrderStatus.NEW and order.is_working and result.fills == []
    assert balance(ex, "bob", "USDT").locked == D("14500")
    ex.set_price(BTC, D("29500"))
    assert ex.get_order("bob", BTC, order_id=order.order_id).status is OrderStatus.NEW
    events = ex.set_price(BTC, D("28000"))
    trade = next(e for e in events if isinstance(e, OrderEvent))
    assert trade.execution_type is ExecutionType.TRADE and trade.last_price == D("29000") and trade.is_maker
    assert trade.commission == D("0.0005") and trade.commission_asset == "BTC"  # maker 0.1 % of 0.5 BTC
    usdt, btc = balance(ex, "bob", "USDT"), balance(ex, "bob", "BTC")
    assert usdt.locked == 0 and usdt.free == D("200000") - D("14500")
    assert btc.free == D("5") + D("0.5") - D("0.0005")
    check_invariants(ex, start)


def test_marketable_limit_takes_at_last_price_and_frees_the_difference() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_order("bob", limit(Side.BUY, "1", "31000"))
    assert result.order.status is OrderStatus.FILLED
    assert [(f.price, f.qty, f.commission) for f in result.fills] == [(D("30000"), D("1"), D("0.002"))]
    assert balance(ex, "bob", "USDT").free == D("170000") and balance(ex, "bob", "USDT").locked == 0
    check_invariants(ex, start)


def test_market_orders_by_quantity_and_by_quote_quantity() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    sell = ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.1")))
    assert sell.order.status is OrderStatus.FILLED and sell.fills[0].commission_asset == "USDT"
    assert sell.fills[0].commission == D("6")  # taker 0.2 % of 3000
    buy = ex.place_order("bob", NewOrder(BTC, Side.BUY, OrderType.MARKET, quote_order_qty=D("1000")))
    assert buy.order.quantity == D("0.033") and buy.order.quote_order_qty == D("1000")
    assert buy.order.cummulative_quote_qty == D("990")
    check_invariants(ex, start)


@pytest.mark.parametrize(("tif", "reason"), [(TimeInForce.IOC, ExpiryReason.UNFILLED_IOC_QUANTITY_EXPIRED),
                                         (TimeInForce.FOK, ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED)])
def test_unmarketable_ioc_and_fok_expire_and_release(tif: TimeInForce, reason: ExpiryReason) -> None:
    ex = make_exchange()
    result = ex.place_order("bob", limit(Side.BUY, "1", "29000", time_in_force=tif))
    assert result.order.status is OrderStatus.EXPIRED and result.order.expiry_reason is reason
    assert balance(ex, "bob", "USDT").locked == 0 and balance(ex, "bob", "USDT").free == D("200000")
    assert ex.open_orders("bob", BTC) == []


def test_limit_maker_that_would_take_is_rejected() -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.LIMIT_MAKER, quantity=D("1"), price=D("29999")))
    assert (error.value.code, error.value.msg) == (-2010, "Order would immediately match and take.")


@pytest.mark.parametrize(("order_type", "side", "stop"), [
    (OrderType.STOP_LOSS, Side.SELL, "30100"), (OrderType.STOP_LOSS, Side.BUY, "29900"),
    (OrderType.TAKE_PROFIT, Side.SELL, "29900"), (OrderType.TAKE_PROFIT, Side.BUY, "30000"),
])
def test_stop_that_would_trigger_immediately_is_rejected(order_type: OrderType, side: Side, stop: str) -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", NewOrder(BTC, side, order_type, quantity=D("0.1"), stop_price=D(stop)))
    assert (error.value.code, error.value.msg) == (-2010, "Order would trigger immediately.")


def test_stop_loss_sell_triggers_and_fills_at_the_print() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.2"),
                                           stop_price=D("29000"))).order
    assert not order.is_working and balance(ex, "bob", "BTC").locked == D("0.2")
    ex.set_price(BTC, D("29500"))
    assert ex.get_order("bob", BTC, order_id=order.order_id).status is OrderStatus.NEW
    ex.set_price(BTC, D("28500"))
    done = ex.get_order("bob", BTC, order_id=order.order_id)
    assert done.status is OrderStatus.FILLED and done.cummulative_quote_qty == D("5700") and done.is_working
    check_invariants(ex, start)


def test_stop_loss_buy_that_gaps_pays_the_difference_from_free() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("bob", NewOrder(BTC, Side.BUY, OrderType.STOP_LOSS, quantity=D("1"),
                                           stop_price=D("31000"))).order
    assert balance(ex, "bob", "USDT").locked == D("31000")
    ex.set_price(BTC, D("32000"))
    assert ex.get_order("bob", BTC, order_id=order.order_id).cummulative_quote_qty == D("32000")
    assert balance(ex, "bob", "USDT").free == D("168000")
    check_invariants(ex, start)


def test_stop_limit_triggered_but_not_marketable_rests_then_fills() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.STOP_LOSS_LIMIT, quantity=D("0.1"),
                                           price=D("28900"), stop_price=D("29000"),
                                           time_in_force=TimeInForce.GTC)).order
    ex.set_price(BTC, D("28000"))
    triggered = ex.get_order("bob", BTC, order_id=order.order_id)
    assert triggered.status is OrderStatus.NEW and triggered.is_working and triggered.triggered
    ex.set_price(BTC, D("29000"))
    filled = ex.get_order("bob", BTC, order_id=order.order_id)
    assert filled.status is OrderStatus.FILLED and filled.cummulative_quote_qty == D("2890")
    check_invariants(ex, start)


def test_trade_quantity_limits_resting_fills_in_price_time_priority() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    first = ex.place_order("bob", limit(Side.BUY, "0.3", "29000")).order
    second = ex.place_order("alice", limit(Side.BUY, "0.3", "29000")).order
    better = ex.place_order("alice", limit(Side.BUY, "0.2", "29100")).order
    ex.trade(BTC, D("29000"), D("0.4"))
    assert ex.get_order("alice", BTC, order_id=better.order_id).status is OrderStatus.FILLED
    partial = ex.get_order("bob", BTC, order_id=first.order_id)
    assert partial.status is OrderStatus.PARTIALLY_FILLED and partial.executed_qty == D("0.2")
    assert ex.get_order("alice", BTC, order_id=second.order_id).executed_qty == 0
    assert balance(ex, "bob", "USDT").locked == D("0.1") * D("29000")
    check_invariants(ex, start)


def test_trailing_stop_without_stop_price_tracks_the_high() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.1"),
                                           trailing_delta=500)).order  # 5 %
    assert order.trailing_time_ms >= 0
    ex.price_path(BTC, [D("32000"), D("30500")])
    assert ex.get_order("bob", BTC, order_id=order.order_id).status is OrderStatus.NEW
    ex.set_price(BTC, D("30400"))  # 32000 x 0.95
    done = ex.get_order("bob", BTC, order_id=order.order_id)
    assert done.status is OrderStatus.FILLED and done.cummulative_quote_qty == D("3040")
    check_invariants(ex, start)


def test_trailing_stop_with_stop_price_tracks_only_after_activation() -> None:
    ex = make_exchange()
    order = ex.place_order("bob", NewOrder(BTC, Side.BUY, OrderType.STOP_LOSS_LIMIT, quantity=D("0.1"),
                                           price=D("34000"), stop_price=D("31000"), trailing_delta=500,
                                           time_in_force=TimeInForce.GTC)).order
    ex.price_path(BTC, [D("27000"), D("31500")])  # the dip before activation does not count
    active = ex.get_order("bob", BTC, order_id=order.order_id)
    assert active.trailing_time_ms >= 0 and not active.triggered and active.trailing_extreme == D("31500")
    ex.price_path(BTC, [D("31000"), D("32549")])
    assert not ex.get_order("bob", BTC, order_id=order.order_id).triggered
    ex.set_price(BTC, D("32550"))  # 31000 x 1.05
    assert ex.get_order("bob", BTC, order_id=order.order_id).status is OrderStatus.FILLED


def test_cancel_releases_funds_and_reports_both_client_ids() -> None:
    ex = make_exchange()
    order = ex.place_order("bob", limit(Side.SELL, "1", "31000", new_client_order_id="mine")).order
    result = ex.cancel_order("bob", BTC, orig_client_order_id="mine", new_client_order_id="cancel1")
    assert result.order.status is OrderStatus.CANCELED and result.order_list is None
    assert (result.orig_client_order_id, result.cancel_client_order_id) == ("mine", "cancel1")
    assert balance(ex, "bob", "BTC").free == D("5") and balance(ex, "bob", "BTC").locked == 0
    with pytest.raises(BinanceError) as error:
        ex.cancel_order("bob", BTC, order_id=order.order_id)
    assert (error.value.code, error.value.msg) == (-2011, "Unknown order sent.")


def test_duplicate_client_id_only_among_open_orders() -> None:
    ex = make_exchange()
    ex.place_order("bob", limit(Side.SELL, "1", "31000", new_client_order_id="dup"))
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", limit(Side.SELL, "1", "32000", new_client_order_id="dup"))
    assert (error.value.code, error.value.msg) == (-2010, "Duplicate order sent.")
    ex.place_order("alice", limit(Side.SELL, "1", "32000", new_client_order_id="dup"))  # another account
    ex.cancel_order("bob", BTC, orig_client_order_id="dup")
    ex.place_order("bob", limit(Side.SELL, "1", "32000", new_client_order_id="dup"))


def test_insufficient_balance_without_side_effect() -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_order("poor", limit(Side.BUY, "1", "29000"))
    assert (error.value.code, error.value.msg) == (-2010, "Account has insufficient balance for requested action.")


def test_ids_are_sequential_and_client_ids_seeded() -> None:
    first, second = make_exchange(), make_exchange()
    a = [first.place_order("bob", limit(Side.SELL, "0.1", str(31000 + i))).order for i in range(3)]
    b = [second.place_order("bob", limit(Side.SELL, "0.1", str(31000 + i))).order for i in range(3)]
    assert [o.order_id for o in a] == [1, 2, 3]
    assert [o.client_order_id for o in a] == [o.client_order_id for o in b]
    assert all(len(o.client_order_id) == 22 for o in a)
