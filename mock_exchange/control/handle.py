"""Python control handles: the same methods in-process (:class:`LocalControl`) and over HTTP.

    control = LocalControl(app)                 # or RemoteControl("http://127.0.0.1:8080")
    control.freeze(at_ms=1_767_225_600_000)
    control.set_price("BTCUSDT", "29500")
    fills = [e for e in control.events() if e["action"] == "fill"]

Prices and quantities are ``str``, ``int`` or ``Decimal``; a float raises ``TypeError``
before anything is sent (it has already lost the decimal you meant). Failures raise
:class:`~mock_exchange.control.errors.ControlError` with the control API's error code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from decimal import Decimal
from typing import Any, Concatenate, ParamSpec, TypeVar

from mock_exchange.control.routes import Operation, bind
from mock_exchange.control.service import ControlService, check_fields
from mock_exchange.control.values import reject_floats
from mock_exchange.core.decimals import engine_arithmetic

CONTROL_EXTENSION_KEY = "mock_exchange.control"
_MS_PER = {"ms": 1, "seconds": 1000, "minutes": 60_000, "hours": 3_600_000}
# The handle names each operation by its ControlService function, as the route table does:
# mypy checks the function exists and the keyword arguments it is given.
S = ControlService
P = ParamSpec("P")
R = TypeVar("R")


def jsonable(value: Any) -> Any:
    """Decimals as strings, recursively: what travels over HTTP, and what LocalControl passes too."""
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    return value


def _balances(spec: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """``{"USDT": "100"}`` shorthand for ``{"USDT": {"free": "100"}}``."""
    if spec is None:
        return None
    return {asset: value if isinstance(value, Mapping) else {"free": value} for asset, value in spec.items()}


class ControlHandle:
    """The control API as Python methods; subclasses say how an operation is carried out."""

    def _op(self, operation: Operation, /, **kwargs: Any) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def _call(self, operation: Callable[Concatenate[ControlService, P], R], /,
              *args: P.args, **kwargs: P.kwargs) -> R:
        if args:  # over HTTP an operation's arguments are named fields
            raise TypeError(f"{operation.__name__}: control operations take keyword arguments only")
        reject_floats(**kwargs)
        with engine_arithmetic():  # as over HTTP (web/app.py): the same figures, never a decimal trap
            return self._op(operation, **jsonable({k: v for k, v in kwargs.items() if v is not None}))

    # -- reset and clock ----------------------------------------------------------------

    def reset(self, seed: int | None = None, at_ms: int | None = None, *, keep_clock: bool = False) -> dict[str, Any]:
        """Back to the configured state; journal and faults cleared.

        The clock goes back to its start (wall time for a served exchange), unless ``at_ms``
        is given, which freezes it there first, or ``keep_clock`` leaves it as it is.
        """
        return self._call(S.reset, seed=seed, at_ms=at_ms, keep_clock=keep_clock or None)

    def clock(self) -> dict[str, Any]:
        return self._call(S.clock)

    def now_ms(self) -> int:
        return int(self.clock()["now_ms"])

    def freeze(self, at_ms: int | None = None) -> int:
        return int(self._call(S.set_clock, freeze=True, at_ms=at_ms)["now_ms"])

    def unfreeze(self) -> int:
        return int(self._call(S.set_clock, unfreeze=True)["now_ms"])

    def use_wall_clock(self) -> int:
        """Follow wall time again (not frozen, no offset): what clients signing with their own clock need."""
        return int(self._call(S.set_clock, wall=True)["now_ms"])

    def set_time(self, ms: int) -> int:
        return int(self._call(S.set_clock, set_ms=ms)["now_ms"])

    def advance(self, ms: int | None = None, *, seconds: int | Decimal | str | None = None,
                minutes: int | Decimal | str | None = None, hours: int | Decimal | str | None = None) -> int:
        """Move the clock forward by the sum of the amounts given; the new time in ms."""
        reject_floats(ms=ms, seconds=seconds, minutes=minutes, hours=hours)
        total = Decimal(0)
        for unit, amount in (("ms", ms), ("seconds", seconds), ("minutes", minutes), ("hours", hours)):
            if amount is not None:
                total += Decimal(str(amount)) * _MS_PER[unit]
        if total != total.to_integral_value():
            raise ValueError(f"advance: {total} ms is not a whole number of milliseconds")
        return int(self._call(S.set_clock, advance_ms=int(total))["now_ms"])

    # -- market -------------------------------------------------------------------------

    def market(self, symbol: str) -> dict[str, Any]:
        return self._call(S.market, symbol=symbol)

    def set_price(self, symbol: str, price: str | int | Decimal) -> list[dict[str, Any]]:
        """A print at ``price``; the events it caused (fills, triggers, expiries...) in order."""
        return self._call(S.set_price, symbol=symbol, price=price)["events"]

    def trade(self, symbol: str, price: str | int | Decimal, qty: str | int | Decimal) -> list[dict[str, Any]]:
        """A market trade of ``qty`` at ``price``; crossed orders fill up to ``qty``."""
        return self._call(S.trade, symbol=symbol, price=price, qty=qty)["events"]

    def price_path(self, symbol: str, prices: Sequence[str | int | Decimal]) -> list[dict[str, Any]]:
        return self._call(S.price_path, symbol=symbol, prices=list(prices))["events"]

    # -- accounts and symbols -------------------------------------------------------------

    def set_index_price(self, symbol: str, price: str | int | Decimal | None) -> dict[str, Any]:
        """Set the symbol's index price (GET /sapi/v1/margin/priceIndex, margin valuation).

        None makes it follow the last price again.
        """
        return self._call(S.set_index_price, symbol=symbol, price=None if price is None else str(price))

    def margin_level(self, account: str, isolated_symbol: str | None = None) -> dict[str, Any]:
        """The margin level of the cross account (or an isolated pair) at index prices, with its status."""
        return self._call(S.margin_level, name=account, isolated_symbol=isolated_symbol)

    def drive_margin_level(self, account: str, level: str | int | Decimal, symbol: str,
                           isolated_symbol: str | None = None) -> dict[str, Any]:
        """Move ``symbol``'s index price so the account sits at margin ``level``; the reading after it."""
        return self._call(S.drive_margin_level, name=account, level=level, symbol=symbol,
                          isolated_symbol=isolated_symbol)

    def accounts(self) -> list[dict[str, Any]]:
        return self._call(S.accounts)["accounts"]

    def account(self, name: str) -> dict[str, Any]:
        return self._call(S.account, name=name)

    def add_account(self, name: str, api_key: str, *, hmac_secret: str | None = None,
                    rsa_public_key: str | None = None, ed25519_public_key: str | None = None,
                    margin_enabled: bool = True, cross: Mapping[str, Any] | None = None,
                    isolated: Mapping[str, Mapping[str, Any]] | None = None) -> dict[str, Any]:
        """A new account; balances as ``{"USDT": "1000"}`` or ``{"USDT": {"free": ..., "borrowed": ...}}``."""
        return self._call(S.add_account, name=name, api_key=api_key, hmac_secret=hmac_secret,
                          rsa_public_key=rsa_public_key, ed25519_public_key=ed25519_public_key,
                          margin_enabled=margin_enabled, cross=_balances(cross),
                          isolated=None if isolated is None else {s: _balances(b) for s, b in isolated.items()})

    def set_balance(
        self,
        account: str,
        asset: str,
        free: str | int | Decimal,
        borrowed: str | int | Decimal | None = None,
        isolated_symbol: str | None = None,
        wallet: str | None = None,
    ) -> dict[str, Any]:
        """Set a balance: cross margin by default, an isolated pair, or ``wallet="spot"``."""
        if wallet is None:
            return self._call(S.set_balance, name=account, asset=asset, free=free, borrowed=borrowed,
                              isolated_symbol=isolated_symbol)
        return self._call(S.set_balance, name=account, asset=asset, free=free, borrowed=borrowed,
                          isolated_symbol=isolated_symbol, wallet=wallet)

    def symbols(self) -> list[dict[str, Any]]:
        return self._call(S.symbols)["symbols"]

    def add_symbol(self, symbol: str, base_asset: str, quote_asset: str, last_price: str | int | Decimal,
                   **fields: Any) -> dict[str, Any]:
        """A new symbol; ``fields`` as in the config file (filters, status, precisions...)."""
        return self._call(S.add_symbol, symbol=symbol, base_asset=base_asset, quote_asset=quote_asset,
                          last_price=last_price, **fields)

    # -- rate limits ----------------------------------------------------------------------

    def rate_limits(self) -> dict[str, Any]:
        return self._call(S.rate_limits)

    def set_rate_limits(self, **limits: int | bool) -> dict[str, Any]:
        """Change some ``RateLimitConfig`` fields; counters and bans restart."""
        return self._call(S.set_rate_limits, **limits)

    # -- state ------------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        return self._call(S.snapshot)

    def restore(self, state: Mapping[str, Any]) -> None:
        self._op(S.restore, **dict(state))

    def save_snapshot(self, path: str) -> dict[str, Any]:
        """Write a snapshot file on the exchange's side (for RemoteControl: the server's disk)."""
        return self._call(S.save_snapshot, path=str(path))

    def load_snapshot(self, path: str) -> dict[str, Any]:
        return self._call(S.load_snapshot, path=str(path))

    # -- faults -------------------------------------------------------------------------------

    def inject_fault(self, endpoint: str, kind: str, count: int | None = None,
                     probability: str | Decimal | int | None = None, method: str | None = None,
                     **options: Any) -> dict[str, Any]:
        """A fault rule (see docs/control-api.md for kinds and options); the rule as stored."""
        return self._call(S.add_fault, endpoint=endpoint, kind=kind, count=count, probability=probability,
                          method=method, options=options)

    def faults(self) -> list[dict[str, Any]]:
        return self._call(S.list_faults)["faults"]

    def clear_faults(self) -> int:
        return int(self._call(S.clear_faults)["cleared"])

    # -- journal and events -----------------------------------------------------------------------

    def journal(self, **filters: Any) -> list[dict[str, Any]]:
        """Journal entries: method, path (exact or glob), account, status, since_seq, fault, limit."""
        return self._call(S.query_journal, **filters)["entries"]

    def journal_count(self, **filters: Any) -> int:
        filters.pop("limit", None)
        return int(self._call(S.query_journal, limit=0, **filters)["count"])

    def clear_journal(self) -> int:
        return int(self._call(S.clear_journal)["cleared"])

    def events(self, since: int = 0, account: str | None = None) -> list[dict[str, Any]]:
        return self._call(S.events, since=since, account=account)["events"]

    def streams_delivered(self, timeout_ms: int | None = None) -> dict[str, Any]:
        """Wait until every open WebSocket stream has sent the frames of the steps made so far.

        ``{"delivered": True, "sessions", "through_seq"}``; a stream still behind after
        ``timeout_ms`` (default 5000) raises ControlError ``timeout``.
        """
        return self._call(S.streams_delivered, timeout_ms=timeout_ms)

    def last_explanation(self, account: str | None = None) -> dict[str, Any] | None:
        """Why the latest rejected request (of ``account``, else of anyone) was rejected, or None.

        ``{"code", "cause", "text", "details", "method", "path", "status", "account", "time_ms"}``;
        ``text`` is what the ``X-Mock-Explain`` header said.
        """
        return self._call(S.last_explanation, account=account)["explanation"]


    # -- market data replay (docs/replay.md) ---------------------------------------------------

    def replay_load(self, path: str, symbol: str | None = None, align: str | None = None) -> dict[str, Any]:
        """Open a Binance klines or aggTrades file (zip or CSV, on the exchange's side) for replay.

        ``align="clock"`` moves the file's times (by whole minutes) to the exchange's current time.
        """
        return self._call(S.replay_load, path=str(path), symbol=symbol, align=align)

    def replay_status(self) -> dict[str, Any]:
        """``status`` (loaded, playing, paused, ended, failed), ``ended``, ``prints``, next and last print times."""
        return self._call(S.replay_status)

    def replay_step(self, count: int | None = None, *, to_ms: int | None = None) -> dict[str, Any]:
        """``count`` prints (default 1), or every print up to ``to_ms``; the status and the events caused."""
        return self._call(S.replay_step, count=count, to_ms=to_ms)

    def replay_seek(self, at_ms: int) -> dict[str, Any]:
        """Skip to ``at_ms`` without printing what lies before it (the price reached is printed once)."""
        return self._call(S.replay_seek, at_ms=at_ms)

    def replay_play(self, speed: str | int | Decimal | None = None) -> dict[str, Any]:
        """Play in real time × ``speed`` (default 1) in the background, on the exchange clock."""
        return self._call(S.replay_play, speed=speed)

    def replay_pause(self) -> dict[str, Any]:
        return self._call(S.replay_pause)

    def replay_unload(self) -> dict[str, Any]:
        return self._call(S.replay_unload)


class LocalControl(ControlHandle):
    """Steers an app in this process, calling its control service directly (no HTTP)."""

    def __init__(self, app: Any) -> None:
        try:
            self.service = app.extensions[CONTROL_EXTENSION_KEY]
        except KeyError:
            raise ValueError("this app has no control plane (mock_exchange.web.control not registered)") from None
        self.app = app
        self.operations = bind(self.service)

    def _op(self, operation: Operation, /, **kwargs: Any) -> Any:
        bound = self.operations[operation]
        check_fields(bound, kwargs)  # the same refusal the HTTP API gives
        return bound(**kwargs)
