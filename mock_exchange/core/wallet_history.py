"""The histories a margin bot reconciles against: transfers, interest charged, capital flow.

Every query runs on the exchange clock. The time-window rules are Binance's (each
endpoint's doc, cited in docs/wallets.md): no bounds means the last 7 days; the longest
window is 30 days (capital flow: 7 days); rows come newest first, a page at a time.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from mock_exchange.core import errors
from mock_exchange.core.context import EngineContext
from mock_exchange.core.enums import Side
from mock_exchange.core.orders import Trade
from mock_exchange.core.records import clone
from mock_exchange.core.state import CROSS_WALLET, ISOLATED_WALLET, InterestRecord, TransferRecord

DAY_MS = 24 * 60 * 60 * 1000
DEFAULT_DAYS = 7
MAX_WINDOW_DAYS = 30
CAPITAL_FLOW_MAX_DAYS = 7

T = TypeVar("T")


def window(now_ms: int, start: int | None, end: int | None, max_days: int = MAX_WINDOW_DAYS) -> tuple[int, int]:
    """The [start, end] a history query covers (Binance's defaults); -1127 past ``max_days``.

    Neither bound: the last 7 days. Only ``startTime``: from it (at most ``max_days`` back)
    to now. Only ``endTime``: the 7 days before it.
    """
    if start is not None and end is not None:
        if start > end:
            raise errors.invalid_param_value("startTime")  # (inferred)
        if end - start > max_days * DAY_MS:
            raise errors.lookup_interval_too_big(max_days * 24)
        return start, end
    if start is not None:
        return max(start, now_ms - max_days * DAY_MS), now_ms
    if end is not None:
        return end - DEFAULT_DAYS * DAY_MS, end
    return now_ms - DEFAULT_DAYS * DAY_MS, now_ms


def page(rows: list[T], current: int, size: int) -> tuple[list[T], int]:
    """Rows newest first, page ``current`` (from 1) of ``size``; with the total."""
    rows = list(reversed(rows))
    return [clone(row) for row in rows[(current - 1) * size: current * size]], len(rows)


def check_paging(current: int, size: int, max_size: int = 100) -> None:
    if current < 1:
        raise errors.invalid_param_value("current")
    if not 1 <= size <= max_size:
        raise errors.invalid_param_value("size")


def universal_transfers(ctx: EngineContext, account: str, type_: str, from_symbol: str | None,
                        to_symbol: str | None, start: int | None, end: int | None) -> list[TransferRecord]:
    """GET /sapi/v1/asset/transfer: one type's transfers (and isolated symbols, when given)."""
    low, high = window(ctx.now(), start, end, max_days=180)
    return [record for record in ctx.state.transfers
            if record.account == account and record.type == type_ and low <= record.time_ms <= high
            and (from_symbol is None or record.from_symbol == from_symbol)
            and (to_symbol is None or record.to_symbol == to_symbol)]


@dataclass(frozen=True)
class MarginTransfer:
    """A transfer seen from one margin account: ROLL_IN (funds arrived) or ROLL_OUT (funds left)."""

    record: TransferRecord
    direction: str


def margin_transfers(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str | None,
                     direction: str | None, start: int | None, end: int | None) -> list[MarginTransfer]:
    """GET /sapi/v1/margin/transfer: transfers in and out of the cross account, or of one isolated pair."""
    low, high = window(ctx.now(), start, end)
    return [moved for moved in _margin_moves(ctx, account, isolated_symbol)
            if low <= moved.record.time_ms <= high and asset in (None, moved.record.asset)
            and direction in (None, moved.direction)]


def _margin_moves(ctx: EngineContext, account: str, isolated_symbol: str | None) -> Iterator[MarginTransfer]:
    """Every transfer into (ROLL_IN) or out of (ROLL_OUT) one margin account, oldest first."""
    wallet = CROSS_WALLET if isolated_symbol is None else ISOLATED_WALLET
    for record in ctx.state.transfers:
        if record.account != account:
            continue
        if record.to_wallet == wallet and record.to_symbol == isolated_symbol:
            yield MarginTransfer(record, "ROLL_IN")
        if record.from_wallet == wallet and record.from_symbol == isolated_symbol:
            yield MarginTransfer(record, "ROLL_OUT")


def interest_history(ctx: EngineContext, account: str, isolated_symbol: str | None, asset: str | None,
                     start: int | None, end: int | None) -> list[InterestRecord]:
    """GET /sapi/v1/margin/interestHistory: the hourly charges of one margin account."""
    ctx.margin_account(account, isolated_symbol)  # accrue up to now first (and -11001)
    low, high = window(ctx.now(), start, end)
    return [record for record in ctx.state.interest_history
            if record.account == account and record.isolated_symbol == isolated_symbol
            and (asset is None or record.asset == asset) and low <= record.time_ms <= high]


def daily_rate_rows(ctx: EngineContext, asset: str, start: int | None, end: int | None,
                    max_days: int = MAX_WINDOW_DAYS) -> list[tuple[int, Decimal]]:
    """GET /sapi/v1/margin/interestRateHistory: (day start, daily rate), newest first.

    The configured rate never changes while the fake runs, so every day of the window shows
    it: one row per UTC day, stamped at midnight.
    """
    low, high = window(ctx.now(), start, end, max_days)
    daily = ctx.config.margin.interest_rate(asset) * 24
    first = -(-low // DAY_MS) * DAY_MS
    return [(day, daily) for day in range(high - high % DAY_MS, first - 1, -DAY_MS)]


@dataclass(frozen=True)
class CapitalFlow:
    """One row of GET /sapi/v1/margin/capital-flow (``amount`` signed: in positive, out negative)."""

    tran_id: int
    time_ms: int
    asset: str
    symbol: str | None
    type: str
    amount: Decimal


def capital_flow(ctx: EngineContext, account: str, isolated_symbol: str | None) -> list[CapitalFlow]:
    """Every movement of one margin account's funds, oldest first: transfers, loans, repayments,
    fills and their commission. A row's id is its place in this list (from 1)."""
    ctx.margin_account(account, isolated_symbol)
    flows: list[tuple[int, int, CapitalFlow]] = []
    for moved in _margin_moves(ctx, account, isolated_symbol):
        record = moved.record
        sign = 1 if moved.direction == "ROLL_IN" else -1
        flows.append((record.time_ms, 0, CapitalFlow(record.tran_id, record.time_ms, record.asset, isolated_symbol,
                                                      "TRANSFER", sign * record.amount)))
    for loan in ctx.state.borrow_history:
        if loan.account == account and loan.isolated_symbol == isolated_symbol:
            sign = 1 if loan.type == "BORROW" else -1
            kind = "REPAY_LIQUIDATION" if loan.by_liquidation else loan.type
            flows.append((loan.time_ms, 0, CapitalFlow(loan.tran_id, loan.time_ms, loan.asset, isolated_symbol,
                                                        kind, sign * loan.amount)))
    # A liquidation's fills show as BUY_ / SELL_LIQUIDATION and its fee as LIQUIDATION_FEE (inferred).
    liquidation_orders = {record.order_id for record in ctx.state.liquidations if record.account == account}
    for trade in _trades(ctx, account, isolated_symbol):
        spec = ctx.symbol(trade.symbol)
        quote = trade.qty * trade.price
        side = "BUY" if trade.side is Side.BUY else "SELL"
        got_asset, got, paid_asset, paid = ((spec.base_asset, trade.qty, spec.quote_asset, quote)
                                            if trade.side is Side.BUY else
                                            (spec.quote_asset, quote, spec.base_asset, trade.qty))
        liquidated = trade.order_id in liquidation_orders
        rows = [(f"{side}_LIQUIDATION" if liquidated else f"{side}_EXPENSE", paid_asset, -paid),
                (f"{side}_LIQUIDATION" if liquidated else f"{side}_INCOME", got_asset, got)]
        if trade.commission > 0:
            rows.append(("LIQUIDATION_FEE" if liquidated else "TRADING_COMMISSION", trade.commission_asset,
                         -trade.commission))
        for kind, asset, amount in rows:
            flows.append((trade.time_ms, 1, CapitalFlow(trade.trade_id, trade.time_ms, asset, trade.symbol, kind,
                                                         amount)))
    flows.sort(key=lambda item: (item[0], item[1]))
    return [flow for _, _, flow in flows]


def _trades(ctx: EngineContext, account: str, isolated_symbol: str | None) -> Iterator[Trade]:
    for trade in ctx.state.trades.values():
        if trade.account == account and (trade.symbol if trade.isolated else None) == isolated_symbol:
            yield trade
