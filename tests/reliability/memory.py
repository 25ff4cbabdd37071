"""Resident memory of the test process, for the soak's "memory stays bounded" check.

The soak runs the whole reliability suite again and again in one process. Every store of
the fake exchange is bounded, and every round starts from a restored snapshot or a fresh
app, so once the first rounds have filled the stores the process must stop growing. The
check compares the resident set size (RSS) after collection with the RSS at the end of the
session; docs/reliability.md documents the bound and the figures of a 10-minute soak.
"""

from __future__ import annotations

import os
import resource
from dataclasses import dataclass

MIB = 1024 * 1024
# How much a soak may grow between its start and its end (override for a longer soak).
RSS_GROWTH_ENV = "MOCK_EXCHANGE_SOAK_RSS_GROWTH_MB"
DEFAULT_RSS_GROWTH_MB = 128


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

    @property
    def growth(self) -> int:
        return self.end - self.start

    @property
    def within_bound(self) -> bool:
        return self.growth <= self.limit

    def lines(self) -> list[str]:
        return [
            f"RSS at start: {self.start / MIB:.1f} MiB",
            f"RSS at end: {self.end / MIB:.1f} MiB (growth {self.growth / MIB:+.1f} MiB, "
            f"bound {self.limit / MIB:.0f} MiB)",
            f"RSS peak: {self.peak / MIB:.1f} MiB",
        ]
