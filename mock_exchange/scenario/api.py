"""The Python API: build a scenario step by step, validate it, run it.

    from mock_exchange.scenario import Scenario

    result = (
        Scenario("OCO take-profit hit")
        .given(prices={"BTCUSDT": "30000"})
        .call("place_oco", symbol="BTCUSDT", side="SELL", quantity="0.01", price="32000",
              stop_price="29000", stop_limit_price="28900", stop_limit_time_in_force="GTC", save="oco")
        .market("BTCUSDT", price="32000")
        .expect(order_list={"order_list_id": "${oco.orderListId}", "listOrderStatus": "ALL_DONE"})
        .run()
    )
    assert result.passed, result.messages

Each method appends the same step a YAML file would hold, located at the line of your
Python code, so a failure points at the ``.expect(...)`` that did not hold.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Mapping
from typing import Any

from mock_exchange.scenario.model import DEFAULT_ACCOUNT, Issue, Location, ScenarioSpec, Step
from mock_exchange.scenario.schema import check_scenario

_PACKAGE_PREFIX = __name__.rsplit(".", 1)[0]


def _caller() -> Location:
    """The first frame outside this package: where the author wrote the step."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_globals.get("__name__", "").startswith(_PACKAGE_PREFIX):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return Location("<python>", 0)
    return Location(frame.f_code.co_filename, frame.f_lineno)


def _compact(**values: Any) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class Scenario(ScenarioSpec):
    """A scenario built in Python (or loaded from YAML); chain the step methods, then ``run``."""

    def __init__(self, name: str, *, account: str = DEFAULT_ACCOUNT, description: str | None = None,
                 steps: list[Step] | None = None, location: Location | None = None) -> None:
        super().__init__(name=name, steps=list(steps or []), account=account, description=description,
                         location=location or _caller())

    def add(self, kind: str, data: Mapping[str, Any], location: Location | None = None) -> Scenario:
        """Append a step written as its mapping (``{"market": {...}}``); returns self."""
        self.steps.append(Step(kind, dict(data), location or _caller()))
        return self

    # -- the step kinds ----------------------------------------------------------------

    def given(self, *, name: str | None = None, **state: Any) -> Scenario:
        """State to start from: seed, clock, symbols, prices, accounts, balances, rate_limits, clients."""
        return self.add("given", _compact(given=state, name=name))

    def call(self, method: str, *, save: str | Mapping[str, str] | None = None, as_: str | None = None,
             expect: Mapping[str, Any] | None = None, name: str | None = None,
             args: Mapping[str, Any] | None = None, **kwargs: Any) -> Scenario:
        """A reference-client method with snake_case arguments (``args=`` or keywords)."""
        merged = {**dict(args or {}), **kwargs}
        return self.add("call", _compact(call=method, args=merged or None, save=save, expect=expect,
                                         name=name, **{"as": as_}))

    def call_raw(self, method: str, path: str, params: Mapping[str, Any] | None = None, *,
                 security: str = "SIGNED", save: str | Mapping[str, str] | None = None,
                 as_: str | None = None, expect: Mapping[str, Any] | None = None,
                 name: str | None = None) -> Scenario:
        """Any request, sent as given through ``MarginClient.call`` (for deliberately bad requests)."""
        raw = {"method": method, "path": path, "params": dict(params or {}), "security": security}
        return self.add("call", _compact(call=raw, save=save, expect=expect, name=name, **{"as": as_}))

    def market(self, symbol: str, *, price: Any = None, trade: Mapping[str, Any] | None = None,
               path: Iterable[Any] | None = None, name: str | None = None) -> Scenario:
        """A last-price print, a trade ``{price, qty}``, or a path of prints."""
        body = _compact(symbol=symbol, price=price, trade=None if trade is None else dict(trade),
                        path=None if path is None else list(path))
        return self.add("market", _compact(market=body, name=name))

    def replay(self, file: str | None = None, *, symbol: str | None = None, align: str | None = None,
               step: int | None = None, to: Any = None, seek: Any = None, end: bool | None = None,
               name: str | None = None) -> Scenario:
        """Load a Binance market data file and/or move its replay (docs/replay.md)."""
        body = _compact(file=file, symbol=symbol, align=align, step=step, to=to, seek=seek, end=end)
        return self.add("replay", _compact(replay=body, name=name))

    def clock(self, action: str | Mapping[str, Any], *, name: str | None = None) -> Scenario:
        """``"freeze"``, ``"unfreeze"``, ``{"advance": "60s"}``, ``{"set": ...}``, ``{"freeze_at": ...}``."""
        body = action if isinstance(action, str) else dict(action)
        return self.add("clock", _compact(clock=body, name=name))

    def advance(self, duration: int | str, *, name: str | None = None) -> Scenario:
        """Move the exchange clock forward (ms, or ``"60s"``, ``"1m"``...)."""
        return self.add("clock", _compact(clock={"advance": duration}, name=name))

    def fault(self, endpoint: str, kind: str, *, count: int | None = None, probability: Any = None,
              method: str | None = None, name: str | None = None, **options: Any) -> Scenario:
        """Inject a fault on requests to ``endpoint`` (a path or glob)."""
        body = _compact(endpoint=endpoint, kind=kind, count=count, probability=probability, method=method,
                        **options)
        return self.add("fault", _compact(fault=body, name=name))

    def clear_faults(self, *, name: str | None = None) -> Scenario:
        return self.add("fault", _compact(fault="clear", name=name))

    def expect(self, *, name: str | None = None, **checks: Any) -> Scenario:
        """status, error, response, order, order_list, balance, open_orders, open_order_lists, journal, events."""
        return self.add("expect", _compact(expect=checks, name=name))

    # -- checking and running -------------------------------------------------------------

    @property
    def seed(self) -> int:
        """The seed of the leading ``given`` steps (0 when none sets one)."""
        for step in self.steps:
            if step.kind != "given":
                break
            if isinstance(step.body, dict) and isinstance(step.body.get("seed"), int):
                return int(step.body["seed"])
        return 0

    @property
    def start_ms(self) -> int:
        """The instant the exchange is reset at: the leading given's ``clock.freeze_at``, else the default."""
        from mock_exchange.scenario.timeparse import DEFAULT_START_MS, parse_instant_ms

        for step in self.steps:
            if step.kind != "given":
                break
            clock = step.body.get("clock") if isinstance(step.body, dict) else None
            if isinstance(clock, dict) and "freeze_at" in clock:
                try:
                    return parse_instant_ms(clock["freeze_at"]) or DEFAULT_START_MS
                except ValueError:
                    break  # reported by validate()
        return DEFAULT_START_MS

    def validate(self, accounts: Iterable[str] | None = None) -> list[Issue]:
        """Every problem found without running (unknown fields, bad references, bad matchers...)."""
        return check_scenario(self, accounts)

    def run(self, *, url: str | None = None, control_token: str | None = None, config: Any = None,
            reporter: Any = None) -> Any:
        """Run in-process (or against ``url``); a ScenarioResult with ``passed`` and ``messages``."""
        from mock_exchange.scenario.environment import LocalEnvironment, RemoteEnvironment
        from mock_exchange.scenario.runner import run_scenario

        env = RemoteEnvironment(url, control_token, config) if url else LocalEnvironment(config)
        try:
            return run_scenario(self, env, reporter)
        finally:
            env.close()
