"""JUnit XML: one testcase per scenario; failures carry file:line and expected vs actual."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from mock_exchange.scenario.junit import junit_xml, write_junit
from mock_exchange.scenario.model import Issue, Location
from mock_exchange.scenario.results import RunReport, ScenarioResult, StepResult
from mock_exchange.scenario.steps.base import Failure


def _report() -> RunReport:
    here = Location("scenarios/oco.yaml", 12)
    passed = ScenarioResult("OCO take-profit", "scenarios/oco.yaml", duration_s=0.25, steps=[
        StepResult(0, "call", "call place_oco(...)", here, "passed", "→ HTTP 200")])
    failed = ScenarioResult("OTO <fill> & more", "scenarios/oto.yaml", duration_s=0.5, steps=[
        StepResult(0, "call", "call place_oto(...)", Location("scenarios/oto.yaml", 5), "passed", "→ HTTP 200"),
        StepResult(1, "expect", "expect order status", Location("scenarios/oto.yaml", 20), "failed",
                   failures=[Failure(Location("scenarios/oto.yaml", 22),
                                     'order BTCUSDT 2: status: expected "FILLED", got "NEW"')]),
        StepResult(2, "market", "market BTCUSDT", Location("scenarios/oto.yaml", 24), "skipped"),
    ])
    invalid = ScenarioResult("broken", "scenarios/bad.yaml", issues=[
        Issue(Location("scenarios/bad.yaml", 3), "unknown step kind 'wait'")])
    return RunReport([passed, failed, invalid])


def test_one_testcase_per_scenario_with_counts() -> None:
    suite = ET.fromstring(junit_xml(_report()))
    assert suite.tag == "testsuite"
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors")) == ("3", "1", "1")
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases] == ["OCO take-profit", "OTO <fill> & more", "broken"]
    assert [c.get("classname") for c in cases] == ["scenarios.oco", "scenarios.oto", "scenarios.bad"]
    assert cases[0].find("failure") is None and cases[0].get("time") == "0.250"


def test_failure_message_has_file_line_expected_and_actual() -> None:
    case = ET.fromstring(junit_xml(_report())).findall("testcase")[1]
    failure = case.find("failure")
    assert failure is not None
    assert failure.get("message") == 'scenarios/oto.yaml:22: order BTCUSDT 2: status: expected "FILLED", got "NEW"'
    assert case.get("file") == "scenarios/oto.yaml" and case.get("line") == "22"
    assert "✗ scenarios/oto.yaml:20: expect order status" in (failure.text or "")
    assert "- scenarios/oto.yaml:24: market BTCUSDT" in (failure.text or "")


def test_invalid_scenarios_are_errors() -> None:
    case = ET.fromstring(junit_xml(_report())).findall("testcase")[2]
    error = case.find("error")
    assert error is not None and error.get("message") == "scenarios/bad.yaml:3: unknown step kind 'wait'"


def test_write_junit_creates_the_directory(tmp_path: Path) -> None:
    target = tmp_path / "reports" / "scenarios.xml"
    write_junit(_report(), target)
    assert ET.parse(target).getroot().get("tests") == "3"
