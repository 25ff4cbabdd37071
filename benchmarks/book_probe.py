"""Large-book probes, each run in a fresh process by run.py; prints one JSON object.

    python benchmarks/book_probe.py scaling --sizes 1000,10000,100000 --k 10 --rounds 15
    python benchmarks/book_probe.py memory --lists 100000 --breakdown-lists 10000

``scaling``: the cost of one price event that triggers and fills ``k`` orders while ``N``
other orders rest on the same symbol. The N resting orders are N/2 OCO SELL lists placed
through the ``Exchange`` facade by a dedicated account (``whale``): their LIMIT_MAKER legs
rest in the asks at 40,000-49,999 and their STOP_LOSS legs wait in the stop index at
10,000-19,999, spread over 10,000 price levels each, so nothing the event does reaches
them. Each round places k OCO SELL lists (stop 29,990, limit 35,000), times
``set_price(29,980)``, which triggers the k stops, fills them at 29,980 and expires their
k limit legs, checks that k trades happened, and puts the price back to 30,000 (untimed).

``memory``: resident memory growth per open OCO list: RSS before and after placing
``--lists`` OCO lists through the facade (after ``gc.collect()``), divided by the count,
and the same after the first ``--breakdown-lists`` of them;
then, with tracemalloc on a smaller run, how much of it the event log holds.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import WHALE, bench_config  # noqa: E402

from mock_exchange.core.enums import Side  # noqa: E402
from mock_exchange.core.exchange import Exchange  # noqa: E402
from mock_exchange.core.requests import NewOco  # noqa: E402

QTY = Decimal("0.001")
LEVELS = 10_000
_PRICES = [Decimal(40_000 + i) for i in range(LEVELS)]
_STOPS = [Decimal(10_000 + i) for i in range(LEVELS)]


def rest_far_away(exchange: Exchange, lists: int) -> float:
    """Place ``lists`` OCO SELL lists that no benchmark print reaches; returns seconds taken."""
    started = time.perf_counter()
    for n in range(lists):
        exchange.place_oco(WHALE, NewOco(symbol="BTCUSDT", side=Side.SELL, quantity=QTY,
                                         price=_PRICES[n % LEVELS], stop_price=_STOPS[(n * 7) % LEVELS]))
    return time.perf_counter() - started


def event_cost(resting: int, k: int, rounds: int) -> dict[str, object]:
    exchange = Exchange(bench_config())
    setup_s = rest_far_away(exchange, resting // 2)
    open_orders = sum(1 for order in exchange.state.orders.values() if order.is_open)
    assert open_orders == resting, (open_orders, resting)
    near_stop, near_limit = Decimal("29990"), Decimal("35000")
    costs = []
    for _ in range(rounds):
        for _ in range(k):
            exchange.place_oco(WHALE, NewOco(symbol="BTCUSDT", side=Side.SELL, quantity=QTY, price=near_limit,
                                             stop_price=near_stop))
        started = time.perf_counter()
        events = exchange.set_price("BTCUSDT", Decimal("29980"))
        costs.append(time.perf_counter() - started)
        trades = sum(1 for e in events if getattr(e, "execution_type", None) == "TRADE")
        assert trades == k, (trades, k)
        exchange.set_price("BTCUSDT", Decimal("30000"))
    return {"resting_orders": resting, "k": k, "rounds": rounds, "median_us": statistics.median(costs) * 1e6,
            "min_us": min(costs) * 1e6, "max_us": max(costs) * 1e6,
            "setup_s": setup_s, "setup_lists_per_s": (resting // 2) / setup_s if setup_s else None}


def rss_bytes() -> int:
    """Current resident set size (Linux); peak RSS elsewhere (it only grows here)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak if sys.platform == "darwin" else peak * 1024


def memory(lists: int, breakdown_lists: int) -> dict[str, object]:
    exchange = Exchange(bench_config())
    rest_far_away(exchange, 10)  # warm every code path and lazily created structure first
    gc.collect()
    before = rss_bytes()
    # The growth after the first ``breakdown_lists`` lists too (the target holds at both sizes).
    first = min(breakdown_lists, lists) if breakdown_lists else 0
    setup_s = rest_far_away(exchange, first)
    gc.collect()
    at_first = rss_bytes()
    setup_s += rest_far_away(exchange, lists - first)
    gc.collect()
    after = rss_bytes()
    open_lists = sum(1 for order_list in exchange.state.order_lists.values() if order_list.is_open)
    per_list = {str(lists): (after - before) / lists}
    if first:
        per_list[str(first)] = (at_first - before) / first
    result: dict[str, object] = {
        "lists": lists, "open_lists": open_lists, "rss_before_mb": before / 2**20, "rss_after_mb": after / 2**20,
        "bytes_per_list": (after - before) / lists, "bytes_per_list_at": per_list,
        "events": exchange.events.last_seq, "setup_s": setup_s,
    }
    if breakdown_lists:
        import tracemalloc

        small = Exchange(bench_config())
        rest_far_away(small, 10)
        gc.collect()
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        rest_far_away(small, breakdown_lists)
        gc.collect()
        total = tracemalloc.get_traced_memory()[0] - base
        events_before = small.events.last_seq
        small.events.trim(0)
        gc.collect()
        without_events = tracemalloc.get_traced_memory()[0] - base
        tracemalloc.stop()
        result["breakdown"] = {
            "lists": breakdown_lists, "traced_bytes_per_list": total / breakdown_lists,
            "event_log_bytes_per_list": (total - without_events) / breakdown_lists,
            "state_bytes_per_list": without_events / breakdown_lists,
            "events_per_list": events_before / breakdown_lists,
        }
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("mode", choices=("scaling", "memory"))
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--lists", type=int, default=100_000)
    parser.add_argument("--breakdown-lists", type=int, default=10_000)
    args = parser.parse_args()
    if args.mode == "scaling":
        rows = [event_cost(int(n), args.k, args.rounds) for n in args.sizes.split(",")]
        print(json.dumps({"rows": rows}))
    else:
        print(json.dumps(memory(args.lists, args.breakdown_lists)))


if __name__ == "__main__":
    main()
