"""Older snapshot formats, brought to the current one before the snapshot rules run.

Version 1 numbered fills with one exchange-wide trade counter and keyed ``state.trades`` by
it; version 2 gives a fill the trade id of its print on the symbol's tape (core.tape), the id
Binance shows for it in myTrades, the executionReport and the public trades alike, and lists
the trades in fill order. Each fill was printed as one tape entry with its time, price and
quantity, in the order of the old ids, so walking a symbol's fills and its tape trades in
order pairs them (a taker fill's entry also names its order as the taker).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mock_exchange.core.orders import Trade
from mock_exchange.core.snapshot_rules import fail


def renumber_v1_trades(trades: Mapping[int, Trade], market: Mapping[str, Any]) -> list[Trade]:
    """Version 1's trades (old id -> trade) with their tape ids, in fill order.

    ``market`` has passed ``snapshot_rules.check_market``. A fill with no matching print
    (its tape entry folded into bars long ago) cannot be renumbered: the snapshot is refused.
    """
    by_symbol: dict[str, list[int]] = {}
    for old_id in sorted(trades):
        trade = trades[old_id]
        if trade.trade_id != old_id:
            fail(f"state.trades.{old_id}.trade_id", f"must be {old_id}")
        if trade.symbol not in market:
            fail(f"state.trades.{old_id}.symbol", f"no symbol {trade.symbol!r}")
        by_symbol.setdefault(trade.symbol, []).append(old_id)
    renumbered: dict[int, Trade] = {}
    for symbol, old_ids in by_symbol.items():
        prints = sorted((row for row in market[symbol]["tape"] if len(row) >= 7 and row[3] >= 0),
                        key=lambda row: row[3])
        at = 0
        for old_id in old_ids:
            trade = trades[old_id]
            while at < len(prints) and not _is_print_of(prints[at], trade):
                at += 1
            if at == len(prints):
                fail(f"state.trades.{old_id}", f"no trade on the {symbol} tape is this fill's print, so it "
                                               "cannot get its per-symbol trade id (version 1 snapshot)")
            renumbered[old_id] = dataclasses.replace(trade, trade_id=prints[at][3])
            at += 1
    return [renumbered[old_id] for old_id in sorted(trades)]


def _is_print_of(row: list[Any], trade: Trade) -> bool:
    if row[0] != trade.time_ms or Decimal(row[1]) != trade.price or Decimal(row[2]) != trade.qty:
        return False
    return trade.is_maker or row[6] == trade.order_id
