"""The engine's working context: state, clock, ids, market, event log, and the emit helpers.

Every engine module takes an :class:`EngineContext` first. Balance changes mark
``(account, isolated symbol, asset)`` dirty; :meth:`EngineContext.flush_balances` turns
the marks into one :class:`BalanceEvent` per margin account at the end of a step, after
the step's order and list events (spec §9.4).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from mock_exchange.core.accounts import Account, MarginAccount, WalletBalances
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.config import ExchangeConfig, SymbolConfig
from mock_exchange.core.enums import ExecutionType
from mock_exchange.core.events import (
    BalanceEntry,
    BalanceEvent,
    EventLog,
    ListStatusEvent,
    OrderEvent,
)
from mock_exchange.core.ids import IdGenerator
from mock_exchange.core.market import Market
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order
from mock_exchange.core.requests import Fill
from mock_exchange.core.state import HISTORY_RETENTION, ExchangeState, InterestRecord
from mock_exchange.core.valuation import IndexPrices

# The first-fill listener table is pruned of ended orders when it reaches twice its size after the
# last pruning, and never below this.
FIRST_FILL_PRUNE_MIN = 1024


def isolated_symbol_of(order: Order | OrderList) -> str | None:
    return order.symbol if order.isolated else None


@dataclass
class EngineContext:
    """What the engine functions work on; owned by :class:`~mock_exchange.core.exchange.Exchange`."""

    config: ExchangeConfig
    state: ExchangeState
    clock: ExchangeClock
    ids: IdGenerator
    market: Market
    log: EventLog
    # (account, isolated symbol, spot) -> assets changed since the last flush, in change order
    dirty: dict[tuple[str, str | None, bool], dict[str, None]] = field(default_factory=dict)
    # Whom to tell of a spot order's first fill, by order id: the listener of the placement that
    # made it (Exchange.placing_for: the unfilled order count of the app that counted it, so apps
    # sharing one exchange keep their own). ``placing_listener`` answers the placement under way's.
    first_fill_listeners: dict[int, Callable[[Order], None]] = field(default_factory=dict)
    placing_listener: Callable[[], Callable[[Order], None] | None] = lambda: None
    # Not told: the order whose placement is under way counts its own arrival fills.
    arriving_order_id: int = -1
    _prune_listeners_at: int = field(default=FIRST_FILL_PRUNE_MIN, init=False)

    def now(self) -> int:
        return self.clock.now_ms()

    def note_placed(self, order: Order) -> None:
        """A new order: a spot one's first fill will be told to the listener of its placement, if any."""
        if not order.spot:
            return  # margin orders are not counted: no thread-local read for them
        listener = self.placing_listener()
        if listener is None:
            return
        listeners = self.first_fill_listeners
        if len(listeners) >= self._prune_listeners_at:
            # Orders that ended unfilled (cancelled, expired) are never told: forgotten here, so the
            # table stays within twice the open spot orders.
            orders = self.state.orders
            listeners = self.first_fill_listeners = {i: f for i, f in listeners.items() if orders[i].is_open}
            self._prune_listeners_at = max(FIRST_FILL_PRUNE_MIN, 2 * len(listeners))
        listeners[order.order_id] = listener

    def tell_first_fill(self, order: Order) -> None:
        """A spot order filled for the first time, after its placement: tell whom its placement named."""
        listener = self.first_fill_listeners.pop(order.order_id, None)
        if listener is not None:
            listener(order)

    def index_prices(self) -> IndexPrices:
        """The prices margin accounts are valued at (index price where set, else last price)."""
        return IndexPrices(self.market, self.state.index_prices)

    def symbol(self, name: str) -> SymbolConfig:
        return self.state.symbols[name]

    def account(self, name: str) -> Account:
        return self.state.accounts[name]

    def margin_account(self, account: str, isolated_symbol: str | None) -> MarginAccount:
        """The margin account, with interest accrued up to now (interest accrues lazily)."""
        found = self.state.accounts[account].margin_account(isolated_symbol)
        now = self.clock.now_ms()
        if not found.accrual_due(now):
            return found  # within the hour: the common case, asked several times per engine call
        accrual = found.accrue_interest(now, self.config.margin, HISTORY_RETENTION)
        for asset, amount in accrual.charged.items():
            self.state.add_interest(asset, amount)
        if accrual.hours:
            self.state.add_interest_records([
                InterestRecord(self.ids.next("interest"), account, isolated_symbol, charge.asset, charge.principal,
                               charge.hourly_rate, charge.amount, charge.time_ms)
                for charge in accrual.hours
            ])
        return found

    def margin_account_of(self, order: Order | OrderList) -> MarginAccount:
        """The margin account an order or list trades in (interest accrued)."""
        return self.margin_account(order.account, isolated_symbol_of(order))

    def wallet(self, account: str, isolated_symbol: str | None, spot: bool = False) -> WalletBalances:
        """The spot wallet, or the margin account (interest accrued) of a scope."""
        if spot:
            return self.state.accounts[account].spot
        return self.margin_account(account, isolated_symbol)

    def wallet_of(self, order: Order | OrderList) -> WalletBalances:
        """The wallet an order or list trades in: its spot wallet or its margin account."""
        return self.wallet(order.account, isolated_symbol_of(order), order.spot)

    # -- events ------------------------------------------------------------------------

    def mark(self, account: str, isolated_symbol: str | None, asset: str, spot: bool = False) -> None:
        """Note that ``asset`` of a wallet changed (for the next balance event)."""
        self.dirty.setdefault((account, isolated_symbol, spot), {})[asset] = None

    def mark_order(self, order: Order, asset: str) -> None:
        """Note that ``asset`` of the wallet ``order`` trades in changed."""
        self.mark(order.account, isolated_symbol_of(order), asset, order.spot)

    def emit_order(
        self,
        order: Order,
        execution_type: ExecutionType,
        *,
        fill: Fill | None = None,
        cancel_client_order_id: str | None = None,
        reject_reason: str = "NONE",
    ) -> None:
        """An executionReport for ``order`` as it is now."""
        event = OrderEvent(
            seq=self.log.next_seq(),
            account=order.account,
            isolated_symbol=isolated_symbol_of(order),
            time_ms=self.clock.now_ms(),
            execution_type=execution_type,
            order=order,
            client_order_id=cancel_client_order_id or order.client_order_id,
            orig_client_order_id=order.client_order_id if cancel_client_order_id else "",
            reject_reason=reject_reason,
            spot=order.spot,
        )
        if fill is not None:
            event.last_qty = fill.qty
            event.last_price = fill.price
            event.last_quote_qty = fill.qty * fill.price
            event.commission = fill.commission
            event.commission_asset = fill.commission_asset
            event.trade_id = fill.trade_id
            event.is_maker = fill.is_maker
        self.log.append(event)

    def emit_list(self, order_list: OrderList) -> None:
        """A listStatus for ``order_list`` as it is now."""
        orders = self.state.orders
        # The legs' orders themselves: a leg's symbol, id and client id never change.
        legs = tuple(orders[oid] for oid in order_list.order_ids)
        self.log.append(ListStatusEvent(
            seq=self.log.next_seq(),
            account=order_list.account,
            isolated_symbol=isolated_symbol_of(order_list),
            time_ms=self.clock.now_ms(),
            order_list=order_list,
            legs=legs,
            spot=order_list.spot,
        ))

    def flush_balances(self) -> None:
        """One balance event per wallet touched since the last flush."""
        pending, self.dirty = self.dirty, {}
        for (account, isolated_symbol, spot), assets in pending.items():
            owner = self.state.accounts[account]
            wallet: WalletBalances = owner.spot if spot else owner.margin_account(isolated_symbol)
            entries = []
            for asset in assets:
                balance = wallet.balance(asset)
                entries.append(BalanceEntry(asset, balance.free, balance.locked))
            self.log.append(BalanceEvent(
                seq=self.log.next_seq(),
                account=account,
                isolated_symbol=isolated_symbol,
                time_ms=self.clock.now_ms(),
                balances=tuple(entries),
                spot=spot,
            ))
