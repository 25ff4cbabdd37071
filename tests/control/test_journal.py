"""The request journal: what was sent and answered, filterable, bounded, and free of secrets."""

from __future__ import annotations

import json

import pytest
from flask.testing import FlaskClient

from mock_exchange.control import ControlError, LocalControl
from mock_exchange.control.journal import Journal, JournalFilter
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS, SignedClient


def test_a_signed_order_is_journaled_without_secrets(signed: SignedClient, control: LocalControl) -> None:
    response = signed.post("/sapi/v1/margin/order", placement="body", symbol="BTCUSDT", side="BUY", type="LIMIT",
                           quantity="0.01", price="29000", timeInForce="GTC")
    [entry] = control.journal()
    assert entry == {
        "seq": 1, "time_ms": FROZEN_AT_MS, "method": "POST", "path": "/sapi/v1/margin/order",
        "params": {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "29000",
                   "timeInForce": "GTC", "timestamp": str(FROZEN_AT_MS)},
        "headers": entry["headers"], "account": "demo", "weight": 6, "status": 200,
        "response": response.get_json(), "fault": None, "explanation": None,
    }
    assert entry["headers"]["X-Mbx-Apikey"] == "***"
    text = json.dumps(control.journal())
    assert DEMO_KEY not in text and DEMO_SECRET not in text and "signature" not in text


def test_rejections_are_journaled_with_status_and_binance_body(client: FlaskClient, control: LocalControl) -> None:
    client.get("/sapi/v1/margin/openOrders?symbol=BTCUSDT&timestamp=1&signature=abc",
               headers={"X-MBX-APIKEY": "unknownKey", "Cookie": "session=1", "Authorization": "Bearer x"})
    client.get("/api/v3/nowhere")
    client.get("/api/v3/ping?a=1&a=2")
    bad_key, unknown, duplicated = control.journal()
    assert (bad_key["status"], bad_key["response"]["code"], bad_key["account"]) == (401, -2015, None)
    assert bad_key["params"] == {"symbol": "BTCUSDT", "timestamp": "1"}
    assert not {"Cookie", "Authorization"} & set(bad_key["headers"])
    assert (unknown["status"], unknown["response"]["code"], unknown["weight"]) == (404, -1020, 0)
    assert duplicated["params"] == {"a": "2"} and duplicated["response"]["code"] == -1101


def test_control_requests_are_not_journaled(client: FlaskClient, control: LocalControl) -> None:
    client.post("/mock/v1/market/BTCUSDT/price", json={"price": "31000"})
    client.get("/mock/v1/health")
    assert control.journal() == [] and control.journal_count() == 0


def test_filters_counts_and_paging(signed: SignedClient, client: FlaskClient, control: LocalControl) -> None:
    for _ in range(3):
        client.get("/api/v3/ping")
    signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT")
    signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT", timestamp=1)  # -1021
    client.post("/api/v3/ping")  # 405 from Binance's side
    assert control.journal_count() == 6
    assert control.journal_count(method="get") == 5
    assert control.journal_count(path="/api/v3/ping") == 4
    assert control.journal_count(path="/sapi/*") == 2
    assert control.journal_count(account="demo") == 2
    assert control.journal_count(status=400) == 1
    assert [e["seq"] for e in control.journal(since_seq=2, limit=2)] == [3, 4]
    assert control.journal_count(fault="none") == 6 and control.journal_count(fault="any") == 0
    page = client.get("/mock/v1/journal?path=/api/v3/*&limit=1").get_json()
    assert (page["count"], page["last_seq"], [e["seq"] for e in page["entries"]]) == (4, 6, [1])
    assert client.get("/mock/v1/journal?status=abc").status_code == 400
    assert control.clear_journal() == 6
    assert control.journal() == []
    client.get("/api/v3/ping")
    assert [e["seq"] for e in control.journal()] == [7]  # numbering carries on after a clear


def test_journal_filters_refuse_bad_values(control: LocalControl) -> None:
    with pytest.raises(ControlError):
        control.journal(limit=-1)
    with pytest.raises(ControlError):
        control.journal(colour="red")


def test_the_journal_is_bounded_and_keeps_the_newest() -> None:
    journal = Journal(capacity=3)
    for i in range(5):
        journal.record(lambda seq, i=i: {"seq": seq, "method": "GET", "path": f"/p{i}", "account": None,
                                         "status": 200, "fault": None})
    entries, count = journal.query()
    assert [e["seq"] for e in entries] == [3, 4, 5] and count == 3 and journal.last_seq == 5
    assert journal.count(JournalFilter(path="/p4")) == 1
    assert journal.clear(restart_seq=True) == 3 and journal.last_seq == 0


def test_default_capacity_is_100k(control: LocalControl) -> None:
    assert control.service.journal.capacity == 100_000
