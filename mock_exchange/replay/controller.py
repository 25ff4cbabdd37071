"""One exchange's replay: load a file, step, play to a time, seek, play in real time, pause.

The control plane (control/replay_ops.py), ``serve --replay`` and the pytest plugin all go
through this. One replay at a time per exchange: loading another ends the first. The end
of a file is said three ways: the status (``ended``), a ``replay_end`` event, and a log
line on the ``mock_exchange.replay`` logger.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from mock_exchange.core.replay import (
    ENDED,
    FAILED,
    PAUSED,
    PLAYING,
    ReplayFileError,
    ReplayPlayer,
    StepResult,
    clock_offset,
)
from mock_exchange.replay.driver import RealTimeDriver
from mock_exchange.replay.files import ReplayFile, open_replay_file

log = logging.getLogger("mock_exchange.replay")
ALIGN_FILE, ALIGN_CLOCK = "file", "clock"
ALIGNS = (ALIGN_FILE, ALIGN_CLOCK)


class ReplayError(ValueError):
    """A replay request that cannot be carried out (nothing loaded, unknown symbol...)."""


class ReplayController:
    def __init__(self, exchange: Any, *, timer: Callable[[], float] | None = None,
                 tick_seconds: float | None = None) -> None:
        self.exchange = exchange
        self.timer = timer
        self.tick_seconds = tick_seconds
        self.player: ReplayPlayer | None = None
        self.file: ReplayFile | None = None
        self.speed: Decimal | None = None
        self._driver: RealTimeDriver | None = None
        self._lock = threading.RLock()

    # -- loading ---------------------------------------------------------------------------

    def load(self, path: str | Path, symbol: str | None = None, align: str = ALIGN_FILE) -> dict[str, Any]:
        """Open ``path`` for replay onto ``symbol`` (default: the symbol its file name starts with).

        ``align`` ``file`` keeps the file's times; ``clock`` moves them by whole minutes so the
        first row lands at the exchange's current time or just after (a bot signing with its
        own clock then stays inside recvWindow at speed 1).
        """
        if align not in ALIGNS:
            raise ReplayError(f"align: expected {' or '.join(ALIGNS)} (got {align!r})")
        replay_file = open_replay_file(path)
        name = symbol or replay_file.symbol
        if name is None:
            raise ReplayError(f"{replay_file.source}: name the symbol (the file name does not start with one, "
                              "as Binance's BTCUSDT-1m-2024-01-01.zip does)")
        if name not in self.exchange.config.symbols:
            raise ReplayError(f"unknown symbol {name!r} (add it to the config, or name another with symbol)")
        with self._lock:
            self.unload()
            self.file = replay_file
            offset = 0
            if align == ALIGN_CLOCK:
                offset = clock_offset(replay_file.first_print().time_ms, self.exchange.clock.now_ms())
            self.player = ReplayPlayer(self.exchange, name, replay_file.source, replay_file.lines, replay_file.kind,
                                       offset)
            self.player.peek()  # the first print's time is known from the start
        return self.status()

    def unload(self) -> None:
        with self._lock:
            self._stop_driver()
            self.player = self.file = None
            self.speed = None

    def _require(self) -> ReplayPlayer:
        if self.player is None:
            raise ReplayError("no replay loaded (load a file first)")
        return self.player

    # -- stepping --------------------------------------------------------------------------

    def step(self, count: int | None = None, to_ms: int | None = None) -> StepResult:
        """``count`` prints (default 1), or every print up to ``to_ms``; pauses real-time play."""
        with self._lock:
            player = self._require()
            self._stop_driver()
            result = self._guarded(lambda: player.play_to(to_ms) if to_ms is not None else player.step(count or 1))
            self._after(player, result)
            return result

    def seek(self, time_ms: int) -> StepResult:
        with self._lock:
            player = self._require()
            self._stop_driver()
            result = self._guarded(lambda: player.seek(time_ms))
            self._after(player, result)
            return result

    def _guarded(self, action: Callable[[], StepResult]) -> StepResult:
        try:
            return action()
        except ReplayFileError as exc:
            log.error("replay stopped: %s", exc)
            raise

    def _after(self, player: ReplayPlayer, result: StepResult) -> None:
        if result.ended_now:
            self._log_end(player)
        elif player.status not in (ENDED, FAILED):
            player.status = PAUSED

    def _log_end(self, player: ReplayPlayer) -> None:
        log.info("replay of %s on %s ended after %d prints", player.source, player.symbol, player.prints_done)

    # -- real time -------------------------------------------------------------------------

    def play(self, speed: Decimal = Decimal(1)) -> dict[str, Any]:
        """Play in real time × ``speed`` from where the replay stands; the clock is held frozen meanwhile."""
        if speed <= 0:
            raise ReplayError("speed must be positive")
        with self._lock:
            player = self._require()
            if player.status in (ENDED, FAILED):
                raise ReplayError(f"this replay has {'ended' if player.status == ENDED else 'failed'}; "
                                  "seek back or load the file again")
            self._stop_driver()
            clock = self.exchange.clock
            with self.exchange.lock:
                now = clock.now_ms()
                upcoming = player.next_time_ms()
                # From the clock's time, waiting for the next print; a clock past it goes back to it.
                start = upcoming if upcoming is not None and now > upcoming else now
                clock.freeze(start)
            options: dict[str, Any] = {} if self.timer is None else {"timer": self.timer}
            if self.tick_seconds is not None:
                options["tick_seconds"] = self.tick_seconds
            self._driver = RealTimeDriver(player, start, speed, on_end=lambda: self._log_end(player),
                                          on_error=lambda exc: self._driver_failed(player, exc), **options)
            self.speed = speed
            player.status = PLAYING
            self._driver.start()
        return self.status()

    def _driver_failed(self, player: ReplayPlayer, exc: Exception) -> None:
        """The real-time thread met an error: the replay stops there, and says why."""
        if player.status != FAILED:
            player.status, player.error = FAILED, f"{type(exc).__name__}: {exc}"
        log.error("replay stopped: %s", player.error)

    def pause(self) -> dict[str, Any]:
        with self._lock:
            player = self._require()
            self._stop_driver()
            if player.status == PLAYING:
                player.status = PAUSED
        return self.status()

    def _stop_driver(self) -> None:
        driver, self._driver = self._driver, None
        if driver is not None:
            driver.stop()

    @property
    def driver(self) -> RealTimeDriver | None:
        return self._driver

    def wait_until_done(self, timeout_s: float) -> bool:
        """Until real-time play has stopped by itself (end or error); False on timeout."""
        driver = self._driver
        return True if driver is None else driver.finished.wait(timeout_s)

    # -- status ----------------------------------------------------------------------------

    def status(self) -> dict[str, Any]:
        with self._lock:
            player = self.player
            if player is None:
                return {"loaded": False, "status": "none", "ended": False}
            return {"loaded": True, **player.status_json(),
                    "speed": None if self.speed is None else format(self.speed, "f")}
