"""OCO / OTO / OTOCO placement, cancel and queries on margin accounts."""

from __future__ import annotations

from . import endpoints as ep
from .base import ClientBase, check_leg, dec, require_symbol_if_isolated
from .models import OrderList
from .wire import DecimalLike, bool_flag, isolated_flag, require, require_one_of


class OrderListMethods(ClientBase):
    """Endpoints under /sapi/v1/margin/order/{oco,oto,otoco} and .../orderList."""

    def place_oco(
        self, *, symbol: str, side: str, quantity: DecimalLike, price: DecimalLike,
        stop_price: DecimalLike, is_isolated: bool | None = None,
        list_client_order_id: str | None = None, limit_client_order_id: str | None = None,
        limit_iceberg_qty: DecimalLike | None = None, stop_client_order_id: str | None = None,
        stop_limit_price: DecimalLike | None = None, stop_iceberg_qty: DecimalLike | None = None,
        stop_limit_time_in_force: str | None = None, new_order_resp_type: str | None = None,
        side_effect_type: str | None = None, self_trade_prevention_mode: str | None = None,
        auto_repay_at_cancel: bool | None = None,
    ) -> OrderList:
        """POST /sapi/v1/margin/order/oco: a LIMIT_MAKER leg plus a stop leg."""
        require(symbol=symbol, side=side, quantity=quantity, price=price, stop_price=stop_price)
        if stop_limit_price is not None:
            require(stop_limit_time_in_force=stop_limit_time_in_force)
        return OrderList.from_json(self._send(ep.NEW_OCO, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated),
            "listClientOrderId": self._client_id(list_client_order_id), "side": side,
            "quantity": dec(quantity), "limitClientOrderId": limit_client_order_id,
            "price": dec(price), "limitIcebergQty": dec(limit_iceberg_qty),
            "stopClientOrderId": stop_client_order_id, "stopPrice": dec(stop_price),
            "stopLimitPrice": dec(stop_limit_price), "stopIcebergQty": dec(stop_iceberg_qty),
            "stopLimitTimeInForce": stop_limit_time_in_force,
            "newOrderRespType": new_order_resp_type, "sideEffectType": side_effect_type,
            "selfTradePreventionMode": self_trade_prevention_mode,
            "autoRepayAtCancel": bool_flag(auto_repay_at_cancel),
        }))

    def place_oto(
        self, *, symbol: str, working_type: str, working_side: str, working_price: DecimalLike,
        working_quantity: DecimalLike, pending_type: str, pending_side: str,
        pending_quantity: DecimalLike, is_isolated: bool | None = None,
        list_client_order_id: str | None = None, new_order_resp_type: str | None = None,
        side_effect_type: str | None = None, self_trade_prevention_mode: str | None = None,
        auto_repay_at_cancel: bool | None = None, working_client_order_id: str | None = None,
        working_iceberg_qty: DecimalLike | None = None, working_time_in_force: str | None = None,
        pending_client_order_id: str | None = None, pending_price: DecimalLike | None = None,
        pending_stop_price: DecimalLike | None = None,
        pending_trailing_delta: DecimalLike | None = None,
        pending_iceberg_qty: DecimalLike | None = None, pending_time_in_force: str | None = None,
    ) -> OrderList:
        """POST /sapi/v1/margin/order/oto: a working order that releases a pending one when filled."""
        require(symbol=symbol, working_type=working_type, working_side=working_side,
                working_price=working_price, working_quantity=working_quantity,
                pending_type=pending_type, pending_side=pending_side,
                pending_quantity=pending_quantity)
        check_leg(working_type, prefix="working_", price=working_price, stop_price=None,
                  trailing_delta=None, time_in_force=working_time_in_force)
        _check_pending(pending_type, "pending_", pending_price, pending_stop_price,
                       pending_trailing_delta, pending_time_in_force)
        return OrderList.from_json(self._send(ep.NEW_OTO, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated),
            "listClientOrderId": self._client_id(list_client_order_id),
            "newOrderRespType": new_order_resp_type, "sideEffectType": side_effect_type,
            "selfTradePreventionMode": self_trade_prevention_mode,
            "autoRepayAtCancel": bool_flag(auto_repay_at_cancel),
            "workingType": working_type, "workingSide": working_side,
            "workingClientOrderId": working_client_order_id, "workingPrice": dec(working_price),
            "workingQuantity": dec(working_quantity), "workingIcebergQty": dec(working_iceberg_qty),
            "workingTimeInForce": working_time_in_force, "pendingType": pending_type,
            "pendingSide": pending_side, "pendingClientOrderId": pending_client_order_id,
            "pendingPrice": dec(pending_price), "pendingStopPrice": dec(pending_stop_price),
            "pendingTrailingDelta": dec(pending_trailing_delta),
            "pendingQuantity": dec(pending_quantity), "pendingIcebergQty": dec(pending_iceberg_qty),
            "pendingTimeInForce": pending_time_in_force,
        }))

    def place_otoco(
        self, *, symbol: str, working_type: str, working_side: str, working_price: DecimalLike,
        working_quantity: DecimalLike, pending_side: str, pending_quantity: DecimalLike,
        pending_above_type: str, pending_below_type: str | None = None,
        is_isolated: bool | None = None, list_client_order_id: str | None = None,
        new_order_resp_type: str | None = None, side_effect_type: str | None = None,
        self_trade_prevention_mode: str | None = None, auto_repay_at_cancel: bool | None = None,
        working_client_order_id: str | None = None, working_iceberg_qty: DecimalLike | None = None,
        working_time_in_force: str | None = None,
        pending_above_client_order_id: str | None = None,
        pending_above_price: DecimalLike | None = None,
        pending_above_stop_price: DecimalLike | None = None,
        pending_above_trailing_delta: DecimalLike | None = None,
        pending_above_iceberg_qty: DecimalLike | None = None,
        pending_above_time_in_force: str | None = None,
        pending_below_client_order_id: str | None = None,
        pending_below_price: DecimalLike | None = None,
        pending_below_stop_price: DecimalLike | None = None,
        pending_below_trailing_delta: DecimalLike | None = None,
        pending_below_iceberg_qty: DecimalLike | None = None,
        pending_below_time_in_force: str | None = None,
    ) -> OrderList:
        """POST /sapi/v1/margin/order/otoco: a working order releasing an OCO pair when filled."""
        require(symbol=symbol, working_type=working_type, working_side=working_side,
                working_price=working_price, working_quantity=working_quantity,
                pending_side=pending_side, pending_quantity=pending_quantity,
                pending_above_type=pending_above_type)
        check_leg(working_type, prefix="working_", price=working_price, stop_price=None,
                  trailing_delta=None, time_in_force=working_time_in_force)
        _check_pending(pending_above_type, "pending_above_", pending_above_price,
                       pending_above_stop_price, pending_above_trailing_delta,
                       pending_above_time_in_force)
        if pending_below_type is not None:
            _check_pending(pending_below_type, "pending_below_", pending_below_price,
                           pending_below_stop_price, pending_below_trailing_delta,
                           pending_below_time_in_force)
        return OrderList.from_json(self._send(ep.NEW_OTOCO, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated),
            "sideEffectType": side_effect_type,
            "autoRepayAtCancel": bool_flag(auto_repay_at_cancel),
            "listClientOrderId": self._client_id(list_client_order_id),
            "newOrderRespType": new_order_resp_type,
            "selfTradePreventionMode": self_trade_prevention_mode,
            "workingType": working_type, "workingSide": working_side,
            "workingClientOrderId": working_client_order_id, "workingPrice": dec(working_price),
            "workingQuantity": dec(working_quantity), "workingIcebergQty": dec(working_iceberg_qty),
            "workingTimeInForce": working_time_in_force, "pendingSide": pending_side,
            "pendingQuantity": dec(pending_quantity), "pendingAboveType": pending_above_type,
            "pendingAboveClientOrderId": pending_above_client_order_id,
            "pendingAbovePrice": dec(pending_above_price),
            "pendingAboveStopPrice": dec(pending_above_stop_price),
            "pendingAboveTrailingDelta": dec(pending_above_trailing_delta),
            "pendingAboveIcebergQty": dec(pending_above_iceberg_qty),
            "pendingAboveTimeInForce": pending_above_time_in_force,
            "pendingBelowType": pending_below_type,
            "pendingBelowClientOrderId": pending_below_client_order_id,
            "pendingBelowPrice": dec(pending_below_price),
            "pendingBelowStopPrice": dec(pending_below_stop_price),
            "pendingBelowTrailingDelta": dec(pending_below_trailing_delta),
            "pendingBelowIcebergQty": dec(pending_below_iceberg_qty),
            "pendingBelowTimeInForce": pending_below_time_in_force,
        }))

    def cancel_order_list(
        self, *, symbol: str, order_list_id: int | None = None,
        list_client_order_id: str | None = None, is_isolated: bool | None = None,
        new_client_order_id: str | None = None,
    ) -> OrderList:
        """DELETE /sapi/v1/margin/orderList: cancel a whole OCO/OTO/OTOCO list."""
        require(symbol=symbol)
        require_one_of(order_list_id=order_list_id, list_client_order_id=list_client_order_id)
        return OrderList.from_json(self._send(ep.CANCEL_ORDER_LIST, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated),
            "orderListId": order_list_id, "listClientOrderId": list_client_order_id,
            "newClientOrderId": new_client_order_id,
        }))

    def get_order_list(
        self, *, order_list_id: int | None = None, list_client_order_id: str | None = None,
        symbol: str | None = None, is_isolated: bool | None = None,
    ) -> OrderList:
        """GET /sapi/v1/margin/orderList by id or by listClientOrderId."""
        require_one_of(order_list_id=order_list_id, list_client_order_id=list_client_order_id)
        require_symbol_if_isolated(symbol, is_isolated)
        return OrderList.from_json(self._send(ep.GET_ORDER_LIST, {
            "isIsolated": isolated_flag(is_isolated), "symbol": symbol,
            "orderListId": order_list_id,
            # Binance names the list's own client id origClientOrderId here (spec §11.10).
            "origClientOrderId": list_client_order_id,
        }))

    def get_all_order_lists(
        self, *, symbol: str | None = None, is_isolated: bool | None = None,
        from_id: int | None = None, start_time: int | None = None, end_time: int | None = None,
        limit: int | None = None,
    ) -> list[OrderList]:
        """GET /sapi/v1/margin/allOrderList: list summaries (no orderReports)."""
        require_symbol_if_isolated(symbol, is_isolated)
        rows = self._send(ep.ALL_ORDER_LISTS, {
            "isIsolated": isolated_flag(is_isolated), "symbol": symbol, "fromId": from_id,
            "startTime": start_time, "endTime": end_time, "limit": limit,
        })
        return [OrderList.from_json(r) for r in rows]

    def get_open_order_lists(
        self, *, symbol: str | None = None, is_isolated: bool | None = None,
    ) -> list[OrderList]:
        """GET /sapi/v1/margin/openOrderList: the lists still executing."""
        require_symbol_if_isolated(symbol, is_isolated)
        rows = self._send(ep.OPEN_ORDER_LISTS, {"isIsolated": isolated_flag(is_isolated), "symbol": symbol})
        return [OrderList.from_json(r) for r in rows]


def _check_pending(
    order_type: object, prefix: str, price: object, stop_price: object,
    trailing_delta: object, time_in_force: object,
) -> None:
    """Conditional mandatory parameters of an OTO/OTOCO pending leg (spec §4.2, §4.3)."""
    check_leg(order_type, prefix=prefix, price=price, stop_price=stop_price,
              trailing_delta=trailing_delta, time_in_force=time_in_force)
    if trailing_delta is not None:
        require(**{f"{prefix}price": price})
