"""Why was I rejected? The explanation the fake gives beside every rejection.

Binance's answer stays byte-exact (``{"code": -1022, "msg": "..."}``); beside it the fake
says, in one line, what it checked and what the client most likely did wrong. The line
goes to the ``X-Mock-Explain`` response header (on by default; ``explain_header: false``
in the config or ``serve --no-explain-header`` turns it off), to the journal entry
(``explanation``), to the request log, and to ``GET /mock/v1/explain/last``.

One explainer per Binance code lives here (``_EXPLAINERS``); the signature diagnosis, the
largest, is in :mod:`mock_exchange.core.signature_diagnosis`. Explanations are built only
for rejections, from the request as received, and never hold a secret, a full signature
or a full API key.
"""

from __future__ import annotations

import copy
import difflib
import json
import logging
import posixpath
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from flask import Response, current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from mock_exchange.control.routes import is_control_path
from mock_exchange.core.errors import BinanceError
from mock_exchange.web.endpoint_catalog import ALL, MARGIN_NEW_ORDER, MARGIN_ORDER_REF
from mock_exchange.web.endpoints import Endpoint
from mock_exchange.web.order_params import order_ref
from mock_exchange.web.params import decode_pairs
from mock_exchange.web.request_context import RequestContext
from mock_exchange.web.runtime import ExchangeRuntime
from mock_exchange.web.unsupported import explain_unsupported

if TYPE_CHECKING:
    from mock_exchange.core.accounts import Account
    from mock_exchange.core.signature_diagnosis import KeySet

log = logging.getLogger(__name__)
HEADER = "X-Mock-Explain"
CONTROL_PREFIX = "/mock/v1"
MAX_HEADER_CHARS = 2000
MAX_SHOWN_PAYLOAD = 400  # in the one-line text
MAX_DETAIL_PAYLOAD = 4096  # in the journal's and the control API's details
_FORM = "application/x-www-form-urlencoded"
# Parameter names whose values are never echoed (a beginner may send the secret as a field).
_SECRET_NAMES = re.compile(r"secret|signature|api_?key|password|token", re.IGNORECASE)
_UNEMULATED_PREFIXES = ("/fapi/", "/dapi/", "/papi/", "/eapi/")


def _margin_order_paths(catalog: tuple[Endpoint, ...]) -> str:
    """Where margin orders and order lists are placed, read from the endpoint catalog so the hint
    cannot drift from what is served: "the margin order is POST /sapi/v1/margin/order, order lists
    /sapi/v1/margin/order/oco|oto|otoco" (the lists' paths written once up to where they differ)."""
    placements = [e for e in catalog if e.family == "sapi" and e.order_count]
    (single,) = [e for e in placements if e.order_count == 1]
    lists = [e.path for e in placements if e.order_count > 1]
    stem = posixpath.commonpath(lists) + "/"
    kinds = "|".join(path.removeprefix(stem) for path in lists)
    return f"the margin order is {single.method} {single.path}, order lists {stem}{kinds}"


MARGIN_ORDER_PATHS = _margin_order_paths(ALL)
MARGIN_ORDER = f"{MARGIN_NEW_ORDER.method} {MARGIN_NEW_ORDER.path}"
MARGIN_FAMILY_PREFIX = MARGIN_NEW_ORDER.path.rsplit("/", 1)[0] + "/"  # /sapi/v1/margin/
WALL_CLOCK_HINT = 'POST /mock/v1/clock {"mode": "wall"}'


@dataclass(frozen=True)
class Explanation:
    """Why one request was rejected: Binance's code, a one-line text, a cause id and details."""

    code: int | None
    text: str
    cause: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"code": self.code, "cause": self.cause, "text": self.text, "details": dict(self.details)}

    @property
    def header_value(self) -> str:
        """The text as one ASCII line a header can carry."""
        text = self.text.encode("ascii", "backslashreplace").decode("ascii")
        text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
        return text if len(text) <= MAX_HEADER_CHARS else text[: MAX_HEADER_CHARS - 3] + "..."


# -- the hook ---------------------------------------------------------------------------


def explain_response(response: Response, runtime: ExchangeRuntime, context: RequestContext) -> None:
    """After a rejection: explain it, add the header, remember the explanation (in ``context`` too)."""
    if response.status_code < 400 or _is_control(request.path):
        return
    try:
        explanation = explain_current(response, runtime, context)
    except Exception:  # noqa: BLE001 - an explanation must never change Binance's answer
        log.exception("could not explain the rejection of %s %s", request.method, request.path)
        return
    if explanation is None:
        return
    context.explanation = explanation
    store = runtime.explanations
    if store is not None:
        store.remember(context.account_name, explanation, request.method, request.path,
                       response.status_code, runtime.exchange.clock.now_ms())
    if runtime.config.explain_header:
        response.headers[HEADER] = explanation.header_value


