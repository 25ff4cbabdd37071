"""What the margin account queries show, read in one consistent step.

GET /sapi/v1/margin/account and GET /sapi/v1/margin/isolated/account value an account at the
index prices of one moment: the balances, the level, the totals in BTC (and USDT), each
side's net asset in BTC. Index prices follow the live market, so everything is read here,
under the exchange lock (``Exchange.cross_margin_report`` / ``isolated_margin_reports``), and
handed out as plain values the web layer only formats.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from decimal import Decimal

from mock_exchange.core import errors, margin_risk, valuation
from mock_exchange.core.accounts import AssetBalance, MarginAccount
from mock_exchange.core.context import EngineContext
from mock_exchange.core.margin_risk import MarginRisk


@dataclass(frozen=True, slots=True)
class CrossMarginReport:
    """The cross margin account at one moment."""

    account: MarginAccount  # a copy, interest accrued to now
    risk: MarginRisk  # level, status, restrictions; totals in BTC
    in_usdt: valuation.AccountTotals


@dataclass(frozen=True, slots=True)
class IsolatedPairReport:
    """One isolated pair at one moment."""

    symbol: str
    account: MarginAccount  # a copy, interest accrued to now
    risk: MarginRisk  # totals in the pair's quote asset
    index_price: Decimal
    net_in_btc: dict[str, Decimal]  # the base and quote assets' net asset valued in BTC
    in_btc: valuation.AccountTotals


def cross_report(ctx: EngineContext, account: str) -> CrossMarginReport:
    found = copy.deepcopy(ctx.margin_account(account, None))
    symbols, prices = ctx.config.symbols, ctx.index_prices()
    risk = margin_risk.assess(found, ctx.config.margin, symbols, prices)
    return CrossMarginReport(found, risk, valuation.totals(found, symbols, prices, "USDT"))


def isolated_reports(ctx: EngineContext, account: str, requested: list[str] | None) -> list[IsolatedPairReport]:
    """Every isolated pair of ``account`` by symbol, or the ``requested`` ones (-11001 if one is missing)."""
    enabled = ctx.state.accounts[account].isolated
    if requested is not None and any(symbol not in enabled for symbol in requested):
        raise errors.isolated_account_missing()
    symbols, prices = ctx.config.symbols, ctx.index_prices()
    reports = []
    for symbol in requested if requested is not None else sorted(enabled):
        found = copy.deepcopy(ctx.margin_account(account, symbol))
        spec = symbols[symbol]
        net = {asset: valuation.asset_value(found.balances.get(asset, AssetBalance()).net_asset, asset, symbols,
                                            prices)
               for asset in (spec.base_asset, spec.quote_asset)}
        reports.append(IsolatedPairReport(symbol, found, margin_risk.assess(found, ctx.config.margin, symbols, prices),
                                          prices.index_price(symbol), net, valuation.totals(found, symbols, prices)))
    return reports
