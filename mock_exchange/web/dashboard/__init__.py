"""The dashboard at ``/mock/ui/``: a page served by the exchange itself, its JSON feeds and live stream.

- ``GET /mock/ui/`` and ``/mock/ui/static/...``: the page (HTML, CSS, JavaScript and the
  vendored chart library in ``ui/``). Static files with no exchange data in them, so they
  load without the control token; nothing is fetched from anywhere else.
- ``GET /mock/ui/api/...``: the feeds (``feeds.py``) and the live stream (``live.py``).
  They follow the control API's token rule (``control/token.py``): when the exchange has a
  control token, each request must carry it in ``X-Mock-Token``. The page asks for it once
  (or takes it from the address's ``#token=`` fragment, which never reaches a server log)
  and sends it with every feed and control request.
- The page's buttons call the control API (``/mock/v1/...``) as any client would.
"""

from __future__ import annotations

import functools
from importlib import resources
from typing import Any

from flask import Blueprint, Flask, Response, current_app, redirect, request
from werkzeug.exceptions import HTTPException

from mock_exchange.control.errors import ControlError, bad_request, not_found
from mock_exchange.control.handle import CONTROL_EXTENSION_KEY
from mock_exchange.control.routes import UI_PREFIX
from mock_exchange.control.service import check_fields
from mock_exchange.control.token import TOKEN_HEADER, token_accepted
from mock_exchange.web.control import control_json
from mock_exchange.web.dashboard import feeds, live
from mock_exchange.web.runtime import EXTENSION_KEY

STREAM_SLOTS_KEY = "mock_exchange.dashboard_streams"
_UI = resources.files(__name__) / "ui"
_CONTENT_TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css; charset=utf-8",
                  ".js": "text/javascript; charset=utf-8", ".svg": "image/svg+xml", ".png": "image/png",
                  ".txt": "text/plain; charset=utf-8"}
# The page's JSON feeds: path below /mock/ui/api -> the function answering it (query string as arguments).
FEEDS = {
    "summary": feeds.summary,
    "accounts": feeds.accounts,
    "orders": feeds.orders,
    "order-lists": feeds.order_lists,
    "chart": feeds.chart,
    "events": feeds.events,
    "journal": feeds.journal,
}


def register(app: Flask) -> None:
    app.extensions[STREAM_SLOTS_KEY] = live.StreamSlots()
    app.register_blueprint(_blueprint())


@functools.cache
def _blueprint() -> Blueprint:
    # One per process, registered only by an app that registers its routes from scratch
    # (web/app.py, RouteTemplate); as web/control.py's.
    blueprint = Blueprint("mock_dashboard", __name__)
    blueprint.add_url_rule(UI_PREFIX, "bare", lambda: redirect(UI_PREFIX + "/", code=308), methods=["GET"])
    blueprint.add_url_rule(UI_PREFIX + "/", "page", _page, methods=["GET"])
    blueprint.add_url_rule(UI_PREFIX + "/static/<path:name>", "static_file", _static, methods=["GET"])
    for name, feed in FEEDS.items():
        blueprint.add_url_rule(f"{UI_PREFIX}/api/{name}", f"feed_{name}", _feed_view(feed), methods=["GET"])
    blueprint.add_url_rule(UI_PREFIX + "/api/journal/<seq>", "journal_entry", _journal_entry, methods=["GET"])
    blueprint.add_url_rule(live.STREAM_PATH, "stream", _stream, methods=["GET"])
    blueprint.add_url_rule(UI_PREFIX + "/<path:rest>", "unknown", _unknown, methods=["GET", "POST", "PUT", "DELETE"])
    blueprint.before_request(_check_token)
    blueprint.register_error_handler(ControlError, _control_error)
    blueprint.register_error_handler(HTTPException, _http_error)
    return blueprint


def _service() -> Any:
    return current_app.extensions[CONTROL_EXTENSION_KEY]


def _check_token() -> None:
    if not request.path.startswith(UI_PREFIX + "/api/"):
        return  # the page's own files hold no exchange data
    sent = request.headers.get(TOKEN_HEADER, "")
    if not token_accepted(current_app.extensions[EXTENSION_KEY].control_token, sent):
        raise ControlError("unauthorized", f"the dashboard's feeds need the {TOKEN_HEADER} header"
                           if not sent.strip() else f"wrong {TOKEN_HEADER}")


def _query_args() -> dict[str, str]:
    repeated = sorted(key for key in request.args if len(request.args.getlist(key)) > 1)
    if repeated:
        raise bad_request(f"{', '.join(repeated)}: given more than once")
    return request.args.to_dict()


def _feed_view(feed: Any) -> Any:
    def view() -> Response:
        operation = functools.partial(feed, _service())
        kwargs = _query_args()
        check_fields(operation, kwargs)
        return _json(operation(**kwargs))

    view.__name__ = f"dashboard_{feed.__name__}"
    return view


def _journal_entry(seq: str) -> Response:
    return _json(feeds.journal_entry(_service(), seq))


def _stream() -> Response:
    return live.change_stream(_service(), current_app.extensions[STREAM_SLOTS_KEY])


def _json(data: Any) -> Response:
    response = control_json(data)
    response.headers["Cache-Control"] = "no-store"
    return response


def _page() -> Response:
    return _file("index.html")


def _static(name: str) -> Response:
    return _file(name)


def _file(name: str) -> Response:
    parts = name.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") or "\\" in part for part in parts):
        raise not_found(f"no dashboard file {name!r}")
    target = _UI.joinpath(*parts)
    suffix = "." + parts[-1].rsplit(".", 1)[-1] if "." in parts[-1] else ""
    if suffix not in _CONTENT_TYPES or not target.is_file():
        raise not_found(f"no dashboard file {name!r}")
    response = Response(target.read_bytes(), content_type=_CONTENT_TYPES[suffix])
    # The page is tied to the exchange version it ships with: always revalidated, never stale.
    response.headers["Cache-Control"] = "no-cache"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if suffix == ".html":
        # Everything comes from this server; the page runs no inline script (the chart library
        # adds one <style> element, hence inline styles).
        response.headers["Content-Security-Policy"] = (
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
            "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
    return response


def _unknown(rest: str) -> Response:
    raise not_found(f"no dashboard path {request.path} (the page is {UI_PREFIX}/)")


def _control_error(error: ControlError) -> Response:
    return control_json(error.to_dict(), error.status)


def _http_error(error: HTTPException) -> Response:
    code = {404: "not_found", 405: "method_not_allowed"}.get(error.code or 400, "bad_request")
    return control_json({"error": {"code": code, "message": error.description or error.name}}, error.code or 400)
