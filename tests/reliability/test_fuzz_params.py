"""Fuzzed, correctly signed parameters on every Binance endpoint the app routes.

For each endpoint (read from the app's URL map and the declared ``Endpoint`` constants,
so a new endpoint is fuzzed as soon as it is registered) Hypothesis breaks valid
requests (see :mod:`tests.reliability.strategies`) and checks each answer:

- never a 5xx, always JSON, either a success or ``{code, msg}`` with a code from §10;
- no secret and no signature in the answer;
- a rejected request, and any GET, leaves the exchange exactly as it was (snapshot and
  listen keys); after an accepted one every engine invariant still holds.
"""

from __future__ import annotations

import pytest
from hypothesis import given

from mock_exchange.web.endpoints import Endpoint
from tests.reliability import openapi
from tests.reliability.catalogue import baselines_for
from tests.reliability.harness import Seeded, run_property
from tests.reliability.invariants import configured_totals, violations
from tests.reliability.strategies import FuzzedRequest, fuzzed_requests
from tests.reliability.support import (
    DEMO,
    Budget,
    check_flask,
    count,
    frozen_app,
    needs_credentials,
    prepare,
    record_violations,
    send,
    served_endpoints,
    snapshot_diff,
)

EXAMPLES = 60
ENDPOINTS = served_endpoints(frozen_app())


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path} [{endpoint.security.value}]"


def send_fuzzed(seeded: Seeded, endpoint: Endpoint, fuzzed: FuzzedRequest) -> None:
    """Send one fuzzed request on the seed state and check the contract and the state."""
    seeded.reset()
    before = seeded.state()
    request = prepare(endpoint.method, endpoint.path, fuzzed.pairs, DEMO if needs_credentials(endpoint) else None,
                      placement=fuzzed.placement, sign=endpoint.security.signed, signature=fuzzed.signature)
    where = f"{endpoint_id(endpoint)} after {', '.join(fuzzed.mutations) or 'no mutation'}"
    outcome = check_flask(send(seeded.client, request), request, where)
    count("requests fuzzed")
    count("fuzzed requests accepted" if outcome.ok else "fuzzed requests rejected")
    after = seeded.state()
    if outcome.ok:
        check_success_body(endpoint, outcome.body, where)
    if not outcome.ok or endpoint.method == "GET":
        assert before == after, f"{where}: answered {outcome.body} but changed {snapshot_diff(before, after)}"
        return
    start = configured_totals(seeded.exchange.initial_config)
    found = record_violations(violations(seeded.exchange.state, start))
    assert not found, f"{where}: {found}"


def check_success_body(endpoint: Endpoint, body: object, where: str) -> None:
    """A success body differs from Binance's OpenAPI file only where docs/reliability.md says."""
    if not openapi.available():
        return
    if openapi.operation(endpoint.method, endpoint.path) is None:
        return
    count("success bodies validated against the OpenAPI file")
    new = openapi.schema_disagreements(endpoint.method, endpoint.path, body) - openapi.KNOWN_DISAGREEMENTS
    assert not new, f"{where}: success body differs from the OpenAPI file: {sorted(new)}"


@pytest.mark.soak(weight=3)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_fuzzed_parameters_keep_the_contract(endpoint: Endpoint, seeded: Seeded, budget: Budget) -> None:
    bases = baselines_for(endpoint, seeded.baselines)

    @given(fuzzed_requests(endpoint, bases))
    def fuzzed_request_keeps_the_contract(fuzzed: FuzzedRequest) -> None:
        send_fuzzed(seeded, endpoint, fuzzed)

    run_property(fuzzed_request_keeps_the_contract, budget, EXAMPLES)


def test_every_endpoint_is_fuzzed() -> None:
    # Each routed (method, path) has a declared Endpoint, so nothing escapes the fuzzer.
    from tests.reliability.support import binance_rules

    app = frozen_app()
    fuzzed = {(e.method, e.path) for e in ENDPOINTS}
    assert set(binance_rules(app)) == fuzzed
    assert len(ENDPOINTS) >= 40
