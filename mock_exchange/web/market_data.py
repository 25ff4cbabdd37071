"""Market history endpoints: klines, uiKlines, trades, historicalTrades, aggTrades and the tickers.

Everything is read from the fake's own tape and warm-up history (core/history.py), on the
exchange clock. Parameters, weights, limits and errors follow binance-spot-api-docs
rest-api.md, "Market Data endpoints"; docs/behaviour.md ("Candles and trades") lists the
choices where Binance is silent.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from flask import Blueprint, Flask

from mock_exchange.config import SymbolConfig
from mock_exchange.core import depth, errors
from mock_exchange.core.candles import Kline, WindowStats
from mock_exchange.core.decimals import plain8
from mock_exchange.core.intervals import DAY_MS, Interval, parse_time_zone, parse_window_size
from mock_exchange.core.tape import AggTrade, TapeEntry
from mock_exchange.core.tickers import AVG_PRICE_MINS, percent_text, rolling_window_start, weighted_average
from mock_exchange.web.endpoint_catalog import (
    AGG_TRADES,
    AVG_PRICE,
    HISTORICAL_TRADES,
    KLINES,
    TICKER_24HR,
    TICKER_TRADING_DAY,
    TICKER_WINDOW,
    TRADES,
    UI_KLINES,
)
from mock_exchange.web.general import _selected_symbols, _symbol_list, _tick
from mock_exchange.web.order_params import history_limit, no_from_id_with_times
from mock_exchange.web.pipeline import Call, binance_route
from mock_exchange.web.runtime import current_runtime

blueprint = Blueprint("market_data", __name__)

MAX_LIMIT = 1000
DEFAULT_LIMIT = 500
MAX_WINDOW_SYMBOLS = 100
TICKER_TYPES = ("FULL", "MINI")
SYMBOL_STATUSES = ("TRADING", "HALT", "BREAK")




def register(app: Flask) -> None:
    app.register_blueprint(blueprint)


def _known_symbol(name: str) -> str:
    if name not in current_runtime().exchange.config.symbols:
        raise errors.invalid_symbol()
    return name


def _time_zone(call: Call) -> int:
    text = call.params.get("timeZone")
    if text is None:
        return 0
    offset = parse_time_zone(text)
    if offset is None:
        # (inferred) Binance documents the range, not the error; -1130 like other invalid values.
        raise errors.invalid_param_value("timeZone")
    return offset


# -- klines ---------------------------------------------------------------------------------


def kline_row(k: Kline) -> list[Any]:
    """One kline as Binance's 12-element array (the last element is its unused "0")."""
    return [k.open_ms, plain8(k.open), plain8(k.high), plain8(k.low), plain8(k.close), plain8(k.volume), k.close_ms,
            plain8(k.quote_volume), k.trades, plain8(k.taker_buy_volume), plain8(k.taker_buy_quote_volume), "0"]


def _klines(call: Call) -> list[list[Any]]:
    symbol = _known_symbol(call.params["symbol"])
    interval = Interval(call.params["interval"], _time_zone(call))
    limit = history_limit(call.params, MAX_LIMIT, DEFAULT_LIMIT)
    rows = current_runtime().exchange.klines(symbol, interval, call.get("startTime"), call.get("endTime"), limit)
    return [kline_row(k) for k in rows]


@binance_route(blueprint, KLINES)
def klines(call: Call) -> list[list[Any]]:
    return _klines(call)


@binance_route(blueprint, UI_KLINES)
def ui_klines(call: Call) -> list[list[Any]]:
    # Binance says only that uiKlines are "modified for presentation"; the fake's candles have
    # no outliers to smooth, so they are the klines themselves (docs/behaviour.md).
    return _klines(call)


# -- trades -----------------------------------------------------------------------------------


