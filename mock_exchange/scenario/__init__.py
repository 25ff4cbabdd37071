"""Scenario scripts: stories a margin trader recognises, run end to end against the fake exchange.

YAML files (``scenarios/*.yaml``, format in ``scenarios/README.md``) or the Python API::

    from mock_exchange.scenario import Scenario, load_file, run_scenario
"""

from mock_exchange.scenario.api import Scenario
from mock_exchange.scenario.environment import LocalEnvironment, RemoteEnvironment
from mock_exchange.scenario.loader import load_file, load_text
from mock_exchange.scenario.model import Issue, Location, ScenarioError, Step
from mock_exchange.scenario.results import RunReport, ScenarioResult, StepResult
from mock_exchange.scenario.runner import discover, load_all, run_all, run_scenario

__all__ = [
    "Issue", "LocalEnvironment", "Location", "RemoteEnvironment", "RunReport", "Scenario", "ScenarioError",
    "ScenarioResult", "Step", "StepResult", "discover", "load_all", "load_file", "load_text", "run_all",
    "run_scenario",
]
