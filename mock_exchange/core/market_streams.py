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
from mock_exchange.core.candles import WindowStats
from mock_exchange.core.decimals import plain8
from mock_exchange.core.depth import Level
from mock_exchange.core.intervals import KLINE_INTERVALS
from mock_exchange.core.tickers import AVG_PRICE_MINS, percent_text, weighted_average

# Binance: "A single connection can listen to a maximum of 1024 streams."
MAX_STREAMS = 1024
# Binance accepts an id that is a 64-bit signed integer, an alphanumeric string of at most 36, or null.
_ID_TEXT = re.compile(r"[A-Za-z0-9]{1,36}")
_SYMBOL = re.compile(r"[a-z0-9]{1,20}")
UTC8 = "+08:00"
UTC8_MS = 8 * 60 * 60 * 1000
METHODS = ("SUBSCRIBE", "UNSUBSCRIBE", "LIST_SUBSCRIPTIONS", "SET_PROPERTY", "GET_PROPERTY")
# Stream kinds (web-socket-streams.md, "Detailed Stream information").
SYMBOL_KINDS = ("trade", "aggTrade", "kline", "miniTicker", "ticker", "windowTicker", "bookTicker", "avgPrice",
                "depth", "partialDepth")
ALL_MARKET_KINDS = ("allMiniTickers", "allTickers", "allWindowTickers")
TICKER_WINDOWS = ("1h", "4h", "1d")  # "Window Sizes: 1h,4h,1d"
PARTIAL_DEPTH_LEVELS = (5, 10, 20)  # "Valid <levels> are 5, 10, or 20."
UPDATE_SPEEDS = ("100ms", "1000ms")  # a depth stream's optional suffix; 1000ms is the default
_SIMPLE_KINDS = {"trade": "trade", "aggTrade": "aggTrade", "miniTicker": "miniTicker", "ticker": "ticker",
                 "bookTicker": "bookTicker", "avgPrice": "avgPrice"}


@dataclass(frozen=True)
class Stream:
    """One market stream: ``<symbol>@<kind>`` or an all-market ``!<kind>@arr``."""

    name: str  # as the client spelled it (Binance lists and wraps with that name)
    symbol: str  # upper case, as the exchange names it ("" for an all-market stream)
    kind: str
    interval: str | None = None  # a kline's interval, or a rolling window ticker's window
    offset_ms: int = 0  # a kline stream's time zone (``@+08:00``)
    levels: int = 0  # a partial depth stream's levels

    @property
    def all_market(self) -> bool:
        return self.kind in ALL_MARKET_KINDS


def parse_stream(name: object) -> Stream | None:
    """The stream ``name`` stands for, or None when it is not one the fake serves."""
    if not isinstance(name, str) or name.count("@") not in (1, 2):
        return None
    symbol, kind, *suffix = name.split("@")
    if symbol.startswith("!"):
        return _all_market_stream(name, symbol[1:], kind, suffix)
    if not _SYMBOL.fullmatch(symbol):  # Binance's stream names are lower case
        return None
    upper = symbol.upper()
    if kind in _SIMPLE_KINDS and not suffix:
        return Stream(name, upper, _SIMPLE_KINDS[kind])
    if kind.startswith("kline_") and kind[len("kline_"):] in KLINE_INTERVALS:
        if suffix and suffix != [UTC8]:  # the only offset Binance documents for the kline stream
            return None
        return Stream(name, upper, "kline", kind[len("kline_"):], UTC8_MS if suffix else 0)
    if kind.startswith("ticker_") and kind[len("ticker_"):] in TICKER_WINDOWS and not suffix:
        return Stream(name, upper, "windowTicker", kind[len("ticker_"):])
    if kind.startswith("depth") and (not suffix or suffix[0] in UPDATE_SPEEDS):
        levels = kind[len("depth"):]
        if not levels:
            return Stream(name, upper, "depth")
        if levels.isdigit() and int(levels) in PARTIAL_DEPTH_LEVELS and levels[0] != "0":
            return Stream(name, upper, "partialDepth", levels=int(levels))
    return None


def _all_market_stream(name: str, kind: str, arr: str, suffix: list[str]) -> Stream | None:
    """``!miniTicker@arr``, ``!ticker@arr`` and ``!ticker_<window>@arr``.

    An ``@1000ms`` suffix (the documented update speed) is taken too: python-binance's
    ``miniticker_socket`` sends it.
    """
    if arr != "arr" or suffix not in ([], ["1000ms"]):
        return None
    if kind == "miniTicker":
        return Stream(name, "", "allMiniTickers")
    if kind == "ticker":
        return Stream(name, "", "allTickers")
    if kind.startswith("ticker_") and kind[len("ticker_"):] in TICKER_WINDOWS:
        return Stream(name, "", "allWindowTickers", kind[len("ticker_"):])
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


