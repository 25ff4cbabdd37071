"""Symbol and exchange filters: the checks a new order passes before it reaches the book.

Pure functions over the configuration (filters are the exchangeInfo dicts, decimals as
strings), the order's parameters, open-order counts and two reference prices. The first
failing rule raises its :class:`BinanceError`; nothing is changed.

Order of checks (spec §12 puts precision before filters; the rest is chosen where Binance
is silent), for each leg in turn:

1. Precision, -1111 "Precision is over the maximum defined for this asset.": quantity,
   icebergQty use ``base_asset_precision``; price, stopPrice, quoteOrderQty use
   ``quote_asset_precision``. Only significant decimals count ("1.50000000000" is 1.5).
2. Non-positive values, -1013 "Invalid quantity." / "Invalid price." (observed for
   quantity=0 and price=0: ccxt/binance-trade-bot#124, ccxt/ccxt#4911).
3. Symbol capabilities, -2010 "Iceberg orders are not supported for this symbol." and
   "Trailing stop orders are not supported for this symbol." (spec §6.5, §10).
4. -2010 "IcebergQty exceeds QTY." when icebergQty > quantity (equal passes: the message
   says "exceeds").
5. -1013 "Price * QTY is zero or less." when price x quantity truncated to 8 decimals is
   0 (observed with code -1013 in ccxt/ccxt#7168; e.g. 0.00000023 x 0.002).
6. Stateless symbol filters in the order the symbol lists them: PRICE_FILTER,
   PERCENT_PRICE, PERCENT_PRICE_BY_SIDE, LOT_SIZE, MARKET_LOT_SIZE, MIN_NOTIONAL,
   NOTIONAL, ICEBERG_PARTS, TRAILING_DELTA.

then once for the order or the whole list:

7. Account-state symbol filters in the symbol's order: MAX_NUM_ORDERS,
   MAX_NUM_ALGO_ORDERS, MAX_NUM_ICEBERG_ORDERS, MAX_NUM_ORDER_LISTS, MAX_POSITION
   (-2010 "Filter failure: MAX_POSITION", spec §7). They come after the stateless ones
   because Binance keeps account state in the matching engine, behind the API's checks.
8. Exchange filters in the configured order: EXCHANGE_MAX_NUM_ORDERS, _ALGO_ORDERS,
   _ICEBERG_ORDERS, _ORDER_LISTS.

Conventions: ``None`` or zero ``iceberg_qty`` / ``quote_order_qty`` mean "not sent" (as in
:class:`mock_exchange.core.orders.Order`); ``stop_price`` is ``None`` when not sent, and one
sent as 0 is checked as a price (filters.md: PRICE_FILTER holds ``price``/``stopPrice`` to
``minPrice``, so 0 is "Filter failure: PRICE_FILTER" unless minPrice is disabled); a zero or missing bound
(minPrice, maxQty, stepSize, maxNotional ...) and a missing count limit disable that rule;
``avgPriceMins: 0`` makes a filter use the last price instead of the average price.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal, localcontext
from typing import Any, NamedTuple

from mock_exchange.core import errors
from mock_exchange.core.config import ExchangeConfig, SymbolConfig
from mock_exchange.core.decimals import ZERO, decimal_places, is_multiple
from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.errors import bad_precision, filter_failure

__all__ = ["FilterOrder", "OpenCounts", "avg_price_minutes", "check_order", "check_order_list", "has_max_position"]

# Enough digits that products and remainders of 20.20-digit decimals are exact.
_EXACT_DIGITS = 100
# Binance's engine holds amounts as fixed point with 8 decimals.
_ENGINE_QUANTUM = Decimal("0.00000001")

_ABOVE_TRAILING = frozenset({(OrderType.STOP_LOSS, Side.BUY), (OrderType.STOP_LOSS_LIMIT, Side.BUY),
                             (OrderType.TAKE_PROFIT, Side.SELL), (OrderType.TAKE_PROFIT_LIMIT, Side.SELL)})


@dataclass(frozen=True)
class FilterOrder:
    """The parameters of one new order (or order-list leg) that the filters look at."""

    side: Side
    type: OrderType
    quantity: Decimal | None  # None for MARKET with quote_order_qty
    price: Decimal | None = None  # limit price when the type has one
    stop_price: Decimal | None = None
    iceberg_qty: Decimal | None = None
    trailing_delta: int | None = None
    quote_order_qty: Decimal | None = None


@dataclass(frozen=True)
class OpenCounts:
    """Open orders of the account now, and what the request adds."""

    symbol_orders: int = 0
    symbol_algo_orders: int = 0
    symbol_iceberg_orders: int = 0
    symbol_order_lists: int = 0
    exchange_orders: int = 0
    exchange_algo_orders: int = 0
    exchange_iceberg_orders: int = 0
    exchange_order_lists: int = 0
    new_orders: int = 1
    new_algo_orders: int = 0
    new_iceberg_orders: int = 0
    new_order_lists: int = 0


def check_order(
    symbol: SymbolConfig,
    exchange: ExchangeConfig,
    order: FilterOrder,
    open_counts: OpenCounts,
    last_price: Decimal,
    avg_price: Decimal,
    *,
    position: Decimal | None = None,  # free + locked base asset + open BUY quantity; None skips MAX_POSITION
) -> None:
    """Raise BinanceError (-1013 'Filter failure: X', or the -2010 / -1111 forms) if the order breaks a rule."""
    _check((order,), symbol, exchange, open_counts, _Prices(last_price, avg_price), position, is_list=False)


def check_order_list(
    symbol: SymbolConfig,
    exchange: ExchangeConfig,
    legs: Sequence[FilterOrder],
    open_counts: OpenCounts,
    last_price: Decimal,
    avg_price: Decimal,
    *,
    position: Decimal | None = None,  # as for check_order
) -> None:
    """Check every leg of an OCO / OTO / OTOCO (one failing leg fails the list), then the counts once."""
    _check(tuple(legs), symbol, exchange, open_counts, _Prices(last_price, avg_price), position, is_list=True)


# -- driver ------------------------------------------------------------------------


# Private records built on every placement: tuples, which cost a fraction of a frozen dataclass.
class _Prices(NamedTuple):
    last: Decimal
    avg: Decimal


class _NewCounts(NamedTuple):
    orders: int
    algo: int
    iceberg: int
    lists: int


# One leg's check by a stateless filter, and the request's check by an account-state one,
# with the filter's fields read and converted when the filters are first used (below).
LegCheck = Callable[[FilterOrder, _Prices], None]
RequestCheck = Callable[[tuple[FilterOrder, ...], OpenCounts, _NewCounts, "Decimal | None"], None]


def _check(
    legs: tuple[FilterOrder, ...],
    symbol: SymbolConfig,
    exchange: ExchangeConfig,
    counts: OpenCounts,
    prices: _Prices,
    position: Decimal | None,
    *,
    is_list: bool,
) -> None:
    leg_checks, symbol_checks = _symbol_checks(symbol.filters)
    with localcontext() as ctx:
        ctx.prec = _EXACT_DIGITS
        for leg in legs:
            _check_leg(leg, symbol, prices, leg_checks)
        new = _new_counts(legs, counts, is_list)
        for check in symbol_checks:
            check(legs, counts, new, position)
        for check in _exchange_checks(exchange.exchange_filters):
            check(legs, counts, new, position)


def _check_leg(order: FilterOrder, symbol: SymbolConfig, prices: _Prices, checks: Sequence[LegCheck]) -> None:
    """Steps 1-6 of the module docstring for one order."""
    _check_precision(order, symbol)
    _check_positive(order)
    _check_capabilities(order, symbol)
    _check_iceberg_size(order)
    _check_price_times_qty(order)
    for check in checks:
        check(order, prices)


# The filters of a config never change (a symbol redefined at run time gets new ones), and each
# placement would otherwise look up and convert ~20 filter fields: the checks are built once per
# filter tuple. Keyed by identity; the entry keeps the tuple, so its id is not reused meanwhile.
@dataclass(frozen=True)
class _SymbolPlan:
    specs: Sequence[Mapping[str, Any]]
    leg_checks: tuple[LegCheck, ...]
    request_checks: tuple[RequestCheck, ...]
    avg_price_mins: int | None  # the first filter's that sets it
    has_max_position: bool


_SYMBOL_PLANS: dict[int, _SymbolPlan] = {}
_EXCHANGE_PLANS: dict[int, tuple[Sequence[Mapping[str, Any]], tuple[RequestCheck, ...]]] = {}
_PLANS_KEPT = 256  # symbols and exchange-filter sets of a process; past it, built again


def _symbol_plan(specs: Sequence[Mapping[str, Any]]) -> _SymbolPlan:
    found = _SYMBOL_PLANS.get(id(specs))
    if found is not None and found.specs is specs:
        return found
    plan = _SymbolPlan(
        specs,
        leg_checks=tuple(_LEG_FILTERS[spec["filterType"]](spec) for spec in specs
                         if spec["filterType"] in _LEG_FILTERS),
        request_checks=tuple(check for spec in specs if (check := _account_filter(spec)) is not None),
        avg_price_mins=next((int(spec["avgPriceMins"]) for spec in specs if "avgPriceMins" in spec), None),
        has_max_position=any(spec["filterType"] == "MAX_POSITION" for spec in specs),
    )
    if len(_SYMBOL_PLANS) >= _PLANS_KEPT:
        _SYMBOL_PLANS.clear()
    _SYMBOL_PLANS[id(specs)] = plan
    return plan


def _symbol_checks(specs: Sequence[Mapping[str, Any]]) -> tuple[tuple[LegCheck, ...], tuple[RequestCheck, ...]]:
    plan = _symbol_plan(specs)
    return plan.leg_checks, plan.request_checks


def avg_price_minutes(symbol: SymbolConfig, default: int) -> int:
    """The window of the average price the filters compare against: the first configured avgPriceMins."""
    minutes = _symbol_plan(symbol.filters).avg_price_mins
    return default if minutes is None else minutes


def has_max_position(symbol: SymbolConfig) -> bool:
    """Whether the symbol has a MAX_POSITION filter (the position is worked out only then)."""
    return _symbol_plan(symbol.filters).has_max_position


def _exchange_checks(specs: Sequence[Mapping[str, Any]]) -> tuple[RequestCheck, ...]:
    found = _EXCHANGE_PLANS.get(id(specs))
    if found is not None and found[0] is specs:
        return found[1]
    checks = tuple(check for spec in specs if (check := _exchange_filter(spec)) is not None)
    if len(_EXCHANGE_PLANS) >= _PLANS_KEPT:
        _EXCHANGE_PLANS.clear()
    _EXCHANGE_PLANS[id(specs)] = (specs, checks)
    return checks


def _new_counts(legs: tuple[FilterOrder, ...], counts: OpenCounts, is_list: bool) -> _NewCounts:
    """What the request adds; the caller's ``new_*`` figures win when larger."""
    algo = iceberg = 0
    for leg in legs:  # one plain loop: sum() over two generators cost twice as much
        algo += leg.type.is_stop
        iceberg += bool(leg.iceberg_qty)  # an iceberg order: icebergQty > 0 (_iceberg)
    return _NewCounts(
        orders=max(counts.new_orders, len(legs)),
        algo=max(counts.new_algo_orders, algo),
        iceberg=max(counts.new_iceberg_orders, iceberg),
        lists=max(counts.new_order_lists, 1 if is_list else 0),
    )


