"""``scenario run --html PATH``: an HTML run report per scenario (mock_exchange/report).

Where the files go:

- PATH ends in ``.html`` (or ``.htm``) and one scenario runs: the report is PATH.
- PATH ends in ``.html`` and several run: PATH is an index linking to one report per
  scenario, named after PATH and the scenario's file: ``report.html`` gets
  ``report-oco_stop_loss_hit.html``, ``report-otoco_take_profit.html``... beside it.
- any other PATH is a directory: ``PATH/index.html`` and ``PATH/<scenario file>.html``.

Two scenario files with one name (in different directories) get ``-2``, ``-3``... A report
is written as each scenario finishes, before the next one resets the exchange.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from mock_exchange.report import RunContext, Step, collect, empty_record, render, safe_file_name, write_page
from mock_exchange.report.page import render_index
from mock_exchange.scenario.results import ScenarioResult

_PAGE_SUFFIXES = (".html", ".htm")


class HtmlReports:
    """A reporter that writes each scenario's report, then hands every call on to ``inner``."""

    def __init__(self, target: str, env: Any, inner: Any, scenario_count: int) -> None:
        self.target = Path(target)
        self.env = env
        self.inner = inner
        self.single = self.target.suffix.lower() in _PAGE_SUFFIXES and scenario_count == 1
        self.written: list[tuple[ScenarioResult, Path]] = []
        self._stems: set[str] = set()

    # -- the Reporter protocol --------------------------------------------------------------

    def scenario_started(self, scenario: Any) -> None:
        self.inner.scenario_started(scenario)

    def step_finished(self, result: Any) -> None:
        self.inner.step_finished(result)

    def scenario_finished(self, result: ScenarioResult) -> None:
        path = self._path_for(result)
        context = scenario_context(result)
        if result.steps and self.env.control is not None:
            try:
                page = render(collect(self.env.control, context))
            except Exception as exc:  # noqa: BLE001 - a report must not stop the run
                page = render(empty_record(context, f"the exchange could not be read for this report: {exc}"))
        else:
            page = render(empty_record(context, "the scenario did not start, so there is no exchange to show"))
        self.written.append((result, write_page(page, path)))
        self.inner.scenario_finished(result)

    # -- files ------------------------------------------------------------------------------

    def _path_for(self, result: ScenarioResult) -> Path:
        if self.single:
            return self.target
        stem = Path(result.source).stem or "scenario"
        unique, n = stem, 1
        while unique in self._stems:
            n += 1
            unique = f"{stem}-{n}"
        self._stems.add(unique)
        if self.target.suffix.lower() in _PAGE_SUFFIXES:
            return self.target.with_name(safe_file_name(f"{self.target.stem}-{unique}"))
        return self.target / safe_file_name(unique)

    @property
    def index_path(self) -> Path | None:
        if self.single:
            return None
        return self.target if self.target.suffix.lower() in _PAGE_SUFFIXES else self.target / "index.html"

    def finish(self) -> Path:
        """Write the index when there are several reports; the file a user should open."""
        index = self.index_path
        if index is None:
            return self.target
        rows = [(result.name, result.source, "passed" if result.passed else "failed",
                 path.relative_to(index.parent).as_posix()) for result, path in self.written]
        return write_page(render_index("Scenario reports", rows), index)


def scenario_context(result: ScenarioResult) -> RunContext:
    steps = tuple(Step(step.status, step.description, str(step.location), step.detail,
                       tuple(str(failure) for failure in step.failures)) for step in result.steps)
    return RunContext("scenario", result.name, result.source, "passed" if result.passed else "failed", steps,
                      "\n".join(str(issue) for issue in result.issues))
