"""pytest plugin: fixtures that give each test an isolated fake exchange."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask import Flask


@pytest.fixture
def fake_exchange_app() -> Iterator[Flask]:
    """A fresh in-process fake exchange app on the built-in default config."""
    from mock_exchange.web.app import create_app

    yield create_app()
