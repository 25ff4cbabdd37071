"""A seeded run with a stop-loss OCO that triggers and fills, and one badly signed request."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from typing import Any

from mock_exchange.config import default_config
from mock_exchange.pytest_plugin import FakeExchange, build_app, in_process

START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
BAD_SIGNATURE = "0" * 64


@dataclass
class SeededRun:
    fx: FakeExchange
    list_id: int
    stop_id: int
    limit_id: int


def seeded_run(seed: int = 11) -> SeededRun:
    config = default_config()
    fx = in_process(build_app(config, seed), config)
    fx.reset(seed=seed, at_ms=START_MS)
    fx.set_balance("demo", "BTC", "0.01")
    placed = fx.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="32000",
                                 stop_price="29000", stop_limit_price="28900", stop_limit_time_in_force="GTC")
    legs = {report["type"]: report["orderId"] for report in placed.raw["orderReports"]}
    fx.price_path("BTCUSDT", ["29800", "29400"])
    fx.advance(seconds=30)
    fx.set_price("BTCUSDT", "28950")  # the stop triggers; its limit 28900 takes the print
    # A request signed with the wrong secret: -1022, with the fake's explanation.
    answer = fx.session.get(f"{fx.url}/sapi/v1/margin/account",
                            params={"timestamp": str(fx.now_ms()), "signature": BAD_SIGNATURE},
                            headers={"X-MBX-APIKEY": fx.api_key})
    assert answer.json()["code"] == -1022
    return SeededRun(fx, placed.order_list_id, legs["STOP_LOSS_LIMIT"], legs["LIMIT_MAKER"])


@dataclass
class Element:
    tag: str
    attrs: dict[str, str]
    text: str = ""

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class Elements(HTMLParser):
    """Every element of a page with its attributes and its own direct text."""

    def __init__(self, page: str) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[Element] = []
        self._open: list[Element] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: v or "" for k, v in attrs})
        self.found.append(element)
        if tag not in ("meta", "input", "br", "rect", "line", "polyline", "path") or tag == "path":
            self._open.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append(Element(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop().tag == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._open:
            self._open[-1].text += data

    def with_class(self, name: str, **attrs: Any) -> list[Element]:
        return [e for e in self.found if name in e.classes
                and all(e.attrs.get(k.replace("_", "-")) == str(v) for k, v in attrs.items())]
