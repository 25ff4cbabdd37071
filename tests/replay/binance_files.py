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
