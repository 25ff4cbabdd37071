"""The book streams over real WebSockets: diff depth against REST snapshots, partial depth, bookTicker."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import requests

from tests.signed_client import FROZEN_AT_MS as T0
from tests.stream.conftest import Served

TICK = Decimal("0.01")  # BTCUSDT's PRICE_FILTER tick in the default config


def rest(server: Served, path: str, **params: Any) -> Any:
    response = requests.get(server.url + path, params=params, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def snapshot(server: Served, limit: int = 5000) -> dict[str, Any]:
    return rest(server, "/api/v3/depth", symbol="BTCUSDT", limit=limit)


def as_book(snap: dict[str, Any]) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    return ({Decimal(p): Decimal(q) for p, q in snap["bids"]}, {Decimal(p): Decimal(q) for p, q in snap["asks"]})


def apply(book: tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]], event: dict[str, Any]) -> None:
    """Binance's update procedure: set each level's quantity, remove it at zero."""
    for side, levels in zip(book, (event["b"], event["a"]), strict=True):
        for price, qty in levels:
            if Decimal(qty) == 0:
                side.pop(Decimal(price), None)
            else:
                side[Decimal(price)] = Decimal(qty)


def test_diff_depth_applied_to_a_rest_snapshot_gives_the_next_rest_snapshot(connect: Any, exchange: Any,
                                                                             server: Served) -> None:
    sock = connect("/ws/btcusdt@depth")
    assert sock.frames_before_answer() == []  # nothing is sent until the book changes
    snap = snapshot(server)
    start = snap["lastUpdateId"]
    last = exchange.market.last_price("BTCUSDT")
    exchange.set_price("BTCUSDT", last + 3 * TICK)
    exchange.clock.advance(250)
    exchange.price_path("BTCUSDT", [last - 2 * TICK, last - 2 * TICK, last + Decimal("0.5")])
    exchange.trade("BTCUSDT", last + Decimal("0.5"), Decimal("0.1"))  # the same price: the book is unchanged
    events = sock.frames_before_answer()
    # One event per book update, in update id order, the first one right after the snapshot.
    assert [(e["U"], e["u"]) for e in events] == [(start + 1, start + 1), (start + 2, start + 2),
                                                  (start + 3, start + 3)]
    first = events[0]
    assert first == {"e": "depthUpdate", "E": T0, "s": "BTCUSDT", "U": start + 1, "u": start + 1,
                     "b": [[f"{last + 2 * TICK:.8f}", "1.00000000"], [f"{last + TICK:.8f}", "1.00000000"],
                           [f"{last:.8f}", "1.00000000"],
                           [f"{last - 4998 * TICK:.8f}", "0.00000000"],
                           [f"{last - 4999 * TICK:.8f}", "0.00000000"],
                           [f"{last - 5000 * TICK:.8f}", "0.00000000"]],
                     "a": [[f"{last + TICK:.8f}", "0.00000000"], [f"{last + 2 * TICK:.8f}", "0.00000000"],
                           [f"{last + 3 * TICK:.8f}", "0.00000000"],
                           [f"{last + 5001 * TICK:.8f}", "1.00000000"],
                           [f"{last + 5002 * TICK:.8f}", "1.00000000"],
                           [f"{last + 5003 * TICK:.8f}", "1.00000000"]]}
    assert [e["E"] for e in events] == [T0, T0 + 250, T0 + 250]
    book = as_book(snap)
    for event in events:
        apply(book, event)
    after = snapshot(server)
    assert after["lastUpdateId"] == events[-1]["u"]
    assert book == as_book(after)


def test_a_client_that_snapshots_late_finds_its_place_in_the_buffered_events(connect: Any, exchange: Any,
                                                                            server: Served) -> None:
    # Binance's procedure: buffer events, then drop those with u <= lastUpdateId.
    sock = connect("/stream?streams=btcusdt@depth@100ms")
    assert sock.frames_before_answer() == []
    last = exchange.market.last_price("BTCUSDT")
    exchange.set_price("BTCUSDT", last + TICK)
    snap = snapshot(server, 100)
    exchange.set_price("BTCUSDT", last + 5 * TICK)
    buffered = sock.frames_before_answer()
    assert [f["stream"] for f in buffered] == ["btcusdt@depth@100ms"] * 2
    events = [f["data"] for f in buffered if f["data"]["u"] > snap["lastUpdateId"]]
    assert events[0]["U"] <= snap["lastUpdateId"] + 1 <= events[0]["u"]
    book = as_book(snapshot_of(snap, 100))
    for event in events:
        apply(book, event)
    bids, asks = as_book(snapshot(server, 5000))
    # The snapshot had 100 levels: the top 100 of each side now agree with the full book.
    assert sorted(book[0], reverse=True)[:95] == sorted(bids, reverse=True)[:95]
    assert sorted(book[1])[:95] == sorted(asks)[:95]


def snapshot_of(snap: dict[str, Any], limit: int) -> dict[str, Any]:
    return {"bids": snap["bids"][:limit], "asks": snap["asks"][:limit]}


def test_partial_depth_sends_the_book_at_once_then_after_each_update(connect: Any, exchange: Any,
                                                                    server: Served) -> None:
    sock = connect("/ws/btcusdt@depth5")
    first = sock.frames_before_answer()
    assert first == [snapshot(server, 5)]
    assert list(first[0]) == ["lastUpdateId", "bids", "asks"] and len(first[0]["bids"]) == 5
    exchange.set_price("BTCUSDT", Decimal("30123.45"))
    moved = sock.frames_before_answer()
    assert moved == [snapshot(server, 5)]
    assert moved[0]["bids"][0] == ["30123.44000000", "1.00000000"]
    assert moved[0]["asks"][4] == ["30123.50000000", "1.00000000"]
    assert moved[0]["lastUpdateId"] == first[0]["lastUpdateId"] + 1


def test_partial_depth_of_10_and_20_levels_at_100ms(connect: Any, exchange: Any, server: Served) -> None:
    sock = connect("/stream?streams=btcusdt@depth10@100ms/btcusdt@depth20")
    frames = sock.frames_before_answer()
    assert [f["stream"] for f in frames] == ["btcusdt@depth10@100ms", "btcusdt@depth20"]
    assert frames[0]["data"] == snapshot(server, 10) and frames[1]["data"] == snapshot(server, 20)


def test_book_ticker_carries_the_book_update_id_and_the_best_levels(connect: Any, exchange: Any,
                                                                   server: Served) -> None:
    sock = connect("/ws/btcusdt@bookTicker")
    assert sock.frames_before_answer() == []
    exchange.price_path("BTCUSDT", [Decimal("30001"), Decimal("29999.99")])
    frames = sock.frames_before_answer()
    snap = snapshot(server, 1)
    rest_ticker = rest(server, "/api/v3/ticker/bookTicker", symbol="BTCUSDT")
    assert frames[-1] == {"u": snap["lastUpdateId"], "s": "BTCUSDT", "b": rest_ticker["bidPrice"],
                          "B": rest_ticker["bidQty"], "a": rest_ticker["askPrice"], "A": rest_ticker["askQty"]}
    assert frames[0] == {"u": snap["lastUpdateId"] - 1, "s": "BTCUSDT", "b": "30000.99000000", "B": "1.00000000",
                         "a": "30001.01000000", "A": "1.00000000"}


def test_rest_depth_update_id_moves_with_the_book_only(exchange: Any, server: Served) -> None:
    start = snapshot(server, 5)["lastUpdateId"]
    exchange.trade("BTCUSDT", exchange.market.last_price("BTCUSDT"), Decimal("0.2"))  # no price change
    assert snapshot(server, 5)["lastUpdateId"] == start
    exchange.set_price("BTCUSDT", Decimal("30500"))
    assert snapshot(server, 5)["lastUpdateId"] == start + 1
    assert snapshot(server, 5)["bids"][0] == ["30499.99000000", "1.00000000"]


def test_a_stream_further_behind_than_the_log_gets_one_event_spanning_the_gap(connect: Any, exchange: Any,
                                                                             server: Served) -> None:
    from mock_exchange.core.depth import MAX_LOGGED_UPDATES

    sock = connect("/ws/btcusdt@depth")
    assert sock.frames_before_answer() == []
    start = snapshot(server)
    book = as_book(start)
    with exchange.lock:  # the session cannot read in between: it falls behind the kept log
        for i in range(MAX_LOGGED_UPDATES + 5):
            exchange.set_price("BTCUSDT", Decimal(30000) + TICK * (i % 7 + 1) * (1 if i % 2 else -1))
    events = sock.frames_before_answer()
    assert [(e["U"], e["u"]) for e in events] == [(start["lastUpdateId"] + 1,
                                                   start["lastUpdateId"] + MAX_LOGGED_UPDATES + 5)]
    apply(book, events[0])
    assert book == as_book(snapshot(server))


def test_depth_streams_refuse_undocumented_levels_and_speeds(connect: Any, unlimited: None) -> None:
    sock = connect("/ws/0")
    for name in ("btcusdt@depth7", "btcusdt@depth05", "btcusdt@depth@250ms", "btcusdt@depth5@10ms",
                 "btcusdt@bookTicker@100ms", "btcusdt@depth@100ms@100ms"):
        sock.send({"method": "SUBSCRIBE", "params": [name], "id": 1})
        assert sock.recv() == {"error": {"code": 2, "msg": "Invalid request: invalid stream"}, "id": 1}, name
    sock.send({"method": "SUBSCRIBE", "params": ["btcusdt@depth@1000ms", "btcusdt@depth20@100ms"], "id": 2})
    assert sock.recv() == {"result": None, "id": 2}
