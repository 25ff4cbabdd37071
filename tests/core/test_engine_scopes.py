"""Account scopes on one engine: spot orders trade the spot wallet only, never borrow, and their
events stream apart from margin ones (core/scopes.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mock_exchange.core.enums import OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import BalanceEvent, OrderEvent, TransferEvent
from mock_exchange.core.requests import NewOrder
from mock_exchange.core.scopes import Scope
from mock_exchange.core.user_stream import GrantKind, StreamGrant
from tests.core.engine_helpers import asset_totals, check_invariants, fingerprint, make_exchange

D = Decimal


def _buy(price: str, qty: str, **extra: object) -> NewOrder:
    return NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, quantity=D(qty), price=D(price),
                    time_in_force=TimeInForce.GTC, **extra)  # type: ignore[arg-type]


def test_spot_order_locks_and_fills_in_the_spot_wallet_only() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    cross_before = ex.margin_account("alice").balance("USDT").free
    placed = ex.place_order("alice", _buy("29000", "0.5", spot=True)).order
    assert placed.scope is Scope.SPOT and ex.spot_wallet("alice").balance("USDT").locked == D("14500")
    ex.set_price("BTCUSDT", D("28000"))
    assert ex.get_order("alice", "BTCUSDT", order_id=placed.order_id, spot=True).status.value == "FILLED"
    assert ex.spot_wallet("alice").balance("BTC").free == D("2.4995")  # + 0.5 less the 0.1% maker fee
    assert ex.margin_account("alice").balance("USDT").free == cross_before
    assert ex.my_trades("alice", "BTCUSDT", spot=True)[0].spot is True
    assert ex.my_trades("alice", "BTCUSDT") == []  # the cross scope saw no trade
    check_invariants(ex, start)


def test_spot_never_borrows_whatever_the_request_says() -> None:
    ex = make_exchange()
    before = fingerprint(ex)
    with pytest.raises(BinanceError) as caught:
        ex.place_order("poor", _buy("29000", "0.01", spot=True, side_effect_type=SideEffectType.MARGIN_BUY))
    assert (caught.value.code, caught.value.msg) == (-2010, "Account has insufficient balance for requested action.")
    assert fingerprint(ex) == before
    # The same order in the cross account borrows the shortfall.
    result = ex.place_order("poor", _buy("29000", "0.05", side_effect_type=SideEffectType.MARGIN_BUY))
    assert result.margin_buy_borrow_amount == D("450")


def test_spot_events_stream_apart_from_margin() -> None:
    ex = make_exchange()
    seq = ex.events.last_seq
    ex.place_order("alice", _buy("29000", "0.1", spot=True, new_client_order_id="spot"))
    ex.place_order("alice", _buy("29000", "0.1", new_client_order_id="cross"))
    events = ex.events_since(seq)
    spot_grant = StreamGrant("s", GrantKind.TOKEN, "alice", None, 0, 2**62, spot=True)
    cross_grant = StreamGrant("c", GrantKind.TOKEN, "alice", None, 0, 2**62)
    on_spot = [e for e in events if spot_grant.covers(e)]
    on_cross = [e for e in events if cross_grant.covers(e)]
    assert [e.order.client_order_id for e in on_spot if isinstance(e, OrderEvent)] == ["spot"]
    assert [e.order.client_order_id for e in on_cross if isinstance(e, OrderEvent)] == ["cross"]
    spot_balance = next(e for e in on_spot if isinstance(e, BalanceEvent))
    assert [(b.asset, b.free, b.locked) for b in spot_balance.balances] == [("USDT", D("17100"), D("2900"))]


def test_a_transfer_streams_each_side_to_its_wallet() -> None:
    ex = make_exchange()
    seq = ex.events.last_seq
    ex.transfer("alice", "MAIN_MARGIN", "USDT", D("100"))
    moves = [(e.spot, e.delta) for e in ex.events_since(seq) if isinstance(e, TransferEvent)]
    assert moves == [(True, D("-100")), (False, D("100"))]
    balances = [(e.spot, e.balances[0].free) for e in ex.events_since(seq) if isinstance(e, BalanceEvent)]
    assert sorted(balances) == [(False, D("500100")), (True, D("19900"))]
