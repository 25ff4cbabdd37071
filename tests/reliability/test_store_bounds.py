"""Every store is bounded in bytes as well as in count (docs/reliability.md, "Store bounds").

The journal keeps bounded prefixes of what it records (a small one of an unauthenticated
body), counts each entry's estimated bytes against its own bound, and gives them all back
on ``DELETE /journal``. Large bodies are sent over real HTTP to a real server.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from mock_exchange.control.journal import Journal
from mock_exchange.control.recorder import ENTRY_OVERHEAD, KEPT, MAX_HEADERS
from mock_exchange.testing import LiveServer
from tests.reliability.support import DEMO, FROZEN_AT_MS, frozen_app, state_of

BODY = b"symbol=BTCUSDT&quantity=" + b"9" * int(1.9 * 1024 * 1024)
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# The largest estimate an entry of one of these requests can reach (header names under 64
# bytes, an explanation and a response under 4 KB each).
ENTRY_CEILING = ENTRY_OVERHEAD + 3 * (KEPT["query"] + KEPT["body"] + MAX_HEADERS * (64 + KEPT["header"]) + 8192)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def journal_of(live: LiveServer) -> Journal:
    return live.app.extensions["mock_exchange"].journal


def test_large_bodies_without_a_key_keep_only_a_small_prefix(live: LiveServer) -> None:
    before = state_of(live.app)
    with requests.Session() as session:
        for _ in range(20):
            answer = session.post(f"{live.url}/sapi/v1/margin/order", data=BODY, headers=FORM, timeout=30)
            assert answer.status_code == 401 and answer.json()["code"] == -2014
    assert state_of(live.app) == before
    journal = journal_of(live)
    assert len(journal) == 20
    assert journal.bytes <= 20 * (ENTRY_OVERHEAD + 3 * (KEPT["unauthenticated_body"] + 4096))
    entries = requests.get(f"{live.url}/mock/v1/journal", timeout=10).json()["entries"]
    assert all(e["truncated"] == ["body"] and e["account"] is None for e in entries)
    kept = entries[0]["params"]["quantity"]
    assert set(kept) == {"9"} and len(kept) < KEPT["unauthenticated_body"]
    cleared = requests.delete(f"{live.url}/mock/v1/journal", timeout=10).json()
    assert cleared["cleared"] == 20 and journal.bytes == 0 and len(journal) == 0


def test_an_authenticated_body_keeps_a_larger_but_bounded_prefix(live: LiveServer) -> None:
    answer = requests.post(f"{live.url}/sapi/v1/margin/order", data=BODY + f"&timestamp={FROZEN_AT_MS}".encode(),
                           headers={**FORM, "X-MBX-APIKEY": DEMO.api_key}, timeout=30)
    assert answer.status_code == 400
    entry = requests.get(f"{live.url}/mock/v1/journal", timeout=10).json()["entries"][-1]
    assert entry["account"] == "demo" and entry["truncated"] == ["body"]
    assert KEPT["unauthenticated_body"] < len(entry["params"]["quantity"]) <= KEPT["body"]
    assert journal_of(live).bytes <= ENTRY_CEILING


def test_long_headers_and_queries_are_cut_to_their_prefix(live: LiveServer) -> None:
    headers = {f"X-Pad-{i}": "h" * 2000 for i in range(70)}  # under waitress's 256 KB for all headers
    answer = requests.get(f"{live.url}/api/v3/ping?pad=" + "q" * 50_000, headers=headers, timeout=10)
    assert answer.status_code == 400  # "pad" is not a parameter of ping
    entry = requests.get(f"{live.url}/mock/v1/journal", timeout=10).json()["entries"][-1]
    assert set(entry["truncated"]) == {"query", "header", "headers"}
    assert len(entry["headers"]) <= MAX_HEADERS
    assert all(len(value) <= KEPT["header"] for value in entry["headers"].values())
    assert len(entry["params"]["pad"]) < KEPT["query"]
    assert journal_of(live).bytes <= ENTRY_CEILING


def test_the_journal_drops_its_oldest_entries_past_its_byte_bound() -> None:
    journal = Journal(capacity=1000, max_bytes=10_000)
    for i in range(30):
        journal.record(lambda seq, i=i: {"seq": seq, "method": "GET", "path": f"/p{i}", "account": None,
                                         "status": 200, "fault": None}, size=1_000)
    entries, count = journal.query()
    assert count == 10 and [e["seq"] for e in entries] == list(range(21, 31))
    assert journal.bytes == 10_000 and journal.last_seq == 30
    journal.record(lambda seq: {"seq": seq, "method": "GET", "path": "/big", "account": None, "status": 200,
                                "fault": None}, size=50_000)
    entries, _ = journal.query()
    assert [e["path"] for e in entries] == ["/big"]  # the newest always stays, alone if it must


def test_listen_tokens_are_bounded_ended_ones_first_then_the_oldest(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_exchange.core import user_stream
    from mock_exchange.core.user_stream import GrantKind, StreamRegistry

    monkeypatch.setattr(user_stream, "MAX_GRANTS", 5)
    registry = StreamRegistry()
    names = iter(f"t{i}" for i in range(100))
    short = registry.issue_token("demo", None, 10, 0, lambda: next(names))  # ends at 10 ms
    for _ in range(4):
        registry.issue_token("demo", None, 1_000_000, 0, lambda: next(names))
    registry.issue_token("demo", None, 1_000_000, 50, lambda: next(names))
    values = [g.value for g in registry.grants()]
    assert short.value not in values and len(values) == 5  # the ended one went first
    for _ in range(20):
        registry.issue_token("demo", None, 1_000_000, 60, lambda: next(names))
    assert len(registry.grants()) == 5
    assert [g.value for g in registry.grants()] == [f"t{i}" for i in range(21, 26)]  # the newest kept
    assert registry.active("t25", GrantKind.TOKEN, 60) is not None


def test_weight_counters_of_past_minutes_are_dropped(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_exchange.config import default_config
    from mock_exchange.core import rate_limits
    from mock_exchange.core.clock import ExchangeClock
    from mock_exchange.core.rate_limits import RateLimiter, WeightCharge

    monkeypatch.setattr(rate_limits, "MAX_BUCKETS", 50)
    clock = ExchangeClock(frozen_at_ms=FROZEN_AT_MS)
    limiter = RateLimiter(default_config().rate_limits, clock)
    for i in range(200):
        if i % 40 == 0:
            clock.advance(60_000)
        limiter.charge(f"10.0.{i // 250}.{i % 250}", WeightCharge("api", "ping", 1, False, None))
    assert len(limiter._weights) <= 50