# -- order parameters ---------------------------------------------------------------


def _limit_price(order: FilterOrder) -> Decimal | None:
    return order.price if order.type.has_limit_price else None


def _stop_price(order: FilterOrder) -> Decimal | None:
    # A stop price sent as 0 is a price like any other: PRICE_FILTER's minPrice refuses it.
    return order.stop_price if order.type.is_stop and order.stop_price is not None else None


def _iceberg(order: FilterOrder) -> Decimal | None:
    # Binance: an iceberg order is one with icebergQty > 0.
    return order.iceberg_qty if order.iceberg_qty else None


def _quote_qty(order: FilterOrder) -> Decimal | None:
    return order.quote_order_qty if order.type is OrderType.MARKET and order.quote_order_qty else None


def _price_reference(order: FilterOrder) -> Decimal | None:
    """The price that values a non-MARKET order: its limit price, else its stop price."""
    limit = _limit_price(order)
    return limit if limit is not None else _stop_price(order)


# -- steps 1-5: before the filters ---------------------------------------------------


def _significant_places(value: Decimal) -> int:
    # Numerically equal values normalize alike (in _check's exact context, the only caller),
    # so the answer is cached by value: a placement asks for up to 10 of them.
    if not value:
        return 0
    try:
        return _places_of_value(value)
    except TypeError:  # a signalling NaN cannot be hashed
        return decimal_places(value.normalize())


