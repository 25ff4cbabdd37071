"""One symbol's price story: the prints as candles, where each order rested, where fills hit.

The horizontal axis is the order of the run's prints, not wall time: a test usually freezes
the clock, and then every print, order and fill of the run share one millisecond. Each
tape entry remembers the event log's sequence number when it was printed (``after_seq``,
core/tape.py), so an order event with sequence ``s`` sits exactly between the prints
before and after it, and a fill sits on its own print. Times are shown under the axis
wherever the clock moved.

A candle is one print (open: the price before it) - or, past :data:`MAX_CANDLES`, a run of
consecutive prints. Bars from before the tape (history folded away in a long run) come
first, one candle each. Each order is drawn as segments, one per state it was in:

- ``stop``: an untriggered stop order waiting at its stop price (dashed);
- ``pending``: an OTO / OTOCO leg waiting for its working order (dotted);
- ``limit``: on the book at its limit price (solid).
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

MAX_CANDLES = 300
MAX_ORDERS_DRAWN = 400
MAX_FILLS_DRAWN = 2_000
_STOP_TYPES = {"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"}
_OPEN = {"NEW", "PARTIALLY_FILLED", "PENDING_NEW"}


@dataclass(frozen=True)
class Candle:
    index: int
    time_ms: int  # of its last print
    first_time_ms: int
    open: Decimal
    high: Decimal
    low: Decimal
    close: Decimal
    prints: int
    volume: Decimal


@dataclass(frozen=True)
class Segment:
    """An order waiting at ``level`` from x ``start`` to ``end`` (candle units) in one state."""

    order_id: int
    start: float
    end: float
    level: Decimal
    style: str  # "stop", "pending", "limit"
    open_at_end: bool


@dataclass(frozen=True)
class OrderLine:
    order_id: int
    side: str
    order_type: str
    list_id: int
    label: str
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Marker:
    """A fill (``kind`` "fill") or a stop's trigger (``kind`` "trigger") at ``x`` / ``price``."""

    kind: str
    x: float
    price: Decimal
    side: str
    order_id: int
    title: str


@dataclass
class SymbolChart:
    symbol: str
    candles: list[Candle]
    lines: list[OrderLine] = field(default_factory=list)
    markers: list[Marker] = field(default_factory=list)
    prints: int = 0
    group: int = 1  # prints per candle
    hidden_orders: int = 0
    hidden_fills: int = 0

    @property
    def width(self) -> int:
        """How many candle slots the axis has."""
        return max(len(self.candles), 1)

    def price_range(self) -> tuple[Decimal, Decimal]:
        values = [c.high for c in self.candles] + [c.low for c in self.candles]
        values += [s.level for line in self.lines for s in line.segments]
        values += [m.price for m in self.markers]
        values = [v for v in values if v > 0]
        if not values:
            return Decimal(0), Decimal(1)
        return min(values), max(values)


@dataclass(frozen=True)
class _Print:
    time_ms: int
    price: Decimal
    qty: Decimal
    after_seq: int


class _Axis:
    """Maps event sequence numbers to x positions over the prints (and any earlier bars)."""

    def __init__(self, bar_times: list[int], prints: list[_Print], group: int) -> None:
        self.bar_times = bar_times
        self.group = group
        self.first_print_time = prints[0].time_ms if prints else None
        running, marks = -1, []
        for entry in prints:  # after a clock set back the tape is in time order: keep the marks rising
            running = max(running, entry.after_seq)
            marks.append(running)
        self.marks = marks

    def _x(self, print_position: float) -> float:
        """Candle coordinates (candle ``j`` spans j - 0.5 .. j + 0.5) of a position counted in prints."""
        return len(self.bar_times) + print_position / self.group - 0.5

    def of_event(self, seq: int, time_ms: int) -> float:
        """Between the last print before event ``seq`` and the first after it."""
        before = bisect_left(self.marks, seq)  # prints with after_seq < seq came before it
        if before == 0 and self.bar_times and (self.first_print_time is None or time_ms < self.first_print_time):
            return bisect_right(self.bar_times, time_ms) - 0.5
        return self._x(before)

    def of_fill(self, seq: int, time_ms: int) -> float:
        """On the fill's own print: the last one written before its event."""
        before = bisect_left(self.marks, seq)
        if before == 0:
            return self.of_event(seq, time_ms)
        return self._x(before - 0.5)

    @property
    def end(self) -> float:
        return self._x(len(self.marks))


