"""The WebSocket routes (``/ws/<listenKey>``, ``/stream``, ``/ws-api/v3``), added to an app without their sessions.

The sessions (web/user_stream_ws.py: the user data stream, the market streams, the
WebSocket API) and flask-sock, with simple-websocket, wsproto, h11 and asyncio, are
imported with the first request on these routes; the server's first answer does not need
them (they were about a tenth of its start-up). The routes are added as flask-sock adds
them (``websocket=True``) with the blueprint's hooks, so routing, the refusals before a
handshake and the endpoint names are the same from the first request on.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import Blueprint, Flask

LISTEN_KEY_PATH = "/ws/<listen_key>"  # also /ws/<streamName>, a raw market stream
MARKET_STREAMS_PATH = "/stream"
WS_API_PATH = "/ws-api/v3"
MAX_FRAME_BYTES = 64 * 1024  # a WebSocket API request is a few hundred bytes

blueprint = Blueprint("user_stream_ws", __name__)


def _sessions() -> Any:
    from mock_exchange.web import user_stream_ws

    return user_stream_ws


@blueprint.before_request
def _check_upgrade() -> Any:
    """Refuse before the handshake (``user_stream_ws.check_upgrade``)."""
    return _sessions().check_upgrade()


@blueprint.teardown_request
def _leave_board(exc: BaseException | None) -> None:
    """The connection is over, or its handshake failed (``user_stream_ws.leave_board``)."""
    _sessions().leave_board(exc)


def _websocket_route(path: str, handler_name: str) -> None:
    """``path`` on ``blueprint``, answered by flask-sock around ``user_stream_ws.<handler_name>``."""

    def view(**values: Any) -> Any:
        return _flask_sock_view(handler_name)(**values)

    view.__name__ = view.__qualname__ = handler_name  # the endpoint's name, as the handler's own
    blueprint.route(path, websocket=True)(view)


@functools.cache
def _flask_sock_view(handler_name: str) -> Callable[..., Any]:
    """flask-sock's view around the handler: its ``Sock.route`` given a stand-in blueprint that keeps it."""
    from flask_sock import Sock

    made: list[Callable[..., Any]] = []

    class Keeper:
        def route(self, path: str, **options: Any) -> Callable[[Callable[..., Any]], None]:
            return made.append

    Sock().route("", bp=Keeper())(getattr(_sessions(), handler_name))
    return made[0]


_websocket_route(LISTEN_KEY_PATH, "listen_key_stream")
_websocket_route(MARKET_STREAMS_PATH, "combined_market_streams")
_websocket_route(WS_API_PATH, "ws_api")


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
    # Binance pings every 20 s and drops a client that does not answer.
    # A frame over MAX_FRAME_BYTES closes the connection (1009) instead of being buffered whole.
    app.config.setdefault("SOCK_SERVER_OPTIONS", {"ping_interval": 20, "max_message_size": MAX_FRAME_BYTES})
