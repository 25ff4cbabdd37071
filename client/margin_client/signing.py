"""Request signers for Binance's three API key types (HMAC, RSA, Ed25519)."""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any, Protocol


class Signer(Protocol):
    """Anything that turns the signed payload into the `signature` parameter value."""

    def sign(self, payload: str) -> str:
        """Return the signature of `payload` (before percent-encoding)."""
        ...


class HmacSigner:
    """HMAC-SHA256 signer; the signature is lowercase hex."""

    def __init__(self, secret: str | bytes) -> None:
        self._secret = secret.encode("utf-8") if isinstance(secret, str) else secret

    def sign(self, payload: str) -> str:
        """Return the lowercase hex HMAC-SHA256 of `payload`."""
        return hmac.new(self._secret, payload.encode("utf-8"), hashlib.sha256).hexdigest()

    def __repr__(self) -> str:
        # Never leak the secret into logs or tracebacks.
        return "HmacSigner(secret=***)"


def _load_private_key(private_key_pem: str | bytes, password: str | bytes | None) -> Any:
    """Load a PEM private key with `cryptography` (an optional dependency)."""
    try:
        from cryptography.hazmat.primitives.serialization import load_pem_private_key
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise ImportError(
            "RSA/Ed25519 signing needs 'cryptography': "
            "pip install 'mock-exchange-margin-client[keys]'"
        ) from exc
    pem = private_key_pem.encode("ascii") if isinstance(private_key_pem, str) else private_key_pem
    pwd = password.encode("utf-8") if isinstance(password, str) else password
    return load_pem_private_key(pem, password=pwd)


class RsaSigner:
    """RSASSA-PKCS1-v1_5 / SHA-256 signer; the signature is standard base64."""

    def __init__(self, private_key_pem: str | bytes, password: str | bytes | None = None) -> None:
        from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey

        key = _load_private_key(private_key_pem, password)
        if not isinstance(key, RSAPrivateKey):
            raise TypeError("RsaSigner needs an RSA private key")
        self._key = key

    def sign(self, payload: str) -> str:
        """Return the base64 RSA-SHA256 signature of `payload`."""
        from cryptography.hazmat.primitives import hashes
        from cryptography.hazmat.primitives.asymmetric import padding

        raw = self._key.sign(payload.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode("ascii")

    def __repr__(self) -> str:
        return "RsaSigner(private_key=***)"


class Ed25519Signer:
    """Ed25519 (pure, RFC 8032) signer; the signature is standard base64."""

    def __init__(self, private_key_pem: str | bytes, password: str | bytes | None = None) -> None:
        from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

        key = _load_private_key(private_key_pem, password)
        if not isinstance(key, Ed25519PrivateKey):
            raise TypeError("Ed25519Signer needs an Ed25519 private key")
        self._key = key

    def sign(self, payload: str) -> str:
        """Return the base64 Ed25519 signature of `payload`."""
        return base64.b64encode(self._key.sign(payload.encode("utf-8"))).decode("ascii")

    def __repr__(self) -> str:
        return "Ed25519Signer(private_key=***)"
