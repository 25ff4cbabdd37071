"""Placing single orders and OCO / OTO / OTOCO lists: validate everything, then mutate.

Each ``place_*`` builds a :class:`Draft` (pure: checks in Binance's order, see
``placement_checks``), and only then :func:`commit` assigns ids, borrows, reserves funds,
emits the NEW events and lets the active orders meet the market. A rejected request
touches no state: not even the id counters or the client-id generator.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mock_exchange.core import filters, funding, lifecycle, matching
from mock_exchange.core import placement_checks as checks
from mock_exchange.core.accounts import Account
from mock_exchange.core.config import SymbolConfig
from mock_exchange.core.context import EngineContext
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import (
    ExecutionType,
    OrderStatus,
    OrderType,
    SelfTradePreventionMode,
    Side,
    SideEffectType,
    TimeInForce,
)
from mock_exchange.core.errors import filter_failure, invalid_order_type
from mock_exchange.core.order_list_pair import PairLeg, pair_problem
from mock_exchange.core.order_lists import ListKind, OrderList
from mock_exchange.core.orders import Order
from mock_exchange.core.records import clone
from mock_exchange.core.requests import (
    Fill,
    LegSpec,
    ListPlacementResult,
    NewOco,
    NewOrder,
    NewOrderListOco,
    NewOto,
    NewOtoco,
    PlacementOptions,
    PlacementResult,
)
from mock_exchange.core.rules import market_quantity

_WORKING_TYPES = (OrderType.LIMIT, OrderType.LIMIT_MAKER)


@dataclass
class LegDraft:
    """One validated order, not created yet."""

    type: OrderType
    side: Side
    quantity: Decimal
    price: Decimal = ZERO
    stop_price: Decimal | None = None  # None: not sent; one sent as 0 stays 0, for PRICE_FILTER to see
    trailing_delta: int | None = None
    iceberg_qty: Decimal = ZERO
    time_in_force: TimeInForce = TimeInForce.GTC
    client_order_id: str | None = None
    quote_order_qty: Decimal = ZERO
    lock_price: Decimal = ZERO
    list_role: str = ""
    pending: bool = False


@dataclass
class Draft:
    """A validated request: its legs in display order and its funding."""

    account: Account
    symbol: SymbolConfig
    isolated: bool
    side_effect: SideEffectType
    auto_repay_at_cancel: bool
    stp_mode: SelfTradePreventionMode
    legs: list[LegDraft]
    kind: ListKind | None = None
    list_client_order_id: str | None = None
    holder: int = 0  # index of the leg that carries the reservation
    lock_amount: Decimal = ZERO
    borrow_amount: Decimal = ZERO
    borrow_asset: str = ""
    working: int | None = None  # index of an OTO / OTOCO working order
    spot: bool = False  # the spot wallet (core.scopes): no borrowing, no side effects


# -- drafts ------------------------------------------------------------------------------


def _filter_order(leg: LegDraft) -> filters.FilterOrder:
    return filters.FilterOrder(
        side=leg.side, type=leg.type, quantity=leg.quantity if not leg.quote_order_qty else None,
        price=leg.price if leg.type.has_limit_price else None, stop_price=leg.stop_price,
        iceberg_qty=leg.iceberg_qty or None, trailing_delta=leg.trailing_delta,
        quote_order_qty=leg.quote_order_qty or None,
    )


def _lock_price(leg: LegDraft, last: Decimal) -> Decimal:
    if leg.type.has_limit_price:
        return leg.price
    if leg.type.is_stop and leg.stop_price:
        return leg.stop_price
    return last  # MARKET, or a trailing stop without a stop price


def _leg(spec: LegSpec, role: str, pending: bool) -> LegDraft:
    return LegDraft(
        type=spec.type, side=spec.side, quantity=spec.quantity, price=spec.price or ZERO,
        stop_price=spec.stop_price, trailing_delta=spec.trailing_delta,
        iceberg_qty=spec.iceberg_qty or ZERO, time_in_force=spec.time_in_force or TimeInForce.GTC,
        client_order_id=spec.client_order_id, list_role=role, pending=pending,
    )


def _market_step(spec: SymbolConfig) -> Decimal:
    for name in ("MARKET_LOT_SIZE", "LOT_SIZE"):
        item = spec.filter(name)
        if item is not None and Decimal(str(item.get("stepSize", "0"))) > 0:
            return Decimal(str(item["stepSize"]))
    return ZERO


def _fund(ctx: EngineContext, draft: Draft) -> None:
    """Last check: the reservation, and the loan that covers its shortfall."""
    holder = draft.legs[draft.holder]
    asset = draft.symbol.quote_asset if holder.side is Side.BUY else draft.symbol.base_asset
    iso = draft.symbol.symbol if draft.isolated else None
    draft.borrow_asset = asset
    draft.borrow_amount = funding.plan_borrow(ctx, draft.account.name, iso, asset, draft.lock_amount,
                                              draft.side_effect, draft.spot)


def _new_draft(account: Account, spec: SymbolConfig, request: PlacementOptions, legs: list[LegDraft],
               **extra: Any) -> Draft:
    """A draft in the request's scope; a spot placement carries no margin side effect."""
    return Draft(account, spec, request.isolated and not request.spot,
                 SideEffectType.NO_SIDE_EFFECT if request.spot else request.side_effect_type,
                 request.auto_repay_at_cancel and not request.spot,
                 request.self_trade_prevention_mode or SelfTradePreventionMode.EXPIRE_MAKER, legs,
                 spot=request.spot, **extra)


