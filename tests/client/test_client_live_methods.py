"""Every public MarginClient method against a live fake exchange, with typed results checked.

Each call is also checked against the server's journal: the server charged the weight the
client's endpoint table documents, on the header the client tracks (see
``LiveExchange.assert_charged``).
"""

from __future__ import annotations

from decimal import Decimal

import requests
from margin_client import (
    AvgPrice,
    CancelResult,
    Clock,
    ExchangeInfo,
    ListenToken,
    MarginAccount,
    Order,
    OrderList,
    OrderReport,
    PriceTicker,
    Security,
    SystemStatus,
    Trade,
)
from margin_client import endpoints as ep

from tests.client.live_support import START_MS, LiveExchange, covers, live  # noqa: F401

SYMBOL = "BTCUSDT"


@covers("ping", "get_server_time", "sync_time", "get_exchange_info", "get_ticker_price",
        "get_ticker_prices", "get_avg_price", "get_system_status")
def test_market_data_and_time(live: LiveExchange) -> None:
    client = live.client()
    assert client.ping() is None
    live.assert_charged(client, ep.PING)

    assert client.get_server_time() == START_MS
    live.assert_charged(client, ep.SERVER_TIME)

    # A client whose local clock runs 5 s slow learns the offset from /api/v3/time.
    slow = live.client(clock=Clock(lambda: live.now_ms() - 5_000))
    assert slow.sync_time() == 5_000
    assert slow.clock.now_ms() == START_MS

    info = client.get_exchange_info(symbol=SYMBOL)
    assert isinstance(info, ExchangeInfo) and info.server_time == START_MS
    (btc,) = info.symbols
    assert (btc.symbol, btc.base_asset, btc.quote_asset, btc.status) == (SYMBOL, "BTC", "USDT", "TRADING")
    assert btc.is_margin_trading_allowed is True and btc.oco_allowed is True
    price_filter = next(f for f in btc.filters if f["filterType"] == "PRICE_FILTER")
    assert Decimal(price_filter["tickSize"]) == Decimal("0.01")
    assert any(r.rate_limit_type == "REQUEST_WEIGHT" and r.limit == 6000 for r in info.rate_limits)
    live.assert_charged(client, ep.EXCHANGE_INFO)

    avg = client.get_avg_price(symbol=SYMBOL)
    assert isinstance(avg, AvgPrice) and avg.mins == 5 and avg.price == Decimal("30000")
    live.assert_charged(client, ep.AVG_PRICE)

    assert client.get_ticker_price(symbol=SYMBOL) == PriceTicker(SYMBOL, Decimal("30000"))
    live.assert_charged(client, ep.TICKER_PRICE)
    live.control.set_price(SYMBOL, "31000.5")
    assert client.get_ticker_price(symbol=SYMBOL).price == Decimal("31000.5")

    tickers = client.get_ticker_prices(symbols=[SYMBOL, "ETHUSDT"])
    assert {t.symbol: t.price for t in tickers} == {SYMBOL: Decimal("31000.5"), "ETHUSDT": Decimal("2000")}
    live.assert_charged(client, ep.TICKER_PRICE_ALL)
    assert {t.symbol for t in client.get_ticker_prices()} >= {SYMBOL, "ETHUSDT", "BNBUSDT", "ETHBTC"}

    status = client.get_system_status()
    assert status == SystemStatus(status=0, msg="normal")
    live.assert_charged(client, ep.SYSTEM_STATUS)


