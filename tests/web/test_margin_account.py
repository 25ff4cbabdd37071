"""Margin account endpoints: cross and isolated details, borrow / repay, max borrowable."""

from __future__ import annotations

from decimal import Decimal

from tests.signed_client import SignedClient

BORROW_REPAY = "/sapi/v1/margin/borrow-repay"


def assets(signed: SignedClient) -> dict[str, dict[str, str]]:
    return {a["asset"]: a for a in signed.get("/sapi/v1/margin/account").get_json()["userAssets"]}


def test_cross_account_shape(signed: SignedClient) -> None:
    body = signed.get("/sapi/v1/margin/account").get_json()
    for key in ("created", "borrowEnabled", "marginLevel", "collateralMarginLevel", "totalAssetOfBtc",
                "totalLiabilityOfBtc", "totalNetAssetOfBtc", "TotalCollateralValueInUSDT", "tradeEnabled",
                "transferInEnabled", "transferOutEnabled", "accountType", "userAssets"):
        assert key in body
    usdt = next(a for a in body["userAssets"] if a["asset"] == "USDT")
    assert usdt == {"asset": "USDT", "borrowed": "0.00000000", "free": "100000.00000000",
                    "interest": "0.00000000", "locked": "0.00000000", "netAsset": "100000.00000000"}
    assert body["totalLiabilityOfBtc"] == "0.00000000"


def test_borrow_then_repay(signed: SignedClient) -> None:
    borrowed = signed.post(BORROW_REPAY, asset="BTC", isIsolated="FALSE", amount="0.5", type="BORROW")
    assert borrowed.status_code == 200 and isinstance(borrowed.get_json()["tranId"], int)
    btc = assets(signed)["BTC"]
    assert (btc["free"], btc["borrowed"], btc["netAsset"]) == ("2.50000000", "0.50000000", "2.00000000")
    too_much = signed.post(BORROW_REPAY, asset="BTC", isIsolated="FALSE", amount="1", type="REPAY")
    assert too_much.get_json() == {"code": -3015, "msg": "Repay amount exceeds borrow amount."}
    assert signed.post(BORROW_REPAY, asset="BTC", isIsolated="FALSE", amount="0.5", type="REPAY").status_code == 200
    assert assets(signed)["BTC"]["borrowed"] == "0.00000000"
    history = signed.get(BORROW_REPAY, type="BORROW").get_json()
    assert history["total"] == 1 and history["rows"][0]["amount"] == "0.50000000"


def test_borrow_over_max_borrowable(signed: SignedClient) -> None:
    maximum = signed.get("/sapi/v1/margin/maxBorrowable", asset="BTC").get_json()
    assert Decimal(maximum["amount"]) > 0 and "borrowLimit" in maximum
    over = Decimal(maximum["amount"]) + 1
    response = signed.post(BORROW_REPAY, asset="BTC", isIsolated="FALSE", amount=str(over), type="BORROW")
    assert response.get_json() == {"code": -3006, "msg": "Your borrow amount has exceed maximum borrow amount."}


def test_isolated_account_with_and_without_symbols(signed: SignedClient) -> None:
    everything = signed.get("/sapi/v1/margin/isolated/account").get_json()
    assert [a["symbol"] for a in everything["assets"]] == ["BTCUSDT"]
    assert "totalAssetOfBtc" in everything
    pair = everything["assets"][0]
    assert pair["baseAsset"]["asset"] == "BTC" and pair["baseAsset"]["free"] == "1.00000000"
    assert pair["quoteAsset"]["free"] == "50000.00000000"
    one = signed.get("/sapi/v1/margin/isolated/account", symbols="BTCUSDT").get_json()
    assert "totalAssetOfBtc" not in one
    missing = signed.get("/sapi/v1/margin/isolated/account", symbols="ETHUSDT")
    assert missing.get_json() == {"code": -11001, "msg": "Isolated margin account does not exist."}


def test_isolated_borrow_needs_symbol(signed: SignedClient) -> None:
    response = signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", amount="10", type="BORROW")
    assert response.get_json()["code"] == -1102
    ok = signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", symbol="BTCUSDT", amount="10", type="BORROW")
    assert ok.status_code == 200


def test_interest_accrues_after_the_clock_is_frozen_earlier_than_start_up() -> None:
    from mock_exchange.web.app import create_app
    from tests.signed_client import FROZEN_AT_MS

    app = create_app()  # accounts are created at wall time, later than FROZEN_AT_MS
    exchange = app.extensions["mock_exchange"].exchange
    exchange.clock.freeze(FROZEN_AT_MS)
    signed = SignedClient(app.test_client(), app)
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="1000", type="BORROW").status_code == 200
    exchange.clock.advance(2 * 60 * 60 * 1000)
    # 1000 x 0.00000417 per hour x 2 hours (the default hourly rate)
    assert assets(signed)["USDT"]["interest"] == "0.00834000"
