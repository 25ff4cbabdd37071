"""The control API's routes as data: the HTTP blueprint and :class:`RemoteControl` both read it.

Each route names the :class:`~mock_exchange.control.service.ControlService` operation it
runs; path parameters, the JSON body (POST / PUT) or the query string (GET / DELETE) become
that operation's keyword arguments.
"""

from __future__ import annotations

from dataclasses import dataclass

PREFIX = "/mock/v1"
# The dashboard (web/dashboard): its page and JSON feeds are control-plane paths too.
UI_PREFIX = "/mock/ui"


def is_control_path(path: str) -> bool:
    """A path of the control plane (the control API or the dashboard), never a Binance request."""
    return any(path == prefix or path.startswith(prefix + "/") for prefix in (PREFIX, UI_PREFIX))


@dataclass(frozen=True)
class Route:
    op: str  # ControlService method
    method: str
    path: str  # below PREFIX; "<name>" segments are path parameters

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


ROUTES: tuple[Route, ...] = (
    Route("reset", "POST", "/reset"),
    Route("clock", "GET", "/clock"),
    Route("set_clock", "POST", "/clock"),
    Route("market", "GET", "/market/<symbol>"),
    Route("set_price", "POST", "/market/<symbol>/price"),
    Route("trade", "POST", "/market/<symbol>/trade"),
    Route("price_path", "POST", "/market/<symbol>/path"),
    Route("set_index_price", "POST", "/market/<symbol>/index"),
    Route("accounts", "GET", "/accounts"),
    Route("add_account", "POST", "/accounts"),
    Route("account", "GET", "/accounts/<name>"),
    Route("set_balance", "PUT", "/accounts/<name>/balances"),
    Route("margin_level", "GET", "/accounts/<name>/margin-level"),
    Route("drive_margin_level", "POST", "/accounts/<name>/margin-level"),
    Route("symbols", "GET", "/symbols"),
    Route("add_symbol", "POST", "/symbols"),
    Route("rate_limits", "GET", "/rate-limits"),
    Route("set_rate_limits", "PUT", "/rate-limits"),
    Route("snapshot", "GET", "/state"),
    Route("restore", "POST", "/state"),
    Route("save_snapshot", "POST", "/state/save"),
    Route("load_snapshot", "POST", "/state/load"),
    Route("list_faults", "GET", "/faults"),
    Route("add_fault", "POST", "/faults"),
    Route("clear_faults", "DELETE", "/faults"),
    Route("query_journal", "GET", "/journal"),
    Route("clear_journal", "DELETE", "/journal"),
    Route("events", "GET", "/events"),
    Route("last_explanation", "GET", "/explain/last"),
    Route("streams_delivered", "POST", "/streams/delivered"),
    Route("replay_status", "GET", "/replay"),
    Route("replay_load", "POST", "/replay"),
    Route("replay_unload", "DELETE", "/replay"),
    Route("replay_step", "POST", "/replay/step"),
    Route("replay_seek", "POST", "/replay/seek"),
    Route("replay_play", "POST", "/replay/play"),
    Route("replay_pause", "POST", "/replay/pause"),
)

ROUTES_BY_OP = {route.op: route for route in ROUTES}
