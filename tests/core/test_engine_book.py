"""The price index: ordering, removal, and a price event's cost flat in the number of resting orders."""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Callable, Iterator
from decimal import Decimal

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


def _event_work(resting: int, k: int = 10) -> tuple[int, int]:
    """What one price event filling ``k`` orders does while ``resting`` others rest far away.

    Counted, not timed (a timed test fails on a busy machine; the benchmark times it): the
    order ids the price indexes hand to matching, and every Python and builtin call made
    during ``set_price``. A price event whose work grows with the resting orders shows up in
    the second figure even if it walks them without the indexes.
    """
    config = simple_config(accounts=[{"name": "alice", "api_key": "a", "hmac_secret": "s",
                                      "cross": {"BTC": {"free": "1000"}, "USDT": {"free": "100000000"}}}])
    ex = make_exchange(config)
    _rest_far_away(ex, resting)
    ex.set_price("BTCUSDT", D("30000"))  # first event of the symbol: anything made once is made here
    for _ in range(k):
        ex.place_order("alice", NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D("0.001"),
                                         price=D("29990"), time_in_force=TimeInForce.GTC))
    handed: list[int] = []
    calls = 0

    def count(frame: object, event: str, arg: object) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    with _counting_index_results(handed):
        sys.setprofile(count)
        try:
            events = ex.set_price("BTCUSDT", D("29980"))
        finally:
            sys.setprofile(None)
    assert sum(1 for e in events if getattr(e, "execution_type", None) == "TRADE") == k
    return sum(handed), calls


@contextlib.contextmanager
def _counting_index_results(handed: list[int]) -> Iterator[None]:
    """Record how many order ids each price-index range query returns."""
    originals = PriceIndex.at_or_above, PriceIndex.at_or_below

    def wrap(query: Callable[[PriceIndex, Decimal], list[int]]) -> Callable[[PriceIndex, Decimal], list[int]]:
        def counted(index: PriceIndex, price: Decimal) -> list[int]:
            ids = query(index, price)
            handed.append(len(ids))
            return ids
        return counted

    PriceIndex.at_or_above, PriceIndex.at_or_below = wrap(originals[0]), wrap(originals[1])  # type: ignore[method-assign]
    try:
        yield
    finally:
        PriceIndex.at_or_above, PriceIndex.at_or_below = originals  # type: ignore[method-assign]


def test_price_event_work_does_not_grow_with_resting_orders() -> None:
    small_ids, small_calls = _event_work(1_000)
    large_ids, large_calls = _event_work(100_000)
    # Only the 10 crossed orders come out of the indexes, however many rest elsewhere.
    assert small_ids == large_ids == 10
    # The same work call for call, but for the index's binary search over 100x more prices
    # (a few more comparisons, no more calls): nothing walks the resting orders.
    assert large_calls == small_calls, (small_calls, large_calls)
