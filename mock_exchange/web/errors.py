"""Every failure leaves as a Binance ``{"code", "msg"}`` body: never a 500 page or a trace."""

from __future__ import annotations

import logging

from flask import Flask, Response, request
from werkzeug.exceptions import HTTPException

from mock_exchange.core import errors
from mock_exchange.core.errors import BinanceError
from mock_exchange.web.request_context import current_context
from mock_exchange.web.responses import json_response

log = logging.getLogger(__name__)


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(BinanceError, binance_error_response)
    app.register_error_handler(HTTPException, _http_exception)
    app.register_error_handler(Exception, _unexpected)


def binance_error_response(error: BinanceError) -> Response:
    return json_response(error.to_dict(), error.http_status, error.headers)


def _http_exception(error: HTTPException) -> Response:
    # Unknown paths and wrong methods: Binance's own answer is a bare 404 page; a JSON
    # body with -1020 keeps every response machine-readable (docs/behaviour.md).
    status = error.code or 400
    if status in (404, 405):
        body = errors.unsupported_operation().to_dict()
    elif status == 413:
        body = {"code": -1101, "msg": "Too many parameters sent for this endpoint."}
    else:
        body = {"code": -1000, "msg": "An unknown error occurred while processing the request."}
    return json_response(body, status)


def _unexpected(error: Exception) -> Response:
    # A bug in the fake must still answer in Binance's shape; the trace goes to the log only.
    # Name the endpoint and account, never the context: its repr holds the raw parameters (the
    # signature) and the Account (its HMAC secret).
    context = current_context()
    endpoint = context.endpoint if context is not None else None
    log.exception("unexpected error while handling %s for account %s",
                  endpoint.name if endpoint is not None else request.path,
                  context.account_name if context is not None else None)
    response = binance_error_response(errors.unknown_error())
    if context is not None:  # the weight was counted all the same
        for key, value in context.headers.items():
            response.headers.setdefault(key, value)
    return response
