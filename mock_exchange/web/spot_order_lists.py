"""Spot order lists on ``/api/v3``: OCO (above / below legs, and the deprecated order/oco), OTO,
OTOCO, cancel, and the three list queries.

The same engine rules as margin lists (core/placement.py); the spot scope and spot shapes
(web/spot_serializers.py). Sources: binance-spot-api-docs ``rest-api.md`` "Order lists"
(docs/spot.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors
from mock_exchange.core.enums import SelfTradePreventionMode
from mock_exchange.core.requests import ListPlacementResult, NewOrderListOco
from mock_exchange.web import spot_serializers as shapes
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.order_list_requests import legacy_oco_request, oto_request, otoco_request
from mock_exchange.web.order_params import (
    RESP_TYPES,
    SIDES,
    STP_MODES,
    TIME_IN_FORCE,
    history_limit,
    leg_params,
    leg_spec,
    no_from_id_with_times,
    within_a_day,
)
from mock_exchange.web.params import Kind, Param, enum
from mock_exchange.web.pipeline import Call, Placement, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("spot_order_lists", __name__)

_WORKING_TYPES = ("LIMIT", "LIMIT_MAKER")
_PENDING_TYPES = ("LIMIT", "MARKET", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT", "LIMIT_MAKER")
_PAIR_TYPES = ("LIMIT_MAKER", "STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT")
_COMMON = (Param("symbol", Kind.SYMBOL, True), Param("listClientOrderId", Kind.CLIENT_ID),
           enum("newOrderRespType", RESP_TYPES), enum("selfTradePreventionMode", STP_MODES))
_SIDE_QTY = (enum("side", SIDES, True, errors.invalid_side), Param("quantity", Kind.DECIMAL, True))

NEW_OCO = Endpoint(
    "spot_new_order_list_oco", "POST", "/api/v3/orderList/oco", Security.TRADE, 1,
    _COMMON + _SIDE_QTY + leg_params("above", _PAIR_TYPES, with_side=False, with_quantity=False)
    + leg_params("below", _PAIR_TYPES, with_side=False, with_quantity=False),
    order_count=2,
)
# The deprecated OCO: a LIMIT_MAKER leg and a stop leg, margin's parameter names.
NEW_OCO_DEPRECATED = Endpoint(
    "spot_new_oco_deprecated", "POST", "/api/v3/order/oco", Security.TRADE, 1,
    _COMMON + _SIDE_QTY + (
        Param("limitClientOrderId", Kind.CLIENT_ID), Param("price", Kind.DECIMAL, True),
        Param("limitIcebergQty", Kind.DECIMAL), Param("stopClientOrderId", Kind.CLIENT_ID),
        Param("stopPrice", Kind.DECIMAL, True), Param("stopLimitPrice", Kind.DECIMAL),
        Param("stopIcebergQty", Kind.DECIMAL), enum("stopLimitTimeInForce", TIME_IN_FORCE),
    ),
    order_count=2,
)
NEW_OTO = Endpoint(
    "spot_new_order_list_oto", "POST", "/api/v3/orderList/oto", Security.TRADE, 1,
    _COMMON + leg_params("working", _WORKING_TYPES, with_stop=False) + leg_params("pending", _PENDING_TYPES),
    order_count=2,
)
NEW_OTOCO = Endpoint(
    "spot_new_order_list_otoco", "POST", "/api/v3/orderList/otoco", Security.TRADE, 1,
    _COMMON + leg_params("working", _WORKING_TYPES, with_stop=False)
    + (enum("pendingSide", SIDES, True), Param("pendingQuantity", Kind.DECIMAL, True))
    + leg_params("pendingAbove", _PAIR_TYPES, with_side=False, with_quantity=False)
    + leg_params("pendingBelow", _PAIR_TYPES, with_side=False, with_quantity=False),
    order_count=3,
)
CANCEL_LIST = Endpoint(
    "spot_cancel_order_list", "DELETE", "/api/v3/orderList", Security.TRADE, 1,
    (Param("symbol", Kind.SYMBOL, True), Param("orderListId", Kind.LONG), Param("listClientOrderId", Kind.CLIENT_ID),
     Param("newClientOrderId", Kind.CLIENT_ID)),
)
QUERY_LIST = Endpoint("spot_query_order_list", "GET", "/api/v3/orderList", Security.USER_DATA, 4,
                      (Param("orderListId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID)))
ALL_LISTS = Endpoint("spot_all_order_lists", "GET", "/api/v3/allOrderList", Security.USER_DATA, 20,
                     (Param("fromId", Kind.LONG), Param("startTime", Kind.LONG), Param("endTime", Kind.LONG),
                      Param("limit", Kind.LONG)))
OPEN_LISTS = Endpoint("spot_open_order_lists", "GET", "/api/v3/openOrderList", Security.USER_DATA, 6)


def _options(params: dict[str, Any]) -> dict[str, Any]:
    stp = params.get("selfTradePreventionMode")
    return {"spot": True, "self_trade_prevention_mode": SelfTradePreventionMode(stp) if stp else None}


def _placement(call: Call, place: Callable[[], ListPlacementResult]) -> Placement[ListPlacementResult]:
    """The engine call and the list's spot shape (the pipeline counts the orders between them)."""
    def respond(result: ListPlacementResult) -> dict[str, Any]:
        return shapes.list_placement(result.order_list, result.orders, call.get("newOrderRespType", "RESULT"),
                                     result.transaction_time_ms, result.fills)

    return Placement(place, respond)


