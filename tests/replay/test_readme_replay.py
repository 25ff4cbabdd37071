"""The README's "Replay a day of real market data" test, run as written on a generated day."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest

from tests.replay.binance_files import kline_line, write_csv, zipped

README = Path(__file__).resolve().parents[2] / "README.md"
T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z


def replay_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- replay:start -->\n```python\n(.*?)```\n<!-- replay:end -->", text, re.S)
    assert found, "README lost its replay block"
    return found.group(1)


def test_the_readme_replay_test_runs_as_written(pytester: pytest.Pytester) -> None:
    # A stand-in for the real file, with the real file's name and format: three candles; the
    # second one's high is nearer its open, so it prints 42310 first, then 41780 (through the
    # -1 % stop) 40 s into the candle.
    zipped(write_csv(Path(pytester.path) / "BTCUSDT-1m-2024-01-01.csv", [
        kline_line(T0, "42283.58", "42300.00", "42250.00", "42290.00", "5.0"),
        kline_line(T0 + 60_000, "42290.00", "42310.00", "41780.00", "41800.00", "9.0"),
        kline_line(T0 + 120_000, "41800.00", "41900.00", "41750.00", "41850.00", "3.0")]))
    pytester.makepyfile(test_readme=replay_block())
    result = pytester.runpytest("-p", "no:cacheprovider", "-s")
    result.assert_outcomes(passed=1)
    result.stdout.fnmatch_lines([f"*[('STOP_LOSS_LIMIT', '41780', {T0 + 100_000})]*"])


def test_the_block_is_plain_python() -> None:
    compile(textwrap.dedent(replay_block()), "README.md", "exec")
