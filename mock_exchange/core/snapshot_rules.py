"""What a snapshot must satisfy to be restored: one check per section, each naming the field.

``core.snapshot`` decodes a snapshot into the engine's records (types, finite non-negative
decimals, bounded integers); the checks here hold it to the rules a running exchange never
breaks, so a restored state is one the exchange could really be in:

- ``version`` is the integer 2 (or 1, migrated first); ``clock.now_ms`` is a time the exchange can show;
- symbols pass the config file's own validation (names, assets, positive last price, filters);
- accounts: unique names and API keys, at least one credential, isolated pairs only for
  known symbols and only their two assets, ``locked`` exactly what open orders reserve;
- orders, lists and trades name known accounts, symbols and each other, consistently
  (scope, list membership, no overfill, no two open orders with one client id);
- the market has exactly the symbols, each with a positive last price, a bounded tape and bars;
- id counters are not negative and not behind an id already used (no id handed out twice);
- transfers, interest rows and index prices name known accounts, symbols, wallets, types;
- the event sequence is not negative.

A failed rule raises :class:`~mock_exchange.core.snapshot.SnapshotError` whose message
starts with the field's path in the snapshot, e.g.
``state.accounts.demo.cross.balances.BTC.free: must be a finite non-negative decimal``.
"""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any, NoReturn

from mock_exchange.core.clock import MAX_TIME_MS
from mock_exchange.core.config import API_KEY_PATTERN, ConfigError, SymbolConfig, symbol_config
from mock_exchange.core.history import MAX_BARS, MAX_TAPE_ENTRIES
from mock_exchange.core.state import CROSS_WALLET, ISOLATED_WALLET, SPOT_WALLET

# Binance's id fields are signed 64-bit integers.
MAX_ID = 2**63 - 1
# The alphabet and length Binance allows for client order ids (as web/params.py checks them).
CLIENT_ID_RE = re.compile(r"[.A-Z:/a-z0-9_-]{1,36}")
ASSET_RE = re.compile(r"[A-Z0-9]{1,20}")
# A counter's name: the engine adds kinds over time ("interest" for interest rows), so any
# such name is kept; the kinds below are also checked against the ids their records use.
ID_KIND_RE = re.compile(r"[a-z][a-z_]{0,31}")
WALLETS = {SPOT_WALLET, CROSS_WALLET, ISOLATED_WALLET}
LIST_ROLES = {"", "stop", "limit", "working", "pending", "above", "below"}
BORROW_TYPES = {"BORROW", "REPAY"}
BORROW_KINDS = {"MANUAL", "AUTO"}
LIST_SIZES = {"OCO": 2, "OTO": 2, "OTOCO": 3}


def fail(where: str, message: str) -> NoReturn:
    from mock_exchange.core.snapshot import SnapshotError

    raise SnapshotError(f"{where}: {message}")


def mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        fail(where, f"expected an object, got {_kind(raw)}")
    return raw


def exact_keys(raw: Mapping[str, Any], where: str, keys: tuple[str, ...]) -> None:
    unknown = sorted(str(key) for key in raw if key not in keys)
    if unknown:
        fail(f"{where}.{unknown[0]}" if where else unknown[0], "unknown field")
    for key in keys:
        if key not in raw:
            fail(f"{where}.{key}" if where else key, "missing")


def integer(raw: Any, where: str, minimum: int, maximum: int) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        fail(where, f"expected an integer, got {_kind(raw)}")
    if not minimum <= raw <= maximum:
        fail(where, f"must be between {minimum} and {maximum}, got {raw}")
    return raw


def time_ms(raw: Any, where: str, minimum: int = 0) -> int:
    return integer(raw, where, minimum, MAX_TIME_MS)


def _kind(raw: Any) -> str:
    return "null" if raw is None else type(raw).__name__


# -- top level, clock, ids, events --------------------------------------------------------------


def check_version(raw: Any, readable: tuple[int, ...]) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int) or raw not in readable:
        fail("version", f"expected {readable[-1]} (or an older {', '.join(map(str, readable[:-1]))}), got {raw!r}")
    return raw


def check_clock(raw: Any) -> tuple[int, bool]:
    clock = mapping(raw, "clock")
    exact_keys(clock, "clock", ("now_ms", "frozen"))
    now = time_ms(clock["now_ms"], "clock.now_ms")
    if not isinstance(clock["frozen"], bool):
        fail("clock.frozen", f"expected true or false, got {clock['frozen']!r}")
    return now, clock["frozen"]


