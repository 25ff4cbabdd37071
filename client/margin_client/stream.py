"""Read the margin user data stream over WebSocket (needs the ``stream`` extra: websocket-client).

Two ways in, as on Binance (spec §4.18):

- a listen token (current): ``MarginClient.create_listen_token()``, then
  ``UserDataStream.subscribe(ws_api_url, token)`` on the WebSocket API
  (``wss://ws-api.binance.com/ws-api/v3``; the fake: ``ws://127.0.0.1:<ws-port>/ws-api/v3``);
- a listen key (legacy, removed by Binance in 2026-02, kept by the fake):
  ``UserDataStream.listen(stream_url, listen_key)`` (``wss://stream.binance.com:9443``).

Either way the reader yields the event objects as decoded JSON dicts (``executionReport``,
``listStatus``, ``outboundAccountPosition``, ``balanceUpdate``, ...), unwrapped from the
WebSocket API's ``{"subscriptionId", "event"}``. The stream's end notice
(``eventStreamTerminated`` / ``listenKeyExpired``) is yielded too, then iteration stops.

    token = client.create_listen_token()
    with UserDataStream.subscribe("ws://127.0.0.1:8081/ws-api/v3", token.token) as stream:
        for event in stream:
            handle(event)
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from types import TracebackType
from typing import Any

from .errors import BinanceError, TransportError, UnexpectedResponseError, api_error_class

DEFAULT_TIMEOUT_S = 10.0
END_EVENTS = frozenset({"eventStreamTerminated", "listenKeyExpired"})
_request_ids = itertools.count(1)


class StreamClosedError(BinanceError):
    """The server closed the stream (or the connection dropped)."""


def _websocket() -> Any:
    try:
        import websocket
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise ImportError("the user data stream needs websocket-client: "
                          "pip install 'mock-exchange-margin-client[stream]'") from exc
    return websocket


class UserDataStream:
    """One user data stream connection; iterate it, or call :meth:`recv` with a timeout."""

    def __init__(self, connection: Any, *, subscription_id: int | None = None,
                 expiration_time: int | None = None) -> None:
        self._ws = connection
        self.subscription_id = subscription_id  # WebSocket API subscriptions only
        self.expiration_time = expiration_time  # the token's end, epoch ms
        self.ended = False

    @classmethod
    def listen(cls, stream_url: str, listen_key: str, *, timeout: float = DEFAULT_TIMEOUT_S) -> UserDataStream:
        """Connect to ``{stream_url}/ws/{listen_key}`` (legacy listen-key stream)."""
        return cls(_connect(f"{stream_url.rstrip('/')}/ws/{listen_key}", timeout))

    @classmethod
    def subscribe(cls, ws_api_url: str, listen_token: str, *,
                  timeout: float = DEFAULT_TIMEOUT_S) -> UserDataStream:
        """Connect to the WebSocket API and ``userDataStream.subscribe.listenToken``."""
        connection = _connect(ws_api_url, timeout)
        request_id = f"subscribe-{next(_request_ids)}"
        try:
            connection.send(json.dumps({"id": request_id, "method": "userDataStream.subscribe.listenToken",
                                        "params": {"listenToken": listen_token}}))
            result = _await_response(connection, request_id)
        except BaseException:
            connection.close()
            raise
        return cls(connection, subscription_id=result.get("subscriptionId"),
                   expiration_time=result.get("expirationTime"))

    def recv(self, timeout: float | None = None) -> dict[str, Any] | None:
        """The next event, or None if none came within ``timeout`` seconds (None: the default)."""
        websocket = _websocket()
        if timeout is not None:
            self._ws.settimeout(timeout)
        while True:
            try:
                frame = self._ws.recv()
            except websocket.WebSocketTimeoutException:
                return None
            except (websocket.WebSocketConnectionClosedException, OSError) as exc:
                raise StreamClosedError("the user data stream was closed") from exc
            if not frame:  # a close frame
                raise StreamClosedError("the user data stream was closed")
            event = self._event_of(json.loads(frame))
            if event is not None:
                if event.get("e") in END_EVENTS:
                    self.ended = True
                return event

    def _event_of(self, message: Any) -> dict[str, Any] | None:
        if not isinstance(message, dict):
            raise UnexpectedResponseError(f"unexpected stream message: {message!r}")
        if "subscriptionId" in message and "event" in message:
            return message["event"]
        if "id" in message and "status" in message:
            return None  # an answer to a request of ours; nothing to deliver
        return message

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """Events until the stream ends (its end notice included) or the server closes it."""
        while not self.ended:
            try:
                event = self.recv()
            except StreamClosedError:
                return
            if event is not None:
                yield event

    def close(self) -> None:
        self._ws.close()

    def __enter__(self) -> UserDataStream:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _connect(url: str, timeout: float) -> Any:
    websocket = _websocket()
    try:
        return websocket.create_connection(url, timeout=timeout)
    except websocket.WebSocketBadStatusException as exc:
        raise _handshake_error(exc) from exc
    except (websocket.WebSocketException, OSError) as exc:
        raise TransportError(f"cannot connect to {url}: {exc}") from exc


def _handshake_error(exc: Any) -> BinanceError:
    """A refused handshake, as the Binance error its body carries when it has one."""
    body = exc.resp_body.decode("utf-8", "replace") if isinstance(exc.resp_body, bytes) else str(exc.resp_body or "")
    try:
        error = json.loads(body)
        code, msg = int(error["code"]), str(error["msg"])
    except (ValueError, KeyError, TypeError):
        return StreamClosedError(f"handshake refused with HTTP {exc.status_code}", http_status=exc.status_code,
                                 body=body)
    return api_error_class(code)(msg, code=code, http_status=exc.status_code, body=body)


def _await_response(connection: Any, request_id: str) -> dict[str, Any]:
    """The result of request ``request_id``; its error as a BinanceAPIError."""
    while True:
        frame = connection.recv()
        if not frame:
            raise StreamClosedError("the WebSocket API closed the connection")
        message = json.loads(frame)
        if not isinstance(message, dict) or message.get("id") != request_id:
            continue
        if message.get("status") == 200:
            return dict(message.get("result") or {})
        error = message.get("error") or {}
        code = int(error.get("code", 0))
        raise api_error_class(code)(str(error.get("msg", "")), code=code, http_status=message.get("status"),
                                    body=frame)