def draft_order(ctx: EngineContext, account: Account, request: NewOrder) -> Draft:
    """Validate a single order (all checks, no mutation)."""
    spec = checks.check_access(ctx, account, request.symbol, request.isolated, spot=request.spot)
    last = ctx.market.last_price(spec.symbol)
    leg = LegDraft(
        type=request.type, side=request.side, quantity=request.quantity or ZERO, price=request.price or ZERO,
        stop_price=request.stop_price, trailing_delta=request.trailing_delta,
        iceberg_qty=request.iceberg_qty or ZERO, time_in_force=request.time_in_force or TimeInForce.GTC,
        client_order_id=request.new_client_order_id, quote_order_qty=request.quote_order_qty or ZERO,
    )
    checks.check_filters(ctx, account, spec, request.isolated, [_filter_order(leg)], is_list=False,
                         spot=request.spot)
    if leg.type is OrderType.MARKET and leg.quote_order_qty:
        leg.quantity = market_quantity(leg.quote_order_qty, last, _market_step(spec))
        if leg.quantity <= 0:
            raise filter_failure("LOT_SIZE")
    if leg.type is OrderType.LIMIT_MAKER:
        checks.check_maker(leg.side, leg.price, last)
    if leg.type.is_stop:
        checks.check_stop(leg.type, leg.side, leg.stop_price, last)
    checks.check_client_ids(ctx, account.name, [leg.client_order_id], spot=request.spot)
    leg.lock_price = _lock_price(leg, last)
    draft = _new_draft(account, spec, request, [leg])
    draft.lock_amount = _reservation(leg)
    _fund(ctx, draft)
    return draft


def draft_oco(ctx: EngineContext, account: Account, request: NewOco) -> Draft:
    """Validate an OCO: stop leg then LIMIT_MAKER leg, one reservation for the pair."""
    spec = checks.check_access(ctx, account, request.symbol, request.isolated, ListKind.OCO, request.spot)
    last = ctx.market.last_price(spec.symbol)
    stop = LegDraft(
        type=OrderType.STOP_LOSS_LIMIT if request.stop_limit_price is not None else OrderType.STOP_LOSS,
        side=request.side, quantity=request.quantity, price=request.stop_limit_price or ZERO,
        stop_price=request.stop_price, iceberg_qty=request.stop_iceberg_qty or ZERO,
        time_in_force=request.stop_limit_time_in_force or TimeInForce.GTC,
        client_order_id=request.stop_client_order_id, list_role="stop",
    )
    limit = LegDraft(
        type=OrderType.LIMIT_MAKER, side=request.side, quantity=request.quantity, price=request.price,
        iceberg_qty=request.limit_iceberg_qty or ZERO, client_order_id=request.limit_client_order_id,
        list_role="limit",
    )
    legs = [stop, limit]  # display order: stop leg first (spec §5.3)
    checks.check_filters(ctx, account, spec, request.isolated, [_filter_order(leg) for leg in legs], is_list=True,
                         spot=request.spot)
    # Margin's legacy names: a SELL's LIMIT_MAKER leg is the one above, a BUY's the one below.
    above, below = (limit, stop) if request.side is Side.SELL else (stop, limit)
    return _oco_draft(ctx, account, spec, request, above, below, legs, last)


def _pair_display(above: LegDraft, below: LegDraft) -> list[LegDraft]:
    """An OCO pair in display order: the stop-type leg first; below first when both are."""
    return [above, below] if above.type.is_stop and not below.type.is_stop else [below, above]


