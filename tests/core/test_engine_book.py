"""The price index: ordering, removal, and a price event's cost flat in the number of resting orders."""

from __future__ import annotations

import statistics
import time

from mock_exchange.core.book import Book, PriceIndex
from mock_exchange.core.enums import OrderStatus, OrderType, Side, TimeInForce
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.orders import Order
from mock_exchange.core.requests import NewOrder
from tests.core.engine_helpers import D, make_exchange, simple_config


def test_price_index_orders_levels_and_arrival() -> None:
    index = PriceIndex()
    for order_id, price in ((1, "10"), (2, "12"), (3, "10"), (4, "11")):
        index.add(D(price), order_id)
    assert index.at_or_above(D("10.5")) == [2, 4]
    assert index.at_or_below(D("11")) == [1, 3, 4]
    index.discard(D("10"), 1)
    index.discard(D("10"), 99)  # unknown: no-op
    assert index.at_or_below(D("10")) == [3]
    index.discard(D("10"), 3)
    assert index.prices == [D("11"), D("12")] and len(index) == 2


def test_book_rebuild_matches_incremental_indexes() -> None:
    ex = make_exchange()
    for i in range(5):
        ex.place_order("bob", NewOrder("BTCUSDT", Side.SELL, OrderType.LIMIT, quantity=D("0.1"),
                                       price=D(31000 + i), time_in_force=TimeInForce.GTC))
        ex.place_order("bob", NewOrder("BTCUSDT", Side.SELL, OrderType.STOP_LOSS, quantity=D("0.1"),
                                       stop_price=D(29000 - i)))
    live = ex.state.book.symbols["BTCUSDT"]
    rebuilt = Book()
    rebuilt.rebuild(o for o in ex.state.orders.values() if o.is_open)
    again = rebuilt.symbols["BTCUSDT"]
    assert (live.asks, live.falling, live.bids, live.rising) == (again.asks, again.falling, again.bids, again.rising)


def _rest_far_away(ex: Exchange, count: int) -> None:
    """``count`` resting orders that no test print reaches, indexed directly (no funds needed)."""
    state = ex.state
    for n in range(count):
        order_id = ex.ids.next("order")
        side = Side.BUY if n % 2 else Side.SELL
        order = Order(order_id=order_id, symbol="BTCUSDT", account="alice", isolated=False,
                      client_order_id=f"far{n}", side=side, type=OrderType.LIMIT, quantity=D("0.001"), time_ms=0,
                      price=D(1000 + n % 5000) if side is Side.BUY else D(90000 + n % 5000),
                      time_in_force=TimeInForce.GTC, status=OrderStatus.NEW)
        state.add_order(order)
        state.book.rest(order)


def _event_cost(resting: int, k: int = 10, rounds: int = 7) -> float:
    config = simple_config(accounts=[{"name": "alice", "api_key": "a", "hmac_secret": "s",
                                      "cross": {"BTC": {"free": "1000"}, "USDT": {"free": "100000000"}}}])
    ex = make_exchange(config)
    _rest_far_away(ex, resting)
    costs = []
    for _ in range(rounds):
        for _ in range(k):
            ex.place_order("alice", NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.001"),
                                             price=D("29990"), time_in_force=TimeInForce.GTC))
        started = time.perf_counter()
        events = ex.set_price("BTCUSDT", D("29980"))
        costs.append(time.perf_counter() - started)
        assert sum(1 for e in events if getattr(e, "execution_type", None) == "TRADE") == k
        ex.set_price("BTCUSDT", D("30000"))
    return statistics.median(costs)


def test_price_event_cost_does_not_grow_with_resting_orders() -> None:
    small = _event_cost(1_000)
    large = _event_cost(100_000)
    # The benchmark's target is 1.5x; a unit test on a shared machine allows some noise.
    assert large <= 2.5 * small, (small, large)
