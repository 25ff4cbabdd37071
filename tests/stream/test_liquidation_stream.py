"""A forced liquidation on the wire: the risk data stream, read by the reference client's stream
reader, carries the status entered, the repayments and the status the account ends in; the
user data stream carries the cancels, the autoclose- order and its trade."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import requests

from tests.signed_client import FROZEN_AT_MS as T0
from tests.stream.test_ws_stream import assert_stream

pytest.importorskip("websocket")

from margin_client.stream import UserDataStream  # noqa: E402  (after the skip)

Z8 = "0.00000000"


def test_a_liquidation_on_the_risk_and_user_streams(http: requests.Session, server: Any, exchange: Any) -> None:
    # The demo cross account as a long: 0.95 BTC and 500 USDT held, 19000 USDT owed; level
    # (0.95 + 500/p) / (19000/p) in BTC: 1.526 at 30000, 1.076 at index 21000 (liquidation).
    for asset in ("ETH", "BNB"):
        exchange.set_balance("demo", asset, free=Decimal(0))
    exchange.set_balance("demo", "BTC", free=Decimal("0.95"))
    exchange.set_balance("demo", "USDT", free=Decimal(500), borrowed=Decimal(19000))
    risk_key = http.post(f"{server.url}/sapi/v1/margin/listen-key").json()["listenKey"]
    user_key = http.post(f"{server.url}/sapi/v1/userDataStream").json()["listenKey"]
    with UserDataStream.listen(server.ws_url, risk_key) as risk, UserDataStream.listen(server.ws_url,
                                                                                         user_key) as user:
        exchange.set_index_price("BTCUSDT", Decimal(21000))
        assert_stream([risk.recv(timeout=5) for _ in range(4)], [
            {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": T0, "l": "1.07631579", "s": "FORCE_LIQUIDATION"},
            {"e": "USER_LIABILITY_CHANGE", "E": T0, "a": "USDT", "t": "REPAY", "p": "500.00000000", "i": Z8},
            {"e": "USER_LIABILITY_CHANGE", "E": T0, "a": "USDT", "t": "REPAY", "p": "18500.00000000", "i": Z8},
            {"e": "MARGIN_LEVEL_STATUS_CHANGE", "E": T0, "l": "999.00000000", "s": "EXCESSIVE"},
        ])
        frames = [user.recv(timeout=5) for _ in range(6)]
    assert [(f["e"], f.get("x")) for f in frames] == [
        ("balanceUpdate", None), ("outboundAccountPosition", None), ("executionReport", "NEW"),
        ("executionReport", "TRADE"), ("balanceUpdate", None), ("outboundAccountPosition", None)]
    sale = frames[3]
    assert (sale["c"], sale["S"], sale["o"], sale["f"], sale["X"], sale["l"], sale["L"], sale["n"], sale["N"]) == (
        "autoclose-1767225600000000001", "SELL", "LIMIT", "GTC", "FILLED", "0.89893101", "21000.00000000",
        "377.55102420", "USDT")
    assert frames[-1]["B"] == [{"a": "BTC", "f": "0.05106899", "l": Z8}, {"a": "USDT", "f": "0.00018580", "l": Z8}]
