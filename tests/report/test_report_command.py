"""``mock-exchange report OUTPUT --url URL``: a report of a running server, and plain errors when it can't be."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from mock_exchange.cli import main
from mock_exchange.config import default_config
from mock_exchange.control import RemoteControl
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app


def test_a_report_of_what_a_served_exchange_saw(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with LiveServer(create_app(default_config())) as server:
        control = RemoteControl(server.url)
        control.reset(seed=2, at_ms=1_767_225_600_000)
        control.set_balance("demo", "BTC", "0.01")
        control.price_path("BTCUSDT", ["30100", "29900"])
        server_events = control.events()
        target = tmp_path / "ci" / "server.html"
        assert main(["report", str(target), "--url", server.url, "--name", "bot CI job 41"]) == 0
    assert capsys.readouterr().out == f"HTML report: {target}\n"
    page = target.read_text(encoding="utf-8")
    assert "Server report: bot CI job 41" in page
    assert page.count('class="candle ') == 3  # the start price and the two moves
    assert f"Event timeline ({len(server_events)})" in page


def test_a_token_protected_server_needs_the_token(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCK_EXCHANGE_CONTROL_TOKEN", raising=False)
    with LiveServer(create_app(default_config(), control_token="s3cret-token")) as server:
        assert main(["report", str(tmp_path / "r.html"), "--url", server.url]) == 2
        assert "the control API refused" in capsys.readouterr().err
        assert main(["report", str(tmp_path / "r.html"), "--url", server.url, "--control-token", "s3cret-token"]) == 0
    assert (tmp_path / "r.html").exists()


def test_nothing_listening(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert main(["report", str(tmp_path / "r.html"), "--url", f"http://127.0.0.1:{port}"]) == 2
    assert "cannot reach" in capsys.readouterr().err
    assert not (tmp_path / "r.html").exists()
