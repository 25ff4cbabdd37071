"""The suite's own ground rules: the documented error codes and the soak budget."""

from __future__ import annotations

import pytest

from tests.reliability import memory
from tests.reliability.support import (
    DIGEST,
    FALLBACK_CODES,
    SOAK_ENV,
    Budget,
    check_response,
    digest_codes,
    run_until,
    soak_seconds,
)


def test_fallback_codes_are_the_digests_codes() -> None:
    if not DIGEST.exists():
        pytest.skip(f"the digest is not at {DIGEST}")
    codes = digest_codes(DIGEST.read_text(encoding="utf-8"))
    assert codes == FALLBACK_CODES
    assert {-1100, -1101, -1102, -1104, -1105, -2010, -2011, -2013, -2015, -1158, -1199, -11001} <= codes


def test_the_contract_refuses_what_it_must() -> None:
    json_type = "application/json;charset=UTF-8"
    check_response(400, json_type, b'{"code":-1102,"msg":"x"}')
    check_response(200, json_type, b"[]")
    for status, content_type, body in ((500, json_type, b'{"code":-1000,"msg":"x"}'),
                                       (400, "text/html", b'{"code":-1102,"msg":"x"}'),
                                       (400, json_type, b"<html>"),
                                       (400, json_type, b'{"code":-9999,"msg":"not documented"}'),
                                       (400, json_type, b'{"code":-1102,"msg":"x","extra":1}'),
                                       (200, json_type, b'{"code":-1102,"msg":"an error as a success"}')):
        with pytest.raises(AssertionError):
            check_response(status, content_type, body)


def test_soak_budget_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SOAK_ENV, raising=False)
    assert soak_seconds() == 0
    monkeypatch.setenv(SOAK_ENV, "600")
    assert soak_seconds() == 600
    monkeypatch.setenv(SOAK_ENV, "ten minutes")
    with pytest.raises(ValueError):
        soak_seconds()


def test_a_normal_run_is_bounded_by_count_and_a_soak_by_time() -> None:
    assert run_until(Budget(0), 3, lambda i: None) == 3
    expired = Budget(0.001, started=0.0)
    assert run_until(expired, 2, lambda i: None) == 2  # a soak still does the normal rounds


def test_the_memory_bound_fails_a_soak_that_keeps_growing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(memory.RSS_GROWTH_ENV, raising=False)
    limit = memory.growth_limit_bytes()
    assert limit == memory.DEFAULT_RSS_GROWTH_MB * memory.MIB
    start = memory.rss_bytes()
    assert start > 0
    # The normal rounds may use what they need; only what the soak rounds add counts.
    fixed_costs = memory.MemoryReport(start, start + 4 * limit, start + 4 * limit, limit,
                                      soaked=[("a", start + 2 * limit, start + 2 * limit + limit // 2),
                                              ("b", start + 3 * limit, start + 3 * limit + limit // 2)])
    assert fixed_costs.within_bound and fixed_costs.soak_growth == 2 * (limit // 2)
    leaking = memory.MemoryReport(start, start + limit, start + limit, limit, soaked=[("a", start, start + limit + 1)])
    assert not leaking.within_bound
    assert any("while soaking a" in line for line in leaking.lines())
    monkeypatch.setenv(memory.RSS_GROWTH_ENV, "lots")
    with pytest.raises(ValueError):
        memory.growth_limit_bytes()
