"""Fresh apps copy the routes the first app of the process registered (web/app.py, RouteTemplate).

A copied app must route, dispatch and hook exactly as an app registered from scratch, and
keep its own exchange, control service and dashboard slots.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Blueprint, Flask
from werkzeug.routing import Rule

from mock_exchange.config import default_config
from mock_exchange.web import app as app_module
from mock_exchange.web.app import create_app


def _name(func: Any) -> str:
    return f"{func.__module__}.{func.__qualname__}"


def _tables(app: Flask) -> dict[str, Any]:
    """What registration leaves on an app, by function names (closures are rebuilt per build)."""
    rules = sorted((rule.rule, rule.endpoint, tuple(sorted(rule.methods or ()))) for rule in app.url_map.iter_rules())
    hooks = {name: {key: [_name(f) for f in funcs] for key, funcs in getattr(app, name).items() if funcs}
             for name in app_module._HOOKS}
    handlers = {scope: {code: {exc.__name__: _name(f) for exc, f in table.items()} for code, table in codes.items()}
                for scope, codes in app.error_handler_spec.items()}
    views = {endpoint: _name(func) for endpoint, func in app.view_functions.items()}
    return {"rules": rules, "hooks": hooks, "handlers": handlers, "views": views,
            "blueprints": sorted(app.blueprints)}


@pytest.fixture
def from_scratch(monkeypatch: pytest.MonkeyPatch) -> Flask:
    """An app registered the slow way: no template yet (its own becomes the template for this test)."""
    monkeypatch.setattr(app_module, "_ROUTE_TEMPLATE", [])
    return create_app(default_config())


def test_a_copied_app_has_the_routes_views_and_hooks_of_one_registered_from_scratch(from_scratch: Flask) -> None:
    copied = create_app(default_config())
    assert app_module._ROUTE_TEMPLATE, "the first app leaves the template"
    assert _tables(copied) == _tables(from_scratch)
    assert len(_tables(copied)["rules"]) > 100
    assert copied.url_map is from_scratch.url_map  # compiled once, shared
    assert copied.view_functions["static"] is not from_scratch.view_functions["static"]  # Flask's own, per app


def test_copied_apps_keep_their_own_exchange_control_service_and_dashboard(from_scratch: Flask) -> None:
    copied = create_app(default_config())
    first, second = from_scratch.test_client(), copied.test_client()
    assert first.post("/mock/v1/clock", json={"freeze": True, "at_ms": 1_700_000_000_000}).status_code == 200
    assert second.get("/mock/v1/clock").get_json()["frozen"] is False
    assert first.get("/mock/v1/clock").get_json()["frozen"] is True
    assert from_scratch.extensions["mock_exchange"].exchange is not copied.extensions["mock_exchange"].exchange
    assert second.get("/mock/ui/").status_code == 200
    assert second.get("/api/v3/ping").get_json() == {}
    unknown = second.get("/api/v3/no-such-path")
    assert unknown.status_code == 404 and unknown.get_json()["code"] == -1020


def test_the_shared_url_map_takes_no_more_rules(from_scratch: Flask) -> None:
    with pytest.raises(RuntimeError, match="share one URL map"):
        from_scratch.url_map.add(Rule("/extra", endpoint="extra"))


def test_a_route_added_to_one_app_is_that_apps_alone(from_scratch: Flask) -> None:
    """An app from create_app is a Flask app: a route or blueprint of the user's own still goes on it
    (as before apps shared their routes), and only on it."""
    copied, other = create_app(default_config()), create_app(default_config())
    shared = other.url_map

    @copied.route("/extra")
    def extra() -> str:
        return "mine"

    blueprint = Blueprint("users_own", __name__)
    blueprint.add_url_rule("/own", "own", lambda: "own")
    from_scratch.register_blueprint(blueprint)
    assert copied.test_client().get("/extra").get_data(as_text=True) == "mine"
    assert from_scratch.test_client().get("/own").get_data(as_text=True) == "own"
    for app, missing in ((copied, "/own"), (from_scratch, "/extra"), (other, "/extra"), (other, "/own")):
        refused = app.test_client().get(missing)
        assert (refused.status_code, refused.get_json()["code"]) == (404, -1020)
    assert other.url_map is shared and copied.url_map is not shared
    # The Binance routes stay on the apps with a route of their own.
    assert copied.test_client().get("/api/v3/ping").get_json() == {}
    assert from_scratch.test_client().get("/mock/v1/clock").status_code == 200
    assert create_app(default_config()).url_map is shared  # later apps still share the compiled map
