"""Order and order-list status transitions: closing orders, OCO siblings, list status, cancels.

Rules (spec §6.2 / §6.3, choices in docs/behaviour.md):

- When one leg of an OCO pair (an OCO, or an OTOCO's pending pair) starts executing — a
  fill, even partial, or the stop leg triggering — the other leg EXPIRES with expiry
  reason OCO_TRIGGER and hands its reservation to the executing leg.
- A list is ALL_DONE once every order in it is final, except that the executing
  survivor of a resolved OCO pair may still be open (the list no longer governs it).
- A cancel of any leg of an open list cancels every open order of the list (CANCELED),
  pending legs included.
"""

from __future__ import annotations

from mock_exchange.core import funding
from mock_exchange.core.context import EngineContext
from mock_exchange.core.enums import ExecutionType, ExpiryReason, ListOrderStatus, ListStatusType, OrderStatus
from mock_exchange.core.order_lists import ListKind, OrderList
from mock_exchange.core.orders import Order
from mock_exchange.core.records import clone
from mock_exchange.core.requests import ListCancelResult


def list_of(ctx: EngineContext, order: Order) -> OrderList | None:
    """The list ``order`` belongs to, if any."""
    if order.order_list_id < 0:
        return None
    return ctx.state.order_lists.get(order.order_list_id)


def pair_ids(order_list: OrderList) -> list[int]:
    """The ids that form an OCO pair in the list (none for an OTO)."""
    if order_list.kind is ListKind.OCO:
        return order_list.order_ids
    if order_list.kind is ListKind.OTOCO:
        return order_list.order_ids[1:]
    return []


def pair_sibling(ctx: EngineContext, order: Order) -> Order | None:
    """The other leg of the OCO pair ``order`` belongs to, if any."""
    order_list = list_of(ctx, order)
    if order_list is None:
        return None
    ids = pair_ids(order_list)
    if order.order_id not in ids:
        return None
    other = ids[0] if ids[1] == order.order_id else ids[1]
    return ctx.state.orders[other]


def pending_legs(ctx: EngineContext, order_list: OrderList) -> list[Order]:
    """The list's legs still waiting for their working order (PENDING_NEW)."""
    orders = ctx.state.orders
    return [orders[oid] for oid in order_list.order_ids if orders[oid].status is OrderStatus.PENDING_NEW]


def close(
    ctx: EngineContext,
    order: Order,
    status: OrderStatus,
    *,
    reason: ExpiryReason = ExpiryReason.NONE,
    cancel_client_order_id: str | None = None,
    release_hold: bool = True,
) -> None:
    """Put an open order in a final status (CANCELED / EXPIRED), free its funds, report it."""
    order.status = status
    order.update_time_ms = ctx.now()
    if status is OrderStatus.EXPIRED:
        order.expiry_reason = reason
    ctx.state.order_closed(order)
    execution = ExecutionType.CANCELED if status is OrderStatus.CANCELED else ExecutionType.EXPIRED
    ctx.emit_order(order, execution, cancel_client_order_id=cancel_client_order_id)
    if release_hold:
        funding.release(ctx, order)
        # autoRepayAtCancel covers any end that gives the reservation back (cancel or expiry).
        funding.repay_order_loan(ctx, order)


def expire_sibling_for(ctx: EngineContext, order: Order) -> None:
    """``order`` starts executing: its open OCO sibling expires and its reservation moves over."""
    sibling = pair_sibling(ctx, order)
    if sibling is None or not sibling.is_open:
        return
    funding.transfer_hold(sibling, order)
    close(ctx, sibling, OrderStatus.EXPIRED, reason=ExpiryReason.OCO_TRIGGER, release_hold=False)
    funding.rebalance(ctx, order)


def expire_pending(ctx: EngineContext, order_list: OrderList, reason: ExpiryReason) -> None:
    """Pending legs that will never be placed (working order expired, or they were rejected)."""
    for leg in pending_legs(ctx, order_list):
        funding.release(ctx, leg)
        close(ctx, leg, OrderStatus.EXPIRED, reason=reason, release_hold=False)


def list_is_done(ctx: EngineContext, order_list: OrderList) -> bool:
    """Whether nothing in the list is governed by it any more."""
    for order_id in order_list.order_ids:
        order = ctx.state.orders[order_id]
        if not order.is_open:
            continue
        sibling = pair_sibling(ctx, order)
        if sibling is not None and not sibling.is_open:
            continue  # the survivor of a resolved OCO pair
        return False
    return True


def refresh_list(ctx: EngineContext, order_list: OrderList) -> None:
    """After a change to one of its orders: close the list when done, report its status."""
    if order_list.is_open and list_is_done(ctx, order_list):
        order_list.list_status_type = ListStatusType.ALL_DONE
        order_list.list_order_status = ListOrderStatus.ALL_DONE
        ctx.state.order_list_closed(order_list)
    ctx.emit_list(order_list)


def finish_step(ctx: EngineContext, order: Order) -> None:
    """End of one engine step on ``order``: its list's status, then the balance events."""
    order_list = list_of(ctx, order)
    if order_list is not None:
        refresh_list(ctx, order_list)
    ctx.flush_balances()


# -- cancels ---------------------------------------------------------------------------


def cancel_order_list(ctx: EngineContext, order_list: OrderList, cancel_client_order_id: str) -> ListCancelResult:
    """Cancel every open order of an open list (display order), close the list, report it."""
    orders = ctx.state.orders
    for order_id in order_list.order_ids:
        order = orders[order_id]
        if order.is_open:
            close(ctx, order, OrderStatus.CANCELED, cancel_client_order_id=cancel_client_order_id)
    order_list.list_status_type = ListStatusType.ALL_DONE
    order_list.list_order_status = ListOrderStatus.ALL_DONE
    ctx.state.order_list_closed(order_list)
    ctx.emit_list(order_list)
    ctx.flush_balances()
    return ListCancelResult(
        order_list=clone(order_list),
        orders=[clone(orders[oid]) for oid in order_list.order_ids],
        cancel_client_order_id=cancel_client_order_id,
        transaction_time_ms=ctx.now(),
    )


def cancel_single(ctx: EngineContext, order: Order, cancel_client_order_id: str) -> None:
    """Cancel one open order that no open list governs."""
    close(ctx, order, OrderStatus.CANCELED, cancel_client_order_id=cancel_client_order_id)
    finish_step(ctx, order)
