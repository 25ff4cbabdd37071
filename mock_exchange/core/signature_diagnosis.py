"""Why a signature failed: which common client mistake the signature sent matches.

Binance answers every bad signature with the same -1022. The fake can say more: it
rebuilds the texts a client most often signs by mistake (the decoded parameters, another
order, query and body joined with ``&``, the secret appended, a JSON body...) and checks
which one the signature sent is valid for, with the account's key and with every other
configured key. Pure: the caller passes what was received and the keys it knows.

Nothing returned holds a secret, a full signature or a full API key: signatures are shown
by their first :data:`SHOWN_SIGNATURE_CHARS` characters, enough to compare with one's own,
too few to forge a request with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from urllib.parse import quote, quote_plus, unquote, unquote_plus, unquote_to_bytes

from mock_exchange.core.signatures import _public_key, signature_payload, strip_signature

SHOWN_SIGNATURE_CHARS = 16
# Past this the candidate search is skipped: a real signed request is a few hundred bytes.
MAX_DIAGNOSED_BYTES = 64 * 1024
FORM = "application/x-www-form-urlencoded"
_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


@dataclass(frozen=True)
class KeySet:
    """The keys one account verifies with (public keys as PEM text)."""

    account: str
    api_key: str
    hmac_secret: str | None = None
    rsa_public_key: str | None = None
    ed25519_public_key: str | None = None

    @property
    def kinds(self) -> list[str]:
        return [kind for kind, value in (("HMAC", self.hmac_secret), ("RSA", self.rsa_public_key),
                                         ("Ed25519", self.ed25519_public_key)) if value]


@dataclass(frozen=True)
class SignedRequest:
    """A signed request as received: method, raw query, raw body and its media type."""

    method: str
    path: str
    query: str  # raw, latin-1 decoded bytes
    body: str  # raw, latin-1 decoded bytes, whatever its media type
    mimetype: str = ""

    @property
    def body_is_read(self) -> bool:
        """Whether Binance reads the body (a form on a non-GET request)."""
        return self.method != "GET" and self.mimetype in ("", FORM)

    @property
    def read_body(self) -> str:
        return self.body if self.body_is_read else ""


@dataclass(frozen=True)
class Diagnosis:
    """The most likely cause of a -1022, in words, and what the server checked."""

    cause: str  # a stable id, e.g. "signed_decoded" (docs/behaviour.md lists them)
    text: str  # one sentence naming the cause and what to change
    payload: str  # what the server verified (query + body as received, signature removed)
    expected: str | None = None  # the start of the HMAC signature expected, for HMAC keys
    sent: str | None = None  # the start of the signature sent
    details: dict[str, object] = field(default_factory=dict)


def shown(signature: str | None) -> str | None:
    """A signature shortened to its first characters (never enough to reuse it)."""
    if signature is None:
        return None
    return signature[:SHOWN_SIGNATURE_CHARS] + ("..." if len(signature) > SHOWN_SIGNATURE_CHARS else "")


def diagnose(request: SignedRequest, keys: KeySet, others: Sequence[KeySet] = ()) -> Diagnosis:
    """The likely cause of a signature that did not verify for ``keys`` (``others``: every other account)."""
    payload, encoded = signature_payload(request.query, request.read_body)
    signature = encoded or ""
    expected = _hmac_hex(keys.hmac_secret, payload) if keys.hmac_secret is not None else None
    shown_expected, shown_sent = shown(expected), shown(signature)
    if len(request.query) + len(request.body) > MAX_DIAGNOSED_BYTES:
        return Diagnosis("too_long_to_diagnose", "the request is too long for the fake to guess the cause; "
                         "check the secret and that you sign query + body exactly as sent",
                         payload, shown_expected, shown_sent)
    sent = _SentSignature.parse(signature)
    found = _match(request, keys, others, sent)
    cause, text = found if found is not None else _unmatched(keys, sent)
    return Diagnosis(cause, text, payload, shown_expected, shown_sent)


# -- what was sent -----------------------------------------------------------------


@dataclass(frozen=True)
class _SentSignature:
    text: str  # percent-decoded
    hex_digest: bytes | None  # the bytes, when it is 64 hex characters
    b64: bytes | None  # the bytes, when it is valid base64

    @classmethod
    def parse(cls, encoded: str) -> _SentSignature:
        text = unquote(encoded, encoding="latin-1")
        if text and all(c in _HEX_DIGITS for c in text):
            # Hex of any length (a cut-off digest too) is hex, though it may also parse as base64.
            return cls(text, bytes.fromhex(text) if len(text) == 64 else None, None)
        return cls(text, None, _b64(unquote_to_bytes(encoded)))

    def matches_hmac(self, digest: bytes) -> str | None:
        """"hex" or "base64" when this signature is ``digest`` in that encoding."""
        if self.hex_digest is not None and hmac.compare_digest(self.hex_digest, digest):
            return "hex"
        if self.b64 is not None and hmac.compare_digest(self.b64, digest):
            return "base64"
        return None


# -- the candidates: what a client may have signed instead -----------------------------

Candidate = tuple[str, str, str]  # (cause, text, signed text)


def _pairs(raw: str) -> list[str]:
    return [part for part in raw.split("&") if part]


def candidates(request: SignedRequest, keys: KeySet) -> Iterator[Candidate]:
    """The texts a client commonly signs instead of query + body as sent, with the cause of each."""
    query, _ = strip_signature(request.query)
    body, _ = strip_signature(request.read_body)
    payload = query + body
    if "%" in payload or "+" in payload:
        for decode in (unquote_plus, unquote):
            decoded = decode(query, encoding="latin-1") + decode(body, encoding="latin-1")
            yield ("signed_decoded", "you signed the decoded parameters but sent them percent-encoded: "
                   "sign the exact text you send (query + body, encoded)", decoded)
    if " " in unquote_plus(payload, encoding="latin-1"):
        for space in ("%20", "+"):
            other = "&".join(_reencode(part, space) for part in _pairs(query) + _pairs(body))
            yield ("encoded_differently", f"you signed the parameters encoded another way (spaces as {space}) "
                   "than you sent them: sign the exact text you send", other)
    pairs = _pairs(query) + _pairs(body)
    if len(pairs) > 1:
        orders = {"sorted by name": sorted(pairs, key=lambda p: p.partition("=")[0]),
                  "in reverse": pairs[::-1],
                  "body before query": _pairs(body) + _pairs(query),
                  "with timestamp last": [p for p in pairs if not p.startswith("timestamp=")]
                  + [p for p in pairs if p.startswith("timestamp=")],
                  "with timestamp first": [p for p in pairs if p.startswith("timestamp=")]
                  + [p for p in pairs if not p.startswith("timestamp=")]}
        for name, order in orders.items():
            if order != pairs:
                yield ("signed_other_order", f"you signed the parameters in another order ({name}) than you sent "
                       "them: sign them in the order they go on the wire", "&".join(order))
    if query and body:
        for joiner in ("&", "?"):
            yield ("joined_with_separator", f"you joined query and body with {joiner!r} before signing: Binance "
                   "signs query + body with nothing between them", query + joiner + body)
        yield ("signed_body_only", "you signed only the body, but parameters were sent in the query string "
               "too: sign query + body", body)
        yield ("signed_query_only", "you signed only the query string, but parameters were sent in the body "
               "too: sign query + body", query)
    for text in (payload + "&signature=", payload + "&signature", payload + "signature="):
        yield ("signature_included", "you signed a text that already held a 'signature' parameter: sign "
               "everything except the signature, then append the signature parameter", text)
    yield ("path_included", "you signed the URL path too: sign only query + body",
           request.path + "?" + payload)
    yield ("path_included", "you signed the URL path too: sign only query + body", request.path + payload)
    secret = keys.hmac_secret
    if secret is not None:
        for text in (payload + secret, secret + payload, payload + "&secret=" + secret,
                     payload + "&secretKey=" + secret, "secret=" + secret + "&" + payload):
            yield ("secret_included", "you put the secret in the signed text: it is the HMAC key only, never "
                   "part of the message (and never sent)", text)
    for text in (payload + "&apiKey=" + keys.api_key, payload + "&apikey=" + keys.api_key,
                 "apiKey=" + keys.api_key + "&" + payload):
        yield ("api_key_included", "you put the API key in the signed text: it goes in the X-MBX-APIKEY "
               "header only", text)
    yield from _unread_body_candidates(request, query)


def _reencode(part: str, space: str) -> str:
    key, sep, value = part.partition("=")

    def encode(text: str) -> str:
        return quote(text, safe="") if space == "%20" else quote_plus(text, safe="")

    return encode(unquote_plus(key, encoding="latin-1")) + sep + encode(unquote_plus(value, encoding="latin-1"))


def _unread_body_candidates(request: SignedRequest, query: str) -> Iterator[Candidate]:
    """A body the client signed that Binance does not read: JSON, another media type, a GET body."""
    body = request.body
    if not body or request.body_is_read:
        return
    if request.method == "GET":
        why = "a GET request's body is not read: put the parameters in the query string"
        cause = "body_not_read"
    elif request.mimetype == "application/json" or request.mimetype.endswith("+json"):
        why = ("the body was sent as JSON, which Binance does not read: send it as "
               "application/x-www-form-urlencoded (data=..., not json=...)")
        cause = "sent_as_json"
    else:
        why = (f"the body was sent as {request.mimetype or 'an unknown type'}, which Binance does not read: "
               "send it as application/x-www-form-urlencoded")
        cause = "body_not_read"
    texts = [body]
    form = json_as_form(body) if cause == "sent_as_json" else None
    if form is not None:
        texts.append(form)
    if query:
        texts += [joined for text in list(texts)
                  for joined in (query + text, query + "&" + text, text + query, text + "&" + query)]
    for text in texts:
        yield cause, f"you signed parameters that were never received: {why}", text


def json_as_form(text: str) -> str | None:
    """A JSON object's fields as the form a client would have signed (``a=1&b=x``), or None."""
    try:
        value = json.loads(text, parse_float=str, parse_int=str)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, dict):
        return None
    parts = []
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif item is None or isinstance(item, (dict, list)):
            item = json.dumps(item)
        parts.append(f"{quote_plus(str(key))}={quote_plus(str(item))}")
    return "&".join(parts)


