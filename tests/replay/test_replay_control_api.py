"""The replay on the control API: routes, answers, errors; RemoteControl against a live server."""

from __future__ import annotations

from pathlib import Path

from mock_exchange.control import RemoteControl
from mock_exchange.testing import LiveServer
from tests.control.conftest import frozen_app
from tests.replay.binance_files import agg_line, kline_line, write_csv, zipped
from tests.signed_client import FROZEN_AT_MS as T0

REPLAY = "/mock/v1/replay"


def small_file(directory: Path) -> Path:
    return write_csv(directory / "BTCUSDT-aggTrades-2026-01-01.csv",
                     [agg_line(1, "30010.00", "0.1", T0 + 1_000, False),
                      agg_line(2, "30020.00", "0.2", T0 + 2_000, True)])


def test_load_step_seek_status_and_unload_over_http(tmp_path: Path) -> None:
    client = frozen_app(snapshot_dir=tmp_path).test_client()
    assert client.get(REPLAY).get_json() == {"loaded": False, "status": "none", "ended": False}
    small_file(tmp_path)
    loaded = client.post(REPLAY, json={"path": "BTCUSDT-aggTrades-2026-01-01.csv"})
    assert loaded.status_code == 200
    assert loaded.get_json() == {"loaded": True, "symbol": "BTCUSDT", "file": "BTCUSDT-aggTrades-2026-01-01.csv",
                                 "kind": "aggTrades", "status": "loaded", "ended": False, "prints": 0,
                                 "last_print_ms": None, "next_print_ms": T0 + 1_000, "offset_ms": 0, "error": None,
                                 "speed": None}
    stepped = client.post(f"{REPLAY}/step", json={"count": 1}).get_json()
    assert (stepped["printed"], stepped["prints"], stepped["next_print_ms"]) == (1, 1, T0 + 2_000)
    assert client.get("/api/v3/ticker/price?symbol=BTCUSDT").get_json()["price"] == "30010.00000000"
    ended = client.post(f"{REPLAY}/step", json={"to_ms": T0 + 5_000}).get_json()
    assert (ended["status"], ended["ended"], [e["action"] for e in ended["events"]]) == ("ended", True, ["replay_end"])
    assert client.get("/mock/v1/clock").get_json()["now_ms"] == T0 + 5_000
    assert client.post(f"{REPLAY}/seek", json={"at_ms": T0}).get_json()["status"] == "paused"
    assert client.delete(REPLAY).get_json()["loaded"] is False


def test_errors_name_the_problem_and_leave_the_replay_as_it_was(tmp_path: Path) -> None:
    client = frozen_app(snapshot_dir=tmp_path).test_client()
    nothing = client.post(f"{REPLAY}/step", json={})
    assert nothing.status_code == 409
    assert nothing.get_json()["error"] == {"code": "conflict", "message": "no replay loaded (load a file first)"}
    outside = client.post(REPLAY, json={"path": "../elsewhere.csv"})
    assert outside.status_code == 400 and "inside the snapshot directory" in outside.get_json()["error"]["message"]
    missing = client.post(REPLAY, json={"path": "nope.csv"})
    assert missing.get_json()["error"]["message"] == "replay file: nope.csv: no such file"
    (tmp_path / "BTCUSDT-1m-bad.csv").write_text(kline_line(T0, "1", "2", "1", "1", "1") + "\n1,2\n")
    assert client.post(REPLAY, json={"path": "BTCUSDT-1m-bad.csv"}).status_code == 200  # the first row is fine
    bad = client.post(f"{REPLAY}/step", json={"count": 10})
    assert bad.status_code == 400
    assert bad.get_json()["error"]["message"] == (
        "replay file: BTCUSDT-1m-bad.csv:2: 2 columns where this klines file has 12")
    status = client.get(REPLAY).get_json()
    assert (status["status"], status["prints"]) == ("failed", 4)  # the good bar was printed
    assert status["error"] == "BTCUSDT-1m-bad.csv:2: 2 columns where this klines file has 12"
    small_file(tmp_path)
    assert client.post(REPLAY, json={"path": "BTCUSDT-aggTrades-2026-01-01.csv", "symbol": "NOPE"}).status_code == 404
    unnamed = tmp_path / "trades.csv"
    unnamed.write_text(agg_line(1, "10", "1", T0, True) + "\n")
    named = client.post(REPLAY, json={"path": "trades.csv"}).get_json()["error"]["message"]
    assert named.startswith("trades.csv: name the symbol")
    assert client.post(REPLAY, json={"path": "trades.csv", "symbol": "ETHUSDT"}).get_json()["symbol"] == "ETHUSDT"
    for body, field in (({"count": 0}, "count"), ({"count": "x"}, "count"), ({"count": 1_000_001}, "count"),
                        ({"count": 1, "to_ms": 5}, "count"), ({"to_ms": -1}, "to_ms")):
        answer = client.post(f"{REPLAY}/step", json=body)
        assert answer.status_code == 400 and field in answer.get_json()["error"]["message"]
    assert client.post(f"{REPLAY}/play", json={"speed": "0"}).status_code == 400
    assert client.post(f"{REPLAY}/play", json={"speed": "2000000"}).status_code == 400
    assert client.post(f"{REPLAY}/seek", json={}).status_code == 400
    assert client.get(REPLAY).get_json()["prints"] == 0


def test_remote_control_drives_a_replay_on_a_live_server(tmp_path: Path) -> None:
    path = zipped(small_file(tmp_path))
    with LiveServer(frozen_app()) as server, RemoteControl(server.url) as control:
        assert control.replay_load(str(path))["file"] == "BTCUSDT-aggTrades-2026-01-01.zip"
        assert control.replay_step(2)["ended"] is True
        assert control.replay_status()["prints"] == 2
        assert control.market("BTCUSDT")["last_price"] == "30020"
        assert control.replay_seek(T0)["next_print_ms"] == T0 + 1_000
        assert control.replay_pause()["status"] == "paused"
        assert control.replay_unload()["loaded"] is False
