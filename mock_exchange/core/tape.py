"""The trade tape: every trade the fake exchange prints, and bare price moves, in time order.

A :class:`TapeEntry` is either a **trade** (``trade_id >= 0``: a fill of a user's order,
or the part of a control-plane ``trade`` that no resting order took) or a **price point**
(``trade_id == -1``, zero quantity: a ``set_price`` / ``price_path`` move). Price points
move a candle's open / high / low / close but add no volume, no trade and no trade id.

Trade ids are per symbol, consecutive from 0 (after any warm-up history's trades), as on
Binance. Aggregate trade ids follow Binance's rule (rest-api.md, "Compressed/Aggregate
trades list"): consecutive trades with the same taker, the same price and the same time
share one aggregate id. The taker of a maker fill is the print that crossed it.

Each entry also keeps ``after_seq``, the exchange event log's last sequence number when it
was printed: with a frozen clock every print and order event share one millisecond, and
this is what still says which came first (a run report draws orders and prices in that
order). -1 means unknown (an older snapshot's entry).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

NO_ID = -1


@dataclass(frozen=True, slots=True)
class TapeEntry:
    """One trade or price point on a symbol's tape."""

    time_ms: int
    price: Decimal
    qty: Decimal  # zero for a price point
    trade_id: int = NO_ID
    agg_id: int = NO_ID
    is_buyer_maker: bool = False
    taker: int = 0  # aggregation key: the taker order id, or minus the print's sequence number
    after_seq: int = NO_ID  # the event log's last seq when printed (-1: unknown)

    @property
    def is_trade(self) -> bool:
        return self.trade_id >= 0

    @property
    def quote_qty(self) -> Decimal:
        return self.price * self.qty

    def to_list(self) -> list[object]:
        return [self.time_ms, str(self.price), str(self.qty), self.trade_id, self.agg_id, self.is_buyer_maker,
                self.taker, self.after_seq]

    @classmethod
    def from_list(cls, row: list[object]) -> TapeEntry:
        if not isinstance(row, list) or len(row) not in (3, 7, 8):
            raise ValueError("a tape entry is [time_ms, price, qty, trade_id, agg_id, is_buyer_maker, taker, "
                             "after_seq]")
        if len(row) == 3:  # an older snapshot's [time, price, qty] print: a price point
            return cls(int(str(row[0])), Decimal(str(row[1])), Decimal(0))
        time_ms, price, qty, trade_id, agg_id, maker, taker = row[:7]
        after_seq = int(str(row[7])) if len(row) == 8 else NO_ID  # 7 fields: an older snapshot
        if not isinstance(maker, bool):
            raise ValueError("is_buyer_maker must be a boolean")
        return cls(int(str(time_ms)), Decimal(str(price)), Decimal(str(qty)), int(str(trade_id)),
                   int(str(agg_id)), maker, int(str(taker)), after_seq)

    def size_bytes(self) -> int:
        """A fair estimate of the memory this entry holds (object, two Decimals, list slots)."""
        return 200 + 2 * 8 + len(str(self.price)) + len(str(self.qty))


@dataclass(frozen=True, slots=True)
class AggTrade:
    """One row of GET /api/v3/aggTrades."""

    agg_id: int
    price: Decimal
    qty: Decimal
    first_id: int
    last_id: int
    time_ms: int
    is_buyer_maker: bool


def aggregate(trades: list[TapeEntry]) -> list[AggTrade]:
    """Trades (consecutive, ascending) folded by aggregate id."""
    rows: list[AggTrade] = []
    for trade in trades:
        if rows and rows[-1].agg_id == trade.agg_id:
            last = rows[-1]
            rows[-1] = AggTrade(last.agg_id, last.price, last.qty + trade.qty, last.first_id, trade.trade_id,
                                last.time_ms, last.is_buyer_maker)
        else:
            rows.append(AggTrade(trade.agg_id, trade.price, trade.qty, trade.trade_id, trade.trade_id,
                                 trade.time_ms, trade.is_buyer_maker))
    return rows
