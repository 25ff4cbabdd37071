"""The Flask application factory."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from flask import Flask
from werkzeug.routing import Rule

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
from mock_exchange.web.errors import register_error_handlers
from mock_exchange.web.explain import LastExplanations
from mock_exchange.web.request_log import RequestLog
from mock_exchange.web.runtime import EXTENSION_KEY, ExchangeRuntime

# Large enough for any real request, small enough that a 1 MB parameter is refused cleanly.
MAX_CONTENT_LENGTH = 2 * 1024 * 1024


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
    app = Flask("mock_exchange")
    app.url_rule_class = LazyBuilderRule
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
    register_error_handlers(app)
    _register_blueprints(app)
    if request_log is not None:
        request_log.install(app)
    app.after_request(after_answer)
    app.wsgi_app = _in_engine_arithmetic(app.wsgi_app)  # type: ignore[method-assign]
    return app


def _in_engine_arithmetic(wsgi_app: Callable[..., Any]) -> Callable[..., Any]:
    """Every request, Binance or control, computes in the engine's decimal context (core.decimals)."""

    def wsgi(environ: Any, start_response: Any) -> Any:
        with engine_arithmetic():
            return wsgi_app(environ, start_response)

    return wsgi


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


def _register_blueprints(app: Flask) -> None:
    app.register_blueprint(general.blueprint)
    market_data.register(app)
    for family in (margin_orders, margin_order_lists, margin_account, margin_rate_limit, compat_endpoints,
                   wallets, isolated_pairs, margin_rates,
                   margin_reference, liquidation, spot_orders, spot_order_lists, user_stream, control):
        family.register(app)
    dashboard.register(app)

