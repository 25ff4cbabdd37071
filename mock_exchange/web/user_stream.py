"""User-data-stream endpoints: listen tokens, legacy and risk listen keys, and the event feed.

REST (spec §4.18): ``POST /sapi/v1/userListenToken`` (key-only or signed: python-binance
signs it), ``POST/PUT/DELETE /sapi/v1/userDataStream`` and ``.../isolated`` (removed by
Binance in 2026-02, still called by python-binance), and the risk stream's
``POST/PUT/DELETE /sapi/v1/margin/listen-key``. The control plane reads the same payloads
the sockets carry at ``GET /mock/v1/user-stream/events``. The WebSocket routes live in
:mod:`mock_exchange.web.user_stream_ws`.
"""

from __future__ import annotations

import functools
import importlib.util
import threading
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request

from mock_exchange.control.errors import ControlError, bad_request
from mock_exchange.control.token import TOKEN_HEADER, token_accepted
from mock_exchange.core import errors
from mock_exchange.core.user_stream import (
    LISTEN_KEY_LENGTH,
    TOKEN_LENGTH,
    GrantKind,
    StreamGrant,
    StreamRegistry,
    check_token_validity,
    to_payload,
)
from mock_exchange.web.endpoint_catalog import (
    CROSS_KEY_CLOSE,
    CROSS_KEY_CREATE,
    CROSS_KEY_KEEP,
    ISOLATED_KEY_CLOSE,
    ISOLATED_KEY_CREATE,
    ISOLATED_KEY_KEEP,
    LISTEN_TOKEN,
    LISTEN_TOKEN_SIGNED,
    RISK_KEY_CLOSE,
    RISK_KEY_CREATE,
    RISK_KEY_KEEP,
)
from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.order_params import symbol_if_isolated
from mock_exchange.web.params import split_pairs
from mock_exchange.web.pipeline import Call, binance_route, run_binance_request
from mock_exchange.web.request_context import RequestContext
from mock_exchange.web.responses import json_response
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("user_stream", __name__)

REGISTRY_KEY = "mock_exchange.user_stream"
_REGISTRY_LOCK = threading.Lock()
EVENTS_PATH = "/mock/v1/user-stream/events"



# -- state ------------------------------------------------------------------------------


def registry() -> StreamRegistry:
    """This app's grants; they end with the exchange state that issued them."""
    # A reset builds a new ExchangeState: keys and tokens of the old one go with it. A restore
    # refills the same state object (the app keeps its keys: docs/control-api.md).
    state = current_runtime().exchange.state
    with _REGISTRY_LOCK:
        held = current_app.extensions.get(REGISTRY_KEY)
        if held is None or held[0] is not state:
            held = (state, StreamRegistry())
            current_app.extensions[REGISTRY_KEY] = held
        return held[1]


def _now() -> int:
    return int(current_runtime().exchange.clock.now_ms())


def _isolated_symbol(call: Call, symbol: str) -> str:
    """``symbol`` if it is a known symbol with an isolated account for the caller."""
    if symbol not in current_runtime().exchange.config.symbols:
        raise errors.invalid_symbol()
    call.account.margin_account(symbol)  # -11001 when the pair was never created
    return symbol


# -- listen token -----------------------------------------------------------------------


def _sends_signature(context: RequestContext) -> bool:
    """Whether the request carries a signature (then it is checked like a USER_DATA call)."""
    if context.parse_error is None:
        return "signature" in context.raw
    try:  # a duplicated parameter: still the signed variant when a signature is among them
        return any(key == "signature" for key, _ in split_pairs(context.query) + split_pairs(context.body))
    except errors.BinanceError:
        return False  # the pipeline reports the malformed encoding


