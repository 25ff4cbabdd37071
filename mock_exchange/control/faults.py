"""Fault injection: make chosen Binance requests slow, fail, time out or lose their answer.

A rule matches requests by path glob (and optionally method) and fires for the first
``count`` matches, or with a ``probability`` drawn from an RNG seeded by the exchange seed,
or both, or (neither given) on every match. Rules are tried in the order they were added;
the first that fires decides. The pipeline hands each authenticated, validated request to
:meth:`FaultInjector.run` with ``produce`` (which runs the real view); the rule's kind
decides whether the view runs and what the client gets.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fnmatch import fnmatchcase
from typing import Any

from flask import Response

from mock_exchange.control.errors import bad_request
from mock_exchange.control.values import bool_value, int_value, probability_value, str_value
from mock_exchange.core import errors
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.rate_limits import MINUTE_MS
from mock_exchange.web.request_context import RequestContext
from mock_exchange.web.responses import JSON_CONTENT_TYPE, json_response

DEFAULT_TIMEOUT_MS = 10_000
DEFAULT_BAN_S = 120
# Bounds that keep a typo from holding a server thread for a year.
MAX_OPTION = {"delay_ms": 3_600_000, "retry_after_s": 3 * 24 * 3600}

# kind -> {option: default}; a default of None means the option is required.
KINDS: dict[str, dict[str, Any]] = {
    "latency": {"delay_ms": None},
    "unknown_placed": {},
    "unknown_not_placed": {},
    "http_500": {},
    "rate_limit_429": {"retry_after_s": 0},  # 0: seconds to the end of the weight window
    "ban_418": {"retry_after_s": DEFAULT_BAN_S},
    "unavailable_503": {},
    "drop_connection": {"placed": False},
    "timeout": {"delay_ms": DEFAULT_TIMEOUT_MS, "placed": False},
}
Produce = Callable[[], Response]  # runs the view (and what follows it) for the real answer
Fault = dict[str, Any]  # the fault that fired, as the journal shows it


@dataclass
class FaultRule:
    """One injected fault and its counters."""

    id: int
    endpoint: str
    kind: str
    method: str | None = None
    count: int | None = None
    probability: Decimal | None = None
    options: dict[str, Any] = field(default_factory=dict)
    matched: int = 0  # requests that matched endpoint and method
    applied: int = 0  # requests the fault was applied to

    @property
    def remaining(self) -> int | None:
        return None if self.count is None else self.count - self.applied

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return fnmatchcase(path, self.endpoint)

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "endpoint": self.endpoint, "method": self.method, "kind": self.kind,
                "count": self.count, "remaining": self.remaining,
                "probability": None if self.probability is None else str(self.probability),
                "options": dict(self.options), "matched": self.matched, "applied": self.applied}


def build_rule(rule_id: int, spec: Mapping[str, Any]) -> FaultRule:
    """Validate a rule from its JSON form: endpoint, kind, method?, count?, probability?, options."""
    kind = str_value(spec.get("kind"), "kind")
    if kind not in KINDS:
        raise bad_request(f"kind: unknown fault kind {kind!r} (known: {', '.join(KINDS)})")
    endpoint = str_value(spec.get("endpoint"), "endpoint")
    if not endpoint.startswith("/") and not endpoint.startswith("*"):
        raise bad_request("endpoint: a path or a path glob, e.g. \"/sapi/v1/margin/order*\"")
    method = spec.get("method")
    if method is not None:
        method = str_value(method, "method").upper()
    count = None if spec.get("count") is None else int_value(spec["count"], "count", minimum=1)
    probability = None if spec.get("probability") is None else probability_value(spec["probability"])
    given = dict(spec.get("options") or {})
    allowed = KINDS[kind]
    unknown = sorted(set(given) - set(allowed))
    if unknown:
        raise bad_request(
            f"options: {', '.join(unknown)} not used by {kind} (it reads: {', '.join(allowed) or 'none'})"
        )
    options: dict[str, Any] = {}
    for name, default in allowed.items():
        if name not in given and default is None:
            raise bad_request(f"{name}: required for a {kind} fault")
        raw = given.get(name, default)
        if isinstance(default, bool):
            options[name] = bool_value(raw, name)
        else:
            options[name] = int_value(raw, name, minimum=0, maximum=MAX_OPTION[name])
    return FaultRule(rule_id, endpoint, kind, method, count, probability, options)


class FaultInjector:
    """The rules of one app, their seeded RNG, and the wait that held requests sleep on."""

    def __init__(self, runtime: Any, seed: int = 0) -> None:
        self.runtime = runtime
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = []
        self._next_id = 1
        self._random = random.Random(f"mock-exchange-faults-{seed}")  # as reseed(seed) draws
        self._release = threading.Event()

    def reseed(self, seed: int) -> None:
        """Restart the probability draws from ``seed``."""
        with self._lock:
            self._random = random.Random(f"mock-exchange-faults-{seed}")

    def reset(self, seed: int) -> None:
        """No rules, ids from 1, draws from ``seed``: as after start-up (an exchange reset)."""
        self.clear()
        with self._lock:
            self._next_id = 1
        self.reseed(seed)

    def add(self, spec: Mapping[str, Any]) -> dict[str, Any]:
        with self._lock:
            rule = build_rule(self._next_id, spec)
            self._next_id += 1
            self._rules.append(rule)
            return rule.to_dict()

    def rules(self) -> list[dict[str, Any]]:
        with self._lock:
            return [rule.to_dict() for rule in self._rules]

    def clear(self) -> int:
        """Remove every rule and let any held request go at once; how many rules there were."""
        with self._lock:
            removed = len(self._rules)
            self._rules.clear()
        self.release_held()
        return removed

    def has_rules(self) -> bool:
        """Whether a rule can still fire (web/binance_wsgi.py leaves requests to Flask's path then)."""
        return any(rule.remaining != 0 for rule in self._rules)

    def release_held(self) -> None:
        """Wake every request a latency / timeout fault is holding (server shutdown, clear)."""
        with self._lock:
            event, self._release = self._release, threading.Event()
        event.set()

    def _select(self, method: str, path: str) -> FaultRule | None:
        with self._lock:
            for rule in self._rules:
                if rule.remaining == 0 or not rule.matches(method, path):
                    continue
                rule.matched += 1
                if rule.probability is not None and Decimal(self._random.random()) >= rule.probability:
                    continue
                rule.applied += 1
                return rule
        return None

    def _hold(self, delay_ms: int) -> None:
        with self._lock:
            event = self._release
        # A real wait: the point is that the client's own timeout fires first.
        event.wait(delay_ms / 1000)

    # -- the pipeline hook ---------------------------------------------------------

    def run(self, endpoint: Any, context: RequestContext, produce: Callable[[], Response]) -> Response:
        """Answer the request, applying the first rule that fires; the fault is noted in ``context``."""
        if not self._rules:  # nothing to select (and no lock to take) on almost every request
            return produce()
        rule = self._select(endpoint.method, endpoint.path)
        if rule is None:
            return produce()
        fault = context.fault = {"id": rule.id, "kind": rule.kind}
        return _APPLY[rule.kind](self, rule, endpoint, produce, fault)

    def _latency(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        self._hold(rule.options["delay_ms"])
        return produce()

    def _unknown_placed(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        _run_view(produce, fault)
        return _error(errors.execution_status_unknown())

    def _unknown_not_placed(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        return _error(errors.execution_status_unknown())

    def _http_500(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        return _error(errors.internal_error())

    def _unavailable(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        return _error(errors.service_unavailable())

    def _rate_limit(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        limits = self.runtime.limiter.config
        if endpoint.family == "api":
            limit = limits.api_weight_per_minute
        else:
            limit = limits.sapi_uid_weight_per_minute if endpoint.uid_weighted else limits.sapi_ip_weight_per_minute
        retry_after = rule.options["retry_after_s"]
        if retry_after == 0:
            now = self.runtime.exchange.clock.now_ms()
            retry_after = max(1, -(-((now // MINUTE_MS + 1) * MINUTE_MS - now) // 1000))
        return _error(errors.too_much_weight(limit, "1 MINUTE", retry_after))

    def _ban(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        retry_after = max(1, rule.options["retry_after_s"])
        until = self.runtime.exchange.clock.now_ms() + retry_after * 1000
        return _error(errors.ip_banned(until, retry_after))

    def _drop(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        if rule.options["placed"]:
            _run_view(produce, fault)
        return dropped_response(errors.execution_status_unknown())

    def _timeout(self, rule: FaultRule, endpoint: Any, produce: Produce, fault: Fault) -> Response:
        if rule.options["placed"]:
            _run_view(produce, fault)
        self._hold(rule.options["delay_ms"])
        return _error(errors.execution_status_unknown())


_APPLY: dict[str, Callable[[FaultInjector, FaultRule, Any, Produce, Fault], Response]] = {
    "latency": FaultInjector._latency,
    "unknown_placed": FaultInjector._unknown_placed,
    "unknown_not_placed": FaultInjector._unknown_not_placed,
    "http_500": FaultInjector._http_500,
    "rate_limit_429": FaultInjector._rate_limit,
    "ban_418": FaultInjector._ban,
    "unavailable_503": FaultInjector._unavailable,
    "drop_connection": FaultInjector._drop,
    "timeout": FaultInjector._timeout,
}


def _run_view(produce: Produce, fault: Fault) -> None:
    """Run the real view for its effect; what it would have answered goes to the journal."""
    try:
        response = produce()
        fault["view_status"] = response.status_code
    except BinanceError as exc:
        # The client cannot tell a rejection from a success here either.
        fault["view_status"] = exc.http_status
        fault["view_error"] = exc.to_dict()


def _error(error: BinanceError) -> Response:
    return json_response(error.to_dict(), error.http_status, error.headers)


def dropped_response(error: BinanceError) -> Response:
    """Headers promising the whole body, then half of it, then the connection closes.

    Waitress closes a connection whose application sent fewer bytes than its
    Content-Length; werkzeug's server closes every connection after one response. Either
    way the client reads a truncated body and reports a broken connection.
    """
    body = json_response(error.to_dict()).get_data()
    response = Response(iter([body[: len(body) // 2]]), status=error.http_status,
                        content_type=JSON_CONTENT_TYPE, direct_passthrough=True)
    response.headers["Content-Length"] = str(len(body))
    return response
