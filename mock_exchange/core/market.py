"""The deterministic market: last prices and each symbol's history, moved only when told.

Prices move only through the exchange's market events (a test, a scenario or the control
API), never by themselves. What goes on the tape (docs/behaviour.md, "Candles and trades"):

- every fill of a user's order is a trade (price, quantity; the buyer was the maker when
  the BUY side rested);
- a control-plane ``trade(price, qty)`` is the fills it causes plus one trade of the
  quantity no resting order took, at ``price``;
- a bare ``set_price`` / ``price_path`` move is a price point: it moves the candle's
  close / high / low but adds no trade and no volume.

The tape feeds klines, trades, aggTrades, the tickers and avgPrice (which, like the
PERCENT_PRICE filters, reads live trades only, never warm-up bars).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal

from mock_exchange.core.candles import HistoryView, WindowStats
from mock_exchange.core.depth import UpdateLog
from mock_exchange.core.history import SymbolHistory, WarmUp
from mock_exchange.core.intervals import DAY_MS, MINUTE_MS
from mock_exchange.core.tape import TapeEntry


class Market:
    """Last price and history per symbol."""

    def __init__(self, start_prices: dict[str, Decimal], now_ms: int,
                 warm_ups: Mapping[str, WarmUp] | None = None) -> None:
        self._last: dict[str, Decimal] = dict(start_prices)
        self._history: dict[str, SymbolHistory] = {
            symbol: SymbolHistory(price, now_ms, (warm_ups or {}).get(symbol)) for symbol, price in start_prices.items()
        }
        self._print_seq = 0
        self._current_print: dict[str, int] = {}
        self._books: dict[str, UpdateLog] = {symbol: UpdateLog() for symbol in start_prices}

    def add_symbol(self, symbol: str, price: Decimal, now_ms: int, warm_up: WarmUp | None = None) -> None:
        self._last[symbol] = price
        self._history[symbol] = SymbolHistory(price, now_ms, warm_up)
        self._books[symbol] = UpdateLog()

    def symbols(self) -> Iterable[str]:
        return self._last.keys()

    def last_price(self, symbol: str) -> Decimal:
        return self._last[symbol]

    def history(self, symbol: str) -> SymbolHistory:
        return self._history[symbol]

    def view(self, symbol: str) -> HistoryView:
        return self._history[symbol].view()

    def book(self, symbol: str) -> UpdateLog:
        """The symbol's book update id and latest updates (core/depth.py)."""
        return self._books[symbol]

    # -- writes: one print, and the fills it causes ---------------------------------------------

    def begin_print(self, symbol: str, price: Decimal, now_ms: int, after_seq: int = -1) -> Decimal:
        """A print starts: the last price becomes ``price``; returns the previous last price.

        The synthetic book follows the last price (core/depth.py): a move is one book update,
        made before the print fills anything.
        """
        previous = self._last[symbol]
        if price != previous:
            self._books[symbol].record(now_ms, previous, price, after_seq, self._history[symbol].next_trade_id)
        self._last[symbol] = price
        self._print_seq += 1
        self._current_print[symbol] = -self._print_seq
        return previous

    def end_print(self, symbol: str, price: Decimal, untaken: Decimal | None, previous: Decimal, now_ms: int,
                  is_buyer_maker: bool | None = None, after_seq: int = -1) -> None:
        """The print ends: its untaken quantity trades at ``price``, or it stays a bare price point.

        Which side took, unless ``is_buyer_maker`` says (a replayed aggTrade): the tick rule,
        a print below the previous price was a seller hitting bids, so the buyer was the maker.
        """
        history = self._history[symbol]
        if untaken is not None and untaken > 0:
            maker = price < previous if is_buyer_maker is None else is_buyer_maker
            history.add_trade(price, untaken, maker, self._current_print[symbol], now_ms, after_seq)
        else:
            history.add_point(price, now_ms, after_seq)
        self._current_print.pop(symbol, None)

    def record_fill(self, symbol: str, price: Decimal, qty: Decimal, is_buyer_maker: bool, taker_order_id: int | None,
                    now_ms: int, after_seq: int = -1) -> TapeEntry:
        """A fill of a user's order; a maker fill's taker is the print under way."""
        taker = taker_order_id if taker_order_id is not None else self._current_print.get(symbol, 0)
        return self._history[symbol].add_trade(price, qty, is_buyer_maker, taker, now_ms, after_seq)

    def record(self, symbol: str, price: Decimal, qty: Decimal, now_ms: int) -> None:
        """A whole print with nothing resting to fill: ``qty`` trades at ``price`` (zero: a price point)."""
        previous = self.begin_print(symbol, price, now_ms)
        self.end_print(symbol, price, qty, previous, now_ms)

    # -- reads ------------------------------------------------------------------------------

    def avg_price(self, symbol: str, minutes: int, now_ms: int) -> Decimal:
        """Volume-weighted price of the live trades of the last ``minutes`` (else the last price)."""
        price, _ = self.avg_price_and_time(symbol, minutes, now_ms)
        return price

    def avg_price_and_time(self, symbol: str, minutes: int, now_ms: int) -> tuple[Decimal, int | None]:
        """(avgPrice, time of the last trade on the tape, if any)."""
        last_trade = self._history[symbol].last_trade()
        last_time = last_trade.time_ms if last_trade is not None else None
        if minutes <= 0:
            return self._last[symbol], last_time
        view = self._history[symbol].tape_view()
        volume, quote, _ = view.volume_weighted(now_ms - minutes * MINUTE_MS, now_ms)
        return (quote / volume if volume else self._last[symbol]), last_time

    def window(self, symbol: str, start_ms: int, end_ms: int) -> WindowStats:
        return self.view(symbol).window(start_ms, end_ms, self._last[symbol])

    def stats_24h(self, symbol: str, now_ms: int) -> dict[str, object]:
        """Open, high, low, last, volumes and count over the rolling 24 hours."""
        stats = self.window(symbol, now_ms - DAY_MS, now_ms)
        return {
            "open_price": stats.open, "high_price": stats.high, "low_price": stats.low,
            "last_price": self._last[symbol], "last_qty": stats.last_qty, "volume": stats.volume,
            "quote_volume": stats.quote_volume, "count": stats.trades, "first_id": stats.first_id,
            "last_id": stats.last_id, "open_time": stats.open_ms, "close_time": stats.close_ms,
        }

    # -- snapshot ---------------------------------------------------------------------------

    def state(self) -> dict[str, object]:
        return {symbol: {"last": str(self._last[symbol]), "book_update_id": self._books[symbol].last_id,
                         **self._history[symbol].state()} for symbol in self._last}

    def restore(self, state: dict[str, object]) -> None:
        last: dict[str, Decimal] = {}
        history: dict[str, SymbolHistory] = {}
        books: dict[str, UpdateLog] = {}
        for symbol, entry in state.items():
            data = dict(entry)  # type: ignore[call-overload]
            last[symbol] = Decimal(data["last"])
            history[symbol] = SymbolHistory.restore(data, last[symbol])
            books[symbol] = UpdateLog(int(data.get("book_update_id", 1)))  # absent from older snapshots
        self._last, self._history, self._books = last, history, books
        self._current_print = {}

