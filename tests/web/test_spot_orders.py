"""Spot orders over HTTP (/api/v3/order, openOrders, allOrders, myTrades, account, counts):
shapes, rules (each violated once, exact code and message, nothing changed), lifecycle, and
the spot wallet kept apart from the margin accounts of the same account."""

from __future__ import annotations

import json
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.signed_client import SignedClient

ORDER = "/api/v3/order"
NO_MARGIN_KEY = "noMarginPermissionApiKey0000000000000000000000000000000000000000"


def exchange(app: Flask) -> Any:
    return app.extensions["mock_exchange"].exchange


def spot_balance(signed: SignedClient, asset: str) -> tuple[str, str]:
    account = signed.get("/api/v3/account").get_json()
    found = next((b for b in account["balances"] if b["asset"] == asset), None)
    return (found["free"], found["locked"]) if found else ("0.00000000", "0.00000000")


def margin_balance(signed: SignedClient, asset: str) -> tuple[str, str]:
    account = signed.get("/sapi/v1/margin/account").get_json()
    found = next(a for a in account["userAssets"] if a["asset"] == asset)
    return found["free"], found["locked"]


def fingerprint(app: Flask, *, with_order_counts: bool = True) -> str:
    """Everything a rejected request must leave as it was: the spot, cross and isolated wallets, orders,
    lists, trades, events, and the limiter's order counts of both books (a refused placement counts none;
    ``with_order_counts=False`` for the one refusal Binance counts all the same, asserted apart)."""
    ex = exchange(app)
    state = ex.state
    limiter = app.extensions["mock_exchange"].limiter

    def margin(balances: dict[str, Any]) -> dict[str, tuple[str, ...]]:
        return {a: (str(b.free), str(b.locked), str(b.borrowed), str(b.interest)) for a, b in balances.items()}

    wallets = {name: ({a: (str(b.free), str(b.locked)) for a, b in acc.spot.balances.items()},
                      margin(acc.cross.balances),
                      {symbol: margin(pair.balances) for symbol, pair in acc.isolated.items()})
               for name, acc in state.accounts.items()}
    order_counts = {name: {book: [row["count"] for row in limiter.order_usage(name, book)]
                           for book in ("spot", "margin")} for name in state.accounts} if with_order_counts else {}
    return json.dumps([wallets, order_counts, sorted(state.orders), sorted(state.order_lists), sorted(state.trades),
                       ex.events.last_seq], sort_keys=True)


def limit_buy(signed: SignedClient, **extra: Any) -> Any:
    params = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1",
              "price": "29000"}
    params.update(extra)
    return signed.post(ORDER, **params)


# -- shapes ------------------------------------------------------------------------------


def test_limit_order_full_shape_and_headers(signed: SignedClient) -> None:
    response = limit_buy(signed, newClientOrderId="my-buy")
    assert response.status_code == 200
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    assert response.headers["X-MBX-ORDER-COUNT-10S"] == "1"
    assert response.headers["X-MBX-ORDER-COUNT-1D"] == "1"
    body = response.get_json()
    assert list(body) == ["symbol", "orderId", "orderListId", "clientOrderId", "transactTime", "price", "origQty",
                          "executedQty", "origQuoteOrderQty", "cummulativeQuoteQty", "status", "timeInForce", "type",
                          "side", "workingTime", "selfTradePreventionMode", "fills"]
    assert body["orderListId"] == -1 and body["clientOrderId"] == "my-buy"
    assert body["price"] == "29000.00000000" and body["origQty"] == "0.10000000"
    assert body["status"] == "NEW" and body["fills"] == [] and body["workingTime"] == body["transactTime"]
    assert "isIsolated" not in body
    assert spot_balance(signed, "USDT") == ("7100.00000000", "2900.00000000")


def test_market_order_fills_in_spot_wallet_only(signed: SignedClient) -> None:
    margin_before = margin_balance(signed, "USDT"), margin_balance(signed, "BTC")
    body = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01").get_json()
    assert body["status"] == "FILLED" and body["cummulativeQuoteQty"] == "300.00000000"
    public = signed.client.get("/api/v3/trades", query_string={"symbol": "BTCUSDT"}).get_json()
    assert body["fills"] == [{"price": "30000.00000000", "qty": "0.01000000", "commission": "0.00001000",
                              "commissionAsset": "BTC", "tradeId": public[-1]["id"]}]
    assert spot_balance(signed, "USDT") == ("9700.00000000", "0.00000000")
    assert spot_balance(signed, "BTC") == ("0.50999000", "0.00000000")
    assert (margin_balance(signed, "USDT"), margin_balance(signed, "BTC")) == margin_before


