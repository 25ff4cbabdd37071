"""Warm-up history: the candles a symbol already has when the exchange starts.

Two sources, both deterministic:

- :func:`synthetic_bars` — a seeded random walk of ``count`` candles of one interval
  that ends, at the candle before the current one, on the symbol's start price. Only
  integers from :class:`random.Random` (seeded with a string, which Python hashes with
  SHA-512) and Decimal arithmetic are used, so the same seed gives the same candles,
  byte for byte, on every machine.
- :func:`file_bars` — rows of Binance's published klines CSV (data.binance.vision:
  open time, open, high, low, close, volume, close time, quote volume, trades, taker buy
  base volume, taker buy quote volume, ignore), parsed by :func:`parse_klines_csv` and,
  by default, moved in time so the last row is the candle before the current one.

Trade ids: the bars' trades take ids 0.. in order, and the live tape continues after them.
"""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence
from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, Decimal

from mock_exchange.core.candles import Bar
from mock_exchange.core.config import SymbolConfig
from mock_exchange.core.decimals import ZERO, parse_decimal
from mock_exchange.core.history import WarmUp
from mock_exchange.core.intervals import KLINE_INTERVALS, Interval

EIGHT_PLACES = Decimal("0.00000001")
MAX_FILE_ROWS = 100_000
_BITS = 20
_MASK = (1 << _BITS) - 1
_SCALE = Decimal(1 << _BITS)


def _normal(rng: random.Random) -> Decimal:
    """An approximately standard normal draw (Irwin-Hall: 12 uniforms from one 240-bit draw, minus 6)."""
    bits = rng.getrandbits(12 * _BITS)
    total = 0
    for _ in range(12):
        total += bits & _MASK
        bits >>= _BITS
    return Decimal(total - 6 * _MASK) / _SCALE


def _uniform(rng: random.Random, low: int, high: int) -> Decimal:
    """A draw in [low, high] thousandths."""
    return Decimal(low + rng.getrandbits(20) % (high - low + 1)) / 1000


