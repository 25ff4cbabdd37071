"""Spot wallet and universal transfers: /api/v3/account, POST/GET /sapi/v1/asset/transfer,
GET /sapi/v1/margin/transfer and /sapi/v1/margin/maxTransferable."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from tests.signed_client import SignedClient

TRANSFER = "/sapi/v1/asset/transfer"
BORROW_REPAY = "/sapi/v1/margin/borrow-repay"


def spot(signed: SignedClient) -> dict[str, dict[str, str]]:
    return {b["asset"]: b for b in signed.get("/api/v3/account").get_json()["balances"]}


def cross(signed: SignedClient) -> dict[str, dict[str, str]]:
    return {a["asset"]: a for a in signed.get("/sapi/v1/margin/account").get_json()["userAssets"]}


def isolated(signed: SignedClient, symbol: str = "BTCUSDT") -> dict[str, Any]:
    return signed.get("/sapi/v1/margin/isolated/account", symbols=symbol).get_json()["assets"][0]


def wallets(signed: SignedClient) -> tuple[Any, ...]:
    """Everything a rejected transfer must leave as it was."""
    return spot(signed), cross(signed), signed.get("/sapi/v1/margin/isolated/account").get_json()


def events(app: Flask) -> list[Any]:
    return app.extensions["mock_exchange"].exchange.events_since(0)


def test_spot_account_shape_and_omit_zero_balances(signed: SignedClient, app: Flask) -> None:
    body = signed.get("/api/v3/account").get_json()
    assert list(body) == ["makerCommission", "takerCommission", "buyerCommission", "sellerCommission",
                          "commissionRates", "canTrade", "canWithdraw", "canDeposit", "brokered",
                          "requireSelfTradePrevention", "preventSor", "updateTime", "accountType", "balances",
                          "permissions", "uid"]
    assert body["makerCommission"] == 10 and body["commissionRates"]["maker"] == "0.00100000"
    assert body["accountType"] == "SPOT" and isinstance(body["uid"], int)
    assert body["balances"] == [{"asset": "BTC", "free": "0.50000000", "locked": "0.00000000"},
                                {"asset": "USDT", "free": "10000.00000000", "locked": "0.00000000"}]
    signed.post(TRANSFER, type="MAIN_MARGIN", asset="BTC", amount="0.5")
    assert [b["asset"] for b in signed.get("/api/v3/account").get_json()["balances"]] == ["BTC", "USDT"]
    assert [b["asset"] for b in signed.get("/api/v3/account", omitZeroBalances="true").get_json()["balances"]] == [
        "USDT"]
    assert signed.get("/api/v3/account", omitZeroBalances="maybe").get_json() == {
        "code": -1130, "msg": "Data sent for parameter 'omitZeroBalances' is not valid."}


@pytest.mark.parametrize("placement", ["query", "body"])
def test_spot_to_cross_and_back(signed: SignedClient, placement: str) -> None:
    response = signed.request("POST", TRANSFER, placement, type="MAIN_MARGIN", asset="USDT", amount="1234.5")
    assert response.status_code == 200 and isinstance(response.get_json()["tranId"], int)
    assert spot(signed)["USDT"]["free"] == "8765.50000000"
    assert cross(signed)["USDT"]["free"] == "101234.50000000"
    assert signed.post(TRANSFER, type="MARGIN_MAIN", asset="USDT", amount="0.00000001").status_code == 200
    assert spot(signed)["USDT"]["free"] == "8765.50000001"
    assert cross(signed)["USDT"]["free"] == "101234.49999999"


def test_spot_to_isolated_cross_to_isolated_and_isolated_to_isolated(signed: SignedClient) -> None:
    assert signed.post("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").get_json() == {
        "success": True, "symbol": "ETHUSDT"}
    assert signed.post(TRANSFER, type="MAIN_ISOLATED_MARGIN", asset="USDT", amount="100",
                       toSymbol="BTCUSDT").status_code == 200
    assert isolated(signed)["quoteAsset"]["free"] == "50100.00000000"
    assert signed.post(TRANSFER, type="MARGIN_ISOLATEDMARGIN", asset="BTC", amount="0.25",
                       toSymbol="BTCUSDT").status_code == 200
    assert isolated(signed)["baseAsset"]["free"] == "1.25000000" and cross(signed)["BTC"]["free"] == "1.75000000"
    assert signed.post(TRANSFER, type="ISOLATEDMARGIN_ISOLATEDMARGIN", asset="USDT", amount="40",
                       fromSymbol="BTCUSDT", toSymbol="ETHUSDT").status_code == 200
    assert isolated(signed, "ETHUSDT")["quoteAsset"]["free"] == "40.00000000"
    assert signed.post(TRANSFER, type="ISOLATEDMARGIN_MARGIN", asset="USDT", amount="40",
                       fromSymbol="ETHUSDT").status_code == 200
    assert signed.post(TRANSFER, type="ISOLATED_MARGIN_MAIN", asset="BTC", amount="0.25",
                       fromSymbol="BTCUSDT").status_code == 200
    assert spot(signed)["BTC"]["free"] == "0.75000000"


@pytest.mark.parametrize(("params", "error"), [
    ({"type": "MAIN_MARGIN", "asset": "USDT", "amount": "10000.00000001"},
     {"code": -5013, "msg": "Asset transfer failed: insufficient balance"}),
    ({"type": "MARGIN_MAIN", "asset": "USDT", "amount": "100000.1"},
     {"code": -3020, "msg": "Transfer out amount exceeds max amount."}),
    ({"type": "MAIN_MARGIN", "asset": "USDT", "amount": "0"},
     {"code": -1130, "msg": "Data sent for parameter 'amount' is not valid."}),
    ({"type": "MAIN_MARGIN", "asset": "USDT", "amount": "1.000000001"},
     {"code": -1111, "msg": "Precision is over the maximum defined for this asset."}),
    ({"type": "MAIN_MARGIN", "asset": "USDT", "amount": "abc"},
     {"code": -1100, "msg": "Illegal characters found in parameter 'amount'; legal range is "
                            "'^([0-9]{1,20})(\\.[0-9]{1,20})?$'."}),
    ({"type": "MAIN_MARGIN", "asset": "USDT"},
     {"code": -1102, "msg": "Mandatory parameter 'amount' was not sent, was empty/null, or malformed."}),
    ({"type": "MAIN_ISOLATED_MARGIN", "asset": "USDT", "amount": "1"},
     {"code": -1102, "msg": "Mandatory parameter 'toSymbol' was not sent, was empty/null, or malformed."}),
    ({"type": "ISOLATEDMARGIN_MARGIN", "asset": "USDT", "amount": "1"},
     {"code": -1102, "msg": "Mandatory parameter 'fromSymbol' was not sent, was empty/null, or malformed."}),
    ({"type": "MAIN_MARGIN", "asset": "USDT", "amount": "1", "toSymbol": "BTCUSDT"},
     {"code": -1106, "msg": "Parameter 'toSymbol' sent when not required."}),
    ({"type": "MAIN_ISOLATED_MARGIN", "asset": "USDT", "amount": "1", "toSymbol": "NOPEUSDT"},
     {"code": -1121, "msg": "Invalid symbol."}),
    ({"type": "MAIN_ISOLATED_MARGIN", "asset": "USDT", "amount": "1", "toSymbol": "ETHUSDT"},
     {"code": -11001, "msg": "Isolated margin account does not exist."}),
    ({"type": "MAIN_ISOLATED_MARGIN", "asset": "ETH", "amount": "1", "toSymbol": "BTCUSDT"},
     {"code": -3027, "msg": "Not a valid margin asset."}),
    ({"type": "ISOLATEDMARGIN_ISOLATEDMARGIN", "asset": "USDT", "amount": "1", "fromSymbol": "BTCUSDT",
      "toSymbol": "BTCUSDT"},
     {"code": -1130, "msg": "Data sent for parameter 'toSymbol' is not valid."}),
    ({"type": "MAIN_UMFUTURE", "asset": "USDT", "amount": "1"},
     {"code": -1020, "msg": "This operation is not supported."}),
    ({"type": "SIDEWAYS", "asset": "USDT", "amount": "1"},
     {"code": -1130, "msg": "Data sent for parameter 'type' is not valid."}),
])
def test_each_rule_rejects_and_changes_nothing(signed: SignedClient, app: Flask, params: dict[str, str],
                                               error: dict[str, Any]) -> None:
    before, seen = wallets(signed), len(events(app))
    response = signed.post(TRANSFER, **params)
    assert response.status_code == 400 and response.get_json() == error
    assert wallets(signed) == before and len(events(app)) == seen
    assert signed.get(TRANSFER, type=params["type"] if params["type"] in ("MAIN_MARGIN", "MARGIN_MAIN")
                      else "MAIN_MARGIN").get_json() == {"total": 0, "rows": []}


def test_a_loan_is_backed_what_backs_it_cannot_leave(signed: SignedClient) -> None:
    assert signed.get("/sapi/v1/margin/maxTransferable", asset="USDT").get_json() == {"amount": "100000.00000000"}
    maximum = Decimal(signed.get("/sapi/v1/margin/maxBorrowable", asset="USDT").get_json()["amount"])
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount=str(maximum),
                       type="BORROW").status_code == 200
    # Borrowed to the hilt: nothing of the collateral can leave.
    left = Decimal(signed.get("/sapi/v1/margin/maxTransferable", asset="USDT").get_json()["amount"])
    assert Decimal(0) <= left < Decimal("0.01")
    refused = signed.post(TRANSFER, type="MARGIN_MAIN", asset="USDT", amount="1")
    assert refused.get_json() == {"code": -3020, "msg": "Transfer out amount exceeds max amount."}
    # Repay half: 230000 USDT of net equity backs a 230000 loan at 3x, so half of it may leave
    # (230000 net x 2 - 230000 owed = 230000 spare, / 2 = 115000), and exactly that much.
    signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount=str(maximum / 2), type="REPAY")
    allowed = Decimal(signed.get("/sapi/v1/margin/maxTransferable", asset="USDT").get_json()["amount"])
    assert Decimal("114999") < allowed < Decimal("115001")  # BTC valuation rounds to 8 decimals
    over = signed.post(TRANSFER, type="MARGIN_MAIN", asset="USDT", amount=str(allowed + Decimal("0.00000001")))
    assert over.get_json()["code"] == -3020
    assert signed.post(TRANSFER, type="MARGIN_MAIN", asset="USDT", amount=str(allowed)).status_code == 200
    assert Decimal(signed.get("/sapi/v1/margin/maxBorrowable", asset="USDT").get_json()["amount"]) < Decimal("0.01")


def test_max_transferable_isolated_and_errors(signed: SignedClient) -> None:
    assert signed.get("/sapi/v1/margin/maxTransferable", asset="BTC", isolatedSymbol="BTCUSDT").get_json() == {
        "amount": "1.00000000"}
    assert signed.get("/sapi/v1/margin/maxTransferable", asset="BTC", isolatedSymbol="ETHUSDT").get_json() == {
        "code": -11001, "msg": "Isolated margin account does not exist."}
    assert signed.get("/sapi/v1/margin/maxTransferable", asset="XYZ").get_json() == {
        "code": -3027, "msg": "Not a valid margin asset."}
    assert signed.get("/sapi/v1/margin/maxTransferable").get_json()["code"] == -1102


def test_every_transfer_is_a_balance_update_on_the_margin_stream(signed: SignedClient, app: Flask) -> None:
    from mock_exchange.core.user_stream import to_payload

    seen = len(events(app))
    tran = signed.post(TRANSFER, type="MARGIN_ISOLATEDMARGIN", asset="USDT", amount="12.5",
                       toSymbol="BTCUSDT").get_json()["tranId"]
    new = events(app)[seen:]
    payloads = [(e.isolated_symbol, to_payload(e)) for e in new]
    updates = [(iso, p["a"], p["d"]) for iso, p in payloads if p and p["e"] == "balanceUpdate"]
    assert updates == [(None, "USDT", "-12.50000000"), ("BTCUSDT", "USDT", "12.50000000")]
    positions = [iso for iso, p in payloads if p and p["e"] == "outboundAccountPosition"]
    assert positions == [None, "BTCUSDT"]
    assert all(getattr(e, "tran_id", tran) == tran for e in new if e.kind == "balance_update")


def test_histories_universal_and_margin(signed: SignedClient, app: Flask) -> None:
    exchange = app.extensions["mock_exchange"].exchange
    first = signed.post(TRANSFER, type="MAIN_MARGIN", asset="USDT", amount="10").get_json()["tranId"]
    exchange.clock.advance(1000)
    second = signed.post(TRANSFER, type="MAIN_MARGIN", asset="BTC", amount="0.1").get_json()["tranId"]
    signed.post(TRANSFER, type="MARGIN_ISOLATEDMARGIN", asset="USDT", amount="5", toSymbol="BTCUSDT")
    history = signed.get(TRANSFER, type="MAIN_MARGIN").get_json()
    assert history["total"] == 2
    assert history["rows"][0] == {"asset": "BTC", "amount": "0.10000000", "type": "MAIN_MARGIN",
                                  "status": "CONFIRMED", "tranId": second, "timestamp": exchange.clock.now_ms()}
    assert [r["tranId"] for r in history["rows"]] == [second, first]
    assert signed.get(TRANSFER, type="MAIN_MARGIN", size=1, current=2).get_json()["rows"][0]["tranId"] == first
    assert signed.get(TRANSFER, type="MARGIN_ISOLATEDMARGIN", toSymbol="BTCUSDT").get_json()["total"] == 1
    assert signed.get(TRANSFER, type="MAIN_MARGIN", size=101).get_json()["code"] == -1130
    assert signed.get(TRANSFER).get_json()["code"] == -1102

    margin = signed.get("/sapi/v1/margin/transfer").get_json()
    assert margin["total"] == 3
    assert margin["rows"][0] == {"amount": "5.00000000", "asset": "USDT", "status": "CONFIRMED",
                                 "timestamp": exchange.clock.now_ms(), "txId": margin["rows"][0]["txId"],
                                 "type": "ROLL_OUT", "transFrom": "CROSS_MARGIN", "transTo": "ISOLATED_MARGIN",
                                 "toSymbol": "BTCUSDT"}
    assert signed.get("/sapi/v1/margin/transfer", type="ROLL_IN").get_json()["total"] == 2
    assert signed.get("/sapi/v1/margin/transfer", asset="BTC").get_json()["total"] == 1
    iso = signed.get("/sapi/v1/margin/transfer", isolatedSymbol="BTCUSDT").get_json()
    assert [(r["type"], r["amount"]) for r in iso["rows"]] == [("ROLL_IN", "5.00000000")]
    # The default window is the last 7 days; the longest 30 days.
    exchange.clock.advance(8 * 24 * 3600 * 1000)
    assert signed.get("/sapi/v1/margin/transfer").get_json()["total"] == 0
    start = exchange.clock.now_ms() - 9 * 24 * 3600 * 1000
    assert signed.get("/sapi/v1/margin/transfer", startTime=start).get_json()["total"] == 3
    too_long = signed.get("/sapi/v1/margin/transfer", startTime=start, endTime=start + 31 * 24 * 3600 * 1000)
    assert too_long.get_json() == {"code": -1127, "msg": "More than 720 hours between startTime and endTime."}
    assert signed.get("/sapi/v1/margin/transfer", type="SIDEWAYS").get_json()["code"] == -1130


def test_other_accounts_see_none_of_it(signed: SignedClient, other: SignedClient) -> None:
    signed.post(TRANSFER, type="MAIN_MARGIN", asset="USDT", amount="10")
    assert other.get(TRANSFER, type="MAIN_MARGIN").get_json() == {"total": 0, "rows": []}
    assert other.get("/api/v3/account").get_json()["balances"] == []


def test_transfers_count_as_changes_for_persistent_mode(signed: SignedClient, app: Flask) -> None:
    exchange = app.extensions["mock_exchange"].exchange
    before = exchange.changes
    assert signed.post(TRANSFER, type="MAIN_MARGIN", asset="USDT", amount="1").status_code == 200
    assert signed.post("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").status_code == 200
    exchange.set_index_price("BTCUSDT", Decimal("30001"))
    assert exchange.changes >= before + 3
