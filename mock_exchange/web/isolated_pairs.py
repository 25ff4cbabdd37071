"""Enabling and disabling isolated margin pairs, and the account's limit on them.

- ``POST /sapi/v1/margin/isolated/account``: enable a pair (``{"success": true, "symbol"}``).
- ``DELETE /sapi/v1/margin/isolated/account``: disable it: only an empty pair (no funds, no
  debt, no open orders), and once per 24 hours (the endpoint's doc).
- ``GET /sapi/v1/margin/isolated/accountLimit``: ``enabledAccount`` / ``maxAccount``
  (``margin.isolated_account_limit`` in the config).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from mock_exchange.web.endpoint_catalog import (
    MARGIN_DISABLE_ISOLATED,
    MARGIN_ENABLE_ISOLATED,
    MARGIN_ISOLATED_ACCOUNT_LIMIT,
)
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("isolated_pairs", __name__)



@binance_route(blueprint, MARGIN_ENABLE_ISOLATED)
def enable_isolated_margin_account(call: Call) -> dict[str, Any]:
    current_runtime().exchange.enable_isolated(call.account, call.params["symbol"])
    return {"success": True, "symbol": call.params["symbol"]}


@binance_route(blueprint, MARGIN_DISABLE_ISOLATED)
def disable_isolated_margin_account(call: Call) -> dict[str, Any]:
    current_runtime().exchange.disable_isolated(call.account, call.params["symbol"])
    return {"success": True, "symbol": call.params["symbol"]}


@binance_route(blueprint, MARGIN_ISOLATED_ACCOUNT_LIMIT)
def isolated_margin_account_limit(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    return {"enabledAccount": exchange.isolated_pair_count(call.account),
            "maxAccount": exchange.config.margin.isolated_account_limit}


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
