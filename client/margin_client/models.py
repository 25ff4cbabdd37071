"""Typed views of order, order-list and trade responses (values as Decimal, raw JSON kept)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from .account_models import (  # re-exported so that every model is importable from here
    BorrowRepayHistory,
    BorrowRepayRecord,
    BorrowRepayResult,
    IsolatedAccount,
    IsolatedAsset,
    IsolatedPair,
    ListenToken,
    MarginAccount,
    MaxBorrowable,
    RateLimit,
    UserAsset,
)
from .market_models import AvgPrice, ExchangeInfo, PriceTicker, SymbolInfo, SystemStatus
from .parsing import items, opt_bool, opt_dec, opt_int, opt_str, raw_field, req_dec, req_int, req_str

__all__ = [
    "AvgPrice", "BorrowRepayHistory", "BorrowRepayRecord", "BorrowRepayResult", "CancelResult",
    "ExchangeInfo", "Fill", "IsolatedAccount", "IsolatedAsset", "IsolatedPair", "ListenToken",
    "MarginAccount", "MaxBorrowable", "Order", "OrderList", "OrderRef", "OrderReport", "PriceTicker",
    "RateLimit", "SymbolInfo", "SystemStatus", "Trade", "UserAsset",
]



@dataclass(frozen=True)
class Fill:
    """One fill of a FULL placement response."""

    price: Decimal
    qty: Decimal
    commission: Decimal | None
    commission_asset: str | None
    trade_id: int | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Fill:
        """Parse a fills[] item."""
        return cls(
            price=req_dec(raw, "price"), qty=req_dec(raw, "qty"),
            commission=opt_dec(raw, "commission"), commission_asset=opt_str(raw, "commissionAsset"),
            trade_id=opt_int(raw, "tradeId"), raw=raw,
        )


@dataclass(frozen=True)
class OrderReport:
    """An order as reported by a placement or cancel (ACK/RESULT/FULL; most fields optional)."""

    symbol: str
    order_id: int
    client_order_id: str | None
    orig_client_order_id: str | None = None
    order_list_id: int | None = None
    transact_time: int | None = None
    price: Decimal | None = None
    orig_qty: Decimal | None = None
    executed_qty: Decimal | None = None
    cummulative_quote_qty: Decimal | None = None
    status: str | None = None
    time_in_force: str | None = None
    type: str | None = None
    side: str | None = None
    stop_price: Decimal | None = None
    iceberg_qty: Decimal | None = None
    self_trade_prevention_mode: str | None = None
    is_isolated: bool | None = None
    margin_buy_borrow_amount: Decimal | None = None
    margin_buy_borrow_asset: str | None = None
    fills: tuple[Fill, ...] = ()
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> OrderReport:
        """Parse a single-order placement/cancel response or an orderReports[] item."""
        return cls(
            symbol=req_str(raw, "symbol"), order_id=req_int(raw, "orderId"),
            client_order_id=opt_str(raw, "clientOrderId"),
            orig_client_order_id=opt_str(raw, "origClientOrderId"),
            order_list_id=opt_int(raw, "orderListId"), transact_time=opt_int(raw, "transactTime"),
            price=opt_dec(raw, "price"), orig_qty=opt_dec(raw, "origQty"),
            executed_qty=opt_dec(raw, "executedQty"),
            cummulative_quote_qty=opt_dec(raw, "cummulativeQuoteQty"),
            status=opt_str(raw, "status"), time_in_force=opt_str(raw, "timeInForce"),
            type=opt_str(raw, "type"), side=opt_str(raw, "side"),
            stop_price=opt_dec(raw, "stopPrice"), iceberg_qty=opt_dec(raw, "icebergQty"),
            self_trade_prevention_mode=opt_str(raw, "selfTradePreventionMode"),
            is_isolated=opt_bool(raw, "isIsolated"),
            margin_buy_borrow_amount=opt_dec(raw, "marginBuyBorrowAmount"),
            margin_buy_borrow_asset=opt_str(raw, "marginBuyBorrowAsset"),
            fills=tuple(Fill.from_json(f) for f in items(raw, "fills")), raw=raw,
        )


@dataclass(frozen=True)
class Order:
    """An order as returned by GET order / openOrders / allOrders."""

    symbol: str
    order_id: int
    client_order_id: str | None
    price: Decimal | None
    orig_qty: Decimal | None
    executed_qty: Decimal | None
    cummulative_quote_qty: Decimal | None
    status: str | None
    time_in_force: str | None
    type: str | None
    side: str | None
    stop_price: Decimal | None = None
    iceberg_qty: Decimal | None = None
    is_working: bool | None = None
    time: int | None = None
    update_time: int | None = None
    is_isolated: bool | None = None
    order_list_id: int | None = None
    self_trade_prevention_mode: str | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Order:
        """Parse an order query object."""
        return cls(
            symbol=req_str(raw, "symbol"), order_id=req_int(raw, "orderId"),
            client_order_id=opt_str(raw, "clientOrderId"), price=opt_dec(raw, "price"),
            orig_qty=opt_dec(raw, "origQty"), executed_qty=opt_dec(raw, "executedQty"),
            cummulative_quote_qty=opt_dec(raw, "cummulativeQuoteQty"),
            status=opt_str(raw, "status"), time_in_force=opt_str(raw, "timeInForce"),
            type=opt_str(raw, "type"), side=opt_str(raw, "side"),
            stop_price=opt_dec(raw, "stopPrice"), iceberg_qty=opt_dec(raw, "icebergQty"),
            is_working=opt_bool(raw, "isWorking"), time=opt_int(raw, "time"),
            update_time=opt_int(raw, "updateTime"), is_isolated=opt_bool(raw, "isIsolated"),
            order_list_id=opt_int(raw, "orderListId"),
            self_trade_prevention_mode=opt_str(raw, "selfTradePreventionMode"), raw=raw,
        )


@dataclass(frozen=True)
class OrderRef:
    """An orders[] item of an order list: which order belongs to it."""

    symbol: str
    order_id: int
    client_order_id: str | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> OrderRef:
        """Parse an orders[] item."""
        return cls(req_str(raw, "symbol"), req_int(raw, "orderId"), opt_str(raw, "clientOrderId"), raw)


@dataclass(frozen=True)
class OrderList:
    """An OCO/OTO/OTOCO list (placement, cancel or query; reports only on placement/cancel)."""

    order_list_id: int
    contingency_type: str | None
    list_status_type: str | None
    list_order_status: str | None
    list_client_order_id: str | None
    transaction_time: int | None
    symbol: str | None
    is_isolated: bool | None = None
    orders: tuple[OrderRef, ...] = ()
    order_reports: tuple[OrderReport, ...] = ()
    margin_buy_borrow_amount: Decimal | None = None
    margin_buy_borrow_asset: str | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> OrderList:
        """Parse an order-list object."""
        return cls(
            order_list_id=req_int(raw, "orderListId"),
            contingency_type=opt_str(raw, "contingencyType"),
            list_status_type=opt_str(raw, "listStatusType"),
            list_order_status=opt_str(raw, "listOrderStatus"),
            list_client_order_id=opt_str(raw, "listClientOrderId"),
            transaction_time=opt_int(raw, "transactionTime"), symbol=opt_str(raw, "symbol"),
            is_isolated=opt_bool(raw, "isIsolated"),
            orders=tuple(OrderRef.from_json(o) for o in items(raw, "orders")),
            order_reports=tuple(OrderReport.from_json(r) for r in items(raw, "orderReports")),
            margin_buy_borrow_amount=opt_dec(raw, "marginBuyBorrowAmount"),
            margin_buy_borrow_asset=opt_str(raw, "marginBuyBorrowAsset"), raw=raw,
        )

    @property
    def is_done(self) -> bool:
        """Return True once the list has finished (ALL_DONE)."""
        return self.list_order_status == "ALL_DONE"


@dataclass(frozen=True)
class CancelResult:
    """DELETE openOrders: the cancelled single orders and order lists."""

    orders: tuple[OrderReport, ...]
    order_lists: tuple[OrderList, ...]
    raw: Any = field(default=None, compare=False, repr=False)

    @classmethod
    def from_json(cls, raw: list[Mapping[str, Any]]) -> CancelResult:
        """Split the mixed array into single orders and lists."""
        # Single orders carry orderListId too (-1); only lists have contingencyType/orderReports.
        is_list = [("contingencyType" in o or "orderReports" in o) for o in raw]
        orders = tuple(OrderReport.from_json(o) for o, lst in zip(raw, is_list, strict=True) if not lst)
        lists = tuple(OrderList.from_json(o) for o, lst in zip(raw, is_list, strict=True) if lst)
        return cls(orders, lists, raw)


@dataclass(frozen=True)
class Trade:
    """One of the account's trades (GET myTrades)."""

    id: int
    symbol: str
    order_id: int | None
    price: Decimal
    qty: Decimal
    commission: Decimal | None
    commission_asset: str | None
    time: int | None
    is_buyer: bool | None
    is_maker: bool | None
    is_best_match: bool | None
    is_isolated: bool | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> Trade:
        """Parse a myTrades item."""
        return cls(
            id=req_int(raw, "id"), symbol=req_str(raw, "symbol"), order_id=opt_int(raw, "orderId"),
            price=req_dec(raw, "price"), qty=req_dec(raw, "qty"),
            commission=opt_dec(raw, "commission"), commission_asset=opt_str(raw, "commissionAsset"),
            time=opt_int(raw, "time"), is_buyer=opt_bool(raw, "isBuyer"),
            is_maker=opt_bool(raw, "isMaker"), is_best_match=opt_bool(raw, "isBestMatch"),
            is_isolated=opt_bool(raw, "isIsolated"), raw=raw,
        )
