"""The facade's lock: concurrent placements, cancels and prints keep every invariant."""

from __future__ import annotations

import random
import threading

from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.requests import NewOco, NewOrder
from tests.core.engine_helpers import D, asset_totals, check_invariants, check_rebuild, make_exchange

BTC = "BTCUSDT"


def test_concurrent_calls_are_atomic() -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    errors: list[BaseException] = []

    def trader(account: str, seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(150):
                last = ex.market.last_price(BTC)
                try:
                    if rng.random() < 0.4:
                        ex.place_oco(account, NewOco(BTC, Side.SELL, D("0.01"), price=last + rng.randint(1, 300),
                                                     stop_price=last - rng.randint(1, 300)))
                    elif rng.random() < 0.7:
                        ex.place_order(account, NewOrder(BTC, rng.choice((Side.BUY, Side.SELL)), OrderType.LIMIT,
                                                         quantity=D("0.01"), price=last + rng.randint(-300, 300),
                                                         time_in_force=TimeInForce.GTC))
                    else:
                        mine = ex.open_orders(account, BTC)
                        if mine:
                            ex.cancel_order(account, BTC, order_id=rng.choice(mine).order_id)
                except BinanceError:
                    pass
        except BaseException as exc:  # noqa: BLE001 - surfaced by the assertion below
            errors.append(exc)

    def market(seed: int) -> None:
        rng = random.Random(seed)
        try:
            for _ in range(150):
                ex.set_price(BTC, D(30000 + rng.randint(-600, 600)))
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=trader, args=(name, i)) for i, name in enumerate(("alice", "bob", "alice"))]
    threads.append(threading.Thread(target=market, args=(99,)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    check_invariants(ex, start)
    check_rebuild(ex)
    assert len(ex.state.trades) > 0
