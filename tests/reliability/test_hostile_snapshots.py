"""Restoring a snapshot no exchange can be in is refused, over real HTTP, and changes nothing.

A live server holds the catalogue's seeded state (orders, lists, a fill, a loan). Each hostile
snapshot is a valid one with one thing broken; ``POST /mock/v1/state`` (and ``/state/load``)
must answer 400 with a message naming the field's path, and afterwards the whole state and
the answers of the Binance read endpoints must be exactly what they were. A Hypothesis fuzzer
then mutates the valid snapshot at random paths: never a 5xx, and every Binance endpoint still
answers after any snapshot the server accepted.
"""

from __future__ import annotations

import contextlib
import copy
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.testing import LiveServer
from tests.reliability import catalogue
from tests.reliability.harness import run_property
from tests.reliability.support import (
    DEMO,
    Budget,
    check_response,
    count,
    declared_endpoints,
    frozen_app,
    needs_credentials,
    prepare,
)
from tests.signed_client import FROZEN_AT_MS

Snapshot = dict[str, Any]
STATE = "/mock/v1/state"

# A few Binance read endpoints the fuzzer probes after every snapshot (the hostile cases probe all).
FUZZ_PROBES: list[tuple[str, dict[str, str], bool]] = [
    ("/api/v3/exchangeInfo", {}, False),
    ("/api/v3/ticker/24hr", {"symbol": "BTCUSDT"}, False),
    ("/api/v3/depth", {"symbol": "BTCUSDT", "limit": "5"}, False),
    ("/sapi/v1/margin/account", {}, True),
    ("/sapi/v1/margin/isolated/account", {}, True),
    ("/sapi/v1/margin/openOrders", {}, True),
    ("/sapi/v1/margin/allOrders", {"symbol": "BTCUSDT"}, True),
    ("/sapi/v1/margin/myTrades", {"symbol": "BTCUSDT"}, True),
    ("/sapi/v1/margin/allOrderList", {}, True),
    ("/sapi/v1/margin/borrow-repay", {"type": "BORROW"}, True),
    ("/sapi/v1/margin/maxBorrowable", {"asset": "BTC"}, True),
]


def every_read_endpoint(ids: dict[str, Any]) -> list[tuple[str, dict[str, str], bool]]:
    """Every Binance GET endpoint the app declares, with the catalogue's first valid request for it."""
    known = catalogue.baselines(ids)
    probes = []
    for endpoint in declared_endpoints():
        if endpoint.method == "GET":
            params = catalogue.baselines_for(endpoint, known)[0]
            probes.append((endpoint.path, dict(params), needs_credentials(endpoint)))
    return probes


PROBES: list[tuple[str, dict[str, str], bool]] = []


@pytest.fixture(scope="module")
def server() -> Iterator[LiveServer]:
    app = frozen_app()
    PROBES[:] = every_read_endpoint(catalogue.seed(app))
    with LiveServer(app) as live:
        yield live


@pytest.fixture(scope="module")
def good(server: LiveServer) -> Snapshot:
    return requests.get(server.url + STATE, timeout=10).json()


def probe(server: LiveServer, probes: list[tuple[str, dict[str, str], bool]] | None = None) -> list[tuple[int, bytes]]:
    """Status and body of every probe (each checked against the response contract)."""
    answers = []
    for path, params, signed in PROBES if probes is None else probes:
        pairs = list(params.items()) + ([("timestamp", str(FROZEN_AT_MS))] if signed else [])
        prepared = prepare("GET", path, pairs, DEMO if signed else None, sign=signed)
        response = requests.get(server.url + prepared.url, headers=prepared.headers, timeout=10)
        check_response(response.status_code, response.headers.get("Content-Type", ""), response.content,
                       prepared)
        answers.append((response.status_code, response.content))
    return answers


def restore(server: LiveServer, snapshot: Any) -> requests.Response:
    body = json.dumps(snapshot, default=str).encode() if not isinstance(snapshot, bytes) else snapshot
    return requests.post(server.url + STATE, data=body, headers={"Content-Type": "application/json"}, timeout=30)


def set_path(snapshot: Snapshot, path: str, value: Any) -> None:
    """``state.accounts.demo.cross.balances.BTC.free`` = value (``-`` deletes the key)."""
    *parents, last = path.split(".")
    node: Any = snapshot
    for key in parents:
        node = node[int(key)] if isinstance(node, list) else node[key]
    if value is _DELETE:
        del node[last]
    elif isinstance(node, list):
        node[int(last)] = value
    else:
        node[last] = value


_DELETE = object()
DEMO_BTC = "state.accounts.demo.cross.balances.BTC"
BAD_DECIMALS = ["-5", "NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e400", "1E+20",
                "100000000000000000000", "1e-999999", " 5", "5\n", "1_000", "0x10", "", "five",
                True, None, [], {}]


