"""Control operations on margin risk: read an account's margin level, drive it to a chosen one
(a mixin of ControlService; the rules are core/margin_level.py and core/margin_risk.py).

Driving sets one symbol's index price (the same as ``set_index_price``); the last price and
the order book are left alone, so only what is valued at index prices moves.
"""

from __future__ import annotations

from typing import Any

from mock_exchange.control.errors import ControlError, not_found
from mock_exchange.control.event_json import dec
from mock_exchange.control.values import amount_value, str_value


class MarginOps:
    """Margin level reading and driving; expects ``exchange`` and ``engine_call``-style errors."""

    exchange: Any

    def _margin_owner(self, name: Any) -> str:
        found = self.exchange.accounts.get(str_value(name, "name"))
        if found is None:
            raise not_found(f"unknown account {name!r}")
        return str(found.name)

    def _isolated(self, isolated_symbol: Any) -> str | None:
        return None if isolated_symbol is None else str_value(isolated_symbol, "isolated_symbol")

    def margin_level(self, name: Any, isolated_symbol: Any = None) -> dict[str, Any]:
        """The account's margin level at index prices, its status, bars and restrictions."""
        from mock_exchange.control.service import engine_call

        owner, pair = self._margin_owner(name), self._isolated(isolated_symbol)
        risk = engine_call(lambda: self.exchange.margin_risk(owner, pair))
        bars = self.exchange.config.margin.level_bars
        reading: dict[str, Any] = {
            "account": owner, "isolated_symbol": pair, "valued_in": risk.valued_in,
            "margin_level": dec(risk.level), "status": risk.status.value,
            "total_asset": dec(risk.totals.total_asset), "total_liability": dec(risk.totals.total_liability),
            "total_net_asset": dec(risk.totals.total_net_asset),
            "borrow_enabled": risk.allowed.borrow_enabled, "transfer_out_enabled": risk.allowed.transfer_out_enabled,
            "trade_enabled": risk.allowed.trade_enabled,
            "bars": {"excessive": dec(bars.excessive), "normal": dec(bars.normal), "margin_call": dec(bars.margin_call),
                     "pre_liquidation": dec(bars.pre_liquidation),
                     "force_liquidation": dec(bars.force_liquidation)},
        }
        if pair is not None:
            reading["liquidate_price"] = dec(risk.liquidate_price)
        return reading

    def drive_margin_level(self, name: Any, level: Any, symbol: Any, isolated_symbol: Any = None) -> dict[str, Any]:
        """Set ``symbol``'s index price to what puts the account at ``level``; the reading after it.

        409 ``conflict`` when no positive index price of that symbol gives the level (nothing
        owed, or the level is out of the account's reach through that symbol).
        """
        from mock_exchange.control.service import engine_call

        owner, pair = self._margin_owner(name), self._isolated(isolated_symbol)
        target = amount_value(level, "level", positive=True)
        market = str_value(symbol, "symbol")
        with self.exchange.lock:
            price = engine_call(lambda: self.exchange.index_price_for_level(owner, target, market, pair))
            if price is None:
                raise ControlError(
                    "conflict", f"no index price of {market} puts this margin account at level {dec(target)}: "
                    "it owes nothing, or that level is out of reach by moving this symbol alone")
            engine_call(lambda: self.exchange.set_index_price(market, price))
            reading = self.margin_level(owner, pair)
        return {**reading, "symbol": market, "index_price": dec(price)}
