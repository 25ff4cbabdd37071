"""LocalControl and RemoteControl: the same methods, the same answers, the same errors."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import requests

from mock_exchange.control import ControlError, ControlHandle, LocalControl, RemoteControl
from mock_exchange.testing import LiveServer
from tests.control.conftest import frozen_app


def script(control: ControlHandle, tmp: Path) -> list[Any]:
    """Every handle method once (and a few refusals), with the results in order."""
    results: list[Any] = []

    def do(step: Callable[[], Any]) -> None:
        try:
            results.append(step())
        except ControlError as exc:
            results.append(("error", exc.code, exc.message, exc.status))

    do(lambda: control.reset(seed=3))
    do(control.clock)
    do(control.now_ms)
    do(lambda: control.advance(seconds=2))
    do(lambda: control.set_time(1_767_225_700_000))
    do(lambda: control.freeze(at_ms=1_767_225_800_000))
    do(lambda: control.market("BTCUSDT"))
    do(lambda: control.set_price("BTCUSDT", Decimal("30100.25")))
    do(lambda: control.trade("BTCUSDT", 30050, "0.5"))
    do(lambda: control.price_path("ETHUSDT", ["2001", Decimal("2002.5"), 2003]))
    do(lambda: control.add_account("bot", "botKey9", hmac_secret="s", cross={"USDT": "10", "BTC": {"free": "1"}},
                                   isolated={"ETHUSDT": {"ETH": Decimal("2")}}))
    do(lambda: control.add_account("bot", "botKey9", hmac_secret="s"))
    do(lambda: control.set_balance("bot", "USDT", "99.5", borrowed=Decimal("1")))
    do(lambda: control.set_balance("nobody", "USDT", "1"))
    do(lambda: control.account("bot"))
    do(control.accounts)
    do(lambda: control.add_symbol("SOLUSDT", "SOL", "USDT", "150", status="TRADING"))
    do(control.symbols)
    do(lambda: control.set_rate_limits(api_weight_per_minute=100))
    do(control.rate_limits)
    do(lambda: control.inject_fault("/api/v3/ping", "latency", count=1, method="get", delay_ms=1))
    do(lambda: control.inject_fault("/api/v3/*", "http_500", probability="0.25"))
    do(lambda: control.inject_fault("/api/v3/*", "nope"))
    do(control.faults)
    do(control.clear_faults)
    do(lambda: control.journal(path="/api/*"))
    do(lambda: control.journal_count())
    do(control.clear_journal)
    do(lambda: control.events(since=1, account="bot"))
    do(lambda: control.events())
    snapshot = control.snapshot()
    results.append(snapshot)
    do(lambda: control.save_snapshot(str(tmp / "s.json")))
    do(lambda: control.load_snapshot(str(tmp / "s.json")))
    do(lambda: control.save_snapshot(str(tmp / "missing" / "s.json")))
    do(lambda: control.restore(snapshot))
    do(lambda: control.restore({"version": 9}))
    do(lambda: control.market("NOPE"))
    do(lambda: control.journal(limit="many"))
    return results


def test_local_and_remote_give_the_same_results(tmp_path: Path) -> None:
    local = script(LocalControl(frozen_app()), tmp_path)
    with LiveServer(frozen_app()) as server, RemoteControl(server.url) as remote_control:
        remote = script(remote_control, tmp_path)
    assert len(local) == len(remote) == 38
    for index, (mine, theirs) in enumerate(zip(local, remote, strict=True)):
        assert mine == theirs, index
    errors = [r for r in local if isinstance(r, tuple)]
    assert [e[1] for e in errors] == ["conflict", "not_found", "bad_request", "bad_request", "bad_request",
                                      "not_found", "bad_request"]


def test_floats_are_refused_before_anything_is_sent(tmp_path: Path) -> None:
    app = frozen_app()
    with LiveServer(app) as server, RemoteControl(server.url) as remote:
        for control in (LocalControl(app), remote):
            with pytest.raises(TypeError):
                control.set_price("BTCUSDT", 30000.5)  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                control.trade("BTCUSDT", "30000", 0.1)  # type: ignore[arg-type]
            with pytest.raises(TypeError):
                control.price_path("BTCUSDT", ["1", 2.0])  # type: ignore[list-item]
            with pytest.raises(TypeError):
                control.add_account("x", "k1", hmac_secret="s", cross={"USDT": {"free": 1.0}})
            with pytest.raises(TypeError):
                control.set_balance("demo", "USDT", 1.5)  # type: ignore[arg-type]
        assert LocalControl(app).market("BTCUSDT")["last_price"] == "30000"
    assert LocalControl(app).journal() == []


def test_remote_reports_a_server_that_is_gone() -> None:
    with LiveServer(frozen_app()) as server:
        url = server.url
    with RemoteControl(url, timeout=5) as control, pytest.raises(requests.ConnectionError):
        control.now_ms()


def test_local_control_needs_the_control_plane() -> None:
    from flask import Flask

    with pytest.raises(ValueError, match="no control plane"):
        LocalControl(Flask("bare"))
