"""Matchers, field paths and ${references}: the vocabulary of expect steps."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.scenario.located import load_located
from mock_exchange.scenario.matchers import check_expected, match
from mock_exchange.scenario.paths import MISSING, PathError, get_path, parse_path
from mock_exchange.scenario.references import ReferenceError_, references_in, resolve

OCO = {
    "orderListId": 7,
    "listOrderStatus": "EXECUTING",
    "isIsolated": False,
    "orderReports": [
        {"orderId": 1, "type": "STOP_LOSS_LIMIT", "price": "28900.00000000", "status": "NEW"},
        {"orderId": 2, "type": "LIMIT_MAKER", "price": "32000.00000000", "status": "NEW"},
    ],
}


def ok(expected: Any, actual: Any) -> bool:
    return not match(expected, actual)


@pytest.mark.parametrize(("expected", "actual"), [
    ("32000", "32000.00000000"),
    (Decimal("0.001"), "0.00100000"),
    (7, "7"),
    ("NEW", "NEW"),
    (None, None),
    (True, True),
    ("any", "whatever"),
    ({"gt": 0}, "0.5"),
    ({"gte": "1", "lt": 2}, "1.00"),
    ({"contains": "relationship"}, "The relationship of the prices for the orders is not correct."),
    ({"contains": {"type": "LIMIT_MAKER"}}, OCO["orderReports"]),
    ({"len": 2}, OCO["orderReports"]),
    ({"len": {"gt": 1}}, "abc"),
    ({"matches": "^Filter failure: (LOT_SIZE|NOTIONAL)$"}, "Filter failure: NOTIONAL"),
    ({"one_of": ["NEW", "PARTIALLY_FILLED"]}, "PARTIALLY_FILLED"),
    ({"text": "0.00100000"}, "0.00100000"),
    ({"ne": "FILLED"}, "NEW"),
    ({"eq": "1"}, "1.0"),
])
def test_matching_values(expected: Any, actual: Any) -> None:
    assert ok(expected, actual)


@pytest.mark.parametrize(("expected", "actual"), [
    ("32000", "32000.01"),
    (1, True),           # booleans are never numbers
    (False, 0),
    ("NEW", "new"),
    (None, "0"),
    ({"gt": 0}, "0"),
    ({"gt": 0}, "abc"),
    ({"text": "0.001"}, "0.00100000"),
    ({"len": 3}, [1, 2]),
    ({"one_of": ["NEW"]}, "FILLED"),
    ({"contains": "x"}, 5),
    ({"matches": "^A"}, "BA"),
])
def test_non_matching_values(expected: Any, actual: Any) -> None:
    assert not ok(expected, actual)


def test_field_maps_are_partial_and_follow_paths() -> None:
    assert ok({"listOrderStatus": "EXECUTING", "orderReports[1].orderId": 2,
               "orderReports.0.type": "STOP_LOSS_LIMIT",
               "orderReports[type=LIMIT_MAKER].price": "32000", "isIsolated": False}, OCO)


def test_absent_and_any_distinguish_missing_from_null() -> None:
    assert ok({"marginBuyBorrowAmount": {"absent": True}}, OCO)
    assert not ok({"listOrderStatus": {"absent": True}}, OCO)
    assert not ok({"marginBuyBorrowAmount": "any"}, OCO)
    assert ok({"x": None}, {"x": None})
    assert not ok({"x": None}, {})


def test_lists_match_item_by_item_with_the_same_length() -> None:
    assert ok([{"status": "NEW"}, {"type": "LIMIT_MAKER"}], OCO["orderReports"])
    [mismatch] = match([{"status": "NEW"}], OCO["orderReports"], "legs")
    assert mismatch.describe().startswith("legs: expected 1 item(s), got 2")


def test_mismatch_says_where_expected_and_actual() -> None:
    expected = load_located("listOrderStatus: ALL_DONE\norderReports:\n  len: 3\n")
    found = match(expected, OCO, "response", 1)
    assert [m.line for m in found] == [1, 3]
    assert found[0].describe() == 'response.listOrderStatus: expected "ALL_DONE", got "EXECUTING"'
    assert found[1].describe().startswith(
        'response.orderReports: expected length 3, got length 2: [{orderId: 1, type: "STOP_LOSS_LIMIT"')


def test_missing_field_is_reported_as_absent() -> None:
    [mismatch] = match({"orderReports[type=STOP_LOSS].status": "NEW"}, OCO)
    assert mismatch.describe() == 'orderReports[type=STOP_LOSS].status: expected "NEW", got nothing (field absent)'


def test_static_check_reports_lines_of_bad_matchers() -> None:
    expected = load_located("a: {gt: x}\nb:\n  c: {matches: '['}\nd: {len: 2}\n")
    problems = check_expected(expected, "response")
    assert [line for line, _ in problems] == [1, 3]
    assert problems[0][1] == "response.a: bad matcher {gt: \"x\"}: needs a number"


@pytest.mark.parametrize(("text", "value"), [
    ("orderListId", 7),
    ("orderReports[0].orderId", 1),
    ("orderReports.1.orderId", 2),
    ("orderReports[-1].type", "LIMIT_MAKER"),
    ("orderReports[type=LIMIT_MAKER].orderId", 2),
    ("orderReports[ type = STOP_LOSS_LIMIT ].price", "28900.00000000"),
    ("isIsolated", False),
    ("orderReports[isIsolated=false]", MISSING),
    ("orderReports[5]", MISSING),
    ("nope.deeper", MISSING),
    (".", OCO),
])
def test_paths(text: str, value: Any) -> None:
    assert get_path(OCO, parse_path(text)) == value


@pytest.mark.parametrize("text", ["", "a..b", "a.", "a[]", "a[=x]", "a]b", ".a"])
def test_bad_paths(text: str) -> None:
    with pytest.raises(PathError):
        parse_path(text)


def test_references_resolve_typed_or_interpolated() -> None:
    saved = {"oco": OCO, "n": 3}
    value = {"id": "${oco.orderListId}", "label": "list-${oco.orderListId}-${n}",
             "leg": "${oco.orderReports[type=LIMIT_MAKER].orderId}", "literal": "$${not a ref}",
             "items": ["${n}"]}
    assert resolve(value, saved.__getitem__) == {"id": 7, "label": "list-7-3", "leg": 2,
                                                 "literal": "${not a ref}", "items": [3]}


def test_reference_to_a_missing_field_fails_clearly() -> None:
    with pytest.raises(ReferenceError_, match=re.escape("'oco' has no field 'orderReports.9.orderId'")):
        resolve("${oco.orderReports.9.orderId}", {"oco": OCO}.__getitem__)


def test_references_are_found_with_their_holder() -> None:
    doc = load_located("a: ${x.y}\nb: [1, 'id-${z}']\nc: $${literal}\n")
    assert [(expr, key) for expr, _, key in references_in(doc)] == [("x.y", "a"), ("z", 1)]


def test_resolving_keeps_line_numbers() -> None:
    doc = load_located("first: 1\nsecond: ${x}\n")
    resolved = resolve(doc, {"x": 5}.__getitem__)
    assert resolved == {"first": 1, "second": 5}
    assert resolved.key_lines == {"first": 1, "second": 2}
