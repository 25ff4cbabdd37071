"""The control operations, shared by the HTTP control API and the in-process handle.

Inputs arrive as JSON values (or Python values the handles pass through) and outputs
leave as JSON-ready dicts, so :class:`~mock_exchange.control.handle.LocalControl` and
:class:`~mock_exchange.control.remote.RemoteControl` see the same results. Every change to
the exchange goes through the ``Exchange`` facade, under its lock.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from mock_exchange import config as config_module
from mock_exchange.config import ConfigError, RateLimitConfig, SymbolConfig
from mock_exchange.control.errors import ControlError, bad_request, conflict, not_found
from mock_exchange.control.event_json import dec, events_json
from mock_exchange.control.faults import KINDS, FaultInjector
from mock_exchange.control.journal import Journal
from mock_exchange.control.margin_ops import MarginOps
from mock_exchange.control.replay_ops import ReplayOps
from mock_exchange.control.state_ops import StateOps
from mock_exchange.control.stream_ops import StreamOps
from mock_exchange.control.values import MAX_TIME_MS, amount_value, bool_value, int_value, str_value
from mock_exchange.core.errors import BinanceError

if TYPE_CHECKING:
    from mock_exchange.replay.controller import ReplayController

T = TypeVar("T")
# The config readers name fields as in a file ("accounts[0].cross.BTC.free"); a control body is one entry.
_CONFIG_PREFIX = re.compile(r"^(accounts\[0\]|symbols\.[A-Z0-9]+)(\.|: )")


def engine_call(action: Callable[[], T]) -> T:
    """Run an exchange operation; a refusal by the engine becomes a 422 ``rejected``."""
    try:
        return action()
    except BinanceError as exc:
        raise ControlError("rejected", exc.msg, binance_code=exc.code) from exc
    except ConfigError as exc:
        raise bad_request(_CONFIG_PREFIX.sub("", str(exc), count=1)) from exc
    except (KeyError, ValueError) as exc:
        raise bad_request(str(exc)) from exc


def check_fields(operation: Any, kwargs: dict[str, Any], path_args: set[str] | frozenset[str] = frozenset()) -> None:
    """bad_request naming unknown or missing fields, before the operation runs."""
    parameters = inspect.signature(operation).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return  # the operation validates its own fields (accounts, symbols, faults...)
    accepted = [name for name in parameters if name not in path_args]
    unknown = sorted(set(kwargs) - set(parameters))
    if unknown:
        raise bad_request(f"unknown field(s): {', '.join(unknown)} (accepted: {', '.join(accepted) or 'none'})")
    missing = [name for name, p in parameters.items() if p.default is inspect.Parameter.empty and name not in kwargs]
    if missing:
        raise bad_request(f"missing field(s): {', '.join(missing)}")


class ControlService(StateOps, MarginOps, ReplayOps, StreamOps):
    """Everything the control plane can do to one app's runtime."""

    def __init__(self, runtime: Any, journal: Journal, faults: FaultInjector) -> None:
        self.runtime = runtime
        self.journal = journal
        self.faults = faults
        # What a reset goes back to, whatever set_rate_limits or a seeded reset changed since.
        self.base_rate_limits: RateLimitConfig = runtime.config.rate_limits
        self.start_seed: int = runtime.exchange.ids.seed
        self._replay_exchange = runtime.exchange
        self._replay: ReplayController | None = None
        self._replay_lock = threading.Lock()

    @property
    def replay(self) -> ReplayController:
        """The exchange's replay controller, made on first use: most apps never replay, and its
        modules are ~4 % of the server's start-up."""
        if self._replay is None:
            from mock_exchange.replay.controller import ReplayController

            with self._replay_lock:
                if self._replay is None:
                    self._replay = ReplayController(self._replay_exchange)
        return self._replay

    @property
    def exchange(self) -> Any:
        return self.runtime.exchange

    # -- reset and clock ----------------------------------------------------------------

    def reset(self, seed: Any = None, at_ms: Any = None, keep_clock: Any = None) -> dict[str, Any]:
        """Exchange back to its config (and ``seed``), limits, journal and faults cleared.

        Without ``seed`` the seed the app started with is used again. The clock goes back to
        its start too: wall time (``mock-exchange serve``), or the instant an in-process
        exchange was built frozen at. ``at_ms`` freezes it there instead; ``keep_clock``
        leaves it as it is (frozen, offset or wall). The fresh state is stamped with the
        clock's time after that choice.
        """
        new_seed = self.start_seed if seed is None else int_value(seed, "seed", minimum=0)
        freeze_at = None if at_ms is None else int_value(at_ms, "at_ms", minimum=0, maximum=MAX_TIME_MS)
        keep = False if keep_clock is None else bool_value(keep_clock, "keep_clock")
        if keep and freeze_at is not None:
            raise bad_request("at_ms and keep_clock exclude each other")
        exchange = self.exchange
        if self._replay is not None:
            self._replay.unload()  # a replay belongs to the state a reset ends
        with exchange.lock:
            if freeze_at is not None:
                exchange.clock.freeze(freeze_at)
            elif not keep:
                exchange.clock.restart()
            exchange.reset(new_seed)
        self.runtime.config = dataclasses.replace(self.runtime.config, rate_limits=self.base_rate_limits)
        self.runtime.limiter.reset(self.base_rate_limits)
        self._forget_stream_connections()
        self.journal.clear(restart_seq=True)
        if self.runtime.explanations is not None:
            self.runtime.explanations.clear()
        self.faults.reset(exchange.ids.seed)
        return {"seed": exchange.ids.seed, "clock": self.clock()}

    def clock(self) -> dict[str, Any]:
        clock = self.exchange.clock
        now = clock.now_ms()
        try:
            iso = datetime.fromtimestamp(now / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{now % 1000:03d}Z"
        except (OverflowError, ValueError, OSError):
            iso = None  # a clock set out of range by other means than the control API
        return {"now_ms": now, "frozen": clock.frozen, "iso": iso, "mode": clock.mode, "offset_ms": clock.offset_ms}

    def set_clock(self, freeze: Any = None, at_ms: Any = None, unfreeze: Any = None, set_ms: Any = None,
                  advance_ms: Any = None, wall: Any = None, mode: Any = None) -> dict[str, Any]:
        """Exactly one of: ``freeze`` (optionally ``at_ms``), ``unfreeze``, ``set_ms``, ``advance_ms``, ``wall``.

        ``mode`` is the same in the words ``GET /clock`` answers with: ``{"mode": "wall"}`` is
        ``{"wall": true}``, ``{"mode": "frozen"}`` is ``{"freeze": true}`` (``at_ms`` allowed).
        """
        if mode is not None:
            chosen = str_value(mode, "mode")
            if chosen == "wall":
                wall = wall if wall is not None else True
            elif chosen == "frozen":
                freeze = freeze if freeze is not None else True
            else:
                raise bad_request(f"mode: expected 'wall' or 'frozen' (got {chosen!r}); an offset comes from "
                                  "set_ms or advance_ms")
        actions = [name for name, value in (("freeze", freeze), ("unfreeze", unfreeze), ("set_ms", set_ms),
                                            ("advance_ms", advance_ms), ("wall", wall)) if value not in (None, False)]
        if len(actions) != 1:
            raise bad_request("send exactly one of: freeze (with optional at_ms), unfreeze, set_ms, advance_ms, "
                              "wall (or mode: wall / frozen)")
        if at_ms is not None and actions != ["freeze"]:
            raise bad_request("at_ms goes with freeze only")
        exchange = self.exchange
        clock = exchange.clock
        with exchange.lock:
            if actions == ["freeze"]:
                bool_value(freeze, "freeze")
                clock.freeze(None if at_ms is None else int_value(at_ms, "at_ms", minimum=0, maximum=MAX_TIME_MS))
            elif actions == ["unfreeze"]:
                bool_value(unfreeze, "unfreeze")
                clock.unfreeze()
            elif actions == ["wall"]:
                bool_value(wall, "wall")
                clock.follow_wall()
            elif actions == ["set_ms"]:
                clock.set(int_value(set_ms, "set_ms", minimum=0, maximum=MAX_TIME_MS))
            else:
                clock.advance(int_value(advance_ms, "advance_ms", minimum=0, maximum=MAX_TIME_MS - clock.now_ms()))
        # Time alone moves margin levels (interest accrues): report the crossings of this move.
        self.exchange.check_margin_levels()
        return self.clock()

    # -- market -------------------------------------------------------------------------

    def _symbol(self, symbol: Any) -> str:
        name = str_value(symbol, "symbol")
        if name not in self.exchange.config.symbols:
            raise not_found(f"unknown symbol {name!r}")
        return name

    def market(self, symbol: Any) -> dict[str, Any]:
        name = self._symbol(symbol)
        exchange = self.exchange
        with exchange.lock:
            now = exchange.clock.now_ms()
            stats = exchange.market.stats_24h(name, now)
            return {"symbol": name, "last_price": dec(exchange.market.last_price(name)),
                    "index_price": dec(exchange.index_prices().index_price(name)),
                    "avg_price_5m": dec(exchange.market.avg_price(name, 5, now)),
                    "high_24h": dec(stats["high_price"]), "low_24h": dec(stats["low_price"]),
                    "volume_24h": dec(stats["volume"]), "trades_24h": stats["count"]}

    def _moved(self, name: str, events: list[Any]) -> dict[str, Any]:
        return {"symbol": name, "last_price": dec(self.exchange.market.last_price(name)),
                "events": events_json(events)}

    def set_price(self, symbol: Any, price: Any) -> dict[str, Any]:
        """A market print at ``price`` (no quantity): triggers stops, fills crossed limits."""
        name = self._symbol(symbol)
        value = amount_value(price, "price", positive=True)
        return self._moved(name, engine_call(lambda: self.exchange.set_price(name, value)))

    def trade(self, symbol: Any, price: Any, qty: Any) -> dict[str, Any]:
        """A market trade of ``qty`` at ``price``: crossed orders fill up to ``qty`` in priority order."""
        name = self._symbol(symbol)
        value = amount_value(price, "price", positive=True)
        amount = amount_value(qty, "qty", positive=True)
        return self._moved(name, engine_call(lambda: self.exchange.trade(name, value, amount)))

    def price_path(self, symbol: Any, prices: Any) -> dict[str, Any]:
        """One print per price, in order; the events of all of them."""
        name = self._symbol(symbol)
        if not isinstance(prices, list) or not prices:
            raise bad_request("prices: expected a non-empty list of decimals")
        values = [amount_value(p, f"prices[{i}]", positive=True) for i, p in enumerate(prices)]
        return self._moved(name, engine_call(lambda: self.exchange.price_path(name, values)))

    def set_index_price(self, symbol: Any, price: Any = None) -> dict[str, Any]:
        """The index price margin accounts are valued at, apart from the last price (None: follow it again)."""
        name = self._symbol(symbol)
        value = None if price is None else amount_value(price, "price", positive=True)
        self.exchange.set_index_price(name, value)
        return self.market(name)

    # -- accounts and symbols ------------------------------------------------------------

    def accounts(self) -> dict[str, Any]:
        with self.exchange.lock:
            return {"accounts": [self._account_json(a) for a in self.exchange.accounts.values()]}

    def _find_account(self, name: Any) -> Any:
        found = self.exchange.accounts.get(str_value(name, "name"))
        if found is None:
            raise not_found(f"unknown account {name!r}")
        return found

    def account(self, name: Any) -> dict[str, Any]:
        with self.exchange.lock:
            return self._account_json(self._find_account(name))

    def _account_json(self, account: Any) -> dict[str, Any]:
        # Credentials stay out: only which kinds of key the account accepts.
        keys = [kind for kind, value in (("hmac", account.hmac_secret), ("rsa", account.rsa_public_key),
                                         ("ed25519", account.ed25519_public_key)) if value]
        return {"name": account.name, "margin_enabled": account.margin_enabled, "key_types": keys,
                "spot": {asset: {"free": dec(b.free), "locked": dec(b.locked)}
                         for asset, b in sorted(account.spot.balances.items())},
                "cross": _balances_json(account.cross),
                "isolated": {symbol: _balances_json(account.isolated[symbol]) for symbol in sorted(account.isolated)}}

    def add_account(self, **spec: Any) -> dict[str, Any]:
        """A new account, validated exactly as the config file's ``accounts`` entries are."""
        name = str_value(spec.get("name"), "name")
        exchange = self.exchange
        with exchange.lock:
            if name in exchange.accounts:
                raise conflict(f"account {name!r} already exists")
            if any(a.api_key == spec.get("api_key") for a in exchange.accounts.values()):
                raise conflict("api_key: already used by another account")
            symbols = exchange.config.symbols
            account_config = engine_call(lambda: config_module._account(0, spec, Path.cwd(), symbols))
            engine_call(lambda: exchange.add_account(account_config))
            return self._account_json(exchange.accounts[name])

    def set_balance(self, name: Any, asset: Any, free: Any, borrowed: Any = None,
                    isolated_symbol: Any = None, wallet: Any = None) -> dict[str, Any]:
        """Set one asset's free (and optionally borrowed) balance: cross, isolated, or the spot wallet."""
        asset_name = str_value(asset, "asset")
        if wallet not in (None, "margin", "spot"):
            raise bad_request('wallet: expected "spot" or "margin"')
        if wallet == "spot":
            if borrowed is not None or isolated_symbol is not None:
                raise bad_request("the spot wallet holds free balances only (no borrowed, no isolated_symbol)")
            amount = amount_value(free, "free", non_negative=True)
            with self.exchange.lock:
                account = self._find_account(name)
                engine_call(lambda: self.exchange.set_spot_balance(account.name, asset_name, amount))
                return self._account_json(account)
        values: dict[str, Any] = {"free": amount_value(free, "free", non_negative=True)}
        if borrowed is not None:
            values["borrowed"] = amount_value(borrowed, "borrowed", non_negative=True)
        isolated = None if isolated_symbol is None else self._symbol(isolated_symbol)
        exchange = self.exchange
        with exchange.lock:
            account = self._find_account(name)
            engine_call(lambda: exchange.set_balance(account.name, asset_name, isolated_symbol=isolated, **values))
            return self._account_json(account)

    def symbols(self) -> dict[str, Any]:
        return {"symbols": [_symbol_json(s) for s in self.exchange.config.symbols.values()]}

    def add_symbol(self, **spec: Any) -> dict[str, Any]:
        """A new symbol, validated exactly as the config file's ``symbols`` entries are."""
        name = str_value(spec.pop("symbol", None), "symbol")
        exchange = self.exchange
        with exchange.lock:
            if name in exchange.config.symbols:
                raise conflict(f"symbol {name!r} already exists")
            symbol_config = engine_call(lambda: config_module._symbol(name, spec))
            engine_call(lambda: exchange.add_symbol(symbol_config))
        return _symbol_json(symbol_config)

    # -- rate limits --------------------------------------------------------------------

    def rate_limits(self) -> dict[str, Any]:
        return dataclasses.asdict(self.runtime.limiter.config)

    def set_rate_limits(self, **limits: Any) -> dict[str, Any]:
        """Change some limits; the others keep their values. Counters and bans restart."""
        merged = {**dataclasses.asdict(self.runtime.limiter.config), **limits}
        new = engine_call(lambda: config_module._rate_limits(merged))
        self.runtime.limiter.reset(new)
        self.runtime.config = dataclasses.replace(self.runtime.config, rate_limits=new)
        return self.rate_limits()

    # -- faults -------------------------------------------------------------------------

    def list_faults(self) -> dict[str, Any]:
        return {"faults": self.faults.rules(), "kinds": list(KINDS)}

    def add_fault(self, **spec: Any) -> dict[str, Any]:
        """A fault rule; kind options may sit at the top level or under ``options``."""
        known = {"endpoint", "kind", "method", "count", "probability", "options"}
        options = dict(spec.get("options") or {})
        options.update({k: v for k, v in spec.items() if k not in known})
        rule = {k: v for k, v in spec.items() if k in known}
        rule["options"] = options
        return self.faults.add(rule)

    def clear_faults(self) -> dict[str, Any]:
        return {"cleared": self.faults.clear()}

    # -- explanations -------------------------------------------------------------------

    def last_explanation(self, account: Any = None) -> dict[str, Any]:
        """Why the latest rejected request (of ``account``, else of anyone) was rejected (web/explain.py)."""
        name = None if account is None else str_value(account, "account")
        store = self.runtime.explanations
        return {"explanation": store.last(name) if store is not None else None}


def _balances_json(margin: Any) -> dict[str, Any]:
    return {asset: {"free": dec(b.free), "locked": dec(b.locked), "borrowed": dec(b.borrowed),
                    "interest": dec(b.interest), "net_asset": dec(b.net_asset)}
            for asset, b in sorted(margin.balances.items())}


def _symbol_json(symbol: SymbolConfig) -> dict[str, Any]:
    return {"symbol": symbol.symbol, "base_asset": symbol.base_asset, "quote_asset": symbol.quote_asset,
            "last_price": dec(symbol.last_price), "status": symbol.status, "margin_enabled": symbol.margin_enabled,
            "filters": [dict(f) for f in symbol.filters]}
