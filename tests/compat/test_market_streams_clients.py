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
from tests.compat.clients import next_socket_message
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
                return [await next_socket_message(sock) for sock in (trades, klines, multiplex, multiplex)]
        finally:
            await client.close_connection()


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


def test_python_binance_depth_sockets_and_threaded_manager(served: tuple[Exchange, str],
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("binance.ws.streams", reason="python-binance is in the optional 'compat' extra")
    import queue

    from binance.async_client import AsyncClient
    from binance.ws.streams import BinanceSocketManager, ThreadedWebsocketManager

    exchange, stream_url = served
    http = stream_url.replace("ws://", "http://").rstrip("/")

    async def run() -> list[Any]:
        client = AsyncClient("key", "secret")
        try:
            manager = BinanceSocketManager(client)
            manager.STREAM_URL = stream_url
            diff, partial = manager.depth_socket("BTCUSDT"), manager.depth_socket("BTCUSDT", depth="5", interval=100)
            for sock in (diff, partial):
                sock.TIMEOUT = POLL_S
            async with diff, partial:
                first_partial = await next_socket_message(partial)  # a partial book starts with the book as it stands
                await asyncio.to_thread(exchange.set_price, "BTCUSDT", Decimal("30000.05"))
                return [first_partial, await next_socket_message(diff), await next_socket_message(partial)]
        finally:
            await client.close_connection()

    first, event, moved = asyncio.run(run())
    assert (first["bids"][0], first["asks"][0]) == (["29999.99000000", "1.00000000"], ["30000.01000000", "1.00000000"])
    assert (event["e"], event["U"], event["u"]) == ("depthUpdate", first["lastUpdateId"] + 1, first["lastUpdateId"] + 1)
    assert moved["lastUpdateId"] == event["u"] and moved["bids"][0] == ["30000.04000000", "1.00000000"]

    # The threaded manager builds its own client (a ping and a time request first): both the
    # REST and the stream base URLs point at the fake.
    monkeypatch.setattr(AsyncClient, "API_URL", http + "/api")
    monkeypatch.setattr(AsyncClient, "WS_API_URL", stream_url + "ws-api/v3")
    monkeypatch.setattr(BinanceSocketManager, "STREAM_URL", stream_url)
    received: queue.Queue[Any] = queue.Queue()
    twm = ThreadedWebsocketManager(api_key="key", api_secret="secret")
    twm.start()
    try:
        twm.start_depth_socket(callback=received.put, symbol="BTCUSDT", depth="10")
        twm.start_kline_socket(callback=received.put, symbol="BTCUSDT", interval="1m")
        book = received.get(timeout=RECV_TIMEOUT_S)  # the partial book, as it stands
        assert len(book["bids"]) == 10 and book["bids"][0] == ["30000.04000000", "1.00000000"]
        # The kline socket may open a little later: trade until its candle arrives.
        deadline = time.monotonic() + RECV_TIMEOUT_S
        kline = None
        while kline is None and time.monotonic() < deadline:
            exchange.trade("BTCUSDT", Decimal("30010"), Decimal("0.1"))
            try:
                while kline is None:
                    message = received.get(timeout=POLL_S)
                    kline = message if message.get("e") == "kline" else None
            except queue.Empty:
                continue
        assert kline is not None and (kline["k"]["i"], kline["k"]["c"]) == ("1m", "30010.00000000")
    finally:
        twm.stop()
        twm.join(RECV_TIMEOUT_S)




def test_ccxt_pro_watch_order_book_and_ticker(served: tuple[Exchange, str]) -> None:
    pytest.importorskip("ccxt.pro", reason="ccxt is in the optional 'compat' extra")
    import ccxt.pro

    exchange, stream_url = served
    http = stream_url.replace("ws://", "http://").rstrip("/")
    rest = {"public": http + "/api/v3", "private": http + "/api/v3", "v1": http + "/api/v1",
            "sapi": http + "/sapi/v1"}

    async def run() -> tuple[Any, Any, Any]:
        client = ccxt.pro.binance({"enableRateLimit": False, "timeout": 10_000,
                                   "options": {"fetchMarkets": {"types": ["spot"]}}})
        client.urls["api"] = {**client.urls["api"], **rest}
        client.urls["api"]["ws"] = {**client.urls["api"]["ws"], "spot": stream_url + "ws"}
        try:
            await client.load_markets()
            # The first answer is the REST snapshot, aligned with the diff stream it subscribed to.
            snapshot = await asyncio.wait_for(client.watch_order_book("BTC/USDT"), RECV_TIMEOUT_S)
            snapshot = {"nonce": snapshot["nonce"], "bid": snapshot["bids"][0][0]}
            book_task = asyncio.ensure_future(client.watch_order_book("BTC/USDT"))
            # This ccxt watches @miniTicker unless asked for the full @ticker (with the best bid and ask).
            ticker_task = asyncio.ensure_future(client.watch_ticker("BTC/USDT", {"name": "ticker"}))
            price = Decimal("30000")
            deadline = time.monotonic() + RECV_TIMEOUT_S
            while not (book_task.done() and ticker_task.done()) and time.monotonic() < deadline:
                price += 1
                await asyncio.to_thread(exchange.trade, "BTCUSDT", price, Decimal("0.1"))
                await asyncio.wait([book_task, ticker_task], timeout=POLL_S, return_when=asyncio.ALL_COMPLETED)
            return snapshot, await book_task, await ticker_task
        finally:
            await client.close()

    snapshot, book, ticker = asyncio.run(run())
    assert snapshot["bid"] == 29999.99
    # ccxt checks U == its nonce + 1 on every event (else a ChecksumError): the diffs follow on.
    assert book["nonce"] > snapshot["nonce"]
    assert book["bids"][0][0] == pytest.approx(book["asks"][0][0] - 0.02)  # one tick each side of the last price
    # Its book is the snapshot's 1000 levels plus those the diffs added (Binance's note on
    # levels outside the snapshot); its top is a whole ladder one tick apart around a traded price.
    assert len(book["bids"]) >= 1000
    last = book["bids"][0][0] + 0.01
    assert last > 30000.0 and round(last, 2) == round(last)  # the loop trades at whole prices
    assert [level[0] for level in book["asks"][:100]] == pytest.approx([last + 0.01 * i for i in range(1, 101)])
    assert [level[0] for level in book["bids"][:100]] == pytest.approx([last - 0.01 * i for i in range(1, 101)])
    assert ticker["symbol"] == "BTC/USDT" and ticker["last"] >= 30001.0 and ticker["info"]["e"] == "24hrTicker"
    assert ticker["bid"] == pytest.approx(ticker["last"] - 0.01)
    assert ticker["ask"] == pytest.approx(ticker["last"] + 0.01)
