"""The Flask application factory."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import Map, Rule, RuleFactory

from mock_exchange.config import ExchangeConfig, default_config
from mock_exchange.control.token import token_problem
from mock_exchange.core.decimals import engine_arithmetic
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.rate_limits import RateLimiter
from mock_exchange.web import (
    compat_endpoints,
    control,
    dashboard,
    general,
    isolated_pairs,
    liquidation,
    margin_account,
    margin_order_lists,
    margin_orders,
    margin_rate_limit,
    margin_rates,
    margin_reference,
    market_data,
    spot_order_lists,
    spot_orders,
    user_stream,
    wallets,
)
from mock_exchange.web.after_answer import after_answer
from mock_exchange.web.binance_wsgi import BinanceRoutes
from mock_exchange.web.errors import register_error_handlers
from mock_exchange.web.explain import LastExplanations
from mock_exchange.web.request_log import RequestLog
from mock_exchange.web.runtime import EXTENSION_KEY, ExchangeRuntime

# Large enough for any real request, small enough that a 1 MB parameter is refused cleanly.
MAX_CONTENT_LENGTH = 2 * 1024 * 1024
# The root and instance paths Flask found for the first app, given to the next ones: Flask
# looks for the package's install location for each app (~15 % of a fresh app's cost).
_APP_PATHS: dict[str, str] = {}


def create_app(
    config: ExchangeConfig | None = None,
    *,
    exchange: Exchange | None = None,
    seed: int | None = None,
    control_token: str | None = None,
    snapshot_dir: str | Path | None = None,
    request_log: RequestLog | None = None,
) -> Flask:
    """An isolated fake exchange: its own state, clock, ids and limits.

    :param config: symbols, accounts and limits; the packaged default when None.
    :param exchange: an existing ``core.exchange.Exchange`` to serve (else one is built).
    :param seed: overrides the config's seed for ids and generated client order ids.
    :param control_token: when set, the control API requires it (``X-Mock-Token``).
    :param snapshot_dir: when set, ``state/save`` and ``state/load`` only use files inside it.
    :param request_log: when set, one line per request goes to it (``web.request_log``).
    """
    config = config or default_config()
    token = control_token or config.control_token
    if token is not None and token_problem(token):
        raise ValueError(f"control_token: {token_problem(token)}")
    if exchange is None:
        exchange = Exchange(config, seed=seed)
    app = MockExchangeFlask("mock_exchange", root_path=_APP_PATHS.get("root_path"),
                            instance_path=_APP_PATHS.get("instance_path"))
    if not _APP_PATHS:
        _APP_PATHS.update(root_path=app.root_path, instance_path=app.instance_path)
    # "/sapi/v1//margin/order" is an unknown path (JSON 404), not a 308 to a Location built
    # from the client's Host header; read by each rule as it is added, so set before them.
    app.url_map.merge_slashes = False
    app.config["MAX_CONTENT_LENGTH"] = MAX_CONTENT_LENGTH
    # No automatic OPTIONS answers (an empty text/html 200): OPTIONS gets the JSON -1020 like any
    # other unsupported method (Flask >= 3.1 reads this before the routes are added).
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    app.json.sort_keys = False  # type: ignore[attr-defined]
    runtime = ExchangeRuntime(
        config=config,
        exchange=exchange,
        limiter=RateLimiter(config.rate_limits, exchange.clock),
        control_token=token,
        snapshot_dir=Path(snapshot_dir) if snapshot_dir is not None else None,
        explanations=LastExplanations(),
        request_log=request_log,
    )
    app.extensions[EXTENSION_KEY] = runtime
    _install_routes(app)
    if request_log is not None:
        request_log.install(app)
    app.after_request(after_answer)
    # Binance routes are served without Flask's request handling (web/binance_wsgi.py); the rest through it.
    app.binance_routes = BinanceRoutes(app, app.wsgi_app)
    app.wsgi_app = _in_engine_arithmetic(app.binance_routes)  # type: ignore[method-assign]
    return app


def _in_engine_arithmetic(wsgi_app: Callable[..., Any]) -> Callable[..., Any]:
    """Every request, Binance or control, computes in the engine's decimal context (core.decimals)."""

    def wsgi(environ: Any, start_response: Any) -> Any:
        with engine_arithmetic():
            return wsgi_app(environ, start_response)

    return wsgi


