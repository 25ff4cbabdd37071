"""Static description of each endpoint: method, path, security, weight and kind."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import Enum


class Security(Enum):
    """Binance security types, reduced to what the client has to send."""

    NONE = "NONE"  # no key, no signature
    API_KEY = "API_KEY"  # X-MBX-APIKEY only (USER_STREAM, MARKET_DATA)
    SIGNED = "SIGNED"  # key + timestamp + signature (TRADE, USER_DATA, MARGIN)


# Response headers reporting the used weight for each budget.
API_WEIGHT_HEADER = "X-MBX-USED-WEIGHT-1M"
SAPI_IP_WEIGHT_HEADER = "X-SAPI-USED-IP-WEIGHT-1M"
SAPI_UID_WEIGHT_HEADER = "X-SAPI-USED-UID-WEIGHT-1M"

# From 2026-05-07 placements that borrow cost far more (spec §4.0).
_BORROWING_SIDE_EFFECTS = frozenset({"MARGIN_BUY", "AUTO_BORROW_REPAY"})
BORROWING_PLACEMENT_WEIGHT = 1500


@dataclass(frozen=True)
class Endpoint:
    """One REST endpoint as the client needs to know it."""

    method: str
    path: str
    security: Security
    weight: int
    weight_header: str
    # True when the call changes state: never retried, and a 5xx/timeout means "outcome unknown".
    mutating: bool = False
    borrow_sensitive: bool = False

    @property
    def key(self) -> str:
        """Return "METHOD /path", the identity used for per-endpoint weight budgets."""
        return f"{self.method} {self.path}"

    @property
    def per_endpoint_budget(self) -> bool:
        """Return True when the budget is per endpoint (/sapi) rather than shared (/api)."""
        return self.weight_header != API_WEIGHT_HEADER

    def weight_for(self, params: Mapping[str, str]) -> int:
        """Return the request weight for these wire parameters."""
        if self.borrow_sensitive and params.get("sideEffectType") in _BORROWING_SIDE_EFFECTS:
            return BORROWING_PLACEMENT_WEIGHT
        return self.weight


def _sapi(method: str, path: str, weight: int, uid: bool, mutating: bool = False, **kw: bool) -> Endpoint:
    header = SAPI_UID_WEIGHT_HEADER if uid else SAPI_IP_WEIGHT_HEADER
    return Endpoint(method, path, Security.SIGNED, weight, header, mutating, **kw)


def _api(path: str, weight: int) -> Endpoint:
    return Endpoint("GET", path, Security.NONE, weight, API_WEIGHT_HEADER)


NEW_OCO = _sapi("POST", "/sapi/v1/margin/order/oco", 6, True, True, borrow_sensitive=True)
NEW_OTO = _sapi("POST", "/sapi/v1/margin/order/oto", 6, True, True, borrow_sensitive=True)
NEW_OTOCO = _sapi("POST", "/sapi/v1/margin/order/otoco", 6, True, True, borrow_sensitive=True)
CANCEL_ORDER_LIST = _sapi("DELETE", "/sapi/v1/margin/orderList", 1, True, True)
GET_ORDER_LIST = _sapi("GET", "/sapi/v1/margin/orderList", 10, False)
ALL_ORDER_LISTS = _sapi("GET", "/sapi/v1/margin/allOrderList", 200, False)
OPEN_ORDER_LISTS = _sapi("GET", "/sapi/v1/margin/openOrderList", 10, False)

NEW_ORDER = _sapi("POST", "/sapi/v1/margin/order", 6, True, True, borrow_sensitive=True)
CANCEL_ORDER = _sapi("DELETE", "/sapi/v1/margin/order", 10, False, True)
GET_ORDER = _sapi("GET", "/sapi/v1/margin/order", 10, False)
CANCEL_OPEN_ORDERS = _sapi("DELETE", "/sapi/v1/margin/openOrders", 1, False, True)
OPEN_ORDERS = _sapi("GET", "/sapi/v1/margin/openOrders", 10, False)
ALL_ORDERS = _sapi("GET", "/sapi/v1/margin/allOrders", 200, False)
MY_TRADES = _sapi("GET", "/sapi/v1/margin/myTrades", 10, False)
ORDER_RATE_LIMIT = _sapi("GET", "/sapi/v1/margin/rateLimit/order", 20, False)

CROSS_ACCOUNT = _sapi("GET", "/sapi/v1/margin/account", 10, False)
ISOLATED_ACCOUNT = _sapi("GET", "/sapi/v1/margin/isolated/account", 10, False)
BORROW_REPAY = _sapi("POST", "/sapi/v1/margin/borrow-repay", 1500, True, True)
BORROW_REPAY_HISTORY = _sapi("GET", "/sapi/v1/margin/borrow-repay", 10, False)
# Weight changed from 50 (IP) to 750 (UID) on 2026-04-16 (spec §4.0).
MAX_BORROWABLE = _sapi("GET", "/sapi/v1/margin/maxBorrowable", 750, True)
USER_LISTEN_TOKEN_SIGNED = _sapi("POST", "/sapi/v1/userListenToken", 1, True)
USER_LISTEN_TOKEN = replace(USER_LISTEN_TOKEN_SIGNED, security=Security.API_KEY)

PING = _api("/api/v3/ping", 1)
SERVER_TIME = _api("/api/v3/time", 1)
EXCHANGE_INFO = _api("/api/v3/exchangeInfo", 20)
TICKER_PRICE = _api("/api/v3/ticker/price", 2)
TICKER_PRICE_ALL = _api("/api/v3/ticker/price", 4)  # several or all symbols
AVG_PRICE = _api("/api/v3/avgPrice", 2)
SYSTEM_STATUS = Endpoint("GET", "/sapi/v1/system/status", Security.NONE, 1, SAPI_IP_WEIGHT_HEADER)


def adhoc(method: str, path: str, security: Security, weight: int = 1) -> Endpoint:
    """Describe an endpoint the client has no method for (used by raw calls)."""
    method = method.upper()
    header = API_WEIGHT_HEADER if path.startswith("/api/") else SAPI_IP_WEIGHT_HEADER
    return Endpoint(method, path, security, weight, header, mutating=method != "GET")
