"""A run report file opened in headless Chromium: the chart renders, the filters work, no console errors."""

from __future__ import annotations

from pathlib import Path

from mock_exchange.report import RunContext, write_report
from tests.browser.conftest import BrowserPage
from tests.report.seeded import seeded_run


def test_a_report_file_renders_its_chart(browser_page: BrowserPage, tmp_path: Path) -> None:
    run = seeded_run()
    path = write_report(run.fx.control, tmp_path / "report.html",
                        RunContext("test", "tests/test_bot.py::test_stop_loss", outcome="failed",
                                   failure="AssertionError: the take-profit never filled"))
    browser_page.open_file(path)  # opened as a user opens a CI artifact: from disk

    chart = browser_page.wait_until(lambda: browser_page.find_all("svg.price-chart"), "the price chart")[0]
    assert chart.size["width"] > 600 and chart.size["height"] > 200
    # Each kind of shape is laid out with a real size: candles, both OCO legs' lines, the fill.
    sizes = browser_page.script("""
        const box = (css) => Array.from(document.querySelectorAll(css)).map(e => {
            const r = e.getBoundingClientRect(); return [r.width, r.height]; });
        return {candles: box('svg .candle rect'), segments: box('svg .order-line line'),
                fills: box('svg .fill-marker'), triggers: box('svg .trigger-marker')};
    """)
    tape = run.fx.snapshot()["market"]["BTCUSDT"]["tape"]
    assert len(sizes["candles"]) == len(tape) and all(h >= 1 for _, h in sizes["candles"])
    assert len(sizes["segments"]) >= 2 and all(w >= 3 for w, _ in sizes["segments"])
    assert len(sizes["fills"]) == 1 and min(sizes["fills"][0]) >= 8
    assert len(sizes["triggers"]) == 1

    # The inline script filters the journal: "rejections only" leaves the -1022.
    visible = ("return Array.from(document.querySelectorAll('#journal-table tbody tr[data-row]'))"
               ".filter(r => !r.hidden).length")
    everything = browser_page.script(visible)
    assert everything == run.fx.journal_count() > 1
    browser_page.find('#journal .filters input[data-key="rejected"]').click()
    browser_page.wait_until(lambda: browser_page.script(visible) == 1, "only the rejection left in the journal")
    shown = [row.text for row in browser_page.find_all("#journal-table tbody tr[data-row]") if row.is_displayed()]
    assert "-1022 Signature for this request is not valid." in shown[0]

    browser_page.script("document.querySelector('svg.price-chart').scrollIntoView()")
    shot = browser_page.screenshot("report-chart")
    assert shot.stat().st_size > 0
    assert browser_page.console_errors() == []
