"""Margin order lists: new OCO / OTO / OTOCO, cancel, and the three list queries (spec §4.1-4.7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors
from mock_exchange.core.requests import ListPlacementResult
from mock_exchange.web import serializers
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.order_list_requests import legacy_oco_request, oto_request, otoco_request
from mock_exchange.web.order_params import (
    SIDES,
    TIME_IN_FORCE,
    common_list_params,
    history_limit,
    leg_params,
    margin_options,
    no_from_id_with_times,
    placement_weight,
)
from mock_exchange.web.params import Kind, Param, enum
from mock_exchange.web.pipeline import Call, Placement, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("margin_order_lists", __name__)

_WORKING_TYPES = ("LIMIT", "LIMIT_MAKER")
_PENDING_TYPES = ("LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT", "LIMIT_MAKER")
# The margin OTOCO page lists LIMIT_MAKER / STOP_LOSS / STOP_LOSS_LIMIT; spot (and a report
# for margin) also take the TAKE_PROFIT pair, so they are accepted (docs/behaviour.md).
_PAIR_TYPES = ("LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")

# Margin-Account-New-OCO: TRADE, 6 (UID), 1500 when it may borrow.
NEW_OCO = Endpoint(
    "new_margin_oco", "POST", "/sapi/v1/margin/order/oco", Security.TRADE, placement_weight,
    common_list_params() + (
        enum("side", SIDES, True, errors.invalid_side),
        Param("quantity", Kind.DECIMAL, True),
        Param("limitClientOrderId", Kind.CLIENT_ID),
        Param("price", Kind.DECIMAL, True),
        Param("limitIcebergQty", Kind.DECIMAL),
        Param("stopClientOrderId", Kind.CLIENT_ID),
        Param("stopPrice", Kind.DECIMAL, True),
        Param("stopLimitPrice", Kind.DECIMAL),
        Param("stopIcebergQty", Kind.DECIMAL),
        enum("stopLimitTimeInForce", TIME_IN_FORCE),
    ),
    uid_weighted=True, order_count=2,
)
NEW_OTO = Endpoint(
    "new_margin_oto", "POST", "/sapi/v1/margin/order/oto", Security.TRADE, placement_weight,
    common_list_params() + leg_params("working", _WORKING_TYPES, with_stop=False)
    + leg_params("pending", _PENDING_TYPES),
    uid_weighted=True, order_count=2,
)
NEW_OTOCO = Endpoint(
    "new_margin_otoco", "POST", "/sapi/v1/margin/order/otoco", Security.TRADE, placement_weight,
    common_list_params() + leg_params("working", _WORKING_TYPES, with_stop=False)
    + (enum("pendingSide", SIDES, True), Param("pendingQuantity", Kind.DECIMAL, True))
    + leg_params("pendingAbove", _PAIR_TYPES, with_side=False, with_quantity=False)
    + leg_params("pendingBelow", _PAIR_TYPES, with_side=False, with_quantity=False),
    uid_weighted=True, order_count=3,
)
CANCEL_ORDER_LIST = Endpoint(
    "cancel_margin_order_list", "DELETE", "/sapi/v1/margin/orderList", Security.TRADE, 1,
    (Param("symbol", Kind.SYMBOL, True), Param("isIsolated", Kind.BOOL_STR), Param("orderListId", Kind.LONG),
     Param("listClientOrderId", Kind.CLIENT_ID), Param("newClientOrderId", Kind.CLIENT_ID)),
    uid_weighted=True,
)
_LIST_SCOPE = (Param("isIsolated", Kind.BOOL_STR), Param("symbol", Kind.SYMBOL))
QUERY_ORDER_LIST = Endpoint(
    "query_margin_order_list", "GET", "/sapi/v1/margin/orderList", Security.USER_DATA, 10,
    _LIST_SCOPE + (Param("orderListId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID)),
)
QUERY_ALL_ORDER_LISTS = Endpoint(
    "query_margin_all_order_lists", "GET", "/sapi/v1/margin/allOrderList", Security.USER_DATA, 200,
    _LIST_SCOPE + (Param("fromId", Kind.LONG), Param("startTime", Kind.LONG), Param("endTime", Kind.LONG),
                   Param("limit", Kind.LONG)),
)
QUERY_OPEN_ORDER_LISTS = Endpoint(
    "query_margin_open_order_lists", "GET", "/sapi/v1/margin/openOrderList", Security.USER_DATA, 10, _LIST_SCOPE,
)


def _placement(call: Call, place: Callable[[], ListPlacementResult]) -> Placement[ListPlacementResult]:
    """The engine call and the list's margin shape (the pipeline counts the orders between them)."""
    def respond(result: ListPlacementResult) -> dict[str, Any]:
        return serializers.list_placement_response(
            result.order_list, result.orders, call.get("newOrderRespType", "RESULT"), result.transaction_time_ms,
            result.fills, result.margin_buy_borrow_amount, result.margin_buy_borrow_asset,
        )

    return Placement(place, respond)