def build_chart(symbol: str, market: dict[str, Any], orders: dict[str, Any], order_events: list[dict[str, Any]],
                run_start_ms: int | None) -> SymbolChart:
    """The chart of ``symbol`` from its snapshot market entry, its orders and their events."""
    prints = [_Print(int(row[0]), Decimal(str(row[1])), Decimal(str(row[2])), int(row[7]) if len(row) > 7 else -1)
              for row in market.get("tape", [])]
    # Warm-up bars end before the run; bars from its start on are its own prints, folded away.
    bars = [row for row in market.get("bars", [])
            if run_start_ms is not None and int(row[0]) >= run_start_ms - run_start_ms % 60_000]
    group = max(1, math.ceil(len(prints) / max(MAX_CANDLES - len(bars), 1))) if prints else 1
    candles = _bar_candles(bars) + _print_candles(prints, group, len(bars),
                                                  Decimal(str(bars[-1][4])) if bars else None)
    axis = _Axis([int(row[0]) for row in bars], prints, group)
    chart = SymbolChart(symbol, candles, prints=len(prints), group=group)
    by_order: dict[int, list[dict[str, Any]]] = {}
    for event in order_events:
        if event.get("symbol") == symbol:
            by_order.setdefault(int(event["order_id"]), []).append(event)
    mine = {int(oid): order for oid, order in orders.items() if order.get("symbol") == symbol}
    drawn = sorted(set(by_order) | {oid for oid, order in mine.items() if order.get("status") in _OPEN})
    chart.hidden_orders = max(0, len(drawn) - MAX_ORDERS_DRAWN)
    for order_id in drawn[-MAX_ORDERS_DRAWN:]:
        line = _order_line(order_id, by_order.get(order_id, []), mine.get(order_id), axis)
        if line is not None:
            chart.lines.append(line)
    fills = [e for e in order_events if e.get("symbol") == symbol and e.get("action") in ("fill", "partial_fill")]
    chart.hidden_fills = max(0, len(fills) - MAX_FILLS_DRAWN)
    for event in fills[-MAX_FILLS_DRAWN:]:
        chart.markers.append(Marker("fill", axis.of_fill(int(event["seq"]), int(event["time_ms"])),
                                    Decimal(str(event["last_price"])), str(event["side"]), int(event["order_id"]),
                                    _fill_title(event)))
    for events in by_order.values():
        trigger = _trigger_event(events)
        if trigger is not None:
            chart.markers.append(Marker("trigger", _x_of(trigger, axis), Decimal(str(trigger["stop_price"])),
                                        str(trigger["side"]), int(trigger["order_id"]),
                                        f"#{trigger['order_id']} {trigger['order_type']} triggered at stop "
                                        f"{trigger['stop_price']} (event {trigger['seq']})"))
    chart.markers.sort(key=lambda m: (m.kind != "trigger", m.x, m.order_id))  # fills drawn over triggers
    return chart


def _x_of(event: dict[str, Any], axis: _Axis) -> float:
    """A fill on its own print; any other event between the prints around it."""
    if event.get("action") in ("fill", "partial_fill"):
        return axis.of_fill(int(event["seq"]), int(event["time_ms"]))
    return axis.of_event(int(event["seq"]), int(event["time_ms"]))