def _set(path: str, value: Any) -> Callable[[Snapshot], None]:
    return lambda snap: set_path(snap, path, value)


def _duplicate_key(snap: Snapshot) -> None:
    accounts = snap["state"]["accounts"]
    accounts["other"]["api_key"] = accounts["demo"]["api_key"]


def _drop_symbol(snap: Snapshot) -> None:
    del snap["state"]["symbols"]["BTCUSDT"]


def _second_open_order_same_client_id(snap: Snapshot) -> None:
    orders = snap["state"]["orders"]
    first = next(o for o in orders.values() if o["status"] == "NEW" and o["account"] == "demo"
                 and o["order_list_id"] == -1 and not o["isolated"])
    twin = copy.deepcopy(first)
    twin["order_id"] = 99
    twin["locked_amount"] = "0"
    orders["99"] = twin
    snap["ids"]["counters"]["order"] = 99


def _last_trade_id_unprinted(snap: Snapshot) -> None:
    trades = snap["state"]["trades"]
    last = max(i for i, trade in enumerate(trades) if trade["symbol"] == "BTCUSDT")
    trades[last]["trade_id"] = 10**6


def _trades_reversed(snap: Snapshot) -> None:
    trades = snap["state"]["trades"]
    assert sum(trade["symbol"] == "BTCUSDT" for trade in trades) >= 2
    trades.reverse()


def _order_of(snap: Snapshot, client_id: str) -> dict[str, Any]:
    return next(o for o in snap["state"]["orders"].values() if o["client_order_id"] == client_id)


def _filled_order_still_locks(snap: Snapshot) -> None:
    order = next(o for o in snap["state"]["orders"].values() if o["status"] == "FILLED")
    order["locked_amount"] = "1"
    order["locked_asset"] = "USDT"


