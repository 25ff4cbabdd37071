"""Shared fixtures: an isolated app per test, and signed clients for two accounts."""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS, OTHER_KEY, OTHER_SECRET, SignedClient


@pytest.fixture
def app() -> Flask:
    """A fresh exchange on the default config, its clock frozen at 2026-01-01."""
    # Built on a frozen clock so the initial state is stamped with the frozen instant too.
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)))


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def signed(app: Flask, client: FlaskClient) -> SignedClient:
    """Signed requests as the demo account."""
    return SignedClient(client, app)


@pytest.fixture
def other(app: Flask, client: FlaskClient) -> SignedClient:
    """Signed requests as a second account."""
    return SignedClient(client, app, OTHER_KEY, OTHER_SECRET)
