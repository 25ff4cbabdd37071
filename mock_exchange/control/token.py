"""The control token rule, in one place for every port and route.

HTTP servers disagree on the spaces around a header value: waitress strips them, the
standard library's server (the WebSocket port) keeps the trailing ones. A field value
has no surrounding whitespace (RFC 9110 §5.5), so the sent token is compared without
its surrounding spaces and tabs, in constant time, and nothing else is forgiven. A
configured token must itself be printable, without spaces around it.
"""

from __future__ import annotations

import hmac

TOKEN_HEADER = "X-Mock-Token"
_OPTIONAL_WHITESPACE = " \t"


def token_problem(token: str) -> str | None:
    """Why ``token`` cannot be a control token, or None when it can."""
    if not token:
        return "must not be empty"
    if token != token.strip() or any(not ch.isprintable() for ch in token):
        return "must not have spaces around it or contain control characters"
    return None


def token_accepted(configured: str | None, sent: str | None) -> bool:
    """Whether a request carrying ``sent`` in ``X-Mock-Token`` may use the control API."""
    if not configured:
        return True
    value = (sent or "").strip(_OPTIONAL_WHITESPACE)
    return hmac.compare_digest(value.encode("utf-8", "surrogateescape"), configured.encode("utf-8"))
