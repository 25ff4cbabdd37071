"""Price predicates shared by placement and by pending legs going on the book.

Pure functions of an order's parameters and a reference price (the last price at
placement; the working order's fill price when an OTO / OTOCO's pending legs are placed).
The order-list pair rule built on them (above / below legs of an OCO or OTOCO) is in
``order_list_pair``.
"""

from __future__ import annotations

from decimal import Decimal

from mock_exchange.core.enums import OrderType, Side


def rises(order_type: OrderType, side: Side) -> bool:
    """Stops that wait above the market: STOP_LOSS(_LIMIT) BUY, TAKE_PROFIT(_LIMIT) SELL (spec §4.8)."""
    is_stop_loss = order_type in (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
    return is_stop_loss == (side is Side.BUY)


def is_marketable(side: Side, price: Decimal, last: Decimal) -> bool:
    """Whether a limit at ``price`` would take liquidity against ``last``."""
    return price >= last if side is Side.BUY else price <= last


def would_trigger(order_type: OrderType, side: Side, stop_price: Decimal, last: Decimal) -> bool:
    """Whether a stop at ``stop_price`` is already triggered at ``last`` (-2010 "Order would trigger immediately.")."""
    return last >= stop_price if rises(order_type, side) else last <= stop_price


def market_quantity(quote_order_qty: Decimal, price: Decimal, step: Decimal) -> Decimal:
    """Base quantity a quoteOrderQty MARKET order trades at ``price``, rounded down to the step."""
    raw = quote_order_qty / price
    if step > 0:
        return (raw // step) * step
    return raw.quantize(Decimal("0.00000001"), rounding="ROUND_DOWN")
