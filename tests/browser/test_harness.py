"""The browser fixture itself: it reaches the live server, sees console errors, spots blank pages."""

from __future__ import annotations

import json

import pytest

from tests.browser.conftest import BrowserPage, blank_problem


def test_the_browser_reads_the_control_api_of_the_live_server(browser_page: BrowserPage) -> None:
    browser_page.open("/mock/v1/")

    body = browser_page.wait_for_text("body", "/mock/v1/reset")
    routes = json.loads(body.text)["routes"]
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
