"""Domain objects → Binance's margin JSON: field names, field order and number formats.

Every shape here follows the evidence in ``tests/evidence/`` under the rule in
docs/fidelity.md (a live capture beats a documentation example, newer beats older, and
no field that no margin source shows). One named format per field family, so a
correction is a one-line change:

- single-order placement (RESULT / FULL) and its fills: trailing zeros stripped
  (``"0.001"``, ``"0"``, ``"65982.53"``)
- single-order cancel, order queries and trades: stripped (live captures)
- order-list placement reports: 8 decimals, a zero price as Java's ``"0E-8"``, filled
  quantities stripped (``"executedQty": "0"``)
- cancel-all rows, list cancels, accounts: 8 decimals (``"0.00000000"``)
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from mock_exchange.core.decimals import NumberFormat, format_decimal
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.requests import Fill

PLACEMENT = NumberFormat.STRIPPED  # POST order RESULT / FULL, and its fills
CANCEL = NumberFormat.STRIPPED  # DELETE order
ORDER_ROW = NumberFormat.STRIPPED  # GET order / openOrders / allOrders
CANCEL_ALL_ROW = NumberFormat.PLAIN8  # DELETE openOrders, single-order rows
TRADE = NumberFormat.STRIPPED  # GET myTrades
LIST_PLACEMENT = NumberFormat.JAVA_SCALE8
LIST_PLACEMENT_FILLED = NumberFormat.STRIPPED
QUERY = NumberFormat.PLAIN8  # list cancels, list fills, accounts


def num(value: Decimal, fmt: NumberFormat = QUERY) -> str:
    return format_decimal(value, fmt)


def _time_in_force(order: Order) -> str:
    # Binance shows GTC for orders without one (MARKET, STOP_LOSS, LIMIT_MAKER).
    return str(order.time_in_force or "GTC")


def _borrow(data: dict[str, Any], amount: Decimal | None, asset: str | None, as_number: bool) -> None:
    # Present only when the placement borrowed (spec §5.2). The single-order example shows a
    # JSON number, the order-list examples a string (docs/fidelity.md, marginBuyBorrowAmount).
    if amount is not None and amount > 0:
        data["marginBuyBorrowAmount"] = json_number(amount) if as_number else num(amount, PLACEMENT)
        data["marginBuyBorrowAsset"] = asset


def json_number(value: Decimal) -> int | float:
    """A decimal as a JSON number: an integer when whole, else the shortest float."""
    return int(value) if value == value.to_integral_value() else float(value)


def fill(item: Fill, fmt: NumberFormat = QUERY) -> dict[str, Any]:
    return {"price": num(item.price, fmt), "qty": num(item.qty, fmt), "commission": num(item.commission, fmt),
            "commissionAsset": item.commission_asset, "tradeId": item.trade_id}


# -- single orders ------------------------------------------------------------------


def new_order_response(order: Order, resp_type: str, transact_time: int, fills: list[Fill],
                       borrow_amount: Decimal | None, borrow_asset: str | None) -> dict[str, Any]:
    """POST /sapi/v1/margin/order in ACK, RESULT or FULL form."""
    # isIsolated right after clientOrderId in every form, as the documented examples show.
    data: dict[str, Any] = {"symbol": order.symbol, "orderId": order.order_id,
                            "clientOrderId": order.client_order_id, "isIsolated": order.isolated,
                            "transactTime": transact_time}
    if resp_type == "ACK":
        return data
    data.update(_execution(order, PLACEMENT))
    data["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)
    if resp_type == "FULL":
        _borrow(data, borrow_amount, borrow_asset, as_number=True)
        data["fills"] = [fill(f, PLACEMENT) for f in fills]
    return data


def cancel_order_response(order: Order, cancel_client_order_id: str) -> dict[str, Any]:
    """DELETE /sapi/v1/margin/order: no orderListId, no STP mode, isIsolated last (live captures)."""
    data: dict[str, Any] = {
        "orderId": order.order_id,
        "symbol": order.symbol,
        "origClientOrderId": order.client_order_id,
        "clientOrderId": cancel_client_order_id,
    }
    data.update(_execution(order, CANCEL))
    data["isIsolated"] = order.isolated
    return data


def cancel_all_row(order: Order, cancel_client_order_id: str) -> dict[str, Any]:
    """A single order in DELETE /sapi/v1/margin/openOrders: orderListId and 8 decimals (live capture)."""
    data: dict[str, Any] = {
        "symbol": order.symbol,
        "isIsolated": order.isolated,
        "origClientOrderId": order.client_order_id,
        "orderId": order.order_id,
        "orderListId": order.order_list_id,
        "clientOrderId": cancel_client_order_id,
    }
    data.update(_execution(order, CANCEL_ALL_ROW))
    data["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)
    return data


def _execution(order: Order, fmt: NumberFormat, filled_fmt: NumberFormat | None = None) -> dict[str, Any]:
    """price … side, the run of fields every order report shares, in Binance's order."""
    return {
        "price": num(order.price, fmt),
        "origQty": num(order.quantity, fmt),
        "executedQty": num(order.executed_qty, filled_fmt or fmt),
        "cummulativeQuoteQty": num(order.cummulative_quote_qty, filled_fmt or fmt),
        "status": str(order.status),
        "timeInForce": _time_in_force(order),
        "type": str(order.type),
        "side": str(order.side),
    }


