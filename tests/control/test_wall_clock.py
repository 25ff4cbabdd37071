"""The clock comes back: a served exchange follows wall time, and every way off it has a way back.

A client signs with its own wall clock; these tests do the same (``time.time()``), over
real HTTP, so a clock left frozen or offset shows up as Binance's -1021.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import requests

from mock_exchange.control import RemoteControl
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.control.conftest import HttpSigner

OPEN_ORDERS = "/sapi/v1/margin/openOrders"
OUTSIDE = {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
# A clock frozen in the past: the client's wall-clock timestamp is far ahead of it.
AHEAD = {"code": -1021, "msg": "Timestamp for this request was 1000ms ahead of the server's time."}


@pytest.fixture
def served() -> Iterator[LiveServer]:
    """What ``mock-exchange serve`` runs: an exchange on the wall clock."""
    with LiveServer(create_app()) as server:
        yield server


@pytest.fixture
def wall_signer(served: LiveServer) -> Iterator[HttpSigner]:
    signer = HttpSigner(served)
    signer.now_ms = lambda: time.time_ns() // 1_000_000  # type: ignore[method-assign] # the client's own clock
    yield signer
    signer.session.close()


def clock_call(server: LiveServer, body: dict[str, object] | None = None) -> dict[str, object]:
    if body is None:
        response = requests.get(f"{server.url}/mock/v1/clock", timeout=5)
    else:
        response = requests.post(f"{server.url}/mock/v1/clock", json=body, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()


def signed_status(signer: HttpSigner) -> object:
    response = signer.request("GET", OPEN_ORDERS, symbol="BTCUSDT")
    return 200 if response.status_code == 200 else response.json()


def test_a_served_exchange_starts_on_wall_time(served: LiveServer, wall_signer: HttpSigner) -> None:
    state = clock_call(served)
    assert state["mode"] == "wall" and state["frozen"] is False and state["offset_ms"] == 0
    assert abs(int(state["now_ms"]) - time.time() * 1000) < 5_000  # type: ignore[call-overload]
    assert signed_status(wall_signer) == 200


def test_after_freeze_and_advance_mode_wall_brings_the_clock_back(served: LiveServer,
                                                                  wall_signer: HttpSigner) -> None:
    # The README's own control lines: freeze, then a minute forward.
    clock_call(served, {"freeze": True})
    clock_call(served, {"advance_ms": 60000})
    assert signed_status(wall_signer) == OUTSIDE
    back = clock_call(served, {"mode": "wall"})
    assert back["mode"] == "wall" and back["frozen"] is False and back["offset_ms"] == 0
    assert signed_status(wall_signer) == 200


def test_unfreeze_keeps_the_offset_and_wall_true_drops_it(served: LiveServer, wall_signer: HttpSigner) -> None:
    clock_call(served, {"freeze": True})
    clock_call(served, {"advance_ms": 60000})
    running = clock_call(served, {"unfreeze": True})
    assert running["mode"] == "offset" and int(running["offset_ms"]) >= 59_000  # type: ignore[call-overload]
    assert signed_status(wall_signer) == OUTSIDE  # running again, but a minute ahead
    assert clock_call(served, {"wall": True})["mode"] == "wall"
    assert signed_status(wall_signer) == 200


def test_advance_on_a_running_clock_is_an_offset_until_wall(served: LiveServer, wall_signer: HttpSigner) -> None:
    assert clock_call(served, {"advance_ms": 10_000})["mode"] == "offset"
    assert signed_status(wall_signer) == OUTSIDE
    assert clock_call(served, {"mode": "wall"})["mode"] == "wall"
    assert signed_status(wall_signer) == 200


def test_reset_returns_a_served_exchange_to_wall_time(served: LiveServer, wall_signer: HttpSigner) -> None:
    clock_call(served, {"freeze": True, "at_ms": 1_767_225_600_000})
    assert signed_status(wall_signer) == AHEAD
    reset = requests.post(f"{served.url}/mock/v1/reset", json={}, timeout=5).json()
    assert reset["clock"]["mode"] == "wall"
    assert signed_status(wall_signer) == 200


def test_reset_keep_clock_leaves_it_frozen(served: LiveServer) -> None:
    clock_call(served, {"freeze": True, "at_ms": 1_767_225_600_000})
    reset = requests.post(f"{served.url}/mock/v1/reset", json={"keep_clock": True}, timeout=5).json()
    assert reset["clock"]["mode"] == "frozen" and reset["clock"]["now_ms"] == 1_767_225_600_000
    refused = requests.post(f"{served.url}/mock/v1/reset", json={"keep_clock": True, "at_ms": 5}, timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "bad_request"


def test_mode_frozen_is_freeze(served: LiveServer) -> None:
    frozen = clock_call(served, {"mode": "frozen", "at_ms": 1_767_225_600_000})
    assert (frozen["mode"], frozen["now_ms"]) == ("frozen", 1_767_225_600_000)


def test_the_python_handle_goes_back_to_wall_time(served: LiveServer, wall_signer: HttpSigner) -> None:
    with RemoteControl(served.url) as control:
        control.freeze(at_ms=1_767_225_600_000)
        control.advance(minutes=1)
        assert signed_status(wall_signer) == AHEAD
        now = control.use_wall_clock()
        assert abs(now - time.time() * 1000) < 5_000
        assert control.clock()["mode"] == "wall"
        assert signed_status(wall_signer) == 200
        control.freeze()
        assert control.reset(keep_clock=True)["clock"]["mode"] == "frozen"
        assert control.reset()["clock"]["mode"] == "wall"
