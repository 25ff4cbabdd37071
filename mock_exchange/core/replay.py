"""Replay of Binance's public market data: files read as prints, a player that prints them.

Binance publishes its history at data.binance.vision in two shapes this reads
(binance/binance-public-data, README.md, "SPOT" and "FUTURES"):

- **klines**: open time, open, high, low, close, volume, close time, quote asset volume,
  number of trades, taker buy base volume, taker buy quote volume, ignore (12 columns);
- **aggTrades**: aggregate trade id, price, quantity, first trade id, last trade id,
  timestamp, was the buyer the maker, [was the trade the best price match] (8 columns
  on spot, 7 on futures).

Either with or without a header line (futures files have one, spot files do not).
Timestamps are milliseconds, or microseconds (spot files from 2025-01-01 on): a value
above :data:`MICROS_ABOVE` is microseconds and is read as whole milliseconds, the
exchange clock's unit. A row that does not parse raises :class:`ReplayFileError`
naming ``file:line``.

What a row becomes (docs/replay.md):

- an aggTrade is one print of its quantity at its price, at its time, with the file's
  buyer-maker flag: resting orders it crosses fill up to its quantity, the rest trades;
- a kline is four prints, each a quarter of its volume: **open**, then the extreme
  **nearer to the open**, then the other extreme, then **close**. A tie (high and low
  equally far from the open) goes low first when the bar closed at or above its open,
  high first when it closed below. They are stamped at the open time, a third and two
  thirds of the way through the bar, and the close time. A bar of zero volume moves the
  price only (bare price points).

Nothing here reads a file: :class:`ReplayPlayer` is given a function that returns the
file's lines afresh (mock_exchange/replay/files.py opens zips and plain CSV), and it
pulls one line at a time, so a year of trades never sits in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

KLINES, AGG_TRADES = "klines", "aggTrades"
# Milliseconds reach 10**14 in the year 5138; microseconds passed it in 1973.
MICROS_ABOVE = 10**14
# How much of one line is read at most: a real line is under 200 characters.
MAX_LINE_CHARS = 4096
_BOOLS = {"true": True, "false": False}

LOADED, PLAYING, PAUSED, ENDED, FAILED = "loaded", "playing", "paused", "ended", "failed"
MINUTE_MS = 60_000


class ReplayFileError(ValueError):
    """A replay file that cannot be read as Binance's format; the message names file:line."""


@dataclass(frozen=True, slots=True)
class KlineRow:
    open_ms: int
    close_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    volume: Decimal


@dataclass(frozen=True, slots=True)
class AggTradeRow:
    agg_id: int
    price: Decimal
    qty: Decimal
    time_ms: int
    is_buyer_maker: bool


Row = KlineRow | AggTradeRow


@dataclass(frozen=True, slots=True)
class Print:
    """One market print the replay makes: at ``time_ms``, ``qty`` at ``price`` (None: a bare price point)."""

    time_ms: int
    price: Decimal
    qty: Decimal | None
    is_buyer_maker: bool | None  # None: the engine's tick rule decides
    line: int  # the file line it comes from


# -- reading rows ------------------------------------------------------------------------------


def millis(value: int) -> int:
    """A Binance timestamp in ms or µs, as whole milliseconds."""
    return value // 1000 if value > MICROS_ABOVE else value


def _decimal(text: str, what: str, positive: bool = False) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"{what} is not a decimal: {text!r}") from None
    if not value.is_finite() or value < 0 or (positive and value == 0):
        raise ValueError(f"{what} must be a {'positive' if positive else 'non-negative'} decimal: {text!r}")
    return value


