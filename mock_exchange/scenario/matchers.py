"""Expected values in ``expect`` steps: exact values, field maps and simple matchers.

- a scalar matches by equality; two decimals (numbers or numeric strings) compare by value,
  so ``"0.001"`` matches ``"0.00100000"`` (use ``{text: ...}`` for the exact rendering);
- a mapping of field paths matches an object partially (fields not named are ignored);
- a list matches a list of the same length item by item;
- ``any`` (present, any value) and the matcher mappings ``{eq|ne|gt|gte|lt|lte: x}``,
  ``{contains: x}``, ``{len: n}``, ``{matches: regex}``, ``{one_of: [..]}``,
  ``{text: "..."}``, ``{absent: true}``; several keys in one matcher must all hold.
"""

from __future__ import annotations

import difflib
import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from mock_exchange.scenario.located import line_of
from mock_exchange.scenario.paths import MISSING, PathError, format_path, get_path, parse_path, render
from mock_exchange.scenario.references import REFERENCE
from mock_exchange.scenario.suggest import did_you_mean

ANY = "any"
COMPARISONS = ("gt", "gte", "lt", "lte")
MATCHER_KEYS = frozenset({"eq", "ne", *COMPARISONS, "contains", "len", "matches", "one_of", "text", "absent"})
_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


@dataclass(frozen=True)
class Mismatch:
    """One expectation that did not hold: where, what was expected, what was there."""

    path: str
    expected: str
    actual: str
    line: int = 0

    def describe(self) -> str:
        where = f"{self.path}: " if self.path else ""
        return f"{where}expected {self.expected}, got {self.actual}"


def is_matcher(value: Any) -> bool:
    """True for ``any`` and for a mapping whose keys are matcher names."""
    if isinstance(value, str) and value == ANY:
        return True
    return isinstance(value, dict) and bool(value) and any(k in MATCHER_KEYS for k in value)