@functools.lru_cache(maxsize=1024)
def _places_of_value(value: Decimal) -> int:
    return decimal_places(value.normalize())


def _check_precision(order: FilterOrder, symbol: SymbolConfig) -> None:
    # Plain loops: any() over a generator costs about twice as much, twice per leg.
    places = symbol.base_asset_precision
    for value in (order.quantity, order.iceberg_qty):
        if value is not None and _significant_places(value) > places:
            raise bad_precision()
    places = symbol.quote_asset_precision
    for value in (order.price, order.stop_price, order.quote_order_qty):
        if value is not None and _significant_places(value) > places:
            raise bad_precision()


def _check_positive(order: FilterOrder) -> None:
    if order.quantity is not None and order.quantity <= 0:
        raise errors.invalid_quantity()
    if order.quantity is None and _quote_qty(order) is None:
        # A MARKET order needs quantity or quoteOrderQty; neither usable means no amount.
        raise errors.invalid_quantity()
    limit = _limit_price(order)
    if limit is not None and limit <= 0:
        raise errors.invalid_price()


def _check_capabilities(order: FilterOrder, symbol: SymbolConfig) -> None:
    if _iceberg(order) is not None and not symbol.iceberg_allowed:
        raise errors.iceberg_not_supported()
    if order.trailing_delta is not None and not symbol.allow_trailing_stop:
        raise errors.trailing_not_supported()