def test_quote_order_qty_market_and_resp_types(signed: SignedClient) -> None:
    body = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quoteOrderQty="300",
                       newOrderRespType="RESULT").get_json()
    assert body["origQuoteOrderQty"] == "300.00000000" and body["executedQty"] == "0.01000000"
    assert "fills" not in body
    ack = limit_buy(signed, newOrderRespType="ACK").get_json()
    assert list(ack) == ["symbol", "orderId", "orderListId", "clientOrderId", "transactTime"]
    stop = signed.post(ORDER, symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.1",
                       stopPrice="29000").get_json()
    assert list(stop) == ["symbol", "orderId", "orderListId", "clientOrderId", "transactTime"]  # ACK by default


def test_query_open_all_orders_and_trades(signed: SignedClient) -> None:
    placed = limit_buy(signed).get_json()
    signed.post(ORDER, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.01")
    query = signed.get(ORDER, symbol="BTCUSDT", orderId=placed["orderId"])
    assert query.headers["X-MBX-USED-WEIGHT-1M"] == "6"  # the minute's total: 1 + 1 + 4
    row = query.get_json()
    assert list(row) == ["symbol", "orderId", "orderListId", "clientOrderId", "price", "origQty", "executedQty",
                         "cummulativeQuoteQty", "status", "timeInForce", "type", "side", "stopPrice", "icebergQty",
                         "time", "updateTime", "isWorking", "workingTime", "origQuoteOrderQty",
                         "selfTradePreventionMode"]
    by_client = signed.get(ORDER, symbol="BTCUSDT", origClientOrderId=placed["clientOrderId"]).get_json()
    assert by_client == row
    open_rows = signed.get("/api/v3/openOrders", symbol="BTCUSDT")
    assert open_rows.headers["X-MBX-USED-WEIGHT-1M"] == "16"  # ... + 4 + 6 for one symbol
    assert [o["orderId"] for o in open_rows.get_json()] == [placed["orderId"]]
    everywhere = signed.get("/api/v3/openOrders")
    assert int(everywhere.headers["X-MBX-USED-WEIGHT-1M"]) == 16 + 80  # every symbol: 80
    assert [o["orderId"] for o in everywhere.get_json()] == [placed["orderId"]]
    all_rows = signed.get("/api/v3/allOrders", symbol="BTCUSDT").get_json()
    assert [o["status"] for o in all_rows] == ["NEW", "FILLED"]
    trades = signed.get("/api/v3/myTrades", symbol="BTCUSDT").get_json()
    assert list(trades[0]) == ["symbol", "id", "orderId", "orderListId", "price", "qty", "quoteQty", "commission",
                               "commissionAsset", "time", "isBuyer", "isMaker", "isBestMatch"]
    assert trades[0]["isBuyer"] is False and trades[0]["commissionAsset"] == "USDT"
    assert trades[0]["orderId"] == placed["orderId"] + 1


def test_resting_order_fills_on_a_print(app: Flask, signed: SignedClient) -> None:
    placed = limit_buy(signed).get_json()
    exchange(app).set_price("BTCUSDT", Decimal("28900"))
    row = signed.get(ORDER, symbol="BTCUSDT", orderId=placed["orderId"]).get_json()
    assert row["status"] == "FILLED"
    trades = signed.get("/api/v3/myTrades", symbol="BTCUSDT", orderId=placed["orderId"])
    assert trades.headers["X-MBX-USED-WEIGHT-1M"] == "10"  # 1 + 4 + 5 with orderId
    assert trades.get_json()[0]["isMaker"] is True and trades.get_json()[0]["price"] == "29000.00000000"
    assert spot_balance(signed, "BTC") == ("0.59990000", "0.00000000")  # 0.1 less the 0.1% maker fee
    assert spot_balance(signed, "USDT") == ("7100.00000000", "0.00000000")


def test_cancel_and_cancel_all(signed: SignedClient) -> None:
    first = limit_buy(signed).get_json()
    second = limit_buy(signed, price="28000").get_json()
    cancel = signed.delete(ORDER, symbol="BTCUSDT", orderId=first["orderId"], newClientOrderId="undo")
    body = cancel.get_json()
    assert list(body) == ["symbol", "origClientOrderId", "orderId", "orderListId", "clientOrderId", "transactTime",
                          "price", "origQty", "executedQty", "origQuoteOrderQty", "cummulativeQuoteQty", "status",
                          "timeInForce", "type", "side", "selfTradePreventionMode"]
    assert body["status"] == "CANCELED" and body["clientOrderId"] == "undo"
    assert body["origClientOrderId"] == first["clientOrderId"]
    rows = signed.delete("/api/v3/openOrders", symbol="BTCUSDT").get_json()
    assert [(r["orderId"], r["status"]) for r in rows] == [(second["orderId"], "CANCELED")]
    assert spot_balance(signed, "USDT") == ("10000.00000000", "0.00000000")


def test_cancel_restrictions(app: Flask, signed: SignedClient) -> None:
    placed = limit_buy(signed).get_json()
    before = fingerprint(app)
    refused = signed.delete(ORDER, symbol="BTCUSDT", orderId=placed["orderId"],
                            cancelRestrictions="ONLY_PARTIALLY_FILLED")
    assert refused.get_json() == {"code": -2011, "msg": "Order was not canceled due to cancel restrictions."}
    assert fingerprint(app) == before
    bad = signed.delete(ORDER, symbol="BTCUSDT", orderId=placed["orderId"], cancelRestrictions="NEVER")
    assert bad.get_json() == {"code": -1145,
                              "msg": "cancelRestrictions has to be either ONLY_NEW or ONLY_PARTIALLY_FILLED."}
    ok = signed.delete(ORDER, symbol="BTCUSDT", orderId=placed["orderId"], cancelRestrictions="ONLY_NEW")
    assert ok.get_json()["status"] == "CANCELED"


def test_spot_and_margin_orders_never_see_each_other(signed: SignedClient) -> None:
    spot = limit_buy(signed).get_json()
    margin = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                         quantity="0.1", price="29000").get_json()
    assert [o["orderId"] for o in signed.get("/api/v3/openOrders").get_json()] == [spot["orderId"]]
    assert [o["orderId"] for o in signed.get("/sapi/v1/margin/openOrders").get_json()] == [margin["orderId"]]
    assert signed.get(ORDER, symbol="BTCUSDT", orderId=margin["orderId"]).get_json() == {
        "code": -2013, "msg": "Order does not exist."}
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT", orderId=spot["orderId"]).get_json()["code"] == -2013
    assert signed.delete(ORDER, symbol="BTCUSDT", orderId=margin["orderId"]).get_json() == {
        "code": -2011, "msg": "Unknown order sent."}
    # Each wallet holds its own reservation.
    assert spot_balance(signed, "USDT")[1] == "2900.00000000"
    assert margin_balance(signed, "USDT")[1] == "2900.00000000"
    signed.delete("/api/v3/openOrders", symbol="BTCUSDT")
    assert [o["orderId"] for o in signed.get("/sapi/v1/margin/openOrders").get_json()] == [margin["orderId"]]


