"""The margin user data stream: listen keys and tokens, and domain events as Binance payloads.

Grants (listen keys, listen tokens, risk-stream keys) live and expire on the exchange clock.
Payloads are built from the event snapshots in :mod:`mock_exchange.core.events`, one payload
per domain event, in the events' order (spec §9): numbers as 8-decimal strings, times in
epoch milliseconds, field order as in Binance's documentation.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from mock_exchange.core import errors
from mock_exchange.core.decimals import plain8
from mock_exchange.core.enums import ExecutionType, OrderStatus
from mock_exchange.core.events import (
    BalanceEvent,
    Event,
    LiabilityEvent,
    ListStatusEvent,
    MarginLevelEvent,
    OrderEvent,
)

LISTEN_KEY_VALIDITY_MS = 60 * 60 * 1000  # a listen key lives 60 minutes unless kept alive
TOKEN_MAX_VALIDITY_MS = 24 * 60 * 60 * 1000  # userListenToken: default and maximum validity
LISTEN_KEY_LENGTH = 64
TOKEN_LENGTH = 70  # the length of the token in Binance's documentation example
# Grants kept at most; each is a few hundred bytes. A new token is issued on every call, so
# without a bound a client in a loop would grow the registry for ever.
MAX_GRANTS = 10_000


class GrantKind(StrEnum):
    """What a grant was created by, which decides what its stream carries."""

    LISTEN_KEY = "listen_key"  # /sapi/v1/userDataStream(/isolated): the legacy user stream
    RISK_KEY = "risk_key"  # /sapi/v1/margin/listen-key: the risk data stream
    TOKEN = "token"  # /sapi/v1/userListenToken: the WebSocket API subscription


@dataclass(slots=True)
class StreamGrant:
    """One listen key or listen token: whose events it streams and until when."""

    value: str
    kind: GrantKind
    account: str
    isolated_symbol: str | None
    created_ms: int
    expires_ms: int
    closed: bool = False
    # Set by a close: the last event sequence number the stream still carries.
    end_seq: int | None = None
    spot: bool = False  # the spot wallet's stream (core.scopes); margin otherwise


    def active(self, now_ms: int) -> bool:
        return not self.closed and now_ms < self.expires_ms

    def streams(self, event: Event) -> bool:
        """Whether ``event`` is on this grant's stream: covered, and before the grant ended."""
        if self.end_seq is not None and event.seq > self.end_seq:
            return False
        return event.time_ms < self.expires_ms and self.covers(event)

    def covers(self, event: Event) -> bool:
        """Whether ``event`` belongs on this grant's stream (account, then margin account)."""
        if event.account != self.account or event.isolated_symbol != self.isolated_symbol:
            return False
        if getattr(event, "spot", False) != self.spot:
            return False  # spot and margin wallets stream apart
        if self.kind is GrantKind.RISK_KEY:
            return isinstance(event, (LiabilityEvent, MarginLevelEvent))
        return True


