"""Request signatures as Binance checks them (spec §2.3-2.4), over the exact bytes sent.

The payload is the raw query string joined, with no separator, to the raw body, with the
``signature=...`` pair removed wherever it stands. It is never rebuilt from parsed
parameters: clients order and encode differently (python-binance sorts and sends a form
body, the official SDK sends only a query string, ccxt mixes both).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from dataclasses import dataclass
from urllib.parse import unquote_to_bytes

# cryptography is imported by the functions that verify with a public key: an HMAC-only
# exchange (and every server until its first RSA or Ed25519 request) never loads it, ~5 % of
# the server's start-up.


def strip_signature(raw: str) -> tuple[str, str | None]:
    """``raw`` without its ``signature=`` pair, and that pair's (still encoded) value."""
    if "signature=" not in raw:
        return raw, None
    head, pair, value = raw.rpartition("&signature=")
    if pair and "&" not in value and "signature=" not in head:
        return head, value  # the usual place, last and once: what the loop below finds too
    kept, found = [], None
    for part in raw.split("&"):
        if part.startswith("signature="):
            found = part[len("signature="):]
        else:
            kept.append(part)
    return "&".join(kept), found


def signature_payload(query: str, body: str) -> tuple[str, str | None]:
    """The signed payload (query + body, no separator) and the signature sent, if any."""
    query_part, query_sig = strip_signature(query)
    body_part, body_sig = strip_signature(body)
    return query_part + body_part, query_sig if query_sig is not None else body_sig


@dataclass(frozen=True)
class SignatureVerifier:
    """Checks a signature with whichever key types an account has configured."""

    hmac_secret: str | None = None
    rsa_public_key_pem: str | None = None
    ed25519_public_key_pem: str | None = None

    def verify(self, payload: bytes, encoded_signature: str) -> bool:
        """Whether ``encoded_signature`` (as sent, percent-encoded) signs the ``payload`` bytes."""
        if self.hmac_secret is not None and self._verify_hmac(payload, encoded_signature):
            return True
        if self.rsa_public_key_pem is None and self.ed25519_public_key_pem is None:
            return False
        raw_signature = _base64(unquote_to_bytes(encoded_signature))
        if raw_signature is None:
            return False
        data = payload
        if self.rsa_public_key_pem is not None and _verify_rsa(self.rsa_public_key_pem, raw_signature, data):
            return True
        return self.ed25519_public_key_pem is not None and _verify_ed25519(
            self.ed25519_public_key_pem, raw_signature, data
        )

    def _verify_hmac(self, payload: bytes, signature: str) -> bool:
        assert self.hmac_secret is not None
        expected = hmac.digest(self.hmac_secret.encode(), payload, hashlib.sha256).hex()  # one-shot, in C
        # Binance accepts upper-case hex (spec §2.4). Compared as bytes: compare_digest refuses
        # str with non-ASCII characters, and a raw (unencoded) byte in the URL is just a bad signature.
        return hmac.compare_digest(expected.encode(), signature.lower().encode("utf-8", "replace"))


def _base64(raw: bytes) -> bytes | None:
    try:
        return base64.b64decode(raw, validate=True)
    except (binascii.Error, ValueError):
        return None


def _verify_rsa(pem: str, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = _public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
    except InvalidSignature:
        return False
    return True


def _verify_ed25519(pem: str, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric import ed25519

    key = _public_key(pem)
    if not isinstance(key, ed25519.Ed25519PublicKey):
        return False
    try:
        key.verify(signature, data)
    except InvalidSignature:
        return False
    return True


_KEY_CACHE: dict[str, object] = {}
_KEY_CACHE_LIMIT = 256  # accounts come and go through the control API; the cache must not grow with them


def _public_key(pem: str) -> object:
    # Parsing a PEM costs more than verifying; keys are immutable, so cache by text.
    key = _KEY_CACHE.get(pem)
    if key is None:
        from cryptography.hazmat.primitives.serialization import load_pem_public_key

        key = load_pem_public_key(pem.encode("ascii"))
        if len(_KEY_CACHE) >= _KEY_CACHE_LIMIT:
            _KEY_CACHE.clear()
        _KEY_CACHE[pem] = key
    return key
