"""Shared pieces of the reliability suite: apps, budgets, signing, and the response contract.

Every check here is one rule from docs/reliability.md:

- a response is never 5xx, always JSON, and either a success or Binance's ``{code, msg}``
  with a code the digest documents (spec §10);
- error messages never carry the request's signature or the account's secret;
- a rejected request leaves the exchange snapshot exactly as it was.
"""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import os
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote_plus, urlencode

from flask import Flask
from flask.testing import EnvironBuilder
from werkzeug.test import run_wsgi_app
from werkzeug.wrappers import Request

from mock_exchange.config import ExchangeConfig, default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.snapshot import snapshot
from mock_exchange.web.app import create_app
from mock_exchange.web.endpoint_catalog import ALL
from mock_exchange.web.endpoints import Endpoint, Security
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS, OTHER_KEY, OTHER_SECRET

REPO = Path(__file__).resolve().parents[2]
DIGEST = REPO.parent / "shared" / "spec" / "binance-margin-order-lists.md"
OPENAPI = Path(__file__).resolve().parent / "data" / "binance-spot-api.yaml"  # see data/README.md
JSON_CONTENT_TYPE = "application/json"
SOAK_ENV = "MOCK_EXCHANGE_SOAK_SECONDS"


# -- run budget: normal (bounded, deterministic) or soak ----------------------------------------


def soak_seconds() -> float:
    """The soak budget from ``MOCK_EXCHANGE_SOAK_SECONDS`` (0: a normal, bounded run)."""
    raw = os.environ.get(SOAK_ENV, "").strip()
    if not raw:
        return 0.0
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(f"{SOAK_ENV} must be a number of seconds, got {raw!r}") from None
    return max(value, 0.0)


@dataclass
class Budget:
    """How long one test may run: ``seconds`` is 0 in a normal run (then counts bound it)."""

    seconds: float = 0.0
    started: float = field(default_factory=time.monotonic)
    # RSS once the normal rounds are done: what a soak adds after this is accumulation.
    warm_rss: int | None = None

    def warmed(self) -> None:
        """The normal rounds are done (called by the loops below; only the first call counts)."""
        if self.warm_rss is None:
            from tests.reliability.memory import rss_bytes

            self.warm_rss = rss_bytes()

    @property
    def soak(self) -> bool:
        return self.seconds > 0

    def remaining(self) -> float:
        return self.seconds - (time.monotonic() - self.started)

    def expired(self) -> bool:
        return self.soak and self.remaining() <= 0


# -- statistics printed at the end of the run (conftest's terminal summary) -----------------------

STATS: Counter[str] = Counter()
VIOLATIONS: list[str] = []
_STATS_LOCK = threading.Lock()


def count(name: str, amount: int = 1) -> None:
    with _STATS_LOCK:
        STATS[name] += amount


def record_violations(found: Iterable[str]) -> list[str]:
    """Add invariant violations to the run's tally; returns them for the test's assertion."""
    items = list(found)
    with _STATS_LOCK:
        STATS["invariant checks"] += 1
        STATS["invariant violations"] += len(items)
        VIOLATIONS.extend(items)
    return items


# -- apps -------------------------------------------------------------------------------------


def roomy_config(config: ExchangeConfig | None = None) -> ExchangeConfig:
    """The default config with rate limits out of the way (fuzzing sends thousands of requests)."""
    config = config or default_config()
    limits = dataclasses.replace(config.rate_limits, api_weight_per_minute=10**9,
                                 sapi_ip_weight_per_minute=10**9, sapi_uid_weight_per_minute=10**9,
                                 orders_per_10s=10**9, orders_per_day=10**9, ban_after_rejections=0)
    return dataclasses.replace(config, rate_limits=limits)


def frozen_app(config: ExchangeConfig | None = None, **kwargs: Any) -> Flask:
    """A fresh app whose clock is frozen at FROZEN_AT_MS from its first instant."""
    config = config or roomy_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS))
    return create_app(config, exchange=exchange, **kwargs)


def exchange_of(app: Flask) -> Exchange:
    return app.extensions["mock_exchange"].exchange


