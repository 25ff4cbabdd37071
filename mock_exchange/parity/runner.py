"""Send each request to the fake and to the other target; find the drift between the answers."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from mock_exchange.parity.market import MarketFacts, is_market_value
from mock_exchange.parity.requests import ParityRequest
from mock_exchange.parity.shapes import Drift, compare
from mock_exchange.parity.targets import Answer, Target

_REFERENCE = re.compile(r"^\$(\d+)\.([\w.]+)$")


@dataclass
class Outcome:
    """One request: both answers and their drift, or why it was not sent."""

    request: ParityRequest
    fake: Answer | None = None
    other: Answer | None = None
    drifts: list[Drift] = field(default_factory=list)
    skipped: str | None = None


def error_code(body: Any) -> int | None:
    if isinstance(body, dict) and isinstance(body.get("code"), int) and "msg" in body:
        return int(body["code"])
    return None


def answer_drift(other: Answer, fake: Answer) -> list[Drift]:
    """Status, error code, then (when both answered alike) key set, order, types and number formats."""
    drifts = []
    if other.status != fake.status:
        drifts.append(Drift("", "status", str(other.status), str(fake.status)))
    other_code, fake_code = error_code(other.body), error_code(fake.body)
    if other_code != fake_code:
        drifts.append(Drift("", "error code", str(other_code), str(fake_code)))
    if drifts or other_code is not None:
        return drifts  # an error is compared by code; different answers have no common shape
    return compare(other.body, fake.body)


class _References:
    """Answers so far on one target, for ``$N.key`` parameters, and its market for ``@`` values."""

    def __init__(self, target: Target) -> None:
        self.answers: list[Any] = []
        self.market = MarketFacts(target)

    def resolve(self, params: dict[str, str]) -> dict[str, str] | None:
        resolved = {}
        for key, value in params.items():
            if is_market_value(value):
                resolved[key] = self.market.resolve(value, params.get("symbol", ""))
                continue
            match = _REFERENCE.fullmatch(value)
            if match is None:
                resolved[key] = value
                continue
            index = int(match.group(1))
            found = _walk(self.answers[index] if index < len(self.answers) else None, match.group(2).split("."))
            if found is None:
                return None
            resolved[key] = str(found)
        return resolved


def _walk(node: Any, steps: list[str]) -> Any:
    """``node.a.0.b``: dict keys and list positions; None where the answer has no such place."""
    for step in steps:
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return None
    return None if isinstance(node, (dict, list)) else node


def run(requests: list[ParityRequest], fake: Target, other: Target, allow_orders: bool = False) -> list[Outcome]:
    """Every request in order; writes are skipped (never sent anywhere) unless ``allow_orders``."""
    outcomes = []
    fake_refs, other_refs = _References(fake), _References(other)
    for request in requests:
        outcome = Outcome(request)
        outcomes.append(outcome)
        if request.is_write and not allow_orders:
            outcome.skipped = "a write: sent only with --allow-orders"
            fake_refs.answers.append(None)
            other_refs.answers.append(None)
            continue
        fake_params, other_params = fake_refs.resolve(request.params), other_refs.resolve(request.params)
        if fake_params is None or other_params is None:
            outcome.skipped = "refers to an answer that did not come"
            fake_refs.answers.append(None)
            other_refs.answers.append(None)
            continue
        outcome.fake = fake.send(request.method, request.path, fake_params, request.signed)
        outcome.other = other.send(request.method, request.path, other_params, request.signed)
        fake_refs.answers.append(outcome.fake.body)
        other_refs.answers.append(outcome.other.body)
        outcome.drifts = answer_drift(outcome.other, outcome.fake)
    return outcomes