class StreamRegistry:
    """Every grant handed out, by value; thread-safe, time always passed in."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._grants: dict[str, StreamGrant] = {}

    def open_listen_key(self, kind: GrantKind, account: str, isolated_symbol: str | None, now_ms: int,
                        new_value: Callable[[], str]) -> StreamGrant:
        """POST: the account's active key of this kind, extended, or a new one (spec §4.18)."""
        with self._lock:
            for grant in self._grants.values():
                if (grant.kind is kind and grant.account == account and grant.isolated_symbol == isolated_symbol
                        and grant.active(now_ms)):
                    grant.expires_ms = now_ms + LISTEN_KEY_VALIDITY_MS
                    return grant
            grant = StreamGrant(new_value(), kind, account, isolated_symbol, now_ms, now_ms + LISTEN_KEY_VALIDITY_MS)
            self._add(grant, now_ms)
            return grant

    def keep_alive(self, value: str, kind: GrantKind, account: str, isolated_symbol: str | None,
                   now_ms: int) -> StreamGrant:
        """PUT: 60 more minutes for an active key of this account; -1125 otherwise."""
        with self._lock:
            grant = self._owned(value, kind, account, isolated_symbol, now_ms)
            grant.expires_ms = now_ms + LISTEN_KEY_VALIDITY_MS
            return grant

    def close(self, value: str, kind: GrantKind, account: str, isolated_symbol: str | None, now_ms: int,
              last_seq: int) -> None:
        """DELETE: the stream ends after event ``last_seq``; -1125 when not an active key of this account."""
        with self._lock:
            grant = self._owned(value, kind, account, isolated_symbol, now_ms)
            grant.closed = True
            grant.end_seq = last_seq

    def issue_token(self, account: str, isolated_symbol: str | None, validity_ms: int, now_ms: int,
                    new_value: Callable[[], str]) -> StreamGrant:
        """POST userListenToken: a new token every time, valid ``validity_ms``."""
        with self._lock:
            grant = StreamGrant(new_value(), GrantKind.TOKEN, account, isolated_symbol, now_ms, now_ms + validity_ms)
            self._add(grant, now_ms)
            return grant

    def active(self, value: str, kind: GrantKind, now_ms: int) -> StreamGrant | None:
        """The grant ``value`` of ``kind`` if it is still usable."""
        with self._lock:
            grant = self._grants.get(value)
        if grant is None or grant.kind is not kind or not grant.active(now_ms):
            return None
        return grant

    def grants(self) -> list[StreamGrant]:
        with self._lock:
            return list(self._grants.values())

    def clear(self) -> None:
        with self._lock:
            self._grants.clear()

    def _add(self, grant: StreamGrant, now_ms: int) -> None:
        """Keep ``grant``; at :data:`MAX_GRANTS` the ended ones go first, then the oldest.

        A stream already open holds its grant itself, so it runs on even when its grant
        is dropped here; only new connections with a dropped value are refused (-1125).
        """
        if len(self._grants) >= MAX_GRANTS:
            for value in [v for v, g in self._grants.items() if not g.active(now_ms)]:
                del self._grants[value]
            while len(self._grants) >= MAX_GRANTS:
                del self._grants[next(iter(self._grants))]  # dicts keep insertion order: the oldest
        self._grants[grant.value] = grant

    def _owned(self, value: str, kind: GrantKind, account: str, isolated_symbol: str | None,
               now_ms: int) -> StreamGrant:
        grant = self._grants.get(value)
        if (grant is None or grant.kind is not kind or grant.account != account
                or grant.isolated_symbol != isolated_symbol or not grant.active(now_ms)):
            raise errors.invalid_listen_key()
        return grant


def check_token_validity(validity_ms: int | None) -> int:
    """The token's validity: 24 h when not sent; -1130 outside 1 ms .. 24 h (inferred)."""
    if validity_ms is None:
        return TOKEN_MAX_VALIDITY_MS
    if validity_ms <= 0 or validity_ms > TOKEN_MAX_VALIDITY_MS:
        raise errors.invalid_param_value("validity")
    return validity_ms


# -- payloads ---------------------------------------------------------------------------


def execution_report(event: OrderEvent) -> dict[str, Any]:
    """``executionReport`` (spec §9.1), with the conditional fields where they apply."""
    order = event.order
    traded = event.trade_id != -1
    payload: dict[str, Any] = {
        "e": "executionReport",
        "E": event.time_ms,
        "s": order.symbol,
        "c": event.client_order_id,
        "S": str(order.side),
        "o": str(order.type),
        # Binance reports GTC for orders that take no timeInForce (MARKET, STOP_LOSS).
        "f": str(order.time_in_force) if order.time_in_force is not None else "GTC",
        "q": plain8(order.quantity),
        "p": plain8(order.price),
        "P": plain8(order.stop_price),
    }
    if order.trailing_delta is not None:
        payload["d"] = order.trailing_delta
    payload.update({
        "F": plain8(order.iceberg_qty),
        "g": order.order_list_id,
        "C": event.orig_client_order_id,
        "x": str(event.execution_type),
        "X": str(order.status),
        "r": event.reject_reason,
        "i": order.order_id,
        "l": plain8(event.last_qty),
        "z": plain8(order.executed_qty),
        "L": plain8(event.last_price),
        "n": plain8(event.commission) if traded else "0",
        "N": event.commission_asset if traded else None,
        "T": event.time_ms,
        "t": event.trade_id,
        # Binance's execution id is unique and increasing; the event sequence number is both.
        "I": event.seq,
        "w": order.is_working,
        "m": event.is_maker if traded else False,
        # Documented as "ignore"; Binance sends true on trades (isBestMatch) and false otherwise.
        "M": traded,
        "O": order.time_ms,
        "Z": plain8(order.cummulative_quote_qty),
        "Y": plain8(event.last_quote_qty),
        "Q": plain8(order.quote_order_qty),
    })
    if order.trailing_delta is not None and order.trailing_time_ms != -1:
        payload["D"] = order.trailing_time_ms
    if order.working_time_ms != -1:
        payload["W"] = order.working_time_ms
    payload["V"] = str(order.self_trade_prevention_mode)
    if event.execution_type is ExecutionType.EXPIRED or order.status is OrderStatus.EXPIRED:
        payload["eR"] = str(order.expiry_reason)
    return payload


