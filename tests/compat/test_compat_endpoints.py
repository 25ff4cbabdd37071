"""The endpoints third-party clients need around margin order lists (web/compat_endpoints.py).

Over ``fake_exchange.session`` only, so these also run against a container (--fake-exchange-url).
"""

from __future__ import annotations

import hashlib
import hmac
from urllib.parse import urlencode

import pytest
import requests

from mock_exchange.pytest_plugin import FakeExchange
from mock_exchange.web.compat_endpoints import pair_id

OTOCO = dict(symbol="BTCUSDT", workingType="LIMIT", workingSide="BUY", workingPrice="29000",
             workingQuantity="0.001", workingTimeInForce="GTC", pendingSide="SELL", pendingQuantity="0.001",
             pendingAboveType="LIMIT_MAKER", pendingAbovePrice="31000", pendingBelowType="STOP_LOSS_LIMIT",
             pendingBelowStopPrice="28000", pendingBelowPrice="27900", pendingBelowTimeInForce="GTC")


class Signed:
    """HMAC-signed requests as the demo account, over the handle's session."""

    def __init__(self, exchange: FakeExchange) -> None:
        self.exchange = exchange

    def request(self, method: str, path: str, **params: str) -> requests.Response:
        query = urlencode({**params, "timestamp": self.exchange.now_ms()})
        signature = hmac.new(self.exchange.api_secret.encode(), query.encode(), hashlib.sha256).hexdigest()
        return self.exchange.session.request(method, f"{self.exchange.url}{path}?{query}&signature={signature}",
                                             headers={"X-MBX-APIKEY": self.exchange.api_key}, timeout=10)

    def get(self, path: str, **params: str) -> requests.Response:
        return self.request("GET", path, **params)

    def post(self, path: str, **params: str) -> requests.Response:
        return self.request("POST", path, **params)


@pytest.fixture
def signed(fake_exchange: FakeExchange) -> Signed:
    return Signed(fake_exchange)


def key_only(fake_exchange: FakeExchange, path: str, **params: str) -> requests.Response:
    return fake_exchange.session.get(f"{fake_exchange.url}{path}", params=params, timeout=10,
                                     headers={"X-MBX-APIKEY": fake_exchange.api_key})


def weight_of(fake_exchange: FakeExchange, path: str) -> int:
    return fake_exchange.journal(path=path)[-1]["weight"]


def test_cross_pairs_from_the_config(fake_exchange: FakeExchange) -> None:
    response = key_only(fake_exchange, "/sapi/v1/margin/allPairs")
    assert response.status_code == 200
    pairs = response.json()
    assert [p["symbol"] for p in pairs] == ["BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC"]
    assert pairs[0] == {"id": pair_id("BTCUSDT"), "base": "BTC", "isBuyAllowed": True, "isMarginTrade": True,
                        "isSellAllowed": True, "quote": "USDT", "symbol": "BTCUSDT"}
    # id after base, as the documented example (docs/fidelity.md, reference data).
    assert list(pairs[0]) == ["base", "id", "isBuyAllowed", "isMarginTrade", "isSellAllowed", "quote", "symbol"]
    assert weight_of(fake_exchange, "/sapi/v1/margin/allPairs") == 1


def test_pair_ids_are_stable_large_integers() -> None:
    assert pair_id("BTCUSDT") == pair_id("BTCUSDT") != pair_id("ETHUSDT")
    assert 10**17 <= pair_id("BTCUSDT") < 2**63


def test_isolated_pairs_for_one_symbol(fake_exchange: FakeExchange) -> None:
    pairs = key_only(fake_exchange, "/sapi/v1/margin/isolated/allPairs", symbol="ETHBTC").json()
    assert pairs == [{"base": "ETH", "isBuyAllowed": True, "isMarginTrade": True, "isSellAllowed": True,
                      "quote": "BTC", "symbol": "ETHBTC"}]
    assert weight_of(fake_exchange, "/sapi/v1/margin/isolated/allPairs") == 10


def test_pairs_accept_the_signature_ccxt_always_sends(signed: Signed) -> None:
    response = signed.get("/sapi/v1/margin/allPairs", recvWindow=10000)
    assert response.status_code == 200 and len(response.json()) == 4


