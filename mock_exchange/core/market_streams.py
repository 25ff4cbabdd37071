"""Binance's market streams, pure: stream names, the control messages and the payloads.

Stream names, payload fields and the control protocol (``SUBSCRIBE``, ``UNSUBSCRIBE``,
``LIST_SUBSCRIPTIONS``, ``SET_PROPERTY``, ``GET_PROPERTY``) follow
binance/binance-spot-api-docs ``web-socket-streams.md``; the sources of each choice are
in docs/market-streams.md. The WebSocket sessions that use this live in
``mock_exchange/web/market_stream_ws.py``.

The control protocol's errors are not Binance REST errors (codes 0..3, no HTTP status,
never answered over REST), so their messages are built here, beside the requests they
answer, rather than in ``core/errors.py``.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from mock_exchange import nesting
from mock_exchange.core.decimals import plain8
from mock_exchange.core.intervals import KLINE_INTERVALS

# Binance: "A single connection can listen to a maximum of 1024 streams."
MAX_STREAMS = 1024
# Binance accepts an id that is a 64-bit signed integer, an alphanumeric string of at most 36, or null.
_ID_TEXT = re.compile(r"[A-Za-z0-9]{1,36}")
_SYMBOL = re.compile(r"[a-z0-9]{1,20}")
UTC8 = "+08:00"
UTC8_MS = 8 * 60 * 60 * 1000
METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
KINDS = ("trade", "aggTrade", "kline", "miniTicker")


@dataclass(frozen=True)
class Stream:
    """One market stream: ``<symbol>@trade``, ``@aggTrade``, ``@kline_<interval>`` or ``@miniTicker``."""

    name: str  # as the client spelled it (Binance lists and wraps with that name)
    symbol: str  # upper case, as the exchange names it
    kind: str
    interval: str | None = None
    offset_ms: int = 0  # a kline stream's time zone (``@+08:00``)


def parse_stream(name: object) -> Stream | None:
    """The stream ``name`` stands for, or None when it is not one the fake serves."""
    if not isinstance(name, str) or name.count("@") not in (1, 2):
        return None
    symbol, kind, *zone = name.split("@")
    if not _SYMBOL.fullmatch(symbol):  # Binance's stream names are lower case
        return None
    if kind in ("trade", "aggTrade", "miniTicker") and not zone:
        return Stream(name, symbol.upper(), kind)
    if kind.startswith("kline_") and kind[len("kline_"):] in KLINE_INTERVALS:
        if zone and zone != [UTC8]:  # the only offset Binance documents for the kline stream
            return None
        return Stream(name, symbol.upper(), "kline", kind[len("kline_"):], UTC8_MS if zone else 0)
    return None


def parse_stream_list(text: str) -> list[Stream] | None:
    """The streams of a combined path's ``streams=a/b/c``; None when any is not served."""
    streams: list[Stream] = []
    for name in text.split("/"):
        stream = parse_stream(name)
        if stream is None:
            return None
        if stream not in streams:
            streams.append(stream)
    return streams if 0 < len(streams) <= MAX_STREAMS else None


# -- the control protocol -------------------------------------------------------------------


class ControlError(Exception):
    """A control message refused: ``{"error": {"code", "msg"}, "id"}``."""

    def __init__(self, code: int, msg: str, request_id: object = None) -> None:
        super().__init__(msg)
        self.code, self.msg, self.request_id = code, msg, request_id

    def frame(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "msg": self.msg}, "id": self.request_id}


def _invalid(detail: str, request_id: object = None) -> ControlError:
    return ControlError(2, f"Invalid request: {detail}", request_id)


@dataclass
class Subscriptions:
    """The streams of one connection, in subscription order, and its ``combined`` property."""

    combined: bool
    streams: list[Stream] = field(default_factory=list)

    def handle(self, text: str) -> dict[str, Any]:
        """Answer one control message (the reply frame); the subscriptions change on success."""
        try:
            return self._answer(text)
        except ControlError as error:
            return error.frame()

    def _answer(self, text: str) -> dict[str, Any]:
        try:
            message = nesting.loads(text)
        except nesting.TooDeep:
            # (inferred) Binance documents no depth error: a frame too deep to read is not JSON it takes.
            raise ControlError(3, "Invalid JSON: recursion limit exceeded") from None
        except ValueError as exc:
            line, column = (exc.lineno, exc.colno) if isinstance(exc, json.JSONDecodeError) else (1, 1)
            raise ControlError(3, f"Invalid JSON: expected value at line {line} column {column}") from None
        if not isinstance(message, dict) or "method" not in message:
            raise _invalid(f"missing field `method` at line 1 column {len(text)}")
        request_id = message.get("id")
        if not _valid_id(request_id):
            raise _invalid("request ID must be an unsigned integer")
        method = message["method"]
        if method not in METHODS:
            spelled = json.dumps(method)
            column = text.find(spelled) + len(spelled) if spelled in text else len(text)
            raise _invalid(f"unknown variant `{method}`, expected one of "
                           + ", ".join(f"`{m}`" for m in METHODS) + f" at line 1 column {column}", request_id)
        if set(message) - {"method", "params", "id"}:
            raise _invalid("too many parameters", request_id)
        params = message.get("params", [])
        if not isinstance(params, list):
            raise _invalid("too many parameters", request_id)
        return {"result": self._apply(method, params, request_id), "id": request_id}

    def _apply(self, method: str, params: list[Any], request_id: object) -> Any:
        if method == "LIST_SUBSCRIPTIONS":
            return [s.name for s in self.streams]
        if method in ("SET_PROPERTY", "GET_PROPERTY"):
            return self._property(method, params, request_id)
        wanted = [parse_stream(name) for name in params]
        if any(s is None for s in wanted):
            # As Binance answers (a live capture): the whole request is refused, nothing changes.
            raise _invalid("invalid stream", request_id)
        if method == "SUBSCRIBE":
            added = [s for s in dict.fromkeys(wanted) if s not in self.streams]
            if len(self.streams) + len(added) > MAX_STREAMS:
                raise _invalid("too many streams", request_id)
            self.streams.extend(s for s in added if s is not None)
        else:
            self.streams = [s for s in self.streams if s not in wanted]
        return None

    def _property(self, method: str, params: list[Any], request_id: object) -> Any:
        if not params or not isinstance(params[0], str):
            raise _invalid("property name must be a string", request_id)
        if params[0] != "combined":
            raise ControlError(0, "Unknown property", request_id)
        if method == "GET_PROPERTY":
            return self.combined
        if len(params) != 2 or not isinstance(params[1], bool):
            raise ControlError(1, "Invalid value type: expected Boolean", request_id)
        self.combined = params[1]
        return None


