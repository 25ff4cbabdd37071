"""Read-only lookups over the exchange state; every result is a copy.

Visibility (spec §8.1): an account sees only its own orders, and an isolated order only
through ``isolated=True`` with its symbol (a cross query never sees it, and vice versa);
spot orders only through ``spot=True`` (core.scopes: margin queries never see them, and
spot queries see no margin order). Anything invisible is answered as if it did not exist.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping

from mock_exchange.core.context import EngineContext
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.records import clone
from mock_exchange.core.scopes import scope_of_flags
from mock_exchange.core.state import BorrowRepayRecord, key_scope, scope_key, scope_of

DAY_MS = 24 * 60 * 60 * 1000


def _scopes(ctx: EngineContext, index: Mapping[str, Mapping[str, object]], account: str, symbol: str | None,
            isolated: bool, spot: bool = False) -> list[str]:
    """The scope keys a query covers: one symbol, or every symbol of the scope."""
    if symbol is not None:
        return [scope_key(symbol, isolated, spot)]
    wanted = scope_of_flags(isolated, spot)
    return sorted(key for key in index.get(account, {}) if key_scope(key) is wanted)


def _in_window(time_ms: int, start: int | None, end: int | None) -> bool:
    return (start is None or time_ms >= start) and (end is None or time_ms <= end)


def _default_window(ctx: EngineContext, start: int | None, end: int | None) -> tuple[int | None, int | None]:
    """No time bounds: the last 24 hours (spec §4.13 / §4.14)."""
    if start is None and end is None:
        return ctx.now() - DAY_MS, None
    return start, end


# -- orders ------------------------------------------------------------------------------


def find_order(ctx: EngineContext, account: str, symbol: str, isolated: bool, order_id: int | None,
               client_order_id: str | None, spot: bool = False) -> Order | None:
    """The account's order by id (checked against the client id when both are given) or client id."""
    key = scope_key(symbol, isolated, spot)
    orders = ctx.state.orders
    if order_id is not None:
        order = orders.get(order_id)
        if order is None or order.account != account or scope_of(order) != key:
            return None
        if client_order_id is not None and order.client_order_id != client_order_id:
            return None
        return order
    if client_order_id is None:
        return None
    open_id = ctx.state.open_client_ids.get((account, spot), {}).get(client_order_id)
    if open_id is not None and scope_of(orders[open_id]) == key:
        return orders[open_id]
    for candidate in reversed(ctx.state.order_history.get(account, {}).get(key, [])):
        if orders[candidate].client_order_id == client_order_id:
            return orders[candidate]
    return None


def open_orders(ctx: EngineContext, account: str, symbol: str | None, isolated: bool,
                spot: bool = False) -> list[Order]:
    """Open orders ascending by id (every symbol of the scope when ``symbol`` is None)."""
    ids: list[int] = []
    for key in _scopes(ctx, ctx.state.open_orders, account, symbol, isolated, spot):
        ids.extend(ctx.state.open_orders.get(account, {}).get(key, {}))
    return [clone(ctx.state.orders[oid]) for oid in sorted(ids)]


def all_orders(ctx: EngineContext, account: str, symbol: str, isolated: bool, order_id: int | None,
               start_time: int | None, end_time: int | None, limit: int, spot: bool = False) -> list[Order]:
    """Orders ascending by id: from ``order_id`` on, else the newest ``limit`` in the time window."""
    ids = ctx.state.order_history.get(account, {}).get(scope_key(symbol, isolated, spot), [])
    orders = ctx.state.orders
    if order_id is not None:
        picked = [orders[oid] for oid in ids[bisect_left(ids, order_id):]
                  if _in_window(orders[oid].time_ms, start_time, end_time)][:limit]
    else:
        start, end = _default_window(ctx, start_time, end_time)
        picked = [orders[oid] for oid in ids if _in_window(orders[oid].time_ms, start, end)][-limit:]
    return [clone(order) for order in picked]