def _is_control(path: str) -> bool:
    return is_control_path(path)


def explain_current(response: Response, runtime: ExchangeRuntime, context: RequestContext) -> Explanation | None:
    """The explanation of the current request's rejection (``response``), or None."""
    code, msg = _binance_error(response)
    try:
        facts = _Facts.of_request(runtime, context)
    except RequestEntityTooLarge:
        return Explanation(code, "the request body is over the fake's 2 MB limit", "too_large")
    fault = context.fault
    if fault is not None and fault.get("kind") != "latency":  # a latency fault answers as the view did
        return _fault(facts, code, fault)
    if code is None:
        return None
    explainer = _EXPLAINERS.get(code, _generic)
    found = explainer(facts, code, msg)
    notes = [note for note in (_json_body_note(facts, found), _credentials_note(facts)) if note]
    if notes:
        found = Explanation(found.code, " ".join([found.text, *notes]), found.cause, found.details)
    return found


def _binance_error(response: Response) -> tuple[int | None, str]:
    if response.is_streamed or response.direct_passthrough:
        return None, ""
    try:
        body = json.loads(response.get_data())
    except (ValueError, UnicodeDecodeError):
        return None, ""
    if isinstance(body, dict) and isinstance(body.get("code"), int):
        return body["code"], str(body.get("msg", ""))
    return None, ""


# -- what was received ---------------------------------------------------------------------


@dataclass(frozen=True)
class _Facts:
    method: str
    path: str
    query: str
    body: str
    mimetype: str
    params: dict[str, str]  # query + form body, leniently decoded (the query wins a clash)
    json_fields: dict[str, Any] | None  # a JSON object body's fields
    api_key: str | None
    runtime: Any
    endpoint: Any  # web.endpoints.Endpoint, None when the path is no Binance endpoint
    account: Account | None  # the account the API key names, if any
    weight: int | None = None  # the weight the request was charged

    @classmethod
    def of_request(cls, runtime: ExchangeRuntime, context: RequestContext) -> _Facts:
        query = request.query_string.decode("latin-1")
        data = request.get_data(cache=True) if request.content_length != 0 else b""
        body = data.decode("latin-1")
        mimetype = request.mimetype or ""
        if context.parsed:
            params = dict(context.raw)  # as the pipeline parsed them, once
        else:  # malformed, or not a Binance endpoint: read leniently, to show what was sent
            params = {}
            if request.method != "GET" and mimetype in ("", _FORM):
                params.update(decode_pairs(body, errors="replace"))
            params.update(decode_pairs(query, errors="replace"))
        json_fields = None
        if body and (mimetype == "application/json" or mimetype.endswith("+json")):
            try:
                parsed = json.loads(data)
            except (ValueError, UnicodeDecodeError, RecursionError):
                parsed = None
            json_fields = parsed if isinstance(parsed, dict) else {}
        return cls(request.method, request.path, query, body, mimetype, params, json_fields,
                   request.headers.get("X-MBX-APIKEY"), runtime, context.endpoint, context.account,
                   context.charge.weight if context.charge is not None else None)

    @property
    def exchange(self) -> Any:
        return self.runtime.exchange

    def value(self, name: str) -> str:
        """A parameter's value, safe to show (secrets masked, long values cut)."""
        return show_value(name, self.params.get(name, ""))

    def where(self) -> str:
        return f"{self.method} {self.path}"


def show_value(name: str, value: str) -> str:
    if _SECRET_NAMES.search(name):
        return "***"
    return value if len(value) <= 60 else value[:57] + "..."


def masked_payload(payload: str, limit: int = MAX_SHOWN_PAYLOAD) -> str:
    """A signed payload safe to show: secret-looking values masked, cut to a readable length."""
    parts = []
    for part in payload.split("&"):
        key, sep, _ = part.partition("=")
        parts.append(f"{key}{sep}***" if sep and _SECRET_NAMES.search(key) else part)
    text = "&".join(parts)
    return text if len(text) <= limit else text[:limit] + "..."


def _iso(ms: int) -> str:
    try:
        return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}Z"
    except (OverflowError, ValueError, OSError):
        return str(ms)


def _did_you_mean(name: str, known: list[str]) -> str:
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    if not close:
        lowered = {k.lower(): k for k in known}
        close = [lowered[name.lower()]] if name.lower() in lowered else []
    return f" (did you mean {close[0]}?)" if close else ""


Explainer = Callable[[_Facts, int, str], Explanation]


# -- notes added to any rejection ------------------------------------------------------------


