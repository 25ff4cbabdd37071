"""Weight windows, 429 then 418, and order counts, all on the exchange clock."""

from __future__ import annotations

import pytest

from mock_exchange.config import RateLimitConfig
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.rate_limits import RateLimiter, WeightCharge

START = 1_700_000_080_000  # 40 s into a minute


def limiter(**limits: int | bool) -> tuple[RateLimiter, ExchangeClock]:
    clock = ExchangeClock(frozen_at_ms=START)
    return RateLimiter(RateLimitConfig(**limits), clock), clock  # type: ignore[arg-type]


def test_api_weight_counts_up_then_429_with_retry_after() -> None:
    rl, _ = limiter(api_weight_per_minute=10, ban_after_rejections=0)
    charge = WeightCharge("api", "ping", 4)
    assert rl.charge("1.2.3.4", charge) == {"X-MBX-USED-WEIGHT-1M": "4"}
    assert rl.charge("1.2.3.4", charge) == {"X-MBX-USED-WEIGHT-1M": "8"}
    with pytest.raises(BinanceError) as caught:
        rl.charge("1.2.3.4", charge)
    assert caught.value.http_status == 429
    assert caught.value.code == -1003
    assert caught.value.msg.startswith("Too much request weight used; current limit is 10 request weight per 1 MINUTE.")
    assert caught.value.headers["Retry-After"] == "20"
    assert caught.value.headers["X-MBX-USED-WEIGHT-1M"] == "8"


def test_window_moves_with_the_exchange_clock() -> None:
    rl, clock = limiter(api_weight_per_minute=5)
    rl.charge("ip", WeightCharge("api", "ping", 5))
    with pytest.raises(BinanceError):
        rl.charge("ip", WeightCharge("api", "ping", 1))
    clock.advance(20_000)
    assert rl.charge("ip", WeightCharge("api", "ping", 1)) == {"X-MBX-USED-WEIGHT-1M": "1"}


def test_repeated_abuse_bans_with_418_and_growing_time() -> None:
    rl, clock = limiter(api_weight_per_minute=1, ban_after_rejections=2)
    rl.charge("ip", WeightCharge("api", "ping", 1))
    statuses = []
    for _ in range(4):
        try:
            rl.charge("ip", WeightCharge("api", "ping", 1))
        except BinanceError as exc:
            statuses.append(exc.http_status)
    assert statuses == [429, 429, 418, 418]
    clock.advance(2 * 60_000)
    rl.charge("ip", WeightCharge("api", "ping", 1))  # ban of 2 minutes is over
    for _ in range(3):
        with pytest.raises(BinanceError):
            rl.charge("ip", WeightCharge("api", "ping", 1))
    with pytest.raises(BinanceError) as caught:
        rl.charge("ip", WeightCharge("api", "ping", 1))
    assert caught.value.http_status == 418
    assert int(caught.value.headers["Retry-After"]) == 240  # second ban lasts twice as long
    assert "IP banned until" in caught.value.msg


def test_sapi_budgets_are_per_endpoint_and_never_ban_by_default() -> None:
    rl, _ = limiter(sapi_ip_weight_per_minute=10, ban_after_rejections=1)
    rl.charge("ip", WeightCharge("sapi", "query_order", 10))
    assert rl.charge("ip", WeightCharge("sapi", "open_orders", 10)) == {"X-SAPI-USED-IP-WEIGHT-1M": "10"}
    for _ in range(5):
        with pytest.raises(BinanceError) as caught:
            rl.charge("ip", WeightCharge("sapi", "query_order", 1))
        assert caught.value.http_status == 429


def test_uid_weight_is_counted_per_account() -> None:
    rl, _ = limiter(sapi_uid_weight_per_minute=6)
    oco = WeightCharge("sapi", "new_oco", 6, uid_weighted=True, account="a")
    assert rl.charge("ip", oco) == {"X-SAPI-USED-UID-WEIGHT-1M": "6"}
    other = WeightCharge("sapi", "new_oco", 6, uid_weighted=True, account="b")
    assert rl.charge("ip", other) == {"X-SAPI-USED-UID-WEIGHT-1M": "6"}
    with pytest.raises(BinanceError):
        rl.charge("ip", oco)


def test_order_counts_limit_and_report() -> None:
    rl, clock = limiter(orders_per_10s=3)
    rl.check_orders("a", 3)
    rl.record_orders("a", 3)
    with pytest.raises(BinanceError) as caught:
        rl.check_orders("a", 1)
    assert (caught.value.code, caught.value.http_status) == (-1015, 429)
    assert caught.value.msg == "Too many new orders; current limit is 3 orders per 10 SECOND."
    usage = rl.order_usage("a")
    assert usage[0] == {"rateLimitType": "ORDERS", "interval": "SECOND", "intervalNum": 10, "limit": 3, "count": 3}
    clock.advance(10_000)
    rl.check_orders("a", 3)
