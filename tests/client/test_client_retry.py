"""Opt-in retries: only GET, backoff and Retry-After with an injected sleep."""

from __future__ import annotations

import pytest
import requests
from margin_client import (
    ExecutionStatusUnknownError,
    IpBannedError,
    NoSuchOrderError,
    RateLimitError,
    RetryPolicy,
    ServerError,
    TooManyOrdersError,
)

ACCOUNT = {"userAssets": []}


@pytest.fixture
def retrying(make_client, fake_time):
    return make_client(retry=RetryPolicy(max_attempts=4, base_delay=0.5, sleep=fake_time.sleep))


def test_get_is_retried_on_5xx_with_exponential_backoff(retrying, adapter, fake_time) -> None:
    adapter.reply(500, {"code": -1001, "msg": "Internal error"})
    adapter.reply(502, "<html>bad gateway</html>")
    adapter.reply(503, "")
    adapter.reply(200, ACCOUNT)
    assert retrying.get_account().user_assets == ()
    assert fake_time.sleeps == [0.5, 1.0, 2.0]
    assert len(adapter.sent) == 4
    stamps = [s.query_params["timestamp"] for s in adapter.sent]
    assert len(set(stamps)) == 4  # each attempt is re-signed with a fresh timestamp


def test_get_is_retried_after_connection_errors(retrying, adapter, fake_time) -> None:
    adapter.fail(requests.ConnectionError("reset by peer"))
    adapter.fail(requests.ReadTimeout("slow"))
    adapter.reply(200, ACCOUNT)
    retrying.get_account()
    assert fake_time.sleeps == [0.5, 1.0]


def test_429_waits_for_retry_after(retrying, adapter, fake_time) -> None:
    adapter.reply(429, {"code": -1003, "msg": "Too much request weight used"}, {"Retry-After": "7"})
    adapter.reply(200, ACCOUNT)
    retrying.get_account()
    assert fake_time.sleeps == [7.0]


def test_429_with_a_too_long_retry_after_is_raised(make_client, adapter, fake_time) -> None:
    client = make_client(retry=RetryPolicy(max_retry_after=10, sleep=fake_time.sleep))
    adapter.reply(429, {"code": -1003, "msg": "Too much"}, {"Retry-After": "60"})
    with pytest.raises(RateLimitError) as info:
        client.get_account()
    assert info.value.retry_after == 60
    assert fake_time.sleeps == []


def test_ban_is_never_retried(retrying, adapter, fake_time) -> None:
    adapter.reply(418, {"code": -1003, "msg": "banned"}, {"Retry-After": "120"})
    with pytest.raises(IpBannedError):
        retrying.get_account()
    assert fake_time.sleeps == [] and len(adapter.sent) == 1


def test_client_errors_are_not_retried(retrying, adapter, fake_time) -> None:
    adapter.reply(400, {"code": -2013, "msg": "Order does not exist."})
    with pytest.raises(NoSuchOrderError):
        retrying.get_order(symbol="BTCUSDT", order_id=1)
    assert fake_time.sleeps == [] and len(adapter.sent) == 1


def test_attempts_are_bounded(retrying, adapter, fake_time) -> None:
    adapter.handler = lambda sent: (500, {"code": -1001, "msg": "down"})
    with pytest.raises(ServerError):
        retrying.get_account()
    assert len(adapter.sent) == 4
    assert fake_time.sleeps == [0.5, 1.0, 2.0]


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1"),
        lambda c: c.place_oco(symbol="BTCUSDT", side="SELL", quantity="1", price="2", stop_price="1"),
        lambda c: c.cancel_order(symbol="BTCUSDT", order_id=1),
        lambda c: c.cancel_open_orders(symbol="BTCUSDT"),
        lambda c: c.borrow(asset="BTC", amount="1"),
    ],
)
def test_state_changing_calls_are_never_retried(retrying, adapter, fake_time, call) -> None:
    adapter.handler = lambda sent: (503, "Service Unavailable")
    with pytest.raises(ExecutionStatusUnknownError):
        call(retrying)
    assert len(adapter.sent) == 1
    assert fake_time.sleeps == []


def test_state_changing_call_is_not_retried_after_a_timeout(retrying, adapter, fake_time) -> None:
    adapter.fail(requests.ReadTimeout("slow"))
    adapter.reply(200, {"symbol": "BTCUSDT", "orderId": 1, "clientOrderId": "c"})
    with pytest.raises(ExecutionStatusUnknownError):
        retrying.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")
    assert len(adapter.sent) == 1


def test_post_429_is_not_retried(retrying, adapter, fake_time) -> None:
    adapter.reply(429, {"code": -1015, "msg": "Too many new orders."}, {"Retry-After": "1"})
    with pytest.raises(TooManyOrdersError):
        retrying.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")
    assert fake_time.sleeps == []


def test_without_a_policy_nothing_is_retried(client, adapter, fake_time) -> None:
    adapter.reply(500, {"code": -1001, "msg": "down"})
    with pytest.raises(ServerError):
        client.get_account()
    assert len(adapter.sent) == 1


def test_backoff_is_capped() -> None:
    policy = RetryPolicy(base_delay=1, multiplier=3, max_delay=5)
    assert [policy.backoff(n) for n in (1, 2, 3, 4)] == [1, 3, 5, 5]
