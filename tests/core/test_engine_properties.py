"""Random place / cancel / price / trade / borrow / transfer sequences keep every invariant of the engine.

After each step (see ``engine_helpers.check_invariants``): no order filled beyond its
quantity; at most one leg of an OCO pair executes; pending legs never go live before
their working order is FILLED; per asset, what accounts hold equals the initial holdings
plus loans minus repayments plus trade flows minus commission, over every wallet (spot
and margin: a transfer moves funds, to the last unit, and creates none); borrowed and interest
follow the loan records (less what liquidations wrote off); locked equals what open orders
reserve. A rejected step changes nothing at all. Index prices move apart from the last price,
crashes included, and accounts are liquidated (forced at the bar, or asked for): after every
step no margin account is left at FORCE_LIQUIDATION, a liquidated account (or pair) owes
nothing and has no open order, and the liquidation's own orders are filled. At the end,
the derived indexes (book, open orders, counts, client ids, histories) equal what a rebuild
from the primary records gives, which is what a snapshot restore relies on. Orders run in all
three scopes: cross, isolated, and the spot wallet (``spot_*`` operations: orders, OCO, OTO and
OTOCO lists, cancels), whose balances must follow its own fills and transfers.
"""

from __future__ import annotations

import contextlib
from decimal import ROUND_DOWN, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mock_exchange.core.enums import OrderType, Side, SideEffectType, TimeInForce
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.events import MarginLevelEvent
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.margin_level import MarginLevelStatus
from mock_exchange.core.requests import LegSpec, NewOco, NewOrder, NewOrderListOco, NewOto, NewOtoco
from mock_exchange.core.rules import rises
from tests.core.engine_helpers import asset_totals, check_invariants, check_rebuild, fingerprint, make_exchange

D = Decimal
ACCOUNTS = ("alice", "bob", "poor")
FACTORS = (D("0.9"), D("0.95"), D("0.98"), D("0.99"), D("0.995"), D("1"), D("1.005"), D("1.01"), D("1.02"),
           D("1.05"), D("1.1"))
QUANTITIES = {"BTCUSDT": (D("0.001"), D("0.01"), D("0.1"), D("0.5"), D("1"), D("3")),
              "ETHUSDT": (D("0.01"), D("0.5"), D("2"), D("20"))}
TYPES = (OrderType.LIMIT, OrderType.MARKET, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT,
         OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT)
PAIR_TYPES = (OrderType.LIMIT_MAKER, OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT,
              OrderType.TAKE_PROFIT_LIMIT)

symbols = st.sampled_from(("BTCUSDT", "BTCUSDT", "BTCUSDT", "ETHUSDT"))
factors = st.sampled_from(FACTORS)
distances = st.sampled_from((D("0.002"), D("0.01"), D("0.02"), D("0.05")))
sane = st.sampled_from((True, True, True, True, False))  # mostly valid requests, some rejected ones
sides = st.sampled_from((Side.BUY, Side.SELL))
effects = st.sampled_from((SideEffectType.NO_SIDE_EFFECT, SideEffectType.NO_SIDE_EFFECT, SideEffectType.MARGIN_BUY,
                           SideEffectType.AUTO_REPAY, SideEffectType.AUTO_BORROW_REPAY))
tifs = st.sampled_from((TimeInForce.GTC, TimeInForce.GTC, TimeInForce.GTC, TimeInForce.IOC, TimeInForce.FOK))
qty_index = st.integers(0, 5)
# (type, side, quantity index, price factor, stop distance, time in force, trailing delta, sane)
leg = st.tuples(st.sampled_from(TYPES), sides, qty_index, factors, distances, tifs,
                st.sampled_from((None, None, None, 100, 300)), sane)
working_leg = st.tuples(st.sampled_from((OrderType.LIMIT, OrderType.LIMIT, OrderType.LIMIT_MAKER)), sides,
                        qty_index, factors, distances, tifs, st.just(None), sane)
accounts = st.sampled_from(ACCOUNTS)

