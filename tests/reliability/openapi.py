"""Binance's published OpenAPI file (2024) as a source of requests and of response schemas.

:func:`load` reads it through schemathesis (which also generates requests from it);
:func:`schema_disagreements` checks a success body against the operation's 200 schema
and names each mismatch as ``(operation, field path, problem)``, with list indices
folded (``orderReports[].price``) so one mismatch is one line however long the list.
Where the file and the digest disagree the digest wins (spec README): the known cases
are listed in ``KNOWN_DISAGREEMENTS`` and explained in docs/reliability.md.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from typing import Any

import pytest

from tests.reliability.support import OPENAPI

Disagreement = tuple[str, str, str]

# (operation, field, problem): the fake follows the digest here, not the 2024 file.
KNOWN_DISAGREEMENTS: frozenset[Disagreement] = frozenset({
    ('DELETE /sapi/v1/margin/openOrders', '[].orderReports[]', 'missing required "stopPrice"'),
    ('DELETE /sapi/v1/margin/orderList', 'orderReports[]', 'missing required "stopPrice"'),
    ('DELETE /api/v3/openOrders', '[].orderReports[]', 'missing required "stopPrice"'),
    ('DELETE /api/v3/orderList', 'orderReports[]', 'missing required "stopPrice"'),
    ('POST /api/v3/orderList/oco', 'orderReports[]', 'missing required "stopPrice"'),
    ('GET /api/v3/allOrderList', '[]', 'missing required "isIsolated"'),
    ('GET /api/v3/exchangeInfo', 'symbols[].filters[]', 'missing required "maxPrice"'),
    ('GET /api/v3/exchangeInfo', 'symbols[].filters[]', 'missing required "minPrice"'),
    ('GET /api/v3/exchangeInfo', 'symbols[].filters[]', 'missing required "tickSize"'),
    ('GET /api/v3/aggTrades', '[].T', 'not of type "boolean"'),
    ('GET /api/v3/ticker', '(body)', 'not of type "object"'),
    ('GET /sapi/v1/margin/isolated/account', '(body)', 'missing required "totalAssetOfBtc"'),
    ('GET /sapi/v1/margin/maxTransferable', '(body)', 'missing required "borrowLimit"'),
    ('POST /sapi/v1/margin/manual-liquidation', '(body)', 'not of type "array"'),
    ('GET /sapi/v1/margin/tradeCoeff', '(body)', 'missing required "amount"'),
    ('GET /sapi/v1/margin/tradeCoeff', '(body)', 'missing required "borrowLimit"'),
    ('GET /sapi/v1/margin/isolated/account', '(body)', 'missing required "totalLiabilityOfBtc"'),
    ('GET /sapi/v1/margin/isolated/account', '(body)', 'missing required "totalNetAssetOfBtc"'),
    ('POST /sapi/v1/margin/order/oco', '(body)', 'missing required "marginBuyBorrowAmount"'),
    ('POST /sapi/v1/margin/order/oco', '(body)', 'missing required "marginBuyBorrowAsset"'),
    ('POST /sapi/v1/margin/order/oco', 'orderReports[]', 'missing required "stopPrice"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "cummulativeQuoteQty"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "executedQty"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "origQty"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "price"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "selfTradePreventionMode"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "side"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "status"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "timeInForce"'),
    ('POST /sapi/v1/margin/order/oto', 'orderReports[]', 'missing required "type"'),
})


def available() -> bool:
    """Whether the file and schemathesis are both here (else the schema checks are skipped)."""
    return OPENAPI.exists() and importlib.util.find_spec("schemathesis") is not None


def schemathesis_module() -> Any:
    if not OPENAPI.exists():
        pytest.skip(f"Binance's OpenAPI file is not at {OPENAPI}")
    return pytest.importorskip("schemathesis", reason="schemathesis is in the test extra (pyproject)")


@cache
def load() -> Any:
    """The schemathesis schema of the whole file (about 2 s, once per session)."""
    return schemathesis_module().openapi.from_path(str(OPENAPI))


def operation(method: str, path: str) -> Any | None:
    """The file's operation for ``method path``, or None when the file does not describe it."""
    raw = load().raw_schema
    if method.lower() not in raw["paths"].get(path, {}):
        return None
    return load()[path][method.upper()]


def _resolve(node: Any, root: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/") and ref not in seen:
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part]
            return _resolve(target, root, seen + (ref,))
        return {key: _resolve(value, root, seen) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, root, seen) for item in node]
    return node


@cache
def success_schema(method: str, path: str) -> dict[str, Any] | None:
    """The 200 response's JSON schema with every ``$ref`` inlined, or None."""
    raw = load().raw_schema
    try:
        content = raw["paths"][path][method.lower()]["responses"]["200"]["content"]
    except KeyError:
        return None
    schema = content.get("application/json", {}).get("schema")
    return None if schema is None else _resolve(schema, raw)


def _field(instance_path: list[Any]) -> str:
    text = ""
    for part in instance_path:
        text += "[]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "(body)"


_VALIDATORS: dict[int, tuple[Any, Any]] = {}


def _validator(schema: dict[str, Any]) -> Any:
    """A compiled validator per schema object (the schemas are cached, so their ids are stable)."""
    held = _VALIDATORS.get(id(schema))
    if held is None or held[0] is not schema:
        import jsonschema_rs

        held = _VALIDATORS[id(schema)] = (schema, jsonschema_rs.validator_for(schema))
    return held[1]


def _has_choice(schema: Any) -> bool:
    return isinstance(schema, dict) and ("oneOf" in schema or "anyOf" in schema)


def _errors(schema: dict[str, Any], body: Any, at: list[Any] | None = None) -> list[tuple[str, str]]:
    at = at or []
    for key in ("oneOf", "anyOf"):
        if key in schema:
            # The branch the body matches best explains the mismatch (ACK / RESULT / FULL ...).
            options = [_errors(branch, body, at) for branch in schema[key]]
            return min(options, key=len)
    if isinstance(body, list) and _has_choice(schema.get("items")):
        # A list of alternatives (cancel-all: orders and lists): each item against its best branch.
        return sorted({e for item in body for e in _errors(schema["items"], item, at + [0])})
    found = []
    for error in _validator(schema).iter_errors(body):
        message = re.sub(r"^.* is not of type", "not of type", error.message)
        message = re.sub(r"^(\S+) is a required property", r"missing required \1", message)
        found.append((_field(at + list(error.instance_path)), message))
    return sorted(set(found))


# The 2024 file describes only the FULL statistics tickers; a MINI answer (type=MINI: rows
# without priceChange, as rest-api.md documents them) is not checked against it.
MINI_TICKER_PATHS = frozenset({"/api/v3/ticker/24hr", "/api/v3/ticker", "/api/v3/ticker/tradingDay"})


def _is_mini_ticker(path: str, body: Any) -> bool:
    rows = body if isinstance(body, list) else [body]
    return path in MINI_TICKER_PATHS and bool(rows) and all(
        isinstance(row, dict) and "priceChange" not in row for row in rows)


def schema_disagreements(method: str, path: str, body: Any) -> set[Disagreement]:
    """Where ``body`` (a 200 answer) differs from the file's schema for ``method path``."""
    schema = success_schema(method, path)
    if schema is None or _is_mini_ticker(path, body):
        return set()
    label = f"{method} {path}"
    return {(label, field, problem) for field, problem in _errors(schema, body)}
