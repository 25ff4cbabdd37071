"""The README's "watch the market" block, run as written against a live server with WebSockets."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

from flask import Flask

from tests.stream.conftest import Served

README = Path(__file__).resolve().parents[2] / "README.md"


def watch_block() -> str:
    text = README.read_text(encoding="utf-8")
    found = re.search(r"<!-- watch-market:start -->\n```python\n(.*?)```\n<!-- watch-market:end -->", text, re.S)
    assert found, "README lost its watch-the-market block"
    return found.group(1)


def test_the_readme_watch_the_market_block_runs_as_written(app: Flask, server: Served, exchange: Any) -> None:
    from mock_exchange.control.handle import LocalControl

    names: dict[str, Any] = {"url": server.url, "ws_url": server.ws_url, "fake": LocalControl(app)}
    exec(compile(watch_block(), str(README), "exec"), names)  # noqa: S102 - the README's own code

    diff, best, snapshot = names["diff"], names["best"], names["snapshot"]
    assert (diff["e"], diff["U"], diff["u"]) == ("depthUpdate", snapshot["lastUpdateId"] + 1,
                                                 snapshot["lastUpdateId"] + 1)
    assert (best["u"], best["b"], best["a"]) == (diff["u"], "30099.99000000", "30100.01000000")
    assert exchange.market.last_price("BTCUSDT") == Decimal("30100")