operations = st.one_of(
    st.tuples(st.just("order"), accounts, symbols, st.booleans(), leg, effects),
    st.tuples(st.just("oco"), accounts, symbols, st.booleans(), sides, qty_index, distances, distances,
              st.booleans(), sane, effects),
    st.tuples(st.just("oto"), accounts, symbols, st.booleans(), working_leg, leg, effects),
    st.tuples(st.just("otoco"), accounts, symbols, st.booleans(), working_leg, sides, st.integers(0, 2),
              st.integers(0, 1), distances, distances, sane, effects),
    # The spot scope: the same engine on the spot wallet (never borrowing).
    st.tuples(st.just("spot_order"), accounts, symbols, leg),
    st.tuples(st.just("spot_oco"), accounts, symbols, sides, st.integers(0, 2), st.integers(0, 1), distances,
              distances, sane, qty_index),
    st.tuples(st.just("spot_oto"), accounts, symbols, working_leg, leg),
    st.tuples(st.just("spot_otoco"), accounts, symbols, working_leg, sides, st.integers(0, 2), st.integers(0, 1),
              distances, distances, sane),
    st.tuples(st.just("spot_cancel_all"), accounts, symbols),
    st.tuples(st.just("cancel"), accounts, st.integers(0, 50)),
    st.tuples(st.just("cancel_list"), accounts, st.integers(0, 50)),
    st.tuples(st.just("cancel_all"), accounts, symbols, st.booleans()),
    st.tuples(st.just("price"), symbols, factors),
    st.tuples(st.just("price"), symbols, factors),
    st.tuples(st.just("trade"), symbols, factors, qty_index),
    st.tuples(st.just("path"), symbols, st.lists(factors, min_size=2, max_size=4)),
    st.tuples(st.just("borrow"), accounts, st.sampled_from(("BTC", "USDT")), qty_index),
    st.tuples(st.just("repay"), accounts, st.sampled_from(("BTC", "USDT")), qty_index),
    st.tuples(st.just("advance"), st.integers(1, 3)),
    # The index apart from the last price, crashes and spikes included (margin levels, liquidations).
    st.tuples(st.just("index"), symbols, st.sampled_from((D("0.3"), D("0.5"), D("0.7"), D("0.8"), D("0.9"), D("1.1"),
                                                          D("1.3"), D("1.6"), D("2.5")))),
    st.tuples(st.just("index"), symbols, st.sampled_from((D("0.3"), D("0.5"), D("0.7"), D("1.6"), D("2.5")))),
    st.tuples(st.just("index_follows_last"), symbols),
    st.tuples(st.just("liquidate"), accounts, st.booleans()),
    # Borrow most of what may be borrowed and spend it: a leveraged long (USDT owed) or short (BTC owed).
    st.tuples(st.just("lever"), accounts, st.booleans(), st.booleans(),
              st.sampled_from((D("0.5"), D("0.9"), D("0.99")))),
    st.tuples(st.just("lever"), accounts, st.booleans(), st.booleans(),
              st.sampled_from((D("0.5"), D("0.9"), D("0.99")))),
    st.tuples(st.just("transfer"), accounts,
              st.sampled_from(("MAIN_MARGIN", "MARGIN_MAIN", "MAIN_ISOLATED_MARGIN", "ISOLATED_MARGIN_MAIN",
                               "MARGIN_ISOLATEDMARGIN", "ISOLATEDMARGIN_MARGIN")),
              st.sampled_from(("BTC", "USDT")), qty_index, st.sampled_from((D("1"), D("0.12345678"), D("7")))),
)
# SELL pairs: limit or take-profit above, stop-loss below; BUY pairs the other way round.
ABOVE = {Side.SELL: (OrderType.LIMIT_MAKER, OrderType.TAKE_PROFIT, OrderType.TAKE_PROFIT_LIMIT),
         Side.BUY: (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.STOP_LOSS)}
BELOW = {Side.SELL: (OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT),
         Side.BUY: (OrderType.LIMIT_MAKER, OrderType.TAKE_PROFIT)}


def _price(ex: Exchange, symbol: str, factor: Decimal) -> Decimal:
    return (ex.market.last_price(symbol) * factor).quantize(D("0.01"))


def _qty(symbol: str, index: int) -> Decimal:
    options = QUANTITIES[symbol]
    return options[index % len(options)]


