"""Request security as Binance checks it: key, timestamp / recvWindow, signature (spec §2)."""

from __future__ import annotations

import base64
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from flask.testing import FlaskClient

from tests.signed_client import DEMO_KEY, SignedClient

USAGE = "/sapi/v1/margin/rateLimit/order"
KEYS = Path(__file__).resolve().parents[2] / "mock_exchange" / "demo_keys"


def error(response) -> tuple[int, int, str]:  # noqa: ANN001
    body = response.get_json()
    return response.status_code, body["code"], body["msg"]


def test_valid_hmac_request_in_query_string(signed: SignedClient) -> None:
    response = signed.get(USAGE)
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json;charset=UTF-8"
    assert response.get_json()[0]["rateLimitType"] == "ORDERS"


def test_valid_hmac_request_in_form_body(signed: SignedClient) -> None:
    # python-binance sends POST/DELETE parameters as a form body; a GET works with the query.
    response = signed.request("GET", USAGE, placement="body")
    assert response.status_code == 200


def test_signature_over_query_joined_to_body_without_separator(client: FlaskClient, signed: SignedClient) -> None:
    query = "isIsolated=FALSE"
    body = f"timestamp={signed.now_ms()}"
    signature = signed.sign(query + body)
    response = client.open(f"{USAGE}?{query}", method="GET", headers={"X-MBX-APIKEY": DEMO_KEY})
    assert response.status_code == 400  # a GET's body is not read: timestamp missing
    # The same payload split across query and body is accepted on a method that reads bodies.
    response = client.post(f"/sapi/v1/margin/order?{query}", data=f"{body}&signature={signature}",
                           headers={"X-MBX-APIKEY": DEMO_KEY}, content_type="application/x-www-form-urlencoded")
    assert response.get_json()["code"] != -1022


def test_tampered_parameter(client: FlaskClient, signed: SignedClient) -> None:
    payload = urlencode({"isIsolated": "FALSE", "timestamp": signed.now_ms()})
    signature = signed.sign(payload)
    tampered = payload.replace("FALSE", "TRUE")
    response = client.get(f"{USAGE}?{tampered}&symbol=BTCUSDT&signature={signature}",
                          headers={"X-MBX-APIKEY": DEMO_KEY})
    assert error(response) == (400, -1022, "Signature for this request is not valid.")


def test_wrong_secret(client: FlaskClient, app) -> None:  # noqa: ANN001
    response = SignedClient(client, app, secret="not-the-secret").get(USAGE)
    assert error(response) == (400, -1022, "Signature for this request is not valid.")


def test_unknown_api_key(client: FlaskClient, app) -> None:  # noqa: ANN001
    response = SignedClient(client, app, api_key="unknownKey123").get(USAGE)
    assert error(response) == (401, -2015, "Invalid API-key, IP, or permissions for action.")


def test_missing_api_key(client: FlaskClient) -> None:
    response = client.get(f"{USAGE}?timestamp=1&signature=00")
    assert error(response) == (401, -2014, "API-key format invalid.")


def test_missing_signature(client: FlaskClient, signed: SignedClient) -> None:
    response = client.get(f"{USAGE}?timestamp={signed.now_ms()}", headers={"X-MBX-APIKEY": DEMO_KEY})
    assert error(response) == (
        400,
        -1102,
        "Mandatory parameter 'signature' was not sent, was empty/null, or malformed.",
    )


def test_missing_timestamp(client: FlaskClient, signed: SignedClient) -> None:
    payload = "isIsolated=FALSE"
    response = client.get(f"{USAGE}?{payload}&signature={signed.sign(payload)}", headers={"X-MBX-APIKEY": DEMO_KEY})
    assert error(response) == (
        400,
        -1102,
        "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed.",
    )


def test_expired_timestamp(signed: SignedClient) -> None:
    response = signed.get(USAGE, timestamp=signed.now_ms() - 5001)
    assert error(response) == (400, -1021, "Timestamp for this request is outside of the recvWindow.")
    assert signed.get(USAGE, timestamp=signed.now_ms() - 5000).status_code == 200


def test_recv_window_widens_what_is_accepted(signed: SignedClient) -> None:
    assert signed.get(USAGE, timestamp=signed.now_ms() - 20_000, recvWindow=30_000).status_code == 200


def test_timestamp_too_far_in_the_future(signed: SignedClient) -> None:
    response = signed.get(USAGE, timestamp=signed.now_ms() + 1000)
    assert error(response) == (400, -1021, "Timestamp for this request was 1000ms ahead of the server's time.")
    assert signed.get(USAGE, timestamp=signed.now_ms() + 999).status_code == 200


