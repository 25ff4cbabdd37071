"""State and helpers shared by the endpoint method groups of MarginClient."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .endpoints import Endpoint
from .errors import MissingParameterError
from .ids import ClientIdFactory
from .transport import Transport
from .wire import DecimalLike, format_decimal

# Order types and what each needs besides quantity (spot rules, spec §4.8).
_NEEDS_PRICE = frozenset({"LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT", "LIMIT_MAKER"})
_NEEDS_TIF = frozenset({"LIMIT", "STOP_LOSS_LIMIT", "TAKE_PROFIT_LIMIT"})
_NEEDS_TRIGGER = frozenset({"STOP_LOSS", "STOP_LOSS_LIMIT", "TAKE_PROFIT", "TAKE_PROFIT_LIMIT"})


def dec(value: DecimalLike | None) -> str | None:
    """Format an optional decimal parameter."""
    return None if value is None else format_decimal(value)


def check_leg(
    order_type: object,
    *,
    prefix: str,
    price: object,
    stop_price: object,
    trailing_delta: object,
    time_in_force: object,
) -> None:
    """Check the parameters a leg of `order_type` needs; names use `prefix` (e.g. 'pending_')."""
    kind = str(getattr(order_type, "value", order_type))
    reason = f"{prefix}type={kind}"
    if kind in _NEEDS_PRICE and price is None:
        raise MissingParameterError(f"{prefix}price", reason=reason)
    if kind in _NEEDS_TIF and time_in_force is None:
        raise MissingParameterError(f"{prefix}time_in_force", reason=reason)
    if kind in _NEEDS_TRIGGER and stop_price is None and trailing_delta is None:
        raise MissingParameterError(f"{prefix}stop_price or {prefix}trailing_delta", reason=reason)


def require_symbol_if_isolated(symbol: str | None, is_isolated: bool | None) -> None:
    """Isolated margin calls must name their symbol."""
    if is_isolated and not symbol:
        raise MissingParameterError("symbol", reason="mandatory for isolated margin")


class ClientBase:
    """Holds the transport and the client-id policy used by every method group."""

    def __init__(self, transport: Transport, client_id_factory: ClientIdFactory | None) -> None:
        self.transport = transport
        self.client_id_factory = client_id_factory

    def _send(self, endpoint: Endpoint, params: Mapping[str, object] | None = None) -> Any:
        """Send through the transport and return the parsed JSON."""
        return self.transport.send(endpoint, params)

    def _client_id(self, given: str | None) -> str | None:
        """Return the caller's id, else a generated one (when generation is enabled)."""
        if given is not None or self.client_id_factory is None:
            return given
        return self.client_id_factory()
