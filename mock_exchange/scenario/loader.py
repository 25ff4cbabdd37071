"""Reading scenario files: YAML → :class:`Scenario`, with every problem located at file:line."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from mock_exchange.scenario.api import Scenario
from mock_exchange.scenario.located import LocatedDict, YamlSyntaxError, line_of, load_located
from mock_exchange.scenario.model import DEFAULT_ACCOUNT, STEP_KINDS, Issue, Location, ScenarioError, Step
from mock_exchange.scenario.suggest import closest, did_you_mean

TOP_LEVEL_KEYS = ("name", "description", "account", "steps")


def load_file(path: str | Path, accounts: Iterable[str] | None = None) -> Scenario:
    """Load one scenario file; ScenarioError listing every problem (see :func:`load_text`)."""
    source = Path(path)
    return load_text(source.read_text(encoding="utf-8"), str(path), default_name=source.stem, accounts=accounts)


def load_text(text: str, filename: str = "<scenario>", default_name: str | None = None,
              accounts: Iterable[str] | None = None) -> Scenario:
    """Load a scenario from YAML text (``filename`` is used in messages).

    A structural problem (an unknown step kind, a step with two kinds...) does not hide the
    others: the steps that could be read are validated too (against ``accounts`` when
    given), and the ScenarioError lists every issue in line order.
    """
    try:
        document = load_located(text)
    except YamlSyntaxError as exc:
        raise ScenarioError([Issue(Location(filename, exc.line), exc.reason)]) from None
    issues: list[Issue] = []

    def problem(container: Any, key: Any, reason: str) -> None:
        issues.append(Issue(Location(filename, line_of(container, key, 1)), reason))

    if not isinstance(document, dict):
        raise ScenarioError([Issue(Location(filename, line_of(document, None, 1)),
                                   "a scenario file is a mapping with `name` and `steps`")])
    for key in document:
        if key not in TOP_LEVEL_KEYS:
            problem(document, key, f"unknown top-level field {key!r}{did_you_mean(key, TOP_LEVEL_KEYS)} "
                                   f"(expected: {', '.join(TOP_LEVEL_KEYS)})")
    for key in ("name", "description", "account"):
        if key in document and not isinstance(document[key], str):
            problem(document, key, f"{key}: expected text")
    raw_steps = document.get("steps")
    if not isinstance(raw_steps, list) or not raw_steps:
        problem(document, "steps" if "steps" in document else None, "steps: expected a non-empty list of steps")
        raw_steps = []
    steps = [step for index, item in enumerate(raw_steps)
             if (step := _step(item, index, raw_steps, filename, problem)) is not None]
    scenario = Scenario(
        str(document.get("name") or default_name or filename),
        account=str(document.get("account", DEFAULT_ACCOUNT)),
        description=document.get("description") if isinstance(document.get("description"), str) else None,
        steps=steps,
        location=Location(filename, line_of(document, "name", 1)),
    )
    if issues:
        # Everything else that is wrong, too, so one run of `scenario check` shows it all.
        issues.extend(scenario.validate(accounts=accounts))
        raise ScenarioError(sorted(issues, key=lambda issue: issue.location.line))
    return scenario


def _step(item: Any, index: int, steps: list[Any], filename: str, problem: Any) -> Step | None:
    """One list item as a Step; reports a missing, unknown or doubled kind.

    A misspelt kind (``cal: place_oco``) is reported, and the step is still checked as the
    kind it most likely meant, so its other mistakes show in the same run.
    """
    location = Location(filename, line_of(steps, index, 1))
    if not isinstance(item, dict) or not item:
        problem(steps, index, "a step is a mapping such as `call: place_oco` or `expect: {...}`")
        return None
    kinds = [key for key in item if key in STEP_KINDS]
    if "call" in kinds and "expect" in kinds:
        kinds.remove("expect")  # a call's inline expectation, not a second step
    if len(kinds) > 1:
        problem(item, kinds[1], f"one step has one kind; found {', '.join(kinds)} (split it into steps)")
        return None
    data = item if isinstance(item, LocatedDict) else LocatedDict(item)
    if not kinds:
        first = next(iter(item))
        problem(item, first, f"unknown step kind {first!r}{did_you_mean(first, STEP_KINDS)} "
                             f"(step kinds: {', '.join(STEP_KINDS)})")
        meant = closest(first, STEP_KINDS)
        if meant is None:
            return None
        return Step(meant, _renamed(data, first, meant), location)
    return Step(kinds[0], data, location)


def _renamed(data: LocatedDict, old: Any, new: str) -> LocatedDict:
    """``data`` with the key ``old`` written as ``new`` (same order, same lines)."""
    renamed = LocatedDict((new if key == old else key, value) for key, value in data.items())
    renamed.line = data.line
    renamed.key_lines = {(new if key == old else key): line for key, line in data.key_lines.items()}
    return renamed
