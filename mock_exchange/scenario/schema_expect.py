"""Static checks of ``expect`` bodies (also used for a call's inline ``expect``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mock_exchange.scenario.located import line_of

if TYPE_CHECKING:
    from mock_exchange.scenario.schema import Checker

EXPECT_KEYS = ("status", "error", "response", "headers", "order", "order_list", "balance", "open_orders",
               "open_order_lists", "journal", "events")
LAST_CALL_KEYS = ("status", "error", "response", "headers")
ORDER_LOOKUP = ("symbol", "order_id", "client_order_id", "is_isolated", "account")
LIST_LOOKUP = ("order_list_id", "list_client_order_id", "symbol", "is_isolated", "account", "legs")
BALANCE_LOOKUP = ("asset", "symbol", "account")
OPEN_KEYS = ("symbol", "is_isolated", "account", "count")
JOURNAL_KEYS = ("count", "method", "path", "account", "status", "fault")
EVENT_KEYS = ("where", "count", "sequence", "since", "account")
EVENT_SINCE = ("start", "last_action")


def check_expect(c: Checker, body: Any, container: Any, key: Any, *, after_call: bool) -> None:
    """Check an expect mapping; ``after_call`` says whether a call precedes it."""
    if not c.mapping(body, container, key, "expect"):
        return
    if not body:
        c.problem(container, key, "expect: nothing to check")
    c.known_keys(body, EXPECT_KEYS, "expect")
    c.references(body, "expect")
    for name in LAST_CALL_KEYS:
        if name in body and not after_call:
            c.problem(body, name, f"expect.{name}: there is no call before this step to check")
    if "status" in body:
        c.expected(body["status"], "status", line_of(body, "status"))
    if "error" in body:
        _check_error(c, body)
    if "response" in body:
        c.expected(body["response"], "response", line_of(body, "response"))
    if "headers" in body and c.mapping(body["headers"], body, "headers", "expect.headers"):
        c.expected(body["headers"], "headers", line_of(body, "headers"))
    for name, lookup, check in (("order", ORDER_LOOKUP, _check_order), ("order_list", LIST_LOOKUP, _check_list),
                                ("balance", BALANCE_LOOKUP, _check_balance)):
        if name in body:
            items = body[name] if isinstance(body[name], list) else [body[name]]
            for index, item in enumerate(items):
                holder, at = (body[name], index) if isinstance(body[name], list) else (body, name)
                if c.mapping(item, holder, at, f"expect.{name}"):
                    check(c, item, f"expect.{name}")
                    _check_fields(c, item, lookup, f"expect.{name}")
    for name in ("open_orders", "open_order_lists"):
        if name in body and c.mapping(body[name], body, name, f"expect.{name}"):
            c.known_keys(body[name], OPEN_KEYS, f"expect.{name}")
            _require(c, body[name], "count", f"expect.{name}", body, name)
            if "count" in body[name]:
                c.expected(body[name]["count"], f"{name}.count", line_of(body[name], "count"))
    if "journal" in body and c.mapping(body["journal"], body, "journal", "expect.journal"):
        journal = body["journal"]
        c.known_keys(journal, JOURNAL_KEYS, "expect.journal")
        _require(c, journal, "count", "expect.journal", body, "journal")
        if "count" in journal:
            c.expected(journal["count"], "journal.count", line_of(journal, "count"))
    if "events" in body and c.mapping(body["events"], body, "events", "expect.events"):
        _check_events(c, body["events"], body)


def _require(c: Checker, spec: dict[str, Any], name: str, what: str, holder: Any, key: Any) -> None:
    if name not in spec:
        c.problem(holder, key, f"{what}: `{name}` is required")


def _check_error(c: Checker, body: dict[str, Any]) -> None:
    error = body["error"]
    if not c.mapping(error, body, "error", "expect.error"):
        return
    c.known_keys(error, ("code", "msg"), "expect.error")
    c.expected(error, "error", line_of(body, "error"))


def _check_fields(c: Checker, item: dict[str, Any], lookup: tuple[str, ...], what: str) -> None:
    fields = {k: v for k, v in item.items() if k not in lookup}
    if not fields and "legs" not in item:
        c.problem(item, None, f"{what}: name at least one field to check (e.g. status)")
    for field, expected in fields.items():
        c.expected(expected, f"{what.removeprefix('expect.')}.{field}", line_of(item, field))


def _check_order(c: Checker, item: dict[str, Any], what: str) -> None:
    if "symbol" not in item:
        c.problem(item, None, f"{what}: `symbol` is required")
    if "order_id" not in item and "client_order_id" not in item:
        c.problem(item, None, f"{what}: give `order_id` or `client_order_id`")


def _check_list(c: Checker, item: dict[str, Any], what: str) -> None:
    if "order_list_id" not in item and "list_client_order_id" not in item:
        c.problem(item, None, f"{what}: give `order_list_id` or `list_client_order_id`")
    if item.get("is_isolated") and "symbol" not in item:
        c.problem(item, "is_isolated", f"{what}: an isolated list needs its `symbol`")
    if "legs" in item:
        c.expected(item["legs"], "order_list.legs", line_of(item, "legs"))


def _check_balance(c: Checker, item: dict[str, Any], what: str) -> None:
    if "asset" not in item:
        c.problem(item, None, f"{what}: `asset` is required")


def _check_events(c: Checker, events: dict[str, Any], body: dict[str, Any]) -> None:
    c.known_keys(events, EVENT_KEYS, "expect.events")
    if not any(k in events for k in ("count", "sequence")):
        c.problem(body, "events", "expect.events: give `count` and/or `sequence`")
    if "since" in events and events["since"] not in EVENT_SINCE:
        c.problem(events, "since", f"expect.events.since: one of {', '.join(EVENT_SINCE)}")
    if "where" in events and c.mapping(events["where"], events, "where", "expect.events.where"):
        c.expected(events["where"], "events.where", line_of(events, "where"))
    if "count" in events:
        c.expected(events["count"], "events.count", line_of(events, "count"))
    if "sequence" in events:
        if not isinstance(events["sequence"], list):
            c.problem(events, "sequence", "expect.events.sequence: expected a list of event patterns")
        else:
            c.expected(events["sequence"], "events.sequence", line_of(events, "sequence"))
