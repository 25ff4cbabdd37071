"""The request pipeline every Binance endpoint runs through, in Binance's order (spec §12).

:func:`run_binance_request` is the whole of it, one stage after another:

1. arrival — the request context opens (web/request_context.py): exchange time (the
   journal's), the raw query and form body, parsed once (a malformed one is kept for stage 4)
2. weight — counted first, rejected requests cost weight too → 429 -1003 / 418
3. API key (``X-MBX-APIKEY``) → -2014 / -2015 (401); margin trading needs margin permission
4. parameters: duplicates -1101, malformed encoding -1100, unknown -1104
5. ``timestamp`` / ``recvWindow`` against the exchange clock → -1102 / -1131 / -1021
6. signature over the exact bytes received → -1102 / -1022
7. typed parameters for the view → -1100 / -1102 / -1105 / -1130 ...
8. faults — an injected fault (control/faults.py) decides whether what follows runs
9. view — parameters to a domain request (presence rules: -1102 / -1106 ...)
10. order count — a placement (``Endpoint.order_count``) is counted (-1015 past a limit), placed
    (counted back if refused)
11. serialise — the view's Binance shape as JSON
12. headers — used weight, and a spot placement's order counts

A stage that fails raises ``BinanceError``, answered at once with its code and status (the
headers still added). After the answer, :func:`after_answer` explains a rejection, writes
the request log line and the journal entry, for every request (unknown paths too).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any, Generic, TypeVar

from flask import Blueprint, Request, Response, request

from mock_exchange.core import errors
from mock_exchange.core.accounts import Account
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.rate_limits import WeightCharge
from mock_exchange.core.requests import ListPlacementResult, OrderCancelResult, PlacementResult
from mock_exchange.core.signatures import SignatureVerifier, signature_payload
from mock_exchange.web.endpoint_catalog import SPOT_NEW_ORDER
from mock_exchange.web.endpoints import Endpoint, Security
from mock_exchange.web.params import Kind, Param, check_known, merge_sources, parse_params, parse_value
from mock_exchange.web.request_context import Call, RequestContext, has_body, open_context
from mock_exchange.web.responses import json_response
from mock_exchange.web.runtime import ExchangeRuntime, current_runtime

__all__ = ["Call", "ROUTE_VIEWS", "Placement", "binance_route", "check_timing", "count_cancel_replace",
           "run_binance_request", "run_pipeline"]

MAX_RECV_WINDOW = Decimal(60000)
DEFAULT_RECV_WINDOW = Decimal(5000)
FUTURE_ALLOWANCE_MS = 1000
API_KEY_ENVIRON = "HTTP_X_MBX_APIKEY"  # the X-MBX-APIKEY header, as WSGI names it
SPOT_BOOK = "spot"  # the order-count book /api/v3 placements are counted in (core/rate_limits.py)
MARGIN_BOOK = "margin"

R = TypeVar("R", PlacementResult, ListPlacementResult)
View = Callable[[Call], Any]
# Which endpoint a request is, when one path serves two (web/user_stream.py: key-only or signed).
EndpointChoice = Callable[[RequestContext], Endpoint]
# Exchange.cancel_replace with a request's cancel: given the order-count check (admit) and the
# counted new-order placement, it returns the cancel's result and the new order's answer
# (each a rejection instead, or the answer None: not attempted).
CancelReplaceCall = Callable[[Callable[[], None], Callable[[], Any]], tuple[OrderCancelResult | BinanceError, Any]]
# Each binance_route's Flask view and what it runs: web/binance_wsgi.py serves these routes directly.
ROUTE_VIEWS: dict[Callable[[], Response], tuple[Endpoint, View]] = {}


@dataclass(frozen=True, slots=True)
class Placement(Generic[R]):
    """What a placement view returns: the engine call to make, and the result's Binance shape.

    The pipeline puts the order-count stage between the two (:func:`count_orders`), so the
    view's presence rules answer first and no view repeats the -1015 check.
    """

    place: Callable[[], R]
    respond: Callable[[R], Any]


def binance_route(blueprint: Blueprint, endpoint: Endpoint) -> Callable[[View], Callable[[], Response]]:
    """Register ``view(call)`` for ``endpoint``; the view returns JSON-ready data (or a Placement)."""

    def decorator(view: View) -> Callable[[], Response]:
        @functools.wraps(view)
        def handler() -> Response:
            return run_binance_request(endpoint, view)

        blueprint.add_url_rule(endpoint.path, endpoint.name, handler, methods=[endpoint.method])
        ROUTE_VIEWS[handler] = (endpoint, view)
        return handler

    return decorator


def run_binance_request(endpoint: Endpoint | EndpointChoice, view: View) -> Response:
    """Run the pipeline for the current Flask request."""
    received = request._get_current_object()  # type: ignore[attr-defined]  # one proxy lookup, not one per field
    return run_pipeline(current_runtime(), received, endpoint, view)


def run_pipeline(runtime: ExchangeRuntime, received: Request, endpoint: Endpoint | EndpointChoice,
                 view: View) -> Response:
    """Run the pipeline's stages for ``received``, top to bottom, and answer it."""
    context = open_context(received.environ)
    try:
        # 1. arrival: the raw request read and parsed once
        now = context.arrival_ms = runtime.exchange.clock.now_ms()
        endpoint = read_request(context, received, endpoint)
        raw = context.raw
        # 2. weight, counted before anything can fail
        api_key = received.environ.get(API_KEY_ENVIRON) if endpoint.security.needs_key else None
        account = context.account = runtime.exchange.account_by_api_key(api_key) if api_key else None
        context.charge = WeightCharge(endpoint.family, endpoint.name, endpoint.weight_for(raw),
                                      endpoint.uid_weighted, account.name if account is not None else None)
        context.headers = runtime.limiter.charge(context.ip, context.charge)
        # 3. API key
        if endpoint.security.needs_key:
            authenticate_key(endpoint, api_key, account)
        # 4. parameters: well formed, and each one read by the endpoint
        if context.parse_error is not None:
            raise context.parse_error
        check_known(raw, endpoint.param_names)
        if endpoint.security.signed:
            # 5. timing, 6. signature
            check_timing(raw, now)
            check_signature(account, context.query, context.body)
        # 7. typed parameters
        call = context.call = Call(endpoint, parse_params(raw, endpoint.params), raw, account)
        # 8. faults, around 9-11: view, order count, serialise
        if runtime.faults is not None:
            response = runtime.faults.run(endpoint, context, lambda: answer(runtime, context, call, view))
        else:
            response = answer(runtime, context, call, view)
    except BinanceError as exc:
        response = json_response(exc.to_dict(), exc.http_status, exc.headers)
    # 12. headers (an error's own used-weight header, set where it was raised, stays)
    add_headers(response, context.headers)
    return response