HOSTILE: list[tuple[str, Callable[[Snapshot], None], str]] = [
    *[(f"free={value!r}", _set(f"{DEMO_BTC}.free", value), f"{DEMO_BTC}.free") for value in BAD_DECIMALS],
    ("borrowed=-1", _set(f"{DEMO_BTC}.borrowed", "-1"), f"{DEMO_BTC}.borrowed"),
    ("interest=NaN", _set(f"{DEMO_BTC}.interest", "NaN"), f"{DEMO_BTC}.interest"),
    ("locked not reserved", _set(f"{DEMO_BTC}.locked", "3"), f"{DEMO_BTC}.locked"),
    *[(f"market last={value!r}", _set("market.BTCUSDT.last", value), "market.BTCUSDT.last")
      for value in ("NaN", "-1", "0", "Infinity", "1e400", True)],
    ("market missing a symbol", _set("market.BTCUSDT", _DELETE), "market.BTCUSDT"),
    ("market for an unknown symbol", _set("market.XRPUSDT", {"last": "1", "tape": []}), "market.XRPUSDT"),
    ("tape junk", _set("market.BTCUSDT.tape", [["noon", "1", "0"]]), "market.BTCUSDT.tape[0][0]"),
    ("tape price 0", _set("market.BTCUSDT.tape", [[5, "1", "0"], [4, "0", "0"]]), "market.BTCUSDT.tape[1][1]"),
    ("symbol removed while orders use it", _drop_symbol, "BTCUSDT"),
    ("symbol last_price 0", _set("state.symbols.BTCUSDT.last_price", "0"), "state.symbols.BTCUSDT.last_price"),
    ("junk filter type", _set("state.symbols.BTCUSDT.filters", [{"filterType": "NOPE"}]),
     "state.symbols.BTCUSDT.filters[0].filterType"),
    ("junk filter decimal", _set("state.symbols.BTCUSDT.filters", [{"filterType": "LOT_SIZE", "minQty": "abc"}]),
     "state.symbols.BTCUSDT.filters[0].minQty"),
    ("junk filter integer", _set("state.symbols.BTCUSDT.filters", [{"filterType": "MAX_NUM_ORDERS",
                                                                    "maxNumOrders": "many"}]),
     "state.symbols.BTCUSDT.filters[0].maxNumOrders"),
    ("junk filter field", _set("state.symbols.BTCUSDT.filters", [{"filterType": "LOT_SIZE", "colour": "red"}]),
     "state.symbols.BTCUSDT.filters[0].colour"),
    ("filters not a list", _set("state.symbols.BTCUSDT.filters", "PRICE_FILTER"), "state.symbols.BTCUSDT.filters"),
    ("next orderId -2", _set("ids.counters.order", -2), "ids.counters.order"),
    ("order counter behind", _set("ids.counters.order", 1), "ids.counters.order"),
    ("trade counter as text", _set("ids.counters.trade", "5"), "ids.counters.trade"),
    ("id kind not a name", _set("ids.counters.Widget!", 1), "ids.counters.Widget!"),
    ("index price of an unknown symbol", _set("state.index_prices.XRPUSDT", "1"), "state.index_prices.XRPUSDT"),
    ("index price 0", _set("state.index_prices.BTCUSDT", "0"), "state.index_prices.BTCUSDT"),
    ("spot balance NaN", _set("state.accounts.demo.spot.balances", {"USDT": {"free": "NaN"}}),
     "state.accounts.demo.spot.balances.USDT.free"),
    ("transfer of a ghost", _set("state.transfers", [{
        "tran_id": 1, "account": "ghost", "type": "MAIN_MARGIN", "asset": "USDT", "amount": "1",
        "from_wallet": "SPOT", "to_wallet": "CROSS_MARGIN", "from_symbol": None, "to_symbol": None,
        "time_ms": 1}]), "state.transfers[0].account"),
    ("random junk", _set("ids.random", "x"), "ids.random"),
    ("random words out of range", _set("ids.random.1.0", -1), "ids.random[1][0]"),
    ("two accounts with one API key", _duplicate_key, "state.accounts.other.api_key"),
    ("api key with a newline", _set("state.accounts.other.api_key", "abc\n"), "state.accounts.other.api_key"),
    ("no credentials", _set("state.accounts.other.hmac_secret", None), "state.accounts.other"),
    ("version true", _set("version", True), "version"),
    ("version 3", _set("version", 3), "version"),
    ("version 0", _set("version", 0), "version"),
    ("now_ms 1e30", _set("clock.now_ms", 10**30), "clock.now_ms"),
    ("now_ms float", _set("clock.now_ms", 1.5e12), "clock.now_ms"),
    ("now_ms negative", _set("clock.now_ms", -1), "clock.now_ms"),
    ("frozen as text", _set("clock.frozen", "yes"), "clock.frozen"),
    ("last_seq negative", _set("events.last_seq", -1), "events.last_seq"),
    ("accounts a list", _set("state.accounts", []), "state.accounts"),
    ("state a list", _set("state", []), "state"),
    ("order quantity a bool", _set("state.orders.1.quantity", True), "state.orders.1.quantity"),
    ("order id as text", _set("state.orders.1.order_id", "1"), "state.orders.1.order_id"),
    ("order key not canonical", lambda s: s["state"]["orders"].update({"01": s["state"]["orders"].pop("1")}),
     "state.orders.01"),
    ("order side 5", _set("state.orders.1.side", 5), "state.orders.1.side"),
    ("order type a list", _set("state.orders.1.type", ["LIMIT"]), "state.orders.1.type"),
    ("order overfilled", _set("state.orders.1.executed_qty", "5"), "state.orders.1.executed_qty"),
    ("order for a ghost", _set("state.orders.1.account", "ghost"), "state.orders.1.account"),
    ("order client id with a newline", _set("state.orders.1.client_order_id", "seed\n"),
     "state.orders.1.client_order_id"),
    ("order time 1e30", _set("state.orders.1.time_ms", 10**30), "state.orders.1.time_ms"),
    ("order in an unknown list", _set("state.orders.1.order_list_id", 77), "state.orders.1.order_list_id"),
    ("isolated order without a pair", lambda s: _order_of(s, "seedOther").update(isolated=True), ".isolated"),
    ("two open orders, one client id", _second_open_order_same_client_id, "client_order_id"),
    ("filled order still locks", _filled_order_still_locks, "locked_amount"),
    ("list with a ghost leg", _set("state.order_lists.1.order_ids", [1, 4242]), "state.order_lists.1.order_ids"),
    ("trade of a ghost order", _set("state.trades.0.order_id", 4242), "state.trades[0].order_id"),
    ("trade of negative qty", _set("state.trades.0.qty", "-1"), "state.trades[0].qty"),
    ("trade id the tape has not printed", _last_trade_id_unprinted, "].trade_id: BTCUSDT's tape has not reached"),
    ("trades out of fill order", _trades_reversed, "a symbol's fills are listed in fill order"),
    ("borrow record of a ghost", _set("state.borrow_history.0.account", "ghost"), "state.borrow_history[0].account"),
    ("borrow record type", _set("state.borrow_history.0.type", "GIFT"), "state.borrow_history[0].type"),
    ("fee ledger NaN", _set("state.fees_collected.BTC", "NaN"), "state.fees_collected.BTC"),
    ("unknown top-level field", _set("extra", 1), "extra"),
    ("unknown state field", _set("state.extra", 1), "state.extra"),
]


