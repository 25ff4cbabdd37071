"""The dashboard's other controls, clicked in a real browser: clock, faults, snapshot, reset."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import requests
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.browser.conftest import BrowserPage, open_dashboard
from tests.signed_client import FROZEN_AT_MS


@pytest.fixture
def browser_app(tmp_path: Path) -> Flask:
    """Snapshots from the page go to this test's own directory."""
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)),
                      snapshot_dir=tmp_path)


def type_into(page: BrowserPage, css: str, text: str) -> None:
    field = page.find(css)
    field.clear()
    field.send_keys(text)


def test_clock_faults_snapshot_and_reset_from_the_page(browser_page: BrowserPage, tmp_path: Path) -> None:
    page = browser_page
    base = page.server.url
    open_dashboard(page)
    page.wait_for_text("#clock", "2026-01-01 00:00:00.000 UTC · frozen")

    type_into(page, "#advance-input", "90")
    page.click("#advance")
    page.wait_for_text("#clock", "2026-01-01 00:01:30.000 UTC · frozen")
    assert requests.get(f"{base}/mock/v1/clock", timeout=10).json()["now_ms"] == FROZEN_AT_MS + 90_000

    page.click("#unfreeze")
    page.wait_for_text("#clock", "offset")
    page.click("#freeze")
    page.wait_for_text("#clock", "frozen")

    page.click("#fault-kind option[value='http_500']")
    type_into(page, "#fault-count", "2")
    page.click("#inject-fault")
    page.wait_for_text("#message", "http_500 on /sapi/v1/margin/order*")
    page.wait_for_text("#fault-count-shown", "1 rule(s) active")
    rules = requests.get(f"{base}/mock/v1/faults", timeout=10).json()["faults"]
    assert [(r["endpoint"], r["kind"], r["count"]) for r in rules] == [("/sapi/v1/margin/order*", "http_500", 2)]
    page.click("#clear-faults")
    page.wait_for_text("#message", "1 fault rule(s) cleared")
    assert requests.get(f"{base}/mock/v1/faults", timeout=10).json()["faults"] == []

    type_into(page, "#snapshot-path", "from-the-page.json")
    page.click("#save-snapshot")
    page.wait_for_text("#message", "snapshot saved")
    saved = json.loads((tmp_path / "from-the-page.json").read_text(encoding="utf-8"))
    assert saved["clock"]["now_ms"] >= FROZEN_AT_MS + 90_000

    requests.post(f"{base}/mock/v1/market/BTCUSDT/price", json={"price": "30100"}, timeout=10)
    page.wait_for_text("#chart-last", "last 30100")
    page.click("#reset")
    page.wait_for_text("#reset", "Sure? Reset")  # a first click only asks
    assert requests.get(f"{base}/mock/v1/market/BTCUSDT", timeout=10).json()["last_price"] == "30100"
    page.click("#reset")
    page.wait_for_text("#message", "exchange reset (seed 0)")
    page.wait_for_text("#chart-last", "last 30000")
    page.screenshot("after-reset")
    assert page.console_errors() == []
