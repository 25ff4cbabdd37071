"""Order-list parameters to domain requests, shared by margin (``/sapi``) and spot (``/api/v3``).

The legacy OCO, OTO and OTOCO take the same parameters on both paths; only the scope's options
differ (margin: ``isIsolated``, ``sideEffectType``, ...; spot: ``selfTradePreventionMode``), so
the caller passes them in. The presence rules a request needs beyond its parameter list live here.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from mock_exchange.core import errors
from mock_exchange.core.enums import Side, TimeInForce
from mock_exchange.core.requests import NewOco, NewOto, NewOtoco
from mock_exchange.web.order_params import forbid, leg_spec


def legacy_oco_request(params: Mapping[str, Any], options: Mapping[str, Any]) -> NewOco:
    """An OCO in the legacy names (price / stopPrice / stopLimitPrice)."""
    if "stopLimitPrice" in params:
        if "stopLimitTimeInForce" not in params:
            raise errors.mandatory_param_missing("stopLimitTimeInForce")
    else:
        # A STOP_LOSS leg (no limit price) takes neither.
        forbid(params, "stopLimitTimeInForce")
        forbid(params, "stopIcebergQty")
    tif = params.get("stopLimitTimeInForce")
    return NewOco(
        symbol=params["symbol"], side=Side(params["side"]), quantity=params["quantity"], price=params["price"],
        stop_price=params["stopPrice"], stop_limit_price=params.get("stopLimitPrice"),
        stop_limit_time_in_force=TimeInForce(tif) if tif else None,
        limit_iceberg_qty=params.get("limitIcebergQty"), stop_iceberg_qty=params.get("stopIcebergQty"),
        list_client_order_id=params.get("listClientOrderId"),
        limit_client_order_id=params.get("limitClientOrderId"),
        stop_client_order_id=params.get("stopClientOrderId"), **options,
    )


def oto_request(params: Mapping[str, Any], options: Mapping[str, Any]) -> NewOto:
    return NewOto(symbol=params["symbol"], working=leg_spec(params, "working"),
                  pending=leg_spec(params, "pending"), list_client_order_id=params.get("listClientOrderId"),
                  **options)


def otoco_request(params: Mapping[str, Any], options: Mapping[str, Any]) -> NewOtoco:
    if "pendingBelowType" not in params:
        # The docs mark it optional, but an OTOCO's pending pair needs both legs.
        raise errors.mandatory_param_missing("pendingBelowType")
    side, quantity = params["pendingSide"], params["pendingQuantity"]
    return NewOtoco(
        symbol=params["symbol"], working=leg_spec(params, "working"),
        pending_above=leg_spec(params, "pendingAbove", side, quantity),
        pending_below=leg_spec(params, "pendingBelow", side, quantity),
        list_client_order_id=params.get("listClientOrderId"), **options,
    )