@covers("place_oco", "get_order_list", "get_open_order_lists", "get_all_order_lists", "cancel_order_list")
def test_oco_round_trip(live: LiveExchange) -> None:
    client = live.client()
    oco = client.place_oco(
        symbol=SYMBOL, side="SELL", quantity=Decimal("0.001"), price=Decimal("31000"),
        stop_price=Decimal("29000"), stop_limit_price=Decimal("28900"), stop_limit_time_in_force="GTC",
        limit_client_order_id="tp-leg", stop_client_order_id="sl-leg",
    )
    live.assert_charged(client, ep.NEW_OCO)
    assert isinstance(oco, OrderList)
    assert (oco.contingency_type, oco.list_status_type, oco.list_order_status) == ("OCO", "EXEC_STARTED", "EXECUTING")
    assert oco.list_client_order_id == "live1" and oco.symbol == SYMBOL and oco.is_isolated is False
    assert oco.transaction_time == START_MS
    by_id = {r.client_order_id: r for r in oco.order_reports}
    assert set(by_id) == {"tp-leg", "sl-leg"} == {o.client_order_id for o in oco.orders}
    assert (by_id["tp-leg"].type, by_id["tp-leg"].price) == ("LIMIT_MAKER", Decimal("31000"))
    assert (by_id["sl-leg"].type, by_id["sl-leg"].stop_price, by_id["sl-leg"].price) == (
        "STOP_LOSS_LIMIT", Decimal("29000"), Decimal("28900"))
    assert {r.status for r in oco.order_reports} == {"NEW"}
    assert {r.orig_qty for r in oco.order_reports} == {Decimal("0.001")}

    same = client.get_order_list(order_list_id=oco.order_list_id)
    live.assert_charged(client, ep.GET_ORDER_LIST)
    assert same.list_client_order_id == "live1" and same.list_order_status == "EXECUTING"
    assert same.orders == oco.orders and same.order_reports == ()  # queries carry no reports
    assert client.get_order_list(list_client_order_id="live1").order_list_id == oco.order_list_id

    assert [o.order_list_id for o in client.get_open_order_lists()] == [oco.order_list_id]
    live.assert_charged(client, ep.OPEN_ORDER_LISTS)
    assert [o.order_list_id for o in client.get_all_order_lists()] == [oco.order_list_id]
    live.assert_charged(client, ep.ALL_ORDER_LISTS)

    done = client.cancel_order_list(symbol=SYMBOL, order_list_id=oco.order_list_id)
    live.assert_charged(client, ep.CANCEL_ORDER_LIST)
    assert done.order_list_id == oco.order_list_id and done.is_done
    assert {r.status for r in done.order_reports} == {"CANCELED"}
    assert {r.orig_client_order_id for r in done.order_reports} == {"tp-leg", "sl-leg"}

    assert client.get_open_order_lists() == []
    assert client.get_order_list(order_list_id=oco.order_list_id).list_order_status == "ALL_DONE"
    (summary,) = client.get_all_order_lists(limit=10)
    assert (summary.order_list_id, summary.list_status_type) == (oco.order_list_id, "ALL_DONE")


@covers("place_oto", "place_otoco", "get_order", "cancel_order", "cancel_open_orders", "get_open_orders")
def test_oto_and_otoco(live: LiveExchange) -> None:
    client = live.client()
    oto = client.place_oto(
        symbol=SYMBOL, working_type="LIMIT", working_side="BUY", working_price="29000",
        working_quantity="0.002", working_time_in_force="GTC", pending_type="LIMIT_MAKER",
        pending_side="SELL", pending_price="32000", pending_quantity="0.002",
        working_client_order_id="work", pending_client_order_id="pend",
    )
    live.assert_charged(client, ep.NEW_OTO)
    assert oto.contingency_type == "OTO" and oto.list_order_status == "EXECUTING"
    status = {r.client_order_id: r.status for r in oto.order_reports}
    assert status == {"work": "NEW", "pend": "PENDING_NEW"}

    # The working order fills at 29000 and releases the pending LIMIT_MAKER.
    live.control.set_price(SYMBOL, "29000")
    working = client.get_order(symbol=SYMBOL, orig_client_order_id="work")
    live.assert_charged(client, ep.GET_ORDER)
    assert isinstance(working, Order)
    # Margin order rows carry no orderListId (docs/fidelity.md), so the model leaves it unset.
    assert (working.status, working.executed_qty, working.order_list_id) == ("FILLED", Decimal("0.002"), None)
    pending = client.get_order(symbol=SYMBOL, orig_client_order_id="pend")
    assert (pending.status, pending.type, pending.price, pending.is_working) == (
        "NEW", "LIMIT_MAKER", Decimal("32000"), True)

    otoco = client.place_otoco(
        symbol=SYMBOL, working_type="LIMIT", working_side="BUY", working_price="28000",
        working_quantity="0.001", working_time_in_force="GTC", pending_side="SELL",
        pending_quantity="0.001", pending_above_type="LIMIT_MAKER", pending_above_price="31000",
        pending_below_type="STOP_LOSS_LIMIT", pending_below_stop_price="27000",
        pending_below_price="26900", pending_below_time_in_force="GTC",
    )
    live.assert_charged(client, ep.NEW_OTOCO)
    assert len(otoco.orders) == 3 and len(otoco.order_reports) == 3
    assert sorted(r.status for r in otoco.order_reports) == ["NEW", "PENDING_NEW", "PENDING_NEW"]
    working_leg = next(r for r in otoco.order_reports if r.status == "NEW")

    open_orders = client.get_open_orders(symbol=SYMBOL)
    live.assert_charged(client, ep.OPEN_ORDERS)
    # The OTO's released leg, the OTOCO's working leg and its two legs still PENDING_NEW.
    expected = {"pend": "NEW", **{r.client_order_id: r.status for r in otoco.order_reports}}
    assert {o.client_order_id: o.status for o in open_orders} == expected

    # Cancelling one leg of a list cancels the whole list.
    cancelled = client.cancel_order(symbol=SYMBOL, order_id=working_leg.order_id)
    live.assert_charged(client, ep.CANCEL_ORDER)
    assert isinstance(cancelled, OrderReport)
    # The cancel answer names no list (live captures show no orderListId); the list query shows it done.
    assert (cancelled.status, cancelled.order_list_id) == ("CANCELED", None)
    assert client.get_order_list(order_list_id=otoco.order_list_id).is_done

    result = client.cancel_open_orders(symbol=SYMBOL)
    live.assert_charged(client, ep.CANCEL_OPEN_ORDERS)
    assert isinstance(result, CancelResult) and result.orders == ()
    (oto_done,) = result.order_lists
    assert oto_done.order_list_id == oto.order_list_id and oto_done.is_done
    assert client.get_open_orders() == []


