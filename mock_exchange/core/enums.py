"""Binance's enums; each value is the exact string Binance sends (spec §6.1)."""

from __future__ import annotations

from enum import StrEnum


class Side(StrEnum):
    BUY = "BUY"
    SELL = "SELL"

    @property
    def opposite(self) -> Side:
        return Side.SELL if self is Side.BUY else Side.BUY


class OrderType(StrEnum):
    LIMIT = "LIMIT"
    MARKET = "MARKET"
    STOP_LOSS = "STOP_LOSS"
    STOP_LOSS_LIMIT = "STOP_LOSS_LIMIT"
    TAKE_PROFIT = "TAKE_PROFIT"
    TAKE_PROFIT_LIMIT = "TAKE_PROFIT_LIMIT"
    LIMIT_MAKER = "LIMIT_MAKER"

    @property
    def is_stop(self) -> bool:
        """Orders that wait for a trigger price (the "algo" orders of MAX_NUM_ALGO_ORDERS)."""
        return self in _STOP_TYPES

    @property
    def has_limit_price(self) -> bool:
        return self in _PRICED_TYPES


_STOP_TYPES = frozenset({OrderType.STOP_LOSS, OrderType.STOP_LOSS_LIMIT, OrderType.TAKE_PROFIT,
                         OrderType.TAKE_PROFIT_LIMIT})
_PRICED_TYPES = frozenset({OrderType.LIMIT, OrderType.LIMIT_MAKER, OrderType.STOP_LOSS_LIMIT,
                           OrderType.TAKE_PROFIT_LIMIT})


class TimeInForce(StrEnum):
    GTC = "GTC"
    IOC = "IOC"
    FOK = "FOK"


class OrderStatus(StrEnum):
    NEW = "NEW"
    PENDING_NEW = "PENDING_NEW"
    PARTIALLY_FILLED = "PARTIALLY_FILLED"
    FILLED = "FILLED"
    CANCELED = "CANCELED"
    PENDING_CANCEL = "PENDING_CANCEL"
    REJECTED = "REJECTED"
    EXPIRED = "EXPIRED"
    EXPIRED_IN_MATCH = "EXPIRED_IN_MATCH"

    @property
    def is_open(self) -> bool:
        return self in (OrderStatus.NEW, OrderStatus.PARTIALLY_FILLED, OrderStatus.PENDING_NEW)


class ExecutionType(StrEnum):
    NEW = "NEW"
    CANCELED = "CANCELED"
    REPLACED = "REPLACED"
    REJECTED = "REJECTED"
    TRADE = "TRADE"
    EXPIRED = "EXPIRED"
    TRADE_PREVENTION = "TRADE_PREVENTION"


class ContingencyType(StrEnum):
    # Only these two exist: an OTOCO reports "OTO" (spec §5.3, quirk 1).
    OCO = "OCO"
    OTO = "OTO"


class ListStatusType(StrEnum):
    RESPONSE = "RESPONSE"
    EXEC_STARTED = "EXEC_STARTED"
    UPDATED = "UPDATED"
    ALL_DONE = "ALL_DONE"


class ListOrderStatus(StrEnum):
    EXECUTING = "EXECUTING"
    ALL_DONE = "ALL_DONE"
    REJECT = "REJECT"


class SideEffectType(StrEnum):
    NO_SIDE_EFFECT = "NO_SIDE_EFFECT"
    MARGIN_BUY = "MARGIN_BUY"
    AUTO_REPAY = "AUTO_REPAY"
    AUTO_BORROW_REPAY = "AUTO_BORROW_REPAY"

    @property
    def borrows(self) -> bool:
        return self in (SideEffectType.MARGIN_BUY, SideEffectType.AUTO_BORROW_REPAY)

    @property
    def repays(self) -> bool:
        return self in (SideEffectType.AUTO_REPAY, SideEffectType.AUTO_BORROW_REPAY)


class SelfTradePreventionMode(StrEnum):
    NONE = "NONE"
    EXPIRE_TAKER = "EXPIRE_TAKER"
    EXPIRE_MAKER = "EXPIRE_MAKER"
    EXPIRE_BOTH = "EXPIRE_BOTH"


class NewOrderRespType(StrEnum):
    ACK = "ACK"
    RESULT = "RESULT"
    FULL = "FULL"


class ExpiryReason(StrEnum):
    NONE = "NONE"
    REJECTED = "REJECTED"
    OCO_TRIGGER = "OCO_TRIGGER"
    OTO_PHASE_ONE_EXPIRED = "OTO_PHASE_ONE_EXPIRED"
    UNFILLED_IOC_QUANTITY_EXPIRED = "UNFILLED_IOC_QUANTITY_EXPIRED"
    UNFILLED_FOK_ORDER_EXPIRED = "UNFILLED_FOK_ORDER_EXPIRED"
    INSUFFICIENT_LIQUIDITY = "INSUFFICIENT_LIQUIDITY"
