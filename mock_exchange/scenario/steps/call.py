"""``call``: one request through the reference client, by method name or raw path."""

from __future__ import annotations

from typing import Any

from margin_client import BinanceError, ExecutionStatusUnknownError, MarginClient, Security, reconcile_after
from margin_client.errors import MissingParameterError

from mock_exchange.scenario.located import line_of
from mock_exchange.scenario.model import Step
from mock_exchange.scenario.paths import MISSING, get_path, parse_path
from mock_exchange.scenario.runtime import CallOutcome, Runtime, parse_body
from mock_exchange.scenario.steps.base import StepFailed, StepOutcome


def run_call(rt: Runtime, step: Step, error_expected: bool) -> StepOutcome:
    """Send the request, remember the outcome, save values, and fail on an unexpected error."""
    client = rt.client(step.data.get("as"))
    client.transport.last_response = None
    request, action = _prepare(rt, client, step)
    try:
        result = action()
        response = client.last_response
        status = response.status_code if response is not None else None
        body = parse_body(response.content.decode("utf-8", "replace")) if response is not None else None
        if step.body == "reconcile_after" and result is None:
            body = None  # the exchange said the list or order does not exist: nothing was placed
        outcome = CallOutcome(request, status, body)
    except BinanceError as exc:
        body = parse_body(exc.body) if exc.body else None
        outcome = CallOutcome(request, exc.http_status, body, {"code": exc.code, "msg": exc.msg}, exc)
    except (MissingParameterError, TypeError, ValueError) as exc:
        # Nothing was sent: the reference client refused the arguments itself.
        raise StepFailed(f"the client refused the call before sending it: {exc}",
                         line_of(step.data, "args")) from exc
    response = client.last_response
    if response is not None:
        outcome.headers = {k.lower(): v for k, v in response.headers.items()}
    rt.last = outcome
    _save(rt, step, outcome)
    if outcome.failed and not error_expected:
        why = outcome.headers.get("x-mock-explain")  # the fake's reason beside Binance's answer
        raise StepFailed(f"{request} failed: {outcome.summary()}{f' - why: {why}' if why else ''} (if this is "
                         f"intended, check it with `expect: {{error: ...}}` on the call or in the next step)")
    return StepOutcome(detail=f"→ {outcome.summary()}")


def _prepare(rt: Runtime, client: MarginClient, step: Step) -> tuple[str, Any]:
    body = step.body
    if isinstance(body, dict):
        raw = rt.resolve(body)
        method, path = str(raw["method"]).upper(), str(raw["path"])
        params = dict(raw.get("params") or {})
        security = Security[str(raw.get("security", "SIGNED")).upper()]
        weight = int(raw.get("weight", 1))
        return f"{method} {path}", lambda: client.call(method, path, params, security=security, weight=weight)
    if body == "reconcile_after":
        return "reconcile_after", lambda: _reconcile(rt, client)
    args = dict(rt.resolve(step.data.get("args") or {}))
    return str(body), lambda: getattr(client, str(body))(**args)


def _reconcile(rt: Runtime, client: MarginClient) -> Any:
    """The reference client's own recovery: look up what the last unknown-outcome call was about."""
    last = rt.last
    if last is None or not isinstance(last.exception, ExecutionStatusUnknownError):
        raise StepFailed("reconcile_after: the last call did not end with an unknown outcome (5xx / timeout)")
    return reconcile_after(client, last.exception)


def _save(rt: Runtime, step: Step, outcome: CallOutcome) -> None:
    save = step.data.get("save")
    if save is None:
        return
    targets = {save: "."} if isinstance(save, str) else save
    for name, path in targets.items():
        value = get_path(outcome.body, parse_path(str(path)))
        if value is MISSING:
            holder, key = (step.data, "save") if isinstance(save, str) else (save, name)
            raise StepFailed(f"save {name}: the response has no field {path!r} "
                             f"({outcome.summary()})", line_of(holder, key))
        rt.saved[str(name)] = value
