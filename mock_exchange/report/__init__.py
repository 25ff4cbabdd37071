"""Run reports: one self-contained HTML file showing what happened in a run of the fake exchange.

    from mock_exchange.report import RunContext, write_report
    write_report(fake_exchange.control, "report.html", RunContext("test", "my test", outcome="failed"))

A report holds a price chart per symbol the run touched (candles from the tape, each
order's resting price and stop level drawn over the time it waited, fills as markers),
the event timeline, and the request journal with every rejection's explanation. It is
read through the control API, so it works for an in-process exchange and a served one.
``mock-exchange scenario run --html`` and the pytest plugin's ``--fake-exchange-report``
write them (docs/reports.md).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mock_exchange.report.record import RunContext

# Loaded on first use: ``mock-exchange serve`` builds the ``report`` subcommand's parser and
# should not pay for the page renderer.
_EXPORTS = {"safe_file_name": "naming", "GENERATED_MARKER": "page", "render": "page", "RunContext": "record",
            "RunRecord": "record", "Step": "record", "collect": "record", "empty_record": "record"}
__all__ = ["GENERATED_MARKER", "RunContext", "RunRecord", "Step", "collect", "empty_record", "render",
           "safe_file_name", "write_page", "write_report"]


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)


def write_report(control: Any, path: str | os.PathLike[str], context: RunContext,
                 generated_ms: int | None = None) -> Path:
    """Collect from ``control``, render, and write the page to ``path`` (its directory is created)."""
    from mock_exchange.report.page import render
    from mock_exchange.report.record import collect

    return write_page(render(collect(control, context), generated_ms), path)


def write_page(page: str, path: str | os.PathLike[str]) -> Path:
    """Write a rendered page to ``path``, creating its directory; a reader never sees half of it."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(target.name + ".partial")
    temporary.write_text(page, encoding="utf-8")
    temporary.replace(target)
    return target
