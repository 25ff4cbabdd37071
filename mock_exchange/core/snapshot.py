"""The whole exchange state as versioned, plain JSON, and back.

A snapshot holds the primary records only (accounts with their balances, orders, order
lists, trades, ledgers, symbols), plus ids, market, clock and the event sequence; every
derived index (the book, open-order indexes, histories) is rebuilt on restore. Records
are encoded field by field from their dataclasses, so a field the engine adds later is
carried without touching this module, and a snapshot missing it gets the field's default.
Decimals travel as strings and enums as their wire values, so nothing passes through a
float.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any, Union

SNAPSHOT_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot that cannot be restored; the message names the offending field."""


# -- encoding -----------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """``value`` as JSON: dataclasses as objects, Decimal as str, enums as their values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return {str(key): encode(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, int, bool)):
        return value
    raise TypeError(f"cannot snapshot a {type(value).__name__}")


# -- decoding -----------------------------------------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode_dataclass(cls: type, raw: Any, where: str) -> Any:
    """An instance of ``cls`` from its encoded form; missing fields take their defaults."""
    if not isinstance(raw, Mapping):
        raise SnapshotError(f"{where}: expected an object")
    hints = _hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    unknown = sorted(set(raw) - names)
    if unknown:
        raise SnapshotError(f"{where}: unknown field(s) {', '.join(unknown)}")
    values = {name: decode(hints[name], raw[name], f"{where}.{name}") for name in names if name in raw}
    try:
        return cls(**values)
    except TypeError as exc:
        raise SnapshotError(f"{where}: {exc}") from None


def decode(tp: Any, raw: Any, where: str) -> Any:
    """``raw`` decoded as type ``tp`` (the annotation of the field it came from)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return raw
    if origin in (Union, types.UnionType):
        if raw is None and type(None) in args:
            return None
        options = [a for a in args if a is not type(None)]
        return decode(options[0], raw, where) if len(options) == 1 else raw
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return decode_dataclass(tp, raw, where)
    if tp is Decimal:
        return _decimal(raw, where)
    if isinstance(tp, type) and issubclass(tp, Enum):
        try:
            return tp(raw)
        except ValueError:
            raise SnapshotError(f"{where}: not a {tp.__name__}: {raw!r}") from None
    if origin in (list, tuple) or tp in (list, tuple):
        if not isinstance(raw, list):
            raise SnapshotError(f"{where}: expected a list")
        item = args[0] if args else Any
        items = [decode(item, value, f"{where}[{i}]") for i, value in enumerate(raw)]
        return tuple(items) if origin is tuple or tp is tuple else items
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        if not isinstance(raw, Mapping):
            raise SnapshotError(f"{where}: expected an object")
        key_type, value_type = args if args else (Any, Any)
        return {decode(key_type, key, where): decode(value_type, value, f"{where}.{key}") for key, value in raw.items()}
    return _scalar(tp, raw, where)


def _decimal(raw: Any, where: str) -> Decimal:
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise SnapshotError(f"{where}: expected a decimal string, got {raw!r}")
    try:
        return Decimal(raw)
    except InvalidOperation:
        raise SnapshotError(f"{where}: not a decimal: {raw!r}") from None


def _scalar(tp: Any, raw: Any, where: str) -> Any:
    if tp is int:
        if isinstance(raw, str) and raw.lstrip("-").isdigit():
            return int(raw)  # integer dict keys travel as strings
        if isinstance(raw, int) and not isinstance(raw, bool):
            return raw
    elif tp is bool:
        if isinstance(raw, bool):
            return raw
    elif tp is str:
        if isinstance(raw, str):
            return raw
    else:
        return raw
    raise SnapshotError(f"{where}: expected {tp.__name__}, got {raw!r}")


# -- the exchange ---------------------------------------------------------------------------

# ExchangeState fields that are indexes over the others, rebuilt on restore.
DERIVED_FIELDS = frozenset({
    "book", "open_orders", "open_lists", "open_counts", "open_client_ids", "open_list_client_ids",
    "order_history", "list_history", "trade_history",
})
_TOP_LEVEL = ("version", "clock", "ids", "market", "events", "state")


def _primary_fields() -> list[dataclasses.Field[Any]]:
    from mock_exchange.core.state import ExchangeState

    return [f for f in dataclasses.fields(ExchangeState) if f.name not in DERIVED_FIELDS]


def snapshot(exchange: Any) -> dict[str, Any]:
    """The exchange's whole state as a JSON-ready dict (``{"version": 1, ...}``)."""
    with exchange.lock:
        state = exchange.state
        clock = exchange.clock
        return {
            "version": SNAPSHOT_VERSION,
            "clock": {"now_ms": clock.now_ms(), "frozen": clock.frozen},
            "ids": exchange.ids.state(),
            "market": exchange.market.state(),
            "events": {"last_seq": exchange.events.last_seq},
            "state": {f.name: encode(getattr(state, f.name)) for f in _primary_fields()},
        }


