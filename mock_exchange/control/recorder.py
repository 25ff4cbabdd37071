"""Builds a journal entry from each Binance request and its response (Flask hooks).

Secrets never reach the journal: the ``signature`` parameter is dropped, the API key
header is masked, and cookies, ``Authorization`` and the control token are left out.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from flask import Response, g, request

from mock_exchange.control.routes import PREFIX
from mock_exchange.core.errors import BinanceError
from mock_exchange.web.params import merge_sources
from mock_exchange.web.runtime import current_runtime

MASK = "***"
_DROPPED_HEADERS = {"cookie", "authorization", "x-mock-token", "proxy-authorization"}
_MASKED_HEADERS = {"x-mbx-apikey"}
_SECRET_PARAMS = {"signature"}


def remember_arrival() -> None:
    """Note the exchange time a request arrived (a fault may hold it for a while)."""
    runtime = current_runtime()
    if runtime.journal is not None and not _is_control(request.path):
        g.mock_arrival_ms = runtime.exchange.clock.now_ms()


def record_request(response: Response) -> Response:
    """Append the finished Binance request to the journal; control requests are not recorded."""
    runtime = current_runtime()
    if runtime.journal is None or _is_control(request.path):
        return response
    arrival = g.get("mock_arrival_ms")
    entry = {
        "time_ms": arrival if arrival is not None else runtime.exchange.clock.now_ms(),
        "method": request.method,
        "path": request.path,
        "params": request_params(),
        "headers": request_headers(),
        "account": g.get("account_name"),
        "weight": getattr(g.get("weight_charge"), "weight", 0),
        "status": response.status_code,
        "response": _response_json(response),
        "fault": g.get("mock_fault"),
    }
    runtime.journal.record(lambda seq: {"seq": seq, **entry})
    return response


def _is_control(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def request_params() -> dict[str, str]:
    """Query and form parameters as Binance reads them, without the signature."""
    query = request.query_string.decode("latin-1")
    body = ""
    if request.method != "GET" and request.mimetype in ("", "application/x-www-form-urlencoded"):
        body = request.get_data(cache=True).decode("latin-1")
    try:
        raw = merge_sources(_utf8(query), _utf8(body))
    except BinanceError:
        # Duplicated or badly encoded parameters: still show what was sent, leniently.
        raw = {}
        for source in (body, query):
            raw.update(parse_qsl(source, keep_blank_values=True, errors="replace"))
    return {key: value for key, value in raw.items() if key not in _SECRET_PARAMS}


def _utf8(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text.encode("latin-1").decode("utf-8", errors="replace")


def request_headers() -> dict[str, str]:
    headers: dict[str, str] = {}
    for key, value in request.headers.items():
        lower = key.lower()
        if lower in _DROPPED_HEADERS:
            continue
        headers[key] = MASK if lower in _MASKED_HEADERS and value else value
    return headers


def _response_json(response: Response) -> Any:
    # A streamed (dropped-connection) response must not be consumed here.
    if response.is_streamed or response.direct_passthrough:
        return None
    try:
        return json.loads(response.get_data())
    except (ValueError, UnicodeDecodeError):
        return None