def trade_row(t: TapeEntry) -> dict[str, Any]:
    return {"id": t.trade_id, "price": plain8(t.price), "qty": plain8(t.qty), "quoteQty": plain8(t.quote_qty),
            "time": t.time_ms, "isBuyerMaker": t.is_buyer_maker, "isBestMatch": True}


def agg_row(a: AggTrade) -> dict[str, Any]:
    return {"a": a.agg_id, "p": plain8(a.price), "q": plain8(a.qty), "f": a.first_id, "l": a.last_id,
            "T": a.time_ms, "m": a.is_buyer_maker, "M": True}


@binance_route(blueprint, TRADES)
def trades(call: Call) -> list[dict[str, Any]]:
    symbol = _known_symbol(call.params["symbol"])
    limit = history_limit(call.params, MAX_LIMIT, DEFAULT_LIMIT)
    return [trade_row(t) for t in current_runtime().exchange.recent_trades(symbol, limit)]


@binance_route(blueprint, HISTORICAL_TRADES)
def historical_trades(call: Call) -> list[dict[str, Any]]:
    symbol = _known_symbol(call.params["symbol"])
    limit = history_limit(call.params, MAX_LIMIT, DEFAULT_LIMIT)
    from_id = call.get("fromId")
    if from_id is not None and from_id < 0:
        raise errors.invalid_param_value("fromId")
    return [trade_row(t) for t in current_runtime().exchange.historical_trades(symbol, from_id, limit)]


@binance_route(blueprint, AGG_TRADES)
def agg_trades(call: Call) -> list[dict[str, Any]]:
    symbol = _known_symbol(call.params["symbol"])
    limit = history_limit(call.params, MAX_LIMIT, DEFAULT_LIMIT)
    no_from_id_with_times(call.params)
    from_id = call.get("fromId")
    if from_id is not None and from_id < 0:
        raise errors.invalid_param_value("fromId")
    rows = current_runtime().exchange.agg_trades(symbol, from_id, call.get("startTime"), call.get("endTime"), limit)
    return [agg_row(a) for a in rows]


# -- tickers ----------------------------------------------------------------------------------


def symbol_or_symbols(params: Mapping[str, Any]) -> None:
    """A rolling-window or trading-day ticker names ``symbol`` or ``symbols`` (-1102 naming both)."""
    if "symbol" not in params and "symbols" not in params:
        raise errors.one_of_params_missing("symbol", "symbols")


def _ticker_symbols(call: Call, required: bool) -> tuple[list[SymbolConfig], bool]:
    """The symbols asked for (filtered by ``symbolStatus``), and whether one was named alone."""
    if required:
        symbol_or_symbols(call.params)
    if required and "symbols" in call.params and "symbol" not in call.params:
        count = len(_symbol_list(call.params["symbols"]))
        if count > MAX_WINDOW_SYMBOLS:  # counted before the names are looked up
            raise errors.too_many_symbols(MAX_WINDOW_SYMBOLS, count)
    symbols = _selected_symbols(call)
    single = "symbol" in call.params
    status = call.get("symbolStatus")
    if status is not None:
        if single and symbols[0].status != status:
            raise errors.symbol_status_mismatch()
        symbols = [s for s in symbols if s.status == status]
    return symbols, single


def _mini(symbol: str, s: WindowStats, last: Decimal) -> dict[str, Any]:
    return {"symbol": symbol, "openPrice": plain8(s.open), "highPrice": plain8(s.high), "lowPrice": plain8(s.low),
            "lastPrice": plain8(last), "volume": plain8(s.volume), "quoteVolume": plain8(s.quote_volume),
            "openTime": s.open_ms, "closeTime": s.close_ms, "firstId": s.first_id, "lastId": s.last_id,
            "count": s.trades}


def _full(symbol: str, s: WindowStats, last: Decimal) -> dict[str, Any]:
    change = last - s.open
    return {"symbol": symbol, "priceChange": plain8(change), "priceChangePercent": percent_text(change, s.open),
            "weightedAvgPrice": plain8(weighted_average(s, last)),
            **{k: v for k, v in _mini(symbol, s, last).items() if k != "symbol"}}


