"""One symbol's market history: ready bars (warm-up, files, folded tape) and the live tape.

Bounded in count and in bytes: when the tape grows past :data:`MAX_TAPE_ENTRIES` entries or
:data:`MAX_TAPE_BYTES`, its oldest tenth is folded into one-minute bars, so klines and
tickers over that time stay right while individual trades fall off ``trades`` /
``aggTrades`` (as Binance's own recent-trades memory does). Bars past :data:`MAX_BARS`
fall off the front. Entries are stamped with the exchange clock and kept in time order,
so after the clock is set back a print lands where its time is (trade ids still follow
the order of the prints).

Warm-up history is built lazily, on the first read or write of the symbol, from a
function fixed when the exchange is built; so creating an exchange stays fast, and the
bars are the same whenever they are built.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mock_exchange.core.candles import Bar, HistoryView
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.intervals import Interval
from mock_exchange.core.tape import NO_ID, AggTrade, TapeEntry, aggregate

MAX_TAPE_ENTRIES = 50_000
MAX_TAPE_BYTES = 16 * 1024 * 1024
MAX_BARS = 100_000
FOLD_INTERVAL = Interval("1m")



@dataclass(frozen=True)
class WarmUp:
    """Pending warm-up bars: their trade count is known at once (the live tape's ids follow them),
    the bars themselves are built on first use."""

    trade_count: int
    build: Callable[[], list[Bar]]


class SymbolHistory:
    """Bars then tape entries, both ascending in time; trades indexed by id."""

    def __init__(self, price: Decimal, now_ms: int, warm_up: WarmUp | None = None) -> None:
        self._warm_up = warm_up
        self.bars: list[Bar] = []
        self.entries: list[TapeEntry] = [TapeEntry(now_ms, price, ZERO)]
        # Kept beside bars and entries so reads bisect without rebuilding them.
        self.bar_times: list[int] = []
        self.entry_times: list[int] = [now_ms]
        self.trades: list[TapeEntry] = []
        self.next_trade_id = warm_up.trade_count if warm_up is not None else 0
        self.next_agg_id = 0
        self.trades_in_time_order = True
        self._bytes = self.entries[0].size_bytes()

    # -- warm-up ---------------------------------------------------------------------------

    def ready(self) -> SymbolHistory:
        """Build the warm-up bars if they are still pending; returns self."""
        if self._warm_up is not None:
            bars = self._warm_up.build()[-MAX_BARS:]
            self._warm_up = None
            self.bars = bars + self.bars
            self.bar_times = [b.open_ms for b in self.bars]
        return self

    # -- writes ----------------------------------------------------------------------------

    def add_point(self, price: Decimal, now_ms: int, after_seq: int = NO_ID) -> None:
        """A bare price move: no trade, no volume (``after_seq``: the event log's last seq)."""
        self._append(TapeEntry(now_ms, price, ZERO, after_seq=after_seq))

    def add_trade(self, price: Decimal, qty: Decimal, is_buyer_maker: bool, taker: int, now_ms: int,
                  after_seq: int = NO_ID) -> TapeEntry:
        """A trade with the next trade id; it joins the previous aggregate when taker, price and time match."""
        time_ms = now_ms
        last = self.trades[-1] if self.trades else None
        if last is not None and time_ms < last.time_ms:
            self.trades_in_time_order = False  # the clock was set back
        if last is not None and last.taker == taker and last.price == price and last.time_ms == time_ms:
            agg_id = last.agg_id
        else:
            agg_id = self.next_agg_id
            self.next_agg_id += 1
        entry = TapeEntry(time_ms, price, qty, self.next_trade_id, agg_id, is_buyer_maker, taker, after_seq)
        self.next_trade_id += 1
        self.trades.append(entry)
        self._append(entry)
        return entry

    def _append(self, entry: TapeEntry) -> None:
        if entry.time_ms >= self.entry_times[-1]:
            self.entries.append(entry)
            self.entry_times.append(entry.time_ms)
        else:  # the clock was set back: the entry goes where its time is
            at = bisect_right(self.entry_times, entry.time_ms)
            self.entries.insert(at, entry)
            self.entry_times.insert(at, entry.time_ms)
        self._bytes += entry.size_bytes()
        if len(self.entries) > MAX_TAPE_ENTRIES or self._bytes > MAX_TAPE_BYTES:
            self._fold(max(1, len(self.entries) // 10))

    def _fold(self, count: int) -> None:
        """Fold the oldest ``count`` entries into one-minute bars."""
        self.ready()
        folded, self.entries = self.entries[:count], self.entries[count:]
        del self.entry_times[:count]
        self._bytes -= sum(e.size_bytes() for e in folded)
        gone = {e.trade_id for e in folded if e.is_trade}
        if gone:
            self.trades = [t for t in self.trades if t.trade_id not in gone]
        for entry in folded:
            self._fold_one(entry)
        if len(self.bars) > MAX_BARS:
            del self.bars[: len(self.bars) - MAX_BARS]
            del self.bar_times[: len(self.bar_times) - MAX_BARS]

    def _fold_one(self, entry: TapeEntry) -> None:
        open_ms = FOLD_INTERVAL.open_ms(FOLD_INTERVAL.index(entry.time_ms))
        price, qty = entry.price, entry.qty if entry.is_trade else ZERO
        quote = price * qty
        taker_buy = qty if entry.is_trade and not entry.is_buyer_maker else ZERO
        at = bisect_left(self.bar_times, open_ms)
        bar = self.bars[at] if at < len(self.bars) and self.bar_times[at] == open_ms else None
        if bar is not None:
            first_id = bar.first_trade_id if bar.trades or not entry.is_trade else entry.trade_id
            self.bars[at] = Bar(open_ms, bar.open, max(bar.high, price), min(bar.low, price), price,
                                bar.volume + qty, bar.quote_volume + quote, bar.trades + int(entry.is_trade),
                                bar.taker_buy_volume + taker_buy, bar.taker_buy_quote_volume + taker_buy * price,
                                first_id)
        else:
            self.bars.insert(at, Bar(open_ms, price, price, price, price, qty, quote, int(entry.is_trade), taker_buy,
                                     taker_buy * price, entry.trade_id if entry.is_trade else NO_ID))
            self.bar_times.insert(at, open_ms)

    # -- reads -----------------------------------------------------------------------------

    def view(self) -> HistoryView:
        self.ready()
        return HistoryView(self.bars, self.entries, self.bar_times, self.entry_times)

    def tape_view(self) -> HistoryView:
        """The tape alone (avgPrice and the filters read live trades only; no warm-up is built)."""
        return HistoryView((), self.entries, (), self.entry_times)

    def last_trade(self) -> TapeEntry | None:
        return self.trades[-1] if self.trades else None

    # -- snapshot --------------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        self.ready()
        return {"bars": [b.to_list() for b in self.bars], "tape": [e.to_list() for e in self.entries],
                "next_trade_id": self.next_trade_id, "next_agg_id": self.next_agg_id}

    @classmethod
    def restore(cls, data: Mapping[str, Any], price: Decimal) -> SymbolHistory:
        history = cls(price, 0)
        history.bars = [Bar.from_list(row) for row in data.get("bars", [])]
        # Sorted (stably) by time: an older snapshot kept prints in arrival order.
        history.entries = sorted((TapeEntry.from_list(row) for row in data["tape"]), key=lambda e: e.time_ms)
        if not history.entries:
            raise ValueError("a tape needs at least its start price")
        history.bar_times = [b.open_ms for b in history.bars]
        history.entry_times = [e.time_ms for e in history.entries]
        if history.bar_times != sorted(history.bar_times):
            raise ValueError("bars must ascend in time")
        history.trades = sorted((e for e in history.entries if e.is_trade), key=lambda e: e.trade_id)
        history.trades_in_time_order = all(a.time_ms <= b.time_ms for a, b in itertools.pairwise(history.trades))
        history._bytes = sum(e.size_bytes() for e in history.entries)
        last_id = history.trades[-1].trade_id if history.trades else NO_ID
        last_agg = history.trades[-1].agg_id if history.trades else NO_ID
        history.next_trade_id = int(data.get("next_trade_id", last_id + 1))
        history.next_agg_id = int(data.get("next_agg_id", last_agg + 1))
        if history.next_trade_id <= last_id or history.next_agg_id <= last_agg:
            raise ValueError("next trade ids must follow the tape's")
        return history


# -- trade queries (GET /api/v3/trades, historicalTrades, aggTrades) ---------------------------


def recent_trades(history: SymbolHistory, limit: int) -> list[TapeEntry]:
    """The newest ``limit`` trades, ascending."""
    return history.trades[-limit:]


def trades_from(history: SymbolHistory, from_id: int | None, limit: int) -> list[TapeEntry]:
    """``limit`` trades from id ``from_id`` on (the newest when None), ascending."""
    trades = history.trades
    if from_id is None:
        return trades[-limit:]
    start = bisect_left(trades, from_id, key=lambda t: t.trade_id)
    return trades[start:start + limit]


def agg_trades(history: SymbolHistory, from_id: int | None, start_ms: int | None, end_ms: int | None,
               limit: int) -> list[AggTrade]:
    """Aggregate trades: from ``from_id``; or in [start, end] (the first ``limit`` from start,
    the last ``limit`` up to end when only end is sent); or the newest ``limit``."""
    trades = history.trades
    if from_id is not None:
        first = bisect_left(trades, from_id, key=lambda t: t.agg_id)
        return _aggs_forward(trades, first, len(trades), limit)
    if history.trades_in_time_order:
        lo = 0 if start_ms is None else bisect_left(trades, start_ms, key=lambda t: t.time_ms)
        hi = len(trades) if end_ms is None else bisect_right(trades, end_ms, key=lambda t: t.time_ms)
    else:  # the clock was set back: filter by time, keeping id order
        trades = [t for t in trades if (start_ms is None or t.time_ms >= start_ms)
                  and (end_ms is None or t.time_ms <= end_ms)]
        lo, hi = 0, len(trades)
    if start_ms is not None:
        return _aggs_forward(trades, lo, hi, limit)
    return _aggs_backward(trades, lo, hi, limit)


def _aggs_forward(trades: list[TapeEntry], lo: int, hi: int, limit: int) -> list[AggTrade]:
    picked: list[TapeEntry] = []
    seen = 0
    for trade in trades[lo:hi]:
        if not picked or picked[-1].agg_id != trade.agg_id:
            seen += 1
            if seen > limit:
                break
        picked.append(trade)
    return aggregate(picked)


def _aggs_backward(trades: list[TapeEntry], lo: int, hi: int, limit: int) -> list[AggTrade]:
    picked: list[TapeEntry] = []
    seen = 0
    for trade in reversed(trades[lo:hi]):
        if not picked or picked[-1].agg_id != trade.agg_id:
            seen += 1
            if seen > limit:
                break
        picked.append(trade)
    picked.reverse()
    return aggregate(picked)
