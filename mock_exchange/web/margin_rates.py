"""Interest and rates: what a bot reads to know its borrow cost (docs/wallets.md, sources).

Rates come from the config (``margin.hourly_interest_rate``: per asset, or ``default``) and
never change while the fake runs; the interest history is what the fake actually charged,
hour by hour on the exchange clock.

- ``GET /sapi/v1/margin/interestHistory``: the hourly charges (``PERIODIC``).
- ``GET /sapi/v1/margin/interestRateHistory``: the daily rate, one row per UTC day.
- ``GET /sapi/v1/margin/next-hourly-interest-rate``: the hourly rate per asset.
- ``GET /sapi/v1/margin/crossMarginData`` / ``isolatedMarginData``: fee data (rates, limits).
- ``GET /sapi/v1/margin/isolatedMarginTier``: one tier per pair, from the isolated leverage.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.config import SymbolConfig
from mock_exchange.core import errors, wallet_history
from mock_exchange.core.decimals import NumberFormat
from mock_exchange.web.endpoint_catalog import (
    MARGIN_CROSS_MARGIN_DATA,
    MARGIN_INTEREST_HISTORY,
    MARGIN_INTEREST_RATE_HISTORY,
    MARGIN_ISOLATED_MARGIN_DATA,
    MARGIN_ISOLATED_MARGIN_TIER,
    MARGIN_NEXT_HOURLY_RATE,
)
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import num

blueprint = Blueprint("margin_rates", __name__)

DEFAULT_VIP_LEVEL = 0
MAX_ASSETS = 20
DAYS_PER_YEAR = 365
# ccxt's fetch_borrow_rate_history sends limit (at most 93) and windows of up to 93 days, against
# the live exchange: the fake reads both (the doc's 30-day note is older, docs/wallets.md).
RATE_HISTORY_MAX_DAYS = 93


def _symbols() -> Mapping[str, SymbolConfig]:
    return current_runtime().exchange.config.symbols


def _margin_assets() -> list[str]:
    """Every asset of a margin-enabled symbol, in symbol order."""
    seen: dict[str, None] = {}
    for spec in _symbols().values():
        if spec.margin_enabled:
            seen.setdefault(spec.base_asset)
            seen.setdefault(spec.quote_asset)
    return list(seen)


def _hourly(asset: str) -> Decimal:
    return current_runtime().exchange.config.margin.interest_rate(asset)


def _borrow_limit(asset: str) -> Decimal:
    return current_runtime().exchange.config.margin.borrow_limits.get(asset, Decimal(0))


@binance_route(blueprint, MARGIN_INTEREST_HISTORY)
def margin_interest_history(call: Call) -> dict[str, Any]:
    current, size = call.get("current", 1), call.get("size", 10)
    wallet_history.check_paging(current, size)
    isolated_symbol = call.get("isolatedSymbol")
    rows = current_runtime().exchange.interest_history(call.account, isolated_symbol, asset=call.get("asset"),
                                                       start_time=call.get("startTime"),
                                                       end_time=call.get("endTime"))
    shown, total = wallet_history.page(rows, current, size)
    return {"rows": [_interest_row(row) for row in shown], "total": total}


def _interest_row(row: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"txId": row.tx_id, "interestAccuredTime": row.time_ms, "asset": row.asset,
                            "rawAsset": row.asset,
                            # Trimmed as in the documented example ("45.3313"), unlike the amounts
                            # beside it (docs/fidelity.md, borrowing and interest).
                            "principal": num(row.principal, NumberFormat.STRIPPED), "interest": num(row.interest),
                            # interestRate is the rate of the charge: hourly, as each row is one hour.
                            "interestRate": num(row.hourly_rate), "type": row.type}
    if row.isolated_symbol:
        data["isolatedSymbol"] = row.isolated_symbol  # isolated rows only, as in borrow-repay records
    return data


@binance_route(blueprint, MARGIN_INTEREST_RATE_HISTORY)
def margin_interest_rate_history(call: Call) -> list[dict[str, Any]]:
    asset = call.params["asset"]
    if asset not in _margin_assets():
        raise errors.not_valid_margin_asset()
    vip = call.get("vipLevel", DEFAULT_VIP_LEVEL)
    limit = call.get("limit", RATE_HISTORY_MAX_DAYS)
    if not 1 <= limit <= RATE_HISTORY_MAX_DAYS:
        raise errors.invalid_param_value("limit")
    rows = current_runtime().exchange.daily_interest_rates(asset, call.get("startTime"), call.get("endTime"),
                                                           RATE_HISTORY_MAX_DAYS)
    return [{"asset": asset, "dailyInterestRate": num(rate), "timestamp": day, "vipLevel": vip}
            for day, rate in rows[:limit]]


@binance_route(blueprint, MARGIN_NEXT_HOURLY_RATE)
def margin_next_hourly_interest_rate(call: Call) -> list[dict[str, Any]]:
    assets = [a for a in call.params["assets"].split(",") if a]
    if not assets or len(assets) > MAX_ASSETS:
        raise errors.invalid_param_value("assets")
    known = _margin_assets()
    if any(asset not in known for asset in assets):
        raise errors.not_valid_margin_asset()
    return [{"asset": asset, "nextHourlyInterestRate": num(_hourly(asset))} for asset in assets]


@binance_route(blueprint, MARGIN_CROSS_MARGIN_DATA)
def margin_cross_margin_data(call: Call) -> list[dict[str, Any]]:
    assets = _margin_assets()
    if "coin" in call.params:
        if call.params["coin"] not in assets:
            raise errors.not_valid_margin_asset()
        assets = [call.params["coin"]]
    vip = call.get("vipLevel", DEFAULT_VIP_LEVEL)
    rows = []
    for asset in assets:
        daily = _hourly(asset) * 24
        pairs = [s.symbol for s in _symbols().values()
                 if s.margin_enabled and asset in (s.base_asset, s.quote_asset)]
        rows.append({"vipLevel": vip, "coin": asset, "transferIn": True, "borrowable": True,
                     "dailyInterest": num(daily), "yearlyInterest": num(daily * DAYS_PER_YEAR),
                     "borrowLimit": num(_borrow_limit(asset)), "marginablePairs": pairs})
    return rows


def _isolated_symbols(call: Call) -> list[SymbolConfig]:
    symbols = [s for s in _symbols().values() if s.isolated_margin_enabled]
    if "symbol" not in call.params:
        return symbols
    chosen = [s for s in symbols if s.symbol == call.params["symbol"]]
    if not chosen:
        if call.params["symbol"] in _symbols():
            raise errors.not_valid_margin_pair()
        raise errors.invalid_symbol()
    return chosen


@binance_route(blueprint, MARGIN_ISOLATED_MARGIN_DATA)
def margin_isolated_margin_data(call: Call) -> list[dict[str, Any]]:
    vip = call.get("vipLevel", DEFAULT_VIP_LEVEL)
    leverage = current_runtime().exchange.config.margin.isolated_max_leverage
    return [{"vipLevel": vip, "symbol": s.symbol, "leverage": num(leverage),
             "data": [{"coin": asset, "dailyInterest": num(_hourly(asset) * 24),
                       "borrowLimit": num(_borrow_limit(asset))} for asset in (s.base_asset, s.quote_asset)]}
            for s in _isolated_symbols(call)]


@binance_route(blueprint, MARGIN_ISOLATED_MARGIN_TIER)
def margin_isolated_margin_tier(call: Call) -> list[dict[str, Any]]:
    spec = _isolated_symbols(call)[0]
    tier = call.get("tier")
    if tier is not None and tier != 1:
        return []  # the fake has one tier per pair
    margin = current_runtime().exchange.config.margin
    leverage = margin.isolated_max_leverage
    initial = leverage / (leverage - 1) if leverage > 1 else Decimal(0)
    return [{"symbol": spec.symbol, "tier": 1, "effectiveMultiple": num(leverage),
             "initialRiskRatio": num(initial), "liquidationRiskRatio": num(margin.level_bars.force_liquidation),
             "baseAssetMaxBorrowable": num(_borrow_limit(spec.base_asset)),
             "quoteAssetMaxBorrowable": num(_borrow_limit(spec.quote_asset))}]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
