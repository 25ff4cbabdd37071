"""Request-weight and order-count limits on the exchange clock (spec §3).

Windows are fixed and indexed by ``now_ms // window_ms``, so advancing the exchange
clock moves them too and nothing runs on a timer. Buckets follow Binance:

- ``/api/v3``: one weight budget per IP, shared by all endpoints (``X-MBX-USED-WEIGHT-1M``).
- ``/sapi``: each IP-weighted endpoint has its own budget per IP; each UID-weighted
  endpoint its own budget per account (``X-SAPI-USED-IP-WEIGHT-1M`` /
  ``X-SAPI-USED-UID-WEIGHT-1M``).

Going over answers 429 with ``Retry-After``; going on sending while limited bans the IP
with 418 for a growing time (2 minutes doubling up to 3 days). Binance's newer docs say
``/sapi`` never escalates to 418, so that is off by default there (``sapi_bans``).
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mock_exchange.core import errors
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.config import RateLimitConfig

if TYPE_CHECKING:
    from mock_exchange.core.orders import Order

MINUTE_MS = 60_000
FIRST_BAN_MS = 2 * MINUTE_MS
MAX_BAN_MS = 3 * 24 * 60 * MINUTE_MS
# Weight counters kept before those of past minutes are dropped: one per (IP, endpoint) or
# (account, endpoint) in use, so a server reached from many addresses stays bounded too.
MAX_BUCKETS = 10_000


@dataclass(frozen=True)
class WeightCharge:
    """What one request costs and where it is counted."""

    family: str  # "api" or "sapi"
    endpoint: str  # the endpoint's name; /sapi budgets are per endpoint
    weight: int
    uid_weighted: bool = False
    account: str | None = None


@dataclass
class _Ban:
    until_ms: int = 0
    strikes: int = 0
    bans: int = 0


class RateLimiter:
    """Counts request weight and orders; raises Binance's 429 / 418 / -1015 errors."""

    def __init__(self, config: RateLimitConfig, clock: ExchangeClock) -> None:
        self.config = config
        self.clock = clock
        self._lock = threading.Lock()
        self._weights: dict[tuple[str, ...], tuple[int, int]] = {}  # bucket -> (window, used)
        self._bans: dict[str, _Ban] = {}
        # (account, book, interval) -> (window, count); the book is "margin" or "spot", counted apart
        self._orders: dict[tuple[str, str, str], tuple[int, int]] = {}

    def reset(self, config: RateLimitConfig | None = None) -> None:
        with self._lock:
            if config is not None:
                self.config = config
            self._weights.clear()
            self._bans.clear()
            self._orders.clear()

    # -- request weight ----------------------------------------------------------

    def _bucket(self, ip: str, charge: WeightCharge) -> tuple[tuple[str, ...], int, str]:
        if charge.family == "api":
            return ("api", ip), self.config.api_weight_per_minute, "X-MBX-USED-WEIGHT-1M"
        if charge.uid_weighted and charge.account is not None:
            return (("sapi-uid", charge.account, charge.endpoint), self.config.sapi_uid_weight_per_minute,
                    "X-SAPI-USED-UID-WEIGHT-1M")
        return ("sapi-ip", ip, charge.endpoint), self.config.sapi_ip_weight_per_minute, "X-SAPI-USED-IP-WEIGHT-1M"

    def _used(self, bucket: tuple[str, ...], window: int) -> int:
        stored_window, used = self._weights.get(bucket, (window, 0))
        return used if stored_window == window else 0

    def usage_headers(self, ip: str, charge: WeightCharge) -> dict[str, str]:
        """The used-weight header for ``charge``'s bucket, without charging."""
        bucket, _, header = self._bucket(ip, charge)
        with self._lock:
            return {header: str(self._used(bucket, self.clock.now_ms() // MINUTE_MS))}

    def charge(self, ip: str, charge: WeightCharge) -> dict[str, str]:
        """Count ``charge``; the used-weight header to send, or a 429 / 418 error."""
        now = self.clock.now_ms()
        window = now // MINUTE_MS
        bucket, limit, header = self._bucket(ip, charge)
        bans_apply = charge.family == "api" or self.config.sapi_bans
        with self._lock:
            ban = self._bans.get(ip)
            if bans_apply and ban is not None and ban.until_ms > now:
                raise _with_header(errors.ip_banned(ban.until_ms, _seconds(ban.until_ms - now)),
                                   header, self._used(bucket, window))
            used = self._used(bucket, window)
            if limit and used + charge.weight > limit:
                retry_after = _seconds((window + 1) * MINUTE_MS - now)
                if bans_apply:
                    self._strike(ip, now)
                    ban = self._bans[ip]
                    if ban.until_ms > now:
                        raise _with_header(errors.ip_banned(ban.until_ms, _seconds(ban.until_ms - now)), header, used)
                raise _with_header(errors.too_much_weight(limit, "1 MINUTE", retry_after), header, used)
            if len(self._weights) >= MAX_BUCKETS:
                self._forget_old_windows(window)
            self._weights[bucket] = (window, used + charge.weight)
            return {header: str(used + charge.weight)}

    def _forget_old_windows(self, window: int) -> None:
        """Drop the counters of past minutes (they count as zero anyway) and of ended bans."""
        self._weights = {bucket: value for bucket, value in self._weights.items() if value[0] == window}
        now = self.clock.now_ms()
        self._bans = {ip: ban for ip, ban in self._bans.items() if ban.until_ms > now or ban.strikes}

    def _strike(self, ip: str, now: int) -> None:
        ban = self._bans.setdefault(ip, _Ban())
        ban.strikes += 1
        threshold = self.config.ban_after_rejections
        if threshold and ban.strikes > threshold:
            duration = min(FIRST_BAN_MS * (2 ** ban.bans), MAX_BAN_MS)
            ban.until_ms = now + duration
            ban.bans += 1
            ban.strikes = 0

    # -- order counts (GET /sapi/v1/margin/rateLimit/order, GET /api/v3/rateLimit/order) ----
    # Margin and spot orders are counted in separate books with the same limits.

    def _order_windows(self) -> tuple[tuple[str, int, int, int], ...]:
        return (("SECOND", 10, 10_000, self.config.orders_per_10s), ("DAY", 1, 86_400_000, self.config.orders_per_day))

    def check_orders(self, account: str, count: int, book: str = "margin") -> None:
        """Refuse with -1015 if placing ``count`` orders would pass an order-count limit."""
        now = self.clock.now_ms()
        with self._lock:
            for interval, num, window_ms, limit in self._order_windows():
                window = now // window_ms
                stored, used = self._orders.get((account, book, interval), (window, 0))
                used = used if stored == window else 0
                if limit and used + count > limit:
                    raise errors.too_many_orders(limit, f"{num} {interval}")

    def record_orders(self, account: str, count: int, book: str = "margin") -> None:
        now = self.clock.now_ms()
        with self._lock:
            self._record(account, count, book, now)

    def reserve_orders(self, account: str, count: int, book: str = "margin") -> None:
        """:meth:`check_orders` and :meth:`record_orders` as one step: two requests at once cannot
        both take the last place under a limit, and the orders count before they can trade (so a
        first fill during their own placement, an OTO's pending leg, has something to take off)."""
        now = self.clock.now_ms()
        with self._lock:
            for interval, num, window_ms, limit in self._order_windows():
                window = now // window_ms
                stored, used = self._orders.get((account, book, interval), (window, 0))
                used = used if stored == window else 0
                if limit and used + count > limit:
                    raise errors.too_many_orders(limit, f"{num} {interval}")
            self._record(account, count, book, now)

    def _record(self, account: str, count: int, book: str, now: int) -> None:
        for interval, _, window_ms, _ in self._order_windows():
            window = now // window_ms
            stored, used = self._orders.get((account, book, interval), (window, 0))
            self._orders[(account, book, interval)] = (window, (used if stored == window else 0) + count)

    def forget_orders(self, account: str, count: int, book: str = "spot") -> None:
        """Orders that traded stop counting (spot's unfilled order count), never below zero."""
        now = self.clock.now_ms()
        with self._lock:
            for interval, _, window_ms, _ in self._order_windows():
                window = now // window_ms
                stored, used = self._orders.get((account, book, interval), (window, 0))
                if stored == window:
                    self._orders[(account, book, interval)] = (window, max(used - count, 0))

    def order_count_headers(self, account: str, book: str = "spot") -> dict[str, str]:
        """``X-MBX-ORDER-COUNT-10S`` / ``-1D``: the counts a successful spot placement reports."""
        return {f"X-MBX-ORDER-COUNT-{row['intervalNum']}{str(row['interval'])[0]}": str(row["count"])
                for row in self.order_usage(account, book)}

    def first_fill(self, order: Order) -> None:
        """A spot order this limiter counted filled for the first time after its placement: one off."""
        self.forget_orders(order.account, 1, "spot")

    def order_usage(self, account: str, book: str = "margin") -> list[dict[str, object]]:
        """Binance's rateLimit/order rows: interval, intervalNum, limit, count."""
        now = self.clock.now_ms()
        rows = []
        with self._lock:
            for interval, num, window_ms, limit in self._order_windows():
                stored, used = self._orders.get((account, book, interval), (now // window_ms, 0))
                rows.append({"rateLimitType": "ORDERS", "interval": interval, "intervalNum": num,
                             "limit": limit, "count": used if stored == now // window_ms else 0})
        return rows


def _seconds(ms: int) -> int:
    return max(1, -(-ms // 1000))


def _with_header(error: errors.BinanceError, header: str, used: int) -> errors.BinanceError:
    error.headers[header] = str(used)
    return error
