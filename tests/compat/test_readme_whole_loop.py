"""The README's "run your bot's whole loop" block, run as written against a live fake exchange."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from mock_exchange.pytest_plugin import FakeExchange

pytest.importorskip("binance")

README = Path(__file__).resolve().parents[2] / "README.md"


def whole_loop_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- whole-loop:start -->\n```python\n(.*?)```\n<!-- whole-loop:end -->", text, re.S)
    assert found, "README lost its whole-loop block"
    return found.group(1)


def test_the_readme_whole_loop_runs_as_written(fake_exchange_live: FakeExchange) -> None:
    names = {"api_key": fake_exchange_live.api_key, "api_secret": fake_exchange_live.api_secret,
             "url": fake_exchange_live.url, "fake": fake_exchange_live}
    exec(compile(whole_loop_block(), str(README), "exec"), names)  # noqa: S102 - the README's own code

    assert len(names["closes"]) == 200  # warm-up candles are there from the start
    assert names["listed"]["listOrderStatus"] == "ALL_DONE"
    rows = names["interest"]["rows"]
    assert len(rows) == 3 and {r["type"] for r in rows} == {"PERIODIC"} and {r["asset"] for r in rows} == {"BTC"}
    # The take-profit's fill (0.01 BTC at 31000) is a trade of the account and part of its candle.
    assert [(Decimal(f["price"]), Decimal(f["qty"]), f["isBuyer"]) for f in names["fills"]] == [
        (Decimal(31000), Decimal("0.01"), False)]
    fill_hour = [c for c in names["hours"] if c[0] <= names["fills"][0]["time"] <= c[6]]
    assert len(fill_hour) == 1 and Decimal(fill_hour[0][2]) >= 31000 and Decimal(fill_hour[0][5]) >= Decimal("0.01")
