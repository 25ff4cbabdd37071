"""The suite's harness: a seeded exchange put back before every example, and how properties run.

A normal run is deterministic (``derandomize=True``, a fixed example count); a soak
(``Budget.soak``) runs the same property again and again with a new seed per round until
its share of ``MOCK_EXCHANGE_SOAK_SECONDS`` is spent.
"""

from __future__ import annotations

import copy
import os
import random
from collections.abc import Callable
from typing import Any

from flask import Flask
from hypothesis import HealthCheck, Phase, seed, settings

from mock_exchange.core.snapshot import restore
from mock_exchange.web.user_stream import REGISTRY_KEY
from tests.reliability import catalogue
from tests.reliability.support import Budget, exchange_of, frozen_app, state_of

SUPPRESSED = list(HealthCheck)
SOAK_SEED_ENV = "MOCK_EXCHANGE_SOAK_SEED"


def run_property(test: Callable[[], None], budget: Budget, examples: int) -> int:
    """Run a ``@given`` function: once, deterministically, or (soak) with new seeds until the budget ends."""
    common = dict(max_examples=examples, deadline=None, database=None, suppress_health_check=SUPPRESSED,
                  phases=(Phase.explicit, Phase.generate, Phase.shrink))
    if not budget.soak:
        settings(derandomize=True, **common)(test)()
        return 1
    configured = settings(derandomize=False, **common)(test)
    base = soak_seed()
    rounds = 0
    while rounds == 0 or not budget.expired():
        # A new seed each round: new examples. Printed, so a failure can be replayed with
        # MOCK_EXCHANGE_SOAK_SEED (pytest shows a failing test's output).
        print(f"soak round {rounds}: seed {base + rounds} (MOCK_EXCHANGE_SOAK_SEED={base})")
        seed(base + rounds)(configured)()
        rounds += 1
        budget.warmed()
    return rounds


def soak_seed() -> int:
    """The first soak seed: ``MOCK_EXCHANGE_SOAK_SEED``, else a fresh one, so every soak explores anew."""
    raw = os.environ.get(SOAK_SEED_ENV, "").strip()
    return int(raw) if raw else random.SystemRandom().randrange(2**32)


class Seeded:
    """An app with the catalogue's seed state, put back before every example."""

    def __init__(self, app: Flask | None = None) -> None:
        self.app = app or frozen_app()
        self.client = self.app.test_client()
        self.ids = catalogue.seed(self.app)
        self.baselines = catalogue.baselines(self.ids)
        self.exchange = exchange_of(self.app)
        self._snapshot = state_of(self.app)
        self._grants = copy.deepcopy(self._registry()._grants)
        self._unchanged_at: tuple[int, int, bool] | None = None

    def _registry(self) -> Any:
        return self.app.extensions[REGISTRY_KEY][1]

    def _mark(self) -> tuple[int, int, bool]:
        clock = self.exchange.clock
        return self.exchange.changes, clock.now_ms(), clock.frozen

    def reset(self) -> None:
        # Restoring decodes and validates the whole snapshot (every warm-up candle): most of an
        # example's time. Skipped when nothing could have moved since the last restore: the
        # exchange counts every call that may change its state (persistent mode relies on it)
        # and the clock is where it was. Examples that change nothing are the common case, and
        # the tests assert "nothing changed" for them with a full snapshot comparison anyway.
        if self._unchanged_at is None or self._mark() != self._unchanged_at:
            restore(self.exchange, self._snapshot)
            self._unchanged_at = self._mark()
        self._registry()._grants = copy.deepcopy(self._grants)

    def state(self) -> dict[str, Any]:
        """The exchange snapshot plus the user-stream grants (listen keys live outside the snapshot)."""
        grants = sorted((g.value, str(g.kind), g.account, g.isolated_symbol, g.expires_ms, g.closed, g.end_seq)
                        for g in self._registry().grants())
        return {**state_of(self.app), "grants": grants}
