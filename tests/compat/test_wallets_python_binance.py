"""python-binance's wallet, transfer, interest and reference-data methods, unmodified
(base URL only), against a live fake exchange, with real arguments.

Methods that call endpoints Binance retired on 2024-03-31 (``transfer_spot_to_margin``,
``get_margin_asset``, ``create_margin_loan``, ...) get what Binance answers today: -1020,
here with an ``X-Mock-Explain`` header naming the replacement.
"""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import FROZEN_AT_MS, SYMBOL, make_python_binance

pytest.importorskip("binance.client", reason="python-binance is in the optional 'compat' extra")
pytestmark = pytest.mark.compat

HOUR_MS = 60 * 60 * 1000


def test_spot_account_and_universal_transfers(fake_exchange_live: FakeExchange) -> None:
    client = make_python_binance(fake_exchange_live)
    account = client.get_account()
    assert account["accountType"] == "SPOT" and account["commissionRates"]["maker"] == "0.00100000"
    assert client.get_asset_balance(asset="USDT") == {"asset": "USDT", "free": "10000.00000000",
                                                      "locked": "0.00000000"}
    first = client.make_universal_transfer(type="MAIN_MARGIN", asset="USDT", amount="125.5")
    client.make_universal_transfer(type="MAIN_ISOLATED_MARGIN", asset="BTC", amount="0.1", toSymbol=SYMBOL)
    client.make_universal_transfer(type="ISOLATEDMARGIN_MARGIN", asset="BTC", amount="0.05", fromSymbol=SYMBOL)
    history = client.query_universal_transfer_history(type="MAIN_MARGIN")
    assert history["total"] == 1 and history["rows"][0]["tranId"] == first["tranId"]
    margin = client.get_margin_transfer_history()
    assert [(r["type"], r["asset"], r["transFrom"]) for r in margin["rows"]] == [
        ("ROLL_IN", "BTC", "ISOLATED_MARGIN"), ("ROLL_IN", "USDT", "SPOT")]
    isolated = client.get_margin_transfer_history(isolatedSymbol=SYMBOL)
    assert [(r["type"], r["amount"]) for r in isolated["rows"]] == [("ROLL_OUT", "0.05000000"),
                                                                    ("ROLL_IN", "0.10000000")]
    assert client.get_max_margin_transfer(asset="BTC") == {"amount": "2.05000000"}
    assert client.get_max_margin_transfer(asset="BTC", isolatedSymbol=SYMBOL) == {"amount": "1.05000000"}
    assert client.get_account()["balances"][0] == {"asset": "BTC", "free": "0.40000000", "locked": "0.00000000"}


def test_interest_and_rates(fake_exchange_live: FakeExchange) -> None:
    fake_exchange_live.freeze(at_ms=FROZEN_AT_MS)
    client = make_python_binance(fake_exchange_live)
    client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)
    client.margin_borrow_repay(asset="USDT", amount="2000", isIsolated="FALSE", type="BORROW")
    fake_exchange_live.advance(3 * HOUR_MS)
    client.timestamp_offset = client.get_server_time()["serverTime"] - int(time.time() * 1000)
    interest = client.get_margin_interest_history(asset="USDT")
    assert interest["total"] == 3 and {r["interest"] for r in interest["rows"]} == {"0.00834000"}
    rates = client.margin_interest_rate_history(asset="USDT")
    assert rates[0] == {"asset": "USDT", "dailyInterestRate": "0.00010008", "timestamp": FROZEN_AT_MS,
                        "vipLevel": 0}
    assert client.get_future_hourly_interest_rate(assets="USDT,BTC", isIsolated="FALSE") == [
        {"asset": "USDT", "nextHourlyInterestRate": "0.00000417"},
        {"asset": "BTC", "nextHourlyInterestRate": "0.00000417"}]
    assert client.margin_next_hourly_interest_rate(assets="BTC", isIsolated="TRUE")[0]["asset"] == "BTC"
    cross = client.get_cross_margin_data(coin="USDT")
    assert cross[0]["coin"] == "USDT" and cross[0]["dailyInterest"] == "0.00010008"
    fee = client.get_isolated_margin_fee_data(symbol=SYMBOL)
    assert fee[0]["symbol"] == SYMBOL and [d["coin"] for d in fee[0]["data"]] == ["BTC", "USDT"]
    tier = client.get_isolated_margin_tier_data(symbol=SYMBOL)
    assert tier[0]["tier"] == 1 and tier[0]["effectiveMultiple"] == "5.00000000"
    repaid = client.margin_borrow_repay(asset="USDT", amount="100", isIsolated="FALSE", type="REPAY")
    assert isinstance(repaid["tranId"], int)
    records = client.margin_get_borrow_repay_records(type="REPAY")
    assert (records["rows"][0]["interest"], records["rows"][0]["principal"]) == ("0.02502000", "99.97498000")


