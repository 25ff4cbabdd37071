"""Reliability suite fixtures: seeded exchanges, run budgets (normal or soak), the closing tally.

A normal run is bounded and deterministic (Hypothesis ``derandomize=True``, fixed example
counts). ``MOCK_EXCHANGE_SOAK_SECONDS=600`` turns it into a soak: the tests marked
``soak`` share that many seconds, in proportion to their weight, and keep drawing new
examples (fresh seeds) or running new rounds until their share is spent. The run reports
the process's RSS at start and end, and a soak fails when its extra rounds made it grow
beyond the bound of ``tests/reliability/memory.py`` (documented in docs/reliability.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from mock_exchange.allocator import return_freed_memory
from tests.reliability import memory
from tests.reliability.harness import Seeded
from tests.reliability.support import STATS, VIOLATIONS, Budget, soak_seconds

_SHARES: dict[str, float] = {}
_RSS: dict[str, int] = {}
_PER_TEST: list[tuple[str, int, int]] = []  # soak tests: (test, RSS after the normal rounds, RSS at the end)


def pytest_configure(config: pytest.Config) -> None:
    # The suite's process hosts the apps it fuzzes and soaks, so it gives freed memory back as
    # a server does (`serving.create_server`, which every LiveServer here calls anyway, from
    # whichever test starts the first one): the memory check then judges the same process
    # from the first test on.
    return_freed_memory()
    config.addinivalue_line(
        "markers", "soak(weight=1): reliability checks that run longer under MOCK_EXCHANGE_SOAK_SECONDS")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    _RSS["start"] = memory.rss_bytes()  # after collection: every module is imported
    total = soak_seconds()
    marked = [(item, float(item.get_closest_marker("soak").kwargs.get("weight", 1)))
              for item in items if item.get_closest_marker("soak") is not None]
    weights = sum(weight for _, weight in marked) or 1.0
    for item, weight in marked:
        _SHARES[item.nodeid] = total * weight / weights


@pytest.fixture
def budget(request: pytest.FixtureRequest) -> Iterator[Budget]:
    """This test's share of the soak budget (0 seconds in a normal run); its RSS before and after."""
    given = Budget(_SHARES.get(request.node.nodeid, 0.0))
    yield given
    if given.soak and given.warm_rss is not None:
        _PER_TEST.append((request.node.nodeid, given.warm_rss, memory.rss_bytes()))


@pytest.fixture
def seeded() -> Seeded:
    return Seeded()


def _memory_report() -> memory.MemoryReport | None:
    if "start" not in _RSS:
        return None
    if "end" not in _RSS:
        _RSS["end"] = memory.rss_bytes()
    return memory.MemoryReport(start=_RSS["start"], end=_RSS["end"], peak=max(memory.peak_rss_bytes(), _RSS["end"]),
                               limit=memory.growth_limit_bytes(), soaked=list(_PER_TEST))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    report = _memory_report()
    if report is not None and soak_seconds() > 0 and not report.within_bound and exitstatus == 0:
        # A soak whose memory kept growing has found a store without a bound.
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter: Any) -> None:
    report = _memory_report()
    if report is not None:
        terminalreporter.section("memory")
        for line in report.lines():
            terminalreporter.write_line(line)
        if soak_seconds() > 0 and not report.within_bound:
            terminalreporter.write_line(
                f"FAILED: the soak rounds added more memory than {memory.RSS_GROWTH_ENV} allows"
            )
    if not STATS:
        return
    terminalreporter.section("reliability tally")
    for name in sorted(STATS):
        terminalreporter.write_line(f"{name}: {STATS[name]}")
    for item in VIOLATIONS[:20]:
        terminalreporter.write_line(f"  violation: {item}")
