"""Market streams over WebSocket: ``/ws/<streamName>`` and ``/stream?streams=a/b``.

The routes live in ``user_stream_ws.py`` (one blueprint, one WebSocket port: a path under
``/ws/`` holding an ``@`` is a stream name, anything else a listen key); this module runs
a session. Names, control messages and payloads are in ``core/market_streams.py``.

A session reads the exchange's tape, never a queue of its own: each round it takes the
trades printed since it last looked and the candles that changed, so what it sends does
not depend on how often it looks, except that a kline update carries the candle as it is
when sent (several trades between two rounds give one update, as Binance's kline stream
pushes the candle once a second). The order of one round (docs/market-streams.md):

1. ``@trade`` and ``@aggTrade`` frames, stream by stream in subscription order, each in
   trade id order;
2. ``@kline_<interval>`` and ``@miniTicker`` frames, in subscription order (a kline
   stream: the candle that closed, ``x`` true, first, then the open candle).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from mock_exchange.core.errors import BinanceError
from mock_exchange.core.intervals import DAY_MS, Interval
from mock_exchange.core.market_streams import (
    Candle,
    Stream,
    Subscriptions,
    agg_trade_payload,
    in_microseconds,
    kline_payload,
    mini_ticker_payload,
    trade_payload,
    wrap,
)
from mock_exchange.core.tape import aggregate
from mock_exchange.web.runtime import current_runtime

POLL_INTERVAL_S = 0.01
MAX_TRADES_PER_ROUND = 1000  # a burst larger than this is sent over the following rounds
# Binance's close for a path that names no stream it knows (a live capture; docs/market-streams.md).
ILLEGAL_STREAM_CLOSE = (1008, '{"code":-1,"msg":"Illegal format ws or stream"}')


_TAPE_KINDS = ("trade", "aggTrade")


def _without_time(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in payload.items() if k != "E"} if payload is not None else None


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


@dataclass
class _KlineState:
    key: tuple[Any, ...]
    open_ms: int | None
    sent: dict[str, Any] | None  # what was last sent (a kline's "k", a ticker without "E")


class MarketSession:
    """One market-stream connection: its subscriptions and where each stream has read to."""

    def __init__(self, streams: list[Stream], combined: bool, microseconds: bool = False) -> None:
        self.ws: Any = None  # the socket, once the handshake is done
        self.microseconds = microseconds
        self.exchange = current_runtime().exchange
        self.subscriptions = Subscriptions(combined, list(streams))
        self.trade_cursor: dict[Stream, int] = {}  # a trade or aggTrade stream -> the next trade id to send
        self.klines: dict[Stream, _KlineState] = {}
        self.tickers: dict[Stream, _KlineState] = {}
        with self.exchange.lock:
            self._sync()

    def run(self, ws: Any, was_reset: Any) -> None:
        self.ws = ws
        while True:
            frame = self.ws.receive(timeout=POLL_INTERVAL_S)
            if was_reset(self.exchange):
                self.ws.close(reason=1001, message="The exchange was reset.")
                return
            if frame is not None:
                text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                reply = self.subscriptions.handle(text)
                with self.exchange.lock:  # a stream subscribed starts before its answer is sent
                    self._sync()
                self.ws.send(_dumps(reply))
            self.deliver()

    # -- where each stream starts -------------------------------------------------------------

    def _sync(self) -> None:
        """A new stream starts at the tape's end; a dropped one forgets where it was."""
        streams = self.subscriptions.streams
        now = self.exchange.clock.now_ms()
        for table in (self.trade_cursor, self.klines, self.tickers):
            for stream in [s for s in table if s not in streams]:
                del table[stream]
        for stream in streams:
            if stream.kind in _TAPE_KINDS and stream not in self.trade_cursor:
                self.trade_cursor[stream] = self._next_trade_id(stream.symbol)
            elif stream.kind == "kline" and stream not in self.klines:
                candle = self._candle(stream, None)
                self.klines[stream] = _KlineState(self._change_key(stream, now), candle.open_ms if candle else None,
                                                  kline_payload(stream.symbol, stream.interval or "", candle, False, 0)
                                                  ["k"] if candle else None)
            elif stream.kind == "miniTicker" and stream not in self.tickers:
                ticker = self._mini_ticker(stream, now)
                self.tickers[stream] = _KlineState(self._change_key(stream, now), None, _without_time(ticker))

    def _next_trade_id(self, symbol: str) -> int:
        try:
            last = self.exchange.recent_trades(symbol, 1)
        except BinanceError:  # not a symbol (yet): Binance accepts the stream and sends nothing
            return 0
        return last[-1].trade_id + 1 if last else 0

    # -- one round ------------------------------------------------------------------------------

    def deliver(self) -> None:
        """One round: everything read under the exchange's lock (one consistent moment), then sent."""
        with self.exchange.lock:
            now = self.exchange.clock.now_ms()
            frames: list[tuple[Stream, dict[str, Any]]] = []
            for stream in self.subscriptions.streams:
                if stream.kind in _TAPE_KINDS:
                    frames.extend((stream, payload) for payload in self._new_trades(stream))
            for stream in self.subscriptions.streams:
                if stream.kind == "kline":
                    frames.extend((stream, payload) for payload in self._kline_updates(stream, now))
                elif stream.kind == "miniTicker":
                    frames.extend((stream, payload) for payload in self._ticker_updates(stream, now))
        combined = self.subscriptions.combined
        for stream, payload in frames:
            self._send(stream, payload, combined)

    def _send(self, stream: Stream, payload: dict[str, Any], combined: bool) -> None:
        if self.microseconds:
            payload = in_microseconds(payload)
        self.ws.send(_dumps(wrap(stream, payload, combined)))

    def _new_trades(self, stream: Stream) -> list[dict[str, Any]]:
        symbol, cursor = stream.symbol, self.trade_cursor[stream]
        try:
            trades = self.exchange.historical_trades(symbol, cursor, MAX_TRADES_PER_ROUND)
        except BinanceError:
            return []
        if stream.kind == "aggTrade" and len(trades) == MAX_TRADES_PER_ROUND:
            # The last aggregate may go on past this batch: it waits for the next round.
            whole = [t for t in trades if t.agg_id != trades[-1].agg_id]
            trades = whole or trades
        if trades:
            self.trade_cursor[stream] = trades[-1].trade_id + 1
        # The event time is the print's: the exchange clock when the trade happened.
        if stream.kind == "aggTrade":
            return [agg_trade_payload(symbol, a.agg_id, a.price, a.qty, a.first_id, a.last_id, a.time_ms,
                                      a.is_buyer_maker, a.time_ms) for a in aggregate(trades)]
        return [trade_payload(symbol, t.trade_id, t.price, t.qty, t.time_ms, t.is_buyer_maker, t.time_ms)
                for t in trades]

    def _change_key(self, stream: Stream, now: int) -> tuple[Any, ...]:
        """Cheap to read each round; when it is unchanged the candle (or the ticker) is too."""
        # A ticker's window moves on by the second.
        interval = Interval(stream.interval or "1s", stream.offset_ms)
        try:
            last = self.exchange.recent_trades(stream.symbol, 1)
            price = self.exchange.market.last_price(stream.symbol)
        except (BinanceError, KeyError):
            return (None,)
        return (last[-1].trade_id if last else None, price, interval.index(now))

    def _ticker_updates(self, stream: Stream, now: int) -> list[dict[str, Any]]:
        state = self.tickers[stream]
        key = self._change_key(stream, now)
        if key == state.key:
            return []
        state.key = key
        payload = self._mini_ticker(stream, now)
        if payload is None or _without_time(payload) == state.sent:
            return []
        state.sent = _without_time(payload)
        return [payload]

    def _mini_ticker(self, stream: Stream, now: int) -> dict[str, Any] | None:
        try:
            stats = self.exchange.market_window(stream.symbol, now - DAY_MS, now)
        except BinanceError:
            return None
        return mini_ticker_payload(stream.symbol, stats.last, stats.open, stats.high, stats.low, stats.volume,
                                   stats.quote_volume, now)

    def _kline_updates(self, stream: Stream, now: int) -> list[dict[str, Any]]:
        state = self.klines[stream]
        key = self._change_key(stream, now)
        if key == state.key:
            return []
        state.key = key
        interval = stream.interval or "1m"
        out: list[dict[str, Any]] = []
        current = self._candle(stream, None)
        if current is None:
            return []
        if state.open_ms is not None and current.open_ms > state.open_ms:
            closed = self._candle(stream, state.open_ms)
            if closed is not None:
                out.append(kline_payload(stream.symbol, interval, closed, True, now))
        payload = kline_payload(stream.symbol, interval, current, False, now)
        if payload["k"] != state.sent or out:
            out.append(payload)
        state.open_ms, state.sent = current.open_ms, payload["k"]
        return out

    def _candle(self, stream: Stream, open_ms: int | None) -> Candle | None:
        """The open candle (``open_ms`` None) or the one opening at ``open_ms``."""
        interval = Interval(stream.interval or "1m", stream.offset_ms)
        try:
            rows = self.exchange.klines(stream.symbol, interval, open_ms, open_ms, 1)
            if not rows:
                return None
            k = rows[-1]
            ids = self.exchange.market_window(stream.symbol, k.open_ms, k.close_ms)
        except BinanceError:
            return None
        return Candle(k.open_ms, k.close_ms, ids.first_id, ids.last_id, k.open, k.close, k.high, k.low, k.volume,
                      k.trades, k.quote_volume, k.taker_buy_volume, k.taker_buy_quote_volume)
