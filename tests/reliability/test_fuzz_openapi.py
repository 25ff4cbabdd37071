"""Requests generated from Binance's own OpenAPI file, and success bodies checked against it.

schemathesis turns the file's parameter schemas for each implemented path into requests,
valid by the file (positive) and invalid by it (negative: missing, wrong types, out of
range). Each is sent correctly signed, as the demo account, on the seeded exchange, and
must keep the same contract as the parameter fuzzer. Every 200 body is validated
against the file's response schema; the file is from 2024 and the digest wins where they
differ, so the known differences are listed (openapi.KNOWN_DISAGREEMENTS) and explained
in docs/reliability.md, and only a new one fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given

from mock_exchange.web.endpoints import Endpoint
from tests.reliability import openapi
from tests.reliability.catalogue import baselines_for
from tests.reliability.harness import Seeded, run_property
from tests.reliability.support import (
    DEMO,
    FROZEN_AT_MS,
    Budget,
    call,
    check_flask,
    count,
    frozen_app,
    needs_credentials,
    prepare,
    send,
    served_endpoints,
    signed_pairs,
    snapshot_diff,
)

EXAMPLES = 20
ENDPOINTS = served_endpoints(frozen_app())
# The file's signing parameters are replaced by real ones: a fresh timestamp and our signature.
SIGNING = {"timestamp", "signature", "recvWindow"}


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path} [{endpoint.security.value}]"


def query_text(value: Any) -> list[str]:
    """How a plain HTTP client puts a generated value in a query string."""
    if isinstance(value, bool):
        return ["true" if value else "false"]
    if isinstance(value, list):
        return [text for item in value for text in query_text(item)]
    if isinstance(value, dict):
        return [json.dumps(value)]
    return ["null" if value is None else str(value)]


def case_pairs(case: Any, endpoint: Endpoint) -> list[tuple[str, str]]:
    pairs = [(name, text) for name, value in (case.query or {}).items() if name not in SIGNING
             for text in query_text(value)]
    if endpoint.security.signed:
        pairs.append(("timestamp", str(FROZEN_AT_MS)))
    return pairs


def check_generated(seeded: Seeded, endpoint: Endpoint, case: Any, mode: str) -> None:
    seeded.reset()
    before = seeded.state()
    request = prepare(endpoint.method, endpoint.path, case_pairs(case, endpoint),
                      DEMO if needs_credentials(endpoint) else None, sign=endpoint.security.signed)
    where = f"{endpoint_id(endpoint)} ({mode}) {request.query[:200]}"
    outcome = check_flask(send(seeded.client, request), request, where)
    count("requests fuzzed")
    count("OpenAPI-generated requests")
    count("OpenAPI-generated requests accepted" if outcome.ok else "OpenAPI-generated requests rejected")
    after = seeded.state()
    if not outcome.ok or endpoint.method == "GET":
        assert before == after, f"{where}: answered {outcome.body} but changed {snapshot_diff(before, after)}"
    if outcome.ok:
        count("success bodies validated against the OpenAPI file")
        new = openapi.schema_disagreements(endpoint.method, endpoint.path, outcome.body) \
            - openapi.KNOWN_DISAGREEMENTS
        assert not new, f"{where}: success body differs from the OpenAPI file: {sorted(new)}"


@pytest.mark.soak(weight=2)
@pytest.mark.parametrize("mode", ["positive", "negative"])
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_openapi_generated_requests_keep_the_contract(endpoint: Endpoint, mode: str, seeded: Seeded,
                                                      budget: Budget) -> None:
    schemathesis = openapi.schemathesis_module()
    operation = openapi.operation(endpoint.method, endpoint.path)
    if operation is None:
        pytest.skip("not in Binance's 2024 OpenAPI file (newer than it); fuzzed by test_fuzz_params")
    generation = schemathesis.GenerationMode.POSITIVE if mode == "positive" else schemathesis.GenerationMode.NEGATIVE
    if mode == "negative" and not endpoint.all_params():
        pytest.skip("no parameters to get wrong")

    @given(operation.as_strategy(generation_mode=generation))
    def generated_request_keeps_the_contract(case: Any) -> None:
        check_generated(seeded, endpoint, case, mode)

    run_property(generated_request_keeps_the_contract, budget, EXAMPLES)


def test_success_bodies_differ_from_the_file_only_where_documented(seeded: Seeded) -> None:
    """Every catalogue request succeeds; its body matches the file but for the listed differences."""
    found: set[openapi.Disagreement] = set()
    validated = 0
    for endpoint in ENDPOINTS:
        if openapi.operation(endpoint.method, endpoint.path) is None:
            continue
        for params in baselines_for(endpoint, seeded.baselines):
            seeded.reset()
            outcome = call(seeded.client, endpoint.method, endpoint.path, signed_pairs(endpoint, params),
                           DEMO if needs_credentials(endpoint) else None, sign=endpoint.security.signed)
            assert outcome.ok, f"{endpoint_id(endpoint)} {params}: {outcome.body}"
            found |= openapi.schema_disagreements(endpoint.method, endpoint.path, outcome.body)
            validated += 1
    count("success bodies validated against the OpenAPI file", validated)
    assert validated >= 60
    assert sorted(found - openapi.KNOWN_DISAGREEMENTS) == [], "new: document in docs/reliability.md and list it"
    assert sorted(openapi.KNOWN_DISAGREEMENTS - found) == [], "gone: remove from the list and the doc"
