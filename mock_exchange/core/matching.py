"""The matching engine: orders meeting the market, fills, stop triggers, pending legs going live.

The market is the counterparty of every order (accounts never trade with each other):

- An order marketable on arrival (MARKET; a LIMIT that crosses the reference price)
  fills in full at once as a taker at the reference price (unlimited liquidity).
- Resting limits fill only when a print crosses them, as makers at their own limit
  price; a :func:`apply_print` with a quantity fills them only up to that quantity, in
  price-time priority (partial fills).
- Stops trigger on the last price; STOP_LOSS / TAKE_PROFIT then fill as takers at the
  triggering print, *_LIMIT orders become limits at their price (taking at once if
  marketable). Trailing stops follow spec §6.5.

One print is processed in passes until nothing changes: (1) waiting stops crossed by
the print, nearest to the previous last price first; (2) tracking trailing stops in the
order they started tracking; (3) resting limits crossed, best price first, then time.
Pending legs an execution places take part in the next pass.
"""

from __future__ import annotations

from decimal import Decimal

from mock_exchange.core import funding, lifecycle
from mock_exchange.core.context import EngineContext
from mock_exchange.core.enums import ExecutionType, ExpiryReason, OrderStatus, OrderType, Side, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.order_list_pair import PairLeg, leg_problem, pair_problem
from mock_exchange.core.order_lists import ListKind, OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.requests import Fill
from mock_exchange.core.rules import is_marketable

BIPS = Decimal(10000)
_MARKET_TYPES = (OrderType.MARKET, OrderType.STOP_LOSS, OrderType.TAKE_PROFIT)


# -- one fill ----------------------------------------------------------------------------


def execute(ctx: EngineContext, order: Order, qty: Decimal, price: Decimal, is_maker: bool,
            fee_rate: Decimal | None = None) -> Fill:
    """One fill of an open order: money, trade record, status, executionReport."""
    fee, fee_asset, received = funding.settle_fill(ctx, order, qty, price, is_maker, fee_rate)
    now = ctx.now()
    first_fill = not order.executed_qty
    order.executed_qty += qty
    order.cummulative_quote_qty += qty * price
    order.update_time_ms = now
    # The public tape: the buyer was the maker when this order is a maker BUY or a taker SELL.
    # Its per-symbol trade id is the fill's id everywhere (myTrades, executionReport), as on Binance.
    printed = ctx.market.record_fill(order.symbol, price, qty, (order.side is Side.BUY) == is_maker,
                                     None if is_maker else order.order_id, now, ctx.log.last_seq)
    trade_id = printed.trade_id
    ctx.state.add_trade(Trade(
        trade_id=trade_id, order_id=order.order_id, order_list_id=order.order_list_id, symbol=order.symbol,
        account=order.account, isolated=order.isolated, side=order.side, price=price, qty=qty,
        quote_qty=qty * price, commission=fee, commission_asset=fee_asset, time_ms=now, is_maker=is_maker,
        spot=order.spot,
    ))
    if order.remaining_qty <= 0:
        order.status = OrderStatus.FILLED
        funding.release(ctx, order)
        ctx.state.order_closed(order)
    else:
        order.status = OrderStatus.PARTIALLY_FILLED
    fill = Fill(price=price, qty=qty, commission=fee, commission_asset=fee_asset, trade_id=trade_id,
                is_maker=is_maker)
    ctx.emit_order(order, ExecutionType.TRADE, fill=fill)
    funding.auto_repay(ctx, order, fee_asset, received)
    if first_fill and order.spot and order.order_id != ctx.arriving_order_id:
        ctx.tell_first_fill(order)
    return fill


def take(ctx: EngineContext, order: Order, price: Decimal, fills: list[Fill]) -> None:
    """A taker execution of the whole remaining quantity at ``price``.

    A BUY stop that gapped above its reservation pays the difference from free balance
    (borrowing it under MARGIN_BUY / AUTO_BORROW_REPAY); when it cannot, the order
    EXPIRES with reason REJECTED.
    """
    qty = order.remaining_qty
    short = funding.shortfall(ctx, order, qty, price)
    if short > 0:
        asset = funding.spend_asset(ctx, order)
        iso = order.symbol if order.isolated else None
        borrow = funding.borrow_plan(ctx, order.account, iso, asset, short, order.side_effect_type, order.spot)
        if isinstance(borrow, BinanceError):
            lifecycle.close(ctx, order, OrderStatus.EXPIRED, reason=ExpiryReason.REJECTED)
            return
        if borrow > 0:
            funding.borrow(ctx, order.account, iso, asset, borrow, "AUTO")
            order.borrowed_asset = asset
            order.borrowed_amount += borrow
    fills.append(execute(ctx, order, qty, price, is_maker=False))


