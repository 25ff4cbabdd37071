"""``expect.events``: the domain events the exchange emitted (fills, expiries, list status...)."""

from __future__ import annotations

from typing import Any

from mock_exchange.scenario.located import line_of
from mock_exchange.scenario.matchers import match, show
from mock_exchange.scenario.model import Step
from mock_exchange.scenario.runtime import Runtime
from mock_exchange.scenario.steps.base import Failure, StepFailed


def check_events(rt: Runtime, step: Step, spec: dict[str, Any]) -> list[Failure]:
    """Filter events with ``where``, then check ``count`` and the in-order ``sequence``."""
    since = rt.event_mark if spec.get("since") == "last_action" else 0
    try:
        events = rt.env.control.events(since=since, account=spec.get("account"))
    except Exception as exc:
        raise StepFailed(f"events: {getattr(exc, 'message', None) or exc}", line_of(spec)) from exc
    where = spec.get("where")
    if where is not None:
        events = [e for e in events if not match(where, e)]
    failures: list[Failure] = []
    if "count" in spec:
        mismatches = match(spec["count"], len(events), "events.count", line_of(spec, "count"))
        failures += [Failure(step.location.at(m.line), f"{m.describe()}; events: {summarise(events)}")
                     for m in mismatches]
    if "sequence" in spec:
        failures += _sequence(step, spec["sequence"], events, line_of(spec, "sequence"))
    return failures


def _sequence(step: Step, patterns: list[Any], events: list[dict[str, Any]], line: int) -> list[Failure]:
    """Each pattern must match a later event than the previous pattern did (gaps allowed)."""
    position = 0
    for index, pattern in enumerate(patterns):
        while position < len(events) and match(pattern, events[position]):
            position += 1
        if position == len(events):
            where = line_of(patterns, index, line)
            nearest = _closest(pattern, events)
            hint = f"; closest: {nearest}" if nearest else ""
            return [Failure(step.location.at(where),
                            f"events.sequence[{index}]: expected an event matching {show(pattern)} "
                            f"after the ones matched before, got none; events: {summarise(events)}{hint}")]
        position += 1
    return []


def _closest(pattern: Any, events: list[dict[str, Any]]) -> str:
    """What kept the best candidate from matching, to make the failure actionable."""
    best: list[Any] | None = None
    for event in events:
        mismatches = match(pattern, event)
        if best is None or len(mismatches) < len(best):
            best = mismatches
    if not best:
        return ""
    return "; ".join(m.describe() for m in best[:3])


def summarise(events: list[dict[str, Any]]) -> str:
    """``new #1, new #2, list_status, expire #1, fill #2, list_done, balance``."""
    if not events:
        return "(none)"
    parts = [f"{e.get('action')} #{e['order_id']}" if e.get("order_id") is not None else str(e.get("action"))
             for e in events]
    return ", ".join(parts[:40]) + (" ..." if len(parts) > 40 else "")

