"""The whole exchange state as versioned, plain JSON, and back.

A snapshot holds the primary records only (accounts with their balances, orders, order
lists, trades, ledgers, symbols), plus ids, market, clock and the event sequence; every
derived index (the book, open-order indexes, histories) is rebuilt on restore. Records
are encoded field by field from their dataclasses, so a field the engine adds later is
carried without touching this module, and a snapshot missing it gets the field's default.
Decimals travel as strings and enums as their wire values, so nothing passes through a
float. Restoring is as strict as loading a config: types here, and every rule a running
exchange keeps in :mod:`core.snapshot_rules`, with the field's path in the message.
"""

from __future__ import annotations

import dataclasses
import re
import types
import typing
from collections.abc import Callable, Mapping
from decimal import Decimal, InvalidOperation
from enum import Enum
from functools import cache
from typing import Any, Union

# 2: trades keyed by (symbol, trade id) and listed in fill order; a version 1 snapshot is
# migrated on restore (core.snapshot_migration).
SNAPSHOT_VERSION = 2
READABLE_VERSIONS = (1, SNAPSHOT_VERSION)


class SnapshotError(ValueError):
    """A snapshot that cannot be restored; the message names the offending field."""


# -- encoding -----------------------------------------------------------------------------


def encode(value: Any) -> Any:
    """``value`` as JSON: dataclasses as objects, Decimal as str, enums as their values."""
    encoder = _ENCODERS.get(type(value))
    if encoder is None:
        encoder = _ENCODERS[type(value)] = _encoder_for(type(value))
    return encoder(value)


def _same(value: Any) -> Any:
    return value


def _encoder_for(cls: type) -> Any:
    """How to encode instances of ``cls``, decided once per class (snapshots encode every record)."""
    if dataclasses.is_dataclass(cls):
        # A field marked ``metadata={"snapshot": False}`` stays out (a symbol's warm-up spec:
        # the market's bars carry the history itself).
        names = tuple(f.name for f in dataclasses.fields(cls) if f.metadata.get("snapshot", True))
        return lambda value: {name: encode(getattr(value, name)) for name in names}
    if issubclass(cls, Enum):
        return lambda value: value.value
    if issubclass(cls, Decimal):
        return str
    if issubclass(cls, Mapping):
        return lambda value: {str(key): encode(item) for key, item in value.items()}
    if issubclass(cls, (list, tuple)):
        return lambda value: [encode(item) for item in value]
    if cls is type(None) or issubclass(cls, (str, int, bool)):
        return _same
    raise TypeError(f"cannot snapshot a {cls.__name__}")


_ENCODERS: dict[type, Any] = {}


# -- decoding -----------------------------------------------------------------------------


@cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def decode_dataclass(cls: type, raw: Any, where: str) -> Any:
    """An instance of ``cls`` from its encoded form; missing fields take their defaults."""
    return _decoder(cls)(raw, where)


def decode(tp: Any, raw: Any, where: str) -> Any:
    """``raw`` decoded as type ``tp`` (the annotation of the field it came from)."""
    return _decoder(tp)(raw, where)


Decoder = Callable[[Any, str], Any]


def _any(raw: Any, where: str) -> Any:
    return raw


