"""Reliability suite fixtures: seeded exchanges, run budgets (normal or soak), the closing tally.

A normal run is bounded and deterministic (Hypothesis ``derandomize=True``, fixed example
counts). ``MOCK_EXCHANGE_SOAK_SECONDS=600`` turns it into a soak: the tests marked
``soak`` share that many seconds, in proportion to their weight, and keep drawing new
examples (fresh seeds) or running new rounds until their share is spent.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from hypothesis import HealthCheck, Phase, seed, settings

from mock_exchange.core.snapshot import restore
from mock_exchange.web.user_stream import REGISTRY_KEY
from tests.reliability import catalogue
from tests.reliability.support import STATS, VIOLATIONS, Budget, exchange_of, frozen_app, soak_seconds, state_of

SUPPRESSED = list(HealthCheck)
_SHARES: dict[str, float] = {}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "soak(weight=1): reliability checks that run longer under MOCK_EXCHANGE_SOAK_SECONDS")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    total = soak_seconds()
    marked = [(item, float(item.get_closest_marker("soak").kwargs.get("weight", 1)))
              for item in items if item.get_closest_marker("soak") is not None]
    weights = sum(weight for _, weight in marked) or 1.0
    for item, weight in marked:
        _SHARES[item.nodeid] = total * weight / weights


@pytest.fixture
def budget(request: pytest.FixtureRequest) -> Budget:
    """This test's share of the soak budget (0 seconds in a normal run)."""
    return Budget(_SHARES.get(request.node.nodeid, 0.0))


def run_property(test: Callable[[], None], budget: Budget, examples: int) -> int:
    """Run a ``@given`` function: once, deterministically, or (soak) with new seeds until the budget ends."""
    common = dict(max_examples=examples, deadline=None, database=None, suppress_health_check=SUPPRESSED,
                  phases=(Phase.explicit, Phase.generate, Phase.shrink))
    if not budget.soak:
        settings(derandomize=True, **common)(test)()
        return 1
    configured = settings(derandomize=False, **common)(test)
    rounds = 0
    while rounds == 0 or not budget.expired():
        seed(rounds)(configured)()  # a new seed each round: new examples, reproducible by round
        rounds += 1
    return rounds


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

    def _registry(self) -> Any:
        return self.app.extensions[REGISTRY_KEY][1]

    def reset(self) -> None:
        restore(self.exchange, self._snapshot)
        self._registry()._grants = copy.deepcopy(self._grants)

    def state(self) -> dict[str, Any]:
        """The exchange snapshot plus the user-stream grants (listen keys live outside the snapshot)."""
        grants = sorted((g.value, str(g.kind), g.account, g.isolated_symbol, g.expires_ms, g.closed, g.end_seq)
                        for g in self._registry().grants())
        return {**state_of(self.app), "grants": grants}


@pytest.fixture
def seeded() -> Iterator[Seeded]:
    yield Seeded()


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not STATS:
        return
    terminalreporter.section("reliability tally")
    for name in sorted(STATS):
        terminalreporter.write_line(f"{name}: {STATS[name]}")
    for item in VIOLATIONS[:20]:
        terminalreporter.write_line(f"  violation: {item}")