def _one_or_many(rows: list[dict[str, Any]], single: bool) -> Any:
    return rows[0] if single else rows


@binance_route(blueprint, TICKER_24HR)
def ticker_24hr(call: Call) -> Any:
    exchange = current_runtime().exchange
    now = exchange.clock.now_ms()
    symbols, single = _ticker_symbols(call, required=False)
    mini = call.get("type") == "MINI"
    rows = []
    for spec in symbols:
        stats = exchange.market_window(spec.symbol, now - DAY_MS, now)
        last = exchange.market.last_price(spec.symbol)
        if mini:
            rows.append(_mini(spec.symbol, stats, last))
            continue
        change = last - stats.open
        (bid, bid_qty), (ask, ask_qty) = depth.best(last, _tick(spec))
        rows.append(
            {
                "symbol": spec.symbol,
                "priceChange": plain8(change),
                "priceChangePercent": percent_text(change, stats.open),
                "weightedAvgPrice": plain8(weighted_average(stats, last)),
                "prevClosePrice": plain8(stats.open),
                "lastPrice": plain8(last),
                "lastQty": plain8(stats.last_qty),
                "bidPrice": plain8(bid),
                "bidQty": plain8(bid_qty),
                "askPrice": plain8(ask),
                "askQty": plain8(ask_qty),
                **{k: v for k, v in _mini(spec.symbol, stats, last).items() if k not in ("symbol", "lastPrice")},
            }
        )
    return _one_or_many(rows, single)


@binance_route(blueprint, TICKER_WINDOW)
def ticker_window(call: Call) -> Any:
    exchange = current_runtime().exchange
    size = 1 * DAY_MS
    if "windowSize" in call.params:
        parsed = parse_window_size(call.params["windowSize"])
        if parsed is None:
            # (inferred) the documented values are an enum; -1130 as for other invalid values.
            raise errors.invalid_param_value("windowSize")
        size = parsed
    symbols, single = _ticker_symbols(call, required=True)
    now = exchange.clock.now_ms()
    start = rolling_window_start(now, size)
    render = _mini if call.get("type") == "MINI" else _full
    rows = [render(s.symbol, exchange.market_window(s.symbol, start, now), exchange.market.last_price(s.symbol))
            for s in symbols]
    return _one_or_many(rows, single)


@binance_route(blueprint, TICKER_TRADING_DAY)
def ticker_trading_day(call: Call) -> Any:
    exchange = current_runtime().exchange
    offset = _time_zone(call)
    symbols, single = _ticker_symbols(call, required=True)
    now = exchange.clock.now_ms()
    day = Interval("1d", offset)
    index = day.index(now)
    start, end = day.open_ms(index), day.close_ms(index)
    render = _mini if call.get("type") == "MINI" else _full
    rows = []
    for spec in symbols:
        stats = exchange.market_window(spec.symbol, start, now)
        shown = WindowStats(start, end, stats.open, stats.high, stats.low, stats.last, stats.volume,
                            stats.quote_volume, stats.trades, stats.first_id, stats.last_id, stats.last_qty)
        rows.append(render(spec.symbol, shown, exchange.market.last_price(spec.symbol)))
    return _one_or_many(rows, single)


@binance_route(blueprint, AVG_PRICE)
def avg_price(call: Call) -> dict[str, Any]:
    exchange = current_runtime().exchange
    symbol = _known_symbol(call.params["symbol"])
    price, last_trade_ms = exchange.avg_price(symbol, AVG_PRICE_MINS)
    # closeTime is "Last trade time"; before any trade, the time of the request.
    close = last_trade_ms if last_trade_ms is not None else exchange.clock.now_ms()
    return {"mins": AVG_PRICE_MINS, "price": plain8(price), "closeTime": close}
