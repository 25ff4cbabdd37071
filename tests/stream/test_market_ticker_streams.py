"""Ticker streams over real WebSockets, field by field against the REST tickers of the same moment."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from tests.signed_client import FROZEN_AT_MS as T0
from tests.stream.conftest import Served
from tests.stream.test_market_book_streams import rest


def test_ticker_stream_matches_rest_24hr_ticker_field_by_field(connect: Any, exchange: Any, server: Served) -> None:
    sock = connect("/ws/btcusdt@ticker")
    assert sock.frames_before_answer() == []  # nothing until the ticker changes
    exchange.trade("BTCUSDT", Decimal("30300"), Decimal("0.4"))
    [frame] = sock.frames_before_answer()
    r = rest(server, "/api/v3/ticker/24hr", symbol="BTCUSDT")
    assert frame == {
        "e": "24hrTicker", "E": T0, "s": "BTCUSDT", "p": r["priceChange"], "P": r["priceChangePercent"],
        "w": r["weightedAvgPrice"], "x": r["prevClosePrice"], "c": r["lastPrice"], "Q": r["lastQty"],
        "b": r["bidPrice"], "B": r["bidQty"], "a": r["askPrice"], "A": r["askQty"], "o": r["openPrice"],
        "h": r["highPrice"], "l": r["lowPrice"], "v": r["volume"], "q": r["quoteVolume"], "O": r["openTime"],
        "C": r["closeTime"], "F": r["firstId"], "L": r["lastId"], "n": r["count"]}
    assert (frame["c"], frame["Q"], frame["b"], frame["a"]) == (
        "30300.00000000", "0.40000000", "30299.99000000", "30300.01000000")
    # The clock moving on alone changes only the window's bounds: nothing is sent.
    exchange.clock.advance(1000)
    assert sock.frames_before_answer() == []


def test_rolling_window_ticker_streams_match_rest_ticker_with_window_size(connect: Any, exchange: Any,
                                                                         server: Served) -> None:
    sock = connect("/stream?streams=btcusdt@ticker_1h/btcusdt@ticker_4h/btcusdt@ticker_1d")
    assert sock.frames_before_answer() == []
    exchange.clock.advance(30_000)
    exchange.trade("BTCUSDT", Decimal("29950"), Decimal("0.2"))
    frames = sock.frames_before_answer()
    assert [f["stream"] for f in frames] == ["btcusdt@ticker_1h", "btcusdt@ticker_4h", "btcusdt@ticker_1d"]
    for frame, window in zip(frames, ("1h", "4h", "1d"), strict=True):
        r = rest(server, "/api/v3/ticker", symbol="BTCUSDT", windowSize=window)
        assert frame["data"] == {
            "e": f"{window}Ticker", "E": T0 + 30_000, "s": "BTCUSDT", "p": r["priceChange"],
            "P": r["priceChangePercent"], "o": r["openPrice"], "h": r["highPrice"], "l": r["lowPrice"],
            "c": r["lastPrice"], "w": r["weightedAvgPrice"], "v": r["volume"], "q": r["quoteVolume"],
            "O": r["openTime"], "C": r["closeTime"], "F": r["firstId"], "L": r["lastId"], "n": r["count"]}
        assert frame["data"]["O"] % 60_000 == 0  # "The open time O always starts on a minute"


def test_avg_price_stream_matches_rest_avg_price(connect: Any, exchange: Any, server: Served) -> None:
    sock = connect("/ws/btcusdt@avgPrice")
    assert sock.frames_before_answer() == []
    exchange.trade("BTCUSDT", Decimal("30100"), Decimal("1"))
    exchange.clock.advance(2000)
    exchange.trade("BTCUSDT", Decimal("30400"), Decimal("2"))
    frames = sock.frames_before_answer()
    r = rest(server, "/api/v3/avgPrice", symbol="BTCUSDT")
    assert frames[-1] == {"e": "avgPrice", "E": T0 + 2000, "s": "BTCUSDT", "i": "5m", "w": r["price"],
                          "T": r["closeTime"]}
    assert (r["price"], r["closeTime"]) == ("30300.00000000", T0 + 2000)  # (30100 + 2 x 30400) / 3


def test_all_market_mini_tickers_carry_only_the_symbols_that_changed(connect: Any, exchange: Any) -> None:
    sock = connect("/stream?streams=!miniTicker@arr/btcusdt@miniTicker/ethusdt@miniTicker")
    assert sock.frames_before_answer() == []
    exchange.trade("ETHUSDT", Decimal("2010"), Decimal("1"))
    frames = sock.frames_before_answer()
    by_stream = {f["stream"]: f["data"] for f in frames}
    assert list(by_stream) == ["!miniTicker@arr", "ethusdt@miniTicker"]
    assert by_stream["!miniTicker@arr"] == [by_stream["ethusdt@miniTicker"]]
    exchange.trade("BTCUSDT", Decimal("30010"), Decimal("1"))
    exchange.trade("ETHUSDT", Decimal("2020"), Decimal("1"))
    frames = sock.frames_before_answer()
    array = frames[0]["data"]
    assert [t["s"] for t in array] == ["BTCUSDT", "ETHUSDT"]  # in symbol order
    assert [f["data"] for f in frames[1:]] == array


def test_all_market_tickers_and_rolling_window_arrays(connect: Any, exchange: Any, server: Served) -> None:
    sock = connect("/stream?streams=!ticker@arr/!ticker_4h@arr")
    assert sock.frames_before_answer() == []
    exchange.trade("BNBUSDT", Decimal("301.5"), Decimal("3"))
    full, window = sock.frames_before_answer()
    assert full["stream"] == "!ticker@arr" and window["stream"] == "!ticker_4h@arr"
    [ticker] = full["data"]
    r = rest(server, "/api/v3/ticker/24hr", symbol="BNBUSDT")
    assert (ticker["e"], ticker["s"], ticker["c"], ticker["b"], ticker["n"]) == (
        "24hrTicker", "BNBUSDT", r["lastPrice"], r["bidPrice"], r["count"])
    [windowed] = window["data"]
    assert (windowed["e"], windowed["s"], windowed["c"]) == ("4hTicker", "BNBUSDT", "301.50000000")


def test_python_binance_spelling_of_the_mini_ticker_array_is_served(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/!miniTicker@arr@1000ms")
    assert sock.frames_before_answer() == []
    exchange.trade("BTCUSDT", Decimal("30010"), Decimal("1"))
    [array] = sock.frames_before_answer()
    assert [(t["e"], t["s"], t["c"]) for t in array] == [("24hrMiniTicker", "BTCUSDT", "30010.00000000")]


def test_microsecond_time_unit_applies_to_ticker_times(connect: Any, exchange: Any) -> None:
    sock = connect("/ws/btcusdt@ticker?timeUnit=MICROSECOND")
    assert sock.frames_before_answer() == []
    exchange.trade("BTCUSDT", Decimal("30010"), Decimal("1"))
    [frame] = sock.frames_before_answer()
    assert (frame["E"], frame["C"], frame["O"]) == (T0 * 1000, T0 * 1000, (T0 - 86_400_000) * 1000)


def test_ticker_stream_names_outside_the_documented_set_are_refused(connect: Any, unlimited: None) -> None:
    sock = connect("/ws/0")
    for name in ("btcusdt@ticker_2h", "btcusdt@ticker_1m", "!ticker_2d@arr", "!bookTicker@arr",
                 "!miniTicker@arr@500ms", "!miniticker@arr", "btcusdt@avgprice", "btcusdt@ticker@arr"):
        sock.send({"method": "SUBSCRIBE", "params": [name], "id": 5})
        assert sock.recv() == {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 5}, name
    sock.send({"method": "UNSUBSCRIBE", "params": ["btcusdt@ticker_9h"], "id": 6})
    assert sock.recv() == {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 6}
    sock.send({"method": "SUBSCRIBE", "params": ["btcusdt@ticker", "!ticker_1d@arr", "btcusdt@avgPrice"], "id": 7})
    assert sock.recv() == {"result": None, "id": 7}
    sock.send({"method": "UNSUBSCRIBE", "params": ["btcusdt@ticker"], "id": 8})
    assert sock.recv() == {"result": None, "id": 8}
    sock.send({"method": "LIST_SUBSCRIPTIONS", "id": 9})
    assert sock.recv() == {"result": ["!ticker_1d@arr", "btcusdt@avgPrice"], "id": 9}
