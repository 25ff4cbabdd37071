"""Valuing margin accounts in BTC at index prices: totals, margin level, what can be
borrowed and what can be transferred out.

The index price of a symbol is its last price unless the control plane set one apart
(:class:`IndexPrices`; ``GET /sapi/v1/margin/priceIndex`` shows it), so an account's
figures move only when a test moves the market or the index. An asset is converted to BTC through a direct pair
(``ETHBTC``, ``BTCUSDT``) or, failing that, through a quote asset both sides trade
against (``BNB -> USDT -> BTC``); an asset with no route is valued at zero.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal

from mock_exchange.core.accounts import MarginAccount
from mock_exchange.core.config import MarginConfig, SymbolConfig
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.margin_level import margin_level
from mock_exchange.core.market import Market

VALUE_QUANTUM = Decimal("0.00000001")
BTC = "BTC"


@dataclass(frozen=True)
class IndexPrices:
    """The prices margin accounts are valued at: a symbol's set index price, else its last price."""

    market: Market
    overrides: Mapping[str, Decimal] = field(default_factory=dict)

    def index_price(self, symbol: str) -> Decimal:
        found = self.overrides.get(symbol)
        return found if found is not None else self.market.last_price(symbol)


def as_index(prices: Market | IndexPrices) -> IndexPrices:
    return prices if isinstance(prices, IndexPrices) else IndexPrices(prices)


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
        """The rule: :func:`mock_exchange.core.margin_level.margin_level`."""
        return margin_level(self.total_asset, self.total_liability)


def price_in(asset: str, target: str, symbols: Mapping[str, SymbolConfig], market: Market | IndexPrices) -> Decimal:
    """How many ``target`` one ``asset`` is worth at index prices (0 when no route exists)."""
    market = as_index(market)
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


def _pair_price(asset: str, target: str, symbols: Mapping[str, SymbolConfig], market: IndexPrices) -> Decimal | None:
    if asset + target in symbols:
        return market.index_price(asset + target)
    if target + asset in symbols:
        price = market.index_price(target + asset)
        return Decimal(1) / price if price > 0 else None
    return None


def totals(
    account: MarginAccount, symbols: Mapping[str, SymbolConfig], market: Market | IndexPrices, in_asset: str = BTC
) -> AccountTotals:
    """The account's total asset and liability valued in ``in_asset``."""
    asset_total = ZERO
    liability_total = ZERO
    market = as_index(market)
    for asset, entry in account.balances.items():
        if entry.total == 0 and entry.liability == 0:
            continue
        price = price_in(asset, in_asset, symbols, market)
        asset_total += entry.total * price
        liability_total += entry.liability * price
    return AccountTotals(_q(asset_total), _q(liability_total))


def asset_value(amount: Decimal, asset: str, symbols: Mapping[str, SymbolConfig], market: Market | IndexPrices,
                in_asset: str = BTC) -> Decimal:
    """``amount`` of ``asset`` valued in ``in_asset``."""
    return _q(amount * price_in(asset, in_asset, symbols, market))


def _spare_capacity(account: MarginAccount, margin: MarginConfig, symbols: Mapping[str, SymbolConfig],
                    market: Market | IndexPrices) -> tuple[Decimal, Decimal, str]:
    """(spare borrowing capacity, leverage, valuation asset): the one margin rule behind both
    borrowing and transferring out.

    Capacity is (leverage - 1) x net equity - current liabilities, valued in the account's
    valuation asset (BTC for cross, the pair's quote asset for isolated). A loan may use
    it up; a transfer out may take equity only as far as the loans still leave it at zero.
    """
    if account.isolated_symbol is None:
        leverage, in_asset = margin.max_leverage, BTC
    else:
        leverage, in_asset = margin.isolated_max_leverage, symbols[account.isolated_symbol].quote_asset
    figures = totals(account, symbols, market, in_asset)
    return (leverage - 1) * figures.total_net_asset - figures.total_liability, leverage, in_asset


def max_borrowable(
    account: MarginAccount,
    asset: str,
    margin: MarginConfig,
    symbols: Mapping[str, SymbolConfig],
    market: Market | IndexPrices,
) -> tuple[Decimal, Decimal]:
    """(amount borrowable now, account-level borrow limit) for ``asset`` (spec §4.16).

    The spare capacity (:func:`_spare_capacity`) converted to ``asset``; then capped by
    ``margin.borrow_limits[asset]`` minus what is already borrowed. An asset without a
    configured limit has no account-level cap and reports the leverage capacity as its limit.
    """
    capacity, _, in_asset = _spare_capacity(account, margin, symbols, market)
    price = price_in(asset, in_asset, symbols, market)
    amount = capacity / price if price > 0 else ZERO
    borrowed = account.balances[asset].borrowed if asset in account.balances else ZERO
    limit = margin.borrow_limits.get(asset)
    if limit is not None:
        amount = min(amount, limit - borrowed)
    amount = max(amount, ZERO).quantize(VALUE_QUANTUM, rounding=ROUND_DOWN)
    return amount, (limit if limit is not None else amount + borrowed)


def max_transferable(
    account: MarginAccount,
    asset: str,
    margin: MarginConfig,
    symbols: Mapping[str, SymbolConfig],
    market: Market | IndexPrices,
) -> Decimal:
    """How much free ``asset`` can leave the margin account (GET margin/maxTransferable).

    Without loans: all of it. With loans: only what leaves the spare capacity at zero, i.e.
    ``capacity / ((leverage - 1) x price)``, so what backs a loan stays (same rule as
    borrowing: after a transfer of the maximum, max borrowable is zero).
    """
    free = account.free(asset)
    liability = sum((entry.liability for entry in account.balances.values()), ZERO)
    if liability <= 0:
        return free
    capacity, leverage, in_asset = _spare_capacity(account, margin, symbols, market)
    price = price_in(asset, in_asset, symbols, market)
    if capacity <= 0 or price <= 0 or leverage <= 1:
        return ZERO
    return min(free, (capacity / ((leverage - 1) * price)).quantize(VALUE_QUANTUM, rounding=ROUND_DOWN))


def _q(value: Decimal) -> Decimal:
    return value.quantize(VALUE_QUANTUM, rounding=ROUND_DOWN)
