"""The spot wallet's user data stream seen by python-binance, unmodified: ``user_socket()``
subscribes with ``userDataStream.subscribe.signature`` and receives the spot order's
executionReports and outboundAccountPosition, and nothing of a margin order placed beside it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.requests import NewOrder
from mock_exchange.web.app import create_app
from tests.compat.clients import next_socket_message
from tests.signed_client import DEMO_KEY, DEMO_SECRET

pytestmark = pytest.mark.compat
POLL_S = 0.2


@pytest.fixture
def served() -> Iterator[tuple[Exchange, int]]:
    pytest.importorskip("flask_sock")
    from mock_exchange.web.user_stream_ws import WebSocketServer

    config = default_config()
    # The clock runs (python-binance signs with the wall clock's timestamp).
    exchange = Exchange(config, clock=ExchangeClock())
    server = WebSocketServer(create_app(config, exchange=exchange)).start()
    yield exchange, server.port
    server.stop()




def test_python_binance_user_socket_streams_the_spot_wallet(served: tuple[Exchange, int]) -> None:
    pytest.importorskip("binance.ws.streams", reason="python-binance is in the optional 'compat' extra")
    from binance.async_client import AsyncClient
    from binance.ws.streams import BinanceSocketManager

    exchange, port = served

    class FakeBinance(AsyncClient):
        API_URL = f"http://127.0.0.1:{port}/api"
        MARGIN_API_URL = f"http://127.0.0.1:{port}/sapi"
        WS_API_URL = f"ws://127.0.0.1:{port}/ws-api/v3"

    def place_both() -> None:
        limit = dict(quantity=Decimal("0.01"), price=Decimal("29000"), time_in_force=TimeInForce.GTC)
        exchange.place_order("demo", NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, new_client_order_id="margin-1",
                                              **limit))  # type: ignore[arg-type]
        exchange.place_order("demo", NewOrder("BTCUSDT", Side.BUY, OrderType.LIMIT, new_client_order_id="spot-1",
                                              spot=True, **limit))  # type: ignore[arg-type]
        exchange.set_price("BTCUSDT", Decimal("28900"))  # both fill

    async def run() -> list[Any]:
        client = await FakeBinance.create(DEMO_KEY, DEMO_SECRET)
        try:
            manager = BinanceSocketManager(client)
            manager.STREAM_URL = f"ws://127.0.0.1:{port}/"
            user = manager.user_socket()
            user.TIMEOUT = POLL_S
            async with user:
                await asyncio.to_thread(place_both)
                return [await next_socket_message(user) for _ in range(4)]
        finally:
            await client.close_connection()

    frames = asyncio.run(run())
    assert [(f["e"], f.get("x"), f.get("c")) for f in frames] == [
        ("executionReport", "NEW", "spot-1"), ("outboundAccountPosition", None, None),
        ("executionReport", "TRADE", "spot-1"), ("outboundAccountPosition", None, None)]
    balances = {b["a"]: b for b in frames[3]["B"]}
    assert balances["USDT"] == {"a": "USDT", "f": "9710.00000000", "l": "0.00000000"}  # the spot wallet's figures
    assert balances["BTC"]["f"] == "0.50999000"
