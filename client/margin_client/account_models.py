"""Typed views of margin account, borrowing and order-count responses."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from .parsing import (
    items,
    opt_bool,
    opt_dec,
    opt_int,
    opt_str,
    raw_field,
    req_dec,
    req_int,
    req_str,
    required,
)


@dataclass(frozen=True)
class UserAsset:
    """One asset of the cross margin account."""

    asset: str
    free: Decimal
    locked: Decimal
    borrowed: Decimal
    interest: Decimal
    net_asset: Decimal | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> UserAsset:
        """Parse a userAssets[] item."""
        return cls(
            asset=req_str(raw, "asset"), free=req_dec(raw, "free"), locked=req_dec(raw, "locked"),
            borrowed=req_dec(raw, "borrowed"), interest=req_dec(raw, "interest"),
            net_asset=opt_dec(raw, "netAsset"), raw=raw,
        )


@dataclass(frozen=True)
class MarginAccount:
    """The cross margin account (GET /sapi/v1/margin/account)."""

    user_assets: tuple[UserAsset, ...]
    created: bool | None = None
    borrow_enabled: bool | None = None
    trade_enabled: bool | None = None
    transfer_in_enabled: bool | None = None
    transfer_out_enabled: bool | None = None
    margin_level: Decimal | None = None
    collateral_margin_level: Decimal | None = None
    total_asset_of_btc: Decimal | None = None
    total_liability_of_btc: Decimal | None = None
    total_net_asset_of_btc: Decimal | None = None
    total_collateral_value_in_usdt: Decimal | None = None
    total_open_order_loss_in_usdt: Decimal | None = None
    account_type: str | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MarginAccount:
        """Parse the cross margin account."""
        return cls(
            user_assets=tuple(UserAsset.from_json(a) for a in items(raw, "userAssets")),
            created=opt_bool(raw, "created"), borrow_enabled=opt_bool(raw, "borrowEnabled"),
            trade_enabled=opt_bool(raw, "tradeEnabled"),
            transfer_in_enabled=opt_bool(raw, "transferInEnabled"),
            transfer_out_enabled=opt_bool(raw, "transferOutEnabled"),
            margin_level=opt_dec(raw, "marginLevel"),
            collateral_margin_level=opt_dec(raw, "collateralMarginLevel"),
            total_asset_of_btc=opt_dec(raw, "totalAssetOfBtc"),
            total_liability_of_btc=opt_dec(raw, "totalLiabilityOfBtc"),
            total_net_asset_of_btc=opt_dec(raw, "totalNetAssetOfBtc"),
            # Binance really spells this key with a capital T (spec §5.9).
            total_collateral_value_in_usdt=opt_dec(raw, "TotalCollateralValueInUSDT"),
            total_open_order_loss_in_usdt=opt_dec(raw, "totalOpenOrderLossInUSDT"),
            account_type=opt_str(raw, "accountType"), raw=raw,
        )

    def asset(self, name: str) -> UserAsset | None:
        """Return the named asset, or None when the account does not list it."""
        return next((a for a in self.user_assets if a.asset == name), None)


@dataclass(frozen=True)
class IsolatedAsset:
    """The base or quote side of an isolated margin pair."""

    asset: str
    free: Decimal
    locked: Decimal
    borrowed: Decimal
    interest: Decimal
    net_asset: Decimal | None = None
    net_asset_of_btc: Decimal | None = None
    total_asset: Decimal | None = None
    borrow_enabled: bool | None = None
    repay_enabled: bool | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> IsolatedAsset:
        """Parse a baseAsset/quoteAsset object."""
        return cls(
            asset=req_str(raw, "asset"), free=req_dec(raw, "free"), locked=req_dec(raw, "locked"),
            borrowed=req_dec(raw, "borrowed"), interest=req_dec(raw, "interest"),
            net_asset=opt_dec(raw, "netAsset"), net_asset_of_btc=opt_dec(raw, "netAssetOfBtc"),
            total_asset=opt_dec(raw, "totalAsset"), borrow_enabled=opt_bool(raw, "borrowEnabled"),
            repay_enabled=opt_bool(raw, "repayEnabled"), raw=raw,
        )


@dataclass(frozen=True)
class IsolatedPair:
    """One isolated margin account (one symbol)."""

    symbol: str
    base_asset: IsolatedAsset
    quote_asset: IsolatedAsset
    isolated_created: bool | None = None
    enabled: bool | None = None
    trade_enabled: bool | None = None
    margin_level: Decimal | None = None
    margin_level_status: str | None = None
    margin_ratio: Decimal | None = None
    index_price: Decimal | None = None
    liquidate_price: Decimal | None = None
    liquidate_rate: Decimal | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> IsolatedPair:
        """Parse an assets[] item of the isolated account."""
        return cls(
            symbol=req_str(raw, "symbol"),
            base_asset=IsolatedAsset.from_json(required(raw, "baseAsset")),
            quote_asset=IsolatedAsset.from_json(required(raw, "quoteAsset")),
            isolated_created=opt_bool(raw, "isolatedCreated"), enabled=opt_bool(raw, "enabled"),
            trade_enabled=opt_bool(raw, "tradeEnabled"), margin_level=opt_dec(raw, "marginLevel"),
            margin_level_status=opt_str(raw, "marginLevelStatus"),
            margin_ratio=opt_dec(raw, "marginRatio"), index_price=opt_dec(raw, "indexPrice"),
            liquidate_price=opt_dec(raw, "liquidatePrice"),
            liquidate_rate=opt_dec(raw, "liquidateRate"), raw=raw,
        )


@dataclass(frozen=True)
class IsolatedAccount:
    """The isolated margin accounts (totals only present when no symbols were asked for)."""

    assets: tuple[IsolatedPair, ...]
    total_asset_of_btc: Decimal | None = None
    total_liability_of_btc: Decimal | None = None
    total_net_asset_of_btc: Decimal | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> IsolatedAccount:
        """Parse GET /sapi/v1/margin/isolated/account."""
        return cls(
            assets=tuple(IsolatedPair.from_json(a) for a in items(raw, "assets")),
            total_asset_of_btc=opt_dec(raw, "totalAssetOfBtc"),
            total_liability_of_btc=opt_dec(raw, "totalLiabilityOfBtc"),
            total_net_asset_of_btc=opt_dec(raw, "totalNetAssetOfBtc"), raw=raw,
        )

    def pair(self, symbol: str) -> IsolatedPair | None:
        """Return the isolated account of `symbol`, if listed."""
        return next((p for p in self.assets if p.symbol == symbol), None)


@dataclass(frozen=True)
class MaxBorrowable:
    """GET maxBorrowable: what can be borrowed now and the account cap."""

    amount: Decimal
    borrow_limit: Decimal | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> MaxBorrowable:
        """Parse {"amount", "borrowLimit"}."""
        return cls(req_dec(raw, "amount"), opt_dec(raw, "borrowLimit"), raw)


@dataclass(frozen=True)
class BorrowRepayResult:
    """POST borrow-repay: the transaction id."""

    tran_id: int
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> BorrowRepayResult:
        """Parse {"tranId"}."""
        return cls(req_int(raw, "tranId"), raw)


@dataclass(frozen=True)
class BorrowRepayRecord:
    """One row of the borrow/repay history."""

    tx_id: int | None
    type: str | None
    asset: str | None
    amount: Decimal | None
    principal: Decimal | None
    interest: Decimal | None
    status: str | None
    timestamp: int | None
    isolated_symbol: str | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> BorrowRepayRecord:
        """Parse a rows[] item."""
        return cls(
            tx_id=opt_int(raw, "txId"), type=opt_str(raw, "type"), asset=opt_str(raw, "asset"),
            amount=opt_dec(raw, "amount"), principal=opt_dec(raw, "principal"),
            interest=opt_dec(raw, "interest"), status=opt_str(raw, "status"),
            timestamp=opt_int(raw, "timestamp"), isolated_symbol=opt_str(raw, "isolatedSymbol"),
            raw=raw,
        )


@dataclass(frozen=True)
class BorrowRepayHistory:
    """GET borrow-repay: one page of records and the total count."""

    rows: tuple[BorrowRepayRecord, ...]
    total: int | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> BorrowRepayHistory:
        """Parse {"rows": [...], "total": n}."""
        rows = tuple(BorrowRepayRecord.from_json(r) for r in items(raw, "rows"))
        return cls(rows, opt_int(raw, "total"), raw)


@dataclass(frozen=True)
class RateLimit:
    """A rate limit entry (exchangeInfo rateLimits[] or margin order-count usage)."""

    rate_limit_type: str
    interval: str
    interval_num: int
    limit: int
    count: int | None = None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> RateLimit:
        """Parse {rateLimitType, interval, intervalNum, limit[, count]}."""
        return cls(
            rate_limit_type=req_str(raw, "rateLimitType"), interval=req_str(raw, "interval"),
            interval_num=req_int(raw, "intervalNum"), limit=req_int(raw, "limit"),
            count=opt_int(raw, "count"), raw=raw,
        )


@dataclass(frozen=True)
class ListenToken:
    """POST userListenToken: token for the WebSocket user data stream."""

    token: str
    expiration_time: int | None
    raw: Mapping[str, Any] = raw_field()

    @classmethod
    def from_json(cls, raw: Mapping[str, Any]) -> ListenToken:
        """Parse {"token", "expirationTime"}."""
        return cls(req_str(raw, "token"), opt_int(raw, "expirationTime"), raw)