def _expire_unfilled(ctx: EngineContext, order: Order) -> None:
    reason = (ExpiryReason.UNFILLED_FOK_ORDER_EXPIRED if order.time_in_force is TimeInForce.FOK
              else ExpiryReason.UNFILLED_IOC_QUANTITY_EXPIRED)
    lifecycle.close(ctx, order, OrderStatus.EXPIRED, reason=reason)


def work_as_limit(ctx: EngineContext, order: Order, price: Decimal, fills: list[Fill]) -> None:
    """A limit order (new, or a triggered *_LIMIT) meets the market at ``price``."""
    if is_marketable(order.side, order.price, price):
        take(ctx, order, price, fills)
    elif order.time_in_force in (TimeInForce.IOC, TimeInForce.FOK):
        _expire_unfilled(ctx, order)
    else:
        ctx.state.book.rest(order)


# -- arrival, triggers, pending legs -------------------------------------------------------


def arrive(ctx: EngineContext, order: Order, price: Decimal, fills: list[Fill]) -> None:
    """A new open order meets the market at ``price``: fill, rest, wait or expire."""
    if order.type is OrderType.MARKET:
        take(ctx, order, price, fills)
    elif order.type is OrderType.LIMIT_MAKER:
        ctx.state.book.rest(order)  # validated not to take
    elif order.type is OrderType.LIMIT:
        work_as_limit(ctx, order, price, fills)
    elif order.trailing_delta is not None and not order.stop_price:
        start_tracking(ctx, order, price)
    else:
        ctx.state.book.wait_for_trigger(order)
    after_execution(ctx, order, price)


def start_tracking(ctx: EngineContext, order: Order, price: Decimal) -> None:
    """A trailing stop starts following the best price from ``price`` (spec §6.5)."""
    ctx.state.book.remove(order)
    order.trailing_time_ms = ctx.now()
    order.trailing_extreme = price
    ctx.state.book.track_trailing(order)


def trigger(ctx: EngineContext, order: Order, price: Decimal, fills: list[Fill]) -> None:
    """A waiting stop fires at ``price``: its OCO sibling expires, it works as market or limit."""
    ctx.state.book.remove(order)
    lifecycle.expire_sibling_for(ctx, order)
    now = ctx.now()
    order.triggered = True
    order.is_working = True
    order.working_time_ms = now
    order.update_time_ms = now
    if order.type in _MARKET_TYPES:
        take(ctx, order, price, fills)
    else:
        work_as_limit(ctx, order, price, fills)


def after_execution(ctx: EngineContext, order: Order, price: Decimal) -> None:
    """An OTO / OTOCO working order finished: place its pending legs, or expire them."""
    order_list = lifecycle.list_of(ctx, order)
    if order_list is None or order_list.working_order_id != order.order_id:
        return
    if order.status is OrderStatus.FILLED:
        activate_pending(ctx, order_list, price)
    elif order.status is OrderStatus.EXPIRED:
        lifecycle.expire_pending(ctx, order_list, ExpiryReason.OTO_PHASE_ONE_EXPIRED)


def activate_pending(ctx: EngineContext, order_list: OrderList, price: Decimal) -> None:
    """Pending legs go on the book at the working order's fill price ``price``.

    They meet the same engine rules as a new placement against ``price``; a leg that
    would take as LIMIT_MAKER, a stop that would trigger at once, an OTOCO pair whose
    prices do not straddle ``price``, or missing funds make them all EXPIRE with reason
    REJECTED (spec §6.3).
    """
    legs = lifecycle.pending_legs(ctx, order_list)
    if not legs:
        return
    for leg in legs:
        if leg.type is OrderType.MARKET or (leg.side is Side.BUY and not leg.lock_price):
            leg.lock_price = price
    borrow = _pending_borrow(ctx, order_list, legs, price)
    if borrow is None:
        lifecycle.expire_pending(ctx, order_list, ExpiryReason.REJECTED)
        return
    holder = legs[0]
    iso = holder.symbol if holder.isolated else None
    if borrow > 0:
        asset = funding.spend_asset(ctx, holder)
        funding.borrow(ctx, holder.account, iso, asset, borrow, "AUTO")
        holder.borrowed_asset = asset
        holder.borrowed_amount += borrow
    funding.lock(ctx, holder, _pending_lock(legs))
    now = ctx.now()
    for leg in legs:
        leg.status = OrderStatus.NEW
        leg.is_working = not leg.type.is_stop
        leg.working_time_ms = now if leg.is_working else -1
        leg.update_time_ms = now
        ctx.emit_order(leg, ExecutionType.NEW)
    fills: list[Fill] = []
    for leg in legs:
        if leg.is_open:
            arrive(ctx, leg, price, fills)


def _pending_lock(legs: list[Order]) -> Decimal:
    """One reservation for the legs: an OCO pair reserves for its dearer leg."""
    return max(funding.required_lock(leg) for leg in legs)


