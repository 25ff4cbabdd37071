"""Hypothesis strategies that break valid Binance requests in every way a client can.

A request starts from a valid baseline (:mod:`tests.reliability.catalogue`) plus the
signing timestamp, then takes up to four mutations: a parameter dropped, duplicated,
renamed or added (known or unknown), or its value replaced by an empty, huge (1 MB),
unicode, negative, zero, NaN / Infinity, exponent, over-precise, wrong-case or
wrong-type value. The result is still signed correctly over the exact bytes sent, in
the query, the form body, or split across both.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.params import Kind
from tests.reliability.catalogue import valid_value
from tests.reliability.support import FROZEN_AT_MS, SIGNATURE_VARIANTS

HUGE = 1024 * 1024  # a 1 MB value
BODY_LIMIT_MARGIN = 3 * HUGE // 2

EMPTY = ("",)
UNICODE = ("１２３４５", "BTCUSDT\u00e9", "\u00e9", "\U0001f4b0", "\u202e", "BTC\u0000USDT", "\ufeff1", "ß",
           "\ud7ff", "\u0131")
NEGATIVE = ("-1", "-0.001", "-0", "-29000", "-9223372036854775808")
ZERO = ("0", "0.0", "00", "0.00000000", ".0", "0.")
NOT_A_NUMBER = ("NaN", "nan", "Infinity", "-Infinity", "inf", "+inf", "sNaN")
EXPONENT = ("1e3", "1E-8", "8e-7", "3e4", "1e+400", "0e0")
PRECISION = ("0.123456789012345678901", "1.000000001", "29000.0000000001", "0.000000001",
             "12345678901234567890123", "99999999999999999999.99999999999999999999")
WRONG_TYPE = ("true", "false", "[]", "{}", "null", "abc", "1.5", "0x10", "1,5", " 1", "1 ", "+1", "1_000",
              "[\"BTCUSDT\"]", "' OR 1=1 --", "%", "&", "=", "a=b&c=d", "../../etc/passwd", "<script>",
              "9223372036854775808", "-9223372036854775809", "1" * 25)
BIG_NUMBERS = ("9223372036854775807", "18446744073709551616", "10000000000000000000", "4102444800000",
               "99999999999999999999")
TIMESTAMP_EDGES = (str(FROZEN_AT_MS - 5001), str(FROZEN_AT_MS + 1000), str(FROZEN_AT_MS * 1000),
                   str(FROZEN_AT_MS * 1000 + 999), "1", "0", "60001", "60000.5", "60000.1234", "5000.000")
CATEGORIES: dict[str, tuple[str, ...]] = {
    "empty": EMPTY, "unicode": UNICODE, "negative": NEGATIVE, "zero": ZERO, "nan": NOT_A_NUMBER,
    "exponent": EXPONENT, "precision": PRECISION, "wrong_type": WRONG_TYPE, "big": BIG_NUMBERS,
    "timing": TIMESTAMP_EDGES,
}
UNKNOWN_NAMES = ("foo", "Symbol", "SYMBOL", "symbol ", "sïgnature", "", "a b", "timestamp2", "signature_",
                 "quantity[]", "isolated", "apiKey", "__proto__", "\U0001f4b0")


@dataclass(frozen=True)
class FuzzedRequest:
    """What one example sends: the parameter pairs (in order, repeats kept), where, and why."""

    pairs: tuple[tuple[str, str], ...]
    placement: str
    mutations: tuple[str, ...]
    signature: str = "valid"


def case_variants(value: str) -> tuple[str, ...]:
    """The same text in the wrong case (Binance's enums are case-sensitive, mostly)."""
    variants = {value.lower(), value.upper(), value.title(), value.swapcase()}
    variants.discard(value)
    return tuple(sorted(variants)) or (value + "x",)


def nasty_values() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(sorted({v for values in CATEGORIES.values() for v in values})),
        st.text(max_size=12),
        st.decimals(allow_nan=True, allow_infinity=True, places=None).map(str),
        st.integers(min_value=-(10**30), max_value=10**30).map(str),
        st.floats(allow_nan=True, allow_infinity=True).map(repr),
    )


