"""Response parsing: Decimal values, int ids, raw JSON kept, quirks of spec §5 and §11."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest
from margin_client import (
    CancelResult,
    IsolatedAccount,
    MarginAccount,
    Order,
    OrderList,
    OrderReport,
    UnexpectedResponseError,
)

OTOCO_PLACEMENT = {
    "orderListId": 13551,
    "contingencyType": "OTO",  # OTOCO lists report "OTO" (spec §11.1)
    "listStatusType": "EXEC_STARTED",
    "listOrderStatus": "EXECUTING",
    "listClientOrderId": "JDuOrsu0Ge8GTyvx8J7VTD",
    "transactionTime": 1725521998054,
    "symbol": "BTCUSDT",
    "isIsolated": False,
    "marginBuyBorrowAmount": "5",
    "marginBuyBorrowAsset": "USDT",
    "orders": [
        {"symbol": "BTCUSDT", "orderId": 29896699, "clientOrderId": "y8RB6tQEMuHUXybqbtzTxk"},
        {"symbol": "BTCUSDT", "orderId": 29896700, "clientOrderId": "dKQEdh5HhXb7Lpp85jz1dQ"},
        {"symbol": "BTCUSDT", "orderId": 29896701, "clientOrderId": "WDebWPrYlQJ8vOVBHgBFWF"},
    ],
    "orderReports": [
        {"symbol": "BTCUSDT", "orderId": 29896699, "orderListId": 13551,
         "clientOrderId": "y8RB6tQEMuHUXybqbtzTxk", "transactTime": 1725521998054,
         "price": "80000.00000000", "origQty": "0.02000000", "executedQty": "0",
         "cummulativeQuoteQty": "0", "status": "NEW", "timeInForce": "GTC", "type": "LIMIT",
         "side": "BUY", "selfTradePreventionMode": "NONE"},
        {"symbol": "BTCUSDT", "orderId": 29896700, "orderListId": 13551,
         "clientOrderId": "dKQEdh5HhXb7Lpp85jz1dQ", "transactTime": 1725521998054,
         "price": "0E-8", "origQty": "0.02000000", "executedQty": "0", "cummulativeQuoteQty": "0",
         "status": "PENDING_NEW", "timeInForce": "GTC", "type": "STOP_LOSS", "side": "SELL",
         "stopPrice": "70000.00000000", "selfTradePreventionMode": "NONE"},
        {"symbol": "BTCUSDT", "orderId": 29896701, "orderListId": 13551,
         "clientOrderId": "WDebWPrYlQJ8vOVBHgBFWF", "transactTime": 1725521998054,
         "price": "90000.000000", "origQty": "0.02000000", "executedQty": "0",
         "cummulativeQuoteQty": "0", "status": "PENDING_NEW", "timeInForce": "GTC",
         "type": "LIMIT_MAKER", "side": "SELL", "selfTradePreventionMode": "NONE",
         "someFutureField": {"nested": True}},
    ],
}


def test_order_list_placement_parses_decimals_and_ids() -> None:
    lst = OrderList.from_json(OTOCO_PLACEMENT)
    assert lst.order_list_id == 13551
    assert lst.contingency_type == "OTO"
    assert lst.margin_buy_borrow_amount == Decimal("5")
    assert [o.order_id for o in lst.orders] == [29896699, 29896700, 29896701]
    stop = lst.order_reports[1]
    assert stop.price == Decimal("0") and isinstance(stop.price, Decimal)
    assert stop.stop_price == Decimal("70000")
    assert lst.order_reports[2].price == Decimal("90000")
    assert lst.order_reports[0].executed_qty == Decimal("0")
    assert lst.raw is OTOCO_PLACEMENT
    assert lst.order_reports[2].raw["someFutureField"] == {"nested": True}
    assert not lst.is_done


def test_models_are_frozen() -> None:
    lst = OrderList.from_json(OTOCO_PLACEMENT)
    with pytest.raises(dataclasses.FrozenInstanceError):
        lst.symbol = "ETHUSDT"  # type: ignore[misc]


def test_query_summary_without_reports_or_optional_fields() -> None:
    lst = OrderList.from_json({"orderListId": 29, "contingencyType": "OCO", "listStatusType": "ALL_DONE",
                               "listOrderStatus": "ALL_DONE", "listClientOrderId": "x",
                               "transactionTime": 1, "symbol": "BNBBTC",
                               "orders": [{"symbol": "BNBBTC", "orderId": 1, "clientOrderId": "a"}]})
    assert lst.order_reports == ()
    assert lst.is_isolated is None
    assert lst.is_done


def test_cancel_example_with_string_order_id() -> None:
    report = OrderReport.from_json({
        "symbol": "LTCBTC", "isIsolated": True, "orderId": "28", "origClientOrderId": "myOrder1",
        "clientOrderId": "cancelMyOrder1", "price": "1.00000000", "origQty": "10.00000000",
        "executedQty": "8.00000000", "cummulativeQuoteQty": "8.00000000", "status": "CANCELED",
        "timeInForce": "GTC", "type": "LIMIT", "side": "SELL",
    })
    assert report.order_id == 28
    assert report.is_isolated is True
    assert report.orig_client_order_id == "myOrder1"


def test_full_response_with_numeric_borrow_amount_and_fills() -> None:
    report = OrderReport.from_json({
        "symbol": "BTCUSDT", "orderId": 28, "clientOrderId": "x", "transactTime": 1507725176595,
        "price": "0", "origQty": "0.001", "executedQty": "0.001", "cummulativeQuoteQty": "65.98253",
        "status": "FILLED", "timeInForce": "GTC", "type": "MARKET", "side": "BUY",
        "marginBuyBorrowAmount": 5, "marginBuyBorrowAsset": "BTC", "isIsolated": True,
        "fills": [{"price": "65982.53", "qty": "0.001", "commission": "0.00000100",
                   "commissionAsset": "BTC", "tradeId": 3}],
    })
    assert report.margin_buy_borrow_amount == Decimal(5)
    assert report.fills[0].price == Decimal("65982.53")
    assert report.fills[0].trade_id == 3


def test_ack_response_has_only_identity_fields() -> None:
    report = OrderReport.from_json({"symbol": "BTCUSDT", "orderId": 1, "clientOrderId": "c",
                                    "isIsolated": False, "transactTime": 5})
    assert (report.status, report.price, report.fills) == (None, None, ())


def test_query_order_with_eight_decimal_zeros() -> None:
    order = Order.from_json({
        "clientOrderId": "ZwfQzuDIGpceVhKW5DvCmO", "cummulativeQuoteQty": "0.00000000",
        "executedQty": "0.00000000", "icebergQty": "0.00000000", "isWorking": True, "orderId": 213205622,
        "origQty": "0.30000000", "price": "0.00493630", "side": "SELL", "status": "NEW",
        "stopPrice": "0.00000000", "symbol": "BNBBTC", "isIsolated": True, "time": 1562133008725,
        "timeInForce": "GTC", "type": "LIMIT", "selfTradePreventionMode": "NONE",
        "updateTime": 1562133008725,
    })
    assert order.iceberg_qty == Decimal(0)
    assert order.price == Decimal("0.0049363")
    assert order.is_working is True
    assert order.order_list_id is None


def test_missing_required_field_is_reported() -> None:
    with pytest.raises(UnexpectedResponseError, match="orderId"):
        OrderReport.from_json({"symbol": "BTCUSDT"})


def test_cancel_all_splits_orders_and_lists() -> None:
    single = {"symbol": "BTCUSDT", "orderId": 11, "orderListId": -1, "clientOrderId": "c",
              "origClientOrderId": "o", "status": "CANCELED"}
    result = CancelResult.from_json([single, OTOCO_PLACEMENT])
    assert [o.order_id for o in result.orders] == [11]
    assert [lst.order_list_id for lst in result.order_lists] == [13551]


def test_cross_account_with_capital_t_key() -> None:
    account = MarginAccount.from_json({
        "created": True, "borrowEnabled": True, "marginLevel": "11.64405625",
        "collateralMarginLevel": "3.2", "totalAssetOfBtc": "6.82728457",
        "totalLiabilityOfBtc": "0.58633215", "totalNetAssetOfBtc": "6.24095242",
        "TotalCollateralValueInUSDT": "5.82728457", "totalOpenOrderLossInUSDT": "582.82",
        "tradeEnabled": True, "transferInEnabled": True, "transferOutEnabled": True,
        "accountType": "MARGIN_1",
        "userAssets": [{"asset": "BNB", "borrowed": "0.00000000", "free": "2346.50000000",
                        "interest": "0.00000000", "locked": "0.00000000", "netAsset": "2346.50000000"}],
    })
    assert account.total_collateral_value_in_usdt == Decimal("5.82728457")
    assert account.asset("BNB").free == Decimal("2346.5")  # type: ignore[union-attr]
    assert account.asset("XRP") is None


def test_isolated_account_totals_are_optional() -> None:
    side = {"asset": "BTC", "borrowEnabled": True, "borrowed": "0", "free": "1", "interest": "0",
            "locked": "0", "netAsset": "1", "netAssetOfBtc": "1", "repayEnabled": True, "totalAsset": "1"}
    account = IsolatedAccount.from_json({"assets": [{
        "baseAsset": side, "quoteAsset": {**side, "asset": "USDT"}, "symbol": "BTCUSDT",
        "isolatedCreated": True, "enabled": True, "marginLevel": "999", "marginLevelStatus": "EXCESSIVE",
        "marginRatio": "10", "indexPrice": "60000", "liquidatePrice": "0", "liquidateRate": "0",
        "tradeEnabled": True,
    }]})
    assert account.total_asset_of_btc is None
    assert account.pair("BTCUSDT").quote_asset.asset == "USDT"  # type: ignore[union-attr]


def test_json_floats_arrive_as_exact_decimals(client, adapter) -> None:
    adapter.reply(body='{"amount": 0.1, "borrowLimit": "60"}')
    result = client.get_max_borrowable(asset="BTC")
    assert result.amount == Decimal("0.1")
    assert isinstance(result.raw["amount"], Decimal)
