"""Binance endpoints as data: method, path, security, weight and parameters.

Each endpoint family module declares its ``Endpoint`` constants next to its views and
registers them with :func:`mock_exchange.web.pipeline.binance_route`; the pipeline reads
weights and parameter specs from here, so views never repeat them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import Enum

from mock_exchange.web.params import SIGNED_PARAMS, Param


class Security(Enum):
    """Binance's security types (spec §2.1)."""

    NONE = "NONE"  # public
    MARKET_DATA = "MARKET_DATA"  # API key, no signature
    USER_STREAM = "USER_STREAM"  # API key, no signature
    USER_DATA = "USER_DATA"  # signed read
    TRADE = "TRADE"  # signed, and the key needs margin permission

    @property
    def needs_key(self) -> bool:
        return self is not Security.NONE

    @property
    def signed(self) -> bool:
        return self in (Security.USER_DATA, Security.TRADE)


WeightRule = int | Callable[[Mapping[str, str]], int]


@dataclass(frozen=True)
class Endpoint:
    """One Binance route."""

    name: str
    method: str
    path: str
    security: Security
    weight: WeightRule
    params: tuple[Param, ...] = ()
    uid_weighted: bool = False  # /sapi: counted per account rather than per IP
    # Orders a placement adds to the account's order count (-1015 past the limit); the pipeline
    # checks and counts them around the view (web/pipeline.count_orders); 0: not a placement.
    order_count: int = 0

    @property
    def family(self) -> str:
        return "sapi" if self.path.startswith("/sapi/") else "api"

    def all_params(self) -> tuple[Param, ...]:
        return self.params + SIGNED_PARAMS if self.security.signed else self.params

    def weight_for(self, raw: Mapping[str, str]) -> int:
        return self.weight(raw) if callable(self.weight) else self.weight