def _trigger_event(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The first event showing a stop order triggered (a NEW "trigger", or a fill when it filled at once)."""
    for event in events:
        if event.get("order_type") not in _STOP_TYPES or not event.get("stop_price"):
            return None
        if event.get("triggered"):
            return event
    return None


def _bar_candles(bars: list[list[Any]]) -> list[Candle]:
    candles = []
    for i, row in enumerate(bars):
        o, h, lo, c, volume = (Decimal(str(v)) for v in row[1:6])
        candles.append(Candle(i, int(row[0]), int(row[0]), o, h, lo, c, int(row[7]) or 1, volume))
    return candles


def _print_candles(prints: list[_Print], group: int, offset: int, before: Decimal | None) -> list[Candle]:
    candles: list[Candle] = []
    previous = before
    for start in range(0, len(prints), group):
        chunk = prints[start:start + group]
        opening = previous if previous is not None else chunk[0].price
        prices = [p.price for p in chunk]
        candles.append(Candle(offset + len(candles), chunk[-1].time_ms, chunk[0].time_ms, opening,
                              max(prices + [opening]), min(prices + [opening]), chunk[-1].price, len(chunk),
                              sum((p.qty for p in chunk), Decimal(0))))
        previous = chunk[-1].price
    return candles


def _state(event: dict[str, Any]) -> tuple[str, Decimal] | None:
    """How an order waits after ``event``: (style, level), or None when it is not waiting."""
    if event.get("status") not in _OPEN:
        return None
    price = Decimal(str(event.get("price") or 0))
    stop = Decimal(str(event.get("stop_price") or 0))
    if event.get("order_type") in _STOP_TYPES and not event.get("triggered") and stop > 0:
        return ("pending" if event.get("status") == "PENDING_NEW" else "stop"), stop
    if price > 0:
        return ("pending" if event.get("status") == "PENDING_NEW" else "limit"), price
    return None


def _order_line(order_id: int, events: list[dict[str, Any]], order: dict[str, Any] | None,
                axis: _Axis) -> OrderLine | None:
    if not events and order is None:
        return None
    segments: list[Segment] = []
    if events:
        for event, following in zip(events, [*events[1:], None], strict=True):
            state = _state(event)
            if state is None:
                continue
            start = axis.of_event(int(event["seq"]), int(event["time_ms"]))
            end = axis.end if following is None else _x_of(following, axis)
            segments.append(Segment(order_id, start, max(end, start), state[1], state[0], following is None))
        first = events[-1]
    else:  # its events fell out of retention: it waits across the whole chart
        assert order is not None
        first = {"status": order.get("status"), "price": order.get("price"), "stop_price": order.get("stop_price"),
                 "order_type": order.get("type"), "triggered": order.get("triggered"), "side": order.get("side"),
                 "order_list_id": order.get("order_list_id")}
        state = _state(first)
        if state is not None:
            segments.append(Segment(order_id, -0.5, axis.end, state[1], state[0], True))
    side = str(first.get("side") or (order or {}).get("side") or "")
    order_type = str(first.get("order_type") or (order or {}).get("type") or "")
    list_id = int(first.get("order_list_id", -1) if first.get("order_list_id") is not None else -1)
    role = str((order or {}).get("list_role") or "")
    status = str((order or {}).get("status") or first.get("status") or "")
    label = f"#{order_id} {side} {order_type}"
    if list_id >= 0:
        label += f" (list {list_id}{' ' + role if role else ''})"
    label += f" → {status}"
    return OrderLine(order_id, side, order_type, list_id, label, tuple(segments))


def _fill_title(event: dict[str, Any]) -> str:
    role = "maker" if event.get("is_maker") else "taker"
    return (f"#{event['order_id']} {event['side']} {event.get('order_type', '')} filled {event['last_qty']} @ "
            f"{event['last_price']} ({role}, trade {event.get('trade_id')}, event {event['seq']}) → "
            f"{event.get('status')}")
