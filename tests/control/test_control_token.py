"""The control token: required on every control request when set; generated beyond loopback."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask

from mock_exchange import cli
from mock_exchange.control import ControlError, RemoteControl
from mock_exchange.testing import LiveServer
from tests.control.conftest import frozen_app

TOKEN = "s3cret-token"


@pytest.fixture
def guarded() -> Flask:
    return frozen_app(control_token=TOKEN)


def test_untokened_and_wrong_token_requests_get_401(guarded: Flask) -> None:
    client = guarded.test_client()
    for headers in ({}, {"X-Mock-Token": "nope"}, {"X-Mock-Token": ""}):
        response = client.post("/mock/v1/market/BTCUSDT/price", json={"price": "1"}, headers=headers)
        assert response.status_code == 401
        assert response.get_json()["error"]["code"] == "unauthorized"
        # Even unknown control paths do not reveal anything without the token.
        assert client.get("/mock/v1/nothing", headers=headers).status_code == 401
    assert client.get("/mock/v1/market/BTCUSDT", headers={"X-Mock-Token": TOKEN}).get_json()["last_price"] == "30000"
    ok = client.post("/mock/v1/market/BTCUSDT/price", json={"price": "1"}, headers={"X-Mock-Token": TOKEN})
    assert ok.status_code == 200


def test_health_and_binance_paths_need_no_token(guarded: Flask) -> None:
    client = guarded.test_client()
    assert client.get("/mock/v1/health").get_json() == {"status": "ok"}
    assert client.get("/api/v3/ping").status_code == 200


def test_the_token_is_not_journaled(guarded: Flask) -> None:
    client = guarded.test_client()
    client.get("/api/v3/ping", headers={"X-Mock-Token": TOKEN})
    entries = client.get("/mock/v1/journal", headers={"X-Mock-Token": TOKEN}).get_json()["entries"]
    assert len(entries) == 1 and TOKEN not in str(entries)


def test_remote_control_sends_the_token(guarded: Flask) -> None:
    with LiveServer(guarded) as server:
        with RemoteControl(server.url, token=TOKEN) as control:
            assert control.set_price("BTCUSDT", "31000") == []
        with RemoteControl(server.url) as anonymous, pytest.raises(ControlError) as refused:
            anonymous.now_ms()
        assert refused.value.code == "unauthorized" and refused.value.status == 401


class NotServing:
    """What ``cli.listen`` returns, without binding (192.0.2.1 is no address of this machine)."""

    effective_port = 8080

    def __init__(self, record: dict[str, Any] | list[Any], app: Flask) -> None:
        if isinstance(record, dict):
            record["app"] = app
        else:
            record.append(app)

    def run(self) -> None:
        pass

    def close(self) -> None:
        pass


@pytest.mark.parametrize(("host", "needs_token"), [("127.0.0.1", False), ("localhost", False), ("::1", False),
                                                   ("0.0.0.0", True), ("192.0.2.1", True), ("my-host", True)])
def test_serve_generates_a_token_beyond_loopback(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
                                                 host: str, needs_token: bool) -> None:
    served: dict[str, Any] = {}
    monkeypatch.delenv(cli.CONTROL_TOKEN_ENV, raising=False)
    monkeypatch.setattr(cli, "listen", lambda app, host, port, threads: NotServing(served, app))
    assert cli.main(["serve", "--host", host, "--port", "0"]) == 0
    assert cli.is_loopback(host) is not needs_token
    token = served["app"].extensions["mock_exchange"].control_token
    output = capsys.readouterr().out
    client = served["app"].test_client()
    if needs_token:
        assert token and len(token) >= 24
        assert f"control token (header X-Mock-Token): {token}" in output
        assert client.get("/mock/v1/clock").status_code == 401
        assert client.get("/mock/v1/clock", headers={"X-Mock-Token": token}).status_code == 200
        # The dashboard follows the same rule; the banner gives its address with the token.
        assert f"/mock/ui/#token={token}" in output
        assert client.get("/mock/ui/api/summary").status_code == 401
        assert client.get("/mock/ui/api/summary", headers={"X-Mock-Token": token}).status_code == 200
    else:
        assert token is None and "control token" not in output
        assert client.get("/mock/v1/clock").status_code == 200


def test_two_servers_beyond_loopback_get_different_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    apps: list[Flask] = []
    monkeypatch.delenv(cli.CONTROL_TOKEN_ENV, raising=False)
    monkeypatch.setattr(cli, "listen", lambda app, host, port, threads: NotServing(apps, app))
    for _ in range(2):
        cli.main(["serve", "--host", "0.0.0.0", "--port", "0"])
    tokens = [app.extensions["mock_exchange"].control_token for app in apps]
    assert tokens[0] != tokens[1]


def test_an_explicit_token_is_used_as_given(monkeypatch: pytest.MonkeyPatch) -> None:
    apps: list[Flask] = []
    monkeypatch.setattr(cli, "listen", lambda app, host, port, threads: NotServing(apps, app))
    cli.main(["serve", "--host", "127.0.0.1", "--port", "0", "--control-token", "mine"])
    assert apps[0].extensions["mock_exchange"].control_token == "mine"


def test_a_configured_token_is_required_but_never_printed(monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    served: dict[str, Any] = {}
    monkeypatch.setenv(cli.CONTROL_TOKEN_ENV, "ci-secret-token")
    monkeypatch.setattr(cli, "listen", lambda app, host, port, threads: NotServing(served, app))
    assert cli.main(["serve", "--host", "0.0.0.0", "--port", "0"]) == 0
    output = capsys.readouterr().out
    assert "ci-secret-token" not in output
    assert "control token: required" in output
    assert served["app"].test_client().get("/mock/v1/clock").status_code == 401
