"""Seldom-set fields (core.records): read and written like fields, stored only once set."""

from __future__ import annotations

from decimal import Decimal

from mock_exchange.core.enums import OrderType, SelfTradePreventionMode, Side
from mock_exchange.core.orders import Order
from mock_exchange.core.records import clone, seldom_values
from mock_exchange.core.snapshot import decode_dataclass, encode


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
