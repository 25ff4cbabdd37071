"""Presence rules for order parameters: mandatory by type, and not allowed by type.

The tables come from Binance's margin New Order / New OTO / New OTOCO pages (spec §4.2,
§4.3, §4.8): each order type needs some parameters (-1102) and refuses others (-1106).
Leg parameters of OTO / OTOCO use a prefix (``working``, ``pending``, ``pendingAbove``,
``pendingBelow``) before the same names.

The rules margin and spot views share beyond the order types live here too, one function each:
which order or list a cancel / query names (``order_ref``, ``order_list_ref``), the history
queries' window, ``fromId`` and ``limit`` (``order_history``, ``trade_history``,
``order_list_history``), and an isolated request's symbol (``symbol_if_isolated``).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mock_exchange.core import errors
from mock_exchange.core.enums import (
    OrderType,
    SelfTradePreventionMode,
    Side,
    SideEffectType,
    TimeInForce,
)
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.intervals import DAY_MS
from mock_exchange.core.requests import LegSpec, NewOrder
from mock_exchange.web.params import Kind, Param, enum

SIDES = tuple(s.value for s in Side)
ORDER_TYPES = tuple(t.value for t in OrderType)
TIME_IN_FORCE = tuple(t.value for t in TimeInForce)
RESP_TYPES = ("ACK", "RESULT", "FULL")
SIDE_EFFECTS = tuple(s.value for s in SideEffectType)
STP_MODES = tuple(m.value for m in SelfTradePreventionMode)

# The price-like parameter each type reads, and whether it needs a time in force.
NEEDS_PRICE = {OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT}
NEEDS_STOP = {OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT}
NEEDS_TIF = {OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT_LIMIT}


def common_list_params() -> tuple[Param, ...]:
    """Parameters every margin order-list placement reads."""
    return (
        Param("symbol", Kind.SYMBOL, required=True),
        Param("isIsolated", Kind.BOOL_STR),
        Param("listClientOrderId", Kind.CLIENT_ID),
        enum("newOrderRespType", RESP_TYPES),
        enum("sideEffectType", SIDE_EFFECTS),
        enum("selfTradePreventionMode", STP_MODES),
        Param("autoRepayAtCancel", Kind.BOOLEAN),
    )


def leg_params(prefix: str, types: tuple[str, ...], required_type: bool = True,
               with_side: bool = True, with_quantity: bool = True, with_stop: bool = True) -> tuple[Param, ...]:
    """The parameters of one OTO / OTOCO leg, e.g. ``workingType``, ``workingPrice`` ..."""
    params = [enum(f"{prefix}Type", types, required_type), Param(f"{prefix}ClientOrderId", Kind.CLIENT_ID),
              Param(f"{prefix}Price", Kind.DECIMAL), Param(f"{prefix}IcebergQty", Kind.DECIMAL),
              enum(f"{prefix}TimeInForce", TIME_IN_FORCE)]
    if with_stop:
        # A working order is LIMIT / LIMIT_MAKER: Binance defines no workingStopPrice (-1104 if sent).
        params[3:3] = [Param(f"{prefix}StopPrice", Kind.DECIMAL), Param(f"{prefix}TrailingDelta", Kind.LONG)]
    if with_side:
        params.insert(1, enum(f"{prefix}Side", SIDES, True))
    if with_quantity:
        params.insert(2, Param(f"{prefix}Quantity", Kind.DECIMAL, True))
    return tuple(params)


def require(params: Mapping[str, Any], name: str) -> None:
    if name not in params:
        raise errors.mandatory_param_missing(name)


def forbid(params: Mapping[str, Any], name: str) -> None:
    if name in params:
        raise errors.param_not_required(name)


def check_type_rules(params: Mapping[str, Any], order_type: OrderType, prefix: str = "",
                     tif_error: BinanceError | None = None) -> None:
    """Mandatory and refused parameters of ``order_type`` (names carry ``prefix``)."""

    def name(base: str) -> str:
        return f"{prefix}{base}" if prefix else base[0].lower() + base[1:]

    price, stop, trailing, tif, iceberg = (name("Price"), name("StopPrice"), name("TrailingDelta"),
                                           name("TimeInForce"), name("IcebergQty"))
    if order_type in NEEDS_PRICE:
        require(params, price)
    elif trailing not in params:
        # From 2026-06-15 a trailing pending leg also carries a price (spec §4.2).
        forbid(params, price)
    if order_type in NEEDS_STOP:
        if stop not in params and trailing not in params:
            raise errors.one_of_params_missing(stop, trailing)
        if trailing in params and prefix.startswith("pending"):
            # An OTO / OTOCO pending leg's rule; a spot OCO's above / below legs have none.
            require(params, price)
    else:
        forbid(params, stop)
        forbid(params, trailing)
    if order_type in NEEDS_TIF:
        if tif not in params:
            raise tif_error or errors.mandatory_param_missing(tif)
    else:
        forbid(params, tif)
    if iceberg in params and params.get(tif, "GTC") != "GTC":
        raise errors.unsupported_order_combination()


def check_quantity(params: Mapping[str, Any], order_type: OrderType) -> None:
    """A single order's quantity: MARKET takes quantity or quoteOrderQty, every other type quantity."""
    if order_type is OrderType.MARKET:
        if "quantity" not in params and "quoteOrderQty" not in params:
            raise errors.one_of_params_missing("quantity", "quoteOrderQty")
        if "quantity" in params:
            forbid(params, "quoteOrderQty")
        return
    forbid(params, "quoteOrderQty")
    if "quantity" not in params:
        raise errors.mandatory_param_missing("quantity")