class RouteRecorder(Map):
    """An app's URL map while its blueprints register: it keeps the rules and compiles none.

    The first app's rules are then compiled once into a :class:`SharedRouteMap`
    (``_install_routes``); binding and compiling 150 werkzeug rules was most of a fresh
    app's cost, and the pytest fixture builds one app per test.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.recorded: list[Rule] = []

    def add(self, rulefactory: RuleFactory) -> None:
        self.recorded.extend(rulefactory.get_rules(self))

    def compiled(self) -> SharedRouteMap:
        found = SharedRouteMap(default_subdomain=self.default_subdomain, strict_slashes=self.strict_slashes,
                               merge_slashes=self.merge_slashes, redirect_defaults=self.redirect_defaults,
                               converters=dict(self.converters), sort_parameters=self.sort_parameters,
                               sort_key=self.sort_key, host_matching=self.host_matching)
        for rule in self.recorded:
            Map.add(found, rule)
        found.sealed = True
        return found


class SharedRouteMap(Map):
    """The compiled URL map every app of the process shares; it takes no rules once built.

    An app given a route of its own (``app.route``, ``register_blueprint`` after
    ``create_app``) first takes a :meth:`private_copy` (``MockExchangeFlask.add_url_rule``),
    so the route is that app's alone, as with any Flask app.
    """

    sealed = False

    def add(self, rulefactory: RuleFactory) -> None:
        if self.sealed:
            raise RuntimeError("mock-exchange apps share one URL map: its routes are the blueprints that "
                               "create_app registers")
        super().add(rulefactory)

    def private_copy(self) -> Map:
        """An unshared map with the same settings and rules (unbound copies, compiled again)."""
        own = Map(default_subdomain=self.default_subdomain, strict_slashes=self.strict_slashes,
                  merge_slashes=self.merge_slashes, redirect_defaults=self.redirect_defaults,
                  converters=dict(self.converters), sort_parameters=self.sort_parameters,
                  sort_key=self.sort_key, host_matching=self.host_matching)
        for rule in self.iter_rules():
            own.add(rule.empty())
        return own


# The Flask attributes registering the error handlers and the blueprints fills (dicts of lists
# keyed by blueprint name, None for the app); error_handler_spec is one level deeper.
_HOOKS = ("before_request_funcs", "after_request_funcs", "teardown_request_funcs", "url_value_preprocessors",
          "url_default_functions", "template_context_processors")


class RouteTemplate:
    """The routes, views and hooks the first app of the process registered, copied into the next ones.

    Every app registers the same module-level blueprints, so registering them again (150
    rules through Flask's deferred setup functions) would rebuild the same tables: a later
    app runs each family's ``register`` for its own side effects (the control service,
    the dashboard's stream slots), with ``register_blueprint`` skipped, then gets copies
    of these tables and the shared URL map. tests/web/test_app_routes.py checks that a
    copied app has the same routes, views and hooks as one registered from scratch.
    """

    def __init__(self, app: Flask, url_map: SharedRouteMap) -> None:
        self.url_map = url_map
        self.view_functions = dict(app.view_functions)
        self.blueprints = dict(app.blueprints)
        self.hooks = {name: {key: list(funcs) for key, funcs in getattr(app, name).items()} for name in _HOOKS}
        self.error_handlers = {scope: {code: dict(handlers) for code, handlers in codes.items()}
                               for scope, codes in app.error_handler_spec.items()}

    def apply(self, app: Flask) -> None:
        app.url_map = self.url_map
        own_static = app.view_functions.get("static")  # Flask's static view refers to its own app
        app.view_functions = dict(self.view_functions)
        if own_static is not None:
            app.view_functions["static"] = own_static
        app.blueprints = dict(self.blueprints)
        for name, table in self.hooks.items():
            setattr(app, name, defaultdict(list, {key: list(funcs) for key, funcs in table.items()}))
        spec: Any = defaultdict(lambda: defaultdict(dict))
        for scope, codes in self.error_handlers.items():
            spec[scope] = defaultdict(dict, {code: dict(handlers) for code, handlers in codes.items()})
        app.error_handler_spec = spec


_ROUTE_TEMPLATE: list[RouteTemplate] = []  # built by the first app of the process


def _install_routes(app: MockExchangeFlask) -> None:
    if _ROUTE_TEMPLATE:
        app.copying_routes = True
        try:
            _register_blueprints(app)
        finally:
            app.copying_routes = False
        _ROUTE_TEMPLATE[0].apply(app)
        return
    register_error_handlers(app)
    _register_blueprints(app)
    assert isinstance(app.url_map, RouteRecorder)
    app.url_map = app.url_map.compiled()
    _ROUTE_TEMPLATE.append(RouteTemplate(app, app.url_map))


class LazyBuilderRule(Rule):
    """A werkzeug ``Rule`` that compiles its URL builder (``url_for``) on first use.

    werkzeug compiles two builder functions per rule (AST + ``compile``) when the rule is
    added, which is most of ``create_app``'s time; nothing here builds URLs on the hot
    path, so a fresh app (one per test with the pytest fixture) skips that work.
    """

    def _compile_builder(self, append_unknown: bool = True) -> Callable[..., tuple[str, str]]:
        compiled: list[Callable[..., tuple[str, str]]] = []

        def build(rule: Rule, **values: Any) -> tuple[str, str]:
            if not compiled:
                compiled.append(Rule._compile_builder(rule, append_unknown).__get__(rule, None))
            return compiled[0](**values)

        return build


class MockExchangeFlask(Flask):
    """Flask with lazily built URL builders and routes registered once per process (RouteTemplate)."""

    url_rule_class = LazyBuilderRule
    url_map_class = RouteRecorder
    copying_routes = False  # True while a later app runs the families' ``register`` (RouteTemplate)
    binance_routes: BinanceRoutes | None = None  # the WSGI entry in front of Flask (create_app)

    def register_blueprint(self, blueprint: Any, **options: Any) -> None:
        if not self.copying_routes:
            super().register_blueprint(blueprint, **options)

    def add_url_rule(self, *args: Any, **kwargs: Any) -> None:
        # A route added to one app after create_app must not reach the other apps of the process.
        if isinstance(self.url_map, SharedRouteMap) and self.url_map.sealed:
            self.url_map = self.url_map.private_copy()
        super().add_url_rule(*args, **kwargs)


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(general.blueprint)
    market_data.register(app)
    for family in (margin_orders, margin_order_lists, margin_account, margin_rate_limit, compat_endpoints,
                   wallets, isolated_pairs, margin_rates,
                   margin_reference, liquidation, spot_orders, spot_order_lists, user_stream, control):
        family.register(app)
    dashboard.register(app)

