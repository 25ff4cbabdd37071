"""The reference client reads margin order answers in the old and the evidence-backed shapes."""

from __future__ import annotations

from decimal import Decimal

from margin_client.models import Order, OrderReport

# Documentation-example shape: padded numbers, orderId as a string, orderListId present.
PADDED_CANCEL = {"symbol": "BTCUSDT", "isIsolated": False, "orderId": "28", "origClientOrderId": "a",
                 "clientOrderId": "b", "orderListId": -1, "price": "29000.00000000", "origQty": "0.00100000",
                 "executedQty": "0.00000000", "cummulativeQuoteQty": "0.00000000", "status": "CANCELED",
                 "timeInForce": "GTC", "type": "LIMIT", "side": "BUY"}
# Live-capture shape the fake sends now: trimmed, integer id, no orderListId, isIsolated last.
TRIMMED_CANCEL = {"orderId": 28, "symbol": "BTCUSDT", "origClientOrderId": "a", "clientOrderId": "b",
                  "price": "29000", "origQty": "0.001", "executedQty": "0", "cummulativeQuoteQty": "0",
                  "status": "CANCELED", "timeInForce": "GTC", "type": "LIMIT", "side": "BUY", "isIsolated": False}


def test_cancel_reports_parse_the_same_from_both_shapes() -> None:
    old, new = OrderReport.from_json(PADDED_CANCEL), OrderReport.from_json(TRIMMED_CANCEL)
    assert (old.order_id, old.price, old.orig_qty) == (new.order_id, new.price, new.orig_qty) == (
        28, Decimal("29000"), Decimal("0.001"))
    assert (old.order_list_id, new.order_list_id) == (-1, None)


def test_borrow_amount_parses_as_number_or_string() -> None:
    base = {"symbol": "BTCUSDT", "orderId": 1, "clientOrderId": "c", "marginBuyBorrowAsset": "BTC"}
    as_number = OrderReport.from_json({**base, "marginBuyBorrowAmount": 1.5})
    as_string = OrderReport.from_json({**base, "marginBuyBorrowAmount": "1.5"})
    assert as_number.margin_buy_borrow_amount == as_string.margin_buy_borrow_amount == Decimal("1.5")


def test_order_rows_parse_trimmed_and_padded() -> None:
    row = {"clientOrderId": "c", "cummulativeQuoteQty": "0", "executedQty": "0", "icebergQty": "0", "isWorking": True,
           "orderId": 7, "origQty": "0.3", "price": "35000", "side": "SELL", "status": "NEW", "stopPrice": "0",
           "symbol": "BTCUSDT", "isIsolated": False, "time": 1, "timeInForce": "GTC", "type": "LIMIT",
           "selfTradePreventionMode": "NONE", "updateTime": 1}
    padded = {**row, "origQty": "0.30000000", "price": "35000.00000000", "orderListId": -1}
    assert Order.from_json(row).orig_qty == Order.from_json(padded).orig_qty == Decimal("0.3")
    assert Order.from_json(row).order_list_id is None
