"""Price paths and trades fill and trigger the right orders, in the right order."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask.testing import FlaskClient

from mock_exchange.control import LocalControl
from tests.signed_client import SignedClient

OTOCO = dict(symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="29800", workingQuantity="0.02",
             workingTimeInForce="GTC", pendingSide="SELL", pendingQuantity="0.02", pendingAboveType="LIMIT_MAKER",
             pendingAbovePrice="31000", pendingBelowType="STOP_LOSS_LIMIT", pendingBelowStopPrice="29000",
             pendingBelowPrice="28900", pendingBelowTimeInForce="GTC")


def brief(events: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    """(action, order id, status, last price, last qty) for order events; (action, list status) for lists."""
    rows: list[tuple[Any, ...]] = []
    for event in events:
        if event["type"] == "order":
            rows.append((event["action"], event["order_id"], event["status"], event["last_price"], event["last_qty"]))
        elif event["type"] == "list_status":
            rows.append((event["action"], event["order_list_id"], event["list_order_status"]))
        else:
            rows.append((event["action"],))
    return rows


def place(signed: SignedClient, path: str, **params: str) -> dict[str, Any]:
    response = signed.post(path, **params)
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def test_a_price_path_fills_and_triggers_in_order(signed: SignedClient, control: LocalControl) -> None:
    stop = place(signed, "/sapi/v1/margin/order", symbol="BTCUSDT", side="SELL", type="STOP_LOSS_LIMIT",
                 quantity="0.01", price="29400", stopPrice="29500", timeInForce="GTC")
    otoco = place(signed, "/sapi/v1/margin/order/otoco", **OTOCO)
    # Binance lists an OTOCO's orders as working, then the pending pair below-leg first.
    working, below, above = (o["orderId"] for o in otoco["orders"])
    assert stop["orderId"] == 1 and (working, below, above) == (2, 3, 4)

    events = control.price_path("BTCUSDT", ["29900", "29800", "29500", "29000"])
    assert brief(events) == [
        # 29800: the OTOCO's working BUY fills, its pending OCO pair goes live.
        ("fill", working, "FILLED", "29800", "0.02"),
        ("new", below, "NEW", "0", "0"),
        ("new", above, "NEW", "0", "0"),
        ("list_status", 1, "EXECUTING"),
        ("balance",),
        # 29500: the lone stop-limit SELL triggers and fills.
        ("fill", stop["orderId"], "FILLED", "29500", "0.01"),
        ("balance",),
        # 29000: the pair's stop leg fires, the take-profit leg expires first, the list is done.
        ("expire", above, "EXPIRED", "0", "0"),
        ("fill", below, "FILLED", "29000", "0.02"),
        ("list_done", 1, "ALL_DONE"),
        ("balance",),
    ]
    assert [e["seq"] for e in events] == list(range(events[0]["seq"], events[0]["seq"] + len(events)))
    assert control.events(since=events[0]["seq"] - 1) == events
    assert signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []


def test_a_path_that_misses_every_order_changes_nothing(signed: SignedClient, control: LocalControl) -> None:
    place(signed, "/sapi/v1/margin/order/otoco", **OTOCO)
    before = signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()
    assert control.price_path("BTCUSDT", ["30500", "30100", "29801"]) == []
    assert signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == before


def test_a_trade_quantity_fills_partially_in_time_priority(signed: SignedClient, control: LocalControl) -> None:
    warm_up_volume = Decimal(control.market("BTCUSDT")["volume_24h"])
    first = place(signed, "/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.05",
                  price="29000", timeInForce="GTC")["orderId"]
    second = place(signed, "/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
                   price="29000", timeInForce="GTC")["orderId"]
    assert brief(control.trade("BTCUSDT", "29000", "0.02")) == [
        ("partial_fill", first, "PARTIALLY_FILLED", "29000", "0.02"), ("balance",)]
    order = signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=first).get_json()
    assert (order["status"], order["executedQty"]) == ("PARTIALLY_FILLED", "0.02")
    # The rest of the first order, then the second, from one bigger print (each fill is a step).
    assert brief(control.trade("BTCUSDT", "29000", "0.035")) == [
        ("fill", first, "FILLED", "29000", "0.03"), ("balance",),
        ("partial_fill", second, "PARTIALLY_FILLED", "29000", "0.005"), ("balance",),
    ]
    assert Decimal(control.market("BTCUSDT")["volume_24h"]) - warm_up_volume == Decimal("0.055")


def test_the_http_control_api_reports_the_same_events(client: FlaskClient, signed: SignedClient) -> None:
    place(signed, "/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01",
          price="29000", timeInForce="GTC")
    moved = client.post("/mock/v1/market/BTCUSDT/path", json={"prices": ["29500", "28990"]}).get_json()
    assert moved["last_price"] == "28990"
    fill = moved["events"][0]
    assert {k: fill[k] for k in ("action", "order_id", "side", "order_type", "status", "last_price", "last_qty",
                                  "commission", "commission_asset", "account", "isolated_symbol")} == {
        "action": "fill", "order_id": 1, "side": "BUY", "order_type": "LIMIT", "status": "FILLED",
        "last_price": "29000", "last_qty": "0.01", "commission": "0.00001", "commission_asset": "BTC",
        "account": "demo", "isolated_symbol": None}
    assert client.get("/mock/v1/events?account=demo").get_json()["events"][-2:] == moved["events"]


def test_the_facade_and_the_handle_agree(app, control: LocalControl) -> None:  # noqa: ANN001
    """Drive the engine directly (no HTTP order endpoints needed) and read through the handle."""
    from decimal import Decimal

    from mock_exchange.core.enums import OrderType, Side, TimeInForce
    from mock_exchange.core.requests import NewOrder

    exchange = app.extensions["mock_exchange"].exchange
    exchange.place_order("demo", NewOrder("ETHUSDT", Side.SELL, OrderType.LIMIT, quantity=Decimal("1"),
                                          price=Decimal("2100"), time_in_force=TimeInForce.GTC))
    events = control.set_price("ETHUSDT", "2100.5")
    assert [(e["action"], e["order_id"], e["last_price"]) for e in events[:1]] == [("fill", 1, "2100")]
    assert control.account("demo")["cross"]["USDT"]["free"] == "102097.9"