def test_pairs_need_an_api_key(fake_exchange: FakeExchange) -> None:
    response = fake_exchange.session.get(f"{fake_exchange.url}/sapi/v1/margin/allPairs", timeout=10)
    assert response.status_code == 401 and response.json()["code"] == -2014


def test_unknown_symbol_is_minus_1121(fake_exchange: FakeExchange) -> None:
    response = key_only(fake_exchange, "/sapi/v1/margin/allPairs", symbol="DOGEUSDT")
    assert (response.status_code, response.json()["code"]) == (400, -1121)


def test_all_coins_lists_every_configured_asset_with_spot_balances(signed: Signed, fake_exchange: FakeExchange) -> None:
    response = signed.get("/sapi/v1/capital/config/getall")
    assert response.status_code == 200
    coins = {c["coin"]: c for c in response.json()}
    assert set(coins) == {"BTC", "USDT", "ETH", "BNB"}
    assert coins["BTC"]["name"] == "Bitcoin" and coins["BTC"]["trading"] is True
    assert coins["USDT"]["networkList"] == []
    # free / locked are the caller's spot wallet (the demo account: 10000 USDT, 0.5 BTC)
    assert (coins["USDT"]["free"], coins["BTC"]["free"], coins["ETH"]["free"]) == ("10000", "0.5", "0")
    assert weight_of(fake_exchange, "/sapi/v1/capital/config/getall") == 10


def test_all_coins_is_signed(fake_exchange: FakeExchange) -> None:
    response = key_only(fake_exchange, "/sapi/v1/capital/config/getall")
    assert (response.status_code, response.json()["code"]) == (400, -1102)


def test_open_oto_lists(signed: Signed, fake_exchange: FakeExchange) -> None:
    placed = signed.post("/sapi/v1/margin/order/otoco", **OTOCO).json()
    signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.001", price="31000",
                stopPrice="29000")
    signed.post("/sapi/v1/margin/order/otoco", isIsolated="TRUE", **OTOCO)
    response = signed.get("/sapi/v1/margin/oto/openOrderList")
    assert response.status_code == 200
    (row,) = response.json()  # the OCO and the isolated list are left out
    working, below, above = placed["orders"]
    assert row == {
        "orderListId": placed["orderListId"], "contingencyType": "OTOCO", "listStatusType": "EXEC_STARTED",
        "listOrderStatus": "EXECUTING", "listClientOrderId": placed["listClientOrderId"],
        "transactionTime": placed["transactionTime"], "symbol": "BTCUSDT",
        "orders": [
            {"symbol": "BTCUSDT", "orderId": working["orderId"], "status": "NEW",
             "clientOrderId": working["clientOrderId"]},
            {"symbol": "BTCUSDT", "orderId": None, "status": "PENDING_NEW", "clientOrderId": below["clientOrderId"]},
            {"symbol": "BTCUSDT", "orderId": None, "status": "PENDING_NEW", "clientOrderId": above["clientOrderId"]},
        ],
    }
    assert weight_of(fake_exchange, "/sapi/v1/margin/oto/openOrderList") == 10


def test_open_oto_lists_show_pending_ids_once_working_fills(signed: Signed,
                                                            fake_exchange: FakeExchange) -> None:
    placed = signed.post("/sapi/v1/margin/order/otoco", **OTOCO).json()
    fake_exchange.set_price("BTCUSDT", "28990")
    (row,) = signed.get("/sapi/v1/margin/oto/openOrderList", symbol="BTCUSDT").json()
    assert [(o["orderId"], o["status"]) for o in row["orders"]] == [
        (o["orderId"], status) for o, status in zip(placed["orders"], ["FILLED", "NEW", "NEW"], strict=True)]


def test_open_oto_lists_by_symbol(signed: Signed) -> None:
    signed.post("/sapi/v1/margin/order/otoco", **OTOCO)
    assert signed.get("/sapi/v1/margin/oto/openOrderList", symbol="ETHUSDT").json() == []
    response = signed.get("/sapi/v1/margin/oto/openOrderList", symbol="NOPEUSDT")
    assert response.json()["code"] == -1121
