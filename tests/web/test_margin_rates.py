"""Interest and rates: interestHistory, interestRateHistory, next-hourly-interest-rate,
crossMarginData, isolatedMarginData, isolatedMarginTier, and the interest in borrow-repay records."""

from __future__ import annotations

from flask import Flask

from tests.signed_client import FROZEN_AT_MS, SignedClient

HOUR_MS = 60 * 60 * 1000
DAY_MS = 24 * HOUR_MS
BORROW_REPAY = "/sapi/v1/margin/borrow-repay"


def exchange_of(app: Flask):  # type: ignore[no-untyped-def]
    return app.extensions["mock_exchange"].exchange


def test_interest_history_one_row_per_hour_newest_first(signed: SignedClient, app: Flask) -> None:
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="1000", type="BORROW").status_code == 200
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", symbol="BTCUSDT", amount="100",
                       type="BORROW").status_code == 200
    exchange_of(app).clock.advance(3 * HOUR_MS + 5)
    body = signed.get("/sapi/v1/margin/interestHistory").get_json()
    assert body["total"] == 3
    # 1000 x 0.00000417 per hour (the default rate), rounded down to 8 decimals
    assert body["rows"][0] == {"txId": body["rows"][0]["txId"], "interestAccuredTime": FROZEN_AT_MS + 3 * HOUR_MS,
                               "asset": "USDT", "rawAsset": "USDT", "principal": "1000",
                               "interest": "0.00417000", "interestRate": "0.00000417", "type": "PERIODIC"}
    assert [r["interestAccuredTime"] for r in body["rows"]] == [FROZEN_AT_MS + h * HOUR_MS for h in (3, 2, 1)]
    cross = {a["asset"]: a for a in signed.get("/sapi/v1/margin/account").get_json()["userAssets"]}
    assert cross["USDT"]["interest"] == "0.01251000"  # the rows add up to what is owed
    iso = signed.get("/sapi/v1/margin/interestHistory", isolatedSymbol="BTCUSDT").get_json()
    assert iso["total"] == 3 and iso["rows"][0]["isolatedSymbol"] == "BTCUSDT"
    assert iso["rows"][0]["interest"] == "0.00041700"
    assert signed.get("/sapi/v1/margin/interestHistory", size=2, current=2).get_json()["rows"][0][
        "interestAccuredTime"] == FROZEN_AT_MS + HOUR_MS
    assert signed.get("/sapi/v1/margin/interestHistory", asset="BTC").get_json() == {"rows": [], "total": 0}
    assert signed.get("/sapi/v1/margin/interestHistory", isolatedSymbol="ETHUSDT").get_json() == {
        "code": -11001, "msg": "Isolated margin account does not exist."}
    assert signed.get("/sapi/v1/margin/interestHistory", size=0).get_json() == {
        "code": -1130, "msg": "Data sent for parameter 'size' is not valid."}
    # A repayment pays the interest first: the borrow-repay record shows the split.
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="100", type="REPAY").status_code == 200
    row = signed.get(BORROW_REPAY, type="REPAY").get_json()["rows"][0]
    assert (row["amount"], row["interest"], row["principal"]) == ("100.00000000", "0.01251000", "99.98749000")


def test_interest_rate_history_daily_rows_from_the_config(signed: SignedClient, app: Flask) -> None:
    rows = signed.get("/sapi/v1/margin/interestRateHistory", asset="BTC").get_json()
    assert len(rows) == 8  # the last 7 days, midnight to midnight, newest first
    assert rows[0] == {"asset": "BTC", "dailyInterestRate": "0.00010008", "timestamp": FROZEN_AT_MS, "vipLevel": 0}
    assert rows[1]["timestamp"] == FROZEN_AT_MS - DAY_MS
    window = signed.get("/sapi/v1/margin/interestRateHistory", asset="USDT", vipLevel=1,
                        startTime=FROZEN_AT_MS - 2 * DAY_MS, endTime=FROZEN_AT_MS).get_json()
    assert [r["timestamp"] for r in window] == [FROZEN_AT_MS - d * DAY_MS for d in (0, 1, 2)]
    assert {r["vipLevel"] for r in window} == {1}
    assert signed.get("/sapi/v1/margin/interestRateHistory", asset="XYZ").get_json() == {
        "code": -3027, "msg": "Not a valid margin asset."}
    assert signed.get("/sapi/v1/margin/interestRateHistory").get_json()["code"] == -1102
    assert len(signed.get("/sapi/v1/margin/interestRateHistory", asset="BTC", limit=3).get_json()) == 3
    assert signed.get("/sapi/v1/margin/interestRateHistory", asset="BTC", limit=94).get_json()["code"] == -1130
    # Up to 93 days, as ccxt asks for (the doc's 30-day note is older).
    ninety = signed.get("/sapi/v1/margin/interestRateHistory", asset="BTC", startTime=FROZEN_AT_MS - 92 * DAY_MS,
                        endTime=FROZEN_AT_MS)
    assert len(ninety.get_json()) == 93
    too_long = signed.get("/sapi/v1/margin/interestRateHistory", asset="BTC", startTime=0, endTime=94 * DAY_MS)
    assert too_long.get_json() == {"code": -1127, "msg": "More than 2232 hours between startTime and endTime."}


