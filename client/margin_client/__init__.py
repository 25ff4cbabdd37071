"""Reference client for Binance's margin trading API and the mock-exchange fake of it."""

from .clock import Clock
from .endpoints import Security
from .enums import (
    BorrowRepayType,
    NewOrderRespType,
    OrderType,
    SelfTradePreventionMode,
    Side,
    SideEffectType,
    TimeInForce,
)
from .errors import (
    BadSymbolError,
    BinanceAPIError,
    BinanceError,
    BinanceHTTPError,
    BorrowRejectedError,
    CancelRejectedError,
    ExecutionStatusUnknownError,
    FilterFailureError,
    InvalidApiKeyError,
    InvalidParameterError,
    InvalidSignatureError,
    IpBannedError,
    MandatoryParameterError,
    MarginAccountMissingError,
    MarginError,
    MissingParameterError,
    NoSuchOrderError,
    OrderArchivedError,
    OrderRejectedError,
    PendingTransactionError,
    RateLimitError,
    RequestInfo,
    ServerError,
    TimestampError,
    TooManyOrdersError,
    TransportError,
    UnauthorizedError,
    UnexpectedResponseError,
)
from .ids import random_client_id, sequential_ids
from .margin import BINANCE_BASE_URL, MarginClient
from .models import (
    AvgPrice,
    BorrowRepayHistory,
    BorrowRepayRecord,
    BorrowRepayResult,
    CancelResult,
    ExchangeInfo,
    Fill,
    IsolatedAccount,
    IsolatedAsset,
    IsolatedPair,
    ListenToken,
    MarginAccount,
    MaxBorrowable,
    Order,
    OrderList,
    OrderRef,
    OrderReport,
    PriceTicker,
    RateLimit,
    SymbolInfo,
    SystemStatus,
    Trade,
    UserAsset,
)
from .reconcile import reconcile_after, reconcile_order, reconcile_order_list
from .retry import RetryPolicy
from .signing import Ed25519Signer, HmacSigner, RsaSigner, Signer
from .weights import DEFAULT_LIMITS, Throttle, WeightTracker

__all__ = [
    "AvgPrice", "BINANCE_BASE_URL", "BadSymbolError", "BinanceAPIError", "BinanceError",
    "BinanceHTTPError", "BorrowRejectedError", "BorrowRepayHistory", "BorrowRepayRecord",
    "BorrowRepayResult", "BorrowRepayType", "CancelRejectedError", "CancelResult", "Clock",
    "DEFAULT_LIMITS", "Ed25519Signer", "ExchangeInfo", "ExecutionStatusUnknownError", "Fill",
    "FilterFailureError", "HmacSigner", "InvalidApiKeyError", "InvalidParameterError",
    "InvalidSignatureError", "IpBannedError", "IsolatedAccount", "IsolatedAsset", "IsolatedPair",
    "ListenToken", "MandatoryParameterError", "MarginAccount", "MarginAccountMissingError",
    "MarginClient", "MarginError", "MaxBorrowable", "MissingParameterError", "NewOrderRespType",
    "NoSuchOrderError", "Order", "OrderArchivedError", "OrderList", "OrderRef", "OrderRejectedError",
    "OrderReport", "OrderType", "PendingTransactionError", "PriceTicker", "RateLimit",
    "RateLimitError", "RequestInfo", "RetryPolicy", "RsaSigner", "Security",
    "SelfTradePreventionMode", "ServerError", "Side", "SideEffectType", "Signer", "SymbolInfo",
    "SystemStatus", "Throttle", "TimeInForce", "TimestampError", "TooManyOrdersError", "Trade",
    "TransportError", "UnauthorizedError", "UnexpectedResponseError", "UserAsset", "WeightTracker",
    "random_client_id", "reconcile_after", "reconcile_order", "reconcile_order_list", "sequential_ids",
]