def _json_body_note(facts: _Facts, found: Explanation) -> str | None:
    if facts.json_fields is None or found.cause in ("sent_as_json", "json_body"):
        return None
    names = ", ".join(list(facts.json_fields)[:12]) or "none"
    return (f"The body is JSON ({facts.mimetype}): Binance reads application/x-www-form-urlencoded only, so its "
            f"fields ({names}) were not received; send them as a form body or in the query string.")


_CREDENTIAL_FIELDS = {"apikey", "api_key", "secret", "secretkey", "secret_key", "apisecret", "api_secret"}


def is_credential_field(name: str) -> bool:
    """Whether a parameter named ``name`` is an API key or a secret sent where it does not belong."""
    return name.lower() in _CREDENTIAL_FIELDS


def _credentials_note(facts: _Facts) -> str | None:
    names = set(facts.params) | set(facts.json_fields or {})
    sent = sorted(n for n in names if is_credential_field(n))
    if not sent:
        return None
    return (f"Do not send {', '.join(sent)} as parameters: the API key goes in the X-MBX-APIKEY header, and the "
            "secret never leaves your code - it signs query + body (HMAC-SHA256, hex) into signature=.")


# -- security: keys, timestamps, signatures -------------------------------------------------


def _api_key_format(facts: _Facts, code: int, msg: str) -> Explanation:
    if facts.api_key is None:
        text = f"{facts.where()} needs an API key: send it in the X-MBX-APIKEY header (none was sent)."
    else:
        text = f"{facts.where()} got an empty X-MBX-APIKEY header: send your API key in it."
    return Explanation(code, text, "no_api_key")


def _invalid_api_key(facts: _Facts, code: int, msg: str) -> Explanation:
    account = facts.account
    if account is not None and not account.margin_enabled:
        return Explanation(code, f"API key of account '{account.name}' is known but has no margin-trading permission "
                           f"(margin_enabled: false), which {facts.where()} (a TRADE endpoint) needs.",
                           "no_permission", {"account": account.name})
    key = facts.api_key or ""
    accounts = facts.exchange.account_list()
    names = [a.name for a in accounts]
    shown = show_key(key)
    hint = ""
    if key != key.strip() and any(a.api_key == key.strip() for a in accounts):
        hint = " It has whitespace around it: strip it."
    text = (f"No account has the API key {shown} ({len(key)} characters).{hint} The accounts are: "
            f"{', '.join(names) or 'none'} (GET /mock/v1/accounts; the demo key is printed by mock-exchange serve). "
            "IP restrictions are not emulated, so this is never about your IP.")
    return Explanation(code, text, "unknown_api_key", {"api_key": shown})


def show_key(key: str) -> str:
    """An API key shortened so it is recognisable but never shown whole."""
    return f"'{key[:6]}...'" if len(key) > 6 else "'***'"


def _timing(facts: _Facts, code: int, msg: str) -> Explanation:
    clock = facts.exchange.clock
    now = clock.now_ms()
    if code == -1131:
        window = facts.value("recvWindow")
        return Explanation(code, f"recvWindow={window} is over Binance's maximum of 60000 ms.", "recv_window_too_big",
                           {"recv_window": window})
    sent_text = facts.params.get("timestamp", "")
    try:
        sent = int(sent_text)
    except ValueError:
        return Explanation(code, f"timestamp={show_value('timestamp', sent_text)} is not a number of milliseconds.",
                           "bad_timestamp")
    shown_sent = sent // 1000 if sent > 10**14 else sent
    window = facts.params.get("recvWindow") or "5000"
    diff = shown_sent - now
    parts = [f"Server time {now} ({_iso(now)}), timestamp sent {sent_text}, difference {diff:+d} ms"]
    if diff >= 1000:
        parts.append("(Binance allows at most 1000 ms ahead).")
    else:
        parts.append(f"(older than recvWindow {window} ms).")
    cause = "timestamp_ahead" if diff >= 1000 else "timestamp_too_old"
    if 0 < sent < 10**11 and abs(sent * 1000 - now) < 10 * 86_400_000:
        parts.append("The timestamp looks like seconds, not milliseconds: send int(time.time() * 1000).")
        cause = "seconds_not_milliseconds"
    state = clock.state()
    if state.get("frozen"):
        parts.append(f"The server clock is frozen at {_iso(now)} (control API), while your client uses its own "
                     f"clock: return the server to wall time with {WALL_CLOCK_HINT}, or take timestamps from "
                     "GET /api/v3/time.")
        cause = "server_clock_frozen" if cause != "seconds_not_milliseconds" else cause
    elif state.get("offset_ms"):
        parts.append(f"The server clock is offset {int(state['offset_ms']):+d} ms from wall time (advanced or set "
                     f"through the control API): return it to wall time with {WALL_CLOCK_HINT}, or take timestamps "
                     "from GET /api/v3/time.")
        cause = "server_clock_offset" if cause != "seconds_not_milliseconds" else cause
    elif cause != "seconds_not_milliseconds":
        parts.append("Your clock and the server's differ: sync with GET /api/v3/time, or raise recvWindow "
                     "(at most 60000).")
    return Explanation(code, " ".join(parts), cause, {"server_time": now, "timestamp": sent_text,
                                                       "difference_ms": diff, "recv_window": window})


