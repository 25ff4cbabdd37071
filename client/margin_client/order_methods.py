"""Single margin orders: place, cancel, query, open/all orders, trades, order-count usage."""

from __future__ import annotations

from . import endpoints as ep
from .account_models import RateLimit
from .base import ClientBase, check_leg, dec, require_symbol_if_isolated
from .models import CancelResult, Order, OrderReport, Trade
from .wire import DecimalLike, bool_flag, isolated_flag, require, require_one_of


class OrderMethods(ClientBase):
    """Endpoints under /sapi/v1/margin/order, openOrders, allOrders, myTrades, rateLimit/order."""

    def place_order(
        self, *, symbol: str, side: str, type: str, quantity: DecimalLike | None = None,
        quote_order_qty: DecimalLike | None = None, price: DecimalLike | None = None,
        stop_price: DecimalLike | None = None, trailing_delta: int | None = None,
        time_in_force: str | None = None, is_isolated: bool | None = None,
        new_client_order_id: str | None = None, iceberg_qty: DecimalLike | None = None,
        new_order_resp_type: str | None = None, side_effect_type: str | None = None,
        self_trade_prevention_mode: str | None = None, auto_repay_at_cancel: bool | None = None,
    ) -> OrderReport:
        """POST /sapi/v1/margin/order: place one order."""
        require(symbol=symbol, side=side, type=type)
        kind = str(getattr(type, "value", type))
        if kind == "MARKET":
            require_one_of(quantity=quantity, quote_order_qty=quote_order_qty)
        else:
            require(quantity=quantity)
            check_leg(kind, prefix="", price=price, stop_price=stop_price,
                      trailing_delta=trailing_delta, time_in_force=time_in_force)
        return OrderReport.from_json(self._send(ep.NEW_ORDER, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated), "side": side, "type": type,
            "quantity": dec(quantity), "quoteOrderQty": dec(quote_order_qty), "price": dec(price),
            "stopPrice": dec(stop_price), "trailingDelta": trailing_delta,
            "newClientOrderId": self._client_id(new_client_order_id),
            "icebergQty": dec(iceberg_qty), "newOrderRespType": new_order_resp_type,
            "sideEffectType": side_effect_type, "timeInForce": time_in_force,
            "selfTradePreventionMode": self_trade_prevention_mode,
            "autoRepayAtCancel": bool_flag(auto_repay_at_cancel),
        }))

    def cancel_order(
        self, *, symbol: str, order_id: int | None = None, orig_client_order_id: str | None = None,
        is_isolated: bool | None = None, new_client_order_id: str | None = None,
    ) -> OrderReport:
        """DELETE /sapi/v1/margin/order (cancelling a list leg cancels the whole list)."""
        require(symbol=symbol)
        require_one_of(order_id=order_id, orig_client_order_id=orig_client_order_id)
        return OrderReport.from_json(self._send(ep.CANCEL_ORDER, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated), "orderId": order_id,
            "origClientOrderId": orig_client_order_id, "newClientOrderId": new_client_order_id,
        }))

    def get_order(
        self, *, symbol: str, order_id: int | None = None, orig_client_order_id: str | None = None,
        is_isolated: bool | None = None,
    ) -> Order:
        """GET /sapi/v1/margin/order by orderId or client order id."""
        require(symbol=symbol)
        require_one_of(order_id=order_id, orig_client_order_id=orig_client_order_id)
        return Order.from_json(self._send(ep.GET_ORDER, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated), "orderId": order_id,
            "origClientOrderId": orig_client_order_id,
        }))

    def cancel_open_orders(self, *, symbol: str, is_isolated: bool | None = None) -> CancelResult:
        """DELETE /sapi/v1/margin/openOrders: cancel every order and list on a symbol."""
        require(symbol=symbol)
        return CancelResult.from_json(self._send(ep.CANCEL_OPEN_ORDERS, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated),
        }))

    def get_open_orders(self, *, symbol: str | None = None, is_isolated: bool | None = None) -> list[Order]:
        """GET /sapi/v1/margin/openOrders (all symbols when symbol is omitted, cross only)."""
        require_symbol_if_isolated(symbol, is_isolated)
        rows = self._send(ep.OPEN_ORDERS, {"symbol": symbol, "isIsolated": isolated_flag(is_isolated)})
        return [Order.from_json(r) for r in rows]

    def get_all_orders(
        self, *, symbol: str, is_isolated: bool | None = None, order_id: int | None = None,
        start_time: int | None = None, end_time: int | None = None, limit: int | None = None,
    ) -> list[Order]:
        """GET /sapi/v1/margin/allOrders: orders of the last 24 h, or from order_id on."""
        require(symbol=symbol)
        rows = self._send(ep.ALL_ORDERS, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated), "orderId": order_id,
            "startTime": start_time, "endTime": end_time, "limit": limit,
        })
        return [Order.from_json(r) for r in rows]

    def get_my_trades(
        self, *, symbol: str, is_isolated: bool | None = None, order_id: int | None = None,
        start_time: int | None = None, end_time: int | None = None, from_id: int | None = None,
        limit: int | None = None,
    ) -> list[Trade]:
        """GET /sapi/v1/margin/myTrades."""
        require(symbol=symbol)
        rows = self._send(ep.MY_TRADES, {
            "symbol": symbol, "isIsolated": isolated_flag(is_isolated), "orderId": order_id,
            "startTime": start_time, "endTime": end_time, "fromId": from_id, "limit": limit,
        })
        return [Trade.from_json(r) for r in rows]

    def get_order_rate_limit(
        self, *, symbol: str | None = None, is_isolated: bool | None = None,
    ) -> list[RateLimit]:
        """GET /sapi/v1/margin/rateLimit/order: current order-count usage."""
        require_symbol_if_isolated(symbol, is_isolated)
        rows = self._send(ep.ORDER_RATE_LIMIT, {"isIsolated": isolated_flag(is_isolated), "symbol": symbol})
        return [RateLimit.from_json(r) for r in rows]
