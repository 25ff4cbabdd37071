"""Each error class of the client, raised from a real answer (or non-answer) of the fake exchange."""

from __future__ import annotations

import pytest
import requests
from margin_client import (
    BadSymbolError,
    BinanceAPIError,
    BinanceHTTPError,
    BorrowRejectedError,
    CancelRejectedError,
    Clock,
    ExecutionStatusUnknownError,
    FilterFailureError,
    HmacSigner,
    InvalidApiKeyError,
    InvalidParameterError,
    InvalidSignatureError,
    IpBannedError,
    MandatoryParameterError,
    MarginAccountMissingError,
    MarginError,
    MissingParameterError,
    NoSuchOrderError,
    OrderRejectedError,
    RateLimitError,
    Security,
    ServerError,
    TimestampError,
    TooManyOrdersError,
    TransportError,
)

from tests.client.live_support import (  # noqa: F401
    NO_MARGIN_KEY,
    NO_MARGIN_SECRET,
    START_MS,
    LiveExchange,
    covers,
    free_port_url,
    live,
)

SYMBOL = "BTCUSDT"
ORDER = {"symbol": SYMBOL, "side": "BUY", "type": "LIMIT", "quantity": "0.001", "price": "29000",
         "time_in_force": "GTC"}
OCO = {"symbol": SYMBOL, "side": "SELL", "quantity": "0.001", "price": "31000", "stop_price": "29000",
       "stop_limit_price": "28900", "stop_limit_time_in_force": "GTC"}


@pytest.mark.parametrize("placement", ["query", "body"])
@covers(InvalidSignatureError)
def test_wrong_secret(live: LiveExchange, placement: str) -> None:
    client = live.client(signer=HmacSigner("not-the-secret"), param_placement=placement)
    with pytest.raises(InvalidSignatureError) as info:
        client.place_order(**ORDER)
    err = info.value
    assert (err.code, err.http_status) == (-1022, 400)
    assert (err.request.method, err.request.path) == ("POST", "/sapi/v1/margin/order")
    assert err.request.params["timestamp"] == str(START_MS) and "signature" not in err.request.params
    assert live.control.journal_count(path="/sapi/v1/margin/order", status=400) == 1
    # The fake's X-Mock-Explain header travels with the error (None against Binance).
    assert err.explanation is not None and "secret is not the one of this API key" in err.explanation
    assert f"(why: {err.explanation})" in str(err)


@covers(TimestampError, "sync_time", "get_account")
def test_stale_clock_then_sync(live: LiveExchange) -> None:
    # The local clock is 2 minutes behind: every timestamp is outside the 5 s recvWindow.
    client = live.client(clock=Clock(lambda: live.now_ms() - 120_000))
    with pytest.raises(TimestampError) as info:
        client.get_account()
    assert (info.value.code, info.value.http_status) == (-1021, 400)
    assert info.value.request.params["timestamp"] == str(START_MS - 120_000)
    assert client.sync_time() == 120_000
    assert client.get_account().trade_enabled is True
    # A clock ahead of the server is refused too.
    ahead = live.client(clock=Clock(lambda: live.now_ms() + 120_000))
    with pytest.raises(TimestampError, match="ahead"):
        ahead.get_account()


