"""The HTTP control API under ``/mock/v1``; the journal and the fault injector it steers.

``register(app)`` (called by the app factory) gives the app a request journal, a fault
injector and the control blueprint. The control API speaks its own JSON (snake_case in
and out, errors as ``{"error": {"code", "message"}}``), never Binance's; when the runtime
has a ``control_token`` every control request must carry it in ``X-Mock-Token``.
"""

from __future__ import annotations

import functools
import json
import logging
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound

from mock_exchange import nesting
from mock_exchange.control.errors import ControlError, bad_request
from mock_exchange.control.faults import FaultInjector
from mock_exchange.control.handle import CONTROL_EXTENSION_KEY
from mock_exchange.control.journal import Journal
from mock_exchange.control.recorder import complete_entry
from mock_exchange.control.routes import PREFIX, ROUTES, Route, bind
from mock_exchange.control.service import ControlService, check_fields
from mock_exchange.control.token import TOKEN_HEADER, token_accepted
from mock_exchange.core.errors import BinanceError
from mock_exchange.web.runtime import EXTENSION_KEY

log = logging.getLogger(__name__)
# Each routed operation bound to the app's ControlService (control/routes.bind), once per app:
# the blueprint's views are shared by every app of the process, so they look theirs up here.
_OPERATIONS_KEY = "mock_exchange.control.operations"
_HTTP_CODES = {400: "bad_request", 401: "unauthorized", 404: "not_found", 405: "method_not_allowed",
               413: "payload_too_large"}


def register(app: Flask) -> None:
    """Attach the journal, the fault injector and the ``/mock/v1`` blueprint to ``app``."""
    runtime = app.extensions[EXTENSION_KEY]
    journal = Journal(complete=complete_entry)
    faults = FaultInjector(runtime, seed=runtime.exchange.ids.seed)
    runtime.journal = journal
    runtime.faults = faults
    service = ControlService(runtime, journal, faults)
    app.extensions[CONTROL_EXTENSION_KEY] = service
    app.extensions[_OPERATIONS_KEY] = bind(service)
    app.register_blueprint(_blueprint())


@functools.cache
def _blueprint() -> Blueprint:
    # One per process, as the other families' module-level blueprints: an app registers it
    # only when it registers its routes from scratch (web/app.py, RouteTemplate), and
    # building its ~100 rules for every fresh app cost ~1 ms each.
    blueprint = Blueprint("mock_control", __name__)
    blueprint.before_request(_check_token)
    for route in ROUTES:
        blueprint.add_url_rule(PREFIX + route.path, f"{route.op}", _view(route), methods=[route.method])
    blueprint.add_url_rule(PREFIX + "/", "index", _index, methods=["GET"])
    blueprint.add_url_rule(PREFIX + "/<path:rest>", "unknown", _unknown,
                           methods=["GET", "POST", "PUT", "DELETE", "PATCH"])
    blueprint.register_error_handler(ControlError, _control_error)
    blueprint.register_error_handler(BinanceError, _binance_error)
    blueprint.register_error_handler(HTTPException, _http_error)
    blueprint.register_error_handler(Exception, _unexpected)
    return blueprint


def _check_token() -> None:
    sent = request.headers.get(TOKEN_HEADER, "")
    if not token_accepted(current_app.extensions[EXTENSION_KEY].control_token, sent):
        raise ControlError("unauthorized", f"this control API needs the {TOKEN_HEADER} header"
                           if not sent.strip() else f"wrong {TOKEN_HEADER}")


def _view(route: Route) -> Any:
    def view(**path_args: str) -> Response:
        kwargs: dict[str, Any] = dict(path_args)
        extra = _json_body() if route.uses_body else _query_args()
        clash = sorted(set(extra) & set(kwargs))
        if clash:
            raise bad_request(f"{', '.join(clash)}: given in the path already")
        kwargs.update(extra)
        operation = current_app.extensions[_OPERATIONS_KEY][route.operation]
        check_fields(operation, kwargs, set(path_args))
        return control_json(operation(**kwargs))

    view.__name__ = f"control_{route.op}"
    return view


def _json_body() -> dict[str, Any]:
    data = request.get_data(cache=True)
    if not data.strip():
        return {}
    try:
        # Decimals stay exact: 30000.1 is read as Decimal("30000.1"), never through a float.
        body = nesting.loads(data, parse_float=Decimal, parse_constant=_reject_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise bad_request(f"the body is not valid JSON: {exc}") from None
    if not isinstance(body, dict):
        raise bad_request("the body must be a JSON object")
    return body


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _query_args() -> dict[str, Any]:
    args = request.args
    repeated = sorted(key for key in args if len(args.getlist(key)) > 1)
    if repeated:
        raise bad_request(f"{', '.join(repeated)}: given more than once")
    return args.to_dict()


def control_json(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False, default=_encode_extra)
    return Response(body, status=status, content_type="application/json")


def _encode_extra(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value, "f")
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _index() -> Response:
    return control_json({"routes": [{"method": r.method, "path": PREFIX + r.path, "op": r.op} for r in ROUTES]})


def _unknown(rest: str) -> Response:
    # A known path with the wrong method answers 405 rather than this route's 404.
    adapter = current_app.url_map.bind_to_environ(request.environ)
    allowed = []
    for method in ("GET", "POST", "PUT", "DELETE"):
        try:
            endpoint, _ = adapter.match(request.path, method=method)
        except (NotFound, MethodNotAllowed):
            continue
        if endpoint != "mock_control.unknown":
            allowed.append(method)
    if allowed:
        raise ControlError("method_not_allowed", f"{request.method} is not allowed here (use {', '.join(allowed)})")
    raise ControlError("not_found", f"no control endpoint {request.path} (GET {PREFIX}/ lists them)")


def _control_error(error: ControlError) -> Response:
    return control_json(error.to_dict(), error.status)


def _binance_error(error: BinanceError) -> Response:
    return _control_error(ControlError("rejected", error.msg, binance_code=error.code))


def _http_error(error: HTTPException) -> Response:
    status = error.code or 400
    code = _HTTP_CODES.get(status, "bad_request")
    return _control_error(ControlError(code, error.description or error.name))


def _unexpected(error: Exception) -> Response:
    # A bug in the control plane: logged with its trace, answered in the control shape.
    log.exception("control request %s %s failed", request.method, request.path)
    return control_json({"error": {"code": "internal", "message": f"{type(error).__name__}: {error}"}}, 500)