# -- matching ---------------------------------------------------------------------------


def _match(request: SignedRequest, keys: KeySet, others: Sequence[KeySet],
           sent: _SentSignature) -> tuple[str, str] | None:
    payload, _ = signature_payload(request.query, request.read_body)
    data = payload.encode("latin-1", "replace")
    if keys.hmac_secret is not None:
        found = _match_hmac(request, keys, others, sent, data)
        if found is not None:
            return found
    return _match_asymmetric(request, keys, others, sent, data)


def _match_hmac(request: SignedRequest, keys: KeySet, others: Sequence[KeySet], sent: _SentSignature,
                data: bytes) -> tuple[str, str] | None:
    secret = keys.hmac_secret
    assert secret is not None
    encoding = sent.matches_hmac(_hmac(secret, data))
    if encoding == "base64":
        return ("base64_signature", "the signature is base64; for an HMAC key Binance expects the HMAC-SHA256 "
                "digest as 64 hex characters (hexdigest(), not base64)")
    for cause, text, signed in candidates(request, keys):
        encoding = sent.matches_hmac(_hmac(secret, signed.encode("latin-1", "replace")))
        if encoding is not None:
            return cause, text + (" (and send the digest as hex, not base64)" if encoding == "base64" else "")
    for variant, name in ((secret + "\n", "a trailing newline"), (secret + "\r\n", "a trailing CRLF"),
                          (secret + " ", "a trailing space"), (" " + secret, "a leading space"),
                          (secret.strip(), "no surrounding whitespace"), (f'"{secret}"', "quotes around it")):
        if variant != secret and sent.matches_hmac(_hmac(variant, data)) is not None:
            return ("secret_whitespace", f"you signed with the secret plus {name} (read from a file or an "
                    "environment variable?): strip it")
    if sent.matches_hmac(_hmac(keys.api_key, data)) is not None:
        return ("api_key_as_secret", "you signed with the API key as the HMAC key: sign with the secret, "
                "send the API key in the X-MBX-APIKEY header")
    for other in others:
        if other.hmac_secret is not None and sent.matches_hmac(_hmac(other.hmac_secret, data)) is not None:
            return ("other_account_secret", f"the signature is right for the secret of account '{other.account}', "
                    f"but the API key sent is account '{keys.account}''s: use the key and secret of one account")
    return None


