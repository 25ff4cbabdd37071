"""A scenario as parity requests: run it once on a fresh in-process fake and record what it sent.

Only the Binance requests of its ``call`` steps are kept (``/api``, ``/sapi``); the steps
that steer the fake through its control API (``given``, ``market``, ``clock``, ``fault``)
have no counterpart on a real account and are counted, not replayed. An id a request
took from an earlier answer (``orderId=5`` where answer 0 had ``orderReports[1].orderId``
5) becomes a reference ``$0.orderReports.1.orderId``, so on replay each side uses its own.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from mock_exchange.parity.requests import ParityRequest, RequestFileError

STEERING_STEPS = ("given", "market", "clock", "fault")
_DROPPED = {"timestamp", "recvWindow", "signature"}
# Parameters whose values are ids the exchange chose, so they must come from that side's
# answers, and the answer key each is found under.
_ID_PARAMS = {"orderId": "orderId", "orderListId": "orderListId", "fromId": "id"}


@dataclass(frozen=True)
class RecordedScenario:
    requests: list[ParityRequest]
    steering_steps: int


def is_scenario_file(source: str) -> bool:
    path = Path(source)
    if path.suffix not in (".yaml", ".yml") or not path.is_file():
        return False
    import yaml

    try:
        data = yaml.safe_load(path.read_text())
    except Exception:  # noqa: BLE001 - not a scenario then; the request loader will say why
        return False
    return isinstance(data, dict) and "steps" in data


def record_scenario(source: str) -> RecordedScenario:
    """Run the scenario in-process; its Binance requests with ids turned into references."""
    from mock_exchange.scenario.environment import LocalEnvironment
    from mock_exchange.scenario.loader import load_file
    from mock_exchange.scenario.model import ScenarioError
    from mock_exchange.scenario.runner import run_scenario

    try:
        scenario = load_file(source)
    except (ScenarioError, OSError) as exc:
        raise RequestFileError(f"{source}: not a runnable scenario: {exc}") from exc
    recorded: list[tuple[str, str, list[tuple[str, str]], bool, Any]] = []

    class Recording(LocalEnvironment):
        def start(self, seed: int) -> None:
            super().start(seed)
            self.app.wsgi_app = _Recorder(self.app.wsgi_app, recorded.append)

    result = run_scenario(scenario, Recording())
    if result.issues:
        raise RequestFileError(f"{source}: {result.issues[0]}")
    steering = sum(1 for step in scenario.steps if step.kind in STEERING_STEPS)
    return RecordedScenario(_with_references(recorded), steering)


class _Recorder:
    """WSGI middleware noting each Binance request's parameters and JSON answer."""

    def __init__(self, app: Any, note: Callable[[Any], None]) -> None:
        self.app = app
        self.note = note

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if not path.startswith(("/api/", "/sapi/")):
            return self.app(environ, start_response)
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length) if length else b""
        environ["wsgi.input"] = io.BytesIO(body)
        pairs = parse_qsl(environ.get("QUERY_STRING", ""), keep_blank_values=True)
        if "form-urlencoded" in environ.get("CONTENT_TYPE", ""):
            pairs += parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        chunks = list(self.app(environ, start_response))
        try:
            answer = json.loads(b"".join(chunks))
        except ValueError:
            answer = None
        signed = any(key == "signature" for key, _ in pairs)
        self.note((environ["REQUEST_METHOD"], path, [(k, v) for k, v in pairs if k not in _DROPPED], signed, answer))
        return chunks


def _with_references(recorded: list[tuple[str, str, list[tuple[str, str]], bool, Any]]) -> list[ParityRequest]:
    requests = []
    answers: list[Any] = []
    for method, path, pairs, signed, answer in recorded:
        params = {}
        for key, value in pairs:
            params[key] = (_reference(answers, _ID_PARAMS[key], value) if key in _ID_PARAMS else None) or value
        requests.append(ParityRequest(method, path, params, signed))
        answers.append(answer)
    return requests


def _reference(answers: list[Any], name: str, value: str) -> str | None:
    """``$N.path`` of the latest answer holding ``value`` under the key ``name``, or None."""
    for index in range(len(answers) - 1, -1, -1):
        found = _find(answers[index], name, value, "")
        if found is not None:
            return f"${index}.{found}"
    return None


def _find(node: Any, name: str, value: str, path: str) -> str | None:
    if isinstance(node, dict):
        for key, item in node.items():
            where = f"{path}.{key}" if path else key
            if key == name and not isinstance(item, (dict, list)) and str(item) == value:
                return where
            found = _find(item, name, value, where)
            if found is not None:
                return found
    elif isinstance(node, list):
        for position, item in enumerate(node):
            found = _find(item, name, value, f"{path}.{position}" if path else str(position))
            if found is not None:
                return found
    return None
