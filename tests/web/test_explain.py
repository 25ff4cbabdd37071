"""Every rejection explained beside Binance's unchanged answer: timestamps, keys, JSON bodies,
unknown paths, parameters, filters and balances (the signature causes: test_explain_signature.py).
"""

from __future__ import annotations

import dataclasses
import json
from urllib.parse import urlencode

import pytest
import requests
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_exchange.config import default_config
from mock_exchange.control import LocalControl
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS, SignedClient


def explained(response: TestResponse, code: int, *words: str) -> str:
    body = response.get_json()
    assert body["code"] == code and set(body) == {"code", "msg"}, body
    header = response.headers["X-Mock-Explain"]
    for word in words:
        assert word in header, header
    return header


def test_timestamp_in_seconds(signed: SignedClient) -> None:
    response = signed.get("/sapi/v1/margin/account", timestamp=FROZEN_AT_MS // 1000)
    assert response.data == b'{"code":-1021,"msg":"Timestamp for this request is outside of the recvWindow."}'
    explained(response, -1021, f"Server time {FROZEN_AT_MS}", f"timestamp sent {FROZEN_AT_MS // 1000}",
              "seconds, not milliseconds")


def test_frozen_server_clock_says_how_to_return_to_wall_time(signed: SignedClient) -> None:
    # The conftest app is frozen at 2026-01-01: a client on its own clock is far ahead.
    import time

    wall = int(time.time() * 1000)
    response = signed.get("/sapi/v1/margin/account", timestamp=wall)
    header = explained(response, -1021, "frozen at 2026-01-01T00:00:00.000Z", '{"mode": "wall"}', "GET /api/v3/time")
    assert f"difference +{wall - FROZEN_AT_MS} ms" in header
    # Following the advice works.
    assert signed.client.post("/mock/v1/clock", json={"mode": "wall"}).status_code == 200
    assert signed.get("/sapi/v1/margin/account", timestamp=int(time.time() * 1000)).status_code == 200


def test_advanced_server_clock_is_named_as_an_offset() -> None:
    app = create_app()
    control = LocalControl(app)
    control.advance(minutes=1)
    signed = SignedClient(app.test_client(), app)
    import time

    response = signed.get("/sapi/v1/margin/account", timestamp=int(time.time() * 1000))
    header = explained(response, -1021, "offset +60", '{"mode": "wall"}')
    assert "seconds, not milliseconds" not in header
    assert LocalControl(app).last_explanation()["cause"] == "server_clock_offset"


def test_recv_window_too_big(signed: SignedClient) -> None:
    response = signed.get("/sapi/v1/margin/account", recvWindow=70000)
    explained(response, -1131, "recvWindow=70000", "60000")


def test_json_body_gets_the_form_only_note(client: FlaskClient) -> None:
    response = client.post("/sapi/v1/margin/order", json={"symbol": "BTCUSDT", "side": "BUY", "timestamp": 1},
                           headers={"X-MBX-APIKEY": DEMO_KEY})
    assert response.data == (b'{"code":-1102,"msg":"Mandatory parameter \'timestamp\' was not sent, '
                             b'was empty/null, or malformed."}')
    explained(response, -1102, "application/x-www-form-urlencoded only", "symbol, side, timestamp")


def test_unread_parameter_names_it_and_guesses(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                           priceLimit="29000", timeInForce="GTC")
    explained(response, -1104, "'priceLimit' (did you mean price?)", "it reads: symbol")


def test_unread_parameter_on_either_variant_of_one_path_names_that_variant_s_parameters(
        client: FlaskClient, signed: SignedClient) -> None:
    # POST /sapi/v1/userListenToken is key-only or signed: the explanation reads the variant that
    # served the request (the endpoint table's entry), not one entry per path.
    signed_answer = signed.post("/sapi/v1/userListenToken", validty="60000")
    header = explained(signed_answer, -1104, "'validty' (did you mean validity?)")
    assert "recvWindow, signature" in header, header
    key_only = client.post("/sapi/v1/userListenToken?validty=60000", headers={"X-MBX-APIKEY": DEMO_KEY})
    header = explained(key_only, -1104, "'validty' (did you mean validity?)", "symbol, isIsolated, validity.")
    assert "signature" not in header, header


def test_margin_parameters_on_a_spot_path(client: FlaskClient) -> None:
    response = client.get("/api/v3/ticker/price?symbol=BTCUSDT&sideEffectType=MARGIN_BUY")
    explained(response, -1104, "'sideEffectType'", "/sapi/v1/margin/")


def test_missing_api_key_header(client: FlaskClient) -> None:
    response = client.get("/sapi/v1/margin/account?timestamp=1&signature=x")
    assert response.status_code == 401
    explained(response, -2014, "X-MBX-APIKEY header")


def test_unknown_api_key_is_told_apart_from_no_permission(signed: SignedClient, client: FlaskClient,
                                                          app: Flask) -> None:
    unknown = client.get("/sapi/v1/margin/account?timestamp=1&signature=x", headers={"X-MBX-APIKEY": "nobody123"})
    header = explained(unknown, -2015, "No account has the API key", "demo", "never about your IP")
    assert "nobody123" not in header, "an API key is never shown whole"
    account = next(a for a in default_config().accounts if not a.margin_enabled)
    no_margin = SignedClient(client, app, account.api_key, account.hmac_secret or "")
    refused = no_margin.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01")
    explained(refused, -2015, "no margin-trading permission", account.name)


def test_whitespace_around_the_api_key(client: FlaskClient) -> None:
    # werkzeug keeps a tab inside a header value; a trailing one is stripped by HTTP itself.
    response = client.get("/sapi/v1/margin/account?timestamp=1&signature=x", headers={"X-MBX-APIKEY": "\t" + DEMO_KEY})
    explained(response, -2015, "whitespace")


def test_the_beginner_futures_request(client: FlaskClient) -> None:
    """JSON body with apikey/secret, a futures path and a made-up parameter: an answer to act on."""
    response = client.post("/fapi/v1/order", json={"apikey": DEMO_KEY, "secret": DEMO_SECRET, "symbol": "BTCUSDT",
                                                   "side": "BUY", "type": "LIMIT", "quantity": "0.01",
                                                   "priceLimit": "29000"})
    assert response.status_code == 404
    assert response.data == b'{"code":-1020,"msg":"This operation is not supported."}'
    header = explained(response, -1020, "futures/options", "not emulated", "POST /sapi/v1/margin/order",
                       "/sapi/v1/margin/order/oco|oto|otoco", "priceLimit (did you mean price?)",
                       "application/x-www-form-urlencoded only", "X-MBX-APIKEY header", "secret never leaves")
    assert DEMO_SECRET not in header and DEMO_KEY not in header


@pytest.mark.parametrize("path", ["/dapi/v1/order", "/papi/v1/um/order", "/eapi/v1/order", "/fapi/v2/account"])
def test_every_futures_and_options_family_is_named(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    explained(response, -1020, f"{path}: futures/options", "POST /sapi/v1/margin/order")


def test_unknown_path_suggests_a_close_one(client: FlaskClient) -> None:
    response = client.get("/sapi/v1/margin/openOrder")
    explained(response, -1020, "Did you mean /sapi/v1/margin/openOrders")
    response = client.post("/api/v3/margin/order/oco")
    explained(response, -1020, "/sapi/v1/margin/", "order lists")


def test_wrong_method(client: FlaskClient) -> None:
    response = client.post("/api/v3/time")
    explained(response, -1020, "/api/v3/time answers GET")


def test_illegal_characters_show_the_value(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                           price="29,000", timeInForce="GTC")
    explained(response, -1100, "price='29,000'", "plain decimal")


def test_duplicate_parameter_is_named(signed: SignedClient, client: FlaskClient) -> None:
    response = client.get(f"/sapi/v1/margin/openOrders?symbol=BTCUSDT&symbol=ETHUSDT&timestamp={FROZEN_AT_MS}",
                          headers={"X-MBX-APIKEY": DEMO_KEY})
    explained(response, -1101, "symbol sent more than once")


def test_bad_enum_value_lists_the_allowed_ones(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUYY", type="LIMIT", quantity="0.01")
    explained(response, -1117, "side='BUYY'", "allowed: BUY, SELL", "did you mean BUY?")


def test_unknown_symbol(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSD", side="BUY", type="MARKET", quantity="0.01")
    explained(response, -1121, "BTCUSD", "did you mean BTCUSDT?")


def test_filter_failure_shows_the_filter(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                           price="29000.001", timeInForce="GTC")
    assert response.get_json() == {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}
    explained(response, -1013, "BTCUSDT PRICE_FILTER", "tickSize 0.01", "price=29000.001")


def test_insufficient_balance_shows_the_free_balances(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="100",
                           price="29000", timeInForce="GTC")
    assert response.get_json()["code"] == -2010
    explained(response, -2010, "Free in cross margin", "USDT", "MARGIN_BUY")


def test_oco_price_relation(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.01",
                           price="29000", stopPrice="31000", stopLimitPrice="30900", stopLimitTimeInForce="GTC")
    assert response.get_json()["code"] == -2010
    explained(response, -2010, "last price 30000", "SELL needs limit price > last > stop price")


def test_unknown_order(signed: SignedClient) -> None:
    response = signed.delete("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=999)
    explained(response, -2011, "orderId=999", "account 'demo'", "isIsolated=TRUE")


def test_injected_fault_is_named(app: Flask, signed: SignedClient) -> None:
    LocalControl(app).inject_fault("/sapi/v1/margin/account", "http_500", count=1)
    response = signed.get("/sapi/v1/margin/account")
    assert response.status_code == 500
    explained(response, -1001, "injected fault", "http_500", "DELETE /mock/v1/faults")


def test_header_off_by_config_the_journal_keeps_it() -> None:
    app = create_app(dataclasses.replace(default_config(), explain_header=False))
    response = app.test_client().get("/fapi/v1/order")
    assert response.status_code == 404 and "X-Mock-Explain" not in response.headers
    assert "not emulated" in LocalControl(app).journal()[-1]["explanation"]["text"]


def test_header_is_one_ascii_line(client: FlaskClient) -> None:
    response = client.get("/sapi/v1/margin/openOrders?symbol=%C3%A9t%C3%A9%0A&timestamp=1",
                          headers={"X-MBX-APIKEY": DEMO_KEY})
    header = response.headers["X-Mock-Explain"]
    assert header.isascii() and "\n" not in header


def test_control_api_errors_are_not_explained(client: FlaskClient) -> None:
    response = client.post("/mock/v1/clock", json={})
    assert response.status_code == 400 and "X-Mock-Explain" not in response.headers


def test_last_explanation_per_account_and_of_all(app: Flask, signed: SignedClient, client: FlaskClient) -> None:
    control = LocalControl(app)
    assert control.last_explanation() is None
    signed.get("/sapi/v1/margin/account", timestamp=1)
    client.get("/fapi/v1/order")
    assert control.last_explanation()["cause"] == "not_emulated"
    demo = control.last_explanation(account="demo")
    assert demo["code"] == -1021 and demo["path"] == "/sapi/v1/margin/account" and demo["account"] == "demo"
    assert control.last_explanation(account="other") is None
    control.reset()
    assert control.last_explanation() is None


def test_last_explanation_over_http_on_a_live_server(app: Flask) -> None:
    with LiveServer(app) as server, requests.Session() as session:
        query = urlencode({"timestamp": FROZEN_AT_MS // 1000, "signature": "0" * 64})
        response = session.get(f"{server.url}/sapi/v1/margin/account?{query}", headers={"X-MBX-APIKEY": DEMO_KEY},
                               timeout=10)
        assert response.json()["code"] == -1021
        last = session.get(f"{server.url}/mock/v1/explain/last", params={"account": "demo"}, timeout=10).json()
        assert last["explanation"]["cause"] == "seconds_not_milliseconds"
        assert last["explanation"]["text"] == response.headers["X-Mock-Explain"]
        none = session.get(f"{server.url}/mock/v1/explain/last", params={"account": "other"}, timeout=10).json()
        assert none == {"explanation": None}
    assert json.dumps(last)  # JSON all the way


def test_param_not_required_names_the_order_type(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01",
                           price="29000")
    explained(response, -1106, "price is not used with type=MARKET", "leave it out")


def test_too_much_precision_names_the_asset_precision(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                           quantity="0.000000001", price="29000", timeInForce="GTC")
    explained(response, -1111, "quantity=0.000000001", "BTC has 8 decimals")


def test_cancel_without_a_reference_names_both(signed: SignedClient) -> None:
    response = signed.delete("/sapi/v1/margin/order", symbol="BTCUSDT")
    assert response.get_json()["code"] == -1102
    explained(response, -1102, "needs one of orderId or origClientOrderId")


def test_stop_that_would_trigger_at_once(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="SELL", type="STOP_LOSS_LIMIT",
                           quantity="0.01", price="31000", stopPrice="31000", timeInForce="GTC")
    assert response.get_json() == {"code": -2010, "msg": "Order would trigger immediately."}
    explained(response, -2010, "stopPrice=31000", "last price 30000", "a SELL stop goes below")


def test_limit_maker_that_would_take(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT_MAKER",
                           quantity="0.01", price="31000")
    assert response.get_json()["code"] == -2010
    explained(response, -2010, "LIMIT_MAKER price=31000", "last price 30000")


def test_duplicate_client_order_id(signed: SignedClient) -> None:
    order = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "29000",
             "timeInForce": "GTC", "newClientOrderId": "dup-1"}
    assert signed.post("/sapi/v1/margin/order", **order).status_code == 200
    response = signed.post("/sapi/v1/margin/order", **order)
    explained(response, -2010, "newClientOrderId=dup-1")


def test_an_explanation_that_fails_leaves_the_answer_alone(app: Flask, client: FlaskClient,
                                                           monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import mock_exchange.web.explain as explain

    monkeypatch.setattr(explain, "_EXPLAINERS", {-1020: lambda *args: 1 / 0})
    response = client.get("/fapi/v1/order")
    assert response.status_code == 404 and response.data == b'{"code":-1020,"msg":"This operation is not supported."}'
    assert "X-Mock-Explain" not in response.headers


def test_the_beginner_futures_request_over_a_live_server(app: Flask) -> None:
    with LiveServer(app) as server:
        response = requests.post(f"{server.url}/fapi/v1/order", timeout=10,
                                 json={"apikey": DEMO_KEY, "secret": DEMO_SECRET, "symbol": "BTCUSDT", "side": "BUY",
                                       "type": "LIMIT", "quantity": 0.01, "priceLimit": 29000})
    assert response.status_code == 404
    assert response.content == b'{"code":-1020,"msg":"This operation is not supported."}'
    header = response.headers["X-Mock-Explain"]
    for words in ("not emulated", "POST /sapi/v1/margin/order", "priceLimit (did you mean price?)",
                  "x-www-form-urlencoded only", "X-MBX-APIKEY header"):
        assert words in header, header
    assert DEMO_SECRET not in header


def test_rate_limit_names_the_weight_and_the_limits(app: Flask, signed: SignedClient) -> None:
    LocalControl(app).set_rate_limits(api_weight_per_minute=30)
    answers = [signed.client.get("/api/v3/exchangeInfo") for _ in range(3)]  # weight 20 each
    limited = answers[-1]
    assert limited.status_code == 429
    explained(limited, -1003, "this request weighs 20", "/api 30", "PUT /mock/v1/rate-limits")


def test_a_repay_over_the_debt_shows_the_debt(signed: SignedClient) -> None:
    response = signed.post("/sapi/v1/margin/borrow-repay", asset="BTC", amount="1000000", type="REPAY",
                           isIsolated="FALSE", symbol="BTCUSDT")
    assert response.get_json() == {"code": -3015, "msg": "Repay amount exceeds borrow amount."}
    explained(response, -3015, "BTC in cross margin of account 'demo'", "borrowed 0", "amount sent 1000000")


def test_the_margin_order_hint_names_the_catalogs_placements() -> None:
    """The hint is read from the endpoint catalog: every path it names is served, and a placement
    endpoint added to the catalog shows up in it."""
    from mock_exchange.web import endpoint_catalog as catalog
    from mock_exchange.web.explain import MARGIN_ORDER_PATHS, _margin_order_paths

    served = {(e.method, e.path) for e in catalog.ALL}
    assert MARGIN_ORDER_PATHS == ("the margin order is POST /sapi/v1/margin/order, order lists "
                                  "/sapi/v1/margin/order/oco|oto|otoco")
    for kind in ("oco", "oto", "otoco"):
        assert ("POST", f"/sapi/v1/margin/order/{kind}") in served
    opo = dataclasses.replace(catalog.MARGIN_NEW_OTO, name="new_margin_opo", path="/sapi/v1/margin/order/opo")
    assert _margin_order_paths((*catalog.ALL, opo)).endswith("/sapi/v1/margin/order/oco|oto|otoco|opo")
