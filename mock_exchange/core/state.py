"""All mutable exchange state in plain dataclasses and dicts, plus its derived indexes.

The primary records are ``accounts``, ``orders``, ``order_lists``, ``trades``,
``borrow_history``, the fee / interest ledgers and the order-rate windows. Everything
under "derived" is an index over them that :meth:`ExchangeState.rebuild_indexes`
recreates, so a snapshot only needs the primary records (plus ids, market and clock).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from mock_exchange.core.accounts import Account
from mock_exchange.core.book import Book
from mock_exchange.core.config import SymbolConfig
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.scopes import Scope, scope_of_flags

CROSS = "CROSS"
ISOLATED = "ISOLATED"


def scope_key(symbol: str, isolated: bool, spot: bool = False) -> str:
    """Orders of one symbol in one account scope (spot, cross or isolated, core.scopes): the unit
    of Binance's per-symbol limits and queries."""
    # Asked ~10 times per placement and cancel: each key is formatted once.
    cache_key = (symbol, isolated, spot)
    found = _SCOPE_KEYS.get(cache_key)
    if found is None:
        found = f"{symbol}|{scope_of_flags(isolated, spot)}"
        if len(_SCOPE_KEYS) < _SCOPE_KEYS_KEPT:
            _SCOPE_KEYS[cache_key] = found
    return found


_SCOPE_KEYS: dict[tuple[str, bool, bool], str] = {}
_SCOPE_KEYS_KEPT = 10_000  # symbols x 3 scopes; a process defining more formats the rest each time


def scope_of(order: Order | OrderList | Trade) -> str:
    return scope_key(order.symbol, order.isolated, order.spot)


def is_cross_scope(key: str) -> bool:
    return key.endswith("|" + CROSS)


def key_scope(key: str) -> Scope:
    """The scope a :func:`scope_key` names."""
    found = _KEY_SCOPES.get(key)
    if found is None:
        found = Scope(key.rpartition("|")[2])
        if len(_KEY_SCOPES) < _SCOPE_KEYS_KEPT:
            _KEY_SCOPES[key] = found
    return found


_KEY_SCOPES: dict[str, Scope] = {}


@dataclass
class ScopeCounts:
    """Open orders in one scope, as the MAX_NUM_* filters count them."""

    orders: int = 0
    algo: int = 0
    iceberg: int = 0
    lists: int = 0


@dataclass
class BorrowRepayRecord:
    """One row of GET /sapi/v1/margin/borrow-repay."""

    tran_id: int
    account: str
    isolated_symbol: str | None
    type: str  # "BORROW" / "REPAY"
    asset: str
    amount: Decimal
    principal: Decimal
    interest: Decimal
    time_ms: int
    kind: str = "MANUAL"  # "MANUAL", or "AUTO" for side effects of orders
    status: str = "CONFIRMED"
    by_liquidation: bool = False  # a repayment a liquidation made (capital flow: REPAY_LIQUIDATION)


# Wallet names as Binance's transfer histories show them (transFrom / transTo).
SPOT_WALLET = "SPOT"
CROSS_WALLET = "CROSS_MARGIN"
ISOLATED_WALLET = "ISOLATED_MARGIN"
# The newest records kept of each history (transfers, interest charges): a fake that runs
# for months with a loan open must stay bounded.
HISTORY_RETENTION = 100_000


@dataclass
class TransferRecord:
    """One universal transfer between two wallets of an account (GET asset/transfer, margin/transfer)."""

    tran_id: int
    account: str
    type: str  # the universal transfer type as requested, e.g. "MAIN_MARGIN"
    asset: str
    amount: Decimal
    from_wallet: str  # SPOT_WALLET / CROSS_WALLET / ISOLATED_WALLET
    to_wallet: str
    from_symbol: str | None
    to_symbol: str | None
    time_ms: int
    status: str = "CONFIRMED"


@dataclass
class InterestRecord:
    """One hour's interest charged on one asset of one margin account (GET margin/interestHistory)."""

    tx_id: int
    account: str
    isolated_symbol: str | None
    asset: str
    principal: Decimal
    hourly_rate: Decimal
    interest: Decimal
    time_ms: int
    type: str = "PERIODIC"