def _match_asymmetric(request: SignedRequest, keys: KeySet, others: Sequence[KeySet], sent: _SentSignature,
                      data: bytes) -> tuple[str, str] | None:
    raw = sent.b64
    if raw is None:
        if (keys.rsa_public_key or keys.ed25519_public_key) and sent.hex_digest is not None:
            return ("hmac_for_asymmetric_key", f"the signature is an HMAC hex digest, but this API key is an "
                    f"{'/'.join(keys.kinds)} key: sign with its private key and send the signature base64-encoded")
        if keys.rsa_public_key or keys.ed25519_public_key:
            return ("not_base64", "the signature is not valid base64: RSA and Ed25519 signatures are sent "
                    "base64-encoded, then percent-encoded (+ / = as %2B %2F %3D)")
        return None
    kinds = {"RSA": keys.rsa_public_key, "Ed25519": keys.ed25519_public_key}
    for pem in kinds.values():
        if pem is not None and _verify(pem, raw, data):
            return None  # it verifies: not a signature problem at all (never reached for a -1022)
    for kind, pem in kinds.items():
        if pem is None:
            continue
        for cause, text, signed in candidates(request, keys):
            if _verify(pem, raw, signed.encode("latin-1", "replace")):
                return cause, text
        if kind == "RSA" and _verify_rsa_pss(pem, raw, data):
            return ("rsa_pss_padding", "the RSA signature uses PSS padding: Binance expects PKCS#1 v1.5 "
                    "with SHA-256")
    for other in others:
        for kind, pem in (("RSA", other.rsa_public_key), ("Ed25519", other.ed25519_public_key)):
            if pem is not None and _verify(pem, raw, data):
                return ("other_account_key", f"the signature is valid for the {kind} key of account "
                        f"'{other.account}', not for the key of account '{keys.account}' whose API key was sent: "
                        "use the API key and private key of one account")
    guessed = _asymmetric_kind(raw)
    if guessed is not None and guessed not in keys.kinds:
        return ("wrong_key_type", f"the signature looks like an {guessed} signature, but this API key is an "
                f"{'/'.join(keys.kinds)} key: sign with the key type the API key was registered with")
    if keys.rsa_public_key or keys.ed25519_public_key:
        return ("no_key_matches", f"the signature is valid for no configured key: is your private key the pair "
                f"of account '{keys.account}''s {'/'.join(k for k in keys.kinds if k != 'HMAC')} public key, "
                "and do you sign query + body exactly as sent?")
    return None


