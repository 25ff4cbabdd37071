"""User cancels: one order, one order list, or everything open on a symbol.

A cancel of a leg of an open list cancels the whole list (spec §4.4). Unknown, invisible
or already-final orders and lists answer -2011 "Unknown order sent.".
"""

from __future__ import annotations

from mock_exchange.core import lifecycle, queries
from mock_exchange.core.accounts import Account
from mock_exchange.core.context import EngineContext
from mock_exchange.core.enums import OrderStatus
from mock_exchange.core.errors import cancel_restricted, invalid_api_key, invalid_symbol, unknown_order
from mock_exchange.core.records import clone
from mock_exchange.core.requests import ListCancelResult, OrderCancelResult
from mock_exchange.core.state import scope_key


def check_cancel_access(ctx: EngineContext, account: Account, symbol: str, isolated: bool,
                        spot: bool = False) -> None:
    """Symbol known (-1121), and for margin: isolated pair exists (-11001), margin permission (-2015)."""
    if symbol not in ctx.state.symbols:
        raise invalid_symbol()
    if spot:
        return
    account.margin_account(symbol if isolated else None)
    if not account.margin_enabled:
        raise invalid_api_key()


def cancel_order(ctx: EngineContext, account: Account, symbol: str, isolated: bool, order_id: int | None,
                 orig_client_order_id: str | None, new_client_order_id: str | None,
                 spot: bool = False) -> OrderCancelResult:
    """Cancel one order by id or client id; a leg of an open list cancels the list."""
    check_cancel_access(ctx, account, symbol, isolated, spot)
    order = queries.find_order(ctx, account.name, symbol, isolated, order_id, orig_client_order_id, spot)
    if order is None or not order.is_open:
        raise unknown_order()
    cancel_id = new_client_order_id or ctx.ids.client_id()
    order_list = lifecycle.list_of(ctx, order)
    if order_list is not None and order_list.is_open:
        list_result = lifecycle.cancel_order_list(ctx, order_list, cancel_id)
        return OrderCancelResult(clone(order), cancel_id, ctx.now(), list_result)
    lifecycle.cancel_single(ctx, order, cancel_id)
    return OrderCancelResult(clone(order), cancel_id, ctx.now())


def check_restriction(ctx: EngineContext, account: Account, symbol: str, order_id: int | None,
                      orig_client_order_id: str | None, only_status: OrderStatus) -> None:
    """Spot ``cancelRestrictions``: an open order is cancelled only in ``only_status`` (-2011, rest-api.md).

    An unknown order answers the cancel's own -2011 "Unknown order sent."; an order no longer
    open is left to the cancel, which answers the same.
    """
    if symbol not in ctx.state.symbols:
        raise invalid_symbol()
    order = queries.find_order(ctx, account.name, symbol, False, order_id, orig_client_order_id, True)
    if order is None:
        raise unknown_order()
    if order.is_open and order.status is not only_status:
        raise cancel_restricted()


def cancel_order_list(ctx: EngineContext, account: Account, symbol: str, isolated: bool, order_list_id: int | None,
                      list_client_order_id: str | None, new_client_order_id: str | None,
                      spot: bool = False) -> ListCancelResult:
    """Cancel an open list by id or list client id (-2011 when unknown or done)."""
    check_cancel_access(ctx, account, symbol, isolated, spot)
    order_list = queries.find_order_list(ctx, account.name, isolated, symbol, order_list_id, list_client_order_id,
                                         spot)
    if order_list is None or order_list.symbol != symbol or not order_list.is_open:
        raise unknown_order()
    return lifecycle.cancel_order_list(ctx, order_list, new_client_order_id or ctx.ids.client_id())


def cancel_open_orders(ctx: EngineContext, account: Account, symbol: str, isolated: bool,
                       spot: bool = False) -> list[OrderCancelResult | ListCancelResult]:
    """Every open order and list on the symbol, in order id order; -2011 when nothing is open."""
    check_cancel_access(ctx, account, symbol, isolated, spot)
    open_ids = sorted(ctx.state.open_orders.get(account.name, {}).get(scope_key(symbol, isolated, spot), {}))
    if not open_ids:
        raise unknown_order()
    results: list[OrderCancelResult | ListCancelResult] = []
    for order_id in open_ids:
        order = ctx.state.orders[order_id]
        if not order.is_open:
            continue  # cancelled above with its list
        order_list = lifecycle.list_of(ctx, order)
        cancel_id = ctx.ids.client_id()
        if order_list is not None and order_list.is_open:
            results.append(lifecycle.cancel_order_list(ctx, order_list, cancel_id))
        else:
            lifecycle.cancel_single(ctx, order, cancel_id)
            results.append(OrderCancelResult(clone(order), cancel_id, ctx.now()))
    return results
