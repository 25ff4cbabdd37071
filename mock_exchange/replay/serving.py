"""``mock-exchange serve --replay FILE [--speed N]``: an exchange built to replay a file, and its start.

With ``--replay-align file`` (the default) the exchange starts with its clock frozen at the
file's first print and the symbol's start price at that print's price, so the warm-up
candles lead into the file; with ``clock`` it runs on wall time and the file is moved
there (a bot signing with its own clock stays inside recvWindow at speed 1).
"""

from __future__ import annotations

import dataclasses
import logging
import sys
from decimal import Decimal
from typing import Any

from mock_exchange.config import ExchangeConfig
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.replay import ReplayFileError
from mock_exchange.replay.controller import ALIGN_FILE
from mock_exchange.replay.files import ReplayFile, open_replay_file


class ServeReplayError(ValueError):
    """The replay named on the command line cannot be used (the message is for the terminal)."""


@dataclasses.dataclass(frozen=True)
class ServedReplay:
    file: ReplayFile
    symbol: str
    speed: Decimal
    align: str

    def build_exchange(self, config: ExchangeConfig, seed: int | None) -> tuple[ExchangeConfig, Exchange]:
        """The config (the symbol starting at the file's first price) and the exchange to serve."""
        first = self.file.first_print()
        spec = config.symbols[self.symbol]
        config = dataclasses.replace(config, symbols={**config.symbols,
                                                      self.symbol: dataclasses.replace(spec, last_price=first.price)})
        clock = ExchangeClock(frozen_at_ms=first.time_ms) if self.align == ALIGN_FILE else ExchangeClock()
        return config, Exchange(config, clock=clock, seed=seed)

    def start(self, controller: Any) -> str:
        """Load it (and play it unless the speed is 0); the line the banner prints."""
        _log_to_terminal()
        status = controller.load(self.file.path, self.symbol, self.align)
        if self.speed > 0:
            controller.play(self.speed)
            how = f"at {format(self.speed, 'f')} x real time"
        else:
            how = "paused: step it with POST /mock/v1/replay/step"
        return f"replaying {self.file.source} ({status['kind']}) onto {self.symbol}, {how}"


def served_replay(path: str, symbol: str | None, speed: Decimal, align: str, config: ExchangeConfig) -> ServedReplay:
    try:
        found = open_replay_file(path)
        found.first_print()
    except ReplayFileError as exc:
        raise ServeReplayError(str(exc)) from None
    name = symbol or found.symbol
    if name is None:
        raise ServeReplayError(f"{found.source}: the file name does not start with a symbol: add --replay-symbol")
    if name not in config.symbols:
        raise ServeReplayError(f"{name}: not a symbol of the config (symbols: {', '.join(config.symbols)})")
    return ServedReplay(found, name, speed, align)


def _log_to_terminal() -> None:
    """The replay's own lines (its end, a bad line) on stderr, beside the request log."""
    logger = logging.getLogger("mock_exchange.replay")
    if not any(getattr(h, "mock_exchange_replay", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("mock-exchange: %(message)s"))
        handler.mock_exchange_replay = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
