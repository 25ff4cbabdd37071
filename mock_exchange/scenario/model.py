"""The scenario data model shared by the YAML loader, the Python API and the runner."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mock_exchange.scenario.located import line_of

STEP_KINDS = ("given", "call", "market", "clock", "fault", "replay", "expect")
DEFAULT_ACCOUNT = "demo"


@dataclass(frozen=True)
class Location:
    """Where something was written: a file (or Python source) and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"

    def at(self, line: int) -> Location:
        """The same file at another line (the step's own line when ``line`` is 0)."""
        return Location(self.file, line or self.line)


@dataclass(frozen=True)
class Issue:
    """One problem found in a scenario before it runs."""

    location: Location
    reason: str

    def __str__(self) -> str:
        return f"{self.location}: {self.reason}"


class ScenarioError(Exception):
    """A scenario that cannot run; every issue names its file and line."""

    def __init__(self, issues: list[Issue]) -> None:
        self.issues = list(issues)
        super().__init__("\n".join(str(issue) for issue in self.issues))


@dataclass
class Step:
    """One step: its kind, the whole mapping it was written as, and where."""

    kind: str
    data: dict[str, Any]
    location: Location

    @property
    def body(self) -> Any:
        """The value under the kind key, e.g. the method name of a ``call``."""
        return self.data.get(self.kind)

    @property
    def name(self) -> str | None:
        """The author's own description of the step, if any."""
        value = self.data.get("name")
        return None if value is None else str(value)

    def where(self, container: Any = None, key: Any = None) -> Location:
        """The location of ``container[key]`` inside this step (the step's line as fallback)."""
        if container is None:
            return self.location
        return self.location.at(line_of(container, key, self.location.line))


@dataclass
class ScenarioSpec:
    """A scenario's identity and steps, without any behaviour."""

    name: str
    steps: list[Step] = field(default_factory=list)
    account: str = DEFAULT_ACCOUNT
    description: str | None = None
    location: Location = field(default_factory=lambda: Location("<python>", 0))
