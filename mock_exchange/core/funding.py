"""Funds held by orders, loans and repayments, and the money side of a fill.

An open order's reservation lives on the order (``locked_asset`` / ``locked_amount``),
so at any moment an asset's ``locked`` balance equals the sum over the account's open
orders (the invariant the tests check). An OCO pair reserves once: the reservation sits
on one leg and moves to the leg that executes when the other expires.

What an order needs reserved (spec §8.3): a SELL its remaining base quantity; a BUY its
remaining quantity times its ``lock_price`` (the limit price; the stop price for
STOP_LOSS / TAKE_PROFIT; the last price for MARKET and for trailing stops without a
stop price).
"""

from __future__ import annotations

from decimal import ROUND_UP, Decimal

from mock_exchange.core import margin_risk, valuation
from mock_exchange.core.accounts import RepayResult
from mock_exchange.core.context import EngineContext, isolated_symbol_of
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import Side, SideEffectType
from mock_exchange.core.errors import BinanceError, borrow_not_allowed, exceed_max_borrowable, insufficient_balance
from mock_exchange.core.events import LiabilityEvent
from mock_exchange.core.orders import Order
from mock_exchange.core.state import BorrowRepayRecord

FEE_QUANTUM = Decimal("0.00000001")


def spend_asset(ctx: EngineContext, order: Order) -> str:
    """The asset an order pays with: quote for a BUY, base for a SELL."""
    spec = ctx.symbol(order.symbol)
    return spec.quote_asset if order.side is Side.BUY else spec.base_asset


def receive_asset(ctx: EngineContext, order: Order) -> str:
    spec = ctx.symbol(order.symbol)
    return spec.base_asset if order.side is Side.BUY else spec.quote_asset


def required_lock(order: Order, quantity: Decimal | None = None) -> Decimal:
    """What ``quantity`` (default: the remaining quantity) of the order must have reserved."""
    return reservation(order.side, order.remaining_qty if quantity is None else quantity, order.lock_price)


def reservation(side: Side, quantity: Decimal, lock_price: Decimal) -> Decimal:
    """What ``quantity`` needs reserved: a SELL the base quantity, a BUY the quantity at ``lock_price``."""
    return quantity if side is Side.SELL else quantity * lock_price


def lock(ctx: EngineContext, order: Order, amount: Decimal) -> None:
    """Reserve ``amount`` of the order's spend asset for it (the caller checked it is free)."""
    asset = spend_asset(ctx, order)
    if amount > 0:
        ctx.wallet_of(order).lock(asset, amount)
        ctx.mark_order(order, asset)
    order.locked_asset = asset
    # The first reservation keeps ``amount`` itself (often the order's quantity: one object less).
    order.locked_amount = order.locked_amount + amount if order.locked_amount else amount


def release(ctx: EngineContext, order: Order, amount: Decimal | None = None) -> None:
    """Give back ``amount`` (default: all) of the order's reservation."""
    amount = order.locked_amount if amount is None else amount
    if amount <= 0:
        return
    ctx.wallet_of(order).unlock(order.locked_asset, amount)
    ctx.mark_order(order, order.locked_asset)
    order.locked_amount -= amount


def transfer_hold(source: Order, target: Order) -> None:
    """Move an OCO pair's reservation and loan record to the leg that carries on."""
    if source is target:
        return
    if source.locked_amount > 0:
        target.locked_asset = source.locked_asset
        target.locked_amount += source.locked_amount
        source.locked_amount = ZERO
    if source.borrowed_amount > 0:
        target.borrowed_asset = source.borrowed_asset
        target.borrowed_amount += source.borrowed_amount
        source.borrowed_amount = ZERO


def rebalance(ctx: EngineContext, order: Order) -> None:
    """Release what the order holds beyond its own requirement (after an OCO sibling expired)."""
    excess = order.locked_amount - required_lock(order)
    if excess > 0:
        release(ctx, order, excess)


def shortfall(ctx: EngineContext, order: Order, qty: Decimal, price: Decimal) -> Decimal:
    """Extra free funds a BUY fill at ``price`` needs beyond its reservation (a stop gapping up)."""
    if order.side is Side.SELL:
        return ZERO
    available = order.locked_amount - required_lock(order, order.remaining_qty - qty)
    return max(qty * price - available, ZERO)


def max_borrowable(ctx: EngineContext, account: str, isolated_symbol: str | None,
                   asset: str) -> tuple[Decimal, Decimal]:
    """(borrowable now, borrow limit) of ``asset`` in one margin account."""
    margin = ctx.margin_account(account, isolated_symbol)
    return valuation.max_borrowable(margin, asset, ctx.config.margin, ctx.state.symbols, ctx.index_prices())


def borrow_plan(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str, amount: Decimal,
                side_effect: SideEffectType, spot: bool = False) -> Decimal | BinanceError:
    """How much must be borrowed so ``amount`` can be reserved (spec §8.2: only the shortfall).

    Or why it cannot be, as the error a placement answers with (returned, not raised:
    matching expires an order on it): -2010 insufficient balance without a borrowing side
    effect (always in the spot wallet, which never borrows), -3008 from a margin call on,
    -3006 when the shortfall is over the max borrowable.
    """
    short = amount - ctx.wallet(account, isolated_symbol, spot).free(asset)
    if short <= 0:
        return ZERO
    if spot or not side_effect.borrows:
        return insufficient_balance()
    if not margin_risk.borrow_allowed(ctx, account, isolated_symbol):
        return borrow_not_allowed()
    available, _ = max_borrowable(ctx, account, isolated_symbol, asset)
    if short > available:
        return exceed_max_borrowable()
    return short