def read_request(context: RequestContext, received: Request, endpoint: Endpoint | EndpointChoice) -> Endpoint:
    """Fill the context with the raw request; its parameters parsed once. Which endpoint it is."""
    environ = received.environ
    context.ip = environ.get("REMOTE_ADDR") or "127.0.0.1"
    # WSGI hands the query over as latin-1 text: the bytes received, one character each.
    query = context.query = environ.get("QUERY_STRING", "")
    # One path with a key-only and a signed variant shares the method, so the body reads the same.
    method = endpoint.method if isinstance(endpoint, Endpoint) else received.method
    body = context.body = "" if method == "GET" else _form_body(received)
    try:
        context.raw = merge_sources(_utf8(query), _utf8(body))
    except BinanceError as exc:
        context.parse_error = exc
    chosen = endpoint if isinstance(endpoint, Endpoint) else endpoint(context)
    context.endpoint = chosen
    return chosen


def answer(runtime: ExchangeRuntime, context: RequestContext, call: Call, view: View) -> Response:
    """The view's answer as Binance JSON; a placement's orders checked and counted around the engine call."""
    result = view(call)
    if call.endpoint.order_count:
        result = count_orders(runtime, context, call, result)
    return json_response(result)


def count_orders(runtime: ExchangeRuntime, context: RequestContext, call: Call, placement: Placement[Any]) -> Any:
    """The order-count stage: -1015 past a limit, else count the orders, place them, and shape the result.

    Margin and spot orders are counted in separate books. A spot order that trades on
    arrival does not stay counted (faqs/order_count_decrement.md: the first fill takes one
    off; a later first fill is taken off by ``limiter.first_fill``, which the placement names to
    the exchange: ``Exchange.placing_for``), and a spot placement reports the counts in
    ``X-MBX-ORDER-COUNT-10S`` / ``-1D``.
    """
    limiter = runtime.limiter
    orders = call.endpoint.order_count
    account = call.account.name
    spot = call.endpoint.family == "api"
    book = SPOT_BOOK if spot else MARGIN_BOOK
    # Counted before the engine call, given back if it fails: a refusal, or an error of the fake's
    # own (answered -1000 / 500), which must not use up the user's order budget either. A fill
    # during the placement of an order other than the one arriving (an OTO's pending leg) takes
    # one off what is counted.
    limiter.reserve_orders(account, orders, book)
    try:
        if spot:
            with runtime.exchange.placing_for(limiter.first_fill):
                result = placement.place()
        else:
            result = placement.place()
    except BaseException:
        limiter.forget_orders(account, orders, book)
        raise
    if spot:
        traded = traded_on_arrival(result)
        if traded:
            limiter.forget_orders(account, traded, book)
        context.headers.update(limiter.order_count_headers(account, book))
    return placement.respond(result)


