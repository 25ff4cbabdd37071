"""The shape of a JSON answer, and the drift between two of them.

Values that depend on state (ids, prices, times) are never compared. What is compared is
what a client's code is built against:

- key set: a key one side sends and the other does not
- key order: the relative order of the keys both sides send
- JSON type: string / number / boolean / null / array / object
- number format: how a decimal string is written (``"0.30000000"`` vs ``"0.3"``)

A decimal string's format is a *set* of the formats it could have been written in:
``"0.30000000"`` is only ``padded8``; ``"0.3"`` is ``trimmed`` or ``padded1``;
``"1.69248805"`` is ``trimmed`` or ``padded8``. Two strings agree when the sets meet, so a
value that happens to fill every decimal place never counts as drift.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

_DECIMAL_STRING = re.compile(r"^-?\d+(\.\d+)?$")
_EXPONENT_STRING = re.compile(r"^-?\d+(\.\d+)?E-?\d+$")

KEYS = "keys"
ORDER = "order"
TYPES = "types"
NUMBERS = "numbers"
ASPECTS = (KEYS, ORDER, TYPES, NUMBERS)


def json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def number_formats(text: str) -> frozenset[str] | None:
    """The formats a decimal string could be written in, or None if it is not a decimal."""
    if _EXPONENT_STRING.fullmatch(text):
        return frozenset({"java-exponent"})
    if not _DECIMAL_STRING.fullmatch(text):
        return None
    if "." not in text:
        return frozenset({"trimmed"})
    places = len(text.split(".", 1)[1])
    if text.endswith("0"):
        return frozenset({f"padded{places}"})
    return frozenset({"trimmed", f"padded{places}"})


def describe_formats(formats: frozenset[str]) -> str:
    return "/".join(sorted(formats))


@dataclass(frozen=True)
class Drift:
    """One difference: where (a path like ``fills[0].price``), which aspect, and what."""

    path: str
    aspect: str
    expected: str
    actual: str

    def __str__(self) -> str:
        where = self.path or "(top level)"
        return f"{where}: {self.aspect}: expected {self.expected}, got {self.actual}"


def compare(expected: Any, actual: Any, aspects: tuple[str, ...] = ASPECTS, path: str = "") -> list[Drift]:
    """Every drift of ``actual`` from ``expected`` in the given aspects."""
    drifts: list[Drift] = []
    expected_type, actual_type = json_type(expected), json_type(actual)
    if expected_type != actual_type:
        if TYPES in aspects:
            drifts.append(Drift(path, TYPES, expected_type, actual_type))
        return drifts
    if expected_type == "object":
        drifts.extend(_compare_objects(expected, actual, aspects, path))
    elif expected_type == "array":
        for index, (left, right) in enumerate(zip(expected, actual, strict=False)):
            drifts.extend(compare(left, right, aspects, f"{path}[{index}]"))
    elif expected_type == "string" and NUMBERS in aspects:
        left, right = number_formats(expected), number_formats(actual)
        if left is not None and right is not None and not left & right:
            drifts.append(Drift(path, NUMBERS, describe_formats(left), describe_formats(right)))
    return drifts


def _compare_objects(expected: dict[str, Any], actual: dict[str, Any], aspects: tuple[str, ...],
                     path: str) -> list[Drift]:
    drifts: list[Drift] = []
    if KEYS in aspects:
        for key in expected:
            if key not in actual:
                drifts.append(Drift(_join(path, key), KEYS, "present", "missing"))
        for key in actual:
            if key not in expected:
                drifts.append(Drift(_join(path, key), KEYS, "absent", "present"))
    if ORDER in aspects:
        left = [key for key in expected if key in actual]
        right = [key for key in actual if key in expected]
        if left != right:
            drifts.append(Drift(path, ORDER, ", ".join(left), ", ".join(right)))
    for key, value in expected.items():
        if key in actual:
            drifts.extend(compare(value, actual[key], aspects, _join(path, key)))
    return drifts


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key
