"""Static checks of a scenario: step kinds, fields, references and matchers, with lines.

Everything here runs before the first request, so a typo never costs a half-run scenario.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable
from typing import Any

from mock_exchange.scenario.matchers import check_expected
from mock_exchange.scenario.model import STEP_KINDS, Issue, ScenarioSpec, Step
from mock_exchange.scenario.paths import PathError, parse_path
from mock_exchange.scenario.references import BUILTINS, references_in, split_reference
from mock_exchange.scenario.schema_expect import check_expect
from mock_exchange.scenario.suggest import closest, did_you_mean
from mock_exchange.scenario.timeparse import parse_duration_ms, parse_instant_ms

STEP_EXTRAS = {"call": {"args", "save", "as", "expect"}}
GIVEN_KEYS = ("seed", "clock", "symbols", "prices", "accounts", "balances", "rate_limits", "clients")
CLIENT_KEYS = ("account", "api_key", "secret", "private_key_file", "key_type", "clock_offset_ms", "recv_window")
BALANCE_FIELDS = ("free", "borrowed")
CLOCK_ACTIONS = ("freeze", "freeze_at", "unfreeze", "advance", "set")
FAULT_FIELDS = ("endpoint", "kind", "count", "probability", "method")
RAW_CALL_KEYS = ("method", "path", "params", "security", "weight")
PSEUDO_CALLS = ("reconcile_after",)
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*$")


class Checker:
    """Collects issues for one scenario while walking its steps in order."""

    def __init__(self, spec: ScenarioSpec, accounts: Iterable[str] | None = None) -> None:
        self.spec = spec
        self.issues: list[Issue] = []
        self.saved: set[str] = set()
        self.accounts = set(accounts) if accounts is not None else None
        self.clients: set[str] = set()
        self.calls_so_far = 0
        self.step: Step | None = None

    def problem(self, container: Any, key: Any, reason: str) -> None:
        """Record ``reason`` at the line of ``container[key]`` in the current step."""
        assert self.step is not None
        self.issues.append(Issue(self.step.where(container, key), reason))

    def at_line(self, line: int, reason: str) -> None:
        assert self.step is not None
        self.issues.append(Issue(self.step.location.at(line), reason))

    def mapping(self, value: Any, container: Any, key: Any, what: str) -> bool:
        if isinstance(value, dict):
            return True
        self.problem(container, key, f"{what}: expected a mapping, got {type(value).__name__}")
        return False

    def known_keys(self, value: dict[Any, Any], allowed: Iterable[str], what: str) -> None:
        allowed = tuple(allowed)
        for key in value:
            if key not in allowed:
                self.problem(value, key, f"{what}: unknown field {key!r}{did_you_mean(key, allowed)} "
                                         f"(expected one of: {', '.join(allowed)})")

    def expected(self, value: Any, path: str, line: int) -> None:
        for problem_line, reason in check_expected(value, path, line):
            self.at_line(problem_line, reason)

    def references(self, value: Any, what: str) -> None:
        """Every ``${name}`` in ``value`` must name something saved by an earlier step."""
        for expression, container, key in references_in(value):
            try:
                name, _ = split_reference(expression)
            except PathError as exc:
                self.problem(container, key, f"{what}: bad reference: {exc}")
                continue
            if name not in self.saved and name not in BUILTINS:
                known = ", ".join(sorted(self.saved | BUILTINS))
                self.problem(container, key, f"{what}: bad reference ${{{expression}}}: {name!r} is not saved by "
                                             f"any earlier step (known: {known})")

    def signer_name(self, value: Any, container: Any, key: Any) -> None:
        if not isinstance(value, str):
            self.problem(container, key, "as: expected a client or account name")
        elif value not in self.clients and self.accounts is not None and value not in self.accounts:
            known = ", ".join(sorted(self.clients | self.accounts))
            self.problem(container, key, f"as: unknown client or account {value!r}"
                                         f"{did_you_mean(value, self.clients | self.accounts)} (known: {known})")


def check_scenario(spec: ScenarioSpec, accounts: Iterable[str] | None = None) -> list[Issue]:
    """All issues of ``spec``; ``accounts`` are the account names the exchange knows, if known."""
    checker = Checker(spec, accounts)
    if checker.accounts is not None and spec.account not in checker.accounts:
        checker.issues.append(Issue(spec.location, f"account: unknown account {spec.account!r}"))
    leading_given = True
    for step in spec.steps:
        checker.step = step
        if step.kind not in STEP_KINDS:
            checker.issues.append(Issue(step.location, f"unknown step kind {step.kind!r}"
                                                       f"{did_you_mean(step.kind, STEP_KINDS)}"))
            continue
        allowed = (step.kind, "name", *STEP_EXTRAS.get(step.kind, ()))
        for key in step.data:
            if key not in allowed:
                checker.problem(step.data, key, f"{step.kind} step: unknown field {key!r}"
                                                f"{did_you_mean(key, allowed)} (allowed: {', '.join(allowed)})")
        _check_no_floats(checker, step.data, step.data, None)
        _CHECKS[step.kind](checker, step, leading_given)
        leading_given = leading_given and step.kind == "given"
        if step.kind == "call":
            checker.calls_so_far += 1
    return checker.issues


def _check_no_floats(c: Checker, value: Any, container: Any, key: Any) -> None:
    """Python-built steps only: a float has already lost the decimal the author meant."""
    if isinstance(value, float):
        c.problem(container, key, f"{key}: {value!r} is a float; write money as a str or Decimal")
    elif isinstance(value, dict):
        for child, item in value.items():
            _check_no_floats(c, item, value, child)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_no_floats(c, item, value, index)


# -- given -----------------------------------------------------------------------


def _check_given(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if not c.mapping(body, step.data, "given", "given"):
        return
    c.known_keys(body, GIVEN_KEYS, "given")
    c.references(body, "given")
    if "seed" in body:
        if not leading:
            c.problem(body, "seed", "given.seed: the seed is applied when the exchange is reset, so it must be "
                                    "in a given step before any other step")
        elif not isinstance(body["seed"], int) or isinstance(body["seed"], bool):
            c.problem(body, "seed", "given.seed: expected an integer")
    if "clock" in body:
        _check_given_clock(c, body)
    for key in ("prices", "symbols", "rate_limits", "accounts", "balances", "clients"):
        if key in body:
            c.mapping(body[key], body, key, f"given.{key}")
    if isinstance(body.get("accounts"), dict):
        for name in body["accounts"]:
            if c.accounts is not None:
                c.accounts.add(str(name))
    if isinstance(body.get("balances"), dict):
        _check_balances(c, body["balances"])
    if isinstance(body.get("clients"), dict):
        _check_clients(c, body["clients"])


def _check_given_clock(c: Checker, body: dict[str, Any]) -> None:
    clock = body["clock"]
    if clock in ("running", "frozen"):
        return
    if isinstance(clock, dict) and set(clock) == {"freeze_at"}:
        try:
            parse_instant_ms(clock["freeze_at"])
        except ValueError as exc:
            c.problem(clock, "freeze_at", f"given.clock.freeze_at: {exc}")
        return
    c.problem(body, "clock", "given.clock: write `running`, `frozen` or {freeze_at: <ms or ISO time>}")


def _check_balances(c: Checker, balances: dict[Any, Any]) -> None:
    for account, spec in balances.items():
        if c.accounts is not None and account not in c.accounts:
            c.problem(balances, account, f"given.balances: unknown account {account!r}"
                                         f"{did_you_mean(account, c.accounts)}")
        if not c.mapping(spec, balances, account, f"given.balances.{account}"):
            continue
        c.known_keys(spec, ("cross", "isolated"), f"given.balances.{account}")
        if c.mapping(spec.get("cross", {}), spec, "cross", f"given.balances.{account}.cross"):
            _check_assets(c, spec.get("cross", {}), f"given.balances.{account}.cross")
        isolated = spec.get("isolated", {})
        if c.mapping(isolated, spec, "isolated", f"given.balances.{account}.isolated"):
            for symbol, assets in isolated.items():
                where = f"given.balances.{account}.isolated.{symbol}"
                if c.mapping(assets, isolated, symbol, where):
                    _check_assets(c, assets, where)


def _check_assets(c: Checker, assets: dict[Any, Any], where: str) -> None:
    for asset, value in assets.items():
        if isinstance(value, dict):
            c.known_keys(value, BALANCE_FIELDS, f"{where}.{asset}")
        elif isinstance(value, (dict, list, bool)) or value is None:
            c.problem(assets, asset, f"{where}.{asset}: expected an amount or {{free, borrowed}}")


def _check_clients(c: Checker, clients: dict[Any, Any]) -> None:
    for name, spec in clients.items():
        if not isinstance(name, str) or not NAME.fullmatch(name):
            c.problem(clients, name, f"given.clients: bad client name {name!r}")
        if c.mapping(spec, clients, name, f"given.clients.{name}"):
            c.known_keys(spec, CLIENT_KEYS, f"given.clients.{name}")
            if "account" in spec and c.accounts is not None and spec["account"] not in c.accounts:
                c.problem(spec, "account", f"given.clients.{name}.account: unknown account {spec['account']!r}")
        c.clients.add(str(name))


# -- call ------------------------------------------------------------------------


def client_methods() -> dict[str, inspect.Signature]:
    """The public MarginClient methods a ``call`` step may name, with their signatures."""
    from margin_client import MarginClient

    found = {}
    for name, member in inspect.getmembers(MarginClient, inspect.isfunction):
        if not name.startswith("_") and name not in ("call", "close", "sync_time"):
            found[name] = inspect.signature(member)
    return found


def _check_call(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if isinstance(body, str):
        _check_named_call(c, step, body)
    elif isinstance(body, dict):
        c.known_keys(body, RAW_CALL_KEYS, "call")
        for key in ("method", "path"):
            if not isinstance(body.get(key), str):
                c.problem(body, key if key in body else None, f"call: a raw call needs `{key}` (a string)")
        if "params" in body:
            c.mapping(body["params"], body, "params", "call.params")
        if "args" in step.data:
            c.problem(step.data, "args", "call: a raw call takes `params` inside the call mapping, not `args`")
        c.references(body, "call")
    else:
        c.problem(step.data, "call", "call: expected a client method name or {method, path, params}")
    if "as" in step.data:
        c.signer_name(step.data["as"], step.data, "as")
    _check_save(c, step)
    if "expect" in step.data:
        check_expect(c, step.data["expect"], step.data, "expect", after_call=True)


def _check_named_call(c: Checker, step: Step, method: str) -> None:
    args = step.data.get("args", {})
    if args is None:
        args = {}
    if not c.mapping(args, step.data, "args", "call.args"):
        return
    c.references(args, "call.args")
    if method in PSEUDO_CALLS:
        if args:
            c.problem(step.data, "args", f"call {method}: takes no args (it reconciles the last failed call)")
        return
    methods = client_methods()
    if method not in methods:
        best = closest(method, methods)
        # The best guess first, then other methods of the same family (place_, get_, cancel_...).
        family = sorted(m for m in methods if m.split("_")[0] == method.split("_")[0] and m != best)
        near = ", ".join(([best] if best else []) + family[:5])
        c.problem(step.data, "call", f"call: unknown client method {method!r}"
                                     + (f" (did you mean: {near})" if near else ""))
        return
    params = methods[method].parameters
    accepted = [name for name in params if name != "self"]
    for key in args:
        if key not in accepted:
            c.problem(args, key, f"call {method}: unknown argument {key!r}{did_you_mean(key, accepted)}")
    for name, param in params.items():
        if name != "self" and param.default is inspect.Parameter.empty and name not in args:
            c.problem(step.data, "args" if "args" in step.data else "call",
                      f"call {method}: missing argument {name!r}")


def _check_save(c: Checker, step: Step) -> None:
    save = step.data.get("save")
    if save is None:
        return
    targets = {save: "."} if isinstance(save, str) else save
    if not isinstance(targets, dict):
        c.problem(step.data, "save", "save: a name, or a mapping of names to field paths")
        return
    for name, path in targets.items():
        container = step.data if isinstance(save, str) else save
        key = "save" if isinstance(save, str) else name
        if not isinstance(name, str) or not NAME.fullmatch(name) or name in BUILTINS:
            c.problem(container, key, f"save: {name!r} cannot be a saved name")
            continue
        try:
            parse_path(str(path))
        except PathError as exc:
            c.problem(container, key, f"save.{name}: bad field path: {exc}")
        c.saved.add(name)


# -- market, clock, fault ----------------------------------------------------------


def _check_market(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if not c.mapping(body, step.data, "market", "market"):
        return
    c.known_keys(body, ("symbol", "price", "trade", "path", "index"), "market")
    c.references(body, "market")
    if not isinstance(body.get("symbol"), str):
        c.problem(body, "symbol" if "symbol" in body else None, "market: `symbol` is required")
    actions = [k for k in ("price", "trade", "path", "index") if k in body]
    if len(actions) != 1:
        c.problem(step.data, "market", "market: give exactly one of `price`, `trade`, `path` or `index`")
    trade = body.get("trade")
    if trade is not None and c.mapping(trade, body, "trade", "market.trade"):
        c.known_keys(trade, ("price", "qty"), "market.trade")
        for key in ("price", "qty"):
            if key not in trade:
                c.problem(body, "trade", f"market.trade: `{key}` is required")
    if "path" in body and (not isinstance(body["path"], list) or not body["path"]):
        c.problem(body, "path", "market.path: expected a non-empty list of prices")


def _check_clock(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if body in ("freeze", "unfreeze"):
        return
    if not isinstance(body, dict) or len(body) != 1 or next(iter(body)) not in CLOCK_ACTIONS:
        written = next(iter(body)) if isinstance(body, dict) and len(body) == 1 else body
        c.problem(step.data, "clock", "clock: write `freeze`, `unfreeze`, or one of "
                                      "{advance: 60s}, {freeze_at: <time>}, {set: <time>}"
                                      + did_you_mean(written, (*CLOCK_ACTIONS, "freeze", "unfreeze")))
        return
    action, value = next(iter(body.items()))
    c.references(body, "clock")
    try:
        if action == "advance":
            parse_duration_ms(value)
        elif action in ("freeze_at", "set"):
            parse_instant_ms(value)
    except ValueError as exc:
        c.problem(body, action, f"clock.{action}: {exc}")


REPLAY_KEYS = ("file", "symbol", "align", "step", "to", "seek", "end")


def _check_replay(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if not c.mapping(body, step.data, "replay", "replay"):
        return
    c.known_keys(body, REPLAY_KEYS, "replay")
    c.references(body, "replay")
    moves = [k for k in ("step", "to", "seek", "end") if k in body]
    if len(moves) > 1:
        c.problem(step.data, "replay", "replay: give at most one of `step`, `to`, `seek` or `end`")
    if not moves and "file" not in body:
        c.problem(step.data, "replay", "replay: give a `file` to load, or one of `step`, `to`, `seek`, `end`")
    if "file" not in body and ("symbol" in body or "align" in body):
        c.problem(step.data, "replay", "replay: `symbol` and `align` go with `file`")
    if "step" in body and (isinstance(body["step"], bool) or not isinstance(body["step"], int) or body["step"] < 1):
        c.problem(body, "step", "replay.step: expected a whole number of prints, at least 1")
    if "end" in body and body["end"] is not True:
        c.problem(body, "end", "replay.end: write `end: true` (every print left)")
    if "align" in body and body["align"] not in ("file", "clock"):
        c.problem(body, "align", "replay.align: expected `file` or `clock`")
    for key in ("to", "seek"):
        if key in body:
            try:
                parse_instant_ms(body[key])
            except ValueError as exc:
                c.problem(body, key, f"replay.{key}: {exc}")


def _check_fault(c: Checker, step: Step, leading: bool) -> None:
    body = step.body
    if body == "clear":
        return
    if not c.mapping(body, step.data, "fault", "fault"):
        return
    c.references(body, "fault")
    for key in ("endpoint", "kind"):
        if not isinstance(body.get(key), str):
            c.problem(body, key if key in body else None, f"fault: `{key}` is required")
    kinds = _fault_kinds()
    kind = body.get("kind")
    if kinds is not None and isinstance(kind, str):
        if kind not in kinds:
            c.problem(body, "kind", f"fault: unknown kind {kind!r}{did_you_mean(kind, kinds)} "
                                    f"(known: {', '.join(kinds)})")
            return
        for key in body:
            if key not in FAULT_FIELDS and key not in kinds[kind]:
                fields = (*FAULT_FIELDS, *kinds[kind])
                c.problem(body, key, f"fault: unknown field {key!r} for kind {kind}{did_you_mean(key, fields)} "
                                     f"(fields: {', '.join(fields)})")


def _fault_kinds() -> dict[str, dict[str, Any]] | None:
    try:
        from mock_exchange.control.faults import KINDS
    except ImportError:  # the control plane is optional at load time
        return None
    return KINDS


def _check_expect_step(c: Checker, step: Step, leading: bool) -> None:
    check_expect(c, step.body, step.data, "expect", after_call=c.calls_so_far > 0)


_CHECKS = {
    "given": _check_given, "call": _check_call, "market": _check_market,
    "clock": _check_clock, "fault": _check_fault, "replay": _check_replay, "expect": _check_expect_step,
}


def expects_error(steps: list[Step], index: int) -> bool:
    """Whether call ``index`` is meant to fail: its own or the next step's expect checks status/error."""
    inline = steps[index].data.get("expect")
    if isinstance(inline, dict) and ("status" in inline or "error" in inline):
        return True
    if index + 1 < len(steps) and steps[index + 1].kind == "expect":
        body = steps[index + 1].body
        return isinstance(body, dict) and ("status" in body or "error" in body)
    return False