def _unmatched(keys: KeySet, sent: _SentSignature) -> tuple[str, str]:
    if not sent.text:
        return "empty_signature", "the signature parameter is empty"
    if keys.hmac_secret is not None and sent.hex_digest is None:
        if all(c in _HEX_DIGITS for c in sent.text):
            return ("malformed_signature", f"the signature has {len(sent.text)} hex characters; an HMAC-SHA256 "
                    "hex digest has 64 (cut off, or built by hand?)")
        if sent.b64 is not None and len(sent.b64) == 32:
            return ("base64_signature", "the signature is base64 (and not of this payload either): for an HMAC "
                    "key Binance expects the HMAC-SHA256 digest as 64 hex characters")
        return ("malformed_signature", "the signature is not an HMAC-SHA256 hex digest: send it as 64 hex "
                "characters")
    return ("wrong_secret", f"the signature matches none of the common mistakes the fake checks: most likely "
            f"the secret is not the one of this API key (account '{keys.account}'); compare your signature of the "
            "payload below with the one expected")


# -- primitives -------------------------------------------------------------------------


def _hmac(secret: str, data: bytes) -> bytes:
    return hmac.digest(secret.encode("utf-8", "replace"), data, hashlib.sha256)


def _hmac_hex(secret: str, payload: str) -> str:
    return _hmac(secret, payload.encode("latin-1", "replace")).hex()


def _verify(pem: str, signature: bytes, data: bytes) -> bool:
    # cryptography only with a public key to try (core/signatures.py says why).
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ed25519, padding, rsa

    key = _public_key(pem)
    try:
        if isinstance(key, rsa.RSAPublicKey):
            key.verify(signature, data, padding.PKCS1v15(), hashes.SHA256())
        elif isinstance(key, ed25519.Ed25519PublicKey):
            key.verify(signature, data)
        else:
            return False
    except (InvalidSignature, ValueError):
        return False
    return True


def _verify_rsa_pss(pem: str, signature: bytes, data: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    key = _public_key(pem)
    if not isinstance(key, rsa.RSAPublicKey):
        return False
    try:
        key.verify(signature, data, padding.PSS(padding.MGF1(hashes.SHA256()), padding.PSS.AUTO), hashes.SHA256())
    except (InvalidSignature, ValueError):
        return False
    return True


def _asymmetric_kind(raw: bytes) -> str | None:
    if len(raw) == 64:
        return "Ed25519"
    if len(raw) in (128, 256, 384, 512):
        return "RSA"
    return None


def _b64(raw: bytes) -> bytes | None:
    for altchars in (None, b"-_"):
        try:
            return base64.b64decode(raw + b"=" * (-len(raw) % 4), altchars=altchars, validate=True)
        except (binascii.Error, ValueError):
            continue
    return None
