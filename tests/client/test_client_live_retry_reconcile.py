"""Retries of reads only, and reconciliation after an unknown outcome, against a live fake.

The server journal is the witness of what was really sent: `journal_count(path=...)`.
"""

from __future__ import annotations

from typing import Any

import pytest
from margin_client import (
    ExecutionStatusUnknownError,
    HmacSigner,
    IpBannedError,
    MarginClient,
    NoSuchOrderError,
    Order,
    OrderList,
    RetryPolicy,
    ServerError,
    TransportError,
    reconcile_after,
    reconcile_order,
    reconcile_order_list,
)

from tests.client.live_support import (  # noqa: F401
    START_MS,
    ExchangeSleep,
    LiveExchange,
    free_port_url,
    live,
)

SYMBOL = "BTCUSDT"
ACCOUNT_PATH = "/sapi/v1/margin/account"
ORDER_PATH = "/sapi/v1/margin/order"
OCO_PATH = "/sapi/v1/margin/order/oco"
ORDER = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": "0.001", "price": "29000",
         "time_in_force": "GTC"}
OCO = {"symbol": SYMBOL, "side": "SELL", "quantity": "0.001", "price": "31000", "stop_price": "29000",
       "stop_limit_price": "28900", "stop_limit_time_in_force": "GTC"}


def _retrying(live: LiveExchange, **options: Any) -> tuple[MarginClient, ExchangeSleep]:
    """A client retrying reads; its sleep is recorded and moves the exchange clock."""
    sleep = live.sleep()
    return live.client(retry=RetryPolicy(sleep=sleep, **options)), sleep


# -- retries: GETs only -------------------------------------------------------------------


def test_a_read_is_retried_after_a_503(live: LiveExchange) -> None:
    client, sleep = _retrying(live)
    live.control.inject_fault(ACCOUNT_PATH, "unavailable_503", count=1)
    assert client.get_account().trade_enabled is True
    assert sleep.calls == [0.5]
    assert live.control.journal_count(path=ACCOUNT_PATH) == 2
    assert live.control.journal_count(path=ACCOUNT_PATH, status=503) == 1
    stamps = [e["params"]["timestamp"] for e in live.control.journal(path=ACCOUNT_PATH)]
    assert stamps == [str(START_MS), str(START_MS + 500)]  # re-signed with a fresh timestamp


def test_retries_back_off_and_are_bounded(live: LiveExchange) -> None:
    client, sleep = _retrying(live, max_attempts=3)
    live.control.inject_fault(ACCOUNT_PATH, "http_500", count=5)
    with pytest.raises(ServerError):
        client.get_account()
    assert sleep.calls == [0.5, 1.0]
    assert live.control.journal_count(path=ACCOUNT_PATH) == 3


def test_a_read_is_retried_after_a_429_and_a_dropped_connection(live: LiveExchange) -> None:
    client, sleep = _retrying(live, max_attempts=3)
    live.control.inject_fault(ACCOUNT_PATH, "rate_limit_429", count=1, retry_after_s=3)
    live.control.inject_fault(ACCOUNT_PATH, "drop_connection", count=1)
    assert client.get_account().trade_enabled is True
    assert sleep.calls == [3.0, 1.0]  # Retry-After, then backoff for attempt 2
    assert live.control.journal_count(path=ACCOUNT_PATH) == 3


def test_no_retry_for_a_ban_or_a_client_error(live: LiveExchange) -> None:
    client, sleep = _retrying(live)
    live.control.inject_fault(ACCOUNT_PATH, "ban_418", count=1)
    with pytest.raises(IpBannedError):
        client.get_account()
    with pytest.raises(NoSuchOrderError):
        client.get_order(symbol=SYMBOL, order_id=42)
    assert sleep.calls == []
    assert live.control.journal_count() == 2


def test_a_read_to_a_closed_port_is_retried_then_raised() -> None:
    sleep = ExchangeSleep(None)
    with (
        MarginClient(free_port_url(), "key", HmacSigner("secret"), retry=RetryPolicy(sleep=sleep)) as client,
        pytest.raises(TransportError),
    ):
        client.get_server_time()
    assert sleep.calls == [0.5, 1.0]


@pytest.mark.parametrize("kind", ["http_500", "unavailable_503"])
def test_a_placement_is_never_retried(live: LiveExchange, kind: str) -> None:
    client, sleep = _retrying(live, max_attempts=5)
    live.control.inject_fault(ORDER_PATH, kind, count=1, method="POST")
    with pytest.raises(ExecutionStatusUnknownError):
        client.place_order(**ORDER)
    assert sleep.calls == []
    assert live.control.journal_count(path=ORDER_PATH, method="POST") == 1
    assert live.control.journal_count(path=ORDER_PATH, method="POST", status=200) == 0


def test_a_cancel_is_never_retried(live: LiveExchange) -> None:
    client, sleep = _retrying(live, max_attempts=5)
    order = client.place_order(**ORDER)
    live.control.inject_fault(ORDER_PATH, "http_500", count=1, method="DELETE")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.cancel_order(symbol=SYMBOL, order_id=order.order_id)
    assert sleep.calls == []
    assert live.control.journal_count(path=ORDER_PATH, method="DELETE") == 1
    # The fault answered instead of the exchange: the order is still there.
    found = reconcile_after(client, info.value)
    assert isinstance(found, Order) and found.status == "NEW"


