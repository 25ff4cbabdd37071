"""Market streams over WebSocket: ``/ws/<streamName>`` and ``/stream?streams=a/b``.

The routes live in ``ws_routes.py`` and their handlers in ``user_stream_ws.py`` (one
blueprint, one WebSocket port: a path under ``/ws/`` holding an ``@`` is a stream name,
anything else a listen key); this module runs a session. Names, control messages and
payloads are in ``core/market_streams.py``.

A session reads the exchange's tape, never a queue of its own: each round it takes the
trades printed since it last looked and the candles that changed, so what it sends does
not depend on how often it looks, except that a kline update carries the candle as it is
when sent (several trades between two rounds give one update, as Binance's kline stream
pushes the candle once a second). The book streams read the exchange's book update log
(core/depth.py): one frame per update, never coalesced. The order of one round
(docs/market-streams.md):

1. ``@trade`` and ``@aggTrade`` frames, stream by stream in subscription order, each in
   trade id order;
2. ``@depth``, ``@depth<levels>`` and ``@bookTicker`` frames, stream by stream in
   subscription order, each in update id order;
3. ``@kline_<interval>``, ticker, ``@avgPrice`` and ``!...@arr`` frames, in subscription
   order (a kline stream: the candle that closed, ``x`` true, first, then the open candle).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from mock_exchange.core import depth
from mock_exchange.core.depth import BookUpdate
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.intervals import DAY_MS, Interval, parse_window_size
from mock_exchange.core.market_streams import (
    Candle,
    Stream,
    Subscriptions,
    agg_trade_payload,
    avg_price_payload,
    book_ticker_payload,
    diff_depth_payload,
    in_microseconds,
    kline_payload,
    mini_ticker_payload,
    partial_depth_payload,
    ticker_payload,
    trade_payload,
    window_ticker_payload,
    wrap,
)
from mock_exchange.core.tape import aggregate
from mock_exchange.core.tickers import AVG_PRICE_MINS, rolling_window_start
from mock_exchange.core.user_stream import listen_key_expired
from mock_exchange.web.runtime import current_runtime
from mock_exchange.web.stream_limits import TOO_MANY_MESSAGES_CLOSE, MessageRate
from mock_exchange.web.user_stream import FELL_BEHIND_CLOSE, STATE_REPLACED_CLOSE, grant_payloads

POLL_INTERVAL_S = 0.01
MAX_TRADES_PER_ROUND = 1000  # a burst larger than this is sent over the following rounds
# Binance's close for a path that names no stream it knows (a live capture; docs/market-streams.md).
ILLEGAL_STREAM_CLOSE = (1008, '{"code":-1,"msg":"Illegal format ws or stream"}')


_TAPE_KINDS = ("trade", "aggTrade")


_TICKER_KINDS = ("miniTicker", "ticker", "windowTicker", "avgPrice")
_BOOK_KINDS = ("depth", "partialDepth", "bookTicker")
# Fields that follow the clock (event time, a rolling window's bounds): a ticker whose other
# fields are unchanged is not sent again.
_CLOCK_FIELDS = ("E", "O", "C")


def _without_clock(payload: dict[str, Any] | None) -> dict[str, Any] | None:
    return {k: v for k, v in payload.items() if k not in _CLOCK_FIELDS} if payload is not None else None


def _dumps(data: Any) -> str:
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False)


OrderKey = tuple[int, int, int]
_LAST = 2**62  # after every trade id


def _market_key(after_seq: int, trade_order: int, update_id: int = 0) -> OrderKey:
    """Where a market change sorts: after user event ``after_seq``, before the next one.

    A user event with seq ``n`` sorts at ``(2n, 0)``; a change made after it at ``(2n + 1,
    ...)``, and changes between the same two events by the symbol's trades: a trade ``t`` at
    ``2t + 1``, a book update made before trade ``t`` printed at ``2t``, book updates
    between the same two trades by update id. An unknown sequence (-1) sorts first.
    """
    return 2 * after_seq + 1, trade_order, update_id


def _user_key(seq: int) -> OrderKey:
    return 2 * seq, 0, 0


@dataclass
class UserFeed:
    """A listen key named in a combined path: its events ride along the market streams."""

    name: str  # as spelled in the path (the combined wrapper's ``stream``)
    grant: Any  # core.user_stream.StreamGrant
    cursor: int  # the last event seq read
    log: Any  # the event log it follows (core.events.EventLog; a reset or restore replaces the exchange's)
    ended: bool = False
    fell_behind: bool = False  # events after the cursor were dropped from the log: the connection closes


@dataclass
class _BookCursor:
    update_id: int | None  # the last book update the stream showed (None: not a symbol yet)
    price: Decimal  # the last price after it
    pending_snapshot: bool  # a partial book stream's first frame is still to send


@dataclass
class _KlineState:
    key: tuple[Any, ...]
    open_ms: int | None
    sent: dict[str, Any] | None  # what was last sent (a kline's "k", a ticker without "E")


class MarketSession:
    """One market-stream connection: its subscriptions and where each stream has read to."""

    def __init__(self, streams: list[Stream], combined: bool, microseconds: bool = False,
                 user: UserFeed | None = None) -> None:
        self.ws: Any = None  # the socket, once the handshake is done
        self.microseconds = microseconds
        self.exchange = current_runtime().exchange
        self.user = user
        self.subscriptions = Subscriptions(combined, list(streams))
        self.trade_cursor: dict[Stream, int] = {}  # a trade or aggTrade stream -> the next trade id to send
        self.book_cursor: dict[Stream, _BookCursor] = {}  # a depth or bookTicker stream -> the update it showed
        self.klines: dict[Stream, _KlineState] = {}
        self.tickers: dict[Stream, _KlineState] = {}
        self.all_market: dict[Stream, dict[str, _KlineState]] = {}  # a !...@arr stream -> per symbol
        self.exchange.read_consistently(self._sync)

    def run(self, ws: Any, was_reset: Any, round_done: Any = lambda: None, rate: MessageRate | None = None) -> None:
        self.ws = ws
        while True:
            frame = self.ws.receive(timeout=POLL_INTERVAL_S)
            if was_reset(self.exchange):
                self.ws.close(*STATE_REPLACED_CLOSE)
                return
            if self.user is not None and self.user.log is not self.exchange.events:
                # The listen key's state was reset or restored: its events logged before that
                # are sent (the replaced log gets no more), then the connection closes.
                self.deliver()
                if not self._fell_behind():
                    self.ws.close(*STATE_REPLACED_CLOSE)
                return
            if frame is not None and rate is not None and not rate.allow():
                self.ws.close(*TOO_MANY_MESSAGES_CLOSE)  # "5 incoming messages per second"
                return
            if frame is not None:
                # Everything printed before the request is sent before its answer, so an
                # answer is a barrier: a test that has it has every frame of the steps before.
                self.deliver()
                if self._fell_behind():
                    return
                text = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
                reply = self.subscriptions.handle(text)
                self.exchange.read_consistently(self._sync)  # a stream subscribed starts before its answer
                self.ws.send(_dumps(reply))
            self.deliver()
            if self._fell_behind():
                return
            round_done()

    def _fell_behind(self) -> bool:
        """Close the connection when its listen key's events fell behind the log (docs/user-stream.md)."""
        if self.user is None or not self.user.fell_behind:
            return False
        self.ws.close(*FELL_BEHIND_CLOSE)
        return True

    # -- where each stream starts -------------------------------------------------------------

    def _sync(self) -> None:
        """A new stream starts at the tape's end; a dropped one forgets where it was."""
        streams = self.subscriptions.streams
        now = self.exchange.clock.now_ms()
        tables: tuple[dict[Stream, Any], ...] = (self.trade_cursor, self.book_cursor, self.klines, self.tickers,
                                                 self.all_market)
        for table in tables:
            for stream in [s for s in table if s not in streams]:
                del table[stream]
        for stream in streams:
            if stream.kind in _TAPE_KINDS and stream not in self.trade_cursor:
                self.trade_cursor[stream] = self._next_trade_id(stream.symbol)
            elif stream.kind in _BOOK_KINDS and stream not in self.book_cursor:
                self.book_cursor[stream] = self._book_start(stream)
            elif stream.kind == "kline" and stream not in self.klines:
                candle = self._candle(stream, None)
                self.klines[stream] = _KlineState(self._change_key(stream, now), candle.open_ms if candle else None,
                                                  kline_payload(stream.symbol, stream.interval or "", candle, False, 0)
                                                  ["k"] if candle else None)
            elif stream.kind in _TICKER_KINDS and stream not in self.tickers:
                self.tickers[stream] = self._ticker_state(stream, stream.symbol, now)
            elif stream.all_market and stream not in self.all_market:
                self.all_market[stream] = {symbol: self._ticker_state(stream, symbol, now)
                                           for symbol in self._symbols()}

    def _next_trade_id(self, symbol: str) -> int:
        try:
            last = self.exchange.recent_trades(symbol, 1)
        except BinanceError:  # not a symbol (yet): Binance accepts the stream and sends nothing
            return 0
        return last[-1].trade_id + 1 if last else 0

    def _book_start(self, stream: Stream) -> _BookCursor:
        try:
            last, _, update_id = self.exchange.order_book(stream.symbol)
        except BinanceError:
            return _BookCursor(None, Decimal(0), False)
        # A partial book is sent once as it stands (Binance pushes it whatever changed).
        return _BookCursor(update_id, last, stream.kind == "partialDepth")

    def _symbols(self) -> list[str]:
        return sorted(self.exchange.config.symbols)

    # -- one round ------------------------------------------------------------------------------

    def deliver(self) -> None:
        """One round: everything read under the exchange's lock (one consistent moment), then sent.

        Frames go out in the order the exchange made the changes they report (docs/market-
        streams.md, "in what order"): each carries the event log's sequence number at its
        change, so prints, book updates and the user data events of one step interleave as
        they happened; ties keep the order trades, book, candles and tickers, subscription
        order within each.
        """
        frames = self.exchange.read_consistently(self._read_frames)
        frames.sort(key=lambda frame: frame[0])  # stable: ties keep the order they were read in
        combined = self.subscriptions.combined
        for _, target, payload in frames:
            if target is None:
                assert self.user is not None
                self.ws.send(_dumps({"stream": self.user.name, "data": payload} if combined else payload))
            else:
                self._send(target, payload, combined)

    def _read_frames(self) -> list[tuple[OrderKey, Stream | None, Any]]:
        """The frames of one round, read at one moment (``Exchange.read_consistently``)."""
        now = self.exchange.clock.now_ms()
        read_at = _market_key(int(self.exchange.events.last_seq), _LAST)  # coalesced frames: as of now
        frames: list[tuple[OrderKey, Stream | None, Any]] = []
        streams = self.subscriptions.streams
        for stream in streams:
            if stream.kind in _TAPE_KINDS:
                frames.extend((key, stream, payload) for key, payload in self._new_trades(stream))
        for stream in streams:
            if stream.kind in _BOOK_KINDS:
                frames.extend((key, stream, payload) for key, payload in self._book_updates(stream, read_at))
        for stream in streams:
            if stream.kind == "kline":
                frames.extend((read_at, stream, payload) for payload in self._kline_updates(stream, now))
            elif stream.kind in _TICKER_KINDS:
                frames.extend((read_at, stream, payload) for payload in self._ticker_updates(stream, now))
            elif stream.all_market:
                frames.extend((read_at, stream, payload) for payload in self._all_market_updates(stream, now))
        if self.user is not None:
            frames.extend((_user_key(seq), None, payload) for seq, payload in self._user_events(now))
        return frames

    def _user_events(self, now: int) -> list[tuple[int, dict[str, Any]]]:
        """The listen key's new events (a combined path may name one), then its end if it expired."""
        feed = self.user
        assert feed is not None
        if feed.ended:
            return []
        ended = not feed.grant.active(now)  # decided before reading, as listen_key_stream does
        events, newest, lost = self.exchange.events_after(feed.cursor, feed.grant.account, feed.log)
        if lost:
            feed.ended = feed.fell_behind = True
            return []
        rows = grant_payloads(feed.grant, events)
        last_read = events[-1].seq if events else feed.cursor
        feed.cursor = newest
        if ended:
            feed.ended = True
            if not feed.grant.closed:
                rows.append((last_read, listen_key_expired(feed.grant.value, feed.grant.expires_ms)))
        return rows

    def _send(self, stream: Stream, payload: Any, combined: bool) -> None:
        if self.microseconds:
            payload = in_microseconds(payload)
        self.ws.send(_dumps(wrap(stream, payload, combined)))

    def _new_trades(self, stream: Stream) -> list[tuple[OrderKey, dict[str, Any]]]:
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
            # An aggregate is sent once its last trade printed.
            printed = {t.agg_id: _market_key(t.after_seq, 2 * t.trade_id + 1) for t in trades}
            return [(printed[a.agg_id], agg_trade_payload(symbol, a.agg_id, a.price, a.qty, a.first_id, a.last_id,
                                                          a.time_ms, a.is_buyer_maker, a.time_ms))
                    for a in aggregate(trades)]
        return [
            (
                _market_key(t.after_seq, 2 * t.trade_id + 1),
                trade_payload(symbol, t.trade_id, t.price, t.qty, t.time_ms, t.is_buyer_maker, t.time_ms),
            )
            for t in trades
        ]

    # -- the book: one frame per book update, from the exchange's update log ---------------------

    def _book_updates(self, stream: Stream, read_at: OrderKey) -> list[tuple[OrderKey, dict[str, Any]]]:
        cursor = self.book_cursor[stream]
        try:
            last, tick, update_id = self.exchange.order_book(stream.symbol)
        except BinanceError:
            return []
        if cursor.update_id is None:  # the symbol was listed after the stream started
            cursor.update_id, cursor.price = update_id, last
        out: list[tuple[OrderKey, dict[str, Any]]] = []
        if cursor.pending_snapshot:
            out.append(
                ((-1, 0, 0), self._book_frame(stream, cursor.update_id, cursor.price, cursor.price, tick, None, 0))
            )
            cursor.pending_snapshot = False
        updates = self.exchange.book_updates_since(stream.symbol, cursor.update_id)
        if updates is None:
            # Further behind than the exchange keeps: one frame spanning every update missed.
            updates = [BookUpdate(update_id, self.exchange.clock.now_ms(), cursor.price, last, read_at[0] // 2,
                                  _LAST // 2)]
            first = cursor.update_id + 1
        else:
            first = None
        for update in updates:
            out.append((_market_key(update.after_seq, 2 * update.next_trade_id, update.update_id), self._book_frame(
                stream, update.update_id, update.before, update.after, tick, first, update.time_ms)))
            first = None
        if updates:
            cursor.update_id, cursor.price = updates[-1].update_id, updates[-1].after
        return out

    def _book_frame(self, stream: Stream, update_id: int, before: Decimal, after: Decimal, tick: Decimal,
                    first_id: int | None, time_ms: int) -> dict[str, Any]:
        symbol = stream.symbol
        if stream.kind == "depth":
            bids, asks = depth.diff(before, after, tick)
            return diff_depth_payload(symbol, first_id if first_id is not None else update_id, update_id, bids, asks,
                                      time_ms)
        if stream.kind == "partialDepth":
            return partial_depth_payload(update_id, depth.bids(after, tick, stream.levels),
                                         depth.asks(after, tick, stream.levels))
        bid, ask = depth.best(after, tick)
        return book_ticker_payload(symbol, update_id, bid, ask)

    # -- candles and tickers: coalesced, sent when they changed ---------------------------------

    def _change_key(self, stream: Stream, now: int, symbol: str | None = None) -> tuple[Any, ...]:
        """Cheap to read each round; when it is unchanged the candle (or the ticker) is too."""
        # A ticker's window moves on by the second.
        interval = Interval(stream.interval if stream.kind == "kline" and stream.interval else "1s", stream.offset_ms)
        name = symbol if symbol is not None else stream.symbol
        try:
            last = self.exchange.recent_trades(name, 1)
            price = self.exchange.market.last_price(name)
        except (BinanceError, KeyError):
            return (None,)
        return (last[-1].trade_id if last else None, price, interval.index(now))

    def _ticker_state(self, stream: Stream, symbol: str, now: int) -> _KlineState:
        return _KlineState(self._change_key(stream, now, symbol), None,
                           _without_clock(self._ticker(stream, symbol, now)))

    def _ticker_updates(self, stream: Stream, now: int) -> list[dict[str, Any]]:
        payload = self._changed_ticker(stream, self.tickers[stream], stream.symbol, now)
        return [payload] if payload is not None else []

    def _all_market_updates(self, stream: Stream, now: int) -> list[list[dict[str, Any]]]:
        """One array of the symbols whose ticker changed ("only tickers that have changed")."""
        states = self.all_market[stream]
        changed = []
        for symbol in self._symbols():
            if symbol not in states:  # listed since the stream started: it starts now, as a new stream would
                states[symbol] = self._ticker_state(stream, symbol, now)
                continue
            payload = self._changed_ticker(stream, states[symbol], symbol, now)
            if payload is not None:
                changed.append(payload)
        return [changed] if changed else []

    def _changed_ticker(self, stream: Stream, state: _KlineState, symbol: str, now: int) -> dict[str, Any] | None:
        key = self._change_key(stream, now, symbol)
        if key == state.key:
            return None
        state.key = key
        payload = self._ticker(stream, symbol, now)
        if payload is None or _without_clock(payload) == state.sent:
            return None
        state.sent = _without_clock(payload)
        return payload

    def _ticker(self, stream: Stream, symbol: str, now: int) -> dict[str, Any] | None:
        """The ticker-like payload of ``stream`` for ``symbol`` as it stands at ``now``."""
        try:
            if stream.kind == "avgPrice":
                price, last_trade_ms = self.exchange.avg_price(symbol, AVG_PRICE_MINS)
                return avg_price_payload(symbol, price, last_trade_ms if last_trade_ms is not None else now, now)
            last = self.exchange.market.last_price(symbol)
            if stream.kind in ("windowTicker", "allWindowTickers"):
                size = parse_window_size(stream.interval or "1d") or DAY_MS
                stats = self.exchange.market_window(symbol, rolling_window_start(now, size), now)
                return window_ticker_payload(symbol, stream.interval or "1d", stats, last, now)
            stats = self.exchange.market_window(symbol, now - DAY_MS, now)
            if stream.kind in ("ticker", "allTickers"):
                _, tick, _ = self.exchange.order_book(symbol)
                bid, ask = depth.best(last, tick)
                return ticker_payload(symbol, stats, last, bid, ask, now)
        except (BinanceError, KeyError):
            return None
        return mini_ticker_payload(symbol, stats.last, stats.open, stats.high, stats.low, stats.volume,
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
