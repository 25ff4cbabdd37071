"""A concurrent trading workload over real HTTP: many threads, shared accounts and symbols.

Each :class:`Worker` thread sends a seeded stream of operations as the demo or the
'other' account: single orders of every type (with side effects), OCO / OTO / OTOCO
lists, cancels by id and client id, cancel-all, queries, borrow / repay, and market moves
through the control API. Every Binance request carries an ``X-Request-Id`` so the
journal can be checked for each one exactly once; every answer is checked against the
response contract as it arrives. Placement answers are kept for the id checks.
"""

from __future__ import annotations

import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from mock_exchange.testing import LiveServer
from tests.reliability.support import DEMO, OTHER, Credentials, check_response, count, prepare

PRICES = ("29400", "29600", "29800", "29900", "30000", "30100", "30200", "30400", "30600")
QUANTITIES = ("0.001", "0.002", "0.005", "0.01")
EFFECTS = ("NO_SIDE_EFFECT", "NO_SIDE_EFFECT", "NO_SIDE_EFFECT", "MARGIN_BUY", "AUTO_REPAY", "AUTO_BORROW_REPAY")
SYMBOLS = ("BTCUSDT", "BTCUSDT", "BTCUSDT", "ETHUSDT")
ETH_FACTOR = {"BTCUSDT": 1, "ETHUSDT": 15}  # ETH prices are BTC prices / 15, quantities x 10


@dataclass
class Placed:
    account: str
    order_ids: list[int]
    list_id: int | None = None