@binance_route(blueprint, NEW_OCO)
def new_margin_oco(call: Call) -> Placement[ListPlacementResult]:
    request = legacy_oco_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oco(call.account, request))


@binance_route(blueprint, NEW_OTO)
def new_margin_oto(call: Call) -> Placement[ListPlacementResult]:
    request = oto_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oto(call.account, request))


@binance_route(blueprint, NEW_OTOCO)
def new_margin_otoco(call: Call) -> Placement[ListPlacementResult]:
    request = otoco_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_otoco(call.account, request))


def _list_scope(call: Call) -> tuple[bool, str | None]:
    """isIsolated and symbol of a list query: symbol is mandatory for isolated, unused for cross."""
    isolated = bool(call.get("isIsolated", False))
    if isolated and "symbol" not in call.params:
        raise errors.mandatory_param_missing("symbol")
    return isolated, call.get("symbol") if isolated else None


@binance_route(blueprint, CANCEL_ORDER_LIST)
def cancel_margin_order_list(call: Call) -> dict[str, Any]:
    params = call.params
    if "orderListId" not in params and "listClientOrderId" not in params:
        raise errors.one_of_params_missing("orderListId", "listClientOrderId")
    result = current_runtime().exchange.cancel_order_list(
        call.account, params["symbol"], bool(params.get("isIsolated", False)),
        order_list_id=params.get("orderListId"), list_client_order_id=params.get("listClientOrderId"),
        new_client_order_id=params.get("newClientOrderId"),
    )
    return serializers.list_cancel_response(result.order_list, result.orders, result.cancel_client_order_id,
                                            result.transaction_time_ms)


@binance_route(blueprint, QUERY_ORDER_LIST)
def query_margin_order_list(call: Call) -> dict[str, Any]:
    if "orderListId" not in call.params and "origClientOrderId" not in call.params:
        raise errors.one_of_params_missing("orderListId", "origClientOrderId")
    isolated, symbol = _list_scope(call)
    # The list's client id arrives as origClientOrderId on this endpoint (spec quirk 10).
    exchange = current_runtime().exchange
    order_list = exchange.get_order_list(
        call.account, isolated, symbol, order_list_id=call.get("orderListId"),
        list_client_order_id=call.get("origClientOrderId"),
    )
    return serializers.list_summary(order_list, exchange.order_list_orders(order_list))


@binance_route(blueprint, QUERY_ALL_ORDER_LISTS)
def query_margin_all_order_lists(call: Call) -> list[dict[str, Any]]:
    isolated, symbol = _list_scope(call)
    no_from_id_with_times(call.params)
    limit = history_limit(call.params, 1000)
    exchange = current_runtime().exchange
    lists = exchange.all_order_lists(
        call.account, isolated, symbol, from_id=call.get("fromId"), start_time=call.get("startTime"),
        end_time=call.get("endTime"), limit=limit,
    )
    return [serializers.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


@binance_route(blueprint, QUERY_OPEN_ORDER_LISTS)
def query_margin_open_order_lists(call: Call) -> list[dict[str, Any]]:
    isolated, symbol = _list_scope(call)
    exchange = current_runtime().exchange
    lists = exchange.open_order_lists(call.account, isolated, symbol)
    return [serializers.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
