"""``--fake-exchange-report DIR``: an HTML run report of each failing test, named after its id (pytester)."""

from __future__ import annotations

from pathlib import Path

import pytest

from mock_exchange.report import GENERATED_MARKER

TESTS = """
import pytest

def place_and_move(fx):
    fx.reset(seed=3, at_ms=1767225600000)  # seeded, on a frozen clock: the same run, the same bytes
    fx.set_balance("demo", "BTC", "0.01")
    fx.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="32000", stop_price="29000")
    fx.set_price("BTCUSDT", "29000")

def test_passes(fake_exchange):
    place_and_move(fake_exchange)

@pytest.mark.parametrize("where", ["BTC/USDT:1"])
def test_fails(fake_exchange, where):
    place_and_move(fake_exchange)
    assert fake_exchange.market("BTCUSDT")["last_price"] == "32000", "the take-profit never filled"

def test_fails_without_an_exchange():
    assert False
"""
FAILING_NAME = "test_reports.py__test_fails_BTC_USDT_1.html"


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    pytester.makepyfile(test_reports=TESTS)
    return pytester.runpytest("-p", "no:cacheprovider", "--fake-exchange-seed", "3", *args)


def test_a_report_for_each_failing_test_and_its_output_says_where(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fake-exchange-report", "reports")
    result.assert_outcomes(passed=1, failed=2)
    reports = pytester.path / "reports"
    assert sorted(p.name for p in reports.iterdir()) == [FAILING_NAME]
    path = reports / FAILING_NAME
    result.stdout.fnmatch_lines(["*fake_exchange: run report*", f"written to {path}",
                                 "mock-exchange: 1 run report(s) written to *reports"])
    page = path.read_text(encoding="utf-8")
    assert "Test report: test_reports.py::test_fails[BTC/USDT:1]" in page
    assert 'class="badge failed"' in page
    assert "the take-profit never filled" in page  # the assertion, as pytest reported it
    assert page.count('class="order-line') == 2 and page.count('class="fill-marker') == 1


def test_all_writes_passed_tests_too(pytester: pytest.Pytester) -> None:
    run(pytester, "--fake-exchange-report", "out", "--fake-exchange-report-all").assert_outcomes(passed=1, failed=2)
    names = sorted(p.name for p in (pytester.path / "out").iterdir())
    assert names == ["test_reports.py__test_fails_BTC_USDT_1.html", "test_reports.py__test_passes.html"]
    passed = (pytester.path / "out" / "test_reports.py__test_passes.html").read_text(encoding="utf-8")
    assert 'class="badge passed"' in passed


def test_the_ini_file_names_the_directory(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_exchange_report = ci/reports\nfake_exchange_report_all = true\n")
    run(pytester).assert_outcomes(passed=1, failed=2)
    assert len(list((pytester.path / "ci" / "reports").glob("*.html"))) == 2


def test_no_option_no_report(pytester: pytest.Pytester) -> None:
    run(pytester).assert_outcomes(passed=1, failed=2)
    assert not list(Path(pytester.path).rglob("*.html"))


def test_reports_of_one_seed_are_the_same(pytester: pytest.Pytester) -> None:
    run(pytester, "--fake-exchange-report", "first", "-k", "test_fails")
    run(pytester, "--fake-exchange-report", "second", "-k", "test_fails")
    first, second = ((pytester.path / d / FAILING_NAME).read_text(encoding="utf-8").splitlines()
                     for d in ("first", "second"))
    assert [line for line in first if GENERATED_MARKER not in line] == \
        [line for line in second if GENERATED_MARKER not in line]


@pytest.mark.slow  # a worker process has to start and import the exchange
def test_with_xdist_workers_the_summary_still_counts_the_reports(pytester: pytest.Pytester) -> None:
    pytest.importorskip("xdist")
    pytester.makepyfile(test_reports=TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-n", "1", "--fake-exchange-report", "reports")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(["mock-exchange: 1 run report(s) written to *reports"])
    assert [p.name for p in (pytester.path / "reports").iterdir()] == [FAILING_NAME]