@pytest.mark.parametrize(("case", "mutate", "path"), HOSTILE, ids=[case for case, _, _ in HOSTILE])
def test_a_hostile_snapshot_is_refused_and_changes_nothing(server: LiveServer, good: Snapshot, case: str,
                                                           mutate: Callable[[Snapshot], None], path: str) -> None:
    hostile = copy.deepcopy(good)
    mutate(hostile)
    before_state = requests.get(server.url + STATE, timeout=10).json()
    before = probe(server)
    response = restore(server, hostile)
    assert response.status_code == 400, f"{case}: {response.status_code} {response.text[:300]}"
    error = response.json()["error"]
    assert error["code"] == "bad_request"
    assert path in error["message"], f"{case}: {error['message']}"
    assert requests.get(server.url + STATE, timeout=10).json() == before_state
    assert probe(server) == before
    count("hostile snapshots refused")


def test_the_message_names_the_field_and_the_rule(server: LiveServer, good: Snapshot) -> None:
    hostile = copy.deepcopy(good)
    set_path(hostile, f"{DEMO_BTC}.free", "-5")
    message = restore(server, hostile).json()["error"]["message"]
    assert message == f"not a usable snapshot: {DEMO_BTC}.free: must be a finite non-negative decimal, got '-5'"


def test_a_hostile_snapshot_file_is_refused_by_state_load(server: LiveServer, good: Snapshot, tmp_path: Path) -> None:
    hostile = copy.deepcopy(good)
    set_path(hostile, "market.BTCUSDT.last", "NaN")
    target = tmp_path / "hostile.json"
    target.write_text(json.dumps(hostile), encoding="utf-8")
    before = probe(server)
    response = requests.post(server.url + "/mock/v1/state/load", json={"path": str(target)}, timeout=30)
    assert response.status_code == 400
    assert "market.BTCUSDT.last" in response.json()["error"]["message"]
    assert probe(server) == before


def test_the_valid_snapshot_still_restores(server: LiveServer, good: Snapshot) -> None:
    before = probe(server, FUZZ_PROBES)  # (a restore starts the rate-limit windows again: not those)
    response = restore(server, good)
    assert response.status_code == 200, response.text
    assert probe(server, FUZZ_PROBES) == before
    assert requests.get(server.url + STATE, timeout=10).json() == good


# -- fuzzing: random mutations of a valid snapshot ------------------------------------------------------


def _paths(node: Any, prefix: str = "") -> list[str]:
    """Every path of the snapshot except inside the generator's 625 words (one path stands for them)."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        path = f"{prefix}.{key}" if prefix else str(key)
        found.append(path)
        if path != "ids.random.1":
            found.extend(_paths(value, path))
    return found


HOSTILE_VALUES = st.one_of(
    st.sampled_from(["-5", "NaN", "sNaN", "Infinity", "1e400", "0", "-1", "1E+19", "99999999999999999999",
                     "0.000000000000000000001", "", " ", "\n", "\x00", "BTCUSDT", "ghost", "NEW", "FILLED",
                     "x" * 5000]),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.booleans(), st.none(), st.just([]), st.just({}),
    st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str),
    st.text(max_size=8),
)


@pytest.mark.soak(weight=1)
def test_fuzzed_snapshots_never_break_the_server(server: LiveServer, good: Snapshot, budget: Budget) -> None:
    paths = _paths(good)

    @given(st.lists(st.tuples(st.sampled_from(paths), HOSTILE_VALUES | st.just(_DELETE)), min_size=1, max_size=3))
    def mutated(changes: list[tuple[str, Any]]) -> None:
        hostile = copy.deepcopy(good)
        for path, value in changes:
            # An earlier change may have removed or replaced this path's parent.
            with contextlib.suppress(KeyError, IndexError, TypeError, ValueError):
                set_path(hostile, path, value)
        response = restore(server, hostile)
        assert response.status_code in (200, 400), f"{changes}: {response.status_code} {response.text[:300]}"
        count(f"fuzzed snapshots {'accepted' if response.status_code == 200 else 'refused'}")
        probe(server, FUZZ_PROBES)  # whatever was accepted, the Binance endpoints still keep the contract
        if response.status_code == 200:
            assert restore(server, good).status_code == 200

    run_property(mutated, budget, examples=150)


def test_decimal_values_from_json_numbers_are_exact(server: LiveServer, good: Snapshot) -> None:
    # The control API reads JSON numbers as Decimal: an integral or decimal number is a valid amount.
    snapshot = copy.deepcopy(good)
    snapshot["state"]["accounts"]["other"]["cross"]["balances"]["BTC"]["free"] = "NUMBER"
    response = restore(server, json.dumps(snapshot).replace('"NUMBER"', "2.5").encode())
    assert response.status_code == 200, response.text
    after = requests.get(server.url + STATE, timeout=10).json()
    assert after["state"]["accounts"]["other"]["cross"]["balances"]["BTC"]["free"] == "2.5"
    assert restore(server, good).status_code == 200
