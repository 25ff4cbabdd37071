"""What the dashboard shows, as JSON pages: accounts, orders, order lists, chart, events, journal.

Every list is newest first and paged with a cursor (``before_id`` / ``before_seq``: the
next page holds what is older than the last item shown), so the page stays quick with
10 000 orders and 100 000 journal entries: a page is built from ``limit`` items, never
from the whole store. ``total`` counts the matches of the filters (one pass over the
store's index, no JSON built). Shapes are the control API's: snake_case, decimals as
strings, times in exchange milliseconds.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from mock_exchange.control.errors import ControlError, bad_request, not_found
from mock_exchange.control.event_json import dec, event_json
from mock_exchange.control.journal import JournalFilter
from mock_exchange.control.values import int_value, str_value
from mock_exchange.core.enums import OrderType
from mock_exchange.core.intervals import KLINE_INTERVALS, Interval
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order

DEFAULT_PAGE = 50
MAX_PAGE = 500
MAX_CANDLES = 1000
MAX_FILLS = 500
# Types whose ``price`` is a limit resting on (or waiting for) the book; the others have none.
_LIMIT_PRICED = {OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT}


def page_size(limit: Any) -> int:
    return DEFAULT_PAGE if limit in (None, "") else int_value(limit, "limit", minimum=1, maximum=MAX_PAGE)


def _optional_str(value: Any, name: str) -> str | None:
    return None if value in (None, "") else str_value(value, name)


def _optional_int(value: Any, name: str) -> int | None:
    return None if value in (None, "") else int_value(value, name, minimum=0)


def _paged(items: Iterable[Any], keep: Callable[[Any], bool], limit: int,
           on_page: Callable[[Any], bool] = lambda item: True) -> tuple[list[Any], int]:
    """The first ``limit`` items ``keep`` and ``on_page`` accept, and how many ``keep`` accepts in all.

    ``on_page`` is the cursor: the total counts every match, whichever page is shown.
    """
    page: list[Any] = []
    total = 0
    for item in items:
        if keep(item):
            total += 1
            if len(page) < limit and on_page(item):
                page.append(item)
    return page, total


# -- summary -------------------------------------------------------------------------------


def summary(service: Any) -> dict[str, Any]:
    """The header of the page: clock, symbols with prices, account names, counts, fault rules."""
    exchange = service.exchange

    def read() -> tuple[list[dict[str, Any]], dict[str, int], list[str], int]:
        state = exchange.state
        index = exchange.index_prices()
        symbols = [{"symbol": name, "last_price": dec(exchange.market.last_price(name)),
                    "index_price": dec(index.index_price(name))} for name in state.symbols]
        open_orders = sum(len(ids) for scopes in state.open_orders.values() for ids in scopes.values())
        open_lists = sum(len(ids) for scopes in state.open_lists.values() for ids in scopes.values())
        counts = {"orders": len(state.orders), "open_orders": open_orders, "order_lists": len(state.order_lists),
                  "open_order_lists": open_lists, "trades": len(state.trades)}
        return symbols, counts, list(exchange.accounts), exchange.events.last_seq

    symbols, counts, accounts, last_event = exchange.read_consistently(read)
    return {"clock": service.clock(), "seed": exchange.ids.seed, "symbols": symbols, "accounts": accounts,
            "counts": {**counts, "journal": len(service.journal)}, "last_event_seq": last_event,
            "last_journal_seq": service.journal.last_seq, "faults": service.faults.rules(),
            "fault_kinds": service.list_faults()["kinds"]}


def change_mark(service: Any) -> tuple[Any, ...]:
    """What a live page compares to know something changed (cheap: counters only)."""
    exchange = service.exchange
    clock = exchange.clock
    return (exchange.events.last_seq, service.journal.last_seq, exchange.changes, clock.mode,
            clock.now_ms() if clock.frozen else clock.offset_ms, exchange.ids.seed, len(service.faults.rules()))


# -- accounts ------------------------------------------------------------------------------


def accounts(service: Any) -> dict[str, Any]:
    """Each account's wallets (spot, cross, isolated pairs) with the margin level where there is one."""
    listed = service.accounts()["accounts"]
    for account in listed:
        account["cross_margin_level"] = _margin_level(service, account["name"], None)
        account["isolated_margin_levels"] = {pair: _margin_level(service, account["name"], pair)
                                             for pair in account["isolated"]}
    return {"accounts": listed}


