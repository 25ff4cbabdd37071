"""mock-exchange: an offline, deterministic fake of the Binance margin trading API."""

__version__ = "0.1.0"

__all__ = ["__version__", "create_app"]


def create_app(*args, **kwargs):  # noqa: ANN002, ANN003, ANN201 - re-exported lazily
    """Build the Flask application (see :func:`mock_exchange.web.app.create_app`)."""
    # Imported lazily so that `import mock_exchange.core` never pulls in Flask.
    from mock_exchange.web.app import create_app as _create_app

    return _create_app(*args, **kwargs)
