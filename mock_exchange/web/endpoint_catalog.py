"""Every Binance endpoint the fake serves, in one table: the single place they are declared.

Each entry gives the method, path, security type, weight (a number, or a rule from
web/endpoints.py when it varies), whether the weight counts per account (UID) or per IP,
the parameters the endpoint reads, the presence rules that tie parameters together, and
Binance's page for it. The view modules import their ``Endpoint`` from here; docs/endpoints.md
and the README's endpoint table are rendered from ``ALL`` (web/endpoint_table.py).

Sources (docs/endpoints.md, "Sources"): weights and parameters as cited next to each group;
the doc pages from the docstrings of Binance's own SDK, binance-connector-python
(``clients/*/rest_api/api/*.py`` at 29da329, 2026-08-21; the retired userDataStream pages
from its last version that had them, before 3.0.0 of the margin client, 2025-11-14).
``doc_url=None`` marks the endpoints no source gives a page for.
"""

from __future__ import annotations

from mock_exchange.core import errors
from mock_exchange.core.intervals import KLINE_INTERVALS
from mock_exchange.web.endpoints import (
    ByLimit,
    BySymbolCount,
    Endpoint,
    PerSymbol,
    PresenceRule,
    Security,
    WhenSent,
    WhenValue,
)
from mock_exchange.web.order_params import (
    ORDER_TYPES,
    RESP_TYPES,
    SIDE_EFFECTS,
    SIDES,
    STP_MODES,
    TIME_IN_FORCE,
    common_list_params,
    leg_params,
)
from mock_exchange.web.params import Kind, Param, enum

_MARGIN_DOCS = "https://developers.binance.com/en/docs/catalog/core-trading-margin-trading/api/rest-api/"
_WALLET_DOCS = "https://developers.binance.com/en/docs/catalog/core-trading-wallet/api/rest-api/"
_SPOT_DOCS = "https://developers.binance.com/en/docs/catalog/core-trading-spot-trading/api/rest-api/"
_MARGIN_STREAM_DOCS = "https://developers.binance.com/docs/margin_trading/trade-data-stream/"

# -- presence rules ---------------------------------------------------------------------
_WEB = "mock_exchange.web."

ORDER_QUANTITY = PresenceRule(
    "order quantity", "MARKET takes quantity or quoteOrderQty (not both); every other type takes quantity",
    _WEB + "order_params.check_quantity")
ORDER_TYPE_TABLE = PresenceRule(
    "order-type table", "price, stopPrice / trailingDelta and timeInForce are required or refused by order type "
    "(the order-type table); icebergQty only with timeInForce GTC", _WEB + "order_params.check_type_rules")
LEG_TYPE_TABLE = PresenceRule(
    "leg order-type table", "each leg follows the order-type table under its prefix (workingPrice, abovePrice, ...); "
    "a pending leg with a trailingDelta also needs its price", _WEB + "order_params.leg_spec")
LEGACY_OCO_STOP_LIMIT = PresenceRule(
    "stop-limit leg", "stopLimitPrice needs stopLimitTimeInForce; without stopLimitPrice, stopLimitTimeInForce and "
    "stopIcebergQty are refused", _WEB + "order_list_requests.legacy_oco_request")
OTOCO_PAIR = PresenceRule(
    "pending pair", "pendingBelowType is required too: the pending pair needs both legs",
    _WEB + "order_list_requests.otoco_request")
MARGIN_ORDER_REF = PresenceRule(
    "order reference", "orderId or origClientOrderId (the generic -1102 when neither)",
    _WEB + "order_params.order_ref")
SPOT_ORDER_REF = PresenceRule(
    "order reference", "orderId or origClientOrderId", _WEB + "order_params.order_ref")
CANCEL_REPLACE_REF = PresenceRule(
    "cancel reference", "cancelOrderId or cancelOrigClientOrderId", _WEB + "order_params.order_ref")
# The same rule as a list cancel's; a list query takes the list's client id as origClientOrderId.
LIST_CANCEL_REF = PresenceRule(
    "list reference", "orderListId or listClientOrderId", _WEB + "order_params.order_list_ref")
LIST_QUERY_REF = PresenceRule(
    "list reference", "orderListId or origClientOrderId", _WEB + "order_params.order_list_ref")
SYMBOL_OR_SYMBOLS = PresenceRule(
    "symbol or symbols", "symbol (one) or symbols (a JSON list) is required", _WEB + "market_data.symbol_or_symbols")
FROM_ID_EXCLUDES_TIMES = PresenceRule(
    "fromId or a window", "fromId excludes startTime / endTime (-1128)", _WEB + "order_params.no_from_id_with_times")
WITHIN_A_DAY = PresenceRule(
    "24-hour window", "startTime to endTime spans at most 24 hours (-1127)", _WEB + "order_params.within_a_day")
ISOLATED_NEEDS_SYMBOL = PresenceRule(
    "isolated needs symbol", "isIsolated=TRUE needs symbol", _WEB + "order_params.symbol_if_isolated")
LIQUIDATION_ISOLATED_SYMBOL = PresenceRule(
    "isolated needs symbol", "type=ISOLATED needs symbol", _WEB + "order_params.symbol_if_isolated")

# -- weight rules -----------------------------------------------------------------------
# Margin placements: 6 (UID), 1500 when they may borrow (spec §4.0, from 2026-05-07).
MARGIN_PLACEMENT_WEIGHT = WhenValue("sideEffectType", ("MARGIN_BUY", "AUTO_BORROW_REPAY"), 1500, 6)
# rest-api.md: depth by limit; the symbol tickers by symbol / symbols; 24hr by symbol count.
DEPTH_WEIGHT = ByLimit(((100, 5), (500, 25), (1000, 50)), above=250, default=100)
ONE_OR_MANY_SYMBOLS_WEIGHT = WhenSent("symbol", 2, 4)
TICKER_24HR_WEIGHT = BySymbolCount(((20, 2), (100, 40)), above=80, every_symbol=80)
# "4 for each requested symbol regardless of windowSize", capped at 200 once more than 50 symbols.
PER_SYMBOL_WEIGHT = PerSymbol(4, 200)