def _valid_id(value: object) -> bool:
    if value is None:
        return True
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return -(2**63) <= value < 2**63
    return isinstance(value, str) and _ID_TEXT.fullmatch(value) is not None


# -- payloads ---------------------------------------------------------------------------------


def trade_payload(symbol: str, trade_id: int, price: Decimal, qty: Decimal, time_ms: int,
                  is_buyer_maker: bool, event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@trade`` event; ``M`` is documented as "Ignore" and is always true on Binance."""
    return {"e": "trade", "E": event_ms, "s": symbol, "t": trade_id, "p": plain8(price), "q": plain8(qty),
            "T": time_ms, "m": is_buyer_maker, "M": True}


def agg_trade_payload(symbol: str, agg_id: int, price: Decimal, qty: Decimal, first_id: int, last_id: int,
                      time_ms: int, is_buyer_maker: bool, event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@aggTrade`` event; ``M`` is documented as "Ignore" and is always true on Binance."""
    return {"e": "aggTrade", "E": event_ms, "s": symbol, "a": agg_id, "p": plain8(price), "q": plain8(qty),
            "f": first_id, "l": last_id, "T": time_ms, "m": is_buyer_maker, "M": True}


def mini_ticker_payload(symbol: str, close: Decimal, open_: Decimal, high: Decimal, low: Decimal, volume: Decimal,
                        quote_volume: Decimal, event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@miniTicker`` event: the rolling 24 hours, as GET /api/v3/ticker/24hr counts them."""
    return {"e": "24hrMiniTicker", "E": event_ms, "s": symbol, "c": plain8(close), "o": plain8(open_),
            "h": plain8(high), "l": plain8(low), "v": plain8(volume), "q": plain8(quote_volume)}


@dataclass(frozen=True)
class Candle:
    """What a kline event carries about its candle (klines row plus first and last trade id)."""

    open_ms: int
    close_ms: int
    first_id: int
    last_id: int
    open: Decimal
    close: Decimal
    high: Decimal
    low: Decimal
    volume: Decimal
    trades: int
    quote_volume: Decimal
    taker_buy_volume: Decimal
    taker_buy_quote_volume: Decimal


def kline_payload(symbol: str, interval: str, candle: Candle, closed: bool, event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@kline_<interval>`` event; ``B`` is documented as "Ignore" and sent as "0"."""
    return {"e": "kline", "E": event_ms, "s": symbol, "k": {
        "t": candle.open_ms, "T": candle.close_ms, "s": symbol, "i": interval,
        "f": candle.first_id, "L": candle.last_id,
        "o": plain8(candle.open), "c": plain8(candle.close), "h": plain8(candle.high), "l": plain8(candle.low),
        "v": plain8(candle.volume), "n": candle.trades, "x": closed, "q": plain8(candle.quote_volume),
        "V": plain8(candle.taker_buy_volume), "Q": plain8(candle.taker_buy_quote_volume), "B": "0"}}


# ``timeUnit``: "All time and timestamp related fields are milliseconds by default";
# either spelling of the unit is accepted (web-socket-streams.md, "General WSS information").
TIME_UNITS = {"MILLISECOND": False, "millisecond": False, "MICROSECOND": True, "microsecond": True}


def in_microseconds(payload: dict[str, Any]) -> dict[str, Any]:
    """``payload`` with its times in microseconds (``timeUnit=MICROSECOND``).

    A kline's close time is the last microsecond of the candle (``...999999``), as its
    millisecond form is the last millisecond.
    """
    out = {k: (v * 1000 if k in ("E", "T") else v) for k, v in payload.items()}
    if "k" in payload:
        k = dict(payload["k"])
        k["t"] = k["t"] * 1000
        k["T"] = (k["T"] + 1) * 1000 - 1
        out["k"] = k
    return out


def wrap(stream: Stream, payload: dict[str, Any], combined: bool) -> dict[str, Any]:
    """A combined connection wraps each payload as ``{"stream", "data"}``."""
    return {"stream": stream.name, "data": payload} if combined else payload
