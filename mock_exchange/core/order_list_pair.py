"""The order-list pair rule: an above leg and a below leg against a reference price.

The one home of what Binance checks on the two legs of an OCO — margin
``POST /sapi/v1/margin/order/oco`` (legacy names: ``price`` is the LIMIT_MAKER leg,
``stopPrice`` the stop leg), spot ``POST /api/v3/orderList/oco`` (``above*`` / ``below*``
names) — and on an OTOCO's pending pair:

1. the relation: above level > reference > below level, where a leg's *level* is the
   price rest-api.md's price restrictions name for it — a LIMIT_MAKER's or a
   TAKE_PROFIT_LIMIT's limit price, any other stop's stop price; a trailing stop sent
   without a stop price has no level and constrains nothing (-2010 "The relationship of
   the prices for the orders is not correct.");
2. a LIMIT_MAKER leg must not take at the reference (-2010 "Order would immediately match
   and take.");
3. a stop leg must not be triggered at the reference (-2010 "Order would trigger
   immediately.").

The reference is the last price at placement. An OTOCO's pending pair is placed when its
working order fills, at the fill price: at placement that price is not known yet, so only
above level > below level is checked (``reference=None``); matching checks the pair again
against the fill price, and a pair with a problem then expires (spec §4.1, §6.3).

Which leg *types* may stand above or below is step 2 of ``placement_checks``
(``check_pair_positions``); this module judges prices only.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal

from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.errors import BinanceError, bad_oco_prices, would_match_immediately, would_trigger_immediately
from mock_exchange.core.rules import is_marketable, would_trigger


class PairProblem(enum.Enum):
    """What is wrong with a pair (or one of its legs) against the reference price."""

    PRICE_RELATION = "price_relation"
    WOULD_TAKE = "would_take"
    WOULD_TRIGGER = "would_trigger"

    def error(self) -> BinanceError:
        """The error a placement answers with for this problem."""
        if self is PairProblem.PRICE_RELATION:
            return bad_oco_prices()
        if self is PairProblem.WOULD_TAKE:
            return would_match_immediately()
        return would_trigger_immediately()


@dataclass(frozen=True, slots=True)
class PairLeg:
    """The figures of one leg that the rule reads (``ZERO`` / None: not sent)."""

    side: Side
    type: OrderType
    price: Decimal | None = None
    stop_price: Decimal | None = None
    trailing_delta: int | None = None

    @property
    def level(self) -> Decimal | None:
        """The price that places the leg above or below the market (None: a trailing stop without one).

        A TAKE_PROFIT_LIMIT is placed by its limit price, as rest-api.md's OCO price restrictions
        put it (``LIMIT_MAKER/TAKE_PROFIT_LIMIT price`` against the last price); its stop price is
        held by rule 3 only.
        """
        if not self.type.is_stop or self.type is OrderType.TAKE_PROFIT_LIMIT:
            return self.price
        if self.trailing_delta is not None and not self.stop_price:
            return None
        return self.stop_price


def leg_problem(leg: PairLeg, reference: Decimal) -> PairProblem | None:
    """Rules 2 and 3 for one leg: a LIMIT_MAKER that would take, a stop that would trigger."""
    if leg.type is OrderType.LIMIT_MAKER and leg.price is not None and is_marketable(leg.side, leg.price, reference):
        return PairProblem.WOULD_TAKE
    if leg.type.is_stop and leg.stop_price and would_trigger(leg.type, leg.side, leg.stop_price, reference):
        return PairProblem.WOULD_TRIGGER
    return None


def pair_problem(above: PairLeg, below: PairLeg, reference: Decimal | None) -> PairProblem | None:
    """The first problem of the pair in Binance's order (relation, then each leg), or None.

    ``reference`` None: the reference is not known yet (an OTOCO's pending pair at
    placement), so only the two levels are compared.
    """
    high, low = above.level, below.level
    if reference is None:
        if high is not None and low is not None and not high > low:
            return PairProblem.PRICE_RELATION
        return None
    if (high is not None and not high > reference) or (low is not None and not reference > low):
        return PairProblem.PRICE_RELATION
    # Every would-take before any would-trigger, above leg first within each.
    problems = (leg_problem(above, reference), leg_problem(below, reference))
    for check in (PairProblem.WOULD_TAKE, PairProblem.WOULD_TRIGGER):
        if check in problems:
            return check
    return None