def test_reference_data_and_account_standing(fake_exchange_live: FakeExchange) -> None:
    client = make_python_binance(fake_exchange_live)
    assets = client.get_margin_all_assets()
    assert {a["assetName"] for a in assets} == {"BTC", "USDT", "ETH", "BNB"}
    assert client.get_margin_price_index(symbol=SYMBOL)["price"] == "30000.00000000"
    fake_exchange_live.control.set_index_price(SYMBOL, "29990.5")
    assert client.get_margin_price_index(symbol=SYMBOL)["price"] == "29990.50000000"
    assert client.get_enabled_isolated_margin_account_limit() == {"enabledAccount": 1, "maxAccount": 10}
    assert client.enable_isolated_margin_account(symbol="ETHUSDT") == {"success": True, "symbol": "ETHUSDT"}
    assert client.disable_isolated_margin_account(symbol="ETHUSDT") == {"success": True, "symbol": "ETHUSDT"}
    assert client.get_trade_fee(symbol=SYMBOL) == [{"symbol": SYMBOL, "makerCommission": "0.001",
                                                    "takerCommission": "0.001"}]
    assert client.get_account_status() == {"data": "Normal"}
    assert client.get_account_api_permissions()["enableMargin"] is True
    client.make_universal_transfer(type="MAIN_MARGIN", asset="USDT", amount="10")
    client.create_margin_order(symbol=SYMBOL, side="BUY", type="MARKET", quantity="0.001")
    flow = client.get_margin_capital_flow()
    assert [r["type"] for r in flow][-1] == "TRANSFER" and "BUY_EXPENSE" in {r["type"] for r in flow}
    orders = client.get_all_margin_orders(symbol=SYMBOL)
    assert len(orders) == 1 and orders[0]["status"] == "FILLED"


def _retired(call: Any) -> Any:
    from binance.exceptions import BinanceAPIException

    with pytest.raises(BinanceAPIException) as raised:
        call()
    return raised.value


@pytest.mark.parametrize(("method", "kwargs", "replacement"), [
    ("transfer_spot_to_margin", {"asset": "USDT", "amount": "10"}, "/sapi/v1/asset/transfer"),
    ("transfer_margin_to_spot", {"asset": "USDT", "amount": "10"}, "/sapi/v1/asset/transfer"),
    ("transfer_spot_to_isolated_margin", {"asset": "USDT", "symbol": SYMBOL, "amount": "10"},
     "/sapi/v1/asset/transfer"),
    ("transfer_isolated_margin_to_spot", {"asset": "USDT", "symbol": SYMBOL, "amount": "10"},
     "/sapi/v1/asset/transfer"),
    ("create_margin_loan", {"asset": "USDT", "amount": "10"}, "/sapi/v1/margin/borrow-repay"),
    ("repay_margin_loan", {"asset": "USDT", "amount": "10"}, "/sapi/v1/margin/borrow-repay"),
    ("get_margin_asset", {"asset": "BTC"}, "/sapi/v1/margin/allAssets"),
    ("get_margin_symbol", {"symbol": SYMBOL}, "/sapi/v1/margin/allPairs"),
    ("get_isolated_margin_symbol", {"symbol": SYMBOL}, "/sapi/v1/margin/isolated/allPairs"),
    ("create_isolated_margin_account", {"base": "BTC", "quote": "USDT"}, "/sapi/v1/margin/isolated/account"),
])
def test_retired_endpoints_answer_as_binance_does_today(fake_exchange_live: FakeExchange, method: str,
                                                         kwargs: dict[str, str], replacement: str) -> None:
    client = make_python_binance(fake_exchange_live)
    before = client.get_margin_account()["userAssets"]
    error = _retired(lambda: getattr(client, method)(**kwargs))
    assert (error.code, error.message) == (-1020, "This operation is not supported.")
    assert replacement in error.response.headers["X-Mock-Explain"]
    assert client.get_margin_account()["userAssets"] == before


def test_a_transfer_out_of_margin_keeps_what_backs_a_loan(fake_exchange_live: FakeExchange) -> None:
    client = make_python_binance(fake_exchange_live)
    amount = Decimal(client.get_max_margin_loan(asset="USDT")["amount"])
    client.margin_borrow_repay(asset="USDT", amount=str(amount), isIsolated="FALSE", type="BORROW")
    error = _retired(lambda: client.make_universal_transfer(type="MARGIN_MAIN", asset="USDT", amount="1000"))
    assert (error.code, error.message) == (-3020, "Transfer out amount exceeds max amount.")
