"""``mock-exchange serve --replay FILE [--speed N]`` as a user runs it: a real process on a free port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

from tests.replay.binance_files import agg_line, kline_line, write_csv, zipped
from tests.test_cli_serve import _free_port

T0 = 1_704_067_200_000  # 2024-01-01T00:00:00Z, a day of real history would start here


@contextmanager
def serving(*args: str) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", str(port), *args],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    try:
        assert _until(lambda: _answers(url) or process.poll() is not None), "the server did not come up"
        assert process.poll() is None, process.communicate(timeout=10)[0]
        yield url, process
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        return requests.get(f"{url}/mock/v1/health", timeout=1).status_code == 200
    except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
        return False


def _until(condition: object, timeout_s: float = 60) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)  # polling a condition with a deadline, not timing anything
    return False


def test_serve_replay_paused_starts_at_the_file_and_steps_over_the_control_api(tmp_path: Path) -> None:
    path = zipped(write_csv(tmp_path / "BTCUSDT-1m-2024-01-01.csv", [
        kline_line(T0, "42283.58", "42298.62", "42261.02", "42298.61", "35.92724000"),
        kline_line(T0 + 60_000, "42298.62", "42320.00", "42289.60", "42292.53", "21.04000000")]))
    with serving("--replay", str(path), "--speed", "0") as (url, process):
        status = requests.get(f"{url}/mock/v1/replay", timeout=5).json()
        assert (status["status"], status["symbol"], status["next_print_ms"]) == ("loaded", "BTCUSDT", T0)
        clock = requests.get(f"{url}/mock/v1/clock", timeout=5).json()
        assert (clock["now_ms"], clock["frozen"]) == (T0, True)
        price = requests.get(f"{url}/api/v3/ticker/price", params={"symbol": "BTCUSDT"}, timeout=5).json()
        assert price["price"] == "42283.58000000"  # the symbol starts at the file's first price
        stepped = requests.post(f"{url}/mock/v1/replay/step", json={"count": 8}, timeout=5).json()
        assert stepped["ended"] is True
        klines = requests.get(f"{url}/api/v3/klines", params={"symbol": "BTCUSDT", "interval": "1m",
                                                                "startTime": T0}, timeout=5).json()
        assert [k[1:6] for k in klines] == [
            ["42283.58000000", "42298.62000000", "42261.02000000", "42298.61000000", "35.92724000"],
            ["42298.62000000", "42320.00000000", "42289.60000000", "42292.53000000", "21.04000000"]]
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "replaying BTCUSDT-1m-2024-01-01.zip (klines) onto BTCUSDT, paused" in output
    assert "mock-exchange: replay of BTCUSDT-1m-2024-01-01.zip on BTCUSDT ended after 8 prints" in output


def test_serve_replay_at_a_speed_plays_to_the_end_by_itself(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "ETHUSDT-aggTrades-2024-01-01.csv",
                     [agg_line(i, f"{2280 + i}.00", "0.5", T0 + 200 * i, i % 2 == 1, micros=True) for i in range(6)])
    with serving("--replay", str(path), "--speed", "1000") as (url, process):
        assert _until(lambda: requests.get(f"{url}/mock/v1/replay", timeout=5).json()["ended"])
        trades = requests.get(f"{url}/api/v3/trades", params={"symbol": "ETHUSDT", "limit": 6}, timeout=5).json()
        assert [(t["price"], t["time"], t["isBuyerMaker"]) for t in trades] == [
            (f"{2280 + i}.00000000", T0 + 200 * i, i % 2 == 1) for i in range(6)]
        process.terminate()
        output = process.communicate(timeout=10)[0]
    assert "at 1000 x real time" in output
    assert "replay of ETHUSDT-aggTrades-2024-01-01.csv on ETHUSDT ended after 6 prints" in output


def test_serve_replay_refuses_an_unusable_file_before_listening(tmp_path: Path) -> None:
    bad = tmp_path / "BTCUSDT-1m-bad.csv"
    bad.write_text("1,2,3\n")
    unnamed = write_csv(tmp_path / "history.csv", [agg_line(1, "10", "1", T0, True)])
    for args, message in (
        (["--replay", str(bad)], "mock-exchange serve: --replay: BTCUSDT-1m-bad.csv:1: 3 columns"),
        (["--replay", str(unnamed)], "history.csv: the file name does not start with a symbol: add --replay-symbol"),
        (["--replay", str(unnamed), "--replay-symbol", "DOGEUSDT"], "DOGEUSDT: not a symbol of the config"),
        (["--replay", str(unnamed), "--speed", "-1"], "--speed: expected 0 (paused) or a speed up to 1000000"),
    ):
        done = subprocess.run([sys.executable, "-m", "mock_exchange", "serve", "--port", str(_free_port()), *args],
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 2 and message in done.stderr, done.stderr
