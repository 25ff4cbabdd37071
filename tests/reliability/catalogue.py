"""A valid request for every Binance endpoint, against a seeded exchange.

:func:`seed` places a known set of orders, lists, trades, a loan and listen keys through
HTTP and returns their ids; :func:`baselines` gives, per endpoint, parameter sets that
succeed on that state. The fuzzers start from these and break them; the OpenAPI test
validates their success responses. An endpoint this file does not know gets a baseline
built from its declared parameters (:func:`generic_baseline`), so a new endpoint is
fuzzed from the day it is registered.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.params import Kind, Param
from tests.reliability.support import DEMO, OTHER, Credentials, call

Params = dict[str, str]

LIMIT_BUY: Params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "29000",
                     "timeInForce": "GTC"}
OCO_SELL: Params = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "price": "31000", "stopPrice": "29500",
                    "stopLimitPrice": "29400", "stopLimitTimeInForce": "GTC"}
OTO: Params = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
               "workingQuantity": "0.01", "workingTimeInForce": "GTC", "pendingType": "LIMIT_MAKER",
               "pendingSide": "SELL", "pendingQuantity": "0.01", "pendingPrice": "31000"}
OTOCO: Params = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29100",
                 "workingQuantity": "0.01", "workingTimeInForce": "GTC", "pendingSide": "SELL",
                 "pendingQuantity": "0.01", "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "31000",
                 "pendingBelowType": "STOP_LOSS_LIMIT", "pendingBelowStopPrice": "28000",
                 "pendingBelowPrice": "27900", "pendingBelowTimeInForce": "GTC"}

SPOT_OCO: Params = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "aboveType": "LIMIT_MAKER",
                    "abovePrice": "31000", "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "29500",
                    "belowPrice": "29400", "belowTimeInForce": "GTC"}


def _ok(client: Any, method: str, path: str, params: Params, creds: Credentials = DEMO) -> Any:
    outcome = call(client, method, path, {**params, "timestamp": _now(client)}, creds)
    assert outcome.ok, f"seeding {method} {path} {params}: {outcome.body}"
    return outcome.body


def _unsigned_ok(client: Any, method: str, path: str, params: Params) -> Any:
    outcome = call(client, method, path, params, DEMO, sign=False)
    assert outcome.ok, f"seeding {method} {path}: {outcome.body}"
    return outcome.body


def _now(client: Any) -> int:
    return int(client.application.extensions["mock_exchange"].exchange.clock.now_ms())


def seed(app: Flask) -> dict[str, Any]:
    """Orders, lists, a fill, a loan and listen keys for the demo account (one order for 'other')."""
    client = app.test_client()
    ids: dict[str, Any] = {}
    order = _ok(client, "POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "newClientOrderId": "seedLimit"})
    ids["order"] = order["orderId"]
    ids["oco"] = _ok(client, "POST", "/sapi/v1/margin/order/oco", {**OCO_SELL, "listClientOrderId": "seedOco"})[
        "orderListId"]
    ids["oto"] = _ok(client, "POST", "/sapi/v1/margin/order/oto", {**OTO, "listClientOrderId": "seedOto"})[
        "orderListId"]
    ids["otoco"] = _ok(client, "POST", "/sapi/v1/margin/order/otoco", {**OTOCO, "listClientOrderId": "seedOtoco"})[
        "orderListId"]
    ids["market"] = _ok(client, "POST", "/sapi/v1/margin/order",
                        {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"})["orderId"]
    ids["isolated"] = _ok(client, "POST", "/sapi/v1/margin/order",
                          {**LIMIT_BUY, "isIsolated": "TRUE", "quantity": "0.001", "newClientOrderId": "seedIso"})[
        "orderId"]
    ids["loan"] = _ok(client, "POST", "/sapi/v1/margin/borrow-repay",
                      {"asset": "USDT", "isIsolated": "FALSE", "amount": "100", "type": "BORROW"})["tranId"]
    _ok(client, "POST", "/sapi/v1/margin/isolated/account", {"symbol": "BNBUSDT"})  # one pair to disable
    ids["other_order"] = _ok(client, "POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "newClientOrderId": "seedOther"},
                             OTHER)["orderId"]
    # The spot wallet's orders and lists (/api/v3).
    ids["spot_order"] = _ok(client, "POST", "/api/v3/order", {**LIMIT_BUY, "newClientOrderId": "seedSpot"})["orderId"]
    ids["spot_market"] = _ok(client, "POST", "/api/v3/order",
                             {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.001"})["orderId"]
    ids["spot_oco"] = _ok(client, "POST", "/api/v3/orderList/oco", {**SPOT_OCO, "listClientOrderId": "seedSpotOco"})[
        "orderListId"]
    ids["listen_key"] = _unsigned_ok(client, "POST", "/sapi/v1/userDataStream", {})["listenKey"]
    ids["isolated_key"] = _unsigned_ok(client, "POST", "/sapi/v1/userDataStream/isolated",
                                       {"symbol": "BTCUSDT"})["listenKey"]
    ids["risk_key"] = _unsigned_ok(client, "POST", "/sapi/v1/margin/listen-key", {})["listenKey"]
    return ids


def baselines(ids: dict[str, Any]) -> dict[str, list[Params]]:
    """Per endpoint name, parameter sets that succeed on the seeded state (timestamp not included)."""
    btc = {"symbol": "BTCUSDT"}
    return {
        "ping": [{}], "time": [{}], "system_status": [{}],
        "exchange_info": [{}, btc, {"symbols": '["BTCUSDT","ETHUSDT"]'}],
        "ticker_price": [{}, btc], "book_ticker": [{}, btc], "ticker_24hr": [{}, btc],
        "avg_price": [btc], "depth": [{**btc, "limit": "5"}],
        "klines": [{**btc, "interval": "1m"}, {**btc, "interval": "1M", "timeZone": "8", "limit": "2"}],
        "ui_klines": [{**btc, "interval": "1h", "startTime": "0"}],
        "trades": [btc, {**btc, "limit": "1"}], "historical_trades": [btc, {**btc, "fromId": "0"}],
        "agg_trades": [btc, {**btc, "fromId": "0"}, {**btc, "startTime": "0"}],
        "ticker_window": [btc, {"symbols": '["BTCUSDT","ETHUSDT"]', "windowSize": "5m"}],
        "ticker_trading_day": [btc, {"symbols": '["BTCUSDT"]', "timeZone": "-1:00"}],
        "new_margin_order": [
            LIMIT_BUY, {**LIMIT_BUY, "side": "SELL", "price": "31000", "newOrderRespType": "RESULT"},
            {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "50"},
            {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT_MAKER", "quantity": "0.001", "price": "31000"},
            {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT", "quantity": "0.001", "price": "28900",
             "stopPrice": "29000", "timeInForce": "GTC", "newOrderRespType": "FULL"},
            {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.1", "price": "1900",
             "timeInForce": "IOC", "sideEffectType": "MARGIN_BUY"},
        ],
        "cancel_margin_order": [{**btc, "orderId": str(ids["order"])}, {**btc, "origClientOrderId": "seedLimit"}],
        "query_margin_order": [{**btc, "orderId": str(ids["order"])}, {**btc, "origClientOrderId": "seedLimit"},
                               {**btc, "isIsolated": "TRUE", "orderId": str(ids["isolated"])}],
        "cancel_margin_open_orders": [btc, {**btc, "isIsolated": "TRUE"}],
        "query_margin_open_orders": [{}, btc, {**btc, "isIsolated": "TRUE"}],
        "query_margin_all_orders": [btc, {**btc, "limit": "10"}],
        "query_margin_trades": [btc, {**btc, "orderId": str(ids["market"])}],
        "new_margin_oco": [OCO_SELL, {**OCO_SELL, "newOrderRespType": "FULL"}],
        "new_margin_oto": [OTO, {**OTO, "newOrderRespType": "ACK"}],
        "new_margin_otoco": [OTOCO, {**OTOCO, "newOrderRespType": "FULL"}],
        "cancel_margin_order_list": [{**btc, "orderListId": str(ids["oco"])},
                                     {**btc, "listClientOrderId": "seedOtoco"}],
        "query_margin_order_list": [{"orderListId": str(ids["oco"])}, {"origClientOrderId": "seedOto"}],
        "query_margin_all_order_lists": [{}, {"limit": "2"}],
        "query_margin_open_order_lists": [{}],
        "query_cross_margin_account": [{}],
        "query_isolated_margin_account": [{}, {"symbols": "BTCUSDT"}],
        "margin_borrow_repay": [{"asset": "USDT", "isIsolated": "FALSE", "amount": "10", "type": "BORROW"},
                                {"asset": "USDT", "isIsolated": "FALSE", "amount": "10", "type": "REPAY"}],
        "query_margin_borrow_repay": [{"type": "BORROW"}, {"type": "REPAY", "asset": "USDT"}],
        "query_max_borrowable": [{"asset": "BTC"}, {"asset": "USDT", "isolatedSymbol": "BTCUSDT"}],
        "margin_trade_coeff": [{}],
        "margin_order_count_usage": [{}],
        "margin_all_pairs": [{}, btc], "margin_isolated_all_pairs": [{}, btc],
        "capital_config_getall": [{}],
        "margin_open_oto_order_lists": [{}, btc],
        "user_listen_token": [{}, {"isIsolated": "TRUE", "symbol": "BTCUSDT"}],
        "margin_listen_key_create": [{}],
        "margin_listen_key_keepalive": [{"listenKey": ids["listen_key"]}],
        "margin_listen_key_close": [{"listenKey": ids["listen_key"]}],
        "isolated_listen_key_create": [btc],
        "isolated_listen_key_keepalive": [{**btc, "listenKey": ids["isolated_key"]}],
        "isolated_listen_key_close": [{**btc, "listenKey": ids["isolated_key"]}],
        "risk_listen_key_create": [{}],
        "risk_listen_key_keepalive": [{"listenKey": ids["risk_key"]}],
        "risk_listen_key_close": [{"listenKey": ids["risk_key"]}, {}],
        "spot_account": [{}, {"omitZeroBalances": "true"}],
        "spot_new_order": [
            LIMIT_BUY, {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "50"},
            {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT_MAKER", "quantity": "0.001", "price": "31000"},
            {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT", "quantity": "0.001", "price": "28900",
             "stopPrice": "29000", "timeInForce": "GTC", "newOrderRespType": "FULL"},
        ],
        "spot_test_order": [LIMIT_BUY, {**LIMIT_BUY, "computeCommissionRates": "true"}],
        "spot_cancel_order": [{**btc, "orderId": str(ids["spot_order"])}, {**btc, "origClientOrderId": "seedSpot"}],
        "spot_query_order": [{**btc, "orderId": str(ids["spot_order"])}, {**btc, "origClientOrderId": "seedSpot"}],
        "spot_cancel_open_orders": [btc],
        "spot_open_orders": [{}, btc],
        "spot_all_orders": [btc, {**btc, "limit": "10"}],
        "spot_my_trades": [btc, {**btc, "orderId": str(ids["spot_market"])}],
        "spot_unfilled_order_count": [{}],
        "spot_commission": [btc],
        "spot_cancel_replace": [{**LIMIT_BUY, "price": "28900", "cancelReplaceMode": "STOP_ON_FAILURE",
                                 "cancelOrderId": str(ids["spot_order"])}],
        "spot_new_order_list_oco": [SPOT_OCO, {**SPOT_OCO, "newOrderRespType": "FULL"}],
        "spot_new_oco_deprecated": [OCO_SELL],
        "spot_new_order_list_oto": [OTO],
        "spot_new_order_list_otoco": [OTOCO],
        "spot_cancel_order_list": [{**btc, "orderListId": str(ids["spot_oco"])},
                                   {**btc, "listClientOrderId": "seedSpotOco"}],
        "spot_query_order_list": [{"orderListId": str(ids["spot_oco"])}, {"origClientOrderId": "seedSpotOco"}],
        "spot_all_order_lists": [{}, {"limit": "2"}],
        "spot_open_order_lists": [{}],
        "universal_transfer": [{"type": "MAIN_MARGIN", "asset": "USDT", "amount": "10"},
                               {"type": "MARGIN_ISOLATEDMARGIN", "asset": "USDT", "amount": "1",
                                "toSymbol": "BTCUSDT"}],
        "universal_transfer_history": [{"type": "MAIN_MARGIN"}, {"type": "MAIN_MARGIN", "size": "5"}],
        "margin_transfer_history": [{}, {"isolatedSymbol": "BTCUSDT"}],
        "query_max_transferable": [{"asset": "BTC"}, {"asset": "USDT", "isolatedSymbol": "BTCUSDT"}],
        "enable_isolated_margin_account": [{"symbol": "ETHUSDT"}],
        "disable_isolated_margin_account": [{"symbol": "BNBUSDT"}],
        "isolated_margin_account_limit": [{}],
        "margin_interest_history": [{}, {"isolatedSymbol": "BTCUSDT"}],
        "margin_interest_rate_history": [{"asset": "BTC"}],
        "margin_next_hourly_interest_rate": [{"assets": "BTC,USDT", "isIsolated": "FALSE"}],
        "margin_cross_margin_data": [{}, {"coin": "BTC"}],
        "margin_isolated_margin_data": [{}, btc],
        "margin_isolated_margin_tier": [btc],
        "margin_all_assets": [{}, {"asset": "BTC"}],
        "margin_price_index": [btc],
        "margin_capital_flow": [{}],
        "asset_trade_fee": [{}, btc],
        "account_status": [{}],
        "account_api_restrictions": [{}],
    }


# A plausible valid value per parameter kind, for endpoints the catalogue does not know.
_BY_KIND = {Kind.SYMBOL: "BTCUSDT", Kind.DECIMAL: "1", Kind.LONG: "1", Kind.BOOL_STR: "FALSE",
            Kind.BOOLEAN: "true", Kind.CLIENT_ID: "generic1", Kind.RECV_WINDOW: "5000"}
_BY_NAME = {"asset": "BTC", "symbols": '["BTCUSDT"]', "listenKey": "unknownListenKey"}


def valid_value(param: Param) -> str:
    if param.kind is Kind.ENUM:
        return param.values[0]
    return _BY_NAME.get(param.name) or _BY_KIND.get(param.kind, "x")


def generic_baseline(endpoint: Endpoint) -> Params:
    """The endpoint's required parameters with plausible values."""
    return {p.name: valid_value(p) for p in endpoint.params if p.required}


def baselines_for(endpoint: Endpoint, known: dict[str, list[Params]]) -> list[Params]:
    return known.get(endpoint.name) or [generic_baseline(endpoint)]
