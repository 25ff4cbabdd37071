"""Signers and how signatures are placed in requests."""

from __future__ import annotations

import base64
import hashlib
import hmac
from urllib.parse import unquote

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa
from margin_client import Ed25519Signer, HmacSigner, RsaSigner
from margin_client.request_builder import build_request

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
# Test vectors of spec §2.3 (Binance's documentation).
PAYLOAD = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)
NON_ASCII = PAYLOAD.replace("LTCBTC", "%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96")
MIXED_QUERY = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
MIXED_BODY = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (PAYLOAD, "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
        (NON_ASCII, "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3"),
        (MIXED_QUERY + MIXED_BODY, "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"),
    ],
)
def test_hmac_matches_binance_test_vectors(payload: str, expected: str) -> None:
    assert HmacSigner(SECRET).sign(payload) == expected


def test_hmac_repr_hides_secret() -> None:
    assert SECRET not in repr(HmacSigner(SECRET))


def _pem(key: object, password: bytes | None = None) -> bytes:
    encryption = (
        serialization.BestAvailableEncryption(password) if password else serialization.NoEncryption()
    )
    return key.private_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption
    )


@pytest.fixture(scope="module")
def rsa_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def test_rsa_signature_verifies_with_public_key(rsa_key: rsa.RSAPrivateKey) -> None:
    signature = RsaSigner(_pem(rsa_key).decode()).sign(PAYLOAD)
    rsa_key.public_key().verify(
        base64.b64decode(signature), PAYLOAD.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_rsa_signer_accepts_encrypted_key(rsa_key: rsa.RSAPrivateKey) -> None:
    signer = RsaSigner(_pem(rsa_key, b"pw"), password="pw")
    rsa_key.public_key().verify(
        base64.b64decode(signer.sign("a=1")), b"a=1", padding.PKCS1v15(), hashes.SHA256()
    )


def test_ed25519_signature_verifies_with_public_key() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    signature = Ed25519Signer(_pem(key)).sign(NON_ASCII)
    key.public_key().verify(base64.b64decode(signature), NON_ASCII.encode())
    assert len(base64.b64decode(signature)) == 64


def test_signer_rejects_wrong_key_type(rsa_key: rsa.RSAPrivateKey) -> None:
    with pytest.raises(TypeError):
        Ed25519Signer(_pem(rsa_key))
    with pytest.raises(TypeError):
        RsaSigner(_pem(ed25519.Ed25519PrivateKey.generate()))


class _FixedSigner:
    def __init__(self, signature: str) -> None:
        self.signature = signature
        self.payloads: list[str] = []

    def sign(self, payload: str) -> str:
        self.payloads.append(payload)
        return self.signature


def test_base64_signature_is_percent_encoded_and_last() -> None:
    signer = _FixedSigner("ab+c/d==")
    built = build_request("POST", {"symbol": "BTCUSDT", "price": "1.5"}, signer=signer)
    assert built.query == "symbol=BTCUSDT&price=1.5&signature=ab%2Bc%2Fd%3D%3D"
    assert built.body == ""
    assert signer.payloads == ["symbol=BTCUSDT&price=1.5"]
    assert "signature" not in built.params


def test_body_placement_signs_the_body_and_appends_signature_there() -> None:
    signer = _FixedSigner("x")
    built = build_request("DELETE", {"symbol": "BTCUSDT", "orderId": "5"}, signer=signer, placement="body")
    assert (built.query, built.body) == ("", "symbol=BTCUSDT&orderId=5&signature=x")
    assert signer.payloads == ["symbol=BTCUSDT&orderId=5"]


def test_get_always_uses_the_query_string() -> None:
    built = build_request("GET", {"symbol": "BTCUSDT"}, signer=_FixedSigner("x"), placement="body")
    assert (built.query, built.body) == ("symbol=BTCUSDT&signature=x", "")


def test_values_are_percent_encoded_before_signing() -> None:
    signer = _FixedSigner("x")
    build_request("GET", {"symbol": "１２３４５６", "newClientOrderId": "a b"}, signer=signer)
    assert signer.payloads == [
        "symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&newClientOrderId=a%20b"
    ]


def _strip_signature(encoded: str) -> tuple[str, str]:
    head, _, signature = encoded.rpartition("&signature=")
    return head, signature


@pytest.mark.parametrize("placement", ["query", "body"])
def test_sent_bytes_verify_with_hmac(make_client, adapter, placement: str) -> None:
    client = make_client(param_placement=placement, recv_window=5000, signer=HmacSigner(SECRET))
    adapter.reply(body={"tranId": 1})
    client.borrow(asset="BTC", amount="0.5")
    sent = adapter.sent[0]
    assert sent.headers["X-MBX-APIKEY"] == client.transport.api_key
    carrier = sent.query if placement == "query" else sent.body
    other = sent.body if placement == "query" else sent.query
    assert other == ""
    payload, signature = _strip_signature(carrier)
    assert signature == hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
    assert payload.startswith("asset=BTC&isIsolated=FALSE&amount=0.5&type=BORROW&recvWindow=5000&timestamp=")
    if placement == "body":
        assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_sent_rsa_signature_verifies_after_url_decoding(make_client, adapter, rsa_key) -> None:
    client = make_client(signer=RsaSigner(_pem(rsa_key)))
    adapter.reply(body=[])
    client.get_open_orders(symbol="BTCUSDT")
    payload, signature = _strip_signature(adapter.sent[0].query)
    assert "+" not in signature and "/" not in signature and "=" not in signature
    rsa_key.public_key().verify(
        base64.b64decode(unquote(signature)), payload.encode(), padding.PKCS1v15(), hashes.SHA256()
    )


def test_percent_encoded_bytes_survive_the_session_unchanged(make_client, adapter) -> None:
    client = make_client(signer=HmacSigner(SECRET))
    adapter.reply(body=[])
    client.get_my_trades(symbol="１２３４５６", from_id=1)
    payload, signature = _strip_signature(adapter.sent[0].query)
    assert payload.startswith("symbol=%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96&fromId=1&timestamp=")
    assert signature == hmac.new(SECRET.encode(), payload.encode(), hashlib.sha256).hexdigest()
