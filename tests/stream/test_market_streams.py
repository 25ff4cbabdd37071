"""Market streams over real WebSockets: trade and kline payloads, combined wrapper, live subscriptions."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest

from tests.signed_client import FROZEN_AT_MS as T0

MINUTE = 60_000
OPEN = T0 - T0 % MINUTE  # the 1m candle holding T0


def subscribe(sock: Any, method: str, params: list[Any] | None, request_id: Any) -> Any:
    message: dict[str, Any] = {"method": method, "id": request_id}
    if params is not None:
        message["params"] = params
    sock.send(message)
    return sock.recv()


def test_control_plane_trade_arrives_on_the_raw_trade_stream_field_by_field(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/btcusdt@trade")
    # A request answered proves the session started (it reads the tape's end before answering).
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1) == {"result": ["btcusdt@trade"], "id": 1}
    first_id = exchange.market.history("BTCUSDT").next_trade_id  # live ids follow the warm-up history's
    price = exchange.market.last_price("BTCUSDT") + Decimal("0.5")
    exchange.trade("BTCUSDT", price, Decimal("0.25"))
    frame = sock.recv()
    # A print above the previous price: a buyer lifted the offers, the buyer was the taker.
    assert frame == {"e": "trade", "E": T0, "s": "BTCUSDT", "t": first_id, "p": f"{price:.8f}", "q": "0.25000000",
                     "T": T0, "m": False, "M": True}
    exchange.clock.advance(1500)
    exchange.trade("BTCUSDT", price - 100, Decimal("0.1"))
    second = sock.recv()
    # A print below the previous price: a seller hit the bids, the buyer was the maker.
    assert (second["t"], second["p"], second["m"], second["E"], second["T"]) == (
        first_id + 1, f"{price - 100:.8f}", True, T0 + 1500, T0 + 1500)


def test_kline_stream_updates_and_closes_the_candle_on_the_exchange_clock(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/btcusdt@kline_1m")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@kline_1m"]
    before = exchange.market.last_price("BTCUSDT")
    exchange.trade("BTCUSDT", Decimal("31000"), Decimal("0.5"))
    frame = sock.recv()
    assert {k: frame[k] for k in ("e", "E", "s")} == {"e": "kline", "E": T0, "s": "BTCUSDT"}
    k = frame["k"]
    trade_id = exchange.market.history("BTCUSDT").next_trade_id - 1
    assert k == {"t": OPEN, "T": OPEN + MINUTE - 1, "s": "BTCUSDT", "i": "1m", "f": trade_id, "L": trade_id,
                 "o": k["o"], "c": "31000.00000000", "h": "31000.00000000", "l": k["l"],
                 "v": "0.50000000", "n": 1, "x": False, "q": "15500.00000000",
                 "V": "0.50000000", "Q": "15500.00000000", "B": "0"}
    assert Decimal(k["l"]) == min(Decimal(k["o"]), before)
    # The clock moves past the candle's close: the candle is sent closed, then the new one.
    exchange.clock.advance(MINUTE)
    closed, opened = sock.recv(), sock.recv()
    assert (closed["k"]["t"], closed["k"]["x"], closed["k"]["n"], closed["E"]) == (OPEN, True, 1, T0 + MINUTE)
    assert (opened["k"]["t"], opened["k"]["x"], opened["k"]["n"]) == (OPEN + MINUTE, False, 0)
    assert (opened["k"]["o"], opened["k"]["f"], opened["k"]["L"]) == ("31000.00000000", -1, -1)


def test_combined_stream_wraps_each_payload_with_its_stream_name(connect: Any, exchange: Any) -> None:
    sock = connect("/stream?streams=btcusdt@trade/btcusdt@kline_5m")
    assert subscribe(sock, "GET_PROPERTY", ["combined"], 7) == {"result": True, "id": 7}
    exchange.trade("BTCUSDT", Decimal("30100"), Decimal("0.2"))
    trade, kline = sock.recv(), sock.recv()  # trades first, then candles (the documented order)
    assert set(trade) == {"stream", "data"} and trade["stream"] == "btcusdt@trade"
    assert (trade["data"]["e"], trade["data"]["p"]) == ("trade", "30100.00000000")
    assert kline["stream"] == "btcusdt@kline_5m"
    assert (kline["data"]["k"]["i"], kline["data"]["k"]["c"]) == ("5m", "30100.00000000")


def test_live_subscribe_unsubscribe_and_list_with_their_ids(connect: Any, exchange: Any, unlimited: None) -> None:
    sock = connect("/stream")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1) == {"result": [], "id": 1}
    assert subscribe(sock, "SUBSCRIBE", ["btcusdt@trade", "ethusdt@kline_1h"], 2) == {"result": None, "id": 2}
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, "abc") == {
        "result": ["btcusdt@trade", "ethusdt@kline_1h"], "id": "abc"}
    assert subscribe(sock, "UNSUBSCRIBE", ["ethusdt@kline_1h"], 3) == {"result": None, "id": 3}
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, None) == {"result": ["btcusdt@trade"], "id": None}
    exchange.trade("BTCUSDT", Decimal("29000"), Decimal("0.1"))
    assert sock.recv()["stream"] == "btcusdt@trade"
    # SET_PROPERTY combined false: bare payloads from now on.
    assert subscribe(sock, "SET_PROPERTY", ["combined", False], 4) == {"result": None, "id": 4}
    exchange.trade("BTCUSDT", Decimal("29001"), Decimal("0.1"))
    assert sock.recv()["e"] == "trade"


@pytest.mark.parametrize(("message", "reply"), [
    ({"method": "SUBSCRIBE", "params": ["btcusdt@nonsense"], "id": 5},
     {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 5}),
    ({"method": "SUBSCRIBE", "params": ["btcusdt@trade", "BTCUSDT@trade"], "id": 6},
     {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 6}),
    ({"method": "SUBSCRIBE", "params": ["btcusdt@trade"], "id": 1.5},
     {"error": {"code": 2, "msg": "Invalid request: request ID must be an unsigned integer"}, "id": None}),
    ({"method": "SET_PROPERTY", "params": ["colour", True], "id": 8},
     {"error": {"code": 0, "msg": "Unknown property"}, "id": 8}),
    ({"method": "SET_PROPERTY", "params": ["combined", "yes"], "id": 9},
     {"error": {"code": 1, "msg": "Invalid value type: expected Boolean"}, "id": 9}),
    ({"params": [], "id": 10},
     {"error": {"code": 2, "msg": 'Invalid request: missing field `method` at line 1 column 21'}, "id": None}),
])
def test_bad_control_messages_get_binance_errors_and_change_nothing(connect: Any, message: dict[str, Any],
                                                                     reply: dict[str, Any]) -> None:
    sock = connect("/ws/btcusdt@kline_1m")
    assert sock.recv_raw(json.dumps(message, separators=(",", ":"))) == reply
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 99) == {"result": ["btcusdt@kline_1m"], "id": 99}


def test_unknown_method_and_broken_json(connect: Any) -> None:
    sock = connect("/ws/btcusdt@trade")
    reply = sock.recv_raw('{"method":"SUBSCRIB","id":1}')
    assert reply["id"] == 1 and reply["error"]["code"] == 2
    assert reply["error"]["msg"].startswith("Invalid request: unknown variant `SUBSCRIB`, expected one of `SUBSCRIBE`")
    assert sock.recv_raw("{nope") == {"error": {"code": 3, "msg": "Invalid JSON: expected value at line 1 column 2"},
                                     "id": None}


@pytest.mark.parametrize("path", ["/ws/btcusdt@nonsense", "/stream?streams=btcusdt@trade/btcusdt@kline_7m"])
def test_a_bad_stream_name_on_connect_is_closed_with_binance_message(server: Any, path: str) -> None:
    import websocket

    ws = websocket.create_connection(server.ws_url + path, timeout=5)
    try:
        opcode, data = ws.recv_data(control_frame=True)
        assert opcode == websocket.ABNF.OPCODE_CLOSE
        assert int.from_bytes(data[:2], "big") == 1008
        assert json.loads(data[2:]) == {"code": -1, "msg": "Illegal format ws or stream"}
    finally:
        ws.close()


def test_a_users_fill_and_the_rest_of_the_print_are_two_trades_in_id_order(connect: Any, exchange: Any) -> None:
    from mock_exchange.core.enums import OrderType, Side, TimeInForce
    from mock_exchange.core.requests import NewOrder

    exchange.place_order("demo", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                          quantity=Decimal("0.001"), price=Decimal("29000"),
                                          time_in_force=TimeInForce.GTC, new_client_order_id="bid"))
    sock = connect("/stream?streams=btcusdt@trade")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@trade"]
    first_id = exchange.market.history("BTCUSDT").next_trade_id
    exchange.trade("BTCUSDT", Decimal("28990"), Decimal("0.5"))  # a seller crosses the resting bid
    fill, rest = sock.recv()["data"], sock.recv()["data"]
    # The bid rested: its fill is at its own price, with the buyer as the maker.
    assert (fill["t"], fill["p"], fill["q"], fill["m"]) == (first_id, "29000.00000000", "0.00100000", True)
    assert (rest["t"], rest["p"], rest["q"]) == (first_id + 1, "28990.00000000", "0.49900000")


def test_agg_trade_stream_folds_the_fills_of_one_print_at_one_price(connect: Any, exchange: Any) -> None:
    from mock_exchange.core.enums import OrderType, Side, TimeInForce
    from mock_exchange.core.requests import NewOrder

    for client_id in ("bid-1", "bid-2"):
        exchange.place_order("demo", NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                              quantity=Decimal("0.001"), price=Decimal("29000"),
                                              time_in_force=TimeInForce.GTC, new_client_order_id=client_id))
    sock = connect("/ws/btcusdt@aggTrade")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@aggTrade"]
    history = exchange.market.history("BTCUSDT")
    first_id, agg_id = history.next_trade_id, history.next_agg_id
    exchange.trade("BTCUSDT", Decimal("28990"), Decimal("0.5"))
    both, rest = sock.recv(), sock.recv()
    # Two bids filled by one print at one price and time: one aggregate of two trades.
    assert both == {"e": "aggTrade", "E": T0, "s": "BTCUSDT", "a": agg_id, "p": "29000.00000000",
                    "q": "0.00200000", "f": first_id, "l": first_id + 1, "T": T0, "m": True, "M": True}
    assert (rest["a"], rest["p"], rest["q"], rest["f"], rest["l"]) == (
        agg_id + 1, "28990.00000000", "0.49800000", first_id + 2, first_id + 2)


def test_mini_ticker_stream_shows_the_rolling_24_hours_as_the_rest_ticker_does(connect: Any, exchange: Any,
                                                                              http: Any, server: Any) -> None:
    sock = connect("/ws/btcusdt@miniTicker")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@miniTicker"]
    exchange.trade("BTCUSDT", Decimal("31234.5"), Decimal("0.4"))
    frame = sock.recv()
    rest = http.get(server.url + "/api/v3/ticker/24hr", params={"symbol": "BTCUSDT"}).json()
    assert frame == {"e": "24hrMiniTicker", "E": T0, "s": "BTCUSDT", "c": "31234.50000000",
                     "o": rest["openPrice"], "h": rest["highPrice"], "l": rest["lowPrice"],
                     "v": rest["volume"], "q": rest["quoteVolume"]}
    assert Decimal(rest["volume"]) >= Decimal("0.4")


def test_time_unit_microsecond_sends_every_time_in_microseconds(connect: Any, exchange: Any) -> None:
    sock = connect("/stream?streams=btcusdt@trade/btcusdt@kline_1m&timeUnit=MICROSECOND")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@trade", "btcusdt@kline_1m"]
    exchange.trade("BTCUSDT", Decimal("30500"), Decimal("0.1"))
    trade, kline = sock.recv()["data"], sock.recv()["data"]
    assert (trade["E"], trade["T"]) == (T0 * 1000, T0 * 1000)
    assert (kline["E"], kline["k"]["t"], kline["k"]["T"]) == (T0 * 1000, OPEN * 1000, (OPEN + MINUTE) * 1000 - 1)


def test_a_bad_time_unit_is_closed_like_a_bad_stream_name(server: Any) -> None:
    import websocket

    ws = websocket.create_connection(server.ws_url + "/ws/btcusdt@trade?timeUnit=NANOSECOND", timeout=5)
    try:
        opcode, data = ws.recv_data(control_frame=True)
        assert (opcode, int.from_bytes(data[:2], "big")) == (websocket.ABNF.OPCODE_CLOSE, 1008)
    finally:
        ws.close()


def _one_run() -> list[str]:
    """A fresh exchange on the frozen clock, the same market steps, the raw frames as sent."""
    import websocket

    from mock_exchange.config import default_config
    from mock_exchange.core.clock import ExchangeClock
    from mock_exchange.core.exchange import Exchange
    from mock_exchange.web.app import create_app
    from mock_exchange.web.user_stream_ws import WebSocketServer

    config = default_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0), seed=7)
    server = WebSocketServer(create_app(config, exchange=exchange)).start()
    names = "btcusdt@trade/btcusdt@aggTrade/btcusdt@kline_1m/btcusdt@miniTicker"
    ws = websocket.create_connection(f"ws://127.0.0.1:{server.port}/stream?streams={names}", timeout=5)
    try:
        ws.send('{"method":"LIST_SUBSCRIPTIONS","id":1}')
        frames = [ws.recv()]
        exchange.trade("BTCUSDT", Decimal("30200"), Decimal("0.3"))
        frames += [ws.recv() for _ in range(4)]  # trade, aggTrade, kline, miniTicker
        exchange.price_path("BTCUSDT", [Decimal("30100")])
        frames += [ws.recv() for _ in range(2)]  # kline, miniTicker
        exchange.clock.advance(MINUTE)
        frames += [ws.recv() for _ in range(2)]  # kline closed, kline open (the 24 hours are unchanged)
        return frames
    finally:
        ws.close()
        server.stop()


def test_two_runs_with_the_same_seed_send_the_same_frames_byte_for_byte() -> None:
    pytest.importorskip("websocket")
    first, second = _one_run(), _one_run()
    assert first == second
    streams = [json.loads(f).get("stream") for f in first[1:]]
    assert streams == ["btcusdt@trade", "btcusdt@aggTrade", "btcusdt@kline_1m", "btcusdt@miniTicker",
                       "btcusdt@kline_1m", "btcusdt@miniTicker", "btcusdt@kline_1m", "btcusdt@kline_1m"]
    moved, closed, opened = (json.loads(first[i])["data"]["k"] for i in (5, 7, 8))
    assert (moved["c"], moved["h"], moved["n"], moved["x"]) == ("30100.00000000", "30200.00000000", 1, False)
    assert (closed["x"], closed["c"], opened["x"], opened["o"], opened["n"]) == (
        True, "30100.00000000", False, "30100.00000000", 0)


def test_a_numbered_raw_path_starts_empty_and_takes_subscriptions(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/0")  # how ccxt connects before it subscribes
    assert subscribe(sock, "SUBSCRIBE", ["btcusdt@trade"], 1) == {"result": None, "id": 1}
    exchange.trade("BTCUSDT", Decimal("30000.5"), Decimal("0.1"))
    frame = sock.recv()
    assert (frame["e"], frame["p"]) == ("trade", "30000.50000000")  # raw: not wrapped


def test_hostile_control_frames_are_answered_and_the_session_goes_on(connect: Any) -> None:
    sock = connect("/ws/btcusdt@trade")
    assert sock.recv_raw("[" * 50_000)["error"]["code"] == 3
    assert sock.recv_raw('{"method":"SUBSCRIBE","params":[{"a":1},null,7],"id":2}') == {
        "error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 2}
    assert sock.recv_raw('{"method":"SUBSCRIBE","params":"btcusdt@trade","id":3}')["error"]["code"] == 2
    assert sock.recv_raw('"just a string"')["error"]["code"] == 2
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 4) == {"result": ["btcusdt@trade"], "id": 4}


def test_kline_stream_in_utc_plus_8_opens_its_days_at_utc8_midnight(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/btcusdt@kline_1d@+08:00")
    assert subscribe(sock, "LIST_SUBSCRIPTIONS", None, 1)["result"] == ["btcusdt@kline_1d@+08:00"]
    exchange.trade("BTCUSDT", Decimal("30600"), Decimal("0.1"))
    k = sock.recv()["k"]
    day, offset = 86_400_000, 8 * 3_600_000
    open_ms = (T0 + offset) // day * day - offset  # E, t and T stay UTC epoch times
    assert (k["i"], k["t"], k["T"], k["c"]) == ("1d", open_ms, open_ms + day - 1, "30600.00000000")
    refused = subscribe(sock, "SUBSCRIBE", ["btcusdt@kline_1d@+09:00"], 2)  # only +08:00 is documented
    assert refused["error"]["msg"] == "Invalid request: invalid stream"
