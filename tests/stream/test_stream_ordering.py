"""Market frames and user data events of one step: one order, the exchange's, and a delivery barrier."""

from __future__ import annotations

import json
import threading
from decimal import Decimal
from typing import Any

import pytest
import requests

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.requests import NewOrder
from tests.signed_client import FROZEN_AT_MS as T0
from tests.stream.conftest import RECV_TIMEOUT_S, Served

MARKET = "btcusdt@trade/btcusdt@bookTicker/btcusdt@kline_1m"


def rest_bid(exchange: Any, price: str) -> None:
    """The demo account's resting margin BUY of 0.1 at ``price``."""
    exchange.place_order("demo", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                          quantity=Decimal("0.1"), price=Decimal(price),
                                          time_in_force=TimeInForce.GTC, new_client_order_id="bid"))


def kinds(frames: list[dict[str, Any]]) -> list[str]:
    """``stream:event`` for each combined frame (bookTicker has no event type)."""
    out = []
    for frame in frames:
        data = frame["data"]
        out.append(f"{'user' if '@' not in frame['stream'] else frame['stream']}:{data.get('e', '-')}")
    return out


def test_one_print_interleaves_market_frames_and_user_events_as_the_exchange_made_them(
        http: requests.Session, server: Served, connect: Any, exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    sock = connect(f"/stream?streams={key}/{MARKET}")
    assert sock.frames_before_answer() == []
    rest_bid(exchange, "29990")
    placed = sock.frames_before_answer()
    assert kinds(placed) == ["user:executionReport", "user:outboundAccountPosition"]
    assert {f["stream"] for f in placed} == {key}
    exchange.clock.advance(500)
    # One print of 0.5 at 29990: the book moves, the bid fills (0.1), the rest (0.4) trades.
    exchange.trade("BTCUSDT", Decimal("29990"), Decimal("0.5"))
    frames = sock.frames_before_answer()
    assert kinds(frames) == [
        "btcusdt@bookTicker:-",  # the price moved before anything filled
        "btcusdt@trade:trade",  # the bid's fill is printed ...
        "user:executionReport",  # ... then reported to its owner
        "user:outboundAccountPosition",
        "btcusdt@trade:trade",  # the print's untaken rest
        "btcusdt@kline_1m:kline",  # the candle as the step left it
    ]
    fill, report, rest = frames[1]["data"], frames[2]["data"], frames[4]["data"]
    assert (fill["q"], fill["p"], fill["m"]) == (report["l"], report["L"], True)  # the buyer rested
    assert (rest["t"], rest["q"]) == (fill["t"] + 1, "0.40000000")
    # Every time is the exchange clock's at the step.
    assert {f["data"].get("E", T0 + 500) for f in frames} == {T0 + 500}
    assert frames[5]["data"]["k"]["n"] == 2


def test_two_seeded_runs_send_the_same_combined_frames_byte_for_byte() -> None:
    pytest.importorskip("websocket")
    first, second = _seeded_run(), _seeded_run()
    assert first == second
    frames = [json.loads(frame) for frame in first]
    assert [f"{f['stream']}:{f['data'].get('e', '-')}" for f in frames] == [
        "btcusdt@depth5:-",  # a partial book starts with the book as it stands
        "<listenKey>:executionReport", "<listenKey>:outboundAccountPosition",  # the bid placed
        # The path's first move (up) and second (down, onto the bid): each update on every book stream ...
        "btcusdt@depth:depthUpdate", "btcusdt@depth5:-", "btcusdt@bookTicker:-",
        "btcusdt@depth:depthUpdate", "btcusdt@depth5:-", "btcusdt@bookTicker:-",
        # ... then the bid's fill, printed, then reported, then the summaries.
        "btcusdt@trade:trade", "btcusdt@aggTrade:aggTrade",
        "<listenKey>:executionReport", "<listenKey>:outboundAccountPosition",
        "btcusdt@ticker:24hrTicker", "btcusdt@kline_1m:kline"]


def _seeded_run() -> list[str]:
    import websocket

    from mock_exchange.config import default_config
    from mock_exchange.core.clock import ExchangeClock
    from mock_exchange.core.exchange import Exchange
    from mock_exchange.web.app import create_app
    from mock_exchange.web.user_stream_ws import WebSocketServer
    from tests.signed_client import DEMO_KEY

    config = default_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0), seed=11)
    server = WebSocketServer(create_app(config, exchange=exchange)).start()
    base = f"127.0.0.1:{server.port}"
    try:
        key = requests.post(f"http://{base}/sapi/v1/userDataStream", headers={"X-MBX-APIKEY": DEMO_KEY},
                            timeout=5).json()["listenKey"]
        names = f"btcusdt@trade/btcusdt@aggTrade/btcusdt@depth/btcusdt@depth5/btcusdt@ticker/{MARKET}"
        ws = websocket.create_connection(f"ws://{base}/stream?streams={key}/{names}", timeout=5)
        try:
            frames = _until_answer(ws, 1)
            rest_bid(exchange, "29995")
            frames += _until_answer(ws, 2)
            exchange.clock.advance(250)
            exchange.price_path("BTCUSDT", [Decimal("30010"), Decimal("29995")])
            frames += _until_answer(ws, 3)
            # The listen key is random: the frames are compared without it.
            return [frame.replace(key, "<listenKey>") for frame in frames]
        finally:
            ws.close()
    finally:
        server.stop()