def test_spot_trading_needs_no_margin_permission(app: Flask, client: FlaskClient) -> None:
    no_margin = SignedClient(client, app, NO_MARGIN_KEY, exchange(app).accounts["no-margin"].hmac_secret)
    exchange(app).set_spot_balance("no-margin", "USDT", Decimal("1000"))
    assert limit_buy(no_margin, quantity="0.01").get_json()["status"] == "NEW"
    refused = no_margin.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                             timeInForce="GTC", quantity="0.01", price="29000")
    assert refused.get_json()["code"] == -2015
    account = no_margin.get("/api/v3/account").get_json()
    assert account["canTrade"] is True and account["permissions"] == ["SPOT"]


def test_order_test_endpoint_validates_and_places_nothing(app: Flask, signed: SignedClient) -> None:
    before = fingerprint(app)
    response = signed.post("/api/v3/order/test", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                           quantity="0.1", price="29000")
    assert response.status_code == 200 and response.get_json() == {}
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "1"
    rates = signed.post("/api/v3/order/test", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                        quantity="0.1", price="29000", computeCommissionRates="true")
    assert int(rates.headers["X-MBX-USED-WEIGHT-1M"]) == 21
    assert rates.get_json()["standardCommissionForOrder"] == {"maker": "0.00100000", "taker": "0.00100000"}
    too_big = signed.post("/api/v3/order/test", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                          quantity="1", price="29000")
    assert too_big.get_json() == {"code": -2010, "msg": "Account has insufficient balance for requested action."}
    assert fingerprint(app) == before


