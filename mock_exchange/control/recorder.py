"""Builds a journal entry from each Binance request and its response (Flask hooks).

Secrets never reach the journal: the ``signature`` parameter is dropped, the API key
header is masked, and cookies, ``Authorization`` and the control token are left out.

Nor does anything large: an entry keeps a bounded prefix of the query, the body, each
header and the response (:data:`KEPT`), and of a request whose API key names no account
only a small prefix of its body; what was cut is listed in the entry's ``truncated``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from flask import Request, Response, request
from werkzeug.datastructures import EnvironHeaders
from werkzeug.exceptions import RequestEntityTooLarge

from mock_exchange import nesting
from mock_exchange.control.journal import COMPLETE
from mock_exchange.control.routes import is_control_path
from mock_exchange.core.errors import BinanceError
from mock_exchange.web.explain import is_credential_field
from mock_exchange.web.params import merge_sources
from mock_exchange.web.request_context import RequestContext, has_body
from mock_exchange.web.runtime import ExchangeRuntime

MASK = "***"
# How much of each part of an exchange an entry keeps, in bytes.
KEPT = {"query": 8 * 1024, "body": 16 * 1024, "unauthenticated_body": 512, "header": 512,
        "response": 64 * 1024}
MAX_HEADERS = 32
# Dicts, strings and parsed copies cost more than the raw bytes: the estimate an entry
# counts against the journal's byte bound is this much per entry plus three times its bytes.
ENTRY_OVERHEAD = 1024
_DROPPED_HEADERS = {"cookie", "authorization", "x-mock-token", "proxy-authorization"}
_MASKED_HEADERS = {"x-mbx-apikey"}
_SECRET_PARAMS = {"signature"}
# What an entry keeps to parse on read: method, query, body, mimetype, header environ (flat), answer.
RawExchange = tuple[str, bytes, bytes, str, tuple[str, ...], bytes | None]


def record_request(response: Response, runtime: ExchangeRuntime, context: RequestContext | None,
                   received: Request) -> None:
    """Append the finished Binance request to the journal; control requests are not recorded.

    The entry's filterable fields are set now; ``params``, ``headers`` and ``response`` are
    kept as the raw text, bytes and header values received and sent, and parsed only when
    the entry is read (the journal hands what is under ``COMPLETE`` to :func:`complete_entry`).
    Parsing them for every request cost more than the rest of a placement's web layer, and
    most entries are never read.
    """
    if runtime.journal is None or _is_control(received.path):
        return
    arrival = context.arrival_ms if context is not None else None
    account = context.account_name if context is not None else None
    truncated: list[str] = []
    body_kept = KEPT["body"] if account is not None else KEPT["unauthenticated_body"]
    # Strings and bytes in tuples: a tuple holding nothing else stops being tracked by the garbage
    # collector at its first collection, and the entry holding it at its first full collection
    # (see Journal), so the kept entries are not rescanned by every later one.
    raw = (received.method, _prefix(received.query_string, KEPT["query"], "query", truncated),
           _prefix(_raw_body(received), body_kept, "body", truncated), _mimetype(received),
           _header_environ(received.environ, truncated), _response_prefix(response, truncated))
    entry = {
        "seq": 0,  # the journal's, set under its lock
        "time_ms": arrival if arrival is not None else runtime.exchange.clock.now_ms(),
        "method": received.method,
        "path": received.path,
        "params": None,
        "headers": None,
        "account": account,
        "weight": context.weight if context is not None else 0,
        "status": response.status_code,
        "response": None,
        "fault": context.fault if context is not None else None,
        "explanation": context.explanation.to_json() if context is not None and context.explanation else None,
        COMPLETE: raw,
    }
    if truncated:
        entry["truncated"] = truncated

    def numbered(seq: int) -> dict[str, Any]:
        entry["seq"] = seq
        return entry

    runtime.journal.record(numbered, entry_bytes(raw, entry["explanation"]))


def complete_entry(entry: dict[str, Any], raw: RawExchange) -> None:
    """An entry's ``params``, ``headers`` and ``response`` parsed from what ``record_request`` kept raw."""
    method, query, body, mimetype, header_environ, answer = raw
    entry["params"] = parse_params(method, mimetype, query, body)
    pairs = zip(header_environ[::2], header_environ[1::2], strict=True)
    entry["headers"] = clean_headers(EnvironHeaders(dict(pairs)).items())
    entry["response"] = _parse_json(answer)


