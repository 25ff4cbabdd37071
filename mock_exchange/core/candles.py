"""Candles: the market history folded into klines and rolling-window statistics.

Two kinds of history feed a candle, both sorted by time:

- :class:`Bar` — a ready candle (warm-up history, a Binance klines file, or tape
  entries folded away to keep the tape bounded). A bar counts in the bucket holding
  its open time, so a coarser interval sums bars and a finer one shows each bar whole.
- :class:`~mock_exchange.core.tape.TapeEntry` — one trade, or a bare price point that
  moves open / high / low / close and adds no volume or trade.

A bucket with neither is a flat candle at the previous close with zero volume: a
continuous series from the start of the history to the current (open) candle, as a bot
computing indicators expects. Everything is pure and Decimal; times are epoch ms.
"""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TypeVar

from mock_exchange.core.decimals import ZERO
from mock_exchange.core.intervals import Interval
from mock_exchange.core.tape import TapeEntry

_T = TypeVar("_T")


@dataclass(frozen=True, slots=True)
class Bar:
    """A ready candle: OHLCV, trade count and the id of its first trade."""

    open_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    taker_buy_volume: Decimal
    taker_buy_quote_volume: Decimal
    first_trade_id: int = -1  # -1 when it holds no trades

    @property
    def time_ms(self) -> int:
        return self.open_ms

    def to_list(self) -> list[object]:
        return [self.open_ms, str(self.open), str(self.high), str(self.low), str(self.close), str(self.volume),
                str(self.quote_volume), self.trades, str(self.taker_buy_volume), str(self.taker_buy_quote_volume),
                self.first_trade_id]

    @classmethod
    def from_list(cls, row: Sequence[object]) -> Bar:
        if not isinstance(row, list) or len(row) != 11:
            raise ValueError("a bar is [open_ms, open, high, low, close, volume, quote_volume, trades, "
                             "taker_buy_volume, taker_buy_quote_volume, first_trade_id]")
        o, h, lo, c, v, qv = (Decimal(str(x)) for x in row[1:7])
        return cls(int(str(row[0])), o, h, lo, c, v, qv, int(str(row[7])), Decimal(str(row[8])),
                   Decimal(str(row[9])), int(str(row[10])))


@dataclass(frozen=True, slots=True)
class Kline:
    """One row of GET /api/v3/klines."""

    open_ms: int
    close_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    taker_buy_volume: Decimal
    taker_buy_quote_volume: Decimal


@dataclass(frozen=True, slots=True)
class WindowStats:
    """Price change statistics over [open_ms, close_ms] (ticker, 24hr, tradingDay)."""

    open_ms: int
    close_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    last: Decimal
    volume: Decimal
    quote_volume: Decimal
    trades: int
    first_id: int
    last_id: int
    last_qty: Decimal

    @property
    def price_change(self) -> Decimal:
        return self.last - self.open

    @property
    def weighted_avg(self) -> Decimal:
        return self.quote_volume / self.volume if self.volume else self.last


class _Acc:
    """Running OHLCV of one bucket or window."""

    __slots__ = ("open", "high", "low", "close", "volume", "quote", "trades", "tb_volume", "tb_quote",
                 "first_id", "last_id", "last_qty")

    def __init__(self, price: Decimal) -> None:
        self.open = self.high = self.low = self.close = price
        self.volume = self.quote = self.tb_volume = self.tb_quote = self.last_qty = ZERO
        self.trades = 0
        self.first_id = self.last_id = -1

    def add(self, item: Bar | TapeEntry, first: bool) -> None:
        if isinstance(item, Bar):
            if first:
                self.open = self.high = self.low = item.open
            self.high = max(self.high, item.high)
            self.low = min(self.low, item.low)
            self.close = item.close
            self.volume += item.volume
            self.quote += item.quote_volume
            self.tb_volume += item.taker_buy_volume
            self.tb_quote += item.taker_buy_quote_volume
            if item.trades:
                self._ids(item.first_trade_id, item.first_trade_id + item.trades - 1)
                self.trades += item.trades
            return
        price = item.price
        if first:
            self.open = self.high = self.low = price
        self.high = max(self.high, price)
        self.low = min(self.low, price)
        self.close = price
        if item.trade_id >= 0:
            quote = price * item.qty
            self.volume += item.qty
            self.quote += quote
            self.trades += 1
            self.last_qty = item.qty
            if not item.is_buyer_maker:  # the buyer took: a taker buy
                self.tb_volume += item.qty
                self.tb_quote += quote
            self._ids(item.trade_id, item.trade_id)

    def _ids(self, first: int, last: int) -> None:
        if self.first_id < 0:
            self.first_id = first
        self.last_id = last


def _between(items: Sequence[_T], times: Sequence[int], start: int, end: int) -> Iterator[_T]:
    return (items[i] for i in range(bisect_left(times, start), bisect_right(times, end)))


