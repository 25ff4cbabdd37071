"""The user data stream over WebSocket (flask-sock / simple-websocket).

``/ws/<listenKey>``: the legacy listen-key stream (and the risk stream): bare event
objects; ``listenKeyExpired`` and a close when the key expires, a close when it is deleted.
``/ws-api/v3``: the WebSocket API's ``userDataStream.subscribe.listenToken``: events wrapped
as ``{"subscriptionId", "event"}``, ``eventStreamTerminated`` when the token expires.

Each session polls the exchange's event log every ``POLL_INTERVAL_S`` while waiting for
client frames. What is sent does not depend on that timing: a stream carries exactly the
covered events logged after it started and before its grant ended (by time on expiry, by
sequence number on a close), in sequence order, then the end notice. A reset or a snapshot
restore replaces the exchange's event log: the stream reads the old log to its end (the events
logged before the reset or restore), then closes with 1001 (``STATE_REPLACED_CLOSE``).
WebSockets need a server that hands over the socket (werkzeug, gunicorn); waitress does
not, and gets an HTTP 501 that says so (``mock-exchange serve --ws-port``).
The routes and their hooks are added by web/ws_routes.py, which imports this module with
the first request on them.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from flask import Flask, current_app, g, request
from werkzeug.serving import WSGIRequestHandler, make_server

from mock_exchange import nesting
from mock_exchange.core import errors, market_streams
from mock_exchange.core.errors import BinanceError, invalid_listen_key, invalid_listen_token
from mock_exchange.core.signatures import SignatureVerifier
from mock_exchange.core.user_stream import (
    GrantKind,
    StreamGrant,
    listen_key_expired,
    stream_terminated,
)
from mock_exchange.web import market_stream_ws, stream_limits, ws_api_market
from mock_exchange.web.pipeline import check_timing
from mock_exchange.web.responses import json_response
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.stream_delivery import board_of
from mock_exchange.web.user_stream import (
    FELL_BEHIND_CLOSE,
    STATE_REPLACED_CLOSE,
    grant_payloads,
    log_replaced,
    registry,
)
from mock_exchange.web.ws_routes import MARKET_STREAMS_PATH

POLL_INTERVAL_S = 0.01
# Binance's WebSocket API: 1,000 active subscriptions per session, 65,535 over its lifetime.
MAX_ACTIVE_SUBSCRIPTIONS = 1000
MAX_LIFETIME_SUBSCRIPTIONS = 65_535
SHUTDOWN_POLL_S = 0.05  # how often the server loop looks for a stop request
SPOT_SUBSCRIPTION_EXPIRY = 2**62  # a signature subscription does not expire
# Environ keys through which a WSGI server hands over the raw socket (see simple_websocket).
_SOCKET_KEYS = ("werkzeug.socket", "gunicorn.socket", "eventlet.input")
_KEY_KINDS = (GrantKind.LISTEN_KEY, GrantKind.RISK_KEY)

def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


def _now() -> int:
    return int(current_runtime().exchange.clock.now_ms())


def _find_key(value: str) -> StreamGrant | None:
    now = _now()
    for kind in _KEY_KINDS:
        grant = registry().active(value, kind, now)
        if grant is not None:
            return grant
    return None


@dataclass(frozen=True, slots=True)
class StreamStart:
    """Where a user-data stream begins, fixed before the handshake: what it reads, from which event, for whom."""

    exchange: Any  # core.exchange.Exchange
    log: Any  # its event log (a reset replaces it)
    cursor: int  # the last event before the stream began
    grant: StreamGrant | None  # the listen key's grant (None on the WebSocket API)


@dataclass(frozen=True, slots=True)
class MarketStart:
    """A market-stream session made before the handshake (None: a stream name that is not one)."""

    session: market_stream_ws.MarketSession | None


_HANDSHAKE = "ws_handshake"  # flask.g: what the check before the handshake found
_BOARD_SEAT = "ws_board_seat"  # flask.g: (board, session) while the connection is on the delivery board


def _begin(start: StreamStart | MarketStart) -> None:
    """Fix where the session starts and put it on the delivery board, both before the handshake.

    The client may call ``streams/delivered`` as soon as it sees the connection open, while
    this thread has yet to reach the session's loop: joining the board only there would let
    that call miss the session and answer before its first frames were sent.
    """
    setattr(g, _HANDSHAKE, start)
    board = board_of(current_runtime())
    setattr(g, _BOARD_SEAT, (board, board.open()))


def leave_board(exc: BaseException | None) -> None:
    """The connection is over (or its handshake failed): the board stops waiting for it."""
    seat = g.pop(_BOARD_SEAT, None)
    if seat is not None:
        board, session = seat
        board.close(session)


def _stream_start() -> StreamStart:
    start = g.get(_HANDSHAKE)
    assert isinstance(start, StreamStart)
    return start


def _market_start() -> MarketStart:
    start = g.get(_HANDSHAKE)
    assert isinstance(start, MarketStart)
    return start


def check_upgrade() -> Any:
    """Refuse before the handshake: no socket to take over, or an unknown listen key."""
    if not any(key in request.environ for key in _SOCKET_KEYS):
        body = {"code": -1020, "msg": "WebSockets are not served on this port; "
                                      "start mock-exchange serve with --ws-port and connect there."}
        return json_response(body, 501)
    if _limits_on() and not board_of(current_runtime()).connection_attempts.allow(request.remote_addr or ""):
        # (inferred) Binance documents the limit, not its answer: -1003 as for too much weight.
        body = {"code": -1003, "msg": f"Too many new connections; the limit is {stream_limits.MAX_CONNECTIONS} "
                                      f"per {stream_limits.CONNECTION_WINDOW_S // 60} minutes per IP."}
        return json_response(body, 429)
    grant = None
    value = (request.view_args or {}).get("listen_key")
    if request.path == MARKET_STREAMS_PATH or (value is not None and _is_market_name(value)):
        # A market stream (market_stream_ws.py): no grant to look up. As for the user stream,
        # its streams start here, before the handshake.
        try:
            _begin(MarketStart(_market_session(value)))
        except BinanceError as exc:  # a listen key named in a combined path that is not one
            return json_response(exc.to_dict(), 400)
        return None
    if value is not None:
        grant = _find_key(value)
        if grant is None:
            return json_response(invalid_listen_key().to_dict(), 400)
    # The stream starts here, before the handshake: whatever happens once the client sees
    # the connection open is on it.
    exchange = current_runtime().exchange
    log, cursor = exchange.event_position()
    _begin(StreamStart(exchange, log, cursor, grant))
    return None


def listen_key_stream(ws: Any, listen_key: str) -> None:
    """Bare events of one listen key until it expires, is deleted, or the client leaves.

    A name holding an ``@`` is a raw market stream (listen keys are alphanumeric).
    """
    if _is_market_name(listen_key):
        _run_market_session(ws)
        return
    _run_listen_key_stream(ws, _round_done())


def _run_listen_key_stream(ws: Any, round_done: Any) -> None:
    start = _stream_start()
    exchange, log, cursor, grant = start.exchange, start.log, start.cursor, start.grant
    assert grant is not None  # a listen key path: its grant was found before the handshake
    while True:
        ws.receive(timeout=POLL_INTERVAL_S)  # frames from the client are ignored, as Binance does
        # Both decided before reading the log, so every event the stream still carries is read below.
        replaced = log_replaced(exchange, log)
        ended = not grant.active(_now())
        events, cursor, lost = exchange.events_after(cursor, grant.account, log)
        if lost:
            ws.close(*FELL_BEHIND_CLOSE)
            return
        for _, payload in grant_payloads(grant, events):
            ws.send(_dumps(payload))
        round_done()
        if replaced:
            ws.close(*STATE_REPLACED_CLOSE)
            return
        if ended:
            if not grant.closed:
                ws.send(_dumps(listen_key_expired(grant.value, grant.expires_ms)))
            ws.close()
            return


def combined_market_streams(ws: Any) -> None:
    """``/stream?streams=a/b``: market streams, each payload wrapped as ``{"stream", "data"}``."""
    _run_market_session(ws)


def _is_market_name(name: str) -> bool:
    """A stream name holds an ``@``; a bare number is a raw connection the client subscribes on
    (ccxt opens ``/ws/<n>`` and sends SUBSCRIBE). Anything else is a listen key."""
    return "@" in name or name.isdigit()


def _market_session(raw_name: str | None) -> market_stream_ws.MarketSession | None:
    """The session a market-stream path asks for; None when it names a stream not served."""
    microseconds = market_streams.TIME_UNITS.get(request.args.get("timeUnit", "MILLISECOND"))
    user = None
    if raw_name is not None and raw_name.isdigit():
        streams: list[market_streams.Stream] | None = []
    elif raw_name is not None:
        stream = market_streams.parse_stream(raw_name)
        streams = [stream] if stream is not None else None
    else:
        names = (request.args.get("streams") or "").split("/")
        # A name without an "@" is a listen key: the user data stream rides along, as Binance's
        # "/stream?streams=<listenKey>" (user-data-stream.md, until 2025-10).
        keys = [n for n in names if n and "@" not in n]
        user = _user_feed(keys) if keys else None
        wanted = "/".join(n for n in names if "@" in n)
        streams = market_streams.parse_stream_list(wanted) if wanted else []
    if streams is None or microseconds is None:
        return None
    return market_stream_ws.MarketSession(streams, combined=raw_name is None, microseconds=microseconds, user=user)


def _user_feed(keys: list[str]) -> market_stream_ws.UserFeed | None:
    """The one listen key a combined path names; BinanceError -1125 when it names an unknown one."""
    grant = _find_key(keys[0]) if len(keys) == 1 else None
    if grant is None:
        raise invalid_listen_key()
    log, cursor = current_runtime().exchange.event_position()
    return market_stream_ws.UserFeed(keys[0], grant, cursor, log)


def _round_done() -> Any:
    """Counts one finished round of this connection on the delivery board (stream_delivery.py).

    Its seat was taken before the handshake (``_begin``) and is given up when the request ends.
    """
    board, session = g.get(_BOARD_SEAT)
    return lambda: board.round_done(session)


def _limits_on() -> bool:
    return bool(current_app.config.get(stream_limits.CONFIG_KEY, True))


def _run_market_session(ws: Any) -> None:
    session = _market_start().session
    if session is None:
        ws.close(*market_stream_ws.ILLEGAL_STREAM_CLOSE)
        return
    rate = stream_limits.MessageRate() if _limits_on() else None
    session.run(ws, lambda exchange: current_runtime().exchange is not exchange, _round_done(), rate)


# -- WebSocket API ----------------------------------------------------------------------


@dataclass
class Subscription:
    """One ``userDataStream.subscribe.listenToken`` on a connection."""

    id: int
    grant: StreamGrant
    cursor: int


class ApiSession:
    """The state of one ``/ws-api/v3`` connection: its subscriptions, in id order."""

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        start = _stream_start()
        self.exchange, self.log = start.exchange, start.log
        self.subscriptions: dict[int, Subscription] = {}
        self.next_id = 0
        # Market-data requests run through the REST endpoints (ws_api_market.py) from this address.
        self.app = current_app._get_current_object()  # type: ignore[attr-defined]
        self.ip = request.remote_addr or "127.0.0.1"
        self.rate_limits_by_default = request.args.get(ws_api_market.RETURN_RATE_LIMITS) != "false"

    def send(self, data: Any) -> None:
        self.ws.send(_dumps(data))

    def handle(self, text: str | bytes) -> None:
        """Answer one request frame."""
        try:
            message = nesting.loads(text)
        except ValueError:
            message = None
        if not isinstance(message, dict) or not isinstance(message.get("method"), str):
            self.send(_error(message.get("id") if isinstance(message, dict) else None,
                             errors.mandatory_param_missing()))
            return
        request_id = message.get("id")
        params = message.get("params") or {}
        endpoint = ws_api_market.market_method(message["method"])
        if endpoint is not None:
            if not isinstance(params, dict):
                self.send(_error(request_id, errors.mandatory_param_missing()))
                return
            self.send(ws_api_market.answer(self.app, endpoint, request_id, params, self.ip,
                                           self.rate_limits_by_default))
            return
        try:
            result = self._dispatch(message["method"], params if isinstance(params, dict) else {})
        except BinanceError as exc:
            self.send(_error(request_id, exc))
            return
        self.send({"id": request_id, "status": 200, "result": result})

    def _dispatch(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "userDataStream.subscribe.listenToken":
            return self._subscribe(params.get("listenToken"))
        if method == "userDataStream.subscribe.signature":
            return self._subscribe_spot(params)
        if method == "userDataStream.unsubscribe":
            return self._unsubscribe(params.get("subscriptionId"))
        if method == "ping":
            return {}
        if method == "time":
            return {"serverTime": _now()}
        raise errors.unsupported_operation()

    def _subscribe(self, token: Any) -> dict[str, Any]:
        if not isinstance(token, str) or not token:
            raise errors.mandatory_param_missing("listenToken")
        grant = registry().active(token, GrantKind.TOKEN, _now())
        if grant is None:
            raise invalid_listen_token()
        return self._add_subscription(grant)

    def _subscribe_spot(self, params: dict[str, Any]) -> dict[str, Any]:
        """``userDataStream.subscribe.signature``: the spot wallet's events of the key's account.

        Signed as the WebSocket API signs: the other parameters sorted by name, as a query
        string (web-socket-api.md, "SIGNED request security"). No expiry: the subscription
        lasts as long as the connection (or an unsubscribe).
        """
        raw = {str(k): str(v) for k, v in params.items()}
        api_key, signature = raw.get("apiKey"), raw.pop("signature", None)
        if not api_key:
            raise errors.mandatory_param_missing("apiKey")
        account = self.exchange.account_by_api_key(api_key)
        if account is None:
            raise errors.invalid_api_key()
        check_timing(raw, _now())
        if not signature:
            raise errors.mandatory_param_missing("signature")
        payload = urlencode(sorted(raw.items())).encode()
        verifier = SignatureVerifier(account.hmac_secret, account.rsa_public_key, account.ed25519_public_key)
        if not verifier.verify(payload, signature):
            raise errors.invalid_signature()
        grant = StreamGrant("", GrantKind.TOKEN, account.name, None, _now(), SPOT_SUBSCRIPTION_EXPIRY, spot=True)
        return {"subscriptionId": self._add_subscription(grant)["subscriptionId"]}

    def _add_subscription(self, grant: StreamGrant) -> dict[str, Any]:
        if len(self.subscriptions) >= MAX_ACTIVE_SUBSCRIPTIONS:
            raise errors.too_many_subscriptions(MAX_ACTIVE_SUBSCRIPTIONS)
        if self.next_id >= MAX_LIFETIME_SUBSCRIPTIONS:
            raise errors.too_many_subscriptions(MAX_LIFETIME_SUBSCRIPTIONS)
        # The end of the session's own log (the current one, unless a reset or restore replaced it).
        cursor = int(self.exchange.read_consistently(lambda: self.log.last_seq))
        subscription = Subscription(self.next_id, grant, cursor)
        self.next_id += 1
        self.subscriptions[subscription.id] = subscription
        return {"subscriptionId": subscription.id, "expirationTime": grant.expires_ms}

    def _unsubscribe(self, subscription_id: Any) -> dict[str, Any]:
        if subscription_id is None:
            self.subscriptions.clear()
        elif self.subscriptions.pop(subscription_id, None) is None:
            raise errors.invalid_param_value("subscriptionId")
        return {}

    def deliver(self) -> None:
        """Send every subscription its new events in sequence order, then end expired ones."""
        if not self.subscriptions:
            return
        now = _now()  # read before the log, as in listen_key_stream
        ended = [s for s in self.subscriptions.values() if not s.grant.active(now)]
        start = min(s.cursor for s in self.subscriptions.values())
        events, newest, lost = self.exchange.events_after(start, log=self.log)
        if lost:
            raise FellBehind
        rows: list[tuple[int, int, dict[str, Any]]] = []
        for subscription in self.subscriptions.values():
            pending = [e for e in events if e.seq > subscription.cursor]
            rows.extend((seq, subscription.id, payload) for seq, payload in grant_payloads(subscription.grant, pending))
            subscription.cursor = max(subscription.cursor, newest)
        for _, subscription_id, payload in sorted(rows, key=lambda row: (row[0], row[1])):
            self.send({"subscriptionId": subscription_id, "event": payload})
        for subscription in ended:
            notice = stream_terminated(subscription.grant.expires_ms)
            self.send({"subscriptionId": subscription.id, "event": notice})
            del self.subscriptions[subscription.id]


class FellBehind(Exception):
    """A session's subscriptions fell behind the event log: some of their events are gone."""


