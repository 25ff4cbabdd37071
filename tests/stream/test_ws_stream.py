"""The user data stream over real WebSockets: OCO and OTOCO fills, field by field and in order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import requests

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.requests import LegSpec, NewOco, NewOtoco
from tests.signed_client import FROZEN_AT_MS as T0

T1 = T0 + 1000
T2 = T0 + 2000
Z8 = "0.00000000"


def report(leg: dict[str, Any], seq: int, **changes: Any) -> dict[str, Any]:
    """An executionReport of ``leg`` as Binance sends it; ``changes`` override the NEW defaults."""
    payload = {
        "e": "executionReport", "E": T0, "s": "BTCUSDT", "c": leg["c"], "S": leg["S"], "o": leg["o"], "f": "GTC",
        "q": "0.10000000", "p": leg["p"], "P": leg["P"], "F": Z8, "g": 1, "C": "", "x": "NEW", "X": "NEW",
        "r": "NONE", "i": leg["i"], "l": Z8, "z": Z8, "L": Z8, "n": "0", "N": None, "T": T0, "t": -1, "I": seq,
        "w": leg["w"], "m": False, "M": False, "O": T0, "Z": Z8, "Y": Z8, "Q": Z8, "V": "EXPIRE_MAKER",
    }
    payload.update(changes)
    return payload


def filled(price: str, quote: str, fee: str, fee_asset: str, trade_id: int) -> dict[str, Any]:
    """The fields of a maker TRADE that fills a 0.1 order at once."""
    return {"x": "TRADE", "X": "FILLED", "l": "0.10000000", "z": "0.10000000", "L": price, "n": fee, "N": fee_asset,
            "t": trade_id, "m": True, "M": True, "Z": quote, "Y": quote}


def list_status(legs: list[dict[str, Any]], time: int, status_type: str, order_status: str, contingency: str,
                list_client_id: str) -> dict[str, Any]:
    return {"e": "listStatus", "E": time, "s": "BTCUSDT", "g": 1, "c": contingency, "l": status_type,
            "L": order_status, "r": "NONE", "C": list_client_id, "T": time,
            "O": [{"s": "BTCUSDT", "i": leg["i"], "c": leg["c"]} for leg in legs]}


def position(time: int, *balances: tuple[str, str, str]) -> dict[str, Any]:
    return {"e": "outboundAccountPosition", "E": time, "u": time,
            "B": [{"a": asset, "f": free, "l": locked} for asset, free, locked in balances]}


def assert_stream(received: list[Any], expected: list[dict[str, Any]]) -> None:
    """Same events in the same order, compared one field at a time for a readable failure."""
    assert [r.get("e") for r in received] == [e["e"] for e in expected]
    for index, (got, want) in enumerate(zip(received, expected, strict=True)):
        for field in sorted(set(got) | set(want)):
            assert got.get(field, "<absent>") == want.get(field, "<absent>"), f"event {index} field {field}"


# -- OCO over the legacy listen-key stream ----------------------------------------------------

STOP = {"c": "stop-leg", "S": "SELL", "o": "STOP_LOSS_LIMIT", "p": "28900.00000000", "P": "29000.00000000", "i": 1,
        "w": False}
LIMIT = {"c": "limit-leg", "S": "SELL", "o": "LIMIT_MAKER", "p": "31000.00000000", "P": Z8, "i": 2, "w": True}

def oco_events(fill_id: int) -> list[dict[str, Any]]:
    """The OCO's stream; ``fill_id``: its fill's trade id, the one the public trades show."""
    return [
        report(STOP, 1),
        report(LIMIT, 2, W=T0),
        list_status([STOP, LIMIT], T0, "EXEC_STARTED", "EXECUTING", "OCO", "oco-1"),
        position(T0, ("BTC", "1.90000000", "0.10000000")),
        # The price reaches the LIMIT_MAKER leg: the stop leg expires first, then the fill (spec §9.4).
        report(STOP, 5, E=T1, T=T1, x="EXPIRED", X="EXPIRED", eR="OCO_TRIGGER"),
        report(LIMIT, 6, E=T1, T=T1, W=T0, **filled("31000.00000000", "3100.00000000", "3.10000000", "USDT", fill_id)),
        list_status([STOP, LIMIT], T1, "ALL_DONE", "ALL_DONE", "OCO", "oco-1"),
        position(T1, ("BTC", "1.90000000", Z8), ("USDT", "103096.90000000", Z8)),
    ]


def public_trade_ids(http: requests.Session, server: Any) -> list[int]:
    """The ids GET /api/v3/trades shows for BTCUSDT (a user's fill is one public trade)."""
    return [row["id"] for row in http.get(f"{server.url}/api/v3/trades", params={"symbol": "BTCUSDT"}).json()]


def place_oco(exchange: Any) -> None:
    exchange.place_oco("demo", NewOco(
        symbol="BTCUSDT", side=Side.SELL, quantity=Decimal("0.1"), price=Decimal("31000"),
        stop_price=Decimal("29000"), stop_limit_price=Decimal("28900"),
        stop_limit_time_in_force=TimeInForce.GTC, list_client_order_id="oco-1",
        limit_client_order_id="limit-leg", stop_client_order_id="stop-leg"))


def test_oco_fill_on_the_listen_key_stream(http: requests.Session, server: Any, connect: Any,
                                           exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    stream = connect(f"/ws/{key}")
    place_oco(exchange)
    exchange.clock.advance(1000)
    exchange.set_price("BTCUSDT", Decimal("31000"))
    fill_ids = public_trade_ids(http, server)
    assert len(fill_ids) == 1
    assert_stream(stream.recv_many(8), oco_events(fill_ids[0]))
    # The control plane reads the very same payloads.
    feed = http.get(f"{server.url}/mock/v1/user-stream/events", params={"account": "demo"}).json()
    assert [row["event"] for row in feed["events"]] == oco_events(fill_ids[0])


# -- OTOCO over the WebSocket API with a listen token ------------------------------------------

WORK = {"c": "work", "S": "BUY", "o": "LIMIT", "p": "29500.00000000", "P": Z8, "i": 1, "w": True}
BELOW = {"c": "below", "S": "SELL", "o": "STOP_LOSS_LIMIT", "p": "28900.00000000", "P": "29000.00000000", "i": 2,
         "w": False}
ABOVE = {"c": "above", "S": "SELL", "o": "LIMIT_MAKER", "p": "31000.00000000", "P": Z8, "i": 3, "w": False}
OTOCO_LEGS = [WORK, BELOW, ABOVE]

def otoco_events(first_fill_id: int) -> list[dict[str, Any]]:
    """The OTOCO's stream; its two fills have the public trade ids from ``first_fill_id`` on."""
    return [
        report(WORK, 1, W=T0),
        report(BELOW, 2, X="PENDING_NEW"),
        report(ABOVE, 3, X="PENDING_NEW"),
        list_status(OTOCO_LEGS, T0, "EXEC_STARTED", "EXECUTING", "OTO", "otoco-1"),
        position(T0, ("USDT", "97050.00000000", "2950.00000000")),
        # The working order fills: its TRADE, then the pending pair goes live (NEW / NEW).
        report(WORK, 6, E=T1, T=T1, W=T0, **filled("29500.00000000", "2950.00000000", "0.00010000", "BTC",
                                                    first_fill_id)),
        report(BELOW, 7, E=T1, T=T1),
        report(ABOVE, 8, E=T1, T=T1, w=True, W=T1),
        list_status(OTOCO_LEGS, T1, "EXEC_STARTED", "EXECUTING", "OTO", "otoco-1"),
        position(T1, ("USDT", "97050.00000000", Z8), ("BTC", "1.99990000", "0.10000000")),
        # The above leg fills: the below leg expires (OCO rule), then the fill, then the list is done.
        report(BELOW, 11, E=T2, T=T2, x="EXPIRED", X="EXPIRED", eR="OCO_TRIGGER"),
        report(ABOVE, 12, E=T2, T=T2, w=True, W=T1, **filled("31000.00000000", "3100.00000000", "3.10000000", "USDT",
                                                               first_fill_id + 1)),
        list_status(OTOCO_LEGS, T2, "ALL_DONE", "ALL_DONE", "OTO", "otoco-1"),
        position(T2, ("BTC", "1.99990000", Z8), ("USDT", "100146.90000000", Z8)),
    ]


OTOCO_EVENT_COUNT = len(otoco_events(0))


def place_otoco(exchange: Any) -> None:
    exchange.place_otoco("demo", NewOtoco(
        symbol="BTCUSDT",
        working=LegSpec(OrderType.LIMIT, Side.BUY, Decimal("0.1"), price=Decimal("29500"),
                        time_in_force=TimeInForce.GTC, client_order_id="work"),
        pending_above=LegSpec(OrderType.LIMIT_MAKER, Side.SELL, Decimal("0.1"), price=Decimal("31000"),
                              client_order_id="above"),
        pending_below=LegSpec(OrderType.STOP_LOSS_LIMIT, Side.SELL, Decimal("0.1"), price=Decimal("28900"),
                              stop_price=Decimal("29000"), time_in_force=TimeInForce.GTC, client_order_id="below"),
        list_client_order_id="otoco-1"))


def test_otoco_working_fill_then_pending_fill_on_the_ws_api(http: requests.Session, server: Any, connect: Any,
                                                            exchange: Any) -> None:
    token = http.post(f"{server.url}/sapi/v1/userListenToken").json()
    api = connect("/ws-api/v3")
    api.send({"id": "sub-1", "method": "userDataStream.subscribe.listenToken",
              "params": {"listenToken": token["token"]}})
    assert api.recv() == {"id": "sub-1", "status": 200,
                          "result": {"subscriptionId": 0, "expirationTime": token["expirationTime"]}}
    place_otoco(exchange)
    exchange.clock.advance(1000)
    exchange.set_price("BTCUSDT", Decimal("29500"))
    exchange.clock.advance(1000)
    exchange.set_price("BTCUSDT", Decimal("31000"))
    frames = api.recv_many(OTOCO_EVENT_COUNT)
    assert {frame["subscriptionId"] for frame in frames} == {0}
    assert all(list(frame) == ["subscriptionId", "event"] for frame in frames)
    fill_ids = public_trade_ids(http, server)
    assert fill_ids == [fill_ids[0], fill_ids[0] + 1]
    assert_stream([frame["event"] for frame in frames], otoco_events(fill_ids[0]))


def test_each_connection_gets_the_same_sequence(http: requests.Session, server: Any, connect: Any,
                                                exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    streams = [connect(f"/ws/{key}") for _ in range(3)]
    place_otoco(exchange)
    for price in ("29500", "31000"):
        exchange.clock.advance(1000)
        exchange.set_price("BTCUSDT", Decimal(price))
    fill_ids = public_trade_ids(http, server)
    for stream in streams:
        assert_stream(stream.recv_many(OTOCO_EVENT_COUNT), otoco_events(fill_ids[0]))


def test_borrow_and_repay_stream_balance_updates_and_liability_changes(
        http: requests.Session, server: Any, connect: Any, exchange: Any) -> None:
    key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    risk_key = http.post(f"{server.url}/sapi/v1/margin/listen-key").json()["listenKey"]
    stream, risk = connect(f"/ws/{key}"), connect(f"/ws/{risk_key}")
    exchange.borrow("demo", "USDT", Decimal("100"))
    exchange.clock.advance(1000)
    exchange.repay("demo", "USDT", Decimal("40"))
    assert_stream(stream.recv_many(4), [
        {"e": "balanceUpdate", "E": T0, "a": "USDT", "d": "100.00000000", "T": T0},
        position(T0, ("USDT", "100100.00000000", Z8)),
        {"e": "balanceUpdate", "E": T1, "a": "USDT", "d": "-40.00000000", "T": T1},
        position(T1, ("USDT", "100060.00000000", Z8)),
    ])
    assert_stream(risk.recv_many(2), [
        {"e": "USER_LIABILITY_CHANGE", "E": T0, "a": "USDT", "t": "BORROW", "p": "100.00000000", "i": Z8},
        {"e": "USER_LIABILITY_CHANGE", "E": T1, "a": "USDT", "t": "REPAY", "p": "40.00000000", "i": Z8},
    ])


def test_transfers_stream_balance_updates_on_each_margin_account(
        http: requests.Session, server: Any, connect: Any, exchange: Any) -> None:
    cross_key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    isolated_key = http.post(f"{server.url}/sapi/v1/userDataStream/isolated", params={"symbol": "BTCUSDT"}).json()[
        "listenKey"]
    cross, isolated = connect(f"/ws/{cross_key}"), connect(f"/ws/{isolated_key}")
    exchange.transfer("demo", "MAIN_MARGIN", "USDT", Decimal("250"))
    exchange.clock.advance(1000)
    exchange.transfer("demo", "MARGIN_ISOLATEDMARGIN", "USDT", Decimal("50"), to_symbol="BTCUSDT")
    assert_stream(cross.recv_many(4), [
        {"e": "balanceUpdate", "E": T0, "a": "USDT", "d": "250.00000000", "T": T0},
        position(T0, ("USDT", "100250.00000000", Z8)),
        {"e": "balanceUpdate", "E": T1, "a": "USDT", "d": "-50.00000000", "T": T1},
        position(T1, ("USDT", "100200.00000000", Z8)),
    ])
    assert_stream(isolated.recv_many(2), [
        {"e": "balanceUpdate", "E": T1, "a": "USDT", "d": "50.00000000", "T": T1},
        position(T1, ("USDT", "50050.00000000", Z8)),
    ])
