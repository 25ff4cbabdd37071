"""Spot orders on ``/api/v3``: new, test, cancel, cancel-replace, queries, trades, counts, commission.

The same engine as margin, in the account's spot scope (core/scopes.py): spot orders
trade the spot wallet, never borrow, and neither margin query nor margin stream sees them.
Parameters, weights and shapes follow binance-spot-api-docs ``rest-api.md`` (docs/spot.md).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core.enums import OrderStatus, SelfTradePreventionMode
from mock_exchange.core.requests import ListCancelResult, NewOrder, PlacementResult
from mock_exchange.web import spot_serializers as shapes
from mock_exchange.web.endpoint_catalog import (
    SPOT_ALL_ORDERS,
    SPOT_CANCEL_OPEN_ORDERS,
    SPOT_CANCEL_ORDER,
    SPOT_CANCEL_REPLACE,
    SPOT_COMMISSION,
    SPOT_MY_TRADES,
    SPOT_NEW_ORDER,
    SPOT_OPEN_ORDERS,
    SPOT_ORDER_COUNT,
    SPOT_QUERY_ORDER,
    SPOT_TEST_ORDER,
)
from mock_exchange.web.order_params import (
    default_resp_type,
    order_history,
    order_ref,
    single_order_request,
    trade_history,
)
from mock_exchange.web.pipeline import SPOT_BOOK, Call, Placement, binance_route, count_cancel_replace
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("spot_orders", __name__)


# -- placement -------------------------------------------------------------------------


def new_order_request(params: dict[str, Any]) -> NewOrder:
    """POST /api/v3/order's parameters as the engine's request, presence rules checked (-1102 / -1106)."""
    stp = params.get("selfTradePreventionMode")
    return single_order_request(params, spot=True,
                                self_trade_prevention_mode=SelfTradePreventionMode(stp) if stp else None)


@binance_route(blueprint, SPOT_NEW_ORDER)
def spot_new_order(call: Call) -> Placement[PlacementResult]:
    request = new_order_request(call.params)
    exchange = current_runtime().exchange
    resp_type = call.get("newOrderRespType", default_resp_type(request.type))

    def respond(result: PlacementResult) -> dict[str, Any]:
        return shapes.order_report(result.order, resp_type, result.transact_time_ms, result.fills)

    return Placement(lambda: exchange.place_order(call.account, request), respond)


@binance_route(blueprint, SPOT_TEST_ORDER)
def spot_test_order(call: Call) -> dict[str, Any]:
    request = new_order_request(call.params)
    exchange = current_runtime().exchange
    exchange.test_order(call.account, request)
    if not call.get("computeCommissionRates", False):
        return {}
    return shapes.order_commission(exchange.commission_rates(call.account, request.symbol))


# -- cancels ---------------------------------------------------------------------------


# cancelRestrictions -> the only status an open order is cancelled in (rest-api.md, Cancel order).
_RESTRICTIONS = {"ONLY_NEW": OrderStatus.NEW, "ONLY_PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED}


def _only_status(restriction: str | None) -> OrderStatus | None:
    return _RESTRICTIONS[restriction] if restriction is not None else None


@binance_route(blueprint, SPOT_CANCEL_ORDER)
def spot_cancel_order(call: Call) -> dict[str, Any]:
    params = call.params
    result = current_runtime().exchange.cancel_order(
        call.account, params["symbol"], new_client_order_id=params.get("newClientOrderId"), spot=True,
        only_status=_only_status(params.get("cancelRestrictions")), **order_ref(params))
    return shapes.cancel_report(result.order, result.cancel_client_order_id, result.transaction_time_ms)


@binance_route(blueprint, SPOT_CANCEL_OPEN_ORDERS)
def spot_cancel_open_orders(call: Call) -> list[dict[str, Any]]:
    results = current_runtime().exchange.cancel_open_orders(call.account, call.params["symbol"], spot=True)
    rows = []
    for result in results:
        if isinstance(result, ListCancelResult):
            rows.append(shapes.list_cancel(result.order_list, result.orders, result.cancel_client_order_id,
                                           result.transaction_time_ms))
        else:
            rows.append(shapes.cancel_report(result.order, result.cancel_client_order_id, result.transaction_time_ms))
    return rows


@binance_route(blueprint, SPOT_CANCEL_REPLACE)
def spot_cancel_replace(call: Call) -> dict[str, Any]:
    """Cancel an order, then place a new one (rest-api.md, Cancel an Existing Order and Send a New Order)."""
    params = call.params
    ref = order_ref(params, "cancelOrderId", "cancelOrigClientOrderId")
    request = new_order_request(params)
    runtime = current_runtime()
    exchange = runtime.exchange
    resp_type = params.get("newOrderRespType", default_resp_type(request.type))
    new_order = Placement(lambda: exchange.place_order(call.account, request),
                          lambda result: shapes.order_report(result.order, resp_type, result.transact_time_ms,
                                                             result.fills))
    return count_cancel_replace(
        runtime, call, params.get("orderRateLimitExceededMode", "DO_NOTHING"),
        lambda admit, place: exchange.cancel_replace(
            call.account, params["symbol"], ref["order_id"], ref["orig_client_order_id"],
            params.get("cancelNewClientOrderId"), _only_status(params.get("cancelRestrictions")),
            params["cancelReplaceMode"] == "STOP_ON_FAILURE", admit, place),
        new_order,
        lambda cancelled: shapes.cancel_report(cancelled.order, cancelled.cancel_client_order_id,
                                               cancelled.transaction_time_ms))


# -- queries ---------------------------------------------------------------------------


@binance_route(blueprint, SPOT_QUERY_ORDER)
def spot_query_order(call: Call) -> dict[str, Any]:
    order = current_runtime().exchange.get_order(call.account, call.params["symbol"], spot=True,
                                                 **order_ref(call.params))
    return shapes.order_query(order)


@binance_route(blueprint, SPOT_OPEN_ORDERS)
def spot_open_orders(call: Call) -> list[dict[str, Any]]:
    orders = current_runtime().exchange.open_orders(call.account, call.get("symbol"), spot=True)
    return [shapes.order_query(order) for order in orders]


@binance_route(blueprint, SPOT_ALL_ORDERS)
def spot_all_orders(call: Call) -> list[dict[str, Any]]:
    orders = current_runtime().exchange.all_orders(call.account, call.params["symbol"],
                                                   **order_history(call.params, 1000), spot=True)
    return [shapes.order_query(order) for order in orders]


@binance_route(blueprint, SPOT_MY_TRADES)
def spot_my_trades(call: Call) -> list[dict[str, Any]]:
    trades = current_runtime().exchange.my_trades(call.account, call.params["symbol"], **trade_history(call.params),
                                                  spot=True)
    return [shapes.trade(item) for item in trades]


@binance_route(blueprint, SPOT_ORDER_COUNT)
def spot_unfilled_order_count(call: Call) -> list[dict[str, Any]]:
    return current_runtime().limiter.order_usage(call.account.name, SPOT_BOOK)


@binance_route(blueprint, SPOT_COMMISSION)
def spot_commission(call: Call) -> dict[str, Any]:
    symbol = call.params["symbol"]
    return shapes.commission(symbol, current_runtime().exchange.commission_rates(call.account, symbol))


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
