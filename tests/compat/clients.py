"""Three unmodified Binance clients pointed at the fake exchange by base URL only (shared helpers).

python-binance, Binance's margin SDK (binance-sdk-margin-trading) and ccxt (the optional
``compat`` extra). Each test gets its own live exchange (``fake_exchange_live``) on wall
time, the default demo state: 100000 USDT / 2 BTC cross, an isolated BTCUSDT account with
1 BTC / 50000 USDT, BTCUSDT at 30000 (tick 0.01, step 0.00001, min notional 5).
"""

from __future__ import annotations

import logging
import time
from typing import Any

import pytest

from mock_exchange.pytest_plugin import FakeExchange

SYMBOL = "BTCUSDT"
CCXT_SYMBOL = "BTC/USDT"
# 0.001 BTC at ~30000 is ~30 USDT, above the minimum notional; and the SDK sends floats with
# str(): 0.001 stays "0.001" where 0.00001 would become "1e-05", which Binance refuses (-1100).
QTY = "0.001"

# A SELL OCO around 30000: LIMIT_MAKER leg above the market, STOP_LOSS_LIMIT leg below it.
OCO_SELL = {"symbol": SYMBOL, "side": "SELL", "quantity": QTY, "price": "31000", "stopPrice": "29000",
            "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}
# A working BUY LIMIT below the market; once filled, a SELL OCO (take-profit above, stop below).
OTOCO_BUY_THEN_SELL = {
    "symbol": SYMBOL, "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": "29000",
    "workingQuantity": QTY, "workingTimeInForce": "GTC", "pendingSide": "SELL", "pendingQuantity": QTY,
    "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": "31000", "pendingBelowType": "STOP_LOSS_LIMIT",
    "pendingBelowStopPrice": "28000", "pendingBelowPrice": "27900", "pendingBelowTimeInForce": "GTC",
}
BAD_TICK = dict(OCO_SELL, price="31000.005")  # -1013 Filter failure: PRICE_FILTER
BAD_RELATION = dict(OCO_SELL, price="29000", stopPrice="31000", stopLimitPrice="31100")  # -2010
NO_FUNDS = dict(OCO_SELL, quantity="100")  # -2010 insufficient balance (2 BTC free)
WRONG_SECRET = "x" * 64
# A frozen exchange clock, for the clients that can apply a time offset (not the SDK).
FROZEN_AT_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z
INSUFFICIENT_BALANCE_MSG = "Account has insufficient balance for requested action."

# GET /sapi/v1/margin/allOrderList weighs 200 (IP): with this budget one call passes, the next is 429.
ALL_ORDER_LIST_WEIGHT = 200
TINY_SAPI_BUDGET = 300


def iso(isolated: bool) -> str:
    return "TRUE" if isolated else "FALSE"


def shrink_sapi_budget(exchange: FakeExchange) -> None:
    """Make /sapi's per-endpoint IP budget tiny, so a 429 takes two requests, not sixty."""
    exchange.set_rate_limits(sapi_ip_weight_per_minute=TINY_SAPI_BUDGET)


# -- client factories: these are the lines docs/ci.md shows ------------------------------------------


def make_python_binance(ex: FakeExchange, secret: str | None = None) -> Any:
    """python-binance: no ping in the constructor (it would go to api.binance.com), then repoint."""
    from binance.client import Client

    client = Client(ex.api_key, secret if secret is not None else ex.api_secret, ping=False)
    client.API_URL = ex.url + "/api"  # the client appends /v3/<path>
    client.MARGIN_API_URL = ex.url + "/sapi"  # the client appends /v1/<path>
    return client


def make_sdk(ex: FakeExchange, secret: str | None = None) -> Any:
    """binance-sdk-margin-trading: base_path is the host root; no retries, a 10 s timeout."""
    from binance_common.configuration import ConfigurationRestAPI
    from binance_sdk_margin_trading import MarginTrading

    config = ConfigurationRestAPI(api_key=ex.api_key, api_secret=secret if secret is not None else ex.api_secret,
                                  base_path=ex.url, timeout=10_000, retries=0)
    return MarginTrading(config_rest_api=config).rest_api


def make_ccxt(ex: FakeExchange, secret: str | None = None) -> Any:
    """ccxt: every spot/margin URL repointed, spot markets only, no client-side throttling."""
    import ccxt

    urls = {"public": ex.url + "/api/v3", "private": ex.url + "/api/v3", "v1": ex.url + "/api/v1",
            "sapi": ex.url + "/sapi/v1", "sapiV2": ex.url + "/sapi/v2", "sapiV3": ex.url + "/sapi/v3",
            "sapiV4": ex.url + "/sapi/v4"}
    return ccxt.binance({
        "apiKey": ex.api_key, "secret": secret if secret is not None else ex.api_secret,
        "enableRateLimit": False, "timeout": 10_000, "urls": {"api": urls},
        # The default market types also load futures from fapi/dapi.binance.com.
        "options": {"fetchMarkets": {"types": ["spot"]}},
    })


# -- assertions on raw JSON (python-binance and ccxt's implicit API return Binance's dicts) -------------


def assert_new_oco(resp: dict[str, Any], isolated: bool) -> None:
    assert isinstance(resp["orderListId"], int)
    assert (resp["contingencyType"], resp["listStatusType"], resp["listOrderStatus"]) == (
        "OCO", "EXEC_STARTED", "EXECUTING")
    assert resp["symbol"] == SYMBOL and resp["isIsolated"] is isolated
    assert len(resp["orders"]) == len(resp["orderReports"]) == 2
    assert {r["type"] for r in resp["orderReports"]} == {"STOP_LOSS_LIMIT", "LIMIT_MAKER"}
    for report in resp["orderReports"]:
        assert report["orderListId"] == resp["orderListId"] and report["status"] == "NEW"
        assert isinstance(report["price"], str) and isinstance(report["origQty"], str)


def assert_new_otoco(resp: dict[str, Any], isolated: bool) -> None:
    assert isinstance(resp["orderListId"], int)
    assert (resp["contingencyType"], resp["listOrderStatus"]) == ("OTO", "EXECUTING")
    assert resp["symbol"] == SYMBOL and resp["isIsolated"] is isolated
    assert len(resp["orders"]) == 3
    assert [r["status"] for r in resp["orderReports"]] == ["NEW", "PENDING_NEW", "PENDING_NEW"]


def assert_list_query(resp: dict[str, Any], list_id: int, n_orders: int) -> None:
    assert resp["orderListId"] == list_id and resp["listOrderStatus"] == "EXECUTING"
    assert len(resp["orders"]) == n_orders
    for order in resp["orders"]:
        assert set(order) >= {"symbol", "orderId", "clientOrderId"}


def assert_list_cancelled(resp: dict[str, Any], list_id: int) -> None:
    assert resp["orderListId"] == list_id
    assert (resp["listStatusType"], resp["listOrderStatus"]) == ("ALL_DONE", "ALL_DONE")
    assert resp["orderReports"]
    assert all(r["status"] in ("CANCELED", "EXPIRED") for r in resp["orderReports"])


def leg_ids(resp: dict[str, Any]) -> set[int]:
    return {o["orderId"] for o in resp["orders"]}


@pytest.fixture(autouse=True)
def sdk_model_warnings(caplog: pytest.LogCaptureFixture) -> Any:
    """Fail on the margin SDK's 'response did not match the declared types' fallbacks."""
    caplog.set_level(logging.WARNING)
    yield
    bad = [r.getMessage() for r in caplog.records
           if "did not match the declared types" in r.getMessage() or "Failed to parse" in r.getMessage()]
    assert not bad, bad


async def next_socket_message(sock: Any, timeout_s: float = 5) -> Any:
    """python-binance's next socket message: its recv() answers None after its own timeout, so
    keep asking until a deadline."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        message = await sock.recv()
        if message is not None:
            return message
    raise AssertionError("no message from the fake in time")
