"""Each fault kind as a real HTTP client (requests over waitress) sees it, and its bookkeeping."""

from __future__ import annotations

import pytest
import requests

from mock_exchange.control import ControlError, LocalControl
from mock_exchange.testing import LiveServer
from tests.control.conftest import LIMIT_BUY, HttpSigner

ORDER_PATH = "/sapi/v1/margin/order"
UNKNOWN = {"code": -1007, "msg": "Timeout waiting for response from backend server. Send status unknown; "
                                 "execution status unknown."}


def open_orders(live: LiveServer) -> list[int]:
    exchange = live.app.extensions["mock_exchange"].exchange
    return [o.order_id for o in exchange.open_orders("demo", "BTCUSDT")]


def test_unknown_placed_answers_503_but_places_the_order(live: LiveServer, http: HttpSigner) -> None:
    control = LocalControl(live.app)
    control.inject_fault(ORDER_PATH, "unknown_placed", count=1, method="POST")
    response = http.request("POST", ORDER_PATH, **LIMIT_BUY)
    assert (response.status_code, response.json()) == (503, UNKNOWN)
    assert open_orders(live) == [1]
    # count=1: the next request goes through untouched.
    assert http.request("POST", ORDER_PATH, **LIMIT_BUY).status_code == 200
    assert open_orders(live) == [1, 2]
    entry = control.journal(path=ORDER_PATH)[0]
    assert entry["fault"] == {"id": 1, "kind": "unknown_placed", "view_status": 200}
    assert entry["status"] == 503 and entry["response"] == UNKNOWN


def test_unknown_not_placed_answers_503_and_places_nothing(live: LiveServer, http: HttpSigner) -> None:
    LocalControl(live.app).inject_fault(ORDER_PATH, "unknown_not_placed", count=1)
    response = http.request("POST", ORDER_PATH, **LIMIT_BUY)
    assert (response.status_code, response.json()) == (503, UNKNOWN)
    assert open_orders(live) == []


@pytest.mark.parametrize(("kind", "status", "body"), [
    ("http_500", 500, {"code": -1001, "msg": "Internal error; unable to process your request. Please try again."}),
    ("unavailable_503", 503, {"code": -1008, "msg": "Spot server is currently overloaded with other requests. "
                                                    "Please try again in a few minutes."}),
])
def test_server_errors_do_not_place(live: LiveServer, http: HttpSigner, kind: str, status: int,
                                    body: dict[str, object]) -> None:
    LocalControl(live.app).inject_fault("/sapi/v1/margin/*", kind, count=1)
    response = http.request("POST", ORDER_PATH, **LIMIT_BUY)
    assert (response.status_code, response.json()) == (status, body)
    assert open_orders(live) == []


def test_rate_limit_429_has_retry_after_until_the_window_ends(live: LiveServer, http: HttpSigner) -> None:
    control = LocalControl(live.app)
    control.set_time(1_767_225_600_000 + 45_000)  # 15 s before the minute ends
    control.inject_fault("/api/v3/*", "rate_limit_429", count=1)
    response = requests.get(f"{live.url}/api/v3/time", timeout=10)
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "15"
    assert response.json()["code"] == -1003
    assert "current limit is 6000 request weight per 1 MINUTE" in response.json()["msg"]
    explicit = control.inject_fault("/api/v3/time", "rate_limit_429", count=1, retry_after_s=7)
    assert explicit["options"] == {"retry_after_s": 7}
    assert requests.get(f"{live.url}/api/v3/time", timeout=10).headers["Retry-After"] == "7"


def test_ban_418_with_retry_after_and_ban_time(live: LiveServer) -> None:
    control = LocalControl(live.app)
    control.inject_fault("/api/v3/ping", "ban_418", count=1, retry_after_s=300)
    response = requests.get(f"{live.url}/api/v3/ping", timeout=10)
    assert response.status_code == 418
    assert response.headers["Retry-After"] == "300"
    until = control.now_ms() + 300_000
    assert response.json() == {"code": -1003, "msg": f"Way too much request weight used; IP banned until {until}. "
                                                     "Please use WebSocket Streams for live updates to avoid bans."}
    assert requests.get(f"{live.url}/api/v3/ping", timeout=10).status_code == 200