@binance_route(blueprint, NEW_OCO)
def spot_new_order_list_oco(call: Call) -> Placement[ListPlacementResult]:
    params = call.params
    side, quantity = params["side"], params["quantity"]
    request = NewOrderListOco(
        symbol=params["symbol"], above=leg_spec(params, "above", side, quantity),
        below=leg_spec(params, "below", side, quantity), list_client_order_id=params.get("listClientOrderId"),
        **_options(params),
    )
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_pair_oco(call.account, request))


@binance_route(blueprint, NEW_OCO_DEPRECATED)
def spot_new_oco_deprecated(call: Call) -> Placement[ListPlacementResult]:
    request = legacy_oco_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oco(call.account, request))


@binance_route(blueprint, NEW_OTO)
def spot_new_order_list_oto(call: Call) -> Placement[ListPlacementResult]:
    request = oto_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oto(call.account, request))


@binance_route(blueprint, NEW_OTOCO)
def spot_new_order_list_otoco(call: Call) -> Placement[ListPlacementResult]:
    request = otoco_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_otoco(call.account, request))


@binance_route(blueprint, CANCEL_LIST)
def spot_cancel_order_list(call: Call) -> dict[str, Any]:
    params = call.params
    if "orderListId" not in params and "listClientOrderId" not in params:
        raise errors.one_of_params_missing("orderListId", "listClientOrderId")
    result = current_runtime().exchange.cancel_order_list(
        call.account, params["symbol"], order_list_id=params.get("orderListId"),
        list_client_order_id=params.get("listClientOrderId"), new_client_order_id=params.get("newClientOrderId"),
        spot=True,
    )
    return shapes.list_cancel(result.order_list, result.orders, result.cancel_client_order_id,
                              result.transaction_time_ms)


@binance_route(blueprint, QUERY_LIST)
def spot_query_order_list(call: Call) -> dict[str, Any]:
    if "orderListId" not in call.params and "origClientOrderId" not in call.params:
        raise errors.one_of_params_missing("orderListId", "origClientOrderId")
    exchange = current_runtime().exchange
    # The list's client id arrives as origClientOrderId on this endpoint (rest-api.md, Query Order list).
    order_list = exchange.get_order_list(call.account, order_list_id=call.get("orderListId"),
                                         list_client_order_id=call.get("origClientOrderId"), spot=True)
    return shapes.list_summary(order_list, exchange.order_list_orders(order_list))


@binance_route(blueprint, ALL_LISTS)
def spot_all_order_lists(call: Call) -> list[dict[str, Any]]:
    no_from_id_with_times(call.params)
    within_a_day(call.params)
    start, end = call.get("startTime"), call.get("endTime")
    exchange = current_runtime().exchange
    lists = exchange.all_order_lists(call.account, from_id=call.get("fromId"), start_time=start, end_time=end,
                                     limit=history_limit(call.params, 1000), spot=True)
    return [shapes.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


@binance_route(blueprint, OPEN_LISTS)
def spot_open_order_lists(call: Call) -> list[dict[str, Any]]:
    exchange = current_runtime().exchange
    lists = exchange.open_order_lists(call.account, spot=True)
    return [shapes.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
