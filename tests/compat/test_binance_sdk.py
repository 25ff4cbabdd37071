"""Binance's margin SDK (binance-sdk-margin-trading), unmodified, against a live fake exchange.

The SDK stamps requests with the local wall time and has no offset: these tests keep the
exchange clock on wall time. It validates responses with strict pydantic models but only
logs a warning on a mismatch, so each test also checks that no such warning was logged.
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import (
    BAD_RELATION,
    BAD_TICK,
    NO_FUNDS,
    OCO_SELL,
    OTOCO_BUY_THEN_SELL,
    SYMBOL,
    WRONG_SECRET,
    iso,
    make_sdk,
    shrink_sapi_budget,
)
from tests.compat.clients import sdk_model_warnings as model_warnings  # noqa: F401 - autouse fixture

pytest.importorskip("binance_sdk_margin_trading", reason="the SDK is in the optional 'compat' extra")
pytestmark = pytest.mark.compat

BOTH_MODES = pytest.mark.parametrize("isolated", [False, True], ids=["cross", "isolated"])



def oco_kwargs(params: dict[str, str], isolated: bool | None = None) -> dict[str, Any]:
    # The SDK types prices and quantities as floats (and sends str(float)).
    kwargs: dict[str, Any] = dict(
        symbol=params["symbol"], side=params["side"], quantity=float(params["quantity"]),
        price=float(params["price"]), stop_price=float(params["stopPrice"]),
        stop_limit_price=float(params["stopLimitPrice"]), stop_limit_time_in_force=params["stopLimitTimeInForce"])
    if isolated is not None:
        kwargs["is_isolated"] = iso(isolated)
    return kwargs


def otoco_kwargs(isolated: bool) -> dict[str, Any]:
    p = OTOCO_BUY_THEN_SELL
    return dict(
        symbol=p["symbol"], is_isolated=iso(isolated), working_type=p["workingType"],
        working_side=p["workingSide"], working_price=float(p["workingPrice"]),
        working_quantity=float(p["workingQuantity"]), working_time_in_force=p["workingTimeInForce"],
        pending_side=p["pendingSide"], pending_quantity=float(p["pendingQuantity"]),
        pending_above_type=p["pendingAboveType"], pending_above_price=float(p["pendingAbovePrice"]),
        pending_below_type=p["pendingBelowType"], pending_below_stop_price=float(p["pendingBelowStopPrice"]),
        pending_below_price=float(p["pendingBelowPrice"]), pending_below_time_in_force=p["pendingBelowTimeInForce"])


def test_margin_pairs_and_exchange_info(fake_exchange_live: FakeExchange) -> None:
    from binance_common.utils import send_request

    api = make_sdk(fake_exchange_live)
    pairs = api.get_all_cross_margin_pairs().data()
    assert SYMBOL in {p.symbol for p in pairs}
    isolated = api.get_all_isolated_margin_symbol(symbol=SYMBOL).data()
    assert [(p.base, p.quote) for p in isolated] == [("BTC", "USDT")]
    # The margin SDK has no exchangeInfo method; its request helper reaches /api/v3 too.
    info = send_request(api._session, api.configuration, "GET", "/api/v3/exchangeInfo").data()
    assert SYMBOL in {s["symbol"] for s in info["symbols"]}


@BOTH_MODES
def test_oco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    api = make_sdk(fake_exchange_live)
    response = api.margin_account_new_oco(**oco_kwargs(OCO_SELL, isolated))
    assert response.status == 200
    placed = response.data()
    assert type(placed).__name__ == "MarginAccountNewOcoResponse"
    assert (placed.contingency_type, placed.list_order_status, placed.is_isolated) == ("OCO", "EXECUTING", isolated)
    assert len(placed.orders) == len(placed.order_reports) == 2
    list_id = placed.order_list_id

    queried = api.query_margin_accounts_oco(is_isolated=iso(isolated), symbol=SYMBOL, order_list_id=list_id).data()
    assert queried.order_list_id == list_id and len(queried.orders) == 2
    open_lists = api.query_margin_accounts_open_oco(is_isolated=iso(isolated), symbol=SYMBOL).data()
    assert list_id in {row.order_list_id for row in open_lists}
    open_orders = api.query_margin_accounts_open_orders(symbol=SYMBOL, is_isolated=iso(isolated)).data()
    assert {o.order_id for o in placed.orders} <= {o.order_id for o in open_orders}

    # DELETE with every parameter in the query string (the SDK's way).
    cancelled = api.margin_account_cancel_oco(symbol=SYMBOL, is_isolated=iso(isolated), order_list_id=list_id).data()
    assert type(cancelled).__name__ == "MarginAccountCancelOcoResponse"
    assert cancelled.list_order_status == "ALL_DONE"
    assert all(report.status in ("CANCELED", "EXPIRED") for report in cancelled.order_reports)


@BOTH_MODES
def test_otoco_place_query_cancel(fake_exchange_live: FakeExchange, isolated: bool) -> None:
    api = make_sdk(fake_exchange_live)
    placed = api.margin_account_new_otoco(**otoco_kwargs(isolated)).data()
    assert type(placed).__name__ == "MarginAccountNewOtocoResponse"
    assert (placed.contingency_type, len(placed.orders)) == ("OTO", 3)
    list_id = placed.order_list_id

    queried = api.query_margin_accounts_oco(is_isolated=iso(isolated), symbol=SYMBOL, order_list_id=list_id).data()
    assert queried.order_list_id == list_id and len(queried.orders) == 3
    open_oto = api.query_margin_accounts_open_otootoco_order_lists(symbol=SYMBOL).data()
    # That query is cross margin only.
    assert [row.order_list_id for row in open_oto] == ([] if isolated else [list_id])
    if not isolated:
        assert [o.status for o in open_oto[0].orders] == ["NEW", "PENDING_NEW", "PENDING_NEW"]

    cancelled = api.margin_account_cancel_oco(symbol=SYMBOL, is_isolated=iso(isolated), order_list_id=list_id).data()
    assert cancelled.list_order_status == "ALL_DONE"


def test_oto_with_the_iceberg_quantity_the_sdk_always_sends(fake_exchange_live: FakeExchange) -> None:
    api = make_sdk(fake_exchange_live)
    placed = api.margin_account_new_oto(
        symbol=SYMBOL, working_type="LIMIT", working_side="BUY", working_price=29000.0, working_quantity=0.001,
        working_iceberg_qty=0.0, working_time_in_force="GTC", pending_type="LIMIT_MAKER", pending_side="SELL",
        pending_quantity=0.001, pending_price=31000.0).data()
    assert (placed.contingency_type, len(placed.orders)) == ("OTO", 2)


@pytest.mark.parametrize(("params", "code"), [(BAD_TICK, -1013), (BAD_RELATION, -2010), (NO_FUNDS, -2010)],
                         ids=["-1013-tick", "-2010-price-relationship", "-2010-insufficient-balance"])
def test_order_errors(fake_exchange_live: FakeExchange, params: dict[str, str], code: int) -> None:
    from binance_sdk_margin_trading import BadRequestError

    api = make_sdk(fake_exchange_live)
    with pytest.raises(BadRequestError) as raised:
        api.margin_account_new_oco(**oco_kwargs(params))
    # The SDK's status_code attribute holds Binance's code on 4xx, not the HTTP status.
    assert raised.value.status_code == code
    assert raised.value.error_message


def test_wrong_secret_is_minus_1022(fake_exchange_live: FakeExchange) -> None:
    from binance_sdk_margin_trading import BadRequestError

    api = make_sdk(fake_exchange_live, secret=WRONG_SECRET)
    with pytest.raises(BadRequestError) as raised:  # HTTP 400
        api.margin_account_new_oco(**oco_kwargs(OCO_SELL))
    assert raised.value.status_code == -1022


def test_rate_limit_is_429(fake_exchange_live: FakeExchange) -> None:
    from binance_sdk_margin_trading import TooManyRequestsError

    shrink_sapi_budget(fake_exchange_live)
    api = make_sdk(fake_exchange_live)
    assert api.query_margin_accounts_all_oco().data() == []
    with pytest.raises(TooManyRequestsError) as raised:
        api.query_margin_accounts_all_oco()
    assert raised.value.status_code == -1003
    assert isinstance(raised.value.retry_after, int) and raised.value.retry_after > 0
