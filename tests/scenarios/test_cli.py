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
    # Every problem of the file at once: the unknown step kind hides none of the others.
    assert out == [
        f"{invalid}:{line_of(invalid, '- wait:')}: unknown step kind 'wait' "
        "(step kinds: given, call, market, clock, fault, replay, expect)",
        f"{invalid}:{line_of(invalid, 'order_list:')}: expect: bad reference ${{lst.orderListId}}: 'lst' is not "
        "saved by any earlier step (known: now)",
        f"{invalid}:{line_of(invalid, 'lenght')}: response.orderReports: bad matcher: unknown key 'lenght' "
        "(did you mean 'len'?)",
        "3 problem(s) in scenario files; nothing was run",
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


FREEZING = """\
name: Freezes, throttles and faults
steps:
  - given: {rate_limits: {api_weight_per_minute: 50}}
  - clock: {advance: 60s}
  - fault: {endpoint: /api/v3/ping, kind: http_500, count: 3}
  - call: get_server_time
"""


@pytest.fixture
def freezing(tmp_path: Path) -> Path:
    path = tmp_path / "freezing.yaml"
    path.write_text(FREEZING, encoding="utf-8")
    return path


def _signed_with_wall_time(url: str) -> object:
    """What a user's bot does next: a signed request stamped with its own wall clock."""
    from margin_client import HmacSigner, MarginClient

    from mock_exchange.config import default_config

    demo = default_config().accounts[0]
    client = MarginClient(url, demo.api_key, HmacSigner(str(demo.hmac_secret)))
    try:
        return client.get_open_orders(symbol="BTCUSDT")
    finally:
        client.close()


def test_run_against_a_server_leaves_its_clock_on_wall_time(freezing: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    from mock_exchange.control import RemoteControl
    from mock_exchange.web.app import create_app

    with LiveServer(create_app()) as server, RemoteControl(server.url) as control:
        assert control.clock()["mode"] == "wall"
        assert main(["scenario", "run", "--url", server.url, str(freezing)]) == 0
        out = capsys.readouterr().out
        assert f"{server.url}: clock, rate limits and fault rules restored as found" in out
        assert out.splitlines()[-1] == "1 passed, 0 failed"
        assert control.clock()["mode"] == "wall"
        assert control.rate_limits()["api_weight_per_minute"] == 6000
        assert control.faults() == []
        assert _signed_with_wall_time(server.url) == []  # no -1021


def test_run_against_a_server_puts_back_a_frozen_clock_limits_and_faults(freezing: Path,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from mock_exchange.control import RemoteControl
    from mock_exchange.web.app import create_app

    with LiveServer(create_app()) as server, RemoteControl(server.url) as control:
        control.freeze(at_ms=1_800_000_000_000)
        control.set_rate_limits(orders_per_10s=7)
        control.inject_fault("/sapi/v1/margin/order", "http_500", count=2, method="POST")
        assert main(["scenario", "run", "--url", server.url, str(freezing)]) == 0
        assert control.clock()["now_ms"] == 1_800_000_000_000 and control.clock()["mode"] == "frozen"
        assert control.rate_limits()["orders_per_10s"] == 7
        [rule] = control.faults()
        assert (rule["endpoint"], rule["kind"], rule["method"], rule["remaining"]) == (
            "/sapi/v1/margin/order", "http_500", "POST", 2)


def test_run_against_a_server_puts_back_an_offset(freezing: Path) -> None:
    from mock_exchange.control import RemoteControl
    from mock_exchange.web.app import create_app

    with LiveServer(create_app()) as server, RemoteControl(server.url) as control:
        control.advance(hours=1)
        assert main(["scenario", "run", "--url", server.url, str(freezing)]) == 0
        state = control.clock()
        assert state["mode"] == "offset" and abs(int(state["offset_ms"]) - 3_600_000) < 1_000


def test_a_failed_restore_is_a_loud_warning(freezing: Path, capsys: pytest.CaptureFixture[str],
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_exchange.control import ControlError, RemoteControl
    from mock_exchange.web.app import create_app

    def refuse(self: RemoteControl) -> int:
        raise ControlError("internal", "the server went away")

    with LiveServer(create_app()) as server:
        url = server.url
        monkeypatch.setattr(RemoteControl, "use_wall_clock", refuse)
        assert main(["scenario", "run", "--url", url, str(freezing)]) == 0
    captured = capsys.readouterr()
    assert f"WARNING: {url} was NOT fully restored" in captured.err
    assert "WARNING:   clock: the server went away" in captured.err
    assert '{"mode": "wall"}' in captured.err


def test_a_server_that_is_down_is_one_line_and_exit_2(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    assert main(["scenario", "run", "--url", f"http://127.0.0.1:{port}", str(passing)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"mock-exchange scenario: cannot reach http://127.0.0.1:{port} (Connection refused); "
                            "is `mock-exchange serve` running there?\n")
    assert "Traceback" not in captured.out + captured.err


def test_a_wrong_control_token_is_one_line(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from mock_exchange.web.app import create_app

    with LiveServer(create_app(control_token="right")) as server:
        url = server.url
        assert main(["scenario", "run", "--url", url, "--control-token", "wrong", str(passing)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"mock-exchange scenario: {url}: the control API refused: ")
    assert err.endswith("(pass --control-token or set $MOCK_EXCHANGE_CONTROL_TOKEN)\n") and err.count("\n") == 1


def test_a_url_without_its_scheme_is_one_line(passing: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scenario", "run", "--url", "localhost:8080", str(passing)]) == 2
    assert capsys.readouterr().err == ("mock-exchange scenario: cannot reach localhost:8080 (not an http:// URL; "
                                       "write it as http://HOST:PORT); is `mock-exchange serve` running there?\n")
