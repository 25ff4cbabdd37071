"""The synthetic book's diff: applying it to the old book gives the new one, for any move."""

from __future__ import annotations

import random
from decimal import Decimal

from mock_exchange.core import depth

TICK = Decimal("0.01")


def book(last: Decimal) -> tuple[dict[Decimal, Decimal], dict[Decimal, Decimal]]:
    return dict(depth.bids(last, TICK)), dict(depth.asks(last, TICK))


def test_the_diff_turns_the_old_book_into_the_new_one_on_and_off_the_grid() -> None:
    rng = random.Random(5)
    moves = [(Decimal(100), Decimal("100.01")), (Decimal(100), Decimal(200)), (Decimal(100), Decimal("0.5")),
             (Decimal(40), Decimal("40.005")), (Decimal("30000"), Decimal("29999.5"))]
    moves += [(Decimal(100), Decimal(100) + TICK * rng.randint(-9000, 9000)) for _ in range(20)]
    for before, after in moves:
        bids, asks = book(before)
        bid_changes, ask_changes = depth.diff(before, after, TICK)
        for side, changes in ((bids, bid_changes), (asks, ask_changes)):
            for price, qty in changes:
                if qty == 0:
                    del side[price]  # a removal names a level that was there
                else:
                    assert price not in side
                    side[price] = qty
        assert (bids, asks) == book(after), (before, after)
        assert [p for p, _ in bid_changes] == sorted((p for p, _ in bid_changes), reverse=True)
        assert [p for p, _ in ask_changes] == sorted(p for p, _ in ask_changes)


def test_a_one_tick_move_changes_two_levels_a_side() -> None:
    bids, asks = depth.diff(Decimal(100), Decimal("100.01"), TICK)
    assert bids == [(Decimal("100.00"), Decimal(1)), (Decimal("50.00"), Decimal(0))]
    assert asks == [(Decimal("100.01"), Decimal(0)), (Decimal("150.01"), Decimal(1))]


def test_the_update_log_keeps_a_bounded_tail() -> None:
    log = depth.UpdateLog()
    for i in range(depth.MAX_LOGGED_UPDATES + 10):
        log.record(i, Decimal(100), Decimal(101))
    assert log.last_id == depth.FIRST_UPDATE_ID + depth.MAX_LOGGED_UPDATES + 10
    assert log.since(log.last_id) == []
    assert log.since(depth.FIRST_UPDATE_ID) is None  # its first updates are gone
    assert [u.update_id for u in log.since(log.last_id - 2) or []] == [log.last_id - 1, log.last_id]
