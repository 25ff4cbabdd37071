"""Domain objects → Binance's spot JSON (``/api/v3``): field names, order and number formats.

Spot shapes differ from margin ones (web/serializers.py): every order report carries
``orderListId`` and ``origQuoteOrderQty``, placements and queries carry ``workingTime``,
and no report has ``isIsolated``. Field order follows the examples of binance-spot-api-docs
``rest-api.md``; the conditional fields (``stopPrice``, ``icebergQty``, ``trailingDelta``,
``trailingTime``, ``expiryReason``) appear under the conditions its "Conditional fields in
Order Responses" table names. Numbers are 8-decimal strings throughout (docs/spot.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mock_exchange.core.decimals import NumberFormat, format_decimal
from mock_exchange.core.enums import OrderStatus
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.requests import CommissionRates, Fill

FORMAT = NumberFormat.PLAIN8


def num(value: Any) -> str:
    return format_decimal(value, FORMAT)


def _time_in_force(order: Order) -> str:
    return str(order.time_in_force or "GTC")


def _amounts(order: Order) -> dict[str, Any]:
    """price … side: the run every spot order report shares, in the documented order."""
    return {
        "price": num(order.price),
        "origQty": num(order.quantity),
        "executedQty": num(order.executed_qty),
        "origQuoteOrderQty": num(order.quote_order_qty),
        "cummulativeQuoteQty": num(order.cummulative_quote_qty),
        "status": str(order.status),
        "timeInForce": _time_in_force(order),
        "type": str(order.type),
        "side": str(order.side),
    }


def _conditional(data: dict[str, Any], order: Order, working_time: bool) -> None:
    """The conditional fields after ``side``, then the STP mode last."""
    if order.type.is_stop:
        data["stopPrice"] = num(order.stop_price)
    if order.trailing_delta is not None:
        data["trailingDelta"] = order.trailing_delta
        data["trailingTime"] = order.trailing_time_ms
    if working_time:
        data["workingTime"] = order.working_time_ms
    if order.iceberg_qty > 0:
        data["icebergQty"] = num(order.iceberg_qty)
    if order.status is OrderStatus.EXPIRED:
        data["expiryReason"] = str(order.expiry_reason)
    data["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)


def fill(item: Fill) -> dict[str, Any]:
    return {"price": num(item.price), "qty": num(item.qty), "commission": num(item.commission),
            "commissionAsset": item.commission_asset, "tradeId": item.trade_id}


def order_report(order: Order, resp_type: str, transact_time: int, fills: list[Fill]) -> dict[str, Any]:
    """POST /api/v3/order (and each ``orderReports`` item of a list) as ACK, RESULT or FULL."""
    data: dict[str, Any] = {"symbol": order.symbol, "orderId": order.order_id, "orderListId": order.order_list_id,
                            "clientOrderId": order.client_order_id, "transactTime": transact_time}
    if resp_type == "ACK":
        return data
    data.update(_amounts(order))
    _conditional(data, order, working_time=True)
    if resp_type == "FULL":
        data["fills"] = [fill(f) for f in fills]
    return data


def cancel_report(order: Order, cancel_client_order_id: str, transact_time: int) -> dict[str, Any]:
    """DELETE /api/v3/order, a row of DELETE openOrders, an ``orderReports`` item of a list cancel."""
    data: dict[str, Any] = {"symbol": order.symbol, "origClientOrderId": order.client_order_id,
                            "orderId": order.order_id, "orderListId": order.order_list_id,
                            "clientOrderId": cancel_client_order_id, "transactTime": transact_time}
    data.update(_amounts(order))
    _conditional(data, order, working_time=False)
    return data


def order_query(order: Order) -> dict[str, Any]:
    """GET /api/v3/order, openOrders, allOrders."""
    data: dict[str, Any] = {
        "symbol": order.symbol,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": order.client_order_id,
        "price": num(order.price),
        "origQty": num(order.quantity),
        "executedQty": num(order.executed_qty),
        "cummulativeQuoteQty": num(order.cummulative_quote_qty),
        "status": str(order.status),
        "timeInForce": _time_in_force(order),
        "type": str(order.type),
        "side": str(order.side),
        "stopPrice": num(order.stop_price),
        "icebergQty": num(order.iceberg_qty),
        "time": order.time_ms,
        "updateTime": order.update_time_ms,
        "isWorking": order.is_working,
        "workingTime": order.working_time_ms,
        "origQuoteOrderQty": num(order.quote_order_qty),
    }
    if order.trailing_delta is not None:
        data["trailingDelta"] = order.trailing_delta
        data["trailingTime"] = order.trailing_time_ms
    if order.status is OrderStatus.EXPIRED:
        data["expiryReason"] = str(order.expiry_reason)
    data["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)
    return data


def trade(item: Trade) -> dict[str, Any]:
    """GET /api/v3/myTrades."""
    return {
        "symbol": item.symbol,
        "id": item.trade_id,
        "orderId": item.order_id,
        "orderListId": item.order_list_id,
        "price": num(item.price),
        "qty": num(item.qty),
        "quoteQty": num(item.quote_qty),
        "commission": num(item.commission),
        "commissionAsset": item.commission_asset,
        "time": item.time_ms,
        "isBuyer": item.is_buyer,
        "isMaker": item.is_maker,
        "isBestMatch": True,
    }


# -- order lists --------------------------------------------------------------------


def _list_head(order_list: OrderList, orders: list[Order], transaction_time: int) -> dict[str, Any]:
    return {
        "orderListId": order_list.order_list_id,
        "contingencyType": str(order_list.contingency_type),
        "listStatusType": str(order_list.list_status_type),
        "listOrderStatus": str(order_list.list_order_status),
        "listClientOrderId": order_list.list_client_order_id,
        "transactionTime": transaction_time,
        "symbol": order_list.symbol,
        "orders": [{"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id} for o in orders],
    }


def list_summary(order_list: OrderList, orders: list[Order]) -> dict[str, Any]:
    """GET /api/v3/orderList, allOrderList, openOrderList: no orderReports."""
    return _list_head(order_list, orders, order_list.transaction_time_ms)


def list_placement(order_list: OrderList, orders: list[Order], resp_type: str, transaction_time: int,
                   fills: dict[int, list[Fill]]) -> dict[str, Any]:
    """POST /api/v3/orderList/oco|oto|otoco and order/oco."""
    data = _list_head(order_list, orders, transaction_time)
    data["orderReports"] = [order_report(o, resp_type, transaction_time, fills.get(o.order_id, [])) for o in orders]
    return data


def list_cancel(order_list: OrderList, orders: list[Order], cancel_client_order_id: str,
                transaction_time: int) -> dict[str, Any]:
    """DELETE /api/v3/orderList: every leg carries the cancel's id, its own in origClientOrderId."""
    data = _list_head(order_list, orders, transaction_time)
    data["orderReports"] = [cancel_report(o, cancel_client_order_id, transaction_time) for o in orders]
    return data


