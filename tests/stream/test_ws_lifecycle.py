"""Stream lifecycles on the exchange clock: expiry, keep-alive, close, token end, filters, errors."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
import requests
from flask import Flask

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.requests import NewOrder
from mock_exchange.core.user_stream import LISTEN_KEY_VALIDITY_MS
from mock_exchange.web.user_stream import STATE_REPLACED_CLOSE
from tests.signed_client import FROZEN_AT_MS as T0

MINUTE_MS = 60_000


def place_bid(exchange: Any, client_id: str, isolated: bool = False) -> None:
    """A resting BUY: one executionReport (NEW) and one outboundAccountPosition."""
    exchange.place_order("demo", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                          quantity=Decimal("0.001"), price=Decimal("29000"),
                                          time_in_force=TimeInForce.GTC, new_client_order_id=client_id,
                                          isolated=isolated))


def subscribe(api: Any, token: str, request_id: str = "s") -> dict[str, Any]:
    api.send({"id": request_id, "method": "userDataStream.subscribe.listenToken", "params": {"listenToken": token}})
    return api.recv()


def test_listen_key_not_kept_alive_expires_and_a_kept_alive_one_does_not(
        http: requests.Session, server: Any, connect: Any, exchange: Any) -> None:
    lapsing = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    kept = http.post(f"{server.url}/sapi/v1/userDataStream/isolated", params={"symbol": "BTCUSDT"}).json()["listenKey"]
    lapsing_stream, kept_stream = connect(f"/ws/{lapsing}"), connect(f"/ws/{kept}")

    exchange.clock.advance(59 * MINUTE_MS)
    place_bid(exchange, "before-expiry")
    keep = http.put(f"{server.url}/sapi/v1/userDataStream/isolated", params={"symbol": "BTCUSDT", "listenKey": kept})
    assert keep.json() == {}
    exchange.clock.advance(MINUTE_MS)  # the unrefreshed key's hour is over
    place_bid(exchange, "after-expiry")  # happens after the key ended: never streamed on it

    # Everything from before the end, then the end notice, then the close.
    assert [e["e"] for e in lapsing_stream.recv_many(2)] == ["executionReport", "outboundAccountPosition"]
    assert lapsing_stream.recv() == {"e": "listenKeyExpired", "E": str(T0 + LISTEN_KEY_VALIDITY_MS),
                                     "listenKey": lapsing}
    lapsing_stream.assert_closed()
    assert http.put(f"{server.url}/sapi/v1/userDataStream", params={"listenKey": lapsing}).json()["code"] == -1125

    # The kept-alive isolated key still streams: its first event is the isolated order's.
    place_bid(exchange, "isolated", isolated=True)
    event = kept_stream.recv()
    assert (event["e"], event["c"], event["E"]) == ("executionReport", "isolated", T0 + LISTEN_KEY_VALIDITY_MS)
    assert kept_stream.recv()["B"] == [{"a": "USDT", "f": "49971.00000000", "l": "29.00000000"}]
    exchange.clock.advance(LISTEN_KEY_VALIDITY_MS)
    assert kept_stream.recv()["E"] == str(T0 + 59 * MINUTE_MS + LISTEN_KEY_VALIDITY_MS)
    kept_stream.assert_closed()


def test_deleted_listen_key_closes_its_stream_without_notice(http: requests.Session, server: Any,
                                                              connect: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    stream = connect(f"/ws/{key}")
    assert http.delete(f"{server.url}/sapi/v1/userDataStream", params={"listenKey": key}).json() == {}
    stream.assert_closed()


def test_unknown_listen_key_is_refused_at_the_handshake(server: Any) -> None:
    import websocket

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"{server.ws_url}/ws/not-a-key", timeout=5)
    assert refused.value.status_code == 400
    assert refused.value.resp_body == b'{"code":-1125,"msg":"This listenKey does not exist."}'


def test_token_subscription_ends_with_event_stream_terminated(http: requests.Session, server: Any, connect: Any,
                                                               exchange: Any) -> None:
    token = http.post(f"{server.url}/sapi/v1/userListenToken", params={"validity": 1000}).json()["token"]
    api = connect("/ws-api/v3")
    assert subscribe(api, token)["result"] == {"subscriptionId": 0, "expirationTime": T0 + 1000}
    place_bid(exchange, "in-time")
    exchange.clock.advance(1000)
    place_bid(exchange, "too-late")
    assert [f["event"]["e"] for f in api.recv_many(2)] == ["executionReport", "outboundAccountPosition"]
    assert api.recv() == {"subscriptionId": 0, "event": {"e": "eventStreamTerminated", "E": T0 + 1000}}
    # The connection stays open; the expired token is refused like any invalid one.
    assert subscribe(api, token, "again") == {"id": "again", "status": 400,
                                              "error": {"code": -1209, "msg": "Invalid listenToken."}}
    api.send({"id": 7, "method": "ping"})
    assert api.recv() == {"id": 7, "status": 200, "result": {}}


def test_ws_api_request_errors(server: Any, connect: Any) -> None:
    api = connect("/ws-api/v3")
    assert subscribe(api, "nope")["error"] == {"code": -1209, "msg": "Invalid listenToken."}
    api.send({"id": 1, "method": "userDataStream.subscribe.listenToken", "params": {}})
    assert api.recv()["error"]["code"] == -1102
    api.send({"id": 2, "method": "order.place", "params": {}})
    assert api.recv() == {"id": 2, "status": 400, "error": {"code": -1020, "msg": "This operation is not supported."}}
    api.ws.send("not json")
    assert api.recv()["id"] is None
    api.send({"id": 3, "method": "userDataStream.unsubscribe", "params": {"subscriptionId": 5}})
    assert api.recv()["error"]["code"] == -1130


def test_subscriptions_on_one_connection_follow_domain_order(http: requests.Session, server: Any, connect: Any,
                                                             exchange: Any) -> None:
    cross = http.post(f"{server.url}/sapi/v1/userListenToken").json()["token"]
    isolated = http.post(f"{server.url}/sapi/v1/userListenToken",
                         params={"isIsolated": "true", "symbol": "BTCUSDT"}).json()["token"]
    api = connect("/ws-api/v3")
    assert subscribe(api, cross, "a")["result"]["subscriptionId"] == 0
    assert subscribe(api, isolated, "b")["result"]["subscriptionId"] == 1
    place_bid(exchange, "iso-1", isolated=True)
    place_bid(exchange, "cross-1")
    frames = api.recv_many(4)
    assert [(f["subscriptionId"], f["event"]["e"]) for f in frames] == [
        (1, "executionReport"), (1, "outboundAccountPosition"), (0, "executionReport"), (0, "outboundAccountPosition")]
    assert [frames[0]["event"]["c"], frames[2]["event"]["c"]] == ["iso-1", "cross-1"]

    api.send({"id": "u", "method": "userDataStream.unsubscribe", "params": {"subscriptionId": 0}})
    assert api.recv() == {"id": "u", "status": 200, "result": {}}
    place_bid(exchange, "cross-2")  # nobody listens to cross any more
    place_bid(exchange, "iso-2", isolated=True)
    frame = api.recv()
    assert (frame["subscriptionId"], frame["event"]["c"]) == (1, "iso-2")


def test_accounts_never_see_each_other(http: requests.Session, server: Any, connect: Any, exchange: Any) -> None:
    other = http.post(f"{server.url}/sapi/v1/userDataStream",
                      headers={"X-MBX-APIKEY": "otherAccountApiKey000000000000000000000000000000000000000000000"})
    demo = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    other_stream, demo_stream = connect(f"/ws/{other.json()['listenKey']}"), connect(f"/ws/{demo}")
    place_bid(exchange, "demo-order")
    exchange.place_order("other", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                           quantity=Decimal("0.001"), price=Decimal("29000"),
                                           time_in_force=TimeInForce.GTC, new_client_order_id="other-order"))
    assert other_stream.recv()["c"] == "other-order"
    assert demo_stream.recv()["c"] == "demo-order"


def test_reset_ends_open_streams(http: requests.Session, server: Any, connect: Any, exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    stream, api = connect(f"/ws/{key}"), connect("/ws-api/v3")
    exchange.reset()
    stream.assert_closed()
    api.assert_closed()
    assert http.put(f"{server.url}/sapi/v1/userDataStream", params={"listenKey": key}).json()["code"] == -1125


def test_waitress_answers_websocket_upgrades_with_501(app: Flask) -> None:
    pytest.importorskip("websocket")
    import websocket

    from mock_exchange.testing import LiveServer

    with LiveServer(app) as live, pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(live.url.replace("http", "ws") + "/ws-api/v3", timeout=5)
    assert refused.value.status_code == 501
    assert b"--ws-port" in refused.value.resp_body


# -- a stream that fell behind the event log ------------------------------------------------------


def frames_then_close(stream: Any) -> tuple[list[Any], int, str]:
    """Every data frame the server sends (decoded) until its close frame, and that close's code and reason."""
    import websocket

    frames = []
    while True:
        opcode, data = stream.ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return frames, int.from_bytes(data[:2], "big"), data[2:].decode("utf-8")
        if opcode == websocket.ABNF.OPCODE_TEXT:
            frames.append(json.loads(data))