def _leg_spec(ex: Exchange, symbol: str, spec: tuple) -> LegSpec:  # type: ignore[type-arg]
    order_type, side, qty, price_factor, distance, tif, trailing, is_sane = spec
    price_factor_used = price_factor
    if is_sane and order_type is OrderType.LIMIT_MAKER:
        price_factor_used = 1 - distance if side is Side.BUY else 1 + distance
    stop_factor = 1 + distance if rises(order_type, side) == is_sane else 1 - distance
    if is_sane and order_type.has_limit_price and order_type.is_stop:
        price_factor_used = stop_factor * (1 + distance if side is Side.BUY else 1 - distance)
    trailing_used = trailing if order_type.is_stop and symbol == "BTCUSDT" else None
    return LegSpec(
        type=order_type, side=side, quantity=_qty(symbol, qty),
        price=_price(ex, symbol, price_factor_used) if order_type.has_limit_price else None,
        stop_price=_price(ex, symbol, stop_factor) if order_type.is_stop and (not trailing_used or qty % 2) else None,
        trailing_delta=trailing_used,
        time_in_force=tif if order_type in (OrderType.LIMIT, OrderType.STOP_LOSS_LIMIT,
                                            OrderType.TAKE_PROFIT_LIMIT) else None,
    )


def _isolated(account: str, symbol: str, flag: bool) -> bool:
    return flag and symbol == "BTCUSDT" and (account == "alice" or flag is None)


def _run(ex: Exchange, op: tuple) -> None:  # type: ignore[type-arg]
    kind = op[0]
    if kind == "order":
        _, account, symbol, iso, spec, effect = op
        leg_spec = _leg_spec(ex, symbol, spec)
        ex.place_order(account, NewOrder(
            symbol, leg_spec.side, leg_spec.type, quantity=leg_spec.quantity, price=leg_spec.price,
            stop_price=leg_spec.stop_price, trailing_delta=leg_spec.trailing_delta,
            time_in_force=leg_spec.time_in_force, isolated=_isolated(account, symbol, iso), side_effect_type=effect))
    elif kind == "oco":
        _, account, symbol, iso, side, qty, limit_distance, stop_distance, stop_limit, is_sane, effect = op
        up = 1 if (side is Side.SELL) == is_sane else -1
        limit = _price(ex, symbol, 1 + up * limit_distance)
        stop = _price(ex, symbol, 1 - up * stop_distance)
        stop_limit_price = (stop * (1 - up * limit_distance)).quantize(D("0.01")) if stop_limit else None
        ex.place_oco(account, NewOco(
            symbol, side, _qty(symbol, qty), limit, stop, stop_limit_price=stop_limit_price,
            stop_limit_time_in_force=TimeInForce.GTC if stop_limit else None,
            isolated=_isolated(account, symbol, iso), side_effect_type=effect))
    elif kind == "oto":
        _, account, symbol, iso, working, pending, effect = op
        ex.place_oto(account, NewOto(symbol, _leg_spec(ex, symbol, working), _leg_spec(ex, symbol, pending),
                                     isolated=_isolated(account, symbol, iso), side_effect_type=effect))
    elif kind == "otoco":
        _, account, symbol, iso, working, side, above_pick, below_pick, above_d, below_d, is_sane, effect = op
        ex.place_otoco(account, _otoco(ex, symbol, working, side, above_pick, below_pick, above_d, below_d, is_sane,
                                       isolated=_isolated(account, symbol, iso), side_effect_type=effect))
    elif kind == "spot_oto":
        _, account, symbol, working, pending = op
        working, pending = _spot_sized(working), _spot_sized(pending)
        ex.place_oto(account, NewOto(symbol, _leg_spec(ex, symbol, working), _leg_spec(ex, symbol, pending),
                                     spot=True))
    elif kind == "spot_otoco":
        _, account, symbol, working, side, above_pick, below_pick, above_d, below_d, is_sane = op
        ex.place_otoco(account, _otoco(ex, symbol, _spot_sized(working), side, above_pick, below_pick, above_d,
                                       below_d, is_sane, spot=True))
    elif kind == "spot_order":
        _, account, symbol, spec = op
        leg_spec = _leg_spec(ex, symbol, spec)
        ex.place_order(account, NewOrder(
            symbol, leg_spec.side, leg_spec.type, quantity=leg_spec.quantity, price=leg_spec.price,
            stop_price=leg_spec.stop_price, trailing_delta=leg_spec.trailing_delta,
            time_in_force=leg_spec.time_in_force, spot=True))
    elif kind == "spot_oco":
        _, account, symbol, side, above_pick, below_pick, above_d, below_d, is_sane, qty = op
        above_type = ABOVE[side][above_pick % len(ABOVE[side])]
        below_type = BELOW[side][below_pick % len(BELOW[side])]
        if not is_sane:
            above_type, below_type = below_type, above_type
        quantity = _qty(symbol, qty)
        ex.place_pair_oco(account, NewOrderListOco(
            symbol, above=_pair_leg(ex, symbol, above_type, side, quantity, 1 + above_d),
            below=_pair_leg(ex, symbol, below_type, side, quantity, 1 - below_d), spot=True))
    else:
        _run_other(ex, op)