def signature_optional_route(key_only: Endpoint, signed: Endpoint) -> Callable[[Callable[[Call], Any]], Any]:
    """``binance_route`` for an endpoint that may be sent key-only or signed."""
    # python-binance signs the USER_STREAM userListenToken: a request carrying a signature is
    # checked as the signed variant (timestamp, recvWindow, signature), one without as key-only.

    def choose(context: RequestContext) -> Endpoint:
        return signed if _sends_signature(context) else key_only

    def decorator(view: Callable[[Call], Any]) -> Callable[[], Response]:
        def handler() -> Response:
            return run_binance_request(choose, view)

        handler.__name__ = view.__name__
        blueprint.add_url_rule(key_only.path, key_only.name, handler, methods=[key_only.method])
        return handler

    return decorator


@signature_optional_route(LISTEN_TOKEN, LISTEN_TOKEN_SIGNED)
def create_listen_token(call: Call) -> dict[str, Any]:
    symbol = symbol_if_isolated(call.params, bool(call.get("isIsolated")))
    isolated = _isolated_symbol(call, symbol) if symbol is not None else None
    validity = check_token_validity(call.get("validity"))
    grant = current_runtime().exchange.issue_listen_token(registry(), call.account.name, isolated, validity,
                                                         TOKEN_LENGTH)
    return {"token": grant.value, "expirationTime": grant.expires_ms}


# -- legacy and risk listen keys --------------------------------------------------------


def _open_key(call: Call, kind: GrantKind, isolated: str | None) -> dict[str, Any]:
    grant = current_runtime().exchange.open_listen_key(registry(), kind, call.account.name, isolated,
                                                      LISTEN_KEY_LENGTH)
    return {"listenKey": grant.value}


def _keep_alive(call: Call, kind: GrantKind, isolated: str | None) -> dict[str, Any]:
    registry().keep_alive(call.params["listenKey"], kind, call.account.name, isolated, _now())
    return {}


def _close(call: Call, kind: GrantKind, isolated: str | None, value: str | None = None) -> dict[str, Any]:
    value = call.params["listenKey"] if value is None else value
    current_runtime().exchange.close_stream(registry(), value, kind, call.account.name, isolated)
    return {}


@binance_route(blueprint, CROSS_KEY_CREATE)
def create_cross_key(call: Call) -> dict[str, Any]:
    return _open_key(call, GrantKind.LISTEN_KEY, None)


@binance_route(blueprint, CROSS_KEY_KEEP)
def keep_cross_key(call: Call) -> dict[str, Any]:
    return _keep_alive(call, GrantKind.LISTEN_KEY, None)


@binance_route(blueprint, CROSS_KEY_CLOSE)
def close_cross_key(call: Call) -> dict[str, Any]:
    return _close(call, GrantKind.LISTEN_KEY, None)


@binance_route(blueprint, ISOLATED_KEY_CREATE)
def create_isolated_key(call: Call) -> dict[str, Any]:
    return _open_key(call, GrantKind.LISTEN_KEY, _isolated_symbol(call, call.params["symbol"]))


@binance_route(blueprint, ISOLATED_KEY_KEEP)
def keep_isolated_key(call: Call) -> dict[str, Any]:
    return _keep_alive(call, GrantKind.LISTEN_KEY, call.params["symbol"])


@binance_route(blueprint, ISOLATED_KEY_CLOSE)
def close_isolated_key(call: Call) -> dict[str, Any]:
    return _close(call, GrantKind.LISTEN_KEY, call.params["symbol"])


@binance_route(blueprint, RISK_KEY_CREATE)
def create_risk_key(call: Call) -> dict[str, Any]:
    return _open_key(call, GrantKind.RISK_KEY, None)


@binance_route(blueprint, RISK_KEY_KEEP)
def keep_risk_key(call: Call) -> dict[str, Any]:
    return _keep_alive(call, GrantKind.RISK_KEY, None)


@binance_route(blueprint, RISK_KEY_CLOSE)
def close_risk_key(call: Call) -> dict[str, Any]:
    value = call.get("listenKey")
    if value is None:
        # Without a key the account's active risk key is closed (inferred).
        held = [g for g in registry().grants() if g.kind is GrantKind.RISK_KEY and g.account == call.account.name
                and g.active(_now())]
        value = held[0].value if held else ""
    return _close(call, GrantKind.RISK_KEY, None, value)


