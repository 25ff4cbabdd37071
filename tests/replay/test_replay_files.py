"""Reading Binance's klines and aggTrades files: formats, variants, bad lines, the intra-bar path."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest

from mock_exchange.core.replay import (
    AGG_TRADES,
    KLINES,
    MAX_LINE_CHARS,
    AggTradeRow,
    KlineRow,
    ReplayFileError,
    bar_path,
    bar_times,
    prints_of,
    read_rows,
)
from mock_exchange.replay.files import open_replay_file, read_lines
from tests.replay.binance_files import AGG_TRADES_HEADER, KLINES_HEADER, agg_line, kline_line, write_csv, zipped

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z


def rows(path: Path) -> list[tuple[int, object]]:
    return list(read_rows(read_lines(path), path.name))


def test_klines_rows_read_with_header_without_header_zipped_and_in_microseconds(tmp_path: Path) -> None:
    lines = [kline_line(T0, "30000.00", "30100.00", "29900.00", "30050.00", "2.5"),
             kline_line(T0 + 60_000, "30050.00", "30060.00", "30000.00", "30010.00", "1")]
    plain = write_csv(tmp_path / "BTCUSDT-1m-2026-01-01.csv", lines)
    expected = [(1, KlineRow(T0, T0 + 59_999, Decimal("30000.00"), Decimal("30100.00"), Decimal("29900.00"),
                             Decimal("30050.00"), Decimal("2.5"))),
                (2, KlineRow(T0 + 60_000, T0 + 119_999, Decimal("30050.00"), Decimal("30060.00"),
                             Decimal("30000.00"), Decimal("30010.00"), Decimal("1")))]
    assert rows(plain) == expected
    headed = write_csv(tmp_path / "BTCUSDT-1m-h.csv", lines, header=KLINES_HEADER, crlf=True)
    assert [row for _, row in rows(headed)] == [row for _, row in expected]
    assert [n for n, _ in rows(headed)] == [2, 3]  # line numbers count the header
    micros = write_csv(tmp_path / "BTCUSDT-1m-us.csv",
                       [kline_line(T0, "30000.00", "30100.00", "29900.00", "30050.00", "2.5", micros=True),
                        kline_line(T0 + 60_000, "30050.00", "30060.00", "30000.00", "30010.00", "1", micros=True)])
    assert "1767225600000000," in micros.read_text()
    assert rows(micros) == expected
    assert rows(zipped(plain)) == expected
    found = open_replay_file(zipped(micros))
    assert (found.kind, found.symbol, found.source) == (KLINES, "BTCUSDT", "BTCUSDT-1m-us.zip")


def test_agg_trades_rows_spot_and_futures_flavours(tmp_path: Path) -> None:
    spot = write_csv(tmp_path / "ETHUSDT-aggTrades-2026-01-01.csv",
                     [agg_line(7, "2000.10", "0.5", T0 + 5, True, micros=True),
                      agg_line(8, "2000.20", "1.25", T0 + 9, False, micros=True)])
    assert spot.read_text().splitlines()[0] == "7,2000.10,0.5,21,23,1767225600005123,True,True"
    expected = [AggTradeRow(7, Decimal("2000.10"), Decimal("0.5"), T0 + 5, True),
                AggTradeRow(8, Decimal("2000.20"), Decimal("1.25"), T0 + 9, False)]
    assert [row for _, row in rows(spot)] == expected
    futures = write_csv(tmp_path / "ETHUSDT-aggTrades-f.csv",
                        [agg_line(7, "2000.10", "0.5", T0 + 5, True, futures=True),
                         agg_line(8, "2000.20", "1.25", T0 + 9, False, futures=True)], header=AGG_TRADES_HEADER)
    assert futures.read_text().splitlines()[1] == "7,2000.10,0.5,21,23,1767225600005,true"
    assert [row for _, row in rows(futures)] == expected
    found = open_replay_file(zipped(futures))
    assert (found.kind, found.symbol) == (AGG_TRADES, "ETHUSDT")


@pytest.mark.parametrize(("content", "message"), [
    ("1,2,3\n", "bad.csv:1: 3 columns: neither a klines row (12 columns) nor an aggTrades row (7 or 8 columns)"),
    (f"{agg_line(1, '10', '1', T0, True)}\n{kline_line(T0, '1', '1', '1', '1', '1')}\n",
     "bad.csv:2: 12 columns where this aggTrades file has 7 or 8"),
    (f"{kline_line(T0, '1', '2', '1', '1', '1')}\n{kline_line(T0 + 60_000, '1', 'x', '1', '1', '1')}\n",
     "bad.csv:2: high is not a decimal: 'x'"),
    (f"{kline_line(T0, '10', '9', '8', '10', '1')}\n", "bad.csv:1: not a candle: low 8 <= open 10, close 10 <= high 9"),
    (f"{kline_line(T0, '0', '1', '0', '1', '1')}\n", "bad.csv:1: open must be a positive decimal: '0'"),
    (f"{agg_line(1, '10', '-1', T0, True)}\n", "bad.csv:1: quantity must be a positive decimal: '-1'"),
    (f"{agg_line(1, '10', '1', T0, True)}\n".replace("True,True", "yes,True"),
     "bad.csv:1: was the buyer the maker: expected True or False, got 'yes'"),
    (f"{agg_line(1, '10', '1', T0 + 5, True)}\n{agg_line(2, '10', '1', T0, True)}\n",
     "bad.csv:2: rows must be in time order (1767225600000 after 1767225600005)"),
    (f"{agg_line(1, '10', '1', T0, True)}\n".replace(f",{T0},", ",12:00,"), "bad.csv:1: time is not a whole"),
    ("", "bad.csv:1: no klines or aggTrades rows in the file"),
    (KLINES_HEADER + "\n", "bad.csv:1: no klines or aggTrades rows in the file"),
    ("x" * (MAX_LINE_CHARS + 10), f"bad.csv:1: a line longer than {MAX_LINE_CHARS} characters"),
])
def test_a_bad_file_names_file_and_line(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ReplayFileError) as raised:
        rows(path)
    assert str(raised.value).startswith(message)


def test_unreadable_files_are_named(tmp_path: Path) -> None:
    binary = tmp_path / "bin.csv"
    binary.write_bytes(b"1,2\xff\xfe\n")
    with pytest.raises(ReplayFileError, match=r"^bin.csv:1: not UTF-8 text$"):
        rows(binary)
    two = tmp_path / "two.zip"
    with zipfile.ZipFile(two, "w") as out:
        out.writestr("a.csv", "x\n")
        out.writestr("b.csv", "y\n")
    with pytest.raises(ReplayFileError, match=r"^two.zip: a replay zip holds exactly one CSV file \(this one holds 2"):
        rows(two)
    with pytest.raises(ReplayFileError, match=r"^missing.zip: no such file$"):
        open_replay_file(tmp_path / "missing.zip")


def test_lines_are_read_lazily(tmp_path: Path) -> None:
    # A bad line far down the file is only met when the replay gets there: a year-long file
    # is never read whole up front (and never held in memory).
    lines = [agg_line(i, "10", "1", T0 + i, True) for i in range(1000)] + ["garbage"]
    path = write_csv(tmp_path / "BTCUSDT-aggTrades-2026-01.csv", lines)
    reader = read_rows(read_lines(path), path.name)
    assert [next(reader)[1].agg_id for _ in range(3)] == [0, 1, 2]  # type: ignore[attr-defined]
    with pytest.raises(ReplayFileError, match=r"BTCUSDT-aggTrades-2026-01.csv:1001: 1 columns"):
        list(reader)


def _bar(o: str, h: str, lo: str, c: str, volume: str = "2") -> KlineRow:
    return KlineRow(T0, T0 + 59_999, Decimal(o), Decimal(h), Decimal(lo), Decimal(c), Decimal(volume))


@pytest.mark.parametrize(("bar", "path"), [
    (_bar("100", "110", "95", "105"), ("100", "95", "110", "105")),    # the low is nearer: low first
    (_bar("100", "103", "90", "92"), ("100", "103", "90", "92")),      # the high is nearer: high first
    (_bar("100", "105", "95", "101"), ("100", "95", "105", "101")),    # a tie, closed up: low first
    (_bar("100", "105", "95", "100"), ("100", "95", "105", "100")),    # a tie, closed flat: low first
    (_bar("100", "105", "95", "99"), ("100", "105", "95", "99")),      # a tie, closed down: high first
    (_bar("100", "100", "100", "100"), ("100", "100", "100", "100")),  # a flat bar: four prints all the same
])
def test_a_bar_becomes_open_nearer_extreme_other_extreme_close(bar: KlineRow, path: tuple[str, ...]) -> None:
    assert bar_path(bar) == tuple(Decimal(p) for p in path)


def test_a_bar_prints_a_quarter_of_its_volume_at_four_times() -> None:
    bar = _bar("100", "110", "95", "105", volume="1.3")
    assert bar_times(bar) == (T0, T0 + 20_000, T0 + 40_000, T0 + 59_999)
    prints = prints_of(7, bar)
    quarter = Decimal("0.325")
    assert [(p.time_ms, p.price, p.qty, p.is_buyer_maker, p.line) for p in prints] == [
        (T0, Decimal(100), quarter, None, 7), (T0 + 20_000, Decimal(95), quarter, None, 7),
        (T0 + 40_000, Decimal(110), quarter, None, 7), (T0 + 59_999, Decimal(105), quarter, None, 7)]
    assert [p.qty for p in prints_of(1, _bar("100", "100", "100", "100", volume="0"))] == [None] * 4


def test_reading_a_long_file_holds_one_line_at_a_time(tmp_path: Path) -> None:
    import tracemalloc

    path = tmp_path / "BTCUSDT-aggTrades-2026-01.csv"
    with path.open("w", encoding="utf-8") as out:
        for i in range(20_000):  # 1.3 MB of aggTrades: more than the peak allowed below
            out.write(agg_line(i, f"{30000 + i % 500}.12", "0.00123000", T0 + i * 10, i % 3 == 0, micros=True) + "\n")
    archive = zipped(path)
    for source in (path, archive):
        tracemalloc.start()
        try:
            count = sum(1 for _ in read_rows(read_lines(source), source.name))
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        assert count == 20_000
        assert peak < 400_000, f"{source.name}: {peak} bytes at the peak"
