"""The semantic checks of a placement, in Binance's precedence (spec §12), none of which mutate.

1. symbol known (-1121), margin pair (-3028), isolated pair exists (-11001), account
   may trade (-2015), symbol trading (-2010 "Market is closed."), list kind allowed;
2. order-list leg types and positions (OTOCO pair: -1158 / -1165 / -1166 / -1168 / -1196..-1199);
3. filters (``core.filters``);
4. prices against the last price (-2010): a single order's LIMIT_MAKER that would take or
   stop that would trigger immediately (``check_maker`` / ``check_stop`` here); an order
   list's pair — relation, maker and stop legs — in ``order_list_pair.pair_problem``;
5. client order ids unique among open orders / lists (-2010 "Duplicate order sent.");
6. balance and borrowing (done by the caller with ``funding.plan_borrow``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

from mock_exchange.core import filters, margin_risk
from mock_exchange.core.accounts import Account
from mock_exchange.core.config import SymbolConfig
from mock_exchange.core.context import EngineContext
from mock_exchange.core.decimals import ZERO
from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.errors import (
    duplicate_order,
    invalid_api_key,
    invalid_symbol,
    market_closed,
    not_valid_margin_pair,
    oco_not_supported,
    oco_position_error,
    oco_type_rejected,
    oto_not_supported,
    would_match_immediately,
    would_trigger_immediately,
)
from mock_exchange.core.order_lists import ListKind
from mock_exchange.core.rules import is_marketable, would_trigger
from mock_exchange.core.state import ScopeCounts, key_scope, scope_key

DEFAULT_AVG_PRICE_MINS = 5
_PAIR_TYPES = frozenset({OrderType.LIMIT_MAKER, OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT,
                         OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT})
_STOP_LOSS_TYPES = (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT)
_TAKE_PROFIT_TYPES = (OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT)


# -- step 1 -------------------------------------------------------------------------------


def check_access(ctx: EngineContext, account: Account, symbol: str, isolated: bool,
                 kind: ListKind | None = None, spot: bool = False) -> SymbolConfig:
    """Symbol, margin pair, account and permission checks; returns the symbol's config.

    A spot placement skips the margin ones (pair enabled, permission, margin level).
    """
    spec = ctx.state.symbols.get(symbol)
    if spec is None:
        raise invalid_symbol()
    if not spot:
        if not (spec.isolated_margin_enabled if isolated else spec.margin_enabled):
            raise not_valid_margin_pair()
        account.margin_account(symbol if isolated else None)
        if not account.margin_enabled:
            raise invalid_api_key()
    if spec.status != "TRADING":
        raise market_closed()
    if not spot:
        margin_risk.require_trade_allowed(ctx, account.name, symbol if isolated else None)
    if kind is ListKind.OCO and not spec.oco_allowed:
        raise oco_not_supported()
    if kind in (ListKind.OTO, ListKind.OTOCO) and not spec.oto_allowed:
        raise oto_not_supported()
    return spec


# -- step 2 -------------------------------------------------------------------------------


def check_pair_positions(side: Side, above: OrderType, below: OrderType) -> None:
    """Which leg types an OCO pair allows above and below the market (spot's above/below rules)."""
    for order_type in (above, below):
        if order_type not in _PAIR_TYPES:
            raise oco_type_rejected()
    buy = side is Side.BUY
    for order_type, is_above in ((above, True), (below, False)):
        if order_type is OrderType.LIMIT_MAKER and buy and is_above:
            raise oco_position_error(-1165)
        if order_type is OrderType.LIMIT_MAKER and not buy and not is_above:
            raise oco_position_error(-1166)
        if order_type in _STOP_LOSS_TYPES and buy != is_above:
            raise oco_position_error(-1196 if buy else -1197)
        if order_type in _TAKE_PROFIT_TYPES and buy == is_above:
            raise oco_position_error(-1198 if buy else -1199)
    if not (above.is_stop or below.is_stop):
        raise oco_position_error(-1168)


# -- step 3 -------------------------------------------------------------------------------


def open_counts(ctx: EngineContext, account: str, symbol: str, isolated: bool,
                legs: Sequence[filters.FilterOrder], lists: int, spot: bool = False) -> filters.OpenCounts:
    """The account's open orders on the symbol and on the exchange, plus what the request adds.

    "On the exchange" means spot orders for a spot placement and margin orders (cross and
    isolated) for a margin one: the two are counted apart, as Binance limits them apart.
    """
    per_scope = ctx.state.open_counts.get(account, {})
    mine = per_scope.get(scope_key(symbol, isolated, spot), ScopeCounts())
    everywhere = ScopeCounts()
    for key, counts in per_scope.items():
        if key_scope(key).is_margin == spot:
            continue
        everywhere.orders += counts.orders
        everywhere.algo += counts.algo
        everywhere.iceberg += counts.iceberg
        everywhere.lists += counts.lists
    return filters.OpenCounts(
        symbol_orders=mine.orders, symbol_algo_orders=mine.algo, symbol_iceberg_orders=mine.iceberg,
        symbol_order_lists=mine.lists, exchange_orders=everywhere.orders, exchange_algo_orders=everywhere.algo,
        exchange_iceberg_orders=everywhere.iceberg, exchange_order_lists=everywhere.lists,
        new_orders=len(legs), new_algo_orders=sum(1 for leg in legs if leg.type.is_stop),
        new_iceberg_orders=sum(1 for leg in legs if leg.iceberg_qty), new_order_lists=lists,
    )


def avg_price(ctx: EngineContext, spec: SymbolConfig) -> Decimal:
    """The average price the filters compare against (the first configured avgPriceMins)."""
    return ctx.market.avg_price(spec.symbol, filters.avg_price_minutes(spec, DEFAULT_AVG_PRICE_MINS), ctx.now())


def position(ctx: EngineContext, account: Account, spec: SymbolConfig, isolated: bool,
             spot: bool = False) -> Decimal | None:
    """MAX_POSITION's position: base held plus open BUY quantity (None when the filter is off)."""
    if not filters.has_max_position(spec):
        return None
    wallet = account.spot if spot else account.margin_account(spec.symbol if isolated else None)
    held = wallet.balances[spec.base_asset].total if spec.base_asset in wallet.balances else ZERO
    open_ids = ctx.state.open_orders.get(account.name, {}).get(scope_key(spec.symbol, isolated, spot), {})
    orders = ctx.state.orders
    buying = sum((orders[oid].remaining_qty for oid in open_ids if orders[oid].side is Side.BUY), ZERO)
    return held + buying


def check_filters(ctx: EngineContext, account: Account, spec: SymbolConfig, isolated: bool,
                  legs: Sequence[filters.FilterOrder], is_list: bool, spot: bool = False) -> None:
    """Symbol and exchange filters for the legs (``core.filters``)."""
    counts = open_counts(ctx, account.name, spec.symbol, isolated, legs, 1 if is_list else 0, spot)
    last = ctx.market.last_price(spec.symbol)
    avg = avg_price(ctx, spec)
    held = position(ctx, account, spec, isolated, spot)
    if is_list:
        filters.check_order_list(spec, ctx.config, legs, counts, last, avg, position=held)
    else:
        filters.check_order(spec, ctx.config, legs[0], counts, last, avg, position=held)


# -- step 4 -------------------------------------------------------------------------------


def check_maker(side: Side, price: Decimal, last: Decimal) -> None:
    """-2010 when a LIMIT_MAKER at ``price`` would take against ``last``."""
    if is_marketable(side, price, last):
        raise would_match_immediately()


def check_stop(order_type: OrderType, side: Side, stop_price: Decimal | None, last: Decimal) -> None:
    """-2010 when a stop at ``stop_price`` is already triggered at ``last``."""
    if stop_price and would_trigger(order_type, side, stop_price, last):
        raise would_trigger_immediately()


# -- step 5 -------------------------------------------------------------------------------


def check_client_ids(ctx: EngineContext, account: str, order_ids: Iterable[str | None],
                     list_id: str | None = None, spot: bool = False) -> None:
    """Client ids unique among the account's open orders, open lists and the request itself, spot
    and margin each apart (docs/spot.md)."""
    given = [cid for cid in order_ids if cid is not None]
    open_ids = ctx.state.open_client_ids.get((account, spot), {})
    if len(set(given)) != len(given) or any(cid in open_ids for cid in given):
        raise duplicate_order()
    if list_id is not None and (
        list_id in ctx.state.open_list_client_ids.get((account, spot), {}) or list_id in given
    ):
        raise duplicate_order()
