"""JSON responses exactly as Binance sends them: compact, ordered, with its content type."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from flask import Response

# The official SDK parses error bodies only with this content type (spec §1).
JSON_CONTENT_TYPE = "application/json;charset=UTF-8"


# json.dumps(data, separators=(",", ":"), ensure_ascii=False), without building an encoder per answer.
_ENCODE = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False).encode


def json_response(data: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    response = Response(_ENCODE(data), status=status, content_type=JSON_CONTENT_TYPE)
    if headers:
        response.headers.update(headers)
    return response
