"""Margin order lists: new OCO / OTO / OTOCO, cancel, and the three list queries (spec §4.1-4.7)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core.requests import ListPlacementResult
from mock_exchange.web import serializers
from mock_exchange.web.endpoint_catalog import (
    MARGIN_ALL_ORDER_LISTS,
    MARGIN_CANCEL_ORDER_LIST,
    MARGIN_NEW_OCO,
    MARGIN_NEW_OTO,
    MARGIN_NEW_OTOCO,
    MARGIN_OPEN_ORDER_LISTS,
    MARGIN_QUERY_ORDER_LIST,
)
from mock_exchange.web.order_list_requests import legacy_oco_request, oto_request, otoco_request
from mock_exchange.web.order_params import (
    margin_options,
    order_list_history,
    order_list_ref,
    symbol_if_isolated,
)
from mock_exchange.web.pipeline import Call, Placement, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("margin_order_lists", __name__)


def _placement(call: Call, place: Callable[[], ListPlacementResult]) -> Placement[ListPlacementResult]:
    """The engine call and the list's margin shape (the pipeline counts the orders between them)."""
    def respond(result: ListPlacementResult) -> dict[str, Any]:
        return serializers.list_placement_response(
            result.order_list, result.orders, call.get("newOrderRespType", "RESULT"), result.transaction_time_ms,
            result.fills, result.margin_buy_borrow_amount, result.margin_buy_borrow_asset,
        )

    return Placement(place, respond)


@binance_route(blueprint, MARGIN_NEW_OCO)
def new_margin_oco(call: Call) -> Placement[ListPlacementResult]:
    request = legacy_oco_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oco(call.account, request))


@binance_route(blueprint, MARGIN_NEW_OTO)
def new_margin_oto(call: Call) -> Placement[ListPlacementResult]:
    request = oto_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_oto(call.account, request))


@binance_route(blueprint, MARGIN_NEW_OTOCO)
def new_margin_otoco(call: Call) -> Placement[ListPlacementResult]:
    request = otoco_request(call.params, margin_options(call.params))
    exchange = current_runtime().exchange
    return _placement(call, lambda: exchange.place_otoco(call.account, request))


def _list_scope(call: Call) -> tuple[bool, str | None]:
    """isIsolated and symbol of a list query: symbol is mandatory for isolated, unused for cross."""
    isolated = bool(call.get("isIsolated", False))
    return isolated, symbol_if_isolated(call.params, isolated)


@binance_route(blueprint, MARGIN_CANCEL_ORDER_LIST)
def cancel_margin_order_list(call: Call) -> dict[str, Any]:
    params = call.params
    result = current_runtime().exchange.cancel_order_list(
        call.account, params["symbol"], bool(params.get("isIsolated", False)), **order_list_ref(params),
        new_client_order_id=params.get("newClientOrderId"),
    )
    return serializers.list_cancel_response(result.order_list, result.orders, result.cancel_client_order_id,
                                            result.transaction_time_ms)


@binance_route(blueprint, MARGIN_QUERY_ORDER_LIST)
def query_margin_order_list(call: Call) -> dict[str, Any]:
    # The list's client id arrives as origClientOrderId on this endpoint (spec quirk 10).
    ref = order_list_ref(call.params, "origClientOrderId")
    isolated, symbol = _list_scope(call)
    exchange = current_runtime().exchange
    order_list = exchange.get_order_list(call.account, isolated, symbol, **ref)
    return serializers.list_summary(order_list, exchange.order_list_orders(order_list))


@binance_route(blueprint, MARGIN_ALL_ORDER_LISTS)
def query_margin_all_order_lists(call: Call) -> list[dict[str, Any]]:
    isolated, symbol = _list_scope(call)
    query = order_list_history(call.params, one_day_window=False)
    exchange = current_runtime().exchange
    lists = exchange.all_order_lists(call.account, isolated, symbol, **query)
    return [serializers.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


@binance_route(blueprint, MARGIN_OPEN_ORDER_LISTS)
def query_margin_open_order_lists(call: Call) -> list[dict[str, Any]]:
    isolated, symbol = _list_scope(call)
    exchange = current_runtime().exchange
    lists = exchange.open_order_lists(call.account, isolated, symbol)
    return [serializers.list_summary(order_list, exchange.order_list_orders(order_list)) for order_list in lists]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
