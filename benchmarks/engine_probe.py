"""The engine's CPU per OCO place + cancel, through the ``Exchange`` facade as the views call it.

    python benchmarks/engine_probe.py                      # margin and spot, CPU µs per cycle
    python benchmarks/engine_probe.py --cycles 5000 --rounds 5
    python benchmarks/engine_probe.py --profile margin     # cProfile of the margin loop, top 40
    python benchmarks/engine_probe.py --digest             # a hash of every answer, event and the snapshot

The margin cycle is ``place_oco`` (the legacy names, as ``/sapi/v1/margin/order/oco`` builds
its ``NewOco``) then ``cancel_order_list`` by ``orderListId``; the spot cycle is
``place_pair_oco`` (``/api/v3/orderList/oco``, above / below legs) then the spot cancel. The
request objects are built inside the loop, as each request builds its own. CPU time
(``time.process_time``) per cycle, the median of ``--rounds`` rounds.

``--digest`` runs a fixed number of cycles on a frozen clock and prints a SHA-256 over the
answers (their wire shapes), the user-stream payloads of every event and the snapshot:
an engine change that keeps the outputs byte-identical keeps the digest.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import hashlib
import json
import pstats
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import bench_config  # noqa: E402

from mock_exchange.core.clock import ExchangeClock  # noqa: E402
from mock_exchange.core.enums import OrderType, SelfTradePreventionMode, Side, SideEffectType, TimeInForce  # noqa: E402
from mock_exchange.core.exchange import Exchange  # noqa: E402
from mock_exchange.core.requests import LegSpec, NewOco, NewOrderListOco  # noqa: E402

ACCOUNT = "demo"
QTY, PRICE, STOP, STOP_LIMIT = Decimal("0.001"), Decimal("31000"), Decimal("29000"), Decimal("28900")


def margin_cycle(exchange: Exchange) -> tuple[Any, Any]:
    request = NewOco(symbol="BTCUSDT", side=Side("SELL"), quantity=QTY, price=PRICE, stop_price=STOP,
                     stop_limit_price=STOP_LIMIT, stop_limit_time_in_force=TimeInForce("GTC"),
                     isolated=False, side_effect_type=SideEffectType("NO_SIDE_EFFECT"), auto_repay_at_cancel=True,
                     self_trade_prevention_mode=None)
    placed = exchange.place_oco(ACCOUNT, request)
    cancelled = exchange.cancel_order_list(ACCOUNT, "BTCUSDT", False, order_list_id=placed.order_list.order_list_id,
                                           new_client_order_id=None)
    return placed, cancelled


def spot_cycle(exchange: Exchange) -> tuple[Any, Any]:
    side = "SELL"
    above = LegSpec(type=OrderType("LIMIT_MAKER"), side=Side(side), quantity=QTY, price=PRICE)
    below = LegSpec(type=OrderType("STOP_LOSS_LIMIT"), side=Side(side), quantity=QTY, price=STOP_LIMIT,
                    stop_price=STOP, time_in_force=TimeInForce("GTC"))
    stp: SelfTradePreventionMode | None = None
    request = NewOrderListOco(symbol="BTCUSDT", above=above, below=below, list_client_order_id=None, spot=True,
                              self_trade_prevention_mode=stp)
    placed = exchange.place_pair_oco(ACCOUNT, request)
    cancelled = exchange.cancel_order_list(ACCOUNT, "BTCUSDT", order_list_id=placed.order_list.order_list_id,
                                           new_client_order_id=None, spot=True)
    return placed, cancelled


CYCLES = {"margin": margin_cycle, "spot": spot_cycle}


def cpu_per_cycle(kind: str, cycles: int, rounds: int) -> dict[str, Any]:
    cycle = CYCLES[kind]
    exchange = Exchange(bench_config())
    for _ in range(200):  # warm every path and lazily built table
        cycle(exchange)
    figures = []
    for _ in range(rounds):
        gc.collect()
        started = time.process_time()
        for _ in range(cycles):
            cycle(exchange)
        figures.append((time.process_time() - started) / cycles * 1e6)
    return {"kind": kind, "cycles": cycles, "median_us": statistics.median(figures), "min_us": min(figures),
            "rounds_us": [round(f, 1) for f in figures]}


def profile(kind: str, cycles: int, top: int) -> None:
    cycle = CYCLES[kind]
    exchange = Exchange(bench_config())
    for _ in range(200):
        cycle(exchange)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(cycles):
        cycle(exchange)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(top)
    stats.sort_stats("cumulative").print_stats(top)


def digest(cycles: int) -> str:
    from mock_exchange.core import snapshot, user_stream
    from mock_exchange.web import serializers, spot_serializers

    sha = hashlib.sha256()
    clock = ExchangeClock(frozen_at_ms=1_700_000_000_000)
    exchange = Exchange(bench_config(), clock=clock, seed=7)
    for n in range(cycles):
        for kind, cycle in CYCLES.items():
            placed, cancelled = cycle(exchange)
            if kind == "margin":
                answers = [
                    serializers.list_placement_response(placed.order_list, placed.orders, "FULL",
                                                        placed.transaction_time_ms, placed.fills,
                                                        placed.margin_buy_borrow_amount,
                                                        placed.margin_buy_borrow_asset),
                    serializers.list_cancel_response(cancelled.order_list, cancelled.orders,
                                                     cancelled.cancel_client_order_id, cancelled.transaction_time_ms),
                ]
            else:
                answers = [
                    spot_serializers.list_placement(placed.order_list, placed.orders, "FULL",
                                                    placed.transaction_time_ms, placed.fills),
                    spot_serializers.list_cancel(cancelled.order_list, cancelled.orders,
                                                 cancelled.cancel_client_order_id, cancelled.transaction_time_ms),
                ]
            sha.update(json.dumps(answers, default=str).encode())
        if n % 7 == 0:
            clock.advance(13)
    # Then a loan, interest over hours, and a price path that triggers stops, fills and expires legs.
    exchange.borrow(ACCOUNT, "USDT", Decimal("5000"))
    exchange.borrow(ACCOUNT, "BTC", Decimal("0.01"), isolated_symbol="BTCUSDT")
    for hours in (1, 2, 5):
        clock.advance(hours * 3_600_000 + 17)
        placed, _ = margin_cycle(exchange)
        sha.update(json.dumps(serializers.list_placement_response(
            placed.order_list, placed.orders, "FULL", placed.transaction_time_ms, placed.fills,
            placed.margin_buy_borrow_amount, placed.margin_buy_borrow_asset), default=str).encode())
        exchange.place_oco(ACCOUNT, NewOco(symbol="BTCUSDT", side=Side.SELL, quantity=QTY, price=PRICE,
                                           stop_price=STOP, stop_limit_price=STOP_LIMIT,
                                           stop_limit_time_in_force=TimeInForce.GTC, isolated=True))
        spot_cycle(exchange)
    for price in ("30500", "28950", "31500", "30000"):
        exchange.set_price("BTCUSDT", Decimal(price))
    exchange.repay(ACCOUNT, "USDT", Decimal("4000"))
    for event in exchange.events.since(0):
        sha.update(json.dumps([event.seq, event.kind, user_stream.to_payload(event)], default=str).encode())
    sha.update(json.dumps(snapshot.snapshot(exchange), default=str, sort_keys=True).encode())
    return sha.hexdigest()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cycles", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--kinds", default="margin,spot")
    parser.add_argument("--profile", choices=sorted(CYCLES))
    parser.add_argument("--top", type=int, default=40)
    parser.add_argument("--digest", action="store_true")
    args = parser.parse_args(argv)
    if args.digest:
        print(digest(min(args.cycles, 300)))
    elif args.profile:
        profile(args.profile, args.cycles, args.top)
    else:
        print(json.dumps([cpu_per_cycle(kind, args.cycles, args.rounds) for kind in args.kinds.split(",")]))


if __name__ == "__main__":
    main()
