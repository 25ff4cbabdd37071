"""Used-weight tracking from the live server's headers, and client-side throttling.

The throttle's sleep is ``live.sleep()``: it records each wait and advances the exchange
clock by as much, so the server's weight windows move exactly as the client expects.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

import pytest
from margin_client import IpBannedError, MarginClient, RateLimitError, Throttle
from margin_client import endpoints as ep

from tests.client.live_support import MINUTE_MS, START_MS, LiveExchange, covers, live  # noqa: F401

SYMBOL = "BTCUSDT"
OCO = {"symbol": SYMBOL, "side": "SELL", "quantity": "0.001", "price": "31000", "stop_price": "29000",
       "stop_limit_price": "28900", "stop_limit_time_in_force": "GTC"}


def _header(client: MarginClient, name: str) -> int:
    assert client.last_response is not None
    return int(client.last_response.headers[name])


def test_weights_follow_the_documented_table(live: LiveExchange) -> None:
    client = live.client()
    now = live.now_ms

    # /sapi IP weight, one budget per endpoint: allOrderList costs 200.
    client.get_all_order_lists()
    assert _header(client, ep.SAPI_IP_WEIGHT_HEADER) == 200
    client.get_all_order_lists()
    assert _header(client, ep.SAPI_IP_WEIGHT_HEADER) == 400
    client.get_open_order_lists()
    assert _header(client, ep.SAPI_IP_WEIGHT_HEADER) == 10  # its own budget
    assert client.weights.used(ep.SAPI_IP_WEIGHT_HEADER, scope=ep.ALL_ORDER_LISTS.key, now_ms=now()) == 400
    assert client.weights.used(ep.SAPI_IP_WEIGHT_HEADER, scope=ep.OPEN_ORDER_LISTS.key, now_ms=now()) == 10

    # /sapi UID weight: an OCO costs 6, per account and endpoint.
    first = client.place_oco(**OCO)
    assert _header(client, ep.SAPI_UID_WEIGHT_HEADER) == 6
    client.place_oco(**OCO)
    assert _header(client, ep.SAPI_UID_WEIGHT_HEADER) == 12
    client.cancel_order_list(symbol=SYMBOL, order_list_id=first.order_list_id)
    assert _header(client, ep.SAPI_UID_WEIGHT_HEADER) == 1
    assert client.weights.used(ep.SAPI_UID_WEIGHT_HEADER, scope=ep.NEW_OCO.key, now_ms=now()) == 12
    assert client.weights.last_headers[ep.SAPI_UID_WEIGHT_HEADER] == 1

    # A placement that may borrow costs 1500, and the client knows it beforehand.
    client.place_order(symbol=SYMBOL, side="BUY", type="MARKET", quote_order_qty=Decimal("60"),
                       side_effect_type="MARGIN_BUY")
    live.assert_charged(client, ep.NEW_ORDER, weight=ep.NEW_ORDER.weight_for({"sideEffectType": "MARGIN_BUY"}))
    assert _header(client, ep.SAPI_UID_WEIGHT_HEADER) == 1500

    # /api weight: one budget per IP shared by every endpoint.
    client.ping()
    client.get_exchange_info(symbol=SYMBOL)
    client.get_ticker_price(symbol=SYMBOL)
    assert _header(client, ep.API_WEIGHT_HEADER) == 1 + 20 + 2
    assert client.weights.used(ep.API_WEIGHT_HEADER, scope="anything", now_ms=now()) == 23

    # The next minute of the exchange clock starts every budget again, here and there.
    live.control.advance(MINUTE_MS)
    assert client.weights.used(ep.SAPI_IP_WEIGHT_HEADER, scope=ep.ALL_ORDER_LISTS.key, now_ms=now()) == 0
    assert client.weights.used(ep.API_WEIGHT_HEADER, now_ms=now()) == 0
    client.get_all_order_lists()
    assert _header(client, ep.SAPI_IP_WEIGHT_HEADER) == 200
    client.ping()
    assert _header(client, ep.API_WEIGHT_HEADER) == 1


Call = Callable[[MarginClient], object]
THROTTLE_CASES = [
    # (limit header, server limit setting, limit, request, its path, its weight)
    pytest.param(ep.SAPI_IP_WEIGHT_HEADER, "sapi_ip_weight_per_minute", 30,
                 lambda c: c.get_account(), "/sapi/v1/margin/account", 10, id="sapi-ip"),
    pytest.param(ep.SAPI_UID_WEIGHT_HEADER, "sapi_uid_weight_per_minute", 18,
                 lambda c: c.place_order(symbol=SYMBOL, side="BUY", type="LIMIT", quantity="0.001",
                                         price="29000", time_in_force="GTC"),
                 "/sapi/v1/margin/order", 6, id="sapi-uid"),
    pytest.param(ep.API_WEIGHT_HEADER, "api_weight_per_minute", 60,
                 lambda c: c.get_exchange_info(symbol=SYMBOL), "/api/v3/exchangeInfo", 20, id="api"),
]


@pytest.mark.parametrize(("header", "setting", "limit", "request_", "path", "weight"), THROTTLE_CASES)
def test_throttle_waits_instead_of_hitting_the_limit(
    live: LiveExchange, header: str, setting: str, limit: int, request_: Call, path: str, weight: int,
) -> None:
    live.control.set_rate_limits(**{setting: limit})
    live.control.advance(seconds=15)  # 45 s left in the first window
    sleep = live.sleep()
    client = live.client(throttle=Throttle({header: limit}, sleep=sleep))
    per_window = limit // weight
    for _ in range(2 * per_window + 1):
        request_(client)
    # It waited exactly to each window's end, and only when the next request would not fit.
    assert sleep.calls == [45.0, 60.0]
    assert live.now_ms() == START_MS + 2 * MINUTE_MS
    assert live.control.journal_count(status=429) == 0
    assert live.control.journal_count(path=path, status=200) == 2 * per_window + 1
    assert _header(client, header) == weight


def test_without_the_throttle_the_same_requests_meet_a_429(live: LiveExchange) -> None:
    live.control.set_rate_limits(sapi_ip_weight_per_minute=30)
    client = live.client()
    for _ in range(3):
        client.get_account()
    with pytest.raises(RateLimitError) as info:
        client.get_account()
    assert info.value.retry_after == 60


def test_throttle_waits_out_a_retry_after(live: LiveExchange) -> None:
    sleep = live.sleep()
    client = live.client(throttle=Throttle(sleep=sleep))
    live.control.inject_fault("/sapi/v1/margin/account", "rate_limit_429", count=1, retry_after_s=7)
    with pytest.raises(RateLimitError) as info:
        client.get_account()
    assert info.value.retry_after == 7 and sleep.calls == []
    assert client.get_account().trade_enabled is True
    assert sleep.calls == [7.0]


@covers(IpBannedError)
def test_throttle_waits_out_a_real_ban(live: LiveExchange) -> None:
    live.control.set_rate_limits(api_weight_per_minute=2, ban_after_rejections=1)
    sleep = live.sleep()
    client = live.client(throttle=Throttle({}, sleep=sleep))  # no weight limits: only Retry-After
    client.ping()
    client.ping()
    with pytest.raises(RateLimitError):
        client.ping()  # 429, Retry-After 60 ...
    assert sleep.calls == []
    # ... which the client would honour; a client that does not (throttle off) gets banned.
    client.transport.throttle = None
    with pytest.raises(IpBannedError) as info:
        client.ping()
    assert info.value.retry_after == 120
    client.transport.throttle = Throttle({}, sleep=sleep)
    assert client.ping() is None  # waited for the ban to end on the exchange clock
    assert sleep.calls == [120.0]
    assert live.now_ms() == START_MS + 120_000
    assert live.control.journal_count(path="/api/v3/ping", status=418) == 1