def check_events(raw: Any) -> int:
    events = mapping(raw, "events")
    exact_keys(events, "events", ("last_seq",))
    return integer(events["last_seq"], "events.last_seq", 0, MAX_ID)


def check_ids(raw: Any, state: Mapping[str, Any]) -> dict[str, Any]:
    """Seed, counters (never behind an id in use) and the client-id generator's state."""
    ids = mapping(raw, "ids")
    exact_keys(ids, "ids", ("seed", "counters", "random"))
    integer(ids["seed"], "ids.seed", -MAX_ID, MAX_ID)
    counters = mapping(ids["counters"], "ids.counters")
    used = {
        "order": max(state["orders"], default=0),
        "order_list": max(state["order_lists"], default=0),
        "tran": max((record.tran_id for record in (*state["borrow_history"], *state["transfers"])), default=0),
        "interest": max((record.tx_id for record in state["interest_history"]), default=0),
    }
    for kind, value in counters.items():
        where = f"ids.counters.{kind}"
        if not isinstance(kind, str) or not ID_KIND_RE.fullmatch(kind):
            fail(where, "an id kind is 1-32 lower-case letters and underscores")
        integer(value, where, 0, MAX_ID)
    for kind, highest in used.items():
        if counters.get(kind, 0) < highest:
            fail(f"ids.counters.{kind}", f"is {counters.get(kind, 0)}, behind id {highest} already in use")
    _check_random(ids["random"])
    return dict(ids)


def _check_random(raw: Any) -> None:
    where = "ids.random"
    if not isinstance(raw, list) or len(raw) != 3:
        fail(where, "expected [version, internal state, gauss] as written by a snapshot")
    version, internal, gauss = raw
    integer(version, f"{where}[0]", 0, 2**31)
    if not isinstance(internal, list) or not 1 <= len(internal) <= 1000:
        fail(f"{where}[1]", "expected the generator's list of integers")
    for i, word in enumerate(internal):
        integer(word, f"{where}[1][{i}]", 0, 2**32 - 1)
    if gauss is not None and not isinstance(gauss, (int, float)):
        fail(f"{where}[2]", f"expected a number or null, got {_kind(gauss)}")
    try:
        random.Random().setstate((version, tuple(internal), gauss))
    except (TypeError, ValueError, OverflowError) as exc:
        fail(where, f"not a generator state: {exc}")


# -- symbols and market ------------------------------------------------------------------------------


def check_symbols(raw: Any) -> dict[str, SymbolConfig]:
    """Each symbol as strictly as in a config file (the config's own validation builds it)."""
    symbols = mapping(raw, "state.symbols")
    if not symbols:
        fail("state.symbols", "at least one symbol is required")
    result = {}
    for name, spec in symbols.items():
        where = f"state.symbols.{name}"
        fields = dict(mapping(spec, where))
        if fields.pop("symbol", None) != name:
            fail(f"{where}.symbol", f"must be {name!r}")
        try:
            result[name] = symbol_config(name, fields)
        except ConfigError as exc:
            raise _config_error(exc) from None
    return result


def _config_error(exc: ConfigError) -> Exception:
    from mock_exchange.core.snapshot import SnapshotError

    return SnapshotError(f"state.{exc}")


_MARKET_KEYS = ("last", "tape", "bars", "next_trade_id", "next_agg_id", "book_update_id")


def check_market(raw: Any, symbols: Mapping[str, SymbolConfig]) -> dict[str, Any]:
    """Exactly the snapshot's symbols, each with a positive last price, a bounded tape and bars."""
    market = mapping(raw, "market")
    for name in market:
        if name not in symbols:
            fail(f"market.{name}", "not a symbol of state.symbols")
    for name in symbols:
        where = f"market.{name}"
        if name not in market:
            fail(where, "missing (every symbol needs a last price)")
        entry = mapping(market[name], where)
        unknown = sorted(str(key) for key in entry if key not in _MARKET_KEYS)
        if unknown:
            fail(f"{where}.{unknown[0]}", "unknown field")
        for key in ("last", "tape"):  # bars and the id counters are absent from older snapshots
            if key not in entry:
                fail(f"{where}.{key}", "missing")
        positive_decimal_text(entry["last"], f"{where}.last")
        _check_tape(entry["tape"], f"{where}.tape")
        _check_bars(entry.get("bars", []), f"{where}.bars")
        for key in ("next_trade_id", "next_agg_id", "book_update_id"):
            if key in entry:
                integer(entry[key], f"{where}.{key}", 0, MAX_ID)
    return dict(market)