def list_status(event: ListStatusEvent) -> dict[str, Any]:
    """``listStatus`` (spec §9.2); an OTOCO reports contingency type OTO."""
    order_list = event.order_list
    return {
        "e": "listStatus",
        "E": event.time_ms,
        "s": order_list.symbol,
        "g": order_list.order_list_id,
        "c": str(order_list.contingency_type),
        "l": str(order_list.list_status_type),
        "L": str(order_list.list_order_status),
        "r": event.reject_reason,
        "C": order_list.list_client_order_id,
        "T": event.time_ms,
        "O": [{"s": leg.symbol, "i": leg.order_id, "c": leg.client_order_id} for leg in event.legs],
    }


def account_position(event: BalanceEvent) -> dict[str, Any]:
    """``outboundAccountPosition`` (spec §9.3): free and locked of the assets that changed."""
    return {
        "e": "outboundAccountPosition",
        "E": event.time_ms,
        "u": event.time_ms,
        "B": [{"a": entry.asset, "f": plain8(entry.free), "l": plain8(entry.locked)} for entry in event.balances],
    }


def balance_update(event: LiabilityEvent) -> dict[str, Any]:
    """``balanceUpdate`` for a loan (positive delta) or a repayment (negative delta)."""
    return {"e": "balanceUpdate", "E": event.time_ms, "a": event.asset, "d": plain8(event.amount), "T": event.time_ms}


def liability_change(event: LiabilityEvent) -> dict[str, Any]:
    """``USER_LIABILITY_CHANGE`` of the risk data stream."""
    return {
        "e": "USER_LIABILITY_CHANGE",
        "E": event.time_ms,
        "a": event.asset,
        "t": event.type,
        "p": plain8(event.principal),
        "i": plain8(event.interest),
    }


def margin_level_status_change(event: MarginLevelEvent) -> dict[str, Any]:
    """``MARGIN_LEVEL_STATUS_CHANGE`` of the risk data stream: the level and the status it entered."""
    return {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": event.time_ms, "l": plain8(event.level), "s": event.status}


def to_payload(event: Event, kind: GrantKind = GrantKind.TOKEN) -> dict[str, Any] | None:
    """The Binance payload for ``event`` on a stream of ``kind``; None when that stream omits it."""
    if kind is GrantKind.RISK_KEY:
        if isinstance(event, MarginLevelEvent):
            return margin_level_status_change(event)
        return liability_change(event) if isinstance(event, LiabilityEvent) else None
    if isinstance(event, MarginLevelEvent):
        return None  # the risk data stream's alone
    if isinstance(event, OrderEvent):
        return execution_report(event)
    if isinstance(event, ListStatusEvent):
        return list_status(event)
    if isinstance(event, BalanceEvent):
        return account_position(event)
    if isinstance(event, LiabilityEvent):
        return balance_update(event)
    return _other_payload(event)


def _other_payload(event: Any) -> dict[str, Any] | None:
    # A balance edit that carries its change (kind "balance_update", ``asset``, ``delta``),
    # e.g. a control-plane transfer, reads as Binance's balanceUpdate.
    if getattr(event, "kind", None) != "balance_update":
        return None
    return {"e": "balanceUpdate", "E": event.time_ms, "a": event.asset, "d": plain8(event.delta), "T": event.time_ms}


def listen_key_expired(value: str, now_ms: int) -> dict[str, Any]:
    """``listenKeyExpired``; Binance's margin documentation shows ``E`` as a string."""
    return {"e": "listenKeyExpired", "E": str(now_ms), "listenKey": value}


def stream_terminated(now_ms: int) -> dict[str, Any]:
    """``eventStreamTerminated``: a listen token's subscription ended."""
    return {"e": "eventStreamTerminated", "E": now_ms}