def _check_iceberg_size(order: FilterOrder) -> None:
    iceberg = _iceberg(order)
    if iceberg is not None and order.quantity is not None and iceberg > order.quantity:
        raise errors.iceberg_exceeds_quantity()


def _check_price_times_qty(order: FilterOrder) -> None:
    price = _price_reference(order)
    # A positive price whose product truncates to nothing; a stop price of 0 is PRICE_FILTER's.
    if not price or order.quantity is None:
        return
    if (price * order.quantity).quantize(_ENGINE_QUANTUM, rounding=ROUND_DOWN) <= 0:
        raise errors.price_qty_zero()


# -- step 6: stateless symbol filters -------------------------------------------------


def _dec(spec: Mapping[str, Any], key: str) -> Decimal:
    """A filter's decimal field; a missing one reads as 0, i.e. the rule is disabled."""
    value = spec.get(key, "0")
    try:
        return _decimal_of(value)
    except TypeError:  # unhashable: not a number either, Decimal says so
        return Decimal(str(value))


@functools.lru_cache(maxsize=4096, typed=True)
def _decimal_of(value: Any) -> Decimal:
    # A config holds a few dozen distinct filter values and each placement reads ~20 of them:
    # converted once per process (Decimals are immutable; the conversion is exact, whatever
    # the context).
    return Decimal(str(value))


def _int(spec: Mapping[str, Any], key: str) -> int | None:
    """A filter's integer field; None when missing, which disables its rule."""
    value = spec.get(key)
    return None if value is None else int(value)


def _flag(spec: Mapping[str, Any], key: str) -> bool:
    value = spec.get(key, False)
    return value.lower() == "true" if isinstance(value, str) else bool(value)


def _within(value: Decimal, low: Decimal, high: Decimal, step: Decimal) -> bool:
    """min / max / step rules, each disabled when its bound is 0."""
    if low and value < low:
        return False
    if high and value > high:
        return False
    return is_multiple(value, step)


def _reference(spec: Mapping[str, Any]) -> Callable[[_Prices], Decimal]:
    """The filter's average price; ``avgPriceMins: 0`` means the last price."""
    # A filter without avgPriceMins uses the caller's average price.
    if _int(spec, "avgPriceMins") == 0:
        return lambda prices: prices.last
    return lambda prices: prices.avg


def _price_filter(spec: Mapping[str, Any]) -> LegCheck:
    low, high, tick = _dec(spec, "minPrice"), _dec(spec, "maxPrice"), _dec(spec, "tickSize")

    def check(order: FilterOrder, prices: _Prices) -> None:
        for value in (_limit_price(order), _stop_price(order)):
            if value is not None and not _within(value, low, high, tick):
                raise filter_failure("PRICE_FILTER")

    return check


