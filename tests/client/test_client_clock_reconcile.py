"""Clock synchronisation and reconciliation after an unknown outcome."""

from __future__ import annotations

import pytest
import requests
from margin_client import (
    Clock,
    ExecutionStatusUnknownError,
    InvalidSignatureError,
    Order,
    OrderList,
    reconcile_after,
    reconcile_order,
    reconcile_order_list,
)

LIST = {"orderListId": 9, "contingencyType": "OCO", "listStatusType": "EXEC_STARTED",
        "listOrderStatus": "EXECUTING", "listClientOrderId": "cid1", "transactionTime": 1,
        "symbol": "BTCUSDT", "isIsolated": True,
        "orders": [{"symbol": "BTCUSDT", "orderId": 1, "clientOrderId": "a"},
                   {"symbol": "BTCUSDT", "orderId": 2, "clientOrderId": "b"}]}
ORDER = {"symbol": "BTCUSDT", "orderId": 3, "clientOrderId": "cid1", "price": "1", "origQty": "1",
         "executedQty": "0", "cummulativeQuoteQty": "0", "status": "NEW", "timeInForce": "GTC",
         "type": "LIMIT", "side": "BUY", "isWorking": True, "time": 1, "updateTime": 1}
NOT_FOUND = (400, {"code": -2013, "msg": "Order list does not exist."})


def test_sync_time_uses_the_request_midpoint(make_client, adapter, fake_time) -> None:
    def slow_server():
        fake_time.now_ms += 100  # the round trip takes 100 ms of local time
    adapter.on_send = slow_server
    adapter.reply(200, {"serverTime": fake_time.now_ms + 5_000})
    client = make_client()
    sent_at = fake_time.now_ms
    assert client.sync_time() == 5_000 - 50
    assert client.clock.now_ms() == sent_at + 100 + 4_950


def test_signed_requests_use_the_corrected_clock(make_client, adapter, fake_time) -> None:
    client = make_client(clock=Clock(fake_time, offset_ms=-1234))
    adapter.reply(200, [])
    client.get_open_orders()
    assert adapter.sent[0].query_params["timestamp"] == str(fake_time.now_ms - 1234)


def _place_and_lose(client, adapter) -> ExecutionStatusUnknownError:
    adapter.reply(504, "<html>Gateway Timeout</html>")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(symbol="BTCUSDT", side="SELL", quantity="1", price="2", stop_price="1",
                         is_isolated=True)
    return info.value


def test_reconcile_finds_a_list_that_was_placed(client, adapter) -> None:
    error = _place_and_lose(client, adapter)
    adapter.reply(200, LIST)
    found = reconcile_after(client, error)
    assert isinstance(found, OrderList) and found.order_list_id == 9
    lookup = adapter.sent[1]
    assert (lookup.method, lookup.path) == ("GET", "/sapi/v1/margin/orderList")
    assert lookup.query_params["origClientOrderId"] == "cid1"
    assert lookup.query_params["symbol"] == "BTCUSDT"
    assert lookup.query_params["isIsolated"] == "TRUE"


def test_reconcile_returns_none_when_the_list_does_not_exist(client, adapter) -> None:
    error = _place_and_lose(client, adapter)
    adapter.reply(*NOT_FOUND)
    assert reconcile_after(client, error) is None


@pytest.mark.parametrize("code", [-2013, -2011])
def test_reconcile_order_list_by_client_id(client, adapter, code: int) -> None:
    adapter.reply(400, {"code": code, "msg": "Unknown"})
    assert reconcile_order_list(client, list_client_order_id="x", symbol="BTCUSDT") is None
    params = adapter.sent[0].query_params
    assert params["origClientOrderId"] == "x"
    assert "symbol" not in params  # "not supported" for cross margin lookups


def test_reconcile_does_not_swallow_other_errors(client, adapter) -> None:
    adapter.reply(400, {"code": -1022, "msg": "Signature for this request is not valid."})
    with pytest.raises(InvalidSignatureError) as info:
        reconcile_order_list(client, list_client_order_id="x")
    assert info.value.code == -1022


def test_reconcile_single_order_after_lost_placement(client, adapter) -> None:
    adapter.fail(requests.ReadTimeout("slow"))
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_order(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="1", price="1",
                           time_in_force="GTC")
    adapter.reply(200, ORDER)
    found = reconcile_after(client, info.value)
    assert isinstance(found, Order) and found.client_order_id == "cid1"
    assert adapter.sent[1].query_params["origClientOrderId"] == "cid1"


def test_reconcile_order_returns_none_when_unknown(client, adapter) -> None:
    adapter.reply(400, {"code": -2013, "msg": "Order does not exist."})
    assert reconcile_order(client, symbol="BTCUSDT", client_order_id="nope") is None


def test_reconcile_after_a_lost_list_cancel(client, adapter) -> None:
    adapter.reply(500, "")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.cancel_order_list(symbol="BTCUSDT", order_list_id=9)
    adapter.reply(200, {**LIST, "listStatusType": "ALL_DONE", "listOrderStatus": "ALL_DONE"})
    found = reconcile_after(client, info.value)
    assert found.is_done  # type: ignore[union-attr]
    assert adapter.sent[1].query_params["orderListId"] == "9"


def test_reconcile_needs_a_client_id(make_client, adapter) -> None:
    client = make_client(client_id_factory=None)
    adapter.reply(503, "")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(symbol="BTCUSDT", side="SELL", quantity="1", price="2", stop_price="1")
    with pytest.raises(ValueError):
        reconcile_after(client, info.value)
