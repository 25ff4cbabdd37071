"""Orders and trades as the exchange keeps them (snake_case; wire names live in web/)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import (
    ExpiryReason,
    OrderStatus,
    OrderType,
    SelfTradePreventionMode,
    Side,
    SideEffectType,
    TimeInForce,
)
from mock_exchange.core.records import clone, seldom_set, seldom_values, set_seldom_values
from mock_exchange.core.scopes import Scope, scope_of_flags

# Fields most orders leave at their defaults: no slot, stored only once set (core.records).
# Each one set costs a dict on that order, so only fields that stay default on nearly every
# order of a typical run belong here (not isolated / spot / side effect: whole accounts set them).
_SELDOM_SET = ("iceberg_qty", "trailing_delta", "quote_order_qty", "self_trade_prevention_mode",
               "auto_repay_at_cancel", "trailing_time_ms", "trailing_extreme", "borrowed_asset",
               "borrowed_amount")


@seldom_set(*_SELDOM_SET)
@dataclass(eq=False)
class Order:
    """One order, single or a leg of an order list."""

    order_id: int
    symbol: str
    account: str  # the owning account's name
    isolated: bool
    client_order_id: str
    side: Side
    type: OrderType
    quantity: Decimal
    time_ms: int
    price: Decimal = ZERO  # limit price; zero for MARKET / STOP_LOSS / TAKE_PROFIT
    stop_price: Decimal = ZERO
    iceberg_qty: Decimal = ZERO
    trailing_delta: int | None = None
    time_in_force: TimeInForce | None = None
    quote_order_qty: Decimal = ZERO
    status: OrderStatus = OrderStatus.NEW
    executed_qty: Decimal = ZERO
    cummulative_quote_qty: Decimal = ZERO
    order_list_id: int = -1
    self_trade_prevention_mode: SelfTradePreventionMode = SelfTradePreventionMode.EXPIRE_MAKER
    side_effect_type: SideEffectType = SideEffectType.NO_SIDE_EFFECT
    auto_repay_at_cancel: bool = True
    update_time_ms: int = 0
    working_time_ms: int = -1  # when it went on the book; -1 while pending / untriggered
    is_working: bool = True  # on the book (false for untriggered stops and pending legs)
    triggered: bool = False
    expiry_reason: ExpiryReason = ExpiryReason.NONE
    trailing_time_ms: int = -1
    trailing_extreme: Decimal | None = None  # best price since trailing started
    # Funds this order still holds locked, and what MARGIN_BUY borrowed for it.
    locked_asset: str = ""
    locked_amount: Decimal = ZERO
    borrowed_asset: str = ""
    borrowed_amount: Decimal = ZERO
    # The price a BUY's reservation is valued at (limit price, stop price, or the last
    # price for MARKET and trailing stops without a stop price); see core.funding.
    lock_price: Decimal = ZERO
    # The order's place in its list: "stop" / "limit" (OCO), "working" / "pending" (OTO),
    # "working" / "above" / "below" (OTOCO); "" for a single order.
    list_role: str = ""
    # Arrival order in the book's indexes (time priority within a price level); kept on
    # the order so a rebuilt book (after a restore) has the same priorities.
    book_seq: int = 0
    # The spot wallet's order (core.scopes); ``isolated`` names the margin account otherwise.
    spot: bool = False

    @property
    def scope(self) -> Scope:
        return scope_of_flags(self.isolated, self.spot)

    @property
    def remaining_qty(self) -> Decimal:
        # Unfilled: the quantity itself, so a reservation of it shares the object (no copy kept).
        executed = self.executed_qty
        return self.quantity - executed if executed else self.quantity

    @property
    def is_open(self) -> bool:
        return self.status.is_open


# What the engine changes on an order after placing it, as an event keeps it: status, executed and
# quote quantities, update and working times, is_working, triggered, expiry reason, the locked
# asset and amount, the lock price, the book sequence, and a copy of the seldom-set values
# (trailing-stop tracking and borrowing change; the rest of them are fixed). Every other field
# is fixed at placement, so an event reads it from the order itself (core.events).
OrderState = tuple[OrderStatus, Decimal, Decimal, int, int, bool, bool, ExpiryReason, str, Decimal, Decimal, int,
                   dict[str, Any] | None]


def order_state(order: Order) -> OrderState:
    """The order's changing fields as they are now."""
    values = seldom_values(order)
    return (order.status, order.executed_qty, order.cummulative_quote_qty, order.update_time_ms,
            order.working_time_ms, order.is_working, order.triggered, order.expiry_reason, order.locked_asset,
            order.locked_amount, order.lock_price, order.book_seq, None if values is None else dict(values))


def order_as_of(order: Order, state: OrderState) -> Order:
    """A copy of ``order`` with its changing fields as ``state`` recorded them."""
    copy = clone(order)
    (copy.status, copy.executed_qty, copy.cummulative_quote_qty, copy.update_time_ms, copy.working_time_ms,
     copy.is_working, copy.triggered, copy.expiry_reason, copy.locked_asset, copy.locked_amount, copy.lock_price,
     copy.book_seq, values) = state
    set_seldom_values(copy, None if values is None else dict(values))
    return copy


@dataclass(slots=True, eq=False)
class Trade:
    """One fill of one order (GET /sapi/v1/margin/myTrades)."""

    trade_id: int
    order_id: int
    order_list_id: int
    symbol: str
    account: str
    isolated: bool
    side: Side
    price: Decimal
    qty: Decimal
    quote_qty: Decimal
    commission: Decimal
    commission_asset: str
    time_ms: int
    is_maker: bool
    spot: bool = False  # a fill of a spot order (core.scopes)

    @property
    def scope(self) -> Scope:
        return scope_of_flags(self.isolated, self.spot)

    @property
    def is_buyer(self) -> bool:
        return self.side is Side.BUY