def test_account_commission_and_order_count(signed: SignedClient) -> None:
    limit_buy(signed)
    commission = signed.get("/api/v3/account/commission", symbol="BTCUSDT")
    assert commission.headers["X-MBX-USED-WEIGHT-1M"] == "21"
    assert commission.get_json()["standardCommission"] == {"maker": "0.00100000", "taker": "0.00100000",
                                                           "buyer": "0.00000000", "seller": "0.00000000"}
    counts = signed.get("/api/v3/rateLimit/order").get_json()
    assert [(r["interval"], r["intervalNum"], r["count"]) for r in counts] == [("SECOND", 10, 1), ("DAY", 1, 1)]
    # Spot and margin orders are counted apart.
    margin = signed.get("/sapi/v1/margin/rateLimit/order").get_json()
    assert [r["count"] for r in margin] == [0, 0]


# -- rules: each violated once, Binance's code and message, nothing changed ----------------

_BASE = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.1",
         "price": "29000"}

RULES = [
    ({"side": None}, -1102, "Mandatory parameter 'side' was not sent, was empty/null, or malformed."),
    ({"side": "UP"}, -1117, "Invalid side."),
    ({"type": "BEST"}, -1116, "Invalid orderType."),
    ({"timeInForce": None}, -1102, "Mandatory parameter 'timeInForce' was not sent, was empty/null, or malformed."),
    ({"timeInForce": "DAY"}, -1115, "Invalid timeInForce."),
    ({"price": None}, -1102, "Mandatory parameter 'price' was not sent, was empty/null, or malformed."),
    ({"quantity": None}, -1102, "Mandatory parameter 'quantity' was not sent, was empty/null, or malformed."),
    ({"type": "MARKET", "timeInForce": None, "price": None, "quantity": None}, -1102,
     "Param 'quantity' or 'quoteOrderQty' must be sent, but both were empty/null!"),
    ({"type": "MARKET", "timeInForce": None, "price": None, "quoteOrderQty": "100"}, -1106,
     "Parameter 'quoteOrderQty' sent when not required."),
    ({"stopPrice": "28000"}, -1106, "Parameter 'stopPrice' sent when not required."),
    ({"isIsolated": "TRUE"}, -1104, "Not all sent parameters were read; read '8' parameter(s) but was sent '9'."),
    ({"sideEffectType": "MARGIN_BUY"}, -1104,
     "Not all sent parameters were read; read '8' parameter(s) but was sent '9'."),
    ({"symbol": "NOPE"}, -1121, "Invalid symbol."),
    ({"price": "29000.001"}, -1013, "Filter failure: PRICE_FILTER"),
    ({"quantity": "0.000001"}, -1013, "Filter failure: LOT_SIZE"),
    ({"quantity": "1"}, -2010, "Account has insufficient balance for requested action."),
    ({"type": "LIMIT_MAKER", "timeInForce": None, "price": "31000"}, -2010,
     "Order would immediately match and take."),
    ({"type": "STOP_LOSS", "timeInForce": None, "price": None, "stopPrice": "31000", "side": "SELL"}, -2010,
     "Order would trigger immediately."),
]


@pytest.mark.parametrize(("change", "code", "msg"), RULES)
def test_new_order_rule(app: Flask, signed: SignedClient, change: dict[str, Any], code: int, msg: str) -> None:
    params = {**_BASE, **change}
    before = fingerprint(app)
    response = signed.post(ORDER, **params)
    assert response.get_json() == {"code": code, "msg": msg}
    assert response.status_code == 400
    assert "X-MBX-ORDER-COUNT-10S" not in response.headers
    assert fingerprint(app) == before


