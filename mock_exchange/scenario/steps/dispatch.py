"""Runs one step of any kind and turns every failure into a located :class:`Failure`."""

from __future__ import annotations

from mock_exchange.scenario.model import Step
from mock_exchange.scenario.references import ReferenceError_
from mock_exchange.scenario.runtime import Runtime
from mock_exchange.scenario.schema import expects_error
from mock_exchange.scenario.steps.actions import run_clock, run_fault, run_market, run_replay
from mock_exchange.scenario.steps.base import Failure, StepFailed, StepOutcome
from mock_exchange.scenario.steps.call import run_call
from mock_exchange.scenario.steps.expect import run_expect
from mock_exchange.scenario.steps.given import run_given

ACTIONS = ("call", "market", "clock", "fault", "replay")


def execute(rt: Runtime, steps: list[Step], index: int) -> StepOutcome:
    """Run ``steps[index]``; never raises for a scenario failure, only for runner bugs."""
    step = steps[index]
    try:
        if step.kind in ACTIONS:
            _mark_events(rt)
        if step.kind == "given":
            return run_given(rt, step)
        if step.kind == "call":
            outcome = run_call(rt, step, expects_error(steps, index))
            if "expect" in step.data:
                checked = run_expect(rt, step, step.data["expect"])
                outcome.failures.extend(checked.failures)
            return outcome
        if step.kind == "market":
            return run_market(rt, step)
        if step.kind == "clock":
            return run_clock(rt, step)
        if step.kind == "fault":
            return run_fault(rt, step)
        if step.kind == "replay":
            return run_replay(rt, step)
        return run_expect(rt, step)
    except StepFailed as exc:
        return StepOutcome([Failure(step.location.at(exc.line), exc.message)])
    except (ReferenceError_, LookupError) as exc:
        return StepOutcome([Failure(step.location, str(exc).strip("'\""))])
    except Exception as exc:  # noqa: BLE001 - a control-plane or transport error belongs to the step
        message = getattr(exc, "message", None) or str(exc)
        return StepOutcome([Failure(step.location, f"{type(exc).__name__}: {message}")])


def _mark_events(rt: Runtime) -> None:
    """Remember the newest event seq, so ``events: {since: last_action}`` sees only what follows."""
    events = rt.env.control.events(since=rt.event_mark)
    if events:
        rt.event_mark = max(int(e.get("seq", 0)) for e in events)