def plan_borrow(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str, amount: Decimal,
                side_effect: SideEffectType, spot: bool = False) -> Decimal:
    """:func:`borrow_plan` for a placement: the loan, or its error raised."""
    plan = borrow_plan(ctx, account, isolated_symbol, asset, amount, side_effect, spot)
    if isinstance(plan, BinanceError):
        raise plan
    return plan


def borrow(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str, amount: Decimal,
           kind: str = "MANUAL") -> int:
    """Lend ``amount`` of ``asset``: free and borrowed grow, a record and an event are written."""
    ctx.margin_account(account, isolated_symbol).borrow(asset, amount)
    tran_id = ctx.ids.next("tran")
    now = ctx.now()
    ctx.state.borrow_history.append(BorrowRepayRecord(
        tran_id=tran_id, account=account, isolated_symbol=isolated_symbol, type="BORROW", asset=asset,
        amount=amount, principal=amount, interest=ZERO, time_ms=now, kind=kind,
    ))
    ctx.log.append(LiabilityEvent(
        seq=ctx.log.next_seq(), account=account, isolated_symbol=isolated_symbol, time_ms=now, asset=asset,
        type="BORROW", amount=amount, principal=amount, interest=ZERO, tran_id=tran_id,
    ))
    ctx.mark(account, isolated_symbol, asset)
    return tran_id


def repay(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str, amount: Decimal,
          kind: str = "MANUAL", by_liquidation: bool = False) -> tuple[RepayResult, int]:
    """Pay back up to ``amount`` from free balance, interest first (a zero repayment records nothing)."""
    result = ctx.margin_account(account, isolated_symbol).repay(asset, amount)
    if result.amount <= 0:
        return result, 0
    tran_id = ctx.ids.next("tran")
    now = ctx.now()
    ctx.state.borrow_history.append(BorrowRepayRecord(
        tran_id=tran_id, account=account, isolated_symbol=isolated_symbol, type="REPAY", asset=asset,
        amount=result.amount, principal=result.principal, interest=result.interest, time_ms=now, kind=kind,
        by_liquidation=by_liquidation,
    ))
    ctx.log.append(LiabilityEvent(
        seq=ctx.log.next_seq(), account=account, isolated_symbol=isolated_symbol, time_ms=now, asset=asset,
        type="REPAY", amount=-result.amount, principal=result.principal, interest=result.interest,
        tran_id=tran_id,
    ))
    ctx.mark(account, isolated_symbol, asset)
    return result, tran_id


def repay_order_loan(ctx: EngineContext, order: Order) -> None:
    """autoRepayAtCancel: pay back what the order borrowed, as far as free balance allows."""
    if order.spot or order.borrowed_amount <= 0 or not order.auto_repay_at_cancel:
        return
    repay(ctx, order.account, isolated_symbol_of(order), order.borrowed_asset, order.borrowed_amount, "AUTO")
    order.borrowed_amount = ZERO


def commission(amount: Decimal, rate: Decimal) -> Decimal:
    """Fee on ``amount`` received, rounded up to 8 decimals but never more than the amount."""
    return min((amount * rate).quantize(FEE_QUANTUM, rounding=ROUND_UP), amount)


def settle_fill(ctx: EngineContext, order: Order, qty: Decimal, price: Decimal,
                is_maker: bool, fee_rate: Decimal | None = None) -> tuple[Decimal, str, Decimal]:
    """Move the money of one fill; returns (commission, commission asset, net amount received).

    The order's ``executed_qty`` must not be updated yet; the caller checked
    :func:`shortfall` is covered by free balance. ``fee_rate`` replaces the maker / taker
    rate (a liquidation order pays the liquidation fee instead).
    """
    wallet = ctx.wallet_of(order)
    pay_asset, get_asset = spend_asset(ctx, order), receive_asset(ctx, order)
    pay = qty * price if order.side is Side.BUY else qty
    get = qty if order.side is Side.BUY else qty * price
    available = order.locked_amount - required_lock(order, order.remaining_qty - qty)
    from_lock = min(pay, available)
    wallet.spend_locked(pay_asset, from_lock)
    order.locked_amount -= from_lock
    if pay > from_lock:
        wallet.spend_free(pay_asset, pay - from_lock)
    elif available > from_lock:
        # A BUY filled below its lock price frees the difference at once.
        release(ctx, order, available - from_lock)
    ctx.mark_order(order, pay_asset)
    if fee_rate is None:
        fee_rate = ctx.config.fees.maker if is_maker else ctx.config.fees.taker
    fee = commission(get, fee_rate)
    wallet.credit(get_asset, get - fee)
    ctx.state.add_fee(get_asset, fee)
    ctx.mark_order(order, get_asset)
    return fee, get_asset, get - fee


def auto_repay(ctx: EngineContext, order: Order, asset: str, received: Decimal) -> None:
    """AUTO_REPAY / AUTO_BORROW_REPAY: a fill's proceeds pay the received asset's debt (interest first)."""
    if order.spot or not order.side_effect_type.repays:
        return
    iso = isolated_symbol_of(order)
    liability = ctx.margin_account(order.account, iso).balance(asset).liability
    if liability > 0 and received > 0:
        repay(ctx, order.account, iso, asset, min(received, liability), "AUTO")
