"""Domain events: what changed, for whom, in Binance's emission order (spec §9.4).

Every order change appends an :class:`OrderEvent` (the user data stream's
``executionReport``), every change to an order list a :class:`ListStatusEvent`
(``listStatus``), and each step ends with one :class:`BalanceEvent` per touched margin
account (``outboundAccountPosition``: free and locked of the assets that changed).
Borrowing, repaying and balance edits by the control plane add a :class:`LiabilityEvent`
or a :class:`BalanceEvent`; a transfer into or out of a margin account a :class:`TransferEvent`
(a spot order's events carry ``spot``: the spot user data stream). A margin level crossing a bar adds a
:class:`MarginLevelEvent`. Events report the state after their change, whatever happens later:
an order or list event keeps the fields that change as they were (and reads the fixed ones
from the record itself).

Order within one engine step: the executionReports (the other OCO leg's EXPIRED before the
executing leg's TRADE; a working order's TRADE before its pending legs' NEW), then the
listStatus, then the balance events, then the margin level status changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import ClassVar, Protocol

from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import ExecutionType, ListOrderStatus, ListStatusType
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, OrderState, order_as_of, order_state
from mock_exchange.core.records import clone


@dataclass(slots=True, init=False)
class OrderEvent:
    """An order changed (``executionReport``).

    The event keeps the order and the fields that change after placement as they were
    (``core.orders.order_state``); :attr:`order` rebuilds the snapshot from them when read.
    A full copy per event cost about 270 bytes; the changing fields cost about 130.
    """

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    execution_type: ExecutionType
    source: Order  # the order (its fixed fields); read the snapshot through ``order``
    state: OrderState  # its changing fields after the change
    # ``c`` / ``C`` of the report: for a cancel, the cancel's id and the order's own id.
    client_order_id: str
    orig_client_order_id: str
    last_qty: Decimal
    last_price: Decimal
    last_quote_qty: Decimal
    commission: Decimal
    commission_asset: str | None
    trade_id: int
    is_maker: bool
    reject_reason: str
    spot: bool  # the spot wallet's stream (core.scopes)
    kind: ClassVar[str] = "order"

    def __init__(self, seq: int, account: str, isolated_symbol: str | None, time_ms: int,
                 execution_type: ExecutionType, order: Order, client_order_id: str, orig_client_order_id: str = "",
                 last_qty: Decimal = ZERO, last_price: Decimal = ZERO, last_quote_qty: Decimal = ZERO,
                 commission: Decimal = ZERO, commission_asset: str | None = None, trade_id: int = -1,
                 is_maker: bool = False, reject_reason: str = "NONE", spot: bool = False) -> None:
        self.seq, self.account, self.isolated_symbol, self.time_ms = seq, account, isolated_symbol, time_ms
        self.execution_type = execution_type
        self.source, self.state = order, order_state(order)
        self.client_order_id, self.orig_client_order_id = client_order_id, orig_client_order_id
        self.last_qty, self.last_price, self.last_quote_qty = last_qty, last_price, last_quote_qty
        self.commission, self.commission_asset, self.trade_id = commission, commission_asset, trade_id
        self.is_maker, self.reject_reason, self.spot = is_maker, reject_reason, spot

    @property
    def order(self) -> Order:
        """The order as it was after the change (a fresh copy per read)."""
        return order_as_of(self.source, self.state)


class LegLike(Protocol):
    """One leg of a listStatus: a :class:`ListLeg`, or the leg's order itself (same fields)."""

    @property
    def symbol(self) -> str: ...
    @property
    def order_id(self) -> int: ...
    @property
    def client_order_id(self) -> str: ...


@dataclass(slots=True)
class ListLeg:
    symbol: str
    order_id: int
    client_order_id: str


@dataclass(slots=True, init=False)
class ListStatusEvent:
    """An order list changed (``listStatus``).

    Keeps the list and its two statuses as they were (nothing else of a list changes after
    placement); :attr:`order_list` rebuilds the snapshot when read.
    """

    seq: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    source: OrderList  # the list (its fixed fields); read the snapshot through ``order_list``
    list_status_type: ListStatusType
    list_order_status: ListOrderStatus
    # The legs' orders as the engine writes them (their symbol, id and client id never change).
    legs: Sequence[LegLike]
    reject_reason: str
    spot: bool  # the spot wallet's stream (core.scopes)
    kind: ClassVar[str] = "list_status"

    def __init__(self, seq: int, account: str, isolated_symbol: str | None, time_ms: int, order_list: OrderList,
                 legs: Sequence[LegLike], reject_reason: str = "NONE", spot: bool = False) -> None:
        self.seq, self.account, self.isolated_symbol, self.time_ms = seq, account, isolated_symbol, time_ms
        self.source, self.legs, self.reject_reason, self.spot = order_list, legs, reject_reason, spot
        self.list_status_type, self.list_order_status = order_list.list_status_type, order_list.list_order_status

    @property
    def order_list(self) -> OrderList:
        """The list as it was after the change (a fresh copy per read)."""
        copy = clone(self.source)
        copy.list_status_type, copy.list_order_status = self.list_status_type, self.list_order_status
        return copy


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
    balances: Sequence[BalanceEntry]  # a tuple as the engine writes it (smaller than a list)
    kind: ClassVar[str] = "balance"
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
    # The newest event :meth:`trim` has dropped (0: none): a reader behind it missed events. A
    # snapshot restore starts a new log with ``dropped`` set (numbering carries on), trimmed_through 0.
    trimmed_through: int = 0

    @property
    def last_seq(self) -> int:
        return self.dropped + len(self.events)

    def next_seq(self) -> int:
        return self.dropped + len(self.events) + 1

    def append(self, event: Event) -> None:
        """Add the next event (its seq must follow on); the oldest go once past the retention."""
        events = self.events
        if event.seq != self.dropped + len(events) + 1:
            raise ValueError(f"event seq {event.seq} out of order (expected {self.next_seq()})")
        events.append(event)
        # Trimmed in batches of 1 % so the cost stays amortised (moving 10,000 pointers per 100
        # events) and the log stays within 1 % of its bound (it was 10 %: up to 1,000 more events
        # kept); a fake that runs for hours under a load test must not grow without bound
        # (docs/behaviour.md, "Event retention").
        if len(events) > EVENT_RETENTION + EVENT_RETENTION // 100:
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
            self.trimmed_through = self.dropped
