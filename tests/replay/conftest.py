"""Replay tests; some run inner pytest sessions (the plugin's marker, the README's example)."""

from __future__ import annotations

import pytest

import mock_exchange.web.app  # noqa: F401  (imported once, shared with pytester's in-process sessions)


def pytest_configure(config: pytest.Config) -> None:
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")
