"""Margin accounts and borrowing: cross and isolated account details, borrow / repay,
their history and the maximum borrowable (spec §4.15-4.16, §5.9-5.10).

Margin levels, their statuses and the isolated ``liquidatePrice`` are valued at index prices
(core/margin_level.py, core/margin_risk.py); ``GET /sapi/v1/margin/tradeCoeff`` shows the
configured bars. Forced liquidation itself is not modelled (docs/behaviour.md).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.core import errors
from mock_exchange.core.accounts import AssetBalance
from mock_exchange.core.decimals import NumberFormat
from mock_exchange.core.margin_reports import IsolatedPairReport
from mock_exchange.web.endpoint_catalog import (
    MARGIN_BORROW_REPAY,
    MARGIN_BORROW_REPAY_HISTORY,
    MARGIN_CROSS_ACCOUNT,
    MARGIN_ISOLATED_ACCOUNT,
    MARGIN_MAX_BORROWABLE,
    MARGIN_TRADE_COEFF,
)
from mock_exchange.web.order_params import symbol_if_isolated
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.serializers import num

blueprint = Blueprint("margin_account", __name__)



def _user_asset(asset: str, balance: AssetBalance) -> dict[str, Any]:
    return {"asset": asset, "borrowed": num(balance.borrowed), "free": num(balance.free),
            "interest": num(balance.interest), "locked": num(balance.locked), "netAsset": num(balance.net_asset)}


@binance_route(blueprint, MARGIN_CROSS_ACCOUNT)
def query_cross_margin_account(call: Call) -> dict[str, Any]:
    report = current_runtime().exchange.cross_margin_report(call.account)
    account, risk = report.account, report.risk
    in_btc = risk.totals
    return {
        "created": True,
        "borrowEnabled": risk.allowed.borrow_enabled,
        "marginLevel": num(risk.level),
        # Trimmed in the documented example ("3.2"), unlike marginLevel (docs/fidelity.md).
        "collateralMarginLevel": num(risk.level, NumberFormat.STRIPPED),
        "totalAssetOfBtc": num(in_btc.total_asset),
        "totalLiabilityOfBtc": num(in_btc.total_liability),
        "totalNetAssetOfBtc": num(in_btc.total_net_asset),
        # The capital T is Binance's own key name (spec quirk 6).
        "TotalCollateralValueInUSDT": num(report.in_usdt.total_asset),
        "totalOpenOrderLossInUSDT": num(Decimal(0), NumberFormat.STRIPPED),
        "tradeEnabled": call.account.margin_enabled and risk.allowed.trade_enabled,
        "transferInEnabled": True,
        "transferOutEnabled": risk.allowed.transfer_out_enabled,
        "accountType": "MARGIN_1",
        "userAssets": [_user_asset(asset, account.balances[asset]) for asset in sorted(account.balances)],
    }


def _isolated_side(asset: str, pair: IsolatedPairReport, borrow_enabled: bool) -> dict[str, Any]:
    balance = pair.account.balances.get(asset, AssetBalance())
    return {
        "asset": asset,
        "borrowEnabled": borrow_enabled,
        "borrowed": num(balance.borrowed),
        "free": num(balance.free),
        "interest": num(balance.interest),
        "locked": num(balance.locked),
        "netAsset": num(balance.net_asset),
        "netAssetOfBtc": num(pair.net_in_btc[asset]),
        "repayEnabled": True,
        "totalAsset": num(balance.total),
    }


def _isolated_pair(pair: IsolatedPairReport, exchange: Any) -> dict[str, Any]:
    spec = exchange.config.symbols[pair.symbol]
    margin = exchange.config.margin
    risk = pair.risk
    borrow_enabled = risk.allowed.borrow_enabled
    return {
        "baseAsset": _isolated_side(spec.base_asset, pair, borrow_enabled),
        "quoteAsset": _isolated_side(spec.quote_asset, pair, borrow_enabled),
        "symbol": pair.symbol,
        "isolatedCreated": True,
        "enabled": True,
        "marginLevel": num(risk.level),
        "marginLevelStatus": risk.status.value,
        "marginRatio": num(margin.isolated_max_leverage),
        "indexPrice": num(pair.index_price),
        "liquidatePrice": num(risk.liquidate_price),
        # The level liquidatePrice is computed at (docs/behaviour.md, "Margin level": an inference).
        "liquidateRate": num(margin.level_bars.force_liquidation),
        "tradeEnabled": risk.allowed.trade_enabled,
    }


@binance_route(blueprint, MARGIN_ISOLATED_ACCOUNT)
def query_isolated_margin_account(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    requested = [s for s in call.get("symbols", "").split(",") if s] if "symbols" in call.params else None
    if requested is not None and len(requested) > 5:
        raise errors.invalid_param_value("symbols")
    pairs = exchange.isolated_margin_reports(call.account, requested)
    data: dict[str, Any] = {"assets": [_isolated_pair(pair, exchange) for pair in pairs]}
    if requested is None:
        # Totals only when every pair is shown (spec §5.10).
        total_asset = sum((pair.in_btc.total_asset for pair in pairs), Decimal(0))
        total_liability = sum((pair.in_btc.total_liability for pair in pairs), Decimal(0))
        data.update(totalAssetOfBtc=num(total_asset), totalLiabilityOfBtc=num(total_liability),
                    totalNetAssetOfBtc=num(total_asset - total_liability))
    return data


@binance_route(blueprint, MARGIN_BORROW_REPAY)
def margin_borrow_repay(call: Call) -> dict[str, Any]:
    params = call.params
    isolated_symbol = symbol_if_isolated(params, params["isIsolated"])
    exchange = current_runtime().exchange
    action = exchange.borrow if params["type"] == "BORROW" else exchange.repay
    tran_id = action(call.account, params["asset"], params["amount"], isolated_symbol=isolated_symbol)
    return {"tranId": tran_id}


@binance_route(blueprint, MARGIN_BORROW_REPAY_HISTORY)
def query_margin_borrow_repay(call: Call) -> dict[str, Any]:
    size = call.get("size", 10)
    current = call.get("current", 1)
    if not 1 <= size <= 100:
        raise errors.invalid_param_value("size")
    if current < 1:
        raise errors.invalid_param_value("current")
    rows, total = current_runtime().exchange.borrow_repay_history(
        call.account, call.params["type"], asset=call.get("asset"), isolated_symbol=call.get("isolatedSymbol"),
        tx_id=call.get("txId"), start_time=call.get("startTime"), end_time=call.get("endTime"),
        current=current, size=size,
    )
    return {"rows": [_history_row(row) for row in rows], "total": total}


def _history_row(row: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"type": row.kind, "isolatedSymbol": row.isolated_symbol or "",
                            "amount": num(row.amount), "asset": row.asset, "interest": num(row.interest),
                            "principal": num(row.principal), "status": row.status, "timestamp": row.time_ms,
                            "txId": row.tran_id}
    if not row.isolated_symbol:
        del data["isolatedSymbol"]  # present for isolated rows only (spec §4.16)
    return data


@binance_route(blueprint, MARGIN_MAX_BORROWABLE)
def query_max_borrowable(call: Call) -> dict[str, Any]:
    amount, limit = current_runtime().exchange.max_borrowable(
        call.account, call.params["asset"], isolated_symbol=call.get("isolatedSymbol")
    )
    return {"amount": num(amount), "borrowLimit": num(limit, NumberFormat.STRIPPED)}  # "60" in the example


@binance_route(blueprint, MARGIN_TRADE_COEFF)
def margin_trade_coeff(call: Call) -> dict[str, Any]:
    bars = current_runtime().exchange.config.margin.level_bars
    # Trimmed, as in the documented example ("1.5", "1.3", "1.1").
    return {"normalBar": num(bars.normal, NumberFormat.STRIPPED),
            "marginCallBar": num(bars.margin_call, NumberFormat.STRIPPED),
            "forceLiquidationBar": num(bars.force_liquidation, NumberFormat.STRIPPED)}


def register(app: Flask) -> None:
    app.register_blueprint(blueprint)
