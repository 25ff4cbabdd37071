"""Every -1022 explained: one wrongly-signed request per common mistake, over HTTP.

Each test signs a real request the wrong way, sends it, and checks that the body is still
Binance's exact -1022 while ``X-Mock-Explain`` and the journal name the cause.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from pathlib import Path
from urllib.parse import quote, unquote_plus, urlencode

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from mock_exchange.control import LocalControl
from mock_exchange.testing import LiveServer
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS, OTHER_SECRET

MINUS_1022 = b'{"code":-1022,"msg":"Signature for this request is not valid."}'
KEYS = Path(__file__).resolve().parents[2] / "mock_exchange" / "demo_keys"
RSA_KEY = "demoRsaApiKey00000000000000000000000000000000000000000000000000"
ED_KEY = "demoEd25519ApiKey0000000000000000000000000000000000000000000000"
ORDER = "/sapi/v1/margin/order"
# A client order id with a ':' so that its percent-encoded and decoded forms differ.
PARAMS = [("symbol", "BTCUSDT"), ("side", "SELL"), ("type", "LIMIT"), ("quantity", "0.01"), ("price", "31000"),
          ("timeInForce", "GTC"), ("newClientOrderId", "bot:1"), ("timestamp", str(FROZEN_AT_MS))]
FORM = "application/x-www-form-urlencoded"


def hmac_hex(text: str, secret: str = DEMO_SECRET) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def private_key(name: str) -> object:
    return serialization.load_pem_private_key((KEYS / name).read_bytes(), None)


def rsa_sign(text: str, key: object | None = None) -> str:
    key = key or private_key("demo-rsa-private.pem")
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[union-attr,call-arg]


def ed_sign(text: str) -> str:
    key = private_key("demo-ed25519-private.pem")
    return base64.b64encode(key.sign(text.encode())).decode()  # type: ignore[attr-defined]


def send(client: FlaskClient, signature: str, *, query: str = "", body: str = "", content_type: str = FORM,
         api_key: str = DEMO_KEY, method: str = "POST", path: str = ORDER) -> TestResponse:
    """The request with ``signature`` appended (percent-encoded) to the query string."""
    sig = "signature=" + quote(signature, safe="")
    url = f"{path}?{query}&{sig}" if query else f"{path}?{sig}"
    return client.open(url, method=method, data=body.encode(), content_type=content_type,
                       headers={"X-MBX-APIKEY": api_key})


def assert_explained(response: TestResponse, app: Flask, cause: str, *words: str) -> str:
    assert response.status_code == 400
    assert response.data == MINUS_1022, "the body stays Binance's own"
    header = response.headers["X-Mock-Explain"]
    entry = LocalControl(app).journal()[-1]
    assert entry["explanation"]["cause"] == cause, header
    assert entry["explanation"]["text"] == header
    for word in words:
        assert word in header, header
    return header


QUERY = urlencode(PARAMS)


def test_signed_the_decoded_form(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(unquote_plus(QUERY)), query=QUERY)
    header = assert_explained(response, app, "signed_decoded", "decoded", "percent-encoded")
    assert f"'{QUERY}'" in header, "the payload the server verified is shown as received"
    assert f"begins {hmac_hex(QUERY)[:16]}" in header, "the start of the signature it expected"


def test_signed_in_another_order(app: Flask, client: FlaskClient) -> None:
    sorted_query = urlencode(sorted(PARAMS))
    response = send(client, hmac_hex(sorted_query), query=QUERY)
    assert_explained(response, app, "signed_other_order", "another order", "sorted by name")


@pytest.mark.parametrize("joiner", ["&", "?"])
def test_query_and_body_joined_with_a_separator(app: Flask, client: FlaskClient, joiner: str) -> None:
    query, body = urlencode(PARAMS[:4]), urlencode(PARAMS[4:])
    response = send(client, hmac_hex(query + joiner + body), query=query, body=body)
    assert_explained(response, app, "joined_with_separator", f"'{joiner}'", "nothing between them")


def test_signature_included_in_the_signed_text(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY + "&signature="), query=QUERY)
    assert_explained(response, app, "signature_included", "'signature' parameter")


def test_secret_included_in_the_signed_text(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY + DEMO_SECRET), query=QUERY)
    header = assert_explained(response, app, "secret_included", "secret in the signed text")
    assert DEMO_SECRET not in header


def test_body_signed_but_sent_as_json(app: Flask, client: FlaskClient) -> None:
    # The client signs the form it means to send, then sends the fields (but the timestamp) as JSON instead.
    fields = dict(PARAMS[:-1])
    response = send(client, hmac_hex(urlencode(PARAMS)), query=urlencode(PARAMS[-1:]), body=json.dumps(fields),
                    content_type="application/json")
    assert_explained(response, app, "sent_as_json", "never received", "JSON", "x-www-form-urlencoded")


def test_body_signed_but_sent_with_another_content_type(app: Flask, client: FlaskClient) -> None:
    body = urlencode(PARAMS[:-1])
    response = send(client, hmac_hex(QUERY), query=urlencode(PARAMS[-1:]), body=body, content_type="text/plain")
    assert_explained(response, app, "body_not_read", "text/plain")


def test_secret_with_a_trailing_newline(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY, DEMO_SECRET + "\n"), query=QUERY)
    assert_explained(response, app, "secret_whitespace", "trailing newline", "strip")


def test_wrong_secret(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY, "not-the-secret"), query=QUERY)
    assert_explained(response, app, "wrong_secret", "secret is not the one of this API key", "account 'demo'")


def test_secret_of_another_account(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY, OTHER_SECRET), query=QUERY)
    assert_explained(response, app, "other_account_secret", "account 'other'", "account 'demo'")


def test_base64_signature_for_an_hmac_key(app: Flask, client: FlaskClient) -> None:
    digest = hmac.new(DEMO_SECRET.encode(), QUERY.encode(), hashlib.sha256).digest()
    response = send(client, base64.b64encode(digest).decode(), query=QUERY)
    assert_explained(response, app, "base64_signature", "base64", "64 hex characters")


def test_cut_off_hex_signature(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY)[:-1], query=QUERY)
    assert_explained(response, app, "malformed_signature", "63 hex characters")


def test_rsa_key_signed_with_a_key_no_account_has(app: Flask, client: FlaskClient) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = send(client, rsa_sign(QUERY, stranger), query=QUERY, api_key=RSA_KEY)
    assert_explained(response, app, "no_key_matches", "valid for no configured key", "demo-rsa")


def test_rsa_api_key_with_the_ed25519_accounts_signature(app: Flask, client: FlaskClient) -> None:
    response = send(client, ed_sign(QUERY), query=QUERY, api_key=RSA_KEY)
    assert_explained(response, app, "other_account_key", "Ed25519 key of account 'demo-ed25519'", "'demo-rsa'")


def test_hmac_api_key_with_an_rsa_signature(app: Flask, client: FlaskClient) -> None:
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    response = send(client, rsa_sign(QUERY, stranger), query=QUERY)
    assert_explained(response, app, "wrong_key_type", "RSA signature", "HMAC key")


def test_ed25519_key_signed_with_hmac(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY), query=QUERY, api_key=ED_KEY)
    assert_explained(response, app, "hmac_for_asymmetric_key", "Ed25519 key", "base64")


def test_ed25519_key_with_a_stranger_signature(app: Flask, client: FlaskClient) -> None:
    stranger = ed25519.Ed25519PrivateKey.generate()
    signature = base64.b64encode(stranger.sign(QUERY.encode())).decode()
    response = send(client, signature, query=QUERY, api_key=ED_KEY)
    assert_explained(response, app, "no_key_matches", "demo-ed25519")


def test_rsa_signature_of_the_decoded_form(app: Flask, client: FlaskClient) -> None:
    response = send(client, rsa_sign(unquote_plus(QUERY)), query=QUERY, api_key=RSA_KEY)
    header = assert_explained(response, app, "signed_decoded", "decoded")
    assert "Expected HMAC" not in header, "no HMAC signature is expected of an RSA key"


def test_a_valid_signature_is_not_explained(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY), query=QUERY)
    assert response.status_code == 200
    assert "X-Mock-Explain" not in response.headers
    assert LocalControl(app).journal()[-1]["explanation"] is None


# -- over a real socket ------------------------------------------------------------------------


def test_over_a_live_server_the_header_and_the_journal_explain(app: Flask) -> None:
    with LiveServer(app) as server, requests.Session() as session:
        headers = {"X-MBX-APIKEY": DEMO_KEY}
        # python-style mistake 1: the dict sorted and signed, the params sent in their own order.
        signed = hmac_hex(urlencode(sorted(PARAMS)))
        response = session.post(f"{server.url}{ORDER}?{QUERY}&signature={signed}", headers=headers, timeout=10)
        assert response.content == MINUS_1022
        assert "another order" in response.headers["X-Mock-Explain"]
        # mistake 2: requests' json= for a signed POST.
        response = session.post(f"{server.url}{ORDER}?timestamp={FROZEN_AT_MS}&signature={hmac_hex(QUERY)}",
                                json=dict(PARAMS[:-1]), headers=headers, timeout=10)
        assert response.content == MINUS_1022
        assert "sent as JSON" in response.headers["X-Mock-Explain"]
        # mistake 3: base64 of the digest.
        digest = hmac.new(DEMO_SECRET.encode(), QUERY.encode(), hashlib.sha256).digest()
        response = session.post(f"{server.url}{ORDER}?{QUERY}&signature={quote(base64.b64encode(digest))}",
                                headers=headers, timeout=10)
        assert response.content == MINUS_1022
        assert "base64" in response.headers["X-Mock-Explain"]
    causes = [e["explanation"]["cause"] for e in LocalControl(app).journal()]
    assert causes == ["signed_other_order", "sent_as_json", "base64_signature"]


# -- the rarer causes ----------------------------------------------------------------------------


def test_url_path_included_in_the_signed_text(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(f"{ORDER}?{QUERY}"), query=QUERY)
    assert_explained(response, app, "path_included", "URL path")


def test_api_key_used_as_the_hmac_key(app: Flask, client: FlaskClient) -> None:
    response = send(client, hmac_hex(QUERY, DEMO_KEY), query=QUERY)
    header = assert_explained(response, app, "api_key_as_secret", "API key as the HMAC key")
    assert DEMO_KEY not in header


def test_only_the_body_signed(app: Flask, client: FlaskClient) -> None:
    query, body = urlencode(PARAMS[:3]), urlencode(PARAMS[3:])
    response = send(client, hmac_hex(body), query=query, body=body)
    assert_explained(response, app, "signed_body_only", "only the body")


def test_spaces_encoded_another_way(app: Flask, client: FlaskClient) -> None:
    pairs = PARAMS[:-2] + [("newClientOrderId", "bot 1")] + PARAMS[-1:]
    sent = urlencode(pairs)  # spaces as +
    response = send(client, hmac_hex(urlencode(pairs, quote_via=quote)), query=sent)  # signed with %20
    assert_explained(response, app, "encoded_differently", "spaces as %20")


def test_get_body_is_not_read(app: Flask, client: FlaskClient) -> None:
    body = "symbol=BTCUSDT"
    query = f"timestamp={FROZEN_AT_MS}"
    response = send(client, hmac_hex(body + "&" + query), query=query, body=body, method="GET",
                    path="/sapi/v1/margin/openOrders")
    assert_explained(response, app, "body_not_read", "GET request's body is not read")


def test_rsa_pss_padding(app: Flask, client: FlaskClient) -> None:
    key = private_key("demo-rsa-private.pem")
    raw = key.sign(QUERY.encode(), padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.MAX_LENGTH),  # type: ignore[union-attr,call-arg]
                   hashes.SHA256())
    response = send(client, base64.b64encode(raw).decode(), query=QUERY, api_key=RSA_KEY)
    assert_explained(response, app, "rsa_pss_padding", "PKCS#1 v1.5")
