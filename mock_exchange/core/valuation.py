"""Valuing margin accounts in BTC through last prices: totals, margin level, max borrowable.

Prices come from the deterministic market (last prices), so an account's figures move
only when a test moves the market. An asset is converted to BTC through a direct pair
(``ETHBTC``, ``BTCUSDT``) or, failing that, through a quote asset both sides trade
against (``BNB -> USDT -> BTC``); an asset with no route is valued at zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from mock_exchange.config import MarginConfig, SymbolConfig
from mock_exchange.core.accounts import MarginAccount
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.market import Market

VALUE_QUANTUM = Decimal("0.00000001")
BTC = "BTC"
# Binance shows a large margin level when nothing is owed (spec §13.16, open); we say 999.
MARGIN_LEVEL_NO_LIABILITY = Decimal("999")


@dataclass(frozen=True, slots=True)
class AccountTotals:
    """An account's totals in one valuation asset (BTC unless stated)."""

    total_asset: Decimal
    total_liability: Decimal

    @property
    def total_net_asset(self) -> Decimal:
        return self.total_asset - self.total_liability

    @property
    def margin_level(self) -> Decimal:
        return margin_level(self.total_asset, self.total_liability)


def margin_level(total_asset: Decimal, total_liability: Decimal) -> Decimal:
    """total asset / total liability; :data:`MARGIN_LEVEL_NO_LIABILITY` when nothing is owed."""
    if total_liability <= 0:
        return MARGIN_LEVEL_NO_LIABILITY
    return (total_asset / total_liability).quantize(VALUE_QUANTUM, rounding=ROUND_DOWN)


def price_in(asset: str, target: str, symbols: Mapping[str, SymbolConfig], market: Market) -> Decimal:
    """How many ``target`` one ``asset`` is worth at last prices (0 when no route exists)."""
    if asset == target:
        return Decimal(1)
    direct = _pair_price(asset, target, symbols, market)
    if direct is not None:
        return direct
    # One hop through a common asset, e.g. BNB -> USDT -> BTC; the first route by symbol name wins.
    for name in sorted(symbols):
        spec = symbols[name]
        for middle in (spec.quote_asset, spec.base_asset):
            if middle in (asset, target):
                continue
            first = _pair_price(asset, middle, symbols, market)
            second = _pair_price(middle, target, symbols, market)
            if first is not None and second is not None:
                return first * second
    return ZERO


def _pair_price(asset: str, target: str, symbols: Mapping[str, SymbolConfig], market: Market) -> Decimal | None:
    if asset + target in symbols:
        return market.last_price(asset + target)
    if target + asset in symbols:
        price = market.last_price(target + asset)
        return Decimal(1) / price if price > 0 else None
    return None


def totals(
    account: MarginAccount, symbols: Mapping[str, SymbolConfig], market: Market, in_asset: str = BTC
) -> AccountTotals:
    """The account's total asset and liability valued in ``in_asset``."""
    asset_total = ZERO
    liability_total = ZERO
    for asset, entry in account.balances.items():
        if entry.total == 0 and entry.liability == 0:
            continue
        price = price_in(asset, in_asset, symbols, market)
        asset_total += entry.total * price
        liability_total += entry.liability * price
    return AccountTotals(_q(asset_total), _q(liability_total))


def asset_value(amount: Decimal, asset: str, symbols: Mapping[str, SymbolConfig], market: Market,
                in_asset: str = BTC) -> Decimal:
    """``amount`` of ``asset`` valued in ``in_asset``."""
    return _q(amount * price_in(asset, in_asset, symbols, market))


def max_borrowable(
    account: MarginAccount,
    asset: str,
    margin: MarginConfig,
    symbols: Mapping[str, SymbolConfig],
    market: Market,
) -> tuple[Decimal, Decimal]:
    """(amount borrowable now, account-level borrow limit) for ``asset`` (spec §4.16).

    Capacity: (leverage - 1) x net equity - current liabilities, valued in the account's
    valuation asset (BTC for cross, the pair's quote asset for isolated), converted to
    ``asset``; then capped by ``margin.borrow_limits[asset]`` minus what is already
    borrowed. An asset without a configured limit has no account-level cap and reports
    the leverage capacity as its limit.
    """
    if account.isolated_symbol is None:
        leverage, in_asset = margin.max_leverage, BTC
    else:
        leverage, in_asset = margin.isolated_max_leverage, symbols[account.isolated_symbol].quote_asset
    figures = totals(account, symbols, market, in_asset)
    capacity = (leverage - 1) * figures.total_net_asset - figures.total_liability
    price = price_in(asset, in_asset, symbols, market)
    amount = capacity / price if price > 0 else ZERO
    borrowed = account.balances[asset].borrowed if asset in account.balances else ZERO
    limit = margin.borrow_limits.get(asset)
    if limit is not None:
        amount = min(amount, limit - borrowed)
    amount = max(amount, ZERO).quantize(VALUE_QUANTUM, rounding=ROUND_DOWN)
    return amount, (limit if limit is not None else amount + borrowed)


def _q(value: Decimal) -> Decimal:
    return value.quantize(VALUE_QUANTUM, rounding=ROUND_DOWN)
