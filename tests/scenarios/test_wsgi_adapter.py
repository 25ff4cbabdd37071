"""WsgiAdapter: requests served in-process, with the exact bytes that were signed."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
import requests
from flask import Flask, Response, jsonify, request

from mock_exchange.wsgi_adapter import DEFAULT_BASE_URL, WsgiAdapter, session_for

URL = DEFAULT_BASE_URL


@pytest.fixture
def echo_app() -> Flask:
    app = Flask("echo")
    release = threading.Event()
    app.config["release"] = release

    @app.route("/echo", methods=["GET", "POST", "DELETE", "PUT"])
    def echo() -> Response:
        answer = jsonify(method=request.method, path=request.path, query=request.query_string.decode("latin-1"),
                         body=request.get_data().decode("latin-1"), content_type=request.content_type,
                         api_key=request.headers.get("X-MBX-APIKEY"), remote=request.remote_addr)
        answer.headers["X-SAPI-USED-IP-WEIGHT-1M"] = "10"
        answer.set_cookie("session", "abc")
        return answer

    @app.route("/slow")
    def slow() -> str:
        release.wait(5)
        return "late"

    @app.route("/truncated")
    def truncated() -> Response:
        body = b'{"code": -1007, "msg": "lost"}'
        response = Response(iter([body[:10]]), status=503, content_type="application/json",
                            direct_passthrough=True)
        response.headers["Content-Length"] = str(len(body))
        return response

    return app


def test_raw_query_and_body_bytes_reach_the_app_unchanged(echo_app: Flask) -> None:
    session = session_for(echo_app)
    query = "symbol=%EF%BC%91%EF%BC%92&price=0.1&note=a+b%2Bc&signature=Ab%2F%3D"
    body = b"quantity=1&timestamp=1499827319559&empty="
    response = session.post(f"{URL}/echo?{query}", data=body,
                            headers={"Content-Type": "application/x-www-form-urlencoded", "X-MBX-APIKEY": "k"})
    assert response.status_code == 200
    assert response.json() == {
        "method": "POST", "path": "/echo", "query": query, "body": body.decode(),
        "content_type": "application/x-www-form-urlencoded", "api_key": "k", "remote": "127.0.0.1",
    }


def test_the_answer_is_a_real_requests_response(echo_app: Flask) -> None:
    session = session_for(echo_app)
    response = session.delete(f"{URL}/echo", params={"a": "1"})
    assert isinstance(response, requests.Response)
    assert response.ok and response.reason == "OK" and response.url == f"{URL}/echo?a=1"
    assert response.headers["x-sapi-used-ip-weight-1m"] == "10"  # case-insensitive
    assert response.cookies.get("session") == "abc"
    assert session.cookies.get("session") == "abc"
    assert response.request.method == "DELETE"
    assert response.json()["method"] == "DELETE"


def test_streamed_answers_can_be_iterated(echo_app: Flask) -> None:
    response = session_for(echo_app).get(f"{URL}/echo", stream=True)
    assert b"".join(response.iter_content(7)).startswith(b"{")


def test_unknown_routes_answer_404(echo_app: Flask) -> None:
    response = session_for(echo_app).get(f"{URL}/nowhere")
    assert response.status_code == 404 and not response.ok


def test_a_truncated_body_is_a_broken_connection(echo_app: Flask) -> None:
    with pytest.raises(requests.ConnectionError):
        session_for(echo_app).get(f"{URL}/truncated")


def test_a_read_timeout_fires_like_over_a_socket(echo_app: Flask) -> None:
    started = time.monotonic()
    try:
        with pytest.raises(requests.ReadTimeout):
            session_for(echo_app).get(f"{URL}/slow", timeout=0.2)
        assert time.monotonic() - started < 2
    finally:
        echo_app.config["release"].set()


def test_only_the_mounted_base_url_is_served(echo_app: Flask) -> None:
    session = requests.Session()
    session.mount("http://exchange.test/", WsgiAdapter(echo_app))
    assert session.get("http://exchange.test/echo").status_code == 200


def test_signed_margin_client_calls_work_in_process() -> None:
    from margin_client import Clock, HmacSigner, MarginClient

    from mock_exchange.config import default_config
    from mock_exchange.web.app import create_app

    app = create_app()
    demo = next(a for a in default_config().accounts if a.name == "demo")
    clock = app.extensions["mock_exchange"].exchange.clock
    client = MarginClient(URL, demo.api_key, HmacSigner(demo.hmac_secret or ""), session=session_for(app),
                          clock=Clock(clock.now_ms), param_placement="body")
    clock.freeze(1_767_225_600_000)
    assert client.get_server_time() == 1_767_225_600_000
    assert client.get_open_orders(symbol="BTCUSDT") == []
    # A signed POST with its parameters in a form body: the signature covers those bytes.
    placed = client.place_order(symbol="BTCUSDT", side="SELL", type="LIMIT", time_in_force="GTC",
                                quantity="0.01", price="32000")
    assert placed.status == "NEW"
    assert [o.order_id for o in client.get_open_orders(symbol="BTCUSDT")] == [placed.order_id]


def test_in_process_requests_take_no_proxy_or_netrc_from_the_environment(
        echo_app: Flask, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    netrc = tmp_path / "netrc"
    netrc.write_text("machine mock-exchange.local login someone password secret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", "http://127.0.0.1:9")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = session_for(echo_app)
    answer = session.get(f"{URL}/echo")
    assert answer.status_code == 200
    assert "Authorization" not in answer.request.headers
    # Explicit settings still apply; other hosts keep requests' environment handling.
    assert session.get(f"{URL}/echo", auth=("me", "pw")).request.headers["Authorization"].startswith("Basic ")
    settings = session.merge_environment_settings("http://example.invalid/x", {}, None, None, None)
    assert settings["proxies"].get("http") == "http://127.0.0.1:9"
    assert session.merge_environment_settings(f"{URL}/echo", {}, None, None, None)["proxies"] == {}
