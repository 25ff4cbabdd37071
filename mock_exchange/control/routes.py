"""The control API's routes as data: the HTTP blueprint and :class:`RemoteControl` both read it.

Each route holds the :class:`~mock_exchange.control.service.ControlService` function it
runs (a reference, so a renamed or missing operation fails at import and in mypy, never
on a request); path parameters, the JSON body (POST / PUT) or the query string
(GET / DELETE) become that operation's keyword arguments.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import MethodType
from typing import Any, Concatenate

from mock_exchange.control.service import ControlService

# A ControlService function, unbound: an app binds each one to its own service once.
Operation = Callable[Concatenate[ControlService, ...], Any]

PREFIX = "/mock/v1"
# The dashboard (web/dashboard): its page and JSON feeds are control-plane paths too.
UI_PREFIX = "/mock/ui"


def is_control_path(path: str) -> bool:
    """A path of the control plane (the control API or the dashboard), never a Binance request."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in (PREFIX, UI_PREFIX))


@dataclass(frozen=True)
class Route:
    operation: Operation
    method: str
    path: str  # below PREFIX; "<name>" segments are path parameters

    @property
    def op(self) -> str:
        """The operation's name: what ``GET /mock/v1/`` lists and the Flask endpoint is called."""
        return self.operation.__name__

    @property
    def uses_body(self) -> bool:
        return self.method in ("POST", "PUT")

    def url_path(self, **path_args: str) -> str:
        """The concrete path with ``<name>`` segments filled in (URL-quoted)."""
        from urllib.parse import quote

        path = self.path
        for name, value in path_args.items():
            path = path.replace(f"<{name}>", quote(str(value), safe=""))
        return PREFIX + path

    @property
    def path_params(self) -> tuple[str, ...]:
        return tuple(part[1:-1] for part in self.path.split("/") if part.startswith("<"))


S = ControlService

ROUTES: tuple[Route, ...] = (
    Route(S.reset, "POST", "/reset"),
    Route(S.clock, "GET", "/clock"),
    Route(S.set_clock, "POST", "/clock"),
    Route(S.market, "GET", "/market/<symbol>"),
    Route(S.set_price, "POST", "/market/<symbol>/price"),
    Route(S.trade, "POST", "/market/<symbol>/trade"),
    Route(S.price_path, "POST", "/market/<symbol>/path"),
    Route(S.set_index_price, "POST", "/market/<symbol>/index"),
    Route(S.accounts, "GET", "/accounts"),
    Route(S.add_account, "POST", "/accounts"),
    Route(S.account, "GET", "/accounts/<name>"),
    Route(S.set_balance, "PUT", "/accounts/<name>/balances"),
    Route(S.margin_level, "GET", "/accounts/<name>/margin-level"),
    Route(S.drive_margin_level, "POST", "/accounts/<name>/margin-level"),
    Route(S.symbols, "GET", "/symbols"),
    Route(S.add_symbol, "POST", "/symbols"),
    Route(S.rate_limits, "GET", "/rate-limits"),
    Route(S.set_rate_limits, "PUT", "/rate-limits"),
    Route(S.snapshot, "GET", "/state"),
    Route(S.restore, "POST", "/state"),
    Route(S.save_snapshot, "POST", "/state/save"),
    Route(S.load_snapshot, "POST", "/state/load"),
    Route(S.list_faults, "GET", "/faults"),
    Route(S.add_fault, "POST", "/faults"),
    Route(S.clear_faults, "DELETE", "/faults"),
    Route(S.query_journal, "GET", "/journal"),
    Route(S.clear_journal, "DELETE", "/journal"),
    Route(S.events, "GET", "/events"),
    Route(S.last_explanation, "GET", "/explain/last"),
    Route(S.streams_delivered, "POST", "/streams/delivered"),
    Route(S.replay_status, "GET", "/replay"),
    Route(S.replay_load, "POST", "/replay"),
    Route(S.replay_unload, "DELETE", "/replay"),
    Route(S.replay_step, "POST", "/replay/step"),
    Route(S.replay_seek, "POST", "/replay/seek"),
    Route(S.replay_play, "POST", "/replay/play"),
    Route(S.replay_pause, "POST", "/replay/pause"),
)

ROUTE_OF: dict[Operation, Route] = {route.operation: route for route in ROUTES}


def bind(service: ControlService) -> dict[Operation, Callable[..., Any]]:
    """Each routed operation bound to ``service``: built once per app (or handle), not per call.

    Only routed operations are here, so the in-process handle refuses what the HTTP API has
    no route for, as :class:`RemoteControl` must.
    """
    return {route.operation: MethodType(route.operation, service) for route in ROUTES}
