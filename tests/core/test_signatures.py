"""Signature checks against Binance's own documented test vectors (spec §2.3)."""

from __future__ import annotations

import base64
from urllib.parse import quote

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

from mock_exchange.core.signatures import SignatureVerifier, signature_payload, strip_signature

SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
PAYLOAD = (
    "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC&quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
)


@pytest.mark.parametrize(
    ("payload", "signature"),
    [
        (PAYLOAD, "c8db56825ae71d6d79447849e617115f4a920fa2acdcab2b053c4b2838bd6b71"),
        (
            PAYLOAD.replace("LTCBTC", "%EF%BC%91%EF%BC%92%EF%BC%93%EF%BC%94%EF%BC%95%EF%BC%96"),
            "e1353ec6b14d888f1164ae9af8228a3dbd508bc82eb867db8ab6046442f33ef3",
        ),
    ],
)
def test_hmac_matches_binance_vectors(payload: str, signature: str) -> None:
    verifier = SignatureVerifier(hmac_secret=SECRET)
    assert verifier.verify(payload.encode(), signature)
    assert verifier.verify(payload.encode(), signature.upper())  # Binance accepts upper-case hex
    assert not verifier.verify((payload + "0").encode(), signature)


def test_payload_is_query_then_body_without_separator() -> None:
    query = "symbol=LTCBTC&side=BUY&type=LIMIT&timeInForce=GTC"
    body = "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559&signature=abc"
    payload, signature = signature_payload(query, body)
    assert payload == query + "quantity=1&price=0.1&recvWindow=5000&timestamp=1499827319559"
    assert signature == "abc"
    assert SignatureVerifier(hmac_secret=SECRET).verify(
        payload.encode(), "0fd168b8ddb4876a0358a8d14d0c9f3da0e9b20c5d52b2a00fcf7d1c602f9a77"
    )


def test_signature_pair_removed_wherever_it_stands() -> None:
    assert strip_signature("a=1&signature=xyz&b=2") == ("a=1&b=2", "xyz")
    assert strip_signature("signature=xyz&a=1") == ("a=1", "xyz")
    assert strip_signature("a=1") == ("a=1", None)


def _pem(public_key: object) -> str:
    return public_key.public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode()


def test_rsa_pkcs1v15_sha256_base64_percent_encoded() -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    raw = key.sign(PAYLOAD.encode(), padding.PKCS1v15(), hashes.SHA256())
    encoded = quote(base64.b64encode(raw).decode(), safe="")
    verifier = SignatureVerifier(rsa_public_key_pem=_pem(key.public_key()))
    assert verifier.verify(PAYLOAD.encode(), encoded)
    assert not verifier.verify(PAYLOAD.replace("BUY", "SELL").encode(), encoded)
    assert not verifier.verify(PAYLOAD.encode(), "not-base64!!")


def test_ed25519_base64_percent_encoded() -> None:
    key = ed25519.Ed25519PrivateKey.generate()
    encoded = quote(base64.b64encode(key.sign(PAYLOAD.encode())).decode(), safe="")
    verifier = SignatureVerifier(ed25519_public_key_pem=_pem(key.public_key()))
    assert verifier.verify(PAYLOAD.encode(), encoded)
    assert not verifier.verify(b"other", encoded)
