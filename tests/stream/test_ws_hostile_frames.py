"""Hostile WebSocket API frames: deep JSON is a Binance error frame, an oversized frame closes the connection."""

from __future__ import annotations

from typing import Any

from mock_exchange.web.user_stream_ws import MAX_FRAME_BYTES


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
