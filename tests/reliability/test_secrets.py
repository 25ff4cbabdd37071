"""Secrets stay secret: no HMAC secret or signature in logs, the journal or error messages;
the control API refuses every operation without its token when one is set.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
import requests

from mock_exchange.control import LocalControl
from mock_exchange.core.exchange import Exchange
from mock_exchange.testing import LiveServer
from mock_exchange.web.endpoints import Endpoint
from tests.reliability.catalogue import baselines_for
from tests.reliability.harness import Seeded
from tests.reliability.support import (
    DEMO,
    FROZEN_AT_MS,
    OTHER,
    SECRETS,
    SIGNATURE_VARIANTS,
    count,
    frozen_app,
    needs_credentials,
    prepare,
    send,
    served_endpoints,
    state_of,
)

TOKEN = "control-token-for-tests"


def leaks(text: str, signatures: list[str]) -> list[str]:
    found = [f"secret …{secret[-6:]}" for secret in SECRETS if secret in text]
    return found + [f"signature {s[:12]}…" for s in signatures if len(s) >= 16 and s in text]


def battery(seeded: Seeded) -> list[str]:
    """Every catalogue request, signed right and in each wrong way, as two accounts; the signatures sent."""
    sent: list[str] = []
    for endpoint in served_endpoints(seeded.app):
        for params in baselines_for(endpoint, seeded.baselines)[:1]:
            variants = SIGNATURE_VARIANTS if endpoint.security.signed else ("valid",)
            for creds in (DEMO, OTHER):
                for variant in variants:
                    sent += send_one(seeded, endpoint, params, creds, variant)
    return sent


def send_one(seeded: Seeded, endpoint: Endpoint, params: dict[str, str], creds: Any, variant: str) -> list[str]:
    seeded.reset()
    pairs = list(params.items()) + ([("timestamp", str(FROZEN_AT_MS))] if endpoint.security.signed else [])
    request = prepare(endpoint.method, endpoint.path, pairs, creds if needs_credentials(endpoint) else None,
                      sign=endpoint.security.signed, signature=variant)
    response = send(seeded.client, request)
    count("secret-leak probes")
    assert not leaks(response.get_data(as_text=True), [request.signature or ""]), endpoint.name
    return [request.signature] if request.signature else []


def test_no_secret_or_signature_in_logs_journal_or_answers(seeded: Seeded, caplog: pytest.LogCaptureFixture,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    caplog.set_level(logging.DEBUG)
    signatures = battery(seeded)
    # A bug inside a view (here: simulated) is logged with its trace: the log must still hold no secret.
    monkeypatch.setattr(Exchange, "open_orders", lambda *args, **kwargs: 1 / 0)
    crash = prepare("GET", "/sapi/v1/margin/openOrders", [("timestamp", str(FROZEN_AT_MS))], DEMO)
    response = send(seeded.client, crash)
    assert (response.status_code, response.get_json()["code"]) == (500, -1000)
    assert "unexpected error" in caplog.text
    signatures.append(crash.signature or "")
    journal = json.dumps(LocalControl(seeded.app).journal())
    assert len(signatures) > 200
    assert leaks(caplog.text, signatures) == [], "a secret or signature reached the log"
    assert leaks(journal, signatures) == [], "a secret or signature reached the journal"
    assert DEMO.api_key not in journal, "the API key header is masked in the journal"


def test_no_secret_in_a_live_servers_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.WARNING, logger="urllib3")  # the client's own log prints the URLs it sends
    app = frozen_app()
    with LiveServer(app) as server, requests.Session() as session:
        for variant in SIGNATURE_VARIANTS:
            request = prepare("GET", "/sapi/v1/margin/account", [("timestamp", str(FROZEN_AT_MS))], DEMO,
                              signature=variant)
            session.get(f"{server.url}{request.url}", headers=request.headers, timeout=10)
            assert not leaks(caplog.text, [request.signature or ""])
    assert leaks(caplog.text, []) == []


def control_routes(app: Any) -> list[tuple[str, str]]:
    """(method, concrete path) of every control route, path parameters filled in."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/mock/v1") or rule.rule == "/mock/v1/health":
            continue
        path = rule.rule.replace("<symbol>", "BTCUSDT").replace("<name>", "demo").replace("<path:rest>", "nothing")
        routes += [(method, path) for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})]
    return sorted(routes)


def test_control_api_refuses_every_operation_without_its_token() -> None:
    app = frozen_app(control_token=TOKEN)
    client = app.test_client()
    routes = control_routes(app)
    assert len(routes) >= 25
    before = state_of(app)
    for method, path in routes:
        for headers in ({}, {"X-Mock-Token": ""}, {"X-Mock-Token": TOKEN + "x"}, {"X-Mock-Token": TOKEN[:-1]},
                        {"x-mock-token": TOKEN.upper()}):
            response = client.open(path, method=method, json={"price": "1", "seed": 3}, headers=headers)
            count("control token probes")
            assert response.status_code == 401, (method, path, headers, response.status_code)
            assert response.get_json()["error"]["code"] == "unauthorized"
            assert TOKEN not in response.get_data(as_text=True)
    assert state_of(app) == before, "a refused control request changed the exchange"
    allowed = client.get("/mock/v1/clock", headers={"X-Mock-Token": TOKEN})
    assert allowed.status_code == 200
    assert client.get("/mock/v1/health").status_code == 200
    assert client.get("/api/v3/ping").status_code == 200
