"""The request pipeline every Binance endpoint runs through, in Binance's order (spec §12).

1. weight is counted (rejected requests cost weight too) → 429 / 418
2. API key (``X-MBX-APIKEY``) → -2014 / -2015 (401); trading needs margin permission
3. parameters: duplicates -1101, malformed encoding -1100, unknown -1104
4. ``timestamp`` / ``recvWindow`` against the exchange clock → -1102 / -1131 / -1021
5. signature over the exact bytes received → -1102 / -1022
6. typed parameters for the view → -1100 / -1102 / -1105 / -1130 ...
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from flask import Blueprint, g, request

from mock_exchange.core import errors
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.rate_limits import WeightCharge
from mock_exchange.core.signatures import SignatureVerifier, signature_payload
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.params import Kind, Param, check_known, merge_sources, parse_params, parse_value
from mock_exchange.web.responses import json_response
from mock_exchange.web.runtime import current_runtime

MAX_RECV_WINDOW = Decimal(60000)
DEFAULT_RECV_WINDOW = Decimal(5000)
FUTURE_ALLOWANCE_MS = 1000
# Every Binance endpoint served, by (method, path rule): what web/explain.py reads to name parameters.
ENDPOINTS: dict[tuple[str, str], Endpoint] = {}


@dataclass
class Call:
    """One authenticated, parsed Binance request, as a view sees it."""

    endpoint: Endpoint
    params: dict[str, Any]
    raw: Mapping[str, str]
    account: Any = None  # core.accounts.Account for keyed endpoints
    ip: str = "127.0.0.1"
    headers: dict[str, str] = field(default_factory=dict)

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


def binance_route(blueprint: Blueprint, endpoint: Endpoint) -> Callable[[Callable[[Call], Any]], Callable[[], Any]]:
    """Register ``view(call)`` for ``endpoint``; the view returns JSON-ready data."""

    def decorator(view: Callable[[Call], Any]) -> Callable[[], Any]:
        @functools.wraps(view)
        def handler() -> Any:
            call = prepare_call(endpoint)
            runtime = current_runtime()
            if runtime.faults is not None:
                return runtime.faults.run(endpoint, call, lambda: json_response(view(call)))
            return json_response(view(call))

        blueprint.add_url_rule(endpoint.path, endpoint.name, handler, methods=[endpoint.method])
        ENDPOINTS[(endpoint.method, endpoint.path)] = endpoint
        return handler

    return decorator


def prepare_call(endpoint: Endpoint) -> Call:
    """Run the pipeline for the current request; raise BinanceError at the first failure."""
    runtime = current_runtime()
    ip = request.remote_addr or "127.0.0.1"
    query = request.query_string.decode("latin-1")
    body = "" if endpoint.method == "GET" else _form_body()

    raw: dict[str, str] = {}
    parse_error: BinanceError | None = None
    try:
        raw = merge_sources(_utf8(query), _utf8(body))
    except BinanceError as exc:
        parse_error = exc

    account = None
    api_key = request.headers.get("X-MBX-APIKEY") if endpoint.security.needs_key else None
    if api_key:
        account = runtime.exchange.account_by_api_key(api_key)
    g.account_name = account.name if account is not None else None
    charge = WeightCharge(endpoint.family, endpoint.name, endpoint.weight_for(raw),
                          endpoint.uid_weighted, account.name if account is not None else None)
    g.weight_charge = charge
    g.weight_headers = runtime.limiter.charge(ip, charge)

    if endpoint.security.needs_key:
        _authenticate_key(endpoint, api_key, account)
    if parse_error is not None:
        raise parse_error
    check_known(raw, endpoint.all_params())
    if endpoint.security.signed:
        check_timing(raw, runtime.exchange.clock.now_ms())
        _check_signature(account, query, body)
    params = parse_params(raw, endpoint.params)
    call = Call(endpoint, params, raw, account, ip)
    g.call = call
    return call


def _form_body() -> str:
    """The raw body as sent, when it is a form (a JSON content type with no body is normal)."""
    if request.content_length == 0:  # declared empty (not chunked): no stream to set up and read
        return ""
    data = request.get_data(cache=True)
    if not data:
        return ""
    mimetype = request.mimetype
    if mimetype and mimetype != "application/x-www-form-urlencoded":
        return ""
    return data.decode("latin-1")


def _utf8(text: str) -> str:
    # The signature is checked over the raw bytes (latin-1 keeps them 1:1); parameters
    # themselves must be valid UTF-8.
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError as exc:
        raise errors.illegal_chars() from exc


def _authenticate_key(endpoint: Endpoint, api_key: str | None, account: Any) -> None:
    if not api_key:
        raise errors.api_key_format_invalid()
    if account is None:
        raise errors.invalid_api_key()
    # Margin trading needs the key's margin permission; spot trading (/api/v3) does not.
    if endpoint.security is Security.TRADE and endpoint.family == "sapi" and not account.margin_enabled:
        raise errors.invalid_api_key()


_TIMESTAMP = Param("timestamp", Kind.LONG)
_RECV_WINDOW = Param("recvWindow", Kind.RECV_WINDOW)


def check_timing(raw: Mapping[str, str], now_ms: int) -> None:
    if not raw.get("timestamp"):
        raise errors.mandatory_param_missing("timestamp")
    timestamp = parse_value(_TIMESTAMP, raw["timestamp"])
    if timestamp > 10**14:  # microseconds (spec §2.5)
        timestamp //= 1000
    recv_window = DEFAULT_RECV_WINDOW
    if "recvWindow" in raw:
        if raw["recvWindow"] == "":
            raise errors.param_empty("recvWindow")
        recv_window = parse_value(_RECV_WINDOW, raw["recvWindow"])
        if recv_window > MAX_RECV_WINDOW:
            raise errors.bad_recv_window()
    if timestamp >= now_ms + FUTURE_ALLOWANCE_MS:
        raise errors.timestamp_ahead()
    if now_ms - timestamp > recv_window:
        raise errors.timestamp_outside_recv_window()


def _check_signature(account: Any, query: str, body: str) -> None:
    payload, signature = signature_payload(query, body)
    if not signature:
        raise errors.mandatory_param_missing("signature")
    verifier = SignatureVerifier(account.hmac_secret, account.rsa_public_key, account.ed25519_public_key)
    if not verifier.verify(payload.encode("latin-1"), signature):
        raise errors.invalid_signature()
