"""A replayed klines file and an aggTrades file drive fills, candles and trades, hand-computed.

The exchange starts frozen at 2026-01-01T00:00:00Z with BTCUSDT at 30000 (the default
config); the files begin at that instant. Every expectation below is worked out by hand
from docs/replay.md's rules: a bar prints open → nearer extreme → other extreme → close,
a quarter of its volume each, at its open, +1/3, +2/3 and its close time; an aggTrade
prints its quantity at its price and time with the file's buyer-maker flag.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.control import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.replay.binance_files import agg_line, kline_line, write_csv, zipped
from tests.signed_client import FROZEN_AT_MS, SignedClient

T0 = FROZEN_AT_MS
OCO = "/sapi/v1/margin/order/oco"


def fresh_app() -> Flask:
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=T0)))


def klines_file(directory: Path) -> Path:
    return zipped(write_csv(directory / "BTCUSDT-1m-2026-01-01.csv", [
        # low nearer (100 below, 200 above): 30000 → 29900 → 30200 → 30150; inside the OCO's range
        kline_line(T0, "30000.00", "30200.00", "29900.00", "30150.00", "2.00000000"),
        # high nearer (250 above, 450 below): 30150 → 30400 → 29700 → 29750; the take profit comes first
        kline_line(T0 + 60_000, "30150.00", "30400.00", "29700.00", "29750.00", "4.00000000"),
    ]))


def candle(row: list[Any]) -> tuple[Any, ...]:
    """open time, O, H, L, C, volume, close time, quote volume, trades, taker buy base, taker buy quote."""
    return tuple(row[:11])


def run_klines_replay(directory: Path) -> dict[str, Any]:
    app = fresh_app()
    signed = SignedClient(app.test_client(), app)
    control = LocalControl(app)
    placed = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="30300", stopPrice="29800",
                         stopLimitPrice="29700", stopLimitTimeInForce="GTC").get_json()
    loaded = control.replay_load(str(klines_file(directory)))
    first = control.replay_step(4)   # the whole first bar: nothing reaches 30300 or 29800
    second = control.replay_step(2)  # 30150, then 30400: the take profit fills at its limit, the stop expires
    rest = control.replay_step(100)
    client = app.test_client()
    return {
        "placed": placed, "loaded": loaded, "first": first, "second": second, "rest": rest,
        "status": control.replay_status(), "events": control.events(),
        "klines": client.get(f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={T0}&limit=5").get_json(),
        "trades": client.get("/api/v3/trades?symbol=BTCUSDT&limit=9").get_json(),
        "my_trades": signed.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json(),
        "clock": control.now_ms(),
    }


def test_a_klines_replay_fills_the_oco_resting_inside_the_bar_as_hand_computed(tmp_path: Path) -> None:
    run = run_klines_replay(tmp_path)
    stop_id, limit_id = (o["orderId"] for o in run["placed"]["orders"])
    assert (run["loaded"]["kind"], run["loaded"]["symbol"], run["loaded"]["next_print_ms"]) == ("klines", "BTCUSDT", T0)
    assert run["first"]["printed"] == 4 and run["first"]["events"] == []
    assert run["first"]["last_print_ms"] == T0 + 59_999 and run["first"]["status"] == "paused"
    # The second bar's second print (30400 at +20 s of the bar) crosses the LIMIT_MAKER at 30300.
    actions = [(e["action"], e.get("order_id"), e["time_ms"]) for e in run["second"]["events"]]
    assert actions[:2] == [("expire", stop_id, T0 + 80_000), ("fill", limit_id, T0 + 80_000)]
    fill = run["second"]["events"][1]
    assert (fill["last_price"], fill["last_qty"], fill["is_maker"]) == ("30300", "0.1", True)
    assert "list_done" in [a for a, _, _ in actions]
    assert [(t["orderId"], t["price"], t["qty"], t["time"]) for t in run["my_trades"]] == [
        (limit_id, "30300", "0.1", T0 + 80_000)]
    # The end: status, the prints made, the event, and the clock at the last print.
    assert run["rest"]["printed"] == 2 and run["rest"]["ended"] is True
    assert run["status"]["status"] == "ended" and run["status"]["prints"] == 8
    end = run["events"][-1]
    assert (end["action"], end["symbol"], end["file"], end["prints"], end["time_ms"]) == (
        "replay_end", "BTCUSDT", "BTCUSDT-1m-2026-01-01.zip", 8, T0 + 119_999)
    assert run["clock"] == T0 + 119_999
    # Candles: OHLC and volume as in the file; trades, quote and taker-buy figures from the prints.
    # Bar 1: 0.5 at 30000 (taker buy: not below the previous 30000), 29900 (seller), 30200 (buyer), 30150 (seller).
    # Bar 2: 1 at 30150 (buyer), the fill 0.1 at 30300 (a resting SELL: the buyer took) and 0.9 at 30400
    # (buyer), 1 at 29700 (seller), 1 at 29750 (buyer).
    assert [candle(k) for k in run["klines"]] == [
        (T0, "30000.00000000", "30200.00000000", "29900.00000000", "30150.00000000", "2.00000000", T0 + 59_999,
         "60125.00000000", 4, "1.00000000", "30100.00000000"),
        (T0 + 60_000, "30150.00000000", "30400.00000000", "29700.00000000", "29750.00000000", "4.00000000",
         T0 + 119_999, "119990.00000000", 5, "3.00000000", "90290.00000000"),
    ]
    assert [(t["price"], t["qty"], t["time"], t["isBuyerMaker"]) for t in run["trades"]] == [
        ("30000.00000000", "0.50000000", T0, False), ("29900.00000000", "0.50000000", T0 + 20_000, True),
        ("30200.00000000", "0.50000000", T0 + 40_000, False), ("30150.00000000", "0.50000000", T0 + 59_999, True),
        ("30150.00000000", "1.00000000", T0 + 60_000, False), ("30300.00000000", "0.10000000", T0 + 80_000, False),
        ("30400.00000000", "0.90000000", T0 + 80_000, False), ("29700.00000000", "1.00000000", T0 + 100_000, True),
        ("29750.00000000", "1.00000000", T0 + 119_999, False),
    ]


def run_agg_trades_replay(directory: Path) -> dict[str, Any]:
    app = fresh_app()
    signed = SignedClient(app.test_client(), app)
    control = LocalControl(app)
    signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.3", price="29900",
                timeInForce="GTC")
    control.replay_load(str(agg_trades_file(directory)))
    steps = [control.replay_step(2), control.replay_step(to_ms=T0 + 4_000), control.replay_step(10)]
    client = app.test_client()
    return {"steps": steps, "events": control.events(),
            "trades": client.get("/api/v3/trades?symbol=BTCUSDT&limit=8").get_json(),
            "aggs": client.get(f"/api/v3/aggTrades?symbol=BTCUSDT&startTime={T0}").get_json(),
            "klines": client.get(f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={T0}").get_json()}


@pytest.mark.parametrize("run", [run_klines_replay, run_agg_trades_replay], ids=["klines", "aggTrades"])
def test_two_runs_of_the_same_replay_give_the_same_bytes(tmp_path: Path, run: Any) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = run(tmp_path / "a"), run(tmp_path / "b")
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    assert first["events"][-1]["action"] == "replay_end"


def agg_trades_file(directory: Path) -> Path:
    return write_csv(directory / "BTCUSDT-aggTrades-2026-01-01.csv", [
        agg_line(100, "30000.00", "0.50000000", T0 + 1_000, False, micros=True),
        agg_line(101, "29950.00", "0.20000000", T0 + 2_000, True, micros=True),
        agg_line(102, "29900.00", "0.10000000", T0 + 3_000, True, micros=True),   # takes 0.1 of the bid
        agg_line(103, "29850.00", "0.50000000", T0 + 4_000, True, micros=True),   # 0.2 more, 0.3 trades on
        agg_line(104, "29990.00", "0.40000000", T0 + 65_000, False, micros=True),
    ])


def test_an_agg_trades_replay_prints_each_trade_and_fills_a_resting_bid_up_to_its_quantity(tmp_path: Path) -> None:
    app = fresh_app()
    signed = SignedClient(app.test_client(), app)
    control = LocalControl(app)
    order = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.3",
                        price="29900", timeInForce="GTC").get_json()
    control.replay_load(str(agg_trades_file(tmp_path)))
    third = control.replay_step(to_ms=T0 + 3_000)
    assert third["printed"] == 3 and control.now_ms() == T0 + 3_000
    assert [(e["action"], e["last_qty"], e["last_price"]) for e in third["events"] if e["type"] == "order"] == [
        ("partial_fill", "0.1", "29900")]
    fourth = control.replay_step()
    assert [(e["action"], e["last_qty"]) for e in fourth["events"] if e["type"] == "order"] == [("fill", "0.2")]
    control.replay_step(to_ms=T0 + 120_000)  # the last trade, then the clock on to the time asked
    assert control.now_ms() == T0 + 120_000 and control.replay_status()["ended"] is True
    client = app.test_client()
    trades = client.get("/api/v3/trades?symbol=BTCUSDT&limit=6").get_json()
    assert [(t["price"], t["qty"], t["time"], t["isBuyerMaker"]) for t in trades] == [
        ("30000.00000000", "0.50000000", T0 + 1_000, False), ("29950.00000000", "0.20000000", T0 + 2_000, True),
        ("29900.00000000", "0.10000000", T0 + 3_000, True), ("29900.00000000", "0.20000000", T0 + 4_000, True),
        ("29850.00000000", "0.30000000", T0 + 4_000, True), ("29990.00000000", "0.40000000", T0 + 65_000, False),
    ]
    assert [t["id"] for t in trades] == list(range(trades[0]["id"], trades[0]["id"] + 6))
    aggs = client.get(f"/api/v3/aggTrades?symbol=BTCUSDT&startTime={T0}").get_json()
    assert [(a["p"], a["q"], a["T"], a["m"]) for a in aggs] == [
        ("30000.00000000", "0.50000000", T0 + 1_000, False), ("29950.00000000", "0.20000000", T0 + 2_000, True),
        ("29900.00000000", "0.10000000", T0 + 3_000, True), ("29900.00000000", "0.20000000", T0 + 4_000, True),
        ("29850.00000000", "0.30000000", T0 + 4_000, True), ("29990.00000000", "0.40000000", T0 + 65_000, False),
    ]
    klines = client.get(f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={T0}").get_json()
    assert [candle(k)[:9] for k in klines] == [
        (T0, "30000.00000000", "30000.00000000", "29850.00000000", "29850.00000000", "1.30000000", T0 + 59_999,
         "38915.00000000", 5),  # 15000 + 5990 + 2990 + 5980 + 8955
        (T0 + 60_000, "29990.00000000", "29990.00000000", "29990.00000000", "29990.00000000", "0.40000000",
         T0 + 119_999, "11996.00000000", 1),
        (T0 + 120_000, "29990.00000000", "29990.00000000", "29990.00000000", "29990.00000000", "0.00000000",
         T0 + 179_999, "0.00000000", 0),
    ]
    state = signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=order["orderId"]).get_json()
    assert (state["status"], state["executedQty"]) == ("FILLED", "0.3")


def test_seek_skips_unprinted_and_prints_the_price_reached_once(tmp_path: Path) -> None:
    app = fresh_app()
    control = LocalControl(app)
    control.replay_load(str(agg_trades_file(tmp_path)))
    sought = control.replay_seek(T0 + 10_000)
    assert sought["printed"] == 0 and sought["next_print_ms"] == T0 + 65_000 and control.now_ms() == T0 + 10_000
    assert control.market("BTCUSDT")["last_price"] == "29850"
    trades = app.test_client().get("/api/v3/trades?symbol=BTCUSDT&limit=5").get_json()
    assert all(t["time"] < T0 for t in trades)  # nothing of the file traded
    # Back again: the file is read from its start once more.
    back = control.replay_seek(T0 + 1_500)
    assert back["next_print_ms"] == T0 + 2_000 and control.now_ms() == T0 + 1_500
    assert control.replay_step()["last_print_ms"] == T0 + 2_000


def test_the_end_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    app = fresh_app()
    control = LocalControl(app)
    control.replay_load(str(agg_trades_file(tmp_path)))
    with caplog.at_level(logging.INFO, logger="mock_exchange.replay"):
        control.replay_step(4)
        assert not caplog.records
        control.replay_step(4)
    assert [r.getMessage() for r in caplog.records] == [
        "replay of BTCUSDT-aggTrades-2026-01-01.csv on BTCUSDT ended after 5 prints"]


def test_align_clock_moves_the_file_by_whole_minutes_to_the_exchange_time(tmp_path: Path) -> None:
    app = fresh_app()
    control = LocalControl(app)
    day_2024 = 1_704_067_200_000
    path = write_csv(tmp_path / "BTCUSDT-1m-2024-01-01.csv",
                     [kline_line(day_2024, "30000.00", "30100.00", "29950.00", "30050.00", "2")])
    control.set_time(T0 + 90_500)  # 00:01:30.5: the file goes to 00:02:00
    loaded = control.replay_load(str(path), align="clock")
    assert loaded["offset_ms"] == T0 + 120_000 - day_2024 and loaded["next_print_ms"] == T0 + 120_000
    control.replay_step(4)
    klines = app.test_client().get(f"/api/v3/klines?symbol=BTCUSDT&interval=1m&startTime={T0 + 120_000}").get_json()
    assert [candle(k)[:7] for k in klines] == [
        (T0 + 120_000, "30000.00000000", "30100.00000000", "29950.00000000", "30050.00000000", "2.00000000",
         T0 + 179_999)]
