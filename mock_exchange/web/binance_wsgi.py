"""The WSGI entry in front of Flask: a Binance endpoint's exact method and path runs the pipeline directly.

Flask's request handling (a request and an app context pushed and popped, the URL map
bound and matched, signals, before / after hooks, the response made and processed) cost
about as much CPU as the pipeline's own stages for a signed placement, and a Binance route
needs none of it: the pipeline reads the environ, the view returns data. So
:class:`BinanceRoutes` looks the request up in a dict of ``(method, path)`` → the route's
pipeline call, built from the app's own URL map, and runs it in an app context
(``current_app`` and ``g`` work as in any view; ``flask.request`` does not, the pipeline
hands the request over); the after-answer stages (web/after_answer.py: request log,
journal) follow as the Flask hook would run them. Everything else goes to Flask unchanged:

- any other method or path (HEAD, OPTIONS, a wrong method, an unknown, odd or
  slash-merged path, a route with variables), and WebSocket upgrades;
- every request while a fault rule is set (control/faults.py: held, dropped connections);
- a test client keeping the request context (``with client:``);
- all of it, when the app has hooks, teardown functions, signal receivers or a config
  (``SERVER_NAME``, ``TRUSTED_HOSTS``) this shortcut would skip (checked on the first request,
  when Flask's own setup is finished).

A rejection (status 400 and up) or an exception in the pipeline is finished inside a
Flask request context made for the same request object: the explanation, the error
handlers and the after-request hook then run exactly as they do on Flask's path.
tests/web/test_binance_wsgi.py compares the two paths' answers.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask, Request, Response
from flask import signals as flask_signals
from flask.ctx import AppContext, RequestContext

from mock_exchange.web.after_answer import after_answer, finish_answer
from mock_exchange.web.pipeline import ROUTE_VIEWS, View, run_pipeline
from mock_exchange.web.request_context import ENVIRON_KEY, SERVING_ENVIRON
from mock_exchange.web.request_log import open_on_arrival
from mock_exchange.web.runtime import EXTENSION_KEY, ExchangeRuntime

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
Route = tuple[Any, View]  # (web.endpoints.Endpoint, view)

# Environ keys that make Flask do something the shortcut does not: a WebSocket rule match,
# the test client's preserved context.
_FLASK_ONLY_KEYS = ("HTTP_UPGRADE", "werkzeug.debug.preserve_context")
_REQUEST_KEY = "werkzeug.request"  # where werkzeug's Request puts itself in its environ
_SIGNALS = ("request_started", "request_finished", "request_tearing_down", "got_request_exception",
            "appcontext_pushed", "appcontext_popped", "appcontext_tearing_down")


class BinanceRoutes:
    """``app.wsgi_app``: Binance routes served directly, anything else by ``flask_wsgi``."""

    def __init__(self, app: Flask, flask_wsgi: WSGIApp) -> None:
        self.app = app
        self.flask_wsgi = flask_wsgi
        self.runtime: ExchangeRuntime = app.extensions[EXTENSION_KEY]
        self.routes: dict[tuple[str, str], Route] | None = None  # built on the first request

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        routes = self.routes
        if routes is None:
            routes = self.routes = direct_routes(self.app)
            self.app._got_first_request = True  # as Flask's first request would: no setup after this one
        route = routes.get((environ.get("REQUEST_METHOD", ""), environ.get("PATH_INFO", "")))
        faults = self.runtime.faults
        if route is None or (faults is not None and faults.has_rules()) or any(
                key in environ for key in _FLASK_ONLY_KEYS):
            return self.flask_wsgi(environ, start_response)
        return self.serve(route, environ, start_response)

    def serve(self, route: Route, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        app = self.app
        prior_request = environ.get(_REQUEST_KEY)
        received = app.request_class(environ)
        received.json_module = app.json  # as Flask's request context sets it
        received.max_content_length = app.config["MAX_CONTENT_LENGTH"]  # Flask reads it from current_app
        app_context = AppContext(app)  # current_app and g, as views and hooks expect; no request context
        app_context.push()
        environ_token = SERVING_ENVIRON.set(environ)
        error: BaseException | None = None
        try:
            try:
                response = run_pipeline(self.runtime, received, *route)
            except Exception as exc:  # noqa: BLE001 - Flask's error handlers answer it, as on Flask's path
                response = self._in_flask(environ, received, exc)
            else:
                if response.status_code >= 400:
                    response = self._in_flask(environ, received, response)
                else:
                    try:
                        finish_answer(response, self.runtime, received, environ.get(ENVIRON_KEY))
                    except Exception as exc:  # noqa: BLE001 - as Flask answers a failing after-request hook
                        response = self._in_flask(environ, received, exc, unhandled=True)
                    else:
                        if response.is_sequence and not response.direct_passthrough:
                            # What werkzeug's response would send: a Binance answer has its Content-Length
                            # and no Location header to rewrite, and a direct route is never HEAD.
                            start_response(response.status, response.headers.to_wsgi_list())
                            return response.response  # type: ignore[return-value]  # bytes: set by set_data
            return response(environ, start_response)
        except BaseException as exc:
            error = exc
            raise
        finally:
            SERVING_ENVIRON.reset(environ_token)
            app_context.pop(error)
            # The request object put itself in the environ, which it holds: a cycle only the garbage
            # collector would free (with the request's context, parameters and headers view), making
            # its collections more frequent. Undone, everything goes when the server drops the environ.
            if prior_request is None:
                environ.pop(_REQUEST_KEY, None)
            else:
                environ[_REQUEST_KEY] = prior_request

    def _in_flask(self, environ: dict[str, Any], received: Request, outcome: Response | Exception,
                  unhandled: bool = False) -> Response:
        """The answer finished as Flask finishes a view's (or its error's) inside a request context.

        The context is made for ``received``, the request object already read (its body too).
        ``unhandled``: ``outcome`` was raised by an after-request stage, which Flask answers
        with its 500 handling.
        """
        app = self.app
        context = RequestContext(app, environ, request=received)
        error: BaseException | None = None
        try:
            context.push()
            if unhandled:
                assert isinstance(outcome, Exception)
                error = outcome
                return app.handle_exception(outcome)
            try:
                if isinstance(outcome, Exception):
                    return app.finalize_request(app.handle_user_exception(outcome))
                return app.finalize_request(outcome)
            except Exception as exc:  # noqa: BLE001 - as Flask's wsgi_app answers it
                error = exc
                return app.handle_exception(exc)
        except BaseException as exc:
            error = exc
            raise
        finally:
            if error is not None and app.should_ignore_error(error):
                error = None
            context.pop(error)


def direct_routes(app: Flask) -> dict[tuple[str, str], Route]:
    """The ``(method, path)`` of each Binance route Flask would dispatch with nothing around the view."""
    if not _bare(app):
        return {}
    hooked = _hooked_blueprints(app)
    routes: dict[tuple[str, str], Route] = {}
    for key, endpoint in _plain_rules(app.url_map):
        route = ROUTE_VIEWS.get(app.view_functions.get(endpoint))  # type: ignore[arg-type]
        if route is None or route[0].method != key[0] or _under_hooks(endpoint, hooked):
            continue
        routes[key] = route
    return routes


# The plain rules of the URL map the apps of a process share (web/app.py, SharedRouteMap):
# a fresh app (one per test with the pytest fixture) reads them instead of sorting 150 rules.
_PLAIN_RULES: weakref.WeakKeyDictionary[Any, list[tuple[tuple[str, str], str]]] = weakref.WeakKeyDictionary()


def _plain_rules(url_map: Any) -> list[tuple[tuple[str, str], str]]:
    """``((method, path), endpoint)`` of each rule alone on its method and path, with no variables,
    host, subdomain or WebSocket: the rules a direct route can stand for."""
    sealed = getattr(url_map, "sealed", False)  # a map that takes no more rules
    if sealed and url_map in _PLAIN_RULES:
        return _PLAIN_RULES[url_map]
    rules: dict[tuple[str, str], list[Any]] = {}
    for rule in url_map.iter_rules():
        for method in rule.methods or ():
            rules.setdefault((method, rule.rule), []).append(rule)
    plain = [(key, found[0].endpoint) for key, found in rules.items()
             if len(found) == 1  # two rules on one method and path: Flask's matcher decides
             and not (found[0].arguments or found[0].host or found[0].subdomain or found[0].websocket)]
    if sealed:
        _PLAIN_RULES[url_map] = plain
    return plain


def _bare(app: Flask) -> bool:
    """Whether the app has nothing Flask would run around a Binance view but the after-answer hook."""
    if app.config.get("SERVER_NAME") is not None or app.config.get("TRUSTED_HOSTS") is not None:
        return False
    if app.config.get("APPLICATION_ROOT", "/") != "/":
        return False
    if any(list(getattr(flask_signals, name).receivers) for name in _SIGNALS):
        return False
    if app.teardown_request_funcs.get(None) or app.teardown_appcontext_funcs:
        return False
    if app.url_value_preprocessors.get(None):
        return False
    if [func for func in app.before_request_funcs.get(None, []) if func is not open_on_arrival]:
        return False
    return list(app.after_request_funcs.get(None, [])) == [after_answer]


def _hooked_blueprints(app: Flask) -> set[str]:
    """The blueprints with a request hook of their own on ``app``."""
    return {name for table in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs,
                               app.url_value_preprocessors)
            for name, funcs in table.items() if name is not None and funcs}


def _under_hooks(endpoint: str, hooked: set[str]) -> bool:
    """Whether the blueprint a route belongs to, or one of its parents, has hooks."""
    names = endpoint.rpartition(".")[0]
    while names:
        if names in hooked:
            return True
        names = names.rpartition(".")[0]
    return False
