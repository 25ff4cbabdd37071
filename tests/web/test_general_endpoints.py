"""Public endpoints: ping, time, exchangeInfo, market data, system status, health, 404s."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.signed_client import FROZEN_AT_MS


def test_ping_and_time(client: FlaskClient) -> None:
    assert client.get("/api/v3/ping").get_json() == {}
    response = client.get("/api/v3/time")
    assert response.get_json() == {"serverTime": FROZEN_AT_MS}
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "2"  # ping 1 + time 1


def test_system_status_and_health(client: FlaskClient) -> None:
    assert client.get("/sapi/v1/system/status").get_json() == {"status": 0, "msg": "normal"}
    assert client.get("/mock/v1/health").get_json() == {"status": "ok"}


def test_exchange_info_shape(client: FlaskClient) -> None:
    info = client.get("/api/v3/exchangeInfo").get_json()
    assert list(info)[:5] == ["timezone", "serverTime", "rateLimits", "exchangeFilters", "symbols"]
    assert {s["symbol"] for s in info["symbols"]} == {"BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC"}
    btc = next(s for s in info["symbols"] if s["symbol"] == "BTCUSDT")
    assert btc["baseAsset"] == "BTC" and btc["quoteAsset"] == "USDT"
    assert btc["isMarginTradingAllowed"] is True and btc["ocoAllowed"] is True and btc["otoAllowed"] is True
    assert btc["permissionSets"] == [["SPOT", "MARGIN"]]
    price_filter = next(f for f in btc["filters"] if f["filterType"] == "PRICE_FILTER")
    assert price_filter == {"filterType": "PRICE_FILTER", "minPrice": "0.01000000",
                            "maxPrice": "1000000.00000000", "tickSize": "0.01000000"}
    assert info["exchangeFilters"] == [{"filterType": "EXCHANGE_MAX_NUM_ORDERS", "maxNumOrders": 1000}]


def test_exchange_info_symbol_and_symbols(client: FlaskClient) -> None:
    one = client.get("/api/v3/exchangeInfo?symbol=ETHBTC").get_json()
    assert [s["symbol"] for s in one["symbols"]] == ["ETHBTC"]
    two = client.get('/api/v3/exchangeInfo?symbols=["ETHBTC","BTCUSDT"]').get_json()
    assert [s["symbol"] for s in two["symbols"]] == ["ETHBTC", "BTCUSDT"]
    bad = client.get("/api/v3/exchangeInfo?symbol=NOPE")
    assert (bad.status_code, bad.get_json()) == (400, {"code": -1121, "msg": "Invalid symbol."})


def test_ticker_price(client: FlaskClient) -> None:
    assert client.get("/api/v3/ticker/price?symbol=BTCUSDT").get_json() == {
        "symbol": "BTCUSDT",
        "price": "30000.00000000",
    }
    rows = client.get("/api/v3/ticker/price").get_json()
    assert {r["symbol"] for r in rows} == {"BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC"}


def test_book_ticker_is_one_tick_around_last(client: FlaskClient) -> None:
    assert client.get("/api/v3/ticker/bookTicker?symbol=BTCUSDT").get_json() == {
        "symbol": "BTCUSDT", "bidPrice": "29999.99000000", "bidQty": "1.00000000",
        "askPrice": "30000.01000000", "askQty": "1.00000000",
    }


def test_avg_price(client: FlaskClient) -> None:
    assert client.get("/api/v3/avgPrice?symbol=ETHUSDT").get_json() == {
        "mins": 5, "price": "2000.00000000", "closeTime": FROZEN_AT_MS,
    }
    missing = client.get("/api/v3/avgPrice")
    assert missing.get_json() == {"code": -1102,
                                  "msg": "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."}


def test_depth_is_synthetic_around_last(client: FlaskClient) -> None:
    response = client.get("/api/v3/depth?symbol=BTCUSDT&limit=5")
    book = response.get_json()
    assert book["bids"][0] == ["29999.99000000", "1.00000000"]
    assert book["asks"][-1] == ["30000.05000000", "1.00000000"]
    assert len(book["bids"]) == len(book["asks"]) == 5
    assert response.headers["X-MBX-USED-WEIGHT-1M"] == "5"


def test_unknown_path_and_wrong_method_answer_json(client: FlaskClient) -> None:
    missing = client.get("/api/v3/nothing")
    assert (missing.status_code, missing.get_json()["code"]) == (404, -1020)
    wrong = client.delete("/api/v3/time")
    assert (wrong.status_code, wrong.get_json()["code"]) == (405, -1020)
