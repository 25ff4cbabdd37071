"""Margin OCO / OTO / OTOCO over HTTP: shapes, rules, lifecycle and balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from mock_exchange.control import LocalControl
from tests.signed_client import SignedClient

OCO = "/sapi/v1/margin/order/oco"
OTO = "/sapi/v1/margin/order/oto"
OTOCO = "/sapi/v1/margin/order/otoco"
ORDER_LIST = "/sapi/v1/margin/orderList"


def exchange(app: Flask) -> Any:
    return app.extensions["mock_exchange"].exchange


def balance(signed: SignedClient, asset: str) -> dict[str, str]:
    account = signed.get("/sapi/v1/margin/account").get_json()
    return next(a for a in account["userAssets"] if a["asset"] == asset)


def sell_oco(signed: SignedClient, **extra: Any) -> Any:
    params = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "29000",
              "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}
    params.update(extra)
    return signed.post(OCO, **params)


def test_oco_placement_result_shape(signed: SignedClient) -> None:
    response = sell_oco(signed, listClientOrderId="my-list", limitClientOrderId="tp", stopClientOrderId="sl")
    assert response.status_code == 200
    assert response.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "6"
    body = response.get_json()
    assert list(body) == ["orderListId", "contingencyType", "listStatusType", "listOrderStatus",
                          "listClientOrderId", "transactionTime", "symbol", "isIsolated", "orders", "orderReports"]
    assert (body["contingencyType"], body["listStatusType"], body["listOrderStatus"]) == ("OCO", "EXEC_STARTED",
                                                                                          "EXECUTING")
    assert body["listClientOrderId"] == "my-list" and body["isIsolated"] is False
    stop, limit = body["orderReports"]  # the stop leg is listed first
    assert [o["clientOrderId"] for o in body["orders"]] == ["sl", "tp"]
    assert limit["orderId"] == stop["orderId"] + 1
    assert stop["type"] == "STOP_LOSS_LIMIT" and stop["stopPrice"] == "29000.00000000"
    assert stop["price"] == "28900.00000000" and stop["origQty"] == "0.10000000"
    assert limit["type"] == "LIMIT_MAKER" and limit["price"] == "31000.00000000" and "stopPrice" not in limit
    assert limit["timeInForce"] == "GTC" and limit["executedQty"] == "0" and limit["status"] == "NEW"
    assert balance(signed, "BTC")["locked"] == "0.10000000"  # one lock for the pair


def test_oco_ack_and_full_response_types(signed: SignedClient) -> None:
    ack = sell_oco(signed, newOrderRespType="ACK").get_json()
    assert set(ack["orderReports"][0]) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    full = sell_oco(signed, newOrderRespType="FULL", quantity="0.2").get_json()
    assert full["orderReports"][1]["fills"] == []


def test_oco_limit_leg_fills_and_stop_leg_expires(app: Flask, signed: SignedClient) -> None:
    placed = sell_oco(signed).get_json()
    exchange(app).set_price("BTCUSDT", Decimal("31000"))
    summary = signed.get(ORDER_LIST, orderListId=placed["orderListId"]).get_json()
    assert (summary["listStatusType"], summary["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    stop_id, limit_id = (o["orderId"] for o in placed["orders"])
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=limit_id).get_json()["status"] == "FILLED"
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=stop_id).get_json()["status"] == "EXPIRED"
    btc, usdt = balance(signed, "BTC"), balance(signed, "USDT")
    assert (btc["free"], btc["locked"]) == ("1.90000000", "0.00000000")
    # 0.1 BTC at 31000 less the 0.1% commission in the received asset.
    assert usdt["free"] == "103096.90000000"
    trades = signed.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json()
    # Trimmed, as live margin trade rows (docs/fidelity.md, myTrades).
    assert [(t["orderId"], t["price"], t["qty"], t["quoteQty"], t["isMaker"]) for t in trades] == [
        (limit_id, "31000", "0.1", "3100", True)]


def test_oco_stop_leg_triggers_and_limit_leg_expires(app: Flask, signed: SignedClient) -> None:
    placed = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000",
                         stopPrice="29000").get_json()  # no stopLimitPrice: a STOP_LOSS leg
    assert placed["orderReports"][0]["type"] == "STOP_LOSS"
    assert placed["orderReports"][0]["price"] == "0E-8"  # Binance's Java rendering of zero
    exchange(app).set_price("BTCUSDT", Decimal("28999"))
    stop_id, limit_id = (o["orderId"] for o in placed["orders"])
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=stop_id).get_json()["status"] == "FILLED"
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=limit_id).get_json()["status"] == "EXPIRED"


@pytest.mark.parametrize(
    ("side", "price", "stop"),
    [("SELL", "29500", "29000"), ("SELL", "31000", "30500"), ("BUY", "30500", "31000"), ("BUY", "29000", "29500")],
)
def test_oco_price_relationship_rejected_without_state_change(signed: SignedClient, side: str, price: str,
                                                              stop: str) -> None:
    # Each case breaks the relation (SELL: limit > last 30000 > stop; BUY: limit < last < stop).
    above, below = (Decimal(price), Decimal(stop)) if side == "SELL" else (Decimal(stop), Decimal(price))
    assert not above > Decimal("30000") > below
    before = signed.get("/sapi/v1/margin/account").get_json()
    response = signed.post(OCO, symbol="BTCUSDT", side=side, quantity="0.1", price=price, stopPrice=stop)
    assert (response.status_code, response.get_json()) == (
        400, {"code": -2010, "msg": "The relationship of the prices for the orders is not correct."})
    assert signed.get("/sapi/v1/margin/account").get_json() == before
    assert signed.get("/sapi/v1/margin/openOrderList").get_json() == []


def test_oco_mandatory_and_not_required_parameters(signed: SignedClient) -> None:
    missing = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000")
    assert missing.get_json() == {"code": -1102,
                                  "msg": "Mandatory parameter 'stopPrice' was not sent, was empty/null, or malformed."}
    no_tif = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000", stopPrice="29000",
                         stopLimitPrice="28900")
    assert no_tif.get_json()["msg"] == ("Mandatory parameter 'stopLimitTimeInForce' was not sent, was empty/null, "
                                        "or malformed.")
    extra = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000", stopPrice="29000",
                        stopLimitTimeInForce="GTC")
    assert extra.get_json() == {"code": -1106, "msg": "Parameter 'stopLimitTimeInForce' sent when not required."}


def test_oco_filter_failure_and_exponent_notation(signed: SignedClient) -> None:
    off_tick = sell_oco(signed, price="31000.001")
    assert off_tick.get_json()["code"] in (-1013, -1111)
    tick = sell_oco(signed, price="31000.015")
    assert tick.get_json() == {"code": -1013, "msg": "Filter failure: PRICE_FILTER"}
    lot = sell_oco(signed, quantity="0.000001")
    assert lot.get_json()["code"] in (-1013, -1111)
    exponent = sell_oco(signed, quantity="1e-1")
    assert exponent.get_json() == {
        "code": -1100,
        "msg": "Illegal characters found in parameter 'quantity'; legal range is '^([0-9]{1,20})(\\.[0-9]{1,20})?$'.",
    }


@pytest.mark.parametrize(("path", "params"), [
    (OCO, {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "0",
           "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}),
    (OCO, {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "0.00"}),
    (OCO, {"symbol": "BTCUSDT", "side": "BUY", "quantity": "0.1", "price": "29000", "stopPrice": "0"}),
    (OTOCO, {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
             "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": "0.1",
             "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "32000", "pendingBelowType": "STOP_LOSS",
             "pendingBelowStopPrice": "0"}),
    ("/sapi/v1/margin/order", {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS_LIMIT", "quantity": "0.1",
                               "price": "28900", "stopPrice": "0", "timeInForce": "GTC"}),
], ids=["oco stop-limit leg", "oco stop leg", "buy oco", "otoco pending stop", "single stop-limit"])
def test_a_stop_price_of_zero_fails_the_price_filter(app: Flask, signed: SignedClient, path: str,
                                                     params: dict[str, str]) -> None:
    # filters.md: PRICE_FILTER holds price and stopPrice to minPrice (0.01 here), so 0 fails it.
    before = LocalControl(app).snapshot()
    response = signed.post(path, **params)
    assert (response.status_code, response.get_json()) == (400, {"code": -1013, "msg": "Filter failure: PRICE_FILTER"})
    assert LocalControl(app).snapshot() == before


def test_insufficient_balance_rejected(signed: SignedClient) -> None:
    response = sell_oco(signed, quantity="5")
    assert response.get_json() == {"code": -2010, "msg": "Account has insufficient balance for requested action."}


def _otoco(signed: SignedClient, **extra: Any) -> Any:
    params = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
              "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": "0.1",
              "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "32000", "pendingBelowType": "STOP_LOSS",
              "pendingBelowStopPrice": "28000"}
    params.update(extra)
    return signed.post(OTOCO, **params)


def test_otoco_reports_oto_and_pending_new(signed: SignedClient) -> None:
    body = _otoco(signed).get_json()
    assert body["contingencyType"] == "OTO"
    working, *pending = body["orderReports"]
    assert working["status"] == "NEW" and working["type"] == "LIMIT"
    assert [p["status"] for p in pending] == ["PENDING_NEW", "PENDING_NEW"]
    assert {p["type"] for p in pending} == {"LIMIT_MAKER", "STOP_LOSS"}


def test_otoco_working_fills_then_take_profit_then_stop_expires(app: Flask, signed: SignedClient) -> None:
    body = _otoco(signed).get_json()
    list_id = body["orderListId"]
    ids = {r["type"]: r["orderId"] for r in body["orderReports"]}
    ex = exchange(app)
    ex.set_price("BTCUSDT", Decimal("29000"))

    def status(order_type: str) -> str:
        return signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=ids[order_type]).get_json()["status"]

    assert (status("LIMIT"), status("LIMIT_MAKER"), status("STOP_LOSS")) == ("FILLED", "NEW", "NEW")
    assert signed.get(ORDER_LIST, orderListId=list_id).get_json()["listOrderStatus"] == "EXECUTING"
    ex.set_price("BTCUSDT", Decimal("32000"))
    assert (status("LIMIT_MAKER"), status("STOP_LOSS")) == ("FILLED", "EXPIRED")
    assert signed.get(ORDER_LIST, orderListId=list_id).get_json()["listOrderStatus"] == "ALL_DONE"
    assert balance(signed, "BTC")["locked"] == "0.00000000"


def test_otoco_cancelled_before_working_fills(signed: SignedClient) -> None:
    body = _otoco(signed, listClientOrderId="otoco-1").get_json()
    cancel = signed.delete(ORDER_LIST, symbol="BTCUSDT", listClientOrderId="otoco-1", newClientOrderId="cxl")
    data = cancel.get_json()
    assert cancel.status_code == 200
    assert (data["listStatusType"], data["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert {r["status"] for r in data["orderReports"]} == {"CANCELED"}
    assert {r["clientOrderId"] for r in data["orderReports"]} == {"cxl"}
    assert [r["origClientOrderId"] for r in data["orderReports"]] == [o["clientOrderId"] for o in body["orders"]]
    assert balance(signed, "USDT")["locked"] == "0.00000000"
    again = signed.delete(ORDER_LIST, symbol="BTCUSDT", listClientOrderId="otoco-1")
    assert again.get_json()["code"] == -2011


def test_oto_working_fills_then_pending_fills(app: Flask, signed: SignedClient) -> None:
    body = signed.post(OTO, symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="29500",
                       workingQuantity="0.1", workingTimeInForce="GTC", pendingType="LIMIT", pendingSide="SELL",
                       pendingPrice="31000", pendingQuantity="0.1", pendingTimeInForce="GTC").get_json()
    assert body["contingencyType"] == "OTO"
    assert [r["status"] for r in body["orderReports"]] == ["NEW", "PENDING_NEW"]
    ex = exchange(app)
    ex.price_path("BTCUSDT", [Decimal("29500"), Decimal("31000")])
    statuses = [signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=o["orderId"]).get_json()["status"]
                for o in body["orders"]]
    assert statuses == ["FILLED", "FILLED"]


def test_cancel_one_leg_cancels_the_list(signed: SignedClient) -> None:
    placed = sell_oco(signed).get_json()
    stop_id = placed["orders"][0]["orderId"]
    cancel = signed.delete("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=stop_id)
    assert cancel.get_json()["status"] == "CANCELED"
    summary = signed.get(ORDER_LIST, orderListId=placed["orderListId"]).get_json()
    assert summary["listOrderStatus"] == "ALL_DONE"
    assert signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []


def test_list_queries(signed: SignedClient) -> None:
    first = sell_oco(signed, listClientOrderId="a").get_json()
    second = sell_oco(signed, listClientOrderId="b").get_json()
    by_client_id = signed.get(ORDER_LIST, origClientOrderId="a").get_json()
    assert by_client_id["orderListId"] == first["orderListId"] and "orderReports" not in by_client_id
    open_lists = signed.get("/sapi/v1/margin/openOrderList").get_json()
    assert {ol["listClientOrderId"] for ol in open_lists} == {"a", "b"}
    all_lists = signed.get("/sapi/v1/margin/allOrderList").get_json()
    assert [ol["orderListId"] for ol in all_lists] == [second["orderListId"], first["orderListId"]]
    missing = signed.get(ORDER_LIST, orderListId=999)
    assert missing.get_json() == {"code": -2013, "msg": "Order list does not exist."}


def test_duplicate_list_client_order_id(signed: SignedClient) -> None:
    assert sell_oco(signed, listClientOrderId="dup").status_code == 200
    assert sell_oco(signed, listClientOrderId="dup").get_json() == {"code": -2010, "msg": "Duplicate order sent."}


def test_margin_buy_borrows_shortfall_and_repays_at_cancel(signed: SignedClient) -> None:
    # BUY 5 BTC at 29000 needs 145000 USDT; the account has 100000 free.
    placed = signed.post(OCO, symbol="BTCUSDT", side="BUY", quantity="5", price="29000", stopPrice="31000",
                         stopLimitPrice="31100", stopLimitTimeInForce="GTC", sideEffectType="MARGIN_BUY")
    body = placed.get_json()
    assert placed.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "1500"
    assert body["marginBuyBorrowAsset"] == "USDT"
    assert Decimal(body["marginBuyBorrowAmount"]) > 0
    assert Decimal(balance(signed, "USDT")["borrowed"]) == Decimal(body["marginBuyBorrowAmount"])
    signed.delete(ORDER_LIST, symbol="BTCUSDT", orderListId=body["orderListId"])
    usdt = balance(signed, "USDT")
    assert (usdt["borrowed"], usdt["free"], usdt["locked"]) == ("0.00000000", "100000.00000000", "0.00000000")


def test_isolated_orders_are_visible_only_with_is_isolated(signed: SignedClient) -> None:
    placed = sell_oco(signed, isIsolated="TRUE", quantity="0.5").get_json()
    assert placed["isIsolated"] is True
    order_id = placed["orders"][0]["orderId"]
    hidden = signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=order_id)
    assert hidden.get_json() == {"code": -2013, "msg": "Order does not exist."}
    seen = signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=order_id, isIsolated="TRUE")
    assert seen.get_json()["isIsolated"] is True
    lists = signed.get("/sapi/v1/margin/openOrderList", isIsolated="TRUE", symbol="BTCUSDT").get_json()
    assert len(lists) == 1
    needs_symbol = signed.get("/sapi/v1/margin/openOrderList", isIsolated="TRUE")
    assert needs_symbol.get_json()["code"] == -1102


def test_other_account_cannot_see_or_cancel(signed: SignedClient, other: SignedClient) -> None:
    placed = sell_oco(signed).get_json()
    assert other.get(ORDER_LIST, orderListId=placed["orderListId"]).get_json()["code"] == -2013
    assert other.delete(ORDER_LIST, symbol="BTCUSDT", orderListId=placed["orderListId"]).get_json()["code"] == -2011
    assert signed.get(ORDER_LIST, orderListId=placed["orderListId"]).get_json()["listOrderStatus"] == "EXECUTING"


def test_python_binance_style_form_body_placement(signed: SignedClient) -> None:
    response = signed.request("POST", OCO, placement="body", symbol="BTCUSDT", side="SELL", quantity="0.1",
                              price="31000", stopPrice="29000")
    assert response.status_code == 200


def test_working_leg_has_no_stop_parameters(signed: SignedClient) -> None:
    response = _otoco(signed, workingStopPrice="28000")
    assert response.get_json()["code"] == -1104