def test_explanations_name_the_spot_wallet(signed: SignedClient) -> None:
    short = limit_buy(signed, quantity="1")
    assert "Free in the spot wallet: BTC 0.5, USDT 10000" in short.headers["X-Mock-Explain"]
    assert "never borrow" in short.headers["X-Mock-Explain"]
    unknown = signed.get(ORDER, symbol="BTCUSDT", orderId=99)
    assert "spot orders; margin orders are only seen on /sapi/v1/margin/" in unknown.headers["X-Mock-Explain"]


def test_duplicate_client_order_id(app: Flask, signed: SignedClient) -> None:
    limit_buy(signed, newClientOrderId="same")
    before = fingerprint(app)
    again = limit_buy(signed, newClientOrderId="same", price="28000")
    assert again.get_json() == {"code": -2010, "msg": "Duplicate order sent."}
    assert fingerprint(app) == before


def test_spot_and_margin_keep_their_client_ids_apart(signed: SignedClient) -> None:
    """Spot and margin are two order systems on Binance: one client id may be open in both at once, and
    each path finds (and cancels) its own order by it."""
    spot = limit_buy(signed, newClientOrderId="same").get_json()
    margin = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                         quantity="0.1", price="28000", newClientOrderId="same")
    assert margin.status_code == 200
    margin_id = margin.get_json()["orderId"]
    assert signed.get(ORDER, symbol="BTCUSDT", origClientOrderId="same").get_json()["orderId"] == spot["orderId"]
    assert signed.get("/sapi/v1/margin/order", symbol="BTCUSDT",
                      origClientOrderId="same").get_json()["orderId"] == margin_id
    # Still unique within each: a second open "same" is refused on either side.
    refused = limit_buy(signed, newClientOrderId="same", price="27000")
    assert refused.get_json() == {"code": -2010, "msg": "Duplicate order sent."}
    assert "An open spot order of this account already uses newClientOrderId=same" in (
        refused.headers["X-Mock-Explain"])
    again = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                        quantity="0.1", price="27000", newClientOrderId="same")
    assert again.get_json() == {"code": -2010, "msg": "Duplicate order sent."}
    cancelled = signed.delete(ORDER, symbol="BTCUSDT", origClientOrderId="same").get_json()
    assert cancelled["orderId"] == spot["orderId"]
    assert [o["orderId"] for o in signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()] == [margin_id]
    # Lists: one listClientOrderId open as a spot OCO and as a margin OCO.
    spot_list = signed.post("/api/v3/orderList/oco", symbol="BTCUSDT", side="SELL", quantity="0.1",
                            aboveType="LIMIT_MAKER", abovePrice="31000", belowType="STOP_LOSS", belowStopPrice="29000",
                            listClientOrderId="pair")
    margin_list = signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.1",
                              price="31000", stopPrice="29000", listClientOrderId="pair")
    assert (spot_list.status_code, margin_list.status_code) == (200, 200)
    assert signed.get("/api/v3/orderList", origClientOrderId="pair").get_json()["orderListId"] == (
        spot_list.get_json()["orderListId"])


