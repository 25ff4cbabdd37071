"""Price-indexed resting orders and stop triggers, so a price event touches only what it crosses.

Per symbol, four :class:`PriceIndex` es and one small trailing set:

- ``bids``: working BUY limits, crossed by a print at ``p`` when ``price >= p`` (best = highest);
- ``asks``: working SELL limits, crossed when ``price <= p`` (best = lowest);
- ``rising``: untriggered stops that fire when ``last >= stop`` (STOP_LOSS BUY, TAKE_PROFIT SELL);
- ``falling``: untriggered stops that fire when ``last <= stop`` (STOP_LOSS SELL, TAKE_PROFIT BUY);
- ``trailing``: trailing stops that are already tracking (spec §6.5).

A :class:`PriceIndex` keeps its distinct prices in a sorted list (``bisect``) and, per
price, the order ids in arrival order (a dict used as an ordered set, O(1) removal). A
print finds its crossed levels with one bisection, so its cost is O(log L + k) for k
crossed orders whatever the number of other resting orders; adding a new price level is
a C-level list insert (memmove), negligible next to the per-order work.

Trailing stops cannot be indexed by a fixed price: their trigger moves with the best
price seen since tracking started, and one print can move every one of them. They sit in
a per-symbol set that each print of that symbol scans (O(T) for T tracking trailing
stops on the symbol). T is small in practice: a trailing stop is an algo order, which
MAX_NUM_ALGO_ORDERS caps per account and symbol (5 by default), and a trailing stop with a
``stopPrice`` waits in ``rising`` / ``falling`` until it starts tracking.

The book is derived state: :meth:`Book.rebuild` recreates it from the open orders, which is
what a snapshot restore needs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from mock_exchange.core.enums import OrderStatus, Side
from mock_exchange.core.orders import Order
from mock_exchange.core.rules import rises

Level = int | dict[int, None]  # one order id, or several in arrival order


def _ids(level: Level) -> Iterable[int]:
    return (level,) if isinstance(level, int) else level


@dataclass
class PriceIndex:
    """Order ids grouped by price, prices kept sorted ascending.

    A price with one order holds its id itself, a price with several a dict used as an
    ordered set: most prices of a large book hold one order, and an empty dict costs more
    than the order's share of everything else in the book (benchmarks/README.md, Findings, "Memory").
    """

    prices: list[Decimal] = field(default_factory=list)
    levels: dict[Decimal, Level] = field(default_factory=dict)

    def add(self, price: Decimal, order_id: int) -> None:
        """File ``order_id`` at ``price`` (last in time priority)."""
        level = self.levels.get(price)
        if level is None:
            self.levels[price] = order_id
            insort(self.prices, price)
        elif isinstance(level, int):
            if level != order_id:
                self.levels[price] = {level: None, order_id: None}
        else:
            level[order_id] = None

    def discard(self, price: Decimal, order_id: int) -> None:
        """Remove ``order_id`` from ``price`` (no-op when absent)."""
        level = self.levels.get(price)
        if level is None:
            return
        if isinstance(level, int):
            if level != order_id:
                return
        elif order_id in level:
            del level[order_id]
            if len(level) == 1:
                self.levels[price] = next(iter(level))
            return
        else:
            return
        del self.levels[price]
        del self.prices[bisect_left(self.prices, price)]

    def contains(self, price: Decimal, order_id: int) -> bool:
        level = self.levels.get(price)
        if level is None:
            return False
        return level == order_id if isinstance(level, int) else order_id in level

    def ids_at(self, price: Decimal) -> list[int]:
        """The ids at ``price`` in arrival order (empty when none)."""
        level = self.levels.get(price)
        return [] if level is None else list(_ids(level))

    def at_or_above(self, price: Decimal) -> list[int]:
        """Ids at prices >= ``price``, highest price first, then arrival order."""
        start = bisect_left(self.prices, price)
        levels = self.levels
        return [oid for level in reversed(self.prices[start:]) for oid in _ids(levels[level])]

    def at_or_below(self, price: Decimal) -> list[int]:
        """Ids at prices <= ``price``, lowest price first, then arrival order."""
        end = bisect_right(self.prices, price)
        levels = self.levels
        return [oid for level in self.prices[:end] for oid in _ids(levels[level])]

    def __len__(self) -> int:
        return sum(1 if isinstance(level, int) else len(level) for level in self.levels.values())


@dataclass
class SymbolBook:
    """One symbol's resting limits, waiting stops and tracking trailing stops."""

    bids: PriceIndex = field(default_factory=PriceIndex)
    asks: PriceIndex = field(default_factory=PriceIndex)
    rising: PriceIndex = field(default_factory=PriceIndex)
    falling: PriceIndex = field(default_factory=PriceIndex)
    trailing: dict[int, None] = field(default_factory=dict)


