"""Liquidation over HTTP: the forced liquidation records and the manual liquidation.

- ``GET /sapi/v1/margin/forceLiquidationRec``: the orders forced liquidations placed, newest
  first, a page at a time (weight 1, IP).
- ``POST /sapi/v1/margin/manual-liquidation``: liquidate the cross account (``type=MARGIN``)
  or one isolated pair (``type=ISOLATED`` with ``symbol``) now (weight 3000, UID).

The liquidation itself is core/liquidation.py; sources and choices: docs/behaviour.md,
"Liquidation".
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors, liquidation, wallet_history
from mock_exchange.core.decimals import NumberFormat
from mock_exchange.core.orders import Order
from mock_exchange.web.endpoint_catalog import MARGIN_FORCE_LIQUIDATION_RECORD, MARGIN_MANUAL_LIQUIDATION
from mock_exchange.web.order_params import symbol_if_isolated
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import json_number, num

blueprint = Blueprint("liquidation", __name__)



def _record_row(order: Order) -> dict[str, Any]:
    """One row, keys in the documented example's order; 8 decimals as its figures show."""
    average = order.cummulative_quote_qty / order.executed_qty if order.executed_qty else order.price
    return {"avgPrice": num(average, NumberFormat.PLAIN8), "executedQty": num(order.executed_qty),
            "orderId": order.order_id, "price": num(order.price), "qty": num(order.quantity),
            "side": str(order.side), "symbol": order.symbol, "timeInForce": str(order.time_in_force or "GTC"),
            "isIsolated": order.isolated, "updatedTime": order.update_time_ms}


@binance_route(blueprint, MARGIN_FORCE_LIQUIDATION_RECORD)
def margin_force_liquidation_record(call: Call) -> dict[str, Any]:
    current, size = call.get("current", 1), call.get("size", 10)
    wallet_history.check_paging(current, size)
    start, end = call.get("startTime"), call.get("endTime")
    if start is not None and end is not None and start > end:
        raise errors.invalid_param_value("startTime")
    orders = current_runtime().exchange.force_liquidations(call.account, call.get("isolatedSymbol"))
    rows = [order for order in orders if (start is None or order.update_time_ms >= start)
            and (end is None or order.update_time_ms <= end)]
    shown, total = wallet_history.page(rows, current, size)
    return {"rows": [_record_row(order) for order in shown], "total": total}


@binance_route(blueprint, MARGIN_MANUAL_LIQUIDATION)
def margin_manual_liquidation(call: Call) -> dict[str, Any]:
    isolated_symbol = symbol_if_isolated(call.params, call.params["type"] == "ISOLATED")
    outcome = current_runtime().exchange.manual_liquidation(call.account, isolated_symbol)
    # One object, as the documentation and Binance's Python SDK model show it: the largest
    # debt (docs/behaviour.md, "Manual liquidation"); nothing owed: an empty object.
    row = liquidation.largest_debt(outcome)
    if row is None:
        return {}
    return {"asset": row.asset, "interest": num(row.interest, NumberFormat.STRIPPED),
            "principal": num(row.principal, NumberFormat.STRIPPED), "liabilityAsset": row.sold_asset,
            "liabilityQty": json_number(row.sold_qty)}


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
