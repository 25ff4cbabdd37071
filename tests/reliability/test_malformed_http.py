"""Malformed HTTP against a real server (waitress on loopback): what reaches the app, and what does not.

Requests the app sees (bad percent-encoding, bad UTF-8, odd content types, unknown
methods, missing signatures, non-ASCII keys and signatures) answer in Binance's JSON
shape with a documented code and change nothing. Requests waitress refuses before the
app (a lower-case method, a junk start line, raw bytes in the path, oversized headers,
a bad Content-Length or chunking) get waitress's own plain-text 4xx; the server lives on.
Both behaviours are listed in docs/reliability.md.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.testing import LiveServer
from tests.reliability import rawhttp
from tests.reliability.harness import run_property
from tests.reliability.support import (
    DEMO,
    FROZEN_AT_MS,
    Budget,
    call,
    check_response,
    count,
    exchange_of,
    frozen_app,
    state_of,
)

KEY = {"X-MBX-APIKEY": DEMO.api_key}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
TS = f"timestamp={FROZEN_AT_MS}"

# name -> the raw request; each reaches the app and must get a Binance error.
APP_LEVEL: dict[str, bytes] = {
    "bad percent-encoding in the query": rawhttp.request_bytes("GET", f"/sapi/v1/margin/account?{TS}%ZZ", KEY),
    "lone percent sign": rawhttp.request_bytes("GET", "/sapi/v1/margin/account?timestamp=%&signature=%", KEY),
    "invalid UTF-8 in the query": rawhttp.request_bytes("GET", f"/sapi/v1/margin/openOrders?symbol=%C3%28&{TS}", KEY),
    "invalid UTF-8 in the body": rawhttp.request_bytes("POST", "/sapi/v1/margin/order", {**KEY, **FORM},
                                                       b"symbol=%FF%FE&" + TS.encode()),
    "bad percent-encoding in the body": rawhttp.request_bytes("DELETE", "/sapi/v1/margin/order", {**KEY, **FORM},
                                                              b"symbol=%G1&" + TS.encode()),
    "JSON body": rawhttp.request_bytes("POST", "/sapi/v1/margin/order", {**KEY, "Content-Type": "application/json"},
                                       b'{"symbol": "BTCUSDT", "timestamp": 1}'),
    "multipart body": rawhttp.request_bytes("POST", "/sapi/v1/margin/order",
                                            {**KEY, "Content-Type": "multipart/form-data; boundary=XX"},
                                            b"--XX\r\nContent-Disposition: form-data; name=\"symbol\"\r\n\r\n"
                                            b"BTCUSDT\r\n--XX--\r\n"),
    "text/plain body": rawhttp.request_bytes("POST", "/sapi/v1/margin/order", {**KEY, "Content-Type": "text/plain"},
                                             TS.encode()),
    "garbage content type": rawhttp.request_bytes("POST", "/sapi/v1/margin/order", {**KEY, "Content-Type": "\xff;;=="},
                                                  TS.encode()),
    "unsigned signed endpoint": rawhttp.request_bytes("GET", f"/sapi/v1/margin/account?{TS}", KEY),
    "no API key": rawhttp.request_bytes("GET", f"/sapi/v1/margin/account?{TS}&signature=00"),
    "non-ASCII API key": rawhttp.request_bytes("GET", f"/sapi/v1/margin/account?{TS}", {"X-MBX-APIKEY": "\xe9\xff"}),
    "unknown method": rawhttp.request_bytes("FOO", "/api/v3/ping"),
    "TRACE": rawhttp.request_bytes("TRACE", "/api/v3/ping"),
    "OPTIONS": rawhttp.request_bytes("OPTIONS", "/sapi/v1/margin/order"),
    "PATCH on an order": rawhttp.request_bytes("PATCH", "/sapi/v1/margin/order", KEY),
    "CONNECT": rawhttp.request_bytes("CONNECT", "127.0.0.1:443"),
    "unknown path": rawhttp.request_bytes("GET", "/sapi/v1/margin/%ZZ"),
    "path traversal": rawhttp.request_bytes("GET", "/sapi/v1/../../etc/passwd"),
}

# name -> the raw request; waitress answers these itself (plain text), before the app.
SERVER_LEVEL: dict[str, bytes] = {
    "lower-case method": b"get /api/v3/ping HTTP/1.1\r\nHost: x\r\n\r\n",
    "junk start line": b"\x00\x01\x02garbage\r\n\r\n",
    "raw bytes in the path": b"GET /api/v3/\xff\xfeping HTTP/1.1\r\nHost: x\r\n\r\n",
    "raw UTF-8 signature in the query": f"GET /sapi/v1/margin/account?{TS}&signature=\u00e9 HTTP/1.1\r\n"
                                        f"Host: x\r\nX-MBX-APIKEY: {DEMO.api_key}\r\n\r\n".encode(),
    "300 KB header": b"GET /api/v3/ping HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 300_000 + b"\r\n\r\n",
    "300 KB URL (a 1 MB query value)": b"GET /api/v3/ping?a=" + b"9" * 300_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n",
    "non-numeric Content-Length": b"POST /sapi/v1/margin/order HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
    "negative Content-Length": b"POST /sapi/v1/margin/order HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    "bad chunk size": b"POST /sapi/v1/margin/order HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
}


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def ping(server: LiveServer) -> None:
    answer = rawhttp.exchange(server, rawhttp.request_bytes("GET", "/api/v3/ping"))
    assert answer is not None and (answer.status, answer.body) == (200, b"{}"), "the server stopped answering"


@pytest.mark.parametrize("name", sorted(APP_LEVEL))
def test_malformed_request_gets_a_binance_error_and_changes_nothing(live: LiveServer, name: str) -> None:
    before = state_of(live.app)
    answer = rawhttp.exchange(live, APP_LEVEL[name])
    count("malformed HTTP requests")
    assert answer is not None, f"{name}: no answer"
    outcome = check_response(answer.status, answer.content_type, answer.body, where=name)
    assert outcome.error is not None, f"{name}: accepted: {outcome.body}"
    assert state_of(live.app) == before


@pytest.mark.parametrize("name", sorted(SERVER_LEVEL))
def test_server_level_rejection_is_a_4xx_and_the_server_lives_on(live: LiveServer, name: str) -> None:
    answer = rawhttp.exchange(live, SERVER_LEVEL[name])
    count("malformed HTTP requests")
    assert answer is not None, f"{name}: no answer"
    assert answer.status in (400, 431), f"{name}: {answer.status} {answer.body[:200]!r}"
    ping(live)


def test_head_answers_without_a_body(live: LiveServer) -> None:
    answer = rawhttp.exchange(live, rawhttp.request_bytes("HEAD", "/api/v3/ping"))
    assert answer is not None and answer.status == 200 and answer.body == b""
    assert answer.content_type.startswith("application/json")


def test_one_megabyte_value_in_a_form_body_is_refused_cleanly(live: LiveServer) -> None:
    client = live.app.test_client()
    before = state_of(live.app)
    outcome = call(client, "POST", "/sapi/v1/margin/order",
                   [("symbol", "9" * 1024 * 1024), ("timestamp", str(FROZEN_AT_MS))], placement="body")
    assert outcome.error is not None and outcome.error[0] == -1100
    assert state_of(live.app) == before


def test_form_body_over_the_2_mb_limit_is_a_413_with_binance_error(live: LiveServer) -> None:
    body = b"symbol=" + b"A" * (3 * 1024 * 1024)
    answer = rawhttp.exchange(live, rawhttp.request_bytes("POST", "/sapi/v1/margin/order", {**KEY, **FORM}, body))
    assert answer is not None
    outcome = check_response(answer.status, answer.content_type, answer.body, where="3 MB body")
    assert answer.status == 413 and outcome.error is not None


def test_non_ascii_signature_is_a_bad_signature_not_a_crash() -> None:
    # Regression: hmac.compare_digest raised TypeError on a raw non-ASCII signature (HTTP 500).
    client = frozen_app().test_client()
    response = client.get(f"/sapi/v1/margin/account?{TS}&signature=\u00e9", headers=KEY)
    assert (response.status_code, response.get_json()["code"]) == (400, -1022)


VALID = rawhttp.request_bytes("GET", f"/sapi/v1/margin/openOrders?symbol=BTCUSDT&{TS}&signature=" + "0" * 64, KEY)


@st.composite
def garbled(draw: st.DrawFn) -> bytes:
    """A valid request with random bytes inserted, replaced or cut (anywhere: line, headers, end)."""
    data = bytearray(VALID)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        op = draw(st.sampled_from(("insert", "replace", "cut")))
        noise = draw(st.binary(min_size=1, max_size=8))
        if op == "insert":
            data[at:at] = noise
        elif op == "replace":
            data[at:at + len(noise)] = noise
        else:
            del data[at:]
    return bytes(data)


@pytest.mark.soak(weight=1)
def test_garbled_bytes_never_get_a_5xx(live: LiveServer, budget: Budget) -> None:
    before = state_of(live.app)

    @given(garbled())
    def garbled_request(data: bytes) -> None:
        answer = rawhttp.exchange(live, data)
        count("malformed HTTP requests")
        if answer is None:
            return  # waitress waited for more (a cut request) and closed on the half-close
        assert answer.status < 500, f"{data!r}: {answer.status} {answer.body[:200]!r}"
        if answer.content_type.startswith("application/json"):
            check_response(answer.status, answer.content_type, answer.body, where=repr(data))

    run_property(garbled_request, budget, 60)
    ping(live)
    assert exchange_of(live.app).state.orders == {} and state_of(live.app) == before
