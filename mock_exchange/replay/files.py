"""Opening a replay file: Binance's zip archives or their CSV, read one line at a time.

data.binance.vision serves each day or month as a ``.zip`` holding one ``.csv`` of the same
name (``BTCUSDT-1m-2024-01-01.zip`` → ``BTCUSDT-1m-2024-01-01.csv``). Either may be given.
Lines are read with a length cap (core/replay.py ``MAX_LINE_CHARS``), so neither a huge
file nor a file without line breaks is ever held in memory whole.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from mock_exchange.core.replay import (
    AGG_TRADES,
    KLINES,
    MAX_LINE_CHARS,
    KlineRow,
    Print,
    ReplayFileError,
    prints_of,
    read_rows,
)

# Binance's file names start with the symbol: BTCUSDT-1m-2024-01-01, BTCUSDT-aggTrades-2024-01.
_SYMBOL_IN_NAME = re.compile(r"^([A-Z0-9]{2,20})-")


@dataclass(frozen=True)
class ReplayFile:
    path: Path
    kind: str  # core.replay KLINES or AGG_TRADES
    symbol: str | None  # from the file name, when it follows Binance's naming

    @property
    def source(self) -> str:
        return self.path.name

    def lines(self) -> Iterator[str]:
        return read_lines(self.path)

    def first_print(self) -> Print:
        """The replay's first print (its time and price start a served replay)."""
        rows = read_rows(self.lines(), self.source)
        try:
            line, row = next(rows)
        finally:
            rows.close()
        return prints_of(line, row)[0]


def read_lines(path: Path) -> Iterator[str]:
    """The text lines of ``path`` (a zip's one CSV member, or the file itself)."""
    name = path.name
    try:
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                if len(members) != 1:
                    raise ReplayFileError(f"{name}: a replay zip holds exactly one CSV file "
                                          f"(this one holds {len(members)})")
                with archive.open(members[0]) as raw:
                    yield from _text_lines(raw, name)
        else:
            with path.open("rb") as raw:
                yield from _text_lines(raw, name)
    except (OSError, zipfile.BadZipFile) as exc:
        raise ReplayFileError(f"{name}: cannot read the file ({exc.__class__.__name__}: {exc})") from None


def _text_lines(raw: IO[bytes], name: str) -> Iterator[str]:
    text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
    number = 0
    while True:
        number += 1
        try:
            line = text.readline(MAX_LINE_CHARS + 1)
        except UnicodeDecodeError:
            raise ReplayFileError(f"{name}:{number}: not UTF-8 text") from None
        if not line:
            return
        if len(line) > MAX_LINE_CHARS:
            raise ReplayFileError(f"{name}:{number}: a line longer than {MAX_LINE_CHARS} characters")
        yield line


def open_replay_file(path: str | Path) -> ReplayFile:
    """The file's format and symbol, from its first data row and its name; ReplayFileError if unusable."""
    found = Path(path)
    if not found.is_file():
        raise ReplayFileError(f"{found.name}: no such file")
    rows = read_rows(read_lines(found), found.name)
    try:
        _, first = next(rows)
    finally:
        rows.close()
    kind = KLINES if isinstance(first, KlineRow) else AGG_TRADES
    match = _SYMBOL_IN_NAME.match(found.name)
    return ReplayFile(found, kind, match.group(1) if match else None)