def _percent_band(price: Decimal, reference: Decimal, up: Decimal, down: Decimal) -> bool:
    return reference * down <= price <= reference * up


def _percent_price(spec: Mapping[str, Any]) -> LegCheck:
    up, down = _dec(spec, "multiplierUp"), _dec(spec, "multiplierDown")
    reference = _reference(spec)

    def check(order: FilterOrder, prices: _Prices) -> None:
        price = _limit_price(order)
        if price is not None and not _percent_band(price, reference(prices), up, down):
            raise filter_failure("PERCENT_PRICE")

    return check


def _percent_price_by_side(spec: Mapping[str, Any]) -> LegCheck:
    bands = {side: (_dec(spec, f"{prefix}MultiplierUp"), _dec(spec, f"{prefix}MultiplierDown"))
             for side, prefix in ((Side.BUY, "bid"), (Side.SELL, "ask"))}
    reference = _reference(spec)

    def check(order: FilterOrder, prices: _Prices) -> None:
        price = _limit_price(order)
        if price is None:
            return
        up, down = bands[order.side]
        if not _percent_band(price, reference(prices), up, down):
            raise filter_failure("PERCENT_PRICE_BY_SIDE")

    return check


def _lot_size(spec: Mapping[str, Any]) -> LegCheck:
    low, high, step = _dec(spec, "minQty"), _dec(spec, "maxQty"), _dec(spec, "stepSize")

    def check(order: FilterOrder, prices: _Prices) -> None:
        for value in (order.quantity, order.iceberg_qty or None):
            if value is not None and not _within(value, low, high, step):
                raise filter_failure("LOT_SIZE")

    return check


def _market_lot_size(spec: Mapping[str, Any]) -> LegCheck:
    low, high, step = _dec(spec, "minQty"), _dec(spec, "maxQty"), _dec(spec, "stepSize")

    def check(order: FilterOrder, prices: _Prices) -> None:
        if order.type is not OrderType.MARKET or order.quantity is None:
            return
        if not _within(order.quantity, low, high, step):
            raise filter_failure("MARKET_LOT_SIZE")

    return check


def _notional(order: FilterOrder, prices: _Prices,
              reference: Callable[[_Prices], Decimal]) -> tuple[Decimal, bool] | None:
    """The order's notional, and whether the apply*ToMarket flags govern it."""
    quote = _quote_qty(order)
    if quote is not None:
        return quote, True
    if order.quantity is None:
        return None
    price = _price_reference(order)
    if price is None:
        # MARKET, or a trailing stop without stopPrice: valued at the filter's average price.
        return reference(prices) * order.quantity, True
    return price * order.quantity, False


def _min_notional(spec: Mapping[str, Any]) -> LegCheck:
    low, to_market = _dec(spec, "minNotional"), _flag(spec, "applyToMarket")
    reference = _reference(spec)

    def check(order: FilterOrder, prices: _Prices) -> None:
        valued = _notional(order, prices, reference)
        if valued is None:
            return
        notional, is_market = valued
        if is_market and not to_market:
            return
        if notional < low:
            raise filter_failure("MIN_NOTIONAL")

    return check


def _notional_filter(spec: Mapping[str, Any]) -> LegCheck:
    low, high = _dec(spec, "minNotional"), _dec(spec, "maxNotional")
    min_to_market, max_to_market = _flag(spec, "applyMinToMarket"), _flag(spec, "applyMaxToMarket")
    reference = _reference(spec)

    def check(order: FilterOrder, prices: _Prices) -> None:
        valued = _notional(order, prices, reference)
        if valued is None:
            return
        notional, is_market = valued
        if (not is_market or min_to_market) and notional < low:
            raise filter_failure("NOTIONAL")
        if (not is_market or max_to_market) and high and notional > high:
            raise filter_failure("NOTIONAL")

    return check


def _iceberg_parts(spec: Mapping[str, Any]) -> LegCheck:
    limit = _int(spec, "limit")

    def check(order: FilterOrder, prices: _Prices) -> None:
        iceberg = _iceberg(order)
        if iceberg is None or order.quantity is None:
            return
        parts = order.quantity // iceberg + (1 if order.quantity % iceberg else 0)
        if limit is not None and parts > limit:
            raise filter_failure("ICEBERG_PARTS")

    return check


