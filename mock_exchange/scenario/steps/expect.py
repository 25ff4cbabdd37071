"""``expect``: check the last call, or query orders, lists, balances, the journal and events.

Queries go through the same signed client as calls (so they are real API requests and
appear in the journal) but never replace the "last call" that status/error/response see.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from margin_client import BinanceError, MarginClient

from mock_exchange.scenario.located import LocatedDict, line_of
from mock_exchange.scenario.matchers import match, show
from mock_exchange.scenario.model import Step
from mock_exchange.scenario.paths import MISSING
from mock_exchange.scenario.runtime import CallOutcome, Runtime, parse_body
from mock_exchange.scenario.schema_expect import BALANCE_LOOKUP, LIST_LOOKUP, ORDER_LOOKUP
from mock_exchange.scenario.steps.base import Failure, StepFailed, StepOutcome, mismatch_failures
from mock_exchange.scenario.steps.expect_events import check_events

ZERO_BALANCE = {"free": "0", "locked": "0", "borrowed": "0", "interest": "0", "netAsset": "0"}


def run_expect(rt: Runtime, step: Step, body: Any = None) -> StepOutcome:
    """Check every part of an expect body; all failures are reported, not just the first."""
    spec = rt.resolve(step.body if body is None else body)
    failures: list[Failure] = []
    if any(k in spec for k in ("status", "error", "response", "headers")):
        failures += _last_call(rt, step, spec)
    for name, check in (("order", _order), ("order_list", _order_list), ("balance", _balance)):
        if name in spec:
            items = spec[name] if isinstance(spec[name], list) else [spec[name]]
            for item in items:
                failures += check(rt, step, item)
    for name in ("open_orders", "open_order_lists"):
        if name in spec:
            failures += _open(rt, step, name, spec[name])
    if "journal" in spec:
        failures += _journal(rt, step, spec["journal"])
    if "events" in spec:
        failures += check_events(rt, step, spec["events"])
    return StepOutcome(failures)


def _last_call(rt: Runtime, step: Step, spec: dict[str, Any]) -> list[Failure]:
    last = rt.last
    if last is None:
        return [Failure(step.location, "there is no call to check yet")]
    found: list[Failure] = []
    context = f" (last call: {last.request} → {last.summary()})"
    if "status" in spec:
        mismatches = match(spec["status"], last.status if last.status is not None else MISSING,
                           "status", line_of(spec, "status"))
        found += [Failure(step.location.at(m.line), m.describe() + context) for m in mismatches]
    if "error" in spec:
        if last.error is None:
            found.append(Failure(step.where(spec, "error"),
                                 f"error: expected {show(spec['error'])}, got no error{context}"))
        else:
            found += mismatch_failures(step, "", match(spec["error"], last.error, "error", line_of(spec, "error")))
    if "response" in spec:
        mismatches = match(spec["response"], last.body, "response", line_of(spec, "response"))
        found += [Failure(step.location.at(m.line), m.describe() + context) for m in mismatches]
    if "headers" in spec:
        # Header names are case-insensitive: compare them lower-cased.
        wanted = LocatedDict({str(k).lower(): v for k, v in spec["headers"].items()})
        wanted.line = line_of(spec, "headers")
        wanted.key_lines = {str(k).lower(): line_of(spec["headers"], k, wanted.line) for k in spec["headers"]}
        found += mismatch_failures(step, "", match(wanted, last.headers, "headers", wanted.line))
    return found


def query(client: MarginClient, action: Callable[[], Any], what: str, line: int) -> Any:
    """Run a read through ``client``; its parsed JSON body, or a step failure naming the error."""
    try:
        action()
    except BinanceError as exc:
        failed = CallOutcome("", exc.http_status, None, {"code": exc.code, "msg": exc.msg})
        raise StepFailed(f"{what}: the query failed: {failed.summary()}", line) from exc
    response = client.last_response
    return parse_body(response.content.decode("utf-8", "replace")) if response is not None else None


def _fields(item: dict[str, Any], lookup: tuple[str, ...]) -> dict[str, Any]:
    """The part of an item that is expectations (not lookup keys), keeping line numbers."""
    fields = LocatedDict({k: v for k, v in item.items() if k not in lookup})
    fields.line = line_of(item)
    fields.key_lines = {k: line_of(item, k) for k in fields}
    return fields


def _order(rt: Runtime, step: Step, item: dict[str, Any]) -> list[Failure]:
    client = rt.client(item.get("account"))
    ident = item.get("order_id", item.get("client_order_id"))
    what = f"order {item['symbol']} {ident}"
    order = query(client, lambda: client.get_order(
        symbol=item["symbol"], order_id=item.get("order_id"), orig_client_order_id=item.get("client_order_id"),
        is_isolated=item.get("is_isolated")), what, line_of(item))
    return mismatch_failures(step, f"{what}: ", match(_fields(item, ORDER_LOOKUP), order, "", line_of(item)))


def _order_list(rt: Runtime, step: Step, item: dict[str, Any]) -> list[Failure]:
    client = rt.client(item.get("account"))
    isolated = bool(item.get("is_isolated"))
    ident = item.get("order_list_id", item.get("list_client_order_id"))
    what = f"order list {ident}"
    found = query(client, lambda: client.get_order_list(
        order_list_id=item.get("order_list_id"), list_client_order_id=item.get("list_client_order_id"),
        symbol=item.get("symbol") if isolated else None, is_isolated=item.get("is_isolated")), what, line_of(item))
    failures = mismatch_failures(step, f"{what}: ", match(_fields(item, LIST_LOOKUP), found, "", line_of(item)))
    if "legs" in item:
        legs = [_leg(client, ref, item, what) for ref in (found or {}).get("orders", [])]
        failures += mismatch_failures(step, f"{what}: ", match(item["legs"], legs, "legs", line_of(item, "legs")))
    return failures


def _leg(client: MarginClient, ref: dict[str, Any], item: dict[str, Any], what: str) -> Any:
    """One order of a list, queried in full (the list query only names its orders)."""

    def get() -> Any:
        return client.get_order(symbol=ref["symbol"], order_id=ref["orderId"], is_isolated=item.get("is_isolated"))

    return query(client, get, f"{what} leg {ref.get('orderId')}", line_of(item, "legs"))


def _balance(rt: Runtime, step: Step, item: dict[str, Any]) -> list[Failure]:
    client = rt.client(item.get("account"))
    asset, symbol = str(item["asset"]), item.get("symbol")
    what = f"balance {asset}" + (f" (isolated {symbol})" if symbol else "")
    if symbol:
        account = query(client, lambda: client.get_isolated_account(symbols=str(symbol)), what, line_of(item))
        pair = next((p for p in account.get("assets", []) if p.get("symbol") == symbol), None)
        if pair is None:
            raise StepFailed(f"{what}: no isolated margin pair {symbol} in the account", line_of(item))
        side = next((pair[k] for k in ("baseAsset", "quoteAsset") if pair.get(k, {}).get("asset") == asset), None)
        if side is None:
            raise StepFailed(f"{what}: {asset} is neither asset of {symbol}", line_of(item, "asset"))
        balance = side
    else:
        account = query(client, client.get_account, what, line_of(item))
        # An asset the account never held is reported as all zeros.
        balance = next((a for a in account.get("userAssets", []) if a.get("asset") == asset),
                       {"asset": asset, **ZERO_BALANCE})
    return mismatch_failures(step, f"{what}: ", match(_fields(item, BALANCE_LOOKUP), balance, "", line_of(item)))


def _open(rt: Runtime, step: Step, name: str, spec: dict[str, Any]) -> list[Failure]:
    client = rt.client(spec.get("account"))
    isolated = spec.get("is_isolated")
    symbol = spec.get("symbol")
    if name == "open_orders":
        rows = query(client, lambda: client.get_open_orders(symbol=symbol, is_isolated=isolated), name, line_of(spec))
    else:
        rows = query(client, lambda: client.get_open_order_lists(symbol=symbol if isolated else None,
                                                                 is_isolated=isolated), name, line_of(spec))
    count = len(rows) if isinstance(rows, list) else 0
    mismatches = match(spec["count"], count, f"{name}.count", line_of(spec, "count"))
    return [Failure(step.location.at(m.line), f"{m.describe()}: {show(rows)}") for m in mismatches]


def _journal(rt: Runtime, step: Step, spec: dict[str, Any]) -> list[Failure]:
    filters = {k: v for k, v in spec.items() if k != "count"}
    try:
        count = rt.env.control.journal_count(**filters)
    except Exception as exc:
        raise StepFailed(f"journal: {getattr(exc, 'message', None) or exc}", line_of(spec)) from exc
    return mismatch_failures(step, "", match(spec["count"], count, "journal.count", line_of(spec, "count")))
