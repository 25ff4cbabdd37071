"""Liquidation of a margin account (the cross account, or one isolated pair on its own).

Binance liquidates a margin account whose margin level reaches the force-liquidation bar
(margin FAQ: "all assets will be liquidated to pay back the interest and loan"); a user may
also ask for it (``POST /sapi/v1/margin/manual-liquidation``). The fake does it in one step,
in this order (sources and choices: docs/behaviour.md, "Liquidation"):

1. Every open order and order list of the account is cancelled (an isolated pair: only the
   pair's), in order-id order, a list as a whole, as ``DELETE openOrders`` would.
2. Each owed asset is repaid from its own free balance, interest first.
3. What is still owed is bought back: collateral is sold (or the owed asset bought) by
   liquidation orders, ``LIMIT`` / ``GTC`` at the symbol's index price, filled at once as
   takers, with client ids ``autoclose-<ms><6 digits>``; each pays the liquidation fee
   (``margin.liquidation_fee_rate``) on what it brings in, instead of the trading
   commission. The proceeds repay the debt, interest first. Debts go largest first (by
   value), collateral largest first, on the pair of the two assets, or through one bridge
   asset when they have none (BNB -> USDT -> BTC).
4. Debt that no asset could pay (the account was under water, or had nothing to sell into
   it) is written off (Binance's insurance fund takes it), so no liability is left
   unbacked. What is left after the debts stays in the account.

Balances are conserved: every unit moves through a recorded fill, repayment, commission or
write-off, the ledgers the invariant tests add up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from mock_exchange.core import funding, lifecycle, matching, valuation
from mock_exchange.core.accounts import MarginAccount
from mock_exchange.core.config import SymbolConfig
from mock_exchange.core.context import EngineContext
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import ExecutionType, OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.margin_risk import valuation_asset
from mock_exchange.core.orders import Order
from mock_exchange.core.state import LiquidationRecord, WriteOff, is_cross_scope, scope_key

CLIENT_ID_PREFIX = "autoclose-"
QTY_QUANTUM = Decimal("0.00000001")


@dataclass
class Repaid:
    """What a liquidation paid back of one owed asset, and what it sold to do so."""

    asset: str
    principal: Decimal = ZERO
    interest: Decimal = ZERO
    # The asset sold to raise it and how much of it was spent (the owed asset itself when
    # its own free balance paid). One row per owed asset and asset sold.
    sold_asset: str = ""
    sold_qty: Decimal = ZERO


@dataclass
class LiquidationOutcome:
    """One liquidation: the orders it cancelled and placed, what it repaid and wrote off."""

    # What was owed when the liquidation began, largest debt (by value) first.
    owed_assets: list[str] = field(default_factory=list)
    cancelled_order_ids: list[int] = field(default_factory=list)
    order_ids: list[int] = field(default_factory=list)
    repaid: list[Repaid] = field(default_factory=list)
    write_offs: list[WriteOff] = field(default_factory=list)


def client_order_id(ctx: EngineContext) -> str:
    """``autoclose-`` + the time in ms + a 6-digit sequence (the form of Binance's liquidation ids)."""
    return f"{CLIENT_ID_PREFIX}{ctx.now()}{ctx.ids.next('liquidation') % 1_000_000:06d}"


def liquidate(ctx: EngineContext, account: str, isolated_symbol: str | None, *,
              forced: bool = True) -> LiquidationOutcome:
    """Cancel the account's orders, sell collateral, repay every debt; write off what is left."""
    outcome = LiquidationOutcome()
    _cancel_open(ctx, account, isolated_symbol, outcome)
    margin = ctx.margin_account(account, isolated_symbol)
    repaid: dict[tuple[str, str], Repaid] = {}
    outcome.owed_assets = _owed_assets(ctx, account, isolated_symbol)
    for asset in outcome.owed_assets:
        entry = margin.balance(asset)
        if entry.free > 0:
            result, _ = funding.repay(ctx, account, isolated_symbol, asset, entry.liability, "AUTO",
                                      by_liquidation=True)
            _add(repaid, asset, result.principal, result.interest, asset, result.amount)
    ctx.flush_balances()
    for asset in _owed_assets(ctx, account, isolated_symbol):
        for collateral in _collateral(ctx, account, isolated_symbol, asset):
            if margin.balance(asset).liability <= 0:
                break
            _buy_back(ctx, account, isolated_symbol, asset, collateral, forced, outcome, repaid)
    for asset in sorted(a for a, e in margin.balances.items() if e.liability > 0):
        entry = margin.balance(asset)
        write_off = WriteOff(account, isolated_symbol, asset, entry.borrowed, entry.interest, ctx.now())
        entry.borrowed = entry.interest = ZERO
        ctx.state.add_write_off(write_off)
        outcome.write_offs.append(write_off)
        ctx.mark(account, isolated_symbol, asset)
    ctx.flush_balances()
    outcome.repaid = list(repaid.values())
    return outcome


def largest_debt(outcome: LiquidationOutcome) -> Repaid | None:
    """What was repaid of the largest debt, with the asset spent most on it (None: nothing owed)."""
    for asset in outcome.owed_assets:
        rows = [row for row in outcome.repaid if row.asset == asset]
        if rows:
            spent = max(rows, key=lambda row: (row.principal + row.interest, row.sold_asset != asset))
            return Repaid(asset, sum((r.principal for r in rows), ZERO), sum((r.interest for r in rows), ZERO),
                          spent.sold_asset, spent.sold_qty)
    return None


def _add(repaid: dict[tuple[str, str], Repaid], asset: str, principal: Decimal, interest: Decimal, sold_asset: str,
         sold_qty: Decimal) -> None:
    if principal + interest <= 0:
        return
    row = repaid.setdefault((asset, sold_asset), Repaid(asset, sold_asset=sold_asset))
    row.principal += principal
    row.interest += interest
    row.sold_qty += sold_qty


def _cancel_open(ctx: EngineContext, account: str, isolated_symbol: str | None, outcome: LiquidationOutcome) -> None:
    """Every open order and list of the account (or pair), in order-id order; a list as a whole."""
    scopes = ctx.state.open_orders.get(account, {})
    if isolated_symbol is None:
        keys = [key for key in scopes if is_cross_scope(key)]
    else:
        keys = [scope_key(isolated_symbol, True)]
    order_ids = sorted(oid for key in keys for oid in scopes.get(key, {}))
    for order_id in order_ids:
        order = ctx.state.orders[order_id]
        if not order.is_open:
            continue  # cancelled with its list
        outcome.cancelled_order_ids.append(order_id)
        order_list = lifecycle.list_of(ctx, order)
        cancel_id = ctx.ids.client_id()
        if order_list is not None and order_list.is_open:
            outcome.cancelled_order_ids.extend(oid for oid in order_list.order_ids
                                               if oid != order_id and ctx.state.orders[oid].is_open)
            lifecycle.cancel_order_list(ctx, order_list, cancel_id)
        else:
            lifecycle.cancel_single(ctx, order, cancel_id)


def _value(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str, amount: Decimal) -> Decimal:
    margin = ctx.state.accounts[account].margin_account(isolated_symbol)
    in_asset = valuation_asset(margin, ctx.state.symbols)
    return valuation.asset_value(amount, asset, ctx.state.symbols, ctx.index_prices(), in_asset)


def _owed_assets(ctx: EngineContext, account: str, isolated_symbol: str | None) -> list[str]:
    """Assets still owed, largest debt (by value) first, then by name."""
    margin = ctx.state.accounts[account].margin_account(isolated_symbol)
    owed = [(asset, entry.liability) for asset, entry in margin.balances.items() if entry.liability > 0]
    return [asset for asset, amount in sorted(
        owed, key=lambda item: (-_value(ctx, account, isolated_symbol, item[0], item[1]), item[0]))]


def _collateral(ctx: EngineContext, account: str, isolated_symbol: str | None, owed: str) -> list[str]:
    """Assets with free balance and no debt of their own, largest value first, then by name."""
    margin = ctx.state.accounts[account].margin_account(isolated_symbol)
    held = [(asset, entry.free) for asset, entry in margin.balances.items()
            if asset != owed and entry.free > 0 and entry.liability <= 0]
    return [asset for asset, amount in sorted(
        held, key=lambda item: (-_value(ctx, account, isolated_symbol, item[0], item[1]), item[0]))]


def _market(ctx: EngineContext, isolated_symbol: str | None, owed: str, collateral: str) -> SymbolConfig | None:
    """The symbol trading ``collateral`` against ``owed`` directly (an isolated pair: its own only)."""
    if isolated_symbol is not None:
        spec = ctx.symbol(isolated_symbol)
        return spec if {spec.base_asset, spec.quote_asset} == {owed, collateral} else None
    for name in sorted(ctx.state.symbols):
        spec = ctx.state.symbols[name]
        if spec.margin_enabled and {spec.base_asset, spec.quote_asset} == {owed, collateral}:
            return spec
    return None


def _net(qty: Decimal, price: Decimal, side: Side, fee_rate: Decimal) -> Decimal:
    """What a liquidation fill of ``qty`` brings in after the fee."""
    get = qty if side is Side.BUY else qty * price
    return get - funding.commission(get, fee_rate)


def _quantity(side: Side, owed: Decimal, price: Decimal, fee_rate: Decimal, available: Decimal) -> Decimal:
    """The smallest 8-decimal quantity whose net proceeds cover ``owed``, within what can be spent."""
    gross = owed / (1 - fee_rate)
    wanted = (gross if side is Side.BUY else gross / price).quantize(QTY_QUANTUM, rounding=ROUND_UP)
    while _net(wanted, price, side, fee_rate) < owed:
        wanted += QTY_QUANTUM
    if not available.is_finite():
        return wanted
    most = available if side is Side.SELL else (available / price).quantize(QTY_QUANTUM, rounding=ROUND_DOWN)
    return min(wanted, most)


def _spend_for(ctx: EngineContext, spec: SymbolConfig, target: str, needed: Decimal) -> Decimal:
    """How much of the other asset of ``spec`` one liquidation order spends to bring ``needed`` of ``target``."""
    price = ctx.index_prices().index_price(spec.symbol)
    side = Side.BUY if spec.base_asset == target else Side.SELL
    qty = _quantity(side, needed, price, ctx.config.margin.liquidation_fee_rate, Decimal("Infinity"))
    return qty * price if side is Side.BUY else qty


def _convert(ctx: EngineContext, account: str, isolated_symbol: str | None, spec: SymbolConfig, target: str,
             needed: Decimal, forced: bool, outcome: LiquidationOutcome) -> tuple[Decimal, Decimal]:
    """One liquidation order turning the other asset of ``spec`` into ``needed`` of ``target`` (as far
    as the account's free balance goes); (net amount of ``target`` received, amount spent)."""
    margin = ctx.margin_account(account, isolated_symbol)
    source = spec.quote_asset if spec.base_asset == target else spec.base_asset
    price = ctx.index_prices().index_price(spec.symbol)
    side = Side.BUY if spec.base_asset == target else Side.SELL
    fee_rate = ctx.config.margin.liquidation_fee_rate
    qty = _quantity(side, needed, price, fee_rate, margin.free(source))
    if qty <= 0 or _net(qty, price, side, fee_rate) <= 0:
        return ZERO, ZERO
    now = ctx.now()
    order = Order(
        order_id=ctx.ids.next("order"), symbol=spec.symbol, account=account, isolated=isolated_symbol is not None,
        client_order_id=client_order_id(ctx), side=side, type=OrderType.LIMIT, quantity=qty, time_ms=now,
        price=price, time_in_force=TimeInForce.GTC, side_effect_type=SideEffectType.NO_SIDE_EFFECT,
        auto_repay_at_cancel=False, update_time_ms=now, working_time_ms=now, lock_price=price,
    )
    ctx.state.add_order(order)
    funding.lock(ctx, order, funding.required_lock(order))
    ctx.emit_order(order, ExecutionType.NEW)
    fill = matching.execute(ctx, order, qty, price, is_maker=False, fee_rate=fee_rate)
    ctx.state.add_liquidation(LiquidationRecord(order.order_id, account, isolated_symbol, now, forced))
    outcome.order_ids.append(order.order_id)
    received = fill.qty - fill.commission if side is Side.BUY else fill.qty * fill.price - fill.commission
    return received, (qty if side is Side.SELL else qty * price)


def _buy_back(ctx: EngineContext, account: str, isolated_symbol: str | None, owed_asset: str, collateral: str,
              forced: bool, outcome: LiquidationOutcome, repaid: dict[tuple[str, str], Repaid]) -> None:
    """Turn ``collateral`` into ``owed_asset`` and repay with it: directly, or through one bridge asset.

    Without a market between the two (e.g. BNB for a BTC debt), the collateral is first sold for
    an asset that trades against both and owes nothing (BNB -> USDT -> BTC), only as much as the
    second order needs.
    """
    margin = ctx.margin_account(account, isolated_symbol)
    spec = _market(ctx, isolated_symbol, owed_asset, collateral)
    if spec is None:
        bridge = _bridge(ctx, isolated_symbol, owed_asset, collateral, margin)
        if bridge is None:
            return
        onward = _market(ctx, isolated_symbol, owed_asset, bridge)
        first = _market(ctx, isolated_symbol, bridge, collateral)
        assert onward is not None and first is not None
        wanted = _spend_for(ctx, onward, owed_asset, margin.balance(owed_asset).liability) - margin.free(bridge)
        if wanted > 0:
            _, sold = _convert(ctx, account, isolated_symbol, first, bridge, wanted, forced, outcome)
            ctx.flush_balances()
        else:
            sold = ZERO
        received, _ = _convert(ctx, account, isolated_symbol, onward, owed_asset, margin.balance(owed_asset).liability,
                               forced, outcome)
    else:
        received, sold = _convert(ctx, account, isolated_symbol, spec, owed_asset,
                                  margin.balance(owed_asset).liability, forced, outcome)
    if received <= 0:
        return
    result, _ = funding.repay(ctx, account, isolated_symbol, owed_asset, received, "AUTO", by_liquidation=True)
    _add(repaid, owed_asset, result.principal, result.interest, collateral, sold)
    ctx.flush_balances()


def _bridge(ctx: EngineContext, isolated_symbol: str | None, owed: str, collateral: str,
            margin: MarginAccount) -> str | None:
    """An asset owing nothing that trades directly against both ``owed`` and ``collateral`` (by name)."""
    if isolated_symbol is not None:
        return None  # an isolated pair has its two assets only
    assets = sorted({a for spec in ctx.state.symbols.values() if spec.margin_enabled
                     for a in (spec.base_asset, spec.quote_asset)} - {owed, collateral})
    for asset in assets:
        if margin.balance(asset).liability > 0:
            continue
        if _market(ctx, None, owed, asset) is not None and _market(ctx, None, asset, collateral) is not None:
            return asset
    return None
