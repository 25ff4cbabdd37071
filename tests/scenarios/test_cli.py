"""``mock-exchange scenario run|check``: step lines, summary, exit codes, JUnit, --url."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from mock_exchange.cli import main
from mock_exchange.testing import LiveServer

BROKEN_DIR = Path(__file__).with_name("broken")
PASSING = """\
# A small story that passes.
name: Small OCO
steps:
  - given: {prices: {BTCUSDT: "30000"}}
  - call: place_oco
    args: {symbol: BTCUSDT, side: SELL, quantity: "0.01", price: "32000", stop_price: "29000"}
    save: oco
  - expect:
      status: 200
      response: {listOrderStatus: EXECUTING, orderListId: "${oco.orderListId}"}
  - market: {symbol: BTCUSDT, price: "32000"}
  - expect:
      events: {since: last_action, where: {action: fill}, count: 1}
"""


def line_of(path: Path, text: str) -> int:
    """The 1-based line of the first line containing ``text``."""
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if text in line)


@pytest.fixture
def passing(tmp_path: Path) -> Path:
    path = tmp_path / "small_oco.yaml"
    path.write_text(PASSING, encoding="utf-8")
    return path


def test_run_prints_a_line_per_step_and_a_summary(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", str(passing)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == f"{passing}: Small OCO"
    assert out[1] == "  ✓ given prices BTCUSDT 30000"
    assert out[2].startswith("  ✓ call place_oco(symbol=BTCUSDT") and out[2].endswith("→ HTTP 200")
    assert out[4] == "  ✓ market BTCUSDT trades at 32000 → expire #1, fill #2, list_done"
    assert out[-1] == "1 passed, 0 failed"


def test_a_failure_exits_non_zero_and_points_at_the_line(passing: Path, tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    broken = BROKEN_DIR / "oco_wrong_expectation.yaml"
    junit = tmp_path / "out" / "junit.xml"
    assert main(["scenario", "run", str(passing), str(broken), "--junit", str(junit)]) == 1
    out = capsys.readouterr().out
    assert "  ✗ expect status 200; response contingencyType OCO, listOrderStatus ALL_DONE" in out
    line = line_of(broken, "listOrderStatus: ALL_DONE")
    assert f'      {broken}:{line}: response.listOrderStatus: expected "ALL_DONE", got "EXECUTING"' in out
    assert "  - market BTCUSDT trades at 32000 (skipped)" in out
    assert out.splitlines()[-1] == "1 passed, 1 failed"
    cases = ET.parse(junit).getroot().findall("testcase")
    assert [c.find("failure") is None for c in cases] == [True, False]
    assert cases[1].find("failure").get("message", "").startswith(f"{broken}:{line}: ")  # type: ignore[union-attr]


def test_quiet_prints_only_failures(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "-q", str(passing)]) == 0
    assert capsys.readouterr().out.splitlines() == ["", "1 passed, 0 failed"]


def test_invalid_files_stop_everything_before_running(passing: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    invalid = BROKEN_DIR / "invalid_scenario.yaml"
    junit = tmp_path / "junit.xml"
    assert main(["scenario", "run", str(passing), str(invalid), "--junit", str(junit)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out == [
        f"{invalid}:{line_of(invalid, '- wait:')}: unknown step kind 'wait' (step kinds: given, call, market, clock, fault, expect)",
        "1 problem(s) in scenario files; nothing was run",
    ]
    errors = [c.find("error") for c in ET.parse(junit).getroot().findall("testcase")]
    assert errors[0] is None and errors[1] is not None


def test_check_reports_semantic_issues_with_lines(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    text = (BROKEN_DIR / "invalid_scenario.yaml").read_text(encoding="utf-8").replace("  - wait: 5s\n", "")
    path = tmp_path / "semantic.yaml"
    path.write_text(text, encoding="utf-8")
    assert main(["scenario", "check", str(path)]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith(f"{path}:{line_of(path, 'order_list:')}: expect: bad reference "
                             "${lst.orderListId}: 'lst' is not saved")
    assert out[1].startswith(f"{path}:{line_of(path, 'lenght')}: response.orderReports: bad matcher: "
                             "unknown key 'lenght'")


def test_no_files_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", str(tmp_path)]) == 2
    assert "no scenario files found" in capsys.readouterr().out


def test_run_against_a_running_server(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mock_exchange.web.app import create_app

    with LiveServer(create_app(control_token="s3cret")) as server:
        code = main(["scenario", "run", "--url", server.url, "--control-token", "s3cret",
                     str(passing), str(passing)])
    out = capsys.readouterr().out
    # Reset between scenarios: the second run sees orderListId 1 again and one fill only.
    assert code == 0, out
    assert out.splitlines()[-1] == "2 passed, 0 failed"