def _check_tape(tape: Any, where: str) -> None:
    """[time_ms, price, qty, trade_id, agg_id, is_buyer_maker, taker, after_seq] (or an older entry without
    after_seq, or an older still [time, price, qty])."""
    if not isinstance(tape, list) or not tape or len(tape) > MAX_TAPE_ENTRIES:
        fail(where, f"expected a list of 1 to {MAX_TAPE_ENTRIES} entries")
    for i, item in enumerate(tape):
        item_where = f"{where}[{i}]"
        if not isinstance(item, list) or len(item) not in (3, 7, 8):
            fail(item_where, "expected [time_ms, price, qty, trade_id, agg_id, is_buyer_maker, taker, after_seq]")
        # Not necessarily in time order in an older snapshot (a clock set back printed earlier
        # times at the end); restoring sorts the tape by time.
        time_ms(item[0], f"{item_where}[0]")
        positive_decimal_text(item[1], f"{item_where}[1]")
        qty = decimal_text(item[2], f"{item_where}[2]")
        if len(item) == 3:
            continue
        trade_id = integer(item[3], f"{item_where}[3]", -1, MAX_ID)
        agg_id = integer(item[4], f"{item_where}[4]", -1, MAX_ID)
        if not isinstance(item[5], bool):
            fail(f"{item_where}[5]", f"expected a boolean, got {_kind(item[5])}")
        integer(item[6], f"{item_where}[6]", -MAX_ID, MAX_ID)
        if len(item) == 8:
            integer(item[7], f"{item_where}[7]", -1, MAX_ID)
        if (trade_id < 0) != (agg_id < 0) or (trade_id < 0) != (qty == 0):
            fail(item_where, "a trade has ids and a positive qty; a price point has neither")


def _check_bars(bars: Any, where: str) -> None:
    """[open_ms, open, high, low, close, volume, quote_volume, trades, taker_buy_volume,
    taker_buy_quote_volume, first_trade_id], ascending by open time."""
    if not isinstance(bars, list) or len(bars) > MAX_BARS:
        fail(where, f"expected a list of at most {MAX_BARS} bars")
    previous = 0
    for i, item in enumerate(bars):
        item_where = f"{where}[{i}]"
        if not isinstance(item, list) or len(item) != 11:
            fail(item_where, "expected [open_ms, open, high, low, close, volume, quote_volume, trades, "
                             "taker_buy_volume, taker_buy_quote_volume, first_trade_id]")
        previous = time_ms(item[0], f"{item_where}[0]", previous)
        o, h, lo, c = (positive_decimal_text(item[k], f"{item_where}[{k}]") for k in (1, 2, 3, 4))
        if not lo <= min(o, c) <= max(o, c) <= h:
            fail(item_where, "low <= open, close <= high is required")
        for k in (5, 6, 8, 9):
            decimal_text(item[k], f"{item_where}[{k}]")
        integer(item[7], f"{item_where}[7]", 0, MAX_ID)
        integer(item[10], f"{item_where}[10]", -1, MAX_ID)


def decimal_text(raw: Any, where: str) -> Decimal:
    from mock_exchange.core.snapshot import parse_amount

    return parse_amount(raw, where)


def positive_decimal_text(raw: Any, where: str) -> Decimal:
    value = decimal_text(raw, where)
    if value <= 0:
        fail(where, f"must be positive, got {raw!r}")
    return value


# -- accounts -------------------------------------------------------------------------------------------


