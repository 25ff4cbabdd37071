"""The README's "Spot trading" block, run as written against a live fake exchange."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from mock_exchange.pytest_plugin import FakeExchange

pytest.importorskip("binance")
pytestmark = pytest.mark.compat

README = Path(__file__).resolve().parents[2] / "README.md"


def spot_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- spot:start -->\n```python\n(.*?)```\n<!-- spot:end -->", text, re.S)
    assert found, "README lost its spot block"
    return found.group(1)


def test_the_readme_spot_block_runs_as_written(fake_exchange_live: FakeExchange) -> None:
    names = {"api_key": fake_exchange_live.api_key, "api_secret": fake_exchange_live.api_secret,
             "url": fake_exchange_live.url}
    exec(compile(spot_block(), str(README), "exec"), names)  # noqa: S102 - the README's own code
    assert names["bought"]["status"] == "NEW"
    assert [r["type"] for r in names["oco"]["orderReports"]] == ["STOP_LOSS", "LIMIT_MAKER"]
    balances = {b["asset"]: b for b in names["balances"]}
    assert (balances["USDT"]["free"], balances["USDT"]["locked"]) == ("9710.00000000", "290.00000000")
    assert (balances["BTC"]["free"], balances["BTC"]["locked"]) == ("0.49000000", "0.01000000")
