"""Turns an HTTP response into parsed JSON or the matching exception."""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .errors import (
    UNKNOWN_OUTCOME_CODES,
    BinanceError,
    BinanceHTTPError,
    ExecutionStatusUnknownError,
    IpBannedError,
    RateLimitError,
    RequestInfo,
    ServerError,
    TooManyOrdersError,
    UnexpectedResponseError,
    api_error_class,
)

_NO_JSON = object()


def parse_json(text: str) -> Any:
    """Parse JSON keeping every non-integer number as Decimal; _NO_JSON if it is not JSON."""
    try:
        return json.loads(text, parse_float=Decimal)
    except ValueError:
        return _NO_JSON


def parse_retry_after(headers: Mapping[str, str]) -> float | None:
    """Return the Retry-After header in seconds, if present and numeric."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(str(value).strip())
    except ValueError:
        return None  # Binance sends delta-seconds; an HTTP-date is not expected
    return max(seconds, 0.0)


# Sent only by the fake exchange beside a rejection; Binance never sends it.
EXPLAIN_HEADER = "X-Mock-Explain"


def _error_fields(payload: Any) -> tuple[int, str] | None:
    """Return (code, msg) when the payload is Binance's error object."""
    if isinstance(payload, dict) and "code" in payload:
        try:
            code = int(payload["code"])
        except (TypeError, ValueError):
            return None
        return code, str(payload.get("msg", ""))
    return None


def error_for_response(
    status: int, headers: Mapping[str, str], text: str, request: RequestInfo, mutating: bool
) -> BinanceError:
    """Build the exception describing a non-2xx response."""
    payload = parse_json(text)
    fields = _error_fields(payload)
    code, msg = fields if fields else (None, text.strip()[:200] or f"HTTP {status}")
    common: dict[str, Any] = {"code": code, "http_status": status, "request": request, "body": text,
                              "explanation": headers.get(EXPLAIN_HEADER) or None}
    if status == 418:
        return IpBannedError(msg, retry_after=parse_retry_after(headers), **common)
    if status == 429:
        cls = TooManyOrdersError if code == -1015 else RateLimitError
        return cls(msg, retry_after=parse_retry_after(headers), **common)
    if mutating and (status >= 500 or code in UNKNOWN_OUTCOME_CODES):
        return ExecutionStatusUnknownError(msg, **common)
    if status >= 500:
        return ServerError(msg, **common)
    if code is not None:
        return api_error_class(code)(msg, **common)
    return BinanceHTTPError(msg, **common)


def handle_response(
    status: int, headers: Mapping[str, str], text: str, request: RequestInfo, mutating: bool
) -> Any:
    """Return the parsed JSON body of a 2xx response, or raise the matching error."""
    if not 200 <= status < 300:
        raise error_for_response(status, headers, text, request, mutating)
    payload = parse_json(text)
    if payload is _NO_JSON:
        raise UnexpectedResponseError(
            "response body is not JSON", http_status=status, request=request, body=text
        )
    return payload