def test_next_hourly_interest_rate(signed: SignedClient) -> None:
    body = signed.get("/sapi/v1/margin/next-hourly-interest-rate", assets="BTC,USDT", isIsolated="FALSE").get_json()
    assert body == [{"asset": "BTC", "nextHourlyInterestRate": "0.00000417"},
                    {"asset": "USDT", "nextHourlyInterestRate": "0.00000417"}]
    assert signed.get("/sapi/v1/margin/next-hourly-interest-rate", assets="BTC").get_json()["code"] == -1102
    assert signed.get("/sapi/v1/margin/next-hourly-interest-rate", assets="XYZ", isIsolated="TRUE").get_json() == {
        "code": -3027, "msg": "Not a valid margin asset."}
    many = ",".join(["BTC"] * 21)
    assert signed.get("/sapi/v1/margin/next-hourly-interest-rate", assets=many, isIsolated="TRUE").get_json() == {
        "code": -1130, "msg": "Data sent for parameter 'assets' is not valid."}


def test_cross_and_isolated_margin_data_and_tiers(signed: SignedClient) -> None:
    btc = signed.get("/sapi/v1/margin/crossMarginData", coin="BTC").get_json()
    assert btc == [{"vipLevel": 0, "coin": "BTC", "transferIn": True, "borrowable": True,
                    "dailyInterest": "0.00010008", "yearlyInterest": "0.03652920", "borrowLimit": "50.00000000",
                    "marginablePairs": ["BTCUSDT", "ETHBTC"]}]
    every = signed.get("/sapi/v1/margin/crossMarginData").get_json()
    assert [r["coin"] for r in every] == ["BTC", "USDT", "ETH", "BNB"]
    assert signed.get("/sapi/v1/margin/crossMarginData", coin="XYZ").get_json()["code"] == -3027

    pair = signed.get("/sapi/v1/margin/isolatedMarginData", symbol="BTCUSDT", vipLevel=2).get_json()
    assert pair == [{"vipLevel": 2, "symbol": "BTCUSDT", "leverage": "5.00000000",
                     "data": [{"coin": "BTC", "dailyInterest": "0.00010008", "borrowLimit": "50.00000000"},
                              {"coin": "USDT", "dailyInterest": "0.00010008", "borrowLimit": "2000000.00000000"}]}]
    assert len(signed.get("/sapi/v1/margin/isolatedMarginData").get_json()) == 4
    assert signed.get("/sapi/v1/margin/isolatedMarginData", symbol="NOPE").get_json()["code"] == -1121

    tiers = signed.get("/sapi/v1/margin/isolatedMarginTier", symbol="BTCUSDT").get_json()
    assert tiers == [{"symbol": "BTCUSDT", "tier": 1, "effectiveMultiple": "5.00000000",
                      "initialRiskRatio": "1.25000000", "liquidationRiskRatio": "1.10000000",
                      "baseAssetMaxBorrowable": "50.00000000", "quoteAssetMaxBorrowable": "2000000.00000000"}]
    assert signed.get("/sapi/v1/margin/isolatedMarginTier", symbol="BTCUSDT", tier=1).get_json() == tiers
    assert signed.get("/sapi/v1/margin/isolatedMarginTier", symbol="BTCUSDT", tier=2).get_json() == []
    assert signed.get("/sapi/v1/margin/isolatedMarginTier").get_json()["code"] == -1102


def test_weights_follow_the_docs(signed: SignedClient) -> None:
    one = signed.get("/sapi/v1/margin/crossMarginData", coin="BTC")
    many = signed.get("/sapi/v1/margin/crossMarginData")
    assert one.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "1"
    assert many.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "6"
