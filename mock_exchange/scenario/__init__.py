"""Scenario scripts: stories a margin trader recognises, run end to end against the fake exchange.

YAML files (``scenarios/*.yaml``, format in ``scenarios/README.md``) or the Python API::

    from mock_exchange.scenario import Scenario, load_file, run_scenario
"""

import importlib
from typing import Any

# Names are loaded on first use: running scenarios needs the reference client (which the
# mock-exchange distribution ships), and the ``mock-exchange`` command starts faster without it.
_EXPORTS = {
    "Scenario": "api", "LocalEnvironment": "environment", "RemoteEnvironment": "environment",
    "load_file": "loader", "load_text": "loader", "Issue": "model", "Location": "model",
    "ScenarioError": "model", "Step": "model", "RunReport": "results", "ScenarioResult": "results",
    "StepResult": "results", "discover": "runner", "load_all": "runner", "run_all": "runner",
    "run_scenario": "runner",
}
__all__ = sorted(_EXPORTS)  # noqa: PLE0605 - the names are the keys above, sorted


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_EXPORTS[name]}"), name)
