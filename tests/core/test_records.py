"""Seldom-set fields (core.records): read and written like fields, stored only once set."""

from __future__ import annotations

from decimal import Decimal

from mock_exchange.core.enums import OrderType, SelfTradePreventionMode, Side, SideEffectType, TimeInForce
from mock_exchange.core.orders import Order
from mock_exchange.core.records import clone, seldom_values
from mock_exchange.core.requests import NewOco, NewOrder
from mock_exchange.core.snapshot import decode_dataclass, encode
from tests.core.engine_helpers import D, make_exchange


def _order(**fields: object) -> Order:
    return Order(order_id=1, symbol="BTCUSDT", account="a", isolated=False, client_order_id="c", side=Side.BUY,
                 type=OrderType.LIMIT, quantity=Decimal("1"), time_ms=5, **fields)  # type: ignore[arg-type]


def test_defaults_are_read_without_being_stored() -> None:
    order = _order()
    assert (order.iceberg_qty, order.trailing_delta, order.auto_repay_at_cancel, order.borrowed_asset) == (0, None,
                                                                                                            True, "")
    assert order.self_trade_prevention_mode is SelfTradePreventionMode.EXPIRE_MAKER
    assert seldom_values(order) is None
    order.trailing_extreme = None  # its default: still nothing stored
    assert seldom_values(order) is None


def test_set_values_are_kept_and_copies_are_independent() -> None:
    order = _order(trailing_delta=100)
    order.borrowed_asset, order.borrowed_amount = "USDT", Decimal("50")
    assert (order.trailing_delta, order.borrowed_asset, order.borrowed_amount) == (100, "USDT", Decimal("50"))
    copy = clone(order)
    copy.borrowed_amount += 1
    assert (order.borrowed_amount, copy.borrowed_amount, copy.trailing_delta) == (Decimal("50"), Decimal("51"), 100)


def test_snapshot_encoding_carries_every_field_either_way() -> None:
    plain, busy = _order(), _order(iceberg_qty=Decimal("0.1"), auto_repay_at_cancel=False)
    for order in (plain, busy):
        encoded = encode(order)
        assert set(encoded) >= {"iceberg_qty", "auto_repay_at_cancel", "borrowed_amount", "price", "status"}
        back = decode_dataclass(Order, encoded, "order")
        assert encode(back) == encoded
    assert encode(busy)["iceberg_qty"] == "0.1" and encode(busy)["auto_repay_at_cancel"] is False
    assert seldom_values(decode_dataclass(Order, encode(plain), "order")) is None


def test_placed_orders_store_only_what_they_set() -> None:
    ex = make_exchange()
    placed = ex.place_oco("bob", NewOco(symbol="BTCUSDT", side=Side.SELL, quantity=D("0.5"), price=D("31000"),
                                        stop_price=D("29000")))
    legs = [ex.state.orders[oid] for oid in placed.order_list.order_ids]
    assert [seldom_values(leg) for leg in legs] == [None, None]  # an OCO's legs set none of them
    borrowed = ex.place_order("poor", NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.1"),
                                               price=D("29000"), time_in_force=TimeInForce.GTC,
                                               side_effect_type=SideEffectType.MARGIN_BUY)).order
    kept = seldom_values(ex.state.orders[borrowed.order_id])
    assert kept is not None and kept["borrowed_asset"] == "USDT" and kept["borrowed_amount"] > 0
