"""Control-plane fixtures: a LocalControl on the shared frozen app, live servers, signed HTTP."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
import requests
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.control import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS


@pytest.fixture
def control(app: Flask) -> LocalControl:
    return LocalControl(app)


def frozen_app(seed: int | None = None, **kwargs: Any) -> Flask:
    """A fresh app on the default config whose clock was frozen at FROZEN_AT_MS from the start.

    The exchange is built on the frozen clock, so even its initial state (the market's
    opening prints, interest checkpoints) carries FROZEN_AT_MS rather than wall time.
    """
    config = default_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS), seed=seed)
    return create_app(config, exchange=exchange, **kwargs)


@pytest.fixture
def live() -> Iterator[LiveServer]:
    """A frozen-clock app served by waitress on a free loopback port."""
    with LiveServer(frozen_app()) as server:
        yield server


class HttpSigner:
    """Signed Binance requests over real HTTP (``requests``), timestamped by the exchange clock."""

    def __init__(self, server: LiveServer, api_key: str = DEMO_KEY, secret: str = DEMO_SECRET) -> None:
        self.server = server
        self.api_key = api_key
        self.secret = secret
        self.session = requests.Session()

    def now_ms(self) -> int:
        return self.server.app.extensions["mock_exchange"].exchange.clock.now_ms()

    def request(self, method: str, path: str, timeout: float = 10, **params: Any) -> requests.Response:
        params.setdefault("timestamp", self.now_ms())
        query = urlencode({k: str(v) for k, v in params.items()})
        signature = hmac.new(self.secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        url = f"{self.server.url}{path}?{query}&signature={signature}"
        return self.session.request(method, url, headers={"X-MBX-APIKEY": self.api_key}, timeout=timeout)


@pytest.fixture
def http(live: LiveServer) -> Iterator[HttpSigner]:
    signer = HttpSigner(live)
    yield signer
    signer.session.close()


LIMIT_BUY = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "29000",
             "timeInForce": "GTC"}