@dataclass
class LiquidationRecord:
    """One liquidation order (GET /sapi/v1/margin/forceLiquidationRec shows the forced ones)."""

    order_id: int
    account: str
    isolated_symbol: str | None
    time_ms: int
    forced: bool = True  # False: made by POST /sapi/v1/margin/manual-liquidation


@dataclass
class WriteOff:
    """Debt a liquidation could not repay from the account's assets, taken over by the exchange."""

    account: str
    isolated_symbol: str | None
    asset: str
    principal: Decimal
    interest: Decimal
    time_ms: int


@dataclass
class ExchangeState:
    """Everything that changes while the exchange runs (except ids, market and clock)."""

    symbols: dict[str, SymbolConfig]
    accounts: dict[str, Account]
    orders: dict[int, Order] = field(default_factory=dict)
    order_lists: dict[int, OrderList] = field(default_factory=dict)
    # (symbol, trade id) -> fill, in fill order: trade ids are per symbol, the tape's (core.tape).
    trades: dict[tuple[str, int], Trade] = field(default_factory=dict)
    borrow_history: list[BorrowRepayRecord] = field(default_factory=list)
    fees_collected: dict[str, Decimal] = field(default_factory=dict)
    interest_charged: dict[str, Decimal] = field(default_factory=dict)
    transfers: list[TransferRecord] = field(default_factory=list)
    interest_history: list[InterestRecord] = field(default_factory=list)
    # symbol -> index price set through the control plane (else the index is the last price)
    index_prices: dict[str, Decimal] = field(default_factory=dict)
    # Orders placed by liquidations (core/liquidation.py), and debt they had to write off.
    liquidations: list[LiquidationRecord] = field(default_factory=list)
    write_offs: list[WriteOff] = field(default_factory=list)
    # account -> interval name -> [window start ms, orders placed in the window]
    # -- derived ---------------------------------------------------------------------
    book: Book = field(default_factory=Book)
    open_orders: dict[str, dict[str, dict[int, None]]] = field(default_factory=dict)
    open_lists: dict[str, dict[str, dict[int, None]]] = field(default_factory=dict)
    open_counts: dict[str, dict[str, ScopeCounts]] = field(default_factory=dict)
    # (account, spot) -> client id -> open order / list id: spot and margin keep apart client ids
    # (two systems on Binance); cross and isolated margin share theirs.
    open_client_ids: dict[tuple[str, bool], dict[str, int]] = field(default_factory=dict)
    open_list_client_ids: dict[tuple[str, bool], dict[str, int]] = field(default_factory=dict)
    order_history: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    list_history: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    trade_history: dict[str, dict[str, list[int]]] = field(default_factory=dict)

    # -- orders ----------------------------------------------------------------------

    def add_order(self, order: Order) -> None:
        """A new order: recorded, and indexed as open when it is."""
        self.orders[order.order_id] = order
        key = scope_of(order)
        self.order_history.setdefault(order.account, {}).setdefault(key, []).append(order.order_id)
        if order.is_open:
            self._index_open_order(order, key)

    def _index_open_order(self, order: Order, key: str | None = None) -> None:
        if key is None:
            key = scope_of(order)
        self.open_orders.setdefault(order.account, {}).setdefault(key, {})[order.order_id] = None
        counts = self.counts(order.account, key)
        counts.orders += 1
        counts.algo += int(order.type.is_stop)
        counts.iceberg += int(order.iceberg_qty > 0)
        self.open_client_ids.setdefault((order.account, order.spot), {})[order.client_order_id] = order.order_id

    def order_closed(self, order: Order) -> None:
        """The order reached a final status: out of the open indexes and the book."""
        key = scope_of(order)
        scope = self.open_orders.get(order.account, {}).get(key)
        if scope is None or order.order_id not in scope:
            return
        del scope[order.order_id]
        counts = self.counts(order.account, key)
        counts.orders -= 1
        counts.algo -= int(order.type.is_stop)
        counts.iceberg -= int(order.iceberg_qty > 0)
        ids = self.open_client_ids.get((order.account, order.spot), {})
        if ids.get(order.client_order_id) == order.order_id:
            del ids[order.client_order_id]
        self.book.remove(order)

    def counts(self, account: str, key: str) -> ScopeCounts:
        """The open-order counters of one account scope (created at zero)."""
        per_account = self.open_counts.setdefault(account, {})
        found = per_account.get(key)
        if found is None:
            found = per_account[key] = ScopeCounts()
        return found

    # -- order lists -------------------------------------------------------------------

    def add_order_list(self, order_list: OrderList) -> None:
        """A new list: recorded, and indexed as open when it is."""
        self.order_lists[order_list.order_list_id] = order_list
        key = scope_of(order_list)
        self.list_history.setdefault(order_list.account, {}).setdefault(key, []).append(order_list.order_list_id)
        if order_list.is_open:
            self._index_open_list(order_list, key)

    def _index_open_list(self, order_list: OrderList, key: str | None = None) -> None:
        if key is None:
            key = scope_of(order_list)
        self.open_lists.setdefault(order_list.account, {}).setdefault(key, {})[order_list.order_list_id] = None
        self.counts(order_list.account, key).lists += 1
        ids = self.open_list_client_ids.setdefault((order_list.account, order_list.spot), {})
        ids[order_list.list_client_order_id] = order_list.order_list_id

    def order_list_closed(self, order_list: OrderList) -> None:
        """The list is done: out of the open indexes."""
        key = scope_of(order_list)
        scope = self.open_lists.get(order_list.account, {}).get(key)
        if scope is None or order_list.order_list_id not in scope:
            return
        del scope[order_list.order_list_id]
        self.counts(order_list.account, key).lists -= 1
        ids = self.open_list_client_ids.get((order_list.account, order_list.spot), {})
        if ids.get(order_list.list_client_order_id) == order_list.order_list_id:
            del ids[order_list.list_client_order_id]

    # -- trades ------------------------------------------------------------------------

    def add_trade(self, trade: Trade) -> None:
        """Record a fill."""
        self.trades[(trade.symbol, trade.trade_id)] = trade
        self.trade_history.setdefault(trade.account, {}).setdefault(scope_of(trade), []).append(trade.trade_id)

    # -- ledgers -----------------------------------------------------------------------

    def add_fee(self, asset: str, amount: Decimal) -> None:
        """Book commission charged in ``asset``."""
        self.fees_collected[asset] = self.fees_collected.get(asset, Decimal(0)) + amount

    def add_interest(self, asset: str, amount: Decimal) -> None:
        """Book interest charged in ``asset``."""
        self.interest_charged[asset] = self.interest_charged.get(asset, Decimal(0)) + amount

    def add_transfer(self, record: TransferRecord) -> None:
        self.transfers.append(record)
        _trim(self.transfers)

    def add_interest_records(self, records: list[InterestRecord]) -> None:
        self.interest_history.extend(records)
        _trim(self.interest_history)

    def add_liquidation(self, record: LiquidationRecord) -> None:
        self.liquidations.append(record)
        _trim(self.liquidations)

    def add_write_off(self, record: WriteOff) -> None:
        self.write_offs.append(record)
        _trim(self.write_offs)

    # -- derived indexes -----------------------------------------------------------------

    def rebuild_indexes(self) -> None:
        """Recreate every derived index from orders, lists and trades (after a restore)."""
        self.book = Book()
        self.open_orders, self.open_lists, self.open_counts = {}, {}, {}
        self.open_client_ids, self.open_list_client_ids = {}, {}
        self.order_history, self.list_history, self.trade_history = {}, {}, {}
        for order_id in sorted(self.orders):
            order = self.orders[order_id]
            self.order_history.setdefault(order.account, {}).setdefault(scope_of(order), []).append(order_id)
            if order.is_open:
                self._index_open_order(order)
        for list_id in sorted(self.order_lists):
            order_list = self.order_lists[list_id]
            self.list_history.setdefault(order_list.account, {}).setdefault(scope_of(order_list), []).append(list_id)
            if order_list.is_open:
                self._index_open_list(order_list)
        for trade in self.trades.values():  # in fill order: a symbol's ids ascend
            self.trade_history.setdefault(trade.account, {}).setdefault(scope_of(trade), []).append(trade.trade_id)
        self.book.rebuild(order for order in self.orders.values() if order.is_open)


def _trim(history: list[TransferRecord] | list[InterestRecord] | list[LiquidationRecord] | list[WriteOff]) -> None:
    # In batches, so appending stays amortised O(1).
    if len(history) > HISTORY_RETENTION + HISTORY_RETENTION // 10:
        del history[:len(history) - HISTORY_RETENTION]
