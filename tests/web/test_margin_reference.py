"""Reference data and account standing: allAssets, priceIndex (and its control endpoint),
capital-flow, isolated pairs (enable, disable, limit), tradeFee, account status and API
restrictions; retired endpoints and products left out answered -1020 with an explanation."""

from __future__ import annotations

from decimal import Decimal

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.control import LocalControl
from tests.signed_client import DEMO_KEY, FROZEN_AT_MS, SignedClient

DAY_MS = 24 * 60 * 60 * 1000
ISOLATED = "/sapi/v1/margin/isolated/account"


def test_all_assets(client: FlaskClient) -> None:
    headers = {"X-MBX-APIKEY": DEMO_KEY}
    every = client.get("/sapi/v1/margin/allAssets", headers=headers).get_json()
    assert [a["assetName"] for a in every] == ["BTC", "USDT", "ETH", "BNB"]
    assert every[0] == {"assetFullName": "Bitcoin", "assetName": "BTC", "isBorrowable": True, "isMortgageable": True,
                        "userMinBorrow": "0.00000000", "userMinRepay": "0.00000000", "delistTime": None}
    assert client.get("/sapi/v1/margin/allAssets?asset=ETH", headers=headers).get_json()[0]["assetName"] == "ETH"
    assert client.get("/sapi/v1/margin/allAssets?asset=XYZ", headers=headers).get_json() == {
        "code": -3027, "msg": "Not a valid margin asset."}
    assert client.get("/sapi/v1/margin/allAssets").get_json()["code"] == -2014  # MARKET_DATA: a key is needed


def test_price_index_follows_the_last_price_until_set_apart(app: Flask, client: FlaskClient,
                                                            signed: SignedClient) -> None:
    headers = {"X-MBX-APIKEY": DEMO_KEY}
    control = LocalControl(app)
    assert client.get("/sapi/v1/margin/priceIndex?symbol=BTCUSDT", headers=headers).get_json() == {
        "calcTime": FROZEN_AT_MS, "price": "30000.00000000", "symbol": "BTCUSDT"}
    control.set_price("BTCUSDT", "31000")
    assert client.get("/sapi/v1/margin/priceIndex?symbol=BTCUSDT", headers=headers).get_json()["price"] == \
        "31000.00000000"
    level_before = signed.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    market = control.set_index_price("BTCUSDT", "15000")
    assert (market["last_price"], market["index_price"]) == ("31000", "15000")
    assert client.get("/sapi/v1/margin/priceIndex?symbol=BTCUSDT", headers=headers).get_json()["price"] == \
        "15000.00000000"
    pair = signed.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    assert pair["indexPrice"] == "15000.00000000" and pair["indexPrice"] != level_before["indexPrice"]
    # The margin engine values at the index: 1 BTC of collateral is now worth 15000 USDT.
    assert pair["baseAsset"]["netAssetOfBtc"] == "1.00000000"
    maximum = Decimal(signed.get("/sapi/v1/margin/maxBorrowable", asset="USDT", isolatedSymbol="BTCUSDT")
                      .get_json()["amount"])
    assert maximum == (50000 + 15000) * 4
    assert control.set_index_price("BTCUSDT", None)["index_price"] == "31000"
    assert client.get("/sapi/v1/margin/priceIndex?symbol=NOPE", headers=headers).get_json() == {
        "code": -1121, "msg": "Invalid symbol."}
    bad = client.post("/mock/v1/market/BTCUSDT/index", json={"price": "-1"})
    assert bad.status_code == 400 and "price" in bad.get_json()["error"]["message"]


