"""Accounts never reach each other, and a key without margin permission trades nothing.

On the seeded exchange (demo's orders, lists, trades, loan and isolated pair; one order of
'other'), Hypothesis picks an account, an id (order or list, existing or not), a margin
mode, a symbol and an action. Whoever does not own the target is answered as if it did
not exist (-2013 for queries, -2011 for cancels, -11001 for an isolated pair it lacks)
and nothing changes. Listing endpoints show only the caller's own records, and one
account's trading leaves every record of the other untouched.
"""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.web.endpoints import Security
from tests.reliability.catalogue import LIMIT_BUY, baselines_for
from tests.reliability.harness import Seeded, run_property
from tests.reliability.support import (
    DEMO,
    FROZEN_AT_MS,
    NO_MARGIN,
    OTHER,
    Budget,
    call,
    count,
    served_endpoints,
    signed_pairs,
    snapshot_diff,
)

ACCOUNTS = {"demo": DEMO, "other": OTHER, "no-margin": NO_MARGIN}
NOT_FOUND = {-2013, -2011}
TS = {"timestamp": str(FROZEN_AT_MS)}

ORDER_ACTIONS = {  # action -> (method, path, id parameter)
    "query order": ("GET", "/sapi/v1/margin/order", "orderId"),
    "cancel order": ("DELETE", "/sapi/v1/margin/order", "orderId"),
    "query order by client id": ("GET", "/sapi/v1/margin/order", "origClientOrderId"),
    "cancel order by client id": ("DELETE", "/sapi/v1/margin/order", "origClientOrderId"),
    "query list": ("GET", "/sapi/v1/margin/orderList", "orderListId"),
    "cancel list": ("DELETE", "/sapi/v1/margin/orderList", "orderListId"),
    "query list by client id": ("GET", "/sapi/v1/margin/orderList", "origClientOrderId"),
    "cancel list by client id": ("DELETE", "/sapi/v1/margin/orderList", "listClientOrderId"),
}


def target_of(seeded: Seeded, action: str, ident: int) -> tuple[str, Any] | None:
    """(owner, record) of the order or list ``ident`` names, or None when it does not exist."""
    state = seeded.exchange.state
    records = state.order_lists if "list" in action else state.orders
    record = records.get(ident)
    return None if record is None else (record.account, record)


def reference(action: str, record: Any, ident: int) -> str:
    if "client id" not in action:
        return str(ident)
    if record is None:
        return f"missing{ident}"
    return record.list_client_order_id if "list" in action else record.client_order_id


@pytest.mark.soak(weight=1)
def test_nobody_reaches_another_accounts_orders_or_lists(seeded: Seeded, budget: Budget) -> None:
    @given(st.sampled_from(sorted(ACCOUNTS)), st.sampled_from(sorted(ORDER_ACTIONS)), st.integers(1, 14),
           st.booleans(), st.sampled_from(("BTCUSDT", "ETHUSDT")))
    def attempt(account: str, action: str, ident: int, isolated: bool, symbol: str) -> None:
        seeded.reset()
        method, path, id_param = ORDER_ACTIONS[action]
        found = target_of(seeded, action, ident)
        owner, record = found if found is not None else (None, None)
        params = {"symbol": symbol, id_param: reference(action, record, ident), **TS}
        if isolated:
            params["isIsolated"] = "TRUE"
        before = seeded.state()
        outcome = call(seeded.client, method, path, params, ACCOUNTS[account])
        count("isolation probes")
        if owner is not None and owner != account:
            assert outcome.error is not None, f"{account} reached {owner}'s {action} {ident}: {outcome.body}"
            assert outcome.error[0] in NOT_FOUND | {-11001, -2015}, outcome.error
            assert seeded.state() == before, snapshot_diff(before, seeded.state())
        if outcome.ok:
            assert owner == account, f"{account} got {action} {ident} of {owner}"

    run_property(attempt, budget, 150)


LISTINGS = [("GET", "/sapi/v1/margin/openOrders", {}), ("GET", "/sapi/v1/margin/openOrders", {"symbol": "BTCUSDT"}),
            ("GET", "/sapi/v1/margin/allOrders", {"symbol": "BTCUSDT"}),
            ("GET", "/sapi/v1/margin/myTrades", {"symbol": "BTCUSDT"}),
            ("GET", "/sapi/v1/margin/openOrderList", {}), ("GET", "/sapi/v1/margin/allOrderList", {}),
            ("GET", "/sapi/v1/margin/oto/openOrderList", {})]


@pytest.mark.parametrize("account", ["demo", "other"])
@pytest.mark.parametrize(("method", "path", "params"), LISTINGS, ids=[f"{p} {q}" for _, p, q in LISTINGS])
def test_listings_show_only_the_callers_records(seeded: Seeded, account: str, method: str, path: str,
                                                params: dict[str, str]) -> None:
    outcome = call(seeded.client, method, path, {**params, **TS}, ACCOUNTS[account])
    assert outcome.ok, outcome.body
    state = seeded.exchange.state
    for row in outcome.body:
        if "orderListId" in row and "orders" in row:
            assert state.order_lists[row["orderListId"]].account == account, row
        elif "id" in row:  # a trade
            assert state.trades[(row["symbol"], row["id"])].account == account, row
        else:
            assert state.orders[row["orderId"]].account == account, row