@covers("place_order", "get_all_orders", "get_my_trades", "get_order_rate_limit")
def test_single_orders_trades_and_order_count(live: LiveExchange) -> None:
    client = live.client()
    resting = client.place_order(symbol=SYMBOL, side="BUY", type="LIMIT", quantity=Decimal("0.001"),
                                 price=Decimal("29000"), time_in_force="GTC")
    live.assert_charged(client, ep.NEW_ORDER)
    assert isinstance(resting, OrderReport)
    assert (resting.client_order_id, resting.status, resting.price, resting.orig_qty, resting.transact_time) == (
        "live1", "NEW", Decimal("29000"), Decimal("0.001"), START_MS)

    bought = client.place_order(symbol=SYMBOL, side="BUY", type="MARKET", quote_order_qty="60")
    assert (bought.status, bought.executed_qty, bought.cummulative_quote_qty) == (
        "FILLED",
        Decimal("0.002"),
        Decimal("60"),
    )
    (fill,) = bought.fills
    assert (fill.price, fill.qty, fill.commission, fill.commission_asset) == (
        Decimal("30000"), Decimal("0.002"), Decimal("0.000002"), "BTC")

    trades = client.get_my_trades(symbol=SYMBOL)
    live.assert_charged(client, ep.MY_TRADES)
    assert trades == [Trade(id=fill.trade_id, symbol=SYMBOL, order_id=bought.order_id, price=Decimal("30000"),
                            qty=Decimal("0.002"), commission=Decimal("0.000002"), commission_asset="BTC",
                            time=START_MS, is_buyer=True, is_maker=False, is_best_match=True, is_isolated=False)]

    orders = client.get_all_orders(symbol=SYMBOL)
    live.assert_charged(client, ep.ALL_ORDERS)
    assert [(o.order_id, o.status, o.type) for o in orders] == [
        (resting.order_id, "NEW", "LIMIT"), (bought.order_id, "FILLED", "MARKET")]
    assert client.get_all_orders(symbol=SYMBOL, order_id=bought.order_id)[0].order_id == bought.order_id

    usage = client.get_order_rate_limit()
    live.assert_charged(client, ep.ORDER_RATE_LIMIT)
    assert {(r.interval, r.interval_num): r.count for r in usage} == {("SECOND", 10): 2, ("DAY", 1): 2}
    assert all(r.rate_limit_type == "ORDERS" for r in usage)


@covers("get_account", "get_isolated_account", "get_max_borrowable", "borrow", "repay", "borrow_repay",
        "get_borrow_repay_history")
