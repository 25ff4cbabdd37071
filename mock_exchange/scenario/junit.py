"""JUnit XML for CI: one ``testcase`` per scenario, failures with file:line, expected vs actual."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from mock_exchange.scenario.results import FAILED, RunReport, ScenarioResult

SUITE_NAME = "mock-exchange scenarios"


def junit_xml(report: RunReport, suite_name: str = SUITE_NAME) -> str:
    """The whole run as a JUnit XML document (one testsuite)."""
    suite = ET.Element("testsuite", {
        "name": suite_name,
        "tests": str(len(report.results)),
        "failures": str(sum(1 for r in report.results if not r.passed and not r.issues)),
        "errors": str(sum(1 for r in report.results if r.issues)),
        "skipped": "0",
        "time": f"{sum(r.duration_s for r in report.results):.3f}",
    })
    for result in report.results:
        suite.append(_testcase(result))
    ET.indent(suite)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suite, encoding="unicode") + "\n"


def _testcase(result: ScenarioResult) -> ET.Element:
    source = Path(result.source)
    case = ET.Element("testcase", {
        "classname": _classname(source),
        "name": result.name,
        "file": result.source,
        "time": f"{result.duration_s:.3f}",
    })
    line = _first_line(result)
    if line:
        case.set("line", str(line))
    if result.issues:
        element = ET.SubElement(case, "error", {"message": result.first_failure or "invalid scenario",
                                                "type": "ScenarioError"})
        element.text = "\n".join(result.messages)
    elif not result.passed:
        element = ET.SubElement(case, "failure", {"message": result.first_failure or "failed",
                                                  "type": "ScenarioFailure"})
        element.text = _step_log(result)
    out = ET.SubElement(case, "system-out")
    out.text = _step_log(result) if result.steps else ""
    return case


def _classname(source: Path) -> str:
    parts = [p for p in source.with_suffix("").parts if p not in (".", "..", "/")]
    return ".".join(parts[-2:]) if parts else "scenario"


def _first_line(result: ScenarioResult) -> int:
    for issue in result.issues:
        return issue.location.line
    for step in result.steps:
        if step.status == FAILED:
            return step.failures[0].location.line if step.failures else step.location.line
    return 0


def _step_log(result: ScenarioResult) -> str:
    lines = []
    for step in result.steps:
        mark = {"passed": "✓", "failed": "✗"}.get(step.status, "-")
        lines.append(f"{mark} {step.location}: {step.description} {step.detail}".rstrip())
        lines.extend(f"    {failure}" for failure in step.failures)
    return "\n".join(lines)


def write_junit(report: RunReport, path: str | Path) -> None:
    """Write the JUnit XML file (creating its directory)."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(junit_xml(report), encoding="utf-8")
