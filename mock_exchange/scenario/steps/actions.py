"""``market``, ``clock``, ``fault`` and ``replay``: steering the exchange through the control plane."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_exchange.scenario.model import Step
from mock_exchange.scenario.runtime import Runtime
from mock_exchange.scenario.schema import FAULT_FIELDS
from mock_exchange.scenario.steps.base import StepFailed, StepOutcome
from mock_exchange.scenario.timeparse import DEFAULT_START_MS, iso, parse_duration_ms, parse_instant_ms

REPLAY_BATCH = 100_000


def _refused(what: str, exc: Exception) -> StepFailed:
    return StepFailed(f"{what}: the exchange refused it: {getattr(exc, 'message', None) or exc}")


def run_market(rt: Runtime, step: Step) -> StepOutcome:
    """A print, a trade, a price path or an index price; reports what it caused."""
    body = rt.resolve(step.body)
    control, symbol = rt.env.control, str(body["symbol"])
    try:
        if "price" in body:
            events = control.set_price(symbol, body["price"])
        elif "trade" in body:
            events = control.trade(symbol, body["trade"]["price"], body["trade"]["qty"])
        elif "index" in body:
            # The index price margin accounts are valued at; no print, so no order moves.
            control.set_index_price(symbol, body["index"])
            return StepOutcome(detail=f"→ index {body['index']}")
        else:
            events = control.price_path(symbol, list(body["path"]))
    except Exception as exc:  # ControlError (local or remote) or a TypeError for a bad value
        raise _refused("market", exc) from exc
    return StepOutcome(detail=_event_summary(events))


def _event_summary(events: list[dict[str, Any]]) -> str:
    shown = [e for e in events if e.get("action") not in ("balance", "list_status")]
    if not shown:
        return "→ nothing happened"
    return "→ " + ", ".join(f"{e.get('action')} #{e['order_id']}" if e.get("order_id") is not None
                            else str(e.get("action")) for e in shown)


def run_clock(rt: Runtime, step: Step) -> StepOutcome:
    """Freeze, unfreeze, set or advance the exchange clock; reports the new time."""
    control = rt.env.control
    body = rt.resolve(step.body)
    try:
        if body == "freeze":
            now = control.freeze()
        elif body == "unfreeze":
            now = control.unfreeze()
        else:
            action, value = next(iter(body.items()))
            if action == "advance":
                now = control.advance(parse_duration_ms(value))
            elif action == "set":
                now = control.set_time(parse_instant_ms(value))
            elif action == "freeze_at":
                now = control.freeze(parse_instant_ms(value))
            elif action == "freeze":
                now = control.freeze(None if value is True else parse_instant_ms(value))
            else:
                now = control.unfreeze()
    except Exception as exc:
        raise _refused("clock", exc) from exc
    return StepOutcome(detail=f"→ {iso(now)}")


def run_fault(rt: Runtime, step: Step) -> StepOutcome:
    """Add a fault rule (the kind's options sit next to endpoint and kind), or clear them all."""
    control = rt.env.control
    body = rt.resolve(step.body)
    try:
        if body == "clear":
            return StepOutcome(detail=f"→ {control.clear_faults()} rule(s) removed")
        options = {k: v for k, v in body.items() if k not in FAULT_FIELDS}
        rule = control.inject_fault(body["endpoint"], body["kind"], count=body.get("count"),
                                    probability=body.get("probability"), method=body.get("method"), **options)
    except Exception as exc:
        raise _refused("fault", exc) from exc
    return StepOutcome(detail=f"→ rule {rule.get('id')}")


def replay_file_path(step: Step, file: str) -> str:
    """A replay file named in a scenario: relative to the scenario file (else as written)."""
    path = Path(file)
    scenario = Path(step.location.file)
    if not path.is_absolute() and scenario.is_file():
        path = scenario.parent / path
    return str(path)


def run_replay(rt: Runtime, step: Step) -> StepOutcome:
    """Load a market data file and/or move its replay: ``step`` N prints, ``to`` a time, ``seek``, ``end``."""
    control = rt.env.control
    body = rt.resolve(step.body)
    try:
        if "file" in body:
            control.replay_load(replay_file_path(step, str(body["file"])), symbol=body.get("symbol"),
                                align=body.get("align"))
        if "step" in body:
            status = control.replay_step(int(body["step"]))
        elif "to" in body:
            status = control.replay_step(to_ms=parse_instant_ms(body["to"]))
        elif "seek" in body:
            status = control.replay_seek(parse_instant_ms(body["seek"]))
        elif body.get("end"):
            status = _to_end(control)
        else:
            status = control.replay_status()
            return StepOutcome(detail=f"→ {status['file']} loaded, first print at {iso(status['next_print_ms'])}")
    except Exception as exc:
        raise _refused("replay", exc) from exc
    summary = _event_summary([e for e in status.get("events", []) if e.get("action") != "replay_end"])
    ended = ", the end of the file" if status.get("ended") else ""
    return StepOutcome(detail=f"{summary} ({status.get('printed', 0)} prints{ended})")


def _to_end(control: Any) -> dict[str, Any]:
    """Every print left, in steps (so no time has to be named)."""
    printed, events = 0, []
    while True:
        status = control.replay_step(REPLAY_BATCH)
        printed += status["printed"]
        events.extend(status["events"])
        if status["ended"] or status["printed"] == 0:
            return {**status, "printed": printed, "events": events}


def start_clock(rt: Runtime, start_ms: int = DEFAULT_START_MS, seed: int = 0) -> None:
    """Reset with the clock frozen at the start instant, so all state begins at that instant.

    The freeze comes before the state is rebuilt: accounts built while the clock still read
    wall time would carry that later instant (e.g. as their interest checkpoint) into the
    scenario.
    """
    rt.env.control.reset(seed=seed, at_ms=start_ms)