def check_accounts(accounts: Mapping[str, Any], symbols: Mapping[str, SymbolConfig]) -> None:
    keys: dict[str, str] = {}
    for name, account in accounts.items():
        where = f"state.accounts.{name}"
        if account.name != name:
            fail(f"{where}.name", f"must be {name!r}")
        if not isinstance(account.api_key, str) or not API_KEY_PATTERN.fullmatch(account.api_key):
            fail(f"{where}.api_key", "must be 1-128 letters and digits")
        if account.api_key in keys:
            fail(f"{where}.api_key", f"duplicate API key (also used by account {keys[account.api_key]!r})")
        keys[account.api_key] = name
        _check_credentials(account, where)
        for asset, entry in account.spot.balances.items():
            if not ASSET_RE.fullmatch(asset):
                fail(f"{where}.spot.balances.{asset}", "not an asset name")
            if entry.borrowed or entry.interest:
                fail(f"{where}.spot.balances.{asset}", "a spot balance owes nothing (no borrowed, no interest)")
        _check_margin(account.cross, f"{where}.cross", None, None)
        for symbol, pair in account.isolated.items():
            pair_where = f"{where}.isolated.{symbol}"
            spec = symbols.get(symbol)
            if spec is None:
                fail(pair_where, "not a symbol of state.symbols")
            _check_margin(pair, pair_where, symbol, {spec.base_asset, spec.quote_asset})


def _check_credentials(account: Any, where: str) -> None:
    for field in ("hmac_secret", "rsa_public_key", "ed25519_public_key"):
        value = getattr(account, field)
        if value is not None and (not value or len(value) > 16_384):
            fail(f"{where}.{field}", "must be a non-empty string (at most 16 KiB) or null")
    if not (account.hmac_secret or account.rsa_public_key or account.ed25519_public_key):
        fail(where, "needs hmac_secret, rsa_public_key or ed25519_public_key")
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    for field in ("rsa_public_key", "ed25519_public_key"):
        value = getattr(account, field)
        if value is None:
            continue
        try:
            load_pem_public_key(value.encode("ascii"))
        except (ValueError, TypeError, UnicodeEncodeError):
            fail(f"{where}.{field}", "not a PEM public key")


def _check_margin(margin: Any, where: str, symbol: str | None, assets: set[str] | None) -> None:
    if margin.isolated_symbol != symbol:
        fail(f"{where}.isolated_symbol", f"must be {symbol!r}")
    time_ms(margin.interest_checkpoint_ms, f"{where}.interest_checkpoint_ms")
    for asset in margin.balances:
        if not ASSET_RE.fullmatch(asset):
            fail(f"{where}.balances.{asset}", "not an asset name")
        if assets is not None and asset not in assets:
            fail(f"{where}.balances.{asset}", f"an isolated pair holds only {' and '.join(sorted(assets))}")


# -- orders, order lists, trades, ledgers ------------------------------------------------------------------


def check_orders(state: Mapping[str, Any]) -> None:
    accounts, symbols, orders, lists = state["accounts"], state["symbols"], state["orders"], state["order_lists"]
    open_client_ids: set[tuple[str, bool, str]] = set()
    reserved: dict[tuple[str, str, str], Decimal] = {}  # (account, wallet label, asset)
    for order_id, order in orders.items():
        where = f"state.orders.{order_id}"
        if order.order_id != order_id:
            fail(f"{where}.order_id", f"must be {order_id}")
        integer(order_id, where, 1, MAX_ID)
        spec = _scope(order, accounts, symbols, where)
        if not CLIENT_ID_RE.fullmatch(order.client_order_id):
            fail(f"{where}.client_order_id", "must be 1-36 of A-Z a-z 0-9 . : / _ -")
        for field in ("time_ms", "update_time_ms"):
            time_ms(getattr(order, field), f"{where}.{field}")
        for field in ("working_time_ms", "trailing_time_ms"):
            time_ms(getattr(order, field), f"{where}.{field}", -1)
        integer(order.book_seq, f"{where}.book_seq", 0, MAX_ID)
        if order.trailing_delta is not None:
            integer(order.trailing_delta, f"{where}.trailing_delta", 1, 100_000)
        if order.list_role not in LIST_ROLES:
            fail(f"{where}.list_role", f"unknown role {order.list_role!r}")
        if order.spot and (order.isolated or order.borrowed_amount):
            fail(f"{where}.spot", "a spot order is not isolated and borrows nothing")
        if order.executed_qty > order.quantity and not order.quote_order_qty:
            fail(f"{where}.executed_qty", f"more than the order's quantity {order.quantity}")
        if order.order_list_id != -1:
            found = lists.get(order.order_list_id)
            if found is None or order_id not in found.order_ids:
                fail(f"{where}.order_list_id", f"list {order.order_list_id} does not hold this order")
        for field in ("locked_asset", "borrowed_asset"):
            asset = getattr(order, field)
            if asset and asset not in (spec.base_asset, spec.quote_asset):
                fail(f"{where}.{field}", f"not an asset of {order.symbol}")
        if order.is_open:
            if order.quantity <= 0 or order.remaining_qty <= 0:
                fail(f"{where}.quantity", "an open order needs a quantity left to fill")
            key = (order.account, order.spot, order.client_order_id)
            if key in open_client_ids:
                fail(f"{where}.client_order_id", "another open order of the account's wallet (spot or margin) "
                                                 "has this client id")
            open_client_ids.add(key)
            if order.locked_amount:
                if not order.locked_asset:
                    fail(f"{where}.locked_asset", "an order that locks funds names their asset")
                scope = (order.account, _wallet_label(order), order.locked_asset)
                reserved[scope] = reserved.get(scope, Decimal(0)) + order.locked_amount
        elif order.locked_amount:
            fail(f"{where}.locked_amount", f"a {order.status.value} order locks nothing")
    _check_locked(accounts, reserved)