def _margin_level(service: Any, name: str, pair: str | None) -> dict[str, Any] | None:
    try:
        reading = service.margin_level(name, pair)
    except ControlError:
        return None  # an account without margin has no level
    return {key: reading[key] for key in ("margin_level", "status", "valued_in", "total_asset", "total_liability",
                                          "total_net_asset", "liquidate_price") if key in reading}


# -- orders and order lists ------------------------------------------------------------------


def order_json(order: Order) -> dict[str, Any]:
    return {"order_id": order.order_id, "symbol": order.symbol, "account": order.account,
            "isolated": order.isolated, "client_order_id": order.client_order_id, "side": order.side.value,
            "type": order.type.value, "price": dec(order.price), "stop_price": dec(order.stop_price),
            "quantity": dec(order.quantity), "executed_qty": dec(order.executed_qty),
            "cummulative_quote_qty": dec(order.cummulative_quote_qty), "status": order.status.value,
            "time_in_force": order.time_in_force.value if order.time_in_force else None,
            "order_list_id": order.order_list_id, "list_role": order.list_role or None,
            "time_ms": order.time_ms, "update_time_ms": order.update_time_ms, "is_working": order.is_working,
            "triggered": order.triggered, "expiry_reason": order.expiry_reason.value}


def order_list_json(order_list: OrderList, orders: dict[int, Order]) -> dict[str, Any]:
    return {"order_list_id": order_list.order_list_id, "kind": order_list.kind.value,
            "contingency_type": order_list.contingency_type.value, "symbol": order_list.symbol,
            "account": order_list.account, "isolated": order_list.isolated,
            "list_client_order_id": order_list.list_client_order_id,
            "list_status_type": order_list.list_status_type.value,
            "list_order_status": order_list.list_order_status.value,
            "transaction_time_ms": order_list.transaction_time_ms,
            "legs": [order_json(orders[order_id]) for order_id in order_list.order_ids if order_id in orders]}


def _scope(value: Any) -> str:
    scope = "open" if value in (None, "") else str_value(value, "scope")
    if scope not in ("open", "all"):
        raise bad_request(f"scope: expected 'open' or 'all' (got {scope!r})")
    return scope


def _open_ids(index: dict[str, dict[str, dict[int, None]]], account: str | None) -> list[int]:
    owners = [index.get(account, {})] if account is not None else list(index.values())
    return sorted((i for scopes in owners for ids in scopes.values() for i in ids), reverse=True)


def _newest_first(records: dict[int, Any], open_index: dict[str, dict[str, dict[int, None]]], scope: str,
                  account: str | None) -> Iterator[Any]:
    if scope == "open":
        return (records[i] for i in _open_ids(open_index, account) if i in records)
    return reversed(records.values())  # ids grow with insertion


def _before(before: int | None, id_of: Callable[[Any], int]) -> Callable[[Any], bool]:
    return (lambda item: True) if before is None else (lambda item: id_of(item) < before)


def orders(service: Any, scope: Any = None, account: Any = None, symbol: Any = None, status: Any = None,
           before_id: Any = None, limit: Any = None) -> dict[str, Any]:
    """Orders newest first: ``scope=open`` (default) or ``all``; filters by account, symbol, status."""
    chosen, size = _scope(scope), page_size(limit)
    owner, name = _optional_str(account, "account"), _optional_str(symbol, "symbol")
    wanted_status = _optional_str(status, "status")
    before = _optional_int(before_id, "before_id")
    exchange = service.exchange

    def keep(order: Order) -> bool:
        return ((owner is None or order.account == owner) and (name is None or order.symbol == name)
                and (wanted_status is None or order.status.value == wanted_status))

    def read() -> dict[str, Any]:
        state = exchange.state
        page, total = _paged(_newest_first(state.orders, state.open_orders, chosen, owner), keep, size,
                             _before(before, lambda order: order.order_id))
        return {"scope": chosen, "total": total, "orders": [order_json(o) for o in page],
                "next_before_id": page[-1].order_id if len(page) == size else None}

    return exchange.read_consistently(read)


