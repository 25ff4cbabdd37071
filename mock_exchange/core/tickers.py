"""The arithmetic of Binance's tickers, shared by the REST tickers, the WebSocket API and the streams.

Sources: binance-spot-api-docs rest-api.md ("24hr ticker price change statistics",
"Rolling window price change statistics") and web-socket-streams.md ("Individual Symbol
Ticker Streams", "Individual Symbol Rolling Window Statistics Streams").
"""

from __future__ import annotations

from decimal import Decimal

from mock_exchange.core.candles import WindowStats
from mock_exchange.core.intervals import MINUTE_MS

AVG_PRICE_MINS = 5  # avgPrice's "mins" and the avgPrice stream's "i" (5m)


def percent_text(change: Decimal, base: Decimal) -> str:
    """The price change in percent of ``base``, with 3 decimals (0 when ``base`` is 0)."""
    return f"{(change * 100 / base if base else Decimal(0)).quantize(Decimal('0.001')):f}"


def weighted_average(stats: WindowStats, last: Decimal) -> Decimal:
    """Quote volume over base volume; the last price when nothing traded."""
    return stats.quote_volume / stats.volume if stats.volume else last


def rolling_window_start(now_ms: int, size_ms: int) -> int:
    """A rolling window's open: "openTime always starts on a minute; closeTime is the current time"."""
    return (now_ms - size_ms) // MINUTE_MS * MINUTE_MS
