"""Used-weight tracking from headers and client-side throttling with an injected sleep."""

from __future__ import annotations

import pytest
from margin_client import NoSuchOrderError, RateLimitError, Throttle, WeightTracker
from margin_client.weights import interval_ms

T0 = 1_699_999_980_000  # a minute boundary (same as the fake clock's start)


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("X-MBX-USED-WEIGHT-1M", 60_000),
        ("x-mbx-used-weight-10s", 10_000),
        ("X-MBX-USED-WEIGHT-1H", 3_600_000),
        ("X-MBX-USED-WEIGHT-1D", 86_400_000),
        ("X-MBX-USED-WEIGHT", 60_000),
        ("X-SAPI-USED-IP-WEIGHT-1M", 60_000),
        ("X-SAPI-USED-UID-WEIGHT-1M", 60_000),
        ("X-MBX-ORDER-COUNT-10S", None),
        ("Content-Type", None),
    ],
)
def test_interval_of_weight_headers(header: str, expected: int | None) -> None:
    assert interval_ms(header) == expected


def test_tracker_scopes_sapi_per_endpoint_and_api_globally() -> None:
    tracker = WeightTracker()
    tracker.record_headers({"X-SAPI-USED-IP-WEIGHT-1M": "40"}, scope="GET /sapi/v1/margin/order", now_ms=T0)
    tracker.record_headers({"x-mbx-used-weight-1m": "21"}, scope="GET /api/v3/exchangeInfo", now_ms=T0)
    assert tracker.used("X-SAPI-USED-IP-WEIGHT-1M", scope="GET /sapi/v1/margin/order", now_ms=T0) == 40
    assert tracker.used("X-SAPI-USED-IP-WEIGHT-1M", scope="GET /sapi/v1/margin/account", now_ms=T0) == 0
    assert tracker.used("X-MBX-USED-WEIGHT-1M", scope="GET /api/v3/time", now_ms=T0) == 21
    assert tracker.last_headers == {"X-SAPI-USED-IP-WEIGHT-1M": 40, "X-MBX-USED-WEIGHT-1M": 21}


def test_usage_resets_at_the_minute_boundary() -> None:
    tracker = WeightTracker()
    tracker.record_headers({"X-MBX-USED-WEIGHT-1M": "5000"}, scope="", now_ms=T0 + 59_999)
    assert tracker.used("X-MBX-USED-WEIGHT-1M", now_ms=T0 + 59_999) == 5000
    assert tracker.used("X-MBX-USED-WEIGHT-1M", now_ms=T0 + 60_000) == 0


def test_client_records_headers_of_every_response(client, adapter) -> None:
    adapter.reply(200, {"serverTime": 1}, {"X-MBX-USED-WEIGHT-1M": "3"})
    client.get_server_time()
    adapter.reply(400, {"code": -2013, "msg": "Order does not exist."}, {"X-SAPI-USED-IP-WEIGHT-1M": "20"})
    with pytest.raises(NoSuchOrderError):
        client.get_order(symbol="BTCUSDT", order_id=1)
    assert client.weights.last_headers == {"X-MBX-USED-WEIGHT-1M": 3, "X-SAPI-USED-IP-WEIGHT-1M": 20}


def test_known_weight_is_estimated_when_header_is_absent(client, adapter, fake_time) -> None:
    adapter.reply(body=[])
    adapter.reply(body=[])
    client.get_all_orders(symbol="BTCUSDT")
    client.get_all_orders(symbol="BTCUSDT")
    used = client.weights.used("X-SAPI-USED-IP-WEIGHT-1M", scope="GET /sapi/v1/margin/allOrders",
                               now_ms=fake_time.now_ms)
    assert used == 400


def test_throttle_waits_until_the_window_resets(make_client, adapter, fake_time) -> None:
    client = make_client(throttle=Throttle({"X-SAPI-USED-IP-WEIGHT-1M": 100}, sleep=fake_time.sleep))
    fake_time.now_ms = T0 + 42_250
    adapter.reply(200, [], {"X-SAPI-USED-IP-WEIGHT-1M": "95"})
    client.get_open_orders()
    assert fake_time.sleeps == []
    adapter.reply(200, [], {"X-SAPI-USED-IP-WEIGHT-1M": "10"})
    client.get_open_orders()  # 95 + 10 > 100: wait for T0 + 60 s
    assert fake_time.sleeps == [17.75]
    assert adapter.sent[1].query_params["timestamp"] == str(T0 + 60_000)


def test_throttle_budget_is_per_sapi_endpoint(make_client, adapter, fake_time) -> None:
    client = make_client(throttle=Throttle({"X-SAPI-USED-IP-WEIGHT-1M": 100}, sleep=fake_time.sleep))
    adapter.reply(200, [], {"X-SAPI-USED-IP-WEIGHT-1M": "95"})
    client.get_open_orders()
    adapter.reply(200, {"userAssets": []}, {"X-SAPI-USED-IP-WEIGHT-1M": "10"})
    client.get_account()
    assert fake_time.sleeps == []


def test_borrowing_placement_counts_1500(make_client, adapter, fake_time) -> None:
    limits = {"X-SAPI-USED-UID-WEIGHT-1M": 180_000}
    client = make_client(throttle=Throttle(limits, sleep=fake_time.sleep))
    order = {"symbol": "BTCUSDT", "orderId": 1, "clientOrderId": "c"}
    adapter.reply(200, order, {"X-SAPI-USED-UID-WEIGHT-1M": "179000"})
    client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")
    adapter.reply(200, order, {"X-SAPI-USED-UID-WEIGHT-1M": "179006"})
    client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1",
                       side_effect_type="NO_SIDE_EFFECT")
    assert fake_time.sleeps == []
    adapter.reply(200, order, {"X-SAPI-USED-UID-WEIGHT-1M": "1500"})
    client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1",
                       side_effect_type="MARGIN_BUY")
    assert fake_time.sleeps == [60.0]


def test_request_heavier_than_the_limit_is_not_delayed(fake_time) -> None:
    tracker = WeightTracker()
    throttle = Throttle({"X-MBX-USED-WEIGHT-1M": 10}, sleep=fake_time.sleep)
    wait = throttle.wait_time_ms(tracker, header="X-MBX-USED-WEIGHT-1M", scope="", weight=20, now_ms=T0)
    assert wait == 0


def test_throttle_honours_retry_after_from_a_429(make_client, adapter, fake_time) -> None:
    client = make_client(throttle=Throttle(sleep=fake_time.sleep))
    adapter.reply(429, {"code": -1003, "msg": "Too much request weight used"}, {"Retry-After": "3"})
    with pytest.raises(RateLimitError):
        client.get_account()
    adapter.reply(200, {"userAssets": []})
    client.get_account()
    assert fake_time.sleeps == [3.0]


def test_no_throttle_means_no_waiting(client, adapter, fake_time) -> None:
    for _ in range(3):
        adapter.reply(200, {"serverTime": 1}, {"X-MBX-USED-WEIGHT-1M": "999999"})
        client.get_server_time()
    assert fake_time.sleeps == []
