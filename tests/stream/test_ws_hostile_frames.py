"""Hostile WebSocket API frames: deep JSON is a Binance error frame, an oversized frame closes the connection."""

from __future__ import annotations

from typing import Any

from mock_exchange.web.ws_routes import MAX_FRAME_BYTES


def test_deep_json_frame_gets_an_error_and_the_session_goes_on(connect: Any) -> None:
    ws = connect("/ws-api/v3")
    ws.ws.send('{"a":' * 10_000 + "1" + "}" * 10_000)  # 60 KB: under the frame limit
    answer = ws.recv()
    assert answer["status"] == 400 and answer["error"]["code"] == -1102
    ws.send({"id": 7, "method": "ping"})
    assert ws.recv() == {"id": 7, "status": 200, "result": {}}


def test_a_frame_over_the_limit_closes_the_connection(connect: Any) -> None:
    ws = connect("/ws-api/v3")
    ws.ws.send('{"id": 1, "method": "ping", "pad": "' + "x" * MAX_FRAME_BYTES + '"}')
    ws.assert_closed()
    fresh = connect("/ws-api/v3")
    fresh.send({"id": 2, "method": "ping"})
    assert fresh.recv()["status"] == 200


def test_subscriptions_per_connection_are_capped_as_binance_caps_them(http: Any, server: Any, connect: Any,
                                                                      monkeypatch: Any) -> None:
    from mock_exchange.web import user_stream_ws

    monkeypatch.setattr(user_stream_ws, "MAX_ACTIVE_SUBSCRIPTIONS", 3)
    token = http.post(f"{server.url}/sapi/v1/userListenToken").json()["token"]
    ws = connect("/ws-api/v3")
    answers = []
    for request_id in range(5):
        ws.send({"id": request_id, "method": "userDataStream.subscribe.listenToken", "params": {"listenToken": token}})
        answers.append(ws.recv())
    assert [a["status"] for a in answers] == [200, 200, 200, 400, 400]
    assert answers[3]["error"] == {"code": -1191, "msg": "Too many subscriptions. Connection may create up to "
                                                         "'3' subscriptions at a time."}
    ws.send({"id": 9, "method": "userDataStream.unsubscribe", "params": {"subscriptionId": 0}})
    assert ws.recv()["status"] == 200
    ws.send({"id": 10, "method": "userDataStream.subscribe.listenToken", "params": {"listenToken": token}})
    assert ws.recv()["status"] == 200  # room again after an unsubscribe
