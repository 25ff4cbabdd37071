"""A deliberately broken scenario fails at the right line, saying expected vs actual."""

from __future__ import annotations

from pathlib import Path

from mock_exchange.scenario import load_file, run_scenario

BROKEN = Path(__file__).with_name("broken") / "oco_wrong_expectation.yaml"


def _line_of(text: str) -> int:
    lines = BROKEN.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if text in line)


def test_broken_scenario_points_at_the_failing_line() -> None:
    result = run_scenario(load_file(BROKEN))
    assert not result.passed
    assert result.messages == [
        (f"{BROKEN}:{_line_of('listOrderStatus: ALL_DONE')}: response.listOrderStatus: "
         'expected "ALL_DONE", got "EXECUTING" (last call: place_oco → HTTP 200)')
    ]


def test_steps_after_the_failure_are_skipped() -> None:
    result = run_scenario(load_file(BROKEN))
    assert [(s.kind, s.status) for s in result.steps] == [
        ("given", "passed"), ("call", "passed"), ("expect", "failed"), ("market", "skipped"),
    ]
    failed = result.steps[2]
    assert failed.location.line == _line_of("- expect:")
    assert failed.failures[0].location.line == _line_of("listOrderStatus: ALL_DONE")
