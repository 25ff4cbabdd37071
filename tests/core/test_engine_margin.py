"""sideEffectType (MARGIN_BUY, AUTO_REPAY, AUTO_BORROW_REPAY), autoRepayAtCancel, isolated orders."""

from __future__ import annotations

import pytest

from mock_exchange.core.enums import OrderStatus, OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import LiabilityEvent
from mock_exchange.core.requests import NewOco, NewOrder
from tests.core.engine_helpers import D, asset_totals, balance, check_invariants, make_exchange

BTC = "BTCUSDT"


def buy(qty: str, price: str, effect: SideEffectType, **extra) -> NewOrder:  # type: ignore[no-untyped-def]
    return NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D(qty), price=D(price), time_in_force=TimeInForce.GTC,
                    side_effect_type=effect, **extra)


def test_margin_buy_borrows_only_the_shortfall_and_reports_it() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_order("poor", buy("0.1", "29000", SideEffectType.MARGIN_BUY))
    assert (result.margin_buy_borrow_amount, result.margin_buy_borrow_asset) == (D("1900"), "USDT")
    usdt = balance(ex, "poor", "USDT")
    assert (usdt.free, usdt.locked, usdt.borrowed) == (D("0"), D("2900"), D("1900"))
    assert next(type(e) for e in ex.events_since(0)) is LiabilityEvent
    rows, total = ex.borrow_repay_history("poor", "BORROW")
    assert total == 1 and rows[0].kind == "AUTO"
    check_invariants(ex, start)


def test_margin_buy_over_max_borrowable_is_rejected() -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_order("poor", buy("1", "29000", SideEffectType.MARGIN_BUY))
    assert error.value.code == -3006
    assert balance(ex, "poor", "USDT").borrowed == 0


def test_auto_repay_at_cancel_repays_the_order_loan() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("poor", buy("0.1", "29000", SideEffectType.MARGIN_BUY)).order
    ex.cancel_order("poor", BTC, order_id=order.order_id)
    usdt = balance(ex, "poor", "USDT")
    assert (usdt.free, usdt.locked, usdt.borrowed) == (D("1000"), D("0"), D("0"))
    check_invariants(ex, start)


def test_auto_repay_at_cancel_false_keeps_the_loan() -> None:
    ex = make_exchange()
    order = ex.place_order("poor", buy("0.1", "29000", SideEffectType.MARGIN_BUY, auto_repay_at_cancel=False)).order
    ex.cancel_order("poor", BTC, order_id=order.order_id)
    usdt = balance(ex, "poor", "USDT")
    assert (usdt.free, usdt.borrowed) == (D("2900"), D("1900"))


def test_margin_buy_on_an_oco_borrows_once_for_the_pair() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    result = ex.place_oco("poor", NewOco(BTC, Side.SELL, quantity=D("0.3"), price=D("31000"), stop_price=D("29000"),
                                         side_effect_type=SideEffectType.MARGIN_BUY))
    assert (result.margin_buy_borrow_amount, result.margin_buy_borrow_asset) == (D("0.2"), "BTC")
    ex.set_price(BTC, D("31000"))  # limit leg fills: the loan stays (no auto repay on fill)
    assert balance(ex, "poor", "BTC").borrowed == D("0.2")
    check_invariants(ex, start)


def test_auto_repay_pays_interest_then_principal_from_proceeds() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    ex.borrow("bob", "USDT", D("1000"))
    ex.clock.advance(60 * 60 * 1000)  # 0.1 USDT interest
    ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.01"),
                                   side_effect_type=SideEffectType.AUTO_REPAY))
    usdt = balance(ex, "bob", "USDT")
    proceeds = D("300") - D("0.6")  # taker fee 0.2 %
    assert usdt.interest == 0 and usdt.borrowed == D("1000") - (proceeds - D("0.1"))
    check_invariants(ex, start)


