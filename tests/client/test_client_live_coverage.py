"""The live tests cover every public MarginClient method and every error class.

Each ``test_client_live_*`` test declares with ``@covers`` what it exercises, and the ``live``
fixture checks the declaration against what the test's clients really did. A public method
or an error class added to the client without a live test makes this module fail.
"""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

import margin_client as mc

from tests.client.live_support import ERROR_CLASSES, PUBLIC_METHODS

# Error classes the fake exchange cannot produce, and why. Moving one out needs a live test.
NOT_PRODUCIBLE: dict[type[BaseException], str] = {
    mc.BinanceError: "abstract base: every failure raises a subclass",
    mc.UnauthorizedError: "-1002: no endpoint of the fake answers it",
    mc.OrderArchivedError: "-2026: the fake never archives orders",
    mc.PendingTransactionError: "-3007: the fake's borrow/repay complete synchronously",
    mc.UnexpectedResponseError: "the fake answers every 2xx with complete JSON",
}


def _declarations() -> dict[str, frozenset[object]]:
    """Every live test function (module::name) with what its @covers declares."""
    found: dict[str, frozenset[object]] = {}
    for path in sorted(Path(__file__).parent.glob("test_client_live_*.py")):
        module = importlib.import_module(f"tests.client.{path.stem}")
        for name, obj in vars(module).items():
            if name.startswith("test_") and callable(obj):
                found[f"{path.stem}::{name}"] = getattr(obj, "live_covers", frozenset())
                if found[f"{path.stem}::{name}"]:
                    # The declaration is checked by the `live` fixture, so the test must use it.
                    assert "live" in inspect.signature(obj).parameters, f"{name} declares @covers without `live`"
    return found


def test_every_public_method_has_a_live_test() -> None:
    covered = set().union(*_declarations().values())
    missing = sorted(PUBLIC_METHODS - covered)
    assert not missing, f"MarginClient methods without a live test: {missing}"
    # Named explicitly, so a rename cannot silently shrink the set.
    assert {
        "place_oco", "place_oto", "place_otoco", "cancel_order_list", "get_order_list",
        "get_all_order_lists", "get_open_order_lists", "place_order", "cancel_order", "get_order",
        "cancel_open_orders", "get_open_orders", "get_all_orders", "get_my_trades",
        "get_order_rate_limit", "get_account", "get_isolated_account", "borrow", "repay",
        "borrow_repay", "get_borrow_repay_history", "get_max_borrowable", "create_listen_token",
        "ping", "get_server_time", "sync_time", "get_exchange_info", "get_ticker_price",
        "get_ticker_prices", "get_avg_price", "get_system_status", "call",
    } <= PUBLIC_METHODS


def test_every_error_class_is_raised_live_or_explained() -> None:
    covered = set().union(*_declarations().values()) & ERROR_CLASSES
    missing = sorted(c.__name__ for c in ERROR_CLASSES - covered - set(NOT_PRODUCIBLE))
    assert not missing, f"error classes without a live test: {missing}"
    stale = sorted(c.__name__ for c in covered & set(NOT_PRODUCIBLE))
    assert not stale, f"listed as not producible but raised live: {stale}"
    assert set(NOT_PRODUCIBLE) <= ERROR_CLASSES
