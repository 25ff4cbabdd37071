"""python-binance (``binance.client.Client``), unmodified, against a live fake exchange."""

from __future__ import annotations

import time
from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import (
    ALL_ORDER_LIST_WEIGHT,
    BAD_RELATION,
    BAD_TICK,
    FROZEN_AT_MS,
    INSUFFICIENT_BALANCE_MSG,
    NO_FUNDS,
    OCO_SELL,
    OTOCO_BUY_THEN_SELL,
    SYMBOL,
    WRONG_SECRET,
    assert_list_cancelled,
    assert_list_query,
    assert_new_oco,
    assert_new_otoco,
    iso,
    leg_ids,
    make_python_binance,
    shrink_sapi_budget,
)

pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
pytestmark = pytest.mark.compat

BOTH_MODES = pytest.mark.parametrize("isolated", [False, True], ids=["cross", "isolated"])


def otoco(client: Any, isolated: bool) -> dict[str, Any]:
    # python-binance has no margin OTOCO method: its generic signed /sapi helper sends it.
    return client._request_margin_api("post", "margin/order/otoco", signed=True,
                                      data=dict(OTOCO_BUY_THEN_SELL, isIsolated=iso(isolated)))


def test_connectivity_time_and_exchange_info(fake_exchange_live: FakeExchange) -> None:
    client = make_python_binance(fake_exchange_live)
    assert client.ping() == {}
    server_ms = client.get_server_time()["serverTime"]
    assert abs(server_ms - time.time() * 1000) < 5_000
    info = client.get_symbol_info(SYMBOL)
    filters = {f["filterType"]: f for f in info["filters"]}
    assert info["status"] == "TRADING" and float(filters["PRICE_FILTER"]["tickSize"]) == 0.01


def test_subclass_pings_the_fake_in_its_constructor(fake_exchange_live: FakeExchange) -> None:
    from binance.client import Client

    local = type("Local", (Client,), {"API_URL": fake_exchange_live.url + "/api",
                                      "MARGIN_API_URL": fake_exchange_live.url + "/sapi"})
    client = local(fake_exchange_live.api_key, fake_exchange_live.api_secret)
    assert client.get_server_time()["serverTime"] > 0
    assert fake_exchange_live.journal(path="/api/v3/ping")


@BOTH_MODES
def test_oco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    client = make_python_binance(fake_exchange_live)
    placed = client.create_margin_oco_order(isIsolated=iso(isolated), **OCO_SELL)
    assert_new_oco(placed, isolated)
    list_id = placed["orderListId"]

    queried = client.get_margin_oco_order(isIsolated=iso(isolated), symbol=SYMBOL, orderListId=list_id)
    assert_list_query(queried, list_id, 2)
    open_lists = client.get_open_margin_oco_orders(isIsolated=iso(isolated), symbol=SYMBOL)
    assert list_id in {row["orderListId"] for row in open_lists}
    open_orders = client.get_open_margin_orders(symbol=SYMBOL, isIsolated=iso(isolated))
    assert leg_ids(placed) <= {o["orderId"] for o in open_orders}

    # DELETE with a form body (python-binance's way).
    cancelled = client.cancel_margin_oco_order(symbol=SYMBOL, isIsolated=iso(isolated), orderListId=list_id)
    assert_list_cancelled(cancelled, list_id)
    open_orders = client.get_open_margin_orders(symbol=SYMBOL, isIsolated=iso(isolated))
    assert not leg_ids(placed) & {o["orderId"] for o in open_orders}


@BOTH_MODES
def test_otoco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    client = make_python_binance(fake_exchange_live)
    placed = otoco(client, isolated)
    assert_new_otoco(placed, isolated)
    list_id = placed["orderListId"]

    queried = client.get_margin_oco_order(isIsolated=iso(isolated), symbol=SYMBOL, orderListId=list_id)
    assert_list_query(queried, list_id, 3)
    if not isolated:  # GET /sapi/v1/margin/oto/openOrderList is cross margin only
        open_oto = client._request_margin_api("get", "margin/oto/openOrderList", signed=True,
                                              data={"symbol": SYMBOL})
        assert [row["orderListId"] for row in open_oto] == [list_id]

    cancelled = client.cancel_margin_oco_order(symbol=SYMBOL, isIsolated=iso(isolated), orderListId=list_id)
    assert_list_cancelled(cancelled, list_id)


def test_otoco_working_fill_places_the_pending_pair(fake_exchange_live: FakeExchange) -> None:
    client = make_python_binance(fake_exchange_live)
    placed = otoco(client, isolated=False)
    fake_exchange_live.set_price(SYMBOL, "28990")  # through the 29000 working BUY, above the 28000 stop
    statuses = [client.get_margin_order(symbol=SYMBOL, orderId=order_id)["status"]
                for order_id in [o["orderId"] for o in placed["orders"]]]
    assert statuses == ["FILLED", "NEW", "NEW"]


def test_frozen_exchange_clock_with_a_timestamp_offset(fake_exchange_live: FakeExchange) -> None:
    fake_exchange_live.freeze(at_ms=FROZEN_AT_MS)
    client = make_python_binance(fake_exchange_live)
    # python-binance never syncs by itself; with the offset its timestamps follow the exchange.
    client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)
    placed = client.create_margin_oco_order(**OCO_SELL)
    assert placed["transactionTime"] == FROZEN_AT_MS


@pytest.mark.parametrize(("params", "code"), [(BAD_TICK, -1013), (BAD_RELATION, -2010), (NO_FUNDS, -2010)],
                         ids=["-1013-tick", "-2010-price-relationship", "-2010-insufficient-balance"])
def test_order_errors(fake_exchange_live: FakeExchange, params: dict[str, str], code: int) -> None:
    from binance.exceptions import BinanceAPIException

    client = make_python_binance(fake_exchange_live)
    with pytest.raises(BinanceAPIException) as raised:
        client.create_margin_oco_order(**params)
    assert (raised.value.code, raised.value.status_code) == (code, 400)
    assert raised.value.message
    if params is NO_FUNDS:
        assert raised.value.message == INSUFFICIENT_BALANCE_MSG


def test_wrong_secret_is_minus_1022(fake_exchange_live: FakeExchange) -> None:
    from binance.exceptions import BinanceAPIException

    client = make_python_binance(fake_exchange_live, secret=WRONG_SECRET)
    with pytest.raises(BinanceAPIException) as raised:
        client.create_margin_oco_order(**OCO_SELL)
    assert (raised.value.code, raised.value.status_code) == (-1022, 400)


def test_rate_limit_is_429(fake_exchange_live: FakeExchange) -> None:
    from binance.exceptions import BinanceAPIException

    shrink_sapi_budget(fake_exchange_live)
    client = make_python_binance(fake_exchange_live)
    assert client.margin_v1_get_margin_all_order_list() == []
    with pytest.raises(BinanceAPIException) as raised:
        client.margin_v1_get_margin_all_order_list()
    assert (raised.value.status_code, raised.value.code) == (429, -1003)
    assert int(raised.value.response.headers["Retry-After"]) > 0
    assert fake_exchange_live.journal(status=429)[0]["weight"] == ALL_ORDER_LIST_WEIGHT