def _pending_borrow(ctx: EngineContext, order_list: OrderList, legs: list[Order], price: Decimal) -> Decimal | None:
    """The loan the legs need, or None when they must be rejected.

    The legs meet the placement rules against ``price``: an OTOCO's pair the whole
    order-list pair rule, an OTO's one pending leg its own part of it; then funding.
    """
    if order_list.kind is ListKind.OTOCO and len(legs) == 2:
        below, above = _below_above(legs)
        if pair_problem(_pair_leg(above), _pair_leg(below), price) is not None:
            return None
    elif any(leg_problem(_pair_leg(leg), price) is not None for leg in legs):
        return None
    holder = legs[0]
    iso = holder.symbol if holder.isolated else None
    borrow = funding.borrow_plan(ctx, holder.account, iso, funding.spend_asset(ctx, holder), _pending_lock(legs),
                                 holder.side_effect_type, holder.spot)
    return None if isinstance(borrow, BinanceError) else borrow


def _pair_leg(order: Order) -> PairLeg:
    return PairLeg(order.side, order.type, order.price, order.stop_price, order.trailing_delta)


def _below_above(legs: list[Order]) -> tuple[Order, Order]:
    """An OTOCO pair's (below, above) legs; the pair stores which is which in ``list_role``."""
    first, second = legs
    return (first, second) if first.list_role == "below" else (second, first)


# -- market events -------------------------------------------------------------------------


def apply_print(ctx: EngineContext, symbol: str, price: Decimal, qty: Decimal | None,
                is_buyer_maker: bool | None = None) -> None:
    """A market print at ``price``; ``qty`` None means unlimited liquidity for resting orders.

    ``is_buyer_maker`` says which side the untaken rest traded on (a replayed aggTrade
    knows it); None leaves it to the tick rule.
    """
    previous = ctx.market.begin_print(symbol, price, ctx.now(), ctx.log.last_seq)
    liquidity = qty
    while True:
        progressed = _trigger_stops(ctx, symbol, price)
        progressed |= _follow_trailing(ctx, symbol, price)
        if liquidity is None or liquidity > 0:
            filled, liquidity = _fill_crossed(ctx, symbol, price, liquidity)
            progressed |= filled
        if not progressed:
            break
    # What no resting order took trades at the print's price; a bare move stays a price point.
    ctx.market.end_print(symbol, price, liquidity, previous, ctx.now(), is_buyer_maker,
                         after_seq=ctx.log.last_seq)


def _trigger_stops(ctx: EngineContext, symbol: str, price: Decimal) -> bool:
    book = ctx.state.book.of(symbol)
    progressed = False
    for index, order_id in [(book.rising, oid) for oid in book.rising.at_or_below(price)] + [
        (book.falling, oid) for oid in book.falling.at_or_above(price)
    ]:
        order = ctx.state.orders[order_id]
        if not order.is_open or not index.contains(order.stop_price, order_id):
            continue
        progressed = True
        if order.trailing_delta is not None and order.trailing_time_ms < 0:
            start_tracking(ctx, order, price)  # the stop price only starts the tracking
            continue
        trigger(ctx, order, price, [])
        lifecycle.finish_step(ctx, order)
    return progressed


def _follow_trailing(ctx: EngineContext, symbol: str, price: Decimal) -> bool:
    book = ctx.state.book.of(symbol)
    progressed = False
    for order_id in list(book.trailing):
        order = ctx.state.orders[order_id]
        if not order.is_open or order_id not in book.trailing:
            continue
        extreme = order.trailing_extreme if order.trailing_extreme is not None else price
        delta = Decimal(order.trailing_delta or 0) / BIPS
        if order.side is Side.SELL:
            fire = price < extreme and price <= extreme * (1 - delta)
            order.trailing_extreme = max(extreme, price)
        else:
            fire = price > extreme and price >= extreme * (1 + delta)
            order.trailing_extreme = min(extreme, price)
        if fire:
            trigger(ctx, order, price, [])
            lifecycle.finish_step(ctx, order)
            progressed = True
    return progressed


def _fill_crossed(ctx: EngineContext, symbol: str, price: Decimal,
                  liquidity: Decimal | None) -> tuple[bool, Decimal | None]:
    book = ctx.state.book.of(symbol)
    progressed = False
    for index, order_id in [(book.bids, oid) for oid in book.bids.at_or_above(price)] + [
        (book.asks, oid) for oid in book.asks.at_or_below(price)
    ]:
        if liquidity is not None and liquidity <= 0:
            break
        order = ctx.state.orders[order_id]
        if not order.is_open or not index.contains(order.price, order_id):
            continue
        qty = order.remaining_qty if liquidity is None else min(order.remaining_qty, liquidity)
        lifecycle.expire_sibling_for(ctx, order)
        execute(ctx, order, qty, order.price, is_maker=True)
        after_execution(ctx, order, order.price)
        lifecycle.finish_step(ctx, order)
        if liquidity is not None:
            liquidity -= qty
        progressed = True
    return progressed, liquidity
