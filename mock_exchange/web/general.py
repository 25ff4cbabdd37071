"""General and market-data endpoints: ping, time, exchangeInfo, price and book tickers, depth.

Market data comes from the fake exchange's own deterministic market (klines, trades and the
statistics tickers live in web/market_data.py). The order book is
synthetic (docs/behaviour.md): ``depth`` shows levels one tick apart on each side of the
last price, each with one lot of ``SYNTHETIC_LEVEL_QTY``; the best bid and ask are the
first of them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import Blueprint

from mock_exchange.config import FILTER_DECIMAL_FIELDS, SymbolConfig
from mock_exchange.core import depth as depth_book
from mock_exchange.core import errors
from mock_exchange.core.decimals import plain8
from mock_exchange.web import order_params
from mock_exchange.web.endpoint_catalog import (
    BOOK_TICKER,
    DEPTH,
    EXCHANGE_INFO,
    PING,
    SYSTEM_STATUS,
    TICKER_PRICE,
    TIME,
)
from mock_exchange.web.params import SYMBOLS_PATTERN, matches_in_full
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.responses import json_response
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("general", __name__)

SYNTHETIC_LEVEL_QTY = depth_book.LEVEL_QTY
# exchangeInfo lists order types alphabetically and STP modes in their enum order.
ORDER_TYPES = sorted(order_params.ORDER_TYPES)
STP_MODES = list(order_params.STP_MODES)


# exchangeInfo's symbolStatus values (spot rest-api.md) and the permissions it filters by (enums.md).
EXCHANGE_INFO_STATUSES = ("TRADING", "HALT", "BREAK")
_PERMISSION_RE = re.compile(r"SPOT|MARGIN|LEVERAGED|TRD_GRP_\d{3}")


@binance_route(blueprint, PING)
def ping(call: Call) -> dict[str, Any]:
    return {}


@binance_route(blueprint, TIME)
def server_time(call: Call) -> dict[str, Any]:
    return {"serverTime": current_runtime().exchange.clock.now_ms()}


@binance_route(blueprint, SYSTEM_STATUS)
def system_status(call: Call) -> dict[str, Any]:
    return {"status": 0, "msg": "normal"}


@blueprint.get("/mock/v1/health")
def health() -> Any:
    """Liveness for containers and test harnesses; not a Binance path, never rate limited."""
    return json_response({"status": "ok"})


@binance_route(blueprint, EXCHANGE_INFO)
def exchange_info(call: Call) -> dict[str, Any]:
    runtime = current_runtime()
    exchange = runtime.exchange
    symbols = _exchange_info_symbols(call)
    show_sets = call.get("showPermissionSets", True)
    return {
        "timezone": "UTC",
        "serverTime": exchange.clock.now_ms(),
        "rateLimits": _rate_limits(runtime.config.rate_limits),
        "exchangeFilters": [_render_filter(f) for f in exchange.config.exchange_filters],
        "symbols": [_symbol_info(s, show_sets) for s in symbols],
    }


def _exchange_info_symbols(call: Call) -> list[SymbolConfig]:
    """``symbol`` / ``symbols``, or every symbol filtered by ``permissions`` and ``symbolStatus``
    (neither combines with ``symbol`` / ``symbols``: -1128; a bad status -1122)."""
    named = "symbol" in call.params or "symbols" in call.params
    if named and ("permissions" in call.params or "symbolStatus" in call.params):
        raise errors.bad_param_combo()
    symbols = _selected_symbols(call)
    status = call.get("symbolStatus")
    if status is not None:
        if status not in EXCHANGE_INFO_STATUSES:
            raise errors.invalid_symbol_status()
        symbols = [s for s in symbols if s.status == status]
    if "permissions" in call.params:
        wanted = _permission_list(call.params["permissions"])
        symbols = [s for s in symbols if wanted & set(_permissions(s))]
    return symbols


def _permission_list(text: str) -> set[str]:
    """``SPOT`` or a JSON array like ``["MARGIN","LEVERAGED"]``; -1130 for anything else (inferred)."""
    try:
        names = json.loads(text) if text.startswith("[") else [text]
    except ValueError:
        names = None
    if not isinstance(names, list) or not names or not all(
            isinstance(n, str) and _PERMISSION_RE.fullmatch(n) for n in names):
        raise errors.invalid_param_value("permissions")
    return set(names)


def _permissions(symbol: SymbolConfig) -> list[str]:
    return ["SPOT", "MARGIN"] if symbol.margin_enabled else ["SPOT"]


def _selected_symbols(call: Call) -> list[SymbolConfig]:
    """The symbols named by ``symbol`` or ``symbols`` (a JSON array), or all of them."""
    known: Mapping[str, SymbolConfig] = current_runtime().exchange.config.symbols
    if "symbol" in call.params and "symbols" in call.params:
        raise errors.bad_param_combo()
    if "symbol" in call.params:
        names = [call.params["symbol"]]
    elif "symbols" in call.params:
        names = _symbol_list(call.params["symbols"])
    else:
        return list(known.values())
    missing = [n for n in names if n not in known]
    if missing:
        raise errors.invalid_symbol()
    return [known[n] for n in names]


def _symbol_list(text: str) -> list[str]:
    # Binance's pattern, matched in full: no spaces, no newline after the bracket.
    try:
        names = json.loads(text) if matches_in_full(SYMBOLS_PATTERN, text) else None
    except ValueError:  # the pattern's character range admits a backslash
        names = None
    if not names:
        raise errors.illegal_chars("symbols", SYMBOLS_PATTERN)
    return list(names)


def _rate_limits(limits: Any) -> list[dict[str, Any]]:
    return [
        {"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
         "limit": limits.api_weight_per_minute},
        {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": limits.orders_per_10s},
        {"rateLimitType": "ORDERS", "interval": "DAY", "intervalNum": 1, "limit": limits.orders_per_day},
        {"rateLimitType": "RAW_REQUESTS", "interval": "MINUTE", "intervalNum": 5, "limit": 61000},
    ]


def _render_filter(item: Mapping[str, Any]) -> dict[str, Any]:
    # Binance shows filter decimals with 8 places ("0.01000000").
    return {k: plain8(Decimal(v)) if k in FILTER_DECIMAL_FIELDS else v for k, v in item.items()}


def _symbol_info(symbol: SymbolConfig, show_permission_sets: bool = True) -> dict[str, Any]:
    permissions = _permissions(symbol)
    return {
        "symbol": symbol.symbol,
        "status": symbol.status,
        "baseAsset": symbol.base_asset,
        "baseAssetPrecision": symbol.base_asset_precision,
        "quoteAsset": symbol.quote_asset,
        "quotePrecision": symbol.quote_asset_precision,
        "quoteAssetPrecision": symbol.quote_asset_precision,
        "baseCommissionPrecision": symbol.base_asset_precision,
        "quoteCommissionPrecision": symbol.quote_asset_precision,
        "orderTypes": ORDER_TYPES,
        "icebergAllowed": symbol.iceberg_allowed,
        "ocoAllowed": symbol.oco_allowed,
        "otoAllowed": symbol.oto_allowed,
        "opoAllowed": False,
        "quoteOrderQtyMarketAllowed": True,
        "allowTrailingStop": symbol.allow_trailing_stop,
        "cancelReplaceAllowed": False,
        "amendAllowed": False,
        "pegInstructionsAllowed": False,
        "isSpotTradingAllowed": True,
        "isMarginTradingAllowed": symbol.margin_enabled,
        "filters": [_render_filter(f) for f in symbol.filters],
        "permissions": [],
        # showPermissionSets=false leaves the field empty (spot rest-api.md: "populated or not").
        "permissionSets": [permissions] if show_permission_sets else [],
        "defaultSelfTradePreventionMode": "EXPIRE_MAKER",
        "allowedSelfTradePreventionModes": STP_MODES,
    }


# -- market data ------------------------------------------------------------------


def _symbols_for_market(call: Call) -> tuple[list[SymbolConfig], bool]:
    """The selected symbols, and whether one was asked for (answer an object, not a list)."""
    return _selected_symbols(call), "symbol" in call.params


def _tick(symbol: SymbolConfig) -> Decimal:
    return depth_book.tick_size(symbol)


def _one_or_many(rows: list[dict[str, Any]], single: bool) -> Any:
    return rows[0] if single else rows


@binance_route(blueprint, TICKER_PRICE)
def ticker_price(call: Call) -> Any:
    market = current_runtime().exchange.market
    symbols, single = _symbols_for_market(call)
    return _one_or_many([{"symbol": s.symbol, "price": plain8(market.last_price(s.symbol))} for s in symbols], single)


@binance_route(blueprint, BOOK_TICKER)
def book_ticker(call: Call) -> Any:
    market = current_runtime().exchange.market
    symbols, single = _symbols_for_market(call)
    rows = []
    for symbol in symbols:
        (bid, bid_qty), (ask, ask_qty) = depth_book.best(market.last_price(symbol.symbol), _tick(symbol))
        rows.append({"symbol": symbol.symbol, "bidPrice": plain8(bid), "bidQty": plain8(bid_qty),
                     "askPrice": plain8(ask), "askQty": plain8(ask_qty)})
    return _one_or_many(rows, single)


def _require_symbol(name: str) -> SymbolConfig:
    symbols = current_runtime().exchange.config.symbols
    if name not in symbols:
        raise errors.invalid_symbol()
    return symbols[name]


DEPTH_LIMITS = (5, 10, 20, 50, 100, 500, 1000, 5000)


@binance_route(blueprint, DEPTH)
def depth(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    symbol = _require_symbol(call.params["symbol"])
    limit = call.params.get("limit", 100)
    if limit < 1 or limit > 5000:
        raise errors.invalid_param_value("limit")
    last, tick, update_id = exchange.order_book(symbol.symbol)
    # The book is synthetic (core/depth.py); its update id is the one the @depth streams carry.
    return {"lastUpdateId": update_id, "bids": depth_levels(depth_book.bids(last, tick, limit)),
            "asks": depth_levels(depth_book.asks(last, tick, limit))}


def depth_levels(levels: list[depth_book.Level]) -> list[list[str]]:
    """Levels as Binance writes them: ``[price, quantity]``, both with 8 decimals."""
    return [[plain8(price), plain8(qty)] for price, qty in levels]