def state_of(app: Flask) -> dict[str, Any]:
    """The exchange's whole snapshot (what a rejected request must leave untouched)."""
    return snapshot(exchange_of(app))


def snapshot_diff(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """Top-level snapshot sections (and state fields) that differ, for assertion messages."""
    changed = [key for key in before if key != "state" and before[key] != after.get(key)]
    changed += [f"state.{key}" for key in before["state"] if before["state"][key] != after["state"].get(key)]
    return changed


# -- endpoints ----------------------------------------------------------------------------------


def declared_endpoints() -> list[Endpoint]:
    """Every endpoint the table declares (web/endpoint_catalog.py; one per route and security variant)."""
    return sorted(ALL, key=lambda e: (e.path, e.method, e.security.value))


def binance_rules(app: Flask) -> list[tuple[str, str]]:
    """(method, path) of every Binance route the app serves, read from its URL map."""
    rules = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith(("/api/", "/sapi/")):
            for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
                rules.append((method, rule.rule))
    return sorted(rules)


def served_endpoints(app: Flask) -> list[Endpoint]:
    """The declared endpoints the app actually routes (so a new module is covered at once)."""
    served = set(binance_rules(app))
    return [e for e in declared_endpoints() if (e.method, e.path) in served]


# -- documented error codes (spec §10) ------------------------------------------------------------

# A copy of the codes named in the digest's §10, for a checkout without shared/ beside it.
# test_contract.py keeps it equal to the digest whenever the digest is there.
FALLBACK_CODES = frozenset({
    -1000, -1001, -1002, -1003, -1004, -1006, -1007, -1008, -1013, -1014, -1015, -1016, -1020, -1021, -1022,
    -1099, -1100, -1101, -1102, -1103, -1104, -1105, -1106, -1111, -1112, -1114, -1115, -1116, -1117, -1118,
    -1119, -1121, -1125, -1127, -1128, -1130, -1131, -1158, -1160, -1165, -1166, -1167, -1168, -1196, -1197,
    -1198, -1199, -1209, -2010, -2011, -2013, -2014, -2015, -2026, -3000, -3001, -3002, -3003, -3004, -3005,
    -3006, -3007, -3008, -3009, -3010, -3011, -3012, -3013, -3014, -3015, -3016, -3017, -3018, -3019, -3020,
    -3021, -3022, -3023, -3024, -3025, -3026, -3027, -3028, -3029, -3036, -3037, -3038, -3041, -3042, -3043,
    -3044, -3045, -3064, -3067, -3999, -4047, -11001, -11008, -20204,
})


def digest_codes(text: str) -> frozenset[int]:
    """Every error code §10 of the digest names, ranges like ``-1165…-1168`` expanded."""
    start = text.index("## 10. Error codes")
    section = text[start:text.index("\n## 11.", start)]
    codes: set[int] = set()
    for low, high in re.findall(r"-(\d{4,5})\s*(?:…|\.\.\.)\s*-(\d{4,5})", section):
        codes.update(-n for n in range(int(low), int(high) + 1))
    for row in section.splitlines():
        if row.startswith("| -"):
            codes.update(-int(n) for n in re.findall(r"-(\d{4,5})", row.split("|")[1]))
    codes.update(-int(n) for n in re.findall(r"(?<![\w.])-(\d{4,5})\b", section.split("HTTP status semantics")[1]))
    return frozenset(codes)


def documented_codes() -> frozenset[int]:
    if DIGEST.exists():
        return digest_codes(DIGEST.read_text(encoding="utf-8"))
    return FALLBACK_CODES


# Codes documented outside the margin digest that the fake answers (docs/wallets.md):
# -1122 INVALID_SYMBOLSTATUS (spot errors.md; exchangeInfo symbolStatus) and
# -5013 "Asset transfer failed: insufficient balance" (universal transfer; ccxt's error map).
# Market data (spot errors.md): -1120 BAD_INTERVAL, -1139 INVALID_TICKER_TYPE, -1220
# SYMBOL_DOES_NOT_MATCH_STATUS. Spot trading (spot errors.md, docs/spot.md): -1145
# INVALID_CANCEL_RESTRICTIONS, and cancelReplace's -2021 (partially failed) and -2022 (failed).
CODES_BEYOND_DIGEST = frozenset({-1120, -1122, -1139, -1145, -1220, -2021, -2022, -5013})
DOCUMENTED_CODES = documented_codes() | CODES_BEYOND_DIGEST
# 409: a spot cancelReplace that half succeeded (spot rest-api.md, "HTTP Return Codes").
ERROR_STATUSES = frozenset({400, 401, 403, 404, 405, 409, 413, 418, 429})


# -- signing -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Credentials:
    api_key: str
    secret: str


DEMO = Credentials(DEMO_KEY, DEMO_SECRET)
OTHER = Credentials(OTHER_KEY, OTHER_SECRET)
NO_MARGIN = Credentials("noMarginPermissionApiKey0000000000000000000000000000000000000000",
                        "noMarginPermissionSecret000000000000000000000000000000000000000")
SECRETS = (DEMO.secret, OTHER.secret, NO_MARGIN.secret)

Pairs = Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Prepared:
    """One request as sent: the exact query and body bytes, and the signature in them (if any)."""

    method: str
    path: str
    query: str
    body: str
    headers: dict[str, str]
    signature: str | None = None

    @property
    def url(self) -> str:
        return f"{self.path}?{self.query}" if self.query else self.path


def hmac_hex(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode("latin-1"), hashlib.sha256).hexdigest()


SIGNATURE_VARIANTS = ("valid", "upper", "missing", "empty", "duplicate", "wrong", "other_secret", "truncated")


def signature_value(variant: str, secret: str, payload: str) -> str | None:
    """The signature to send: the right one, or one of the ways a client gets it wrong.

    ``raw:<text>`` sends ``text`` unencoded (non-ASCII bytes straight in the URL or body),
    ``text:<text>`` sends it percent-encoded.
    """
    good = hmac_hex(secret, payload)
    if variant.startswith("raw:"):
        return variant[4:]
    if variant.startswith("text:"):
        return quote_plus(variant[5:])
    return {"valid": good, "upper": good.upper(), "missing": None, "empty": "", "duplicate": good,
            "wrong": hmac_hex(secret, payload + "x"), "other_secret": hmac_hex(secret + "x", payload),
            "truncated": good[:-1]}[variant]


def prepare(method: str, path: str, pairs: Pairs, creds: Credentials | None = DEMO, *, placement: str = "query",
            sign: bool = True, headers: dict[str, str] | None = None, signature: str = "valid") -> Prepared:
    """Encode ``pairs`` (repeats and order kept) into query and/or body and sign them as sent.

    ``placement``: "query", "body" (form body; GETs keep the query) or "split" (the first
    half in the query, the rest in the body). The signature covers query + body exactly
    as encoded, with no separator (spec §2.3), and is appended where the last part went;
    ``signature`` picks a variant (see :func:`signature_value`).
    """
    pairs = list(pairs)
    if method == "GET" or placement == "query":
        query_pairs, body_pairs = pairs, []
    elif placement == "body":
        query_pairs, body_pairs = [], pairs
    else:
        half = len(pairs) // 2
        query_pairs, body_pairs = pairs[:half], pairs[half:]
    query, body = urlencode(query_pairs), urlencode(body_pairs)
    sent_headers = dict(headers or {})
    if creds is not None:
        sent_headers.setdefault("X-MBX-APIKEY", creds.api_key)
    sent = None
    if sign and creds is not None:
        sent = signature_value(signature, creds.secret, query + body)
    if sent is not None:
        suffix = "&".join([f"signature={sent}"] * (2 if signature == "duplicate" else 1))
        if body_pairs:
            body = f"{body}&{suffix}" if body else suffix
        else:
            query = f"{query}&{suffix}" if query else suffix
    if body:
        sent_headers.setdefault("Content-Type", "application/x-www-form-urlencoded")
    return Prepared(method, path, query, body, sent_headers, sent or None)


def send(client: Any, request: Prepared) -> Any:
    """Send to a Flask test client's app; the werkzeug test response.

    The query goes into the environ as it is, never inside a URL: the test client's ``open``
    splits the whole URL with ``urllib.parse.urlsplit`` (three times a request), whose cache
    keeps the last 128 URLs and their parts whatever their size. With the fuzzers' 1 MB
    values (3 MB once percent-encoded) that cache alone held hundreds of MB in a soak.
    """
    builder = EnvironBuilder(client.application, path=request.path, query_string=request.query,
                             method=request.method, data=request.body.encode("utf-8"), headers=request.headers,
                             environ_base=client.environ_base)
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body, status, headers = run_wsgi_app(client.application, environ, buffered=True)
    return client.response_wrapper(body, status, headers, request=Request(environ))


# -- the response contract -----------------------------------------------------------------------


@dataclass
class Outcome:
    status: int
    body: Any
    error: tuple[int, str] | None  # (code, msg) of a Binance error

    @property
    def ok(self) -> bool:
        return self.status == 200


def is_binance_error(body: Any) -> bool:
    return isinstance(body, dict) and set(body) == {"code", "msg"} and isinstance(body["code"], int) \
        and not isinstance(body["code"], bool)


def check_response(status: int, content_type: str, data: bytes, request: Prepared | None = None,
                   where: str = "") -> Outcome:
    """The contract every Binance response keeps; returns the parsed outcome or raises AssertionError."""
    label = where or (f"{request.method} {request.path}" if request else "response")
    assert status < 500, f"{label}: HTTP {status}: {data[:300]!r}"
    assert content_type.startswith(JSON_CONTENT_TYPE), f"{label}: content type {content_type!r}"
    try:
        body = json.loads(data)
    except ValueError:
        raise AssertionError(f"{label}: body is not JSON: {data[:300]!r}") from None
    text = data.decode("utf-8")
    for secret in SECRETS:
        assert secret not in text, f"{label}: an account secret is in the response"
    if request is not None and request.signature and len(request.signature) >= 16:
        assert request.signature not in text, f"{label}: the request's signature is echoed back"
    if status == 200:
        assert not is_binance_error(body), f"{label}: HTTP 200 with an error body {body}"
        assert isinstance(body, (dict, list)), f"{label}: success body {body!r}"
        return Outcome(status, body, None)
    assert status in ERROR_STATUSES, f"{label}: unexpected HTTP status {status}: {body}"
    assert is_binance_error(body), f"{label}: HTTP {status} without Binance's {{code, msg}}: {body}"
    code, msg = body["code"], body["msg"]
    assert code in DOCUMENTED_CODES, f"{label}: code {code} ({msg!r}) is not in the digest's §10"
    assert isinstance(msg, str) and msg, f"{label}: empty msg for {code}"
    return Outcome(status, body, (code, msg))


def check_flask(response: Any, request: Prepared | None = None, where: str = "") -> Outcome:
    return check_response(response.status_code, response.headers.get("Content-Type", ""), response.get_data(),
                          request, where)


def call(client: Any, method: str, path: str, pairs: Pairs | dict[str, Any] = (),
         creds: Credentials | None = DEMO, **options: Any) -> Outcome:
    """Prepare, send and check one request through the Flask test client."""
    if isinstance(pairs, dict):
        pairs = [(k, str(v)) for k, v in pairs.items()]
    request = prepare(method, path, pairs, creds, **options)
    return check_flask(send(client, request), request)


def signed_pairs(endpoint: Endpoint, params: dict[str, Any], timestamp_ms: int = FROZEN_AT_MS) -> list[tuple[str, str]]:
    """``params`` plus the timestamp a signed endpoint needs."""
    pairs = [(k, str(v)) for k, v in params.items()]
    if endpoint.security.signed:
        pairs.append(("timestamp", str(timestamp_ms)))
    return pairs


def needs_credentials(endpoint: Endpoint) -> bool:
    return endpoint.security is not Security.NONE


def run_until(budget: Budget, rounds: int, body: Callable[[int], None], limit: int | None = None) -> int:
    """``body(i)`` for ``rounds`` rounds, or in a soak until the budget runs out (or ``limit``
    rounds); the number of rounds run."""
    done = 0
    while done < rounds or (budget.soak and not budget.expired() and (limit is None or done < limit)):
        body(done)
        done += 1
        if done == rounds:
            budget.warmed()
    return done