# The fake has no special or tax commission and no BNB discount: those parts of a commission answer are zero.
_ZERO = num(Decimal(0))


def _discount() -> dict[str, Any]:
    return {"enabledForAccount": False, "enabledForSymbol": False, "discountAsset": "BNB", "discount": _ZERO}


def commission(symbol: str, rates: CommissionRates) -> dict[str, Any]:
    """GET /api/v3/account/commission."""
    nothing = {"maker": _ZERO, "taker": _ZERO, "buyer": _ZERO, "seller": _ZERO}
    return {
        "symbol": symbol,
        "standardCommission": {"maker": num(rates.maker), "taker": num(rates.taker), "buyer": num(rates.buyer),
                               "seller": num(rates.seller)},
        "specialCommission": nothing,
        "taxCommission": dict(nothing),
        "discount": _discount(),
    }


def order_commission(rates: CommissionRates) -> dict[str, Any]:
    """POST /api/v3/order/test with ``computeCommissionRates``: one order's maker and taker rates."""
    nothing = {"maker": _ZERO, "taker": _ZERO}
    return {
        "standardCommissionForOrder": {"maker": num(rates.maker), "taker": num(rates.taker)},
        "specialCommissionForOrder": nothing,
        "taxCommissionForOrder": dict(nothing),
        "discount": _discount(),
    }
