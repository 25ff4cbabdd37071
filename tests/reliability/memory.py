"""Resident memory of the test process, for the soak's "memory stays bounded" check.

The soak runs the reliability suite in one process, each soak test first doing its normal
rounds and then new rounds until its share of the budget is spent. Every store of the fake
exchange is bounded and every round starts from a restored snapshot or a fresh app, so the
extra rounds must not make the process grow: what a soak test adds after its normal rounds
is accumulation. The run reports the RSS after collection, at the end and at its peak, and
each soak test's growth after its normal rounds; a soak fails when those growths add up to
more than the bound (docs/reliability.md has the figures of a 10-minute soak).
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass, field

MIB = 1024 * 1024
# How much the soak rounds (beyond every test's normal rounds) may add, in all.
RSS_GROWTH_ENV = "MOCK_EXCHANGE_SOAK_RSS_GROWTH_MB"
DEFAULT_RSS_GROWTH_MB = 64


def rss_bytes() -> int:
    """The process's current resident set size (Linux ``/proc``; else the peak so far)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return peak_rss_bytes()


def peak_rss_bytes() -> int:
    """The largest resident set size the process has had (``ru_maxrss`` is KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def growth_limit_bytes() -> int:
    raw = os.environ.get(RSS_GROWTH_ENV, "").strip()
    try:
        return int(float(raw) * MIB) if raw else DEFAULT_RSS_GROWTH_MB * MIB
    except ValueError:
        raise ValueError(f"{RSS_GROWTH_ENV} must be a number of MiB, got {raw!r}") from None


@dataclass
class MemoryReport:
    start: int
    end: int
    peak: int
    limit: int
    # Soak tests: (test id, RSS after its normal rounds, RSS when it ended).
    soaked: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def growth(self) -> int:
        return self.end - self.start

    @property
    def soak_growth(self) -> int:
        """What the soak rounds added, over every soak test."""
        return sum(after - before for _, before, after in self.soaked)

    @property
    def within_bound(self) -> bool:
        return self.soak_growth <= self.limit

    def lines(self) -> list[str]:
        lines = [
            f"RSS at start: {self.start / MIB:.1f} MiB",
            f"RSS at end: {self.end / MIB:.1f} MiB (growth {self.growth / MIB:+.1f} MiB)",
            f"RSS peak: {self.peak / MIB:.1f} MiB",
        ]
        if self.soaked:
            lines.append(f"added by the soak rounds: {self.soak_growth / MIB:+.1f} MiB over {len(self.soaked)} "
                         f"tests (bound {self.limit / MIB:.0f} MiB)")
            for nodeid, before, after in sorted(self.soaked, key=lambda t: t[1] - t[2])[:5]:
                lines.append(f"  {(after - before) / MIB:+.1f} MiB while soaking {nodeid}")
        return lines
