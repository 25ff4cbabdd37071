"""The dashboard of an exchange with a control token: asked for once, or taken from the address."""

from __future__ import annotations

import pytest
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.browser.conftest import BrowserPage
from tests.signed_client import FROZEN_AT_MS

TOKEN = "page-token-0123456789"


@pytest.fixture
def browser_app() -> Flask:
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)),
                      control_token=TOKEN)


def test_the_token_in_the_address_is_used_and_taken_out_of_it(browser_page: BrowserPage) -> None:
    browser_page.open(f"/mock/ui/#token={TOKEN}")

    browser_page.wait_for_text("#accounts .account h3", "demo")
    browser_page.wait_for_text("#live", "live")
    assert "token" not in browser_page.driver.current_url
    browser_page.find("#price-input").send_keys("30200")
    browser_page.click("#set-price")
    browser_page.wait_for_text("#message", "BTCUSDT printed at 30200")
    assert browser_page.console_errors() == []


def test_without_the_token_the_page_asks_for_it(browser_page: BrowserPage) -> None:
    browser_page.open("/mock/ui/")
    browser_page.script("sessionStorage.clear()")
    browser_page.open("/mock/ui/")

    browser_page.wait_until(lambda: browser_page.script("return document.getElementById('token-dialog').open"),
                            "the token dialog")
    refused = [e["message"] for e in browser_page.console_errors()]
    assert refused and all("401" in message for message in refused)  # only the feeds' refusals
    browser_page.find("#token-input").send_keys(TOKEN)
    browser_page.click("#token-submit")
    browser_page.wait_for_text("#accounts .account h3", "demo")
    browser_page.wait_for_text("#live", "live")
    browser_page.screenshot("after-token")
