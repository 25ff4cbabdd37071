"""The dashboard's page and JSON feeds over HTTP (the browser tests drive the page itself)."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange import serving
from mock_exchange.control import LocalControl
from mock_exchange.control.handle import CONTROL_EXTENSION_KEY
from mock_exchange.testing import LiveServer
from mock_exchange.web.dashboard import FEEDS, live
from tests.control.conftest import frozen_app
from tests.signed_client import SignedClient

API = "/mock/ui/api"
OCO = "/sapi/v1/margin/order/oco"
SELL_OCO = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "29000",
            "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}


def feed(client: FlaskClient, name: str, **params: Any) -> Any:
    response = client.get(f"{API}/{name}", query_string=params)
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"
    return response.get_json()


def buy(signed: SignedClient, price: str = "29000", symbol: str = "BTCUSDT", quantity: str = "0.001") -> int:
    response = signed.post("/sapi/v1/margin/order", symbol=symbol, side="BUY", type="LIMIT", quantity=quantity,
                           price=price, timeInForce="GTC")
    assert response.status_code == 200, response.get_json()
    return int(response.get_json()["orderId"])


# -- the page --------------------------------------------------------------------------------


def test_the_page_and_its_files_are_served_from_the_package(client: FlaskClient) -> None:
    page = client.get("/mock/ui/")
    assert page.status_code == 200
    assert page.content_type == "text/html; charset=utf-8"
    html = page.get_data(as_text=True)
    assert 'src="static/app.js"' in html and "http" not in html.split("<body>")[0].replace('http-equiv', '')
    assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    assert client.get("/mock/ui").status_code == 308
    for name, kind in (("app.js", "text/javascript"), ("app.css", "text/css"),
                       ("vendor/lightweight-charts.standalone.production.js", "text/javascript"),
                       ("vendor/LICENSE-lightweight-charts.txt", "text/plain")):
        response = client.get(f"/mock/ui/static/{name}")
        assert response.status_code == 200, name
        assert response.content_type.startswith(kind)
    license_text = client.get("/mock/ui/static/vendor/LICENSE-lightweight-charts.txt").get_data(as_text=True)
    assert "Apache License" in license_text


@pytest.mark.parametrize("path", ["/mock/ui/static/../feeds.py", "/mock/ui/static/%2e%2e/feeds.py",
                                  "/mock/ui/static/__init__.py", "/mock/ui/static/nothing.js",
                                  "/mock/ui/static/.hidden.js", "/mock/ui/static/vendor//x.js", "/mock/ui/api/nothing",
                                  "/mock/ui/elsewhere"])
def test_no_other_file_or_path_is_served(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_dashboard_requests_stay_out_of_the_journal_and_the_explanations(client: FlaskClient) -> None:
    client.get("/mock/ui/")
    client.get(f"{API}/summary")
    client.get("/mock/ui/api/nothing")
    assert feed(client, "journal")["total"] == 0
    assert client.get("/mock/v1/explain/last").get_json() == {"explanation": None}
    # Nor are the dashboard's paths offered as a Binance path to a bot that mistyped one.
    mistyped = client.get("/mock/ui/api/summar").get_json()
    assert mistyped["error"]["code"] == "not_found"
    explained = client.get("/api/v3/summary").headers.get("X-Mock-Explain", "")
    assert "/mock/" not in explained


def test_feeds_follow_the_control_token_and_the_page_does_not_need_it() -> None:
    guarded = frozen_app(control_token="s3cret-token").test_client()
    assert guarded.get("/mock/ui/").status_code == 200
    for name in [*FEEDS, "journal/1", "stream", "nothing"]:
        for headers in ({}, {"X-Mock-Token": "wrong"}):
            response = guarded.get(f"{API}/{name}", headers=headers)
            assert response.status_code == 401, name
            assert response.get_json()["error"]["code"] == "unauthorized"
    assert guarded.get(f"{API}/summary", headers={"X-Mock-Token": "s3cret-token"}).status_code == 200


def test_bad_parameters_are_400_naming_them(client: FlaskClient) -> None:
    cases = {"orders?scope=closed": "scope", "orders?limit=0": "limit", "orders?limit=501": "limit",
             "orders?before_id=x": "before_id", "orders?colour=red": "colour", "chart?symbol=BTCUSDT&interval=7m":
             "interval", "events?after_seq=-1": "after_seq", "journal?status=abc": "status",
             "orders?limit=1&limit=2": "limit", "journal/0": "seq", "journal/abc": "seq"}
    for path, name in cases.items():
        response = client.get(f"{API}/{path}")
        assert response.status_code == 400, path
        assert name in response.get_json()["error"]["message"], path
    assert client.get(f"{API}/chart?symbol=NOPE").status_code == 404
    assert client.get(f"{API}/chart").status_code == 400


# -- summary and accounts ----------------------------------------------------------------------


def test_summary_has_the_clock_prices_and_counts(client: FlaskClient, signed: SignedClient) -> None:
    buy(signed)
    data = feed(client, "summary")
    assert data["clock"]["mode"] == "frozen"
    assert {"symbol": "BTCUSDT", "last_price": "30000", "index_price": "30000"} in data["symbols"]
    assert data["counts"] == {"orders": 1, "open_orders": 1, "order_lists": 0, "open_order_lists": 0, "trades": 0,
                              "journal": 1}
    assert "demo" in data["accounts"]
    assert "unknown_placed" in data["fault_kinds"]
    assert data["last_journal_seq"] == 1 and data["last_event_seq"] >= 2


def test_accounts_show_every_wallet_and_the_margin_levels(app: Flask, client: FlaskClient) -> None:
    control = LocalControl(app)
    control.set_balance("demo", "USDT", "1000", borrowed="500")
    accounts = {a["name"]: a for a in feed(client, "accounts")["accounts"]}
    demo = accounts["demo"]
    assert demo["cross"]["USDT"]["borrowed"] == "500"
    assert set(demo["cross"]["USDT"]) == {"free", "locked", "borrowed", "interest", "net_asset"}
    assert demo["cross_margin_level"]["margin_level"] == control.margin_level("demo")["margin_level"]
    assert demo["cross_margin_level"]["status"] in ("NORMAL", "EXCESSIVE", "MARGIN_CALL")
    for pair in demo["isolated"]:
        assert demo["isolated_margin_levels"][pair]["status"]
    assert "spot" in demo
    assert "hmac_secret" not in json.dumps(accounts)


# -- orders and order lists ------------------------------------------------------------------------


def test_open_orders_page_newest_first_through_a_cursor(client: FlaskClient, signed: SignedClient) -> None:
    placed = [buy(signed, price=str(28000 + i)) for i in range(12)]
    seen: list[int] = []
    before = None
    while True:
        page = feed(client, "orders", limit=5, before_id=before)
        assert page["total"] == 12
        seen += [o["order_id"] for o in page["orders"]]
        before = page["next_before_id"]
        if before is None:
            break
    assert seen == sorted(placed, reverse=True)
    first = feed(client, "orders", limit=1)["orders"][0]
    assert first["price"] == "28011" and first["status"] == "NEW" and first["side"] == "BUY"


def test_order_history_and_filters(client: FlaskClient, signed: SignedClient, other: SignedClient) -> None:
    kept = buy(signed)
    gone = buy(signed, price="28000")
    theirs = buy(other, price="1500", symbol="ETHUSDT", quantity="0.01")
    assert signed.delete("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=gone).status_code == 200

    assert [o["order_id"] for o in feed(client, "orders")["orders"]] == [theirs, kept]
    history = feed(client, "orders", scope="all")["orders"]
    assert [(o["order_id"], o["status"]) for o in history] == [(theirs, "NEW"), (gone, "CANCELED"), (kept, "NEW")]
    assert [o["order_id"] for o in feed(client, "orders", scope="all", account="demo")["orders"]] == [gone, kept]
    assert [o["order_id"] for o in feed(client, "orders", scope="all", symbol="ETHUSDT")["orders"]] == [theirs]
    assert [o["order_id"] for o in feed(client, "orders", scope="all", status="CANCELED")["orders"]] == [gone]
    assert feed(client, "orders", account="nobody")["total"] == 0


def test_an_oco_shows_with_its_legs_then_in_the_history_when_done(app: Flask, client: FlaskClient,
                                                                  signed: SignedClient) -> None:
    placed = signed.post(OCO, **SELL_OCO).get_json()
    lists = feed(client, "order-lists")
    assert lists["total"] == 1
    oco = lists["order_lists"][0]
    assert (oco["kind"], oco["list_status_type"], oco["list_order_status"]) == ("OCO", "EXEC_STARTED", "EXECUTING")
    assert [leg["order_id"] for leg in oco["legs"]] == [o["orderId"] for o in placed["orders"]]
    assert [(leg["type"], leg["list_role"], leg["stop_price"], leg["price"]) for leg in oco["legs"]] == [
        ("STOP_LOSS_LIMIT", "stop", "29000", "28900"), ("LIMIT_MAKER", "limit", "0", "31000")]

    LocalControl(app).set_price("BTCUSDT", "31000")
    assert feed(client, "order-lists")["total"] == 0
    done = feed(client, "order-lists", scope="all")["order_lists"][0]
    assert done["list_order_status"] == "ALL_DONE"
    assert [leg["status"] for leg in done["legs"]] == ["EXPIRED", "FILLED"]


# -- chart -------------------------------------------------------------------------------------------


def test_the_chart_has_candles_order_levels_and_fills(app: Flask, client: FlaskClient, signed: SignedClient) -> None:
    placed = signed.post(OCO, **SELL_OCO).get_json()
    stop_leg, limit_leg = (o["orderId"] for o in placed["orders"])
    chart = feed(client, "chart", symbol="BTCUSDT", limit=100)
    assert len(chart["candles"]) == 100
    assert chart["candles"][-1]["close"] == "30000"
    assert [c["open_ms"] for c in chart["candles"]] == sorted(c["open_ms"] for c in chart["candles"])
    assert {(line["order_id"], line["kind"], line["price"]) for line in chart["lines"]} == {
        (stop_leg, "stop", "29000"), (stop_leg, "limit", "28900"), (limit_leg, "limit", "31000")}
    assert chart["fills"] == []

    control = LocalControl(app)
    control.advance(minutes=1)
    control.set_price("BTCUSDT", "31000")
    chart = feed(client, "chart", symbol="BTCUSDT")
    assert chart["lines"] == []
    assert [(f["order_id"], f["side"], f["price"], f["qty"]) for f in chart["fills"]] == [
        (limit_leg, "SELL", "31000", "0.1")]
    assert chart["candles"][-1]["high"] == "31000"
    assert feed(client, "chart", symbol="ETHUSDT")["fills"] == []


def test_pending_legs_of_an_oto_are_marked_until_the_working_order_fills(app: Flask, client: FlaskClient,
                                                                         signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order/oto", symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY",
                           workingPrice="29500", workingQuantity="0.01", workingTimeInForce="GTC",
                           pendingType="LIMIT_MAKER", pendingSide="SELL", pendingPrice="31000",
                           pendingQuantity="0.01")
    assert response.status_code == 200, response.get_json()
    pending = {line["price"]: line["pending"] for line in feed(client, "chart", symbol="BTCUSDT")["lines"]}
    assert pending == {"29500": False, "31000": True}
    LocalControl(app).set_price("BTCUSDT", "29400")
    pending = {line["price"]: line["pending"] for line in feed(client, "chart", symbol="BTCUSDT")["lines"]}
    assert pending == {"31000": False}


# -- events --------------------------------------------------------------------------------------------


def test_events_newest_first_with_cursors_and_filters(app: Flask, client: FlaskClient, signed: SignedClient,
                                                      other: SignedClient) -> None:
    signed.post(OCO, **SELL_OCO)
    buy(other, price="1500", symbol="ETHUSDT", quantity="0.01")
    everything = feed(client, "events", limit=500)
    seqs = [e["seq"] for e in everything["events"]]
    assert seqs == sorted(seqs, reverse=True) and seqs[0] == everything["last_seq"]
    assert everything["total"] == len(seqs) and everything["next_before_seq"] is None

    older = feed(client, "events", limit=2, before_seq=seqs[1])
    assert [e["seq"] for e in older["events"]] == seqs[2:4]
    assert {e["account"] for e in feed(client, "events", account="other")["events"]} == {"other"}
    eth = feed(client, "events", symbol="ETHUSDT")["events"]
    assert eth and all(e.get("symbol", e.get("isolated_symbol")) in ("ETHUSDT", None) for e in eth)
    assert all(e["type"] == "list_status" for e in feed(client, "events", type="list_status")["events"])

    LocalControl(app).set_price("BTCUSDT", "31000")
    newer = feed(client, "events", after_seq=seqs[0])
    actions = [e["action"] for e in newer["events"]]
    assert actions[-2:] == ["expire", "fill"] or "fill" in actions
    assert all(e["seq"] > seqs[0] for e in newer["events"]) and newer["total"] == len(newer["events"])


# -- journal --------------------------------------------------------------------------------------------


def test_the_journal_newest_first_with_the_rejection_explained(client: FlaskClient, signed: SignedClient) -> None:
    buy(signed)
    signed.secret = signed.secret[::-1]
    assert signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.001",
                       price="29000", timeInForce="GTC").get_json()["code"] == -1022
    signed.client.get("/api/v3/ping")

    entries = feed(client, "journal")["entries"]
    assert [(e["seq"], e["status"]) for e in entries] == [(3, 200), (2, 400), (1, 200)]
    refused = entries[1]
    assert (refused["code"], refused["msg"]) == (-1022, "Signature for this request is not valid.")
    assert refused["explanation"]["code"] == -1022
    assert refused["explanation"]["text"].startswith("Signature check failed")
    assert refused["account"] == "demo" and entries[0]["explanation"] is None and entries[0]["code"] is None

    assert [e["seq"] for e in feed(client, "journal", status="error")["entries"]] == [2]
    assert [e["seq"] for e in feed(client, "journal", status="ok")["entries"]] == [3, 1]
    assert [e["seq"] for e in feed(client, "journal", status="400")["entries"]] == [2]
    assert [e["seq"] for e in feed(client, "journal", path="/sapi/v1/margin/*")["entries"]] == [2, 1]
    assert [e["seq"] for e in feed(client, "journal", path="/api/v3/ping")["entries"]] == [3]
    assert [e["seq"] for e in feed(client, "journal", account="demo")["entries"]] == [2, 1]
    assert [e["seq"] for e in feed(client, "journal", after_seq=1)["entries"]] == [3, 2]
    assert [e["seq"] for e in feed(client, "journal", before_seq=3, limit=1)["entries"]] == [2]

    whole = feed(client, "journal/2")["entry"]
    assert whole["params"]["symbol"] == "BTCUSDT" and "signature" not in whole["params"]
    assert whole["explanation"]["details"]["sent_signature_begins"].endswith("...")
    assert whole["headers"]["X-Mbx-Apikey"] == "***"
    assert client.get(f"{API}/journal/99").status_code == 404


def test_paging_a_large_journal_visits_every_entry_once(app: Flask, client: FlaskClient) -> None:
    journal = app.extensions["mock_exchange"].journal
    for i in range(3000):
        journal.record(lambda seq, i=i: {"seq": seq, "time_ms": i, "method": "GET", "path": f"/api/v3/p{i % 3}",
                                         "params": {}, "headers": {}, "account": None, "weight": 1,
                                         "status": 400 if i % 7 == 0 else 200, "response": {}, "fault": None,
                                         "explanation": None})
    seen: list[int] = []
    before = None
    while True:
        page = feed(client, "journal", status="ok", limit=500, before_seq=before)
        seen += [e["seq"] for e in page["entries"]]
        before = page["next_before_seq"]
        if before is None:
            break
    expected = [seq for seq in range(3000, 0, -1) if (seq - 1) % 7 != 0]
    assert seen == expected

    # Unfiltered pages are counted without a scan; the same walk, every entry.
    seen, before = [], None
    while True:
        page = feed(client, "journal", limit=500, before_seq=before)
        assert page["total"] == 3000
        seen += [e["seq"] for e in page["entries"]]
        before = page["next_before_seq"]
        if before is None:
            break
    assert seen == list(range(3000, 0, -1))
    newer = feed(client, "journal", after_seq=2990)
    assert (newer["total"], [e["seq"] for e in newer["entries"]]) == (10, list(range(3000, 2990, -1)))


# -- live updates ------------------------------------------------------------------------------------------


def read_change(lines: Any, deadline_s: float = 10) -> dict[str, Any]:
    """The next ``change`` event's data from an SSE line iterator (heartbeats skipped)."""
    deadline = time.monotonic() + deadline_s
    event = None
    for line in lines:
        if time.monotonic() > deadline:
            break
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: ") and event == "change":
            return dict(json.loads(line[len("data: "):]))
    raise AssertionError("no change event before the deadline")