@cache
def _decoder(tp: Any) -> Decoder:
    """How to decode a value annotated ``tp``, decided once per type (a restore decodes every record)."""
    origin = typing.get_origin(tp)
    args = typing.get_args(tp)
    if tp is Any:
        return _any
    if origin in (Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        if len(options) != 1:
            return _any
        inner = _decoder(options[0])
        if type(None) not in args:
            return inner
        return lambda raw, where: None if raw is None else inner(raw, where)
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _dataclass_decoder(tp)
    if tp is Decimal:
        return _decimal
    if isinstance(tp, type) and issubclass(tp, Enum):
        return _enum_decoder(tp)
    if origin in (list, tuple) or tp in (list, tuple):
        return _sequence_decoder(_decoder(args[0] if args else Any), origin is tuple or tp is tuple)
    if origin in (dict, Mapping) or tp in (dict, Mapping):
        key_type, value_type = args if args else (Any, Any)
        return _mapping_decoder(key_type, _decoder(value_type))
    return lambda raw, where: _scalar(tp, raw, where)


def _dataclass_decoder(cls: type) -> Decoder:
    hints = _hints(cls)
    fields = {f.name: _decoder(hints[f.name]) for f in dataclasses.fields(cls) if f.init}

    def decode_record(raw: Any, where: str) -> Any:
        if not isinstance(raw, Mapping):
            raise SnapshotError(f"{where}: expected an object")
        unknown = sorted(str(key) for key in raw if key not in fields)
        if unknown:
            raise SnapshotError(f"{where}: unknown field(s) {', '.join(unknown)}")
        values = {name: fields[name](value, f"{where}.{name}") for name, value in raw.items()}
        try:
            return cls(**values)
        except TypeError as exc:
            raise SnapshotError(f"{where}: {exc}") from None

    return decode_record


def _enum_decoder(enum: type[Enum]) -> Decoder:
    members = enum._value2member_map_

    def decode_member(raw: Any, where: str) -> Any:
        found = members.get(raw) if type(raw) in (str, int) else None
        if found is None:
            raise SnapshotError(f"{where}: not a {enum.__name__}: {raw!r}")
        return found

    return decode_member


def _sequence_decoder(item: Decoder, as_tuple: bool) -> Decoder:
    def decode_items(raw: Any, where: str) -> Any:
        if not isinstance(raw, list):
            raise SnapshotError(f"{where}: expected a list")
        items = [item(value, f"{where}[{i}]") for i, value in enumerate(raw)]
        return tuple(items) if as_tuple else items

    return decode_items


def _mapping_decoder(key_type: Any, value: Decoder) -> Decoder:
    def decode_entries(raw: Any, where: str) -> Any:
        if not isinstance(raw, Mapping):
            raise SnapshotError(f"{where}: expected an object")
        result = {}
        for key, item in raw.items():
            path = f"{where}.{key}"
            result[_key(key_type, key, path)] = value(item, path)
        return result

    return decode_entries


# A decimal as str(Decimal) writes it (no spaces, underscores, NaN or Infinity), sign allowed
# so that a negative value gets the "non-negative" message.
_DECIMAL_TEXT = re.compile(r"-?[0-9]+(\.[0-9]+)?(E[-+]?[0-9]+)?", re.IGNORECASE)
# Binance's decimal range (spec section 1): at most 20 digits before the point; nothing the
# engine computes is finer than 40 places.
_MAX_INTEGER_DIGITS = 20
_MAX_PLACES = 40
_MAX_DECIMAL_TEXT = 64
_MAX_INT = 2**63 - 1


def parse_amount(raw: Any, where: str) -> Decimal:
    """A finite, non-negative decimal below 1e20 (every amount and price the engine keeps)."""
    if isinstance(raw, (int, Decimal)) and not isinstance(raw, bool):
        raw = str(raw)  # exact either way (the control API reads JSON numbers as Decimal)
    if not isinstance(raw, str):
        raise SnapshotError(f"{where}: must be a finite non-negative decimal as a string, got {raw!r}")
    if len(raw) > _MAX_DECIMAL_TEXT or not _DECIMAL_TEXT.fullmatch(raw):
        raise SnapshotError(f"{where}: must be a finite non-negative decimal, got {raw[:40]!r}")
    try:
        value = Decimal(raw)
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid literals
        raise SnapshotError(f"{where}: must be a finite non-negative decimal, got {raw!r}") from None
    if value < 0:
        raise SnapshotError(f"{where}: must be a finite non-negative decimal, got {raw!r}")
    if value and (value.adjusted() >= _MAX_INTEGER_DIGITS or value.adjusted() < -_MAX_PLACES):
        raise SnapshotError(f"{where}: out of range (below 1e20, at most 40 decimal places), got {raw!r}")
    return value


def _decimal(raw: Any, where: str) -> Decimal:
    return parse_amount(raw, where)


def _key(tp: Any, raw: Any, where: str) -> Any:
    """A dict key: integer keys travel as their canonical digits ("5", never "05" or "+5")."""
    if tp is int:
        if not isinstance(raw, str) or not re.fullmatch(r"-?(0|[1-9][0-9]{0,18})", raw):
            raise SnapshotError(f"{where}: expected an integer key, got {raw!r}")
        return _scalar(int, int(raw), where)
    return decode(tp, raw, where)


def _scalar(tp: Any, raw: Any, where: str) -> Any:
    if tp is int:
        if isinstance(raw, int) and not isinstance(raw, bool):
            if abs(raw) > _MAX_INT:
                raise SnapshotError(f"{where}: out of range (a signed 64-bit integer), got {raw}")
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
            "state": {f.name: _encode_field(f.name, getattr(state, f.name)) for f in _primary_fields()},
        }


