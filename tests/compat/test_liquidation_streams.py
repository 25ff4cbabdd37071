"""A forced liquidation seen by python-binance, unmodified: ``margin_socket()`` receives the
cancels, the autoclose- order and its trade; ``multiplex_socket([riskListenKey])`` (the risk
data stream on Binance's combined path) receives MARGIN_LEVEL_STATUS_CHANGE and
USER_LIABILITY_CHANGE."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import pytest
import requests

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.enums import OrderType, Side, TimeInForce
from mock_exchange.core.exchange import Exchange
from mock_exchange.core.requests import NewOrder
from mock_exchange.web.app import create_app
from tests.compat.clients import next_socket_message
from tests.signed_client import DEMO_KEY, DEMO_SECRET
from tests.signed_client import FROZEN_AT_MS as T0

pytestmark = pytest.mark.compat
RECV_TIMEOUT_S = 5
POLL_S = 0.2


@pytest.fixture
def served() -> Iterator[tuple[Exchange, int]]:
    pytest.importorskip("flask_sock")
    from mock_exchange.web.user_stream_ws import WebSocketServer

    config = default_config()
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0))
    server = WebSocketServer(create_app(config, exchange=exchange)).start()
    yield exchange, server.port
    server.stop()




def test_python_binance_sockets_see_a_forced_liquidation(served: tuple[Exchange, int]) -> None:
    pytest.importorskip("binance.ws.streams", reason="python-binance is in the optional 'compat' extra")
    from binance.async_client import AsyncClient
    from binance.ws.streams import BinanceSocketManager

    exchange, port = served
    url = f"http://127.0.0.1:{port}"

    class FakeBinance(AsyncClient):
        API_URL = f"{url}/api"
        MARGIN_API_URL = f"{url}/sapi"
        WS_API_URL = f"ws://127.0.0.1:{port}/ws-api/v3"

    # The demo cross account as a long: 0.95 BTC and 500 USDT held, 19000 USDT owed, a
    # take-profit resting; level (0.95 + 500/p) / (19000/p) in BTC, 1.076 at index 21000.
    for asset in ("ETH", "BNB"):
        exchange.set_balance("demo", asset, free=Decimal(0))
    exchange.set_balance("demo", "BTC", free=Decimal("0.95"))
    exchange.set_balance("demo", "USDT", free=Decimal(500), borrowed=Decimal(19000))
    exchange.place_order("demo", NewOrder("BTCUSDT", Side.SELL, OrderType.LIMIT, quantity=Decimal("0.95"),
                                          price=Decimal("36000"), time_in_force=TimeInForce.GTC,
                                          new_client_order_id="take-profit"))
    risk_key = requests.post(f"{url}/sapi/v1/margin/listen-key", headers={"X-MBX-APIKEY": DEMO_KEY},
                             timeout=RECV_TIMEOUT_S).json()["listenKey"]

    async def run() -> tuple[list[Any], list[Any]]:
        client = await FakeBinance.create(DEMO_KEY, DEMO_SECRET)
        try:
            manager = BinanceSocketManager(client)
            manager.STREAM_URL = f"ws://127.0.0.1:{port}/"
            user, risk = manager.margin_socket(), manager.multiplex_socket([risk_key])
            for sock in (user, risk):
                sock.TIMEOUT = POLL_S  # the read loop notices an exit only between reads
            # Entering both waits for margin_socket's subscribe answer and the risk socket's
            # handshake; each stream carries what happens from then on.
            async with user, risk:
                await asyncio.to_thread(exchange.set_index_price, "BTCUSDT", Decimal(21000))
                risk_frames = [await next_socket_message(risk) for _ in range(4)]
                user_frames = []
                while not user_frames or user_frames[-1].get("x") != "TRADE":
                    user_frames.append(await next_socket_message(user))
                return user_frames, risk_frames
        finally:
            await client.close_connection()

    user_frames, risk_frames = asyncio.run(run())
    reports = [(f["x"], f["c"]) for f in user_frames if f["e"] == "executionReport"]
    assert reports[0] == ("CANCELED", reports[0][1]) and user_frames[0]["C"] == "take-profit"
    assert [x for x, _ in reports[1:]] == ["NEW", "TRADE"]
    assert reports[-1][1].startswith("autoclose-")
    trade = user_frames[-1]
    assert (trade["S"], trade["o"], trade["L"], trade["l"], trade["N"]) == (
        "SELL", "LIMIT", "21000.00000000", "0.89893101", "USDT")
    assert [frame["stream"] for frame in risk_frames] == [risk_key] * 4
    assert [(d["e"], d.get("s"), d.get("p")) for d in (frame["data"] for frame in risk_frames)] == [
        ("MARGIN_LEVEL_STATUS_CHANGE", "FORCE_LIQUIDATION", None),
        ("USER_LIABILITY_CHANGE", None, "500.00000000"),
        ("USER_LIABILITY_CHANGE", None, "18500.00000000"),
        ("MARGIN_LEVEL_STATUS_CHANGE", "EXCESSIVE", None),
    ]
