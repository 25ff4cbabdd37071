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

from mock_exchange.core.enums import SelfTradePreventionMode
from mock_exchange.core.requests import ListPlacementResult, NewOrderListOco
from mock_exchange.web import spot_serializers as shapes
from mock_exchange.web.endpoint_catalog import (
    SPOT_ALL_ORDER_LISTS,
    SPOT_CANCEL_ORDER_LIST,
    SPOT_NEW_OCO,
    SPOT_NEW_OCO_DEPRECATED,
    SPOT_NEW_OTO,
    SPOT_NEW_OTOCO,
    SPOT_OPEN_ORDER_LISTS,
    SPOT_QUERY_ORDER_LIST,
)
from mock_exchange.web.order_list_requests import legacy_oco_request, oto_request, otoco_request
from mock_exchange.web.order_params import (
    leg_spec,
    order_list_history,
    order_list_ref,
)
from mock_exchange.web.pipeline import Call, Placement, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("spot_order_lists", __name__)



def _options(params: dict[str, Any]) -> dict[str, Any]:
    stp = params.get("selfTradePreventionMode")
    return {"spot": True, "self_trade_prevention_mode": SelfTradePreventionMode(stp) if stp else None}


def _placement(call: Call, place: Callable[[], ListPlacementResult]) -> Placement[ListPlacementResult]:
    """The engine call and the list's spot shape (the pipeline counts the orders between them)."""
    def respond(result: ListPlacementResult) -> dict[str, Any]:
        return shapes.list_placement(result.order_list, result.orders, call.get("newOrderRespType", "RESULT"),
                                     result.transaction_time_ms, result.fills)

    return Placement(place, respond)


@binance_route(blueprint, SPOT_NEW_OCO)
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


@binance_route(blueprint, SPOT_NEW_OCO_DEPRECATED)
def spot_new_oco_deprecated(call: Call) -> Placement[ListPlacementResult]:
    request = legacy_oco_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oco(call.account, request))


@binance_route(blueprint, SPOT_NEW_OTO)
def spot_new_order_list_oto(call: Call) -> Placement[ListPlacementResult]:
    request = oto_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oto(call.account, request))


@binance_route(blueprint, SPOT_NEW_OTOCO)
def spot_new_order_list_otoco(call: Call) -> Placement[ListPlacementResult]:
    request = otoco_request(call.params, _options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_otoco(call.account, request))


@binance_route(blueprint, SPOT_CANCEL_ORDER_LIST)
def spot_cancel_order_list(call: Call) -> dict[str, Any]:
    params = call.params
    result = current_runtime().exchange.cancel_order_list(
        call.account, params["symbol"], **order_list_ref(params), new_client_order_id=params.get("newClientOrderId"),
        spot=True,
    )
    return shapes.list_cancel(result.order_list, result.orders, result.cancel_client_order_id,
                              result.transaction_time_ms)


@binance_route(blueprint, SPOT_QUERY_ORDER_LIST)
def spot_query_order_list(call: Call) -> dict[str, Any]:
    # The list's client id arrives as origClientOrderId on this endpoint (rest-api.md, Query Order list).
    ref = order_list_ref(call.params, "origClientOrderId")
    exchange = current_runtime().exchange
    order_list = exchange.get_order_list(call.account, **ref, spot=True)
    return shapes.list_summary(order_list, exchange.order_list_orders(order_list))


@binance_route(blueprint, SPOT_ALL_ORDER_LISTS)
def spot_all_order_lists(call: Call) -> list[dict[str, Any]]:
    query = order_list_history(call.params, one_day_window=True)
    exchange = current_runtime().exchange
    lists = exchange.all_order_lists(call.account, **query, spot=True)
    return [shapes.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


@binance_route(blueprint, SPOT_OPEN_ORDER_LISTS)
def spot_open_order_lists(call: Call) -> list[dict[str, Any]]:
    exchange = current_runtime().exchange
    lists = exchange.open_order_lists(call.account, spot=True)
    return [shapes.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
