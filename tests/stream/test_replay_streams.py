"""Replayed prints on the market streams, over a real WebSocket: the file's trades, as streamed."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_exchange.control import LocalControl
from tests.replay.binance_files import agg_line, write_csv
from tests.signed_client import FROZEN_AT_MS as T0


def test_a_replayed_agg_trades_file_streams_its_trades_and_candle(connect: Any, app: Any, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "BTCUSDT-aggTrades-2026-01-01.csv", [
        agg_line(500, "30010.50", "0.12000000", T0 + 1_250, False, micros=True),
        agg_line(501, "30008.00", "0.30000000", T0 + 1_900, True, micros=True)])
    sock = connect("/stream?streams=btcusdt@aggTrade/btcusdt@kline_1m")
    assert sock.frames_before_answer(1) == []  # the session has started: nothing streamed yet
    control = LocalControl(app)
    control.replay_load(str(path))
    assert control.replay_step(2)["ended"] is True
    frames = sock.frames_before_answer(2)
    trades = [f["data"] for f in frames if f["stream"] == "btcusdt@aggTrade"]
    assert [(t["p"], t["q"], t["T"], t["m"], t["E"]) for t in trades] == [
        ("30010.50000000", "0.12000000", T0 + 1_250, False, T0 + 1_250),
        ("30008.00000000", "0.30000000", T0 + 1_900, True, T0 + 1_900)]
    candles = [f["data"]["k"] for f in frames if f["stream"] == "btcusdt@kline_1m"]
    last = candles[-1]
    assert (last["t"], last["c"], last["h"], last["v"], last["n"], last["x"]) == (
        T0, "30008.00000000", "30010.50000000", "0.42000000", 2, False)