def order_lists(service: Any, scope: Any = None, account: Any = None, symbol: Any = None,
                before_id: Any = None, limit: Any = None) -> dict[str, Any]:
    """Order lists newest first with their legs; ``scope=open`` (default, still executing) or ``all``."""
    chosen, size = _scope(scope), page_size(limit)
    owner, name = _optional_str(account, "account"), _optional_str(symbol, "symbol")
    before = _optional_int(before_id, "before_id")
    exchange = service.exchange

    def keep(order_list: OrderList) -> bool:
        return (owner is None or order_list.account == owner) and (name is None or order_list.symbol == name)

    def read() -> dict[str, Any]:
        state = exchange.state
        found = _newest_first(state.order_lists, state.open_lists, chosen, owner)
        page, total = _paged(found, keep, size, _before(before, lambda item: item.order_list_id))
        return {"scope": chosen, "total": total,
                "order_lists": [order_list_json(item, state.orders) for item in page],
                "next_before_id": page[-1].order_list_id if len(page) == size else None}

    return exchange.read_consistently(read)


# -- chart ---------------------------------------------------------------------------------


def chart(service: Any, symbol: Any, interval: Any = None, limit: Any = None) -> dict[str, Any]:
    """Candles of the tape, the open orders' limit and stop levels, and the fills, of one symbol."""
    exchange = service.exchange
    name = str_value(symbol, "symbol")
    if name not in exchange.config.symbols:
        raise not_found(f"unknown symbol {name!r}")
    period = "1m" if interval in (None, "") else str_value(interval, "interval")
    if period not in KLINE_INTERVALS:
        raise bad_request(f"interval: expected one of {', '.join(KLINE_INTERVALS)} (got {period!r})")
    count = 500 if limit in (None, "") else int_value(limit, "limit", minimum=1, maximum=MAX_CANDLES)

    def read() -> tuple[list[dict[str, Any]], list[Any], list[dict[str, Any]], Any]:
        state = exchange.state
        candles = [{"open_ms": k.open_ms, "open": dec(k.open), "high": dec(k.high), "low": dec(k.low),
                    "close": dec(k.close), "volume": dec(k.volume), "trades": k.trades}
                   for k in exchange.klines(name, Interval(period), limit=count)]
        ids = sorted(i for scopes in state.open_orders.values() for ids in scopes.values() for i in ids)
        lines = [line for i in ids if state.orders[i].symbol == name
                 for line in _order_lines(state.orders[i], _waits_for_working_order(state, state.orders[i]))]
        fills = []
        for trade in reversed(state.trades.values()):
            if trade.symbol != name:
                continue
            fills.append({"trade_id": trade.trade_id, "order_id": trade.order_id, "account": trade.account,
                          "side": trade.side.value, "price": dec(trade.price), "qty": dec(trade.qty),
                          "time_ms": trade.time_ms, "order_list_id": trade.order_list_id})
            if len(fills) == MAX_FILLS:
                break
        return candles, lines, fills, dec(exchange.market.last_price(name))

    candles, lines, fills, last = exchange.read_consistently(read)
    fills.reverse()
    return {"symbol": name, "interval": period, "last_price": last, "candles": candles, "lines": lines,
            "fills": fills}


def _waits_for_working_order(state: Any, order: Order) -> bool:
    """A pending leg of an OTO / OTOCO whose working order has not filled yet."""
    order_list = state.order_lists.get(order.order_list_id)
    working_id = getattr(order_list, "working_order_id", None)
    if working_id is None or working_id == order.order_id:
        return False
    working = state.orders.get(working_id)
    return working is not None and working.is_open


def _order_lines(order: Order, pending: bool) -> list[dict[str, Any]]:
    """The levels an open order shows on the chart: its limit price, and its stop until it triggers.

    ``pending``: the order waits for its list's working order to fill (drawn fainter).
    """
    base = {"order_id": order.order_id, "account": order.account, "side": order.side.value,
            "type": order.type.value, "order_list_id": order.order_list_id, "list_role": order.list_role or None,
            "pending": pending}
    lines = []
    if order.type in _LIMIT_PRICED and order.price > 0:
        lines.append({**base, "kind": "limit", "price": dec(order.price)})
    if order.stop_price > 0 and not order.triggered:
        lines.append({**base, "kind": "stop", "price": dec(order.stop_price)})
    return lines


# -- events ----------------------------------------------------------------------------------


def _event_symbol(event: Any) -> str | None:
    inner = getattr(event, "order", None) or getattr(event, "order_list", None)
    return getattr(inner, "symbol", None) or getattr(event, "isolated_symbol", None)