def test_recv_window_over_60000(signed: SignedClient) -> None:
    response = signed.get(USAGE, recvWindow=60001)
    assert error(response) == (400, -1131, "recvWindow must be less than 60000")
    assert signed.get(USAGE, recvWindow=60000).status_code == 200


def test_microsecond_timestamp_accepted(signed: SignedClient) -> None:
    assert signed.get(USAGE, timestamp=signed.now_ms() * 1000).status_code == 200


def test_no_margin_permission_refused_for_trading(client: FlaskClient, app) -> None:  # noqa: ANN001
    no_margin = SignedClient(client, app, "noMarginPermissionApiKey0000000000000000000000000000000000000000",
                             "noMarginPermissionSecret000000000000000000000000000000000000000")
    assert error(no_margin.get(USAGE)) == (401, -2015, "Invalid API-key, IP, or permissions for action.")


def test_duplicate_parameter(client: FlaskClient, signed: SignedClient) -> None:
    payload = f"isIsolated=FALSE&isIsolated=TRUE&timestamp={signed.now_ms()}"
    response = client.get(f"{USAGE}?{payload}&signature={signed.sign(payload)}", headers={"X-MBX-APIKEY": DEMO_KEY})
    assert error(response) == (400, -1101, "Duplicate values for a parameter detected.")


def test_unknown_parameter(signed: SignedClient) -> None:
    response = signed.get(USAGE, colour="blue")
    assert error(response) == (400, -1104, "Not all sent parameters were read; read '2' parameter(s) but was sent '3'.")


def test_bad_enum_value(signed: SignedClient) -> None:
    assert error(signed.get(USAGE, isIsolated="MAYBE")) == (
        400,
        -1130,
        "Data sent for parameter 'isIsolated' is not valid.",
    )


def test_bad_percent_encoding(client: FlaskClient) -> None:
    response = client.get(f"{USAGE}?symbol=%FF%FE&timestamp=1&signature=00", headers={"X-MBX-APIKEY": DEMO_KEY})
    assert error(response) == (400, -1100, "Illegal characters found in a parameter.")


def test_get_with_json_content_type_and_empty_body(client: FlaskClient, signed: SignedClient) -> None:
    # python-binance sends GETs like this.
    payload = f"timestamp={signed.now_ms()}"
    response = client.get(f"{USAGE}?{payload}&signature={signed.sign(payload)}", headers={"X-MBX-APIKEY": DEMO_KEY},
                          content_type="application/json")
    assert response.status_code == 200


def _rsa_signature(payload: str) -> str:
    key = load_pem_private_key((KEYS / "demo-rsa-private.pem").read_bytes(), None)
    raw = key.sign(payload.encode(), padding.PKCS1v15(), hashes.SHA256())  # type: ignore[call-arg,union-attr]
    return quote(base64.b64encode(raw).decode(), safe="")


def _ed25519_signature(payload: str) -> str:
    key = load_pem_private_key((KEYS / "demo-ed25519-private.pem").read_bytes(), None)
    return quote(base64.b64encode(key.sign(payload.encode())).decode(), safe="")  # type: ignore[call-arg,union-attr]


@pytest.mark.parametrize(
    ("api_key", "sign"),
    [
        ("demoRsaApiKey00000000000000000000000000000000000000000000000000", _rsa_signature),
        ("demoEd25519ApiKey0000000000000000000000000000000000000000000000", _ed25519_signature),
    ],
)
def test_asymmetric_keys(client: FlaskClient, signed: SignedClient, api_key: str, sign) -> None:  # noqa: ANN001
    payload = f"timestamp={signed.now_ms()}"
    ok = client.get(f"{USAGE}?{payload}&signature={sign(payload)}", headers={"X-MBX-APIKEY": api_key})
    assert ok.status_code == 200
    bad = client.get(f"{USAGE}?{payload}&signature={sign(payload + '1')}", headers={"X-MBX-APIKEY": api_key})
    assert error(bad) == (400, -1022, "Signature for this request is not valid.")


def test_a_keyed_view_reads_the_key_s_account_and_a_keyless_one_has_none(app) -> None:  # noqa: ANN001
    from mock_exchange.web.endpoint_catalog import PING, SPOT_NEW_ORDER
    from mock_exchange.web.request_context import Call

    account = app.extensions["mock_exchange"].exchange.account_by_api_key(DEMO_KEY)
    assert Call(SPOT_NEW_ORDER, {}, {}, account).account is account
    with pytest.raises(TypeError, match="ping takes no API key"):
        _ = Call(PING, {}, {}).account