# -- reconciliation -----------------------------------------------------------------------


def test_reconcile_finds_an_oco_placed_behind_a_5xx(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault(OCO_PATH, "unknown_placed", count=1)
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(**OCO)
    assert (info.value.http_status, info.value.code) == (503, -1007)
    sent_id = info.value.request.params["listClientOrderId"]

    found = reconcile_after(client, info.value)
    assert isinstance(found, OrderList)
    assert (found.list_client_order_id, found.contingency_type, found.list_order_status) == (
        sent_id, "OCO", "EXECUTING")
    assert [o.order_list_id for o in client.get_open_order_lists()] == [found.order_list_id]
    assert live.control.journal(path=OCO_PATH)[0]["fault"]["view_status"] == 200
    # The same lookup by hand.
    by_hand = reconcile_order_list(client, list_client_order_id=sent_id)
    assert by_hand is not None and by_hand.order_list_id == found.order_list_id


def test_reconcile_says_none_when_the_oco_was_not_placed(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault(OCO_PATH, "unknown_not_placed", count=1)
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(**OCO)
    assert (info.value.http_status, info.value.code) == (503, -1007)
    assert reconcile_after(client, info.value) is None
    assert client.get_open_order_lists() == []
    # Placing again with the same listClientOrderId now is safe.
    again = client.place_oco(**OCO, list_client_order_id=info.value.request.params["listClientOrderId"])
    assert again.list_order_status == "EXECUTING"


def test_reconcile_an_isolated_oco_and_the_other_lists(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault("/sapi/v1/margin/order/*", "unknown_placed", method="POST")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(**OCO, is_isolated=True)
    isolated = reconcile_after(client, info.value)
    assert isinstance(isolated, OrderList) and isolated.is_isolated is True
    assert live.control.journal(path="/sapi/v1/margin/orderList")[-1]["params"]["symbol"] == SYMBOL

    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oto(symbol=SYMBOL, working_type="LIMIT", working_side="BUY", working_price="29000",
                         working_quantity="0.001", working_time_in_force="GTC", pending_type="LIMIT_MAKER",
                         pending_side="SELL", pending_price="32000", pending_quantity="0.001")
    oto = reconcile_after(client, info.value)
    assert isinstance(oto, OrderList) and oto.contingency_type == "OTO" and len(oto.orders) == 2

    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_otoco(symbol=SYMBOL, working_type="LIMIT", working_side="BUY", working_price="29000",
                           working_quantity="0.001", working_time_in_force="GTC", pending_side="SELL",
                           pending_quantity="0.001", pending_above_type="LIMIT_MAKER", pending_above_price="32000",
                           pending_below_type="STOP_LOSS", pending_below_stop_price="28000")
    otoco = reconcile_after(client, info.value)
    assert isinstance(otoco, OrderList) and len(otoco.orders) == 3


def test_reconcile_single_orders_and_cancels(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault(ORDER_PATH, "unknown_placed", count=1, method="POST")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_order(**ORDER)
    placed = reconcile_after(client, info.value)
    assert isinstance(placed, Order) and placed.status == "NEW"
    assert placed.client_order_id == info.value.request.params["newClientOrderId"]

    live.control.inject_fault(ORDER_PATH, "unknown_not_placed", count=1, method="POST")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_order(**ORDER)
    assert reconcile_after(client, info.value) is None
    assert reconcile_order(client, symbol=SYMBOL, client_order_id=info.value.request.params["newClientOrderId"]) is None

    # A cancel that did happen behind the 5xx.
    live.control.inject_fault(ORDER_PATH, "unknown_placed", count=1, method="DELETE")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.cancel_order(symbol=SYMBOL, orig_client_order_id=placed.client_order_id)
    cancelled = reconcile_after(client, info.value)
    assert isinstance(cancelled, Order) and cancelled.status == "CANCELED"

    oco = client.place_oco(**OCO)
    live.control.inject_fault("/sapi/v1/margin/orderList", "unknown_placed", count=1, method="DELETE")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.cancel_order_list(symbol=SYMBOL, order_list_id=oco.order_list_id)
    done = reconcile_after(client, info.value)
    assert isinstance(done, OrderList) and done.is_done


@pytest.mark.parametrize("kind", ["drop_connection", "timeout"])
def test_reconcile_after_no_answer_at_all(live: LiveExchange, kind: str) -> None:
    client = live.client(timeout=0.25)
    options = {"placed": True} if kind == "drop_connection" else {"placed": True, "delay_ms": 10_000}
    live.control.inject_fault(OCO_PATH, kind, count=1, **options)
    try:
        with pytest.raises(ExecutionStatusUnknownError) as info:
            client.place_oco(**OCO)
    finally:
        live.control.clear_faults()
    assert info.value.http_status is None
    found = reconcile_after(client, info.value)
    assert isinstance(found, OrderList) and found.list_order_status == "EXECUTING"


def test_without_client_ids_there_is_nothing_to_reconcile(live: LiveExchange) -> None:
    client = live.client(client_id_factory=None)
    live.control.inject_fault(OCO_PATH, "unknown_placed", count=1)
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(**OCO)
    assert "listClientOrderId" not in info.value.request.params
    with pytest.raises(ValueError, match="no client id"):
        reconcile_after(client, info.value)
