"""Builds the exact query string and body of a request, signing when required."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import quote

from .signing import Signer
from .wire import encode_pairs

Placement = Literal["query", "body"]


@dataclass(frozen=True)
class BuiltRequest:
    """The bytes to send: query string (without '?') and form body, both already encoded."""

    query: str
    body: str
    params: dict[str, str]  # everything sent except the signature, for error reports


def build_request(
    method: str,
    params: Mapping[str, str],
    *,
    signer: Signer | None = None,
    placement: Placement = "query",
) -> BuiltRequest:
    """Encode `params` (wire strings, in order) and append the signature if a signer is given."""
    in_body = placement == "body" and method.upper() != "GET"
    encoded = encode_pairs(params)
    query, body = ("", encoded) if in_body else (encoded, "")
    if signer is not None:
        # Binance signs query + body concatenated with no separator, as sent.
        signature = "signature=" + quote(signer.sign(query + body), safe="")
        if in_body:
            body = f"{body}&{signature}" if body else signature
        else:
            query = f"{query}&{signature}" if query else signature
    return BuiltRequest(query=query, body=body, params=dict(params))
