"""``mock-exchange scenario run --html``: where the reports go, what they show, same bytes twice, --url."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mock_exchange.cli import main
from mock_exchange.config import default_config
from mock_exchange.report import GENERATED_MARKER
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app

REPO = Path(__file__).resolve().parents[2]
STOP_LOSS = REPO / "scenarios" / "oco_stop_loss_hit.yaml"
BAD_SIGNATURE = REPO / "scenarios" / "auth_bad_signature_and_timestamp.yaml"
FAILING = """\
name: Take-profit expected, never reached
steps:
  - given: {prices: {BTCUSDT: "30000"}, balances: {demo: {cross: {BTC: "0.01"}}}}
  - call: place_oco
    args: {symbol: BTCUSDT, side: SELL, quantity: "0.01", price: "32000", stop_price: "29000"}
    save: {tp_id: "orderReports[type=LIMIT_MAKER].orderId"}
  - market: {symbol: BTCUSDT, path: ["31000", "31500"]}
  - expect:
      order: {symbol: BTCUSDT, order_id: "${tp_id}", status: FILLED}
"""


def stable(path: Path) -> str:
    return "\n".join(line for line in path.read_text(encoding="utf-8").splitlines() if GENERATED_MARKER not in line)


def test_one_scenario_one_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "out" / "report.html"
    assert main(["scenario", "run", str(STOP_LOSS), "--html", str(target)]) == 0
    assert capsys.readouterr().out.splitlines()[-2] == f"HTML report: {target}"
    assert sorted(p.name for p in target.parent.iterdir()) == ["report.html"]
    page = target.read_text(encoding="utf-8")
    assert "Scenario report: OCO stop-loss hit" in page and 'class="badge passed"' in page
    assert page.count('class="order-line') == 2 and page.count('class="fill-marker') == 1
    assert "✓ market BTCUSDT trades at 29000" in page  # the steps, as the terminal shows them


def test_the_same_seeded_scenario_gives_the_same_report(tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    assert main(["scenario", "run", str(STOP_LOSS), "--html", str(first), "-q"]) == 0
    assert main(["scenario", "run", str(STOP_LOSS), "--html", str(second), "-q"]) == 0
    assert stable(first) == stable(second)


def test_several_scenarios_an_index_and_a_file_each(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    failing = tmp_path / "tp_never_reached.yaml"
    failing.write_text(FAILING, encoding="utf-8")
    target = tmp_path / "report.html"
    assert main(["scenario", "run", str(STOP_LOSS), str(BAD_SIGNATURE), str(failing), "--html", str(target),
                 "-q"]) == 1
    assert f"HTML report: {target} (index of 3 reports)" in capsys.readouterr().out
    assert sorted(p.name for p in tmp_path.glob("*.html")) == [
        "report-auth_bad_signature_and_timestamp.html", "report-oco_stop_loss_hit.html",
        "report-tp_never_reached.html", "report.html"]
    index = target.read_text(encoding="utf-8")
    assert re.findall(r'href="([^"]+)"', index) == ["report-oco_stop_loss_hit.html",
                                                    "report-auth_bad_signature_and_timestamp.html",
                                                    "report-tp_never_reached.html"]
    failed = (tmp_path / "report-tp_never_reached.html").read_text(encoding="utf-8")
    assert 'class="badge failed"' in failed
    assert 'class="failed">✗ expect order' in failed  # the failing step, and its reason below it
    assert f"{failing}:9: order BTCUSDT 2: status: expected &quot;FILLED&quot;, got &quot;NEW&quot;" in failed
    auth = (tmp_path / "report-auth_bad_signature_and_timestamp.html").read_text(encoding="utf-8")
    assert "-1022 Signature for this request is not valid." in auth
    assert 'id="rejections"' in auth and "Rejections (5)" in auth
    assert 'class="explain"' in auth


def test_an_otoco_shows_its_pending_legs_waiting_then_on_the_book(tmp_path: Path) -> None:
    target = tmp_path / "otoco.html"
    assert main(["scenario", "run", str(REPO / "scenarios" / "otoco_take_profit.yaml"), "--html", str(target),
                 "-q"]) == 0
    page = target.read_text(encoding="utf-8")
    assert page.count('class="order-line') == 3
    # The take-profit leg: dotted while pending, solid once the working order filled.
    above = page[page.index('data-order-id="3" data-list-id="1" data-type="LIMIT_MAKER"'):]
    above = above[:above.index("</g>")]
    assert 'class="segment pending"' in above and 'class="segment limit"' in above
    assert page.count('class="fill-marker') == 2


def test_a_directory_target(tmp_path: Path) -> None:
    target = tmp_path / "reports"
    assert main(["scenario", "run", str(STOP_LOSS), "--html", str(target), "-q"]) == 0
    assert sorted(p.name for p in target.iterdir()) == ["index.html", "oco_stop_loss_hit.html"]


def test_reports_of_a_running_server(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "remote.html"
    with LiveServer(create_app(default_config())) as server:
        assert main(["scenario", "run", str(STOP_LOSS), "--url", server.url, "--html", str(target), "-q"]) == 0
    local = tmp_path / "local.html"
    assert main(["scenario", "run", str(STOP_LOSS), "--html", str(local), "-q"]) == 0
    remote_page = target.read_text(encoding="utf-8")
    assert remote_page.count('class="fill-marker') == 1
    # Same orders, events and chart whether the exchange ran in-process or behind a URL.
    chart = re.compile(r"<svg.*?</svg>", re.S)
    assert chart.findall(remote_page) == chart.findall(local.read_text(encoding="utf-8"))
