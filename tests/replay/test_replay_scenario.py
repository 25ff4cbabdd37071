"""The ``replay`` scenario step: validation, the Python builder, a bad file, and the shipped sample."""

from __future__ import annotations

from pathlib import Path

from mock_exchange.scenario import Scenario
from tests.replay.binance_files import SAMPLE_NAME, agg_line, sample_klines_text, write_csv
from tests.scenarios.test_loader import issues_of

ROOT = Path(__file__).resolve().parents[2]
T0 = 1_767_225_600_000


def test_the_shipped_sample_is_the_generated_file() -> None:
    shipped = ROOT / "scenarios" / "data" / SAMPLE_NAME
    assert shipped.read_text(encoding="utf-8") == sample_klines_text()
    assert "generated, not market data" in (ROOT / "scenarios" / "data" / "README.md").read_text(encoding="utf-8")


def test_replay_steps_are_checked_before_anything_runs() -> None:
    found = [str(i) for i in issues_of("""
        name: replay mistakes
        steps:
          - replay: {file: a.csv, step: 2, to: "2026-01-01T00:00:00Z"}
          - replay: {step: 0}
          - replay: {symbol: BTCUSDT}
          - replay: {end: yes please}
          - replay: {file: a.csv, align: sideways}
          - replay: {seek: "tomorrow-ish"}
          - replay: {fil: a.csv}
        """)]
    assert found[0] == "story.yaml:3: replay: give at most one of `step`, `to`, `seek` or `end`"
    assert found[1] == "story.yaml:4: replay.step: expected a whole number of prints, at least 1"
    assert "story.yaml:5: replay: give a `file` to load, or one of `step`, `to`, `seek`, `end`" in found
    assert "story.yaml:5: replay: `symbol` and `align` go with `file`" in found
    assert "story.yaml:6: replay.end: write `end: true` (every print left)" in found
    assert "story.yaml:7: replay.align: expected `file` or `clock`" in found
    assert any(i.startswith("story.yaml:8: replay.seek: ") for i in found)
    assert any(i.startswith("story.yaml:9: replay: unknown field 'fil'") for i in found), found


def test_a_python_scenario_replays_trades_and_a_bad_line_fails_its_step(tmp_path: Path) -> None:
    good = write_csv(tmp_path / "BTCUSDT-aggTrades-2026-01-01.csv",
                     [agg_line(1, "30100.00", "0.5", T0 + 1_000, False),
                      agg_line(2, "30200.00", "0.5", T0 + 2_000, True)])
    result = (Scenario("trades replayed")
              .replay(str(good), step=1)
              .expect(events={"count": 0})
              .replay(seek="2026-01-01T00:00:01.500Z")
              .replay(end=True)
              .expect(events={"sequence": [{"action": "replay_end", "prints": 2}]})
              .run())
    assert result.passed, result.messages
    bad = write_csv(tmp_path / "BTCUSDT-aggTrades-bad.csv", [agg_line(1, "30100.00", "0.5", T0, False), "1,2,3"])
    failed = Scenario("a bad line").replay(str(bad), end=True).run()
    assert not failed.passed
    assert "replay: the exchange refused it: replay file: BTCUSDT-aggTrades-bad.csv:2: 3 columns" in failed.messages[0]
