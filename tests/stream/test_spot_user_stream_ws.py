"""The spot user data stream on the WebSocket API: ``userDataStream.subscribe.signature``, its
rules (each refused once, with Binance's code), and the spot wallet's events only."""

from __future__ import annotations

import hashlib
import hmac
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.requests import NewOrder
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS


def signed_params(secret: str = DEMO_SECRET, **params: Any) -> dict[str, Any]:
    params = {"apiKey": DEMO_KEY, "timestamp": FROZEN_AT_MS, **params}
    payload = urlencode(sorted((k, str(v)) for k, v in params.items()))
    return {**params, "signature": hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()}


def _order(client_id: str, spot: bool) -> NewOrder:
    return NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=Decimal("0.01"), price=Decimal("29000"),
                    time_in_force=TimeInForce.GTC, new_client_order_id=client_id, spot=spot)


def test_signature_subscription_streams_spot_events_only(connect: Any, exchange: Any) -> None:
    api = connect("/ws-api/v3")
    api.send({"id": 1, "method": "userDataStream.subscribe.signature", "params": signed_params()})
    assert api.recv() == {"id": 1, "status": 200, "result": {"subscriptionId": 0}}
    exchange.place_order("demo", _order("margin-1", spot=False))
    exchange.place_order("demo", _order("spot-1", spot=True))
    order, position = api.recv_many(2)
    assert order["subscriptionId"] == 0
    assert (order["event"]["e"], order["event"]["x"], order["event"]["c"]) == ("executionReport", "NEW", "spot-1")
    assert position["event"]["e"] == "outboundAccountPosition"
    assert position["event"]["B"] == [{"a": "USDT", "f": "9710.00000000", "l": "290.00000000"}]
    exchange.transfer("demo", "MAIN_MARGIN", "USDT", Decimal("10"))
    update, after = api.recv_many(2)
    assert (update["event"]["e"], update["event"]["a"], update["event"]["d"]) == ("balanceUpdate", "USDT",
                                                                                "-10.00000000")
    assert after["event"]["B"] == [{"a": "USDT", "f": "9700.00000000", "l": "290.00000000"}]


@pytest.mark.parametrize(("params", "code"), [
    ({"timestamp": FROZEN_AT_MS}, -1102),  # no apiKey
    ({"apiKey": "unknownKey0000", "timestamp": FROZEN_AT_MS, "signature": "00"}, -2015),
    ({"apiKey": DEMO_KEY, "signature": "00"}, -1102),  # no timestamp
    (signed_params(timestamp=FROZEN_AT_MS - 60_000), -1021),
    (signed_params(secret="not-the-secret"), -1022),
])
def test_signature_subscription_rules(connect: Any, params: dict[str, Any], code: int) -> None:
    api = connect("/ws-api/v3")
    api.send({"id": "x", "method": "userDataStream.subscribe.signature", "params": params})
    answer = api.recv()
    assert answer["id"] == "x" and answer["error"]["code"] == code
    api.send({"id": "y", "method": "userDataStream.subscribe.signature", "params": signed_params()})
    assert api.recv()["result"] == {"subscriptionId": 0}  # a refused subscription used no id
