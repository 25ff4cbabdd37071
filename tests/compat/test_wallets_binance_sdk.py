"""Binance's margin SDK (binance-sdk-margin-trading), unmodified, on the wallet, interest and
reference-data endpoints: every answer parses into the SDK's strict pydantic models.

The SDK only logs a warning when a response does not match its model, so the test fails
on such a warning (as tests/compat/test_binance_sdk.py does).
"""

from __future__ import annotations

from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange
from tests.compat.clients import SYMBOL, make_python_binance, make_sdk
from tests.compat.clients import sdk_model_warnings as model_warnings  # noqa: F401 - autouse fixture

pytest.importorskip("binance_sdk_margin_trading", reason="the SDK is in the optional 'compat' extra")
pytestmark = pytest.mark.compat



def data(response: Any) -> Any:
    return response.data()


def test_transfer_history_and_max_transferable_parse(fake_exchange_live: FakeExchange) -> None:
    sdk = make_sdk(fake_exchange_live)
    client = make_python_binance(fake_exchange_live)  # the SDK has no universal transfer (a wallet endpoint)
    client.make_universal_transfer(type="MAIN_MARGIN", asset="USDT", amount="75")
    client.make_universal_transfer(type="MAIN_ISOLATED_MARGIN", asset="USDT", amount="5", toSymbol=SYMBOL)
    history = data(sdk.get_cross_margin_transfer_history())
    assert history.total == 1 and history.rows[0].type == "ROLL_IN" and history.rows[0].trans_from == "SPOT"
    isolated = data(sdk.get_cross_margin_transfer_history(isolated_symbol=SYMBOL))
    assert isolated.rows[0].to_symbol == SYMBOL
    assert data(sdk.query_max_transfer_out_amount(asset="USDT")).amount == "100075.00000000"


def test_interest_and_rates_parse(fake_exchange_live: FakeExchange) -> None:
    sdk = make_sdk(fake_exchange_live)
    assert data(sdk.get_interest_history()).total == 0
    hourly = data(sdk.get_future_hourly_interest_rate(assets="BTC,USDT", is_isolated="FALSE"))
    assert [row.asset for row in hourly] == ["BTC", "USDT"]
    rates = data(sdk.query_margin_interest_rate_history(asset="BTC"))
    assert rates[0].daily_interest_rate == "0.00010008"
    cross = data(sdk.query_cross_margin_fee_data(coin="BTC"))
    assert cross[0].marginable_pairs == ["BTCUSDT", "ETHBTC"]
    isolated = data(sdk.query_isolated_margin_fee_data(symbol=SYMBOL))
    assert isolated[0].leverage == "5.00000000"
    tier = data(sdk.query_isolated_margin_tier_data(symbol=SYMBOL))
    assert tier[0].tier == 1


def test_reference_data_parse(fake_exchange_live: FakeExchange) -> None:
    sdk = make_sdk(fake_exchange_live)
    assets = data(sdk.get_all_margin_assets())
    assert {row.asset_name for row in assets} == {"BTC", "USDT", "ETH", "BNB"}
    assert data(sdk.query_margin_priceindex(symbol=SYMBOL)).price == "30000.00000000"
    assert data(sdk.query_enabled_isolated_margin_account_limit()).max_account == 10
    assert data(sdk.enable_isolated_margin_account(symbol="ETHUSDT")).success is True
    assert data(sdk.disable_isolated_margin_account(symbol="ETHUSDT")).symbol == "ETHUSDT"
    client = make_python_binance(fake_exchange_live)
    client.make_universal_transfer(type="MAIN_MARGIN", asset="BTC", amount="0.25")
    flow = data(sdk.query_cross_isolated_margin_capital_flow())
    assert [(row.type, row.asset, row.amount) for row in flow] == [("TRANSFER", "BTC", "0.25000000")]
