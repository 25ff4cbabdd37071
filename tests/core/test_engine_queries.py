"""Queries, cancel-all, rate usage, control-plane edits, and rejections that change nothing."""

from __future__ import annotations

import pytest

from mock_exchange.core.enums import OrderStatus, OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.requests import (
    CommissionRates,
    LegSpec,
    ListCancelResult,
    NewOco,
    NewOrder,
    NewOto,
    OrderCancelResult,
)
from tests.core.engine_helpers import D, balance, fingerprint, make_exchange, simple_config

BTC = "BTCUSDT"
ETH = "ETHUSDT"


def sell(price: str, qty: str = "0.1", **extra) -> NewOrder:  # type: ignore[no-untyped-def]
    return NewOrder(BTC, Side.SELL, OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=TimeInForce.GTC,
                    **extra)


def oco(price: str = "31000") -> NewOco:
    return NewOco(BTC, Side.SELL, quantity=D("0.1"), price=D(price), stop_price=D("29000"))


def test_get_order_by_id_or_client_id_and_unknown() -> None:
    ex = make_exchange()
    order = ex.place_order("bob", sell("31000", new_client_order_id="abc")).order
    assert ex.get_order("bob", BTC, orig_client_order_id="abc").order_id == order.order_id
    with pytest.raises(BinanceError) as error:
        ex.get_order("bob", BTC, order_id=order.order_id, orig_client_order_id="other")
    assert (error.value.code, error.value.msg) == (-2013, "Order does not exist.")
    with pytest.raises(BinanceError) as error:
        ex.get_order("bob", "ETHUSDT", order_id=order.order_id)
    assert error.value.code == -2013
    with pytest.raises(BinanceError) as error:
        ex.get_order("bob", "NOPE", order_id=1)
    assert error.value.code == -1121


def test_all_orders_from_id_and_limit() -> None:
    ex = make_exchange()
    ids = [ex.place_order("bob", sell(str(31000 + i))).order.order_id for i in range(5)]
    assert [o.order_id for o in ex.all_orders("bob", BTC)] == ids
    assert [o.order_id for o in ex.all_orders("bob", BTC, order_id=ids[2], limit=2)] == ids[2:4]
    assert [o.order_id for o in ex.all_orders("bob", BTC, limit=2)] == ids[3:]
    ex.clock.advance(25 * 60 * 60 * 1000)
    assert ex.all_orders("bob", BTC) == []  # no bounds: the last 24 hours
    assert len(ex.all_orders("bob", BTC, start_time=0)) == 5


def test_my_trades_by_order_and_from_id() -> None:
    ex = make_exchange()
    first = ex.place_order("bob", NewOrder(BTC, Side.BUY, OrderType.MARKET, quantity=D("0.1"))).order
    ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.1")))
    ex.place_order("bob", NewOrder(ETH, Side.BUY, OrderType.MARKET, quantity=D("0.1")))
    trades = ex.my_trades("bob", BTC)
    # Trade ids are per symbol (the public tape's): ETHUSDT's first fill is trade 0 of ETHUSDT.
    assert [t.trade_id for t in trades] == [0, 1] and trades[0].is_buyer and not trades[0].is_maker
    assert [t.trade_id for t in ex.recent_trades(BTC)] == [0, 1]
    assert [t.trade_id for t in ex.my_trades("bob", ETH)] == [0]
    assert [t.trade_id for t in ex.my_trades("bob", BTC, order_id=first.order_id)] == [0]
    assert [t.trade_id for t in ex.my_trades("bob", BTC, from_id=1)] == [1]


