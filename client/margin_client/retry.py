"""Opt-in retry policy with exponential backoff for idempotent reads."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .errors import BinanceError, IpBannedError, RateLimitError, ServerError, TransportError


@dataclass(frozen=True)
class RetryPolicy:
    """Retries GET requests on 5xx, connection errors and 429; never anything else."""

    max_attempts: int = 3
    base_delay: float = 0.5
    multiplier: float = 2.0
    max_delay: float = 30.0
    # A Retry-After longer than this is not worth blocking the caller for.
    max_retry_after: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def backoff(self, attempt: int) -> float:
        """Return the delay after failed attempt number `attempt` (1-based)."""
        return min(self.max_delay, self.base_delay * self.multiplier ** (attempt - 1))

    def delay_for(self, method: str, attempt: int, error: BinanceError) -> float | None:
        """Return seconds to wait before retrying, or None when the error must propagate."""
        if method.upper() != "GET" or attempt >= self.max_attempts:
            return None
        if isinstance(error, IpBannedError):
            return None  # retrying during a ban only extends it
        if isinstance(error, RateLimitError):
            if error.retry_after is None:
                return self.backoff(attempt)
            return error.retry_after if error.retry_after <= self.max_retry_after else None
        if isinstance(error, (ServerError, TransportError)):
            return self.backoff(attempt)
        return None
