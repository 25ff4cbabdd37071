"""Older snapshot formats, brought to the current one before the snapshot rules run.

Version 1 numbered fills with one exchange-wide trade counter and keyed ``state.trades`` by
it; version 2 gives a fill the trade id of its print on the symbol's tape (core.tape), the id
Binance shows for it in myTrades, the executionReport and the public trades alike, and lists
the trades in fill order. Each fill was printed as one tape entry, in the order of the old
ids, so a symbol's fills are paired with its tape trades in order.

The rule, one for every fill: a fill takes the earliest tape trade after the previous fill's
(in trade id order) that has what its own print had: its time, price and quantity, its side
(the buyer was the maker for a maker BUY or a taker SELL) and its taker (a taker fill's print
names its order; a maker fill's names the print it filled in, a key of zero or below, never an
order). A taker fill's print is therefore certain. A maker fill's is not always: a market
print fills resting orders first and trades its untaken rest last, under the same key, so a
public trade can be identical in all of these to a maker fill's print (the same millisecond,
as on a frozen clock, the maker's limit at the print's price, the same quantity and side).
The tape keeps nothing else that tells them apart, so the earliest one wins; either way the
fill's id is a trade on the tape with exactly its time, price, quantity and side.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from mock_exchange.core.enums import Side
from mock_exchange.core.orders import Trade
from mock_exchange.core.snapshot_rules import fail


def renumber_v1_trades(trades: Mapping[int, Trade], market: Mapping[str, Any]) -> list[Trade]:
    """Version 1's trades (old id -> trade) with their tape ids, in fill order.

    ``market`` has passed ``snapshot_rules.check_market``. The tape keeps its newest entries
    and folds the oldest into bars (core.history), so a long-running exchange's oldest fills
    may have no print left: those, the oldest fills of their symbol and no later than the
    tape's first entry, take the ids just below the first trade the tape kept, in fill order
    (the folded prints had ids below it, at least one per such fill); the others take their
    prints by the module's rule. Any other fill with no matching print cannot be renumbered:
    the snapshot is refused.
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
        tape = market[symbol]["tape"]
        prints = sorted((row for row in tape if len(row) >= 7 and row[3] >= 0), key=lambda row: row[3])
        fills = [trades[old_id] for old_id in old_ids]
        ids = _match_forward(fills, prints)
        if isinstance(ids, int):  # the index of the first fill without a print
            ids = _match_after_folding(fills, prints, min(row[0] for row in tape)) or ids
        if isinstance(ids, int):
            fail(f"state.trades.{old_ids[ids]}", f"no trade on the {symbol} tape is this fill's print, so it "
                                                 "cannot get its per-symbol trade id (version 1 snapshot)")
        for old_id, trade_id in zip(old_ids, ids, strict=True):
            renumbered[old_id] = dataclasses.replace(trades[old_id], trade_id=trade_id)
    return [renumbered[old_id] for old_id in sorted(trades)]


def _match_forward(fills: list[Trade], prints: list[list[Any]]) -> list[int] | int:
    """Each fill's print id by the module's rule (the earliest candidate after the previous
    fill's); else the index of the first fill with no print."""
    ids, at = [], 0
    for index, trade in enumerate(fills):
        while at < len(prints) and not _is_print_of(prints[at], trade):
            at += 1
        if at == len(prints):
            return index
        ids.append(prints[at][3])
        at += 1
    return ids


def _match_after_folding(fills: list[Trade], prints: list[list[Any]], tape_start_ms: int) -> list[int] | None:
    """The ids when the fills without a print are the oldest ones, from before the tape's first
    entry (folded away); None when that is not so."""
    folded = _oldest_without_prints(fills, prints)
    if not prints or any(trade.time_ms > tape_start_ms for trade in fills[:folded]):
        return None
    # The newer fills all have prints (in order), so the same rule as without folding pairs them.
    matched = _match_forward(fills[folded:], prints)
    assert not isinstance(matched, int)  # pragma: no cover - a subsequence matches oldest first too
    lowest = prints[0][3]  # the folded prints' ids were all below the first trade kept
    if lowest < folded:
        return None
    return list(range(lowest - folded, lowest)) + matched


def _oldest_without_prints(fills: list[Trade], prints: list[list[Any]]) -> int:
    """How many of the oldest fills cannot have a print: the fewest to leave out so that the rest
    match the tape in order (found newest first, each taking the latest candidate it can)."""
    at = len(prints) - 1
    for index in range(len(fills) - 1, -1, -1):
        while at >= 0 and not _is_print_of(prints[at], fills[index]):
            at -= 1
        if at < 0:
            return index + 1
        at -= 1
    return 0


def _is_print_of(row: list[Any], trade: Trade) -> bool:
    """Whether tape trade ``row`` has what ``trade``'s own print had (the module's rule)."""
    if row[0] != trade.time_ms or Decimal(row[1]) != trade.price or Decimal(row[2]) != trade.qty:
        return False
    if row[5] != ((trade.side is Side.BUY) == trade.is_maker):
        return False
    return bool(row[6] <= 0) if trade.is_maker else bool(row[6] == trade.order_id)