def _integer(text: str, what: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise ValueError(f"{what} is not a whole non-negative number: {text!r}")
    return value


def _time(text: str, what: str) -> int:
    return millis(_integer(text, what))


def kind_of(fields: list[str]) -> str | None:
    """The format a data row's column count says, if any."""
    if len(fields) == 12:
        return KLINES
    if len(fields) in (7, 8):
        return AGG_TRADES
    return None


def _kline(fields: list[str]) -> KlineRow:
    open_ms, close_ms = _time(fields[0], "open time"), _time(fields[6], "close time")
    o, h, lo, c = (_decimal(fields[i], name, positive=True) for i, name in
                   ((1, "open"), (2, "high"), (3, "low"), (4, "close")))
    volume = _decimal(fields[5], "volume")
    _integer(fields[8], "number of trades")
    for i, name in ((7, "quote asset volume"), (9, "taker buy base volume"), (10, "taker buy quote volume")):
        _decimal(fields[i], name)
    if not (lo <= min(o, c) and max(o, c) <= h):
        raise ValueError(f"not a candle: low {fields[3]} <= open {fields[1]}, close {fields[4]} <= high {fields[2]}")
    if close_ms < open_ms:
        raise ValueError("the close time is before the open time")
    return KlineRow(open_ms, close_ms, o, h, lo, c, volume)


def _agg_trade(fields: list[str]) -> AggTradeRow:
    agg_id = _integer(fields[0], "aggregate trade id")
    price = _decimal(fields[1], "price", positive=True)
    qty = _decimal(fields[2], "quantity", positive=True)
    _integer(fields[3], "first trade id")
    _integer(fields[4], "last trade id")
    time_ms = _time(fields[5], "time")
    maker = _BOOLS.get(fields[6].lower())
    if maker is None:
        raise ValueError(f"was the buyer the maker: expected True or False, got {fields[6]!r}")
    if len(fields) == 8 and fields[7].lower() not in _BOOLS:
        raise ValueError(f"was the trade the best price match: expected True or False, got {fields[7]!r}")
    return AggTradeRow(agg_id, price, qty, time_ms, maker)


def _is_header(fields: list[str]) -> bool:
    return not fields[0].strip().lstrip("-").isdigit()


def read_rows(lines: Iterable[str], source: str) -> Generator[tuple[int, Row], None, None]:
    """(line number, row) of a klines or aggTrades file, in file order; ReplayFileError names file:line.

    The first data row fixes the format; a header line before it is skipped. Rows must
    not go back in time.
    """
    kind: str | None = None
    last_time = -1
    number = 0
    for number, raw in enumerate(lines, start=1):
        if len(raw) > MAX_LINE_CHARS:
            raise ReplayFileError(f"{source}:{number}: a line longer than {MAX_LINE_CHARS} characters")
        line = raw.strip()
        if not line:
            continue
        fields = [f.strip() for f in line.split(",")]
        if kind is None:
            if number == 1 and _is_header(fields):
                continue
            kind = kind_of(fields)
            if kind is None:
                raise ReplayFileError(f"{source}:{number}: {len(fields)} columns: neither a klines row (12 columns) "
                                      "nor an aggTrades row (7 or 8 columns) of Binance's format")
        expected = (12,) if kind == KLINES else (7, 8)
        if len(fields) not in expected:
            raise ReplayFileError(f"{source}:{number}: {len(fields)} columns where this {kind} file has "
                                  f"{' or '.join(map(str, expected))}")
        try:
            row: Row = _kline(fields) if kind == KLINES else _agg_trade(fields)
        except ValueError as exc:
            raise ReplayFileError(f"{source}:{number}: {exc}") from None
        time_ms = row.open_ms if isinstance(row, KlineRow) else row.time_ms
        if time_ms < last_time:
            raise ReplayFileError(f"{source}:{number}: rows must be in time order ({time_ms} after {last_time})")
        last_time = time_ms
        yield number, row
    if kind is None:
        raise ReplayFileError(f"{source}:{max(number, 1)}: no {KLINES} or {AGG_TRADES} rows in the file")


# -- rows as prints ------------------------------------------------------------------------------


def bar_path(row: KlineRow) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    """open, the extreme nearer to the open, the other extreme, close (ties: see the module doc)."""
    to_high, to_low = row.high - row.open, row.open - row.low
    low_first = to_low < to_high or (to_low == to_high and row.close >= row.open)
    first, second = (row.low, row.high) if low_first else (row.high, row.low)
    return row.open, first, second, row.close


def bar_times(row: KlineRow) -> tuple[int, int, int, int]:
    """When the four prints of a bar happen: its open, a third and two thirds through, its close time."""
    span = row.close_ms - row.open_ms + 1
    return row.open_ms, row.open_ms + span // 3, row.open_ms + 2 * span // 3, row.close_ms


def prints_of(line: int, row: Row) -> list[Print]:
    if isinstance(row, AggTradeRow):
        return [Print(row.time_ms, row.price, row.qty, row.is_buyer_maker, line)]
    qty = row.volume / 4 if row.volume > 0 else None
    return [Print(t, p, qty, None, line) for t, p in zip(bar_times(row), bar_path(row), strict=True)]


def replay_prints(rows: Iterable[tuple[int, Row]], offset_ms: int = 0) -> Iterator[Print]:
    """Every row's prints, ``offset_ms`` later than the file says (a replay moved to another time)."""
    for line, row in rows:
        for made in prints_of(line, row):
            yield Print(made.time_ms + offset_ms, made.price, made.qty, made.is_buyer_maker, made.line) if offset_ms \
                else made


def clock_offset(first_ms: int, now_ms: int) -> int:
    """The whole number of minutes that moves a file starting at ``first_ms`` to ``now_ms`` or just after.

    Whole minutes, so the replay's minute candles line up as the file's did.
    """
    return -(-(now_ms - first_ms) // MINUTE_MS) * MINUTE_MS


# -- the player ------------------------------------------------------------------------------------


class PrintTarget(Protocol):
    """What a replay prints on: the Exchange facade (``replay_print``, its clock and lock)."""

    lock: Any
    clock: Any

    def replay_print(self, symbol: str, price: Decimal, qty: Decimal | None, time_ms: int,
                     is_buyer_maker: bool | None) -> list[Any]: ...

    def note_replay_end(self, symbol: str, source: str, prints: int) -> Any: ...


@dataclass(frozen=True)
class StepResult:
    prints: int  # how many prints this call made
    events: list[Any]
    ended_now: bool  # this call reached the end of the file


class ReplayPlayer:
    """One file being replayed onto one symbol; every move is one call, under the exchange lock."""

    def __init__(self, target: PrintTarget, symbol: str, source: str, open_lines: Callable[[], Iterable[str]],
                 kind: str, offset_ms: int = 0) -> None:
        self.target = target
        self.offset_ms = offset_ms
        self.symbol = symbol
        self.source = source
        self.kind = kind
        self._open_lines = open_lines
        self.prints_done = 0
        self.last_print_ms: int | None = None
        self.status = LOADED
        self.error: str | None = None
        self._restart()

    def _restart(self) -> None:
        self._prints: Iterator[Print] = replay_prints(read_rows(self._open_lines(), self.source), self.offset_ms)
        self._next: Print | None = None
        self._exhausted = False

    @property
    def ended(self) -> bool:
        return self.status == ENDED

    def peek(self) -> Print | None:
        """The next print, read from the file if needed (None at the end)."""
        if self._next is None and not self._exhausted:
            try:
                self._next = next(self._prints)
            except StopIteration:
                self._exhausted = True
            except ReplayFileError as exc:
                self.status, self.error = FAILED, str(exc)
                raise
        return self._next

    def next_time_ms(self) -> int | None:
        upcoming = self.peek()
        return None if upcoming is None else upcoming.time_ms

    def _take(self) -> Print:
        taken = self._next
        assert taken is not None
        self._next = None
        return taken

    def _check_usable(self) -> None:
        if self.status == FAILED:
            raise ReplayFileError(f"this replay stopped on a bad line: {self.error} (load the file again once fixed)")

    def step(self, count: int) -> StepResult:
        """Up to ``count`` prints, each at its own time."""
        return self._run(lambda upcoming, done: done < count)

    def play_to(self, time_ms: int) -> StepResult:
        """Every print up to ``time_ms``; then the clock stands at ``time_ms`` (never moved back)."""
        result = self._run(lambda upcoming, done: upcoming.time_ms <= time_ms)
        with self.target.lock:
            if self.target.clock.now_ms() < time_ms:
                self.target.clock.set(time_ms)
        return result

    def _run(self, go_on: Callable[[Print, int], bool]) -> StepResult:
        self._check_usable()
        events: list[Any] = []
        done = 0
        with self.target.lock:
            while True:
                upcoming = self.peek()
                if upcoming is None or not go_on(upcoming, done):
                    break
                self._take()
                events.extend(self.target.replay_print(self.symbol, upcoming.price, upcoming.qty, upcoming.time_ms,
                                                       upcoming.is_buyer_maker))
                self.prints_done += 1
                self.last_print_ms = upcoming.time_ms
                done += 1
            ended_now = self._finish_if_at_end()
            if ended_now:
                events.append(self.target.note_replay_end(self.symbol, self.source, self.prints_done))
        return StepResult(done, events, ended_now)

    def _finish_if_at_end(self) -> bool:
        if self.status != ENDED and self.peek() is None:
            self.status = ENDED
            return True
        return False

    def seek(self, time_ms: int) -> StepResult:
        """Skip, unprinted, to the first print at or after ``time_ms``; the clock goes to ``time_ms``.

        The price the market had reached by then (the last skipped print's) is printed once
        at ``time_ms`` as a bare price point. Seeking back reads the file again from the start
        and sets the clock back; what was printed stays on the tape.
        """
        if (self.last_print_ms is not None and time_ms < self.last_print_ms) or self.status == FAILED:
            self.status, self.error = LOADED, None
            self._restart()
        skipped: Print | None = None
        with self.target.lock:
            while (upcoming := self.peek()) is not None and upcoming.time_ms < time_ms:
                skipped = self._take()
            self.target.clock.set(time_ms)
            events: list[Any] = []
            if skipped is not None:
                events = self.target.replay_print(self.symbol, skipped.price, None, time_ms, None)
                self.last_print_ms = time_ms
            if self.status == ENDED and self.peek() is not None:
                self.status = PAUSED
            ended_now = self._finish_if_at_end()
            if ended_now:
                events.append(self.target.note_replay_end(self.symbol, self.source, self.prints_done))
        return StepResult(0, events, ended_now)

    def status_json(self) -> dict[str, Any]:
        upcoming = None if self.status == FAILED else self._next
        return {"symbol": self.symbol, "file": self.source, "kind": self.kind, "status": self.status,
                "ended": self.status == ENDED, "prints": self.prints_done, "last_print_ms": self.last_print_ms,
                "next_print_ms": None if upcoming is None else upcoming.time_ms, "offset_ms": self.offset_ms,
                "error": self.error}