def _trailing_delta(spec: Mapping[str, Any]) -> LegCheck:
    bounds = {side: (_int(spec, f"minTrailing{side}Delta"), _int(spec, f"maxTrailing{side}Delta"))
              for side in ("Above", "Below")}

    def check(order: FilterOrder, prices: _Prices) -> None:
        if order.trailing_delta is None or not order.type.is_stop:
            return
        low, high = bounds["Above" if (order.type, order.side) in _ABOVE_TRAILING else "Below"]
        if (low is not None and order.trailing_delta < low) or (high is not None and order.trailing_delta > high):
            raise filter_failure("TRAILING_DELTA")

    return check


_LEG_FILTERS: dict[str, Callable[[Mapping[str, Any]], LegCheck]] = {
    "PRICE_FILTER": _price_filter,
    "PERCENT_PRICE": _percent_price,
    "PERCENT_PRICE_BY_SIDE": _percent_price_by_side,
    "LOT_SIZE": _lot_size,
    "MARKET_LOT_SIZE": _market_lot_size,
    "MIN_NOTIONAL": _min_notional,
    "NOTIONAL": _notional_filter,
    "ICEBERG_PARTS": _iceberg_parts,
    "TRAILING_DELTA": _trailing_delta,
}


# -- steps 7-8: account-state filters ------------------------------------------------

# filterType -> (limit field, OpenCounts attribute, _NewCounts attribute)
_SYMBOL_COUNTS = {
    "MAX_NUM_ORDERS": ("maxNumOrders", "symbol_orders", "orders"),
    "MAX_NUM_ALGO_ORDERS": ("maxNumAlgoOrders", "symbol_algo_orders", "algo"),
    "MAX_NUM_ICEBERG_ORDERS": ("maxNumIcebergOrders", "symbol_iceberg_orders", "iceberg"),
    "MAX_NUM_ORDER_LISTS": ("maxNumOrderLists", "symbol_order_lists", "lists"),
}
_EXCHANGE_COUNTS = {
    "EXCHANGE_MAX_NUM_ORDERS": ("maxNumOrders", "exchange_orders", "orders"),
    "EXCHANGE_MAX_NUM_ALGO_ORDERS": ("maxNumAlgoOrders", "exchange_algo_orders", "algo"),
    "EXCHANGE_MAX_NUM_ICEBERG_ORDERS": ("maxNumIcebergOrders", "exchange_iceberg_orders", "iceberg"),
    "EXCHANGE_MAX_NUM_ORDER_LISTS": ("maxNumOrderLists", "exchange_order_lists", "lists"),
}


def _count_check(spec: Mapping[str, Any], rule: tuple[str, str, str]) -> RequestCheck:
    limit_field, open_attr, new_attr = rule
    limit, name = _int(spec, limit_field), spec["filterType"]

    def check(legs: tuple[FilterOrder, ...], counts: OpenCounts, new: _NewCounts,
              position: Decimal | None) -> None:
        adding = getattr(new, new_attr)
        # Only a request that adds to a count can break it: a LIMIT order ignores a full algo quota.
        if adding and limit is not None and getattr(counts, open_attr) + adding > limit:
            raise filter_failure(name)

    return check


def _account_filter(spec: Mapping[str, Any]) -> RequestCheck | None:
    kind = spec["filterType"]
    if kind in _SYMBOL_COUNTS:
        return _count_check(spec, _SYMBOL_COUNTS[kind])
    if kind == "MAX_POSITION":
        return _max_position(spec)
    return None


def _exchange_filter(spec: Mapping[str, Any]) -> RequestCheck | None:
    rule = _EXCHANGE_COUNTS.get(spec["filterType"])
    return None if rule is None else _count_check(spec, rule)


def _max_position(spec: Mapping[str, Any]) -> RequestCheck:
    limit = _dec(spec, "maxPosition")

    def check(legs: tuple[FilterOrder, ...], counts: OpenCounts, new: _NewCounts,
              position: Decimal | None) -> None:
        if position is None:
            return
        for leg in legs:
            if leg.side is Side.BUY and position + (leg.quantity or ZERO) > limit:
                raise errors.max_position_failure()

    return check
