"""What the parity tool sends: the built-in request sets, and recorded request files.

A request is ``{"method", "path", "params", "signed"}``. A parameter value ``"$N.key"``
is ``key`` of the N-th answer *from the same target*, so ids placed on one side are never
sent to the other. Only GET requests are read-only; every other method (orders, cancels,
borrows, transfers) is a write and is sent only with ``--allow-orders``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

READ_ONLY = "read-only"
ORDERS = "orders"


class RequestFileError(ValueError):
    """A request file that cannot be read or is not a list of requests."""


@dataclass(frozen=True)
class ParityRequest:
    method: str
    path: str
    params: dict[str, str] = field(default_factory=dict)
    signed: bool = True

    @property
    def is_write(self) -> bool:
        return self.method != "GET"

    def label(self) -> str:
        query = "&".join(f"{k}={v}" for k, v in self.params.items())
        return f"{self.method} {self.path}" + (f"?{query}" if query else "")


def read_only_set(symbol: str = "BTCUSDT", asset: str = "USDT") -> list[ParityRequest]:
    """The default: market data and the account's own state, nothing that changes it."""
    public = [("/api/v3/ping", {}), ("/api/v3/time", {}), ("/api/v3/exchangeInfo", {"symbol": symbol}),
              ("/api/v3/depth", {"symbol": symbol, "limit": "5"}), ("/api/v3/ticker/price", {"symbol": symbol}),
              ("/api/v3/avgPrice", {"symbol": symbol}), ("/api/v3/trades", {"symbol": symbol, "limit": "1"}),
              ("/api/v3/klines", {"symbol": symbol, "interval": "1m", "limit": "1"})]
    signed = [("/sapi/v1/margin/account", {}), ("/sapi/v1/margin/openOrders", {"symbol": symbol}),
              ("/sapi/v1/margin/allOrders", {"symbol": symbol, "limit": "10"}),
              ("/sapi/v1/margin/myTrades", {"symbol": symbol, "limit": "10"}),
              ("/sapi/v1/margin/maxBorrowable", {"asset": asset}),
              ("/sapi/v1/margin/openOrderList", {}), ("/sapi/v1/margin/allOrderList", {"limit": "10"}),
              # An order id nobody has: both sides should answer -2013 the same way.
              ("/sapi/v1/margin/order", {"symbol": symbol, "orderId": "1"})]
    return ([ParityRequest("GET", path, params, signed=False) for path, params in public]
            + [ParityRequest("GET", path, params) for path, params in signed])


def orders_set(symbol: str = "BTCUSDT") -> list[ParityRequest]:
    """A LIMIT_MAKER bid 10 % under each side's market (small notional), queried and cancelled.

    Writes, so sent only with --allow-orders. LIMIT_MAKER is refused rather than filled if
    the market moved through its price (parity/market.py works the price out per side).
    """
    place = {"symbol": symbol, "side": "BUY", "type": "LIMIT_MAKER", "quantity": "@quantity:6:0.9",
             "price": "@price:0.9", "newOrderRespType": "FULL"}
    ref = {"symbol": symbol, "orderId": "$0.orderId"}
    return [ParityRequest("POST", "/sapi/v1/margin/order", place),
            ParityRequest("GET", "/sapi/v1/margin/order", ref),
            ParityRequest("GET", "/sapi/v1/margin/openOrders", {"symbol": symbol}),
            ParityRequest("DELETE", "/sapi/v1/margin/order", ref)]


def load_requests(source: str, symbol: str = "BTCUSDT") -> list[ParityRequest]:
    """A built-in set by name, or a JSON / YAML file of requests."""
    if source == READ_ONLY:
        return read_only_set(symbol)
    if source == ORDERS:
        return orders_set(symbol)
    path = Path(source)
    try:
        text = path.read_text()
    except OSError as exc:
        raise RequestFileError(f"cannot read {source}: {exc.strerror or exc}") from exc
    data = _parse(text, path)
    items = data.get("requests") if isinstance(data, dict) else data
    if not isinstance(items, list) or not items:
        raise RequestFileError(f"{source}: expected a non-empty list of requests (or {{\"requests\": [...]}})")
    return [_request(item, f"{source}: request {index}") for index, item in enumerate(items)]


def _parse(text: str, path: Path) -> Any:
    try:
        if path.suffix in (".yaml", ".yml"):
            import yaml

            return yaml.safe_load(text)
        return json.loads(text)
    except Exception as exc:  # noqa: BLE001 - any parse error is the file's fault
        raise RequestFileError(f"{path}: not valid {path.suffix.lstrip('.') or 'JSON'}: {exc}") from exc


def _request(item: Any, where: str) -> ParityRequest:
    if not isinstance(item, dict) or not isinstance(item.get("method"), str) or not isinstance(item.get("path"), str):
        raise RequestFileError(f"{where}: needs a method and a path")
    params = item.get("params", {})
    if not isinstance(params, dict):
        raise RequestFileError(f"{where}: params must be a mapping")
    if not item["path"].startswith("/"):
        raise RequestFileError(f"{where}: path must start with /")
    return ParityRequest(item["method"].upper(), item["path"], {str(k): str(v) for k, v in params.items()},
                         bool(item.get("signed", item["path"].startswith("/sapi/"))))
