"""Reset with a seed replays a request sequence byte for byte."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.control import LocalControl
from tests.control.conftest import frozen_app
from tests.signed_client import FROZEN_AT_MS, SignedClient


def run_sequence(app: Flask, client: FlaskClient) -> list[bytes]:
    """A fixed mix of placements, market moves, clock moves and queries; every response body."""
    control = LocalControl(app)
    signed = SignedClient(client, app)
    bodies = []

    def keep(response) -> None:  # noqa: ANN001
        bodies.append(response.status_code.to_bytes(2, "big") + response.get_data())

    keep(signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                     price="29000", timeInForce="GTC"))
    keep(signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.02", price="31000",
                     stopPrice="29500", stopLimitPrice="29400", stopLimitTimeInForce="GTC"))
    keep(signed.post("/sapi/v1/margin/order", symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.5"))
    keep(signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0",
                     price="1", timeInForce="GTC"))  # a rejection is part of the sequence too
    control.advance(seconds=30)
    control.price_path("BTCUSDT", ["29600", "29450", "29000"])
    control.trade("ETHUSDT", "1990", "0.1")
    control.advance(minutes=61)  # an hour of interest on anything borrowed
    for path, params in (("/sapi/v1/margin/allOrders", {"symbol": "BTCUSDT"}),
                         ("/sapi/v1/margin/myTrades", {"symbol": "BTCUSDT"}),
                         ("/sapi/v1/margin/order", {"symbol": "BTCUSDT", "orderId": 2}),
                         ("/sapi/v1/margin/myTrades", {"symbol": "ETHUSDT"})):
        keep(signed.get(path, **params))
    keep(client.get("/api/v3/ticker/24hr?symbol=BTCUSDT"))
    keep(client.get("/mock/v1/events"))
    keep(client.get("/mock/v1/journal"))
    return bodies


def test_reset_with_a_seed_gives_identical_bytes(app: Flask, client: FlaskClient) -> None:
    control = LocalControl(app)
    control.reset(seed=7)
    first = run_sequence(app, client)
    # The sequence moved the clock on; at_ms puts it back before the fresh state is built.
    assert control.reset(seed=7, at_ms=FROZEN_AT_MS)["clock"]["now_ms"] == FROZEN_AT_MS
    second = run_sequence(app, client)
    assert second == first
    assert len(first) == 11 and all(body[:2] == b"\x00\xc8" for body in first[:3])
    assert first[3][:2] == b"\x01\x90"  # the 400 for quantity 0


def test_a_fresh_app_with_the_same_seed_matches_a_reset_one() -> None:
    reused = frozen_app(seed=11)
    LocalControl(reused).set_price("BTCUSDT", "12345")  # some history, wiped by the reset
    LocalControl(reused).advance(minutes=5)
    LocalControl(reused).reset(seed=11, at_ms=FROZEN_AT_MS)
    fresh = frozen_app(seed=11)
    assert run_sequence(reused, reused.test_client()) == run_sequence(fresh, fresh.test_client())


def test_another_seed_changes_the_generated_client_ids(app: Flask, client: FlaskClient) -> None:
    control = LocalControl(app)
    signed = SignedClient(client, app)
    ids = []
    for seed in (1, 2):
        control.reset(seed=seed)
        placed = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                             price="29000", timeInForce="GTC").get_json()
        ids.append((placed["orderId"], placed["clientOrderId"]))
    assert ids[0][0] == ids[1][0] == 1
    assert ids[0][1] != ids[1][1]


def test_reset_restores_config_limits_and_clears_journal_and_faults(app: Flask, client: FlaskClient) -> None:
    control = LocalControl(app)
    control.set_rate_limits(api_weight_per_minute=1)
    control.inject_fault("/api/v3/time", "http_500")
    control.add_account("temp", "tempKey1", hmac_secret="x")
    control.set_balance("demo", "USDT", "1")
    client.get("/api/v3/ping")
    control.advance(seconds=1)
    result = control.reset()
    assert result["seed"] == 0
    # The clock goes back to its start: this app was built frozen at FROZEN_AT_MS.
    assert result["clock"] == {"now_ms": FROZEN_AT_MS, "frozen": True, "iso": "2026-01-01T00:00:00.000Z",
                               "mode": "frozen", "offset_ms": 0}
    assert control.rate_limits()["api_weight_per_minute"] == 6000
    assert client.get("/api/v3/exchangeInfo").get_json()["rateLimits"][0]["limit"] == 6000
    assert control.faults() == [] and client.get("/api/v3/time").status_code == 200
    # The journal restarted: only the two requests made since the reset.
    assert [(e["seq"], e["path"]) for e in control.journal()] == [(1, "/api/v3/exchangeInfo"), (2, "/api/v3/time")]
    assert "temp" not in [a["name"] for a in control.accounts()]
    assert control.account("demo")["cross"]["USDT"]["free"] == "100000"
    assert control.events() == []


def test_reset_without_a_seed_returns_to_the_starting_seed() -> None:
    app = frozen_app(seed=42)
    control = LocalControl(app)
    assert control.reset(seed=5)["seed"] == 5
    assert control.reset()["seed"] == 42