# -- general and market data (binance-spot-api-docs rest-api.md) ------------------------------
_OPT_SYMBOL = Param("symbol", Kind.SYMBOL)
_SYMBOL = Param("symbol", Kind.SYMBOL, True)
_SYMBOLS = Param("symbols")
_LIMIT = Param("limit", Kind.LONG)
_WINDOW = (Param("startTime", Kind.LONG), Param("endTime", Kind.LONG))
_PAGING = (Param("current", Kind.LONG), Param("size", Kind.LONG))
TICKER_TYPES = ("FULL", "MINI")
SYMBOL_STATUSES = ("TRADING", "HALT", "BREAK")
_TICKER_TYPE = enum("type", TICKER_TYPES, bad_value=errors.invalid_ticker_type)
_SYMBOL_STATUS = enum("symbolStatus", SYMBOL_STATUSES, bad_value=errors.invalid_symbol_status)
_TIME_ZONE = Param("timeZone")
_KLINE_PARAMS = (_SYMBOL, enum("interval", KLINE_INTERVALS, True, bad_value=errors.invalid_interval),
                 *_WINDOW, _TIME_ZONE, _LIMIT)

PING = Endpoint("ping", "GET", "/api/v3/ping", Security.NONE, 1, doc_url=_SPOT_DOCS + "general#ping")
TIME = Endpoint("time", "GET", "/api/v3/time", Security.NONE, 1, doc_url=_SPOT_DOCS + "general#time")
EXCHANGE_INFO = Endpoint(
    "exchange_info", "GET", "/api/v3/exchangeInfo", Security.NONE, 20,
    (_OPT_SYMBOL, _SYMBOLS, Param("permissions"), Param("showPermissionSets", Kind.BOOLEAN), Param("symbolStatus")),
    doc_url=_SPOT_DOCS + "general#exchange-info")
SYSTEM_STATUS = Endpoint("system_status", "GET", "/sapi/v1/system/status", Security.NONE, 1,
                         doc_url=_WALLET_DOCS + "others#system-status")
TICKER_PRICE = Endpoint("ticker_price", "GET", "/api/v3/ticker/price", Security.NONE, ONE_OR_MANY_SYMBOLS_WEIGHT,
                        (_OPT_SYMBOL, _SYMBOLS), doc_url=_SPOT_DOCS + "market#ticker-price")
BOOK_TICKER = Endpoint("book_ticker", "GET", "/api/v3/ticker/bookTicker", Security.NONE, ONE_OR_MANY_SYMBOLS_WEIGHT,
                       (_OPT_SYMBOL, _SYMBOLS), doc_url=_SPOT_DOCS + "market#ticker-book-ticker")
DEPTH = Endpoint("depth", "GET", "/api/v3/depth", Security.NONE, DEPTH_WEIGHT, (_SYMBOL, _LIMIT),
                 doc_url=_SPOT_DOCS + "market#depth")
KLINES = Endpoint("klines", "GET", "/api/v3/klines", Security.NONE, 2, _KLINE_PARAMS,
                  doc_url=_SPOT_DOCS + "market#klines")
UI_KLINES = Endpoint("ui_klines", "GET", "/api/v3/uiKlines", Security.NONE, 2, _KLINE_PARAMS,
                     doc_url=_SPOT_DOCS + "market#ui-klines")
TRADES = Endpoint("trades", "GET", "/api/v3/trades", Security.NONE, 25, (_SYMBOL, _LIMIT),
                  doc_url=_SPOT_DOCS + "market#get-trades")
# Security NONE since 2023-12-04 (CHANGELOG: "Changed security type from MARKET_DATA to NONE").
HISTORICAL_TRADES = Endpoint("historical_trades", "GET", "/api/v3/historicalTrades", Security.NONE, 25,
                             (_SYMBOL, _LIMIT, Param("fromId", Kind.LONG)),
                             doc_url=_SPOT_DOCS + "market#historical-trades")
AGG_TRADES = Endpoint("agg_trades", "GET", "/api/v3/aggTrades", Security.NONE, 4,
                      (_SYMBOL, Param("fromId", Kind.LONG), *_WINDOW, _LIMIT),
                      presence=(FROM_ID_EXCLUDES_TIMES,), doc_url=_SPOT_DOCS + "market#agg-trades")
TICKER_24HR = Endpoint("ticker_24hr", "GET", "/api/v3/ticker/24hr", Security.NONE, TICKER_24HR_WEIGHT,
                       (_OPT_SYMBOL, _SYMBOLS, _TICKER_TYPE, _SYMBOL_STATUS),
                       doc_url=_SPOT_DOCS + "market#ticker24hr")
TICKER_WINDOW = Endpoint("ticker_window", "GET", "/api/v3/ticker", Security.NONE, PER_SYMBOL_WEIGHT,
                         (_OPT_SYMBOL, _SYMBOLS, Param("windowSize"), _TICKER_TYPE, _SYMBOL_STATUS),
                         presence=(SYMBOL_OR_SYMBOLS,),
                         doc_url=_SPOT_DOCS + "market#ticker")
TICKER_TRADING_DAY = Endpoint("ticker_trading_day", "GET", "/api/v3/ticker/tradingDay", Security.NONE,
                              PER_SYMBOL_WEIGHT, (_OPT_SYMBOL, _SYMBOLS, _TIME_ZONE, _TICKER_TYPE, _SYMBOL_STATUS),
                              presence=(SYMBOL_OR_SYMBOLS,),
                              doc_url=_SPOT_DOCS + "market#ticker-trading-day")
AVG_PRICE = Endpoint("avg_price", "GET", "/api/v3/avgPrice", Security.NONE, 2, (_SYMBOL,),
                     doc_url=_SPOT_DOCS + "market#avg-price")

