"""The deterministic market: last prices and the trade tape, moved only when told.

The tape feeds the market-data endpoints (ticker, 24hr, avgPrice) and the
PERCENT_PRICE filters' average price. Prices move only through the exchange's market
events (a test, a scenario or the control API), never by themselves.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from mock_exchange.core.decimals import ZERO

DAY_MS = 24 * 60 * 60 * 1000
# Enough for 24 h of minute-level moves; older prints fall off the tape.
TAPE_LIMIT = 10_000


@dataclass(frozen=True, slots=True)
class Print:
    """One market print: a price (and the quantity traded at it) at a time."""

    time_ms: int
    price: Decimal
    qty: Decimal


class Market:
    """Last price and recent prints per symbol."""

    def __init__(self, start_prices: dict[str, Decimal], now_ms: int) -> None:
        self._last: dict[str, Decimal] = dict(start_prices)
        self._tape: dict[str, deque[Print]] = {
            symbol: deque([Print(now_ms, price, ZERO)], maxlen=TAPE_LIMIT) for symbol, price in start_prices.items()
        }

    def add_symbol(self, symbol: str, price: Decimal, now_ms: int) -> None:
        self._last[symbol] = price
        self._tape[symbol] = deque([Print(now_ms, price, ZERO)], maxlen=TAPE_LIMIT)

    def symbols(self) -> Iterable[str]:
        return self._last.keys()

    def last_price(self, symbol: str) -> Decimal:
        return self._last[symbol]

    def record(self, symbol: str, price: Decimal, qty: Decimal, now_ms: int) -> None:
        """A new print: the last price becomes ``price``."""
        self._last[symbol] = price
        self._tape[symbol].append(Print(now_ms, price, qty))

    def prints_since(self, symbol: str, since_ms: int) -> list[Print]:
        tape = self._tape[symbol]
        times = [p.time_ms for p in tape]
        return list(tape)[bisect_left(times, since_ms):]

    def avg_price(self, symbol: str, minutes: int, now_ms: int) -> Decimal:
        """Volume-weighted price of the last ``minutes`` (the last price when nothing traded)."""
        if minutes <= 0:
            return self._last[symbol]
        prints = [p for p in self.prints_since(symbol, now_ms - minutes * 60_000) if p.qty > 0]
        volume = sum((p.qty for p in prints), ZERO)
        if volume == 0:
            return self._last[symbol]
        return sum((p.price * p.qty for p in prints), ZERO) / volume

    def stats_24h(self, symbol: str, now_ms: int) -> dict[str, object]:
        """Open, high, low, last, volumes and count over the rolling 24 hours."""
        window = self.prints_since(symbol, now_ms - DAY_MS)
        before = [p for p in self._tape[symbol] if p.time_ms < now_ms - DAY_MS]
        last = self._last[symbol]
        first = before[-1] if before else (window[0] if window else Print(now_ms, last, ZERO))
        prices = [p.price for p in window] or [last]
        traded = [p for p in window if p.qty > 0]
        return {
            "open_price": first.price,
            "high_price": max(prices),
            "low_price": min(prices),
            "last_price": last,
            "last_qty": traded[-1].qty if traded else ZERO,
            "volume": sum((p.qty for p in traded), ZERO),
            "quote_volume": sum((p.qty * p.price for p in traded), ZERO),
            "count": len(traded),
            "open_time": first.time_ms if window or before else now_ms,
            "close_time": now_ms,
        }

    def state(self) -> dict[str, object]:
        return {
            symbol: {"last": str(self._last[symbol]),
                     "tape": [[p.time_ms, str(p.price), str(p.qty)] for p in self._tape[symbol]]}
            for symbol in self._last
        }

    def restore(self, state: dict[str, object]) -> None:
        self._last = {}
        self._tape = {}
        for symbol, entry in state.items():
            data = dict(entry)  # type: ignore[call-overload]
            self._last[symbol] = Decimal(data["last"])
            self._tape[symbol] = deque(
                (Print(int(t), Decimal(p), Decimal(q)) for t, p, q in data["tape"]), maxlen=TAPE_LIMIT
            )
