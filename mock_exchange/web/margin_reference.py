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
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.params import Kind, Param, enum
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import num

blueprint = Blueprint("margin_reference", __name__)

# ccxt signs every /sapi call, even MARKET_DATA ones, so the signing parameters are read (and ignored).
_UNSIGNED_EXTRAS = (Param("timestamp", Kind.LONG), Param("recvWindow", Kind.RECV_WINDOW), Param("signature"))
CAPITAL_FLOW_TYPES = ("TRANSFER", "BORROW", "REPAY", "BUY_INCOME", "BUY_EXPENSE", "SELL_INCOME", "SELL_EXPENSE",
                      "TRADING_COMMISSION", "BUY_LIQUIDATION", "SELL_LIQUIDATION", "REPAY_LIQUIDATION",
                      "OTHER_LIQUIDATION", "LIQUIDATION_FEE", "SMALL_BALANCE_CONVERT", "COMMISSION_RETURN",
                      "SMALL_CONVERT")

ALL_ASSETS = Endpoint("margin_all_assets", "GET", "/sapi/v1/margin/allAssets", Security.MARKET_DATA, 1,
                      (Param("asset"),) + _UNSIGNED_EXTRAS)
PRICE_INDEX = Endpoint("margin_price_index", "GET", "/sapi/v1/margin/priceIndex", Security.MARKET_DATA, 10,
                       (Param("symbol", Kind.SYMBOL, True),) + _UNSIGNED_EXTRAS)
CAPITAL_FLOW = Endpoint(
    "margin_capital_flow", "GET", "/sapi/v1/margin/capital-flow", Security.USER_DATA, 100,
    (Param("asset"), Param("symbol", Kind.SYMBOL), enum("type", CAPITAL_FLOW_TYPES), Param("startTime", Kind.LONG),
     Param("endTime", Kind.LONG), Param("fromId", Kind.LONG), Param("limit", Kind.LONG)),
)
TRADE_FEE = Endpoint("asset_trade_fee", "GET", "/sapi/v1/asset/tradeFee", Security.USER_DATA, 1,
                     (Param("symbol", Kind.SYMBOL),))
ACCOUNT_STATUS = Endpoint("account_status", "GET", "/sapi/v1/account/status", Security.USER_DATA, 1)
API_RESTRICTIONS = Endpoint("account_api_restrictions", "GET", "/sapi/v1/account/apiRestrictions",
                            Security.USER_DATA, 1)


def _margin_assets() -> list[str]:
    seen: dict[str, None] = {}
    for spec in current_runtime().exchange.config.symbols.values():
        if spec.margin_enabled:
            seen.setdefault(spec.base_asset)
            seen.setdefault(spec.quote_asset)
    return list(seen)


@binance_route(blueprint, ALL_ASSETS)
def margin_all_assets(call: Call) -> list[dict[str, Any]]:
    assets = _margin_assets()
    if "asset" in call.params:
        if call.params["asset"] not in assets:
            raise errors.not_valid_margin_asset()
        assets = [call.params["asset"]]
    zero = num(Decimal(0))
    return [{"assetFullName": asset_name(asset), "assetName": asset, "isBorrowable": True, "isMortgageable": True,
             "userMinBorrow": zero, "userMinRepay": zero, "delistTime": None} for asset in assets]


@binance_route(blueprint, PRICE_INDEX)
def margin_price_index(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    symbol = call.params["symbol"]
    if symbol not in exchange.config.symbols:
        raise errors.invalid_symbol()
    return {"calcTime": exchange.clock.now_ms(), "price": num(exchange.index_prices().index_price(symbol)),
            "symbol": symbol}


@binance_route(blueprint, CAPITAL_FLOW)
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


@binance_route(blueprint, TRADE_FEE)
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
