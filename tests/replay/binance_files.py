"""Small files in Binance's historical-data format (data.binance.vision), written for tests.

Rows are given as the tests think of them; these helpers write them exactly as Binance's
archives do: klines in 12 columns, aggTrades in 8 (spot) or 7 (futures), spot booleans
``True`` / ``False``, futures ``true`` / ``false`` with a header line, and times in
milliseconds or microseconds (spot archives from 2025 on).
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

KLINES_HEADER = ("open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,"
                 "taker_buy_quote_volume,ignore")
AGG_TRADES_HEADER = "agg_trade_id,price,quantity,first_trade_id,last_trade_id,transact_time,is_buyer_maker"
MINUTE_MS = 60_000


def kline_line(open_ms: int, o: str, h: str, lo: str, c: str, volume: str, *, span_ms: int = MINUTE_MS,
               micros: bool = False, trades: int = 10) -> str:
    scale = 1000 if micros else 1
    close_ms = open_ms + span_ms - 1
    close_time = close_ms * scale + (999 if micros else 0)
    return (f"{open_ms * scale},{o},{h},{lo},{c},{volume},{close_time},1000.00000000,{trades},"
            f"0.50000000,500.00000000,0")


def agg_line(agg_id: int, price: str, qty: str, time_ms: int, buyer_maker: bool, *, micros: bool = False,
             futures: bool = False) -> str:
    flag = str(buyer_maker).lower() if futures else str(buyer_maker)
    time_field = time_ms * 1000 + 123 if micros else time_ms
    line = f"{agg_id},{price},{qty},{agg_id * 3},{agg_id * 3 + 2},{time_field},{flag}"
    return line if futures else line + ",True"


def write_csv(path: Path, lines: Sequence[str], header: str | None = None, crlf: bool = False) -> Path:
    text = "".join(f"{line}\r\n" if crlf else f"{line}\n" for line in ([header] if header else []) + list(lines))
    path.write_bytes(text.encode("utf-8"))
    return path


def zipped(csv_path: Path) -> Path:
    """``X.csv`` packed as ``X.zip`` (one member of the same name), as Binance ships it."""
    archive = csv_path.with_suffix(".zip")
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as out:
        out.write(csv_path, csv_path.name)
    return archive


# The sample shipped in scenarios/data: fifteen made-up one-minute bars of BTCUSDT from
# 2026-01-01T00:00:00Z (the scenarios' start), drifting down, then up through 30300 in bar 10
# (whose high, 90 above its open, is nearer than its low, 120 below). Not market data.
SAMPLE_NAME = "BTCUSDT-1m-GENERATED-sample.csv"
SAMPLE_START_MS = 1_767_225_600_000
SAMPLE_BARS = (
    ("30000", "30040", "29980", "30020", "1.2"), ("30020", "30075", "30010", "30060", "0.8"),
    ("30060", "30090", "29990", "30005", "1.6"), ("30005", "30030", "29940", "29960", "2.0"),
    ("29960", "29985", "29890", "29910", "2.4"), ("29910", "29960", "29870", "29950", "1.8"),
    ("29950", "30080", "29940", "30070", "2.2"), ("30070", "30150", "30050", "30130", "1.4"),
    ("30130", "30210", "30100", "30190", "1.0"), ("30190", "30260", "30170", "30240", "1.2"),
    ("30240", "30330", "30120", "30150", "3.2"), ("30150", "30180", "30080", "30100", "1.5"),
    ("30100", "30140", "30060", "30120", "0.9"), ("30120", "30170", "30100", "30160", "0.7"),
    ("30160", "30200", "30140", "30180", "0.6"),
)


def sample_klines_text() -> str:
    """The sample file's exact text: Binance's 12 klines columns, spot style (no header, ms times)."""
    from decimal import Decimal

    eight = Decimal("0.00000001")
    lines = []
    for i, (o, h, lo, c, v) in enumerate(SAMPLE_BARS):
        open_ms = SAMPLE_START_MS + i * MINUTE_MS
        volume = Decimal(v)
        typical = (Decimal(o) + Decimal(h) + Decimal(lo) + Decimal(c)) / 4
        cells = [str(open_ms), *(f"{Decimal(p):.8f}" for p in (o, h, lo, c)), f"{volume:.8f}",
                 str(open_ms + MINUTE_MS - 1), f"{(volume * typical).quantize(eight)}", str(int(volume * 10)),
                 f"{(volume / 2).quantize(eight)}", f"{(volume / 2 * typical).quantize(eight)}", "0"]
        lines.append(",".join(cells) + "\n")
    return "".join(lines)
