"""Prices and quantities that make sense on each target: ``@price:F`` and ``@quantity:N:F``.

A request set cannot carry a fixed price: the fake's market and a live one are far apart.
These values are worked out per target from its own ``ticker/price`` and ``exchangeInfo``:

- ``@price:0.9`` — the last price times 0.9, down to the symbol's tick size
- ``@quantity:6:0.9`` — enough quantity for a notional of 6 at that price, up to the step size

so the built-in ``orders`` set rests a LIMIT_MAKER bid 10 % under each side's own market,
where it passes the percent-price filters and does not fill.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, InvalidOperation
from typing import Any

from mock_exchange.parity.targets import Target


class MarketError(ValueError):
    """The target's market data could not give a price or quantity."""


class MarketFacts:
    """Last price and filters of one symbol on one target, fetched once."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self._cache: dict[str, tuple[Decimal, Decimal, Decimal, Decimal]] = {}

    def resolve(self, value: str, symbol: str) -> str:
        kind, _, rest = value[1:].partition(":")
        last, tick, step, min_qty = self._facts(symbol)
        try:
            if kind == "price":
                return _plain(_round(last * Decimal(rest), tick, ROUND_FLOOR))
            if kind == "quantity":
                notional, factor = rest.split(":")
                price = _round(last * Decimal(factor), tick, ROUND_FLOOR)
                return _plain(max(_round(Decimal(notional) / price, step, ROUND_CEILING), min_qty))
        except (InvalidOperation, ValueError, ZeroDivisionError) as exc:
            raise MarketError(f"cannot work out {value!r} for {symbol}") from exc
        raise MarketError(f"unknown value {value!r}: expected @price:F or @quantity:N:F")

    def _facts(self, symbol: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
        if symbol not in self._cache:
            ticker = self.target.send("GET", "/api/v3/ticker/price", {"symbol": symbol}, signed=False).body
            info = self.target.send("GET", "/api/v3/exchangeInfo", {"symbol": symbol}, signed=False).body
            try:
                filters = {f["filterType"]: f for f in info["symbols"][0]["filters"]}
                self._cache[symbol] = (Decimal(ticker["price"]), Decimal(filters["PRICE_FILTER"]["tickSize"]),
                                       Decimal(filters["LOT_SIZE"]["stepSize"]),
                                       Decimal(filters["LOT_SIZE"]["minQty"]))
            except (KeyError, IndexError, TypeError, InvalidOperation) as exc:
                raise MarketError(f"{self.target.name} gave no usable price or filters for {symbol}") from exc
        return self._cache[symbol]


def _round(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    if step == 0:
        return value
    return (value / step).to_integral_value(rounding=rounding) * step


def _plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def is_market_value(value: Any) -> bool:
    return isinstance(value, str) and value.startswith("@")
