"""Reference data a margin bot reads at start, and its account's standing (docs/wallets.md).

- ``GET /sapi/v1/margin/allAssets``: every asset of a margin-enabled symbol.
- ``GET /sapi/v1/margin/priceIndex``: the index price margin accounts are valued at (the
  last price unless the control plane set one: ``POST /mock/v1/market/{symbol}/index``).
- ``GET /sapi/v1/margin/capital-flow``: every movement of a margin account's funds.
- ``GET /sapi/v1/asset/tradeFee``: the configured maker / taker fees per symbol.
- ``GET /sapi/v1/account/status`` and ``/sapi/v1/account/apiRestrictions``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors, wallet_history
from mock_exchange.web.compat_endpoints import asset_name
from mock_exchange.web.endpoint_catalog import (
    ACCOUNT_STATUS,
    API_RESTRICTIONS,
    ASSET_TRADE_FEE,
    MARGIN_ALL_ASSETS,
    MARGIN_CAPITAL_FLOW,
    MARGIN_PRICE_INDEX,
)
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import num

blueprint = Blueprint("margin_reference", __name__)



def _margin_assets() -> list[str]:
    seen: dict[str, None] = {}
    for spec in current_runtime().exchange.config.symbols.values():
        if spec.margin_enabled:
            seen.setdefault(spec.base_asset)
            seen.setdefault(spec.quote_asset)
    return list(seen)


@binance_route(blueprint, MARGIN_ALL_ASSETS)
def margin_all_assets(call: Call) -> list[dict[str, Any]]:
    assets = _margin_assets()
    if "asset" in call.params:
        if call.params["asset"] not in assets:
            raise errors.not_valid_margin_asset()
        assets = [call.params["asset"]]
    zero = num(Decimal(0))
    return [{"assetFullName": asset_name(asset), "assetName": asset, "isBorrowable": True, "isMortgageable": True,
             "userMinBorrow": zero, "userMinRepay": zero, "delistTime": None} for asset in assets]


@binance_route(blueprint, MARGIN_PRICE_INDEX)
def margin_price_index(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    symbol = call.params["symbol"]
    if symbol not in exchange.config.symbols:
        raise errors.invalid_symbol()
    return {"calcTime": exchange.clock.now_ms(), "price": num(exchange.index_prices().index_price(symbol)),
            "symbol": symbol}


@binance_route(blueprint, MARGIN_CAPITAL_FLOW)
def margin_capital_flow(call: Call) -> list[dict[str, Any]]:
    exchange = current_runtime().exchange
    limit = call.get("limit", 500)
    if not 1 <= limit <= 1000:
        raise errors.invalid_param_value("limit")
    start, end = call.get("startTime"), call.get("endTime")
    if (
        start is not None
        and end is not None
        and end - start > wallet_history.CAPITAL_FLOW_MAX_DAYS * wallet_history.DAY_MS
    ):
        raise errors.time_interval_too_long(wallet_history.CAPITAL_FLOW_MAX_DAYS)
    symbol = call.get("symbol")
    flows = exchange.capital_flow(call.account, symbol)
    rows = []
    for number, flow in enumerate(flows, start=1):
        if call.get("asset") not in (None, flow.asset) or call.get("type") not in (None, flow.type):
            continue
        if (start is not None and flow.time_ms < start) or (end is not None and flow.time_ms > end):
            continue
        if call.get("fromId") is not None and number <= call.params["fromId"]:
            continue
        rows.append({"id": number, "tranId": flow.tran_id, "timestamp": flow.time_ms, "asset": flow.asset,
                     "symbol": flow.symbol or "", "type": flow.type, "amount": num(flow.amount)})
    # fromId reads forward from an id; otherwise the newest come first (the SDK's note).
    return rows[:limit] if call.get("fromId") is not None else list(reversed(rows))[:limit]


@binance_route(blueprint, ASSET_TRADE_FEE)
def asset_trade_fee(call: Call) -> list[dict[str, Any]]:
    exchange = current_runtime().exchange
    symbols = list(exchange.config.symbols)
    if "symbol" in call.params:
        if call.params["symbol"] not in exchange.config.symbols:
            raise errors.invalid_symbol()
        symbols = [call.params["symbol"]]
    fees = exchange.config.fees
    # Binance writes these rates plainly ("0.001"), not with 8 decimals.
    return [{"symbol": symbol, "makerCommission": format(fees.maker.normalize(), "f"),
             "takerCommission": format(fees.taker.normalize(), "f")} for symbol in symbols]


@binance_route(blueprint, ACCOUNT_STATUS)
def account_status(call: Call) -> dict[str, Any]:
    return {"data": "Normal"}


@binance_route(blueprint, API_RESTRICTIONS)
def account_api_restrictions(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    trading = call.account.margin_enabled
    created = exchange.started_ms
    # The OpenAPI file's fields; a key without an IP restriction keeps trading rights 90 days (inferred).
    return {"ipRestrict": False, "createTime": created, "enableReading": True, "enableWithdrawals": False,
            "enableInternalTransfer": False, "enableMargin": trading, "enableFutures": False,
            "permitsUniversalTransfer": True, "enableVanillaOptions": False,
            "enableSpotAndMarginTrading": trading, "enablePortfolioMarginTrading": False,
            "tradingAuthorityExpirationTime": created + 90 * wallet_history.DAY_MS}


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