def open_user_stream(http: requests.Session, server: Any, connect: Any, kind: str) -> Any:
    """A user data stream of the demo account's cross margin, opened the way ``kind`` names."""
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    if kind == "ws api":
        stream = connect("/ws-api/v3")
        assert subscribe(stream, http.post(f"{server.url}/sapi/v1/userListenToken").json()["token"])["status"] == 200
        return stream
    return connect(f"/ws/{key}" if kind == "listen key" else f"/stream?streams={key}/btcusdt@trade")


@pytest.fixture
def short_log(monkeypatch: pytest.MonkeyPatch) -> int:
    """An event log that keeps the newest 10 events, so a test can outrun a stream with a few orders."""
    from mock_exchange.core import events

    monkeypatch.setattr(events, "EVENT_RETENTION", 10)
    return 10


def outrun(exchange: Any) -> None:
    """40 events while no stream can read (each bid writes two): more than the log keeps."""
    exchange.read_consistently(lambda: [place_bid(exchange, f"bid-{n}") for n in range(20)])
    assert exchange.events.dropped > 0


@pytest.mark.parametrize("kind", ["listen key", "combined path", "ws api"])
def test_a_stream_that_fell_behind_the_log_is_closed_not_silently_short(
        http: requests.Session, server: Any, connect: Any, exchange: Any, short_log: int, kind: str) -> None:
    """docs/user-stream.md: a stream carries every event of its account after it started; one whose
    events were dropped from the log before it read them closes (1008) rather than skip them."""
    stream = open_user_stream(http, server, connect, kind)
    outrun(exchange)
    _, code, reason = frames_then_close(stream)
    assert code == 1008 and "fell too far behind" in reason