def events(service: Any, account: Any = None, symbol: Any = None, type: Any = None, before_seq: Any = None,
           after_seq: Any = None, limit: Any = None) -> dict[str, Any]:
    """Domain events newest first (fills, triggers, expiries, list changes, balances, loans...).

    ``after_seq`` gives only newer events (what a live page adds on top); ``before_seq`` the
    next older page. ``symbol`` matches an order's or list's symbol, or an isolated pair.
    """
    owner, name = _optional_str(account, "account"), _optional_str(symbol, "symbol")
    kind = _optional_str(type, "type")
    before, after = _optional_int(before_seq, "before_seq"), _optional_int(after_seq, "after_seq")
    size = page_size(limit)
    exchange = service.exchange

    def keep(event: Any) -> bool:
        return ((owner is None or event.account == owner) and (kind is None or event.kind == kind)
                and (name is None or _event_symbol(event) == name))

    def read() -> tuple[list[Any], int, int, int]:
        log = exchange.events
        stored = log.events
        # seq n is at index n - 1 - dropped: what is at or below after_seq is never looked at.
        start = 0 if after is None else max(0, min(len(stored), after - log.dropped))
        newest_first = (stored[i] for i in range(len(stored) - 1, start - 1, -1))
        page, total = _paged(newest_first, keep, size, _before(before, lambda event: event.seq))
        return page, total, log.last_seq, log.dropped + 1

    page, total, last, first = exchange.read_consistently(read)
    entries = [event_json(event) for event in page]
    return {"events": entries, "total": total, "last_seq": last, "first_seq": first,
            "next_before_seq": entries[-1]["seq"] if len(entries) == size else None}


# -- journal ---------------------------------------------------------------------------------


def _status_test(status: str | None) -> Callable[[int], bool]:
    if status is None:
        return lambda code: True
    if status == "ok":
        return lambda code: code < 400
    if status == "error":
        return lambda code: code >= 400
    wanted = int_value(status, "status", minimum=100, maximum=599)
    return lambda code: code == wanted


def journal(service: Any, status: Any = None, path: Any = None, account: Any = None, method: Any = None,
            before_seq: Any = None, after_seq: Any = None, limit: Any = None) -> dict[str, Any]:
    """Journal entries newest first, summarised (the whole entry: ``journal_entry``).

    ``total`` counts every match (newer than ``after_seq`` when given), whatever page
    ``before_seq`` picks. ``status`` is a code (``400``), ``ok`` (below 400) or ``error`` (400 and up); ``path`` is
    exact or a glob as in the control API; ``account`` a name.
    """
    wanted_status = _optional_str(status, "status")
    status_ok = _status_test(wanted_status)
    query = JournalFilter(method=_optional_str(method, "method"), path=_optional_str(path, "path"),
                          account=_optional_str(account, "account"))
    unfiltered = wanted_status is None and query == JournalFilter()
    before, after = _optional_int(before_seq, "before_seq"), _optional_int(after_seq, "after_seq")
    size = page_size(limit)

    def keep(entry: dict[str, Any]) -> bool:
        return status_ok(entry["status"]) and query.matches(entry)

    page, total = service.journal.newest_first(None if unfiltered else keep, size, stop_at_seq=after,
                                               before_seq=before)
    summaries = [_journal_summary(entry) for entry in page]
    return {"entries": summaries, "total": total, "last_seq": service.journal.last_seq,
            "next_before_seq": summaries[-1]["seq"] if len(summaries) == size else None}


def _journal_summary(entry: dict[str, Any]) -> dict[str, Any]:
    response = entry.get("response")
    code = msg = None
    if isinstance(response, dict) and isinstance(response.get("code"), int) and entry["status"] >= 400:
        code, msg = response["code"], response.get("msg")
    explanation = entry.get("explanation")
    return {"seq": entry["seq"], "time_ms": entry["time_ms"], "method": entry["method"], "path": entry["path"],
            "account": entry["account"], "status": entry["status"], "weight": entry["weight"],
            "code": code, "msg": msg, "fault": entry.get("fault"),
            "explanation": None if explanation is None else {
                key: explanation.get(key) for key in ("code", "cause", "text")}}


def journal_entry(service: Any, seq: Any) -> dict[str, Any]:
    """One whole journal entry (params, headers, response, explanation with its details)."""
    wanted = int_value(seq, "seq", minimum=1)
    page, _ = service.journal.newest_first(lambda entry: entry["seq"] == wanted, 1, stop_at_first=True)
    if not page:
        raise not_found(f"no journal entry {wanted} (it may have fallen off the journal)")
    return {"entry": copy.deepcopy(page[0])}
