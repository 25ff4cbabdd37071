"""Spot orders on ``/api/v3``: new, test, cancel, cancel-replace, queries, trades, counts, commission.

The same engine as margin, in the account's spot scope (core/scopes.py): spot orders
trade the spot wallet, never borrow, and neither margin query nor margin stream sees them.
Parameters, weights and shapes follow binance-spot-api-docs ``rest-api.md`` (docs/spot.md).
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors
from mock_exchange.core.enums import OrderStatus, OrderType, SelfTradePreventionMode, Side, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.requests import ListCancelResult, NewOrder, PlacementResult
from mock_exchange.web import spot_serializers as shapes
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.order_params import (
    ORDER_TYPES,
    RESP_TYPES,
    SIDES,
    STP_MODES,
    TIME_IN_FORCE,
    check_quantity,
    check_type_rules,
    history_limit,
    no_from_id_with_times,
    within_a_day,
)
from mock_exchange.web.params import Kind, Param, enum
from mock_exchange.web.pipeline import SPOT_BOOK, Call, Placement, binance_route, count_orders
from mock_exchange.web.request_context import open_context
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("spot_orders", __name__)

_SYMBOL = Param("symbol", Kind.SYMBOL, True)
_ORDER_REF = (Param("orderId", Kind.LONG), Param("origClientOrderId", Kind.CLIENT_ID))
_WINDOW = (Param("startTime", Kind.LONG), Param("endTime", Kind.LONG))


def order_params(prefix: str = "") -> tuple[Param, ...]:
    """The parameters of POST /api/v3/order (``prefix``: none; cancelReplace uses the same names)."""
    return (
        _SYMBOL, enum("side", SIDES, True, errors.invalid_side),
        enum("type", ORDER_TYPES, True, errors.invalid_order_type),
        enum("timeInForce", TIME_IN_FORCE, bad_value=errors.invalid_tif), Param("quantity", Kind.DECIMAL),
        Param("quoteOrderQty", Kind.DECIMAL), Param("price", Kind.DECIMAL), Param("newClientOrderId", Kind.CLIENT_ID),
        Param("stopPrice", Kind.DECIMAL), Param("trailingDelta", Kind.LONG), Param("icebergQty", Kind.DECIMAL),
        enum("newOrderRespType", RESP_TYPES), enum("selfTradePreventionMode", STP_MODES),
    )


def _test_weight(raw: Any) -> int:
    """1, or 20 with computeCommissionRates=true."""
    return 20 if str(raw.get("computeCommissionRates", "")).lower() == "true" else 1


def _open_orders_weight(raw: Any) -> int:
    """6 for one symbol, 80 for every symbol."""
    return 6 if raw.get("symbol") else 80


def _my_trades_weight(raw: Any) -> int:
    """20, or 5 with orderId."""
    return 5 if raw.get("orderId") else 20


NEW_ORDER = Endpoint("spot_new_order", "POST", "/api/v3/order", Security.TRADE, 1, order_params(), order_count=1)
TEST_ORDER = Endpoint("spot_test_order", "POST", "/api/v3/order/test", Security.TRADE, _test_weight,
                      order_params() + (Param("computeCommissionRates", Kind.BOOLEAN),))
CANCEL_ORDER = Endpoint("spot_cancel_order", "DELETE", "/api/v3/order", Security.TRADE, 1,
                        (_SYMBOL, *_ORDER_REF, Param("newClientOrderId", Kind.CLIENT_ID),
                         enum("cancelRestrictions", ("ONLY_NEW", "ONLY_PARTIALLY_FILLED"),
                              bad_value=errors.invalid_cancel_restrictions)))
QUERY_ORDER = Endpoint("spot_query_order", "GET", "/api/v3/order", Security.USER_DATA, 4, (_SYMBOL, *_ORDER_REF))
CANCEL_OPEN_ORDERS = Endpoint("spot_cancel_open_orders", "DELETE", "/api/v3/openOrders", Security.TRADE, 1,
                              (_SYMBOL,))
OPEN_ORDERS = Endpoint("spot_open_orders", "GET", "/api/v3/openOrders", Security.USER_DATA, _open_orders_weight,
                       (Param("symbol", Kind.SYMBOL),))
ALL_ORDERS = Endpoint("spot_all_orders", "GET", "/api/v3/allOrders", Security.USER_DATA, 20,
                      (_SYMBOL, Param("orderId", Kind.LONG), *_WINDOW, Param("limit", Kind.LONG)))
MY_TRADES = Endpoint("spot_my_trades", "GET", "/api/v3/myTrades", Security.USER_DATA, _my_trades_weight,
                     (_SYMBOL, Param("orderId", Kind.LONG), *_WINDOW, Param("fromId", Kind.LONG),
                      Param("limit", Kind.LONG)))
ORDER_COUNT = Endpoint("spot_unfilled_order_count", "GET", "/api/v3/rateLimit/order", Security.USER_DATA, 40)
COMMISSION = Endpoint("spot_commission", "GET", "/api/v3/account/commission", Security.USER_DATA, 20, (_SYMBOL,))
CANCEL_REPLACE = Endpoint(
    "spot_cancel_replace", "POST", "/api/v3/order/cancelReplace", Security.TRADE, 1,
    order_params() + (
        enum("cancelReplaceMode", ("STOP_ON_FAILURE", "ALLOW_FAILURE"), True),
        Param("cancelNewClientOrderId", Kind.CLIENT_ID), Param("cancelOrigClientOrderId", Kind.CLIENT_ID),
        Param("cancelOrderId", Kind.LONG),
        enum("cancelRestrictions", ("ONLY_NEW", "ONLY_PARTIALLY_FILLED"), bad_value=errors.invalid_cancel_restrictions),
        enum("orderRateLimitExceededMode", ("DO_NOTHING", "CANCEL_ONLY")),
    ),
)


# -- placement -------------------------------------------------------------------------


def new_order_request(params: dict[str, Any]) -> NewOrder:
    """POST /api/v3/order's parameters as the engine's request, presence rules checked (-1102 / -1106)."""
    order_type = OrderType(params["type"])
    check_quantity(params, order_type)
    check_type_rules(params, order_type)
    tif, stp = params.get("timeInForce"), params.get("selfTradePreventionMode")
    return NewOrder(
        symbol=params["symbol"], side=Side(params["side"]), type=order_type, quantity=params.get("quantity"),
        quote_order_qty=params.get("quoteOrderQty"), price=params.get("price"), stop_price=params.get("stopPrice"),
        trailing_delta=params.get("trailingDelta"), iceberg_qty=params.get("icebergQty"),
        time_in_force=TimeInForce(tif) if tif else None, new_client_order_id=params.get("newClientOrderId"),
        spot=True, self_trade_prevention_mode=SelfTradePreventionMode(stp) if stp else None,
    )


def _default_resp_type(order_type: OrderType) -> str:
    # MARKET and LIMIT answer FULL by default, every other type ACK (rest-api.md, New order).
    return "FULL" if order_type in (OrderType.MARKET, OrderType.LIMIT) else "ACK"


@binance_route(blueprint, NEW_ORDER)
def spot_new_order(call: Call) -> Placement[PlacementResult]:
    request = new_order_request(call.params)
    exchange = current_runtime().exchange
    resp_type = call.get("newOrderRespType", _default_resp_type(request.type))

    def respond(result: PlacementResult) -> dict[str, Any]:
        return shapes.order_report(result.order, resp_type, result.transact_time_ms, result.fills)

    return Placement(lambda: exchange.place_order(call.account, request), respond)


@binance_route(blueprint, TEST_ORDER)
def spot_test_order(call: Call) -> dict[str, Any]:
    request = new_order_request(call.params)
    runtime = current_runtime()
    runtime.exchange.test_order(call.account, request)
    if not call.get("computeCommissionRates", False):
        return {}
    fees = runtime.exchange.config.fees
    zero = shapes.num(Decimal(0))
    return {
        "standardCommissionForOrder": {"maker": shapes.num(fees.maker), "taker": shapes.num(fees.taker)},
        "specialCommissionForOrder": {"maker": zero, "taker": zero},
        "taxCommissionForOrder": {"maker": zero, "taker": zero},
        "discount": {"enabledForAccount": False, "enabledForSymbol": False, "discountAsset": "BNB",
                     "discount": zero},
    }


# -- cancels ---------------------------------------------------------------------------


def _order_ref(params: dict[str, Any], id_name: str = "orderId",
               client_name: str = "origClientOrderId") -> dict[str, Any]:
    if id_name not in params and client_name not in params:
        raise errors.one_of_params_missing(id_name, client_name)
    return {"order_id": params.get(id_name), "orig_client_order_id": params.get(client_name)}


# cancelRestrictions -> the only status an open order is cancelled in (rest-api.md, Cancel order).
_RESTRICTIONS = {"ONLY_NEW": OrderStatus.NEW, "ONLY_PARTIALLY_FILLED": OrderStatus.PARTIALLY_FILLED}


def _only_status(restriction: str | None) -> OrderStatus | None:
    return _RESTRICTIONS[restriction] if restriction is not None else None


@binance_route(blueprint, CANCEL_ORDER)
def spot_cancel_order(call: Call) -> dict[str, Any]:
    params = call.params
    result = current_runtime().exchange.cancel_order(
        call.account, params["symbol"], new_client_order_id=params.get("newClientOrderId"), spot=True,
        only_status=_only_status(params.get("cancelRestrictions")), **_order_ref(params))
    return shapes.cancel_report(result.order, result.cancel_client_order_id, result.transaction_time_ms)


@binance_route(blueprint, CANCEL_OPEN_ORDERS)
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


@binance_route(blueprint, CANCEL_REPLACE)
def spot_cancel_replace(call: Call) -> dict[str, Any]:
    """Cancel an order, then place a new one (rest-api.md, Cancel an Existing Order and Send a New Order)."""
    params = call.params
    ref = _order_ref(params, "cancelOrderId", "cancelOrigClientOrderId")
    request = new_order_request(params)
    runtime = current_runtime()
    exchange, limiter, account = runtime.exchange, runtime.limiter, call.account.name

    def admit() -> None:
        if params.get("orderRateLimitExceededMode", "DO_NOTHING") == "DO_NOTHING":
            # Over the unfilled order count nothing is tried, not even the cancel: a plain -1015 (rest-api.md).
            limiter.check_orders(account, 1, SPOT_BOOK)

    resp_type = params.get("newOrderRespType", _default_resp_type(request.type))
    # The new order is counted as a POST /api/v3/order is (web/pipeline.count_orders).
    placement = Placement(lambda: exchange.place_order(call.account, request),
                          lambda result: shapes.order_report(result.order, resp_type, result.transact_time_ms,
                                                             result.fills))
    cancelled, new = exchange.cancel_replace(
        call.account, params["symbol"], ref["order_id"], ref["orig_client_order_id"],
        params.get("cancelNewClientOrderId"), _only_status(params.get("cancelRestrictions")),
        params["cancelReplaceMode"] == "STOP_ON_FAILURE", admit,
        lambda: count_orders(limiter, open_context(), replace(call, endpoint=NEW_ORDER), placement))
    if isinstance(cancelled, BinanceError) and new is None:  # STOP_ON_FAILURE: the new order not attempted
        limiter.record_orders(account, 1, SPOT_BOOK)  # rest-api.md: NOT_ATTEMPTED still counts one order
        raise errors.cancel_replace_failed({"cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED",
                                            "cancelResponse": cancelled.to_dict(), "newOrderResponse": None})
    cancel = cancelled if isinstance(cancelled, BinanceError) else shapes.cancel_report(
        cancelled.order, cancelled.cancel_client_order_id, cancelled.transaction_time_ms)
    cancel_ok, new_ok = not isinstance(cancel, BinanceError), not isinstance(new, BinanceError)
    body = {
        "cancelResult": "SUCCESS" if cancel_ok else "FAILURE",
        "newOrderResult": "SUCCESS" if new_ok else "FAILURE",
        "cancelResponse": cancel.to_dict() if isinstance(cancel, BinanceError) else cancel,
        "newOrderResponse": new.to_dict() if isinstance(new, BinanceError) else new,
    }
    if cancel_ok and new_ok:
        return body
    raise (errors.cancel_replace_partially_failed if cancel_ok or new_ok else errors.cancel_replace_failed)(body)


# -- queries ---------------------------------------------------------------------------


@binance_route(blueprint, QUERY_ORDER)
def spot_query_order(call: Call) -> dict[str, Any]:
    order = current_runtime().exchange.get_order(call.account, call.params["symbol"], spot=True,
                                                 **_order_ref(call.params))
    return shapes.order_query(order)


@binance_route(blueprint, OPEN_ORDERS)
def spot_open_orders(call: Call) -> list[dict[str, Any]]:
    orders = current_runtime().exchange.open_orders(call.account, call.get("symbol"), spot=True)
    return [shapes.order_query(order) for order in orders]



@binance_route(blueprint, ALL_ORDERS)
def spot_all_orders(call: Call) -> list[dict[str, Any]]:
    within_a_day(call.params)
    orders = current_runtime().exchange.all_orders(
        call.account, call.params["symbol"], order_id=call.get("orderId"), start_time=call.get("startTime"),
        end_time=call.get("endTime"), limit=history_limit(call.params, 1000), spot=True,
    )
    return [shapes.order_query(order) for order in orders]


@binance_route(blueprint, MY_TRADES)
def spot_my_trades(call: Call) -> list[dict[str, Any]]:
    within_a_day(call.params)
    no_from_id_with_times(call.params)
    trades = current_runtime().exchange.my_trades(
        call.account, call.params["symbol"], order_id=call.get("orderId"), start_time=call.get("startTime"),
        end_time=call.get("endTime"), from_id=call.get("fromId"), limit=history_limit(call.params, 1000),
        spot=True,
    )
    return [shapes.trade(item) for item in trades]


@binance_route(blueprint, ORDER_COUNT)
def spot_unfilled_order_count(call: Call) -> list[dict[str, Any]]:
    return current_runtime().limiter.order_usage(call.account.name, SPOT_BOOK)


@binance_route(blueprint, COMMISSION)
def spot_commission(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    if call.params["symbol"] not in exchange.state.symbols:
        raise errors.invalid_symbol()
    fees = exchange.config.fees
    zero = shapes.num(Decimal(0))
    rates = {"maker": shapes.num(fees.maker), "taker": shapes.num(fees.taker), "buyer": zero, "seller": zero}
    nothing = {"maker": zero, "taker": zero, "buyer": zero, "seller": zero}
    return {
        "symbol": call.params["symbol"],
        "standardCommission": rates,
        "specialCommission": nothing,
        "taxCommission": dict(nothing),
        "discount": {"enabledForAccount": False, "enabledForSymbol": False, "discountAsset": "BNB",
                     "discount": zero},
    }


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