def _signature(facts: _Facts, code: int, msg: str) -> Explanation:
    # The diagnosis is imported with the first bad signature, not with the server (its start-up).
    from mock_exchange.core.signature_diagnosis import SignedRequest, diagnose

    account = facts.account
    if account is None:
        return Explanation(code, "The signature did not verify (no account was identified).", "no_account")
    others = [_keys(a) for a in facts.exchange.account_list() if a.name != account.name]
    received = SignedRequest(facts.method, facts.path, facts.query, facts.body, facts.mimetype)
    found = diagnose(received, _keys(account), others)
    payload = masked_payload(found.payload)
    cause = found.text if found.text.endswith(("?", ".")) else found.text + "."
    text = (f"Signature check failed: {cause} The server verified the payload (query + body as received, "
            f"signature removed): '{payload}'.")
    if found.expected is not None:
        text += f" Expected HMAC-SHA256 hex begins {found.expected} - yours begins {found.sent}"
    details = {
        "payload": masked_payload(found.payload, MAX_DETAIL_PAYLOAD),
        "expected_signature_begins": found.expected,
        "sent_signature_begins": found.sent,
        "key_types": _keys(account).kinds,
    }
    return Explanation(code, text, found.cause, details)


def _keys(account: Account) -> KeySet:
    from mock_exchange.core.signature_diagnosis import KeySet

    return KeySet(account.name, account.api_key, account.hmac_secret, account.rsa_public_key,
                  account.ed25519_public_key)


# -- parameters ---------------------------------------------------------------------------


def _known_params(facts: _Facts) -> list[str]:
    endpoint = facts.endpoint
    return [p.name for p in endpoint.all_params()] if endpoint is not None else []


def _quoted_name(msg: str) -> str | None:
    found = re.search(r"[Pp]aram(?:eter)? '([^']*)'", msg)
    return found.group(1) if found else None


def _missing(facts: _Facts, code: int, msg: str) -> Explanation:
    pair = re.search(r"Param '([^']*)' or '([^']*)'", msg)
    name = None if pair else _quoted_name(msg)
    endpoint = facts.endpoint
    if name == "timestamp":
        return Explanation(code, f"{facts.where()} is signed: send timestamp (ms since the epoch, on the server's "
                           "clock: GET /api/v3/time) and signature (HMAC-SHA256 hex of query + body).",
                           "missing_timestamp", {"param": name})
    if name == "signature":
        return Explanation(code, f"{facts.where()} is signed: append signature=<HMAC-SHA256 hex of query + body "
                           "as sent> with your secret.", "missing_signature", {"param": name})
    required = [p.name for p in endpoint.params if p.required] if endpoint is not None else []
    if name is None:
        text = (f"{facts.where()} needs one of {pair.group(1)} or {pair.group(2)}." if pair
                else _generic_missing(facts, required))
    else:
        sent = facts.params.get(name)
        state = "was sent empty" if sent == "" else "was not sent"
        text = f"{facts.where()}: '{name}' {state}" + (f" (it reads: {', '.join(required)} always)." if required
                                                        else ".")
        near = [k for k in facts.params if k not in _known_params(facts)]
        hint = next((f" You sent '{k}': did you mean '{name}'?" for k in near
                     if difflib.get_close_matches(k, [name], n=1, cutoff=0.6)), "")
        text += hint
    return Explanation(code, text, "missing_param", {"param": name, "required": required})


def _generic_missing(facts: _Facts, required: list[str]) -> str:
    """Binance's -1102 without a name: which required parameter, or which order reference, is missing."""
    absent = [name for name in required if not facts.params.get(name)]
    if absent:
        return f"{facts.where()}: {', '.join(absent)} not sent (or empty)."
    if facts.endpoint is not None and MARGIN_ORDER_REF in facts.endpoint.presence:
        try:
            order_ref(facts.params)  # the rule the endpoint table names for this endpoint
        except BinanceError:
            return f"{facts.where()} needs one of orderId or origClientOrderId."
    known = _known_params(facts)
    return f"{facts.where()}: a mandatory parameter was not sent or was empty (it reads: {', '.join(known)})."


