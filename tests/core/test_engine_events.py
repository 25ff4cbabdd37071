"""Event shapes and emission order (spec §9.4)."""

from __future__ import annotations

from mock_exchange.core.enums import ExecutionType, OrderStatus, OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.events import BalanceEvent, LiabilityEvent, ListStatusEvent, OrderEvent
from mock_exchange.core.requests import LegSpec, NewOrder, NewOto
from tests.core.engine_helpers import D, make_exchange

BTC = "BTCUSDT"


def shape(events) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    return [(type(e).__name__, getattr(e, "execution_type", None)) for e in events]


def test_oto_filled_at_placement_emits_placement_then_activation() -> None:
    ex = make_exchange()
    ex.place_oto("bob", NewOto(BTC, LegSpec(OrderType.LIMIT, Side.BUY, D("0.1"), price=D("30100"),
                                            time_in_force=TimeInForce.GTC),
                               LegSpec(OrderType.LIMIT_MAKER, Side.SELL, D("0.1"), price=D("31000"))))
    events = ex.events_since(0)
    assert shape(events) == [
        ("OrderEvent", ExecutionType.NEW), ("OrderEvent", ExecutionType.NEW), ("ListStatusEvent", None),
        ("OrderEvent", ExecutionType.TRADE), ("OrderEvent", ExecutionType.NEW), ("ListStatusEvent", None),
        ("BalanceEvent", None)]
    assert events[1].order.status is OrderStatus.PENDING_NEW and events[4].order.status is OrderStatus.NEW
    assert {entry.asset for entry in events[-1].balances} == {"USDT", "BTC"}


def test_trade_event_carries_fill_details() -> None:
    ex = make_exchange()
    ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.LIMIT, quantity=D("0.2"), price=D("30500"),
                                   time_in_force=TimeInForce.GTC, new_client_order_id="s1"))
    events = ex.trade(BTC, D("30600"), D("0.05"))
    trade = events[0]
    assert isinstance(trade, OrderEvent) and trade.execution_type is ExecutionType.TRADE
    assert (trade.last_qty, trade.last_price, trade.last_quote_qty) == (D("0.05"), D("30500"), D("1525.00"))
    assert (trade.commission, trade.commission_asset, trade.is_maker) == (D("1.525"), "USDT", True)
    assert trade.client_order_id == "s1" and trade.orig_client_order_id == ""
    # The fill's id is its print's per-symbol id on the public tape (the first trade of BTCUSDT).
    assert trade.trade_id == 0 and [t.trade_id for t in ex.recent_trades(BTC)] == [0]
    assert trade.order.status is OrderStatus.PARTIALLY_FILLED and trade.order.executed_qty == D("0.05")
    assert isinstance(events[1], BalanceEvent) and events[1].account == "bob" and events[1].isolated_symbol is None


def test_margin_buy_loan_comes_first_and_repay_after_cancel() -> None:
    ex = make_exchange()
    order = ex.place_order("poor", NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D("0.1"), price=D("29000"),
                                            time_in_force=TimeInForce.GTC,
                                            side_effect_type=SideEffectType.MARGIN_BUY)).order
    assert shape(ex.events_since(0)) == [("LiabilityEvent", None), ("OrderEvent", ExecutionType.NEW),
                                         ("BalanceEvent", None)]
    seq = ex.events.last_seq
    ex.cancel_order("poor", BTC, order_id=order.order_id, new_client_order_id="stop")
    events = ex.events_since(seq)
    assert shape(events) == [("OrderEvent", ExecutionType.CANCELED), ("LiabilityEvent", None),
                             ("BalanceEvent", None)]
    assert events[0].client_order_id == "stop" and events[0].orig_client_order_id == order.client_order_id
    loan = events[1]
    assert isinstance(loan, LiabilityEvent) and loan.type == "REPAY" and loan.amount == D("-1900")


def test_events_since_filters_by_account_and_sequence() -> None:
    ex = make_exchange()
    ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.1")))
    ex.place_order("alice", NewOrder(BTC, Side.SELL, OrderType.MARKET, quantity=D("0.1")))
    everything = ex.events_since(0)
    assert [e.seq for e in everything] == list(range(1, len(everything) + 1))
    assert {e.account for e in ex.events_since(0, "alice")} == {"alice"}
    assert ex.events_since(everything[-1].seq) == []
    ex.events.trim(2)
    assert [e.seq for e in ex.events_since(0)] == [everything[-2].seq, everything[-1].seq]


def test_price_path_reports_each_prints_consequences_in_order() -> None:
    ex = make_exchange()
    ex.place_order("bob", NewOrder(BTC, Side.SELL, OrderType.LIMIT, quantity=D("0.1"), price=D("30500"),
                                   time_in_force=TimeInForce.GTC))
    ex.place_order("bob", NewOrder(BTC, Side.BUY, OrderType.LIMIT, quantity=D("0.1"), price=D("29500"),
                                   time_in_force=TimeInForce.GTC))
    events = ex.price_path(BTC, [D("29000"), D("31000")])
    trades = [e for e in events if isinstance(e, OrderEvent)]
    assert [(e.order.side, e.last_price) for e in trades] == [(Side.BUY, D("29500")), (Side.SELL, D("30500"))]
    assert ex.market.last_price(BTC) == D("31000")
    assert not any(isinstance(e, ListStatusEvent) for e in events)


def test_event_log_keeps_the_newest_events_and_keeps_counting(monkeypatch) -> None:  # noqa: ANN001
    from mock_exchange.core import events as events_module
    from mock_exchange.core.events import BalanceEvent, EventLog

    monkeypatch.setattr(events_module, "EVENT_RETENTION", 10)
    log = EventLog()
    for seq in range(1, 31):
        log.append(BalanceEvent(seq=seq, account="a", isolated_symbol=None, time_ms=seq, balances=[]))
    kept = log.since(0)
    assert log.last_seq == 30
    assert 10 <= len(kept) <= 11 and kept[-1].seq == 30
    assert [e.seq for e in log.since(25)] == [26, 27, 28, 29, 30]
