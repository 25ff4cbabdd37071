"""``given``: the exchange state a story starts from (applied through the control plane)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from mock_exchange.scenario.located import line_of
from mock_exchange.scenario.model import Step
from mock_exchange.scenario.runtime import Runtime
from mock_exchange.scenario.steps.base import StepFailed, StepOutcome
from mock_exchange.scenario.timeparse import DEFAULT_START_MS, parse_instant_ms


def run_given(rt: Runtime, step: Step) -> StepOutcome:
    """Apply each part of the given in a fixed order: clock, symbols, accounts, balances, prices."""
    body = rt.resolve(step.body)
    control = rt.env.control
    if "clock" in body:
        _clock(rt, body["clock"])
    for symbol, spec in (body.get("symbols") or {}).items():
        _control(body.get("symbols"), symbol, control.add_symbol, symbol, **dict(spec))
    for name, spec in (body.get("accounts") or {}).items():
        _control(body.get("accounts"), name, control.add_account, name, **dict(spec))
        rt.add_account_credentials(str(name), dict(spec))
    for account, spec in (body.get("balances") or {}).items():
        _balances(rt, str(account), spec)
    for symbol, price in (body.get("prices") or {}).items():
        _control(body.get("prices"), symbol, control.set_price, symbol, price)
    if body.get("rate_limits"):
        _control(body, "rate_limits", control.set_rate_limits, **dict(body["rate_limits"]))
    for name, spec in (body.get("clients") or {}).items():
        rt.define_client(str(name), dict(spec))
    return StepOutcome()


def _clock(rt: Runtime, clock: Any) -> None:
    control = rt.env.control
    if clock == "running":
        control.unfreeze()
    elif clock == "frozen":
        control.freeze(DEFAULT_START_MS)
    else:
        control.freeze(parse_instant_ms(clock["freeze_at"]))


def _balances(rt: Runtime, account: str, spec: dict[str, Any]) -> None:
    control = rt.env.control
    for asset, value in (spec.get("cross") or {}).items():
        free, borrowed = _amounts(value)
        _control(spec.get("cross"), asset, control.set_balance, account, asset, free, borrowed)
    for symbol, assets in (spec.get("isolated") or {}).items():
        for asset, value in assets.items():
            free, borrowed = _amounts(value)
            _control(assets, asset, control.set_balance, account, asset, free, borrowed, isolated_symbol=symbol)


def _amounts(value: Any) -> tuple[Any, Any]:
    if isinstance(value, dict):
        return value.get("free", 0), value.get("borrowed")
    return value, None


def _control(container: Any, key: Any, operation: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Run a control operation; a refusal fails the step at the line that asked for it."""
    try:
        return operation(*args, **kwargs)
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc)
        raise StepFailed(f"given {key}: the exchange refused it: {message}", line_of(container, key)) from exc
