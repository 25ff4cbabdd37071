"""The browser fixture itself: it reaches the live server, sees console errors, spots blank pages."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import BrowserPage, blank_problem


def test_the_browser_reads_the_control_api_of_the_live_server(browser_page: BrowserPage) -> None:
    browser_page.open("/mock/v1/")

    body = browser_page.wait_for_text("body", "/mock/v1/reset")
    routes = json.loads(body)["routes"]
    assert {"method": "POST", "path": "/mock/v1/reset", "op": "reset"} in routes
    shot = browser_page.screenshot("control-index")
    assert shot.stat().st_size > 0
    assert browser_page.console_errors() == []


def test_console_errors_and_uncaught_exceptions_are_collected(browser_page: BrowserPage) -> None:
    browser_page.open("/mock/v1/health")
    browser_page.script("console.error('dashboard broke'); setTimeout(() => { throw new Error('uncaught one'); });")

    errors = browser_page.wait_until(lambda: len(browser_page.console_errors()) >= 2 and browser_page.console_errors(),
                                     "two console errors")
    messages = " ".join(entry["message"] for entry in errors)
    assert "dashboard broke" in messages
    assert "uncaught one" in messages


def test_a_blank_page_is_refused_as_a_screenshot(browser_page: BrowserPage) -> None:
    browser_page.open("/mock/v1/health")
    browser_page.script("document.documentElement.innerHTML = '<body style=\"background:#fff\"></body>';")

    png = browser_page.driver.get_screenshot_as_png()
    assert blank_problem(png) is not None
    with pytest.raises(AssertionError, match="looks blank"):
        browser_page.screenshot("blank")


def test_a_file_from_disk_opens_and_its_canvas_is_seen(browser_page: BrowserPage, tmp_path: Path) -> None:
    page = tmp_path / "report.html"
    page.write_text(
        "<!doctype html><title>report</title><canvas id=c width=600 height=300></canvas><script>"
        "const g = document.getElementById('c').getContext('2d');"
        "for (let i = 0; i < 60; i++) {"
        " g.fillStyle = `hsl(${i * 6}, 70%, 50%)`; g.fillRect(i * 10, 300 - i * 5, 8, i * 5); }"
        "document.title = 'drawn';</script>",
        encoding="utf-8",
    )
    browser_page.open_file(page)

    browser_page.wait_until(lambda: browser_page.driver.title == "drawn", "the canvas drawn")
    browser_page.screenshot("file")
    assert browser_page.console_errors() == []
