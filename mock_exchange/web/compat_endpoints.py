"""Endpoints third-party clients call around margin order lists (python-binance, the SDK, ccxt).

- ``GET /sapi/v1/margin/allPairs`` and ``/margin/isolated/allPairs``: ccxt's ``load_markets``
  reads them when it has credentials; built from the configured symbols.
- ``GET /sapi/v1/capital/config/getall``: ccxt's ``fetch_currencies``; one entry per
  configured asset, ``free`` / ``locked`` from the caller's spot wallet. The fake has no
  chains, so ``networkList`` is empty (deposits and withdrawals disabled).
- ``GET /sapi/v1/margin/oto/openOrderList``: the official SDK's open OTO / OTOCO lists.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.config import SymbolConfig
from mock_exchange.core import errors
from mock_exchange.core.enums import OrderStatus
from mock_exchange.web.endpoint_catalog import (
    ALL_COINS,
    MARGIN_ALL_PAIRS,
    MARGIN_ISOLATED_ALL_PAIRS,
    MARGIN_OPEN_OTO_LISTS,
)
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("compat_endpoints", __name__)


# Display names Binance uses for the demo config's assets; others show their code.
_ASSET_NAMES = {"BTC": "Bitcoin", "ETH": "Ethereum", "BNB": "BNB", "USDT": "TetherUS", "USDC": "USD Coin"}
_FIAT = {"USD", "EUR", "GBP", "TRY", "BRL"}


def asset_name(asset: str) -> str:
    """The display name Binance uses for an asset (its code when the fake knows no other)."""
    return _ASSET_NAMES.get(asset, asset)


def pair_id(symbol: str) -> int:
    """A stable 18-digit pair id (Binance's are opaque large integers)."""
    digest = hashlib.sha256(symbol.encode()).digest()
    return 10**17 + int.from_bytes(digest[:8], "big") % (9 * 10**17)


def _symbols() -> list[SymbolConfig]:
    return list(current_runtime().exchange.config.symbols.values())


def _selected(symbols: Iterable[SymbolConfig], call: Call) -> list[SymbolConfig]:
    """All ``symbols``, or the one ``symbol`` names (-1121 when it is not among them)."""
    symbols = list(symbols)
    if "symbol" not in call.params:
        return symbols
    chosen = [s for s in symbols if s.symbol == call.params["symbol"]]
    if not chosen:
        raise errors.invalid_symbol()
    return chosen


def _pair(symbol: SymbolConfig) -> dict[str, Any]:
    trading = symbol.status == "TRADING"
    return {"base": symbol.base_asset, "isBuyAllowed": trading, "isMarginTrade": True,
            "isSellAllowed": trading, "quote": symbol.quote_asset, "symbol": symbol.symbol}


@binance_route(blueprint, MARGIN_ALL_PAIRS)
def margin_all_pairs(call: Call) -> list[dict[str, Any]]:
    # id after base, as the documented example orders it (docs/fidelity.md, reference data).
    return [{"base": s.base_asset, "id": pair_id(s.symbol), **_pair(s)}
            for s in _selected((s for s in _symbols() if s.margin_enabled), call)]


@binance_route(blueprint, MARGIN_ISOLATED_ALL_PAIRS)
def margin_isolated_all_pairs(call: Call) -> list[dict[str, Any]]:
    return [_pair(s) for s in _selected((s for s in _symbols() if s.isolated_margin_enabled), call)]


def _assets() -> dict[str, bool]:
    """Every configured asset (symbols first, then account balances) → traded on a live symbol."""
    runtime = current_runtime()
    assets: dict[str, bool] = {}
    for symbol in _symbols():
        for asset in (symbol.base_asset, symbol.quote_asset):
            assets[asset] = assets.get(asset, False) or symbol.status == "TRADING"
    for account in runtime.exchange.config.accounts:
        for asset in account.cross:
            assets.setdefault(asset, False)
        for balances in account.isolated.values():
            for asset in balances:
                assets.setdefault(asset, False)
    return assets


@binance_route(blueprint, ALL_COINS)
def capital_config_getall(call: Call) -> list[dict[str, Any]]:
    zero = "0"
    wallet = current_runtime().exchange.spot_wallet(call.account)
    return [{"coin": asset, "depositAllEnable": False, "withdrawAllEnable": False,
             "name": asset_name(asset), "free": _plain(wallet.free(asset)),
             "locked": _plain(wallet.balance(asset).locked), "freeze": zero,
             "withdrawing": zero, "ipoing": zero, "ipoable": zero, "storage": zero,
             "isLegalMoney": asset in _FIAT, "trading": trading, "networkList": []}
            for asset, trading in _assets().items()]


def _plain(value: Any) -> str:
    # This endpoint writes amounts without trailing zeros ("0", "1.5").
    return format(value.normalize(), "f") if value else "0"


def _oto_order(order: Any) -> dict[str, Any]:
    # Binance shows a pending leg's orderId as null until the working order fills (doc example).
    pending = order.status is OrderStatus.PENDING_NEW
    return {"symbol": order.symbol, "orderId": None if pending else order.order_id,
            "status": str(order.status), "clientOrderId": order.client_order_id}


@binance_route(blueprint, MARGIN_OPEN_OTO_LISTS)
def margin_open_oto_order_lists(call: Call) -> list[dict[str, Any]]:
    # Cross margin only: the doc says symbol is "only supported for cross margin".
    symbol = call.get("symbol")
    exchange = current_runtime().exchange
    if symbol is not None and symbol not in exchange.config.symbols:
        raise errors.invalid_symbol()
    rows = []
    for order_list in exchange.open_order_lists(call.account, False, None):
        if str(order_list.kind) == "OCO" or (symbol is not None and order_list.symbol != symbol):
            continue
        orders = exchange.order_list_orders(order_list)
        # The doc example reports the list as placed ("OTOCO"), unlike the other list queries.
        rows.append({"orderListId": order_list.order_list_id, "contingencyType": str(order_list.kind),
                     "listStatusType": str(order_list.list_status_type),
                     "listOrderStatus": str(order_list.list_order_status),
                     "listClientOrderId": order_list.list_client_order_id,
                     "transactionTime": order_list.transaction_time_ms, "symbol": order_list.symbol,
                     "orders": [_oto_order(o) for o in orders]})
    return rows


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
