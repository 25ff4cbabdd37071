"""Freezing, setting and advancing the clock change what recvWindow and rate limits allow."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask.testing import FlaskClient

from mock_exchange.control import LocalControl
from tests.signed_client import FROZEN_AT_MS, SignedClient

OPEN_ORDERS = "/sapi/v1/margin/openOrders"


def test_advancing_past_the_recv_window_rejects_a_signed_request(signed: SignedClient, control: LocalControl) -> None:
    stamped = control.now_ms()
    assert signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped).status_code == 200
    control.advance(seconds=5)  # exactly the default window: still inside
    assert signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped).status_code == 200
    control.advance(1)
    late = signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped)
    assert late.get_json() == {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}
    assert signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped, recvWindow=10000).status_code == 200


def test_setting_the_clock_back_makes_a_timestamp_ahead(signed: SignedClient, control: LocalControl) -> None:
    stamped = control.now_ms()
    assert control.set_time(stamped - 1000) == stamped - 1000
    ahead = signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped)
    assert ahead.get_json() == {
        "code": -1021,
        "msg": "Timestamp for this request was 1000ms ahead of the server's time.",
    }
    assert signed.get(OPEN_ORDERS, symbol="BTCUSDT", timestamp=stamped - 1).status_code == 200


def test_weight_window_reopens_when_the_clock_reaches_the_next_minute(client: FlaskClient,
                                                                       control: LocalControl) -> None:
    control.set_rate_limits(api_weight_per_minute=2, ban_after_rejections=0)
    assert [client.get("/api/v3/ping").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get("/api/v3/ping").headers["Retry-After"] == "60"  # frozen at a minute's start
    control.advance(seconds=59)
    assert client.get("/api/v3/ping").status_code == 429
    control.advance(seconds=1)
    assert client.get("/api/v3/ping").headers["X-MBX-USED-WEIGHT-1M"] == "1"


def test_an_ip_ban_lasts_until_the_clock_passes_it(client: FlaskClient, control: LocalControl) -> None:
    control.set_rate_limits(api_weight_per_minute=1, ban_after_rejections=1)
    assert [client.get("/api/v3/ping").status_code for _ in range(4)] == [200, 429, 418, 418]
    control.advance(minutes=2)
    assert client.get("/api/v3/ping").status_code == 200


def test_freeze_unfreeze_and_advance_conveniences(control: LocalControl) -> None:
    assert control.now_ms() == FROZEN_AT_MS
    assert (
        control.advance(ms=1, seconds=2, minutes=3, hours=Decimal("0.5"))
        == FROZEN_AT_MS + 1 + 2_000 + 180_000 + 1_800_000
    )
    assert control.freeze(at_ms=FROZEN_AT_MS) == FROZEN_AT_MS
    assert control.advance(seconds=Decimal("1.5")) == FROZEN_AT_MS + 1500
    running_from = control.unfreeze()
    assert running_from >= FROZEN_AT_MS + 1500 and control.clock()["frozen"] is False
    assert control.freeze() >= running_from
    with pytest.raises(TypeError):
        control.advance(seconds=1.5)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        control.advance(seconds=Decimal("0.0001"))
    from mock_exchange.control import ControlError

    with pytest.raises(ControlError, match="advance_ms: must be at least 0"):
        control.advance(-5)
