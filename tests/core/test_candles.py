"""Candles from a hand-written tape: known trades at known times give known OHLCV rows."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.history import MAX_TAPE_ENTRIES, SymbolHistory
from mock_exchange.core.intervals import Interval, parse_time_zone, parse_window_size

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a Thursday
MIN = 60_000


def bare_exchange(at_ms: int = T0) -> Exchange:
    """The default config without warm-up history, its clock frozen at ``at_ms``."""
    config = default_config()
    symbols = {name: dataclasses.replace(spec, history=None) for name, spec in config.symbols.items()}
    return Exchange(dataclasses.replace(config, symbols=symbols), clock=ExchangeClock(frozen_at_ms=at_ms))


def rows(exchange: Exchange, interval: str, **kwargs: int) -> list[list[str]]:
    """Klines as strings, for comparison with hand-computed rows."""
    out = []
    for k in exchange.klines("BTCUSDT", Interval(interval, kwargs.pop("offset", 0)), **kwargs):
        out.append([str(k.open_ms - T0), *(plain(d) for d in (k.open, k.high, k.low, k.close, k.volume)),
                    str(k.close_ms - T0), plain(k.quote_volume), str(k.trades), plain(k.taker_buy_volume),
                    plain(k.taker_buy_quote_volume)])
    return out


def plain(value: Decimal) -> str:
    return f"{value.normalize():f}"


def the_tape(exchange: Exchange) -> None:
    """Minute 0: two trades; minute 1: a bare move then a trade; minute 2: nothing; now in minute 3."""
    clock = exchange.clock
    clock.advance(1_000)
    exchange.trade("BTCUSDT", Decimal("30010"), Decimal("0.5"))  # up-tick: the buyer took
    clock.advance(1_000)
    exchange.trade("BTCUSDT", Decimal("29990"), Decimal("0.25"))  # down-tick: the buyer was the maker
    clock.set(T0 + 61_000)
    exchange.set_price("BTCUSDT", Decimal("30100"))  # a price point: no volume
    clock.set(T0 + 65_000)
    exchange.trade("BTCUSDT", Decimal("30050"), Decimal("1"))
    clock.set(T0 + 3 * MIN + 5_000)


def test_one_minute_candles_from_the_tape() -> None:
    exchange = bare_exchange()
    the_tape(exchange)
    assert rows(exchange, "1m") == [
        ["0", "30000", "30010", "29990", "29990", "0.75", "59999", "22502.5", "2", "0.5", "15005"],
        ["60000", "30100", "30100", "30050", "30050", "1", "119999", "30050", "1", "0", "0"],
        ["120000", "30050", "30050", "30050", "30050", "0", "179999", "0", "0", "0", "0"],  # flat: no trade
        ["180000", "30050", "30050", "30050", "30050", "0", "239999", "0", "0", "0", "0"],  # the open candle
    ]


def test_coarser_candles_sum_the_finer_ones() -> None:
    exchange = bare_exchange()
    the_tape(exchange)
    assert rows(exchange, "5m") == [
        ["0", "30000", "30100", "29990", "30050", "1.75", "299999", "52552.5", "3", "0.5", "15005"],
    ]
    assert rows(exchange, "1M") == [
        ["0", "30000", "30100", "29990", "30050", "1.75", str(31 * 24 * 60 * MIN - 1), "52552.5", "3", "0.5",
         "15005"],
    ]


def test_start_end_and_limit_select_by_open_time() -> None:
    exchange = bare_exchange()
    the_tape(exchange)
    opens = lambda **kw: [int(r[0]) for r in rows(exchange, "1m", **kw)]  # noqa: E731
    assert opens(limit=2) == [2 * MIN, 3 * MIN]  # the newest
    assert opens(start_time=T0 + 1, limit=2) == [MIN, 2 * MIN]  # open time >= startTime
    assert opens(start_time=T0 + MIN, limit=500) == [MIN, 2 * MIN, 3 * MIN]
    assert opens(end_time=T0 + MIN + 5, limit=500) == [0, MIN]  # open time <= endTime
    assert opens(start_time=T0, end_time=T0 + 2 * MIN, limit=2) == [0, MIN]  # from the start, limit rows
    assert opens(start_time=T0 + 2 * MIN, end_time=T0 + MIN, limit=500) == []
    assert opens(start_time=T0 - 10 * MIN, limit=1) == [0]  # nothing before the first price


def test_a_frozen_clock_keeps_the_open_candle_and_advancing_adds_flat_ones() -> None:
    exchange = bare_exchange()
    assert [r[0] for r in rows(exchange, "1s")] == ["0"]
    exchange.clock.advance(2_500)
    assert [r[0] for r in rows(exchange, "1s")] == ["0", "1000", "2000"]


@pytest.mark.parametrize(("interval", "now", "open_ms", "close_ms"), [
    ("1w", T0, T0 - 3 * 24 * 60 * MIN, T0 + 4 * 24 * 60 * MIN - 1),  # weeks open on Monday 00:00
    ("3d", T0 + 5 * 24 * 60 * MIN, T0 + 3 * 24 * 60 * MIN, T0 + 6 * 24 * 60 * MIN - 1),  # every third epoch day
    ("1M", T0 + 31 * 24 * 60 * MIN + 5, T0 + 31 * 24 * 60 * MIN, T0 + 59 * 24 * 60 * MIN - 1),  # February 2026
    ("1d", T0 + 5, T0, T0 + 24 * 60 * MIN - 1),
])
def test_interval_boundaries(interval: str, now: int, open_ms: int, close_ms: int) -> None:
    frame = Interval(interval)
    index = frame.index(now)
    assert (frame.open_ms(index), frame.close_ms(index)) == (open_ms, close_ms)


def test_time_zone_moves_the_boundaries_not_the_times() -> None:
    plus8 = Interval("1d", 8 * 60 * MIN)
    # 2026-01-01T00:00Z is 08:00 in UTC+8: the local day opened at 2025-12-31T16:00Z.
    index = plus8.index(T0)
    assert plus8.open_ms(index) == T0 - 8 * 60 * MIN
    month = Interval("1M", 8 * 60 * MIN)
    # 2026-01-31T20:00Z is already 1 February in UTC+8.
    at = T0 + 30 * 24 * 60 * MIN + 20 * 60 * MIN
    assert month.open_ms(month.index(at)) == T0 + 31 * 24 * 60 * MIN - 8 * 60 * MIN
    minus545 = Interval("1h", -(5 * 60 + 45) * MIN)
    assert minus545.open_ms(minus545.index(T0)) == T0 - 15 * MIN  # in UTC-05:45 local hours start at :15 UTC


def test_klines_in_a_time_zone() -> None:
    exchange = bare_exchange()
    the_tape(exchange)
    assert [r[0] for r in rows(exchange, "1d", offset=8 * 60 * MIN)] == [str(-8 * 60 * MIN)]


@pytest.mark.parametrize(("text", "offset_min"), [
    ("0", 0), ("8", 480), ("-1:00", -60), ("05:45", 345), ("+08:00", 480), ("-12:00", -720), ("14:00", 840),
])
def test_time_zone_values(text: str, offset_min: int) -> None:
    assert parse_time_zone(text) == offset_min * MIN


@pytest.mark.parametrize("text", ["", "15", "-13", "14:01", "8:60", "UTC", "8h", "1:2", "+-1", "8\n", " 8"])
def test_time_zone_rejects(text: str) -> None:
    assert parse_time_zone(text) is None


@pytest.mark.parametrize(("text", "ms"), [("1m", MIN), ("59m", 59 * MIN), ("1h", 60 * MIN), ("23h", 23 * 60 * MIN),
                                          ("1d", 24 * 60 * MIN), ("7d", 7 * 24 * 60 * MIN)])
def test_window_sizes(text: str, ms: int) -> None:
    assert parse_window_size(text) == ms


@pytest.mark.parametrize("text", ["0m", "60m", "24h", "8d", "1d2h", "1w", "m", "01m", "1M", "1d\n"])
def test_window_size_rejects(text: str) -> None:
    assert parse_window_size(text) is None


def test_rolling_window_statistics() -> None:
    exchange = bare_exchange()
    the_tape(exchange)
    now = exchange.clock.now_ms()
    stats = exchange.market_window("BTCUSDT", now - 24 * 60 * MIN, now)
    assert (stats.open, stats.high, stats.low, stats.last) == (30000, 30100, 29990, 30050)
    assert (stats.volume, stats.quote_volume, stats.trades) == (Decimal("1.75"), Decimal("52552.5"), 3)
    assert (stats.first_id, stats.last_id, stats.last_qty) == (0, 2, 1)
    later = exchange.market_window("BTCUSDT", T0 + 60_000, now)
    # The open is the price in effect when the window starts.
    assert (later.open, later.trades, later.first_id, later.last_id) == (29990, 1, 2, 2)


def test_user_fills_are_trades_and_one_print_aggregates_its_maker_fills() -> None:
    from mock_exchange.core.enums import OrderType, Side, TimeInForce
    from mock_exchange.core.requests import NewOrder

    exchange = bare_exchange()
    account = next(iter(exchange.accounts))
    for _ in range(2):
        exchange.place_order(account, NewOrder(symbol="BTCUSDT", side=Side.BUY, type=OrderType.LIMIT,
                                               quantity=Decimal("0.01"), price=Decimal("29000"),
                                               time_in_force=TimeInForce.GTC))
    exchange.trade("BTCUSDT", Decimal("28900"), Decimal("1"))
    trades = exchange.recent_trades("BTCUSDT")
    assert [(t.trade_id, t.price, t.qty, t.is_buyer_maker) for t in trades] == [
        (0, 29000, Decimal("0.01"), True), (1, 29000, Decimal("0.01"), True), (2, 28900, Decimal("0.98"), True)]
    aggs = exchange.agg_trades("BTCUSDT")
    assert [(a.agg_id, a.price, a.qty, a.first_id, a.last_id) for a in aggs] == [
        (0, 29000, Decimal("0.02"), 0, 1), (1, 28900, Decimal("0.98"), 2, 2)]


def test_the_tape_folds_into_minute_bars_when_full() -> None:
    history = SymbolHistory(Decimal("100"), T0)
    for i in range(MAX_TAPE_ENTRIES + 10):
        history.add_trade(Decimal(100 + i % 7), Decimal("1"), False, i, T0 + i * 100)
    assert len(history.entries) <= MAX_TAPE_ENTRIES
    assert history.trades[0].trade_id > 0  # the oldest trades fell off the trade list ...
    view = history.view()
    stats = view.window(T0, T0 + 10**9, Decimal("100"))
    assert stats.trades == MAX_TAPE_ENTRIES + 10  # ... but the candles still count them
    assert stats.volume == MAX_TAPE_ENTRIES + 10
    assert (stats.first_id, stats.last_id) == (0, MAX_TAPE_ENTRIES + 9)


def test_a_clock_set_back_prints_at_its_own_time() -> None:
    exchange = bare_exchange()
    exchange.clock.advance(10 * MIN)
    exchange.trade("BTCUSDT", Decimal("30001"), Decimal("1"))
    exchange.clock.set(T0 - 60 * MIN)
    exchange.trade("BTCUSDT", Decimal("30002"), Decimal("2"))
    trades = exchange.recent_trades("BTCUSDT")
    assert [(t.trade_id, t.time_ms) for t in trades] == [(0, T0 + 10 * MIN), (1, T0 - 60 * MIN)]  # ids: print order
    exchange.clock.set(T0 + 11 * MIN)
    hours = exchange.klines("BTCUSDT", Interval("1h"), limit=10)
    assert [(k.open_ms, k.volume) for k in hours] == [(T0 - 60 * MIN, 2), (T0, 1)]
    assert [a.qty for a in exchange.agg_trades("BTCUSDT", start_time=T0 - 61 * MIN, end_time=T0)] == [2]
    assert [a.qty for a in exchange.agg_trades("BTCUSDT", end_time=T0 + 11 * MIN, limit=1)] == [2]
