"""Order and list events keep what changed, not a copy: what they report must equal a copy taken then.

An order event keeps the order itself and the fields the engine changes after placement
(``core.orders.order_state``); a list event the list and its two statuses. Random sequences of
the engine's operations (the same as the invariant test's) record a full copy of each order and
list as every event is written, and every event read back afterwards must show exactly that
copy, whatever happened to the order since: fills, triggers, trailing stops, loans and their
repayment, cancels, expiries, liquidations. A field that starts changing after placement without
joining ``order_state`` fails here.
"""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_exchange.core.enums import OrderStatus, OrderType, Side, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import ListStatusEvent, OrderEvent
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order
from mock_exchange.core.requests import NewOrder
from tests.core.engine_helpers import D, make_exchange
from tests.core.test_engine_properties import _run, operations


def _fields(record: Order | OrderList) -> dict[str, Any]:
    return {f.name: getattr(record, f.name) for f in dataclasses.fields(record)}


def _recording(ex: Exchange) -> tuple[dict[int, dict[str, Any]], dict[int, tuple[dict[str, Any], list[Any]]]]:
    """Copies of each order and list (with its legs' ids) as its events are written, by event seq."""
    ctx = ex._ctx
    orders: dict[int, dict[str, Any]] = {}
    lists: dict[int, tuple[dict[str, Any], list[Any]]] = {}
    emit_order, emit_list = ctx.emit_order, ctx.emit_list

    def record_order(order: Order, *args: Any, **kwargs: Any) -> None:
        orders[ctx.log.next_seq()] = _fields(order)
        emit_order(order, *args, **kwargs)

    def record_list(order_list: OrderList) -> None:
        legs = [(order_list.symbol, oid, ctx.state.orders[oid].client_order_id) for oid in order_list.order_ids]
        lists[ctx.log.next_seq()] = (_fields(order_list), legs)
        emit_list(order_list)

    ctx.emit_order = record_order  # type: ignore[method-assign]
    ctx.emit_list = record_list  # type: ignore[method-assign]
    return orders, lists


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=5, max_size=40))
def test_events_report_the_state_at_their_change(ops: list[Any]) -> None:
    ex = make_exchange()
    orders, lists = _recording(ex)
    for op in ops:
        with contextlib.suppress(BinanceError):  # a refused step writes no event
            _run(ex, op)
    checked = 0
    for event in ex.events_since(0):
        if isinstance(event, OrderEvent):
            assert _fields(event.order) == orders[event.seq], event.seq
            checked += 1
        elif isinstance(event, ListStatusEvent):
            expected, legs = lists[event.seq]
            assert _fields(event.order_list) == expected, event.seq
            assert [(leg.symbol, leg.order_id, leg.client_order_id) for leg in event.legs] == legs
            checked += 1
    assert checked == len(orders) + len(lists)


def test_a_later_change_leaves_the_reported_order_as_it_was() -> None:
    ex = make_exchange()
    placed = ex.place_order("bob", NewOrder("BTCUSDT", Side.SELL, OrderType.LIMIT, quantity=D("0.2"),
                                            price=D("30500"), time_in_force=TimeInForce.GTC)).order
    new_event = ex.events_since(0)[0]
    ex.trade("BTCUSDT", D("30600"), D("0.05"))
    ex.cancel_order("bob", "BTCUSDT", order_id=placed.order_id)
    assert isinstance(new_event, OrderEvent)
    assert (new_event.order.status, new_event.order.executed_qty) == (OrderStatus.NEW, D("0"))
    assert ex.state.orders[placed.order_id].status is OrderStatus.CANCELED
    # Each read is a copy of its own: changing it changes neither the event nor the order.
    new_event.order.status = OrderStatus.FILLED
    assert new_event.order.status is OrderStatus.NEW
