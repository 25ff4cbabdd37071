"""Whom a spot order's later first fill is told to: the listener its placement named (Exchange.placing_for)."""

from __future__ import annotations

from typing import Any

from mock_exchange.core import context
from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.orders import Order
from mock_exchange.core.requests import NewOrder
from tests.core.engine_helpers import D, make_exchange


def spot_bid(exchange: Exchange, client_id: str, price: str) -> Any:
    return exchange.place_order("alice", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                                  quantity=D("0.001"), price=D(price), time_in_force=TimeInForce.GTC,
                                                  new_client_order_id=client_id, spot=True))


def test_each_placements_listener_hears_the_first_fills_of_its_own_orders_only() -> None:
    exchange = make_exchange()
    heard_a: list[Order] = []
    heard_b: list[Order] = []
    with exchange.placing_for(heard_a.append):
        spot_bid(exchange, "a", "29000")
    with exchange.placing_for(heard_b.append):
        spot_bid(exchange, "b", "28000")
    spot_bid(exchange, "nobody's", "27000")  # placed naming no listener
    exchange.trade("BTCUSDT", D("29000"), D("0.0005"))  # a's first fill, a part
    exchange.set_price("BTCUSDT", D("26000"))  # a's second fill, b's and the third order's first
    assert [o.client_order_id for o in heard_a] == ["a"]
    assert [o.client_order_id for o in heard_b] == ["b"]


def test_orders_that_end_unfilled_are_forgotten_so_the_table_stays_bounded() -> None:
    exchange = make_exchange()
    heard: list[Order] = []
    with exchange.placing_for(heard.append):
        for n in range(3 * context.FIRST_FILL_PRUNE_MIN):
            placed = spot_bid(exchange, f"bid-{n}", "29000")
            exchange.cancel_order("alice", "BTCUSDT", order_id=placed.order.order_id, spot=True)
        spot_bid(exchange, "kept", "29000")
    assert len(exchange._ctx.first_fill_listeners) <= context.FIRST_FILL_PRUNE_MIN
    exchange.set_price("BTCUSDT", D("28000"))
    assert [o.client_order_id for o in heard] == ["kept"]