def test_the_live_stream_says_when_the_exchange_changed() -> None:
    app = frozen_app()
    with LiveServer(app) as server, requests.get(f"{server.url}{API}/stream", stream=True, timeout=10) as stream:
        assert stream.status_code == 200
        assert stream.headers["Content-Type"].startswith("text/event-stream")
        lines = stream.iter_lines(decode_unicode=True)
        first = read_change(lines)
        assert first["last_event_seq"] == 0 and first["clock"]["mode"] == "frozen"
        requests.post(f"{server.url}/mock/v1/clock", json={"advance_ms": 60000}, timeout=10)
        moved = read_change(lines)
        assert moved["clock"]["now_ms"] == first["clock"]["now_ms"] + 60000
        requests.put(f"{server.url}/mock/v1/accounts/demo/balances", json={"asset": "BTC", "free": "3"},
                     timeout=10)
        changed = read_change(lines)
        assert changed["last_event_seq"] > 0


def test_live_streams_are_bounded_and_the_control_api_keeps_answering() -> None:
    app = frozen_app()
    with LiveServer(app) as server:
        streams = [requests.get(f"{server.url}{API}/stream", stream=True, timeout=10) for _ in range(live.MAX_STREAMS)]
        try:
            assert all(s.status_code == 200 for s in streams)
            refused = requests.get(f"{server.url}{API}/stream", timeout=10)
            assert refused.status_code == 503
            assert refused.json()["error"]["code"] == "unavailable"
            # The streams hold threads of their own: the control API and the feeds still answer.
            assert requests.get(f"{server.url}/mock/v1/clock", timeout=10).status_code == 200
            assert requests.get(f"{server.url}{API}/summary", timeout=10).status_code == 200
        finally:
            for stream in streams:
                stream.close()
        # A closed stream gives its slot back (the server notices at its next heartbeat).
        deadline = time.monotonic() + 10
        while True:
            again = requests.get(f"{server.url}{API}/stream", stream=True, timeout=10)
            ok = again.status_code == 200
            again.close()
            if ok:
                break
            assert time.monotonic() < deadline, "no stream slot came back"
            time.sleep(0.2)


def test_a_stream_ends_by_itself(app: Flask) -> None:
    service = app.extensions[CONTROL_EXTENSION_KEY]
    slots = live.StreamSlots(limit=1)
    with app.test_request_context():
        response = live.change_stream(service, slots, seconds=0.3)
    body = "".join(response.response)  # type: ignore[arg-type]
    response.close()
    assert body.startswith("retry: 1000") and "event: change" in body and body.endswith("event: end\ndata: {}\n\n")
    slots.take()  # the slot came back when the response closed


def test_the_waitress_pool_for_streams_matches_the_dashboard_bound() -> None:
    assert serving.LIVE_STREAM_PATH == live.STREAM_PATH
    assert serving.LIVE_STREAMS == live.MAX_STREAMS
