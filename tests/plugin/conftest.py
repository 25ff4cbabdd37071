"""The plugin's own tests run inner pytest sessions with ``pytester``."""

from __future__ import annotations

import margin_client  # noqa: F401
import pytest

# Imported here, before any inner session, so that pytester's in-process runs share these
# modules instead of importing a second copy each (two requests modules disagree on classes).
import requests  # noqa: F401

import mock_exchange.control  # noqa: F401
import mock_exchange.testing  # noqa: F401
import mock_exchange.web.app  # noqa: F401
import mock_exchange.wsgi_adapter  # noqa: F401

mock_exchange.web.app.create_app()  # and everything the factory imports lazily (the engine)


def pytest_configure(config: pytest.Config) -> None:
    # pytest_plugins is only honoured in the root conftest, which this package does not own.
    if not config.pluginmanager.has_plugin("pytester"):
        config.pluginmanager.import_plugin("pytester")


@pytest.fixture(autouse=True)
def _in_process_only(request: pytest.FixtureRequest) -> None:
    """These test the plugin itself (they start their own servers): not for --fake-exchange-url runs."""
    if request.config.getoption("fake_exchange_url", None):
        pytest.skip("plugin self-tests run without --fake-exchange-url")
