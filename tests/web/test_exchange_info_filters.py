"""exchangeInfo's showPermissionSets, symbolStatus and permissions parameters (spot rest-api.md)."""

from __future__ import annotations

import dataclasses

from flask.testing import FlaskClient

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS

INFO = "/api/v3/exchangeInfo"


def names(client: FlaskClient, query: str = "") -> list[str]:
    return [s["symbol"] for s in client.get(f"{INFO}?{query}").get_json()["symbols"]]


def halted_client() -> FlaskClient:
    """ETHBTC halted and BNBUSDT without margin, the rest as configured."""
    base = default_config()
    symbols = dict(base.symbols)
    symbols["ETHBTC"] = dataclasses.replace(symbols["ETHBTC"], status="HALT")
    symbols["BNBUSDT"] = dataclasses.replace(symbols["BNBUSDT"], margin_enabled=False)
    config = dataclasses.replace(base, symbols=symbols)
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS))).test_client()


def test_show_permission_sets(client: FlaskClient) -> None:
    shown = client.get(INFO).get_json()["symbols"][0]
    assert shown["permissionSets"] == [["SPOT", "MARGIN"]] and shown["permissions"] == []
    assert client.get(f"{INFO}?showPermissionSets=true").get_json()["symbols"][0]["permissionSets"] == [
        ["SPOT", "MARGIN"]]
    hidden = client.get(f"{INFO}?showPermissionSets=false&symbol=BTCUSDT").get_json()["symbols"][0]
    assert hidden["permissionSets"] == []
    assert client.get(f"{INFO}?showPermissionSets=maybe").get_json() == {
        "code": -1130, "msg": "Data sent for parameter 'showPermissionSets' is not valid."}


def test_symbol_status_filters_and_is_checked() -> None:
    client = halted_client()
    assert names(client, "symbolStatus=HALT") == ["ETHBTC"]
    assert names(client, "symbolStatus=TRADING") == ["BTCUSDT", "ETHUSDT", "BNBUSDT"]
    assert names(client, "symbolStatus=BREAK") == []
    assert client.get(f"{INFO}?symbolStatus=ASLEEP").get_json() == {"code": -1122, "msg": "Invalid symbolStatus."}
    assert client.get(f"{INFO}?symbolStatus=HALT&symbol=ETHBTC").get_json() == {
        "code": -1128, "msg": "Combination of optional parameters invalid."}


def test_permissions_single_and_list() -> None:
    client = halted_client()
    assert names(client, "permissions=SPOT") == ["BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC"]
    assert names(client, "permissions=MARGIN") == ["BTCUSDT", "ETHUSDT", "ETHBTC"]
    assert names(client, 'permissions=["MARGIN","LEVERAGED"]') == ["BTCUSDT", "ETHUSDT", "ETHBTC"]
    assert names(client, "permissions=LEVERAGED") == []
    assert names(client, "permissions=MARGIN&symbolStatus=TRADING") == ["BTCUSDT", "ETHUSDT"]
    for bad in ("FUTURES", '["MARGIN",1]', "[]", "[MARGIN"):
        assert client.get(INFO, query_string={"permissions": bad}).get_json() == {
            "code": -1130, "msg": "Data sent for parameter 'permissions' is not valid."}, bad
    assert client.get(f"{INFO}?permissions=SPOT&symbols=[\"BTCUSDT\"]").get_json()["code"] == -1128