def test_auto_borrow_repay_borrows_and_repays() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    ex.place_order("poor", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.2"),
                                    side_effect_type=SideEffectType.AUTO_BORROW_REPAY))
    btc = balance(ex, "poor", "BTC")
    assert btc.borrowed == D("0.1") and btc.free == 0
    ex.place_order("poor", NewOrder(BTC, Side.BUY, OrderType.MARKET, quantity=D("0.05"),
                                    side_effect_type=SideEffectType.AUTO_REPAY))
    assert balance(ex, "poor", "BTC").borrowed == D("0.1") - (D("0.05") - D("0.0001"))
    check_invariants(ex, start)


def test_isolated_orders_use_the_pair_and_are_invisible_to_cross_queries() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    order = ex.place_order("alice", NewOrder(BTC, Side.SELL, OrderType.LIMIT, quantity=D("0.5"), price=D("31000"),
                                             time_in_force=TimeInForce.GTC, isolated=True)).order
    assert order.isolated
    assert balance(ex, "alice", "BTC", "BTCUSDT").locked == D("0.5") and balance(ex, "alice", "BTC").locked == 0
    assert ex.open_orders("alice", BTC) == []
    assert [o.order_id for o in ex.open_orders("alice", BTC, isolated=True)] == [order.order_id]
    assert [o.order_id for o in ex.open_orders("alice", None, isolated=True)] == [order.order_id]
    with pytest.raises(BinanceError) as error:
        ex.get_order("alice", BTC, order_id=order.order_id)
    assert error.value.code == -2013
    with pytest.raises(BinanceError) as error:
        ex.cancel_order("alice", BTC, order_id=order.order_id)
    assert error.value.code == -2011
    ex.set_price(BTC, D("31000"))
    assert balance(ex, "alice", "USDT", "BTCUSDT").free == D("50000") + D("15500") - D("15.5")
    check_invariants(ex, start)


def test_isolated_order_without_the_pair_and_on_a_non_margin_pair() -> None:
    ex = make_exchange()
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.1"), isolated=True))
    assert error.value.code == -11001
    ex.add_symbol(ex.config.symbols["ETHUSDT"].__class__(
        symbol="XRPUSDT", base_asset="XRP", quote_asset="USDT", last_price=D("1"), margin_enabled=False))
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", NewOrder("XRPUSDT", Side.BUY, OrderType.MARKET, quantity=D("1")))
    assert error.value.code == -3028
    with pytest.raises(BinanceError) as error:
        ex.place_order("bob", NewOrder("NOPEUSDT", Side.BUY, OrderType.MARKET, quantity=D("1")))
    assert error.value.code == -1121


def test_accounts_never_see_each_other() -> None:
    ex = make_exchange()
    order = ex.place_order("alice", NewOrder(BTC, Side.SELL, OrderType.LIMIT, quantity=D("0.5"), price=D("31000"),
                                             time_in_force=TimeInForce.GTC, new_client_order_id="secret")).order
    oco = ex.place_oco("alice", NewOco(BTC, Side.SELL, quantity=D("0.1"), price=D("32000"), stop_price=D("29000"),
                                       list_client_order_id="alist"))
    for call in (lambda: ex.get_order("bob", BTC, order_id=order.order_id),
                 lambda: ex.get_order("bob", BTC, orig_client_order_id="secret"),
                 lambda: ex.get_order_list("bob", order_list_id=oco.order_list.order_list_id),
                 lambda: ex.get_order_list("bob", list_client_order_id="alist")):
        with pytest.raises(BinanceError) as error:
            call()
        assert error.value.code == -2013
    for call in (lambda: ex.cancel_order("bob", BTC, order_id=order.order_id),
                 lambda: ex.cancel_order_list("bob", BTC, order_list_id=oco.order_list.order_list_id),
                 lambda: ex.cancel_open_orders("bob", BTC)):
        with pytest.raises(BinanceError) as error:
            call()
        assert error.value.code == -2011
    assert ex.open_orders("bob") == [] and ex.all_orders("bob", BTC) == []
    assert ex.all_order_lists("bob") == [] and ex.open_order_lists("bob") == []
    assert ex.get_order("alice", BTC, order_id=order.order_id).status is OrderStatus.NEW