def _unread(facts: _Facts, code: int, msg: str) -> Explanation:
    known = _known_params(facts)
    unread = [k for k in facts.params if k not in known]
    parts = [f"'{k}'{_did_you_mean(k, known)}" for k in unread[:12]]
    text = (f"{facts.where()} does not read {', '.join(parts) or 'some parameters'}; it reads: "
            f"{', '.join(known)}.")
    if facts.path.startswith("/api/v3/") and any(k in ("sideEffectType", "isIsolated", "autoRepayAtCancel")
                                                  for k in unread):
        text += " Margin parameters on /api/v3 mean a spot path: margin orders go to /sapi/v1/margin/..."
    return Explanation(code, text, "unread_params", {"unread": unread, "reads": known})


def _duplicate(facts: _Facts, code: int, msg: str) -> Explanation:
    repeated = []
    for source in (facts.query, facts.body if facts.method != "GET" and facts.mimetype in ("", _FORM) else ""):
        names = [k for k, _ in decode_pairs(source, errors="replace")]
        repeated += sorted({n for n in names if names.count(n) > 1})
    if not repeated:
        return Explanation(code, f"{facts.where()}: too many parameters or a repeated one.", "duplicate_param")
    return Explanation(code, f"{facts.where()}: {', '.join(repeated)} sent more than once in the query or the body "
                       "(one value each; a key in both the query and the body is read from the query).",
                       "duplicate_param", {"params": repeated})


def _illegal(facts: _Facts, code: int, msg: str) -> Explanation:
    name = _quoted_name(msg)
    if name is None:
        return Explanation(code, "A parameter is not valid UTF-8 once percent-decoded (or has raw non-ASCII bytes): "
                           "percent-encode UTF-8 text.", "illegal_chars")
    pattern = re.search(r"legal range is '(.*)'\.$", msg)
    text = f"{name}={facts.value(name)!r} does not match {pattern.group(1) if pattern else 'its format'}"
    if name in ("price", "quantity", "stopPrice", "quoteOrderQty", "icebergQty", "stopLimitPrice"):
        text += " (a plain decimal: digits, one '.', no exponent, sign or thousands separator)"
    return Explanation(code, text + ".", "illegal_chars", {"param": name})


def _empty(facts: _Facts, code: int, msg: str) -> Explanation:
    name = _quoted_name(msg) or "a parameter"
    return Explanation(code, f"{name}= was sent with no value: leave it out or give one.", "empty_param",
                       {"param": name})


def _enum_value(facts: _Facts, code: int, msg: str) -> Explanation:
    name = _quoted_name(msg) or {-1115: "timeInForce", -1116: "type", -1117: "side"}.get(code)
    endpoint = facts.endpoint
    values: tuple[str, ...] = ()
    if endpoint is not None and name is not None:
        values = next((p.values for p in endpoint.params if p.name == name), ())
    if name is None:
        return _generic(facts, code, msg)
    text = f"{name}={facts.value(name)!r} is not accepted here"
    if values:
        text += f"; allowed: {', '.join(values)}{_did_you_mean(facts.params.get(name, ''), list(values))}"
    return Explanation(code, text + ".", "bad_value", {"param": name, "allowed": list(values)})


def _not_required(facts: _Facts, code: int, msg: str) -> Explanation:
    name = _quoted_name(msg) or "a parameter"
    kind = ", ".join(f"{k}={facts.value(k)}" for k in ("type", "timeInForce") if k in facts.params and k != name)
    return Explanation(code, f"{name} is not used{' with ' + kind if kind else ' here'}: leave it out.",
                       "param_not_required", {"param": name})


def _precision(facts: _Facts, code: int, msg: str) -> Explanation:
    config = facts.exchange.config.symbols.get(facts.params.get("symbol", ""))
    sent = ", ".join(f"{k}={facts.value(k)}" for k in ("quantity", "price", "stopPrice", "quoteOrderQty",
                                                       "icebergQty", "amount") if k in facts.params)
    limits = ""
    if config is not None:
        limits = (f" {config.symbol}: {config.base_asset} has {config.base_asset_precision} decimals, "
                  f"{config.quote_asset} {config.quote_asset_precision}; quantities also follow LOT_SIZE stepSize, "
                  "prices PRICE_FILTER tickSize.")
    return Explanation(code, f"Too many decimals in {sent or 'a decimal parameter'}.{limits}", "bad_precision")


def _symbol(facts: _Facts, code: int, msg: str) -> Explanation:
    sent = facts.params.get("symbol", "")
    known = sorted(facts.exchange.config.symbols)
    return Explanation(code, f"symbol={show_value('symbol', sent)!r} is not configured{_did_you_mean(sent, known)}; "
                       f"the symbols are: {', '.join(known[:20])} (add one with POST /mock/v1/symbols).",
                       "unknown_symbol", {"symbol": sent})


# -- orders ---------------------------------------------------------------------------------


