"""Public endpoints: ping, server time, exchange info, prices and system status."""

from __future__ import annotations

from collections.abc import Iterable

from . import endpoints as ep
from .base import ClientBase
from .errors import UnexpectedResponseError
from .market_models import AvgPrice, ExchangeInfo, PriceTicker, SystemStatus
from .parsing import req_int
from .wire import require, symbols_param


class MarketMethods(ClientBase):
    """Unsigned endpoints under /api/v3 and /sapi/v1/system."""

    def ping(self) -> None:
        """GET /api/v3/ping: raises if the server is unreachable or unhappy."""
        self._send(ep.PING)

    def get_server_time(self) -> int:
        """GET /api/v3/time: the server time in epoch milliseconds."""
        return req_int(self._send(ep.SERVER_TIME), "serverTime")

    def sync_time(self) -> int:
        """Correct the client clock from the server time; return the new offset in ms."""
        clock = self.transport.clock
        sent = clock.local_ms()
        server_time = self.get_server_time()
        received = clock.local_ms()
        return clock.apply_server_time(server_time, sent, received)

    def get_exchange_info(
        self, *, symbol: str | None = None, symbols: Iterable[str] | None = None,
        permissions: str | None = None, show_permission_sets: bool | None = None,
        symbol_status: str | None = None,
    ) -> ExchangeInfo:
        """GET /api/v3/exchangeInfo (optionally for one or several symbols)."""
        return ExchangeInfo.from_json(self._send(ep.EXCHANGE_INFO, {
            "symbol": symbol, "symbols": symbols_param(symbols), "permissions": permissions,
            "showPermissionSets": show_permission_sets, "symbolStatus": symbol_status,
        }))

    def get_ticker_price(self, *, symbol: str) -> PriceTicker:
        """GET /api/v3/ticker/price for one symbol."""
        require(symbol=symbol)
        return PriceTicker.from_json(self._send(ep.TICKER_PRICE, {"symbol": symbol}))

    def get_ticker_prices(self, *, symbols: Iterable[str] | None = None) -> list[PriceTicker]:
        """GET /api/v3/ticker/price for several symbols (all when omitted)."""
        rows = self._send(ep.TICKER_PRICE_ALL, {"symbols": symbols_param(symbols)})
        if not isinstance(rows, list):
            raise UnexpectedResponseError("expected a list of price tickers")
        return [PriceTicker.from_json(r) for r in rows]

    def get_avg_price(self, *, symbol: str) -> AvgPrice:
        """GET /api/v3/avgPrice."""
        require(symbol=symbol)
        return AvgPrice.from_json(self._send(ep.AVG_PRICE, {"symbol": symbol}))

    def get_system_status(self) -> SystemStatus:
        """GET /sapi/v1/system/status."""
        return SystemStatus.from_json(self._send(ep.SYSTEM_STATUS))
