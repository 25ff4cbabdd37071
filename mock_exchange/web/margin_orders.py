"""Single margin orders: new, cancel, query, open orders, all orders, trades (spec §4.8-4.14)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors
from mock_exchange.core.requests import ListCancelResult, PlacementResult
from mock_exchange.web import serializers
from mock_exchange.web.endpoint_catalog import (
    MARGIN_ALL_ORDERS,
    MARGIN_CANCEL_OPEN_ORDERS,
    MARGIN_CANCEL_ORDER,
    MARGIN_MY_TRADES,
    MARGIN_NEW_ORDER,
    MARGIN_OPEN_ORDERS,
    MARGIN_QUERY_ORDER,
)
from mock_exchange.web.order_params import (
    default_resp_type,
    margin_options,
    order_history,
    order_ref,
    single_order_request,
    symbol_if_isolated,
    trade_history,
)
from mock_exchange.web.pipeline import Call, Placement, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("margin_orders", __name__)


# A margin LIMIT without timeInForce gets the generic -1102 form: the only margin capture
# shows it (docs/fidelity.md, Messages).
_GENERIC_MANDATORY = errors.mandatory_param_missing()


@binance_route(blueprint, MARGIN_NEW_ORDER)
def new_margin_order(call: Call) -> Placement[PlacementResult]:
    params = call.params
    request = single_order_request(params, _GENERIC_MANDATORY, **margin_options(params))
    exchange = current_runtime().exchange
    resp_type = params.get("newOrderRespType", default_resp_type(request.type))

    def respond(result: PlacementResult) -> dict[str, Any]:
        return serializers.new_order_response(
            result.order, resp_type, result.transact_time_ms, result.fills,
            result.margin_buy_borrow_amount, result.margin_buy_borrow_asset,
        )

    return Placement(lambda: exchange.place_order(call.account, request), respond)


@binance_route(blueprint, MARGIN_CANCEL_ORDER)
def cancel_margin_order(call: Call) -> dict[str, Any]:
    result = current_runtime().exchange.cancel_order(
        call.account, call.params["symbol"], bool(call.get("isIsolated", False)),
        new_client_order_id=call.get("newClientOrderId"), **order_ref(call.params, margin=True),
    )
    return serializers.cancel_order_response(result.order, result.cancel_client_order_id)


@binance_route(blueprint, MARGIN_QUERY_ORDER)
def query_margin_order(call: Call) -> dict[str, Any]:
    order = current_runtime().exchange.get_order(
        call.account, call.params["symbol"], bool(call.get("isIsolated", False)),
        **order_ref(call.params, margin=True),
    )
    return serializers.order_query(order)


@binance_route(blueprint, MARGIN_CANCEL_OPEN_ORDERS)
def cancel_margin_open_orders(call: Call) -> list[dict[str, Any]]:
    results = current_runtime().exchange.cancel_open_orders(
        call.account, call.params["symbol"], bool(call.get("isIsolated", False))
    )
    rows = []
    for result in results:
        if isinstance(result, ListCancelResult):
            rows.append(serializers.list_cancel_response(result.order_list, result.orders,
                                                         result.cancel_client_order_id, result.transaction_time_ms))
        else:
            rows.append(serializers.cancel_all_row(result.order, result.cancel_client_order_id))
    return rows


@binance_route(blueprint, MARGIN_OPEN_ORDERS)
def query_margin_open_orders(call: Call) -> list[dict[str, Any]]:
    isolated = bool(call.get("isIsolated", False))
    symbol_if_isolated(call.params, isolated)  # cross may filter by symbol too
    orders = current_runtime().exchange.open_orders(call.account, call.get("symbol"), isolated)
    return [serializers.order_query(order) for order in orders]


@binance_route(blueprint, MARGIN_ALL_ORDERS)
def query_margin_all_orders(call: Call) -> list[dict[str, Any]]:
    orders = current_runtime().exchange.all_orders(
        call.account, call.params["symbol"], bool(call.get("isIsolated", False)), **order_history(call.params, 500))
    return [serializers.order_query(order) for order in orders]


@binance_route(blueprint, MARGIN_MY_TRADES)
def query_margin_trades(call: Call) -> list[dict[str, Any]]:
    trades = current_runtime().exchange.my_trades(
        call.account, call.params["symbol"], bool(call.get("isIsolated", False)), **trade_history(call.params))
    return [serializers.trade(item) for item in trades]


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
