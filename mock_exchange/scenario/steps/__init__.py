"""Step executors: one function per step kind, all returning a :class:`StepOutcome`."""

from __future__ import annotations

from mock_exchange.scenario.steps.base import Failure, StepFailed, StepOutcome
from mock_exchange.scenario.steps.dispatch import execute

__all__ = ["Failure", "StepFailed", "StepOutcome", "execute"]