# -- the event feed on the control plane ------------------------------------------------


def events_since(exchange: Any, seq: int, account: str | None = None) -> list[Any]:
    """Domain events after ``seq`` (of ``account`` when given), in sequence order."""
    return list(exchange.events_since(seq, account))


# How a user data stream that fell behind the event log ends (docs/user-stream.md): closed, so a
# client never misses events without knowing; 1008 as for a client that broke the rules.
FELL_BEHIND_CLOSE = (1008, "This stream fell too far behind the exchange's events (the oldest are no longer "
                           "kept); reconnect and query the REST endpoints to catch up.")
# How a user data stream ends when the exchange state it described is replaced (docs/user-stream.md):
# after the events logged before the reset or restore, closed as a server going away.
STATE_REPLACED_CLOSE = (1001, "The exchange state was replaced (a reset or a snapshot restore); reconnect and "
                              "query the REST endpoints.")


def last_event_seq(exchange: Any) -> int:
    """The sequence number of the newest domain event (0 before the first)."""
    return int(exchange.last_event_seq())


def log_replaced(exchange: Any, log: Any) -> bool:
    """Whether the exchange a stream follows was replaced, reset or restored since it began.

    No event is appended to a replaced log, so a stream that reads it to its end after this
    answered True has every event of the state it described.
    """
    return current_runtime().exchange is not exchange or exchange.events is not log


def grant_payloads(grant: StreamGrant, events: list[Any]) -> list[tuple[int, dict[str, Any]]]:
    """(seq, payload) for the events on ``grant``'s stream, up to its end, in order."""
    rows = []
    for event in events:
        if grant.streams(event):
            payload = to_payload(event, grant.kind)
            if payload is not None:
                rows.append((event.seq, payload))
    return rows


def _check_control_token() -> None:
    if not token_accepted(current_runtime().control_token, request.headers.get(TOKEN_HEADER)):
        raise ControlError("unauthorized", f"missing or wrong {TOKEN_HEADER} header")


def _int_arg(name: str, default: int | None) -> int | None:
    text = request.args.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        raise bad_request(f"{name} must be an integer", parameter=name) from None
    if value < 0:
        raise bad_request(f"{name} must not be negative", parameter=name)
    return value


@blueprint.get(EVENTS_PATH)
def stream_events() -> Response:
    """Binance payloads of the domain events after ``since``, as the user data stream sends them.

    Query: ``account`` (default: every account), ``since`` (a sequence number, default 0),
    ``scope`` (``cross``, an isolated symbol, or every margin account when absent), ``limit``.
    """
    try:
        _check_control_token()
        since = _int_arg("since", 0) or 0
        limit = _int_arg("limit", None)
        account = request.args.get("account") or None
        scope = request.args.get("scope") or None
    except ControlError as exc:
        return json_response(exc.to_dict(), exc.status)
    exchange = current_runtime().exchange
    rows = []
    for event in events_since(exchange, since, account):
        if scope is not None and (event.isolated_symbol or "cross") != scope:
            continue
        payload = to_payload(event)
        if payload is None:
            continue
        rows.append({"seq": event.seq, "account": event.account, "isolated_symbol": event.isolated_symbol,
                     "event": payload})
        if limit is not None and len(rows) >= limit:
            break
    return json_response({"last_seq": last_event_seq(exchange), "events": rows})


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    if not _websockets_installed():
        return
    from mock_exchange.web import ws_routes

    ws_routes.register(app)  # the sessions themselves (user_stream_ws.py) come with the first connection


@functools.cache
def _websockets_installed() -> bool:
    """Whether flask-sock and simple-websocket can be imported (they are, on the first connection)."""
    return all(importlib.util.find_spec(name) is not None for name in ("flask_sock", "simple_websocket"))
