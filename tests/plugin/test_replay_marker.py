"""``@pytest.mark.fake_exchange_replay``: the fixtures load a Binance market data file for replay."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.replay.binance_files import kline_line, write_csv, zipped

T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z

INNER_TEST = """
import pytest

T0 = 1_704_067_200_000


@pytest.mark.fake_exchange_replay("data/BTCUSDT-1m-2024-01-01.zip")
@pytest.mark.parametrize("fixture", ["fake_exchange", "fake_exchange_live"])
def test_stop_inside_a_replayed_bar(request, fixture):
    fx = request.getfixturevalue(fixture)
    status = fx.replay_status()
    assert (status["status"], status["symbol"], status["next_print_ms"]) == ("loaded", "BTCUSDT", T0)
    assert fx.now_ms() == T0  # frozen at the file's first row
    fx.set_balance("demo", "BTC", "0.5")
    fx.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="43000", stop_price="42200",
                        stop_limit_price="42100", stop_limit_time_in_force="GTC")
    # O 42283.58 H 42298.62 L 42150 C 42180: the high is nearer, 42298.62 then 42150 (through the stop)
    events = fx.replay_step(3)["events"]
    fills = [e for e in events if e["action"] == "fill"]
    assert [(f["order_type"], f["time_ms"], f["last_price"]) for f in fills] == [
        ("STOP_LOSS_LIMIT", T0 + 40_000, "42150")]
    assert fx.replay_step(100)["ended"] is True


@pytest.mark.fake_exchange_replay("data/missing.zip")
def test_a_missing_file(fake_exchange):
    pass
"""


def test_the_marker_loads_the_file_and_the_test_steps_it(pytester: pytest.Pytester) -> None:
    data = Path(pytester.path) / "data"
    data.mkdir()
    zipped(write_csv(data / "BTCUSDT-1m-2024-01-01.csv", [
        kline_line(T0, "42283.58", "42298.62", "42150.00", "42180.00", "4.00000000"),
        kline_line(T0 + 60_000, "42180.00", "42200.00", "42100.00", "42120.00", "2.00000000")]))
    pytester.makepyfile(test_inner=INNER_TEST)
    result = pytester.runpytest("-p", "no:cacheprovider")
    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*@pytest.mark.fake_exchange_replay: missing.zip: no such file*"])


def test_the_marker_is_registered(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("-p", "no:cacheprovider", "--markers")
    result.stdout.fnmatch_lines(["@pytest.mark.fake_exchange_replay(path, symbol=None, align='file'): *"])
