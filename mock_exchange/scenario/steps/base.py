"""What a step execution reports back to the runner."""

from __future__ import annotations

from dataclasses import dataclass, field

from mock_exchange.scenario.matchers import Mismatch
from mock_exchange.scenario.model import Location, Step


@dataclass(frozen=True)
class Failure:
    """One reason a step failed, at the line that stated the expectation."""

    location: Location
    message: str

    def __str__(self) -> str:
        return f"{self.location}: {self.message}"


@dataclass
class StepOutcome:
    """Passed or failed, plus a short result for the step line (``HTTP 200``)."""

    failures: list[Failure] = field(default_factory=list)
    detail: str = ""

    @property
    def ok(self) -> bool:
        return not self.failures


class StepFailed(Exception):
    """Raised inside an executor to fail the step with ``message`` at ``line``."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.message = message
        self.line = line


def mismatch_failures(step: Step, prefix: str, mismatches: list[Mismatch]) -> list[Failure]:
    """Failures for matcher mismatches, each at the line of the expectation that failed."""
    return [Failure(step.location.at(m.line), f"{prefix}{m.describe()}") for m in mismatches]
