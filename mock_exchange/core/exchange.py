"""The Exchange facade: the one door the web layer, the control plane, scenarios and tests use.

Every public method holds ``exchange.lock`` (a re-entrant lock), so each request and
each market event is applied atomically. Accounts are passed as an :class:`Account` or
its name and always resolved by name, so an ``Account`` fetched before a :meth:`reset`
still works. Errors are :class:`~mock_exchange.core.errors.BinanceError`; a rejected
request changes nothing. All results are copies.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any, TypeVar

from mock_exchange.core import (
    cancels,
    errors,
    funding,
    history,
    liquidation,
    margin_reports,
    margin_risk,
    matching,
    placement,
    queries,
    transfers,
    valuation,
    wallet_history,
    warmup,
)
from mock_exchange.core.accounts import Account, AssetBalance, MarginAccount, SpotWallet
from mock_exchange.core.candles import Kline, WindowStats
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.config import AccountConfig, ExchangeConfig, SymbolConfig
from mock_exchange.core.context import EngineContext
from mock_exchange.core.depth import BookUpdate, tick_size
from mock_exchange.core.enums import OrderStatus
from mock_exchange.core.errors import (
    BinanceError,
    balance_not_enough,
    exceed_max_borrowable,
    invalid_api_key,
    invalid_param_value,
    invalid_symbol,
    not_valid_margin_asset,
    order_does_not_exist,
    order_list_does_not_exist,
    repay_exceeds_liability,
)
from mock_exchange.core.events import (  # noqa: F401  (EventLog: type of .events)
    Event,
    EventLog,
    MarginLevelEvent,
    ReplayEndEvent,
)
from mock_exchange.core.ids import IdGenerator
from mock_exchange.core.intervals import Interval
from mock_exchange.core.margin_level import MarginLevelStatus
from mock_exchange.core.margin_risk import LevelKey
from mock_exchange.core.market import Market
from mock_exchange.core.order_lists import OrderList
from mock_exchange.core.orders import Order, Trade
from mock_exchange.core.records import clone
from mock_exchange.core.requests import (
    CommissionRates,
    ListCancelResult,
    ListPlacementResult,
    NewOco,
    NewOrder,
    NewOrderListOco,
    NewOto,
    NewOtoco,
    OrderCancelResult,
    PlacementResult,
)
from mock_exchange.core.state import BorrowRepayRecord, ExchangeState, InterestRecord, TransferRecord
from mock_exchange.core.tape import AggTrade, TapeEntry
from mock_exchange.core.user_stream import GrantKind, StreamGrant, StreamRegistry

AccountRef = Account | str
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _changes_state(method: F) -> F:
    """Counts a call as a change of state (persistent mode writes the state file when it moved)."""

    @functools.wraps(method)
    def counted(self: Exchange, *args: Any, **kwargs: Any) -> Any:
        with self.lock:
            try:
                result = method(self, *args, **kwargs)
                # Any change may move a margin level across a bar (a print, a fill, a loan...).
                self._watch_margin_levels()
                return result
            finally:
                self.changes += 1

    return counted  # type: ignore[return-value]


class Exchange:
    """A deterministic fake Binance margin exchange (domain only, no HTTP)."""

    def __init__(self, config: ExchangeConfig, clock: ExchangeClock | None = None, seed: int | None = None) -> None:
        self.lock = threading.RLock()
        # Bumped by every call that may change the state (never by reads), so a watcher can
        # tell "something changed" by comparing one integer.
        self.changes = 0
        self.initial_config = config
        self.clock = clock if clock is not None else ExchangeClock()
        # The first-fill listener of the placement each thread is making (placing_for).
        self._placing = threading.local()
        self._build(config, config.seed if seed is None else seed)

    def _build(self, config: ExchangeConfig, seed: int) -> None:
        now = self.clock.now_ms()
        self.started_ms = now
        self.config = config
        self.ids = IdGenerator(seed)
        self.market = Market({name: spec.last_price for name, spec in config.symbols.items()}, now,
                             {name: w for name, spec in config.symbols.items()
                              if (w := warmup.warm_up_for(spec, seed, now)) is not None})
        self.events = EventLog()
        state = ExchangeState(
            symbols=dict(config.symbols),
            accounts={spec.name: Account.from_config(spec, now) for spec in config.accounts},
        )
        self._ctx = EngineContext(config, state, self.clock, self.ids, self.market, self.events,
                                  placing_listener=self._placing_listener)
        # The margin level status each indebted account last reported (None: take a baseline).
        self._level_statuses: dict[margin_risk.LevelKey, MarginLevelStatus] | None = None
        self._watch_margin_levels()  # configured loans: their statuses are the starting point

    # -- state and administration ------------------------------------------------------

    @contextlib.contextmanager
    def placing_for(self, listener: Callable[[Order], None]) -> Iterator[None]:
        """Inside, this thread's placements name ``listener``: it is told of the first fill of each
        spot order they make, except one made while that order's own placement is under way (the
        placement counts it). The spot unfilled order count of the app that counted the order
        (web/pipeline.count_orders): two apps serving one exchange each keep their own."""
        previous = getattr(self._placing, "listener", None)
        self._placing.listener = listener
        try:
            yield
        finally:
            self._placing.listener = previous

    def _placing_listener(self) -> Callable[[Order], None] | None:
        return getattr(self._placing, "listener", None)

    @property
    def state(self) -> ExchangeState:
        """The live state (for snapshots and invariant checks; mutate only through methods)."""
        return self._ctx.state

    @property
    def accounts(self) -> dict[str, Account]:
        """Accounts by name (live objects)."""
        return self._ctx.state.accounts

    @property
    def fees_collected(self) -> dict[str, Decimal]:
        """Commission charged so far, per asset (the only money that leaves the accounts)."""
        return self._ctx.state.fees_collected

    def account_by_api_key(self, api_key: str) -> Account | None:
        """The account owning ``api_key``, or None."""
        with self.lock:
            for account in self._ctx.state.accounts.values():
                if account.api_key == api_key:
                    return account
            return None

    @_changes_state
    def reset(self, seed: int | None = None) -> None:
        """Back to the configured initial state (symbols, accounts, prices), ids from ``seed``."""
        with self.lock:
            self._build(self.initial_config, self.initial_config.seed if seed is None else seed)

    @_changes_state
    def add_symbol(self, spec: SymbolConfig) -> None:
        """Add (or redefine) a symbol at run time; a new symbol starts at its ``last_price``."""
        with self.lock:
            if spec.symbol not in self._ctx.state.symbols:
                now = self.clock.now_ms()
                self.market.add_symbol(spec.symbol, spec.last_price, now,
                                       warmup.warm_up_for(spec, self.ids.seed, now))
            self._ctx.state.symbols[spec.symbol] = spec
            self._set_config(dataclasses.replace(self.config, symbols={**self.config.symbols, spec.symbol: spec}))

    @_changes_state
    def add_account(self, spec: AccountConfig) -> Account:
        """Create an account at run time (its name and API key must be new)."""
        with self.lock:
            accounts = self._ctx.state.accounts
            if spec.name in accounts or any(a.api_key == spec.api_key for a in accounts.values()):
                raise ValueError(f"account {spec.name!r} or its API key already exists")
            accounts[spec.name] = Account.from_config(spec, self.clock.now_ms())
            self._set_config(dataclasses.replace(self.config, accounts=(*self.config.accounts, spec)))
            return accounts[spec.name]

    def _set_config(self, config: ExchangeConfig) -> None:
        self.config = config
        self._ctx.config = config

    @_changes_state
    def add_isolated_pair(self, account: AccountRef, symbol: str) -> MarginAccount:
        """Open an isolated margin account for ``symbol`` (no-op when it exists)."""
        with self.lock:
            found = self._account(account)
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            if symbol not in found.isolated:
                found.isolated[symbol] = MarginAccount(symbol, {}, self.clock.now_ms())
            return found.isolated[symbol]

    @_changes_state
    def set_balance(self, account: AccountRef, asset: str, free: Decimal | None = None,
                    borrowed: Decimal | None = None, interest: Decimal | None = None,
                    isolated_symbol: str | None = None) -> None:
        """Control plane: set an asset's free / borrowed / interest (locked stays with the orders)."""
        with self.lock:
            found = self._account(account)
            if isolated_symbol is not None:
                spec = self._ctx.state.symbols.get(isolated_symbol)
                if spec is None:
                    raise invalid_symbol()
                if asset not in (spec.base_asset, spec.quote_asset):
                    raise not_valid_margin_asset()
                self.add_isolated_pair(found, isolated_symbol)
            entry = self._ctx.margin_account(found.name, isolated_symbol).balance(asset)
            for name, value in (("free", free), ("borrowed", borrowed), ("interest", interest)):
                if value is not None:
                    if value < 0:
                        raise ValueError(f"{name} must not be negative")
                    setattr(entry, name, value)
            self._ctx.mark(found.name, isolated_symbol, asset)
            self._ctx.flush_balances()

    @_changes_state
    def set_spot_balance(self, account: AccountRef, asset: str, free: Decimal) -> None:
        """Control plane: set an asset's free balance in the spot wallet."""
        with self.lock:
            if free < 0:
                raise ValueError("free must not be negative")
            found = self._account(account)
            found.spot.balance(asset).free = free
            self._ctx.mark(found.name, None, asset, spot=True)  # outboundAccountPosition on the spot stream
            self._ctx.flush_balances()

    def _account(self, account: AccountRef) -> Account:
        name = account if isinstance(account, str) else account.name
        found = self._ctx.state.accounts.get(name)
        if found is None:
            raise KeyError(f"no account named {name!r}")
        return found

    @_changes_state
    def rebuild_indexes(self) -> None:
        """Recreate the book and lookup indexes from orders, lists and trades (after a restore)."""
        with self.lock:
            self._ctx.state.rebuild_indexes()
            self._level_statuses = None  # a restored state: its levels are the new baseline
            # Restored orders were counted by no app here (a restore restarts the order counts).
            self._ctx.first_fill_listeners = {}

    # -- placement -----------------------------------------------------------------------

    @_changes_state
    def place_order(self, account: AccountRef, request: NewOrder) -> PlacementResult:
        """POST /sapi/v1/margin/order."""
        with self.lock:
            return placement.place_order(self._ctx, self._account(account), request)

    @_changes_state
    def place_oco(self, account: AccountRef, request: NewOco) -> ListPlacementResult:
        """POST /sapi/v1/margin/order/oco."""
        with self.lock:
            return placement.place_list(self._ctx, placement.draft_oco(self._ctx, self._account(account), request))

    @_changes_state
    def place_pair_oco(self, account: AccountRef, request: NewOrderListOco) -> ListPlacementResult:
        """POST /api/v3/orderList/oco: an OCO named by its above and below legs."""
        with self.lock:
            return placement.place_list(self._ctx, placement.draft_pair_oco(self._ctx, self._account(account),
                                                                            request))

    def test_order(self, account: AccountRef, request: NewOrder) -> None:
        """POST /api/v3/order/test: every check of a placement, nothing placed (raises as it would)."""
        with self.lock:
            placement.draft_order(self._ctx, self._account(account), request)

    @_changes_state
    def place_oto(self, account: AccountRef, request: NewOto) -> ListPlacementResult:
        """POST /sapi/v1/margin/order/oto."""
        with self.lock:
            return placement.place_list(self._ctx, placement.draft_oto(self._ctx, self._account(account), request))

    @_changes_state
    def place_otoco(self, account: AccountRef, request: NewOtoco) -> ListPlacementResult:
        """POST /sapi/v1/margin/order/otoco."""
        with self.lock:
            return placement.place_list(self._ctx, placement.draft_oto(self._ctx, self._account(account), request))

    # -- cancels -------------------------------------------------------------------------

    @_changes_state
    def cancel_order(self, account: AccountRef, symbol: str, isolated: bool = False, order_id: int | None = None,
                     orig_client_order_id: str | None = None, new_client_order_id: str | None = None,
                     spot: bool = False, only_status: OrderStatus | None = None) -> OrderCancelResult:
        """DELETE /sapi/v1/margin/order (``spot``: /api/v3/order); a leg of an open list cancels the whole list.

        ``only_status``: spot's ``cancelRestrictions``, checked against the same order the cancel sees.
        """
        with self.lock:
            found = self._account(account)
            if only_status is not None:
                cancels.check_restriction(self._ctx, found, symbol, order_id, orig_client_order_id, only_status)
            return cancels.cancel_order(self._ctx, found, symbol, isolated, order_id, orig_client_order_id,
                                        new_client_order_id, spot)

    def cancel_replace(self, account: AccountRef, symbol: str, order_id: int | None,
                       orig_client_order_id: str | None, new_client_order_id: str | None,
                       only_status: OrderStatus | None, stop_on_failure: bool, admit: Callable[[], None],
                       place: Callable[[], T]) -> tuple[OrderCancelResult | BinanceError, T | BinanceError | None]:
        """POST /api/v3/order/cancelReplace: cancel a spot order, then ``place`` the new one, nothing in between.

        ``admit`` runs first and may refuse the whole request (the spot order count). Each
        half's rejection is returned rather than raised (the answer shows both); with
        ``stop_on_failure`` a failed cancel leaves the placement unattempted (None).
        """
        with self.lock:
            admit()
            cancel: OrderCancelResult | BinanceError
            try:
                cancel = self.cancel_order(account, symbol, False, order_id, orig_client_order_id,
                                           new_client_order_id, spot=True, only_status=only_status)
            except BinanceError as exc:
                cancel = exc
            if isinstance(cancel, BinanceError) and stop_on_failure:
                return cancel, None
            new: T | BinanceError
            try:
                new = place()
            except BinanceError as exc:
                new = exc
            return cancel, new

    def commission_rates(self, account: AccountRef, symbol: str) -> CommissionRates:
        """GET /api/v3/account/commission, and what POST /api/v3/order/test computes: -1121 for an unknown symbol.

        Every account pays the configured maker and taker rates on every symbol (what
        funding.fill charges), and nothing more as a buyer or a seller.
        """
        with self.lock:
            self._account(account)
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            fees = self._ctx.config.fees
            return CommissionRates(fees.maker, fees.taker)

    @_changes_state
    def cancel_order_list(self, account: AccountRef, symbol: str, isolated: bool = False,
                          order_list_id: int | None = None, list_client_order_id: str | None = None,
                          new_client_order_id: str | None = None, spot: bool = False) -> ListCancelResult:
        """DELETE /sapi/v1/margin/orderList (``spot``: /api/v3/orderList)."""
        with self.lock:
            return cancels.cancel_order_list(self._ctx, self._account(account), symbol, isolated, order_list_id,
                                             list_client_order_id, new_client_order_id, spot)

    @_changes_state
    def cancel_open_orders(self, account: AccountRef, symbol: str, isolated: bool = False,
                           spot: bool = False) -> list[OrderCancelResult | ListCancelResult]:
        """DELETE /sapi/v1/margin/openOrders (``spot``: /api/v3/openOrders): single orders and lists, by order id."""
        with self.lock:
            return cancels.cancel_open_orders(self._ctx, self._account(account), symbol, isolated, spot)

    # -- order queries -------------------------------------------------------------------
    # ``spot=True`` reads the spot scope (the /api/v3 paths), else the margin mode ``isolated`` names.

    def _check_symbol_scope(self, account: Account, symbol: str, isolated: bool, spot: bool = False) -> None:
        if symbol not in self._ctx.state.symbols:
            raise invalid_symbol()
        if not spot:
            account.margin_account(symbol if isolated else None)

    def get_order(self, account: AccountRef, symbol: str, isolated: bool = False, order_id: int | None = None,
                  orig_client_order_id: str | None = None, spot: bool = False) -> Order:
        """GET /sapi/v1/margin/order, /api/v3/order; -2013 "Order does not exist."."""
        with self.lock:
            found_account = self._account(account)
            self._check_symbol_scope(found_account, symbol, isolated, spot)
            order = queries.find_order(self._ctx, found_account.name, symbol, isolated, order_id,
                                       orig_client_order_id, spot)
            if order is None:
                raise order_does_not_exist()
            return clone(order)

    def open_orders(self, account: AccountRef, symbol: str | None = None, isolated: bool = False,
                    spot: bool = False) -> list[Order]:
        """GET /sapi/v1/margin/openOrders, /api/v3/openOrders (ascending order id; no symbol: every symbol)."""
        with self.lock:
            found_account = self._account(account)
            if symbol is not None:
                self._check_symbol_scope(found_account, symbol, isolated, spot)
            return queries.open_orders(self._ctx, found_account.name, symbol, isolated, spot)

    def all_orders(self, account: AccountRef, symbol: str, isolated: bool = False, order_id: int | None = None,
                   start_time: int | None = None, end_time: int | None = None, limit: int = 500,
                   spot: bool = False) -> list[Order]:
        """GET /sapi/v1/margin/allOrders, /api/v3/allOrders."""
        with self.lock:
            found_account = self._account(account)
            self._check_symbol_scope(found_account, symbol, isolated, spot)
            return queries.all_orders(self._ctx, found_account.name, symbol, isolated, order_id, start_time,
                                      end_time, limit, spot)

    def my_trades(self, account: AccountRef, symbol: str, isolated: bool = False, order_id: int | None = None,
                  start_time: int | None = None, end_time: int | None = None, from_id: int | None = None,
                  limit: int = 500, spot: bool = False) -> list[Trade]:
        """GET /sapi/v1/margin/myTrades, /api/v3/myTrades."""
        with self.lock:
            found_account = self._account(account)
            self._check_symbol_scope(found_account, symbol, isolated, spot)
            return queries.my_trades(self._ctx, found_account.name, symbol, isolated, order_id, start_time,
                                     end_time, from_id, limit, spot)

    def get_order_list(self, account: AccountRef, isolated: bool = False, symbol: str | None = None,
                       order_list_id: int | None = None, list_client_order_id: str | None = None,
                       spot: bool = False) -> OrderList:
        """GET /sapi/v1/margin/orderList, /api/v3/orderList; -2013 "Order list does not exist."."""
        with self.lock:
            found_account = self._account(account)
            if isolated and symbol is not None:
                self._check_symbol_scope(found_account, symbol, isolated)
            found = queries.find_order_list(self._ctx, found_account.name, isolated, symbol, order_list_id,
                                            list_client_order_id, spot)
            if found is None:
                raise order_list_does_not_exist()
            return clone(found)

    def order_list_orders(self, order_list: OrderList) -> list[Order]:
        """The list's orders in display order (for ``orders[]`` / ``orderReports[]``)."""
        with self.lock:
            return queries.list_orders(self._ctx, order_list)

    def all_order_lists(self, account: AccountRef, isolated: bool = False, symbol: str | None = None,
                        from_id: int | None = None, start_time: int | None = None, end_time: int | None = None,
                        limit: int = 500, spot: bool = False) -> list[OrderList]:
        """GET /sapi/v1/margin/allOrderList, /api/v3/allOrderList, newest first."""
        with self.lock:
            return queries.all_order_lists(self._ctx, self._account(account).name, isolated, symbol, from_id,
                                           start_time, end_time, limit, spot)

    def open_order_lists(self, account: AccountRef, isolated: bool = False,
                         symbol: str | None = None, spot: bool = False) -> list[OrderList]:
        """GET /sapi/v1/margin/openOrderList, /api/v3/openOrderList, ascending list id."""
        with self.lock:
            return queries.open_order_lists(self._ctx, self._account(account).name, isolated, symbol, spot)

    # -- margin --------------------------------------------------------------------------

    def _check_margin_asset(self, account: Account, asset: str, isolated_symbol: str | None) -> None:
        symbols = self._ctx.state.symbols
        if not account.margin_enabled:
            raise invalid_api_key()
        if isolated_symbol is not None:
            spec = symbols.get(isolated_symbol)
            if spec is None:
                raise invalid_symbol()
            account.margin_account(isolated_symbol)
            if asset not in (spec.base_asset, spec.quote_asset):
                raise not_valid_margin_asset()
        elif not any(asset in (s.base_asset, s.quote_asset) for s in symbols.values() if s.margin_enabled):
            raise not_valid_margin_asset()

    def max_borrowable(self, account: AccountRef, asset: str,
                       isolated_symbol: str | None = None) -> tuple[Decimal, Decimal]:
        """GET /sapi/v1/margin/maxBorrowable: (amount, borrowLimit)."""
        with self.lock:
            found = self._account(account)
            self._check_margin_asset(found, asset, isolated_symbol)
            return funding.max_borrowable(self._ctx, found.name, isolated_symbol, asset)

    @_changes_state
    def borrow(self, account: AccountRef, asset: str, amount: Decimal, isolated_symbol: str | None = None) -> int:
        """POST /sapi/v1/margin/borrow-repay type=BORROW; returns the tranId."""
        with self.lock:
            found = self._account(account)
            self._check_margin_asset(found, asset, isolated_symbol)
            if amount <= 0:
                raise invalid_param_value("amount")
            margin_risk.require_borrow_allowed(self._ctx, found.name, isolated_symbol)
            available, _ = funding.max_borrowable(self._ctx, found.name, isolated_symbol, asset)
            if amount > available:
                raise exceed_max_borrowable()
            tran_id = funding.borrow(self._ctx, found.name, isolated_symbol, asset, amount)
            self._ctx.flush_balances()
            return tran_id

    @_changes_state
    def repay(self, account: AccountRef, asset: str, amount: Decimal, isolated_symbol: str | None = None) -> int:
        """POST /sapi/v1/margin/borrow-repay type=REPAY (interest first); returns the tranId."""
        with self.lock:
            found = self._account(account)
            self._check_margin_asset(found, asset, isolated_symbol)
            if amount <= 0:
                raise invalid_param_value("amount")
            entry = self._ctx.margin_account(found.name, isolated_symbol).balance(asset)
            if amount > entry.liability:
                raise repay_exceeds_liability()
            if amount > entry.free:
                raise balance_not_enough()
            _, tran_id = funding.repay(self._ctx, found.name, isolated_symbol, asset, amount)
            self._ctx.flush_balances()
            return tran_id

    def borrow_repay_history(self, account: AccountRef, type: str, asset: str | None = None,
                             isolated_symbol: str | None = None, tx_id: int | None = None,
                             start_time: int | None = None, end_time: int | None = None, current: int = 1,
                             size: int = 10) -> tuple[list[BorrowRepayRecord], int]:
        """GET /sapi/v1/margin/borrow-repay: (rows of the page, newest first; total)."""
        with self.lock:
            return queries.borrow_repay_history(self._ctx, self._account(account).name, type, asset,
                                                isolated_symbol, tx_id, start_time, end_time, current, size)

    def margin_account(self, account: AccountRef, isolated_symbol: str | None = None) -> MarginAccount:
        """A copy of the cross account or an isolated pair, interest accrued to now (-11001)."""
        with self.lock:
            found = self._account(account)
            return copy.deepcopy(self._ctx.margin_account(found.name, isolated_symbol))

    def account_totals(self, account: AccountRef, isolated_symbol: str | None = None,
                       in_asset: str = valuation.BTC) -> valuation.AccountTotals:
        """Total asset / liability (and net, margin level) of a margin account in ``in_asset``."""
        with self.lock:
            margin = self._ctx.margin_account(self._account(account).name, isolated_symbol)
            return valuation.totals(margin, self._ctx.state.symbols, self._ctx.index_prices(), in_asset)

    def margin_risk(self, account: AccountRef, isolated_symbol: str | None = None) -> margin_risk.MarginRisk:
        """Margin level, status and restrictions of a margin account at index prices (-11001)."""
        with self.lock:
            margin = self._ctx.margin_account(self._account(account).name, isolated_symbol)
            return margin_risk.assess(margin, self._ctx.config.margin, self._ctx.state.symbols,
                                      self._ctx.index_prices())

    def cross_margin_report(self, account: AccountRef) -> margin_reports.CrossMarginReport:
        """GET /sapi/v1/margin/account: the cross account, its level and totals, at one moment."""
        with self.lock:
            return margin_reports.cross_report(self._ctx, self._account(account).name)

    def isolated_margin_reports(self, account: AccountRef,
                                symbols: list[str] | None = None) -> list[margin_reports.IsolatedPairReport]:
        """GET /sapi/v1/margin/isolated/account: every isolated pair (or ``symbols``), at one moment (-11001)."""
        with self.lock:
            return margin_reports.isolated_reports(self._ctx, self._account(account).name, symbols)

    def isolated_pair_count(self, account: AccountRef) -> int:
        """How many isolated pairs the account has enabled (GET /sapi/v1/margin/isolated/accountLimit)."""
        with self.lock:
            return len(self._account(account).isolated)

    @_changes_state
    def check_margin_levels(self) -> None:
        """Report margin level crossings now (after a clock move: interest may have crossed a bar)."""

    def _watch_margin_levels(self) -> None:
        """Status changes since last time, and the forced liquidations they call for.

        Each account whose band changed gets one MARGIN_LEVEL_STATUS_CHANGE; then each account
        at FORCE_LIQUIDATION is liquidated (unless ``margin.auto_liquidation`` is off), and the
        statuses it ends in are reported too (core/liquidation.py; docs/behaviour.md).
        """
        ctx = self._ctx
        now = margin_risk.current_statuses(ctx)
        if not now and self._level_statuses == {}:
            return  # nothing owed before or now: nothing to report (after nearly every call)
        if self._level_statuses is not None:
            self._report_level_changes(self._level_statuses, now)
            if ctx.config.margin.auto_liquidation:
                due = [key for key, (_, status) in now.items() if status is MarginLevelStatus.FORCE_LIQUIDATION]
                for account, isolated_symbol in due:
                    liquidation.liquidate(ctx, account, isolated_symbol)
                if due:
                    after = margin_risk.current_statuses(ctx)
                    self._report_level_changes({key: status for key, (_, status) in now.items()}, after)
                    now = after
        self._level_statuses = {key: status for key, (_, status) in now.items()}

    def _report_level_changes(self, known: dict[LevelKey, MarginLevelStatus],
                              now: dict[LevelKey, tuple[Decimal, MarginLevelStatus]]) -> None:
        ctx = self._ctx
        for (account, isolated_symbol), level, status, previous in margin_risk.status_changes(known, now):
            ctx.log.append(MarginLevelEvent(seq=ctx.log.next_seq(), account=account,
                                            isolated_symbol=isolated_symbol, time_ms=ctx.now(), level=level,
                                            status=status.value, previous=previous.value))

    @_changes_state
    def manual_liquidation(
        self, account: AccountRef, isolated_symbol: str | None = None
    ) -> liquidation.LiquidationOutcome:
        """POST /sapi/v1/margin/manual-liquidation: liquidate the cross account or one pair now."""
        with self.lock:
            found = self._account(account)
            if not found.margin_enabled:
                raise invalid_api_key()
            if isolated_symbol is not None and isolated_symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            margin = self._ctx.margin_account(found.name, isolated_symbol)  # -11001 for a pair not enabled
            if not any(entry.liability > 0 for entry in margin.balances.values()):
                return liquidation.LiquidationOutcome()  # nothing owed: nothing to liquidate, orders stay
            return liquidation.liquidate(self._ctx, found.name, isolated_symbol, forced=False)

    def force_liquidations(self, account: AccountRef, isolated_symbol: str | None = None) -> list[Order]:
        """The orders forced liquidations placed for one margin account, oldest first (copies)."""
        with self.lock:
            found = self._account(account)
            if isolated_symbol is not None:
                self._check_symbol_scope(found, isolated_symbol, True)
            name = found.name
            orders = self._ctx.state.orders
            return [clone(orders[record.order_id]) for record in self._ctx.state.liquidations
                    if record.forced and record.account == name and record.isolated_symbol == isolated_symbol
                    and record.order_id in orders]

    def index_price_for_level(self, account: AccountRef, level: Decimal, symbol: str,
                              isolated_symbol: str | None = None) -> Decimal | None:
        """The index price of ``symbol`` that puts the margin account at ``level`` (None: none does)."""
        with self.lock:
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            margin = self._ctx.margin_account(self._account(account).name, isolated_symbol)
            return margin_risk.index_price_for_level(margin, level, symbol, self._ctx.state.symbols,
                                                     self._ctx.index_prices())

    def asset_value(self, amount: Decimal, asset: str, in_asset: str = valuation.BTC) -> Decimal:
        """``amount`` of ``asset`` valued in ``in_asset`` at last prices."""
        with self.lock:
            return valuation.asset_value(amount, asset, self._ctx.state.symbols, self._ctx.index_prices(), in_asset)

    # -- wallets and transfers ------------------------------------------------------------

    def wallet_balances(self, account: AccountRef, isolated_symbol: str | None = None,
                        spot: bool = False) -> dict[str, AssetBalance] | None:
        """Copies of a wallet's balances as they stand (no interest accrued); None for a pair not enabled."""
        with self.lock:
            found = self._account(account)
            wallet = (found.spot if spot else found.cross if isolated_symbol is None
                      else found.isolated.get(isolated_symbol))
            return copy.deepcopy(wallet.balances) if wallet is not None else None

    def account_list(self) -> list[Account]:
        """Every account (live objects), as of now."""
        with self.lock:
            return list(self._ctx.state.accounts.values())

    def spot_wallet(self, account: AccountRef) -> SpotWallet:
        """A copy of the account's spot wallet (GET /api/v3/account)."""
        with self.lock:
            return copy.deepcopy(self._account(account).spot)

    @_changes_state
    def transfer(self, account: AccountRef, type: str, asset: str, amount: Decimal, from_symbol: str | None = None,
                 to_symbol: str | None = None) -> int:
        """POST /sapi/v1/asset/transfer; returns the tranId (rules: core/transfers.py)."""
        with self.lock:
            found = self._account(account)
            request = transfers.TransferRequest(transfers.transfer_type(type), asset, amount, from_symbol, to_symbol)
            tran_id = transfers.transfer(self._ctx, found, request)
            self._ctx.flush_balances()
            return tran_id

    def max_transferable(self, account: AccountRef, asset: str, isolated_symbol: str | None = None) -> Decimal:
        """GET /sapi/v1/margin/maxTransferable: what can leave the margin account without breaking its loans."""
        with self.lock:
            found = self._account(account)
            self._check_margin_asset(found, asset, isolated_symbol)
            return transfers.max_transferable(self._ctx, found.name, isolated_symbol, asset)

    def universal_transfers(self, account: AccountRef, type: str, from_symbol: str | None = None,
                            to_symbol: str | None = None, start_time: int | None = None,
                            end_time: int | None = None) -> list[TransferRecord]:
        """GET /sapi/v1/asset/transfer rows, oldest first (the web layer pages them)."""
        with self.lock:
            return wallet_history.universal_transfers(self._ctx, self._account(account).name, type, from_symbol,
                                                      to_symbol, start_time, end_time)

    def margin_transfers(self, account: AccountRef, isolated_symbol: str | None = None, asset: str | None = None,
                         direction: str | None = None, start_time: int | None = None,
                         end_time: int | None = None) -> list[wallet_history.MarginTransfer]:
        """GET /sapi/v1/margin/transfer rows, oldest first."""
        with self.lock:
            found = self._account(account)
            if isolated_symbol is not None:
                self._check_symbol_scope(found, isolated_symbol, True)
            return wallet_history.margin_transfers(self._ctx, found.name, isolated_symbol, asset, direction,
                                                   start_time, end_time)

    def interest_history(self, account: AccountRef, isolated_symbol: str | None = None, asset: str | None = None,
                         start_time: int | None = None, end_time: int | None = None) -> list[InterestRecord]:
        """GET /sapi/v1/margin/interestHistory rows (interest accrued to now first), oldest first."""
        with self.lock:
            found = self._account(account)
            if isolated_symbol is not None:
                self._check_symbol_scope(found, isolated_symbol, True)
            return wallet_history.interest_history(self._ctx, found.name, isolated_symbol, asset, start_time,
                                                   end_time)

    def capital_flow(self, account: AccountRef, isolated_symbol: str | None = None) -> list[wallet_history.CapitalFlow]:
        """GET /sapi/v1/margin/capital-flow rows of one margin account, oldest first."""
        with self.lock:
            found = self._account(account)
            if isolated_symbol is not None:
                self._check_symbol_scope(found, isolated_symbol, True)
            return wallet_history.capital_flow(self._ctx, found.name, isolated_symbol)

    def daily_interest_rates(self, asset: str, start_time: int | None = None, end_time: int | None = None,
                             max_days: int = wallet_history.MAX_WINDOW_DAYS) -> list[tuple[int, Decimal]]:
        """GET /sapi/v1/margin/interestRateHistory: (day, daily rate), newest first."""
        with self.lock:
            return wallet_history.daily_rate_rows(self._ctx, asset, start_time, end_time, max_days)

    @_changes_state
    def enable_isolated(self, account: AccountRef, symbol: str) -> None:
        """POST /sapi/v1/margin/isolated/account: enable one isolated pair (within the account limit)."""
        with self.lock:
            found = self._account(account)
            spec = self._ctx.state.symbols.get(symbol)
            if spec is None:
                raise invalid_symbol()
            if not spec.isolated_margin_enabled:
                raise errors.not_valid_margin_pair()
            if symbol in found.isolated:
                return
            if len(found.isolated) >= self.config.margin.isolated_account_limit:
                raise errors.isolated_pair_refused()
            found.isolated[symbol] = MarginAccount(symbol, {}, self.clock.now_ms())

    @_changes_state
    def disable_isolated(self, account: AccountRef, symbol: str) -> None:
        """DELETE /sapi/v1/margin/isolated/account: only an empty pair, once per 24 hours."""
        with self.lock:
            found = self._account(account)
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            margin = self._ctx.margin_account(found.name, symbol)  # -11001 when not enabled
            now = self.clock.now_ms()
            last = found.isolated_disabled_ms.get(symbol)
            if last is not None and now - last < wallet_history.DAY_MS:
                raise errors.isolated_pair_refused()
            if margin.holdings() or self._ctx.state.counts(found.name, f"{symbol}|ISOLATED").orders:
                raise errors.isolated_pair_refused()
            del found.isolated[symbol]
            found.isolated_disabled_ms[symbol] = now

    @_changes_state
    def set_index_price(self, symbol: str, price: Decimal | None) -> None:
        """Control plane: the index price margin accounts are valued at (None: follow the last price)."""
        with self.lock:
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            if price is None:
                self._ctx.state.index_prices.pop(symbol, None)
            elif price <= 0:
                raise ValueError("an index price must be positive")
            else:
                self._ctx.state.index_prices[symbol] = price

    def index_prices(self) -> valuation.IndexPrices:
        """The prices margin accounts are valued at (index where set, else last)."""
        return self._ctx.index_prices()

    # -- market events ---------------------------------------------------------------------

    def set_price(self, symbol: str, price: Decimal) -> list[Event]:
        """A print at ``price`` with unlimited liquidity; returns the events it caused."""
        return self.price_path(symbol, [price])

    def trade(self, symbol: str, price: Decimal, qty: Decimal) -> list[Event]:
        """A print of ``qty`` at ``price``: resting orders fill only up to ``qty`` (price-time priority)."""
        if qty <= 0:
            raise ValueError("a trade needs a positive quantity")
        return self._prints(symbol, [(price, qty)])

    def price_path(self, symbol: str, prices: list[Decimal]) -> list[Event]:
        """Prints at each price in turn (unlimited liquidity); returns the events they caused."""
        return self._prints(symbol, [(price, None) for price in prices])

    @_changes_state
    def _prints(self, symbol: str, prints: list[tuple[Decimal, Decimal | None]]) -> list[Event]:
        with self.lock:
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            if any(price <= 0 for price, _ in prints):
                raise ValueError("prices must be positive")
            seq = self.events.last_seq
            for price, qty in prints:
                matching.apply_print(self._ctx, symbol, price, qty)
                # Each print may cross a bar (or liquidate): its events follow that print's own.
                self._watch_margin_levels()
            return self.events.since(seq)

    @_changes_state
    def replay_print(self, symbol: str, price: Decimal, qty: Decimal | None, time_ms: int,
                     is_buyer_maker: bool | None = None) -> list[Event]:
        """A replayed print (core/replay.py): the clock moves to ``time_ms``, then the print is made
        as a control-plane trade (``qty``) or price move (None) is; ``is_buyer_maker`` from the file."""
        with self.lock:
            if symbol not in self._ctx.state.symbols:
                raise invalid_symbol()
            if price <= 0:
                raise ValueError("prices must be positive")
            self.clock.set(time_ms)
            seq = self.events.last_seq
            matching.apply_print(self._ctx, symbol, price, qty, is_buyer_maker)
            return self.events.since(seq)

    def note_replay_end(self, symbol: str, source: str, prints: int) -> ReplayEndEvent:
        """Log that a replay reached the end of its file; the event."""
        with self.lock:
            event = ReplayEndEvent(self.events.next_seq(), self.clock.now_ms(), symbol, source, prints)
            self.events.append(event)
            return event

    def events_since(self, seq: int, account: str | None = None) -> list[Event]:
        """Events after sequence number ``seq`` (0: all), optionally of one account."""
        with self.lock:
            return self.events.since(seq, account)

    def events_after(self, seq: int, account: str | None = None,
                     log: EventLog | None = None) -> tuple[list[Event], int, bool]:
        """For a reader that follows the log from ``seq``: the events after it (of ``account``),
        the newest sequence number (the reader's next ``seq``), and whether any event after ``seq``
        is no longer kept (the reader fell more than ``EVENT_RETENTION`` events behind).

        ``log`` is the log the reader follows (default: the current one); a reader that began
        before a reset or a restore replaced it reads the old one to its end.
        """
        with self.lock:
            log = self.events if log is None else log
            return log.since(seq, account), int(log.last_seq), seq < log.trimmed_through

    def event_position(self) -> tuple[EventLog, int]:
        """The current log and its newest sequence number, read together: where a reader starts."""
        with self.lock:
            return self.events, int(self.events.last_seq)

    def restart_event_log(self, last_seq: int) -> None:
        """A restore: a new, empty log numbered on from ``last_seq``.

        A new object rather than the old one cleared, so that a reader still following the old
        log (a user stream) can read the events it had not read yet, and see that it ended.
        """
        with self.lock:
            self.events = self._ctx.log = EventLog(dropped=last_seq)

    def read_consistently(self, read: Callable[[], T]) -> T:
        """``read()`` at one moment: nothing changes the exchange while it runs.

        For readers that combine many reads or walk the state (a market stream's round, the
        dashboard's tables), so that they never hold ``lock`` themselves.
        """
        with self.lock:
            return read()

    def last_event_seq(self) -> int:
        """The sequence number of the newest event (0 before the first)."""
        with self.lock:
            return int(self.events.last_seq)

    # -- user data stream grants -------------------------------------------------------------

    # Tokens are drawn from the id generator, shared with client order ids, so under the lock;
    # the lock is always taken before the registry's own.

    def issue_listen_token(self, streams: StreamRegistry, account: str, isolated_symbol: str | None,
                           validity_ms: int, length: int) -> StreamGrant:
        """POST userListenToken: a new seeded token valid ``validity_ms``."""
        with self.lock:
            return streams.issue_token(account, isolated_symbol, validity_ms, self.clock.now_ms(),
                                       lambda: self.ids.token(length))

    def open_listen_key(self, streams: StreamRegistry, kind: GrantKind, account: str, isolated_symbol: str | None,
                        length: int) -> StreamGrant:
        """POST listenKey: the account's active key of this kind, extended, or a new seeded one."""
        with self.lock:
            return streams.open_listen_key(kind, account, isolated_symbol, self.clock.now_ms(),
                                           lambda: self.ids.token(length))

    def close_stream(self, streams: StreamRegistry, value: str, kind: GrantKind, account: str,
                     isolated_symbol: str | None) -> None:
        """Close a listen key at the newest event: its stream ends after that one, none appended meanwhile."""
        with self.lock:
            streams.close(value, kind, account, isolated_symbol, self.clock.now_ms(), self.events.last_seq)


    # -- market history (klines, trades, tickers) -------------------------------------------

    def _market_symbol(self, symbol: str) -> str:
        if symbol not in self._ctx.state.symbols:
            raise invalid_symbol()
        return symbol

    def klines(self, symbol: str, interval: Interval, start_time: int | None = None, end_time: int | None = None,
               limit: int = 500) -> list[Kline]:
        """GET /api/v3/klines: candles from the warm-up history and the tape, on the exchange clock."""
        with self.lock:
            view = self.market.view(self._market_symbol(symbol))
            return view.klines(interval, self.clock.now_ms(), start_time, end_time, limit)

    def recent_trades(self, symbol: str, limit: int = 500) -> list[TapeEntry]:
        """GET /api/v3/trades: the newest trades on the tape, ascending."""
        with self.lock:
            return history.recent_trades(self.market.history(self._market_symbol(symbol)), limit)

    def historical_trades(self, symbol: str, from_id: int | None = None, limit: int = 500) -> list[TapeEntry]:
        """GET /api/v3/historicalTrades: trades from ``from_id`` on (the newest when None)."""
        with self.lock:
            return history.trades_from(self.market.history(self._market_symbol(symbol)), from_id, limit)

    def agg_trades(self, symbol: str, from_id: int | None = None, start_time: int | None = None,
                   end_time: int | None = None, limit: int = 500) -> list[AggTrade]:
        """GET /api/v3/aggTrades: the tape's trades, aggregated by taker, price and time."""
        with self.lock:
            return history.agg_trades(self.market.history(self._market_symbol(symbol)), from_id, start_time,
                                      end_time, limit)

    def market_window(self, symbol: str, start_time: int, end_time: int) -> WindowStats:
        """Price change statistics over [start_time, end_time] (the tickers)."""
        with self.lock:
            return self.market.window(self._market_symbol(symbol), start_time, end_time)

    def last_price(self, symbol: str) -> Decimal:
        """The symbol's last price (KeyError when unknown)."""
        with self.lock:
            return self.market.last_price(symbol)

    def order_book(self, symbol: str) -> tuple[Decimal, Decimal, int]:
        """(last price, tick, update id): what the synthetic book is made of (core/depth.py)."""
        with self.lock:
            name = self._market_symbol(symbol)
            spec = self._ctx.state.symbols[name]
            return self.market.last_price(name), tick_size(spec), self.market.book(name).last_id

    def book_updates_since(self, symbol: str, update_id: int) -> list[BookUpdate] | None:
        """The book updates after ``update_id`` (None when some are no longer kept)."""
        with self.lock:
            return self.market.book(self._market_symbol(symbol)).since(update_id)

    def avg_price(self, symbol: str, minutes: int = 5) -> tuple[Decimal, int | None]:
        """GET /api/v3/avgPrice: (volume-weighted price of the last ``minutes``, last trade time)."""
        with self.lock:
            return self.market.avg_price_and_time(self._market_symbol(symbol), minutes, self.clock.now_ms())