def test_a_fill_has_one_trade_id_per_symbol_in_every_view(signed: SignedClient) -> None:
    """myTrades, the order response's fills and the public trades show one id per fill, counted per
    symbol, for spot and margin fills alike (Binance: rest-api.md "Account trade list", "Recent trades list")."""
    spot = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.01").get_json()
    margin = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.01",
                         newOrderRespType="FULL").get_json()
    eth = signed.post(ORDER, symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.1").get_json()
    btc_tape = signed.client.get("/api/v3/trades", query_string={"symbol": "BTCUSDT"}).get_json()
    eth_tape = signed.client.get("/api/v3/trades", query_string={"symbol": "ETHUSDT"}).get_json()
    assert [t["id"] for t in btc_tape] == [btc_tape[0]["id"], btc_tape[0]["id"] + 1]
    assert [spot["fills"][0]["tradeId"], margin["fills"][0]["tradeId"]] == [t["id"] for t in btc_tape]
    assert eth["fills"][0]["tradeId"] == eth_tape[0]["id"]
    spot_rows = signed.get("/api/v3/myTrades", symbol="BTCUSDT").get_json()
    margin_rows = signed.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json()
    assert [(r["id"], r["orderId"]) for r in spot_rows] == [(btc_tape[0]["id"], spot["orderId"])]
    assert [(r["id"], r["orderId"]) for r in margin_rows] == [(btc_tape[1]["id"], margin["orderId"])]
    # fromId counts in the symbol's ids.
    assert signed.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT", fromId=btc_tape[1]["id"]).get_json() == margin_rows
    assert signed.get("/api/v3/myTrades", symbol="BTCUSDT", fromId=btc_tape[1]["id"]).get_json() == []


def test_orders_that_trade_on_arrival_leave_the_unfilled_count(signed: SignedClient) -> None:
    rest = limit_buy(signed)
    assert rest.headers["X-MBX-ORDER-COUNT-10S"] == "1"
    taker = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.001")
    assert (taker.headers["X-MBX-ORDER-COUNT-10S"], taker.headers["X-MBX-ORDER-COUNT-1D"]) == ("1", "1")
    counts = signed.get("/api/v3/rateLimit/order").get_json()
    assert [r["count"] for r in counts] == [1, 1]


def order_counts(signed: SignedClient) -> list[int]:
    return [row["count"] for row in signed.get("/api/v3/rateLimit/order").get_json()]


def test_a_makers_first_fill_leaves_the_unfilled_count(app: Flask, signed: SignedClient) -> None:
    """faqs/order_count_decrement.md: an order's first fill, as a maker later on too, takes one order off
    (the FAQ's "may be more than one" for makers has no rule given; the fake takes one)."""
    limit_buy(signed, price="29000")
    limit_buy(signed, price="28000")
    margin = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                         quantity="0.1", price="29000")
    assert margin.status_code == 200 and order_counts(signed) == [2, 2]
    ex = exchange(app)
    ex.trade("BTCUSDT", Decimal("29000"), Decimal("0.02"))  # a part of the 29000 spot buy fills
    assert order_counts(signed) == [1, 1]
    ex.trade("BTCUSDT", Decimal("29000"), Decimal("0.05"))  # its second fill: no credit again
    assert order_counts(signed) == [1, 1]
    ex.set_price("BTCUSDT", Decimal("27900"))  # both spot buys fill: only the 28000 one is a first fill
    assert order_counts(signed) == [0, 0]
    ex.set_price("BTCUSDT", Decimal("27000"))  # nothing left to fill: the count stays at zero
    assert order_counts(signed) == [0, 0]


def test_a_stops_later_first_fill_leaves_the_unfilled_count(app: Flask, signed: SignedClient) -> None:
    placed = signed.post(ORDER, symbol="BTCUSDT", side="SELL", type="STOP_LOSS", quantity="0.01", stopPrice="29500")
    assert placed.status_code == 200 and order_counts(signed) == [1, 1]
    exchange(app).set_price("BTCUSDT", Decimal("29400"))  # triggers: the stop fills as a taker
    assert signed.get(ORDER, symbol="BTCUSDT", orderId=placed.get_json()["orderId"]).get_json()["status"] == "FILLED"
    assert order_counts(signed) == [0, 0]


def test_two_apps_sharing_an_exchange_each_take_their_own_orders_first_fills_off(app: Flask,
                                                                                  signed: SignedClient) -> None:
    """create_app(exchange=shared) twice: each app counts the orders placed through it, and a later
    first fill takes the order off the count of the app that counted it, whichever app came last."""
    from mock_exchange.web.app import create_app

    second_app = create_app(exchange=exchange(app))
    second = SignedClient(second_app.test_client(), second_app)
    limit_buy(signed, price="29000")  # through the first app
    limit_buy(second, price="28000")  # through the second
    assert (order_counts(signed), order_counts(second)) == ([1, 1], [1, 1])
    exchange(app).set_price("BTCUSDT", Decimal("28500"))  # the first app's buy fills as a maker
    assert (order_counts(signed), order_counts(second)) == ([0, 0], [1, 1])
    exchange(app).set_price("BTCUSDT", Decimal("27500"))  # the second app's
    assert (order_counts(signed), order_counts(second)) == ([0, 0], [0, 0])


def test_unfilled_order_count_limit(app: Flask, signed: SignedClient) -> None:
    runtime = app.extensions["mock_exchange"]
    runtime.limiter.reset(replace(runtime.config.rate_limits, orders_per_10s=1))
    limit_buy(signed)
    before = fingerprint(app)
    refused = limit_buy(signed, price="28000")
    assert refused.status_code == 429
    assert refused.get_json() == {"code": -1015, "msg": "Too many new orders; current limit is 1 orders per 10 SECOND."}
    assert fingerprint(app) == before
    # The margin book is counted apart: a margin order still goes through.
    margin = signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC",
                         quantity="0.1", price="29000")
    assert margin.status_code == 200


