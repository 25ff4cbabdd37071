"""Odd paths over real HTTP: doubled slashes, trailing slashes, dot segments, case, encodings.

werkzeug merges ``//`` by default and answers the unmerged path with a 308 whose
``Location`` comes from the client's ``Host`` header (an HTML body, an open redirect).
The fake answers every path it does not serve as it answers any unknown path: 404 with
Binance's JSON ``{"code": -1020}`` (or the control API's own error shape under
``/mock/v1/``), never a redirect, and the exchange is unchanged.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.testing import LiveServer
from tests.reliability import rawhttp
from tests.reliability.harness import run_property
from tests.reliability.support import DEMO, FROZEN_AT_MS, Budget, binance_rules, count, frozen_app, state_of

HOSTILE_HOST = "attacker.example"
KEY = {"X-MBX-APIKEY": DEMO.api_key, "Host": HOSTILE_HOST}
SIGNED = f"symbol=BTCUSDT&side=BUY&type=LIMIT&quantity=0.01&price=29000&timeInForce=GTC&timestamp={FROZEN_AT_MS}"

DOUBLED = ["/sapi/v1//margin/order", "/sapi//v1/margin/order", "/api/v3//ping", "/sapi/v1/margin//account",
           "/api/v3/ping//", "/sapi/v1/margin/order/", "/api/v3/ping/", "/mock/v1//faults", "/mock/v1/faults/"]


@pytest.fixture(scope="module")
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def raw(method: str, target: str, headers: dict[str, str]) -> bytes:
    # The Host header is the client's (here: an outsider's), not 127.0.0.1.
    lines = [f"{method} {target} HTTP/1.1", *(f"{k}: {v}" for k, v in headers.items())]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
@pytest.mark.parametrize("path", DOUBLED)
def test_doubled_or_trailing_slash_is_a_json_404_and_never_a_redirect(live: LiveServer, path: str,
                                                                      method: str) -> None:
    before = state_of(live.app)
    answer = rawhttp.exchange(live, raw(method, f"{path}?{SIGNED}&signature={'0' * 64}", KEY))
    assert answer is not None
    assert answer.status == 404, (answer.status, answer.headers, answer.body[:200])
    assert "location" not in answer.headers and HOSTILE_HOST.encode() not in answer.body
    assert answer.content_type.startswith("application/json")
    body = json.loads(answer.body)
    if path.startswith("/mock/"):
        assert set(body) == {"error"} or body == {"code": -1020, "msg": "This operation is not supported."}
    else:
        assert body == {"code": -1020, "msg": "This operation is not supported."}
    assert state_of(live.app) == before


SEGMENT_EDITS = ("double", "trailing", "dot", "dotdot", "upper", "encoded_slash", "semicolon", "empty_query")


# A key-only request to create a listen key or token is valid, and issues one (drawing the
# seeded generator, which the state check sees); an edit that leaves the path well formed (a
# trailing "?") sends exactly that, so the state check would fail on a correct answer.
_ISSUES_A_GRANT = {("POST", "/sapi/v1/userDataStream"), ("POST", "/sapi/v1/margin/listen-key"),
                   ("POST", "/sapi/v1/userListenToken")}
ODD_PATH_BASES = [rule for rule in binance_rules(frozen_app()) if rule not in _ISSUES_A_GRANT] + [
    ("GET", "/mock/v1/health"), ("DELETE", "/mock/v1/faults")]


@st.composite
def odd_paths(draw: st.DrawFn) -> tuple[str, str]:
    method, path = draw(st.sampled_from(ODD_PATH_BASES))
    for _ in range(draw(st.integers(1, 3))):
        edit = draw(st.sampled_from(SEGMENT_EDITS))
        parts = path.split("/")
        at = draw(st.integers(1, len(parts) - 1))
        if edit == "double":
            parts.insert(at, "")
        elif edit == "trailing":
            parts.append("")
        elif edit == "dot":
            parts.insert(at, ".")
        elif edit == "dotdot":
            parts.insert(at, "..")
        elif edit == "upper":
            parts[at] = parts[at].upper()
        elif edit == "encoded_slash":
            parts[at] = parts[at] + "%2F"
        elif edit == "semicolon":
            parts[at] = parts[at] + ";x=1"
        path = "/".join(parts) + ("?" if edit == "empty_query" else "")
    return method, path


@pytest.mark.soak(weight=1)
def test_odd_paths_never_get_a_5xx_or_a_redirect(live: LiveServer, budget: Budget) -> None:
    before = state_of(live.app)

    @given(odd_paths())
    def odd_path(case: tuple[str, str]) -> None:
        method, path = case
        answer = rawhttp.exchange(live, raw(method, path, KEY))
        count("odd paths sent")
        assert answer is not None, path
        assert answer.status < 500 and not 300 <= answer.status < 400, (path, answer.status, answer.body[:200])
        assert "location" not in answer.headers
        if answer.status >= 400:
            assert answer.content_type.startswith("application/json"), (path, answer.content_type)
            json.loads(answer.body)

    run_property(odd_path, budget, 80)
    assert state_of(live.app) == before
