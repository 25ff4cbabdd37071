"""Wallets and transfers: the spot account, universal transfers and their histories,
and what can leave a margin account (docs/wallets.md names each shape's source).

- ``GET /api/v3/account``: the spot wallet (spot docs, rest-api.md "Account information").
- ``POST / GET /sapi/v1/asset/transfer``: universal transfer and its history (wallet docs).
- ``GET /sapi/v1/margin/transfer``: one margin account's transfers, ROLL_IN / ROLL_OUT.
- ``GET /sapi/v1/margin/maxTransferable``: the transfer-out limit (margin docs, SDK model).
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import wallet_history
from mock_exchange.core.transfers import transfer_type
from mock_exchange.web.endpoint_catalog import (
    MARGIN_MAX_TRANSFERABLE,
    MARGIN_TRANSFER_HISTORY,
    SPOT_ACCOUNT,
    UNIVERSAL_TRANSFER,
    UNIVERSAL_TRANSFER_HISTORY,
)
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import num

blueprint = Blueprint("wallets", __name__)


# Binance counts commission in basis points in the integer fields of /api/v3/account.
_BASIS_POINTS = Decimal(10000)


@binance_route(blueprint, SPOT_ACCOUNT)
def spot_account(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    fees = exchange.config.fees
    wallet = exchange.spot_wallet(call.account)
    omit_zero = call.get("omitZeroBalances", False)
    balances = [{"asset": asset, "free": num(entry.free), "locked": num(entry.locked)}
                for asset, entry in sorted(wallet.balances.items())
                if not (omit_zero and entry.free == 0 and entry.locked == 0)]
    margin = call.account.margin_enabled  # spot trading needs no margin permission
    return {
        "makerCommission": int(fees.maker * _BASIS_POINTS),
        "takerCommission": int(fees.taker * _BASIS_POINTS),
        "buyerCommission": 0,
        "sellerCommission": 0,
        "commissionRates": {"maker": num(fees.maker), "taker": num(fees.taker), "buyer": num(Decimal(0)),
                            "seller": num(Decimal(0))},
        "canTrade": True,
        "canWithdraw": False,  # deposits and withdrawals are left out (docs/wallets.md)
        "canDeposit": False,
        "brokered": False,
        "requireSelfTradePrevention": False,
        "preventSor": False,
        "updateTime": exchange.clock.now_ms(),
        "accountType": "SPOT",
        "balances": balances,
        "permissions": ["SPOT", "MARGIN"] if margin else ["SPOT"],
        "uid": account_uid(call.account.name),
    }


def account_uid(name: str) -> int:
    """A stable 9-digit user id per account name (Binance's uid is an opaque integer)."""
    return 100_000_000 + int.from_bytes(hashlib.sha256(name.encode()).digest()[:4], "big") % 900_000_000


@binance_route(blueprint, UNIVERSAL_TRANSFER)
def universal_transfer(call: Call) -> dict[str, Any]:
    params = call.params
    tran_id = current_runtime().exchange.transfer(call.account, params["type"], params["asset"], params["amount"],
                                                  from_symbol=params.get("fromSymbol"),
                                                  to_symbol=params.get("toSymbol"))
    return {"tranId": tran_id}


def _paging(call: Call) -> tuple[int, int]:
    current, size = call.get("current", 1), call.get("size", 10)
    wallet_history.check_paging(current, size)
    return current, size


@binance_route(blueprint, UNIVERSAL_TRANSFER_HISTORY)
def universal_transfer_history(call: Call) -> dict[str, Any]:
    current, size = _paging(call)
    kind = transfer_type(call.params["type"])
    rows = current_runtime().exchange.universal_transfers(
        call.account, kind.name, from_symbol=call.get("fromSymbol"), to_symbol=call.get("toSymbol"),
        start_time=call.get("startTime"), end_time=call.get("endTime"))
    shown, total = wallet_history.page(rows, current, size)
    return {"total": total, "rows": [{"asset": r.asset, "amount": num(r.amount), "type": r.type, "status": r.status,
                                      "tranId": r.tran_id, "timestamp": r.time_ms} for r in shown]}


@binance_route(blueprint, MARGIN_TRANSFER_HISTORY)
def margin_transfer_history(call: Call) -> dict[str, Any]:
    current, size = _paging(call)
    isolated_symbol = call.get("isolatedSymbol")
    rows = current_runtime().exchange.margin_transfers(
        call.account, isolated_symbol, asset=call.get("asset"), direction=call.get("type"),
        start_time=call.get("startTime"), end_time=call.get("endTime"))
    shown, total = wallet_history.page(rows, current, size)
    return {"rows": [_margin_transfer_row(row, isolated_symbol is not None) for row in shown], "total": total}


def _margin_transfer_row(row: wallet_history.MarginTransfer, isolated: bool) -> dict[str, Any]:
    record = row.record
    data: dict[str, Any] = {"amount": num(record.amount), "asset": record.asset, "status": record.status,
                            "timestamp": record.time_ms, "txId": record.tran_id, "type": row.direction,
                            "transFrom": record.from_wallet, "transTo": record.to_wallet}
    # fromSymbol / toSymbol appear for isolated pairs only (SDK model: optional fields).
    if record.from_symbol is not None:
        data["fromSymbol"] = record.from_symbol
    if record.to_symbol is not None:
        data["toSymbol"] = record.to_symbol
    return data


@binance_route(blueprint, MARGIN_MAX_TRANSFERABLE)
def query_max_transferable(call: Call) -> dict[str, Any]:
    amount = current_runtime().exchange.max_transferable(call.account, call.params["asset"],
                                                         isolated_symbol=call.get("isolatedSymbol"))
    return {"amount": num(amount)}


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
