"""Domain events as Binance payloads, and listen keys / tokens on the exchange clock (pure core)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from mock_exchange.core.enums import (
    ExecutionType,
    ExpiryReason,
    ListOrderStatus,
    ListStatusType,
    OrderStatus,
    OrderType,
    Side,
    TimeInForce,
)
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import BalanceEntry, BalanceEvent, LiabilityEvent, ListLeg, ListStatusEvent, OrderEvent
from mock_exchange.core.order_lists import ListKind, OrderList
from mock_exchange.core.orders import Order
from mock_exchange.core.user_stream import (
    LISTEN_KEY_VALIDITY_MS,
    TOKEN_MAX_VALIDITY_MS,
    GrantKind,
    StreamRegistry,
    check_token_validity,
    listen_key_expired,
    stream_terminated,
    to_payload,
)

T0 = 1_767_225_600_000


def _order(**changes: object) -> Order:
    order = Order(order_id=7, symbol="BTCUSDT", account="demo", isolated=False, client_order_id="leg-a",
                  side=Side.SELL, type=OrderType.LIMIT_MAKER, quantity=Decimal("0.1"), time_ms=T0,
                  price=Decimal("31000"), time_in_force=TimeInForce.GTC, order_list_id=3, working_time_ms=T0)
    for name, value in changes.items():
        setattr(order, name, value)
    return order


def test_new_order_report_has_every_field_in_binance_order() -> None:
    event = OrderEvent(seq=11, account="demo", isolated_symbol=None, time_ms=T0, execution_type=ExecutionType.NEW,
                       order=_order(), client_order_id="leg-a")
    assert list(to_payload(event).items()) == [
        ("e", "executionReport"), ("E", T0), ("s", "BTCUSDT"), ("c", "leg-a"), ("S", "SELL"), ("o", "LIMIT_MAKER"),
        ("f", "GTC"), ("q", "0.10000000"), ("p", "31000.00000000"), ("P", "0.00000000"), ("F", "0.00000000"),
        ("g", 3), ("C", ""), ("x", "NEW"), ("X", "NEW"), ("r", "NONE"), ("i", 7), ("l", "0.00000000"),
        ("z", "0.00000000"), ("L", "0.00000000"), ("n", "0"), ("N", None), ("T", T0), ("t", -1), ("I", 11),
        ("w", True), ("m", False), ("M", False), ("O", T0), ("Z", "0.00000000"), ("Y", "0.00000000"),
        ("Q", "0.00000000"), ("W", T0), ("V", "EXPIRE_MAKER"),
    ]


def test_trade_report_carries_the_fill() -> None:
    order = _order(status=OrderStatus.FILLED, executed_qty=Decimal("0.1"), cummulative_quote_qty=Decimal("3100"))
    event = OrderEvent(seq=12, account="demo", isolated_symbol=None, time_ms=T0 + 5, execution_type=ExecutionType.TRADE,
                       order=order, client_order_id="leg-a", last_qty=Decimal("0.1"), last_price=Decimal("31000"),
                       last_quote_qty=Decimal("3100"), commission=Decimal("3.1"), commission_asset="USDT",
                       trade_id=42, is_maker=True)
    payload = to_payload(event)
    assert {k: payload[k] for k in "xXlzLnNTtmMZY"} == {
        "x": "TRADE", "X": "FILLED", "l": "0.10000000", "z": "0.10000000", "L": "31000.00000000",
        "n": "3.10000000", "N": "USDT", "T": T0 + 5, "t": 42, "m": True, "M": True, "Z": "3100.00000000",
        "Y": "3100.00000000",
    }
    assert "eR" not in payload


def test_cancel_report_names_the_cancel_and_the_original_id() -> None:
    event = OrderEvent(seq=3, account="demo", isolated_symbol=None, time_ms=T0, execution_type=ExecutionType.CANCELED,
                       order=_order(status=OrderStatus.CANCELED), client_order_id="cancel-1",
                       orig_client_order_id="leg-a")
    payload = to_payload(event)
    assert (payload["c"], payload["C"], payload["x"], payload["X"]) == ("cancel-1", "leg-a", "CANCELED", "CANCELED")


def test_expired_report_gives_the_expiry_reason_last() -> None:
    order = _order(status=OrderStatus.EXPIRED, expiry_reason=ExpiryReason.OCO_TRIGGER)
    event = OrderEvent(seq=4, account="demo", isolated_symbol=None, time_ms=T0, execution_type=ExecutionType.EXPIRED,
                       order=order, client_order_id="leg-a")
    payload = to_payload(event)
    assert list(payload)[-2:] == ["V", "eR"]
    assert payload["eR"] == "OCO_TRIGGER"


def test_trailing_and_untriggered_stop_fields() -> None:
    untriggered = _order(type=OrderType.STOP_LOSS, price=Decimal(0), stop_price=Decimal("29000"), time_in_force=None,
                         trailing_delta=100, is_working=False, working_time_ms=-1)
    payload = to_payload(OrderEvent(seq=1, account="demo", isolated_symbol=None, time_ms=T0,
                                    execution_type=ExecutionType.NEW, order=untriggered, client_order_id="s"))
    # No timeInForce is reported as GTC; d appears after P; no D before tracking, no W off the book.
    assert (payload["f"], payload["d"], payload["w"]) == ("GTC", 100, False)
    assert list(payload)[list(payload).index("P") + 1] == "d"
    assert "D" not in payload and "W" not in payload
    tracking = _order(type=OrderType.STOP_LOSS, trailing_delta=100, trailing_time_ms=T0 + 9)
    payload = to_payload(OrderEvent(seq=2, account="demo", isolated_symbol=None, time_ms=T0 + 9,
                                    execution_type=ExecutionType.NEW, order=tracking, client_order_id="s"))
    assert payload["D"] == T0 + 9
    assert list(payload).index("D") < list(payload).index("W")


def test_list_status_reports_otoco_as_oto() -> None:
    order_list = OrderList(order_list_id=5, kind=ListKind.OTOCO, symbol="BTCUSDT", account="demo", isolated=False,
                           list_client_order_id="list-1", transaction_time_ms=T0, order_ids=[1, 2, 3],
                           list_status_type=ListStatusType.ALL_DONE, list_order_status=ListOrderStatus.ALL_DONE)
    legs = [ListLeg("BTCUSDT", 1, "w"), ListLeg("BTCUSDT", 2, "b"), ListLeg("BTCUSDT", 3, "a")]
    event = ListStatusEvent(seq=9, account="demo", isolated_symbol=None, time_ms=T0 + 1, order_list=order_list,
                            legs=legs)
    assert to_payload(event) == {
        "e": "listStatus", "E": T0 + 1, "s": "BTCUSDT", "g": 5, "c": "OTO", "l": "ALL_DONE", "L": "ALL_DONE",
        "r": "NONE", "C": "list-1", "T": T0 + 1,
        "O": [{"s": "BTCUSDT", "i": 1, "c": "w"}, {"s": "BTCUSDT", "i": 2, "c": "b"},
              {"s": "BTCUSDT", "i": 3, "c": "a"}],
    }


def test_balance_and_liability_events() -> None:
    position = BalanceEvent(seq=1, account="demo", isolated_symbol=None, time_ms=T0,
                            balances=[BalanceEntry("BTC", Decimal("1.9"), Decimal("0.1"))])
    assert to_payload(position) == {"e": "outboundAccountPosition", "E": T0, "u": T0,
                                    "B": [{"a": "BTC", "f": "1.90000000", "l": "0.10000000"}]}
    repay = LiabilityEvent(seq=2, account="demo", isolated_symbol=None, time_ms=T0, asset="USDT", type="REPAY",
                           amount=Decimal("-10.5"), principal=Decimal("10"), interest=Decimal("0.5"), tran_id=4)
    assert to_payload(repay) == {"e": "balanceUpdate", "E": T0, "a": "USDT", "d": "-10.50000000", "T": T0}
    assert to_payload(repay, GrantKind.RISK_KEY) == {"e": "USER_LIABILITY_CHANGE", "E": T0, "a": "USDT",
                                                     "t": "REPAY", "p": "10.00000000", "i": "0.50000000"}
    assert to_payload(position, GrantKind.RISK_KEY) is None


def test_end_notices() -> None:
    # The margin documentation shows listenKeyExpired's E as a string.
    assert listen_key_expired("k", T0) == {"e": "listenKeyExpired", "E": str(T0), "listenKey": "k"}
    assert stream_terminated(T0) == {"e": "eventStreamTerminated", "E": T0}


# -- grants -------------------------------------------------------------------------------


def _values() -> object:
    counter = iter(range(1, 100))
    return lambda: f"key-{next(counter)}"


def test_listen_key_lives_an_hour_and_post_returns_the_active_one() -> None:
    registry, values = StreamRegistry(), _values()
    key = registry.open_listen_key(GrantKind.LISTEN_KEY, "demo", None, T0, values)
    again = registry.open_listen_key(GrantKind.LISTEN_KEY, "demo", None, T0 + 1000, values)
    assert again is key and key.expires_ms == T0 + 1000 + LISTEN_KEY_VALIDITY_MS
    isolated = registry.open_listen_key(GrantKind.LISTEN_KEY, "demo", "BTCUSDT", T0, values)
    assert isolated.value != key.value
    assert registry.active(key.value, GrantKind.LISTEN_KEY, key.expires_ms - 1) is key
    assert registry.active(key.value, GrantKind.LISTEN_KEY, key.expires_ms) is None
    fresh = registry.open_listen_key(GrantKind.LISTEN_KEY, "demo", None, key.expires_ms, values)
    assert fresh.value != key.value


def test_keep_alive_and_close_check_the_owner() -> None:
    registry = StreamRegistry()
    key = registry.open_listen_key(GrantKind.LISTEN_KEY, "demo", None, T0, _values())
    registry.keep_alive(key.value, GrantKind.LISTEN_KEY, "demo", None, T0 + LISTEN_KEY_VALIDITY_MS - 1)
    assert key.expires_ms == T0 + 2 * LISTEN_KEY_VALIDITY_MS - 1
    for args in (("other", None), ("demo", "BTCUSDT")):
        with pytest.raises(BinanceError) as caught:
            registry.keep_alive(key.value, GrantKind.LISTEN_KEY, *args, T0)
        assert (caught.value.code, caught.value.msg) == (-1125, "This listenKey does not exist.")
    with pytest.raises(BinanceError):
        registry.keep_alive(key.value, GrantKind.RISK_KEY, "demo", None, T0)
    registry.close(key.value, GrantKind.LISTEN_KEY, "demo", None, T0 + 5, last_seq=8)
    assert registry.active(key.value, GrantKind.LISTEN_KEY, T0) is None
    # Events up to the close are still streamed, later ones (even at the same instant) are not.
    assert key.streams(_position(8, T0 + 5)) and not key.streams(_position(9, T0 + 5))
    with pytest.raises(BinanceError):
        registry.close(key.value, GrantKind.LISTEN_KEY, "demo", None, T0 + 6, last_seq=9)


def _position(seq: int, time_ms: int) -> BalanceEvent:
    return BalanceEvent(seq=seq, account="demo", isolated_symbol=None, time_ms=time_ms, balances=[])


def test_expiry_is_by_time() -> None:
    key = StreamRegistry().open_listen_key(GrantKind.LISTEN_KEY, "demo", None, T0, _values())
    assert key.streams(_position(1, key.expires_ms - 1)) and not key.streams(_position(2, key.expires_ms))


def test_tokens_are_new_each_time_with_their_validity() -> None:
    registry, values = StreamRegistry(), _values()
    first = registry.issue_token("demo", None, 1000, T0, values)
    second = registry.issue_token("demo", None, TOKEN_MAX_VALIDITY_MS, T0, values)
    assert first.value != second.value and first.expires_ms == T0 + 1000
    assert registry.active(first.value, GrantKind.TOKEN, T0 + 999) is first
    assert registry.active(first.value, GrantKind.LISTEN_KEY, T0) is None
    assert check_token_validity(None) == TOKEN_MAX_VALIDITY_MS
    for bad in (0, -1, TOKEN_MAX_VALIDITY_MS + 1):
        with pytest.raises(BinanceError) as caught:
            check_token_validity(bad)
        assert caught.value.code == -1130


def test_grants_cover_their_account_and_margin_account_only() -> None:
    registry, values = StreamRegistry(), _values()
    cross = registry.issue_token("demo", None, 1000, T0, values)
    isolated = registry.issue_token("demo", "BTCUSDT", 1000, T0, values)
    risk = registry.open_listen_key(GrantKind.RISK_KEY, "demo", None, T0, values)

    def position(account: str, symbol: str | None) -> BalanceEvent:
        return BalanceEvent(seq=1, account=account, isolated_symbol=symbol, time_ms=T0, balances=[])

    assert cross.covers(position("demo", None)) and not cross.covers(position("demo", "BTCUSDT"))
    assert isolated.covers(position("demo", "BTCUSDT")) and not isolated.covers(position("demo", None))
    assert not cross.covers(position("other", None))
    assert not risk.covers(position("demo", None))