def draft_pair_oco(ctx: EngineContext, account: Account, request: NewOrderListOco) -> Draft:
    """Validate an OCO given as above / below legs (spot orderList/oco): one reservation for the pair."""
    spec = checks.check_access(ctx, account, request.symbol, request.isolated, ListKind.OCO, request.spot)
    last = ctx.market.last_price(spec.symbol)
    checks.check_pair_positions(request.above.side, request.above.type, request.below.type)
    above = _leg(request.above, "above", pending=False)
    below = _leg(request.below, "below", pending=False)
    legs = _pair_display(above, below)
    checks.check_filters(ctx, account, spec, request.isolated, [_filter_order(leg) for leg in legs], is_list=True,
                         spot=request.spot)
    return _oco_draft(ctx, account, spec, request, above, below, legs, last)


def _oco_draft(ctx: EngineContext, account: Account, spec: SymbolConfig, request: NewOco | NewOrderListOco,
               above: LegDraft, below: LegDraft, legs: list[LegDraft], last: Decimal) -> Draft:
    """An OCO after its filters, either naming: the pair rule (core/order_list_pair.py), client ids,
    then one reservation for the pair (the larger leg's lock)."""
    problem = pair_problem(_pair_leg(above), _pair_leg(below), last)
    if problem is not None:
        raise problem.error()
    checks.check_client_ids(ctx, account.name, [leg.client_order_id for leg in legs], request.list_client_order_id,
                            spot=request.spot)
    for leg in legs:
        leg.lock_price = _lock_price(leg, last)
    draft = _new_draft(account, spec, request, legs, kind=ListKind.OCO,
                       list_client_order_id=request.list_client_order_id)
    draft.lock_amount = max(_reservation(leg) for leg in legs)
    _fund(ctx, draft)
    return draft


def draft_oto(ctx: EngineContext, account: Account, request: NewOto | NewOtoco) -> Draft:
    """An OTO, or an OTOCO (``pending_above`` / ``pending_below``)."""
    is_otoco = isinstance(request, NewOtoco)
    kind = ListKind.OTOCO if is_otoco else ListKind.OTO
    spec = checks.check_access(ctx, account, request.symbol, request.isolated, kind, request.spot)
    last = ctx.market.last_price(spec.symbol)
    if request.working.type not in _WORKING_TYPES:
        raise invalid_order_type()
    working = _leg(request.working, "working", pending=False)
    if isinstance(request, NewOtoco):
        checks.check_pair_positions(request.pending_above.side, request.pending_above.type,
                                    request.pending_below.type)
        above = _leg(request.pending_above, "above", pending=True)
        below = _leg(request.pending_below, "below", pending=True)
        legs = [working, *_pair_display(above, below)]
    else:
        legs = [working, _leg(request.pending, "pending", pending=True)]
    checks.check_filters(ctx, account, spec, request.isolated, [_filter_order(leg) for leg in legs], is_list=True,
                         spot=request.spot)
    if is_otoco:
        # The pending pair meets the market at the working order's fill price, unknown yet.
        problem = pair_problem(_pair_leg(above), _pair_leg(below), reference=None)
        if problem is not None:
            raise problem.error()
    if working.type is OrderType.LIMIT_MAKER:
        checks.check_maker(working.side, working.price, last)
    checks.check_client_ids(ctx, account.name, [leg.client_order_id for leg in legs], request.list_client_order_id,
                            spot=request.spot)
    for leg in legs:
        if leg.type is not OrderType.MARKET:
            leg.lock_price = _lock_price(leg, last) if leg.type.has_limit_price or leg.stop_price else ZERO
    draft = _new_draft(account, spec, request, legs, kind=kind, list_client_order_id=request.list_client_order_id,
                       working=0)
    draft.lock_amount = _reservation(working)
    _fund(ctx, draft)
    return draft


def _pair_leg(leg: LegDraft) -> PairLeg:
    return PairLeg(leg.side, leg.type, leg.price, leg.stop_price, leg.trailing_delta)


def _reservation(leg: LegDraft) -> Decimal:
    """What the leg's order will need reserved (``funding.required_lock`` of an unfilled order)."""
    return funding.reservation(leg.side, leg.quantity, leg.lock_price)


# -- commit ------------------------------------------------------------------------------