# -- margin orders (spec §4.8-4.14) -------------------------------------------------------
_ISOLATED = Param("isIsolated", Kind.BOOL_STR)
_ORDER_REF = (Param("orderId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID))

MARGIN_NEW_ORDER = Endpoint(
    "new_margin_order", "POST", "/sapi/v1/margin/order", Security.TRADE, MARGIN_PLACEMENT_WEIGHT,
    (_SYMBOL, _ISOLATED, enum("side", SIDES, True, errors.invalid_side),
     enum("type", ORDER_TYPES, True, errors.invalid_order_type), Param("quantity", Kind.DECIMAL),
     Param("quoteOrderQty", Kind.DECIMAL), Param("price", Kind.DECIMAL), Param("stopPrice", Kind.DECIMAL),
     Param("trailingDelta", Kind.LONG), Param("newClientOrderId", Kind.CLIENT_ID), Param("icebergQty", Kind.DECIMAL),
     enum("newOrderRespType", RESP_TYPES), enum("sideEffectType", SIDE_EFFECTS),
     enum("timeInForce", TIME_IN_FORCE, bad_value=errors.invalid_tif), enum("selfTradePreventionMode", STP_MODES),
     Param("autoRepayAtCancel", Kind.BOOLEAN)),
    uid_weighted=True, presence=(ORDER_QUANTITY, ORDER_TYPE_TABLE),
    order_count=1, doc_url=_MARGIN_DOCS + "trade#margin-account-new-order")
MARGIN_CANCEL_ORDER = Endpoint(
    "cancel_margin_order", "DELETE", "/sapi/v1/margin/order", Security.TRADE, 10,
    (_SYMBOL, _ISOLATED, *_ORDER_REF, Param("newClientOrderId", Kind.CLIENT_ID)),
    presence=(MARGIN_ORDER_REF,), doc_url=_MARGIN_DOCS + "trade#margin-account-cancel-order")
MARGIN_QUERY_ORDER = Endpoint(
    "query_margin_order", "GET", "/sapi/v1/margin/order", Security.USER_DATA, 10, (_SYMBOL, _ISOLATED, *_ORDER_REF),
    presence=(MARGIN_ORDER_REF,), doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-order")
MARGIN_CANCEL_OPEN_ORDERS = Endpoint(
    "cancel_margin_open_orders", "DELETE", "/sapi/v1/margin/openOrders", Security.TRADE, 1, (_SYMBOL, _ISOLATED),
    doc_url=_MARGIN_DOCS + "trade#margin-account-cancel-all-open-orders-on-asymbol")
MARGIN_OPEN_ORDERS = Endpoint(
    "query_margin_open_orders", "GET", "/sapi/v1/margin/openOrders", Security.USER_DATA, 10, (_OPT_SYMBOL, _ISOLATED),
    presence=(ISOLATED_NEEDS_SYMBOL,), doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-open-orders")
MARGIN_ALL_ORDERS = Endpoint(
    "query_margin_all_orders", "GET", "/sapi/v1/margin/allOrders", Security.USER_DATA, 200,
    (_SYMBOL, _ISOLATED, Param("orderId", Kind.LONG), *_WINDOW, _LIMIT),
    presence=(WITHIN_A_DAY,), doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-all-orders")
MARGIN_MY_TRADES = Endpoint(
    "query_margin_trades", "GET", "/sapi/v1/margin/myTrades", Security.USER_DATA, 10,
    (_SYMBOL, _ISOLATED, Param("orderId", Kind.LONG), *_WINDOW, Param("fromId", Kind.LONG), _LIMIT),
    presence=(WITHIN_A_DAY, FROM_ID_EXCLUDES_TIMES), doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-trade-list")

# -- margin order lists (spec §4.1-4.7) ---------------------------------------------------
_WORKING_TYPES = ("LIMIT", "LIMIT_MAKER")
_PENDING_TYPES = ("LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT", "LIMIT_MAKER")
# The margin OTOCO page lists LIMIT_MAKER / STOP_LOSS / STOP_LOSS_LIMIT; spot (and a report
# for margin) also take the TAKE_PROFIT pair, so they are accepted (docs/behaviour.md).
_PAIR_TYPES = ("LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
_LEGACY_OCO_LEGS = (
    Param("limitClientOrderId", Kind.CLIENT_ID), Param("price", Kind.DECIMAL, True),
    Param("limitIcebergQty", Kind.DECIMAL), Param("stopClientOrderId", Kind.CLIENT_ID),
    Param("stopPrice", Kind.DECIMAL, True), Param("stopLimitPrice", Kind.DECIMAL),
    Param("stopIcebergQty", Kind.DECIMAL), enum("stopLimitTimeInForce", TIME_IN_FORCE),
)
_OTO_LEGS = leg_params("working", _WORKING_TYPES, with_stop=False) + leg_params("pending", _PENDING_TYPES)
_OTOCO_LEGS = (
    leg_params("working", _WORKING_TYPES, with_stop=False)
    + (enum("pendingSide", SIDES, True), Param("pendingQuantity", Kind.DECIMAL, True))
    + leg_params("pendingAbove", _PAIR_TYPES, with_side=False, with_quantity=False)
    + leg_params("pendingBelow", _PAIR_TYPES, with_side=False, with_quantity=False)
)
_LIST_SCOPE = (_ISOLATED, _OPT_SYMBOL)

# Margin-Account-New-OCO: TRADE, 6 (UID), 1500 when it may borrow.
MARGIN_NEW_OCO = Endpoint(
    "new_margin_oco", "POST", "/sapi/v1/margin/order/oco", Security.TRADE, MARGIN_PLACEMENT_WEIGHT,
    common_list_params() + (enum("side", SIDES, True, errors.invalid_side), Param("quantity", Kind.DECIMAL, True))
    + _LEGACY_OCO_LEGS,
    uid_weighted=True, presence=(LEGACY_OCO_STOP_LIMIT,), order_count=2,
    doc_url=_MARGIN_DOCS + "trade#margin-account-new-oco")
MARGIN_NEW_OTO = Endpoint(
    "new_margin_oto", "POST", "/sapi/v1/margin/order/oto", Security.TRADE, MARGIN_PLACEMENT_WEIGHT,
    common_list_params() + _OTO_LEGS,
    uid_weighted=True, presence=(LEG_TYPE_TABLE,), order_count=2, doc_url=_MARGIN_DOCS + "trade#margin-account-new-oto")
MARGIN_NEW_OTOCO = Endpoint(
    "new_margin_otoco", "POST", "/sapi/v1/margin/order/otoco", Security.TRADE, MARGIN_PLACEMENT_WEIGHT,
    common_list_params() + _OTOCO_LEGS,
    uid_weighted=True, presence=(OTOCO_PAIR, LEG_TYPE_TABLE), order_count=3,
    doc_url=_MARGIN_DOCS + "trade#margin-account-new-otoco")
MARGIN_CANCEL_ORDER_LIST = Endpoint(
    "cancel_margin_order_list", "DELETE", "/sapi/v1/margin/orderList", Security.TRADE, 1,
    (_SYMBOL, _ISOLATED, Param("orderListId", Kind.LONG), Param("listClientOrderId", Kind.CLIENT_ID),
     Param("newClientOrderId", Kind.CLIENT_ID)),
    uid_weighted=True, presence=(LIST_CANCEL_REF,), doc_url=_MARGIN_DOCS + "trade#margin-account-cancel-oco")
MARGIN_QUERY_ORDER_LIST = Endpoint(
    "query_margin_order_list", "GET", "/sapi/v1/margin/orderList", Security.USER_DATA, 10,
    _LIST_SCOPE + (Param("orderListId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID)),
    presence=(ISOLATED_NEEDS_SYMBOL, LIST_QUERY_REF),
    doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-oco")
MARGIN_ALL_ORDER_LISTS = Endpoint(
    "query_margin_all_order_lists", "GET", "/sapi/v1/margin/allOrderList", Security.USER_DATA, 200,
    _LIST_SCOPE + (Param("fromId", Kind.LONG), *_WINDOW, _LIMIT),
    presence=(ISOLATED_NEEDS_SYMBOL, FROM_ID_EXCLUDES_TIMES),
    doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-all-oco")
MARGIN_OPEN_ORDER_LISTS = Endpoint(
    "query_margin_open_order_lists", "GET", "/sapi/v1/margin/openOrderList", Security.USER_DATA, 10, _LIST_SCOPE,
    presence=(ISOLATED_NEEDS_SYMBOL,), doc_url=_MARGIN_DOCS + "trade#query-margin-accounts-open-oco")
# Query-Margin-Account's-Open-OTO/OTOCO-Order-Lists: USER_DATA, weight 10 (UID). No source gives its page.
MARGIN_OPEN_OTO_LISTS = Endpoint(
    "margin_open_oto_order_lists", "GET", "/sapi/v1/margin/oto/openOrderList", Security.USER_DATA, 10,
    (_OPT_SYMBOL,), uid_weighted=True)
# Margin-Account-Query-Current-Margin-Order-Count-Usage: TRADE, weight 20 (IP).
MARGIN_ORDER_COUNT_USAGE = Endpoint(
    "margin_order_count_usage", "GET", "/sapi/v1/margin/rateLimit/order", Security.TRADE, 20, (_ISOLATED, _OPT_SYMBOL),
    presence=(ISOLATED_NEEDS_SYMBOL,), doc_url=_MARGIN_DOCS + "trade#query-current-margin-order-count-usage")

# -- margin accounts, borrowing, isolated pairs, liquidation ------------------------------------
MARGIN_CROSS_ACCOUNT = Endpoint(
    "query_cross_margin_account", "GET", "/sapi/v1/margin/account", Security.USER_DATA, 10,
    doc_url=_MARGIN_DOCS + "account#query-cross-margin-account-details")
MARGIN_ISOLATED_ACCOUNT = Endpoint(
    "query_isolated_margin_account", "GET", "/sapi/v1/margin/isolated/account", Security.USER_DATA, 10, (_SYMBOLS,),
    doc_url=_MARGIN_DOCS + "account#query-isolated-margin-account-info")
MARGIN_BORROW_REPAY = Endpoint(
    "margin_borrow_repay", "POST", "/sapi/v1/margin/borrow-repay", Security.TRADE, 1500,
    (Param("asset", required=True), Param("isIsolated", Kind.BOOL_STR, True), _OPT_SYMBOL,
     Param("amount", Kind.DECIMAL, True), enum("type", ("BORROW", "REPAY"), True)),
    uid_weighted=True, presence=(ISOLATED_NEEDS_SYMBOL,),
    doc_url=_MARGIN_DOCS + "borrow-repay#margin-account-borrow-repay")
MARGIN_BORROW_REPAY_HISTORY = Endpoint(
    "query_margin_borrow_repay", "GET", "/sapi/v1/margin/borrow-repay", Security.USER_DATA, 10,
    (Param("asset"), Param("isolatedSymbol", Kind.SYMBOL), Param("txId", Kind.LONG), *_WINDOW, *_PAGING,
     enum("type", ("BORROW", "REPAY"), True)),
    doc_url=_MARGIN_DOCS + "borrow-repay#query-borrow-repay-records-in-margin-account")
# "Get Summary of Margin account": the user's margin level bars (weight 10, IP).
MARGIN_TRADE_COEFF = Endpoint(
    "margin_trade_coeff", "GET", "/sapi/v1/margin/tradeCoeff", Security.USER_DATA, 10,
    doc_url=_MARGIN_DOCS + "account#get-summary-of-margin-account")
# 750 (UID) since 2026-04-16 (margin change log; the SDK docstring still says 50 IP).
MARGIN_MAX_BORROWABLE = Endpoint(
    "query_max_borrowable", "GET", "/sapi/v1/margin/maxBorrowable", Security.USER_DATA, 750,
    (Param("asset", required=True), Param("isolatedSymbol", Kind.SYMBOL)), uid_weighted=True,
    doc_url=_MARGIN_DOCS + "borrow-repay#query-max-borrow")
# Enable / Disable Isolated Margin Account: TRADE, weight 300 (UID).
MARGIN_ENABLE_ISOLATED = Endpoint(
    "enable_isolated_margin_account", "POST", "/sapi/v1/margin/isolated/account", Security.TRADE, 300, (_SYMBOL,),
    uid_weighted=True, doc_url=_MARGIN_DOCS + "account#enable-isolated-margin-account")
MARGIN_DISABLE_ISOLATED = Endpoint(
    "disable_isolated_margin_account", "DELETE", "/sapi/v1/margin/isolated/account", Security.TRADE, 300, (_SYMBOL,),
    uid_weighted=True, doc_url=_MARGIN_DOCS + "account#disable-isolated-margin-account")
# Query Enabled Isolated Margin Account Limit: USER_DATA, weight 1 (IP).
MARGIN_ISOLATED_ACCOUNT_LIMIT = Endpoint(
    "isolated_margin_account_limit", "GET", "/sapi/v1/margin/isolated/accountLimit", Security.USER_DATA, 1,
    doc_url=_MARGIN_DOCS + "account#query-enabled-isolated-margin-account-limit")
MARGIN_FORCE_LIQUIDATION_RECORD = Endpoint(
    "margin_force_liquidation_record", "GET", "/sapi/v1/margin/forceLiquidationRec", Security.USER_DATA, 1,
    (*_WINDOW, Param("isolatedSymbol", Kind.SYMBOL), *_PAGING),
    doc_url=_MARGIN_DOCS + "trade#get-force-liquidation-record")
MARGIN_MANUAL_LIQUIDATION = Endpoint(
    "margin_manual_liquidation", "POST", "/sapi/v1/margin/manual-liquidation", Security.TRADE, 3000,
    (enum("type", ("MARGIN", "ISOLATED"), True), _OPT_SYMBOL),
    uid_weighted=True, presence=(LIQUIDATION_ISOLATED_SYMBOL,),
    doc_url=_MARGIN_DOCS + "trade#margin-manual-liquidation")

# -- margin rates and reference data -------------------------------------------------------
# The fake has one fee schedule; any VIP level reads it (Binance: "defaults to user's vip level").
_VIP = Param("vipLevel", Kind.LONG)
CAPITAL_FLOW_TYPES = ("TRANSFER", "BORROW", "REPAY", "BUY_INCOME", "BUY_EXPENSE", "SELL_INCOME", "SELL_EXPENSE",
                      "TRADING_COMMISSION", "BUY_LIQUIDATION", "SELL_LIQUIDATION", "REPAY_LIQUIDATION",
                      "OTHER_LIQUIDATION", "LIQUIDATION_FEE", "SMALL_BALANCE_CONVERT", "COMMISSION_RETURN",
                      "SMALL_CONVERT")
# ccxt signs every /sapi call, even MARKET_DATA ones, so the signing parameters are read (and ignored).
_UNSIGNED_EXTRAS = (Param("timestamp", Kind.LONG), Param("recvWindow", Kind.RECV_WINDOW), Param("signature"))

MARGIN_INTEREST_HISTORY = Endpoint(
    "margin_interest_history", "GET", "/sapi/v1/margin/interestHistory", Security.USER_DATA, 1,
    (Param("asset"), Param("isolatedSymbol", Kind.SYMBOL), *_WINDOW, *_PAGING, Param("archived", Kind.BOOLEAN)),
    doc_url=_MARGIN_DOCS + "borrow-repay#get-interest-history")
MARGIN_INTEREST_RATE_HISTORY = Endpoint(
    "margin_interest_rate_history", "GET", "/sapi/v1/margin/interestRateHistory", Security.USER_DATA, 1,
    (Param("asset", required=True), _VIP, *_WINDOW, _LIMIT),
    doc_url=_MARGIN_DOCS + "borrow-repay#query-margin-interest-rate-history")
MARGIN_NEXT_HOURLY_RATE = Endpoint(
    "margin_next_hourly_interest_rate", "GET", "/sapi/v1/margin/next-hourly-interest-rate", Security.USER_DATA, 100,
    (Param("assets", required=True), enum("isIsolated", ("TRUE", "FALSE"), True)), uid_weighted=True,
    doc_url=_MARGIN_DOCS + "borrow-repay#get-future-hourly-interest-rate")
MARGIN_CROSS_MARGIN_DATA = Endpoint(
    "margin_cross_margin_data", "GET", "/sapi/v1/margin/crossMarginData", Security.USER_DATA, WhenSent("coin", 1, 5),
    (_VIP, Param("coin")), doc_url=_MARGIN_DOCS + "account#query-cross-margin-fee-data")
MARGIN_ISOLATED_MARGIN_DATA = Endpoint(
    "margin_isolated_margin_data", "GET", "/sapi/v1/margin/isolatedMarginData", Security.USER_DATA,
    WhenSent("symbol", 1, 10), (_VIP, _OPT_SYMBOL), doc_url=_MARGIN_DOCS + "account#query-isolated-margin-fee-data")
MARGIN_ISOLATED_MARGIN_TIER = Endpoint(
    "margin_isolated_margin_tier", "GET", "/sapi/v1/margin/isolatedMarginTier", Security.USER_DATA, 1,
    (_SYMBOL, Param("tier", Kind.LONG)), doc_url=_MARGIN_DOCS + "market-data#query-isolated-margin-tier-data")
MARGIN_ALL_ASSETS = Endpoint(
    "margin_all_assets", "GET", "/sapi/v1/margin/allAssets", Security.MARKET_DATA, 1,
    (Param("asset"),) + _UNSIGNED_EXTRAS, doc_url=_MARGIN_DOCS + "market-data#get-all-margin-assets")
MARGIN_PRICE_INDEX = Endpoint(
    "margin_price_index", "GET", "/sapi/v1/margin/priceIndex", Security.MARKET_DATA, 10,
    (_SYMBOL,) + _UNSIGNED_EXTRAS, doc_url=_MARGIN_DOCS + "market-data#query-margin-priceindex")
MARGIN_CAPITAL_FLOW = Endpoint(
    "margin_capital_flow", "GET", "/sapi/v1/margin/capital-flow", Security.USER_DATA, 100,
    (Param("asset"), _OPT_SYMBOL, enum("type", CAPITAL_FLOW_TYPES), *_WINDOW, Param("fromId", Kind.LONG), _LIMIT),
    doc_url=_MARGIN_DOCS + "account#query-cross-isolated-margin-capital-flow")
# Get-All-Cross-Margin-Pairs: MARKET_DATA, weight 1 (IP).
MARGIN_ALL_PAIRS = Endpoint(
    "margin_all_pairs", "GET", "/sapi/v1/margin/allPairs", Security.MARKET_DATA, 1, (_OPT_SYMBOL,) + _UNSIGNED_EXTRAS,
    doc_url=_MARGIN_DOCS + "market-data#get-all-cross-margin-pairs")
# Get-All-Isolated-Margin-Symbol: MARKET_DATA, weight 10 (IP).
MARGIN_ISOLATED_ALL_PAIRS = Endpoint(
    "margin_isolated_all_pairs", "GET", "/sapi/v1/margin/isolated/allPairs", Security.MARKET_DATA, 10,
    (_OPT_SYMBOL,) + _UNSIGNED_EXTRAS, doc_url=_MARGIN_DOCS + "market-data#get-all-isolated-margin-symbol")

# -- wallets and transfers (wallet docs, docs/wallets.md) ---------------------------------------
# Account information: USER_DATA, weight 20 (IP).
SPOT_ACCOUNT = Endpoint("spot_account", "GET", "/api/v3/account", Security.USER_DATA, 20,
                        (Param("omitZeroBalances", Kind.BOOLEAN),), doc_url=_SPOT_DOCS + "account#get-account")
# User Universal Transfer: USER_DATA, weight 900 (UID) (wallet docs).
UNIVERSAL_TRANSFER = Endpoint(
    "universal_transfer", "POST", "/sapi/v1/asset/transfer", Security.USER_DATA, 900,
    (Param("type", required=True), Param("asset", required=True), Param("amount", Kind.DECIMAL, True),
     Param("fromSymbol", Kind.SYMBOL), Param("toSymbol", Kind.SYMBOL)),
    uid_weighted=True, doc_url=_WALLET_DOCS + "asset#user-universal-transfer")
# Query User Universal Transfer History: USER_DATA, weight 1 (IP).
UNIVERSAL_TRANSFER_HISTORY = Endpoint(
    "universal_transfer_history", "GET", "/sapi/v1/asset/transfer", Security.USER_DATA, 1,
    (Param("type", required=True), *_WINDOW, *_PAGING, Param("fromSymbol", Kind.SYMBOL),
     Param("toSymbol", Kind.SYMBOL)),
    doc_url=_WALLET_DOCS + "asset#query-user-universal-transfer-history")
# Get Cross Margin Transfer History: USER_DATA, weight 1 (IP); isolatedSymbol since 2024-01.
MARGIN_TRANSFER_HISTORY = Endpoint(
    "margin_transfer_history", "GET", "/sapi/v1/margin/transfer", Security.USER_DATA, 1,
    (Param("asset"), enum("type", ("ROLL_IN", "ROLL_OUT")), *_WINDOW, *_PAGING, Param("isolatedSymbol", Kind.SYMBOL),
     Param("archived", Kind.BOOLEAN)),
    doc_url=_MARGIN_DOCS + "transfer#get-cross-margin-transfer-history")
# Query Max Transfer-Out Amount: USER_DATA, weight 50 (IP).
MARGIN_MAX_TRANSFERABLE = Endpoint(
    "query_max_transferable", "GET", "/sapi/v1/margin/maxTransferable", Security.USER_DATA, 50,
    (Param("asset", required=True), Param("isolatedSymbol", Kind.SYMBOL)),
    doc_url=_MARGIN_DOCS + "transfer#query-max-transfer-out-amount")
ASSET_TRADE_FEE = Endpoint("asset_trade_fee", "GET", "/sapi/v1/asset/tradeFee", Security.USER_DATA, 1, (_OPT_SYMBOL,),
                           doc_url=_WALLET_DOCS + "asset#trade-fee")
ACCOUNT_STATUS = Endpoint("account_status", "GET", "/sapi/v1/account/status", Security.USER_DATA, 1,
                          doc_url=_WALLET_DOCS + "account#account-status")
API_RESTRICTIONS = Endpoint("account_api_restrictions", "GET", "/sapi/v1/account/apiRestrictions", Security.USER_DATA,
                            1, doc_url=_WALLET_DOCS + "account#get-api-key-permission")
# All-Coins'-Information: USER_DATA, weight 10 (IP).
ALL_COINS = Endpoint("capital_config_getall", "GET", "/sapi/v1/capital/config/getall", Security.USER_DATA, 10,
                     doc_url=_WALLET_DOCS + "capital#all-coins-information")

# -- spot orders (binance-spot-api-docs rest-api.md, docs/spot.md) -------------------------------
_SPOT_ORDER = (
    _SYMBOL, enum("side", SIDES, True, errors.invalid_side), enum("type", ORDER_TYPES, True, errors.invalid_order_type),
    enum("timeInForce", TIME_IN_FORCE, bad_value=errors.invalid_tif), Param("quantity", Kind.DECIMAL),
    Param("quoteOrderQty", Kind.DECIMAL), Param("price", Kind.DECIMAL), Param("newClientOrderId", Kind.CLIENT_ID),
    Param("stopPrice", Kind.DECIMAL), Param("trailingDelta", Kind.LONG), Param("icebergQty", Kind.DECIMAL),
    enum("newOrderRespType", RESP_TYPES), enum("selfTradePreventionMode", STP_MODES),
)
_CANCEL_RESTRICTIONS = enum("cancelRestrictions", ("ONLY_NEW", "ONLY_PARTIALLY_FILLED"),
                            bad_value=errors.invalid_cancel_restrictions)

SPOT_NEW_ORDER = Endpoint("spot_new_order", "POST", "/api/v3/order", Security.TRADE, 1, _SPOT_ORDER,
                          presence=(ORDER_QUANTITY, ORDER_TYPE_TABLE), order_count=1,
                          doc_url=_SPOT_DOCS + "trade#new-order")
SPOT_TEST_ORDER = Endpoint(
    "spot_test_order", "POST", "/api/v3/order/test", Security.TRADE,
    WhenValue("computeCommissionRates", ("true",), 20, 1, ignore_case=True),
    _SPOT_ORDER + (Param("computeCommissionRates", Kind.BOOLEAN),),
    presence=(ORDER_QUANTITY, ORDER_TYPE_TABLE), doc_url=_SPOT_DOCS + "trade#order-test")
SPOT_CANCEL_ORDER = Endpoint(
    "spot_cancel_order", "DELETE", "/api/v3/order", Security.TRADE, 1,
    (_SYMBOL, *_ORDER_REF, Param("newClientOrderId", Kind.CLIENT_ID), _CANCEL_RESTRICTIONS),
    presence=(SPOT_ORDER_REF,), doc_url=_SPOT_DOCS + "trade#delete-order")
SPOT_QUERY_ORDER = Endpoint("spot_query_order", "GET", "/api/v3/order", Security.USER_DATA, 4, (_SYMBOL, *_ORDER_REF),
                            presence=(SPOT_ORDER_REF,), doc_url=_SPOT_DOCS + "account#get-order")
SPOT_CANCEL_OPEN_ORDERS = Endpoint("spot_cancel_open_orders", "DELETE", "/api/v3/openOrders", Security.TRADE, 1,
                                   (_SYMBOL,), doc_url=_SPOT_DOCS + "trade#delete-open-orders")
SPOT_OPEN_ORDERS = Endpoint("spot_open_orders", "GET", "/api/v3/openOrders", Security.USER_DATA,
                            WhenSent("symbol", 6, 80), (_OPT_SYMBOL,), doc_url=_SPOT_DOCS + "account#get-open-orders")
SPOT_ALL_ORDERS = Endpoint("spot_all_orders", "GET", "/api/v3/allOrders", Security.USER_DATA, 20,
                           (_SYMBOL, Param("orderId", Kind.LONG), *_WINDOW, _LIMIT),
                           presence=(WITHIN_A_DAY,), doc_url=_SPOT_DOCS + "account#all-orders")
SPOT_MY_TRADES = Endpoint("spot_my_trades", "GET", "/api/v3/myTrades", Security.USER_DATA, WhenSent("orderId", 5, 20),
                          (_SYMBOL, Param("orderId", Kind.LONG), *_WINDOW, Param("fromId", Kind.LONG), _LIMIT),
                          presence=(WITHIN_A_DAY, FROM_ID_EXCLUDES_TIMES), doc_url=_SPOT_DOCS + "account#my-trades")
SPOT_ORDER_COUNT = Endpoint("spot_unfilled_order_count", "GET", "/api/v3/rateLimit/order", Security.USER_DATA, 40,
                            doc_url=_SPOT_DOCS + "account#rate-limit-order")
SPOT_COMMISSION = Endpoint("spot_commission", "GET", "/api/v3/account/commission", Security.USER_DATA, 20, (_SYMBOL,),
                           doc_url=_SPOT_DOCS + "account#account-commission")
SPOT_CANCEL_REPLACE = Endpoint(
    "spot_cancel_replace", "POST", "/api/v3/order/cancelReplace", Security.TRADE, 1,
    _SPOT_ORDER + (
        enum("cancelReplaceMode", ("STOP_ON_FAILURE", "ALLOW_FAILURE"), True),
        Param("cancelNewClientOrderId", Kind.CLIENT_ID), Param("cancelOrigClientOrderId", Kind.CLIENT_ID),
        Param("cancelOrderId", Kind.LONG), _CANCEL_RESTRICTIONS,
        enum("orderRateLimitExceededMode", ("DO_NOTHING", "CANCEL_ONLY")),
    ),
    presence=(CANCEL_REPLACE_REF, ORDER_QUANTITY, ORDER_TYPE_TABLE), doc_url=_SPOT_DOCS + "trade#order-cancel-replace")

# -- spot order lists (rest-api.md "Order lists") -------------------------------------------------
_SPOT_LIST_COMMON = (_SYMBOL, Param("listClientOrderId", Kind.CLIENT_ID), enum("newOrderRespType", RESP_TYPES),
                     enum("selfTradePreventionMode", STP_MODES))
_SIDE_QTY = (enum("side", SIDES, True, errors.invalid_side), Param("quantity", Kind.DECIMAL, True))

SPOT_NEW_OCO = Endpoint(
    "spot_new_order_list_oco", "POST", "/api/v3/orderList/oco", Security.TRADE, 1,
    _SPOT_LIST_COMMON + _SIDE_QTY + leg_params("above", _PAIR_TYPES, with_side=False, with_quantity=False)
    + leg_params("below", _PAIR_TYPES, with_side=False, with_quantity=False),
    presence=(LEG_TYPE_TABLE,), order_count=2, doc_url=_SPOT_DOCS + "trade#order-list-oco")
# The deprecated OCO: a LIMIT_MAKER leg and a stop leg, margin's parameter names.
SPOT_NEW_OCO_DEPRECATED = Endpoint(
    "spot_new_oco_deprecated", "POST", "/api/v3/order/oco", Security.TRADE, 1,
    _SPOT_LIST_COMMON + _SIDE_QTY + _LEGACY_OCO_LEGS,
    presence=(LEGACY_OCO_STOP_LIMIT,), order_count=2, doc_url=_SPOT_DOCS + "trade#order-oco")
SPOT_NEW_OTO = Endpoint(
    "spot_new_order_list_oto", "POST", "/api/v3/orderList/oto", Security.TRADE, 1, _SPOT_LIST_COMMON + _OTO_LEGS,
    presence=(LEG_TYPE_TABLE,), order_count=2, doc_url=_SPOT_DOCS + "trade#order-list-oto")
SPOT_NEW_OTOCO = Endpoint(
    "spot_new_order_list_otoco", "POST", "/api/v3/orderList/otoco", Security.TRADE, 1,
    _SPOT_LIST_COMMON + _OTOCO_LEGS,
    presence=(OTOCO_PAIR, LEG_TYPE_TABLE), order_count=3, doc_url=_SPOT_DOCS + "trade#order-list-otoco")
SPOT_CANCEL_ORDER_LIST = Endpoint(
    "spot_cancel_order_list", "DELETE", "/api/v3/orderList", Security.TRADE, 1,
    (_SYMBOL, Param("orderListId", Kind.LONG), Param("listClientOrderId", Kind.CLIENT_ID),
     Param("newClientOrderId", Kind.CLIENT_ID)),
    presence=(LIST_CANCEL_REF,), doc_url=_SPOT_DOCS + "trade#delete-order-list")
SPOT_QUERY_ORDER_LIST = Endpoint(
    "spot_query_order_list", "GET", "/api/v3/orderList", Security.USER_DATA, 4,
    (Param("orderListId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID)),
    presence=(LIST_QUERY_REF,), doc_url=_SPOT_DOCS + "account#get-order-list")
SPOT_ALL_ORDER_LISTS = Endpoint(
    "spot_all_order_lists", "GET", "/api/v3/allOrderList", Security.USER_DATA, 20,
    (Param("fromId", Kind.LONG), *_WINDOW, _LIMIT),
    presence=(FROM_ID_EXCLUDES_TIMES, WITHIN_A_DAY), doc_url=_SPOT_DOCS + "account#all-order-list")
SPOT_OPEN_ORDER_LISTS = Endpoint("spot_open_order_lists", "GET", "/api/v3/openOrderList", Security.USER_DATA, 6,
                                 doc_url=_SPOT_DOCS + "account#open-order-list")

# -- user data streams (docs/user-stream.md) -------------------------------------------------------
_LISTEN_KEY = Param("listenKey", Kind.STRING, True)
# Documented as BOOLEAN ("true"/"false"); BOOL_STR also takes the TRUE/FALSE other margin
# endpoints use, which clients often send everywhere.
_TOKEN_PARAMS = (_OPT_SYMBOL, Param("isIsolated", Kind.BOOL_STR), Param("validity", Kind.LONG))


def _stream(name: str, method: str, path: str, weight: int, params: tuple[Param, ...] = (),
            doc_url: str | None = None) -> Endpoint:
    return Endpoint(name, method, path, Security.USER_STREAM, weight, params, uid_weighted=True, doc_url=doc_url)


# No source gives the userListenToken page. It is USER_STREAM; python-binance signs it, so a
# signed request is checked as the USER_DATA variant (web/user_stream.signature_optional_route).
LISTEN_TOKEN = Endpoint("user_listen_token", "POST", "/sapi/v1/userListenToken", Security.USER_STREAM, 1,
                        _TOKEN_PARAMS, uid_weighted=True, presence=(ISOLATED_NEEDS_SYMBOL,))
LISTEN_TOKEN_SIGNED = Endpoint(LISTEN_TOKEN.name, "POST", LISTEN_TOKEN.path, Security.USER_DATA, 1, _TOKEN_PARAMS,
                               uid_weighted=True, presence=(ISOLATED_NEEDS_SYMBOL,))
CROSS_KEY_CREATE = _stream("margin_listen_key_create", "POST", "/sapi/v1/userDataStream", 1,
                           doc_url=_MARGIN_STREAM_DOCS + "Start-Margin-User-Data-Stream")
CROSS_KEY_KEEP = _stream("margin_listen_key_keepalive", "PUT", "/sapi/v1/userDataStream", 1, (_LISTEN_KEY,),
                         doc_url=_MARGIN_STREAM_DOCS + "Keepalive-Margin-User-Data-Stream")
CROSS_KEY_CLOSE = _stream("margin_listen_key_close", "DELETE", "/sapi/v1/userDataStream", 1, (_LISTEN_KEY,),
                          doc_url=_MARGIN_STREAM_DOCS + "Close-Margin-User-Data-Stream")
ISOLATED_KEY_CREATE = _stream("isolated_listen_key_create", "POST", "/sapi/v1/userDataStream/isolated", 1, (_SYMBOL,),
                              doc_url=_MARGIN_STREAM_DOCS + "Start-Isolated-Margin-User-Data-Stream")
ISOLATED_KEY_KEEP = _stream("isolated_listen_key_keepalive", "PUT", "/sapi/v1/userDataStream/isolated", 1,
                            (_SYMBOL, _LISTEN_KEY),
                            doc_url=_MARGIN_STREAM_DOCS + "Keepalive-Isolated-Margin-User-Data-Stream")
ISOLATED_KEY_CLOSE = _stream("isolated_listen_key_close", "DELETE", "/sapi/v1/userDataStream/isolated", 1,
                             (_SYMBOL, _LISTEN_KEY),
                             doc_url=_MARGIN_STREAM_DOCS + "Close-Isolated-Margin-User-Data-Stream")
RISK_KEY_CREATE = _stream("risk_listen_key_create", "POST", "/sapi/v1/margin/listen-key", 1,
                          doc_url=_MARGIN_DOCS + "user-data-stream#start-user-data-stream")
RISK_KEY_KEEP = _stream("risk_listen_key_keepalive", "PUT", "/sapi/v1/margin/listen-key", 1, (_LISTEN_KEY,),
                        doc_url=_MARGIN_DOCS + "user-data-stream#keepalive-user-data-stream")
# The SDK gives DELETE a weight of 3000 (spec §4.0); listenKey is optional there.
RISK_KEY_CLOSE = _stream("risk_listen_key_close", "DELETE", "/sapi/v1/margin/listen-key", 3000, (Param("listenKey"),),
                         doc_url=_MARGIN_DOCS + "user-data-stream#close-user-data-stream")

# Every endpoint above by family, in the order the README lists them; one entry per route
# and security variant. A test checks that these are exactly the routes the app serves.
GROUPS: tuple[tuple[str, tuple[Endpoint, ...]], ...] = (
    ("margin order lists", (MARGIN_NEW_OCO, MARGIN_NEW_OTO, MARGIN_NEW_OTOCO, MARGIN_CANCEL_ORDER_LIST,
                            MARGIN_QUERY_ORDER_LIST, MARGIN_ALL_ORDER_LISTS, MARGIN_OPEN_ORDER_LISTS,
                            MARGIN_OPEN_OTO_LISTS)),
    ("margin orders", (MARGIN_NEW_ORDER, MARGIN_CANCEL_ORDER, MARGIN_QUERY_ORDER, MARGIN_CANCEL_OPEN_ORDERS,
                       MARGIN_OPEN_ORDERS, MARGIN_ALL_ORDERS, MARGIN_MY_TRADES, MARGIN_ORDER_COUNT_USAGE)),
    ("margin accounts and borrowing", (MARGIN_CROSS_ACCOUNT, MARGIN_ISOLATED_ACCOUNT, MARGIN_ENABLE_ISOLATED,
                                       MARGIN_DISABLE_ISOLATED, MARGIN_ISOLATED_ACCOUNT_LIMIT, MARGIN_MAX_BORROWABLE,
                                       MARGIN_TRADE_COEFF, MARGIN_BORROW_REPAY, MARGIN_BORROW_REPAY_HISTORY)),
    ("liquidation", (MARGIN_FORCE_LIQUIDATION_RECORD, MARGIN_MANUAL_LIQUIDATION)),
    ("interest and rates", (MARGIN_INTEREST_HISTORY, MARGIN_INTEREST_RATE_HISTORY, MARGIN_NEXT_HOURLY_RATE,
                            MARGIN_CROSS_MARGIN_DATA, MARGIN_ISOLATED_MARGIN_DATA, MARGIN_ISOLATED_MARGIN_TIER)),
    ("user data stream", (LISTEN_TOKEN, LISTEN_TOKEN_SIGNED, CROSS_KEY_CREATE, CROSS_KEY_KEEP, CROSS_KEY_CLOSE,
                          ISOLATED_KEY_CREATE, ISOLATED_KEY_KEEP, ISOLATED_KEY_CLOSE, RISK_KEY_CREATE, RISK_KEY_KEEP,
                          RISK_KEY_CLOSE)),
    ("spot orders", (SPOT_NEW_ORDER, SPOT_TEST_ORDER, SPOT_CANCEL_ORDER, SPOT_QUERY_ORDER, SPOT_CANCEL_REPLACE,
                     SPOT_CANCEL_OPEN_ORDERS, SPOT_OPEN_ORDERS, SPOT_ALL_ORDERS, SPOT_MY_TRADES, SPOT_ORDER_COUNT,
                     SPOT_COMMISSION)),
    ("spot order lists", (SPOT_NEW_OCO, SPOT_NEW_OTO, SPOT_NEW_OTOCO, SPOT_NEW_OCO_DEPRECATED, SPOT_CANCEL_ORDER_LIST,
                          SPOT_QUERY_ORDER_LIST, SPOT_ALL_ORDER_LISTS, SPOT_OPEN_ORDER_LISTS)),
    ("wallets and transfers", (SPOT_ACCOUNT, UNIVERSAL_TRANSFER, UNIVERSAL_TRANSFER_HISTORY, MARGIN_TRANSFER_HISTORY,
                               MARGIN_MAX_TRANSFERABLE)),
    ("general", (PING, TIME, EXCHANGE_INFO, SYSTEM_STATUS)),
    ("market data (from the fake's own tape)", (DEPTH, TICKER_PRICE, BOOK_TICKER, KLINES, UI_KLINES, TRADES,
                                                HISTORICAL_TRADES, AGG_TRADES, TICKER_24HR, TICKER_WINDOW,
                                                TICKER_TRADING_DAY, AVG_PRICE)),
    ("reference data", (MARGIN_ALL_ASSETS, MARGIN_PRICE_INDEX, MARGIN_CAPITAL_FLOW, MARGIN_ALL_PAIRS,
                        MARGIN_ISOLATED_ALL_PAIRS, ALL_COINS, ASSET_TRADE_FEE, ACCOUNT_STATUS, API_RESTRICTIONS)),
)
ALL: tuple[Endpoint, ...] = tuple(endpoint for _, endpoints in GROUPS for endpoint in endpoints)
# The routes no source gives a Binance page for (docs/endpoints.md, "Sources of the Binance pages").
NO_PAGE_FOUND = frozenset({("POST", "/sapi/v1/userListenToken"), ("GET", "/sapi/v1/margin/oto/openOrderList")})