def huge_values() -> st.SearchStrategy[str]:
    return st.sampled_from(("9" * HUGE, "A" * HUGE, "0." + "1" * HUGE, "\u00e9" * (HUGE // 2)))


@st.composite
def value_for(draw: Any, endpoint: Endpoint, name: str, current: str | None) -> str:
    """A replacement value for parameter ``name``: valid for its kind, wrong case, or nasty."""
    spec = next((p for p in endpoint.all_params() if p.name == name), None)
    choices = ["nasty", "nasty", "case"]
    if spec is not None:
        choices.append("valid")
        if spec.kind is Kind.ENUM:
            choices.append("enum")
    pick = draw(st.sampled_from(choices))
    if pick == "valid" and spec is not None:
        return valid_value(spec)
    if pick == "enum" and spec is not None:
        return draw(st.sampled_from(spec.values))
    if pick == "case" and current:
        return draw(st.sampled_from(case_variants(current)))
    return draw(nasty_values())


MUTATIONS = ("drop", "duplicate", "duplicate_other_value", "unknown", "empty", "replace", "replace", "replace",
             "add_declared", "rename_case", "huge")


@st.composite
def fuzzed_requests(draw: Any, endpoint: Endpoint, bases: list[dict[str, str]]) -> FuzzedRequest:
    """A mutated, still correctly signed, request for ``endpoint``."""
    base = draw(st.sampled_from(bases))
    pairs = [(k, v) for k, v in base.items()]
    if endpoint.security.signed:
        pairs.append(("timestamp", str(FROZEN_AT_MS)))
    applied: list[str] = []
    allow_huge = draw(st.integers(0, 19)) == 0  # 1 MB values cost time: about one example in twenty
    for _ in range(draw(st.integers(0, 4))):
        kind = draw(st.sampled_from(MUTATIONS))
        if kind == "huge" and not allow_huge:
            kind = "replace"
        pairs, label = _mutate(draw, endpoint, pairs, kind)
        applied.append(label)
    placement = draw(st.sampled_from(("query", "query", "body", "split")))
    if len(urlencode(pairs)) > BODY_LIMIT_MARGIN:
        placement = "query"  # a form body over the app's 2 MB limit is a known bug (test_malformed_http.py)
    signature = "valid"
    if endpoint.security.signed and draw(st.integers(0, 5)) == 0:
        signature = draw(signature_variants())
        applied.append(f"signature {signature!r}")
    return FuzzedRequest(tuple(pairs), placement, tuple(applied), signature)


def signature_variants() -> st.SearchStrategy[str]:
    """How a client can get the signature wrong (or differently right: upper-case hex)."""
    texts = st.sampled_from(UNICODE + WRONG_TYPE + ("", "0" * 64, "g" * 64))
    return st.one_of(st.sampled_from(SIGNATURE_VARIANTS), texts.map(lambda t: f"raw:{t}"),
                     st.text(max_size=70).map(lambda t: f"text:{t}"))


def _mutate(draw: Any, endpoint: Endpoint, pairs: list[tuple[str, str]],
            kind: str) -> tuple[list[tuple[str, str]], str]:
    declared = [p.name for p in endpoint.all_params() if p.name != "signature"]
    if kind == "unknown":
        name = draw(st.sampled_from(UNKNOWN_NAMES))
        return pairs + [(name, draw(nasty_values()))], f"unknown {name!r}"
    if kind == "add_declared" or not pairs:
        if not declared:
            return pairs + [("foo", "1")], "unknown 'foo'"
        name = draw(st.sampled_from(declared))
        return pairs + [(name, draw(value_for(endpoint, name, None)))], f"add {name}"
    index = draw(st.integers(0, len(pairs) - 1))
    name, value = pairs[index]
    if kind == "drop":
        return pairs[:index] + pairs[index + 1:], f"drop {name}"
    if kind == "duplicate":
        return pairs + [(name, value)], f"duplicate {name}"
    if kind == "duplicate_other_value":
        return pairs + [(name, draw(value_for(endpoint, name, value)))], f"duplicate {name} (other value)"
    if kind == "rename_case":
        return _replace(pairs, index, (draw(st.sampled_from(case_variants(name))), value)), f"rename {name}"
    if kind == "empty":
        return _replace(pairs, index, (name, "")), f"empty {name}"
    if kind == "huge":
        return _replace(pairs, index, (name, draw(huge_values()))), f"huge {name}"
    return _replace(pairs, index, (name, draw(value_for(endpoint, name, value)))), f"replace {name}"


def _replace(pairs: list[tuple[str, str]], index: int, pair: tuple[str, str]) -> list[tuple[str, str]]:
    return pairs[:index] + [pair] + pairs[index + 1:]
