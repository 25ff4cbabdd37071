"""Whitespace and control characters in every position of every parameter, on every endpoint.

Binance checks a parameter against its legal range in full: ``quantity=0.01%0A`` or a
client id ending in a newline is -1100 ("Illegal characters found in parameter ..."),
never a value with the newline kept. For each served endpoint, each parameter of its
valid baselines (and each declared parameter the baselines leave out) gets each
character below at its start, in its middle and at its end. Every answer leaves the
exchange as it was and is an error, except a free-text filter a read-only GET ignores
(exchangeInfo's ``permissions``); a pattern-checked parameter (decimal, long, recvWindow,
symbol, client id, symbol list) must answer -1100 naming the parameter.

The Flask test client is used for the thousands of cases; the same rule over real HTTP,
with the stored-id consequence, is in test_illegal_characters_live.py.
"""

from __future__ import annotations

import pytest

from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.params import Kind
from tests.reliability.catalogue import baselines_for, valid_value
from tests.reliability.harness import Seeded
from tests.reliability.support import (
    DEMO,
    FROZEN_AT_MS,
    check_flask,
    count,
    frozen_app,
    needs_credentials,
    prepare,
    send,
    served_endpoints,
)

# Whitespace and control characters a client (or an attacker) can put in a value.
AT_THE_END = ("\n", "\r", "\r\n", "\t", " ", "\x00", "\x0b", "\x0c", "\x1f", "\x7f", "\x85", "\xa0", "\u2028",
              "\u3000", "\ufeff")
ANYWHERE = ("\n", " ", "\t", "\x00")
PATTERN_KINDS = (Kind.DECIMAL, Kind.LONG, Kind.RECV_WINDOW, Kind.SYMBOL, Kind.CLIENT_ID)
ENDPOINTS = served_endpoints(frozen_app())


def variants(value: str) -> list[tuple[str, str]]:
    """(label, value) with each character at the end, and the common ones at the start and inside."""
    out = [(f"{ch!r} at the end", value + ch) for ch in AT_THE_END]
    for ch in ANYWHERE:
        out.append((f"{ch!r} at the start", ch + value))
        if len(value) > 1:
            middle = len(value) // 2
            out.append((f"{ch!r} inside", value[:middle] + ch + value[middle:]))
    return out


def cases(endpoint: Endpoint, bases: list[dict[str, str]]) -> list[tuple[dict[str, str], str]]:
    """(baseline, parameter) pairs: every baseline parameter, and every declared one no baseline has."""
    found: list[tuple[dict[str, str], str]] = []
    seen: set[str] = set()
    for base in bases:
        for name in base:
            found.append((base, name))
            seen.add(name)
    spec = {p.name: p for p in endpoint.all_params() if p.name != "signature"}
    if endpoint.security.signed:
        found.append((bases[0], "timestamp"))
        seen.add("timestamp")
    for name in sorted(set(spec) - seen):
        found.append(({**bases[0], name: valid_value(spec[name])}, name))
    return found


def is_symbol_list(endpoint: Endpoint, name: str) -> bool:
    """The market-data ``symbols`` JSON array, matched against Binance's own pattern."""
    return name == "symbols" and endpoint.path.startswith("/api/v3/")


def endpoint_id(endpoint: Endpoint) -> str:
    return f"{endpoint.method} {endpoint.path} [{endpoint.security.value}]"


@pytest.fixture(scope="module")
def seeded() -> Seeded:
    return Seeded()


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=endpoint_id)
def test_whitespace_and_control_characters_are_illegal_everywhere(endpoint: Endpoint, seeded: Seeded) -> None:
    kinds = {p.name: p.kind for p in endpoint.all_params()}
    seeded.reset()
    before = seeded.state()  # every case is rejected unchanged, so one reset serves them all
    for base, name in cases(endpoint, baselines_for(endpoint, seeded.baselines)):
        pairs = dict(base)
        if endpoint.security.signed:
            pairs.setdefault("timestamp", str(FROZEN_AT_MS))
        for label, value in variants(pairs[name]):
            sent = [(k, value if k == name else v) for k, v in pairs.items()]
            request = prepare(endpoint.method, endpoint.path, sent, DEMO if needs_credentials(endpoint) else None,
                              sign=endpoint.security.signed)
            where = f"{endpoint_id(endpoint)}: {name} with {label}"
            outcome = check_flask(send(seeded.client, request), request, where)
            count("whitespace and control characters sent")
            strict = kinds.get(name) is not Kind.STRING or endpoint.method != "GET"
            assert outcome.error is not None or not strict, f"{where}: accepted: {str(outcome.body)[:300]}"
            if kinds.get(name) in PATTERN_KINDS or is_symbol_list(endpoint, name):
                code, msg = outcome.error
                assert code == -1100 and f"parameter '{name}'" in msg, f"{where}: {outcome.error}"
            assert seeded.state() == before, f"{where}: the rejected request changed the exchange"


def test_no_anchored_pattern_in_the_sources_is_matched_with_re_match() -> None:
    # The class of bug, not one input: a pattern ending in "$" used with .match() or
    # .search() accepts a trailing newline. Every such pattern must be used with fullmatch.
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    found = []
    for path in [*(root / "mock_exchange").rglob("*.py"), *(root / "client" / "margin_client").rglob("*.py")]:
        text = path.read_text(encoding="utf-8")
        for name in re.findall(r"^\s*(\w+)\s*=\s*re\.compile\(r?[\"'].*\$[\"']\)", text, flags=re.M):
            if re.search(rf"\b{name}\.(match|search)\(", text):
                found.append(f"{path.relative_to(root)}: {name}")
        found += [
            f"{path.relative_to(root)}: {m}" for m in re.findall(r"re\.(?:match|search)\(r?[\"'][^\"']*\$[\"']", text)
        ]
    assert not found, f"anchored patterns matched with re.match/search (use fullmatch): {found}"
