"""Spot trading with python-binance and ccxt, unmodified, against a live fake exchange.

Demo state: spot 10000 USDT / 0.5 BTC (cross 100000 USDT / 2 BTC, untouched by spot orders);
BTCUSDT at 30000.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import CCXT_SYMBOL, SYMBOL, make_ccxt, make_python_binance

pytestmark = pytest.mark.compat


def _margin_usdt(ex: FakeExchange) -> str:
    account = make_python_binance(ex).get_margin_account()
    return next(a["free"] for a in account["userAssets"] if a["asset"] == "USDT")


def test_python_binance_spot_orders(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    client = make_python_binance(fake_exchange_live)
    margin_before = _margin_usdt(fake_exchange_live)
    placed = client.create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01",
                                 price="29000", newClientOrderId="pb-buy")
    assert placed["status"] == "NEW" and placed["orderListId"] == -1 and "workingTime" in placed
    assert client.get_order(symbol=SYMBOL, orderId=placed["orderId"])["clientOrderId"] == "pb-buy"
    assert [o["orderId"] for o in client.get_open_orders(symbol=SYMBOL)] == [placed["orderId"]]
    market = client.order_market_buy(symbol=SYMBOL, quantity="0.001")
    assert market["status"] == "FILLED" and market["fills"][0]["price"] == "30000.00000000"
    trades = client.get_my_trades(symbol=SYMBOL)
    assert [t["orderId"] for t in trades] == [market["orderId"]]
    cancelled = client.cancel_order(symbol=SYMBOL, orderId=placed["orderId"])
    assert cancelled["status"] == "CANCELED"
    balances = {b["asset"]: b for b in client.get_account()["balances"]}
    assert balances["USDT"]["free"] == "9970.00000000" and balances["USDT"]["locked"] == "0.00000000"
    assert balances["BTC"]["free"] == "0.50099900"
    assert _margin_usdt(fake_exchange_live) == margin_before  # the margin account did not move
    all_orders = client.get_all_orders(symbol=SYMBOL)
    assert [o["status"] for o in all_orders] == ["CANCELED", "FILLED"]


def test_python_binance_spot_oco(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    client = make_python_binance(fake_exchange_live)
    # python-binance's OCO methods post to /api/v3/orderList/oco, with above / below legs.
    old = client.order_oco_sell(symbol=SYMBOL, quantity="0.01", aboveType="LIMIT_MAKER", abovePrice="31000",
                                belowType="STOP_LOSS_LIMIT", belowStopPrice="29000", belowPrice="28900",
                                belowTimeInForce="GTC")
    assert old["contingencyType"] == "OCO" and old["listClientOrderId"].startswith("x-")
    new = client.create_oco_order(symbol=SYMBOL, side="SELL", quantity="0.01", aboveType="LIMIT_MAKER",
                                  abovePrice="32000", belowType="STOP_LOSS", belowStopPrice="28000")
    assert [r["type"] for r in new["orderReports"]] == ["STOP_LOSS", "LIMIT_MAKER"]
    # The deprecated POST /api/v3/order/oco, through the client's own signed request helper.
    legacy = client._post("order/oco", True, data={"symbol": SYMBOL, "side": "SELL", "quantity": "0.001",
                                                     "price": "33000", "stopPrice": "27000"})
    assert [r["type"] for r in legacy["orderReports"]] == ["STOP_LOSS", "LIMIT_MAKER"]
    gone = client._delete("orderList", True, data={"symbol": SYMBOL, "orderListId": legacy["orderListId"]})
    assert gone["listOrderStatus"] == "ALL_DONE"
    assert len(client.get_open_orders(symbol=SYMBOL)) == 4
    fake_exchange_live.set_price(SYMBOL, "31000")  # the first OCO's LIMIT_MAKER fills
    statuses = {o["orderId"]: o["status"] for o in client.get_all_orders(symbol=SYMBOL)}
    first_stop, first_limit = (r["orderId"] for r in old["orderReports"])
    assert (statuses[first_stop], statuses[first_limit]) == ("EXPIRED", "FILLED")
    balances = {b["asset"]: b for b in client.get_account()["balances"]}
    assert balances["BTC"]["locked"] == "0.01000000"  # the second OCO still holds its pair's lock


def test_python_binance_spot_rejection_is_binance_error(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    from binance.exceptions import BinanceAPIException

    client = make_python_binance(fake_exchange_live)
    with pytest.raises(BinanceAPIException) as caught:
        client.create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="1",
                            price="29000")
    assert (caught.value.code, caught.value.message) == (-2010, "Account has insufficient balance for requested "
                                                                "action.")


def test_ccxt_unified_spot_methods(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
    exchange: Any = make_ccxt(fake_exchange_live)
    exchange.options["defaultType"] = "spot"
    order = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.01, 29000)
    assert order["status"] == "open" and order["price"] == 29000.0 and order["amount"] == 0.01
    fetched = exchange.fetch_order(order["id"], CCXT_SYMBOL)
    assert fetched["id"] == order["id"] and fetched["remaining"] == 0.01
    assert [o["id"] for o in exchange.fetch_open_orders(CCXT_SYMBOL)] == [order["id"]]
    market = exchange.create_order(CCXT_SYMBOL, "market", "buy", 0.001)
    assert market["status"] == "closed" and market["filled"] == 0.001
    trades = exchange.fetch_my_trades(CCXT_SYMBOL)
    assert [t["order"] for t in trades] == [market["id"]] and trades[0]["price"] == 30000.0
    cancelled = exchange.cancel_order(order["id"], CCXT_SYMBOL)
    assert cancelled["status"] == "canceled"
    balance = exchange.fetch_balance()
    assert balance["USDT"]["free"] == 9970.0 and balance["USDT"]["used"] == 0.0
    assert balance["BTC"]["total"] == pytest.approx(0.500999)
    assert exchange.fetch_balance({"type": "margin"})["USDT"]["free"] == 100000.0


def test_ccxt_spot_order_history_and_mass_cancel(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
    exchange: Any = make_ccxt(fake_exchange_live)
    exchange.options["defaultType"] = "spot"
    low = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.01, 28000)
    high = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.01, 29000)
    market = exchange.create_order(CCXT_SYMBOL, "market", "buy", 0.001)
    orders = exchange.fetch_orders(CCXT_SYMBOL)  # GET /api/v3/allOrders
    assert [(o["id"], o["status"]) for o in orders] == [
        (low["id"], "open"), (high["id"], "open"), (market["id"], "closed")]
    closed = exchange.fetch_closed_orders(CCXT_SYMBOL)
    assert [o["id"] for o in closed] == [market["id"]] and closed[0]["filled"] == 0.001
    cancelled = exchange.cancel_all_orders(CCXT_SYMBOL)  # DELETE /api/v3/openOrders
    assert sorted(o["id"] for o in cancelled) == sorted([low["id"], high["id"]])
    assert {o["status"] for o in cancelled} == {"canceled"}
    assert exchange.fetch_open_orders(CCXT_SYMBOL) == []
    assert exchange.fetch_balance()["USDT"]["used"] == 0.0


def test_ccxt_spot_edit_order_and_trading_fee(fake_exchange_live: FakeExchange) -> None:
    ccxt = pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
    exchange: Any = make_ccxt(fake_exchange_live)
    exchange.options["defaultType"] = "spot"
    order = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.01, 29000)
    # editOrder on a spot market is POST /api/v3/order/cancelReplace (STOP_ON_FAILURE).
    edited = exchange.edit_order(order["id"], CCXT_SYMBOL, "limit", "buy", 0.02, 28500)
    assert edited["id"] != order["id"] and edited["status"] == "open"
    assert (edited["price"], edited["amount"]) == (28500.0, 0.02)
    assert exchange.fetch_order(order["id"], CCXT_SYMBOL)["status"] == "canceled"
    assert [o["id"] for o in exchange.fetch_open_orders(CCXT_SYMBOL)] == [edited["id"]]
    assert exchange.fetch_balance()["USDT"]["used"] == 570.0  # 0.02 x 28500 locked, the old lock released
    # Editing the cancelled order again: the cancel fails, so no new order is tried (-2022). ccxt
    # picks its spot error table by host name (api.binance.com), so here it raises the base class.
    with pytest.raises(ccxt.ExchangeError, match='"newOrderResult":"NOT_ATTEMPTED"'):
        exchange.edit_order(order["id"], CCXT_SYMBOL, "limit", "buy", 0.01, 28000)
    assert [o["id"] for o in exchange.fetch_open_orders(CCXT_SYMBOL)] == [edited["id"]]
    fee = exchange.fetch_trading_fee(CCXT_SYMBOL)  # GET /sapi/v1/asset/tradeFee?symbol=BTCUSDT
    assert (fee["symbol"], fee["maker"], fee["taker"]) == (CCXT_SYMBOL, 0.001, 0.001)
    fees = exchange.fetch_trading_fees()  # the same, every symbol
    assert fees[CCXT_SYMBOL]["taker"] == 0.001


def test_python_binance_spot_test_order_and_cancel_replace(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    from binance.exceptions import BinanceAPIException

    client = make_python_binance(fake_exchange_live)
    assert client.create_test_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01",
                                    price="29000") == {}
    rates = client.create_test_order(symbol=SYMBOL, side="BUY", type="MARKET", quantity="0.001",
                                     computeCommissionRates="true")
    assert rates["standardCommissionForOrder"] == {"maker": "0.00100000", "taker": "0.00100000"}
    assert client.get_open_orders(symbol=SYMBOL) == []  # a test order never reaches the book
    placed = client.create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01",
                                 price="29000", newClientOrderId="pb-old")
    replaced = client.cancel_replace_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC",
                                           quantity="0.02", price="28500", cancelReplaceMode="STOP_ON_FAILURE",
                                           cancelOrderId=placed["orderId"], newClientOrderId="pb-new")
    assert (replaced["cancelResult"], replaced["newOrderResult"]) == ("SUCCESS", "SUCCESS")
    assert replaced["cancelResponse"]["orderId"] == placed["orderId"]
    assert replaced["cancelResponse"]["status"] == "CANCELED"
    new = replaced["newOrderResponse"]
    assert (new["clientOrderId"], new["status"], new["origQty"]) == ("pb-new", "NEW", "0.02000000")
    assert [o["orderId"] for o in client.get_open_orders(symbol=SYMBOL)] == [new["orderId"]]
    balances = {b["asset"]: b for b in client.get_account()["balances"]}
    assert balances["USDT"]["locked"] == "570.00000000"
    with pytest.raises(BinanceAPIException) as caught:  # the old order is gone: nothing is placed
        client.cancel_replace_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.01",
                                    price="28000", cancelReplaceMode="STOP_ON_FAILURE",
                                    cancelOrderId=placed["orderId"])
    assert caught.value.code == -2022
    assert [o["orderId"] for o in client.get_open_orders(symbol=SYMBOL)] == [new["orderId"]]
    commission = client.v3_get_account_commission(symbol=SYMBOL)  # GET /api/v3/account/commission
    assert commission["symbol"] == SYMBOL and commission["standardCommission"]["taker"] == "0.00100000"


def test_python_binance_spot_order_list_queries(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    client = make_python_binance(fake_exchange_live)
    first = client.order_oco_sell(symbol=SYMBOL, quantity="0.01", aboveType="LIMIT_MAKER", abovePrice="31000",
                                  belowType="STOP_LOSS", belowStopPrice="29000", listClientOrderId="pb-list-1")
    second = client.order_oco_sell(symbol=SYMBOL, quantity="0.01", aboveType="LIMIT_MAKER", abovePrice="32000",
                                   belowType="STOP_LOSS", belowStopPrice="28000")
    open_lists = client.get_open_oco_orders()  # GET /api/v3/openOrderList
    assert [o["orderListId"] for o in open_lists] == [first["orderListId"], second["orderListId"]]
    # The rest have no named method in python-binance; its generated v3_* methods call them.
    one = client.v3_get_order_list(origClientOrderId="pb-list-1")  # GET /api/v3/orderList
    assert one["orderListId"] == first["orderListId"] and one["listOrderStatus"] == "EXECUTING"
    assert {o["orderId"] for o in one["orders"]} == {r["orderId"] for r in first["orderReports"]}
    gone = client.v3_delete_order_list(symbol=SYMBOL, orderListId=second["orderListId"])  # DELETE /api/v3/orderList
    assert gone["listOrderStatus"] == "ALL_DONE"
    assert {r["status"] for r in gone["orderReports"]} == {"CANCELED"}
    every = client.v3_get_all_order_list()  # GET /api/v3/allOrderList
    assert {o["orderListId"]: o["listOrderStatus"] for o in every} == {
        first["orderListId"]: "EXECUTING", second["orderListId"]: "ALL_DONE"}
    assert [o["orderListId"] for o in client.get_open_oco_orders()] == [first["orderListId"]]
    balances = {b["asset"]: b for b in client.get_account()["balances"]}
    assert balances["BTC"]["locked"] == "0.01000000"


def test_ccxt_spot_order_types_from_unified_params(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("ccxt", reason="ccxt is in the optional 'compat' extra")
    exchange: Any = make_ccxt(fake_exchange_live)
    exchange.options["defaultType"] = "spot"
    stop = exchange.create_order(CCXT_SYMBOL, "limit", "sell", 0.01, 28900, {"triggerPrice": 29000})
    assert (stop["info"]["type"], stop["triggerPrice"], stop["status"]) == ("STOP_LOSS_LIMIT", 29000.0, "open")
    maker = exchange.create_order(CCXT_SYMBOL, "limit", "sell", 0.01, 31000, {"postOnly": True})
    assert maker["info"]["type"] == "LIMIT_MAKER" and maker["postOnly"] is True
    ioc = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.001, 30100, {"timeInForce": "IOC"})
    assert (ioc["status"], ioc["filled"], ioc["average"]) == ("closed", 0.001, 30000.0)  # filled at the market
    fok = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.001, 29100, {"timeInForce": "FOK"})
    assert (fok["status"], fok["filled"]) == ("expired", 0.0)  # nothing to take at 29100
    by_cost = exchange.create_market_buy_order_with_cost(CCXT_SYMBOL, 50)  # quoteOrderQty=50
    assert (by_cost["status"], by_cost["amount"], by_cost["cost"]) == ("closed", 0.00166, 49.8)
    named = exchange.create_order(CCXT_SYMBOL, "limit", "buy", 0.001, 28000, {"clientOrderId": "cc-1"})
    assert exchange.fetch_order(None, CCXT_SYMBOL, {"origClientOrderId": "cc-1"})["id"] == named["id"]
    assert exchange.cancel_order(None, CCXT_SYMBOL, {"origClientOrderId": "cc-1"})["status"] == "canceled"
    assert [o["id"] for o in exchange.fetch_canceled_orders(CCXT_SYMBOL)] == [named["id"]]
    assert sorted(o["id"] for o in exchange.fetch_open_orders(CCXT_SYMBOL)) == sorted([stop["id"], maker["id"]])


def test_python_binance_spot_lookups_by_client_id_and_order_count(fake_exchange_live: FakeExchange) -> None:
    pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
    client = make_python_binance(fake_exchange_live)
    ack = client.create_order(symbol=SYMBOL, side="BUY", type="LIMIT", timeInForce="GTC", quantity="0.001",
                              price="28000", newOrderRespType="ACK", newClientOrderId="pb-ack")
    assert set(ack) == {"symbol", "orderId", "orderListId", "clientOrderId", "transactTime"}
    assert client.get_order(symbol=SYMBOL, origClientOrderId="pb-ack")["orderId"] == ack["orderId"]
    client.order_market_buy(symbol=SYMBOL, quoteOrderQty="30")  # trades on arrival: not counted
    counts = {row["interval"]: row for row in client.get_current_order_count()}  # GET /api/v3/rateLimit/order
    assert counts["SECOND"]["count"] == counts["DAY"]["count"] == 1
    cancelled = client.cancel_order(symbol=SYMBOL, origClientOrderId="pb-ack")
    assert (cancelled["origClientOrderId"], cancelled["status"]) == ("pb-ack", "CANCELED")
    assert client.get_asset_balance(asset="USDT") == {"asset": "USDT", "free": "9970.00000000",
                                                      "locked": "0.00000000"}