def _scope(record: Any, accounts: Mapping[str, Any], symbols: Mapping[str, SymbolConfig], where: str) -> Any:
    """The record's symbol config, after checking its account, symbol and isolated pair exist."""
    account = accounts.get(record.account)
    if account is None:
        fail(f"{where}.account", f"no account named {record.account!r}")
    spec = symbols.get(record.symbol)
    if spec is None:
        fail(f"{where}.symbol", f"not a symbol of state.symbols: {record.symbol!r}")
    if record.isolated and record.symbol not in account.isolated:
        fail(f"{where}.isolated", f"account {record.account!r} has no isolated {record.symbol} pair")
    return spec


def _wallet_label(order: Any) -> str:
    """The wallet an order trades in, as snapshot paths name it: spot, cross or isolated.SYMBOL."""
    if order.spot:
        return "spot"
    return f"isolated.{order.symbol}" if order.isolated else "cross"


def _check_locked(accounts: Mapping[str, Any], reserved: Mapping[tuple[str, str, str], Decimal]) -> None:
    for name, account in accounts.items():
        wallets = [("spot", account.spot)] + [
            ("cross" if margin.isolated_symbol is None else f"isolated.{margin.isolated_symbol}", margin)
            for margin in account.margin_accounts()]
        for label, wallet in wallets:
            for asset, entry in wallet.balances.items():
                expected = reserved.get((name, label, asset), Decimal(0))
                if entry.locked != expected:
                    fail(f"state.accounts.{name}.{label}.balances.{asset}.locked",
                         f"is {entry.locked}, but open orders reserve {expected}")
    for (name, label, asset), amount in reserved.items():
        account = accounts[name]
        wallet = (account.spot if label == "spot" else account.cross if label == "cross"
                  else account.isolated[label.removeprefix("isolated.")])
        if asset not in wallet.balances:
            fail(f"state.accounts.{name}.{label}.balances.{asset}", f"missing, but open orders reserve {amount}")


def check_order_lists(state: Mapping[str, Any]) -> None:
    accounts, symbols, orders = state["accounts"], state["symbols"], state["orders"]
    open_client_ids: set[tuple[str, bool, str]] = set()
    for list_id, order_list in state["order_lists"].items():
        where = f"state.order_lists.{list_id}"
        if order_list.order_list_id != list_id:
            fail(f"{where}.order_list_id", f"must be {list_id}")
        integer(list_id, where, 1, MAX_ID)
        _scope(order_list, accounts, symbols, where)
        time_ms(order_list.transaction_time_ms, f"{where}.transaction_time_ms")
        if not CLIENT_ID_RE.fullmatch(order_list.list_client_order_id):
            fail(f"{where}.list_client_order_id", "must be 1-36 of A-Z a-z 0-9 . : / _ -")
        legs = order_list.order_ids
        if len(legs) != LIST_SIZES[order_list.kind.value] or len(set(legs)) != len(legs):
            fail(f"{where}.order_ids", f"an {order_list.kind.value} holds {LIST_SIZES[order_list.kind.value]} "
                                       "different orders")
        for i, order_id in enumerate(legs):
            leg = orders.get(order_id)
            if leg is None:
                fail(f"{where}.order_ids[{i}]", f"no order {order_id}")
            if (leg.order_list_id, leg.account, leg.symbol, leg.isolated) != (
                    list_id, order_list.account, order_list.symbol, order_list.isolated):
                fail(f"{where}.order_ids[{i}]", f"order {order_id} is not a leg of this list")
        if order_list.working_order_id is not None and order_list.working_order_id not in legs:
            fail(f"{where}.working_order_id", "not one of the list's orders")
        if order_list.is_open:
            key = (order_list.account, order_list.spot, order_list.list_client_order_id)
            if key in open_client_ids:
                fail(f"{where}.list_client_order_id", "another open list of the account's wallet (spot or margin) "
                                                      "has this client id")
            open_client_ids.add(key)