def test_capital_flow_lists_every_movement(app: Flask, signed: SignedClient) -> None:
    signed.post("/sapi/v1/asset/transfer", type="MAIN_MARGIN", asset="USDT", amount="100")
    signed.post("/sapi/v1/margin/borrow-repay", asset="USDT", isIsolated="FALSE", amount="50", type="BORROW")
    assert signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="MARKET",
                       quantity="0.001").status_code == 200
    rows = signed.get("/sapi/v1/margin/capital-flow").get_json()
    assert [(r["type"], r["asset"], r["amount"]) for r in rows] == [
        ("TRADING_COMMISSION", "BTC", "-0.00000100"), ("BUY_INCOME", "BTC", "0.00100000"),
        ("BUY_EXPENSE", "USDT", "-30.00000000"), ("BORROW", "USDT", "50.00000000"),
        ("TRANSFER", "USDT", "100.00000000")]
    assert [r["id"] for r in rows] == [5, 4, 3, 2, 1]
    assert set(rows[0]) == {"id", "tranId", "timestamp", "asset", "symbol", "type", "amount"}
    assert rows[0]["symbol"] == "BTCUSDT" and rows[-1]["symbol"] == ""
    assert [r["id"] for r in signed.get("/sapi/v1/margin/capital-flow", fromId=2, limit=2).get_json()] == [3, 4]
    assert [r["type"] for r in signed.get("/sapi/v1/margin/capital-flow", type="BORROW").get_json()] == ["BORROW"]
    assert len(signed.get("/sapi/v1/margin/capital-flow", asset="BTC").get_json()) == 2
    assert signed.get("/sapi/v1/margin/capital-flow", symbol="BTCUSDT").get_json() == []
    assert signed.get("/sapi/v1/margin/capital-flow", startTime=0, endTime=8 * DAY_MS).get_json() == {
        "code": -4047, "msg": "Time interval must be within 0-7 days"}
    assert signed.get("/sapi/v1/margin/capital-flow", limit=1001).get_json()["code"] == -1130
    assert signed.get("/sapi/v1/margin/capital-flow", type="NOPE").get_json()["code"] == -1130


def test_enable_disable_isolated_pairs_and_the_limit(app: Flask, signed: SignedClient) -> None:
    exchange = app.extensions["mock_exchange"].exchange
    assert signed.get("/sapi/v1/margin/isolated/accountLimit").get_json() == {"enabledAccount": 1, "maxAccount": 10}
    for placement in ("query", "body"):
        response = signed.request("POST", ISOLATED, placement, symbol="ETHUSDT")
        assert response.get_json() == {"success": True, "symbol": "ETHUSDT"}
    assert signed.get("/sapi/v1/margin/isolated/accountLimit").get_json()["enabledAccount"] == 2
    assert [a["symbol"] for a in signed.get(ISOLATED).get_json()["assets"]] == ["BTCUSDT", "ETHUSDT"]
    refused = {"code": -3026, "msg": "Your input param is invalid."}
    assert signed.delete(ISOLATED, symbol="BTCUSDT").get_json() == refused  # it holds funds
    assert signed.delete(ISOLATED, symbol="ETHUSDT").get_json() == {"success": True, "symbol": "ETHUSDT"}
    assert signed.delete(ISOLATED, symbol="ETHUSDT").get_json() == {
        "code": -11001, "msg": "Isolated margin account does not exist."}
    signed.post(ISOLATED, symbol="ETHUSDT")
    assert signed.delete(ISOLATED, symbol="ETHUSDT").get_json() == refused  # once per 24 hours
    exchange.clock.advance(DAY_MS)
    assert signed.delete(ISOLATED, symbol="ETHUSDT").status_code == 200
    assert signed.post(ISOLATED, symbol="NOPE").get_json() == {"code": -1121, "msg": "Invalid symbol."}
    assert signed.post(ISOLATED).get_json()["code"] == -1102


def test_the_isolated_pair_limit() -> None:
    from mock_exchange.config import default_config
    from mock_exchange.core.clock import ExchangeClock
    from mock_exchange.core.exchange import Exchange
    from mock_exchange.web.app import create_app

    base = default_config()
    import dataclasses

    config = dataclasses.replace(base, margin=dataclasses.replace(base.margin, isolated_account_limit=2))
    app = create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)))
    signed = SignedClient(app.test_client(), app)
    assert signed.post(ISOLATED, symbol="ETHUSDT").status_code == 200
    assert signed.post(ISOLATED, symbol="BNBUSDT").get_json() == {"code": -3026, "msg": "Your input param is invalid."}
    assert signed.get("/sapi/v1/margin/isolated/accountLimit").get_json() == {"enabledAccount": 2, "maxAccount": 2}


