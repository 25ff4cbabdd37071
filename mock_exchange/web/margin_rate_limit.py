"""GET /sapi/v1/margin/rateLimit/order: the account's order counts in their windows."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from mock_exchange.web.endpoint_catalog import MARGIN_ORDER_COUNT_USAGE
from mock_exchange.web.order_params import symbol_if_isolated
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("margin_rate_limit", __name__)



@binance_route(blueprint, MARGIN_ORDER_COUNT_USAGE)
def margin_order_count_usage(call: Call) -> list[dict[str, Any]]:
    symbol_if_isolated(call.params, bool(call.get("isIsolated")))
    return current_runtime().limiter.order_usage(call.account.name)


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