@dataclass
class Worker:
    """One thread's operations, answers and what it placed."""

    index: int
    server: LiveServer
    creds: Credentials
    account: str
    ops: int
    deadline: float
    sent_ids: list[str] = field(default_factory=list)
    placed: list[Placed] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    done: int = 0

    def __post_init__(self) -> None:
        self.rng = random.Random(self.index)
        self.session = requests.Session()

    # -- sending -------------------------------------------------------------------------------

    def binance(self, method: str, path: str, params: dict[str, str], signed: bool = True) -> Any:
        request_id = f"w{self.index}-{len(self.sent_ids)}"
        pairs = list(params.items())
        if signed:
            pairs.append(("timestamp", str(self.server.app.extensions["mock_exchange"].exchange.clock.now_ms())))
        prepared = prepare(method, path, pairs, self.creds, sign=signed, headers={"X-Request-Id": request_id})
        self.sent_ids.append(request_id)
        response = self.session.request(method, f"{self.server.url}{prepared.url}", data=prepared.body or None,
                                        headers=prepared.headers, timeout=30)
        outcome = check_response(response.status_code, response.headers.get("Content-Type", ""), response.content,
                                 prepared)
        count("concurrent Binance requests accepted" if outcome.ok else "concurrent Binance requests rejected")
        return outcome.body if outcome.ok else None

    def control(self, path: str, body: dict[str, Any]) -> None:
        response = self.session.post(f"{self.server.url}/mock/v1{path}", json=body, timeout=30)
        assert response.status_code in (200, 422), f"control {path}: {response.status_code} {response.text}"

    # -- operations ------------------------------------------------------------------------------

    def price(self, symbol: str) -> str:
        value = float(self.rng.choice(PRICES)) / ETH_FACTOR[symbol]
        return f"{value:.2f}"

    def qty(self, symbol: str) -> str:
        base = self.rng.choice(QUANTITIES)
        return base if symbol == "BTCUSDT" else f"{float(base) * 10:.3f}"

    def remember(self, body: Any) -> None:
        if body is None:
            return
        if "orderListId" in body and body.get("orders"):
            self.placed.append(Placed(self.account, [o["orderId"] for o in body["orders"]], body["orderListId"]))
        elif "orderId" in body:
            self.placed.append(Placed(self.account, [body["orderId"]]))

    def step(self) -> None:
        op = self.rng.choices(("order", "oco", "oto", "otoco", "cancel", "cancel_list", "cancel_all", "query",
                               "borrow", "transfer", "price", "trade"),
                              weights=(30, 6, 6, 6, 14, 4, 1, 10, 3, 3, 12, 8))[0]
        symbol = self.rng.choice(SYMBOLS)
        getattr(self, f"op_{op}")(symbol)
        count("concurrent operations")

    def op_order(self, symbol: str) -> None:
        order_type = self.rng.choice(("LIMIT", "LIMIT", "MARKET", "LIMIT_MAKER", "STOP_LOSS_LIMIT", "TAKE_PROFIT"))
        params = {"symbol": symbol, "side": self.rng.choice(("BUY", "SELL")), "type": order_type,
                  "quantity": self.qty(symbol), "sideEffectType": self.rng.choice(EFFECTS),
                  "newClientOrderId": f"w{self.index}o{self.done}"}
        if order_type in ("LIMIT", "LIMIT_MAKER", "STOP_LOSS_LIMIT"):
            params["price"] = self.price(symbol)
        if order_type in ("LIMIT", "STOP_LOSS_LIMIT"):
            params["timeInForce"] = self.rng.choice(("GTC", "GTC", "IOC", "FOK"))
        if order_type in ("STOP_LOSS_LIMIT", "TAKE_PROFIT"):
            params["stopPrice"] = self.price(symbol)
        self.remember(self.binance("POST", "/sapi/v1/margin/order", params))

    def op_oco(self, symbol: str) -> None:
        side = self.rng.choice(("BUY", "SELL"))
        high, low = sorted((self.price(symbol), self.price(symbol)), key=float, reverse=True)
        params = {
            "symbol": symbol,
            "side": side,
            "quantity": self.qty(symbol),
            "price": high if side == "SELL" else low,
            "stopPrice": low if side == "SELL" else high,
            "sideEffectType": self.rng.choice(EFFECTS),
        }
        self.remember(self.binance("POST", "/sapi/v1/margin/order/oco", params))

    def op_oto(self, symbol: str) -> None:
        params = {"symbol": symbol, "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": self.price(symbol),
                  "workingQuantity": self.qty(symbol), "workingTimeInForce": "GTC", "pendingType": "LIMIT_MAKER",
                  "pendingSide": "SELL", "pendingQuantity": self.qty(symbol), "pendingPrice": self.price(symbol)}
        self.remember(self.binance("POST", "/sapi/v1/margin/order/oto", params))

    def op_otoco(self, symbol: str) -> None:
        high, low = sorted((self.price(symbol), self.price(symbol)), key=float, reverse=True)
        params = {"symbol": symbol, "workingType": "LIMIT", "workingSide": "BUY", "workingPrice": self.price(symbol),
                  "workingQuantity": self.qty(symbol), "workingTimeInForce": "GTC", "pendingSide": "SELL",
                  "pendingQuantity": self.qty(symbol), "pendingAboveType": "LIMIT_MAKER", "pendingAbovePrice": high,
                  "pendingBelowType": "STOP_LOSS", "pendingBelowStopPrice": low}
        self.remember(self.binance("POST", "/sapi/v1/margin/order/otoco", params))

    def op_cancel(self, symbol: str) -> None:
        mine = [p for p in self.placed if p.list_id is None]
        if not mine:
            self.op_query(symbol)
            return
        target = self.rng.choice(mine).order_ids[0]
        params = {"symbol": self.rng.choice(SYMBOLS), "orderId": str(target)}
        self.binance("DELETE", "/sapi/v1/margin/order", params)

    def op_cancel_list(self, symbol: str) -> None:
        lists = [p for p in self.placed if p.list_id is not None]
        if lists:
            params = {"symbol": symbol, "orderListId": str(self.rng.choice(lists).list_id)}
            self.binance("DELETE", "/sapi/v1/margin/orderList", params)

    def op_cancel_all(self, symbol: str) -> None:
        self.binance("DELETE", "/sapi/v1/margin/openOrders", {"symbol": symbol})

    def op_query(self, symbol: str) -> None:
        choice = self.rng.randrange(4)
        if choice == 0 and self.placed:
            order_id = self.rng.choice(self.placed).order_ids[-1]
            self.binance("GET", "/sapi/v1/margin/order", {"symbol": symbol, "orderId": str(order_id)})
        elif choice == 1:
            self.binance("GET", "/sapi/v1/margin/openOrders", {"symbol": symbol})
        elif choice == 2:
            self.binance("GET", "/sapi/v1/margin/account", {})
        else:
            self.binance("GET", "/sapi/v1/margin/myTrades", {"symbol": symbol})

    def op_borrow(self, symbol: str) -> None:
        kind = self.rng.choice(("BORROW", "REPAY"))
        self.binance("POST", "/sapi/v1/margin/borrow-repay",
                     {"asset": "USDT", "isIsolated": "FALSE", "amount": "10", "type": kind})

    def op_transfer(self, symbol: str) -> None:
        # Spot <-> cross margin both ways; the invariants check nothing is created or lost.
        kind = self.rng.choice(("MAIN_MARGIN", "MARGIN_MAIN"))
        self.binance("POST", "/sapi/v1/asset/transfer", {"type": kind, "asset": "USDT", "amount": "7.5"})

    def op_price(self, symbol: str) -> None:
        self.control(f"/market/{symbol}/price", {"price": self.price(symbol)})

    def op_trade(self, symbol: str) -> None:
        self.control(f"/market/{symbol}/trade", {"price": self.price(symbol), "qty": self.qty(symbol)})

    def run(self) -> None:
        try:
            while self.done < self.ops and time.monotonic() < self.deadline:
                self.step()
                self.done += 1
        except Exception as exc:  # noqa: BLE001 - reported by the test, with the thread's name
            self.errors.append(f"worker {self.index} ({self.account}) op {self.done}: {exc!r}")
        finally:
            self.session.close()


def run_workers(server: LiveServer, threads: int, ops: int, seconds: float, first: int = 0) -> list[Worker]:
    """``threads`` workers (alternately demo and other) at once; returns them when all are done."""
    deadline = time.monotonic() + seconds
    workers = [Worker(first + i, server, *((DEMO, "demo") if i % 2 == 0 else (OTHER, "other")), ops, deadline)
               for i in range(threads)]
    running = [threading.Thread(target=w.run, name=f"worker-{w.index}") for w in workers]
    for thread in running:
        thread.start()
    for thread in running:
        thread.join(seconds + 60)
        assert not thread.is_alive(), f"{thread.name} did not finish"
    return workers
