"""Forced and manual liquidation over HTTP: cancelled orders, autoclose- orders and trades at the
index price with the liquidation fee, repayments, forceLiquidationRec, events in order, and every
refusal with its code and no change of state.

Trading fees are zero here and the liquidation fee is the default 2%, so every figure is
hand-computable; the arithmetic is in each test.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.config import FeeConfig, default_config
from mock_exchange.control.errors import ControlError
from mock_exchange.control.handle import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS, OTHER_KEY, OTHER_SECRET, SignedClient

D = Decimal
ORDER = "/sapi/v1/margin/order"
OCO = "/sapi/v1/margin/order/oco"
BORROW_REPAY = "/sapi/v1/margin/borrow-repay"
RECORDS = "/sapi/v1/margin/forceLiquidationRec"
MANUAL = "/sapi/v1/margin/manual-liquidation"
CROSS = "/sapi/v1/margin/account"
ISOLATED = "/sapi/v1/margin/isolated/account"


def _app(**margin: Any) -> Flask:
    config = dataclasses.replace(default_config(), fees=FeeConfig(D(0), D(0)))
    config = dataclasses.replace(config, margin=dataclasses.replace(config.margin, **margin))
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)))


@pytest.fixture
def app() -> Flask:
    return _app()


@pytest.fixture
def control(app: Flask) -> LocalControl:
    return LocalControl(app)


@pytest.fixture
def exchange(app: Flask) -> Exchange:
    return app.extensions["mock_exchange"].exchange  # type: ignore[no-any-return]


@pytest.fixture
def trader(app: Flask, client: FlaskClient, control: LocalControl) -> SignedClient:
    """The "other" account as a 3x cross long with orders open.

    10000 USDT of equity, 19000 USDT borrowed, 0.95 BTC bought at 30000: holdings 0.95 BTC and
    500 USDT, owing 19000 USDT. Open: a LIMIT SELL of 0.5 BTC at 40000 (order 2) and an OCO SELL
    of 0.4 BTC, limit 45000 / stop 25000 (orders 3 and 4, list 1); 0.05 BTC stays free.
    """
    other = SignedClient(client, app, OTHER_KEY, OTHER_SECRET)
    control.set_balance("other", "BTC", "0")
    assert other.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="19000", type="BORROW").status_code == 200
    assert other.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.95").get_json()["orderId"] == 1
    assert other.post(ORDER, symbol="BTCUSDT", side="SELL", type="LIMIT", quantity="0.5", price="40000",
                      timeInForce="GTC").status_code == 200
    assert other.post(OCO, symbol="BTCUSDT", side="SELL", quantity="0.4", price="45000",
                      stopPrice="25000").status_code == 200
    return other


def _assets(client: SignedClient) -> dict[str, tuple[str, str, str, str]]:
    rows = client.get(CROSS).get_json()["userAssets"]
    return {row["asset"]: (row["free"], row["locked"], row["borrowed"], row["interest"]) for row in rows
            if row["asset"] in ("BTC", "USDT")}


def test_a_price_crash_liquidates_the_cross_account(trader: SignedClient, control: LocalControl) -> None:
    # Index 21000, valued in BTC: asset 0.95 + 500/21000 = 0.97380952, liability 19000/21000 = 0.90476190,
    # level 1.07631579 <= 1.1: liquidation. The 500 USDT free repay first; 18500 USDT are left to buy
    # back. Selling q BTC at 21000 brings q x 21000 less 2%: q = ceil8(18500 / 0.98 / 21000) = 0.89893101,
    # 18877.55121 USDT, fee 377.5510242, net 18500.0001858.
    seq = control.events()[-1]["seq"]
    control.set_index_price("BTCUSDT", "21000")
    assert _assets(trader) == {"BTC": ("0.05106899", "0.00000000", "0.00000000", "0.00000000"),
                               "USDT": ("0.00018580", "0.00000000", "0.00000000", "0.00000000")}
    account = trader.get(CROSS).get_json()
    assert (account["marginLevel"], account["tradeEnabled"], account["borrowEnabled"]) == ("999.00000000", True, True)

    events = [e for e in control.events(since=seq) if e["account"] == "other"]
    assert [(e["action"], e.get("order_id"), e.get("status")) for e in events] == [
        ("margin_level_status", None, "FORCE_LIQUIDATION"),
        ("cancel", 2, "CANCELED"), ("balance", None, None),
        ("cancel", 3, "CANCELED"), ("cancel", 4, "CANCELED"), ("list_done", None, None), ("balance", None, None),
        ("repay", None, None), ("balance", None, None),
        ("new", 5, "NEW"), ("fill", 5, "FILLED"), ("repay", None, None), ("balance", None, None),
        ("margin_level_status", None, "EXCESSIVE"),
    ]
    assert events[0]["margin_level"] == "1.07631579" and events[-1]["previous_status"] == "FORCE_LIQUIDATION"
    sale = events[10]
    assert sale["client_order_id"] == "autoclose-1767225600000000001"
    assert (sale["side"], sale["order_type"], sale["price"], sale["quantity"], sale["commission"],
            sale["commission_asset"]) == ("SELL", "LIMIT", "21000", "0.89893101", "377.5510242", "USDT")
    assert [(e["principal"], e["interest"]) for e in events if e["action"] == "repay"] == [("500", "0"),
                                                                                          ("18500", "0")]

    orders = {o["orderId"]: o for o in trader.get("/sapi/v1/margin/allOrders", symbol="BTCUSDT").get_json()}
    assert [orders[i]["status"] for i in (2, 3, 4)] == ["CANCELED"] * 3
    liquidation = orders[5]
    assert (liquidation["clientOrderId"], liquidation["type"], liquidation["timeInForce"], liquidation["side"],
            liquidation["status"], liquidation["executedQty"], liquidation["cummulativeQuoteQty"]) == (
        "autoclose-1767225600000000001", "LIMIT", "GTC", "SELL", "FILLED", "0.89893101", "18877.55121")
    assert trader.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []
    trade = trader.get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json()[-1]
    assert (trade["orderId"], trade["price"], trade["qty"], trade["commission"], trade["commissionAsset"],
            trade["isBuyer"], trade["isMaker"]) == (5, "21000", "0.89893101", "377.5510242", "USDT", False, False)

    records = trader.get(RECORDS)
    assert records.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "1"
    assert records.get_json() == {"rows": [{
        "avgPrice": "21000.00000000", "executedQty": "0.89893101", "orderId": 5, "price": "21000.00000000",
        "qty": "0.89893101", "side": "SELL", "symbol": "BTCUSDT", "timeInForce": "GTC", "isIsolated": False,
        "updatedTime": FROZEN_AT_MS}], "total": 1}


def test_user_stream_payloads_of_a_liquidation(trader: SignedClient, control: LocalControl, client: FlaskClient,
                                                exchange: Exchange) -> None:
    seq = exchange.events.last_seq
    control.set_index_price("BTCUSDT", "21000")
    feed = client.get(f"/mock/v1/user-stream/events?account=other&since={seq}").get_json()["events"]
    payloads = [item["event"] for item in feed]
    assert [(p["e"], p.get("x"), p.get("i")) for p in payloads] == [
        ("executionReport", "CANCELED", 2), ("outboundAccountPosition", None, None),
        ("executionReport", "CANCELED", 3), ("executionReport", "CANCELED", 4), ("listStatus", None, None),
        ("outboundAccountPosition", None, None),
        ("balanceUpdate", None, None), ("outboundAccountPosition", None, None),
        ("executionReport", "NEW", 5), ("executionReport", "TRADE", 5), ("balanceUpdate", None, None),
        ("outboundAccountPosition", None, None),
    ]
    trade = payloads[9]
    assert (trade["c"], trade["X"], trade["l"], trade["L"], trade["n"], trade["N"]) == (
        "autoclose-1767225600000000001", "FILLED", "0.89893101", "21000.00000000", "377.55102420", "USDT")
    assert [p["d"] for p in payloads if p["e"] == "balanceUpdate"] == ["-500.00000000", "-18500.00000000"]


def test_a_short_is_bought_back(app: Flask, client: FlaskClient, control: LocalControl) -> None:
    # 10000 USDT held, 0.5 BTC borrowed and sold at 30000: 25000 USDT, owing 0.5 BTC. At index 40000
    # (valued in BTC): asset 25000/40000 = 0.625, liability 0.5: level 1.25 (MARGIN_CALL); at
    # 46000: 0.54347826 / 0.5 = 1.08695652: liquidation. Buying q BTC nets q less 2%:
    # q = ceil8(0.5 / 0.98) = 0.51020409 (net 0.5 after a fee of 0.01020409, rounded up), costing
    # 0.51020409 x 46000 = 23469.38814 USDT.
    other = SignedClient(client, app, OTHER_KEY, OTHER_SECRET)
    control.set_balance("other", "BTC", "0")
    control.set_balance("other", "USDT", "10000")
    assert other.post(BORROW_REPAY, asset="BTC", isIsolated="FALSE", amount="0.5", type="BORROW").status_code == 200
    assert other.post(ORDER, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.5").status_code == 200
    control.set_index_price("BTCUSDT", "40000")
    assert control.margin_level("other")["status"] == "MARGIN_CALL"
    control.set_index_price("BTCUSDT", "46000")
    assert _assets(other) == {"BTC": ("0.00000000", "0.00000000", "0.00000000", "0.00000000"),
                              "USDT": ("1530.61186000", "0.00000000", "0.00000000", "0.00000000")}
    row = other.get(RECORDS).get_json()["rows"][0]
    assert (row["side"], row["qty"], row["price"]) == ("BUY", "0.51020409", "46000.00000000")


def test_interest_is_repaid_before_principal(trader: SignedClient, control: LocalControl,
                                             exchange: Exchange) -> None:
    # 19000 USDT owed at the default 0.00000417 an hour: 0.07923 USDT an hour, 1.90152 in a day.
    control.advance(seconds=24 * 3600)
    seq = exchange.events.last_seq
    control.set_index_price("BTCUSDT", "21000")
    repays = [e for e in control.events(since=seq) if e["action"] == "repay"]
    assert [(e["interest"], e["principal"]) for e in repays] == [("1.90152", "498.09848"), ("0", "18501.90152")]
    assert _assets(trader)["USDT"][2:] == ("0.00000000", "0.00000000")


def test_an_isolated_pair_is_liquidated_alone(app: Flask, signed: SignedClient, control: LocalControl,
                                              exchange: Exchange) -> None:
    # The demo BTCUSDT pair (1 BTC, 50000 USDT) borrows 100000 USDT and buys 4 BTC: 5 BTC and
    # 30000 USDT, owing 100000 USDT; level (5p + 30000) / 100000 in USDT, 1.1 at p = 16000.
    # An ETHUSDT pair and the cross account owe something too, and must not move.
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", symbol="BTCUSDT", amount="100000",
                       type="BORROW").status_code == 200
    assert signed.post(ORDER, symbol="BTCUSDT", isIsolated="TRUE", side="BUY", type="MARKET",
                       quantity="4").status_code == 200
    assert signed.post(ORDER, symbol="BTCUSDT", isIsolated="TRUE", side="SELL", type="LIMIT", quantity="1",
                       price="40000", timeInForce="GTC").status_code == 200
    control.set_balance("demo", "ETH", "1", isolated_symbol="ETHUSDT")
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", symbol="ETHUSDT", amount="100",
                       type="BORROW").status_code == 200
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="1000", type="BORROW").status_code == 200
    cross_order = signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.1", price="20000",
                              timeInForce="GTC").get_json()["orderId"]
    cross_before = signed.get(CROSS).get_json()["userAssets"]
    eth_before = signed.get(ISOLATED, symbols="ETHUSDT").get_json()["assets"][0]

    # 15000: level (75000 + 30000) / 100000 = 1.05. The pair's 30000 USDT repay first, then
    # q = ceil8(70000 / 0.98 / 15000) = 4.76190477 BTC sell for 71428.57155, fee 1428.571431, net
    # 70000.000119.
    control.set_index_price("BTCUSDT", "15000")
    pair = signed.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    assert (pair["baseAsset"]["free"], pair["baseAsset"]["locked"], pair["quoteAsset"]["free"],
            pair["quoteAsset"]["borrowed"], pair["marginLevelStatus"]) == (
        "0.23809523", "0.00000000", "0.00011900", "0.00000000", "EXCESSIVE")
    assert signed.get(CROSS).get_json()["userAssets"] == cross_before
    assert signed.get(ISOLATED, symbols="ETHUSDT").get_json()["assets"][0] == eth_before
    assert [o["orderId"] for o in signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()] == [
        cross_order]
    rows = signed.get(RECORDS, isolatedSymbol="BTCUSDT").get_json()["rows"]
    assert [(r["isIsolated"], r["side"], r["qty"]) for r in rows] == [(True, "SELL", "4.76190477")]
    assert signed.get(RECORDS).get_json() == {"rows": [], "total": 0}
    statuses = [(e["isolated_symbol"], e["status"]) for e in control.events() if e["action"] == "margin_level_status"]
    assert statuses[-2:] == [("BTCUSDT", "FORCE_LIQUIDATION"), ("BTCUSDT", "EXCESSIVE")]


def test_debt_no_asset_can_pay_is_written_off(trader: SignedClient, control: LocalControl,
                                             exchange: Exchange) -> None:
    # At index 10000 the account is under water: 0.95 BTC x 10000 + 500 = 10000 USDT for 19000 owed.
    # Everything is sold: 0.95 BTC bring 9500 less 190 fee = 9310; 500 + 9310 repaid, 9190 written off.
    control.set_index_price("BTCUSDT", "10000")
    assert _assets(trader) == {"BTC": ("0.00000000", "0.00000000", "0.00000000", "0.00000000"),
                               "USDT": ("0.00000000", "0.00000000", "0.00000000", "0.00000000")}
    assert [(w.asset, w.principal, w.interest) for w in exchange.state.write_offs] == [("USDT", D("9190"), D(0))]
    assert control.margin_level("other")["status"] == "EXCESSIVE"


def test_force_liquidation_record_paging_and_window(trader: SignedClient, control: LocalControl) -> None:
    control.set_index_price("BTCUSDT", "21000")
    assert trader.get(RECORDS, size=1, current=2).get_json() == {"rows": [], "total": 1}
    assert trader.get(RECORDS, startTime=FROZEN_AT_MS + 1).get_json()["total"] == 0
    assert trader.get(RECORDS, endTime=FROZEN_AT_MS).get_json()["total"] == 1


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({"size": 0}, -1130, "Data sent for parameter 'size' is not valid."),
    ({"size": 101}, -1130, "Data sent for parameter 'size' is not valid."),
    ({"current": 0}, -1130, "Data sent for parameter 'current' is not valid."),
    ({"startTime": 2, "endTime": 1}, -1130, "Data sent for parameter 'startTime' is not valid."),
    ({"isolatedSymbol": "NOPEUSDT"}, -1121, "Invalid symbol."),
    ({"isolatedSymbol": "ETHUSDT"}, -11001, "Isolated margin account does not exist."),
    ({"limit": 5}, -1104, "Not all sent parameters were read; read '2' parameter(s) but was sent '3'."),
])
def test_force_liquidation_record_refusals(signed: SignedClient, params: dict[str, Any], code: int,
                                           msg: str) -> None:
    response = signed.get(RECORDS, **params)
    assert response.status_code == 400
    assert response.get_json() == {"code": code, "msg": msg}


def test_manual_liquidation_of_the_cross_account(trader: SignedClient, control: LocalControl) -> None:
    # Healthy (index 30000, level 1.52631578), yet liquidated on request: 500 USDT repaid from free,
    # then q = ceil8(18500 / 0.98 / 30000) = 0.62925171 BTC sold for 18877.5513, fee 377.551026,
    # net 18500.000274.
    response = trader.post(MANUAL, type="MARGIN")
    assert response.status_code == 200
    assert response.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "3000"
    # One object: the largest debt, all that was repaid of it, and the asset spent most on it.
    assert response.get_json() == {"asset": "USDT", "interest": "0", "principal": "19000", "liabilityAsset": "BTC",
                                   "liabilityQty": 0.62925171}
    assert _assets(trader) == {"BTC": ("0.32074829", "0.00000000", "0.00000000", "0.00000000"),
                               "USDT": ("0.00027400", "0.00000000", "0.00000000", "0.00000000")}
    assert trader.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json() == []
    order = trader.get("/sapi/v1/margin/allOrders", symbol="BTCUSDT").get_json()[-1]
    assert order["clientOrderId"].startswith("autoclose-") and order["status"] == "FILLED"
    assert trader.get(RECORDS).get_json()["total"] == 0  # a manual liquidation is not a forced one
    assert trader.post(MANUAL, type="MARGIN").get_json() == {}  # nothing owed: nothing to do


def test_manual_liquidation_of_an_isolated_pair(signed: SignedClient) -> None:
    assert signed.post(BORROW_REPAY, asset="BTC", isIsolated="TRUE", symbol="BTCUSDT", amount="0.1",
                       type="BORROW").status_code == 200
    cross_before = signed.get(CROSS).get_json()["userAssets"]
    # The pair holds 1.1 BTC, owes 0.1 BTC: repaid from its own free BTC, nothing sold.
    assert signed.post(MANUAL, type="ISOLATED", symbol="BTCUSDT").get_json() == {
        "asset": "BTC", "interest": "0", "principal": "0.1", "liabilityAsset": "BTC", "liabilityQty": 0.1}
    assert signed.get(CROSS).get_json()["userAssets"] == cross_before


def test_manual_liquidation_with_nothing_owed_leaves_orders_open(signed: SignedClient) -> None:
    assert signed.post(ORDER, symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.1", price="20000",
                       timeInForce="GTC").status_code == 200
    assert signed.post(MANUAL, type="MARGIN").get_json() == {}
    assert len(signed.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()) == 1


@pytest.mark.parametrize(("params", "code", "msg"), [
    ({}, -1102, "Mandatory parameter 'type' was not sent, was empty/null, or malformed."),
    ({"type": "CROSS"}, -1130, "Data sent for parameter 'type' is not valid."),
    ({"type": "ISOLATED"}, -1102, "Mandatory parameter 'symbol' was not sent, was empty/null, or malformed."),
    ({"type": "ISOLATED", "symbol": "NOPEUSDT"}, -1121, "Invalid symbol."),
    ({"type": "ISOLATED", "symbol": "ETHUSDT"}, -11001, "Isolated margin account does not exist."),
])
def test_manual_liquidation_refusals_change_nothing(trader: SignedClient, exchange: Exchange, params: dict[str, Any],
                                                    code: int, msg: str) -> None:
    before = (exchange.events.last_seq, len(exchange.state.orders), len(exchange.state.borrow_history))
    response = trader.post(MANUAL, **params)
    assert response.status_code == 400
    assert response.get_json() == {"code": code, "msg": msg}
    assert (exchange.events.last_seq, len(exchange.state.orders), len(exchange.state.borrow_history)) == before


def test_a_key_without_margin_permission_cannot_liquidate(app: Flask, client: FlaskClient) -> None:
    account = next(a for a in app.extensions["mock_exchange"].exchange.accounts.values() if not a.margin_enabled)
    response = SignedClient(client, app, account.api_key, account.hmac_secret).post(MANUAL, type="MARGIN")
    assert response.status_code == 401 and response.get_json()["code"] == -2015


def test_auto_liquidation_off_keeps_the_account_at_force_liquidation(client: FlaskClient) -> None:
    app = _app(auto_liquidation=False)
    other = SignedClient(app.test_client(), app, OTHER_KEY, OTHER_SECRET)
    control = LocalControl(app)
    control.set_balance("other", "BTC", "0.95")
    control.set_balance("other", "USDT", "500", borrowed="19000")
    control.set_index_price("BTCUSDT", "21000")
    assert control.margin_level("other")["status"] == "FORCE_LIQUIDATION"
    assert other.post(ORDER, symbol="BTCUSDT", side="SELL", type="MARKET", quantity="0.1").get_json() == {
        "code": -3022, "msg": "You account's trading is banned."}
    assert other.post(MANUAL, type="MARGIN").status_code == 200
    assert control.margin_level("other")["status"] == "EXCESSIVE"


def test_liquidation_records_survive_a_snapshot(trader: SignedClient, control: LocalControl) -> None:
    control.set_index_price("BTCUSDT", "10000")  # under water: a sale and a write-off
    before = trader.get(RECORDS).get_json()
    state = control.snapshot()
    control.reset()
    assert trader.get(RECORDS).get_json()["total"] == 0
    control.restore(state)
    assert trader.get(RECORDS).get_json() == before
    broken = dict(state, state={**state["state"], "liquidations": [{**state["state"]["liquidations"][0],
                                                                    "order_id": 999}]})
    with pytest.raises(ControlError, match=r"state\.liquidations\[0\]\.order_id"):
        control.restore(broken)
    broken = dict(state, state={**state["state"], "write_offs": [{**state["state"]["write_offs"][0],
                                                                  "account": "nobody"}]})
    with pytest.raises(ControlError, match=r"state\.write_offs\[0\]\.account"):
        control.restore(broken)
    assert trader.get(RECORDS).get_json() == before  # a refused restore changes nothing


def test_collateral_without_a_market_to_the_debt_goes_through_a_bridge(app: Flask, client: FlaskClient,
                                                                       control: LocalControl) -> None:
    # 20 BNB held, 0.1 BTC owed, no BNBBTC market. At BNB index 160 the BNB is worth 3200 USDT,
    # 0.10666666 BTC: level 1.066, liquidation. Buying 0.1 BTC net of 2% takes q = ceil8(0.1 / 0.98)
    # = 0.10204082 BTC at 30000 = 3061.2246 USDT; raising that from BNB at 160 takes
    # ceil8(3061.2246 / 0.98 / 160) = 19.52311608 BNB (3123.6985728 USDT, fee 62.47397146).
    other = SignedClient(client, app, OTHER_KEY, OTHER_SECRET)
    control.set_balance("other", "BNB", "20")
    control.set_balance("other", "USDT", "0")
    control.set_balance("other", "BTC", "0", borrowed="0.1")
    control.set_index_price("BNBUSDT", "160")
    rows = other.get(RECORDS).get_json()["rows"]
    assert [(r["symbol"], r["side"], r["qty"], r["price"]) for r in rows] == [
        ("BTCUSDT", "BUY", "0.10204082", "30000.00000000"), ("BNBUSDT", "SELL", "19.52311608", "160.00000000")]
    assets = {row["asset"]: (row["free"], row["borrowed"]) for row in other.get(CROSS).get_json()["userAssets"]}
    assert (assets["BNB"], assets["BTC"], assets["USDT"]) == (("0.47688392", "0.00000000"),
                                                              ("0.00000000", "0.00000000"),
                                                              ("0.00000134", "0.00000000"))


def test_capital_flow_names_the_liquidation(trader: SignedClient, control: LocalControl) -> None:
    control.set_index_price("BTCUSDT", "21000")
    rows = trader.get("/sapi/v1/margin/capital-flow").get_json()
    liquidation = [(r["type"], r["asset"], r["amount"]) for r in rows if "LIQUIDATION" in r["type"]]
    assert sorted(liquidation) == sorted([
        ("REPAY_LIQUIDATION", "USDT", "-500.00000000"), ("SELL_LIQUIDATION", "BTC", "-0.89893101"),
        ("SELL_LIQUIDATION", "USDT", "18877.55121000"), ("LIQUIDATION_FEE", "USDT", "-377.55102420"),
        ("REPAY_LIQUIDATION", "USDT", "-18500.00000000")])
    assert {"BORROW", "BUY_EXPENSE", "BUY_INCOME"} <= {r["type"] for r in rows}  # the bot's own trade stays as it was