def check_trades(state: Mapping[str, Any]) -> None:
    """The fills, in fill order: a symbol's trade ids ascend (so each is its one fill), each a fill of its order."""
    orders = state["orders"]
    last_ids: dict[str, int] = {}  # symbol -> the id of its latest fill so far
    for i, trade in enumerate(state["trades"]):
        where = f"state.trades[{i}]"
        integer(trade.trade_id, f"{where}.trade_id", 0, MAX_ID)
        last = last_ids.get(trade.symbol)
        if last is not None and trade.trade_id <= last:
            # The account's trade history is rebuilt in this order (myTrades, fromId read it ascending).
            fail(f"{where}.trade_id", f"after {trade.symbol}'s trade {last}: a symbol's fills are listed in "
                                      "fill order, their ids ascending")
        last_ids[trade.symbol] = trade.trade_id
        order = orders.get(trade.order_id)
        if order is None:
            fail(f"{where}.order_id", f"no order {trade.order_id}")
        if (trade.account, trade.symbol, trade.isolated, trade.side, trade.order_list_id) != (
                order.account, order.symbol, order.isolated, order.side, order.order_list_id):
            fail(where, f"account, symbol, mode, side and list must be those of order {trade.order_id}")
        if trade.price <= 0 or trade.qty <= 0:
            fail(f"{where}.qty", "a fill has a positive price and quantity")
        if trade.commission_asset and not ASSET_RE.fullmatch(trade.commission_asset):
            fail(f"{where}.commission_asset", "not an asset name")
        time_ms(trade.time_ms, f"{where}.time_ms")


def check_trade_ids(trades: list[Any], market: Mapping[str, Any]) -> None:
    """A fill's id is one its symbol's tape has handed out, so no later print reuses it."""
    next_ids: dict[str, int] = {}
    for i, trade in enumerate(trades):
        if trade.symbol not in next_ids:
            entry = market[trade.symbol]
            printed = [row[3] for row in entry["tape"] if len(row) >= 7]
            next_ids[trade.symbol] = entry.get("next_trade_id", max(printed, default=-1) + 1)
        if trade.trade_id >= next_ids[trade.symbol]:
            fail(f"state.trades[{i}].trade_id", f"{trade.symbol}'s tape has not reached trade id {trade.trade_id} "
                                                f"(its next is {next_ids[trade.symbol]})")


def check_borrow_history(state: Mapping[str, Any]) -> None:
    accounts, symbols = state["accounts"], state["symbols"]
    for i, record in enumerate(state["borrow_history"]):
        where = f"state.borrow_history[{i}]"
        integer(record.tran_id, f"{where}.tran_id", 1, MAX_ID)
        if record.account not in accounts:
            fail(f"{where}.account", f"no account named {record.account!r}")
        if record.isolated_symbol is not None and record.isolated_symbol not in symbols:
            fail(f"{where}.isolated_symbol", "not a symbol of state.symbols")
        if record.type not in BORROW_TYPES:
            fail(f"{where}.type", f"must be BORROW or REPAY, got {record.type!r}")
        if record.kind not in BORROW_KINDS:
            fail(f"{where}.kind", f"must be MANUAL or AUTO, got {record.kind!r}")
        if record.status != "CONFIRMED":
            fail(f"{where}.status", f"must be CONFIRMED, got {record.status!r}")
        if not ASSET_RE.fullmatch(record.asset):
            fail(f"{where}.asset", "not an asset name")
        time_ms(record.time_ms, f"{where}.time_ms")