def ticker_payload(symbol: str, stats: WindowStats, last: Decimal, bid: Level, ask: Level,
                   event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@ticker`` event: the rolling 24 hours with the book's best levels.

    ``x`` ("First trade(F)-1 price") is the window's open, as REST's ``prevClosePrice``.
    """
    change = last - stats.open
    return {"e": "24hrTicker", "E": event_ms, "s": symbol, "p": plain8(change), "P": percent_text(change, stats.open),
            "w": plain8(weighted_average(stats, last)), "x": plain8(stats.open), "c": plain8(last),
            "Q": plain8(stats.last_qty), "b": plain8(bid[0]), "B": plain8(bid[1]), "a": plain8(ask[0]),
            "A": plain8(ask[1]), "o": plain8(stats.open), "h": plain8(stats.high), "l": plain8(stats.low),
            "v": plain8(stats.volume), "q": plain8(stats.quote_volume), "O": stats.open_ms, "C": stats.close_ms,
            "F": stats.first_id, "L": stats.last_id, "n": stats.trades}


def window_ticker_payload(symbol: str, window: str, stats: WindowStats, last: Decimal,
                          event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@ticker_<window>`` event (``e`` is ``1hTicker``, ``4hTicker`` or ``1dTicker``)."""
    change = last - stats.open
    return {"e": f"{window}Ticker", "E": event_ms, "s": symbol, "p": plain8(change),
            "P": percent_text(change, stats.open), "o": plain8(stats.open), "h": plain8(stats.high),
            "l": plain8(stats.low), "c": plain8(last), "w": plain8(weighted_average(stats, last)),
            "v": plain8(stats.volume), "q": plain8(stats.quote_volume), "O": stats.open_ms, "C": stats.close_ms,
            "F": stats.first_id, "L": stats.last_id, "n": stats.trades}


def book_ticker_payload(symbol: str, update_id: int, bid: Level, ask: Level) -> dict[str, Any]:
    """A ``<symbol>@bookTicker`` event: the best levels after book update ``u`` (it has no event time)."""
    return {"u": update_id, "s": symbol, "b": plain8(bid[0]), "B": plain8(bid[1]), "a": plain8(ask[0]),
            "A": plain8(ask[1])}


def avg_price_payload(symbol: str, price: Decimal, last_trade_ms: int, event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@avgPrice`` event; ``T`` is the last trade's time."""
    return {"e": "avgPrice", "E": event_ms, "s": symbol, "i": f"{AVG_PRICE_MINS}m", "w": plain8(price),
            "T": last_trade_ms}


def levels_text(levels: list[Level]) -> list[list[str]]:
    return [[plain8(price), plain8(qty)] for price, qty in levels]


def diff_depth_payload(symbol: str, first_id: int, last_id: int, bids: list[Level], asks: list[Level],
                       event_ms: int) -> dict[str, Any]:
    """A ``<symbol>@depth`` event: book updates ``U`` .. ``u`` (spot sends no ``pu``)."""
    return {"e": "depthUpdate", "E": event_ms, "s": symbol, "U": first_id, "u": last_id, "b": levels_text(bids),
            "a": levels_text(asks)}


def partial_depth_payload(update_id: int, bids: list[Level], asks: list[Level]) -> dict[str, Any]:
    """A ``<symbol>@depth<levels>`` event: the top of the book after update ``lastUpdateId``."""
    return {"lastUpdateId": update_id, "bids": levels_text(bids), "asks": levels_text(asks)}


# ``timeUnit``: "All time and timestamp related fields are milliseconds by default";
# either spelling of the unit is accepted (web-socket-streams.md, "General WSS information").
TIME_UNITS = {"MILLISECOND": False, "millisecond": False, "MICROSECOND": True, "microsecond": True}


_TIME_FIELDS = ("E", "T", "O", "C")  # event, trade / last trade, statistics open and close times


def in_microseconds(payload: Any) -> Any:
    """``payload`` with its times in microseconds (``timeUnit=MICROSECOND``).

    A kline's close time is the last microsecond of the candle (``...999999``), as its
    millisecond form is the last millisecond. An all-market array converts each element.
    """
    if isinstance(payload, list):
        return [in_microseconds(item) for item in payload]
    out = {k: (v * 1000 if k in _TIME_FIELDS else v) for k, v in payload.items()}
    if "k" in payload:
        k = dict(payload["k"])
        k["t"] = k["t"] * 1000
        k["T"] = (k["T"] + 1) * 1000 - 1
        out["k"] = k
    return out


def wrap(stream: Stream, payload: Any, combined: bool) -> Any:
    """A combined connection wraps each payload as ``{"stream", "data"}``."""
    return {"stream": stream.name, "data": payload} if combined else payload