def _error(request_id: Any, error: BinanceError) -> dict[str, Any]:
    return {"id": request_id, "status": error.http_status, "error": error.to_dict()}


def ws_api(ws: Any) -> None:
    """Requests and subscription events on one connection until the client leaves."""
    session = ApiSession(ws)
    round_done = _round_done()
    while True:
        frame = ws.receive(timeout=POLL_INTERVAL_S)
        # Decided before the round reads the log, so the round sends every event logged before.
        replaced = log_replaced(session.exchange, session.log)
        if frame is not None and not replaced:
            session.handle(frame)
        try:
            session.deliver()
        except FellBehind:
            ws.close(*FELL_BEHIND_CLOSE)
            return
        round_done()
        if replaced:
            ws.close(*STATE_REPLACED_CLOSE)
            return


class WebSocketServer:
    """``app`` on werkzeug's threaded server, which can hand connections to WebSockets.

    ``mock-exchange serve --ws-port`` runs one next to waitress; tests run one on port 0.
    """

    def __init__(self, app: Flask, host: str = "127.0.0.1", port: int = 0) -> None:
        self._server = make_server(host, port, app, threaded=True, request_handler=_QuietHandler)
        self._thread = threading.Thread(target=self._server.serve_forever, args=(SHUTDOWN_POLL_S,),
                                        name="mock-exchange-ws", daemon=True)
        self.host = host

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    def start(self) -> WebSocketServer:
        self._thread.start()
        return self

    def stop(self, timeout_s: float = 10) -> None:
        """Stop accepting; open sessions end when their clients leave (their threads are daemons)."""
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout_s)


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        pass  # waitress logs no requests either; the journal keeps them