def as_decimal(value: Any) -> Decimal | None:
    """The value as a Decimal when it is a number or a numeric string, else None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str) and _DECIMAL.fullmatch(value.strip()):
        try:
            return Decimal(value.strip())
        except InvalidOperation:
            return None
    return None


def show(value: Any, limit: int = 160) -> str:
    """A compact rendering for messages: strings quoted, mappings in YAML flow style."""
    text = _show(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _show(value: Any) -> str:
    if value is MISSING:
        return "nothing (field absent)"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_show(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return render(value)


# -- static checks ---------------------------------------------------------------


def check_expected(expected: Any, path: str = "", line: int = 0) -> list[tuple[int, str]]:
    """Problems with an expected value, as ``(line, reason)``, before anything runs."""
    if isinstance(expected, dict):
        if is_matcher(expected):
            return _check_matcher(expected, path, line)
        problems: list[tuple[int, str]] = []
        for key, item in expected.items():
            key_line = line_of(expected, key, line)
            near = _near_matcher(key)
            if near:
                reason = f"{path or 'value'}: bad matcher: unknown key {key!r} (did you mean {near!r}?)"
                problems.append((key_line, reason))
                continue
            try:
                parse_path(str(key))
            except PathError as exc:
                problems.append((key_line, f"{format_path(path, key)}: bad field path: {exc}"))
                continue
            problems.extend(check_expected(item, format_path(path, key), key_line))
        return problems
    if isinstance(expected, list):
        problems = []
        for index, item in enumerate(expected):
            problems.extend(check_expected(item, format_path(path, index), line_of(expected, index, line)))
        return problems
    return []


def _near_matcher(key: Any) -> str | None:
    """A matcher name ``key`` looks like a typo of (``lenght`` → ``len``), else None."""
    if not isinstance(key, str) or key in MATCHER_KEYS:
        return None
    close = difflib.get_close_matches(key, sorted(MATCHER_KEYS), n=1, cutoff=0.6)
    # Sharing the first two letters keeps real fields such as asset/absent or seq/eq apart.
    if close and key[:2] == close[0][:2]:
        return close[0]
    return None


def _check_matcher(spec: dict[Any, Any], path: str, line: int) -> list[tuple[int, str]]:
    unknown = [k for k in spec if k not in MATCHER_KEYS]
    if unknown:
        reason = (f"{path or 'value'}: bad matcher: unknown key {unknown[0]!r} next to matcher keys"
                  f"{did_you_mean(unknown[0], MATCHER_KEYS)} (matchers: any, {', '.join(sorted(MATCHER_KEYS))})")
        return [(line_of(spec, unknown[0], line), reason)]
    problems: list[tuple[int, str]] = []
    for key, arg in spec.items():
        where = line_of(spec, key, line)
        problem = _matcher_argument_problem(key, arg)
        if problem:
            problems.append((where, f"{path or 'value'}: bad matcher {{{key}: {show(arg)}}}: {problem}"))
        elif key in ("eq", "ne", "contains"):
            problems.extend(check_expected(arg, path, where))
    return problems


def _matcher_argument_problem(key: str, arg: Any) -> str | None:
    if isinstance(arg, str) and REFERENCE.search(arg):
        return None  # checked once resolved
    if key in COMPARISONS and as_decimal(arg) is None:
        return "needs a number"
    if key == "len" and not (isinstance(arg, int) and not isinstance(arg, bool) and arg >= 0) and not is_matcher(arg):
        return "needs a non-negative integer or a matcher"
    if key == "matches":
        if not isinstance(arg, str):
            return "needs a regular expression string"
        try:
            re.compile(arg)
        except re.error as exc:
            return f"invalid regular expression: {exc}"
    if key == "one_of" and not isinstance(arg, list):
        return "needs a list of values"
    if key == "absent" and arg is not True:
        return "write {absent: true}"
    if key == "text" and not isinstance(arg, (str, int, Decimal)):
        return "needs the exact text"
    return None


# -- matching --------------------------------------------------------------------


def match(expected: Any, actual: Any, path: str = "", line: int = 0) -> list[Mismatch]:
    """Every way ``actual`` fails ``expected`` (empty when it matches)."""
    if isinstance(expected, str) and expected == ANY:
        return [] if actual is not MISSING else [Mismatch(path, "any value", show(actual), line)]
    if isinstance(expected, dict) and is_matcher(expected):
        return _match_matcher(expected, actual, path, line)
    if isinstance(expected, dict):
        if not isinstance(actual, (dict, list)):
            return [Mismatch(path, "an object", show(actual), line)]
        found: list[Mismatch] = []
        for key, item in expected.items():
            key_line = line_of(expected, key, line)
            value = get_path(actual, parse_path(str(key)))
            found.extend(match(item, value, format_path(path, key), key_line))
        return found
    if isinstance(expected, list):
        if not isinstance(actual, list):
            return [Mismatch(path, f"a list of {len(expected)}", show(actual), line)]
        if len(actual) != len(expected):
            return [Mismatch(path, f"{len(expected)} item(s)", f"{len(actual)}: {show(actual)}", line)]
        found = []
        for index, item in enumerate(expected):
            found.extend(match(item, actual[index], format_path(path, index), line_of(expected, index, line)))
        return found
    if actual is MISSING or not equal(expected, actual):
        return [Mismatch(path, show(expected), show(actual), line)]
    return []


def equal(expected: Any, actual: Any) -> bool:
    """Equality with decimals compared by value and booleans never equal to numbers."""
    if expected is None or actual is None:
        return expected is None and actual is None
    if isinstance(expected, bool) or isinstance(actual, bool):
        return isinstance(expected, bool) and isinstance(actual, bool) and expected == actual
    left, right = as_decimal(expected), as_decimal(actual)
    if left is not None and right is not None:
        return left == right
    if isinstance(expected, (dict, list)) or isinstance(actual, (dict, list)):
        return not match(expected, actual)
    return render(expected) == render(actual)


def _match_matcher(spec: dict[Any, Any], actual: Any, path: str, line: int) -> list[Mismatch]:
    found: list[Mismatch] = []
    for key, arg in spec.items():
        where = line_of(spec, key, line)
        if key == "absent":
            if actual is not MISSING:
                found.append(Mismatch(path, "no such field", show(actual), where))
            continue
        if actual is MISSING:
            found.append(Mismatch(path, f"{{{key}: {show(arg)}}}", show(actual), where))
            continue
        reason = _failure(key, arg, actual, path, where)
        if reason is not None:
            found.append(reason)
    return found


def _failure(key: str, arg: Any, actual: Any, path: str, line: int) -> Mismatch | None:
    wanted = f"{{{key}: {show(arg)}}}"
    if key == "eq":
        return None if not match(arg, actual) else Mismatch(path, show(arg), show(actual), line)
    if key == "ne":
        return Mismatch(path, f"anything but {show(arg)}", show(actual), line) if equal(arg, actual) else None
    if key in COMPARISONS:
        left, right = as_decimal(actual), as_decimal(arg)
        if left is None or right is None:
            return Mismatch(path, f"a number {wanted}", show(actual), line)
        holds = {"gt": left > right, "gte": left >= right, "lt": left < right, "lte": left <= right}[key]
        return None if holds else Mismatch(path, wanted, show(actual), line)
    if key == "contains":
        return None if _contains(actual, arg) else Mismatch(path, wanted, show(actual), line)
    if key == "len":
        if not isinstance(actual, (list, dict, str)):
            return Mismatch(path, f"something with a length {wanted}", show(actual), line)
        inner = (
            match(arg, len(actual), f"len({path})", line)
            if is_matcher(arg)
            else (
                []
                if len(actual) == arg
                else [Mismatch(path, f"length {arg}", f"length {len(actual)}: {show(actual)}", line)]
            )
        )
        return inner[0] if inner else None
    if key == "matches":
        return (
            None
            if re.search(str(arg), render(actual))
            else Mismatch(path, f"text matching /{arg}/", show(actual), line)
        )
    if key == "one_of":
        return (
            None
            if any(equal(option, actual) for option in arg)
            else Mismatch(path, f"one of {show(arg)}", show(actual), line)
        )
    if key == "text":
        return (
            None
            if render(actual) == render(arg)
            else Mismatch(path, f"exactly {show(render(arg))}", show(actual), line)
        )
    return Mismatch(path, f"a known matcher, not {key!r}", show(actual), line)


def _contains(actual: Any, wanted: Any) -> bool:
    if isinstance(actual, str):
        return render(wanted) in actual
    if isinstance(actual, list):
        return any(not match(wanted, item) for item in actual)
    if isinstance(actual, dict):
        if isinstance(wanted, dict):
            return not match(wanted, actual)
        return render(wanted) in actual
    return False
