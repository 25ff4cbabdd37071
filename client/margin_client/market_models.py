"""Typed views of the public (market and system) responses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .account_models import RateLimit
from .parsing import items, opt_bool, opt_int, opt_str, raw_field, req_dec, req_int, req_str


@dataclass(frozen=True)
class SymbolInfo:
    """One symbol of exchangeInfo (filters kept as raw dicts keyed by filterType)."""

    symbol: str
    status: str | None
    base_asset: str | None
    quote_asset: str | None
    base_asset_precision: int | None = None
    quote_asset_precision: int | None = None
    order_types: tuple[str, ...] = ()
    oco_allowed: bool | None = None
    oto_allowed: bool | None = None
    is_margin_trading_allowed: bool | None = None
    filters: tuple[Mapping[str, Any], ...] = ()
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SymbolInfo:
        """Parse a symbols[] item."""
        return cls(
            symbol=req_str(raw, "symbol"), status=opt_str(raw, "status"),
            base_asset=opt_str(raw, "baseAsset"), quote_asset=opt_str(raw, "quoteAsset"),
            base_asset_precision=opt_int(raw, "baseAssetPrecision"),
            quote_asset_precision=opt_int(raw, "quoteAssetPrecision"),
            order_types=tuple(str(t) for t in items(raw, "orderTypes")),
            oco_allowed=opt_bool(raw, "ocoAllowed"), oto_allowed=opt_bool(raw, "otoAllowed"),
            is_margin_trading_allowed=opt_bool(raw, "isMarginTradingAllowed"),
            filters=tuple(items(raw, "filters")), raw=raw,
        )

    def filter(self, filter_type: str) -> Mapping[str, Any] | None:
        """Return the filter object of the given filterType, if the symbol has it."""
        return next((f for f in self.filters if f.get("filterType") == filter_type), None)


@dataclass(frozen=True)
class ExchangeInfo:
    """GET /api/v3/exchangeInfo."""

    timezone: str | None
    server_time: int | None
    rate_limits: tuple[RateLimit, ...]
    symbols: tuple[SymbolInfo, ...]
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ExchangeInfo:
        """Parse exchangeInfo."""
        return cls(
            timezone=opt_str(raw, "timezone"), server_time=opt_int(raw, "serverTime"),
            rate_limits=tuple(RateLimit.from_json(r) for r in items(raw, "rateLimits")),
            symbols=tuple(SymbolInfo.from_json(s) for s in items(raw, "symbols")), raw=raw,
        )

    def symbol(self, name: str) -> SymbolInfo | None:
        """Return the named symbol, if listed."""
        return next((s for s in self.symbols if s.symbol == name), None)


@dataclass(frozen=True)
class PriceTicker:
    """Latest price of a symbol."""

    symbol: str
    price: Decimal
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> PriceTicker:
        """Parse {"symbol", "price"}."""
        return cls(req_str(raw, "symbol"), req_dec(raw, "price"), raw)


@dataclass(frozen=True)
class AvgPrice:
    """Current average price of a symbol."""

    mins: int
    price: Decimal
    close_time: int | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> AvgPrice:
        """Parse {"mins", "price", "closeTime"}."""
        return cls(req_int(raw, "mins"), req_dec(raw, "price"), opt_int(raw, "closeTime"), raw)


@dataclass(frozen=True)
class SystemStatus:
    """GET /sapi/v1/system/status: 0 normal, 1 maintenance."""

    status: int
    msg: str | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> SystemStatus:
        """Parse {"status", "msg"}."""
        return cls(req_int(raw, "status"), opt_str(raw, "msg"), raw)

    @property
    def is_normal(self) -> bool:
        """Return True when the system is not under maintenance."""
        return self.status == 0
