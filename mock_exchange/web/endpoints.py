"""What a Binance endpoint is, as data: security, weight rules and presence rules.

The endpoints themselves are declared in one table, web/endpoint_catalog.py; the views
import their ``Endpoint`` from there and the pipeline reads weights and parameter specs
from it, so no view repeats them. docs/endpoints.md and the README's endpoint table are
rendered from the same values (web/endpoint_table.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from functools import cached_property

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


# -- weights that vary with the request ------------------------------------------------
# Each rule is a value with its numbers in fields, so the docs can print it and a test can
# read it; ``weight(raw)`` computes it from the raw parameters, before any is validated
# (a rejected request costs weight too, spec §12). A parameter counts as sent when it has
# a value: ``symbol=`` is charged as no symbol (the request then fails with -1105).


@dataclass(frozen=True)
class WhenSent:
    """``sent`` when the request gives ``param`` a value, else ``otherwise``."""

    param: str
    sent: int
    otherwise: int

    def weight(self, raw: Mapping[str, str]) -> int:
        return self.sent if raw.get(self.param) else self.otherwise

    def describe(self) -> str:
        return f"{self.sent} with {self.param}, {self.otherwise} without"


@dataclass(frozen=True)
class WhenValue:
    """``matched`` when ``param`` is one of ``values``, else ``otherwise``."""

    param: str
    values: tuple[str, ...]
    matched: int
    otherwise: int
    ignore_case: bool = False  # for a BOOLEAN parameter, which the fake reads in any case

    def weight(self, raw: Mapping[str, str]) -> int:
        value = raw.get(self.param, "")
        if self.ignore_case:
            return self.matched if value.lower() in {v.lower() for v in self.values} else self.otherwise
        return self.matched if value in self.values else self.otherwise

    def describe(self) -> str:
        return f"{self.otherwise}, or {self.matched} with {self.param}={' or '.join(self.values)}"


@dataclass(frozen=True)
class ByLimit:
    """A weight by the requested ``limit``: the first tier whose bound it does not exceed."""

    tiers: tuple[tuple[int, int], ...]  # (highest limit, weight), ascending
    above: int  # beyond the last tier
    default: int  # the limit when none is sent
    param: str = "limit"

    def weight(self, raw: Mapping[str, str]) -> int:
        try:
            limit = int(raw.get(self.param, str(self.default)))
        except ValueError:
            return self.tiers[0][1]  # the request fails with -1100; charge the smallest tier
        for bound, weight in self.tiers:
            if limit <= bound:
                return weight
        return self.above

    def describe(self) -> str:
        tiers = ", ".join(f"{weight} for {self.param} ≤ {bound}" for bound, weight in self.tiers)
        return f"{tiers}, {self.above} above (default {self.param} {self.default})"


def symbol_count(raw: Mapping[str, str]) -> int:
    """How many symbols a request names: 1 for ``symbol``, the length of the ``symbols`` list."""
    if raw.get("symbol"):
        return 1
    try:
        names = json.loads(raw.get("symbols", ""))
    except (ValueError, RecursionError):  # deeply nested brackets exhaust the parser's stack
        return 1
    return len(names) if isinstance(names, list) and names else 1


@dataclass(frozen=True)
class BySymbolCount:
    """A weight by how many symbols are asked for, or ``every_symbol`` when none is named."""

    tiers: tuple[tuple[int, int], ...]  # (highest symbol count, weight), ascending
    above: int
    every_symbol: int

    def weight(self, raw: Mapping[str, str]) -> int:
        if not raw.get("symbol") and not raw.get("symbols"):
            return self.every_symbol
        count = symbol_count(raw)
        for bound, weight in self.tiers:
            if count <= bound:
                return weight
        return self.above

    def describe(self) -> str:
        low = 1
        parts = []
        for bound, weight in self.tiers:
            parts.append(f"{weight} for {low}–{bound} symbols")
            low = bound + 1
        return f"{', '.join(parts)}, {self.above} above; {self.every_symbol} for every symbol"


@dataclass(frozen=True)
class PerSymbol:
    """``each`` per symbol asked for, at most ``cap``."""

    each: int
    cap: int

    def weight(self, raw: Mapping[str, str]) -> int:
        return min(self.each * symbol_count(raw), self.cap)

    def describe(self) -> str:
        return f"{self.each} per symbol, at most {self.cap}"


WeightRule = WhenSent | WhenValue | ByLimit | BySymbolCount | PerSymbol


# -- presence rules ---------------------------------------------------------------------


@dataclass(frozen=True)
class PresenceRule:
    """A rule on which parameters go together, beyond each parameter's own ``required``.

    ``enforced_by`` is the dotted name of the function that checks it (a test resolves
    every one), so the docs can say where the rule lives.
    """

    name: str
    text: str  # what the rule says, for docs/endpoints.md
    enforced_by: str


@dataclass(frozen=True)
class Endpoint:
    """One Binance route."""

    name: str
    method: str
    path: str
    security: Security
    weight: int | WeightRule
    params: tuple[Param, ...] = ()
    uid_weighted: bool = False  # /sapi: counted per account rather than per IP
    # Orders a placement adds to the account's order count (-1015 past the limit); the pipeline
    # checks and counts them around the view (web/pipeline.count_orders); 0: not a placement.
    order_count: int = 0
    presence: tuple[PresenceRule, ...] = ()
    # Binance's page for the endpoint; None where no source gives one (docs/endpoints.md).
    doc_url: str | None = None

    @property
    def family(self) -> str:
        return "sapi" if self.path.startswith("/sapi/") else "api"

    def all_params(self) -> tuple[Param, ...]:
        return self.params + SIGNED_PARAMS if self.security.signed else self.params

    @cached_property
    def param_names(self) -> frozenset[str]:
        """The names of :meth:`all_params`, made once (web/params.check_known reads them on every request)."""
        return frozenset(p.name for p in self.all_params())

    def weight_for(self, raw: Mapping[str, str]) -> int:
        return self.weight if isinstance(self.weight, int) else self.weight.weight(raw)