def leg_spec(params: Mapping[str, Any], prefix: str, side: str | None = None,
             quantity: Decimal | None = None) -> LegSpec:
    """A checked OTO / OTOCO leg as the engine takes it."""
    order_type = OrderType(params[f"{prefix}Type"])
    check_type_rules(params, order_type, prefix)
    tif = params.get(f"{prefix}TimeInForce")
    return LegSpec(
        type=order_type,
        side=Side(side if side is not None else params[f"{prefix}Side"]),
        quantity=quantity if quantity is not None else params[f"{prefix}Quantity"],
        price=params.get(f"{prefix}Price"),
        stop_price=params.get(f"{prefix}StopPrice"),
        trailing_delta=params.get(f"{prefix}TrailingDelta"),
        iceberg_qty=params.get(f"{prefix}IcebergQty"),
        time_in_force=TimeInForce(tif) if tif else None,
        client_order_id=params.get(f"{prefix}ClientOrderId"),
    )


def single_order_request(params: Mapping[str, Any], tif_error: BinanceError | None = None,
                         **scope: Any) -> NewOrder:
    """A single order's parameters (POST /sapi/v1/margin/order, /api/v3/order, cancelReplace) as the
    engine's request, presence rules checked; ``scope``: the spot flag or the margin options."""
    order_type = OrderType(params["type"])
    check_quantity(params, order_type)
    check_type_rules(params, order_type, tif_error=tif_error)
    tif = params.get("timeInForce")
    return NewOrder(
        symbol=params["symbol"], side=Side(params["side"]), type=order_type, quantity=params.get("quantity"),
        quote_order_qty=params.get("quoteOrderQty"), price=params.get("price"), stop_price=params.get("stopPrice"),
        trailing_delta=params.get("trailingDelta"), iceberg_qty=params.get("icebergQty"),
        time_in_force=TimeInForce(tif) if tif else None, new_client_order_id=params.get("newClientOrderId"),
        **scope,
    )


def default_resp_type(order_type: OrderType) -> str:
    """MARKET and LIMIT answer FULL by default, every other type ACK (spot rest-api.md New order; spec §4.8)."""
    return "FULL" if order_type in (OrderType.MARKET, OrderType.LIMIT) else "ACK"


def margin_options(params: Mapping[str, Any]) -> dict[str, Any]:
    """isIsolated / sideEffectType / autoRepayAtCancel / STP mode as request keywords."""
    stp = params.get("selfTradePreventionMode")
    return {
        "isolated": bool(params.get("isIsolated", False)),
        "side_effect_type": SideEffectType(params.get("sideEffectType", "NO_SIDE_EFFECT")),
        "auto_repay_at_cancel": params.get("autoRepayAtCancel", True),
        "self_trade_prevention_mode": SelfTradePreventionMode(stp) if stp else None,
    }