def _until_answer(ws: Any, request_id: int) -> list[str]:
    ws.send(json.dumps({"method": "LIST_SUBSCRIPTIONS", "id": request_id}))
    frames = []
    while True:
        frame = ws.recv()
        if json.loads(frame).get("id") == request_id:
            return frames
        frames.append(frame)


def test_the_control_plane_waits_until_every_open_stream_delivered(http: requests.Session, server: Served,
                                                                  connect: Any, exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    user = connect(f"/ws/{key}")
    market = connect("/ws/btcusdt@trade")
    assert market.frames_before_answer() == []  # the market stream has started
    rest_bid(exchange, "29990")
    exchange.trade("BTCUSDT", Decimal("29990"), Decimal("0.3"))
    answer = http.post(f"{server.url}/mock/v1/streams/delivered", json={"timeout_ms": 5000})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["delivered"] is True and body["sessions"] >= 2
    assert body["through_seq"] == exchange.events.last_seq
    # Everything is on the sockets already: read it without waiting for more steps.
    for sock in (user, market):
        sock.ws.settimeout(1)
    events = [user.recv()["e"] for _ in range(4)]
    assert events == ["executionReport", "outboundAccountPosition", "executionReport", "outboundAccountPosition"]
    trades = [market.recv() for _ in range(2)]
    assert [t["q"] for t in trades] == ["0.10000000", "0.20000000"]


def test_a_stream_open_before_its_loop_starts_is_waited_for(http: requests.Session, server: Served, connect: Any,
                                                            exchange: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The client sees the handshake answered before the server's thread reaches the stream's
    # loop; under load that gap is long. The barrier must count the stream from the handshake.
    import flask_sock

    loop_may_start = threading.Event()

    class HeldAfterHandshake(flask_sock.Server):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)  # the handshake is answered here
            loop_may_start.wait(RECV_TIMEOUT_S)

    monkeypatch.setattr(flask_sock, "Server", HeldAfterHandshake)
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    user = connect(f"/ws/{key}")
    rest_bid(exchange, "29990")
    behind = http.post(f"{server.url}/mock/v1/streams/delivered", json={"timeout_ms": 100})
    assert behind.status_code == 504, behind.text
    assert behind.json()["error"] == {"code": "timeout", "sessions": 1, "behind": 1,
                                      "message": "1 of 1 stream sessions have not delivered within 100 ms"}
    loop_may_start.set()
    answer = http.post(f"{server.url}/mock/v1/streams/delivered", json={"timeout_ms": 5000})
    assert answer.json() == {"delivered": True, "sessions": 1, "through_seq": exchange.events.last_seq}
    user.ws.settimeout(1)
    assert [user.recv()["e"] for _ in range(2)] == ["executionReport", "outboundAccountPosition"]


def test_delivered_with_no_stream_open_answers_at_once(http: requests.Session, server: Served, app: Any) -> None:
    from mock_exchange.control.handle import LocalControl

    body = http.post(f"{server.url}/mock/v1/streams/delivered", json={}).json()
    assert body == {"delivered": True, "sessions": 0, "through_seq": 0}
    assert LocalControl(app).streams_delivered(timeout_ms=100) == body
    bad = http.post(f"{server.url}/mock/v1/streams/delivered", json={"timeout_ms": -1})
    assert bad.status_code == 400


def test_a_combined_path_with_an_unknown_listen_key_is_refused(server: Served) -> None:
    import websocket

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(f"{server.ws_url}/stream?streams=notakey/btcusdt@trade", timeout=5)
    assert refused.value.status_code == 400
