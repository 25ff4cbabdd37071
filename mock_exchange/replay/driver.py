"""Real-time replay: a background thread that plays a replay at wall speed × N on the exchange clock.

Each tick it works out the replay's time — where it started plus the wall time since, times
the speed — and prints everything due by then (``play_to``), so the exchange clock follows
the file's time. The timer and the wait between ticks are injectable: a test gives a fake
timer and calls :meth:`RealTimeDriver.tick` itself, never sleeping.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

TICK_SECONDS = 0.05


class RealTimeDriver:
    """Plays ``player`` from ``start_ms`` at ``speed`` × wall time until the end, :meth:`stop` or an error."""

    def __init__(self, player: Any, start_ms: int, speed: Decimal, *, timer: Callable[[], float] = time.monotonic,
                 tick_seconds: float = TICK_SECONDS, on_end: Callable[[], None] | None = None,
                 on_error: Callable[[Exception], None] | None = None) -> None:
        if speed <= 0:
            raise ValueError("speed must be positive")
        self.player = player
        self.start_ms = start_ms
        self.speed = speed
        self.timer = timer
        self.tick_seconds = tick_seconds
        self.on_end = on_end
        self.on_error = on_error
        self._started_at = timer()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.finished = threading.Event()  # set when the thread has left its loop

    def replay_time_ms(self) -> int:
        # Whole microseconds of wall time first: a float difference such as 2.3999999 s stays 2.4 s.
        elapsed_us = round((self.timer() - self._started_at) * 1_000_000)
        return self.start_ms + int(elapsed_us * self.speed / 1000)

    def tick(self) -> bool:
        """Print what is due now; False once the replay is over (ended or failed)."""
        result = self.player.play_to(self.replay_time_ms())
        if result.ended_now or self.player.ended:
            if self.on_end is not None:
                self.on_end()
            return False
        return True

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="mock-exchange-replay", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    if not self.tick():
                        return
                except Exception as exc:  # noqa: BLE001 - a bad line ends the replay, never the server
                    if self.on_error is not None:
                        self.on_error(exc)
                    return
                self._stop.wait(self.tick_seconds)
        finally:
            self.finished.set()

    def stop(self, timeout_s: float = 5.0) -> None:
        """Stop ticking and wait for the thread to leave (a tick under way completes first)."""
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout_s)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()
