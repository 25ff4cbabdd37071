"""The scenario library: every file in scenarios/ is one test, run on a fresh exchange."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from mock_exchange.scenario import LocalEnvironment, Scenario, load_file, run_scenario

SCENARIO_DIR = Path(__file__).resolve().parents[2] / "scenarios"
FILES = sorted(SCENARIO_DIR.glob("*.yaml"))


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_scenario(path: Path) -> None:
    result = run_scenario(load_file(path))
    assert result.passed, "\n".join(result.messages)


def test_the_library_has_at_least_fifteen_stories() -> None:
    assert len(FILES) >= 15


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_each_scenario_opens_with_its_story(path: Path) -> None:
    header = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    assert len([line for line in header if line.strip("# ")]) >= 3, f"{path.name}: tell the story in a # header"
    assert load_file(path).name


class _KeepOpen(LocalEnvironment):
    """An in-process environment whose app survives the run, to read its journal afterwards."""

    def close(self) -> None:
        pass


def _journal(scenario: Scenario) -> list[dict[str, Any]]:
    env = _KeepOpen()
    assert run_scenario(scenario, env).passed
    return [{k: e[k] for k in ("time_ms", "method", "path", "params", "status", "response")}
            for e in env.control.journal()]


def test_same_scenario_same_responses() -> None:
    scenario = load_file(SCENARIO_DIR / "oco_take_profit_hit.yaml")
    first, second = _journal(scenario), _journal(scenario)
    assert first and first == second


def test_responses_do_not_depend_on_the_wall_clock() -> None:
    from freezegun import freeze_time

    scenario = load_file(SCENARIO_DIR / "borrow_interest_repay.yaml")
    with freeze_time("2025-06-01T12:34:56Z"):
        before = _journal(scenario)
    with freeze_time("2031-02-03T04:05:06Z"):
        after = _journal(scenario)
    assert before and before == after