def test_order_list_queries_newest_first_and_open() -> None:
    ex = make_exchange()
    first = ex.place_oco("bob", oco())
    second = ex.place_oto("bob", NewOto(BTC, LegSpec(OrderType.LIMIT, Side.BUY, D("0.1"), price=D("29000"),
                                                     time_in_force=TimeInForce.GTC),
                                        LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.1"), price=D("31000"))))
    ex.cancel_order_list("bob", BTC, order_list_id=first.order_list.order_list_id)
    all_ids = [item.order_list_id for item in ex.all_order_lists("bob")]
    assert all_ids == [second.order_list.order_list_id, first.order_list.order_list_id]
    assert [item.order_list_id for item in ex.open_order_lists("bob")] == [second.order_list.order_list_id]
    by_client = ex.get_order_list("bob", list_client_order_id=first.order_list.list_client_order_id)
    assert by_client.order_list_id == first.order_list.order_list_id
    with pytest.raises(BinanceError) as error:
        ex.get_order_list("bob", order_list_id=99)
    assert (error.value.code, error.value.msg) == (-2013, "Order list does not exist.")


def test_cancel_open_orders_mixes_orders_and_lists() -> None:
    ex = make_exchange()
    single = ex.place_order("bob", sell("32000")).order
    listed = ex.place_oco("bob", oco())
    results = ex.cancel_open_orders("bob", BTC)
    assert isinstance(results[0], OrderCancelResult) and results[0].order.order_id == single.order_id
    assert isinstance(results[1], ListCancelResult)
    assert results[1].order_list.order_list_id == listed.order_list.order_list_id
    assert ex.open_orders("bob", BTC) == [] and balance(ex, "bob", "BTC").locked == 0
    with pytest.raises(BinanceError) as error:
        ex.cancel_open_orders("bob", BTC)
    assert (error.value.code, error.value.msg) == (-2011, "Unknown order sent.")


def test_reset_restores_the_configured_state() -> None:
    ex = make_exchange()
    ex.place_order("bob", sell("32000"))
    ex.set_price(BTC, D("35000"))
    ex.set_balance("bob", "ETH", free=D("3"))
    ex.reset()
    assert ex.state.orders == {} and ex.market.last_price(BTC) == D("30000")
    assert balance(ex, "bob", "BTC").free == D("5") and "ETH" not in ex.margin_account("bob").balances
    assert ex.place_order("bob", sell("32000")).order.order_id == 1


def test_add_account_symbol_and_isolated_balance() -> None:
    ex = make_exchange()
    spec = simple_config().accounts[1].__class__(name="carol", api_key="carolKey", hmac_secret="x")
    ex.add_account(spec)
    assert ex.account_by_api_key("carolKey").name == "carol"
    ex.set_balance("carol", "USDT", free=D("1000"), isolated_symbol=BTC)
    assert balance(ex, "carol", "USDT", BTC).free == D("1000")
    with pytest.raises(ValueError):
        ex.add_account(spec)


def test_no_margin_permission_cannot_trade() -> None:
    ex = make_exchange(simple_config(accounts=[
        {"name": "ro", "api_key": "roKey", "hmac_secret": "s", "margin_enabled": False,
         "cross": {"BTC": {"free": "1"}}}]))
    with pytest.raises(BinanceError) as error:
        ex.place_order("ro", sell("31000"))
    assert error.value.code == -2015


@pytest.mark.parametrize("request_", [
    sell("31000", qty="0.0001"),  # LOT_SIZE
    sell("31000.001"),  # PRICE_FILTER (tick)
    NewOrder(BTC, Side.SELL, OrderType.LIMIT_MAKER, quantity=D("0.1"), price=D("29000")),
    NewOrder(BTC, Side.SELL, OrderType.STOP_LOSS, quantity=D("0.1"), stop_price=D("30500")),
    NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D("100"), price=D("29000"), time_in_force=TimeInForce.GTC,
             side_effect_type=SideEffectType.MARGIN_BUY),
    NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D("100"), price=D("29000"), time_in_force=TimeInForce.GTC),
])
def test_rejections_change_nothing(request_: NewOrder) -> None:
    ex = make_exchange()
    ex.place_order("bob", sell("31000", new_client_order_id="keep"))
    before = fingerprint(ex)
    with pytest.raises(BinanceError):
        ex.place_order("bob", request_)
    with pytest.raises(BinanceError):
        ex.place_order("bob", sell("32000", new_client_order_id="keep"))
    with pytest.raises(BinanceError):
        ex.place_oco("bob", NewOco(BTC, Side.SELL, quantity=D("0.1"), price=D("29000"), stop_price=D("28000")))
    assert fingerprint(ex) == before
    assert ex.state.orders[1].status is OrderStatus.NEW


def test_commission_rates_are_the_rates_fills_are_charged() -> None:
    ex = make_exchange()  # fees: maker 0.001, taker 0.002
    rates = ex.commission_rates("alice", BTC)
    assert rates == CommissionRates(maker=D("0.001"), taker=D("0.002"), buyer=D(0), seller=D(0))
    assert ex.commission_rates("bob", ETH) == rates
    ex.place_order("bob", sell("30000", qty="0.5"))
    taker = ex.place_order("alice", NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D("0.5"), price=D("30000"),
                                             time_in_force=TimeInForce.GTC))
    [fill] = taker.fills
    assert (fill.is_maker, fill.commission, fill.commission_asset) == (False, D("0.5") * rates.taker, "BTC")
    with pytest.raises(BinanceError) as error:
        ex.commission_rates("alice", "NOPE")
    assert (error.value.code, error.value.msg) == (-1121, "Invalid symbol.")
