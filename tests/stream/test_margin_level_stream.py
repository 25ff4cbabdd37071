"""MARGIN_LEVEL_STATUS_CHANGE on the risk data stream, over a real WebSocket, in order with the
stream's USER_LIABILITY_CHANGE events (forced liquidation off: the account stays at
FORCE_LIQUIDATION until it repays; with it on, see test_liquidation_stream.py)."""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
import requests
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS as T0
from tests.stream.test_ws_stream import assert_stream

Z8 = "0.00000000"


@pytest.fixture
def app() -> Flask:
    config = default_config()
    config = dataclasses.replace(config, margin=dataclasses.replace(config.margin, auto_liquidation=False))
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=T0)))


def test_risk_stream_reports_each_status_the_level_enters(http: requests.Session, server: Any, connect: Any,
                                                          exchange: Any) -> None:
    # The demo cross account as a long: 0.9 BTC and 2000 USDT held, 19000 USDT owed.
    # Valued in BTC at index p: (0.9 + 2000/p) / (19000/p).
    for asset in ("ETH", "BNB"):
        exchange.set_balance("demo", asset, free=Decimal(0))
    exchange.set_balance("demo", "BTC", free=Decimal("0.9"))
    exchange.set_balance("demo", "USDT", free=Decimal(2000), borrowed=Decimal(19000))
    exchange.check_margin_levels()  # 1.526: NORMAL, before the stream opens
    risk = connect(f"/ws/{http.post(f'{server.url}/sapi/v1/margin/listen-key').json()['listenKey']}")
    plain = connect(f"/ws/{http.post(f'{server.url}/sapi/v1/userDataStream').json()['listenKey']}")
    exchange.set_index_price("BTCUSDT", Decimal(25000))  # 0.98 / 0.76
    exchange.set_index_price("BTCUSDT", Decimal(20000))  # 1 / 0.95: through pre-liquidation at once
    exchange.repay("demo", "USDT", Decimal(2000))  # 0.9 / 0.85: still below 1.1, no status event
    exchange.set_index_price("BTCUSDT", Decimal(30000))  # 0.9 / 0.56666666
    assert_stream(risk.recv_many(4), [
        {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": T0, "l": "1.28947368", "s": "MARGIN_CALL"},
        {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": T0, "l": "1.05263157", "s": "FORCE_LIQUIDATION"},
        {"e": "USER_LIABILITY_CHANGE", "E": T0, "a": "USDT", "t": "REPAY", "p": "2000.00000000", "i": Z8},
        {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": T0, "l": "1.58823531", "s": "NORMAL"},
    ])
    # The ordinary user data stream carries the repayment, not the status changes.
    assert [event["e"] for event in plain.recv_many(2)] == ["balanceUpdate", "outboundAccountPosition"]
