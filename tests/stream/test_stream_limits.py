"""Binance's WebSocket limits on market-stream connections: messages per second and connections per IP."""

from __future__ import annotations

from typing import Any

import pytest

from mock_exchange.web import stream_limits
from tests.stream.conftest import Served


def test_the_sixth_message_within_a_second_closes_the_connection(connect: Any) -> None:
    import websocket

    sock = connect("/ws/btcusdt@trade")
    # Eleven at once: however a second boundary splits them, one second holds six or more.
    for request_id in range(11):
        sock.ws.send(f'{{"method":"LIST_SUBSCRIPTIONS","id":{request_id}}}')
    answers = 0
    while True:
        opcode, data = sock.ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        answers += 1
    assert (int.from_bytes(data[:2], "big"), data[2:]) == (1008, b"Too many messages")
    assert 5 <= answers < 11


def test_five_messages_a_second_are_fine(connect: Any) -> None:
    sock = connect("/ws/0")
    names = ["btcusdt@trade", "btcusdt@aggTrade", "btcusdt@kline_1m", "btcusdt@ticker", "btcusdt@depth"]
    for request_id, name in enumerate(names):
        sock.send({"method": "SUBSCRIBE", "params": [name], "id": request_id})
    assert [sock.recv()["id"] for _ in range(5)] == list(range(5))


def test_too_many_handshakes_from_one_address_are_refused_until_a_reset(server: Served, connect: Any,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    import requests
    import websocket

    monkeypatch.setattr(stream_limits, "MAX_CONNECTIONS", 3)  # 300 in five minutes, scaled down
    for _ in range(3):
        connect("/ws/btcusdt@trade")
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(server.ws_url + "/stream?streams=btcusdt@trade", timeout=5)
    assert refused.value.status_code == 429
    assert b'"code":-1003' in refused.value.resp_body
    requests.post(server.url + "/mock/v1/reset", timeout=5).raise_for_status()
    assert connect("/ws/btcusdt@trade").frames_before_answer() == []


def test_connection_attempts_leave_the_window_after_five_minutes() -> None:
    now = [0.0]
    attempts = stream_limits.ConnectionAttempts(clock=lambda: now[0])
    assert all(attempts.allow("10.0.0.1") for _ in range(stream_limits.MAX_CONNECTIONS))
    assert not attempts.allow("10.0.0.1")
    assert attempts.allow("10.0.0.2")  # per address
    now[0] = stream_limits.CONNECTION_WINDOW_S + 0.5
    assert attempts.allow("10.0.0.1")


def test_message_rate_starts_again_each_second() -> None:
    now = [10.2]
    rate = stream_limits.MessageRate(clock=lambda: now[0])
    assert [rate.allow() for _ in range(6)] == [True] * 5 + [False]
    now[0] = 11.0
    assert rate.allow()
