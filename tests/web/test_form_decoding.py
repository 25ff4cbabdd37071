"""Form and query decoding (web/params.py) gives urllib's answers, without urllib's cost on long escapes."""

from __future__ import annotations

import tracemalloc
from urllib.parse import parse_qsl, quote, unquote_plus, urlencode

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mock_exchange.core.errors import BinanceError
from mock_exchange.web.params import decode_pairs, split_pairs, unquote_form

# Pieces a query is made of: escapes (valid UTF-8 or not, either case), broken escapes,
# separators, plus signs, ASCII and non-ASCII literal characters.
PIECES = st.one_of(
    st.sampled_from(["%C3%A9", "%c3%a9", "%E2%82%AC", "%F0%9F%92%B0", "%C3", "%A9", "%80", "%FF", "%ED%A0%80",
                     "%00", "%25", "%2", "%zz", "%", "+", "&", "=", "==", "&&", "a", "Z", "9", "\u00e9", "\u20ac"]),
    st.text(max_size=4),
    st.binary(max_size=4).map(lambda b: quote(b)),
)
QUERIES = st.lists(PIECES, max_size=24).map("".join)


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(QUERIES, st.sampled_from(["strict", "replace"]))
def test_unquote_form_is_unquote_plus(text: str, errors: str) -> None:
    try:
        expected: str | type[UnicodeDecodeError] = unquote_plus(text, errors=errors)
    except UnicodeDecodeError:
        expected = UnicodeDecodeError
    try:
        got: str | type[UnicodeDecodeError] = unquote_form(text, errors)
    except UnicodeDecodeError:
        got = UnicodeDecodeError
    assert got == expected


@settings(max_examples=400, deadline=None, derandomize=True, database=None)
@given(QUERIES)
def test_decode_pairs_is_parse_qsl(text: str) -> None:
    assert decode_pairs(text, errors="replace") == parse_qsl(text, keep_blank_values=True, errors="replace")


def test_split_pairs_refuses_escapes_that_are_not_utf8_with_illegal_characters() -> None:
    assert split_pairs("symbol=BTC%C3%A9&side=BUY") == [("symbol", "BTC\u00e9"), ("side", "BUY")]
    with pytest.raises(BinanceError) as refused:
        split_pairs("symbol=BTC%C3&side=BUY")
    assert refused.value.code == -1100


def test_a_1_mb_value_of_escapes_is_decoded_within_a_few_times_its_size() -> None:
    value = "\u00e9" * (512 * 1024)
    query = urlencode([("quantity", value), ("side", "BUY")])  # 3 MB of escapes
    tracemalloc.start()
    try:
        pairs = split_pairs(query)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert pairs == [("quantity", value), ("side", "BUY")]
    # urllib's unquote peaked at about 70 times the query's size here (226 MiB).
    assert peak < 5 * len(query), f"decoding a {len(query)} byte query peaked at {peak} bytes"
