"""client/README.md's examples run as written against the fake exchange's default market."""

from __future__ import annotations

import re
from pathlib import Path

from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app

README = Path(__file__).resolve().parents[2] / "client" / "README.md"
FAKE_URL = "http://127.0.0.1:8080"


def python_blocks() -> list[str]:
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def test_the_oco_round_trip_works_against_the_default_market() -> None:
    [example] = [block for block in python_blocks() if FAKE_URL in block and "place_oco" in block]
    with LiveServer(create_app()) as server:  # the default config: BTCUSDT at 30000, the demo account
        namespace: dict[str, object] = {}
        exec(compile(example.replace(FAKE_URL, server.url), str(README), "exec"), namespace)  # noqa: S102
        client = namespace["client"]
        assert client.get_open_orders(symbol="BTCUSDT") == []  # type: ignore[attr-defined]
        client.close()  # type: ignore[attr-defined]


def test_the_fake_url_comes_first_and_production_is_a_warning() -> None:
    text = README.read_text(encoding="utf-8")
    first = python_blocks()[0]
    assert FAKE_URL in first and "api.binance.com" not in first.replace("production Binance", "")
    # The warning comes before any example.
    assert text.index("**The default base URL is production Binance**") < text.index("```python")


def test_every_example_price_fits_the_default_market() -> None:
    from mock_exchange.config import default_config

    last = default_config().symbols["BTCUSDT"].last_price
    checked = 0
    for block in python_blocks():
        for side, price, stop in re.findall(r'side="(SELL|BUY)".*?price=(?:Decimal\()?"(\d+)"\)?.*?stop_price='
                                            r'(?:Decimal\()?"(\d+)"', block, re.S):
            # An OCO SELL: take profit above the market, stop below it (a BUY the other way round).
            above, below = (int(price), int(stop)) if side == "SELL" else (int(stop), int(price))
            assert below < last < above, (side, price, stop, last)
            checked += 1
    assert checked == 2  # the round trip and the reconciliation example
