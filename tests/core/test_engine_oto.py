"""OTO and OTOCO lifecycle (spec §6.3)."""

from __future__ import annotations

import pytest

from mock_exchange.core.enums import (
    ExecutionType,
    ExpiryReason,
    ListOrderStatus,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import BalanceEvent, ListStatusEvent, OrderEvent
from mock_exchange.core.order_lists import ListKind
from mock_exchange.core.requests import LegSpec, NewOto, NewOtoco
from tests.core.engine_helpers import D, asset_totals, balance, check_invariants, make_exchange

BTC = "BTCUSDT"


def working_buy(price: str = "29500", tif: TimeInForce = TimeInForce.GTC) -> LegSpec:
    return LegSpec(OrderType.LIMIT, Side.BUY, D("0.5"), price=D(price), time_in_force=tif)


def oto(pending: LegSpec | None = None, **extra) -> NewOto:  # type: ignore[no-untyped-def]
    return NewOto(BTC, extra.pop("working", working_buy()),
                  pending or LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.5"), price=D("31000")), **extra)


def otoco(**extra) -> NewOtoco:  # type: ignore[no-untyped-def]
    return NewOtoco(
        BTC, extra.pop("working", working_buy()),
        pending_above=extra.pop("above", LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.5"), price=D("31000"))),
        pending_below=extra.pop("below", LegSpec(OrderType.STOP_LOSS, Side.SELL, D("0.5"), stop_price=D("29000"))),
        **extra)


def legs(ex, list_id: int):  # type: ignore[no-untyped-def]
    return ex.order_list_orders(ex.get_order_list("bob", order_list_id=list_id))


def test_oto_pending_waits_until_working_fully_fills_then_fills() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oto("bob", oto())
    _working, pending = result.orders
    assert result.order_list.kind is ListKind.OTO and result.order_list.contingency_type.value == "OTO"
    assert pending.status is OrderStatus.PENDING_NEW and not pending.is_working
    assert balance(ex, "bob", "USDT").locked == D("14750") and balance(ex, "bob", "BTC").locked == 0
    ex.trade(BTC, D("29500"), D("0.2"))
    now = legs(ex, result.order_list.order_list_id)
    assert now[0].status is OrderStatus.PARTIALLY_FILLED and now[1].status is OrderStatus.PENDING_NEW
    check_invariants(ex, start)
    events = ex.set_price(BTC, D("29400"))
    assert [(type(e).__name__, getattr(e, "execution_type", None)) for e in events] == [
        ("OrderEvent", ExecutionType.TRADE), ("OrderEvent", ExecutionType.NEW), ("ListStatusEvent", None),
        ("BalanceEvent", None)]
    assert events[2].order_list.list_order_status is ListOrderStatus.EXECUTING
    now = legs(ex, result.order_list.order_list_id)
    assert now[1].status is OrderStatus.NEW and now[1].is_working
    assert balance(ex, "bob", "BTC").locked == D("0.5")
    ex.set_price(BTC, D("31000"))
    now = legs(ex, result.order_list.order_list_id)
    assert now[1].status is OrderStatus.FILLED
    assert ex.get_order_list("bob", order_list_id=result.order_list.order_list_id).list_order_status is (
        ListOrderStatus.ALL_DONE)
    check_invariants(ex, start)


def test_working_filled_at_placement_still_reports_pending_new() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oto("bob", oto(working=working_buy("30500")))
    working, pending = result.orders
    assert working.status is OrderStatus.FILLED and result.fills[working.order_id][0].price == D("30000")
    assert pending.status is OrderStatus.PENDING_NEW  # the Binance quirk: response state
    assert result.order_list.list_order_status is ListOrderStatus.EXECUTING
    real = ex.get_order("bob", BTC, order_id=pending.order_id)
    assert real.status is OrderStatus.NEW and real.is_working
    check_invariants(ex, start)


def test_cancelling_the_working_order_cancels_the_pending_one() -> None:
    ex = make_exchange()
    result = ex.place_oto("bob", oto())
    cancel = ex.cancel_order("bob", BTC, order_id=result.orders[0].order_id)
    assert [o.status for o in cancel.order_list.orders] == [OrderStatus.CANCELED, OrderStatus.CANCELED]
    assert cancel.order_list.order_list.list_order_status is ListOrderStatus.ALL_DONE
    assert balance(ex, "bob", "USDT").locked == 0


def test_working_expiring_expires_pending_with_phase_one_reason() -> None:
    ex = make_exchange()
    result = ex.place_oto("bob", oto(working=working_buy("29000", TimeInForce.IOC)))
    working, pending = legs(ex, result.order_list.order_list_id)
    assert working.status is OrderStatus.EXPIRED
    assert (pending.status, pending.expiry_reason) == (OrderStatus.EXPIRED, ExpiryReason.OTO_PHASE_ONE_EXPIRED)
    assert ex.open_order_lists("bob") == []


def test_pending_leg_without_funds_at_activation_expires_rejected() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    big_sell = LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("50"), price=D("31000"))
    result = ex.place_oto("bob", oto(pending=big_sell))
    ex.set_price(BTC, D("29000"))
    working, pending = legs(ex, result.order_list.order_list_id)
    assert working.status is OrderStatus.FILLED
    assert (pending.status, pending.expiry_reason) == (OrderStatus.EXPIRED, ExpiryReason.REJECTED)
    check_invariants(ex, start)


def test_pending_market_order_fills_at_the_working_fill_price() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oto("bob", oto(pending=LegSpec(OrderType.MARKET, Side.SELL, D("0.5"))))
    ex.set_price(BTC, D("29000"))
    _working, pending = legs(ex, result.order_list.order_list_id)
    assert pending.status is OrderStatus.FILLED and pending.cummulative_quote_qty == D("0.5") * D("29500")
    check_invariants(ex, start)


def test_otoco_working_fills_pair_placed_one_fills_other_expires() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_otoco("bob", otoco())
    _working, first, second = result.orders
    assert result.order_list.contingency_type.value == "OTO" and result.order_list.kind is ListKind.OTOCO
    assert (first.type, second.type) == (OrderType.STOP_LOSS, OrderType.LIMIT_MAKER)  # stop leg first
    assert first.status is second.status is OrderStatus.PENDING_NEW
    events = ex.set_price(BTC, D("29400"))
    assert [type(e) for e in events] == [OrderEvent, OrderEvent, OrderEvent, ListStatusEvent, BalanceEvent]
    now = legs(ex, result.order_list.order_list_id)
    assert [o.status for o in now] == [OrderStatus.FILLED, OrderStatus.NEW, OrderStatus.NEW]
    assert not now[1].is_working and now[2].is_working
    assert balance(ex, "bob", "BTC").locked == D("0.5")
    assert ex.get_order_list("bob", order_list_id=result.order_list.order_list_id).is_open
    ex.set_price(BTC, D("31000"))
    now = legs(ex, result.order_list.order_list_id)
    assert [(o.status, o.expiry_reason) for o in now[1:]] == [
        (OrderStatus.EXPIRED, ExpiryReason.OCO_TRIGGER), (OrderStatus.FILLED, ExpiryReason.NONE)]
    assert not ex.get_order_list("bob", order_list_id=result.order_list.order_list_id).is_open
    check_invariants(ex, start)


def test_otoco_pair_stop_triggers_in_the_same_print_that_fills_the_working_order() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_otoco("bob", otoco())
    ex.set_price(BTC, D("28000"))  # fills working at 29500, then the stop at 29000 triggers at 28000
    now = legs(ex, result.order_list.order_list_id)
    assert [o.status for o in now] == [OrderStatus.FILLED, OrderStatus.FILLED, OrderStatus.EXPIRED]
    assert now[1].cummulative_quote_qty == D("0.5") * D("28000")
    check_invariants(ex, start)


def test_otoco_working_cancelled_cancels_all() -> None:
    ex = make_exchange()
    ex.place_otoco("bob", otoco(list_client_order_id="trip"))
    cancel = ex.cancel_order_list("bob", BTC, list_client_order_id="trip")
    assert [o.status for o in cancel.orders] == [OrderStatus.CANCELED] * 3
    assert ex.open_orders("bob", BTC) == []


@pytest.mark.parametrize(("above", "below", "code"), [
    (LegSpec(OrderType.STOP_LOSS, Side.SELL, D("0.5"), stop_price=D("31000")),
     LegSpec(OrderType.STOP_LOSS, Side.SELL, D("0.5"), stop_price=D("29000")), -1197),
    (LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.5"), price=D("31000")),
     LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.5"), price=D("29000")), -1166),
    (LegSpec(OrderType.LIMIT_MAKER, Side.BUY, D("0.5"), price=D("31000")),
     LegSpec(OrderType.STOP_LOSS, Side.BUY, D("0.5"), stop_price=D("29000")), -1165),
    (LegSpec(OrderType.MARKET, Side.SELL, D("0.5")),
     LegSpec(OrderType.STOP_LOSS, Side.SELL, D("0.5"), stop_price=D("29000")), -1158),
])
def test_otoco_leg_positions(above: LegSpec, below: LegSpec, code: int) -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_otoco("bob", otoco(above=above, below=below))
    assert error.value.code == code


def test_otoco_pair_prices_must_straddle() -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_otoco("bob", otoco(below=LegSpec(OrderType.STOP_LOSS, Side.SELL, D("0.5"), stop_price=D("31500"))))
    assert error.value.msg == "The relationship of the prices for the orders is not correct."


def test_otoco_pair_rejected_at_activation_when_prices_no_longer_straddle() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    # Working sells at 30500; the BUY pair (stop above at 30400, limit below at 29000) no
    # longer straddles the fill price when it is placed.
    result = ex.place_otoco("bob", otoco(
        working=LegSpec(OrderType.LIMIT, Side.SELL, D("0.5"), price=D("30500"), time_in_force=TimeInForce.GTC),
        above=LegSpec(OrderType.STOP_LOSS, Side.BUY, D("0.5"), stop_price=D("30400")),
        below=LegSpec(OrderType.LIMIT_MAKER, Side.BUY, D("0.5"), price=D("29000"))))
    ex.set_price(BTC, D("30600"))
    now = legs(ex, result.order_list.order_list_id)
    assert now[0].status is OrderStatus.FILLED
    assert [(o.status, o.expiry_reason) for o in now[1:]] == [(OrderStatus.EXPIRED, ExpiryReason.REJECTED)] * 2
    check_invariants(ex, start)
