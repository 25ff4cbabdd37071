"""The dashboard in a real browser: it loads clean, follows the exchange live, and steers it."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mock_exchange.testing import LiveServer
from tests.browser.conftest import BrowserPage, open_dashboard
from tests.control.conftest import HttpSigner

OCO = "/sapi/v1/margin/order/oco"
SELL_OCO = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "29000",
            "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}


@pytest.fixture
def bot(browser_server: LiveServer) -> Iterator[HttpSigner]:
    """Signed Binance requests as the demo account, over real HTTP, as a trading bot sends them."""
    signer = HttpSigner(browser_server)
    yield signer
    signer.session.close()


def place_oco(bot: HttpSigner) -> dict[str, Any]:
    response = bot.request("POST", OCO, **SELL_OCO)
    assert response.status_code == 200, response.text
    return response.json()


def readme_copy(path: Path, name: str) -> None:
    """With MOCK_EXCHANGE_README_SCREENSHOTS=DIR, keep a copy of a screenshot for the README."""
    target = os.environ.get("MOCK_EXCHANGE_README_SCREENSHOTS")
    if target:
        shutil.copyfile(path, Path(target) / name)


def test_the_dashboard_loads_without_console_errors(browser_page: BrowserPage) -> None:
    open_dashboard(browser_page)

    browser_page.wait_for_text("#accounts .account h3", "demo")
    browser_page.wait_until(lambda: (browser_page.script("return window.dashboard.chartState()") or {}).get("candles"),
                            "candles on the chart")
    assert "BTCUSDT" in browser_page.find("#chart-symbol").text
    assert browser_page.find("#chart canvas").size["height"] > 100
    browser_page.screenshot("dashboard")
    assert browser_page.console_errors() == []


def test_an_oco_placed_through_the_api_shows_with_its_legs_and_levels(browser_page: BrowserPage,
                                                                      bot: HttpSigner) -> None:
    open_dashboard(browser_page)
    placed = place_oco(bot)
    list_id = placed["orderListId"]
    stop_leg, limit_leg = (order["orderId"] for order in placed["orders"])

    browser_page.click("#order-tabs button[data-tab='open-lists']")
    row = browser_page.wait_for_text(f"#lists-table tr[data-list-id='{list_id}']", "OCO")
    assert "EXECUTING" in row
    legs = [browser_page.wait_for_text(f"#lists-table tr.leg[data-order-id='{leg}']", "SELL")
            for leg in (stop_leg, limit_leg)]
    assert "STOP_LOSS_LIMIT" in legs[0] and "29000" in legs[0] and "28900" in legs[0]
    assert "LIMIT_MAKER" in legs[1] and "31000" in legs[1]

    def levels() -> set[tuple[str, str]]:
        state = browser_page.script("return window.dashboard.chartState()") or {}
        return {(line["kind"], line["price"]) for line in state.get("lines", [])}

    browser_page.wait_until(lambda: {("stop", "29000"), ("limit", "28900"), ("limit", "31000")} <= levels(),
                            "the OCO's stop and limit levels on the chart")
    browser_page.wait_for_text("#events li[data-action='new']", f"#{limit_leg}")
    browser_page.screenshot("oco")
    assert browser_page.console_errors() == []


def test_moving_the_price_from_the_page_fills_the_take_profit(browser_page: BrowserPage, bot: HttpSigner) -> None:
    open_dashboard(browser_page)
    placed = place_oco(bot)
    stop_leg, limit_leg = (order["orderId"] for order in placed["orders"])
    # A second, wider OCO keeps resting: its levels stay on the chart beside the first one's fill.
    wider = bot.request("POST", OCO, **{**SELL_OCO, "quantity": "0.05", "price": "31500", "stopPrice": "29500",
                                        "stopLimitPrice": "29400"}).json()
    browser_page.wait_for_text("#orders-table", f"#{limit_leg}")

    # A path run from the page, one print a virtual minute, up towards the take-profit.
    path = browser_page.find("#path-input")
    path.send_keys("30250, 30500, 30800")
    browser_page.find("#run-path").click()
    browser_page.wait_for_text("#message", "ran 3 prints")
    assert bot.now_ms() == placed["transactionTime"] + 120_000

    price = browser_page.find("#price-input")
    price.clear()
    price.send_keys("31050")
    browser_page.find("#set-price").click()

    browser_page.wait_for_text("#message", "BTCUSDT printed at 31050")
    fill = browser_page.wait_for_text("#events li[data-action='fill']", f"#{limit_leg}")
    assert "0.1 @ 31000" in fill
    browser_page.wait_for_text("#events li[data-action='expire']", f"#{stop_leg}")
    browser_page.wait_until(lambda: any(f["order_id"] == limit_leg and f["price"] == "31000" for f in
                                        (browser_page.script("return window.dashboard.chartState()") or {})
                                        .get("fills", [])), "the fill marker on the chart")
    markers = browser_page.script("return window.dashboard.chartState().markers")
    assert [m["text"] for m in markers] == ["SELL 0.1 @ 31000"]
    browser_page.wait_until(lambda: not browser_page.find_all(f"#orders-table tr[data-order-id='{limit_leg}']"),
                            "the filled leg gone from the open orders")
    still_open = {
        (line["kind"], line["price"]) for line in browser_page.script("return window.dashboard.chartState().lines")
    }
    assert still_open == {("limit", "31500"), ("stop", "29500"), ("limit", "29400")}, wider
    # The exchange agrees with the page.
    order = bot.request("GET", "/sapi/v1/margin/order", symbol="BTCUSDT", orderId=limit_leg).json()
    assert order["status"] == "FILLED"
    readme_copy(browser_page.screenshot("filled"), "dashboard.png")
    assert browser_page.console_errors() == []


def test_a_bad_signature_shows_minus_1022_with_its_explanation(browser_page: BrowserPage,
                                                                bot: HttpSigner) -> None:
    open_dashboard(browser_page)
    accepted = bot.request("POST", "/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                           quantity="0.01", price="29500", timeInForce="GTC")
    assert accepted.status_code == 200
    bot.secret = bot.secret[::-1]  # then signing with the wrong secret
    refused = bot.request("POST", "/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                          quantity="0.01", price="29000", timeInForce="GTC")
    assert refused.json()["code"] == -1022

    entry = browser_page.wait_for_text("#journal li.rejected", "-1022")
    assert "Signature for this request is not valid." in entry
    why = browser_page.wait_for_text("#journal li.rejected .explanation", "why: ")
    assert "Signature check failed" in why

    readme_copy(browser_page.screenshot("rejection"), "dashboard-rejection.png")

    browser_page.click("#journal-status option[value='ok']")
    browser_page.wait_until(lambda: not browser_page.find_all("#journal li.rejected"), "rejected requests filtered out")
    browser_page.wait_for_text("#journal li.accepted", "POST /sapi/v1/margin/order")
    browser_page.click("#journal-status option[value='error']")
    browser_page.click("#journal li.rejected", "-1022")
    detail = browser_page.wait_for_text("#detail-body", '"cause"')
    assert '"code": -1022' in detail and '"signature"' not in detail
    browser_page.screenshot("rejection-entry")
    assert browser_page.console_errors() == []