@pytest.mark.parametrize(("path", "method", "params", "code", "msg"), [
    (ORDER, "GET", {"symbol": "BTCUSDT"}, -1102, "Param 'orderId' or 'origClientOrderId' must be sent, but both were "
                                               "empty/null!"),
    (ORDER, "GET", {"symbol": "BTCUSDT", "orderId": 99}, -2013, "Order does not exist."),
    (ORDER, "DELETE", {"symbol": "BTCUSDT", "orderId": 99}, -2011, "Unknown order sent."),
    (ORDER, "DELETE", {"symbol": "NOPE", "orderId": 1}, -1121, "Invalid symbol."),
    ("/api/v3/openOrders", "DELETE", {"symbol": "BTCUSDT"}, -2011, "Unknown order sent."),
    ("/api/v3/openOrders", "GET", {"symbol": "NOPE"}, -1121, "Invalid symbol."),
    ("/api/v3/allOrders", "GET", {}, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or "
                                            "malformed."),
    ("/api/v3/allOrders", "GET", {"symbol": "BTCUSDT", "startTime": 0, "endTime": 86_400_001}, -1127,
     "More than 24 hours between startTime and endTime."),
    ("/api/v3/allOrders", "GET", {"symbol": "BTCUSDT", "limit": 1001}, -1130,
     "Data sent for parameter 'limit' is not valid."),
    ("/api/v3/myTrades", "GET", {"symbol": "BTCUSDT", "fromId": 1, "startTime": 0}, -1128,
     "Combination of optional parameters invalid."),
    ("/api/v3/account/commission", "GET", {"symbol": "NOPE"}, -1121, "Invalid symbol."),
])
def test_query_and_cancel_rules(app: Flask, signed: SignedClient, path: str, method: str, params: dict[str, Any],
                                code: int, msg: str) -> None:
    limit_buy(signed, symbol="ETHUSDT", price="1900", quantity="0.1")  # something unrelated is open
    before = fingerprint(app)
    response = signed.request(method, path, **params)
    assert response.get_json() == {"code": code, "msg": msg}
    assert fingerprint(app) == before


# -- cancelReplace -----------------------------------------------------------------------

REPLACE = "/api/v3/order/cancelReplace"