def test_trade_fee_account_status_and_api_restrictions(signed: SignedClient, app: Flask) -> None:
    fees = signed.get("/sapi/v1/asset/tradeFee").get_json()
    assert fees[0] == {"symbol": "BTCUSDT", "makerCommission": "0.001", "takerCommission": "0.001"}
    assert len(fees) == 4
    assert signed.get("/sapi/v1/asset/tradeFee", symbol="ETHBTC").get_json() == [
        {"symbol": "ETHBTC", "makerCommission": "0.001", "takerCommission": "0.001"}]
    assert signed.get("/sapi/v1/asset/tradeFee", symbol="NOPE").get_json()["code"] == -1121
    assert signed.get("/sapi/v1/account/status").get_json() == {"data": "Normal"}
    rights = signed.get("/sapi/v1/account/apiRestrictions").get_json()
    assert rights["enableMargin"] is True and rights["enableSpotAndMarginTrading"] is True
    assert rights["permitsUniversalTransfer"] is True and rights["enableWithdrawals"] is False
    assert rights["createTime"] == FROZEN_AT_MS


@pytest.mark.parametrize(("method", "path", "replacement"), [
    ("POST", "/sapi/v1/margin/transfer", "POST /sapi/v1/asset/transfer"),
    ("POST", "/sapi/v1/margin/isolated/transfer", "POST /sapi/v1/asset/transfer"),
    ("GET", "/sapi/v1/margin/isolated/transfer", "GET /sapi/v1/margin/transfer"),
    ("POST", "/sapi/v1/margin/loan", "POST /sapi/v1/margin/borrow-repay"),
    ("GET", "/sapi/v1/margin/repay", "GET /sapi/v1/margin/borrow-repay"),
    ("GET", "/sapi/v1/margin/asset", "GET /sapi/v1/margin/allAssets"),
    ("GET", "/sapi/v1/margin/pair", "GET /sapi/v1/margin/allPairs"),
    ("GET", "/sapi/v1/margin/isolated/pair", "GET /sapi/v1/margin/isolated/allPairs"),
    ("POST", "/sapi/v1/margin/isolated/create", "POST /sapi/v1/margin/isolated/account"),
])
def test_retired_endpoints_answer_as_binance_does_and_name_the_replacement(
        client: FlaskClient, method: str, path: str, replacement: str) -> None:
    response = client.open(path + "?asset=BTC&amount=1&type=1", method=method, headers={"X-MBX-APIKEY": DEMO_KEY})
    assert response.status_code in (404, 405)
    assert response.get_json() == {"code": -1020, "msg": "This operation is not supported."}
    assert "retired" in response.headers["X-Mock-Explain"] and replacement in response.headers["X-Mock-Explain"]


@pytest.mark.parametrize(("path", "says"), [
    ("/sapi/v1/sub-account/list", "sub-accounts"), ("/sapi/v1/simple-earn/flexible/list", "Simple Earn"),
    ("/sapi/v1/staking/productList", "staking"), ("/sapi/v1/convert/getQuote", "Convert"),
    ("/sapi/v1/fiat/orders", "fiat"), ("/sapi/v1/pay/transactions", "Binance Pay"),
    ("/sapi/v1/capital/deposit/hisrec", "deposits"), ("/sapi/v1/capital/withdraw/apply", "withdrawals"),
    ("/sapi/v1/futures/transfer", "futures"), ("/fapi/v1/order", "futures"), ("/dapi/v1/account", "futures"),
])
def test_products_left_out_answer_minus_1020_with_an_explanation(client: FlaskClient, path: str, says: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.get_json() == {"code": -1020, "msg": "This operation is not supported."}
    explanation = response.headers["X-Mock-Explain"]
    assert says in explanation and "not" in explanation


def test_a_plain_unknown_path_is_not_called_retired_or_left_out(client: FlaskClient) -> None:
    response = client.get("/sapi/v1/margin/nothing-here")
    assert response.status_code == 404
    assert "retired" not in response.headers["X-Mock-Explain"]
    assert "not part of this fake" not in response.headers["X-Mock-Explain"]
