"""What the client puts on the wire: paths, parameter names and formats, local validation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from margin_client import MissingParameterError, OrderType, Side, SideEffectType, TimeInForce
from margin_client.wire import format_decimal

LIST = {"orderListId": 1, "contingencyType": "OCO", "listStatusType": "EXEC_STARTED",
        "listOrderStatus": "EXECUTING", "listClientOrderId": "L", "transactionTime": 1,
        "symbol": "BTCUSDT", "isIsolated": False, "orders": [], "orderReports": []}
ORDER = {"symbol": "BTCUSDT", "orderId": 7, "clientOrderId": "c", "price": "1", "origQty": "1",
         "executedQty": "0", "cummulativeQuoteQty": "0", "status": "NEW", "timeInForce": "GTC",
         "type": "LIMIT", "side": "BUY"}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Decimal("1E-7"), "0.0000001"),
        (Decimal("0E-8"), "0.00000000"),
        (Decimal("1E+2"), "100"),
        (Decimal("0.10"), "0.10"),
        ("8e-7", "0.0000008"),
        (5, "5"),
        (" 42.5 ", "42.5"),
    ],
)
def test_decimals_are_never_in_exponent_notation(value: object, expected: str) -> None:
    assert format_decimal(value) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0.1, True])
def test_floats_and_bools_are_refused_as_decimals(bad: object) -> None:
    with pytest.raises(TypeError):
        format_decimal(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", ["abc", "NaN", "Infinity"])
def test_non_numbers_are_refused_as_decimals(bad: str) -> None:
    with pytest.raises(ValueError):
        format_decimal(bad)


def test_oco_wire_parameters(make_client, adapter, fake_time) -> None:
    client = make_client(recv_window=5000)
    adapter.reply(body=LIST)
    client.place_oco(
        symbol="BTCUSDT", side=Side.SELL, quantity=Decimal("0.00100000"), price=Decimal("70000"),
        stop_price=Decimal("6E+4"), stop_limit_price="59990", stop_limit_time_in_force=TimeInForce.GTC,
        is_isolated=True, side_effect_type=SideEffectType.AUTO_REPAY, auto_repay_at_cancel=False,
    )
    sent = adapter.sent[0]
    assert (sent.method, sent.path, sent.body) == ("POST", "/sapi/v1/margin/order/oco", "")
    params = sent.query_params
    assert list(params) == [
        "symbol", "isIsolated", "listClientOrderId", "side", "quantity", "price", "stopPrice",
        "stopLimitPrice", "stopLimitTimeInForce", "sideEffectType", "autoRepayAtCancel",
        "recvWindow", "timestamp", "signature",
    ]
    assert params["isIsolated"] == "TRUE"
    assert params["autoRepayAtCancel"] == "false"
    assert params["quantity"] == "0.00100000"
    assert params["stopPrice"] == "60000"
    assert params["listClientOrderId"] == "cid1"
    assert params["timestamp"] == str(fake_time.now_ms)
    assert params["recvWindow"] == "5000"


def test_caller_ids_win_over_generated_ones(client, adapter) -> None:
    adapter.reply(body=ORDER)
    client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quote_order_qty="10",
                       new_client_order_id="mine")
    assert adapter.sent[0].query_params["newClientOrderId"] == "mine"


def test_id_generation_can_be_disabled(make_client, adapter) -> None:
    client = make_client(client_id_factory=None)
    adapter.reply(body=LIST)
    client.place_oco(symbol="BTCUSDT", side="BUY", quantity="1", price="1", stop_price="2")
    assert "listClientOrderId" not in adapter.sent[0].query_params


def test_generated_ids_are_valid_binance_client_ids(make_client, adapter) -> None:
    import re

    from margin_client import random_client_id

    client = make_client(client_id_factory=random_client_id)
    adapter.reply(body=LIST)
    client.place_oto(symbol="BTCUSDT", working_type="LIMIT_MAKER", working_side="BUY",
                     working_price="1", working_quantity="1", pending_type="MARKET",
                     pending_side="SELL", pending_quantity="1")
    generated = adapter.sent[0].query_params["listClientOrderId"]
    assert re.fullmatch(r"[\.A-Z\:/a-z0-9_-]{1,36}", generated)


@pytest.mark.parametrize(
    ("call", "missing"),
    [
        (lambda c: c.place_oco(symbol="BTCUSDT", side="BUY", quantity="1", price="1", stop_price=None), "stop_price"),
        (lambda c: c.place_oco(symbol="BTCUSDT", side="BUY", quantity="1", price="1", stop_price="2",
                               stop_limit_price="3"), "stop_limit_time_in_force"),
        (lambda c: c.place_order(symbol="BTCUSDT", side="BUY", type=OrderType.LIMIT, quantity="1",
                                 price="1"), "time_in_force"),
        (lambda c: c.place_order(symbol="BTCUSDT", side="BUY", type="MARKET"), "quantity or quote_order_qty"),
        (lambda c: c.place_order(symbol="BTCUSDT", side="BUY", type="STOP_LOSS", quantity="1"),
         "stop_price or trailing_delta"),
        (lambda c: c.place_oto(symbol="BTCUSDT", working_type="LIMIT", working_side="BUY", working_price="1",
                               working_quantity="1", pending_type="MARKET", pending_side="SELL",
                               pending_quantity="1"), "working_time_in_force"),
        (lambda c: c.place_oto(symbol="BTCUSDT", working_type="LIMIT_MAKER", working_side="BUY",
                               working_price="1", working_quantity="1", pending_type="LIMIT",
                               pending_side="SELL", pending_quantity="1", pending_time_in_force="GTC"),
         "pending_price"),
        (lambda c: c.place_otoco(symbol="BTCUSDT", working_type="LIMIT_MAKER", working_side="BUY",
                                 working_price="1", working_quantity="1", pending_side="SELL",
                                 pending_quantity="1", pending_above_type="LIMIT_MAKER",
                                 pending_above_price="2", pending_below_type="STOP_LOSS"),
         "pending_below_stop_price or pending_below_trailing_delta"),
        (lambda c: c.cancel_order(symbol="BTCUSDT"), "order_id or orig_client_order_id"),
        (lambda c: c.cancel_order_list(symbol="BTCUSDT"), "order_list_id or list_client_order_id"),
        (lambda c: c.get_order_list(list_client_order_id="x", is_isolated=True), "symbol"),
        (lambda c: c.get_max_borrowable(asset=""), "asset"),
        (lambda c: c.borrow_repay(asset="BTC", amount="1", type=None), "type"),
    ],
)
def test_missing_mandatory_parameters_fail_before_sending(client, adapter, call, missing: str) -> None:
    with pytest.raises(MissingParameterError) as info:
        call(client)
    assert info.value.parameter == missing
    assert isinstance(info.value, ValueError)
    assert adapter.sent == []


def test_missing_parameter_names_the_wire_name(client) -> None:
    with pytest.raises(MissingParameterError) as info:
        client.place_oco(symbol="BTCUSDT", side="BUY", quantity="1", price="1", stop_price=None)
    assert info.value.wire_name == "stopPrice"
    assert "stop_price" in str(info.value)


def test_get_order_list_sends_list_id_as_orig_client_order_id(client, adapter) -> None:
    adapter.reply(body=LIST)
    client.get_order_list(list_client_order_id="L1")
    assert adapter.sent[0].query_params["origClientOrderId"] == "L1"
    assert "symbol" not in adapter.sent[0].query_params


def test_body_placement_for_delete(make_client, adapter) -> None:
    client = make_client(param_placement="body")
    adapter.reply(body=LIST)
    client.cancel_order_list(symbol="BTCUSDT", order_list_id=1)
    sent = adapter.sent[0]
    assert sent.query == ""
    assert sent.body.startswith("symbol=BTCUSDT&orderListId=1&timestamp=")
    assert sent.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_public_endpoints_send_no_key_timestamp_or_signature(client, adapter) -> None:
    adapter.reply(body={"symbol": "BTCUSDT", "price": "1"})
    client.get_ticker_price(symbol="BTCUSDT")
    sent = adapter.sent[0]
    assert sent.query == "symbol=BTCUSDT"
    assert "X-MBX-APIKEY" not in sent.headers


def test_exchange_info_symbols_are_a_json_array(client, adapter) -> None:
    adapter.reply(body={"symbols": []})
    client.get_exchange_info(symbols=["BTCUSDT", "ETHUSDT"])
    assert adapter.sent[0].query_params == {"symbols": '["BTCUSDT","ETHUSDT"]'}


def test_listen_token_is_key_only_by_default(client, adapter) -> None:
    adapter.reply(body={"token": "t", "expirationTime": 5})
    client.create_listen_token(is_isolated=True, symbol="BTCUSDT")
    sent = adapter.sent[0]
    assert sent.query_params == {"symbol": "BTCUSDT", "isIsolated": "true"}
    assert sent.headers["X-MBX-APIKEY"]


def test_listen_token_can_be_signed_like_python_binance(client, adapter) -> None:
    adapter.reply(body={"token": "t", "expirationTime": 5})
    client.create_listen_token(signed=True)
    assert list(adapter.sent[0].query_params) == ["timestamp", "signature"]


def test_raw_call_reaches_any_endpoint(client, adapter) -> None:
    adapter.reply(body={"ok": True})
    assert client.call("GET", "/sapi/v1/margin/whatever", {"a": 1}) == {"ok": True}
    assert adapter.sent[0].query_params["a"] == "1"
    assert "signature" in adapter.sent[0].query_params


_EMPTY_LIST_BODY: list = []

ENDPOINT_CASES = [
    ("place_oco", dict(symbol="S", side="BUY", quantity="1", price="1", stop_price="2"),
     "POST", "/sapi/v1/margin/order/oco", LIST),
    ("place_oto", dict(symbol="S", working_type="LIMIT_MAKER", working_side="BUY", working_price="1",
                       working_quantity="1", pending_type="MARKET", pending_side="SELL", pending_quantity="1"),
     "POST", "/sapi/v1/margin/order/oto", LIST),
    ("place_otoco", dict(symbol="S", working_type="LIMIT_MAKER", working_side="BUY", working_price="1",
                         working_quantity="1", pending_side="SELL", pending_quantity="1",
                         pending_above_type="LIMIT_MAKER", pending_above_price="3",
                         pending_below_type="STOP_LOSS", pending_below_stop_price="0.5"),
     "POST", "/sapi/v1/margin/order/otoco", LIST),
    ("cancel_order_list", dict(symbol="S", list_client_order_id="L"), "DELETE", "/sapi/v1/margin/orderList", LIST),
    ("get_order_list", dict(order_list_id=1), "GET", "/sapi/v1/margin/orderList", LIST),
    ("get_all_order_lists", dict(), "GET", "/sapi/v1/margin/allOrderList", [LIST]),
    ("get_open_order_lists", dict(), "GET", "/sapi/v1/margin/openOrderList", [LIST]),
    ("place_order", dict(symbol="S", side="BUY", type="LIMIT", quantity="1", price="1", time_in_force="GTC"),
     "POST", "/sapi/v1/margin/order", ORDER),
    ("cancel_order", dict(symbol="S", order_id=7), "DELETE", "/sapi/v1/margin/order", ORDER),
    ("get_order", dict(symbol="S", orig_client_order_id="c"), "GET", "/sapi/v1/margin/order", ORDER),
    ("cancel_open_orders", dict(symbol="S"), "DELETE", "/sapi/v1/margin/openOrders", [ORDER, LIST]),
    ("get_open_orders", dict(), "GET", "/sapi/v1/margin/openOrders", [ORDER]),
    ("get_all_orders", dict(symbol="S"), "GET", "/sapi/v1/margin/allOrders", [ORDER]),
    ("get_my_trades", dict(symbol="S"), "GET", "/sapi/v1/margin/myTrades", _EMPTY_LIST_BODY),
    ("get_order_rate_limit", dict(), "GET", "/sapi/v1/margin/rateLimit/order", _EMPTY_LIST_BODY),
    ("get_account", dict(), "GET", "/sapi/v1/margin/account", {"userAssets": []}),
    ("get_isolated_account", dict(symbols=["S"]), "GET", "/sapi/v1/margin/isolated/account", {"assets": []}),
    ("borrow", dict(asset="BTC", amount="1"), "POST", "/sapi/v1/margin/borrow-repay", {"tranId": 1}),
    ("repay", dict(asset="BTC", amount="1"), "POST", "/sapi/v1/margin/borrow-repay", {"tranId": 1}),
    ("get_borrow_repay_history", dict(type="BORROW"), "GET", "/sapi/v1/margin/borrow-repay", {"rows": [], "total": 0}),
    ("get_max_borrowable", dict(asset="BTC"), "GET", "/sapi/v1/margin/maxBorrowable", {"amount": "1"}),
    ("create_listen_token", dict(), "POST", "/sapi/v1/userListenToken", {"token": "t", "expirationTime": 1}),
    ("ping", dict(), "GET", "/api/v3/ping", {}),
    ("get_server_time", dict(), "GET", "/api/v3/time", {"serverTime": 1}),
    ("get_exchange_info", dict(), "GET", "/api/v3/exchangeInfo", {"symbols": []}),
    ("get_ticker_price", dict(symbol="S"), "GET", "/api/v3/ticker/price", {"symbol": "S", "price": "1"}),
    ("get_ticker_prices", dict(), "GET", "/api/v3/ticker/price", [{"symbol": "S", "price": "1"}]),
    ("get_avg_price", dict(symbol="S"), "GET", "/api/v3/avgPrice", {"mins": 5, "price": "1", "closeTime": 1}),
    ("get_system_status", dict(), "GET", "/sapi/v1/system/status", {"status": 0, "msg": "normal"}),
]


@pytest.mark.parametrize(("method", "kwargs", "http_method", "path", "body"), ENDPOINT_CASES,
                         ids=[case[0] for case in ENDPOINT_CASES])
def test_each_method_hits_its_endpoint(client, adapter, method, kwargs, http_method, path, body) -> None:
    adapter.reply(body=body)
    getattr(client, method)(**kwargs)
    assert (adapter.sent[0].method, adapter.sent[0].path) == (http_method, path)
