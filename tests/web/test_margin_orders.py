"""Single margin orders over HTTP: placement shapes, type rules, cancels and queries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.signed_client import SignedClient

ORDER = "/sapi/v1/margin/order"


def exchange(app: Flask) -> Any:
    return app.extensions["mock_exchange"].exchange


def limit_buy(signed: SignedClient, **extra: Any) -> Any:
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.01", "price": "29000",
              "timeInForce": "GTC"}
    params.update(extra)
    return signed.post(ORDER, **params)


def test_limit_order_full_response_by_default(signed: SignedClient) -> None:
    response = limit_buy(signed, newClientOrderId="bot-1")
    body = response.get_json()
    # isIsolated after clientOrderId, as the documented FULL example (docs/fidelity.md).
    assert list(body) == ["symbol", "orderId", "clientOrderId", "isIsolated", "transactTime", "price", "origQty",
                          "executedQty", "cummulativeQuoteQty", "status", "timeInForce", "type", "side",
                          "selfTradePreventionMode", "fills"]
    assert (body["clientOrderId"], body["price"], body["origQty"], body["executedQty"]) == ("bot-1", "29000",
                                                                                             "0.01", "0")
    assert body["status"] == "NEW" and body["fills"] == []
    assert response.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "6"


def test_ack_and_result_response_types(signed: SignedClient) -> None:
    ack = limit_buy(signed, newOrderRespType="ACK").get_json()
    assert list(ack) == ["symbol", "orderId", "clientOrderId", "isIsolated", "transactTime"]
    result = limit_buy(signed, newOrderRespType="RESULT").get_json()
    assert "fills" not in result and result["status"] == "NEW"
    stop = signed.post(ORDER, symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.01",
                       stopPrice="29000").get_json()
    assert set(stop) == {"symbol", "orderId", "clientOrderId", "isIsolated", "transactTime"}  # ACK by default


def test_market_order_fills_at_last_price_with_commission(signed: SignedClient) -> None:
    body = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01").get_json()
    assert body["status"] == "FILLED"
    assert body["cummulativeQuoteQty"] == "300"
    # Fills trimmed like the rest of the placement answer (docs/fidelity.md).
    assert body["fills"] == [{"price": "30000", "qty": "0.01", "commission": "0.00001",
                              "commissionAsset": "BTC", "tradeId": body["fills"][0]["tradeId"]}]


def test_limit_without_time_in_force_gives_generic_1102(signed: SignedClient) -> None:
    response = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.01", price="29000")
    assert response.get_json() == {"code": -1102,
                                    "msg": "A mandatory parameter was not sent, was empty/null, or malformed."}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"type": "MARKET"}, {"code": -1102, "msg": "Param 'quantity' or 'quoteOrderQty' must be sent, but both "
                                                    "were empty/null!"}),
        ({"type": "MARKET", "quantity": "0.01", "timeInForce": "GTC"},
         {"code": -1106, "msg": "Parameter 'timeInForce' sent when not required."}),
        ({"type": "STOP_LOSS", "quantity": "0.01"},
         {"code": -1102, "msg": "Param 'stopPrice' or 'trailingDelta' must be sent, but both were empty/null!"}),
        ({"type": "LIMIT_MAKER", "quantity": "0.01"},
         {"code": -1102, "msg": "Mandatory parameter 'price' was not sent, was empty/null, or malformed."}),
        ({"type": "LIMIT", "quantity": "0.01", "price": "29000", "timeInForce": "gtc"},
         {"code": -1115, "msg": "Invalid timeInForce."}),
        ({"type": "LIMITED", "quantity": "0.01"}, {"code": -1116, "msg": "Invalid orderType."}),
        ({"type": "MARKET", "quantity": "0.01", "side": "buy"}, {"code": -1117, "msg": "Invalid side."}),
        ({"type": "MARKET", "quantity": "0.01", "sideEffectType": "MARGIN"},
         {"code": -1130, "msg": "Data sent for parameter 'sideEffectType' is not valid."}),
    ],
)
def test_type_rules(signed: SignedClient, params: dict[str, str], expected: dict[str, Any]) -> None:
    sent = {"symbol": "BTCUSDT", "side": "BUY"}
    sent.update(params)
    response = signed.post(ORDER, **sent)
    assert (response.status_code, response.get_json()) == (400, expected)


def test_stop_that_would_trigger_immediately(signed: SignedClient) -> None:
    response = signed.post(ORDER, symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.01",
                           stopPrice="31000")
    assert response.get_json() == {"code": -2010, "msg": "Order would trigger immediately."}


def test_limit_maker_that_would_take(signed: SignedClient) -> None:
    response = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT_MAKER", quantity="0.01", price="30001")
    assert response.get_json() == {"code": -2010, "msg": "Order would immediately match and take."}


def test_unknown_symbol(signed: SignedClient) -> None:
    response = limit_buy(signed, symbol="DOGEUSDT")
    assert response.get_json() == {"code": -1121, "msg": "Invalid symbol."}


def test_cancel_and_query_by_client_order_id(signed: SignedClient) -> None:
    limit_buy(signed, newClientOrderId="mine")
    assert signed.get(ORDER, symbol="BTCUSDT", origClientOrderId="mine").get_json()["status"] == "NEW"
    cancel = signed.delete(ORDER, symbol="BTCUSDT", origClientOrderId="mine", newClientOrderId="cxl-1").get_json()
    assert (cancel["status"], cancel["origClientOrderId"], cancel["clientOrderId"]) == ("CANCELED", "mine", "cxl-1")
    # No margin cancel source shows orderListId or selfTradePreventionMode; isIsolated comes last.
    assert "orderListId" not in cancel and "selfTradePreventionMode" not in cancel
    assert list(cancel)[:2] == ["orderId", "symbol"] and list(cancel)[-1] == "isIsolated"
    again = signed.delete(ORDER, symbol="BTCUSDT", origClientOrderId="mine")
    assert again.get_json() == {"code": -2011, "msg": "Unknown order sent."}
    needs_ref = signed.delete(ORDER, symbol="BTCUSDT")
    # Margin answers a missing order reference with the generic -1102 (docs/fidelity.md, Messages).
    assert needs_ref.get_json() == {"code": -1102,
                                    "msg": "A mandatory parameter was not sent, was empty/null, or malformed."}


def test_query_order_shape(signed: SignedClient) -> None:
    order_id = limit_buy(signed).get_json()["orderId"]
    body = signed.get(ORDER, symbol="BTCUSDT", orderId=order_id).get_json()
    # Trimmed and without orderListId, as live margin order rows (docs/fidelity.md).
    assert body["price"] == "29000" and body["stopPrice"] == "0" and "orderListId" not in body
    assert body["icebergQty"] == "0" and body["isWorking"] is True and body["isIsolated"] is False
    for key in ("clientOrderId", "cummulativeQuoteQty", "executedQty", "origQty", "side", "status", "symbol",
                "time", "timeInForce", "type", "selfTradePreventionMode", "updateTime"):
        assert key in body


def test_open_orders_all_orders_and_cancel_all(signed: SignedClient) -> None:
    limit_buy(signed)
    limit_buy(signed, price="28000")
    signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000",
                stopPrice="29000")
    assert len(signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()) == 4
    cancelled = signed.delete("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()
    assert len(cancelled) == 3  # two single orders and one list
    assert cancelled[-1]["contingencyType"] == "OCO"
    assert signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []
    assert len(signed.get("/sapi/v1/margin/allOrders", symbol="BTCUSDT").get_json()) == 4
    nothing = signed.delete("/sapi/v1/margin/openOrders", symbol="BTCUSDT")
    assert nothing.get_json() == {"code": -2011, "msg": "Unknown order sent."}


def test_all_orders_window_over_24_hours(signed: SignedClient) -> None:
    response = signed.get("/sapi/v1/margin/allOrders", symbol="BTCUSDT", startTime=0, endTime=86_400_001)
    assert response.get_json() == {"code": -1127, "msg": "More than 24 hours between startTime and endTime."}


def test_resting_limit_fills_on_price_move_and_shows_in_trades(app: Flask, signed: SignedClient) -> None:
    order_id = limit_buy(signed).get_json()["orderId"]
    exchange(app).set_price("BTCUSDT", Decimal("28999"))
    assert signed.get(ORDER, symbol="BTCUSDT", orderId=order_id).get_json()["status"] == "FILLED"
    trades = signed.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json()
    assert trades[0]["price"] == "29000" and trades[0]["isBuyer"] is True and trades[0]["isMaker"] is True


def test_partial_fill_from_a_traded_quantity(app: Flask, signed: SignedClient) -> None:
    order_id = limit_buy(signed, quantity="0.05").get_json()["orderId"]
    exchange(app).trade("BTCUSDT", Decimal("29000"), Decimal("0.02"))
    body = signed.get(ORDER, symbol="BTCUSDT", orderId=order_id).get_json()
    assert (body["status"], body["executedQty"]) == ("PARTIALLY_FILLED", "0.02")


def test_order_count_limit_gives_1015(app: Flask, signed: SignedClient) -> None:
    from dataclasses import replace

    runtime = app.extensions["mock_exchange"]
    runtime.limiter.reset(replace(runtime.config.rate_limits, orders_per_10s=2))
    limit_buy(signed)
    limit_buy(signed)
    response = limit_buy(signed)
    assert (response.status_code, response.get_json()["code"]) == (429, -1015)
    usage = signed.get("/sapi/v1/margin/rateLimit/order").get_json()
    assert usage[0]["count"] == 2 and usage[0]["limit"] == 2


@pytest.mark.parametrize(("path", "usage", "method"), [
    (ORDER, "/sapi/v1/margin/rateLimit/order", "place_order"),
    ("/api/v3/order", "/api/v3/rateLimit/order", "place_order"),
    ("/sapi/v1/margin/order/oco", "/sapi/v1/margin/rateLimit/order", "place_oco"),
])
def test_a_placement_that_fails_inside_the_fake_gives_its_order_count_back(
        app: Flask, signed: SignedClient, monkeypatch: pytest.MonkeyPatch, path: str, usage: str,
        method: str) -> None:
    """A bug in the fake after the orders were counted (a -1000 / 500) must not use up the user's order budget."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("an internal error during placement")

    monkeypatch.setattr(exchange(app), method, broken)
    params = {"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.01", "price": "29000"}
    params.update({"stopPrice": "31000", "stopLimitPrice": "31100", "stopLimitTimeInForce": "GTC"}
                  if method == "place_oco" else {"type": "LIMIT", "timeInForce": "GTC"})
    failed = signed.post(path, **params)
    assert (failed.status_code, failed.get_json()["code"]) == (500, -1000)
    assert [row["count"] for row in signed.get(usage).get_json()] == [0, 0]