def restore(exchange: Any, data: Mapping[str, Any], *, restore_clock: bool = True) -> None:
    """Replace the exchange's state with ``data`` (from :func:`snapshot`).

    Everything is decoded and checked before anything changes, so a bad snapshot leaves
    the exchange as it was. The clock is set to the snapshot's time (frozen or running as
    it was) unless ``restore_clock`` is false.
    """
    decoded = _decode_snapshot(data)
    with exchange.lock:
        if restore_clock:
            clock = exchange.clock
            if decoded["frozen"]:
                clock.freeze(decoded["now_ms"])
            else:
                clock.unfreeze()
                clock.set(decoded["now_ms"])
        exchange.ids.restore(decoded["ids"])
        exchange.market.restore(decoded["market"])
        state = exchange.state
        for name, value in decoded["state"].items():
            setattr(state, name, value)
        exchange.rebuild_indexes()
        log = exchange.events
        # Sequence numbers carry on after the snapshot's; the old events themselves are not kept.
        log.events.clear()
        log.dropped = decoded["last_seq"]
        config = exchange.config
        if dict(config.symbols) != state.symbols:
            exchange._set_config(dataclasses.replace(config, symbols=dict(state.symbols)))


def _decode_snapshot(data: Mapping[str, Any]) -> dict[str, Any]:
    from mock_exchange.core.market import Market
    from mock_exchange.core.state import ExchangeState

    if not isinstance(data, Mapping):
        raise SnapshotError("a snapshot is a JSON object")
    if data.get("version") != SNAPSHOT_VERSION:
        raise SnapshotError(f"version: expected {SNAPSHOT_VERSION}, got {data.get('version')!r}")
    unknown = sorted(set(data) - set(_TOP_LEVEL))
    missing = [key for key in _TOP_LEVEL if key not in data]
    if unknown or missing:
        raise SnapshotError(f"unknown {unknown} / missing {missing} top-level fields")
    clock = _mapping(data["clock"], "clock")
    raw_state = _mapping(data["state"], "state")
    hints = _hints(ExchangeState)
    fields = {f.name for f in _primary_fields()}
    extra = sorted(set(raw_state) - fields)
    if extra:
        raise SnapshotError(f"state: unknown field(s) {', '.join(extra)}")
    state = {name: decode(hints[name], raw_state[name], f"state.{name}") for name in fields if name in raw_state}
    for required in ("symbols", "accounts"):
        if required not in state:
            raise SnapshotError(f"state.{required}: missing")
    # Fields absent from an older snapshot start empty, as in a fresh exchange.
    blank = ExchangeState(symbols={}, accounts={})
    for name in fields - set(state):
        state[name] = getattr(blank, name)
    _check_references(state)
    market = _mapping(data["market"], "market")
    try:
        Market({}, 0).restore(dict(market))  # parsed once here so a bad tape fails before any change
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise SnapshotError(f"market: {exc}") from None
    return {
        "now_ms": _scalar(int, clock.get("now_ms"), "clock.now_ms"),
        "frozen": _scalar(bool, clock.get("frozen"), "clock.frozen"),
        "ids": _ids(data["ids"]),
        "market": dict(market),
        "last_seq": _scalar(int, _mapping(data["events"], "events").get("last_seq"), "events.last_seq"),
        "state": state,
    }


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SnapshotError(f"{where}: expected an object")
    return raw


def _ids(raw: Any) -> dict[str, Any]:
    from mock_exchange.core.ids import IdGenerator

    ids = dict(_mapping(raw, "ids"))
    try:
        IdGenerator().restore(ids)
    except (KeyError, TypeError, ValueError) as exc:
        raise SnapshotError(f"ids: {exc}") from None
    return ids


def _check_references(state: dict[str, Any]) -> None:
    """Orders, lists and trades must name known accounts, symbols and orders."""
    accounts, symbols, orders = state["accounts"], state["symbols"], state["orders"]
    for order_id, order in orders.items():
        if order.order_id != order_id:
            raise SnapshotError(f"state.orders.{order_id}: holds order {order.order_id}")
        if order.account not in accounts or order.symbol not in symbols:
            raise SnapshotError(f"state.orders.{order_id}: unknown account or symbol")
    for list_id, order_list in state["order_lists"].items():
        if any(oid not in orders for oid in order_list.order_ids):
            raise SnapshotError(f"state.order_lists.{list_id}: names an unknown order")
    for trade_id, trade in state["trades"].items():
        if trade.account not in accounts or trade.order_id not in orders:
            raise SnapshotError(f"state.trades.{trade_id}: unknown account or order")
