"""Typed request parameters, read from the query string and the form body alike.

The policy for duplicates, empties, unknown parameters and malformed values is decided
here once (spec §1, §10, §12): a key repeated within the query or the body → -1101; a key
in both → the query-string value wins; ``key=`` → -1102 for a mandatory parameter, -1105
otherwise; a parameter the endpoint does not read → -1104 with Binance's counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any

from mock_exchange.core import errors
from mock_exchange.core.decimals import DECIMAL_PATTERN, parse_decimal
from mock_exchange.core.errors import BinanceError

# Binance's legal ranges, quoted verbatim in its -1100 message (spec §1). Matched in full
# (see matches_in_full), never with re.match.
CLIENT_ID_PATTERN = r"^[\.A-Z\:/a-z0-9_-]{1,36}$"
SYMBOL_PATTERN = r"^[A-Z0-9-_.]{1,20}$"
LONG_PATTERN = r"^-?[0-9]{1,20}$"
RECV_WINDOW_PATTERN = r"^[0-9]{1,20}(\.[0-9]{1,3})?$"
# A symbol list: no spaces, no trailing comma.
SYMBOLS_PATTERN = r"^\[(\"[A-Z0-9-_.]{1,20}\"(,\"[A-Z0-9-_.]{1,20}\"){0,}){0,1}\]$"


class Kind(Enum):
    STRING = "string"
    SYMBOL = "symbol"
    DECIMAL = "decimal"
    LONG = "long"
    ENUM = "enum"
    BOOL_STR = "bool_str"  # "TRUE" / "FALSE" (isIsolated)
    BOOLEAN = "boolean"  # "true" / "false" (autoRepayAtCancel)
    CLIENT_ID = "client_id"
    RECV_WINDOW = "recv_window"


@dataclass(frozen=True)
class Param:
    """One parameter an endpoint reads."""

    name: str
    kind: Kind = Kind.STRING
    required: bool = False
    values: tuple[str, ...] = ()
    # Binance answers a few enums with their own code (-1115 / -1116 / -1117).
    bad_value: Callable[[], BinanceError] | None = None


def enum(name: str, values: tuple[str, ...], required: bool = False,
         bad_value: Callable[[], BinanceError] | None = None) -> Param:
    return Param(name, Kind.ENUM, required, values, bad_value)


# Every signed endpoint also reads these.
SIGNED_PARAMS = (Param("timestamp", Kind.LONG), Param("recvWindow", Kind.RECV_WINDOW), Param("signature"))


# Possessive (``++``): a plain ``+`` over a group keeps a backtracking entry per escape
# (146 MiB for a million of them); this one keeps none.
_ESCAPE_RUN = re.compile(r"(?:%[0-9A-Fa-f]{2})++")


def unquote_form(text: str, errors: str = "strict") -> str:
    """``urllib.parse.unquote_plus(text, errors=errors)``, without its cost on long escaped values.

    urllib splits the text at every ``%`` and holds each piece as an object at once: a 3 MB
    value of escapes (a 1 MB value of ``é``) took 226 MiB for a moment. Each run of escapes is
    decoded here in one piece instead, a few times the value's size. The result is the same:
    a UTF-8 sequence can only be broken by a literal character, which ends a run either way.
    """
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    return _ESCAPE_RUN.sub(lambda run: bytes.fromhex(run.group().replace("%", "")).decode("utf-8", errors), text)


def decode_pairs(raw: str, errors: str = "strict") -> list[tuple[str, str]]:
    """``a=1&b=2`` as decoded pairs, as ``parse_qsl(raw, keep_blank_values=True, errors=errors)``."""
    pairs = []
    for part in raw.split("&"):
        if not part:
            continue
        key, _, value = part.partition("=")
        pairs.append((unquote_form(key, errors), unquote_form(value, errors)))
    return pairs


def split_pairs(raw: str) -> list[tuple[str, str]]:
    """``a=1&b=2`` as decoded pairs; -1100 when the percent-encoding is not valid UTF-8."""
    try:
        return decode_pairs(raw)
    except UnicodeDecodeError as exc:
        raise errors.illegal_chars() from exc


def merge_sources(query: str, body: str) -> dict[str, str]:
    """Query and body parameters as one mapping (the query wins a clash)."""
    merged: dict[str, str] = {}
    for source in (split_pairs(body), split_pairs(query)):
        seen: set[str] = set()
        for key, value in source:
            if key in seen:
                raise errors.duplicate_param()
            seen.add(key)
            merged[key] = value
    return merged


def check_known(raw: Mapping[str, str], known: frozenset[str]) -> None:
    """-1104 when a parameter was sent that the endpoint does not read (``known``: the names it reads)."""
    if known.issuperset(raw):
        return
    read = sum(1 for key in raw if key in known)
    if read != len(raw):
        raise errors.unread_params(read, len(raw))


def parse_params(raw: Mapping[str, str], spec: tuple[Param, ...]) -> dict[str, Any]:
    """Typed values by wire name; absent optional parameters are left out."""
    values: dict[str, Any] = {}
    for param in spec:
        if param.name not in raw:
            if param.required:
                raise errors.mandatory_param_missing(param.name)
            continue
        text = raw[param.name]
        if text == "":
            raise errors.mandatory_param_missing(param.name) if param.required else errors.param_empty(param.name)
        values[param.name] = parse_value(param, text)
    return values


_PATTERNS = {Kind.LONG: LONG_PATTERN, Kind.RECV_WINDOW: RECV_WINDOW_PATTERN,
             Kind.SYMBOL: SYMBOL_PATTERN, Kind.CLIENT_ID: CLIENT_ID_PATTERN}


def matches_in_full(pattern: str, text: str) -> bool:
    """Whether all of ``text`` matches ``pattern``.

    Always a full match: with ``re.match`` a ``$`` also matches before a trailing newline,
    so ``quantity=1%0A`` or a client id ending in a newline would pass.
    """
    return re.fullmatch(pattern, text) is not None


# Compiled once: re.fullmatch(pattern, text) looks its pattern up in re's cache on every call.
_FULL_MATCHERS = {kind: re.compile(pattern).fullmatch for kind, pattern in _PATTERNS.items()}


def parse_value(param: Param, text: str) -> Any:
    """One value of ``param``'s kind, or Binance's error for it."""
    kind = param.kind
    if kind is Kind.DECIMAL:
        value: Decimal | None = parse_decimal(text)
        if value is None:
            raise errors.illegal_chars(param.name, DECIMAL_PATTERN)
        return value
    matcher = _FULL_MATCHERS.get(kind)
    if matcher is not None:
        if matcher(text) is None:  # a full match, as matches_in_full
            raise errors.illegal_chars(param.name, _PATTERNS[kind])
        if kind is Kind.LONG:
            return int(text)
        return Decimal(text) if kind is Kind.RECV_WINDOW else text
    if kind is Kind.ENUM:
        if text not in param.values:
            raise (param.bad_value or (lambda: errors.invalid_param_value(param.name)))()
        return text
    if kind is Kind.BOOL_STR:
        # Binance documents "TRUE"/"FALSE" and is seen to accept lower case (spec §1).
        upper = text.upper()
        if upper not in ("TRUE", "FALSE"):
            raise errors.invalid_param_value(param.name)
        return upper == "TRUE"
    if kind is Kind.BOOLEAN:
        lower = text.lower()
        if lower not in ("true", "false"):
            raise errors.invalid_param_value(param.name)
        return lower == "true"
    return text