def check_transfers(state: Mapping[str, Any]) -> None:
    from mock_exchange.core.transfers import TRANSFER_TYPES

    accounts, symbols = state["accounts"], state["symbols"]
    for i, record in enumerate(state["transfers"]):
        where = f"state.transfers[{i}]"
        integer(record.tran_id, f"{where}.tran_id", 1, MAX_ID)
        if record.account not in accounts:
            fail(f"{where}.account", f"no account named {record.account!r}")
        if record.type not in TRANSFER_TYPES:
            fail(f"{where}.type", f"not a transfer type: {record.type!r}")
        for field in ("from_wallet", "to_wallet"):
            if getattr(record, field) not in WALLETS:
                fail(f"{where}.{field}", f"must be one of {', '.join(sorted(WALLETS))}")
        for field in ("from_symbol", "to_symbol"):
            symbol = getattr(record, field)
            if symbol is not None and symbol not in symbols:
                fail(f"{where}.{field}", "not a symbol of state.symbols")
        if not ASSET_RE.fullmatch(record.asset):
            fail(f"{where}.asset", "not an asset name")
        time_ms(record.time_ms, f"{where}.time_ms")


def check_interest_history(state: Mapping[str, Any]) -> None:
    accounts, symbols = state["accounts"], state["symbols"]
    for i, record in enumerate(state["interest_history"]):
        where = f"state.interest_history[{i}]"
        integer(record.tx_id, f"{where}.tx_id", 1, MAX_ID)
        if record.account not in accounts:
            fail(f"{where}.account", f"no account named {record.account!r}")
        if record.isolated_symbol is not None and record.isolated_symbol not in symbols:
            fail(f"{where}.isolated_symbol", "not a symbol of state.symbols")
        if not ASSET_RE.fullmatch(record.asset):
            fail(f"{where}.asset", "not an asset name")
        time_ms(record.time_ms, f"{where}.time_ms")


def check_liquidations(state: Mapping[str, Any]) -> None:
    """Liquidation records name an order of their account; write-offs a known account and asset."""
    accounts, symbols, orders = state["accounts"], state["symbols"], state["orders"]
    for i, record in enumerate(state["liquidations"]):
        where = f"state.liquidations[{i}]"
        order = orders.get(record.order_id)
        if order is None or order.account != record.account:
            fail(f"{where}.order_id", "not an order of that account in state.orders")
        elif (order.symbol if order.isolated else None) != record.isolated_symbol:
            fail(f"{where}.isolated_symbol", "not the margin account of that order")
        time_ms(record.time_ms, f"{where}.time_ms")
    for i, record in enumerate(state["write_offs"]):
        where = f"state.write_offs[{i}]"
        if record.account not in accounts:
            fail(f"{where}.account", f"no account named {record.account!r}")
        if record.isolated_symbol is not None and record.isolated_symbol not in symbols:
            fail(f"{where}.isolated_symbol", "not a symbol of state.symbols")
        if not ASSET_RE.fullmatch(record.asset):
            fail(f"{where}.asset", "not an asset name")
        if record.principal < 0 or record.interest < 0:
            fail(f"{where}.principal", "a write-off is not negative")
        time_ms(record.time_ms, f"{where}.time_ms")


def check_index_prices(state: Mapping[str, Any]) -> None:
    for symbol, price in state["index_prices"].items():
        where = f"state.index_prices.{symbol}"
        if symbol not in state["symbols"]:
            fail(where, "not a symbol of state.symbols")
        if price <= 0:
            fail(where, f"must be positive, got {price}")


def check_ledgers(state: Mapping[str, Any]) -> None:
    for ledger in ("fees_collected", "interest_charged"):
        for asset in state[ledger]:
            if not ASSET_RE.fullmatch(asset):
                fail(f"state.{ledger}.{asset}", "not an asset name")


def check_state(state: Mapping[str, Any]) -> None:
    """Every rule over the decoded records, section by section."""
    check_accounts(state["accounts"], state["symbols"])
    check_order_lists(state)
    check_orders(state)
    check_trades(state)
    check_borrow_history(state)
    check_transfers(state)
    check_interest_history(state)
    check_liquidations(state)
    check_index_prices(state)
    check_ledgers(state)