_FILTER_VALUES = {
    "PRICE_FILTER": ("price", "stopPrice"), "LOT_SIZE": ("quantity",), "MARKET_LOT_SIZE": ("quantity",),
    "NOTIONAL": ("price", "quantity", "quoteOrderQty"), "MIN_NOTIONAL": ("price", "quantity", "quoteOrderQty"),
    "PERCENT_PRICE": ("price",), "PERCENT_PRICE_BY_SIDE": ("price", "side"), "ICEBERG_PARTS": ("quantity",
                                                                                               "icebergQty"),
    "TRAILING_DELTA": ("trailingDelta",),
}


def _filter(facts: _Facts, code: int, msg: str) -> Explanation:
    found = re.match(r"Filter failure: (\w+)", msg)
    symbol = facts.params.get("symbol", "")
    config = facts.exchange.config.symbols.get(symbol)
    if found is None or config is None:
        sent = ", ".join(f"{k}={facts.value(k)}" for k in ("price", "quantity", "stopPrice") if k in facts.params)
        return Explanation(code, f"{msg} ({sent or 'no price or quantity sent'}); the filters of each symbol are in "
                           "GET /api/v3/exchangeInfo.", "filter_failure")
    name = found.group(1)
    rule = config.filter(name) or facts.exchange.config.exchange_filter(name) or {}
    limits = ", ".join(f"{k} {v}" for k, v in rule.items() if k != "filterType") or "see exchangeInfo"
    sent = ", ".join(f"{k}={facts.value(k)}" for k in _FILTER_VALUES.get(name, ("price", "quantity"))
                     if k in facts.params)
    text = f"{symbol} {name}: {limits}; sent {sent or 'no matching parameter'}."
    if name in ("NOTIONAL", "MIN_NOTIONAL", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE"):
        text += f" Last price {facts.exchange.last_price(symbol)}."
    if name == "PRICE_FILTER" and "tickSize" in rule:
        text += " Prices must be multiples of tickSize within [minPrice, maxPrice]."
    if name == "LOT_SIZE" and "stepSize" in rule:
        text += " Quantities must be multiples of stepSize within [minQty, maxQty]."
    return Explanation(code, text, "filter_failure", {"filter": dict(rule), "symbol": symbol})


def _order_rejected(facts: _Facts, code: int, msg: str) -> Explanation:
    symbol = facts.params.get("symbol", "")
    exchange = facts.exchange
    config = exchange.config.symbols.get(symbol)
    last = None
    if config is not None:
        last = exchange.last_price(symbol)
    if "insufficient balance" in msg and config is not None:
        return _insufficient(facts, code, msg, config)
    if "relationship of the prices" in msg:
        prices = ", ".join(f"{k}={facts.value(k)}" for k in ("side", "price", "stopPrice", "stopLimitPrice",
                                                             "limitPrice") if k in facts.params)
        return Explanation(code, f"{msg} Sent {prices}; last price {last}. An OCO SELL needs limit price > last > "
                           "stop price; a BUY needs limit price < last < stop price.", "oco_prices",
                           {"last_price": str(last)})
    if "trigger immediately" in msg:
        return Explanation(code, f"stopPrice={facts.value('stopPrice')} would trigger at once against the last "
                           f"price {last} (side {facts.value('side')}): a SELL stop goes below it, a BUY stop above "
                           "(move the market with POST /mock/v1/market/<symbol>/price).", "would_trigger",
                           {"last_price": str(last)})
    if "immediately match" in msg:
        return Explanation(code, f"LIMIT_MAKER price={facts.value('price')} would take liquidity at the last price "
                           f"{last} (side {facts.value('side')}).", "would_take", {"last_price": str(last)})
    if "Duplicate order" in msg:
        ids = ", ".join(f"{k}={facts.value(k)}" for k in ("newClientOrderId", "listClientOrderId")
                        if k in facts.params)
        book = "spot" if facts.path.startswith("/api/v3/") else "margin"  # each keeps its own ids (docs/spot.md)
        return Explanation(code, f"An open {book} order of this account already uses "
                           f"{ids or 'that client order id'}.", "duplicate_order")
    return _generic(facts, code, msg)


def _insufficient(facts: _Facts, code: int, msg: str, config: Any) -> Explanation:
    account = facts.account
    spot = facts.path.startswith("/api/v3/")  # a spot order: the spot wallet, which never borrows
    isolated = not spot and facts.params.get("isIsolated", "").upper() == "TRUE"
    balances = []
    if account is not None:
        wallet = facts.exchange.wallet_balances(account, config.symbol if isolated else None, spot)
        for asset in (config.base_asset, config.quote_asset):
            balance = wallet.get(asset) if wallet is not None else None
            balances.append(f"{asset} {balance.free if balance is not None else 0}")
    where = "the spot wallet" if spot else f"isolated {config.symbol}" if isolated else "cross margin"
    remedy = ("Spot orders never borrow: transfer funds in with POST /sapi/v1/asset/transfer (MARGIN_MAIN) or set "
              "them with PUT /mock/v1/accounts/<name>/balances (wallet spot)." if spot else
              "Borrow with sideEffectType=MARGIN_BUY or AUTO_BORROW_REPAY, or set balances with "
              "PUT /mock/v1/accounts/<name>/balances.")
    text = (
        f"{msg} Free in {where}: {', '.join(balances) or 'nothing'}; sent side={facts.value('side')} "
        f"quantity={facts.value('quantity')} price={facts.value('price')}. {remedy}"
    )
    return Explanation(code, text, "insufficient_balance", {"free": balances})


def _unknown_order(facts: _Facts, code: int, msg: str) -> Explanation:
    refs = ", ".join(f"{k}={facts.value(k)}" for k in ("orderId", "origClientOrderId", "orderListId",
                                                       "listClientOrderId") if k in facts.params)
    isolated = facts.params.get("isIsolated", "").upper() == "TRUE"
    account = facts.account
    text = (f"No {'open ' if code == -2011 else ''}order matches {refs or 'the reference sent'} for "
            f"{facts.value('symbol') or 'this symbol'} in account '{account.name if account else '?'}' ")
    if facts.path.startswith("/api/v3/"):
        text += "(spot orders; margin orders are only seen on /sapi/v1/margin/...)."
        return Explanation(code, text, "unknown_order")
    text += f"({'isolated' if isolated else 'cross'} margin"
    text += "; an isolated order needs isIsolated=TRUE)." if not isolated else ")."
    return Explanation(code, text, "unknown_order")


def _margin_balance(facts: _Facts, code: int, msg: str) -> Explanation:
    """-3006 / -3015 / -3041: the asset's free, borrowed and interest amounts beside the amount sent."""
    account, asset = facts.account, facts.params.get("asset", "")
    isolated = facts.params.get("isIsolated", "").upper() == "TRUE"
    symbol = facts.params.get("symbol", "")
    balance = None
    if account is not None:
        margin = facts.exchange.wallet_balances(account, symbol if isolated else None)
        balance = margin.get(asset) if margin is not None else None
    where = f"isolated {symbol}" if isolated else "cross margin"
    held = (f"free {balance.free}, borrowed {balance.borrowed}, interest {balance.interest}" if balance is not None
            else "nothing")
    hint = {-3006: " The most you can borrow: GET /sapi/v1/margin/maxBorrowable.",
            -3015: " Repay at most borrowed + interest.",
            -3041: ""}.get(code, "")
    return Explanation(code, f"{msg} {asset or 'The asset'} in {where} of account "
                       f"'{account.name if account is not None else '?'}': {held}; amount sent "
                       f"{facts.value('amount') or '-'}.{hint}", "margin_balance", {"asset": asset})


# -- paths, limits, faults -----------------------------------------------------------------


def _unsupported(facts: _Facts, code: int, msg: str) -> Explanation:
    path = facts.path
    if path.startswith(_UNEMULATED_PREFIXES):
        return _futures(facts, code)
    known = explain_unsupported(facts.method, path)  # a retired endpoint, or a product left out
    if known is not None:
        return Explanation(code, known[1], known[0], {})
    adapter_rules = [rule for rule in _url_rules() if not is_control_path(rule.rule)]
    methods = sorted({m for rule in adapter_rules if rule.rule == path for m in (rule.methods or ())}
                     - {"HEAD", "OPTIONS"})
    if methods:
        return Explanation(code, f"{path} answers {', '.join(methods)}, not {facts.method}.", "wrong_method",
                           {"methods": methods})
    paths = sorted({rule.rule for rule in adapter_rules if "<" not in rule.rule})
    if path.startswith(("/api/v3/margin", "/api/v1/margin")):
        text = f"{path} does not exist: margin endpoints live under {MARGIN_FAMILY_PREFIX} ({MARGIN_ORDER_PATHS})."
        return Explanation(code, text, "margin_under_api", {})
    close = difflib.get_close_matches(path, paths, n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(close)}?" if close else ""
    return Explanation(code, f"The fake serves no {facts.method} {path}.{hint} The emulated paths are /api/v3/... "
                       f"(spot market data, user stream) and {MARGIN_FAMILY_PREFIX}... (docs/behaviour.md lists them).",
                       "unknown_path", {"did_you_mean": close})


def _url_rules() -> list[Any]:
    return list(current_app.url_map.iter_rules())


def _futures(facts: _Facts, code: int) -> Explanation:
    parts = [f"{facts.path}: futures/options (/fapi, /dapi, /papi, /eapi) are not emulated; {MARGIN_ORDER_PATHS}."]
    fields = dict(facts.params)
    fields.update({k: str(v) for k, v in (facts.json_fields or {}).items()})
    if facts.path.rstrip("/").endswith("/order") and fields:
        known = [p.name for p in MARGIN_NEW_ORDER.all_params()]
        unknown = [k for k in fields if k not in known and not is_credential_field(k)]
        if unknown:
            parts.append(f"{MARGIN_ORDER} would not read " + ", ".join(
                f"{k}{_did_you_mean(k, known)}" for k in unknown[:12]) + ".")
    return Explanation(code, " ".join(parts), "not_emulated", {"margin_order": MARGIN_ORDER})


def _rate_limited(facts: _Facts, code: int, msg: str) -> Explanation:
    weight = facts.weight
    limits = facts.runtime.limiter.config
    banned = "banned" in msg
    text = (f"{'IP banned' if banned else 'Rate limit'}: this request weighs {weight}; limits per minute: /api "
            f"{limits.api_weight_per_minute}, /sapi IP {limits.sapi_ip_weight_per_minute}, /sapi UID "
            f"{limits.sapi_uid_weight_per_minute} (GET/PUT /mock/v1/rate-limits; POST /mock/v1/reset clears "
            "counters). Wait Retry-After seconds (the exchange clock; advance it with POST /mock/v1/clock).")
    return Explanation(code, text, "banned" if banned else "rate_limited", {"weight": weight})


def _fault(facts: _Facts, code: int | None, fault: Mapping[str, Any]) -> Explanation:
    text = (f"An injected fault answered this request: rule {fault.get('id')} ({fault.get('kind')}) from "
            "POST /mock/v1/faults; list them with GET /mock/v1/faults, remove them with DELETE /mock/v1/faults.")
    if "view_status" in fault:
        outcome = "was carried out" if fault["view_status"] < 400 else f"was rejected ({fault.get('view_error')})"
        text += f" Behind the fault the request {outcome}."
    return Explanation(code, text, "injected_fault", dict(fault))


_HINTS = {
    -1000: "An unexpected error inside the fake (its trace is in the server log); please report it.",
    -1002: "This request is not authorised for this key.",
    -1014: "This combination of order type and parameters is not supported.",
    -1015: "Too many orders in the order-count window (orders_per_10s / orders_per_day in the config).",
    -1125: "No such listenKey (it may have expired: keep it alive with PUT every 30 minutes).",
    -1127: "startTime and endTime are further apart than the endpoint allows.",
    -1128: "These optional parameters cannot be combined (e.g. fromId with startTime/endTime).",
    -3003: "This account has no margin account.",
    -3027: "This asset is not a margin asset of the fake (the config's symbols define them).",
    -3028: "This symbol is not margin-enabled in the config.",
    -11001: "No isolated margin account for this symbol (configure accounts[].isolated).",
}


def _generic(facts: _Facts, code: int, msg: str) -> Explanation:
    hint = _HINTS.get(code)
    text = f"{facts.where()}: {msg}" + (f" {hint}" if hint else "")
    return Explanation(code, text, "rejected")


_EXPLAINERS: dict[int, Explainer] = {
    -2014: _api_key_format,
    -2015: _invalid_api_key,
    -1021: _timing,
    -1131: _timing,
    -1022: _signature,
    -1102: _missing,
    -1104: _unread,
    -1101: _duplicate,
    -1100: _illegal,
    -1105: _empty,
    -1115: _enum_value,
    -1116: _enum_value,
    -1117: _enum_value,
    -1130: _enum_value,
    -1121: _symbol,
    -1106: _not_required,
    -1111: _precision,
    -1013: _filter,
    -2010: _order_rejected,
    -2011: _unknown_order,
    -2013: _unknown_order,
    -1020: _unsupported,
    -1003: _rate_limited,
    -3006: _margin_balance,
    -3015: _margin_balance,
    -3041: _margin_balance,
}


# -- the last explanations, for the control API ------------------------------------------------


class LastExplanations:
    """The latest explanation of all, and per account (bounded: the least recent accounts fall off)."""

    MAX_ACCOUNTS = 1024

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_account: OrderedDict[str | None, dict[str, Any]] = OrderedDict()
        self._latest: dict[str, Any] | None = None

    def remember(self, account: str | None, explanation: Explanation, method: str, path: str, status: int,
                 time_ms: int) -> None:
        entry = {"time_ms": time_ms, "method": method, "path": path, "status": status, "account": account,
                 **explanation.to_json()}
        with self._lock:
            self._latest = entry
            self._by_account[account] = entry
            self._by_account.move_to_end(account)
            while len(self._by_account) > self.MAX_ACCOUNTS:
                self._by_account.popitem(last=False)

    def last(self, account: str | None = None) -> dict[str, Any] | None:
        with self._lock:
            entry = self._latest if account is None else self._by_account.get(account)
        return copy.deepcopy(entry)

    def clear(self) -> None:
        with self._lock:
            self._by_account.clear()
            self._latest = None