def test_accounts_and_borrowing(live: LiveExchange) -> None:
    client = live.client()
    account = client.get_account()
    live.assert_charged(client, ep.CROSS_ACCOUNT)
    assert isinstance(account, MarginAccount) and account.trade_enabled is True
    free = {a.asset: a.free for a in account.user_assets}
    assert free == {"USDT": Decimal("100000"), "BTC": Decimal("2"), "ETH": Decimal("20"), "BNB": Decimal("100")}

    isolated = client.get_isolated_account(symbols=[SYMBOL])
    live.assert_charged(client, ep.ISOLATED_ACCOUNT)
    (pair,) = isolated.assets
    assert (pair.symbol, pair.base_asset.asset, pair.base_asset.free) == (SYMBOL, "BTC", Decimal("1"))
    assert (pair.quote_asset.asset, pair.quote_asset.free) == ("USDT", Decimal("50000"))

    limit = client.get_max_borrowable(asset="BTC")
    live.assert_charged(client, ep.MAX_BORROWABLE)
    assert limit.borrow_limit == Decimal("50") and Decimal(0) < limit.amount <= limit.borrow_limit
    assert client.get_max_borrowable(asset="USDT", isolated_symbol=SYMBOL).amount > 0

    borrowed = client.borrow(asset="USDT", amount=Decimal("100"))
    live.assert_charged(client, ep.BORROW_REPAY)
    repaid = client.repay(asset="USDT", amount="40")
    isolated_borrow = client.borrow_repay(asset="USDT", amount="10", type="BORROW", is_isolated=True, symbol=SYMBOL)
    assert len({borrowed.tran_id, repaid.tran_id, isolated_borrow.tran_id}) == 3

    usdt = next(a for a in client.get_account().user_assets if a.asset == "USDT")
    assert (usdt.free, usdt.borrowed) == (Decimal("100060"), Decimal("60"))
    quote = client.get_isolated_account(symbols=SYMBOL).assets[0].quote_asset
    assert (quote.free, quote.borrowed) == (Decimal("50010"), Decimal("10"))

    history = client.get_borrow_repay_history(type="BORROW", asset="USDT")
    live.assert_charged(client, ep.BORROW_REPAY_HISTORY)
    assert history.total == 1
    (row,) = history.rows
    assert (row.tx_id, row.asset, row.amount, row.status, row.timestamp) == (
        borrowed.tran_id, "USDT", Decimal("100"), "CONFIRMED", START_MS)
    (iso_row,) = client.get_borrow_repay_history(type="BORROW", isolated_symbol=SYMBOL).rows
    assert (iso_row.tx_id, iso_row.isolated_symbol, iso_row.amount) == (isolated_borrow.tran_id, SYMBOL, Decimal("10"))
    (repay_row,) = client.get_borrow_repay_history(type="REPAY").rows
    assert (repay_row.tx_id, repay_row.amount, repay_row.principal) == (repaid.tran_id, Decimal("40"), Decimal("40"))


@covers("create_listen_token")
def test_listen_tokens(live: LiveExchange) -> None:
    client = live.client()
    token = client.create_listen_token()
    live.assert_charged(client, ep.USER_LISTEN_TOKEN)
    assert isinstance(token, ListenToken) and len(token.token) > 20
    assert token.expiration_time is not None and token.expiration_time > START_MS
    assert "signature" not in (client.last_response.request.url or "")  # USER_STREAM: key only

    signed = client.create_listen_token(signed=True, validity=3_600_000)
    live.assert_charged(client, ep.USER_LISTEN_TOKEN_SIGNED)
    assert signed.token != token.token and signed.expiration_time == START_MS + 3_600_000
    isolated = client.create_listen_token(symbol=SYMBOL, is_isolated=True)
    assert isolated.token not in (token.token, signed.token)


@covers("call", "close")
def test_raw_call_and_close(live: LiveExchange) -> None:
    client = live.client()
    pairs = client.call("GET", "/sapi/v1/margin/allPairs", security=Security.API_KEY)
    assert {p["symbol"] for p in pairs} >= {SYMBOL, "ETHUSDT"}
    assert live.last_entry()["params"] == {}  # no timestamp, no signature for a key-only call
    account = client.call("GET", "/sapi/v1/margin/account", weight=10)
    assert {a["asset"] for a in account["userAssets"]} == {"USDT", "BTC", "ETH", "BNB"}
    assert "timestamp" in live.last_entry()["params"]
    assert client.weights.used(ep.SAPI_IP_WEIGHT_HEADER, scope="GET /sapi/v1/margin/account",
                               now_ms=live.now_ms()) == 10
    order = client.call("POST", "/sapi/v1/margin/order", {
        "symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": "0.001", "price": "29000",
        "timeInForce": "GTC", "newOrderRespType": "ACK",
    })
    assert set(order) == {"symbol", "orderId", "clientOrderId", "isIsolated", "transactTime"}

    # close() closes a session the client created, and leaves a caller's session alone.
    pools = client.transport.session.get_adapter(live.url).poolmanager.pools
    assert len(pools) == 1
    client.close()
    assert len(pools) == 0
    session = requests.Session()
    with live.client(session=session) as borrowed:
        borrowed.ping()
    assert len(session.get_adapter(live.url).poolmanager.pools) == 1
    session.close()
