"""OCO lifecycle: every path of spec §6.2, with funds and events."""

from __future__ import annotations

import pytest

from mock_exchange.core.enums import (
    ExecutionType,
    ExpiryReason,
    ListOrderStatus,
    ListStatusType,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import BalanceEvent, ListStatusEvent, OrderEvent
from mock_exchange.core.requests import NewOco
from tests.core.engine_helpers import D, asset_totals, balance, check_invariants, make_exchange

BTC = "BTCUSDT"


def sell_oco(**extra) -> NewOco:  # type: ignore[no-untyped-def]
    fields = dict(symbol=BTC, side=Side.SELL, quantity=D("0.5"), price=D("31000"), stop_price=D("29000"))
    fields.update(extra)
    return NewOco(**fields)


def buy_oco(**extra) -> NewOco:  # type: ignore[no-untyped-def]
    fields = dict(symbol=BTC, side=Side.BUY, quantity=D("0.5"), price=D("29000"), stop_price=D("31000"),
                  stop_limit_price=D("31500"), stop_limit_time_in_force=TimeInForce.GTC)
    fields.update(extra)
    return NewOco(**fields)


def statuses(ex, list_id: int) -> list[tuple[OrderStatus, ExpiryReason]]:  # type: ignore[no-untyped-def]
    order_list = ex.get_order_list("bob", order_list_id=list_id)
    return [(o.status, o.expiry_reason) for o in ex.order_list_orders(order_list)]


def test_placement_shape_and_single_reservation() -> None:
    ex = make_exchange()
    result = ex.place_oco("bob", sell_oco(list_client_order_id="L1", limit_client_order_id="lim",
                                          stop_client_order_id="stp"))
    stop, lim = result.orders
    assert (stop.type, lim.type) == (OrderType.STOP_LOSS, OrderType.LIMIT_MAKER)
    assert (stop.client_order_id, lim.client_order_id) == ("stp", "lim")
    assert lim.order_id == stop.order_id + 1 and not stop.is_working and lim.is_working
    assert (result.order_list.list_status_type, result.order_list.list_order_status) == (
        ListStatusType.EXEC_STARTED, ListOrderStatus.EXECUTING)
    assert result.order_list.list_client_order_id == "L1"
    assert balance(ex, "bob", "BTC").locked == D("0.5")  # once for the pair


def test_buy_oco_reserves_for_the_dearer_leg() -> None:
    ex = make_exchange()
    ex.place_oco("bob", buy_oco())
    assert balance(ex, "bob", "USDT").locked == D("0.5") * D("31500")


def test_limit_leg_fills_other_leg_expires() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oco("bob", sell_oco())
    events = ex.set_price(BTC, D("31200"))
    kinds = [(type(e).__name__, getattr(e, "execution_type", None)) for e in events]
    assert kinds == [("OrderEvent", ExecutionType.EXPIRED), ("OrderEvent", ExecutionType.TRADE),
                     ("ListStatusEvent", None), ("BalanceEvent", None)]
    assert statuses(ex, result.order_list.order_list_id) == [
        (OrderStatus.EXPIRED, ExpiryReason.OCO_TRIGGER), (OrderStatus.FILLED, ExpiryReason.NONE)]
    listed = ex.get_order_list("bob", order_list_id=result.order_list.order_list_id)
    assert listed.list_order_status is ListOrderStatus.ALL_DONE
    assert ex.open_order_lists("bob") == []
    check_invariants(ex, start)


def test_stop_leg_triggers_limit_leg_expires() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oco("bob", sell_oco())
    events = ex.set_price(BTC, D("28800"))
    order_events = [e for e in events if isinstance(e, OrderEvent)]
    assert [(e.order.type, e.execution_type) for e in order_events] == [
        (OrderType.LIMIT_MAKER, ExecutionType.EXPIRED), (OrderType.STOP_LOSS, ExecutionType.TRADE)]
    assert order_events[1].last_price == D("28800")
    assert statuses(ex, result.order_list.order_list_id)[1] == (OrderStatus.EXPIRED, ExpiryReason.OCO_TRIGGER)
    check_invariants(ex, start)


def test_partial_fill_of_limit_leg_expires_the_stop_leg_and_ends_the_list() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oco("bob", sell_oco())
    ex.trade(BTC, D("31000"), D("0.2"))
    assert statuses(ex, result.order_list.order_list_id) == [
        (OrderStatus.EXPIRED, ExpiryReason.OCO_TRIGGER), (OrderStatus.PARTIALLY_FILLED, ExpiryReason.NONE)]
    listed = ex.get_order_list("bob", order_list_id=result.order_list.order_list_id)
    assert listed.list_order_status is ListOrderStatus.ALL_DONE
    assert balance(ex, "bob", "BTC").locked == D("0.3")
    # The surviving leg lives on as an ordinary order: a later print fills it.
    ex.set_price(BTC, D("31000"))
    assert statuses(ex, result.order_list.order_list_id)[1][0] is OrderStatus.FILLED
    # Once the list is done it cannot be cancelled as a list.
    with pytest.raises(BinanceError) as error:
        ex.cancel_order_list("bob", BTC, order_list_id=result.order_list.order_list_id)
    assert error.value.code == -2011
    check_invariants(ex, start)


def test_stop_limit_leg_triggered_but_not_filled() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oco("bob", buy_oco(stop_limit_price=D("31100")))
    ex.set_price(BTC, D("31200"))  # triggers at 31000; BUY limit 31100 is below the print
    stop, lim = ex.order_list_orders(ex.get_order_list("bob", order_list_id=result.order_list.order_list_id))
    assert stop.status is OrderStatus.NEW and stop.triggered and stop.is_working
    assert lim.status is OrderStatus.EXPIRED and lim.expiry_reason is ExpiryReason.OCO_TRIGGER
    assert balance(ex, "bob", "USDT").locked == D("0.5") * D("31100")
    ex.set_price(BTC, D("31050"))
    assert ex.get_order("bob", BTC, order_id=stop.order_id).status is OrderStatus.FILLED
    check_invariants(ex, start)


def test_cancel_list_by_id_and_by_client_id() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    first = ex.place_oco("bob", sell_oco(list_client_order_id="first"))
    second = ex.place_oco("bob", sell_oco(list_client_order_id="second", price=D("32000")))
    by_id = ex.cancel_order_list("bob", BTC, order_list_id=first.order_list.order_list_id,
                                 new_client_order_id="killer")
    assert by_id.cancel_client_order_id == "killer"
    assert [o.status for o in by_id.orders] == [OrderStatus.CANCELED, OrderStatus.CANCELED]
    assert [o.client_order_id for o in by_id.orders] == [o.client_order_id for o in first.orders]
    assert by_id.order_list.list_status_type is ListStatusType.ALL_DONE
    by_client = ex.cancel_order_list("bob", BTC, list_client_order_id="second")
    assert by_client.order_list.order_list_id == second.order_list.order_list_id
    assert len(by_client.cancel_client_order_id) == 22
    assert balance(ex, "bob", "BTC").locked == 0
    check_invariants(ex, start)


def test_cancel_of_one_leg_cancels_the_whole_list() -> None:
    ex = make_exchange()
    result = ex.place_oco("bob", sell_oco())
    cancel = ex.cancel_order("bob", BTC, order_id=result.orders[1].order_id, new_client_order_id="c")
    assert cancel.order.status is OrderStatus.CANCELED and cancel.order_list is not None
    assert [o.status for o in cancel.order_list.orders] == [OrderStatus.CANCELED, OrderStatus.CANCELED]
    events = ex.events_since(0, "bob")
    tail = [(type(e).__name__, getattr(e, "execution_type", None)) for e in events[-4:]]
    assert tail == [("OrderEvent", ExecutionType.CANCELED), ("OrderEvent", ExecutionType.CANCELED),
                    ("ListStatusEvent", None), ("BalanceEvent", None)]
    assert events[-4].client_order_id == "c" and events[-4].orig_client_order_id == result.orders[0].client_order_id


def test_placement_events_order() -> None:
    ex = make_exchange()
    ex.place_oco("bob", sell_oco())
    events = ex.events_since(0)
    assert [type(e) for e in events] == [OrderEvent, OrderEvent, ListStatusEvent, BalanceEvent]
    assert [e.order.type for e in events[:2]] == [OrderType.STOP_LOSS, OrderType.LIMIT_MAKER]
    assert [e.seq for e in events] == [1, 2, 3, 4]


@pytest.mark.parametrize("request_", [
    sell_oco(price=D("29500")),  # limit not above last
    sell_oco(stop_price=D("30500")),  # stop not below last
    buy_oco(price=D("30500")),
    buy_oco(stop_price=D("29900"), stop_limit_price=D("30000")),
])
def test_price_relation_is_checked_against_last(request_: NewOco) -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_oco("bob", request_)
    assert error.value.code == -2010
    assert error.value.msg == "The relationship of the prices for the orders is not correct."


def test_list_client_id_unique_among_open_lists_and_distinct_from_legs() -> None:
    ex = make_exchange()
    ex.place_oco("bob", sell_oco(list_client_order_id="L"))
    for request in (sell_oco(list_client_order_id="L"), sell_oco(list_client_order_id="X", limit_client_order_id="X"),
                    sell_oco(limit_client_order_id="same", stop_client_order_id="same")):
        with pytest.raises(BinanceError) as error:
            ex.place_oco("bob", request)
        assert error.value.msg == "Duplicate order sent."
    ex.cancel_order_list("bob", BTC, list_client_order_id="L")
    ex.place_oco("bob", sell_oco(list_client_order_id="L"))
