"""python-binance's BinanceSocketManager receives the fake's market streams, only its stream URL changed."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS as T0

pytestmark = pytest.mark.compat
RECV_TIMEOUT_S = 5
POLL_S = 0.2


@pytest.fixture
def served() -> Iterator[tuple[Exchange, str]]:
    pytest.importorskip("flask_sock")
    from mock_exchange.web.user_stream_ws import WebSocketServer

    config = default_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0))
    server = WebSocketServer(create_app(config, exchange=exchange)).start()
    yield exchange, f"ws://127.0.0.1:{server.port}/"
    server.stop()


def test_python_binance_trade_kline_and_multiplex_sockets(served: tuple[Exchange, str]) -> None:
    pytest.importorskip("binance.ws.streams", reason="python-binance is in the optional 'compat' extra")
    from binance.async_client import AsyncClient
    from binance.ws.streams import BinanceSocketManager

    exchange, stream_url = served

    async def run() -> list[Any]:
        client = AsyncClient("key", "secret")  # the constructor sends nothing; create() would ping Binance
        try:
            manager = BinanceSocketManager(client)
            manager.STREAM_URL = stream_url
            sockets = (manager.trade_socket("BTCUSDT"),
                       manager.kline_socket("BTCUSDT", AsyncClient.KLINE_INTERVAL_1MINUTE),
                       manager.multiplex_socket(["btcusdt@aggTrade", "btcusdt@miniTicker"]))
            for sock in sockets:
                # The client's read loop notices an exit only between reads of at most TIMEOUT
                # seconds (10 by default); a short one lets the test end at once.
                sock.TIMEOUT = POLL_S
            trades, klines, multiplex = sockets
            async with trades, klines, multiplex:
                await asyncio.to_thread(exchange.trade, "BTCUSDT", Decimal("30300"), Decimal("0.2"))
                return [await _next(trades), await _next(klines), await _next(multiplex), await _next(multiplex)]
        finally:
            await client.close_connection()

    async def _next(sock: Any) -> Any:
        """The next message; recv() answers None after TIMEOUT, so wait up to a deadline."""
        deadline = time.monotonic() + RECV_TIMEOUT_S
        while time.monotonic() < deadline:
            message = await sock.recv()
            if message is not None:
                return message
        raise AssertionError("no message from the fake in time")

    trade, kline, agg, mini = asyncio.run(run())
    assert (trade["e"], trade["s"], trade["p"], trade["q"], trade["T"]) == (
        "trade", "BTCUSDT", "30300.00000000", "0.20000000", T0)
    assert (kline["e"], kline["k"]["i"], kline["k"]["c"], kline["k"]["x"]) == ("kline", "1m", "30300.00000000", False)
    assert (agg["stream"], agg["data"]["q"]) == ("btcusdt@aggTrade", "0.20000000")
    assert (mini["stream"], mini["data"]["c"]) == ("btcusdt@miniTicker", "30300.00000000")


def test_ccxt_pro_watch_trades_and_ohlcv(served: tuple[Exchange, str]) -> None:
    pytest.importorskip("ccxt.pro", reason="ccxt is in the optional 'compat' extra")
    import ccxt.pro

    exchange, stream_url = served
    http = stream_url.replace("ws://", "http://").rstrip("/")
    rest = {"public": http + "/api/v3", "private": http + "/api/v3", "v1": http + "/api/v1",
            "sapi": http + "/sapi/v1"}

    async def run() -> tuple[Any, Any]:
        client = ccxt.pro.binance({"enableRateLimit": False, "timeout": 10_000,
                                   "options": {"fetchMarkets": {"types": ["spot"]}}})
        client.urls["api"] = {**client.urls["api"], **rest}
        client.urls["api"]["ws"] = {**client.urls["api"]["ws"], "spot": stream_url + "ws"}
        try:
            await client.load_markets()
            trades_task = asyncio.ensure_future(client.watch_trades("BTC/USDT"))
            ohlcv_task = asyncio.ensure_future(client.watch_ohlcv("BTC/USDT", "1m"))
            # ccxt subscribes once its socket is open: trade again until the watches resolve.
            deadline = time.monotonic() + RECV_TIMEOUT_S
            while not (trades_task.done() and ohlcv_task.done()) and time.monotonic() < deadline:
                await asyncio.to_thread(exchange.trade, "BTCUSDT", Decimal("30400"), Decimal("0.3"))
                await asyncio.wait([trades_task, ohlcv_task], timeout=POLL_S,
                                   return_when=asyncio.ALL_COMPLETED)
            return await trades_task, await ohlcv_task
        finally:
            await client.close()

    trades, candles = asyncio.run(run())
    assert trades and trades[-1]["price"] == 30400.0 and trades[-1]["amount"] == 0.3
    assert trades[-1]["symbol"] == "BTC/USDT" and trades[-1]["timestamp"] == T0
    assert candles and candles[-1][4] == 30400.0
