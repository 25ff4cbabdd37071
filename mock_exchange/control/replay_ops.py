"""Control operations of the market data replay (a mixin of ControlService); docs/replay.md.

The file is read on the exchange's side, under the same path rule as ``state/load``
(control/snapshot_paths.py): with a snapshot directory, only files inside it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from mock_exchange.control.errors import bad_request, conflict, not_found
from mock_exchange.control.event_json import events_json
from mock_exchange.control.snapshot_paths import snapshot_path
from mock_exchange.control.values import decimal_value, int_value, str_value
from mock_exchange.core.clock import MAX_TIME_MS

# The replay machinery (file parsing, the player, the real-time driver) is imported by the
# operations that use it, not with every app (control/service.py makes its controller lazily).
if TYPE_CHECKING:
    from mock_exchange.core.replay import StepResult
    from mock_exchange.replay.controller import ReplayController

MAX_STEP = 1_000_000  # prints in one step call: the exchange is held for all of them (~5 000 a second)
MAX_SPEED = Decimal(1_000_000)


class ReplayOps:
    """Load, step, seek, play, pause, status and unload; expects ``exchange``, ``runtime``, ``replay``."""

    exchange: Any
    runtime: Any

    if TYPE_CHECKING:
        @property
        def replay(self) -> ReplayController: ...  # ControlService's, made on first use

    def _replay_call(self, action: Any) -> Any:
        from mock_exchange.core.replay import ReplayFileError
        from mock_exchange.replay.controller import ReplayError

        try:
            return action()
        except ReplayFileError as exc:
            raise bad_request(f"replay file: {exc}") from exc
        except ReplayError as exc:
            raise conflict(str(exc)) from exc

    def replay_load(self, path: Any, symbol: Any = None, align: Any = None) -> dict[str, Any]:
        """Open a klines or aggTrades file (zip or CSV) for replay onto ``symbol`` (default: from its name).

        ``align``: ``file`` (default, the file's own times) or ``clock`` (moved to the exchange's time).
        """
        source = snapshot_path(path, self.runtime.snapshot_dir)
        name = None if symbol is None else str_value(symbol, "symbol")
        if name is not None and name not in self.exchange.config.symbols:
            raise not_found(f"unknown symbol {name!r}")
        from mock_exchange.replay.controller import ALIGN_FILE, ALIGNS

        how = ALIGN_FILE if align is None else str_value(align, "align")
        if how not in ALIGNS:
            raise bad_request(f"align: expected {' or '.join(ALIGNS)} (got {how!r})")
        return dict(self._replay_call(lambda: self.replay.load(source, name, how)))

    def replay_status(self) -> dict[str, Any]:
        return self.replay.status()

    def replay_step(self, count: Any = None, to_ms: Any = None) -> dict[str, Any]:
        """``count`` prints (default 1), or every print up to ``to_ms``; the events they caused."""
        if count is not None and to_ms is not None:
            raise bad_request("send count or to_ms, not both")
        prints = None if count is None else int_value(count, "count", minimum=1, maximum=MAX_STEP)
        until = None if to_ms is None else int_value(to_ms, "to_ms", minimum=0, maximum=MAX_TIME_MS)
        return self._stepped(self._replay_call(lambda: self.replay.step(prints, until)))

    def replay_seek(self, at_ms: Any) -> dict[str, Any]:
        """Skip, unprinted, to ``at_ms``; the price reached is printed once there."""
        when = int_value(at_ms, "at_ms", minimum=0, maximum=MAX_TIME_MS)
        return self._stepped(self._replay_call(lambda: self.replay.seek(when)))

    def replay_play(self, speed: Any = None) -> dict[str, Any]:
        """Play in real time × ``speed`` (default 1) on the exchange clock, in the background."""
        value = Decimal(1) if speed is None else decimal_value(speed, "speed", positive=True)
        if value > MAX_SPEED:
            raise bad_request(f"speed: at most {MAX_SPEED} (got {speed})")
        return dict(self._replay_call(lambda: self.replay.play(value)))

    def replay_pause(self) -> dict[str, Any]:
        return dict(self._replay_call(self.replay.pause))

    def replay_unload(self) -> dict[str, Any]:
        self.replay.unload()
        return self.replay.status()

    def _stepped(self, result: StepResult) -> dict[str, Any]:
        return {**self.replay.status(), "printed": result.prints, "events": events_json(result.events)}
