"""Which :class:`ControlService` method serves each control route: references, not strings.

The HTTP blueprint (``web/control.py``) and the in-process handle (``control/handle.py``)
call the method found here; a renamed or missing method fails at import and in mypy, not
on the first request. Routes keep the operation's name (``Route.op``) for the remote
client, which speaks HTTP only.
"""

from __future__ import annotations

from collections.abc import Callable
from types import MethodType
from typing import Any

from mock_exchange.control.service import ControlService

S = ControlService

HANDLERS: dict[str, Callable[..., Any]] = {handler.__name__: handler for handler in (
    S.reset,
    S.clock,
    S.set_clock,
    S.market,
    S.set_price,
    S.trade,
    S.price_path,
    S.set_index_price,
    S.accounts,
    S.add_account,
    S.account,
    S.set_balance,
    S.margin_level,
    S.drive_margin_level,
    S.symbols,
    S.add_symbol,
    S.rate_limits,
    S.set_rate_limits,
    S.snapshot,
    S.restore,
    S.save_snapshot,
    S.load_snapshot,
    S.list_faults,
    S.add_fault,
    S.clear_faults,
    S.query_journal,
    S.clear_journal,
    S.events,
    S.last_explanation,
    S.streams_delivered,
    S.replay_status,
    S.replay_load,
    S.replay_unload,
    S.replay_step,
    S.replay_seek,
    S.replay_play,
    S.replay_pause,
)}


def bound(service: ControlService, op: str) -> Callable[..., Any]:
    """The operation ``op`` of ``service`` (KeyError for an operation no route declares)."""
    return MethodType(HANDLERS[op], service)
