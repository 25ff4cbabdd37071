"""Control values at the edges of Binance's range never break a Binance endpoint (docs/control-api.md).

Two rules together: a price, quantity or balance with more than 8 decimal places is refused
(400 naming the field, nothing changed), and every value that is accepted (up to 20 digits
before the point) leaves every endpoint answering: requests compute in a decimal context
wide enough for any product of them (``core.decimals.ENGINE_CONTEXT``), where Python's
28-digit default made account valuation raise ``InvalidOperation`` (a 500).
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from mock_exchange.testing import LiveServer
from tests.reliability.catalogue import baselines_for
from tests.reliability.harness import Seeded, run_property
from tests.reliability.support import (
    DEMO,
    Budget,
    call,
    count,
    frozen_app,
    needs_credentials,
    prepare,
    served_endpoints,
    signed_pairs,
    state_of,
)

ENDPOINTS = [e for e in served_endpoints(frozen_app()) if e.method == "GET"]
HUGE = "99999999999999999999"
TS = {"timestamp": "1767225600000"}


@pytest.fixture
def live() -> Iterator[LiveServer]:
    with LiveServer(frozen_app()) as server:
        yield server


def binance_get(live: LiveServer, path: str) -> requests.Response:
    signed = path.startswith("/sapi/")
    request = prepare("GET", path, list(TS.items()) if signed else [], DEMO, sign=signed)
    return requests.get(live.url + request.url, headers=request.headers, timeout=10)


@pytest.mark.parametrize(("what", "body"), [
    ("price", {"price": HUGE}),
    ("price", {"price": "0.00000001"}),
    ("balance", {"asset": "BTC", "free": HUGE}),
    ("balance", {"asset": "USDT", "free": HUGE, "borrowed": HUGE}),
])
def test_accepted_extreme_values_leave_the_account_endpoints_answering(live: LiveServer, what: str,
                                                                       body: dict[str, str]) -> None:
    control = f"{live.url}/mock/v1"
    requests.post(f"{control}/market/BTCUSDT/price", json={"price": HUGE}, timeout=10)
    if what == "price":
        answer = requests.post(f"{control}/market/ETHBTC/price", json=body, timeout=10)
    else:
        answer = requests.put(f"{control}/accounts/demo/balances", json=body, timeout=10)
    assert answer.status_code == 200, answer.text
    for path in ("/sapi/v1/margin/account", "/sapi/v1/margin/isolated/account", "/api/v3/ticker/24hr"):
        got = binance_get(live, path)
        assert got.status_code == 200, (path, got.status_code, got.text[:300])
        assert got.headers["Content-Type"].startswith("application/json")
    account = binance_get(live, "/sapi/v1/margin/account").json()
    assert Decimal(account["totalAssetOfBtc"]) >= 0


@pytest.mark.parametrize(("route", "method", "body", "field"), [
    ("/market/BTCUSDT/price", "POST", {"price": "0.00000000000000000001"}, "price"),
    ("/market/BTCUSDT/trade", "POST", {"price": "30000", "qty": "0.000000001"}, "qty"),
    ("/market/BTCUSDT/path", "POST", {"prices": ["30000", "29999.123456789"]}, "prices[1]"),
    ("/accounts/demo/balances", "PUT", {"asset": "BTC", "free": "1234567890123456789.012345678901234567890"},
     "free"),
    ("/accounts/demo/balances", "PUT", {"asset": "BTC", "free": "1", "borrowed": "0.123456789"}, "borrowed"),
    ("/accounts/demo/balances", "PUT", {"asset": "BTC", "free": "100000000000000000000"}, "free"),
    ("/market/BTCUSDT/price", "POST", {"price": "1e400"}, "price"),
])
def test_values_beyond_binance_precision_or_range_are_refused_and_change_nothing(
        live: LiveServer, route: str, method: str, body: dict[str, object], field: str) -> None:
    before = state_of(live.app)
    answer = requests.request(method, f"{live.url}/mock/v1{route}", json=body, timeout=10)
    assert answer.status_code == 400, answer.text
    error = answer.json()["error"]
    assert error["code"] == "bad_request" and error["message"].startswith(f"{field}: "), error
    assert state_of(live.app) == before


EDGE = st.one_of(
    st.sampled_from([HUGE, "0.00000001", "1", "99999999999999999999.99999999", "0.99999999", "10000000000000000000",
                     "0.000000001", "1e19", "1E-8", "123456789012345678901234567890", "0", "-1"]),
    st.decimals(min_value=Decimal("-1e21"), max_value=Decimal("1e21"), allow_nan=False, places=8).map(str),
    st.integers(min_value=0, max_value=10**21).map(str),
)


@st.composite
def control_moves(draw: st.DrawFn) -> list[tuple[str, str, dict[str, object]]]:
    moves = []
    for _ in range(draw(st.integers(1, 3))):
        symbol = draw(st.sampled_from(["BTCUSDT", "ETHUSDT", "ETHBTC", "BNBUSDT"]))
        kind = draw(st.sampled_from(["price", "balance", "borrowed"]))
        value = draw(EDGE)
        if kind == "price":
            moves.append(("POST", f"/mock/v1/market/{symbol}/price", {"price": value}))
        else:
            asset = draw(st.sampled_from(["BTC", "USDT", "ETH", "BNB"]))
            body: dict[str, object] = {"asset": asset, "free": value if kind == "balance" else "1"}
            if kind == "borrowed":
                body["borrowed"] = value
            moves.append(("PUT", "/mock/v1/accounts/demo/balances", body))
    return moves


@pytest.mark.soak(weight=1)
def test_no_control_value_makes_a_binance_endpoint_answer_5xx(seeded: Seeded, budget: Budget) -> None:
    @given(control_moves())
    def extreme_values(moves: list[tuple[str, str, dict[str, object]]]) -> None:
        seeded.reset()
        for method, path, body in moves:
            before = seeded.state()
            answer = seeded.client.open(path, method=method, json=body)
            count("hostile control values sent")
            assert answer.status_code in (200, 400, 422), (path, body, answer.status_code, answer.get_data()[:300])
            if answer.status_code != 200:
                assert seeded.state() == before, f"{path} {body}: refused but changed the exchange"
        for endpoint in ENDPOINTS:
            params = baselines_for(endpoint, seeded.baselines)[0]
            creds = DEMO if needs_credentials(endpoint) else None
            call(seeded.client, "GET", endpoint.path, signed_pairs(endpoint, params), creds,
                 sign=endpoint.security.signed)  # asserts: no 5xx, JSON, Binance's shape
            count("Binance requests after hostile control values")

    run_property(extreme_values, budget, 25)
