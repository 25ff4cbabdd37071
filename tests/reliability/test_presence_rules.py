"""The endpoint table's presence rules hold: each one, broken on each endpoint that names it,
gets Binance's code and message and leaves the exchange as it was.

web/endpoint_catalog.py says which presence rules an endpoint applies (and docs/endpoints.md
prints them); this test keeps that list true. Each rule has one way to break it below, applied
to a request that is otherwise valid (tests/reliability/catalogue.py); a new rule without one
fails ``test_every_presence_rule_has_a_violation``.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from mock_exchange.core import errors
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.intervals import DAY_MS
from mock_exchange.web import endpoint_catalog as catalog
from mock_exchange.web.endpoints import Endpoint, PresenceRule
from tests.reliability.catalogue import Params, baselines_for
from tests.reliability.harness import Seeded
from tests.reliability.support import DEMO, FROZEN_AT_MS, Outcome, call


def _without(*names: str) -> Callable[[Params], Params]:
    return lambda params: {k: v for k, v in params.items() if k not in names}


def _with(**values: str) -> Callable[[Params], Params]:
    return lambda params: {**params, **values}


def _isolated_without_symbol(flag: str = "isIsolated", value: str = "TRUE") -> Callable[[Params], Params]:
    return lambda params: {**_without("symbol")(params), flag: value}


def _leg_prefix(params: Params) -> str:
    """The first leg whose type needs a price (LIMIT / LIMIT_MAKER)."""
    return next(key.removesuffix("Type") for key, value in params.items()
                if key.endswith("Type") and value in ("LIMIT", "LIMIT_MAKER"))


def _leg_without_price(params: Params) -> Params:
    return _without(f"{_leg_prefix(params)}Price")(params)


def _leg_error(params: Params) -> BinanceError:
    return errors.mandatory_param_missing(f"{_leg_prefix(params)}Price")


def _fixed(error: BinanceError) -> Callable[[Params], BinanceError]:
    return lambda params: error


# rule -> (how to break it, the error Binance answers)
VIOLATIONS: dict[PresenceRule, tuple[Callable[[Params], Params], Callable[[Params], BinanceError]]] = {
    catalog.ORDER_QUANTITY: (_without("quantity"), _fixed(errors.mandatory_param_missing("quantity"))),
    catalog.ORDER_TYPE_TABLE: (_without("price"), _fixed(errors.mandatory_param_missing("price"))),
    catalog.LEG_TYPE_TABLE: (_leg_without_price, _leg_error),
    catalog.LEGACY_OCO_STOP_LIMIT: (_without("stopLimitTimeInForce"),
                                    _fixed(errors.mandatory_param_missing("stopLimitTimeInForce"))),
    catalog.OTOCO_PAIR: (_without("pendingBelowType"), _fixed(errors.mandatory_param_missing("pendingBelowType"))),
    catalog.MARGIN_ORDER_REF: (_without("orderId", "origClientOrderId"), _fixed(errors.mandatory_param_missing())),
    catalog.SPOT_ORDER_REF: (_without("orderId", "origClientOrderId"),
                             _fixed(errors.one_of_params_missing("orderId", "origClientOrderId"))),
    catalog.CANCEL_REPLACE_REF: (_without("cancelOrderId", "cancelOrigClientOrderId"),
                                 _fixed(errors.one_of_params_missing("cancelOrderId", "cancelOrigClientOrderId"))),
    catalog.LIST_CANCEL_REF: (_without("orderListId", "listClientOrderId"),
                              _fixed(errors.one_of_params_missing("orderListId", "listClientOrderId"))),
    catalog.LIST_QUERY_REF: (_without("orderListId", "origClientOrderId"),
                             _fixed(errors.one_of_params_missing("orderListId", "origClientOrderId"))),
    catalog.SYMBOL_OR_SYMBOLS: (_without("symbol", "symbols"),
                                _fixed(errors.one_of_params_missing("symbol", "symbols"))),
    catalog.FROM_ID_EXCLUDES_TIMES: (_with(fromId="1", startTime=str(FROZEN_AT_MS - 60_000)),
                                     _fixed(errors.bad_param_combo())),
    catalog.WITHIN_A_DAY: (_with(startTime=str(FROZEN_AT_MS - 2 * DAY_MS), endTime=str(FROZEN_AT_MS)),
                           _fixed(errors.lookup_interval_too_big(24))),
    catalog.ISOLATED_NEEDS_SYMBOL: (_isolated_without_symbol(), _fixed(errors.mandatory_param_missing("symbol"))),
    catalog.LIQUIDATION_ISOLATED_SYMBOL: (_isolated_without_symbol("type", "ISOLATED"),
                                          _fixed(errors.mandatory_param_missing("symbol"))),
}

CASES = [(endpoint, rule) for endpoint in catalog.ALL for rule in endpoint.presence]


def _case_id(case: tuple[Endpoint, PresenceRule]) -> str:
    endpoint, rule = case
    return f"{endpoint.method} {endpoint.path} [{endpoint.security.value}] {rule.name}"


def _send(seeded: Seeded, endpoint: Endpoint, params: Params) -> Outcome:
    if endpoint.security.signed:
        params = {**params, "timestamp": str(seeded.exchange.clock.now_ms())}
    return call(seeded.client, endpoint.method, endpoint.path, params, DEMO, sign=endpoint.security.signed)


def test_every_presence_rule_has_a_violation() -> None:
    assert {rule for _, rule in CASES} == set(VIOLATIONS)


@pytest.mark.parametrize("case", CASES, ids=[_case_id(c) for c in CASES])
def test_a_broken_presence_rule_gets_binance_s_error_and_changes_nothing(
        case: tuple[Endpoint, PresenceRule], seeded: Seeded) -> None:
    endpoint, rule = case
    base = baselines_for(endpoint, seeded.baselines)[0]
    breaks, error_for = VIOLATIONS[rule]
    broken, expected = breaks(base), error_for(base).to_dict()

    # The valid request does not get this error: the broken rule is what causes it.
    seeded.reset()
    assert _send(seeded, endpoint, base).body != expected, f"{_case_id(case)}: the valid request already fails so"

    seeded.reset()
    before = seeded.state()
    outcome = _send(seeded, endpoint, broken)
    assert outcome.status == 400 and outcome.body == expected, f"{_case_id(case)}: {broken} -> {outcome.body}"
    assert seeded.state() == before