@covers(FilterFailureError)
def test_filter_failures(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(FilterFailureError) as info:
        client.place_order(**{**ORDER, "price": "29000.005"})  # tick 0.01
    assert (info.value.code, info.value.filter_type) == (-1013, "PRICE_FILTER")
    with pytest.raises(FilterFailureError) as info:
        client.place_order(**{**ORDER, "quantity": "0.000015"})  # step 0.00001
    assert info.value.filter_type == "LOT_SIZE"
    with pytest.raises(FilterFailureError) as info:
        client.place_order(**{**ORDER, "quantity": "0.0001"})  # 2.9 USDT < min notional 5
    assert info.value.filter_type == "NOTIONAL"
    assert client.get_open_orders(symbol=SYMBOL) == []


@covers(OrderRejectedError)
def test_order_rejections(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(OrderRejectedError, match="relationship of the prices") as info:
        # A SELL OCO needs its limit price above the market and its stop below.
        client.place_oco(**{**OCO, "price": "29000", "stop_price": "31000", "stop_limit_price": "30900"})
    assert (info.value.code, info.value.request.path) == (-2010, "/sapi/v1/margin/order/oco")
    with pytest.raises(OrderRejectedError, match="insufficient balance"):
        client.place_order(**{**ORDER, "quantity": "10"})  # 290 000 USDT, 100 000 held
    with pytest.raises(OrderRejectedError, match="insufficient balance"):
        client.place_oco(**{**OCO, "quantity": "5"})  # 2 BTC held
    assert client.get_open_order_lists() == [] and client.get_open_orders() == []


@covers(CancelRejectedError, NoSuchOrderError)
def test_unknown_orders(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(CancelRejectedError) as info:
        client.cancel_order(symbol=SYMBOL, order_id=999)
    assert info.value.code == -2011
    with pytest.raises(CancelRejectedError):
        client.cancel_order_list(symbol=SYMBOL, order_list_id=999)
    with pytest.raises(NoSuchOrderError) as info:
        client.get_order(symbol=SYMBOL, orig_client_order_id="never-sent")
    assert info.value.code == -2013
    with pytest.raises(NoSuchOrderError):
        client.get_order_list(order_list_id=999)
    # Cancelling twice: the second is rejected.
    order = client.place_order(**ORDER)
    client.cancel_order(symbol=SYMBOL, order_id=order.order_id)
    with pytest.raises(CancelRejectedError):
        client.cancel_order(symbol=SYMBOL, order_id=order.order_id)


@covers(InvalidApiKeyError)
def test_api_keys(live: LiveExchange) -> None:
    with pytest.raises(InvalidApiKeyError) as info:
        live.client(api_key="unknown" * 9).get_account()
    assert (info.value.code, info.value.http_status) == (-2015, 401)
    with pytest.raises(InvalidApiKeyError) as info:
        live.client(api_key=None).get_account()  # no X-MBX-APIKEY header at all
    assert info.value.code == -2014
    no_margin = live.client(api_key=NO_MARGIN_KEY, signer=HmacSigner(NO_MARGIN_SECRET))
    with pytest.raises(InvalidApiKeyError) as info:
        no_margin.place_order(**ORDER)
    assert info.value.code == -2015


@covers(MissingParameterError, MandatoryParameterError, InvalidParameterError, BadSymbolError)
def test_parameters(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(MissingParameterError) as info:
        client.place_oco(symbol=SYMBOL, side="SELL", quantity="0.001", price="31000", stop_price=None)  # type: ignore[arg-type]
    assert info.value.wire_name == "stopPrice"
    with pytest.raises(MissingParameterError, match="time_in_force"):
        client.place_order(symbol=SYMBOL, side="BUY", type="LIMIT", quantity="0.001", price="29000")
    assert live.control.journal_count() == 0  # refused locally: nothing was sent

    with pytest.raises(MandatoryParameterError, match="'type'") as info:
        client.call("POST", "/sapi/v1/margin/order", {"symbol": SYMBOL, "side": "BUY"})
    assert info.value.code == -1102
    with pytest.raises(InvalidParameterError) as info:
        client.call("GET", "/api/v3/ticker/price", {"symbol": SYMBOL, "extra": "1"}, security=Security.NONE)
    assert type(info.value) is InvalidParameterError and info.value.code == -1104
    with pytest.raises(InvalidParameterError) as info:
        live.client(recv_window=70_000).get_account()
    assert info.value.code == -1131
    with pytest.raises(BadSymbolError) as info:
        client.get_ticker_price(symbol="NOPEUSDT")
    assert info.value.code == -1121
    assert live.control.journal_count() == 4


@covers(MarginError, BorrowRejectedError, MarginAccountMissingError)
def test_margin_errors(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(BorrowRejectedError) as info:
        client.borrow(asset="BTC", amount="1000")  # borrow limit 50
    assert info.value.code == -3006
    with pytest.raises(MarginAccountMissingError) as info:
        client.get_isolated_account(symbols="ETHUSDT")  # only BTCUSDT is an isolated pair
    assert info.value.code == -11001
    with pytest.raises(MarginError) as info:
        client.repay(asset="USDT", amount="10")  # nothing borrowed
    assert type(info.value) is MarginError and info.value.code == -3015


@covers(BinanceAPIError, BinanceHTTPError)
def test_unknown_paths(live: LiveExchange) -> None:
    client = live.client()
    with pytest.raises(BinanceAPIError) as info:
        client.call("GET", "/sapi/v1/margin/nothingHere")
    assert type(info.value) is BinanceAPIError and (info.value.code, info.value.http_status) == (-1020, 404)
    # A non-Binance-shaped error body (here the control plane's) has no code.
    with pytest.raises(BinanceHTTPError) as info:
        client.call("GET", "/mock/v1/nothing-here", security=Security.NONE)
    assert (info.value.code, info.value.http_status) == (None, 404) and "not_found" in info.value.msg


@covers(RateLimitError, TooManyOrdersError)
def test_rate_limits(live: LiveExchange) -> None:
    client = live.client()
    live.control.set_rate_limits(sapi_ip_weight_per_minute=15)
    live.control.advance(seconds=20)
    client.get_account()  # weight 10 of 15
    with pytest.raises(RateLimitError) as info:
        client.get_account()
    err = info.value
    assert type(err) is RateLimitError and (err.code, err.http_status) == (-1003, 429)
    assert err.retry_after == 40  # seconds to the end of the exchange's weight minute
    assert client.weights.blocked_until_ms == live.now_ms() + 40_000
    assert client.last_response.headers["X-SAPI-USED-IP-WEIGHT-1M"] == "10"

    live.control.set_rate_limits(orders_per_10s=1, sapi_ip_weight_per_minute=12000)
    client.place_order(**ORDER)
    with pytest.raises(TooManyOrdersError) as info:
        client.place_order(**ORDER)
    assert (info.value.code, info.value.http_status) == (-1015, 429)
    assert client.get_order_rate_limit()[0].count == 1


@covers(IpBannedError)
def test_ip_ban(live: LiveExchange) -> None:
    client = live.client()
    # From the real limiter: /api weight 2 per minute, banned at the second ignored 429.
    live.control.set_rate_limits(api_weight_per_minute=2, ban_after_rejections=1)
    client.ping()
    client.ping()
    with pytest.raises(RateLimitError) as info:
        client.ping()
    assert type(info.value) is RateLimitError
    with pytest.raises(IpBannedError) as info:
        client.ping()
    assert (info.value.http_status, info.value.code, info.value.retry_after) == (418, -1003, 120)
    # From a fault, on a /sapi path.
    live.control.inject_fault("/sapi/v1/margin/account", "ban_418", count=1, retry_after_s=300)
    with pytest.raises(IpBannedError) as info:
        client.get_account()
    assert (info.value.http_status, info.value.retry_after) == (418, 300)


@covers(ServerError)
def test_server_error_on_a_read(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault("/sapi/v1/margin/openOrders", "http_500", count=1, method="GET")
    with pytest.raises(ServerError) as info:
        client.get_open_orders(symbol=SYMBOL)
    assert (info.value.http_status, info.value.code) == (500, -1001)
    assert client.get_open_orders(symbol=SYMBOL) == []  # count=1: the next one is answered


@covers(ExecutionStatusUnknownError)
def test_unknown_outcomes(live: LiveExchange) -> None:
    client = live.client()
    live.control.inject_fault("/sapi/v1/margin/order", "unknown_placed", count=1, method="POST")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_order(**ORDER)
    assert (info.value.http_status, info.value.code) == (503, -1007)
    assert info.value.request.params["newClientOrderId"] == "live1"

    live.control.inject_fault("/sapi/v1/margin/order/oco", "drop_connection", count=1)
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(**OCO)
    assert info.value.http_status is None
    assert isinstance(info.value.__cause__, requests.exceptions.ChunkedEncodingError)

    live.control.inject_fault("/sapi/v1/margin/orderList", "http_500", count=1, method="DELETE")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.cancel_order_list(symbol=SYMBOL, list_client_order_id="any")
    assert info.value.http_status == 500


@covers(ExecutionStatusUnknownError)
def test_timeout_on_a_placement(live: LiveExchange) -> None:
    client = live.client(timeout=0.25)
    live.control.inject_fault("/sapi/v1/margin/order/oco", "timeout", count=1, delay_ms=10_000)
    try:
        with pytest.raises(ExecutionStatusUnknownError) as info:
            client.place_oco(**OCO)
    finally:
        live.control.clear_faults()  # releases the held request
    assert isinstance(info.value.__cause__, requests.Timeout)
    assert info.value.request.path == "/sapi/v1/margin/order/oco"


@covers(TransportError)
def test_closed_port(live: LiveExchange) -> None:
    client = live.client(url=free_port_url())
    with pytest.raises(TransportError) as info:
        client.ping()
    assert info.value.request.path == "/api/v3/ping"
    # Connection refused: the placement provably never left, so it is not "unknown".
    with pytest.raises(TransportError):
        client.place_order(**ORDER)
