"""The /mock/v1 HTTP API: shapes, validation and its own error model (never Binance's, never 500)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from tests.signed_client import FROZEN_AT_MS, SignedClient

API = "/mock/v1"


def error_of(response) -> tuple[int, str]:  # noqa: ANN001
    body = response.get_json()
    assert set(body) == {"error"}, body
    assert "code" in body["error"] and body["error"]["message"]
    return response.status_code, body["error"]["code"]


def test_index_lists_every_route(client: FlaskClient) -> None:
    routes = client.get(f"{API}/").get_json()["routes"]
    assert {"method": "POST", "path": f"{API}/market/<symbol>/path", "op": "price_path"} in routes
    assert {"method": "POST", "path": f"{API}/market/<symbol>/index", "op": "set_index_price"} in routes
    assert {"method": "GET", "path": f"{API}/accounts/<name>/margin-level", "op": "margin_level"} in routes
    assert {"method": "POST", "path": f"{API}/streams/delivered", "op": "streams_delivered"} in routes
    assert len(routes) == 37


def test_clock_freeze_set_advance_unfreeze(client: FlaskClient) -> None:
    assert client.get(f"{API}/clock").get_json() == {"now_ms": FROZEN_AT_MS, "frozen": True,
                                                     "iso": "2026-01-01T00:00:00.000Z", "mode": "frozen",
                                                     "offset_ms": 0}
    assert client.post(f"{API}/clock", json={"advance_ms": 1500}).get_json()["now_ms"] == FROZEN_AT_MS + 1500
    assert client.post(f"{API}/clock", json={"set_ms": 1_800_000_000_000}).get_json()["now_ms"] == 1_800_000_000_000
    assert client.post(f"{API}/clock", json={"freeze": True, "at_ms": 5}).get_json()["now_ms"] == 5
    running = client.post(f"{API}/clock", json={"unfreeze": True}).get_json()
    assert running["frozen"] is False and 5 <= running["now_ms"] < 1000
    # Unfreezing runs on from the frozen instant: an offset from wall time, not wall time.
    assert running["mode"] == "offset" and running["offset_ms"] < -1_700_000_000_000
    assert client.get("/api/v3/time").get_json()["serverTime"] >= 5


@pytest.mark.parametrize("body", [
    {}, {"freeze": True, "advance_ms": 5}, {"advance_ms": -1}, {"advance_ms": "soon"}, {"advance_ms": 1.5},
    {"set_ms": True}, {"unfreeze": "yes"}, {"at_ms": 5}, {"tick": 1}, {"set_ms": 10**20},
    {"advance_ms": 10**19}, {"freeze": True, "at_ms": -1}, {"wall": "soon"}, {"wall": True, "freeze": True},
    {"mode": "offset"}, {"mode": ""}, {"mode": "wall", "at_ms": 5}, {"wall": True, "at_ms": 5},
])
def test_clock_refuses_bad_bodies(client: FlaskClient, body: dict[str, object]) -> None:
    assert error_of(client.post(f"{API}/clock", json=body)) == (400, "bad_request")
    assert client.get(f"{API}/clock").get_json()["now_ms"] == FROZEN_AT_MS


def test_market_price_trade_and_path(client: FlaskClient) -> None:
    start = client.get(f"{API}/market/BTCUSDT").get_json()  # the 24 hours of warm-up history
    moved = client.post(f"{API}/market/BTCUSDT/price", json={"price": "29500.5"}).get_json()
    assert moved == {"symbol": "BTCUSDT", "last_price": "29500.5", "events": []}
    # A JSON number is read as the exact decimal written, never through a float.
    assert client.post(f"{API}/market/BTCUSDT/price", json={"price": 29500.1}).get_json()["last_price"] == "29500.1"
    assert client.post(f"{API}/market/BTCUSDT/trade", json={"price": "29600", "qty": "2"}).get_json()["events"] == []
    path = client.post(f"{API}/market/BTCUSDT/path", json={"prices": ["29700", 29800, "29900"]}).get_json()
    assert path["last_price"] == "29900"
    market = client.get(f"{API}/market/BTCUSDT").get_json()
    # One trade of 2 (the bare price moves add none); the moves reach 30000 down to 29500.1.
    assert market["last_price"] == "29900" and market["trades_24h"] == start["trades_24h"] + 1
    assert Decimal(market["volume_24h"]) == Decimal(start["volume_24h"]) + 2
    assert Decimal(market["high_24h"]) == max(Decimal(start["high_24h"]), Decimal("30000"))
    assert Decimal(market["low_24h"]) == min(Decimal(start["low_24h"]), Decimal("29500.1"))
    assert client.get("/api/v3/ticker/price?symbol=BTCUSDT").get_json()["price"] == "29900.00000000"


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/market/NOPE/price", {"price": "1"}, (404, "not_found")),
    ("/market/BTCUSDT/price", {"price": "-1"}, (400, "bad_request")),
    ("/market/BTCUSDT/price", {"price": "1e400000000"}, (400, "bad_request")),
    ("/market/BTCUSDT/price", {"price": "NaN"}, (400, "bad_request")),
    ("/market/BTCUSDT/price", {"price": None}, (400, "bad_request")),
    ("/market/BTCUSDT/price", {"price": "1", "symbol": "ETHUSDT"}, (400, "bad_request")),
    ("/market/BTCUSDT/trade", {"price": "1"}, (400, "bad_request")),
    ("/market/BTCUSDT/trade", {"price": "1", "qty": "0"}, (400, "bad_request")),
    ("/market/BTCUSDT/path", {"prices": []}, (400, "bad_request")),
    ("/market/BTCUSDT/path", {"prices": "30000"}, (400, "bad_request")),
    ("/market/BTCUSDT/path", {"prices": ["1", {"x": 1}]}, (400, "bad_request")),
])
def test_market_refuses_bad_input(client: FlaskClient, path: str, body: dict[str, object],
                                  expected: tuple[int, str]) -> None:
    assert error_of(client.post(API + path, json=body)) == expected
    assert client.get(f"{API}/market/BTCUSDT").get_json()["last_price"] == "30000"


@pytest.mark.parametrize("data", ["{", "[1, 2]", "null", "\"text\"", "{\"price\": NaN}", "\xff\xfe"])
def test_malformed_json_is_a_400_in_control_shape(client: FlaskClient, data: str) -> None:
    response = client.post(f"{API}/market/BTCUSDT/price", data=data.encode("latin-1"),
                           content_type="application/json")
    assert error_of(response) == (400, "bad_request")


def test_unknown_paths_and_methods(client: FlaskClient) -> None:
    assert error_of(client.get(f"{API}/nothing/here")) == (404, "not_found")
    assert error_of(client.delete(f"{API}/clock")) == (405, "method_not_allowed")
    assert error_of(client.post(f"{API}/journal")) == (405, "method_not_allowed")


def test_oversized_body_is_413_in_control_shape(client: FlaskClient) -> None:
    response = client.post(f"{API}/market/BTCUSDT/path", data=b"[" + b"1," * 2_000_000 + b"1]",
                           content_type="application/json")
    assert error_of(response) == (413, "payload_too_large")


def test_accounts_create_read_and_set_balances(client: FlaskClient) -> None:
    created = client.post(f"{API}/accounts", json={
        "name": "bot", "api_key": "botKey123", "hmac_secret": "botSecret",
        "cross": {"USDT": {"free": "500"}, "BTC": {"free": 1, "borrowed": "0.5"}},
        "isolated": {"ETHUSDT": {"ETH": {"free": "2"}}},
    })
    assert created.status_code == 200
    account = created.get_json()
    assert account["name"] == "bot" and account["key_types"] == ["hmac"]
    assert account["cross"]["BTC"] == {"free": "1", "locked": "0", "borrowed": "0.5", "interest": "0",
                                       "net_asset": "0.5"}
    assert list(account["isolated"]) == ["ETHUSDT"]
    assert "botSecret" not in created.get_data(as_text=True)
    updated = client.put(f"{API}/accounts/bot/balances", json={"asset": "USDT", "free": "750.25", "borrowed": "10"})
    assert updated.get_json()["cross"]["USDT"]["free"] == "750.25"
    assert updated.get_json()["cross"]["USDT"]["borrowed"] == "10"
    isolated = client.put(f"{API}/accounts/bot/balances", json={"asset": "USDT", "free": "5",
                                                                 "isolated_symbol": "ETHUSDT"})
    assert isolated.get_json()["isolated"]["ETHUSDT"]["USDT"]["free"] == "5"
    assert client.get(f"{API}/accounts/bot").get_json() == isolated.get_json()
    assert [a["name"] for a in client.get(f"{API}/accounts").get_json()["accounts"]][-1] == "bot"
    # The new key signs Binance requests at once.
    bot = SignedClient(client, client.application, "botKey123", "botSecret")
    assert bot.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []


@pytest.mark.parametrize(("body", "expected"), [
    ({"name": "demo", "api_key": "x1", "hmac_secret": "s"}, (409, "conflict")),
    ({"name": "new", "api_key": "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
      "hmac_secret": "s"}, (409, "conflict")),
    ({"name": "new", "api_key": "k1"}, (400, "bad_request")),
    ({"name": "new", "api_key": "bad key!", "hmac_secret": "s"}, (400, "bad_request")),
    ({"name": "new", "api_key": "k1", "hmac_secret": "s", "cross": {"USDT": {"free": "-1"}}}, (400, "bad_request")),
    ({"name": "new", "api_key": "k1", "hmac_secret": "s", "cross": {"USDT": {"free": 1.5}}}, (200, None)),
    ({"name": "new", "api_key": "k1", "hmac_secret": "s", "isolated": {"NOPE": {}}}, (400, "bad_request")),
    ({"name": "new", "api_key": "k1", "rsa_public_key": "-----BEGIN garbage"}, (400, "bad_request")),
    ({"name": "new", "api_key": "k1", "hmac_secret": "s", "colour": "red"}, (400, "bad_request")),
    ({"api_key": "k1", "hmac_secret": "s"}, (400, "bad_request")),
])
def test_account_creation_is_validated_like_the_config(client: FlaskClient, body: dict[str, object],
                                                       expected: tuple[int, str | None]) -> None:
    response = client.post(f"{API}/accounts", json=body)
    if expected[1] is None:
        assert response.status_code == 200 and response.get_json()["cross"]["USDT"]["free"] == "1.5"
    else:
        assert error_of(response) == expected


@pytest.mark.parametrize(("path", "body", "expected"), [
    ("/accounts/nobody/balances", {"asset": "USDT", "free": "1"}, (404, "not_found")),
    ("/accounts/demo/balances", {"asset": "USDT"}, (400, "bad_request")),
    ("/accounts/demo/balances", {"asset": "USDT", "free": "-5"}, (400, "bad_request")),
    ("/accounts/demo/balances", {"asset": "ETH", "free": "1", "isolated_symbol": "BTCUSDT"}, (422, "rejected")),
    ("/accounts/demo/balances", {"asset": "USDT", "free": "1", "isolated_symbol": "NOPE"}, (404, "not_found")),
])
def test_set_balance_refusals(client: FlaskClient, path: str, body: dict[str, object],
                              expected: tuple[int, str]) -> None:
    assert error_of(client.put(API + path, json=body)) == expected


def test_add_symbol_then_trade_it(client: FlaskClient) -> None:
    body = {"symbol": "SOLUSDT", "base_asset": "SOL", "quote_asset": "USDT", "last_price": "150.5",
            "filters": [{"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "10000", "tickSize": "0.01"}]}
    added = client.post(f"{API}/symbols", json=body)
    assert added.status_code == 200 and added.get_json()["last_price"] == "150.5"
    assert client.get("/api/v3/ticker/price?symbol=SOLUSDT").get_json()["price"] == "150.50000000"
    info = client.get("/api/v3/exchangeInfo?symbol=SOLUSDT").get_json()
    assert info["symbols"][0]["baseAsset"] == "SOL"
    assert error_of(client.post(f"{API}/symbols", json=body)) == (409, "conflict")
    assert error_of(client.post(f"{API}/symbols", json={**body, "symbol": "SOLBTC"})) == (400, "bad_request")
    assert error_of(client.post(f"{API}/symbols", json={"symbol": "XRPUSDT"})) == (400, "bad_request")
    assert "SOLUSDT" in [s["symbol"] for s in client.get(f"{API}/symbols").get_json()["symbols"]]


def test_rate_limits_read_and_change(client: FlaskClient) -> None:
    limits = client.get(f"{API}/rate-limits").get_json()
    assert limits["api_weight_per_minute"] == 6000 and limits["sapi_bans"] is False
    changed = client.put(f"{API}/rate-limits", json={"api_weight_per_minute": 22, "ban_after_rejections": 0})
    assert changed.get_json() == {**limits, "api_weight_per_minute": 22, "ban_after_rejections": 0}
    rate_limits = client.get("/api/v3/exchangeInfo").get_json()["rateLimits"]  # weight 20
    assert rate_limits[0]["limit"] == 22
    assert [client.get("/api/v3/ping").status_code for _ in range(3)] == [200, 200, 429]
    assert error_of(client.put(f"{API}/rate-limits", json={"api_weight_per_minute": "many"})) == (400, "bad_request")
    assert error_of(client.put(f"{API}/rate-limits", json={"api_weight_per_minute": -1})) == (400, "bad_request")
    assert error_of(client.put(f"{API}/rate-limits", json={"burst": 5})) == (400, "bad_request")
    assert client.get(f"{API}/rate-limits").get_json()["api_weight_per_minute"] == 22


def test_events_endpoint_filters_by_account_and_since(client: FlaskClient) -> None:
    client.put(f"{API}/accounts/demo/balances", json={"asset": "USDT", "free": "1"})
    client.put(f"{API}/accounts/other/balances", json={"asset": "USDT", "free": "2"})
    everything = client.get(f"{API}/events").get_json()
    assert [(e["seq"], e["account"], e["action"]) for e in everything["events"]] == [
        (1, "demo", "balance"), (2, "other", "balance")]
    assert everything["last_seq"] == 2
    assert [e["seq"] for e in client.get(f"{API}/events?account=other").get_json()["events"]] == [2]
    assert [e["seq"] for e in client.get(f"{API}/events?since=1").get_json()["events"]] == [2]
    assert error_of(client.get(f"{API}/events?since=soon")) == (400, "bad_request")
    assert error_of(client.get(f"{API}/events?since=1&since=2")) == (400, "bad_request")
    assert error_of(client.get(f"{API}/events?colour=red")) == (400, "bad_request")


def test_no_route_answers_500_to_garbage(client: FlaskClient) -> None:
    routes = client.get(f"{API}/").get_json()["routes"]
    garbage = [{"x": 1}, {"price": [1]}, {"name": 5, "api_key": {}}, {"path": 7}, {"endpoint": 1, "kind": []},
               {"version": 1}, {"prices": [None]}, {"asset": 1, "free": []}]
    for route in routes:
        path = route["path"].replace("<symbol>", "BTCUSDT").replace("<name>", "demo")
        for body in garbage:
            if route["method"] in ("POST", "PUT"):
                response = client.open(path, method=route["method"], json=body)
            else:
                response = client.open(path, method=route["method"], query_string={"limit": "x", "since": "-"})
            assert response.status_code < 500, (route, body, response.get_json())
            if response.status_code >= 400:
                error_of(response)
