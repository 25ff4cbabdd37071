"""The WebSocket API's market-data requests (``depth``, ``klines``, ``ticker.price``, ...) on ``/ws-api/v3``.

Each method is the REST endpoint of the same name in Binance's docs (web-socket-api.md,
"Market data requests"; the weights, parameters and errors are the same), so it is
answered by that very endpoint: the request is run through the app as a ``GET`` of the
REST path from the connection's address, through the one pipeline (weight, parameters,
errors, journal). Only the framing is the WebSocket API's: ``{"id", "status", "result"}``
or ``{"id", "status", "error"}``, plus ``rateLimits`` unless ``returnRateLimits`` is false.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask
from werkzeug.test import run_wsgi_app

from mock_exchange.core import errors
from mock_exchange.web import endpoint_catalog as catalog
from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.runtime import current_runtime

# Method -> the REST endpoint that answers it (web-socket-api.md names each one's REST twin).
MARKET_METHODS: dict[str, Endpoint] = {
    "depth": catalog.DEPTH,
    "trades.recent": catalog.TRADES,
    "trades.historical": catalog.HISTORICAL_TRADES,
    "trades.aggregate": catalog.AGG_TRADES,
    "klines": catalog.KLINES,
    "uiKlines": catalog.UI_KLINES,
    "avgPrice": catalog.AVG_PRICE,
    "ticker.24hr": catalog.TICKER_24HR,
    "ticker.tradingDay": catalog.TICKER_TRADING_DAY,
    "ticker": catalog.TICKER_WINDOW,
    "ticker.price": catalog.TICKER_PRICE,
    "ticker.book": catalog.BOOK_TICKER,
    "exchangeInfo": catalog.EXCHANGE_INFO,
}
VERSION_PREFIX = "v3/"  # "Request method names may be prefixed with explicit version"
RETURN_RATE_LIMITS = "returnRateLimits"


def market_method(method: str) -> Endpoint | None:
    """The REST endpoint answering ``method`` (with or without ``v3/``), or None."""
    return MARKET_METHODS.get(method[len(VERSION_PREFIX):] if method.startswith(VERSION_PREFIX) else method)


def query_value(value: Any) -> str:
    """A JSON parameter as REST's query string carries it: arrays as compact JSON, booleans in lower case."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, dict)):
        return json.dumps(value, separators=(",", ":"))
    return "" if value is None else str(value)


def answer(app: Flask, endpoint: Endpoint, request_id: Any, params: dict[str, Any], ip: str,
           rate_limits_by_default: bool) -> dict[str, Any]:
    """The WebSocket API response to one market-data request."""
    params = dict(params)
    show_limits = params.pop(RETURN_RATE_LIMITS, rate_limits_by_default)
    if not isinstance(show_limits, bool):
        error = errors.invalid_param_value(RETURN_RATE_LIMITS)
        return {"id": request_id, "status": error.http_status, "error": error.to_dict()}
    query = [(name, query_value(value)) for name, value in params.items()]
    response = _get(app, endpoint.path, query, ip)
    body = response.get_json(silent=True)
    status = response.status_code
    out: dict[str, Any] = {"id": request_id, "status": status}
    if status == 200:
        out["result"] = body
    else:
        out["error"] = body if isinstance(body, dict) else {"code": -1000, "msg": "An unknown error occurred."}
    if show_limits:
        used = response.headers.get("X-MBX-USED-WEIGHT-1M")
        out["rateLimits"] = [{"rateLimitType": "REQUEST_WEIGHT", "interval": "MINUTE", "intervalNum": 1,
                              "limit": current_runtime().limiter.config.api_weight_per_minute,
                              "count": int(used) if used and used.isdigit() else 0}]
    return out


def _get(app: Flask, path: str, query: list[tuple[str, str]], ip: str) -> Any:
    """The app's answer to ``GET path?query`` from ``ip``.

    Run through werkzeug's WSGI runner rather than a test client: the client splits the whole
    URL with ``urllib.parse.urlsplit``, whose cache keeps the last 128 URLs, queries included,
    whatever their size, for the life of the server.
    """
    # flask.testing pulls in click.testing: imported with the first market request, not at start-up.
    from flask.testing import EnvironBuilder

    builder = EnvironBuilder(app, path=path, query_string=query, environ_base={"REMOTE_ADDR": ip})
    try:
        environ = builder.get_environ()
    finally:
        builder.close()
    body, status, headers = run_wsgi_app(app, environ, buffered=True)
    return app.response_class(body, status, headers)
