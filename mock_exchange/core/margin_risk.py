"""The margin level applied to an account: its figures now, and the index price that gives a level.

An account's risk (:func:`assess`) is its totals at index prices in its valuation asset (BTC
for the cross account, the pair's quote asset for an isolated pair), the margin level of those
totals, its status band and what that status still allows (rules: core/margin_level.py).

:func:`index_price_for_level` answers "at which index price of one symbol would this account
sit at level T?": the isolated ``liquidatePrice`` (T = the force-liquidation bar) and the
control plane's "drive an account to a margin level" both ask it. Moving one symbol's index
price p scales each asset's value by p, by 1/p or not at all (an asset priced through that
symbol as base, as quote, or not through it), so

    level(p) = (A1·p + A0 + A-1/p) / (L1·p + L0 + L-1/p)

and level(p) = T is a quadratic in p. The positive root nearest the current index wins; None
when there is none (e.g. nothing owed, or the account does not depend on that symbol enough).

:func:`current_statuses` and :func:`status_changes` watch the levels: after every change of
state the exchange compares each account's band with the one it last reported and writes a
MARGIN_LEVEL_STATUS_CHANGE event for each crossing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from mock_exchange.core.accounts import Account, MarginAccount
from mock_exchange.core.config import MarginConfig, SymbolConfig
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.errors import account_trading_banned, borrow_not_allowed
from mock_exchange.core.margin_level import (
    MARGIN_LEVEL_NO_LIABILITY,
    MarginLevelStatus,
    StatusRestrictions,
    level_status,
    restrictions,
)
from mock_exchange.core.valuation import BTC, AccountTotals, IndexPrices, price_in, totals

if TYPE_CHECKING:
    from mock_exchange.core.context import EngineContext

PRICE_QUANTUM = Decimal("0.00000001")


@dataclass(frozen=True, slots=True)
class MarginRisk:
    """One margin account's level and what follows from it."""

    totals: AccountTotals  # in ``valued_in``
    valued_in: str
    level: Decimal
    status: MarginLevelStatus
    allowed: StatusRestrictions
    # Isolated pairs: the pair's index price at which the level reaches the force-liquidation bar (0: none).
    liquidate_price: Decimal


def valuation_asset(account: MarginAccount, symbols: Mapping[str, SymbolConfig]) -> str:
    """BTC for the cross account, the quote asset for an isolated pair."""
    return BTC if account.isolated_symbol is None else symbols[account.isolated_symbol].quote_asset


def assess(account: MarginAccount, margin: MarginConfig, symbols: Mapping[str, SymbolConfig],
           prices: IndexPrices, liquidation_price: bool = True) -> MarginRisk:
    """The account's margin level at index prices, its status and restrictions."""
    in_asset = valuation_asset(account, symbols)
    figures = totals(account, symbols, prices, in_asset)
    level = figures.margin_level
    status = level_status(level, margin.level_bars)
    liquidate_price = ZERO
    if liquidation_price and account.isolated_symbol is not None:
        found = index_price_for_level(account, margin.level_bars.force_liquidation, account.isolated_symbol,
                                      symbols, prices)
        liquidate_price = found if found is not None else ZERO
    return MarginRisk(figures, in_asset, level, status, restrictions(status), liquidate_price)


def risk_now(ctx: EngineContext, account: str, isolated_symbol: str | None, *,
             liquidation_price: bool = True) -> MarginRisk:
    """The margin account's risk now (interest accrued first)."""
    margin = ctx.margin_account(account, isolated_symbol)
    return assess(margin, ctx.config.margin, ctx.state.symbols, ctx.index_prices(), liquidation_price)


def _allowed(ctx: EngineContext, account: str, isolated_symbol: str | None) -> StatusRestrictions:
    margin = ctx.margin_account(account, isolated_symbol)
    if not _owes(margin):
        return restrictions(MarginLevelStatus.EXCESSIVE)  # the common case, without valuing anything
    return risk_now(ctx, account, isolated_symbol, liquidation_price=False).allowed


def borrow_allowed(ctx: EngineContext, account: str, isolated_symbol: str | None) -> bool:
    """Whether the account (or pair) may take a new loan: not from a margin call on."""
    return _allowed(ctx, account, isolated_symbol).borrow_enabled


def require_borrow_allowed(ctx: EngineContext, account: str, isolated_symbol: str | None) -> None:
    """-3008 from a margin call on: a loan would only deepen the risk."""
    if not borrow_allowed(ctx, account, isolated_symbol):
        raise borrow_not_allowed()


def require_trade_allowed(ctx: EngineContext, account: str, isolated_symbol: str | None) -> None:
    """-3022 at force liquidation: the account (or pair) places no new order."""
    if not _allowed(ctx, account, isolated_symbol).trade_enabled:
        raise account_trading_banned()


def transfer_out_allowed(ctx: EngineContext, account: str, isolated_symbol: str | None) -> bool:
    """Whether anything may leave the margin account (not from a margin call on)."""
    return _allowed(ctx, account, isolated_symbol).transfer_out_enabled


