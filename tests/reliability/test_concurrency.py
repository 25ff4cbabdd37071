"""Many threads trading at once on shared accounts and symbols, over real HTTP on loopback.

8 workers (4 as 'demo', 4 as 'other') place, cancel and query orders and lists, borrow and
repay, and move the market through the control API, all at the same time, against one
waitress server. Bounded: 8 x 250 operations or 30 s, whichever ends first (a soak runs
rounds until its budget is spent). After each round:

- every answer kept the response contract (checked as it arrived);
- no engine invariant is broken (no overfill, no OCO with two executed legs, no pending
  leg live before its working order filled, every asset conserved to the last satoshi
  with fees and loans accounted for, locked = reserved);
- order ids are unique, and each placed order belongs to the account that placed it;
- the journal holds every Binance request sent exactly once.
"""

from __future__ import annotations

from collections import Counter

import pytest

from mock_exchange.control import LocalControl
from mock_exchange.testing import LiveServer
from tests.reliability.invariants import configured_totals, violations
from tests.reliability.support import Budget, exchange_of, frozen_app, record_violations, run_until
from tests.reliability.workload import Worker, run_workers

THREADS = 8
OPS_PER_THREAD = 250
ROUND_CAP_S = 30


def check_round(app: object, control: LocalControl, workers: list[Worker]) -> None:
    errors = [error for worker in workers for error in worker.errors]
    assert not errors, errors
    exchange = exchange_of(app)  # type: ignore[arg-type]
    with exchange.lock:
        found = record_violations(violations(exchange.state, configured_totals(exchange.initial_config)))
        orders = {order_id: order.account for order_id, order in exchange.state.orders.items()}
    assert not found, found

    placed = [(order_id, p.account) for w in workers for p in w.placed for order_id in p.order_ids]
    ids = Counter(order_id for order_id, _ in placed)
    assert [i for i, n in ids.items() if n > 1] == [], "an order id was handed out twice"
    assert [(i, a) for i, a in placed if orders.get(i) != a] == [], "a placed order is missing or not its owner's"

    sent = Counter(request_id for w in workers for request_id in w.sent_ids)
    journaled = Counter(entry["headers"].get("X-Request-Id") for entry in control.journal())
    missing = sent - journaled
    extra = journaled - sent
    assert not missing and not extra, f"journal: {sum(missing.values())} missing, {sum(extra.values())} extra"
    assert control.journal_count() == sum(sent.values())


@pytest.mark.soak(weight=4)
def test_concurrent_trading_keeps_every_invariant(budget: Budget) -> None:
    app = frozen_app()
    control = LocalControl(app)
    totals = {"workers": 0, "operations": 0, "placed": 0}
    with LiveServer(app, threads=THREADS) as server:

        def one_round(index: int) -> None:
            control.clear_journal()
            workers = run_workers(server, THREADS, OPS_PER_THREAD, ROUND_CAP_S, first=index * THREADS)
            check_round(app, control, workers)
            totals["workers"] += len(workers)
            totals["operations"] += sum(w.done for w in workers)
            totals["placed"] += sum(len(w.placed) for w in workers)

        run_until(budget, 1, one_round)
    assert totals["operations"] >= THREADS * 10, totals  # the round did real work, not just time out
    assert totals["placed"] > 0
    state = exchange_of(app).state
    assert state.trades and any(not o.is_open for o in state.orders.values()), "nothing filled or ended"