def _quantize(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    return value.quantize(step, rounding=rounding) if step > 0 else value.quantize(EIGHT_PLACES, rounding=rounding)


@functools.lru_cache(maxsize=256)
def synthetic_trade_counts(symbol: str, seed: int, interval: str, count: int) -> tuple[int, ...]:
    """The trades of each synthetic candle (10..30), from their own seeded stream: known without the candles.

    A pure function of its arguments, computed once per process for each (a fresh exchange
    per test would otherwise draw them again for every symbol).
    """
    rng = random.Random(f"mock-exchange warm-up trades:{seed}:{symbol}:{interval}")
    return tuple(10 + rng.getrandbits(20) % 21 for _ in range(count))


@functools.lru_cache(maxsize=256)
def _total_trades(symbol: str, seed: int, interval: str, count: int) -> int:
    """The sum of :func:`synthetic_trade_counts`, once per process as they are."""
    return sum(synthetic_trade_counts(symbol, seed, interval, count))


def synthetic_bars(symbol: str, seed: int, interval: str, count: int, volatility: Decimal, volume: Decimal,
                   end_price: Decimal, now_ms: int, tick: Decimal, step: Decimal,
                   trade_counts: Sequence[int] | None = None) -> list[Bar]:
    """``count`` candles of a random walk ending at ``end_price`` just before ``now_ms``'s candle.

    ``volatility`` is the standard deviation of one candle's return; ``volume`` the mean
    base volume of a candle. Prices are multiples of ``tick`` (never below one tick),
    volumes of ``step``.
    """
    if count <= 0:
        return []
    rng = random.Random(f"mock-exchange warm-up:{seed}:{symbol}:{interval}")
    counts = trade_counts if trade_counts is not None else synthetic_trade_counts(symbol, seed, interval, count)
    floor = tick if tick > 0 else EIGHT_PLACES
    # Walk back from the end price: closes[-1] is the last candle's close.
    closes = [_quantize(end_price, tick, ROUND_FLOOR)]
    for _ in range(count):
        previous = _quantize(closes[-1] * (1 - volatility * _normal(rng)), tick, ROUND_FLOOR)
        closes.append(max(previous, floor))
    closes.reverse()  # closes[0] is the first candle's open, closes[i + 1] candle i's close
    frame = Interval(interval)
    last_index = frame.index(now_ms) - 1
    bars: list[Bar] = []
    next_id = 0
    for i in range(count):
        open_price, close = closes[i], closes[i + 1]
        high = _quantize(max(open_price, close) * (1 + volatility * _uniform(rng, 0, 1000)), tick, ROUND_CEILING)
        low = max(_quantize(min(open_price, close) * (1 - volatility * _uniform(rng, 0, 1000)), tick, ROUND_FLOOR),
                  floor)
        base = _quantize(volume * _uniform(rng, 500, 1500), step, ROUND_DOWN)
        taker = _quantize(base * _uniform(rng, 300, 700), step, ROUND_DOWN)
        trades = counts[i]
        typical = (open_price + high + low + close) / 4
        bars.append(Bar(
            open_ms=frame.open_ms(last_index - count + 1 + i), open=open_price, high=high, low=low, close=close,
            volume=base, quote_volume=(base * typical).quantize(EIGHT_PLACES),
            trades=trades, taker_buy_volume=taker, taker_buy_quote_volume=(taker * typical).quantize(EIGHT_PLACES),
            first_trade_id=next_id,
        ))
        next_id += trades
    return bars


# -- Binance's klines CSV ---------------------------------------------------------------------

KlineRow = tuple[int, int, Decimal, Decimal, Decimal, Decimal, Decimal, Decimal, int, Decimal, Decimal]


def parse_klines_csv(text: str) -> list[KlineRow]:
    """Rows of a klines CSV (a header line is skipped); ValueError names the line at fault.

    Times in microseconds (Binance's spot files from 2025 on) are read as milliseconds.
    Rows must ascend by open time.
    """
    rows: list[KlineRow] = []
    for number, line in enumerate(text.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        if number == 1 and not fields[0].lstrip("-").isdigit():
            continue  # a header
        if len(fields) < 11:
            raise ValueError(f"line {number}: expected 12 columns (Binance klines format), got {len(fields)}")
        try:
            open_ms, close_ms, trades = _millis(fields[0]), _millis(fields[6]), int(fields[8])
        except ValueError:
            raise ValueError(f"line {number}: open time, close time and trades must be integers") from None
        values = []
        for column in (1, 2, 3, 4, 5, 7, 9, 10):
            value = parse_decimal(fields[column])
            if value is None:
                raise ValueError(f"line {number}: column {column + 1} is not a decimal: {fields[column]!r}")
            values.append(value)
        o, h, lo, c, v, qv, tbv, tbqv = values
        if not (lo <= min(o, c) and max(o, c) <= h) or lo <= 0 or trades < 0 or close_ms < open_ms:
            raise ValueError(f"line {number}: not a candle (low <= open, close <= high, prices > 0, close time "
                             "after open time)")
        if rows and open_ms <= rows[-1][0]:
            raise ValueError(f"line {number}: open times must ascend")
        rows.append((open_ms, close_ms, o, h, lo, c, v, qv, trades, tbv, tbqv))
        if len(rows) > MAX_FILE_ROWS:
            raise ValueError(f"more than {MAX_FILE_ROWS} rows")
    if not rows:
        raise ValueError("no klines in the file")
    return rows


def _millis(text: str) -> int:
    value = int(text)
    return value // 1000 if value > 10**14 else value


def interval_of(rows: Sequence[KlineRow]) -> str | None:
    """The fixed kline interval the rows' open-to-close span matches, if any."""
    span = rows[0][1] - rows[0][0] + 1
    for name in KLINE_INTERVALS:
        if Interval(name).fixed_ms == span:
            return name
    return None


def file_bars(rows: Sequence[KlineRow], now_ms: int, align_to_start: bool) -> list[Bar]:
    """The rows as bars; aligned, the last row becomes the candle before ``now_ms``'s."""
    shift = 0
    name = interval_of(rows)
    if align_to_start and name is not None:
        frame = Interval(name)
        shift = frame.open_ms(frame.index(now_ms) - 1) - rows[-1][0]
    bars: list[Bar] = []
    next_id = 0
    for open_ms, _close, o, h, lo, c, v, qv, trades, tbv, tbqv in rows:
        bars.append(Bar(open_ms + shift, o, h, lo, c, v, qv, trades, tbv, tbqv, next_id if trades else -1))
        next_id += trades
    return bars



def warm_up_for(spec: SymbolConfig, seed: int, now_ms: int) -> WarmUp | None:
    """The (lazy) warm-up of a configured symbol at an exchange built at ``now_ms``, or None."""
    history = spec.history
    if history is None:
        return None
    if history.rows:
        rows = history.rows
        return WarmUp(sum(row[8] for row in rows), lambda: file_bars(rows, now_ms, history.align_to_start))
    if history.candles <= 0:
        return None
    price_filter, lot_size = spec.filter("PRICE_FILTER"), spec.filter("LOT_SIZE")
    tick = Decimal(price_filter["tickSize"]) if price_filter and "tickSize" in price_filter else ZERO
    step = Decimal(lot_size["stepSize"]) if lot_size and "stepSize" in lot_size else ZERO
    walk_seed = seed if history.seed is None else history.seed
    counts = synthetic_trade_counts(spec.symbol, walk_seed, history.interval, history.candles)
    total = _total_trades(spec.symbol, walk_seed, history.interval, history.candles)
    return WarmUp(total, lambda: synthetic_bars(spec.symbol, walk_seed, history.interval, history.candles,
                                                history.volatility, history.volume, spec.last_price, now_ms,
                                                tick, step, counts))
