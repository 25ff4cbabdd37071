"""Runs scenarios against an environment, step by step, stopping a scenario at its first failure."""

from __future__ import annotations

import time
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

import requests

from mock_exchange.scenario.describe import describe
from mock_exchange.scenario.environment import Environment, LocalEnvironment, transport_reason
from mock_exchange.scenario.model import Issue, Location, ScenarioError
from mock_exchange.scenario.results import FAILED, PASSED, SKIPPED, RunReport, ScenarioResult, StepResult
from mock_exchange.scenario.runtime import Runtime
from mock_exchange.scenario.steps import execute
from mock_exchange.scenario.steps.actions import start_clock

if TYPE_CHECKING:
    from mock_exchange.scenario.api import Scenario

SCENARIO_SUFFIXES = (".yaml", ".yml")


class Reporter(Protocol):
    """Receives progress as it happens (the CLI prints it; tests may collect it)."""

    def scenario_started(self, scenario: Scenario) -> None: ...

    def step_finished(self, result: StepResult) -> None: ...

    def scenario_finished(self, result: ScenarioResult) -> None: ...


class SilentReporter:
    """A reporter that ignores everything."""

    def scenario_started(self, scenario: Scenario) -> None:
        pass

    def step_finished(self, result: StepResult) -> None:
        pass

    def scenario_finished(self, result: ScenarioResult) -> None:
        pass


def run_scenario(scenario: Scenario, env: Environment | None = None,
                 reporter: Reporter | None = None) -> ScenarioResult:
    """Validate, then run ``scenario`` from a reset exchange with its clock frozen at the start instant."""
    env = env or LocalEnvironment()
    reporter = reporter or SilentReporter()
    started = time.perf_counter()
    result = ScenarioResult(scenario.name, scenario.location.file)
    reporter.scenario_started(scenario)
    result.issues = scenario.validate(accounts=env.account_configs())
    if not result.issues:
        _run_steps(scenario, env, reporter, result)
    result.duration_s = time.perf_counter() - started
    reporter.scenario_finished(result)
    return result


def _run_steps(scenario: Scenario, env: Environment, reporter: Reporter, result: ScenarioResult) -> None:
    try:
        env.start(scenario.seed)
        runtime = Runtime(env, scenario.account)
        start_clock(runtime, scenario.start_ms, scenario.seed)
    except requests.RequestException as exc:
        result.issues.append(Issue(scenario.location, f"cannot start the exchange: {env.label}: "
                                                      f"{transport_reason(exc)}"))
        return
    except Exception as exc:  # noqa: BLE001 - the exchange could not be started or reset
        result.issues.append(Issue(scenario.location, f"cannot start the exchange: {exc}"))
        return
    failed = False
    for index, step in enumerate(scenario.steps):
        step_started = time.perf_counter()
        entry = StepResult(index, step.kind, describe(step), step.location, SKIPPED)
        if not failed:
            outcome = execute(runtime, scenario.steps, index)
            entry.status = PASSED if outcome.ok else FAILED
            entry.detail, entry.failures = outcome.detail, outcome.failures
            failed = not outcome.ok
        entry.duration_s = time.perf_counter() - step_started
        result.steps.append(entry)
        reporter.step_finished(entry)


def discover(paths: Iterable[str | Path]) -> list[Path]:
    """Scenario files named by ``paths``: files as given, directories searched recursively (sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.suffix in SCENARIO_SUFFIXES and p.is_file()))
        else:
            found.append(path)
    return found


def load_all(files: Iterable[Path], accounts: Iterable[str] | None = None) -> tuple[list[Scenario], list[Issue]]:
    """Load and validate every file; the scenarios that loaded, and every issue found."""
    from mock_exchange.scenario.loader import load_file

    accounts = None if accounts is None else list(accounts)  # read once per file
    scenarios: list[Scenario] = []
    issues: list[Issue] = []
    for path in files:
        try:
            scenario = load_file(path, accounts)
        except ScenarioError as exc:
            issues.extend(exc.issues)
            continue
        except OSError as exc:
            issues.append(Issue(Location(str(path), 0), f"cannot read: {exc.strerror or exc}"))
            continue
        problems = scenario.validate(accounts=accounts)
        issues.extend(problems)
        scenarios.append(scenario)
    return scenarios, issues


def run_all(scenarios: Iterable[Scenario], env: Environment, reporter: Reporter | None = None) -> RunReport:
    """Run scenarios one after the other on ``env`` (each from a fresh or reset exchange)."""
    report = RunReport()
    try:
        for scenario in scenarios:
            report.results.append(run_scenario(scenario, env, reporter))
    finally:
        env.close()
    return report
