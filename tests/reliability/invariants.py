"""Whole-exchange invariants, reported as a list of violations (empty when all hold).

The same rules as the engine's property tests, checked on any exchange state, live or
restored from a snapshot:

- no order filled beyond its quantity; executed quantities match the trades;
- at most one leg of an OCO pair executes (an OTOCO's pending pair is an OCO);
- no pending leg goes live (or trades) before its working order is FILLED;
- per asset, to the last satoshi, over every wallet (spot and margin: transfers move funds
  between them and create none): what the accounts hold equals the configured holdings
  plus loans minus repayments plus trade flows minus commission, and the commission is
  what ``fees_collected`` says; borrowed and interest follow the loan records;
- locked balances equal what open orders reserve; nothing is negative;
- order, list and trade ids are unique and sequential keys of their records.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any

from mock_exchange.config import ExchangeConfig
from mock_exchange.core.enums import OrderStatus, Side
from mock_exchange.core.order_lists import ListKind

ZERO = Decimal(0)
Totals = dict[str, dict[str, Decimal]]


def configured_totals(config: ExchangeConfig) -> Totals:
    """Per asset, over every configured account (spot, cross and isolated): held, borrowed, interest."""
    totals: Totals = defaultdict(lambda: defaultdict(Decimal))
    for account in config.accounts:
        books = [account.spot, account.cross, *account.isolated.values()]
        for balances in books:
            for asset, spec in balances.items():
                totals[asset]["held"] += spec.free
                totals[asset]["borrowed"] += spec.borrowed
                totals[asset]["interest"] += spec.interest
    return totals


def held_totals(state: Any) -> Totals:
    totals: Totals = defaultdict(lambda: defaultdict(Decimal))
    for account in state.accounts.values():
        for margin in (account.spot, *account.margin_accounts()):
            for asset, entry in margin.balances.items():
                totals[asset]["held"] += entry.free + entry.locked
                totals[asset]["borrowed"] += entry.borrowed
                totals[asset]["interest"] += entry.interest
    return totals


SPOT_RESERVE = "|SPOT"  # the reservations key of spot wallets (never a symbol)


def violations(state: Any, start: Totals) -> list[str]:
    """Every broken invariant of ``state`` (an ``ExchangeState``) against the starting totals."""
    found: list[str] = []
    trades_by_order: dict[int, list[Any]] = defaultdict(list)
    flow: dict[str, Decimal] = defaultdict(Decimal)
    fees: dict[str, Decimal] = defaultdict(Decimal)
    for key, trade in state.trades.items():
        if (trade.symbol, trade.trade_id) != key:
            found.append(f"trade key {key} holds trade {trade.symbol} {trade.trade_id}")
        trades_by_order[trade.order_id].append(trade)
        spec = state.symbols[trade.symbol]
        sign = 1 if trade.side is Side.BUY else -1
        flow[spec.base_asset] += sign * trade.qty
        flow[spec.quote_asset] -= sign * trade.qty * trade.price
        flow[trade.commission_asset] -= trade.commission
        fees[trade.commission_asset] += trade.commission
    found += _conservation(state, start, flow, fees)
    found += _orders(state, trades_by_order)
    found += _lists(state, trades_by_order)
    return found


def _conservation(state: Any, start: Totals, flow: dict[str, Decimal], fees: dict[str, Decimal]) -> list[str]:
    found = []
    loans: Totals = defaultdict(lambda: defaultdict(Decimal))
    for record in state.borrow_history:
        sign = 1 if record.type == "BORROW" else -1
        loans[record.asset]["held"] += sign * record.amount
        loans[record.asset]["principal"] += sign * record.principal
        if record.type == "REPAY":
            loans[record.asset]["interest_paid"] += record.interest
    now = held_totals(state)
    for asset in sorted(set(now) | set(start) | set(flow) | set(state.fees_collected)):
        expected = start[asset]["held"] + loans[asset]["held"] + flow[asset]
        if now[asset]["held"] != expected:
            found.append(f"{asset}: accounts hold {now[asset]['held']}, expected {expected}")
        principal = start[asset]["borrowed"] + loans[asset]["principal"]
        if now[asset]["borrowed"] != principal:
            found.append(f"{asset}: borrowed {now[asset]['borrowed']}, loans say {principal}")
        interest = start[asset]["interest"] + state.interest_charged.get(asset, ZERO) - loans[asset]["interest_paid"]
        if now[asset]["interest"] != interest:
            found.append(f"{asset}: interest {now[asset]['interest']}, ledger says {interest}")
        if fees[asset] != state.fees_collected.get(asset, ZERO):
            found.append(f"{asset}: commissions {fees[asset]} != fees_collected {state.fees_collected.get(asset)}")
    return found


def _orders(state: Any, trades_by_order: dict[int, list[Any]]) -> list[str]:
    found = []
    reserved: dict[tuple[str, str | None, str], Decimal] = defaultdict(Decimal)
    for order_id, order in state.orders.items():
        if order.order_id != order_id:
            found.append(f"order key {order_id} holds order {order.order_id}")
        trades = trades_by_order[order.order_id]
        if not ZERO <= order.executed_qty <= order.quantity:
            found.append(f"order {order_id}: executed {order.executed_qty} of {order.quantity}")
        if order.executed_qty != sum((t.qty for t in trades), ZERO):
            found.append(f"order {order_id}: executed {order.executed_qty} but trades sum to another quantity")
        if order.cummulative_quote_qty != sum((t.qty * t.price for t in trades), ZERO):
            found.append(f"order {order_id}: cummulativeQuoteQty does not match its trades")
        if (order.status is OrderStatus.FILLED) != (order.executed_qty == order.quantity):
            found.append(f"order {order_id}: status {order.status} with {order.executed_qty}/{order.quantity}")
        if order.locked_amount < 0 or (not order.is_open and order.locked_amount != 0):
            found.append(f"order {order_id}: {order.status} still locks {order.locked_amount}")
        elif order.is_open and order.locked_amount:
            # A spot order reserves in the spot wallet, a margin order in its margin account.
            wallet = SPOT_RESERVE if order.spot else order.symbol if order.isolated else None
            reserved[(order.account, wallet, order.locked_asset)] += order.locked_amount
    for name, account in state.accounts.items():
        for asset, entry in account.spot.balances.items():
            expected = reserved.pop((name, SPOT_RESERVE, asset), ZERO)
            if entry.locked != expected:
                found.append(f"{name}/spot {asset}: locked {entry.locked}, open orders reserve {expected}")
        for margin in account.margin_accounts():
            for asset, entry in margin.balances.items():
                if min(entry.free, entry.locked, entry.borrowed, entry.interest) < 0:
                    found.append(f"{name}/{margin.isolated_symbol or 'cross'} {asset}: negative balance {entry}")
                expected = reserved.pop((name, margin.isolated_symbol, asset), ZERO)
                if entry.locked != expected:
                    found.append(f"{name}/{margin.isolated_symbol or 'cross'} {asset}: locked {entry.locked}, "
                                 f"open orders reserve {expected}")
    found += [f"{key}: open orders reserve {amount} in no balance" for key, amount in reserved.items() if amount]
    return found


def _lists(state: Any, trades_by_order: dict[int, list[Any]]) -> list[str]:
    found = []
    for list_id, order_list in state.order_lists.items():
        legs = [state.orders.get(oid) for oid in order_list.order_ids]
        if order_list.order_list_id != list_id or any(leg is None for leg in legs):
            found.append(f"list {list_id}: bad key or unknown leg")
            continue
        if order_list.kind is ListKind.OCO:
            pair = legs
        elif order_list.kind is ListKind.OTOCO:
            pair = legs[1:]
        else:
            pair = []
        executed = [leg.order_id for leg in pair if leg.executed_qty > 0 or leg.triggered]
        if len(executed) > 1:
            found.append(f"list {list_id} ({order_list.kind}): legs {executed} both executed")
        if order_list.kind is not ListKind.OCO:
            found += _pending_legs(list_id, legs, trades_by_order)
        if order_list.is_open and not any(leg.is_open for leg in legs):
            found.append(f"list {list_id}: EXECUTING with every leg final")
    return found


def _pending_legs(list_id: int, legs: list[Any], trades_by_order: dict[int, list[Any]]) -> list[str]:
    found = []
    working = legs[0]
    working_trades = [t.trade_id for t in trades_by_order[working.order_id]]
    for leg in legs[1:]:
        went_live = leg.status is not OrderStatus.PENDING_NEW and (
            leg.executed_qty > 0 or leg.triggered or leg.working_time_ms >= 0 or leg.trailing_time_ms >= 0
            or leg.status is OrderStatus.NEW)
        if went_live and working.status is not OrderStatus.FILLED:
            found.append(f"list {list_id}: pending leg {leg.order_id} live while working order is {working.status}")
        for trade in trades_by_order[leg.order_id]:
            if not working_trades or trade.trade_id <= max(working_trades):
                found.append(f"list {list_id}: pending leg {leg.order_id} traded before its working order filled")
    return found