def _merged(bars: Sequence[Bar], bar_times: Sequence[int], entries: Sequence[TapeEntry],
            entry_times: Sequence[int], start: int, end: int) -> Iterator[Bar | TapeEntry]:
    """Bars and entries with time in [start, end], by time (a bar before an entry at the same ms)."""
    bar_keys: Iterator[tuple[int, int, int, Bar | TapeEntry]] = (
        (b.open_ms, 0, i, b) for i, b in enumerate(_between(bars, bar_times, start, end)))
    entry_keys: Iterator[tuple[int, int, int, Bar | TapeEntry]] = (
        (e.time_ms, 1, i, e) for i, e in enumerate(_between(entries, entry_times, start, end)))
    keyed = heapq.merge(bar_keys, entry_keys)
    return (item for _, _, _, item in keyed)


def _close_before(bars: Sequence[Bar], bar_times: Sequence[int], entries: Sequence[TapeEntry],
                  entry_times: Sequence[int], time_ms: int) -> tuple[int, Decimal] | None:
    """(time, close) of the last bar or entry before ``time_ms``, if any."""
    best: tuple[int, Decimal] | None = None
    i = bisect_left(bar_times, time_ms)
    if i:
        best = (bars[i - 1].open_ms, bars[i - 1].close)
    j = bisect_left(entry_times, time_ms)
    if j and (best is None or entries[j - 1].time_ms >= best[0]):
        best = (entries[j - 1].time_ms, entries[j - 1].price)
    return best


class HistoryView:
    """A read-only, time-indexed view of one symbol's bars and tape entries."""

    def __init__(self, bars: Sequence[Bar], entries: Sequence[TapeEntry], bar_times: Sequence[int] | None = None,
                 entry_times: Sequence[int] | None = None) -> None:
        self.bars = bars
        self.entries = entries
        self.bar_times = bar_times if bar_times is not None else [b.open_ms for b in bars]
        self.entry_times = entry_times if entry_times is not None else [e.time_ms for e in entries]

    def first_time(self) -> int | None:
        times = [t[0] for t in (self.bar_times, self.entry_times) if t]
        return min(times) if times else None

    def last_time(self) -> int | None:
        times = [t[-1] for t in (self.bar_times, self.entry_times) if t]
        return max(times) if times else None

    def items(self, start: int, end: int) -> Iterator[Bar | TapeEntry]:
        return _merged(self.bars, self.bar_times, self.entries, self.entry_times, start, end)

    def close_before(self, time_ms: int) -> Decimal | None:
        found = _close_before(self.bars, self.bar_times, self.entries, self.entry_times, time_ms)
        return None if found is None else found[1]

    # -- klines ---------------------------------------------------------------------------

    def klines(self, interval: Interval, now_ms: int, start: int | None, end: int | None, limit: int) -> list[Kline]:
        """Binance's klines: open time in [start, end]; the newest ``limit`` unless ``start`` is sent."""
        first, last = self.first_time(), self.last_time()
        if first is None or last is None:
            return []
        lo, hi = interval.index(first), interval.index(max(now_ms, last))
        if start is not None:
            at = interval.index(start)
            lo = max(lo, at if interval.open_ms(at) >= start else at + 1)
        if end is not None:
            hi = min(hi, interval.index(end))
        if lo > hi:
            return []
        if start is None:
            lo = max(lo, hi - limit + 1)
        else:
            hi = min(hi, lo + limit - 1)
        opens = [interval.open_ms(i) for i in range(lo, hi + 2)]
        carry = self.close_before(opens[0])
        rows: list[Kline] = []
        items = self.items(opens[0], opens[-1] - 1)
        pending = next(items, None)
        for k in range(len(opens) - 1):
            open_ms, next_open = opens[k], opens[k + 1]
            acc: _Acc | None = None
            while pending is not None and pending.time_ms < next_open:
                if acc is None:
                    acc = _Acc(carry if carry is not None else ZERO)
                    acc.add(pending, first=True)
                else:
                    acc.add(pending, first=False)
                pending = next(items, None)
            if acc is None:
                if carry is None:
                    continue  # before the first price: no candle
                acc = _Acc(carry)
            carry = acc.close
            rows.append(Kline(open_ms, next_open - 1, acc.open, acc.high, acc.low, acc.close, acc.volume,
                              acc.quote, acc.trades, acc.tb_volume, acc.tb_quote))
        return rows

    # -- rolling windows --------------------------------------------------------------------

    def window(self, start: int, end: int, last_price: Decimal) -> WindowStats:
        """Statistics of everything in [start, end]; the open is the price in effect at ``start``."""
        carry = self.close_before(start)
        acc: _Acc | None = None
        if carry is not None:
            acc = _Acc(carry)
        for item in self.items(start, end):
            if acc is None:
                acc = _Acc(ZERO)
                acc.add(item, first=True)
            else:
                acc.add(item, first=False)
        if acc is None:
            acc = _Acc(last_price)
        return WindowStats(start, end, acc.open, acc.high, acc.low, acc.close, acc.volume, acc.quote, acc.trades,
                           acc.first_id, acc.last_id, acc.last_qty)

    def volume_weighted(self, start: int, end: int) -> tuple[Decimal, Decimal, int | None]:
        """(volume, quote volume, time of the last trade) of the tape trades in [start, end]."""
        volume = quote = ZERO
        last: int | None = None
        for entry in _between(self.entries, self.entry_times, start, end):
            if entry.trade_id >= 0:
                volume += entry.qty
                quote += entry.qty * entry.price
                last = entry.time_ms
        return volume, quote, last