def _spot_sized(spec: tuple) -> tuple:  # type: ignore[type-arg]
    """A leg of the three smallest quantities: spot wallets hold a few thousand USDT and cannot borrow,
    so larger lists would mostly be refused for funds before reaching the list rules."""
    return (*spec[:2], spec[2] % 3, *spec[3:])


def _otoco(ex: Exchange, symbol: str, working: tuple, side: Side, above_pick: int, below_pick: int,  # type: ignore[type-arg]
           above_d: Decimal, below_d: Decimal, is_sane: bool, **scope: Any) -> NewOtoco:
    """A working order, then a pending pair on the right sides of the price (swapped when not sane)."""
    above_type = ABOVE[side][above_pick % len(ABOVE[side])]
    below_type = BELOW[side][below_pick % len(BELOW[side])]
    if not is_sane:
        above_type, below_type = below_type, above_type
    qty = _qty(symbol, working[2])
    return NewOtoco(symbol, _leg_spec(ex, symbol, working),
                    pending_above=_pair_leg(ex, symbol, above_type, side, qty, 1 + above_d),
                    pending_below=_pair_leg(ex, symbol, below_type, side, qty, 1 - below_d), **scope)


def _pair_leg(ex: Exchange, symbol: str, order_type: OrderType, side: Side, qty: Decimal, factor: Decimal) -> LegSpec:
    price = _price(ex, symbol, factor)
    return LegSpec(order_type, side, qty, price=price if order_type.has_limit_price else None,
                   stop_price=price if order_type.is_stop else None,
                   time_in_force=TimeInForce.GTC if order_type.has_limit_price else None)


