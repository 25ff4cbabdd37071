"""The synthetic order book: its levels, its update id, and the change between two of its states.

The fake's book is synthetic (docs/behaviour.md): ``BOOK_LEVELS`` levels one tick apart
on each side of the last price, each holding ``LEVEL_QTY``; users' resting orders are not
shown. So the book is a function of the last price and the tick, and it changes exactly
when the last price does. Each such change is one book update with the next update id of
the symbol: the one counter ``GET /api/v3/depth``'s ``lastUpdateId``, the ``@depth``
streams' ``U`` / ``u`` and ``@bookTicker``'s ``u`` all read (core/market.py keeps it).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from decimal import Decimal

from mock_exchange.core.config import SymbolConfig

# Per side: the most levels GET /api/v3/depth returns (limit 5000), so a snapshot of any
# limit plus the diff stream describe the same book.
BOOK_LEVELS = 5000
LEVEL_QTY = Decimal("1")
FIRST_UPDATE_ID = 1  # the book as a symbol starts is its first update
MAX_LOGGED_UPDATES = 2000  # per symbol; a stream further behind sends one summed diff


@dataclass(frozen=True, slots=True)
class BookUpdate:
    """One change of a symbol's book: the last price moved from ``before`` to ``after``."""

    update_id: int
    time_ms: int
    before: Decimal
    after: Decimal
    after_seq: int = -1  # the event log's last seq when it happened (orders it among the user events)
    next_trade_id: int = 0  # the symbol's next trade id then (orders it among the trades)


Level = tuple[Decimal, Decimal]  # (price, quantity)


def tick_size(spec: SymbolConfig) -> Decimal:
    """The book's step: the PRICE_FILTER tick (the smallest price step when it has none)."""
    price_filter = spec.filter("PRICE_FILTER")
    tick = Decimal(price_filter["tickSize"]) if price_filter else Decimal(0)
    return tick if tick > 0 else Decimal("0.00000001")


def bids(last: Decimal, tick: Decimal, count: int = BOOK_LEVELS) -> list[Level]:
    """The best ``count`` bids, highest first (none at or below zero)."""
    return [(last - tick * i, LEVEL_QTY) for i in range(1, min(count, BOOK_LEVELS) + 1) if last - tick * i > 0]


def asks(last: Decimal, tick: Decimal, count: int = BOOK_LEVELS) -> list[Level]:
    """The best ``count`` asks, lowest first."""
    return [(last + tick * i, LEVEL_QTY) for i in range(1, min(count, BOOK_LEVELS) + 1)]


def best(last: Decimal, tick: Decimal) -> tuple[Level, Level]:
    """(best bid, best ask); a bid that would be at or below zero shows as price and quantity 0."""
    top_bids = bids(last, tick, 1)
    return (top_bids[0] if top_bids else (Decimal(0), Decimal(0))), asks(last, tick, 1)[0]


def diff(before: Decimal, after: Decimal, tick: Decimal) -> tuple[list[Level], list[Level]]:
    """The levels that change when the last price moves ``before`` -> ``after``: (bids, asks).

    A level that leaves a side is sent with quantity 0 (Binance: "If the quantity is 0,
    remove the price level"); bids are highest first, asks lowest first, as in a snapshot.
    """
    steps = (after - before) / tick
    if steps != steps.to_integral_value():
        # Off the old grid: no level is in both books, so every old one goes and every new one comes.
        return (_replace_side(bids(before, tick), bids(after, tick), reverse=True),
                _replace_side(asks(before, tick), asks(after, tick), reverse=False))
    # On the grid, a level is ``before + j * tick``: bids hold j in [k-N, k-1], asks [k+1, k+N].
    k, n = int(steps), BOOK_LEVELS
    bid_changes = _index_diff((-n, -1), (k - n, k - 1))
    ask_changes = _index_diff((1, n), (k + 1, k + n))

    def levels(changes: list[tuple[int, Decimal]], reverse: bool) -> list[Level]:
        out = [(before + tick * j, qty) for j, qty in changes if before + tick * j > 0]
        return sorted(out, key=lambda level: level[0], reverse=reverse)

    return levels(bid_changes, True), levels(ask_changes, False)


def _index_diff(old: tuple[int, int], new: tuple[int, int]) -> list[tuple[int, Decimal]]:
    """Indexes in ``new`` but not ``old`` (quantity ``LEVEL_QTY``) and in ``old`` only (quantity 0)."""

    def outside(inner: tuple[int, int], outer: tuple[int, int]) -> list[int]:
        lo, hi = outer
        below = range(lo, min(hi, inner[0] - 1) + 1)
        above = range(max(lo, inner[1] + 1), hi + 1)
        return [*below, *above]  # both lie outside ``inner``, so they never overlap

    return [(j, LEVEL_QTY) for j in outside(old, new)] + [(j, Decimal(0)) for j in outside(new, old)]


def _replace_side(old: list[Level], new: list[Level], reverse: bool) -> list[Level]:
    changed = new + [(price, Decimal(0)) for price, _ in old]
    return sorted(changed, key=lambda level: level[0], reverse=reverse)


@dataclass
class UpdateLog:
    """One symbol's book update id and its latest updates (bounded), oldest first."""

    last_id: int = FIRST_UPDATE_ID
    updates: deque[BookUpdate] = field(default_factory=lambda: deque(maxlen=MAX_LOGGED_UPDATES))

    def record(self, time_ms: int, before: Decimal, after: Decimal, after_seq: int = -1,
               next_trade_id: int = 0) -> None:
        self.last_id += 1
        self.updates.append(BookUpdate(self.last_id, time_ms, before, after, after_seq, next_trade_id))

    def since(self, update_id: int) -> list[BookUpdate] | None:
        """The updates after ``update_id``; None when some of them are no longer kept."""
        if update_id >= self.last_id:
            return []
        if not self.updates or self.updates[0].update_id > update_id + 1:
            return None
        return [u for u in self.updates if u.update_id > update_id]
