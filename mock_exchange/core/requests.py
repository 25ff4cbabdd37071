"""Placement requests and the results the engine hands back, as typed domain values.

The HTTP layer parses the wire (strings, presence rules, -1102 / -1106) and builds these;
the engine applies the semantic rules. ``None`` means "not sent". Results carry
snapshots (copies) of orders and lists as they were when the response was made, which
is not always their state a moment later (an OTO's pending leg is reported PENDING_NEW
even when the working order filled at once, spec §6.3).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mock_exchange.core.enums import OrderType, SelfTradePreventionMode, Side, SideEffectType, TimeInForce
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order


@dataclass(frozen=True, kw_only=True)
class PlacementOptions:
    """What every placement carries besides its orders (keyword-only): its scope, and for margin
    its borrowing side effect and ``autoRepayAtCancel`` (core.scopes: spot ignores both)."""

    isolated: bool = False
    spot: bool = False  # the spot wallet (``isolated`` is then False)
    side_effect_type: SideEffectType = SideEffectType.NO_SIDE_EFFECT
    auto_repay_at_cancel: bool = True
    self_trade_prevention_mode: SelfTradePreventionMode | None = None


MarginOptions = PlacementOptions  # the name margin requests were built with


@dataclass(frozen=True)
class NewOrder(MarginOptions):
    """POST /sapi/v1/margin/order."""

    symbol: str
    side: Side
    type: OrderType
    quantity: Decimal | None = None
    quote_order_qty: Decimal | None = None  # MARKET only, instead of quantity
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    time_in_force: TimeInForce | None = None
    new_client_order_id: str | None = None


@dataclass(frozen=True)
class NewOco(MarginOptions):
    """POST /sapi/v1/margin/order/oco: a LIMIT_MAKER leg and a STOP_LOSS(_LIMIT) leg."""

    symbol: str
    side: Side
    quantity: Decimal
    price: Decimal  # the LIMIT_MAKER leg
    stop_price: Decimal
    stop_limit_price: Decimal | None = None  # present: the stop leg is STOP_LOSS_LIMIT
    stop_limit_time_in_force: TimeInForce | None = None
    limit_iceberg_qty: Decimal | None = None
    stop_iceberg_qty: Decimal | None = None
    list_client_order_id: str | None = None
    limit_client_order_id: str | None = None
    stop_client_order_id: str | None = None


@dataclass(frozen=True)
class LegSpec:
    """One order of an OTO / OTOCO (working*, pending*, pendingAbove*, pendingBelow* params)."""

    type: OrderType
    side: Side
    quantity: Decimal
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None
    iceberg_qty: Decimal | None = None
    time_in_force: TimeInForce | None = None
    client_order_id: str | None = None


@dataclass(frozen=True)
class NewOrderListOco(PlacementOptions):
    """POST /api/v3/orderList/oco: an OCO named by its above and below legs (same side and quantity)."""

    symbol: str
    above: LegSpec
    below: LegSpec
    list_client_order_id: str | None = None


@dataclass(frozen=True)
class NewOto(MarginOptions):
    """POST /sapi/v1/margin/order/oto: a working order, then one pending order."""

    symbol: str
    working: LegSpec
    pending: LegSpec
    list_client_order_id: str | None = None


@dataclass(frozen=True)
class NewOtoco(MarginOptions):
    """POST /sapi/v1/margin/order/otoco: a working order, then a pending OCO pair."""

    symbol: str
    working: LegSpec
    pending_above: LegSpec
    pending_below: LegSpec
    list_client_order_id: str | None = None


# -- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class Fill:
    """One fill as ``fills[]`` of a FULL response shows it."""

    price: Decimal
    qty: Decimal
    commission: Decimal
    commission_asset: str
    trade_id: int
    is_maker: bool = False


@dataclass
class PlacementResult:
    """A single order accepted: its state at response time and what filled at once."""

    order: Order
    fills: list[Fill] = field(default_factory=list)
    margin_buy_borrow_amount: Decimal | None = None  # set only when the order borrowed
    margin_buy_borrow_asset: str | None = None
    transact_time_ms: int = 0


@dataclass
class ListPlacementResult:
    """An OCO / OTO / OTOCO accepted: the list and its orders in display order (spec §5.3)."""

    order_list: OrderList
    orders: list[Order]
    fills: dict[int, list[Fill]] = field(default_factory=dict)  # by order id
    margin_buy_borrow_amount: Decimal | None = None
    margin_buy_borrow_asset: str | None = None
    transaction_time_ms: int = 0


@dataclass
class ListCancelResult:
    """An order list cancelled: legs keep their own client ids; the cancel has its own (spec §5.4)."""

    order_list: OrderList
    orders: list[Order]  # snapshots after the cancel, in display order
    cancel_client_order_id: str
    transaction_time_ms: int


@dataclass
class OrderCancelResult:
    """A single order cancelled; ``order_list`` is set when the order was a leg of an open list."""

    order: Order  # snapshot after the cancel; ``client_order_id`` is the order's own id
    cancel_client_order_id: str  # the response's ``clientOrderId``
    transaction_time_ms: int
    order_list: ListCancelResult | None = None

    @property
    def orig_client_order_id(self) -> str:
        return self.order.client_order_id


@dataclass(frozen=True, slots=True)
class CommissionRates:
    """The commission rates an account's trades on one symbol pay (Exchange.commission_rates)."""

    maker: Decimal
    taker: Decimal
    buyer: Decimal = Decimal(0)
    seller: Decimal = Decimal(0)
