"""REST side of the user data stream: listen tokens, listen keys on the exchange clock, the event feed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.config import default_config
from mock_exchange.core.enums import Side
from mock_exchange.core.requests import NewOco
from mock_exchange.core.user_stream import LISTEN_KEY_VALIDITY_MS, TOKEN_MAX_VALIDITY_MS, to_payload
from mock_exchange.web.app import create_app
from tests.signed_client import DEMO_KEY, FROZEN_AT_MS, OTHER_KEY, SignedClient

KEY = {"X-MBX-APIKEY": DEMO_KEY}
TOKEN = "/sapi/v1/userListenToken"
CROSS = "/sapi/v1/userDataStream"
ISOLATED = "/sapi/v1/userDataStream/isolated"
RISK = "/sapi/v1/margin/listen-key"
EVENTS = "/mock/v1/user-stream/events"


def _error(response: Any) -> tuple[int, int, str]:
    return response.status_code, response.json["code"], response.json["msg"]


def _advance(app: Flask, ms: int) -> None:
    app.extensions["mock_exchange"].exchange.clock.advance(ms)


# -- userListenToken ----------------------------------------------------------------------


def test_listen_token_key_only(client: FlaskClient) -> None:
    response = client.post(TOKEN, headers=KEY)
    assert response.status_code == 200
    assert list(response.json) == ["token", "expirationTime"]
    assert len(response.json["token"]) == 70
    assert response.json["expirationTime"] == FROZEN_AT_MS + TOKEN_MAX_VALIDITY_MS
    assert response.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1"
    assert client.post(TOKEN, headers=KEY).json["token"] != response.json["token"]


def test_listen_token_signed_as_python_binance_sends_it(signed: SignedClient) -> None:
    response = signed.request("POST", TOKEN, placement="body", symbol="BTCUSDT", isIsolated="true",
                              validity=60000, recvWindow=10000)
    assert response.status_code == 200
    assert response.json["expirationTime"] == FROZEN_AT_MS + 60000
    bad = signed.client.post(f"{TOKEN}?timestamp={FROZEN_AT_MS}&signature=00", headers=KEY)
    assert _error(bad) == (400, -1022, "Signature for this request is not valid.")
    stale = signed.request("POST", TOKEN, timestamp=FROZEN_AT_MS - 60_000)
    assert _error(stale)[1] == -1021


def test_listen_token_parameters(client: FlaskClient) -> None:
    assert _error(client.post(f"{TOKEN}?isIsolated=true", headers=KEY)) == (
        400, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed.")
    assert _error(client.post(f"{TOKEN}?isIsolated=true&symbol=NOPE", headers=KEY))[1] == -1121
    assert _error(client.post(f"{TOKEN}?isIsolated=true&symbol=ETHUSDT", headers=KEY)) == (
        400, -11001, "Isolated margin account does not exist.")
    assert client.post(f"{TOKEN}?isIsolated=TRUE&symbol=BTCUSDT", headers=KEY).status_code == 200
    assert client.post(f"{TOKEN}?validity=1000", headers=KEY).json["expirationTime"] == FROZEN_AT_MS + 1000
    for validity in (0, TOKEN_MAX_VALIDITY_MS + 1):
        assert _error(client.post(f"{TOKEN}?validity={validity}", headers=KEY)) == (
            400, -1130, "Data sent for parameter 'validity' is not valid.")
    assert _error(client.post(f"{TOKEN}?isIsolated=maybe", headers=KEY))[1] == -1130
    assert _error(client.post(f"{TOKEN}?foo=1", headers=KEY))[1] == -1104


def test_stream_endpoints_need_a_known_api_key(client: FlaskClient) -> None:
    for path in (TOKEN, CROSS, RISK):
        assert _error(client.post(path)) == (401, -2014, "API-key format invalid.")
        assert _error(client.post(path, headers={"X-MBX-APIKEY": "nope"}))[:2] == (401, -2015)


def test_tokens_and_keys_repeat_with_the_seed(client: FlaskClient) -> None:
    again = create_app(default_config()).test_client()
    assert client.post(TOKEN, headers=KEY).json["token"] == again.post(TOKEN, headers=KEY).json["token"]
    assert client.post(CROSS, headers=KEY).json == again.post(CROSS, headers=KEY).json


# -- legacy listen keys -------------------------------------------------------------------


def test_listen_key_create_keep_alive_close(client: FlaskClient) -> None:
    created = client.post(CROSS, headers=KEY)
    assert created.status_code == 200 and list(created.json) == ["listenKey"]
    key = created.json["listenKey"]
    assert len(key) == 64
    assert client.post(CROSS, headers=KEY).json["listenKey"] == key  # the active key, extended
    assert client.put(f"{CROSS}?listenKey={key}", headers=KEY).json == {}
    assert client.delete(CROSS, data=f"listenKey={key}", headers=KEY,
                         content_type="application/x-www-form-urlencoded").json == {}
    assert _error(client.put(f"{CROSS}?listenKey={key}", headers=KEY)) == (400, -1125, "This listenKey does not exist.")
    assert _error(client.delete(f"{CROSS}?listenKey={key}", headers=KEY))[1] == -1125
    assert client.post(CROSS, headers=KEY).json["listenKey"] != key
    assert _error(client.put(CROSS, headers=KEY))[1] == -1102
    other_key = {"X-MBX-APIKEY": OTHER_KEY}
    mine = client.post(CROSS, headers=KEY).json["listenKey"]
    assert _error(client.put(f"{CROSS}?listenKey={mine}", headers=other_key))[1] == -1125


def test_listen_key_expires_unless_kept_alive(app: Flask, client: FlaskClient) -> None:
    lapsing = client.post(CROSS, headers=KEY).json["listenKey"]
    _advance(app, LISTEN_KEY_VALIDITY_MS - 1)
    assert client.put(f"{CROSS}?listenKey={lapsing}", headers=KEY).status_code == 200  # kept alive just in time
    _advance(app, LISTEN_KEY_VALIDITY_MS - 1)
    assert client.put(f"{CROSS}?listenKey={lapsing}", headers=KEY).status_code == 200
    _advance(app, LISTEN_KEY_VALIDITY_MS)
    assert _error(client.put(f"{CROSS}?listenKey={lapsing}", headers=KEY))[1] == -1125
    assert client.post(CROSS, headers=KEY).json["listenKey"] != lapsing


def test_isolated_listen_keys(client: FlaskClient) -> None:
    cross = client.post(CROSS, headers=KEY).json["listenKey"]
    key = client.post(f"{ISOLATED}?symbol=BTCUSDT", headers=KEY).json["listenKey"]
    assert key != cross
    assert client.put(f"{ISOLATED}?symbol=BTCUSDT&listenKey={key}", headers=KEY).json == {}
    assert _error(client.put(f"{ISOLATED}?symbol=BNBUSDT&listenKey={key}", headers=KEY))[1] == -1125
    assert _error(client.put(f"{CROSS}?listenKey={key}", headers=KEY))[1] == -1125
    assert _error(client.post(ISOLATED, headers=KEY))[1] == -1102
    assert _error(client.post(f"{ISOLATED}?symbol=ETHUSDT", headers=KEY))[1] == -11001
    assert client.delete(f"{ISOLATED}?symbol=BTCUSDT&listenKey={key}", headers=KEY).json == {}


def test_risk_stream_listen_key(client: FlaskClient) -> None:
    key = client.post(RISK, headers=KEY).json["listenKey"]
    assert key != client.post(CROSS, headers=KEY).json["listenKey"]
    assert client.put(f"{RISK}?listenKey={key}", headers=KEY).json == {}
    deleted = client.delete(RISK, headers=KEY)
    assert deleted.json == {} and deleted.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "3000"
    assert _error(client.put(f"{RISK}?listenKey={key}", headers=KEY))[1] == -1125
    assert _error(client.delete(RISK, headers=KEY))[1] == -1125


# -- the event feed on the control plane ------------------------------------------------------


def _place_and_fill_oco(app: Flask) -> None:
    exchange = app.extensions["mock_exchange"].exchange
    exchange.place_oco("demo", NewOco(symbol="BTCUSDT", side=Side.SELL, quantity=Decimal("0.1"),
                                      price=Decimal("31000"), stop_price=Decimal("29000"),
                                      stop_limit_price=Decimal("28900")))
    exchange.set_price("BTCUSDT", Decimal("31000"))


def test_event_feed_lists_the_stream_payloads(app: Flask, client: FlaskClient) -> None:
    _place_and_fill_oco(app)
    exchange = app.extensions["mock_exchange"].exchange
    body = client.get(f"{EVENTS}?account=demo").json
    expected = [to_payload(event) for event in exchange.events_since(0, "demo")]
    assert body["last_seq"] == exchange.events.last_seq == 8
    assert [row["event"] for row in body["events"]] == expected
    assert [row["event"]["e"] for row in body["events"]] == [
        "executionReport", "executionReport", "listStatus", "outboundAccountPosition",
        "executionReport", "executionReport", "listStatus", "outboundAccountPosition"]
    assert body["events"][0]["seq"] == 1 and body["events"][0]["account"] == "demo"
    assert body["events"][0]["isolated_symbol"] is None
    assert [row["seq"] for row in client.get(f"{EVENTS}?account=demo&since=6&limit=1").json["events"]] == [7]
    assert client.get(f"{EVENTS}?account=other").json["events"] == []
    assert client.get(f"{EVENTS}?scope=BTCUSDT").json["events"] == []
    assert len(client.get(f"{EVENTS}?scope=cross").json["events"]) == 8


def test_event_feed_rejects_bad_input_and_needs_the_control_token(client: FlaskClient) -> None:
    response = client.get(f"{EVENTS}?since=x")
    assert response.status_code == 400 and response.json["error"]["code"] == "bad_request"
    guarded = create_app(default_config(), control_token="s3cret").test_client()
    assert guarded.get(EVENTS).status_code == 401
    assert guarded.get(EVENTS, headers={"X-Mock-Token": "s3cret"}).status_code == 200
