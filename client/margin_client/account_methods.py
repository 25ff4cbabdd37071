"""Margin accounts, borrowing/repaying, borrow limits and the user-stream listen token."""

from __future__ import annotations

from collections.abc import Iterable

from . import endpoints as ep
from .account_models import (
    BorrowRepayHistory,
    BorrowRepayResult,
    IsolatedAccount,
    ListenToken,
    MarginAccount,
    MaxBorrowable,
)
from .base import ClientBase, dec, require_symbol_if_isolated
from .wire import DecimalLike, bool_flag, isolated_flag, require


class AccountMethods(ClientBase):
    """Endpoints under /sapi/v1/margin/{account,isolated/account,borrow-repay,maxBorrowable}."""

    def get_account(self) -> MarginAccount:
        """GET /sapi/v1/margin/account: the cross margin account."""
        return MarginAccount.from_json(self._send(ep.CROSS_ACCOUNT))

    def get_isolated_account(self, *, symbols: Iterable[str] | str | None = None) -> IsolatedAccount:
        """GET /sapi/v1/margin/isolated/account (at most 5 symbols; all pairs when omitted)."""
        joined = symbols if symbols is None or isinstance(symbols, str) else ",".join(symbols)
        return IsolatedAccount.from_json(self._send(ep.ISOLATED_ACCOUNT, {"symbols": joined or None}))

    def borrow_repay(
        self, *, asset: str, amount: DecimalLike, type: str, is_isolated: bool = False,
        symbol: str | None = None,
    ) -> BorrowRepayResult:
        """POST /sapi/v1/margin/borrow-repay with type BORROW or REPAY."""
        require(asset=asset, amount=amount, type=type)
        return BorrowRepayResult.from_json(self._send(ep.BORROW_REPAY, {
            "asset": asset, "isIsolated": isolated_flag(is_isolated), "symbol": symbol,
            "amount": dec(amount), "type": type,
        }))

    def borrow(
        self, *, asset: str, amount: DecimalLike, is_isolated: bool = False, symbol: str | None = None,
    ) -> BorrowRepayResult:
        """Borrow `amount` of `asset` (cross, or isolated on `symbol`)."""
        return self.borrow_repay(asset=asset, amount=amount, type="BORROW",
                                 is_isolated=is_isolated, symbol=symbol)

    def repay(
        self, *, asset: str, amount: DecimalLike, is_isolated: bool = False, symbol: str | None = None,
    ) -> BorrowRepayResult:
        """Repay `amount` of `asset` (interest first, then principal)."""
        return self.borrow_repay(asset=asset, amount=amount, type="REPAY",
                                 is_isolated=is_isolated, symbol=symbol)

    def get_borrow_repay_history(
        self, *, type: str, asset: str | None = None, isolated_symbol: str | None = None,
        tx_id: int | None = None, start_time: int | None = None, end_time: int | None = None,
        current: int | None = None, size: int | None = None,
    ) -> BorrowRepayHistory:
        """GET /sapi/v1/margin/borrow-repay: one page of borrow or repay records."""
        require(type=type)
        return BorrowRepayHistory.from_json(self._send(ep.BORROW_REPAY_HISTORY, {
            "asset": asset, "isolatedSymbol": isolated_symbol, "txId": tx_id,
            "startTime": start_time, "endTime": end_time, "current": current, "size": size,
            "type": type,
        }))

    def get_max_borrowable(self, *, asset: str, isolated_symbol: str | None = None) -> MaxBorrowable:
        """GET /sapi/v1/margin/maxBorrowable (cross unless isolated_symbol is given)."""
        require(asset=asset)
        return MaxBorrowable.from_json(self._send(ep.MAX_BORROWABLE, {
            "asset": asset, "isolatedSymbol": isolated_symbol,
        }))

    def create_listen_token(
        self, *, symbol: str | None = None, is_isolated: bool | None = None,
        validity: int | None = None, signed: bool = False,
    ) -> ListenToken:
        """POST /sapi/v1/userListenToken: token for the WebSocket user data stream."""
        require_symbol_if_isolated(symbol, is_isolated)
        # Documented as USER_STREAM (key only); python-binance signs it, hence the option.
        endpoint = ep.USER_LISTEN_TOKEN_SIGNED if signed else ep.USER_LISTEN_TOKEN
        return ListenToken.from_json(self._send(endpoint, {
            "symbol": symbol, "isIsolated": bool_flag(is_isolated), "validity": validity,
        }))