def count_cancel_replace(runtime: ExchangeRuntime, call: Call, mode: str, cancel_replace: CancelReplaceCall,
                         new_order: Placement[PlacementResult],
                         respond_cancel: Callable[[OrderCancelResult], Any]) -> dict[str, Any]:
    """POST /api/v3/order/cancelReplace's order count around the engine call, and its result's status.

    ``mode`` is ``orderRateLimitExceededMode``. Over the unfilled order count, DO_NOTHING (the
    default) tries nothing, not even the cancel: a plain -1015 (rest-api.md, Cancel an Existing
    Order and Send a New Order); with CANCEL_ONLY the cancel runs and the new order meets the
    -1015 of :func:`count_orders`, which counts the new order as a POST /api/v3/order is. The
    answer names each half's result; -2021 when one half failed, -2022 when both did or when
    STOP_ON_FAILURE left the new order unattempted (which still counts one order, rest-api.md).
    """
    limiter = runtime.limiter
    account = call.account.name

    def admit() -> None:
        if mode == "DO_NOTHING":
            limiter.check_orders(account, 1, SPOT_BOOK)

    cancelled, new = cancel_replace(
        admit, lambda: count_orders(runtime, open_context(), replace(call, endpoint=SPOT_NEW_ORDER), new_order))
    if isinstance(cancelled, BinanceError) and new is None:  # STOP_ON_FAILURE: the new order not attempted
        limiter.record_orders(account, 1, SPOT_BOOK)
        raise errors.cancel_replace_failed({"cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED",
                                            "cancelResponse": cancelled.to_dict(), "newOrderResponse": None})
    cancel = cancelled if isinstance(cancelled, BinanceError) else respond_cancel(cancelled)
    cancel_ok, new_ok = not isinstance(cancel, BinanceError), not isinstance(new, BinanceError)
    body = {
        "cancelResult": "SUCCESS" if cancel_ok else "FAILURE",
        "newOrderResult": "SUCCESS" if new_ok else "FAILURE",
        "cancelResponse": cancel.to_dict() if isinstance(cancel, BinanceError) else cancel,
        "newOrderResponse": new.to_dict() if isinstance(new, BinanceError) else new,
    }
    if cancel_ok and new_ok:
        return body
    raise (errors.cancel_replace_partially_failed if cancel_ok or new_ok else errors.cancel_replace_failed)(body)


def traded_on_arrival(result: object) -> int:
    """How many of a placement's orders filled at once (a single order's, or a list's working order)."""
    if isinstance(result, PlacementResult):
        return 1 if result.fills else 0
    if isinstance(result, ListPlacementResult):
        return sum(1 for fills in result.fills.values() if fills)
    return 0


def add_headers(response: Response, headers: Mapping[str, str]) -> None:
    """Each of ``headers`` not in the answer yet (names compared without case), appended in order.

    What ``response.headers.setdefault`` does, without its lookup of a missing name, which
    raises and catches an HTTP exception, twice per header on every answer.
    """
    if headers:
        answer_headers = response.headers
        present = {key.lower() for key in answer_headers.keys()}  # noqa: SIM118 - Headers iterates pairs
        for key, value in headers.items():
            name = key.lower()
            if name not in present:
                answer_headers.add(key, value)
                present.add(name)


def _form_body(received: Request) -> str:
    """The raw body as sent, when it is a form (a JSON content type with no body is normal)."""
    if not has_body(received):
        return ""
    data = received.get_data(cache=True)
    if not data:
        return ""
    mimetype = received.mimetype
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


def authenticate_key(endpoint: Endpoint, api_key: str | None, account: Account | None) -> None:
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


def check_signature(account: Account | None, query: str, body: str) -> None:
    payload, signature = signature_payload(query, body)
    if not signature:
        raise errors.mandatory_param_missing("signature")
    if account is None:  # fails closed: a signed endpoint needs a key, so stage 3 has refused a key without one
        raise errors.invalid_api_key()
    verifier = SignatureVerifier(account.hmac_secret, account.rsa_public_key, account.ed25519_public_key)
    if not verifier.verify(payload.encode("latin-1"), signature):
        raise errors.invalid_signature()
