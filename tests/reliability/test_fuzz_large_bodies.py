"""Very large and very deep bodies on every Binance endpoint: a Binance error, nothing kept, nothing changed.

For each served endpoint: a 1.9 MB form body without an API key, the same with the demo
key but unsigned, and a JSON body nested 100 000 deep. Each answer keeps the response
contract (no 5xx, Binance's JSON error), the exchange is unchanged, and the journal entry
keeps only its bounded prefix (docs/reliability.md, "Store bounds"). A body an endpoint does
not read (any GET's, a JSON one) is ignored, as Binance ignores it: such a request is
answered on its query alone.
"""

from __future__ import annotations

import pytest

from mock_exchange.control.recorder import ENTRY_OVERHEAD, KEPT
from mock_exchange.web.endpoints import Endpoint
from tests.reliability.harness import Seeded
from tests.reliability.support import DEMO, check_flask, count, frozen_app, served_endpoints

ENDPOINTS = served_endpoints(frozen_app())
# Routes that also answer unsigned (userListenToken: key-only or signed, as clients send it).
SIGNATURE_OPTIONAL = {(e.method, e.path) for e in ENDPOINTS if not e.security.signed}
LARGE_FORM = b"symbol=BTCUSDT&quantity=" + b"9" * int(1.9 * 1024 * 1024)
DEEP_JSON = b'{"a":' * 100_000 + b"1" + b"}" * 100_000
CASES = {
    "1.9 MB form, no key": (LARGE_FORM, "application/x-www-form-urlencoded", {}),
    "1.9 MB form, key but no signature": (LARGE_FORM, "application/x-www-form-urlencoded",
                                          {"X-MBX-APIKEY": DEMO.api_key}),
    "JSON nested 100 000 deep": (DEEP_JSON, "application/json", {"X-MBX-APIKEY": DEMO.api_key}),
}


@pytest.fixture(scope="module")
def seeded() -> Seeded:
    return Seeded()


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path} [{endpoint.security.value}]"


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_large_and_deep_bodies_are_refused_and_not_kept(endpoint: Endpoint, seeded: Seeded) -> None:
    journal = seeded.app.extensions["mock_exchange"].journal
    for name, (body, content_type, headers) in CASES.items():
        seeded.reset()
        before = seeded.state()
        journal.clear()
        response = seeded.client.open(endpoint.path, method=endpoint.method, data=body, headers=headers,
                                      content_type=content_type)
        where = f"{endpoint_id(endpoint)} with {name}"
        outcome = check_flask(response, where=where)
        count("large or deep bodies sent")
        # A GET reads no body (Binance neither): it is refused only for what it lacks.
        must_sign = endpoint.security.signed and (endpoint.method, endpoint.path) not in SIGNATURE_OPTIONAL
        lacking = (endpoint.security.needs_key and not headers) or must_sign
        if lacking or (body is LARGE_FORM and endpoint.method != "GET"):
            assert outcome.error is not None, f"{where}: accepted"
        if outcome.error is not None:
            assert seeded.state() == before, f"{where}: refused but changed the exchange"
        assert journal.bytes <= ENTRY_OVERHEAD + 3 * (KEPT["body"] + KEPT["query"] + 16_384), where