def order_query(order: Order) -> dict[str, Any]:
    """GET order / openOrders / allOrders: no orderListId, trimmed numbers (live captures)."""
    data: dict[str, Any] = {
        "clientOrderId": order.client_order_id,
        "cummulativeQuoteQty": num(order.cummulative_quote_qty, ORDER_ROW),
        "executedQty": num(order.executed_qty, ORDER_ROW),
        "icebergQty": num(order.iceberg_qty, ORDER_ROW),
        "isWorking": order.is_working,
        "orderId": order.order_id,
        "origQty": num(order.quantity, ORDER_ROW),
        "price": num(order.price, ORDER_ROW),
        "side": str(order.side),
        "status": str(order.status),
        "stopPrice": num(order.stop_price, ORDER_ROW),
        "symbol": order.symbol,
        "isIsolated": order.isolated,
        "time": order.time_ms,
        "timeInForce": _time_in_force(order),
        "type": str(order.type),
        "selfTradePreventionMode": str(order.self_trade_prevention_mode),
        "updateTime": order.update_time_ms,
    }
    if order.trailing_delta is not None:
        data["trailingDelta"] = order.trailing_delta
        data["trailingTime"] = order.trailing_time_ms
    return data


def trade(item: Trade) -> dict[str, Any]:
    """GET myTrades: trimmed, with quoteQty, as live margin captures show (docs/fidelity.md)."""
    return {
        "commission": num(item.commission, TRADE),
        "commissionAsset": item.commission_asset,
        "id": item.trade_id,
        "isBestMatch": True,
        "isBuyer": item.is_buyer,
        "isMaker": item.is_maker,
        "orderId": item.order_id,
        "price": num(item.price, TRADE),
        "qty": num(item.qty, TRADE),
        "quoteQty": num(item.quote_qty, TRADE),
        "symbol": item.symbol,
        "isIsolated": item.isolated,
        "time": item.time_ms,
    }


# -- order lists --------------------------------------------------------------------


def list_summary(order_list: OrderList, orders: list[Order]) -> dict[str, Any]:
    """GET orderList / allOrderList / openOrderList: no orderReports (spec §5.5)."""
    data = _list_head(order_list, order_list.transaction_time_ms)
    data.update(isIsolated=order_list.isolated, orders=_legs(orders))
    return data


def _legs(orders: list[Order]) -> list[dict[str, Any]]:
    return [{"symbol": o.symbol, "orderId": o.order_id, "clientOrderId": o.client_order_id} for o in orders]


def _stop_and_iceberg(data: dict[str, Any], order: Order, fmt: NumberFormat) -> None:
    if order.type.is_stop:
        data["stopPrice"] = num(order.stop_price, fmt)
    if order.iceberg_qty > 0:
        data["icebergQty"] = num(order.iceberg_qty, fmt)


def list_placement_report(order: Order, resp_type: str, transact_time: int, fills: list[Fill]) -> dict[str, Any]:
    """One ``orderReports`` item of an OCO / OTO / OTOCO placement (spec §5.3)."""
    data: dict[str, Any] = {"symbol": order.symbol, "orderId": order.order_id, "orderListId": order.order_list_id,
                            "clientOrderId": order.client_order_id, "transactTime": transact_time}
    if resp_type == "ACK":
        return data
    data.update(_execution(order, LIST_PLACEMENT, LIST_PLACEMENT_FILLED))
    _stop_and_iceberg(data, order, LIST_PLACEMENT)
    data["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)
    if resp_type == "FULL":
        data["fills"] = [fill(f) for f in fills]
    return data


def _list_head(order_list: OrderList, transaction_time: int) -> dict[str, Any]:
    """The fields every order-list answer starts with, in Binance's order."""
    return {
        "orderListId": order_list.order_list_id,
        "contingencyType": str(order_list.contingency_type),
        "listStatusType": str(order_list.list_status_type),
        "listOrderStatus": str(order_list.list_order_status),
        "listClientOrderId": order_list.list_client_order_id,
        "transactionTime": transaction_time,
        "symbol": order_list.symbol,
    }


def list_placement_response(order_list: OrderList, orders: list[Order], resp_type: str, transaction_time: int,
                            fills: dict[int, list[Fill]], borrow_amount: Decimal | None,
                            borrow_asset: str | None) -> dict[str, Any]:
    """POST order/oco, order/oto, order/otoco."""
    data = _list_head(order_list, transaction_time)
    _borrow(data, borrow_amount, borrow_asset, as_number=False)
    data["isIsolated"] = order_list.isolated
    data["orders"] = _legs(orders)
    data["orderReports"] = [list_placement_report(o, resp_type, transaction_time, fills.get(o.order_id, []))
                            for o in orders]
    return data


def list_cancel_response(order_list: OrderList, orders: list[Order], cancel_client_order_id: str,
                         transaction_time: int) -> dict[str, Any]:
    """DELETE orderList: every leg carries the cancel's id; originals in origClientOrderId (spec §5.4)."""
    reports = []
    for order in orders:
        report: dict[str, Any] = {
            "symbol": order.symbol,
            "origClientOrderId": order.client_order_id,
            "orderId": order.order_id,
            "orderListId": order.order_list_id,
            "clientOrderId": cancel_client_order_id,
        }
        report.update(_execution(order, QUERY))
        _stop_and_iceberg(report, order, QUERY)
        report["selfTradePreventionMode"] = str(order.self_trade_prevention_mode)
        reports.append(report)
    data = _list_head(order_list, transaction_time)
    data.update(isIsolated=order_list.isolated, orders=_legs(orders), orderReports=reports)
    return data


