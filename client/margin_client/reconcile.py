"""Finding out what happened after an ExecutionStatusUnknownError."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .errors import CancelRejectedError, ExecutionStatusUnknownError, NoSuchOrderError
from .models import Order, OrderList

if TYPE_CHECKING:
    from .margin import MarginClient

_LIST_PLACEMENTS = frozenset({
    "/sapi/v1/margin/order/oco", "/sapi/v1/margin/order/oto", "/sapi/v1/margin/order/otoco",
})
_ORDER_PATH = "/sapi/v1/margin/order"
_ORDER_LIST_PATH = "/sapi/v1/margin/orderList"


def reconcile_order_list(
    client: MarginClient,
    *,
    list_client_order_id: str | None = None,
    order_list_id: int | None = None,
    symbol: str | None = None,
    is_isolated: bool | None = None,
) -> OrderList | None:
    """Look a list up by its listClientOrderId (or id); None when Binance says it does not exist."""
    try:
        return client.get_order_list(
            order_list_id=order_list_id, list_client_order_id=list_client_order_id,
            # symbol is mandatory for isolated lookups and "not supported" for cross ones.
            symbol=symbol if is_isolated else None, is_isolated=is_isolated,
        )
    except (NoSuchOrderError, CancelRejectedError):
        return None


def reconcile_order(
    client: MarginClient,
    *,
    symbol: str,
    client_order_id: str | None = None,
    order_id: int | None = None,
    is_isolated: bool | None = None,
) -> Order | None:
    """Look a single order up by its clientOrderId (or id); None when it does not exist."""
    try:
        return client.get_order(
            symbol=symbol, order_id=order_id, orig_client_order_id=client_order_id,
            is_isolated=is_isolated,
        )
    except (NoSuchOrderError, CancelRejectedError):
        return None


def reconcile_after(client: MarginClient, error: ExecutionStatusUnknownError) -> Order | OrderList | None:
    """Look up the order or list an unknown-outcome placement/cancel was about."""
    if error.request is None:
        raise ValueError("the error carries no request to reconcile")
    method, path, params = error.request.method, error.request.path, error.request.params
    symbol = params.get("symbol")
    is_isolated = params.get("isIsolated", "").upper() == "TRUE" or None
    if method == "POST" and path in _LIST_PLACEMENTS and params.get("listClientOrderId"):
        return reconcile_order_list(
            client, list_client_order_id=params["listClientOrderId"], symbol=symbol,
            is_isolated=is_isolated,
        )
    if method == "DELETE" and path == _ORDER_LIST_PATH:
        order_list_id = params.get("orderListId")
        return reconcile_order_list(
            client, order_list_id=int(order_list_id) if order_list_id else None,
            list_client_order_id=params.get("listClientOrderId"), symbol=symbol,
            is_isolated=is_isolated,
        )
    if path == _ORDER_PATH and symbol and method in ("POST", "DELETE"):
        client_id = params.get("newClientOrderId" if method == "POST" else "origClientOrderId")
        order_id = params.get("orderId") if method == "DELETE" else None
        if client_id or order_id:
            return reconcile_order(
                client, symbol=symbol, client_order_id=client_id,
                order_id=int(order_id) if order_id else None, is_isolated=is_isolated,
            )
    raise ValueError(f"cannot reconcile {method} {path}: no client id was sent")