def history_limit(params: Mapping[str, Any], maximum: int, default: int = 500) -> int:
    """``limit`` of a history query: 1..maximum, else -1130 (no silent cap)."""
    limit = params.get("limit", default)
    if not 1 <= limit <= maximum:
        raise errors.invalid_param_value("limit")
    return int(limit)


def within_a_day(params: Mapping[str, Any]) -> None:
    """``startTime`` .. ``endTime`` of an order or list history spans at most 24 hours (-1127)."""
    start, end = params.get("startTime"), params.get("endTime")
    if start is not None and end is not None and end - start > DAY_MS:
        raise errors.lookup_interval_too_big(24)


def order_history(params: Mapping[str, Any], max_limit: int) -> dict[str, Any]:
    """allOrders' query as engine keywords: ``orderId``, a window of at most 24 hours, ``limit`` up
    to ``max_limit`` (margin 500, spot 1000)."""
    within_a_day(params)
    return _history_keywords(params, max_limit)


def trade_history(params: Mapping[str, Any]) -> dict[str, Any]:
    """myTrades' query as engine keywords: allOrders' (``limit`` up to 1000), and ``fromId``, which
    excludes the time window; margin and spot alike."""
    within_a_day(params)
    no_from_id_with_times(params)
    return {**_history_keywords(params, 1000), "from_id": params.get("fromId")}


def order_list_history(params: Mapping[str, Any], *, one_day_window: bool) -> dict[str, Any]:
    """allOrderList's query as engine keywords: ``fromId``, which excludes the time window, and
    ``limit`` up to 1000; with ``one_day_window`` (spot) the window spans at most 24 hours, a rule
    the margin endpoint is declared without (web/endpoint_catalog.py)."""
    no_from_id_with_times(params)
    if one_day_window:
        within_a_day(params)
    return {"from_id": params.get("fromId"), "start_time": params.get("startTime"), "end_time": params.get("endTime"),
            "limit": history_limit(params, 1000)}


def _history_keywords(params: Mapping[str, Any], max_limit: int) -> dict[str, Any]:
    return {"order_id": params.get("orderId"), "start_time": params.get("startTime"),
            "end_time": params.get("endTime"), "limit": history_limit(params, max_limit)}


def symbol_if_isolated(params: Mapping[str, Any], isolated: bool) -> str | None:
    """The symbol of an isolated-margin request, where it is mandatory (-1102); None for cross."""
    if not isolated:
        return None
    if "symbol" not in params:
        raise errors.mandatory_param_missing("symbol")
    return str(params["symbol"])


def order_ref(params: Mapping[str, Any], id_name: str = "orderId", client_name: str = "origClientOrderId",
              *, margin: bool = False) -> dict[str, Any]:
    """Which order a cancel / query names: ``orderId`` or ``origClientOrderId`` (cancelReplace:
    ``cancelOrderId`` / ``cancelOrigClientOrderId``), at least one (-1102), as engine keywords.

    Spot names both parameters in the message; margin answers the generic -1102, as a live
    margin query without either id shows (docs/fidelity.md, Messages).
    """
    if id_name not in params and client_name not in params:
        raise errors.mandatory_param_missing() if margin else errors.one_of_params_missing(id_name, client_name)
    return {"order_id": params.get(id_name), "orig_client_order_id": params.get(client_name)}


def order_list_ref(params: Mapping[str, Any], client_name: str = "listClientOrderId") -> dict[str, Any]:
    """Which order list a cancel / query names: ``orderListId`` or its client id, at least one (-1102),
    as engine keywords. The list's client id is ``listClientOrderId`` on DELETE orderList and
    ``origClientOrderId`` on GET orderList (spec quirk 10; spot rest-api.md, Query Order list)."""
    if "orderListId" not in params and client_name not in params:
        raise errors.one_of_params_missing("orderListId", client_name)
    return {"order_list_id": params.get("orderListId"), "list_client_order_id": params.get(client_name)}


def no_from_id_with_times(params: Mapping[str, Any]) -> None:
    """``fromId`` excludes ``startTime`` / ``endTime`` (-1128)."""
    if "fromId" in params and ("startTime" in params or "endTime" in params):
        raise errors.bad_param_combo()
