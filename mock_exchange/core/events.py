"""Domain events: what changed, for whom, in Binance's emission order (spec §9.4).

Every order change appends an :class:`OrderEvent` (the user data stream's
``executionReport``), every change to an order list a :class:`ListStatusEvent`
(``listStatus``), and each step ends with one :class:`BalanceEvent` per touched margin
account (``outboundAccountPosition``: free and locked of the assets that changed).
Borrowing, repaying and balance edits by the control plane add a :class:`LiabilityEvent`
or a :class:`BalanceEvent`; a transfer into or out of a margin account a :class:`TransferEvent`
(a spot order's events carry ``spot``: the spot user data stream). A margin level crossing a bar adds a
:class:`MarginLevelEvent`. Events carry snapshots (copies), never live objects.

Order within one engine step: the executionReports (the other OCO leg's EXPIRED before the
executing leg's TRADE; a working order's TRADE before its pending legs' NEW), then the
listStatus, then the balance events, then the margin level status changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import ExecutionType
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order


@dataclass(slots=True)
class OrderEvent:
    """An order changed (``executionReport``)."""

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    execution_type: ExecutionType
    order: Order  # a snapshot after the change
    # ``c`` / ``C`` of the report: for a cancel, the cancel's id and the order's own id.
    client_order_id: str
    orig_client_order_id: str = ""
    last_qty: Decimal = ZERO
    last_price: Decimal = ZERO
    last_quote_qty: Decimal = ZERO
    commission: Decimal = ZERO
    commission_asset: str | None = None
    trade_id: int = -1
    is_maker: bool = False
    reject_reason: str = "NONE"
    kind: str = "order"
    spot: bool = False  # the spot wallet's stream (core.scopes)


@dataclass(slots=True)
class ListLeg:
    symbol: str
    order_id: int
    client_order_id: str


@dataclass(slots=True)
class ListStatusEvent:
    """An order list changed (``listStatus``)."""

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    order_list: OrderList  # a snapshot
    legs: Sequence[ListLeg]  # a tuple as the engine writes it (smaller than a list)
    reject_reason: str = "NONE"
    kind: str = "list_status"
    spot: bool = False  # the spot wallet's stream (core.scopes)


@dataclass(slots=True)
class BalanceEntry:
    asset: str
    free: Decimal
    locked: Decimal


@dataclass(slots=True)
class BalanceEvent:
    """Free / locked after a change, for the assets that changed (``outboundAccountPosition``)."""

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    balances: list[BalanceEntry]
    kind: str = "balance"
    spot: bool = False  # the spot wallet's stream (core.scopes)


@dataclass(slots=True)
class LiabilityEvent:
    """A loan or a repayment (``balanceUpdate`` / ``USER_LIABILITY_CHANGE``)."""

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    asset: str
    type: str  # "BORROW" or "REPAY"
    amount: Decimal  # change of free balance (positive for a loan, negative for a repayment)
    principal: Decimal
    interest: Decimal
    tran_id: int
    kind: str = "liability"


@dataclass(slots=True)
class TransferEvent:
    """Funds moved into (positive ``delta``) or out of a margin account by a transfer (``balanceUpdate``)."""

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    asset: str
    delta: Decimal
    tran_id: int
    kind: str = "balance_update"
    spot: bool = False  # the spot wallet's side of a transfer (core.scopes)


@dataclass(slots=True)
class MarginLevelEvent:
    """A margin account's margin level crossed a bar (``MARGIN_LEVEL_STATUS_CHANGE``).

    Written after the other events of the step that moved the level (core/margin_risk.py).
    """

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    level: Decimal
    status: str  # a MarginLevelStatus value
    previous: str
    kind: str = "margin_level_status"


@dataclass(slots=True)
class ReplayEndEvent:
    """A market data replay printed the last row of its file (no account's: never on a user stream)."""

    seq: int
    time_ms: int
    symbol: str
    source: str  # the file's name
    prints: int
    account: str = ""
    isolated_symbol: str | None = None
    kind: str = "replay_end"


Event = (OrderEvent | ListStatusEvent | BalanceEvent | LiabilityEvent | TransferEvent | MarginLevelEvent
         | ReplayEndEvent)


# How many of the newest events are kept for the user stream and the control API. An event
# keeps a copy of what it reports (~500 bytes); with 100,000 kept, an open order list's
# share of the log outweighed the list itself (docs/behaviour.md, "Event retention").
EVENT_RETENTION = 10_000


@dataclass
class EventLog:
    """The append-only event list; ``seq`` starts at 1 and has no gaps."""

    events: list[Event] = field(default_factory=list)
    # Events dropped from the front by :meth:`trim`; seq n lives at index n - 1 - dropped.
    dropped: int = 0

    @property
    def last_seq(self) -> int:
        return self.dropped + len(self.events)

    def next_seq(self) -> int:
        return self.last_seq + 1

    def append(self, event: Event) -> None:
        """Add the next event (its seq must follow on); the oldest go once past the retention."""
        if event.seq != self.next_seq():
            raise ValueError(f"event seq {event.seq} out of order (expected {self.next_seq()})")
        self.events.append(event)
        # Trimmed in batches so the cost stays amortised; a fake that runs for hours under a
        # load test must not grow without bound (docs/behaviour.md, "Event retention").
        if len(self.events) > EVENT_RETENTION + EVENT_RETENTION // 10:
            self.trim(EVENT_RETENTION)

    def since(self, seq: int, account: str | None = None) -> list[Event]:
        """Events with a sequence number above ``seq``, optionally of one account only."""
        start = max(seq - self.dropped, 0)
        tail = self.events[start:]
        if account is None:
            return list(tail)
        return [event for event in tail if event.account == account]

    def trim(self, keep_last: int) -> None:
        """Forget all but the newest ``keep_last`` events (long soak runs)."""
        excess = len(self.events) - keep_last
        if excess > 0:
            del self.events[:excess]
            self.dropped += excess
