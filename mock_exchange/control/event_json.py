"""Domain events as control-plane JSON: flat, snake_case, decimals as strings.

Each event gets an ``action`` naming what happened in plain words, so a test can assert
on a price path's outcome (``["fill", "expire", "list_done", "balance"]``) without decoding
execution types: new, trigger, partial_fill, fill, cancel, expire, reject, prevented,
list_status, list_done, balance, borrow, repay, transfer.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from mock_exchange.core.decimals import stripped
from mock_exchange.core.enums import ExecutionType, ListOrderStatus, OrderStatus
from mock_exchange.core.events import (
    BalanceEvent,
    LiabilityEvent,
    ListStatusEvent,
    MarginLevelEvent,
    OrderEvent,
    ReplayEndEvent,
    TransferEvent,
)


def dec(value: Decimal | None) -> str | None:
    return None if value is None else stripped(value)


def _order_action(event: OrderEvent) -> str:
    kind = event.execution_type
    if kind is ExecutionType.TRADE:
        return "fill" if event.order.status is OrderStatus.FILLED else "partial_fill"
    if kind is ExecutionType.NEW:
        return "trigger" if event.order.triggered else "new"
    return {
        ExecutionType.CANCELED: "cancel",
        ExecutionType.EXPIRED: "expire",
        ExecutionType.REJECTED: "reject",
        ExecutionType.TRADE_PREVENTION: "prevented",
        ExecutionType.REPLACED: "replace",
    }.get(kind, kind.value.lower())


def _base(event: Any, action: str) -> dict[str, Any]:
    return {"seq": event.seq, "type": event.kind, "action": action, "time_ms": event.time_ms,
            "account": event.account, "isolated_symbol": event.isolated_symbol}


def order_event_json(event: OrderEvent) -> dict[str, Any]:
    order = event.order
    data = _base(event, _order_action(event))
    data.update({
        "symbol": order.symbol, "order_id": order.order_id, "client_order_id": event.client_order_id,
        "orig_client_order_id": event.orig_client_order_id or None, "order_list_id": order.order_list_id,
        "side": order.side.value, "order_type": order.type.value, "execution_type": event.execution_type.value,
        "status": order.status.value, "price": dec(order.price), "stop_price": dec(order.stop_price),
        "quantity": dec(order.quantity), "executed_qty": dec(order.executed_qty),
        "cummulative_quote_qty": dec(order.cummulative_quote_qty),
        "last_qty": dec(event.last_qty), "last_price": dec(event.last_price),
        "commission": dec(event.commission), "commission_asset": event.commission_asset,
        "trade_id": event.trade_id if event.trade_id >= 0 else None, "is_maker": event.is_maker,
        "triggered": order.triggered, "expiry_reason": order.expiry_reason.value,
        "reject_reason": event.reject_reason,
    })
    return data


def list_event_json(event: ListStatusEvent) -> dict[str, Any]:
    order_list = event.order_list
    done = order_list.list_order_status is not ListOrderStatus.EXECUTING
    data = _base(event, "list_done" if done else "list_status")
    data.update({
        "symbol": order_list.symbol, "order_list_id": order_list.order_list_id,
        "list_client_order_id": order_list.list_client_order_id, "list_kind": order_list.kind.value,
        "contingency_type": order_list.contingency_type.value,
        "list_status_type": order_list.list_status_type.value,
        "list_order_status": order_list.list_order_status.value,
        "orders": [{"order_id": leg.order_id, "client_order_id": leg.client_order_id} for leg in event.legs],
        "reject_reason": event.reject_reason,
    })
    return data


def balance_event_json(event: BalanceEvent) -> dict[str, Any]:
    data = _base(event, "balance")
    data["balances"] = [{"asset": b.asset, "free": dec(b.free), "locked": dec(b.locked)} for b in event.balances]
    return data


def liability_event_json(event: LiabilityEvent) -> dict[str, Any]:
    data = _base(event, event.type.lower())
    data.update({"asset": event.asset, "amount": dec(event.amount), "principal": dec(event.principal),
                 "interest": dec(event.interest), "tran_id": event.tran_id})
    return data


def transfer_event_json(event: TransferEvent) -> dict[str, Any]:
    data = _base(event, "transfer")
    data.update({"asset": event.asset, "delta": dec(event.delta), "tran_id": event.tran_id})
    return data


def margin_level_event_json(event: MarginLevelEvent) -> dict[str, Any]:
    data = _base(event, "margin_level_status")
    data.update({"margin_level": dec(event.level), "status": event.status, "previous_status": event.previous})
    return data


def event_json(event: Any) -> dict[str, Any]:
    """One domain event as JSON (unknown event types keep their seq, kind and account)."""
    if isinstance(event, OrderEvent):
        return order_event_json(event)
    if isinstance(event, ListStatusEvent):
        return list_event_json(event)
    if isinstance(event, BalanceEvent):
        return balance_event_json(event)
    if isinstance(event, LiabilityEvent):
        return liability_event_json(event)
    if isinstance(event, TransferEvent):
        return transfer_event_json(event)
    if isinstance(event, MarginLevelEvent):
        return margin_level_event_json(event)
    if isinstance(event, ReplayEndEvent):
        data = _base(event, "replay_end")
        data.update({"account": None, "symbol": event.symbol, "file": event.source, "prints": event.prints})
        return data
    kind = getattr(event, "kind", type(event).__name__)
    return {"seq": getattr(event, "seq", None), "type": kind, "action": kind,
            "time_ms": getattr(event, "time_ms", None), "account": getattr(event, "account", None),
            "isolated_symbol": getattr(event, "isolated_symbol", None)}


def events_json(events: Iterable[Any]) -> list[dict[str, Any]]:
    return [event_json(event) for event in events]
