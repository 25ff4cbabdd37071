"""A :class:`~mock_exchange.report.chart.SymbolChart` drawn as inline SVG (no script, no fonts to fetch).

Every shape carries a class naming what it is (``candle``, ``order-line``, ``fill-marker``,
``trigger-marker``) and data attributes with its ids, and a ``<title>`` a browser shows on
hover; coordinates are written with one decimal, so the same chart gives the same bytes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from html import escape

from mock_exchange.report.chart import Candle, SymbolChart

WIDTH, HEIGHT = 980, 380
LEFT, RIGHT, TOP, BOTTOM = 78, 16, 18, 46
_COLORS = {"BUY": "#1a7f37", "SELL": "#c62828"}
MAX_LABELS = 16  # past this many order lines, labels would cover each other: the tooltips say it all


def _f(value: float) -> str:
    text = f"{value:.1f}"
    return "0.0" if text == "-0.0" else text


def time_text(ms: int, with_date: bool = True) -> str:
    """``2024-01-01 00:00:00.000`` (UTC), or the time of day alone."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%d %H:%M:%S" if with_date else "%H:%M:%S") + f".{ms % 1000:03d}"


def price_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _nice_step(span: Decimal) -> Decimal:
    raw = span / 5
    if raw <= 0:
        return Decimal(1)
    exponent = raw.adjusted()
    base = Decimal(10) ** exponent
    for factor in (1, 2, 5, 10):
        if raw <= base * factor:
            return base * factor
    return base * 10


class _Scale:
    def __init__(self, chart: SymbolChart) -> None:
        low, high = chart.price_range()
        span = high - low
        pad = span * Decimal("0.08") if span > 0 else (abs(high) * Decimal("0.01") or Decimal(1))
        self.low, self.high = low - pad, high + pad
        self.slots = chart.width
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = HEIGHT - TOP - BOTTOM

    def x(self, position: float) -> float:
        return LEFT + (position + 0.5) * self.plot_w / self.slots

    def y(self, price: Decimal) -> float:
        share = float((price - self.low) / (self.high - self.low))
        return TOP + (1 - share) * self.plot_h

    @property
    def slot_w(self) -> float:
        return self.plot_w / self.slots


def render_chart(chart: SymbolChart) -> str:
    """The SVG element for one symbol."""
    scale = _Scale(chart)
    label = (f"{chart.symbol}: {len(chart.candles)} candles, {len(chart.lines)} orders, "
             f"{sum(1 for m in chart.markers if m.kind == 'fill')} fills")
    out = [f'<svg class="price-chart" data-symbol="{escape(chart.symbol)}" viewBox="0 0 {WIDTH} {HEIGHT}" '
           f'width="{WIDTH}" height="{HEIGHT}" role="img" aria-label="{escape(label)}" '
           'xmlns="http://www.w3.org/2000/svg">',
           f'<rect class="plot" x="{LEFT}" y="{TOP}" width="{scale.plot_w}" height="{scale.plot_h}"/>']
    out += _grid(scale)
    out += _time_axis(chart, scale)
    out.append('<g class="candles">')
    out += [_candle(c, scale) for c in chart.candles]
    out.append("</g>")
    if len(chart.candles) > 1:
        points = " ".join(f"{_f(scale.x(c.index))},{_f(scale.y(c.close))}" for c in chart.candles)
        out.append(f'<polyline class="close-line" points="{points}"/>')
    out.append('<g class="orders">')
    for line in chart.lines:
        color = _COLORS.get(line.side, "#555")
        out.append(f'<g class="order-line side-{escape(line.side.lower())}" data-order-id="{line.order_id}" '
                   f'data-list-id="{line.list_id}" data-type="{escape(line.order_type)}">')
        out.append(f"<title>{escape(line.label)}</title>")
        for segment in line.segments:
            x1, x2 = scale.x(segment.start), scale.x(segment.end)
            if x2 - x1 < 3:
                x2 = x1 + 3  # a wait between two events of one instant still shows
            y = scale.y(segment.level)
            out.append(f'<line class="segment {segment.style}" x1="{_f(x1)}" y1="{_f(y)}" x2="{_f(x2)}" '
                       f'y2="{_f(y)}" stroke="{color}" data-level="{price_text(segment.level)}"/>')
        if line.segments and len(chart.lines) <= MAX_LABELS:
            first = line.segments[0]
            out.append(f'<text class="order-label" x="{_f(scale.x(first.start) + 3)}" '
                       f'y="{_f(scale.y(first.level) - 4)}" fill="{color}">'
                       f"#{line.order_id} {escape(line.order_type)} {price_text(first.level)}</text>")
        out.append("</g>")
    out.append("</g>")
    out.append('<g class="markers">')
    for marker in chart.markers:
        x, y = scale.x(marker.x), scale.y(marker.price)
        color = _COLORS.get(marker.side, "#555")
        if marker.kind == "fill":
            # A BUY fill points up, a SELL fill down.
            d = (f"M{_f(x)},{_f(y - 7)} L{_f(x + 6)},{_f(y + 5)} L{_f(x - 6)},{_f(y + 5)} Z" if marker.side == "BUY"
                 else f"M{_f(x)},{_f(y + 7)} L{_f(x + 6)},{_f(y - 5)} L{_f(x - 6)},{_f(y - 5)} Z")
            css = f"fill-marker side-{escape(marker.side.lower())}"
        else:
            d = f"M{_f(x)},{_f(y - 6)} L{_f(x + 6)},{_f(y)} L{_f(x)},{_f(y + 6)} L{_f(x - 6)},{_f(y)} Z"
            css = "trigger-marker"
        out.append(f'<path class="{css}" data-order-id="{marker.order_id}" d="{d}" fill="{color}">'
                   f"<title>{escape(marker.title)}</title></path>")
    out.append("</g>")
    out.append("</svg>")
    return "\n".join(out)


