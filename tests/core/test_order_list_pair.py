"""The order-list pair rule on its own: above / below legs against a reference price."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from mock_exchange.core.enums import OrderType, Side
from mock_exchange.core.order_list_pair import PairLeg, PairProblem, leg_problem, pair_problem

LAST = D("30000")


def maker(side: Side, price: str) -> PairLeg:
    return PairLeg(side, OrderType.LIMIT_MAKER, price=D(price))


def stop(side: Side, stop_price: str, order_type: OrderType = OrderType.STOP_LOSS) -> PairLeg:
    return PairLeg(side, order_type, stop_price=D(stop_price))


@pytest.mark.parametrize(("above", "below", "problem"), [
    (maker(Side.SELL, "31000"), stop(Side.SELL, "29000"), None),  # a take-profit SELL OCO
    (stop(Side.BUY, "31000"), maker(Side.BUY, "29000"), None),  # a stop-loss BUY OCO
    (maker(Side.SELL, "29500"), stop(Side.SELL, "29000"), PairProblem.PRICE_RELATION),  # above under the market
    (maker(Side.SELL, "31000"), stop(Side.SELL, "30500"), PairProblem.PRICE_RELATION),  # below over the market
    (maker(Side.SELL, "31000"), stop(Side.SELL, "30000"), PairProblem.PRICE_RELATION),  # at the market is not below
    (stop(Side.BUY, "0"), maker(Side.BUY, "29000"), PairProblem.PRICE_RELATION),  # a stop price of 0 is a level
])
def test_the_relation_against_the_last_price(above: PairLeg, below: PairLeg, problem: PairProblem | None) -> None:
    assert pair_problem(above, below, LAST) is problem


def test_legs_that_would_execute_at_once_come_after_the_relation() -> None:
    # A LIMIT_MAKER BUY above the market would take; a STOP_LOSS_LIMIT SELL above it is not a stop loss.
    assert leg_problem(PairLeg(Side.BUY, OrderType.LIMIT_MAKER, price=D("30001")), LAST) is PairProblem.WOULD_TAKE
    assert leg_problem(stop(Side.SELL, "30001"), LAST) is PairProblem.WOULD_TRIGGER
    assert leg_problem(stop(Side.SELL, "29999"), LAST) is None
    # Take-profit legs rise the other way: a TAKE_PROFIT SELL below the market has already triggered.
    take_profit_below = stop(Side.SELL, "29000", OrderType.TAKE_PROFIT)
    assert pair_problem(maker(Side.SELL, "31000"), take_profit_below, LAST) is PairProblem.WOULD_TRIGGER


def test_without_a_reference_only_the_two_levels_are_compared() -> None:
    # An OTOCO's pending pair at placement: the working order's fill price is not known yet.
    assert pair_problem(maker(Side.SELL, "29500"), stop(Side.SELL, "29000"), None) is None
    assert pair_problem(maker(Side.SELL, "29000"), stop(Side.SELL, "29000"), None) is PairProblem.PRICE_RELATION
    assert pair_problem(maker(Side.SELL, "28000"), stop(Side.SELL, "29000"), None) is PairProblem.PRICE_RELATION


def test_a_take_profit_limit_leg_is_measured_at_its_limit_price() -> None:
    # rest-api.md: "LIMIT_MAKER/TAKE_PROFIT_LIMIT price > Last Traded Price" on a SELL OCO.
    under = PairLeg(Side.SELL, OrderType.TAKE_PROFIT_LIMIT, price=D("29500"), stop_price=D("31000"))
    assert under.level == D("29500")
    assert pair_problem(under, stop(Side.SELL, "29000"), LAST) is PairProblem.PRICE_RELATION
    triggered = PairLeg(Side.SELL, OrderType.TAKE_PROFIT_LIMIT, price=D("31000"), stop_price=D("29500"))
    assert pair_problem(triggered, stop(Side.SELL, "29000"), LAST) is PairProblem.WOULD_TRIGGER


def test_a_trailing_stop_without_a_stop_price_has_no_level() -> None:
    trailing = PairLeg(Side.SELL, OrderType.STOP_LOSS, stop_price=D("0"), trailing_delta=100)
    assert trailing.level is None
    assert pair_problem(maker(Side.SELL, "31000"), trailing, LAST) is None
    assert pair_problem(maker(Side.SELL, "28000"), trailing, None) is None


def test_each_problem_answers_with_binance_error() -> None:
    errors = {problem: problem.error() for problem in PairProblem}
    assert {problem: (e.code, e.msg) for problem, e in errors.items()} == {
        PairProblem.PRICE_RELATION: (-2010, "The relationship of the prices for the orders is not correct."),
        PairProblem.WOULD_TAKE: (-2010, "Order would immediately match and take."),
        PairProblem.WOULD_TRIGGER: (-2010, "Order would trigger immediately."),
    }
