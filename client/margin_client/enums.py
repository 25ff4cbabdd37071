"""String enums for Binance parameter values (plain strings are accepted too)."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    """Order side."""

    BUY = "BUY"
    SELL = "SELL"


class OrderType(StrEnum):
    """Order type."""

    LIMIT = "LIMIT"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"


class TimeInForce(StrEnum):
    """Time in force."""

    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class SideEffectType(StrEnum):
    """Margin side effect of an order."""

    NO_SIDE_EFFECT = "NO_SIDE_EFFECT"
    MARGIN_BUY = "MARGIN_BUY"
    AUTO_REPAY = "AUTO_REPAY"
    AUTO_BORROW_REPAY = "AUTO_BORROW_REPAY"


class NewOrderRespType(StrEnum):
    """Placement response detail."""

    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


class SelfTradePreventionMode(StrEnum):
    """Self-trade prevention mode."""

    NONE = "NONE"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"


class BorrowRepayType(StrEnum):
    """Direction of POST /sapi/v1/margin/borrow-repay."""

    BORROW = "BORROW"
    REPAY = "REPAY"
