"""HTTP answers mapped to the exception hierarchy."""

from __future__ import annotations

import pytest
import requests
from margin_client import (
    BadSymbolError,
    BinanceAPIError,
    BinanceError,
    BinanceHTTPError,
    BorrowRejectedError,
    CancelRejectedError,
    ExecutionStatusUnknownError,
    FilterFailureError,
    InvalidApiKeyError,
    InvalidParameterError,
    InvalidSignatureError,
    IpBannedError,
    MandatoryParameterError,
    MarginAccountMissingError,
    NoSuchOrderError,
    OrderRejectedError,
    RateLimitError,
    ServerError,
    TimestampError,
    TooManyOrdersError,
    TransportError,
    UnexpectedResponseError,
)
from urllib3.exceptions import MaxRetryError, NewConnectionError

JSON_HEADERS = {"Content-Type": "application/json;charset=UTF-8"}


@pytest.mark.parametrize(
    ("status", "code", "cls"),
    [
        (400, -1022, InvalidSignatureError),
        (400, -1021, TimestampError),
        (400, -1013, FilterFailureError),
        (400, -20204, FilterFailureError),
        (400, -1102, MandatoryParameterError),
        (400, -1100, InvalidParameterError),
        (400, -1104, InvalidParameterError),
        (400, -1121, BadSymbolError),
        (400, -2010, OrderRejectedError),
        (400, -2011, CancelRejectedError),
        (400, -2013, NoSuchOrderError),
        (401, -2014, InvalidApiKeyError),
        (401, -2015, InvalidApiKeyError),
        (400, -3003, MarginAccountMissingError),
        (400, -11001, MarginAccountMissingError),
        (400, -3045, BorrowRejectedError),
        (400, -9999, BinanceAPIError),
    ],
)
def test_code_maps_to_exception(client, adapter, status: int, code: int, cls: type) -> None:
    adapter.reply(status, {"code": code, "msg": "some message"}, JSON_HEADERS)
    with pytest.raises(cls) as info:
        client.get_order(symbol="BTCUSDT", order_id=3)
    error = info.value
    assert type(error) is cls
    assert (error.code, error.msg, error.http_status) == (code, "some message", status)
    assert error.request.method == "GET"
    assert error.request.path == "/sapi/v1/margin/order"
    assert error.request.params["orderId"] == "3"
    assert "timestamp" in error.request.params
    assert "signature" not in error.request.params
    assert f"code {code}" in str(error)


def test_filter_failure_names_the_filter(client, adapter) -> None:
    adapter.reply(400, {"code": -1013, "msg": "Filter failure: LOT_SIZE"})
    with pytest.raises(FilterFailureError) as info:
        client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.0000001")
    assert info.value.filter_type == "LOT_SIZE"


def test_rate_limit_carries_retry_after(client, adapter) -> None:
    adapter.reply(429, {"code": -1003, "msg": "Too much request weight used"}, {"Retry-After": "7"})
    with pytest.raises(RateLimitError) as info:
        client.get_account()
    assert info.value.retry_after == 7
    assert not isinstance(info.value, IpBannedError)


def test_too_many_orders_is_a_rate_limit_error(client, adapter) -> None:
    adapter.reply(429, {"code": -1015, "msg": "Too many new orders."})
    with pytest.raises(TooManyOrdersError) as info:
        client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")
    assert info.value.retry_after is None


def test_ip_ban(client, adapter) -> None:
    adapter.reply(418, {"code": -1003, "msg": "Way too much request weight used; IP banned until 1."},
                  {"Retry-After": "120"})
    with pytest.raises(IpBannedError) as info:
        client.ping()
    assert (info.value.retry_after, info.value.http_status) == (120, 418)


def test_server_error_on_read(client, adapter) -> None:
    adapter.reply(500, {"code": -1001, "msg": "Internal error"})
    with pytest.raises(ServerError) as info:
        client.get_open_orders()
    assert info.value.code == -1001


@pytest.mark.parametrize("status", [500, 502, 503, 504])
def test_5xx_on_placement_means_unknown_outcome(client, adapter, status: int) -> None:
    adapter.reply(status, "<html>Bad Gateway</html>")
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_oco(symbol="BTCUSDT", side="SELL", quantity="1", price="2", stop_price="1")
    assert info.value.http_status == status
    assert info.value.code is None
    assert info.value.request.params["listClientOrderId"] == "cid1"


def test_5xx_on_cancel_means_unknown_outcome(client, adapter) -> None:
    adapter.reply(503, {"code": -1001, "msg": "Internal error"})
    with pytest.raises(ExecutionStatusUnknownError):
        client.cancel_order_list(symbol="BTCUSDT", order_list_id=5)


def test_timeout_code_on_placement_means_unknown_outcome(client, adapter) -> None:
    adapter.reply(400, {"code": -1007, "msg": "Timeout waiting for response from backend server."})
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")
    assert info.value.code == -1007


@pytest.mark.parametrize("exc", [requests.ReadTimeout("read timed out"), requests.ConnectionError("reset")])
def test_dropped_placement_means_unknown_outcome(client, adapter, exc: Exception) -> None:
    adapter.fail(exc)
    with pytest.raises(ExecutionStatusUnknownError) as info:
        client.place_otoco(symbol="BTCUSDT", working_type="LIMIT_MAKER", working_side="BUY",
                           working_price="1", working_quantity="1", pending_side="SELL",
                           pending_quantity="1", pending_above_type="LIMIT_MAKER",
                           pending_above_price="2")
    assert info.value.__cause__ is exc


def test_refused_connection_on_placement_is_a_plain_transport_error(client, adapter) -> None:
    refused = NewConnectionError(None, "Connection refused")  # type: ignore[arg-type]
    adapter.fail(requests.ConnectionError(MaxRetryError(None, "/", refused)))  # type: ignore[arg-type]
    with pytest.raises(TransportError):
        client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")


def test_connect_timeout_on_placement_is_a_plain_transport_error(client, adapter) -> None:
    adapter.fail(requests.ConnectTimeout("connect timed out"))
    with pytest.raises(TransportError):
        client.place_order(symbol="BTCUSDT", side="BUY", type="MARKET", quantity="1")


def test_timeout_on_read_is_a_transport_error(client, adapter) -> None:
    adapter.fail(requests.ReadTimeout("read timed out"))
    with pytest.raises(TransportError) as info:
        client.get_account()
    assert not isinstance(info.value, ExecutionStatusUnknownError)


def test_html_404_is_an_http_error(client, adapter) -> None:
    adapter.reply(404, "<html><body>Not Found</body></html>", {"Content-Type": "text/html"})
    with pytest.raises(BinanceHTTPError) as info:
        client.get_account()
    assert info.value.code is None
    assert info.value.http_status == 404
    assert "Not Found" in info.value.body


def test_non_json_success_body(client, adapter) -> None:
    adapter.reply(200, "OK")
    with pytest.raises(UnexpectedResponseError):
        client.get_account()


def test_everything_is_a_binance_error() -> None:
    for cls in (RateLimitError, IpBannedError, ServerError, TransportError, ExecutionStatusUnknownError,
                BinanceHTTPError, UnexpectedResponseError, NoSuchOrderError):
        assert issubclass(cls, BinanceError)
    assert issubclass(IpBannedError, RateLimitError)
    assert issubclass(RateLimitError, BinanceAPIError)
