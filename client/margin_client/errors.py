"""Exception hierarchy for everything the client can raise."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestInfo:
    """What was sent: method, path and parameters (the signature left out)."""

    method: str
    path: str
    params: Mapping[str, str] = field(default_factory=dict)


class MissingParameterError(ValueError):
    """A mandatory parameter was not given; raised locally before anything is sent."""

    def __init__(self, parameter: str, wire_name: str | None = None, reason: str | None = None) -> None:
        self.parameter = parameter
        self.wire_name = wire_name or parameter
        detail = f" ({reason})" if reason else ""
        super().__init__(f"missing mandatory parameter '{parameter}'{detail}")


class BinanceError(Exception):
    """Base class of every error about a request to Binance (or the fake)."""

    def __init__(
        self,
        msg: str,
        *,
        code: int | None = None,
        http_status: int | None = None,
        request: RequestInfo | None = None,
        body: str | None = None,
        explanation: str | None = None,
    ) -> None:
        super().__init__(msg)
        self.msg = msg
        self.code = code
        self.http_status = http_status
        self.request = request
        self.body = body
        # Why the fake exchange (mock-exchange) rejected it, from its X-Mock-Explain header;
        # always None against Binance itself.
        self.explanation = explanation

    def __str__(self) -> str:
        parts = []
        if self.http_status is not None:
            parts.append(f"HTTP {self.http_status}")
        if self.code is not None:
            parts.append(f"code {self.code}")
        where = f" [{self.request.method} {self.request.path}]" if self.request else ""
        prefix = f"{', '.join(parts)}: " if parts else ""
        why = f" (why: {self.explanation})" if self.explanation else ""
        return f"{prefix}{self.msg}{where}{why}"


class BinanceAPIError(BinanceError):
    """A 4xx answer carrying Binance's {"code", "msg"} body."""


class UnauthorizedError(BinanceAPIError):
    """-1002: not authorized to execute this request."""


class TimestampError(BinanceAPIError):
    """-1021: timestamp outside recvWindow or ahead of the server (resync the clock)."""


class InvalidSignatureError(BinanceAPIError):
    """-1022: the signature did not verify."""


class FilterFailureError(BinanceAPIError):
    """-1013 (and margin's -20204): the order failed a symbol filter."""

    @property
    def filter_type(self) -> str | None:
        """Return the filter named in "Filter failure: X", if any."""
        prefix = "Filter failure: "
        if self.msg.startswith(prefix):
            return self.msg[len(prefix):].rstrip(".").strip() or None
        return None


class InvalidParameterError(BinanceAPIError):
    """-11xx: a parameter was malformed, unknown, empty or not allowed."""


class MandatoryParameterError(InvalidParameterError):
    """-1102: Binance says a mandatory parameter was missing or malformed."""


class BadSymbolError(InvalidParameterError):
    """-1121: unknown symbol."""


class OrderRejectedError(BinanceAPIError):
    """-2010: the matching engine rejected the new order or order list."""


class CancelRejectedError(BinanceAPIError):
    """-2011: the cancel was rejected (usually unknown or already final)."""


class NoSuchOrderError(BinanceAPIError):
    """-2013: the order or order list does not exist."""


class OrderArchivedError(BinanceAPIError):
    """-2026: the order was archived."""


class InvalidApiKeyError(BinanceAPIError):
    """-2014 / -2015: API key malformed, unknown, IP not allowed or lacking permission."""


class MarginError(BinanceAPIError):
    """-3xxx / -11xxx: a margin-specific failure."""


class MarginAccountMissingError(MarginError):
    """-3003 / -11001: the cross or isolated margin account does not exist."""


class BorrowRejectedError(MarginError):
    """A borrow (explicit or via sideEffectType) was refused."""


class PendingTransactionError(MarginError):
    """-3007: another borrow/repay is still being processed."""


class RateLimitError(BinanceAPIError):
    """HTTP 429: request weight or order rate exceeded; back off for `retry_after` seconds."""

    def __init__(self, msg: str, *, retry_after: float | None = None, **kwargs: object) -> None:
        super().__init__(msg, **kwargs)  # type: ignore[arg-type]
        self.retry_after = retry_after


class TooManyOrdersError(RateLimitError):
    """-1015: the order-count limit was exceeded."""


class IpBannedError(RateLimitError):
    """HTTP 418: the IP is banned for `retry_after` seconds after ignoring 429s."""


class BinanceHTTPError(BinanceError):
    """A non-2xx answer without a usable {"code", "msg"} body (HTML 404, WAF 403, ...)."""


class ServerError(BinanceError):
    """HTTP 5xx on a request that changes nothing (a read)."""


class TransportError(BinanceError):
    """The request could not be completed: connection refused/dropped or timed out."""


class UnexpectedResponseError(BinanceError):
    """A 2xx answer that is not JSON or lacks a field the client needs."""


class ExecutionStatusUnknownError(BinanceError):
    """A placement/cancel got a 5xx, a timeout or a dropped connection: it may or may not have happened."""


# Codes whose message itself says the outcome is unknown, whatever the HTTP status.
UNKNOWN_OUTCOME_CODES = frozenset({-1006, -1007})

_CODE_CLASSES: dict[int, type[BinanceAPIError]] = {
    -1002: UnauthorizedError,
    -1013: FilterFailureError,
    -20204: FilterFailureError,
    -1021: TimestampError,
    -1022: InvalidSignatureError,
    -1102: MandatoryParameterError,
    -1121: BadSymbolError,
    -2010: OrderRejectedError,
    -2011: CancelRejectedError,
    -2013: NoSuchOrderError,
    -2014: InvalidApiKeyError,
    -2015: InvalidApiKeyError,
    -2026: OrderArchivedError,
    -3003: MarginAccountMissingError,
    -11001: MarginAccountMissingError,
    -3006: BorrowRejectedError,
    -3008: BorrowRejectedError,
    -3012: BorrowRejectedError,
    -3013: BorrowRejectedError,
    -3014: BorrowRejectedError,
    -3045: BorrowRejectedError,
    -11008: BorrowRejectedError,
    -3007: PendingTransactionError,
}


def api_error_class(code: int) -> type[BinanceAPIError]:
    """Return the most specific BinanceAPIError subclass for a Binance error code."""
    if code in _CODE_CLASSES:
        return _CODE_CLASSES[code]
    if -1199 <= code <= -1100:
        return InvalidParameterError
    if -3999 <= code <= -3000 or -11999 <= code <= -11000:
        return MarginError
    return BinanceAPIError