@pytest.mark.parametrize("placed", [False, True])
def test_drop_connection_breaks_the_response(live: LiveServer, http: HttpSigner, placed: bool) -> None:
    control = LocalControl(live.app)
    control.inject_fault(ORDER_PATH, "drop_connection", count=1, placed=placed)
    with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
        http.request("POST", ORDER_PATH, **LIMIT_BUY)
    assert open_orders(live) == ([1] if placed else [])
    entry = control.journal(fault="drop_connection")[0]
    assert entry["response"] is None and entry["fault"]["kind"] == "drop_connection"
    # The same session recovers on a fresh connection.
    assert http.request("GET", "/sapi/v1/margin/openOrders", symbol="BTCUSDT").status_code == 200


def test_drop_connection_under_werkzeug_dev_server() -> None:
    import threading

    from werkzeug.serving import make_server

    from tests.control.conftest import frozen_app

    app = frozen_app()
    LocalControl(app).inject_fault("/api/v3/ping", "drop_connection")
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with pytest.raises((requests.exceptions.ChunkedEncodingError, requests.exceptions.ConnectionError)):
            requests.get(f"http://127.0.0.1:{server.server_port}/api/v3/ping", timeout=10)
    finally:
        server.shutdown()
        thread.join(10)


def test_timeout_holds_longer_than_the_client_waits(live: LiveServer, http: HttpSigner) -> None:
    control = LocalControl(live.app)
    control.inject_fault(ORDER_PATH, "timeout", count=1, delay_ms=30_000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        http.request("POST", ORDER_PATH, timeout=0.3, **LIMIT_BUY)
    assert open_orders(live) == []  # placed defaults to false
    control.clear_faults()  # lets the held request go at once


def test_timeout_answers_minus_1007_when_the_client_waits_long_enough(live: LiveServer, http: HttpSigner) -> None:
    control = LocalControl(live.app)
    control.inject_fault(ORDER_PATH, "timeout", count=1, delay_ms=50, placed=True)
    response = http.request("POST", ORDER_PATH, **LIMIT_BUY)
    assert (response.status_code, response.json()) == (503, UNKNOWN)
    assert open_orders(live) == [1]


def test_latency_delays_then_answers_normally(live: LiveServer, http: HttpSigner) -> None:
    control = LocalControl(live.app)
    control.inject_fault("/api/v3/time", "latency", count=1, delay_ms=30_000)
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.get(f"{live.url}/api/v3/time", timeout=0.3)
    control.inject_fault("/api/v3/ping", "latency", count=1, delay_ms=20)
    response = requests.get(f"{live.url}/api/v3/ping", timeout=10)
    assert (response.status_code, response.json()) == (200, {})
    control.clear_faults()


def test_faults_match_method_and_glob_and_count_down(control: LocalControl, client) -> None:  # noqa: ANN001
    rule = control.inject_fault("/api/v3/*", "http_500", count=2, method="GET")
    assert rule == {"id": 1, "endpoint": "/api/v3/*", "method": "GET", "kind": "http_500", "count": 2,
                    "remaining": 2, "probability": None, "options": {}, "matched": 0, "applied": 0}
    assert client.get("/sapi/v1/system/status").status_code == 200  # not matched by the glob
    assert [client.get("/api/v3/ping").status_code for _ in range(3)] == [500, 500, 200]
    assert control.faults()[0] | {} == rule | {"remaining": 0, "matched": 2, "applied": 2}
    assert control.clear_faults() == 1
    assert control.faults() == []


def test_probability_is_seeded_and_repeats_after_reset(control: LocalControl, client) -> None:  # noqa: ANN001
    def run() -> list[int]:
        control.inject_fault("/api/v3/ping", "http_500", probability="0.5")
        return [client.get("/api/v3/ping").status_code for _ in range(40)]

    first = run()
    assert 5 < first.count(500) < 35  # a coin, not a constant
    control.reset()
    assert run() == first
    control.reset(seed=99)
    assert run() != first


def test_bad_fault_specs_are_refused(control: LocalControl) -> None:
    with pytest.raises(ControlError, match="unknown fault kind"):
        control.inject_fault("/api/v3/ping", "explode")
    with pytest.raises(ControlError, match="delay_ms: required"):
        control.inject_fault("/api/v3/ping", "latency")
    with pytest.raises(ControlError, match="not used by http_500"):
        control.inject_fault("/api/v3/ping", "http_500", delay_ms=5)
    with pytest.raises(ControlError, match="delay_ms: must be at most"):
        control.inject_fault("/api/v3/ping", "timeout", delay_ms=10**12)
    with pytest.raises(ControlError, match="between 0 and 1"):
        control.inject_fault("/api/v3/ping", "http_500", probability="1.5")
    with pytest.raises(TypeError):
        control.inject_fault("/api/v3/ping", "http_500", probability=0.5)  # type: ignore[arg-type]
    assert control.faults() == []