def _run_other(ex: Exchange, op: tuple) -> None:  # type: ignore[type-arg]
    kind = op[0]
    if kind in ("cancel", "cancel_list"):
        _, account, pick = op
        mine = sorted((o for o in ex.state.orders.values() if o.account == account and o.is_open),
                      key=lambda o: o.order_id)
        if mine:
            order = mine[pick % len(mine)]
            if kind == "cancel" or order.order_list_id < 0:
                ex.cancel_order(account, order.symbol, order.isolated, order_id=order.order_id, spot=order.spot)
            else:
                ex.cancel_order_list(account, order.symbol, order.isolated, order_list_id=order.order_list_id,
                                     spot=order.spot)
    elif kind == "cancel_all":
        _, account, symbol, iso = op
        ex.cancel_open_orders(account, symbol, _isolated(account, symbol, iso))
    elif kind == "spot_cancel_all":
        ex.cancel_open_orders(op[1], op[2], spot=True)
    elif kind == "price":
        ex.set_price(op[1], _price(ex, op[1], op[2]))
    elif kind == "trade":
        ex.trade(op[1], _price(ex, op[1], op[2]), _qty(op[1], op[3]))
    elif kind == "path":
        symbol = op[1]
        last = ex.market.last_price(symbol)
        ex.price_path(symbol, [(last * factor).quantize(D("0.01")) for factor in op[2]])
    elif kind == "borrow":
        ex.borrow(op[1], op[2], _qty("BTCUSDT", op[3]) * (1000 if op[2] == "USDT" else 1))
    elif kind == "repay":
        ex.repay(op[1], op[2], _qty("BTCUSDT", op[3]) * (1000 if op[2] == "USDT" else 1))
    elif kind == "transfer":
        _, account, type_, asset, qty, scale = op
        amount = _qty("BTCUSDT", qty) * scale * (1000 if asset == "USDT" else 1)
        ex.transfer(account, type_, asset, amount,
                    from_symbol="BTCUSDT" if type_.startswith("ISOLATED") else None,
                    to_symbol="BTCUSDT" if type_.endswith(("ISOLATED_MARGIN", "ISOLATEDMARGIN")) else None)
    elif kind == "advance":
        ex.clock.advance(op[1] * 60 * 60 * 1000)
        for account in ex.accounts.values():  # accrue now, so later rejections see settled interest
            ex.margin_account(account.name)
            for symbol in account.isolated:
                ex.margin_account(account.name, symbol)
        ex.check_margin_levels()  # as the control plane's clock moves do: interest may liquidate
    elif kind == "index":
        _, symbol, factor = op
        ex.set_index_price(symbol, (ex.index_prices().index_price(symbol) * factor).quantize(D("0.01")))
    elif kind == "index_follows_last":
        ex.set_index_price(op[1], None)
    elif kind == "lever":
        _, account, long, iso, share = op
        pair = "BTCUSDT" if _isolated(account, "BTCUSDT", iso) else None
        asset = "USDT" if long else "BTC"
        available, _ = ex.max_borrowable(account, asset, pair)
        amount = (available * share).quantize(D("0.01") if long else D("0.001"), rounding=ROUND_DOWN)
        if amount > 0:
            ex.borrow(account, asset, amount, pair)
            last = ex.market.last_price("BTCUSDT")
            qty = ((amount / last) if long else amount).quantize(D("0.001"), rounding=ROUND_DOWN)
            # The loan stands even when the order is refused (the step is not a rejected one).
            with contextlib.suppress(BinanceError):
                ex.place_order(account, NewOrder("BTCUSDT", Side.BUY if long else Side.SELL, OrderType.MARKET,
                                                 quantity=qty, isolated=pair is not None))
    elif kind == "liquidate":
        _, account, iso = op
        ex.manual_liquidation(account, "BTCUSDT" if _isolated(account, "BTCUSDT", iso) else None)


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(operations, min_size=5, max_size=40))
def test_random_sequences_keep_invariants(ops: list[Any]) -> None:
    ex = make_exchange()
    start = asset_totals(ex)
    for op in ops:
        before = fingerprint(ex)
        seq, liquidation_orders = ex.events.last_seq, len(ex.state.liquidations)
        try:
            _run(ex, op)
        except BinanceError:
            assert fingerprint(ex) == before, op
        check_invariants(ex, start)
        check_liquidations(ex, op, seq, liquidation_orders)
    check_rebuild(ex)


def check_liquidations(ex: Exchange, op: tuple, seq: int, liquidation_orders: int) -> None:  # type: ignore[type-arg]
    """No account left at the bar; a liquidated account owes nothing and has no open order."""
    for name, account in ex.accounts.items():
        for margin in account.margin_accounts():
            risk = ex.margin_risk(name, margin.isolated_symbol)
            assert risk.status is not MarginLevelStatus.FORCE_LIQUIDATION, (name, margin.isolated_symbol, op)
    liquidated = {(e.account, e.isolated_symbol) for e in ex.events_since(seq)
                  if isinstance(e, MarginLevelEvent) and e.status == MarginLevelStatus.FORCE_LIQUIDATION.value}
    if op[0] == "liquidate" and ex.events.last_seq > seq:
        liquidated.add((op[1], "BTCUSDT" if _isolated(op[1], "BTCUSDT", op[2]) else None))
    for name, isolated_symbol in liquidated:
        margin = ex.accounts[name].margin_account(isolated_symbol)
        assert all(entry.liability == 0 for entry in margin.balances.values()), (name, isolated_symbol, op)
        assert not [o for o in ex.state.orders.values() if o.is_open and o.account == name and not o.spot
                    and (o.symbol if o.isolated else None) == isolated_symbol
                    and (isolated_symbol is not None or not o.isolated)], (name, isolated_symbol, op)
    for record in ex.state.liquidations[liquidation_orders:]:
        order = ex.state.orders[record.order_id]
        assert order.client_order_id.startswith("autoclose-") and order.status.value == "FILLED", order
