"""Spot order lists over HTTP: orderList/oco (above / below), the deprecated order/oco, OTO, OTOCO,
cancel and the list queries; each rule violated once with nothing changed."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.signed_client import DEMO_KEY, SignedClient
from tests.web.test_spot_orders import exchange, fingerprint, margin_balance, spot_balance

OCO = "/api/v3/orderList/oco"
OLD_OCO = "/api/v3/order/oco"
OTO = "/api/v3/orderList/oto"
OTOCO = "/api/v3/orderList/otoco"
LIST = "/api/v3/orderList"


def sell_oco(signed: SignedClient, **extra: Any) -> Any:
    params = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "aboveType": "LIMIT_MAKER",
              "abovePrice": "31000", "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "29000",
              "belowPrice": "28900", "belowTimeInForce": "GTC"}
    params.update(extra)
    return signed.post(OCO, **{k: v for k, v in params.items() if v is not None})


def test_oco_shape_and_one_reservation(signed: SignedClient) -> None:
    response = sell_oco(signed, listClientOrderId="pair", aboveClientOrderId="tp", belowClientOrderId="sl")
    assert response.status_code == 200
    assert response.headers["X-MBX-ORDER-COUNT-10S"] == "2"
    body = response.get_json()
    assert list(body) == ["orderListId", "contingencyType", "listStatusType", "listOrderStatus",
                          "listClientOrderId", "transactionTime", "symbol", "orders", "orderReports"]
    assert (body["contingencyType"], body["listOrderStatus"], body["listClientOrderId"]) == ("OCO", "EXECUTING",
                                                                                             "pair")
    stop, limit = body["orderReports"]  # the stop-type (below) leg first, as the documented example
    assert [o["clientOrderId"] for o in body["orders"]] == ["sl", "tp"]
    assert stop["type"] == "STOP_LOSS_LIMIT" and stop["stopPrice"] == "29000.00000000" and stop["workingTime"] == -1
    assert limit["type"] == "LIMIT_MAKER" and "stopPrice" not in limit and limit["workingTime"] > 0
    assert stop["orderListId"] == body["orderListId"] and "origQuoteOrderQty" in stop
    assert spot_balance(signed, "BTC") == ("0.40000000", "0.10000000")


@pytest.mark.parametrize(("path", "params"), [
    (OCO, {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "aboveType": "LIMIT_MAKER", "abovePrice": "31000",
           "belowType": "STOP_LOSS_LIMIT", "belowStopPrice": "0", "belowPrice": "28900", "belowTimeInForce": "GTC"}),
    (OLD_OCO, {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "0"}),
    (OTO, {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
           "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingType": "STOP_LOSS", "pendingSide": "SELL",
           "pendingQuantity": "0.1", "pendingStopPrice": "0.0"}),
    ("/api/v3/order", {"symbol": "BTCUSDT", "side": "SELL", "type": "STOP_LOSS", "quantity": "0.1", "stopPrice": "0"}),
], ids=["orderList/oco below leg", "order/oco", "oto pending stop", "single stop"])
def test_a_stop_price_of_zero_fails_the_price_filter(app: Flask, signed: SignedClient, path: str,
                                                     params: dict[str, str]) -> None:
    # filters.md: PRICE_FILTER holds price and stopPrice to minPrice (0.01 here), so 0 fails it.
    before = fingerprint(app)
    response = signed.post(path, **params)
    assert (response.status_code, response.get_json()) == (400, {"code": -1013, "msg": "Filter failure: PRICE_FILTER"})
    assert fingerprint(app) == before


def test_oco_take_profit_leg_fills_and_sibling_expires(app: Flask, signed: SignedClient) -> None:
    body = sell_oco(signed).get_json()
    exchange(app).set_price("BTCUSDT", Decimal("31000"))
    rows = signed.get("/api/v3/allOrders", symbol="BTCUSDT").get_json()
    assert [(r["type"], r["status"]) for r in rows] == [("STOP_LOSS_LIMIT", "EXPIRED"), ("LIMIT_MAKER", "FILLED")]
    assert rows[0]["expiryReason"] == "OCO_TRIGGER" and "expiryReason" not in rows[1]
    listed = signed.get(LIST, orderListId=body["orderListId"]).get_json()
    assert listed["listOrderStatus"] == "ALL_DONE" and "orderReports" not in listed
    assert signed.get("/api/v3/openOrderList").get_json() == []
    assert [x["orderListId"] for x in signed.get("/api/v3/allOrderList").get_json()] == [body["orderListId"]]
    assert spot_balance(signed, "BTC") == ("0.40000000", "0.00000000")
    assert spot_balance(signed, "USDT") == ("13096.90000000", "0.00000000")  # 3100 less the 0.1% fee


def test_buy_oco_with_take_profit_and_stop_loss(signed: SignedClient) -> None:
    body = signed.post(OCO, symbol="BTCUSDT", side="BUY", quantity="0.1", aboveType="STOP_LOSS",
                       aboveStopPrice="31000", belowType="TAKE_PROFIT", belowStopPrice="29000").get_json()
    assert [r["type"] for r in body["orderReports"]] == ["TAKE_PROFIT", "STOP_LOSS"]  # below first when both stop
    assert spot_balance(signed, "USDT") == ("6900.00000000", "3100.00000000")  # the dearer leg's reservation


def test_oco_with_a_trailing_stop_leg(signed: SignedClient) -> None:
    body = sell_oco(signed, belowType="STOP_LOSS", belowStopPrice=None, belowPrice=None, belowTimeInForce=None,
                    belowTrailingDelta="100").get_json()
    stop = next(r for r in body["orderReports"] if r["type"] == "STOP_LOSS")
    assert stop["trailingDelta"] == 100 and stop["trailingTime"] == -1 and stop["stopPrice"] == "0.00000000"


def test_deprecated_oco_cancel_and_queries(app: Flask, signed: SignedClient) -> None:
    body = signed.post(OLD_OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", price="31000", stopPrice="29000",
                       stopLimitPrice="28900", stopLimitTimeInForce="GTC", listClientOrderId="old").get_json()
    assert [r["type"] for r in body["orderReports"]] == ["STOP_LOSS_LIMIT", "LIMIT_MAKER"]
    by_client = signed.get(LIST, origClientOrderId="old").get_json()
    assert by_client["orderListId"] == body["orderListId"]
    assert [x["orderListId"] for x in signed.get("/api/v3/openOrderList").get_json()] == [body["orderListId"]]
    # Margin queries do not see spot lists.
    assert signed.get("/sapi/v1/margin/openOrderList").get_json() == []
    cancel = signed.delete(LIST, symbol="BTCUSDT", orderListId=body["orderListId"], newClientOrderId="undo")
    cancelled = cancel.get_json()
    assert cancelled["listOrderStatus"] == "ALL_DONE"
    assert [(r["status"], r["clientOrderId"]) for r in cancelled["orderReports"]] == [("CANCELED", "undo")] * 2
    assert spot_balance(signed, "BTC") == ("0.50000000", "0.00000000")


def test_cancel_one_leg_cancels_the_list(signed: SignedClient) -> None:
    body = sell_oco(signed).get_json()
    leg = body["orders"][1]["orderId"]
    assert signed.delete("/api/v3/order", symbol="BTCUSDT", orderId=leg).get_json()["status"] == "CANCELED"
    assert signed.get(LIST, orderListId=body["orderListId"]).get_json()["listStatusType"] == "ALL_DONE"


def test_oto_and_otoco(app: Flask, signed: SignedClient) -> None:
    oto = signed.post(OTO, symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="29000",
                      workingQuantity="0.1", workingTimeInForce="GTC", pendingType="LIMIT_MAKER",
                      pendingSide="SELL", pendingPrice="32000", pendingQuantity="0.1")
    assert oto.status_code == 200
    body = oto.get_json()
    assert body["contingencyType"] == "OTO"
    assert [r["status"] for r in body["orderReports"]] == ["NEW", "PENDING_NEW"]
    otoco = signed.post(OTOCO, symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="28000",
                        workingQuantity="0.05", workingTimeInForce="GTC", pendingSide="SELL",
                        pendingQuantity="0.05", pendingAboveType="LIMIT_MAKER", pendingAbovePrice="32000",
                        pendingBelowType="STOP_LOSS", pendingBelowStopPrice="27000")
    assert otoco.status_code == 200 and len(otoco.get_json()["orderReports"]) == 3
    assert otoco.headers["X-MBX-ORDER-COUNT-10S"] == "5"
    exchange(app).set_price("BTCUSDT", Decimal("29000"))  # the OTO's working order fills
    rows = signed.get("/api/v3/openOrders", symbol="BTCUSDT").get_json()
    assert ("LIMIT_MAKER", "SELL", "32000.00000000") in [(r["type"], r["side"], r["price"]) for r in rows]
    # 0.5 + 0.0999 bought (maker fee 0.1%), 0.1 reserved by the pending SELL now on the book.
    assert spot_balance(signed, "BTC") == ("0.49990000", "0.10000000")
    assert margin_balance(signed, "BTC") == ("2.00000000", "0.00000000")


def order_counts(signed: SignedClient) -> list[int]:
    return [row["count"] for row in signed.get("/api/v3/rateLimit/order").get_json()]


def test_an_oto_whose_legs_both_fill_at_placement_leaves_the_unfilled_count(signed: SignedClient) -> None:
    """faqs/order_count_decrement.md: each order's first fill takes one order off. The working BUY
    takes the market at once, and the pending SELL it releases (priced under the market) fills in
    the same placement: neither stays counted, on a fresh account as after other orders."""
    legs = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "30100",
            "workingQuantity": "0.01", "workingTimeInForce": "GTC", "pendingType": "LIMIT", "pendingSide": "SELL",
            "pendingPrice": "29900", "pendingQuantity": "0.01", "pendingTimeInForce": "GTC"}
    first = signed.post(OTO, **legs)
    assert first.status_code == 200
    assert [o["status"] for o in signed.get("/api/v3/allOrders", symbol="BTCUSDT").get_json()] == ["FILLED", "FILLED"]
    assert first.headers["X-MBX-ORDER-COUNT-10S"] == "0" and order_counts(signed) == [0, 0]
    limit_rest = signed.post("/api/v3/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                             quantity="0.01", price="29000")
    assert limit_rest.status_code == 200 and order_counts(signed) == [1, 1]
    assert signed.post(OTO, **legs).status_code == 200
    assert order_counts(signed) == [1, 1]  # only the resting buy counts


def test_a_refused_list_leaves_the_unfilled_count(signed: SignedClient) -> None:
    sell_oco(signed)
    assert order_counts(signed) == [2, 2]
    assert sell_oco(signed, quantity="100").get_json()["code"] == -2010  # insufficient balance
    assert order_counts(signed) == [2, 2]


_RELATION = "The relationship of the prices for the orders is not correct."

_OCO_RULES = [
    ({"aboveType": "LIMIT"}, -1130, "Data sent for parameter 'aboveType' is not valid."),
    ({"belowType": None, "belowStopPrice": None, "belowPrice": None, "belowTimeInForce": None}, -1102,
     "Mandatory parameter 'belowType' was not sent, was empty/null, or malformed."),
    ({"abovePrice": None}, -1102, "Mandatory parameter 'abovePrice' was not sent, was empty/null, or malformed."),
    ({"belowTimeInForce": None}, -1102,
     "Mandatory parameter 'belowTimeInForce' was not sent, was empty/null, or malformed."),
    ({"abovePrice": "29500"}, -2010, _RELATION),
    ({"quantity": "1"}, -2010, "Account has insufficient balance for requested action."),
    ({"aboveClientOrderId": "x", "belowClientOrderId": "x"}, -2010, "Duplicate order sent."),
    ({"isIsolated": "TRUE"}, -1104, "Not all sent parameters were read; read '11' parameter(s) but was sent '12'."),
]


@pytest.mark.parametrize(("change", "code", "msg"), _OCO_RULES)
def test_oco_rule(app: Flask, signed: SignedClient, change: dict[str, Any], code: int, msg: str) -> None:
    before = fingerprint(app)
    response = sell_oco(signed, **change)
    assert response.get_json() == {"code": code, "msg": msg}
    assert fingerprint(app) == before


def test_oco_leg_position_rule(app: Flask, signed: SignedClient) -> None:
    before = fingerprint(app)
    # A SELL OCO's LIMIT_MAKER must be the above leg.
    response = signed.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.1", aboveType="STOP_LOSS",
                           aboveStopPrice="31000", belowType="LIMIT_MAKER", belowPrice="29000")
    assert response.get_json() == {"code": -1197, "msg": "A stop loss order in a sell OCO must be below."}
    assert fingerprint(app) == before


@pytest.mark.parametrize("legs", [
    {"side": "SELL", "aboveType": "LIMIT_MAKER", "abovePrice": "29500",
     "belowType": "STOP_LOSS", "belowStopPrice": "29000"},
    {"side": "SELL", "aboveType": "TAKE_PROFIT", "aboveStopPrice": "29500",
     "belowType": "STOP_LOSS", "belowStopPrice": "29000"},
    {"side": "SELL", "aboveType": "LIMIT_MAKER", "abovePrice": "31000",
     "belowType": "STOP_LOSS", "belowStopPrice": "30500"},
    {"side": "BUY", "aboveType": "STOP_LOSS", "aboveStopPrice": "31000",
     "belowType": "LIMIT_MAKER", "belowPrice": "30500"},
    {"side": "BUY", "aboveType": "STOP_LOSS", "aboveStopPrice": "29500",
     "belowType": "LIMIT_MAKER", "belowPrice": "29000"},
    {"side": "BUY", "aboveType": "STOP_LOSS", "aboveStopPrice": "31000",
     "belowType": "TAKE_PROFIT", "belowStopPrice": "30500"},
], ids=["sell maker would take", "sell take profit would trigger", "sell stop loss would trigger",
        "buy maker would take", "buy stop loss would trigger", "buy take profit would trigger"])
def test_an_oco_leg_that_would_execute_at_once_fails_the_price_relation(app: Flask, signed: SignedClient,
                                                                        legs: dict[str, str]) -> None:
    """Every leg type an OCO allows above the last price takes or triggers only at or under it (and
    below, at or over it), so a leg measured at that price breaks "above > last > below" first."""
    before = fingerprint(app)
    response = signed.post(OCO, symbol="BTCUSDT", quantity="0.1", **legs)
    assert (response.status_code, response.get_json()) == (400, {"code": -2010, "msg": _RELATION})
    assert fingerprint(app) == before


@pytest.mark.parametrize(("legs", "msg"), [
    ({"side": "SELL", "aboveType": "TAKE_PROFIT_LIMIT", "aboveStopPrice": "31000", "abovePrice": "29500",
      "aboveTimeInForce": "GTC", "belowType": "STOP_LOSS", "belowStopPrice": "29000"}, _RELATION),
    ({"side": "SELL", "aboveType": "TAKE_PROFIT_LIMIT", "aboveStopPrice": "29500", "abovePrice": "31000",
      "aboveTimeInForce": "GTC", "belowType": "STOP_LOSS", "belowStopPrice": "29000"},
     "Order would trigger immediately."),
    ({"side": "BUY", "aboveType": "STOP_LOSS", "aboveStopPrice": "31000", "belowType": "TAKE_PROFIT_LIMIT",
      "belowStopPrice": "29000", "belowPrice": "30500", "belowTimeInForce": "GTC"}, _RELATION),
    ({"side": "BUY", "aboveType": "STOP_LOSS", "aboveStopPrice": "31000", "belowType": "TAKE_PROFIT_LIMIT",
      "belowStopPrice": "30500", "belowPrice": "29000", "belowTimeInForce": "GTC"},
     "Order would trigger immediately."),
], ids=["sell price under the market", "sell stop under the market", "buy price over the market",
        "buy stop over the market"])
def test_a_take_profit_limit_leg_stands_by_its_limit_price(app: Flask, signed: SignedClient, legs: dict[str, str],
                                                           msg: str) -> None:
    """rest-api.md's OCO price restrictions put a TAKE_PROFIT_LIMIT's *price* against the last price:
    a limit price on the wrong side breaks the relation; a stop price there would trigger at once."""
    before = fingerprint(app)
    response = signed.post(OCO, symbol="BTCUSDT", quantity="0.1", **legs)
    assert (response.status_code, response.get_json()) == (400, {"code": -2010, "msg": msg})
    assert fingerprint(app) == before


@pytest.mark.parametrize(("method", "path", "params", "code", "msg"), [
    ("GET", LIST, {}, -1102, "Param 'orderListId' or 'origClientOrderId' must be sent, but both were empty/null!"),
    ("GET", LIST, {"orderListId": 99}, -2013, "Order list does not exist."),
    ("DELETE", LIST, {"symbol": "BTCUSDT"}, -1102,
     "Param 'orderListId' or 'listClientOrderId' must be sent, but both were empty/null!"),
    ("DELETE", LIST, {"symbol": "BTCUSDT", "orderListId": 99}, -2011, "Unknown order sent."),
    ("GET", "/api/v3/allOrderList", {"fromId": 1, "startTime": 0}, -1128,
     "Combination of optional parameters invalid."),
    ("POST", OLD_OCO, {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000",
                       "stopPrice": "29000", "stopLimitPrice": "28900"}, -1102,
     "Mandatory parameter 'stopLimitTimeInForce' was not sent, was empty/null, or malformed."),
])
def test_list_endpoint_rules(app: Flask, signed: SignedClient, method: str, path: str, params: dict[str, Any],
                             code: int, msg: str) -> None:
    before = fingerprint(app)
    response = signed.request(method, path, **params)
    assert response.get_json() == {"code": code, "msg": msg}
    assert fingerprint(app) == before


def test_margin_list_not_cancellable_on_spot_path(signed: SignedClient) -> None:
    margin = signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.1",
                         price="31000", stopPrice="29000", stopLimitPrice="28900",
                         stopLimitTimeInForce="GTC").get_json()
    refused = signed.delete(LIST, symbol="BTCUSDT", orderListId=margin["orderListId"])
    assert refused.get_json() == {"code": -2011, "msg": "Unknown order sent."}
    assert signed.get(LIST, orderListId=margin["orderListId"]).get_json()["code"] == -2013


_OTO_LEGS = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
             "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingType": "LIMIT_MAKER",
             "pendingSide": "SELL", "pendingPrice": "32000", "pendingQuantity": "0.1"}
_OTOCO_LEGS = {"symbol": "BTCUSDT", "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
               "workingQuantity": "0.1", "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": "0.1",
               "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "32000", "pendingBelowType": "STOP_LOSS_LIMIT",
               "pendingBelowStopPrice": "27000", "pendingBelowPrice": "26900", "pendingBelowTimeInForce": "GTC"}


def _with(legs: dict[str, str], change: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in {**legs, **change}.items() if v is not None}


@pytest.mark.parametrize(("path", "legs", "orders"), [(OTO, _OTO_LEGS, 2), (OTOCO, _OTOCO_LEGS, 3)],
                         ids=["oto", "otoco"])
def test_the_rule_lists_start_from_an_accepted_list(signed: SignedClient, path: str, legs: dict[str, str],
                                                    orders: int) -> None:
    # So each rule case below breaks one rule only.
    response = signed.post(path, **legs)
    assert response.status_code == 200 and len(response.get_json()["orderReports"]) == orders


def _missing(name: str) -> str:
    return f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."


_INSUFFICIENT = "Account has insufficient balance for requested action."

# Each rule of POST orderList/oto broken once, from a BUY LIMIT working order at 29000 (last
# price 30000) that triggers a SELL LIMIT_MAKER at 32000.
_OTO_RULES = [
    ({"workingSide": None}, -1102, _missing("workingSide")),
    ({"pendingQuantity": None}, -1102, _missing("pendingQuantity")),
    ({"workingPrice": None}, -1102, _missing("workingPrice")),  # a LIMIT working order's price
    ({"pendingPrice": None}, -1102, _missing("pendingPrice")),  # a LIMIT_MAKER pending order's price
    ({"workingType": "MARKET"}, -1130, "Data sent for parameter 'workingType' is not valid."),  # LIMIT / LIMIT_MAKER
    ({"pendingType": "BEST"}, -1130, "Data sent for parameter 'pendingType' is not valid."),
    ({"workingStopPrice": "28000"}, -1104,  # a working order takes no stop price
     "Not all sent parameters were read; read '12' parameter(s) but was sent '13'."),
    ({"workingPrice": "29000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"pendingQuantity": "0.000001"}, -1013, "Filter failure: LOT_SIZE"),
    ({"workingType": "LIMIT_MAKER", "workingTimeInForce": None, "workingPrice": "31000"}, -2010,
     "Order would immediately match and take."),
    ({"workingClientOrderId": "x", "pendingClientOrderId": "x"}, -2010, "Duplicate order sent."),
    ({"workingQuantity": "1"}, -2010, _INSUFFICIENT),  # 29000 USDT, 10000 in the spot wallet
]


@pytest.mark.parametrize(("change", "code", "msg"), _OTO_RULES)
def test_oto_rule(app: Flask, signed: SignedClient, change: dict[str, Any], code: int, msg: str) -> None:
    sell_oco(signed)  # something open, so "nothing changed" has something to keep
    before = fingerprint(app)
    response = signed.post(OTO, **_with(_OTO_LEGS, change))
    assert (response.status_code, response.get_json()) == (400, {"code": code, "msg": msg})
    assert fingerprint(app) == before


# Each rule of POST orderList/otoco broken once, from a BUY LIMIT working order at 29000 that
# triggers a SELL pair: LIMIT_MAKER above at 32000, STOP_LOSS_LIMIT below at 27000 / 26900.
_OTOCO_RULES = [
    ({"pendingSide": None}, -1102, _missing("pendingSide")),
    ({"pendingAboveType": None, "pendingAbovePrice": None}, -1102, _missing("pendingAboveType")),
    # Optional in rest-api.md, but the pending pair needs both legs (docs/endpoints.md).
    ({"pendingBelowType": None, "pendingBelowStopPrice": None, "pendingBelowPrice": None,
      "pendingBelowTimeInForce": None}, -1102, _missing("pendingBelowType")),
    ({"pendingAbovePrice": None}, -1102, _missing("pendingAbovePrice")),
    ({"pendingBelowTimeInForce": None}, -1102, _missing("pendingBelowTimeInForce")),
    ({"pendingBelowStopPrice": None}, -1102,
     "Param 'pendingBelowStopPrice' or 'pendingBelowTrailingDelta' must be sent, but both were empty/null!"),
    ({"workingType": "STOP_LOSS"}, -1130, "Data sent for parameter 'workingType' is not valid."),
    ({"pendingAboveType": "LIMIT"}, -1130, "Data sent for parameter 'pendingAboveType' is not valid."),
    ({"pendingAboveType": "STOP_LOSS", "pendingAbovePrice": None, "pendingAboveStopPrice": "32000"}, -1197,
     "A stop loss order in a sell OCO must be below."),
    ({"pendingSide": "BUY"}, -1165, "A limit order in a buy OCO must be below."),
    ({"isIsolated": "TRUE"}, -1104, "Not all sent parameters were read; read '16' parameter(s) but was sent '17'."),
    ({"pendingAbovePrice": "32000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"workingQuantity": "0.000001"}, -1013, "Filter failure: LOT_SIZE"),
    # The pair's own relation, its above leg over its below leg: the fill price is not known yet.
    ({"pendingAbovePrice": "26000"}, -2010, _RELATION),
    ({"pendingAbovePrice": "27000"}, -2010, _RELATION),
    ({"workingType": "LIMIT_MAKER", "workingTimeInForce": None, "workingPrice": "31000"}, -2010,
     "Order would immediately match and take."),
    ({"pendingAboveClientOrderId": "x", "pendingBelowClientOrderId": "x"}, -2010, "Duplicate order sent."),
    ({"workingClientOrderId": "x", "pendingBelowClientOrderId": "x"}, -2010, "Duplicate order sent."),
    ({"workingQuantity": "1"}, -2010, _INSUFFICIENT),
]


@pytest.mark.parametrize(("change", "code", "msg"), _OTOCO_RULES)
def test_otoco_rule(app: Flask, signed: SignedClient, change: dict[str, Any], code: int, msg: str) -> None:
    sell_oco(signed)
    before = fingerprint(app)
    response = signed.post(OTOCO, **_with(_OTOCO_LEGS, change))
    assert (response.status_code, response.get_json()) == (400, {"code": code, "msg": msg})
    assert fingerprint(app) == before


@pytest.mark.parametrize("path", ["/api/v3/openOrderList", "/api/v3/rateLimit/order"])
@pytest.mark.parametrize(("case", "code", "msg"), [
    ("bad signature", -1022, "Signature for this request is not valid."),
    ("no timestamp", -1102, "Mandatory parameter 'timestamp' was not sent, was empty/null, or malformed."),
    ("unread parameter", -1104, "Not all sent parameters were read; read '2' parameter(s) but was sent '3'."),
])
def test_open_order_lists_and_order_count_rules(app: Flask, client: FlaskClient, signed: SignedClient, path: str,
                                                case: str, code: int, msg: str) -> None:
    # Neither takes a parameter of its own: only the signed request's rules apply.
    sell_oco(signed)  # an open list and two counted orders to keep
    before = fingerprint(app)
    headers = {"X-MBX-APIKEY": DEMO_KEY}
    if case == "bad signature":
        response = client.get(f"{path}?timestamp={signed.now_ms()}&signature={signed.sign('timestamp=1')}",
                              headers=headers)
    elif case == "no timestamp":
        response = client.get(f"{path}?signature={signed.sign('')}", headers=headers)
    else:
        response = signed.get(path, symbol="BTCUSDT")
    assert (response.status_code, response.get_json()) == (400, {"code": code, "msg": msg})
    assert fingerprint(app) == before