def triggers_on_rise(order: Order) -> bool:
    """Stops above the market: STOP_LOSS(_LIMIT) BUY and TAKE_PROFIT(_LIMIT) SELL (spec §4.8)."""
    return rises(order.type, order.side)


@dataclass
class Book:
    """All symbols' indexes; every open order is in at most one place."""

    symbols: dict[str, SymbolBook] = field(default_factory=dict)
    last_seq: int = 0  # the last ``Order.book_seq`` handed out

    def _stamp(self, order: Order) -> None:
        self.last_seq += 1
        order.book_seq = self.last_seq

    def of(self, symbol: str) -> SymbolBook:
        """The symbol's indexes, created empty on first use."""
        found = self.symbols.get(symbol)
        if found is None:
            found = self.symbols[symbol] = SymbolBook()
        return found

    def rest(self, order: Order) -> None:
        """A working limit order joins the bids or the asks at its price."""
        self._stamp(order)
        side = self.of(order.symbol)
        (side.bids if order.side is Side.BUY else side.asks).add(order.price, order.order_id)

    def wait_for_trigger(self, order: Order) -> None:
        """An untriggered stop waits for the last price to reach its stop price."""
        self._stamp(order)
        book = self.of(order.symbol)
        (book.rising if triggers_on_rise(order) else book.falling).add(order.stop_price, order.order_id)

    def track_trailing(self, order: Order) -> None:
        """A trailing stop that is following the price."""
        self._stamp(order)
        self.of(order.symbol).trailing[order.order_id] = None

    def remove(self, order: Order) -> None:
        """Take the order out of whichever index holds it (no-op when in none)."""
        book = self.symbols.get(order.symbol)
        if book is None:
            return
        oid = order.order_id
        book.trailing.pop(oid, None)
        (book.bids if order.side is Side.BUY else book.asks).discard(order.price, oid)
        book.rising.discard(order.stop_price, oid)
        book.falling.discard(order.stop_price, oid)

    def rebuild(self, open_orders: Iterable[Order]) -> None:
        """Recreate every index from the open orders (after a state restore), same priorities."""
        self.symbols = {}
        placed = sorted((o for o in open_orders if book_place(o)), key=lambda o: (o.book_seq, o.order_id))
        for order in placed:
            place, seq = book_place(order), order.book_seq
            if place == "book":
                self.rest(order)
            elif place == "stop":
                self.wait_for_trigger(order)
            else:
                self.track_trailing(order)
            order.book_seq = seq  # keep the recorded priority, not a new stamp
        self.last_seq = max((o.book_seq for o in placed), default=0)


def book_place(order: Order) -> str:
    """Where an open order belongs: "book", "stop", "trailing" or "" (pending / not resting)."""
    if not order.is_open or order.status is OrderStatus.PENDING_NEW:
        return ""
    if order.type.is_stop and not order.triggered:
        return "trailing" if order.trailing_time_ms >= 0 else "stop"
    if order.type.has_limit_price and order.is_working:
        return "book"
    return ""