def _grid(scale: _Scale) -> list[str]:
    step = _nice_step(scale.high - scale.low)
    value = (scale.low / step).to_integral_value(rounding="ROUND_CEILING") * step
    out = ['<g class="price-axis">']
    while value <= scale.high:
        y = scale.y(value)
        out.append(f'<line class="grid" x1="{LEFT}" y1="{_f(y)}" x2="{WIDTH - RIGHT}" y2="{_f(y)}"/>')
        out.append(f'<text class="tick" x="{LEFT - 6}" y="{_f(y + 4)}" text-anchor="end">{price_text(value)}</text>')
        value += step
    out.append("</g>")
    return out


def _time_axis(chart: SymbolChart, scale: _Scale) -> list[str]:
    out = ['<g class="time-axis">']
    base = HEIGHT - BOTTOM
    candles = chart.candles
    if candles and candles[0].first_time_ms == candles[-1].time_ms:
        out.append(f'<text class="tick" x="{LEFT}" y="{base + 16}">prints in order →</text>')
        out.append(f'<text class="tick" x="{WIDTH - RIGHT}" y="{base + 16}" text-anchor="end">all at '
                   f"{time_text(candles[0].time_ms)} UTC (the clock did not move)</text>")
    elif candles:
        with_date = time_text(candles[0].first_time_ms)[:10] != time_text(candles[-1].time_ms)[:10]
        count = min(6, len(candles))
        picks = sorted({round(i * (len(candles) - 1) / max(count - 1, 1)) for i in range(count)})
        shown: set[int] = set()
        for index in picks:
            candle = candles[index]
            if candle.first_time_ms in shown:
                continue
            shown.add(candle.first_time_ms)
            x = scale.x(index)
            # The labels at the two ends stay inside the chart.
            anchor = "start" if x - LEFT < 60 else "end" if WIDTH - RIGHT - x < 60 else "middle"
            out.append(f'<line class="grid" x1="{_f(x)}" y1="{TOP}" x2="{_f(x)}" y2="{base}"/>')
            out.append(f'<text class="tick" x="{_f(x)}" y="{base + 16}" text-anchor="{anchor}">'
                       f"{time_text(candle.first_time_ms, with_date)}</text>")
        out.append(f'<text class="tick" x="{LEFT}" y="{base + 34}">prints in order (UTC time of the print '
                   "below the axis)</text>")
    out.append("</g>")
    return out


def _candle(candle: Candle, scale: _Scale) -> str:
    direction = "up" if candle.close > candle.open else "down" if candle.close < candle.open else "flat"
    x = scale.x(candle.index)
    body_w = max(min(scale.slot_w * 0.7, 14.0), 1.0)
    top, bottom = scale.y(max(candle.open, candle.close)), scale.y(min(candle.open, candle.close))
    title = (f"{time_text(candle.time_ms)} UTC  open {price_text(candle.open)} high {price_text(candle.high)} "
             f"low {price_text(candle.low)} close {price_text(candle.close)}")
    if candle.prints > 1:
        title += f" ({candle.prints} prints)"
    if candle.volume:
        title += f" volume {price_text(candle.volume)}"
    return (f'<g class="candle {direction}" data-index="{candle.index}"><title>{escape(title)}</title>'
            f'<line class="wick" x1="{_f(x)}" y1="{_f(scale.y(candle.high))}" x2="{_f(x)}" '
            f'y2="{_f(scale.y(candle.low))}"/>'
            f'<rect class="body" x="{_f(x - body_w / 2)}" y="{_f(top)}" width="{_f(body_w)}" '
            f'height="{_f(max(bottom - top, 1.0))}"/></g>')