def test_cancel_replace_success(signed: SignedClient) -> None:
    placed = limit_buy(signed).get_json()
    response = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                           price="28500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=placed["orderId"])
    assert response.status_code == 200
    assert response.headers["X-MBX-ORDER-COUNT-10S"] == "2"  # the new order counts as a placement does
    body = response.get_json()
    assert (body["cancelResult"], body["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert body["cancelResponse"]["status"] == "CANCELED" and body["newOrderResponse"]["price"] == "28500.00000000"
    assert [o["price"] for o in signed.get("/api/v3/openOrders").get_json()] == ["28500.00000000"]
    assert spot_balance(signed, "USDT") == ("7150.00000000", "2850.00000000")


def test_cancel_replace_stop_on_failure(app: Flask, signed: SignedClient) -> None:
    before = fingerprint(app, with_order_counts=False)
    response = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                           price="28500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=99)
    assert response.status_code == 400
    assert response.get_json() == {"code": -2022, "msg": "Order cancel-replace failed.", "data": {
        "cancelResult": "FAILURE", "newOrderResult": "NOT_ATTEMPTED",
        "cancelResponse": {"code": -2011, "msg": "Unknown order sent."}, "newOrderResponse": None}}
    assert fingerprint(app, with_order_counts=False) == before
    # rest-api.md: a new order that was not attempted still adds one to the unfilled order count.
    assert [r["count"] for r in signed.get("/api/v3/rateLimit/order").get_json()] == [1, 1]


def _at_order_limit(app: Flask, signed: SignedClient) -> int:
    """One resting order, and an unfilled-order limit of one per 10 s that it has used up."""
    runtime = app.extensions["mock_exchange"]
    runtime.limiter.reset(replace(runtime.config.rate_limits, orders_per_10s=1))
    return int(limit_buy(signed).get_json()["orderId"])


@pytest.mark.parametrize("mode", [None, "DO_NOTHING"])
def test_cancel_replace_over_the_order_limit_does_nothing_by_default(app: Flask, signed: SignedClient,
                                                                    mode: str | None) -> None:
    order_id = _at_order_limit(app, signed)
    before = fingerprint(app)
    extra = {"orderRateLimitExceededMode": mode} if mode else {}
    response = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                           price="28500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=order_id, **extra)
    assert (response.status_code, response.get_json()) == (
        429, {"code": -1015, "msg": "Too many new orders; current limit is 1 orders per 10 SECOND."})
    assert fingerprint(app) == before  # not even the cancel happened
    assert [o["orderId"] for o in signed.get("/api/v3/openOrders").get_json()] == [order_id]


def test_cancel_replace_over_the_order_limit_cancels_only_when_asked(app: Flask, signed: SignedClient) -> None:
    order_id = _at_order_limit(app, signed)
    response = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                           price="28500", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=order_id,
                           orderRateLimitExceededMode="CANCEL_ONLY")
    assert response.status_code == 409
    body = response.get_json()
    assert (body["code"], body["msg"]) == (-2021, "Order cancel-replace partially failed.")
    assert (body["data"]["cancelResult"], body["data"]["newOrderResult"]) == ("SUCCESS", "FAILURE")
    assert body["data"]["cancelResponse"]["status"] == "CANCELED"
    assert body["data"]["newOrderResponse"] == {"code": -1015,
                                                "msg": "Too many new orders; current limit is 1 orders per 10 SECOND."}
    assert signed.get("/api/v3/openOrders").get_json() == []


def test_cancel_replace_partial_failures(signed: SignedClient) -> None:
    placed = limit_buy(signed).get_json()
    # The cancel succeeds, the new order would take as a maker: 409, -2021.
    response = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT_MAKER", quantity="0.1",
                           price="31000", cancelReplaceMode="STOP_ON_FAILURE", cancelOrderId=placed["orderId"])
    assert response.status_code == 409
    body = response.get_json()
    assert (body["code"], body["msg"]) == (-2021, "Order cancel-replace partially failed.")
    assert body["data"]["cancelResult"] == "SUCCESS" and body["data"]["newOrderResult"] == "FAILURE"
    assert body["data"]["newOrderResponse"] == {"code": -2010, "msg": "Order would immediately match and take."}
    # ALLOW_FAILURE: the cancel fails, the new order is placed all the same.
    allowed = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                          price="28000", cancelReplaceMode="ALLOW_FAILURE", cancelOrderId=placed["orderId"])
    assert allowed.status_code == 409
    data = allowed.get_json()["data"]
    assert (data["cancelResult"], data["newOrderResult"]) == ("FAILURE", "SUCCESS")
    assert [o["price"] for o in signed.get("/api/v3/openOrders").get_json()] == ["28000.00000000"]


def test_cancel_replace_rules(app: Flask, signed: SignedClient) -> None:
    before = fingerprint(app)
    missing = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                          price="28500", cancelOrderId=1)
    assert missing.get_json() == {"code": -1102, "msg": "Mandatory parameter 'cancelReplaceMode' was not sent, was "
                                                        "empty/null, or malformed."}
    no_ref = signed.post(REPLACE, symbol="BTCUSDT", side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.1",
                         price="28500", cancelReplaceMode="STOP_ON_FAILURE")
    assert no_ref.get_json() == {"code": -1102, "msg": "Param 'cancelOrderId' or 'cancelOrigClientOrderId' must be "
                                                       "sent, but both were empty/null!"}
    assert fingerprint(app) == before


def test_control_api_shows_and_sets_the_spot_wallet(client: FlaskClient, signed: SignedClient) -> None:
    limit_buy(signed)
    account = client.get("/mock/v1/accounts/demo").get_json()
    assert account["spot"]["USDT"] == {"free": "7100", "locked": "2900"}
    assert account["cross"]["USDT"]["free"] == "100000" and account["cross"]["USDT"]["locked"] == "0"
    response = client.put("/mock/v1/accounts/demo/balances", json={"asset": "ETH", "free": "3", "wallet": "spot"})
    assert response.status_code == 200
    assert spot_balance(signed, "ETH") == ("3.00000000", "0.00000000")