def index_price_for_level(account: MarginAccount, target: Decimal, symbol: str,
                          symbols: Mapping[str, SymbolConfig], prices: IndexPrices) -> Decimal | None:
    """The index price of ``symbol`` at which the account's margin level is ``target`` (8 decimals).

    None when no positive price gives that level: nothing is owed, or the target is out of the
    range the account can reach by moving this one symbol.
    """
    if target <= 0:
        return None
    in_asset = valuation_asset(account, symbols)
    current = prices.index_price(symbol)
    if current <= 0:
        return None
    doubled = IndexPrices(prices.market, {**prices.overrides, symbol: current * 2})
    # Sums of held value (A) and owed value (L) by power of p: index 0 for p^-1, 1 for p^0, 2 for p^1.
    held = [ZERO, ZERO, ZERO]
    owed = [ZERO, ZERO, ZERO]
    for asset, entry in account.balances.items():
        if entry.total == 0 and entry.liability == 0:
            continue
        now = price_in(asset, in_asset, symbols, prices)
        if now <= 0:
            continue
        power = _power(price_in(asset, in_asset, symbols, doubled) / now)
        unit = now / current ** (power - 1)  # value of one unit at p = 1
        held[power] += entry.total * unit
        owed[power] += entry.liability * unit
    if sum(owed) <= 0:
        return None
    # (held - target*owed) . (p^-1, 1, p) = 0, times p: a p^2 + b p + c = 0.
    a, b, c = (held[2] - target * owed[2], held[1] - target * owed[1], held[0] - target * owed[0])
    roots: list[Decimal] = []
    if a == 0:
        if b != 0:
            roots.append(-c / b)
    else:
        discriminant = b * b - 4 * a * c
        if discriminant >= 0:
            root = discriminant.sqrt()
            roots.extend(((-b + root) / (2 * a), (-b - root) / (2 * a)))
    positive = [r.quantize(PRICE_QUANTUM, rounding=ROUND_HALF_UP) for r in roots if r > 0]
    positive = [r for r in positive if r > 0]
    if not positive:
        return None
    return min(positive, key=lambda r: (abs(r - current), r))


def _power(ratio: Decimal) -> int:
    """0, 1 or 2 for an asset whose value moved by 1/2, 1 or 2 when the index price doubled."""
    return min((0, 1, 2), key=lambda power: abs(ratio - Decimal(2) ** (power - 1)))


# -- watching levels cross the bars -------------------------------------------------------

LevelKey = tuple[str, str | None]  # (account, isolated symbol or None for cross)


def current_statuses(ctx: EngineContext) -> dict[LevelKey, tuple[Decimal, MarginLevelStatus]]:
    """(level, status) of every margin account that owes something, interest accrued to now.

    Accrues interest as any read does (the same hourly rows, only written sooner). An account
    owing nothing is EXCESSIVE and left out.
    """
    found: dict[LevelKey, tuple[Decimal, MarginLevelStatus]] = {}
    accounts = ctx.state.accounts
    if not _anyone_owes(accounts.values()):
        return found  # the common case, after every engine call: no sorting, no valuation
    for name in sorted(accounts):
        for margin_account in accounts[name].margin_accounts():
            if not _owes(margin_account):
                continue
            risk = risk_now(ctx, name, margin_account.isolated_symbol, liquidation_price=False)
            found[(name, margin_account.isolated_symbol)] = (risk.level, risk.status)
    return found


def _anyone_owes(accounts: Iterable[Account]) -> bool:
    # Runs after every engine call: stops at the first account that owes.
    for account in accounts:
        if _owes(account.cross):
            return True
        if account.isolated:
            for pair in account.isolated.values():
                if _owes(pair):
                    return True
    return False


def _owes(account: MarginAccount) -> bool:
    # Run after every engine call for every margin account: nothing added up where nothing is owed
    # (a plain loop: any() over a generator costs twice as much here).
    for entry in account.balances.values():  # noqa: SIM110
        if (entry.borrowed or entry.interest) and entry.liability > 0:
            return True
    return False


def status_changes(known: Mapping[LevelKey, MarginLevelStatus],
                   now: Mapping[LevelKey, tuple[Decimal, MarginLevelStatus]]) -> list[tuple[LevelKey, Decimal,
                                                                                             MarginLevelStatus,
                                                                                             MarginLevelStatus]]:
    """(account key, level, new status, previous status) for each account whose band changed, in key order."""
    changes: list[tuple[LevelKey, Decimal, MarginLevelStatus, MarginLevelStatus]] = []
    if not known and not now:
        return changes
    for key in sorted(set(known) | set(now), key=lambda k: (k[0], k[1] or "")):
        level, status = now.get(key, (MARGIN_LEVEL_NO_LIABILITY, MarginLevelStatus.EXCESSIVE))
        previous = known.get(key, MarginLevelStatus.EXCESSIVE)
        if status is not previous:
            changes.append((key, level, status, previous))
    return changes
