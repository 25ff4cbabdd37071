"""Replay speeds: stepping, and real time × N on an injected timer (no sleeps)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

from mock_exchange.control import LocalControl
from mock_exchange.replay.controller import ReplayController
from mock_exchange.replay.driver import RealTimeDriver
from tests.replay.binance_files import agg_line, write_csv
from tests.replay.test_replay_market import T0, fresh_app


class FakeTimer:
    """A monotonic timer the test moves; thread-safe reads."""

    def __init__(self) -> None:
        self.seconds = 1000.0
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.seconds

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.seconds += seconds


def trades_file(directory: Path) -> Path:
    # One trade every 10 s of file time, for a minute.
    return write_csv(directory / "BTCUSDT-aggTrades-2026-01-01.csv",
                     [agg_line(i, f"{30000 + i}.00", "0.01000000", T0 + 10_000 * i, i % 2 == 0) for i in range(7)])


def test_real_time_times_n_prints_what_is_due_on_the_timer(tmp_path: Path) -> None:
    app = fresh_app()
    exchange = app.extensions["mock_exchange"].exchange
    controller = ReplayController(exchange)
    controller.load(trades_file(tmp_path))
    timer = FakeTimer()
    driver = RealTimeDriver(controller.player, T0, Decimal(4), timer=timer)
    assert driver.tick() and controller.player.prints_done == 1  # the trade at T0 is due at once
    timer.advance(2.4)  # × 4: 9.6 s of the file
    assert driver.tick() and controller.player.prints_done == 1 and exchange.clock.now_ms() == T0 + 9_600
    timer.advance(0.1)  # 10 s: the second trade
    assert driver.tick() and controller.player.prints_done == 2 and exchange.clock.now_ms() == T0 + 10_000
    timer.advance(12.5)  # 60 s: the rest, then the end
    assert driver.tick() is False and controller.player.ended
    assert controller.player.prints_done == 7 and exchange.clock.now_ms() == T0 + 60_000


def test_real_time_play_and_pause_on_the_control_plane_stop_their_thread(tmp_path: Path) -> None:
    app = fresh_app()
    control = LocalControl(app)
    timer = FakeTimer()
    service = control.service
    service.replay.timer, service.replay.tick_seconds = timer, 0.001
    control.replay_load(str(trades_file(tmp_path)))
    control.set_time(T0 + 500_000)  # the clock ran past the file: play starts at the first print anyway
    playing = control.replay_play(speed="0.5")
    assert (playing["status"], playing["speed"]) == ("playing", "0.5")
    driver = service.replay.driver
    assert driver is not None and driver.running
    assert _wait(lambda: control.replay_status()["prints"] == 1)  # the trade at T0
    paused = control.replay_pause()
    assert paused["status"] == "paused" and not driver.running
    timer.advance(1000)  # nothing moves while paused
    assert control.replay_status()["prints"] == 1 and control.now_ms() == T0
    control.replay_play(speed=2)  # on from where it stood, T0 on the clock
    timer.advance(30)  # 60 s of the file at × 2
    assert service.replay.wait_until_done(timeout_s=10)
    status = control.replay_status()
    assert (status["status"], status["ended"], status["prints"]) == ("ended", True, 7)
    assert control.now_ms() == T0 + 60_000 and control.events()[-1]["action"] == "replay_end"
    assert not service.replay.driver.running  # type: ignore[union-attr]


def test_a_reset_stops_a_playing_replay(tmp_path: Path) -> None:
    app = fresh_app()
    control = LocalControl(app)
    control.service.replay.timer = FakeTimer()
    control.replay_load(str(trades_file(tmp_path)))
    control.replay_play()
    driver = control.service.replay.driver
    control.reset(at_ms=T0)
    assert driver is not None and not driver.running
    assert control.replay_status() == {"loaded": False, "status": "none", "ended": False}


def _wait(condition: Callable[[], bool], timeout_s: float = 10) -> bool:
    """Poll ``condition`` until it holds or the deadline passes."""
    deadline = time.monotonic() + timeout_s
    pause = threading.Event()
    while time.monotonic() < deadline:
        if condition():
            return True
        pause.wait(0.005)
    return False


def test_a_bad_line_met_while_playing_stops_the_thread_and_fails_the_replay(tmp_path: Path) -> None:
    app = fresh_app()
    control = LocalControl(app)
    timer = FakeTimer()
    control.service.replay.timer, control.service.replay.tick_seconds = timer, 0.001
    path = write_csv(tmp_path / "BTCUSDT-aggTrades-2026-01-01.csv",
                     [agg_line(1, "30000.00", "0.1", T0, True), agg_line(2, "30001.00", "0.1", T0 + 1_000, True),
                      "x,y"])
    control.replay_load(str(path))
    control.replay_play(speed=10)
    timer.advance(1)
    assert control.service.replay.wait_until_done(timeout_s=10)
    status = control.replay_status()
    assert (status["status"], status["prints"]) == ("failed", 2)
    assert status["error"] == "BTCUSDT-aggTrades-2026-01-01.csv:3: 2 columns where this aggTrades file has 7 or 8"
    assert not control.service.replay.driver.running  # type: ignore[union-attr]