def commit(ctx: EngineContext, draft: Draft) -> tuple[list[Order], OrderList | None, list[Order]]:
    """Create the orders (and list), fund them, report NEW; returns (orders, list, response view).

    The response view holds the orders as the placement response shows them: pending
    legs as PENDING_NEW even when the working order has already filled.
    """
    now = ctx.now()
    iso = draft.symbol.symbol if draft.isolated else None
    order_list_id = ctx.ids.next("order_list") if draft.kind is not None else -1
    orders = []
    for leg in draft.legs:
        order_id = ctx.ids.next("order")
        client_id = leg.client_order_id or ctx.ids.client_id()
        is_working = not leg.type.is_stop and not leg.pending
        orders.append(Order(
            order_id=order_id, symbol=draft.symbol.symbol, account=draft.account.name, isolated=draft.isolated,
            client_order_id=client_id, side=leg.side, type=leg.type, quantity=leg.quantity, time_ms=now,
            price=leg.price, stop_price=leg.stop_price or ZERO, iceberg_qty=leg.iceberg_qty,
            trailing_delta=leg.trailing_delta, time_in_force=leg.time_in_force,
            quote_order_qty=leg.quote_order_qty,
            status=OrderStatus.PENDING_NEW if leg.pending else OrderStatus.NEW, order_list_id=order_list_id,
            self_trade_prevention_mode=draft.stp_mode, side_effect_type=draft.side_effect,
            auto_repay_at_cancel=draft.auto_repay_at_cancel, update_time_ms=now,
            working_time_ms=now if is_working else -1, is_working=is_working, lock_price=leg.lock_price,
            list_role=leg.list_role, spot=draft.spot,
        ))
    order_list = None
    if draft.kind is not None:
        order_list = OrderList(
            order_list_id=order_list_id, kind=draft.kind, symbol=draft.symbol.symbol, account=draft.account.name,
            isolated=draft.isolated, list_client_order_id=draft.list_client_order_id or ctx.ids.client_id(),
            transaction_time_ms=now, order_ids=[o.order_id for o in orders],
            working_order_id=orders[draft.working].order_id if draft.working is not None else None,
            spot=draft.spot,
        )
    for order in orders:
        ctx.state.add_order(order)
        ctx.note_placed(order)
    if order_list is not None:
        ctx.state.add_order_list(order_list)
    holder = orders[draft.holder]
    if draft.borrow_amount > 0:
        asset = funding.spend_asset(ctx, holder)
        funding.borrow(ctx, draft.account.name, iso, asset, draft.borrow_amount, "AUTO")
        holder.borrowed_asset = asset
        holder.borrowed_amount = draft.borrow_amount
    funding.lock(ctx, holder, draft.lock_amount)
    for order in orders:
        ctx.emit_order(order, ExecutionType.NEW)
    if order_list is not None:
        ctx.emit_list(order_list)
    view = [clone(order) for order in orders]
    return orders, order_list, view


def place_order(ctx: EngineContext, account: Account, request: NewOrder) -> PlacementResult:
    """Commit a validated single order and let it meet the market."""
    draft = draft_order(ctx, account, request)
    (order,), _, _ = commit(ctx, draft)
    fills: list[Fill] = []
    _arrive_placed(ctx, order, ctx.market.last_price(order.symbol), fills)
    ctx.flush_balances()
    return PlacementResult(
        order=clone(order), fills=fills,
        margin_buy_borrow_amount=draft.borrow_amount if draft.borrow_amount > 0 else None,
        margin_buy_borrow_asset=draft.borrow_asset if draft.borrow_amount > 0 else None,
        transact_time_ms=order.time_ms,
    )


def _arrive_placed(ctx: EngineContext, order: Order, price: Decimal, fills: list[Fill]) -> None:
    """A placed order meets the market; a first fill now is its placement's to count (web/pipeline)."""
    ctx.arriving_order_id = order.order_id
    try:
        matching.arrive(ctx, order, price, fills)
    finally:
        ctx.arriving_order_id = -1


def place_list(ctx: EngineContext, draft: Draft) -> ListPlacementResult:
    """Commit a validated list; OCO legs wait, an OTO's working order meets the market."""
    orders, order_list, view = commit(ctx, draft)
    assert order_list is not None
    list_view = clone(order_list)
    last = ctx.market.last_price(order_list.symbol)
    seq_before = ctx.log.last_seq
    fills: list[Fill] = []
    if draft.kind is ListKind.OCO:
        # Neither leg can execute on arrival (checked), so the NEW view stands.
        for order in orders:
            matching.arrive(ctx, order, last, fills)
    else:
        working = orders[draft.working or 0]
        _arrive_placed(ctx, working, last, fills)
        view[draft.working or 0] = clone(working)
    if ctx.log.last_seq != seq_before:
        lifecycle.refresh_list(ctx, order_list)
    ctx.flush_balances()
    return ListPlacementResult(
        order_list=list_view, orders=view,
        fills={orders[draft.working or 0].order_id: fills} if fills else {},
        margin_buy_borrow_amount=draft.borrow_amount if draft.borrow_amount > 0 else None,
        margin_buy_borrow_asset=draft.borrow_asset if draft.borrow_amount > 0 else None,
        transaction_time_ms=order_list.transaction_time_ms,
    )