@pytest.mark.parametrize("account", ["demo", "other"])
def test_account_endpoints_show_only_the_callers_balances(seeded: Seeded, account: str) -> None:
    body = call(seeded.client, "GET", "/sapi/v1/margin/account", TS, ACCOUNTS[account]).body
    mine = seeded.exchange.accounts[account].cross.balances
    shown = {row["asset"]: row for row in body["userAssets"]}
    assert set(shown) == set(mine)
    assert all(row["free"] == f"{mine[asset].free:.8f}" for asset, row in shown.items())
    isolated = call(seeded.client, "GET", "/sapi/v1/margin/isolated/account", TS, ACCOUNTS[account]).body
    assert sorted(pair["symbol"] for pair in isolated["assets"]) == sorted(seeded.exchange.accounts[account].isolated)
    history = call(seeded.client, "GET", "/sapi/v1/margin/borrow-repay", {"type": "BORROW", **TS},
                   ACCOUNTS[account]).body
    assert history["total"] == sum(1 for r in seeded.exchange.state.borrow_history
                                   if r.account == account and r.type == "BORROW")


def records_of(seeded: Seeded, account: str) -> Any:
    """Everything that belongs to ``account``: balances, orders, lists, trades, loans."""
    state = seeded.exchange.state
    owner = state.accounts[account]
    balances = {(m.isolated_symbol, a): (b.free, b.locked, b.borrowed, b.interest)
                for m in owner.margin_accounts() for a, b in m.balances.items()}
    orders = {i: (o.status, o.executed_qty, o.locked_amount) for i, o in state.orders.items() if o.account == account}
    lists = {i: ol.list_order_status for i, ol in state.order_lists.items() if ol.account == account}
    trades = sorted(i for i, t in state.trades.items() if t.account == account)
    loans = [r.tran_id for r in state.borrow_history if r.account == account]
    return balances, orders, lists, trades, loans


ACTIONS = st.sampled_from([
    ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "price": "31000", "timeInForce": "IOC"}),
    ("POST", "/sapi/v1/margin/order", {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.01"}),
    ("POST", "/sapi/v1/margin/order", {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quoteOrderQty": "1000",
                                       "sideEffectType": "MARGIN_BUY"}),
    ("POST", "/sapi/v1/margin/order", {**LIMIT_BUY, "price": "29000.01"}),
    ("DELETE", "/sapi/v1/margin/openOrders", {"symbol": "BTCUSDT"}),
    ("POST", "/sapi/v1/margin/borrow-repay", {"asset": "BTC", "isIsolated": "FALSE", "amount": "0.1",
                                              "type": "BORROW"}),
])


@pytest.mark.soak(weight=1)
def test_one_accounts_trading_never_moves_another_accounts_records(seeded: Seeded, budget: Budget) -> None:
    @given(st.lists(ACTIONS, min_size=1, max_size=6), st.sampled_from([("demo", "other"), ("other", "demo")]))
    def trade_alone(actions: list[tuple[str, str, dict[str, str]]], pair: tuple[str, str]) -> None:
        seeded.reset()
        actor, bystander = pair
        before = records_of(seeded, bystander)
        for method, path, params in actions:
            call(seeded.client, method, path, {**params, **TS}, ACCOUNTS[actor])
            count("isolation probes")
        assert records_of(seeded, bystander) == before

    run_property(trade_alone, budget, 40)


def test_a_key_without_margin_permission_does_nothing_that_trades(seeded: Seeded) -> None:
    """Every margin TRADE endpoint refuses it with -2015; nothing else it can call moves money or orders."""
    checked = 0
    for endpoint in served_endpoints(seeded.app):
        if endpoint.security is Security.TRADE and endpoint.path.startswith("/api/v3/"):
            # Spot trading needs no margin permission: the key trades its own spot wallet
            # (tests/web/test_spot_orders.py); this probe is about what needs margin permission.
            continue
        for params in baselines_for(endpoint, seeded.baselines):
            seeded.reset()
            before = [records_of(seeded, name) for name in ACCOUNTS]
            outcome = call(seeded.client, endpoint.method, endpoint.path, signed_pairs(endpoint, params), NO_MARGIN,
                           sign=endpoint.security.signed)
            if endpoint.security is Security.TRADE:
                assert outcome.status == 401 and outcome.error is not None and outcome.error[0] == -2015, \
                    (endpoint.name, outcome.body)
            assert [records_of(seeded, name) for name in ACCOUNTS] == before, endpoint.name
            checked += 1
    count("no-margin probes", checked)
    assert checked >= 60
