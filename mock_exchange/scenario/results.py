"""Results of running scenarios: per step, per scenario, and for a whole run."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_exchange.scenario.model import Issue, Location
from mock_exchange.scenario.steps.base import Failure

PASSED, FAILED, SKIPPED = "passed", "failed", "skipped"


@dataclass
class StepResult:
    """One step: its line, what it did, and why it failed if it did."""

    index: int
    kind: str
    description: str
    location: Location
    status: str
    detail: str = ""
    failures: list[Failure] = field(default_factory=list)
    duration_s: float = 0.0


@dataclass
class ScenarioResult:
    """One scenario: its steps' results, or the issues that kept it from running."""

    name: str
    source: str
    steps: list[StepResult] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    duration_s: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.issues and all(s.status != FAILED for s in self.steps)

    @property
    def messages(self) -> list[str]:
        """Every failure as ``file:line: reason`` (issues first)."""
        found = [str(issue) for issue in self.issues]
        for step in self.steps:
            found.extend(str(failure) for failure in step.failures)
        return found

    @property
    def first_failure(self) -> str | None:
        messages = self.messages
        return messages[0] if messages else None


@dataclass
class RunReport:
    """All scenarios of one run."""

    results: list[ScenarioResult] = field(default_factory=list)

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.passed)

    @property
    def failed(self) -> int:
        return len(self.results) - self.passed

    @property
    def ok(self) -> bool:
        return self.failed == 0

    def summary(self) -> str:
        """``N passed, M failed``."""
        return f"{self.passed} passed, {self.failed} failed"