def my_trades(ctx: EngineContext, account: str, symbol: str, isolated: bool, order_id: int | None,
              start_time: int | None, end_time: int | None, from_id: int | None, limit: int,
              spot: bool = False) -> list[Trade]:
    """Trades ascending by id: from ``from_id`` on, else the newest ``limit`` in the time window."""
    ids = ctx.state.trade_history.get(account, {}).get(scope_key(symbol, isolated, spot), [])
    everyone = ctx.state.trades
    trades: list[Trade] = [everyone[(symbol, tid)] for tid in ids]
    if order_id is not None:
        trades = [t for t in trades if t.order_id == order_id]
    if from_id is not None:
        picked = [t for t in trades if t.trade_id >= from_id and _in_window(t.time_ms, start_time, end_time)][:limit]
    elif order_id is not None and start_time is None and end_time is None:
        picked = trades[-limit:]
    else:
        start, end = _default_window(ctx, start_time, end_time)
        picked = [t for t in trades if _in_window(t.time_ms, start, end)][-limit:]
    return [clone(trade) for trade in picked]


# -- order lists ---------------------------------------------------------------------------


def find_order_list(ctx: EngineContext, account: str, isolated: bool, symbol: str | None,
                    order_list_id: int | None, list_client_order_id: str | None,
                    spot: bool = False) -> OrderList | None:
    """The account's list by id (checked against the client id when both are given) or client id."""
    lists = ctx.state.order_lists

    def visible(item: OrderList) -> bool:
        if item.account != account or item.isolated != isolated or item.spot != spot:
            return False
        return not isolated or symbol is None or item.symbol == symbol

    if order_list_id is not None:
        found = lists.get(order_list_id)
        if found is None or not visible(found):
            return None
        if list_client_order_id is not None and found.list_client_order_id != list_client_order_id:
            return None
        return found
    if list_client_order_id is None:
        return None
    open_id = ctx.state.open_list_client_ids.get((account, spot), {}).get(list_client_order_id)
    if open_id is not None and visible(lists[open_id]):
        return lists[open_id]
    for key in _scopes(ctx, ctx.state.list_history, account, symbol if isolated else None, isolated, spot):
        for candidate in reversed(ctx.state.list_history[account].get(key, [])):
            if lists[candidate].list_client_order_id == list_client_order_id:
                return lists[candidate]
    return None


def all_order_lists(ctx: EngineContext, account: str, isolated: bool, symbol: str | None, from_id: int | None,
                    start_time: int | None, end_time: int | None, limit: int,
                    spot: bool = False) -> list[OrderList]:
    """Newest first (spec §4.6): from ``from_id`` on, else the newest ``limit`` in the window."""
    ids: list[int] = []
    for key in _scopes(ctx, ctx.state.list_history, account, symbol if isolated else None, isolated, spot):
        ids.extend(ctx.state.list_history.get(account, {}).get(key, []))
    ids.sort()
    lists = ctx.state.order_lists
    if from_id is not None:
        picked = [lists[i] for i in ids if i >= from_id][:limit]
    else:
        picked = [lists[i] for i in ids if _in_window(lists[i].transaction_time_ms, start_time, end_time)][-limit:]
    return [clone(item) for item in reversed(picked)]


def open_order_lists(ctx: EngineContext, account: str, isolated: bool, symbol: str | None,
                     spot: bool = False) -> list[OrderList]:
    """Open lists ascending by id."""
    ids: list[int] = []
    for key in _scopes(ctx, ctx.state.open_lists, account, symbol if isolated else None, isolated, spot):
        ids.extend(ctx.state.open_lists.get(account, {}).get(key, {}))
    return [clone(ctx.state.order_lists[i]) for i in sorted(ids)]


def list_orders(ctx: EngineContext, order_list: OrderList) -> list[Order]:
    """The list's orders in display order (copies)."""
    return [clone(ctx.state.orders[oid]) for oid in order_list.order_ids]


# -- borrowing -----------------------------------------------------------------------------


def borrow_repay_history(ctx: EngineContext, account: str, type_: str, asset: str | None,
                         isolated_symbol: str | None, tx_id: int | None, start_time: int | None,
                         end_time: int | None, current: int, size: int) -> tuple[list[BorrowRepayRecord], int]:
    """(one page newest first, total rows); no bounds means the last 7 days (30 with an asset)."""
    if tx_id is None and start_time is None and end_time is None:
        start_time = ctx.now() - (30 if asset else 7) * DAY_MS
    rows = [
        record for record in ctx.state.borrow_history
        if record.account == account and record.type == type_ and record.isolated_symbol == isolated_symbol
        and (asset is None or record.asset == asset) and (tx_id is None or record.tran_id == tx_id)
        and _in_window(record.time_ms, start_time, end_time)
    ]
    rows.reverse()
    page = rows[(current - 1) * size: current * size]
    return [clone(row) for row in page], len(rows)