def entry_bytes(raw: RawExchange, explanation: Any) -> int:
    """An entry's estimated memory, counted against the journal's byte bound."""
    _, query, body, _, header_environ, answer = raw
    kept = len(query) + len(body) + len(answer or b"") + sum(len(part) for part in header_environ)
    if explanation is not None:
        kept += len(str(explanation))
    return ENTRY_OVERHEAD + 3 * kept


def _prefix(data: bytes, limit: int, part: str, truncated: list[str]) -> bytes:
    if len(data) <= limit:
        return data
    truncated.append(part)
    return data[:limit]  # a copy: the request's own (large) bytes are freed with the request


def _raw_body(received: Request) -> bytes:
    if received.method == "GET" or not has_body(received):
        return b""
    if _mimetype(received) not in ("", "application/x-www-form-urlencoded"):
        return b""
    try:
        return received.get_data(cache=True)
    except RequestEntityTooLarge:
        # Already answered 413; the journal keeps the request without its body.
        return b""


def _mimetype(received: Request) -> str:
    # Without a Content-Type the mimetype is "", known without parsing the headers.
    return received.mimetype if received.environ.get("CONTENT_TYPE") else ""


def _header_environ(environ: dict[str, Any], truncated: list[str]) -> tuple[str, ...]:
    """The environ entries ``EnvironHeaders`` reads (the request's headers), bounded: key, value, key, value..."""
    headers: list[str] = []
    limit = KEPT["header"]
    for key, value in environ.items():
        if key[:5] != "HTTP_" and key != "CONTENT_TYPE" and key != "CONTENT_LENGTH":
            continue
        if len(headers) == 2 * MAX_HEADERS:
            truncated.append("headers")
            break
        if isinstance(value, str) and len(value) > limit:
            value = value[:limit]
            if "header" not in truncated:
                truncated.append("header")
        headers += (key, value)
    return tuple(headers)


def _response_prefix(response: Response, truncated: list[str]) -> bytes | None:
    # A streamed (dropped-connection) response must not be consumed here.
    if response.is_streamed or response.direct_passthrough:
        return None
    data = _body_of(response)
    if len(data) > KEPT["response"]:
        truncated.append("response")
        return None  # a cut JSON document says nothing; its status and size are in the entry
    return data


def _body_of(response: Response) -> bytes:
    """``response.get_data()``: a JSON answer's one chunk of bytes as it is, without joining an iterator."""
    chunks = response.response
    if type(chunks) is list and len(chunks) == 1 and type(chunks[0]) is bytes:
        return chunks[0]
    return response.get_data()


def _is_control(path: str) -> bool:
    return is_control_path(path)


def request_params() -> dict[str, str]:
    """Query and form parameters as Binance reads them, without the signature."""
    return parse_params(request.method, request.mimetype, request.query_string, _raw_body(request))


def parse_params(method: str, mimetype: str, raw_query: bytes, raw_body: bytes) -> dict[str, str]:
    """Query and form parameters as Binance reads them, without the signature."""
    query = raw_query.decode("latin-1")
    body = ""
    if method != "GET" and mimetype in ("", "application/x-www-form-urlencoded"):
        body = raw_body.decode("latin-1")
    try:
        raw = merge_sources(_utf8(query), _utf8(body))
    except BinanceError:
        # Duplicated or badly encoded parameters: still show what was sent, leniently.
        raw = {}
        for source in (body, query):
            raw.update(parse_qsl(source, keep_blank_values=True, errors="replace"))
    # A beginner may send the API key or the secret as a parameter: kept as a name, never a value.
    return {key: MASK if is_credential_field(key) else value for key, value in raw.items()
            if key not in _SECRET_PARAMS}


def _utf8(text: str) -> str:
    try:
        return text.encode("latin-1").decode("utf-8")
    except UnicodeDecodeError:
        return text.encode("latin-1").decode("utf-8", errors="replace")


def request_headers() -> dict[str, str]:
    return clean_headers(request.headers.items())


def clean_headers(items: Iterable[tuple[str, str]]) -> dict[str, str]:
    """Headers without cookies and credentials, the API key masked."""
    headers: dict[str, str] = {}
    for key, value in items:
        lower = key.lower()
        if lower in _DROPPED_HEADERS:
            continue
        headers[key] = MASK if lower in _MASKED_HEADERS and value else value
    return headers


def _parse_json(body: bytes | None) -> Any:
    if body is None:
        return None
    try:
        return nesting.loads(body)
    except (ValueError, UnicodeDecodeError):
        return None