def _encode_field(name: str, value: Any) -> Any:
    # Trades are keyed by (symbol, trade id), which JSON keys cannot be: the snapshot lists them
    # in fill order, each naming its symbol and id.
    return encode(list(value.values())) if name == "trades" else encode(value)


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
        # Sequence numbers carry on after the snapshot's; the old events themselves are not kept
        # (open user streams finish reading them, then close: docs/user-stream.md).
        exchange.restart_event_log(decoded["last_seq"])
        config = exchange.config
        if dict(config.symbols) != state.symbols:
            exchange._set_config(dataclasses.replace(config, symbols=dict(state.symbols)))


def _decode_snapshot(data: Mapping[str, Any]) -> dict[str, Any]:
    from mock_exchange.core import snapshot_rules as rules
    from mock_exchange.core.ids import IdGenerator
    from mock_exchange.core.market import Market
    from mock_exchange.core.orders import Trade
    from mock_exchange.core.state import ExchangeState

    if not isinstance(data, Mapping):
        raise SnapshotError("a snapshot is a JSON object")
    version = rules.check_version(data.get("version"), READABLE_VERSIONS)
    rules.exact_keys(data, "", _TOP_LEVEL)
    now_ms, frozen = rules.check_clock(data["clock"])
    raw_state = _mapping(data["state"], "state")
    hints = _hints(ExchangeState)
    fields = {f.name for f in _primary_fields()}
    extra = sorted(set(raw_state) - fields)
    if extra:
        raise SnapshotError(f"state.{extra[0]}: unknown field")
    for required in ("symbols", "accounts"):
        if required not in raw_state:
            raise SnapshotError(f"state.{required}: missing")
    state = {name: decode(hints[name], raw_state[name], f"state.{name}")
             for name in fields if name in raw_state and name not in ("symbols", "trades")}
    state["symbols"] = rules.check_symbols(raw_state["symbols"])
    market = rules.check_market(data["market"], state["symbols"])
    if version == 1:
        from mock_exchange.core.snapshot_migration import renumber_v1_trades

        old = decode(dict[int, Trade], raw_state.get("trades", {}), "state.trades")
        state["trades"] = renumber_v1_trades(old, market)
    else:
        state["trades"] = decode(list[Trade], raw_state.get("trades", []), "state.trades")
    # Fields absent from an older snapshot start empty, as in a fresh exchange.
    blank = ExchangeState(symbols={}, accounts={})
    for name in fields - set(state):
        state[name] = getattr(blank, name)
    rules.check_state(state)
    rules.check_trade_ids(state["trades"], market)
    state["trades"] = {(trade.symbol, trade.trade_id): trade for trade in state["trades"]}
    ids = rules.check_ids(data["ids"], state)
    try:
        # Parsed once here so nothing can fail half-way through the restore itself.
        Market({}, 0).restore(market)
        IdGenerator().restore(ids)
    except (KeyError, TypeError, ValueError, OverflowError, InvalidOperation) as exc:  # pragma: no cover
        raise SnapshotError(f"market or ids: {exc}") from None
    return {
        "now_ms": now_ms,
        "frozen": frozen,
        "ids": ids,
        "market": market,
        "last_seq": rules.check_events(data["events"]),
        "state": state,
    }


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise SnapshotError(f"{where}: expected an object")
    return raw
