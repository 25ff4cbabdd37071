"""Hostile input to the control plane over real HTTP: deep JSON, bad paths, tokens with spaces.

Each answer is the control API's own 4xx (``{"error": {"code", "message"}}`` naming the
field) and the exchange is unchanged; never a 500, a traceback or a file-existence oracle.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_exchange.control.routes import PREFIX, ROUTES
from mock_exchange.testing import LiveServer
from tests.reliability import rawhttp
from tests.reliability.support import frozen_app, state_of

DEEP = 100_000
# Each answer here takes ~40 ms, up to ~1.5 s with both cores busy. The bound is what a
# whole-suite run needs, not a latency check: its one process holds the objects of earlier
# tests (300+ MB), and a full garbage collection of 3 million objects takes 3-4 s on a
# loaded 2-core machine, while the in-process server answers nobody. A 10 s bound ran out
# once in such a run; the answer checked is the same however long it takes.
ANSWER_TIMEOUT_S = 30


def deep_json(depth: int = DEEP) -> str:
    return '{"a":' * depth + "1" + "}" * depth


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def control_error(answer: requests.Response) -> dict[str, str]:
    assert 400 <= answer.status_code < 500, (answer.status_code, answer.text[:300])
    assert answer.headers["Content-Type"].startswith("application/json")
    return answer.json()["error"]


BODY_ROUTES = [r for r in ROUTES if r.uses_body and "<" not in r.path]


@pytest.mark.parametrize("shape", ["object", "array", "under the parser's limit"])
@pytest.mark.parametrize("route", BODY_ROUTES, ids=lambda r: f"{r.method} {r.path}")
def test_deep_json_on_every_control_body_is_a_400(live: LiveServer, route, shape: str) -> None:
    body = {"object": deep_json(), "array": "[" * DEEP + "]" * DEEP, "under the parser's limit": deep_json(900)}[shape]
    before = state_of(live.app)
    answer = requests.request(route.method, f"{live.url}{PREFIX}{route.path}", data=body,
                              headers={"Content-Type": "application/json"}, timeout=ANSWER_TIMEOUT_S)
    error = control_error(answer)
    assert error["code"] == "bad_request" and "nested deeper than" in error["message"], error
    assert state_of(live.app) == before


def test_a_deep_snapshot_file_gets_the_same_answer_as_a_missing_one(tmp_path: Path) -> None:
    (tmp_path / "deep.json").write_text(deep_json(), encoding="utf-8")
    app = frozen_app(snapshot_dir=tmp_path)
    with LiveServer(app) as server:
        before = state_of(app)
        answers = [requests.post(f"{server.url}/mock/v1/state/load", json={"path": name}, timeout=ANSWER_TIMEOUT_S)
                   for name in ("deep.json", "missing.json")]
        messages = [control_error(a)["message"] for a in answers]
        assert messages[0].replace("deep.json", "X") == messages[1].replace("missing.json", "X")
        assert state_of(app) == before


@pytest.mark.parametrize("path", ["a\x00b.json", "\x00", "snap\n.json", "x\x1b[2J.json"])
@pytest.mark.parametrize("op", ["save", "load"])
def test_nul_and_control_characters_in_a_snapshot_path_are_a_400(tmp_path: Path, path: str, op: str) -> None:
    app = frozen_app(snapshot_dir=tmp_path)
    with LiveServer(app) as server:
        before = state_of(app)
        answer = requests.post(f"{server.url}/mock/v1/state/{op}", json={"path": path}, timeout=ANSWER_TIMEOUT_S)
        error = control_error(answer)
        assert error["code"] == "bad_request" and error["message"].startswith("path: "), error
        assert state_of(app) == before
    assert list(tmp_path.iterdir()) == []


def test_nul_in_a_path_is_a_400_without_a_snapshot_directory_too(live: LiveServer) -> None:
    answer = requests.post(f"{live.url}/mock/v1/state/save", json={"path": "/tmp/a\x00b"}, timeout=ANSWER_TIMEOUT_S)
    assert control_error(answer)["message"].startswith("path: must not contain NUL")


# -- the snapshot directory -----------------------------------------------------------------


@pytest.fixture
def jailed(tmp_path: Path) -> Iterator[tuple[LiveServer, Path, Path]]:
    inside, outside = tmp_path / "snapshots", tmp_path / "elsewhere"
    inside.mkdir()
    outside.mkdir()
    with LiveServer(frozen_app(snapshot_dir=inside)) as server:
        yield server, inside, outside


def test_save_and_load_use_names_inside_the_snapshot_directory(jailed) -> None:
    server, inside, _ = jailed
    saved = requests.post(f"{server.url}/mock/v1/state/save", json={"path": "before.json"}, timeout=ANSWER_TIMEOUT_S)
    assert saved.status_code == 200 and Path(saved.json()["path"]) == (inside / "before.json").resolve()
    loaded = requests.post(f"{server.url}/mock/v1/state/load", json={"path": "before.json"}, timeout=ANSWER_TIMEOUT_S)
    assert loaded.status_code == 200 and loaded.json()["restored"] is True


def test_paths_outside_the_snapshot_directory_are_refused_before_any_file_is_read(jailed) -> None:
    server, inside, outside = jailed
    requests.post(f"{server.url}/mock/v1/state/save", json={"path": "good.json"}, timeout=ANSWER_TIMEOUT_S)
    (outside / "good.json").write_bytes((inside / "good.json").read_bytes())  # a valid snapshot, elsewhere
    (inside / "link.json").symlink_to(outside / "good.json")
    before = state_of(server.app)
    for path in (str(outside / "good.json"), "../elsewhere/good.json", "link.json", "/etc/passwd", "/etc/none",
                 ".", "", str(inside)):
        for op in ("load", "save"):
            answer = requests.post(f"{server.url}/mock/v1/state/{op}", json={"path": path}, timeout=ANSWER_TIMEOUT_S)
            error = control_error(answer)
            assert error["code"] == "bad_request" and error["message"].startswith("path: "), (path, error)
    assert state_of(server.app) == before
    assert sorted(p.name for p in outside.iterdir()) == ["good.json"]


def test_missing_unreadable_and_not_json_get_one_answer(jailed) -> None:
    server, inside, _ = jailed
    (inside / "junk").write_text("{not json", encoding="utf-8")
    (inside / "binary").write_bytes(b"\xff\xfe\x00")
    (inside / "list").write_text("[1, 2]", encoding="utf-8")
    (inside / "dir").mkdir()
    messages = set()
    for name in ("junk", "binary", "list", "dir", "nothing"):
        answer = requests.post(f"{server.url}/mock/v1/state/load", json={"path": name}, timeout=ANSWER_TIMEOUT_S)
        messages.add(control_error(answer)["message"].replace(name, "NAME"))
    assert len(messages) == 1, messages


def test_serve_keeps_snapshots_in_the_current_directory_by_default(monkeypatch: pytest.MonkeyPatch,
                                                                  tmp_path: Path) -> None:
    from types import SimpleNamespace

    from mock_exchange import cli

    apps: list = []
    monkeypatch.chdir(tmp_path)
    # Bound but never run: the banner, then straight back.
    monkeypatch.setattr(cli, "listen", lambda app, host, port, threads: apps.append(app) or SimpleNamespace(
        effective_port=port, run=lambda: None, close=lambda: None))
    cli.main(["serve", "--port", "0"])
    cli.main(["serve", "--port", "0", "--snapshot-dir", "snaps"])
    dirs = [app.extensions["mock_exchange"].snapshot_dir for app in apps]
    assert dirs == [tmp_path, tmp_path / "snaps"]


# -- check-config ---------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".json", ".yaml"])
def test_check_config_on_a_deep_document_is_a_config_error(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"deep{suffix}"
    path.write_text("[" * DEEP + "]" * DEEP, encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "mock_exchange", "check-config", str(path)], capture_output=True,
                          text=True, timeout=120, env={**os.environ, "PYTHONPATH": str(Path.cwd())})
    assert done.returncode == 2, done.stderr[-500:]
    assert "config error" in done.stderr and "nested deeper than 64 levels" in done.stderr
    assert "Traceback" not in done.stderr


# -- the control token: one rule on every port ----------------------------------------------

TOKEN = "tok-3n"


def raw_status(port: int, path: str, token_header: bytes) -> int:
    request = (
        b"GET " + path.encode() + b" HTTP/1.1\r\nHost: 127.0.0.1\r\n" + token_header + b"Connection: close\r\n\r\n"
    )
    with socket.create_connection(("127.0.0.1", port), timeout=ANSWER_TIMEOUT_S) as sock:
        sock.sendall(request)
        data = b""
        while chunk := sock.recv(65536):
            data += chunk
    answer = rawhttp.parse(data)
    assert answer is not None
    return answer.status


SENT = {
    b"X-Mock-Token: tok-3n\r\n": 200,
    b"X-Mock-Token:  tok-3n  \r\n": 200,
    b"X-Mock-Token:\ttok-3n\t\r\n": 200,
    b"X-Mock-Token: tok-3\r\n": 401,
    b"X-Mock-Token: tok- 3n\r\n": 401,
    b"X-Mock-Token: TOK-3N\r\n": 401,
    b"X-Mock-Token: \r\n": 401,
    b"": 401,
}


@pytest.mark.parametrize("path", ["/mock/v1/clock", "/mock/v1/user-stream/events"])
def test_the_token_rule_is_the_same_on_the_main_and_the_websocket_port(path: str) -> None:
    from mock_exchange.web.user_stream_ws import WebSocketServer

    app = frozen_app(control_token=TOKEN)
    ws = WebSocketServer(app).start()
    try:
        with LiveServer(app) as main:
            main_port = rawhttp.address(main)[1]
            for header, expected in SENT.items():
                statuses = (raw_status(main_port, path, header), raw_status(ws.port, path, header))
                assert statuses == (expected, expected), (header, statuses)
    finally:
        ws.stop()


@pytest.mark.parametrize("token", [" tok", "tok ", "to\nk", "\ttok"])
def test_a_token_with_spaces_around_it_or_control_characters_cannot_be_configured(token: str) -> None:
    with pytest.raises(ValueError, match="control_token"):
        frozen_app(control_token=token)


def test_serve_refuses_such_a_token_with_a_config_error(monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    from mock_exchange import cli

    assert cli.main(["serve", "--port", "0", "--control-token", "tok "]) == 2
    assert "config error: control token" in capsys.readouterr().err