def test_a_stream_that_keeps_up_with_a_short_log_misses_nothing(
        http: requests.Session, server: Any, connect: Any, exchange: Any, short_log: int) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    stream = connect(f"/ws/{key}")
    for n in range(3):
        place_bid(exchange, f"bid-{n}")
        assert [frame["e"] for frame in stream.recv_many(2)] == ["executionReport", "outboundAccountPosition"]
    for n in range(3, 12):  # the log trims past 11 events; each was read long before
        place_bid(exchange, f"bid-{n}")
        assert stream.recv()["c"] == f"bid-{n}" and stream.recv()["e"] == "outboundAccountPosition"


def unwrapped(frame: dict[str, Any]) -> dict[str, Any]:
    """A frame's event, whichever stream sent it: bare, ``{"stream", "data"}`` or ``{"subscriptionId", "event"}``."""
    return frame.get("data") or frame.get("event") or frame


@pytest.mark.parametrize("kind", ["listen key", "combined path", "ws api"])
@pytest.mark.parametrize("replace", ["restore", "reset"])
def test_a_restore_or_reset_ends_open_streams_after_every_event_logged_before_it(
        http: requests.Session, server: Any, connect: Any, exchange: Any, kind: str, replace: str) -> None:
    """docs/user-stream.md: what a stream carries does not depend on when its session last read the
    log. A bid and the restore (or reset) are made while no session can read; the stream still
    sends the bid's events, then closes with 1001."""
    from mock_exchange.core.snapshot import restore, snapshot

    stream = open_user_stream(http, server, connect, kind)
    saved = snapshot(exchange)

    def bid_then_replace() -> None:
        place_bid(exchange, "before-the-restore")
        if replace == "restore":
            restore(exchange, saved)
        else:
            exchange.reset()

    exchange.read_consistently(bid_then_replace)
    frames, code, reason = frames_then_close(stream)
    assert [unwrapped(frame)["e"] for frame in frames] == ["executionReport", "outboundAccountPosition"]
    assert unwrapped(frames[0])["c"] == "before-the-restore"
    assert code == 1001 and "reset or a snapshot restore" in reason


def test_a_stream_open_across_a_snapshot_restore_closes_and_its_key_streams_the_restored_state(
        http: requests.Session, server: Any, connect: Any, exchange: Any, app: Flask) -> None:
    """A restore may number events from below what an open stream has read (an earlier snapshot):
    carrying on would skip the restored state's first events, so the stream closes (1001, not the
    1008 of a stream that fell behind). The key stays valid and streams the restored state."""
    from mock_exchange.control import LocalControl

    control = LocalControl(app)
    earlier = control.snapshot()  # events.last_seq 0
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    stream = connect(f"/ws/{key}")
    place_bid(exchange, "before")
    assert stream.recv()["c"] == "before" and stream.recv()["e"] == "outboundAccountPosition"
    control.restore(earlier)
    assert frames_then_close(stream)[1:] == (1001, STATE_REPLACED_CLOSE[1])
    again = connect(f"/ws/{key}")
    place_bid(exchange, "after")  # seq 1 again, below what the first stream had read
    after = again.recv()
    assert (after["e"], after["c"], after["I"]) == ("executionReport", "after", 1)
