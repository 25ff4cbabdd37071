"""Margin level over HTTP: cross and isolated levels at index prices, their statuses and flags,
tradeCoeff's bars from the config, and the control plane's reading and driving of a level.

Fees are zero here so every figure is hand-computable; the formulas are in each test. Forced
liquidation is off (``margin.auto_liquidation: false``) so an account stays at FORCE_LIQUIDATION
to be read; liquidation itself is tested in test_liquidation.py.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from mock_exchange.config import ConfigError, FeeConfig, MarginLevelBars, config_from_dict, default_config
from mock_exchange.control.errors import ControlError
from mock_exchange.control.handle import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS, OTHER_KEY, OTHER_SECRET, SignedClient

CROSS = "/sapi/v1/margin/account"
ISOLATED = "/sapi/v1/margin/isolated/account"
BORROW_REPAY = "/sapi/v1/margin/borrow-repay"
ORDER = "/sapi/v1/margin/order"


def _app(margin: dict[str, Any] | None = None) -> Flask:
    config = dataclasses.replace(default_config(), fees=FeeConfig(Decimal(0), Decimal(0)))
    if margin is not None:
        config = dataclasses.replace(config, margin=config_from_dict(
            {"symbols": {"BTCUSDT": {"base_asset": "BTC", "quote_asset": "USDT", "last_price": "1"}},
             "accounts": [], "margin": margin}).margin)
    config = dataclasses.replace(config, margin=dataclasses.replace(config.margin, auto_liquidation=False))
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)))


@pytest.fixture
def app() -> Flask:
    return _app()


@pytest.fixture
def control(app: Flask) -> LocalControl:
    return LocalControl(app)


@pytest.fixture
def cross_long(app: Flask, client: FlaskClient, control: LocalControl) -> SignedClient:
    """A 3x-ish cross long: 10000 USDT of equity, 19000 USDT borrowed, 0.9 BTC bought at 30000.

    Holdings 0.9 BTC + 2000 USDT, owing 19000 USDT. Valued in BTC at index p:
    asset = 0.9 + 2000/p, liability = 19000/p (each rounded down to 8 decimals).
    """
    other = SignedClient(client, app, OTHER_KEY, OTHER_SECRET)
    control.set_balance("other", "BTC", "0")
    assert other.post(BORROW_REPAY, asset="USDT", isIsolated="FALSE", amount="19000", type="BORROW").status_code == 200
    bought = other.post(ORDER, symbol="BTCUSDT", side="BUY", type="MARKET", quantity="0.9")
    assert bought.get_json()["status"] == "FILLED"
    return other


@pytest.fixture
def isolated_long(signed: SignedClient) -> SignedClient:
    """The demo isolated BTCUSDT pair (1 BTC, 50000 USDT) borrows 100000 USDT and buys 4 BTC at 30000.

    Holdings 5 BTC + 30000 USDT, owing 100000 USDT; valued in USDT at index p:
    level = (5p + 30000) / 100000, so the level is 1.1 at p = 16000.
    """
    assert signed.post(BORROW_REPAY, asset="USDT", isIsolated="TRUE", symbol="BTCUSDT", amount="100000",
                       type="BORROW").status_code == 200
    bought = signed.post(ORDER, symbol="BTCUSDT", isIsolated="TRUE", side="BUY", type="MARKET", quantity="4")
    assert bought.get_json()["status"] == "FILLED"
    return signed


def _cross_figures(signed: SignedClient) -> tuple[str, ...]:
    body = signed.get(CROSS).get_json()
    return (body["marginLevel"], body["totalAssetOfBtc"], body["totalLiabilityOfBtc"], body["totalNetAssetOfBtc"],
            body["borrowEnabled"], body["tradeEnabled"], body["transferOutEnabled"])


def test_cross_margin_level_follows_the_index_price(cross_long: SignedClient, control: LocalControl) -> None:
    # p = 30000: 0.9 + 0.06666666 = 0.96666666 over 0.63333333 -> 1.52631578...
    assert _cross_figures(cross_long) == ("1.52631578", "0.96666666", "0.63333333", "0.33333333", True, True, True)
    # p = 25000: 0.98 / 0.76 = 1.28947368... (at or below the 1.3 bar: a margin call)
    control.set_index_price("BTCUSDT", "25000")
    assert _cross_figures(cross_long) == ("1.28947368", "0.98000000", "0.76000000", "0.22000000", False, True, False)
    # p = 20000: 1 / 0.95 = 1.05263157... (below the 1.1 bar: force liquidation, trading closed)
    control.set_index_price("BTCUSDT", "20000")
    assert _cross_figures(cross_long) == ("1.05263157", "1.00000000", "0.95000000", "0.05000000", False, False, False)
    # The last price never moved: the level is the index's doing.
    assert control.market("BTCUSDT")["last_price"] == "30000"
    reading = control.margin_level("other")
    assert (reading["margin_level"], reading["status"], reading["valued_in"]) == ("1.05263157", "FORCE_LIQUIDATION",
                                                                                    "BTC")


def test_accrued_interest_counts_as_liability(app: Flask, cross_long: SignedClient, control: LocalControl) -> None:
    control.advance(hours=10)
    # 19000 USDT x 0.00000417 an hour = 0.07923 USDT an hour, 0.7923 in ten hours.
    usdt = next(a for a in cross_long.get(CROSS).get_json()["userAssets"] if a["asset"] == "USDT")
    assert usdt["interest"] == "0.79230000"
    # liability (19000.7923 / 30000 = 0.63335974), asset unchanged: 0.96666666 / 0.63335974 = 1.526252142...
    assert _cross_figures(cross_long)[:3] == ("1.52625214", "0.96666666", "0.63335974")


def test_isolated_margin_level_status_and_liquidation_price(isolated_long: SignedClient,
                                                            control: LocalControl) -> None:
    def pair() -> tuple[Any, ...]:
        body = isolated_long.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
        return (body["marginLevel"], body["marginLevelStatus"], body["liquidatePrice"], body["liquidateRate"],
                body["indexPrice"], body["tradeEnabled"], body["quoteAsset"]["borrowEnabled"])

    # (5 x 30000 + 30000) / 100000 = 1.8; liquidation at 5p + 30000 = 1.1 x 100000, p = 16000.
    assert pair() == ("1.80000000", "NORMAL", "16000.00000000", "1.10000000", "30000.00000000", True, True)
    control.set_index_price("BTCUSDT", "20000")  # 130000 / 100000: exactly the margin-call bar
    assert pair()[:2] == ("1.30000000", "MARGIN_CALL") and pair()[6] is False
    control.set_index_price("BTCUSDT", "17000")  # 115000 / 100000
    assert pair()[:2] == ("1.15000000", "PRE_LIQUIDATION")
    control.set_index_price("BTCUSDT", "16000")  # the liquidation price itself
    assert pair()[:2] == ("1.10000000", "FORCE_LIQUIDATION") and pair()[5] is False
    control.set_index_price("BTCUSDT", "70000")  # (350000 + 30000) / 100000
    assert pair()[:3] == ("3.80000000", "EXCESSIVE", "16000.00000000")
    # The cross account owes nothing: untouched by the pair's risk.
    assert isolated_long.get(CROSS).get_json()["marginLevel"] == "999.00000000"


def test_a_pair_owing_nothing_has_no_liquidation_price(signed: SignedClient) -> None:
    body = signed.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    assert (body["marginLevel"], body["marginLevelStatus"], body["liquidatePrice"]) == (
        "999.00000000", "EXCESSIVE", "0.00000000")


def test_trade_coeff_shows_the_default_bars(signed: SignedClient) -> None:
    # Binance's documented example (Get Summary of Margin account).
    assert signed.get("/sapi/v1/margin/tradeCoeff").get_json() == {
        "normalBar": "1.5", "marginCallBar": "1.3", "forceLiquidationBar": "1.1"}


def test_bars_come_from_the_config() -> None:
    app = _app({"level_bars": {"normal": "1.25", "margin_call": "1.2", "pre_liquidation": "1.15",
                               "force_liquidation": "1.05"}})
    signed = SignedClient(app.test_client(), app)
    assert signed.get("/sapi/v1/margin/tradeCoeff").get_json() == {
        "normalBar": "1.25", "marginCallBar": "1.2", "forceLiquidationBar": "1.05"}
    control = LocalControl(app)
    control.set_balance("demo", "USDT", "30000", borrowed="100000", isolated_symbol="BTCUSDT")
    control.set_balance("demo", "BTC", "5", isolated_symbol="BTCUSDT")
    control.set_index_price("BTCUSDT", "20000")  # 1.3: a margin call under the default bars, normal here
    body = signed.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    assert (body["marginLevelStatus"], body["liquidatePrice"], body["liquidateRate"]) == (
        "NORMAL", "15000.00000000", "1.05000000")  # 5p + 30000 = 105000
    tier = signed.get("/sapi/v1/margin/isolatedMarginTier", symbol="BTCUSDT").get_json()[0]
    assert tier["liquidationRiskRatio"] == "1.05000000"


@pytest.mark.parametrize(("bars", "problem"), [
    ({"margin_call": "1.1"}, "pre_liquidation (1.2) must be below margin_call (1.1)"),
    ({"force_liquidation": "0"}, "force_liquidation must be positive"),
    ({"normal": "3"}, "normal (3) must be below excessive (2)"),
])
def test_disordered_bars_are_refused(bars: dict[str, str], problem: str) -> None:
    with pytest.raises(ConfigError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        _app({"level_bars": bars})
    with pytest.raises(ConfigError, match="unknown"):
        _app({"level_bars": {"liquidation": "1.1"}})
    assert MarginLevelBars().problems() == []


def test_drive_an_isolated_pair_to_a_margin_level(isolated_long: SignedClient, control: LocalControl) -> None:
    # 5p + 30000 = 1.25 x 100000: p = 19000.
    driven = control.drive_margin_level("demo", "1.25", "BTCUSDT", isolated_symbol="BTCUSDT")
    assert (driven["index_price"], driven["margin_level"], driven["status"]) == ("19000", "1.25", "MARGIN_CALL")
    body = isolated_long.get(ISOLATED, symbols="BTCUSDT").get_json()["assets"][0]
    assert (body["indexPrice"], body["marginLevel"]) == ("19000.00000000", "1.25000000")
    assert control.market("BTCUSDT")["last_price"] == "30000"


def test_drive_the_cross_account_to_a_margin_level(cross_long: SignedClient, control: LocalControl) -> None:
    # (0.9p + 2000) / 19000 = 1.1 -> p = 21000; the BTC totals are rounded down to 8 decimals,
    # so the level read back is within a few units of the 8th decimal of the target.
    driven = control.drive_margin_level("other", "1.1", "BTCUSDT")
    assert driven["index_price"] == "21000"
    shown = cross_long.get(CROSS).get_json()["marginLevel"]
    assert shown == f"{Decimal(driven['margin_level']):.8f}"
    assert abs(Decimal(shown) - Decimal("1.1")) < Decimal("0.0000001")
    assert driven["status"] == "FORCE_LIQUIDATION" and driven["trade_enabled"] is False


def test_driving_is_refused_when_no_index_price_gives_the_level(control: LocalControl, client: FlaskClient) -> None:
    with pytest.raises(ControlError) as owes_nothing:
        control.drive_margin_level("demo", "1.2", "BTCUSDT")
    assert owes_nothing.value.status == 409 and "owes nothing" in owes_nothing.value.message
    control.set_balance("other", "BTC", "0")
    control.set_balance("other", "USDT", "10000", borrowed="5000")  # held and owed in USDT: level 2 at any p
    with pytest.raises(ControlError) as out_of_reach:
        control.drive_margin_level("other", "1.2", "BTCUSDT")
    assert out_of_reach.value.status == 409
    assert control.market("BTCUSDT")["index_price"] == "30000"  # nothing moved
    unknown = client.post("/mock/v1/accounts/demo/margin-level", json={"level": "1.2", "symbol": "NOPE"})
    assert unknown.status_code == 422 and unknown.get_json()["error"]["binance_code"] == -1121
    bad = client.post("/mock/v1/accounts/demo/margin-level", json={"level": "-1", "symbol": "BTCUSDT"})
    assert bad.status_code == 400


def test_margin_level_over_the_control_http_api(isolated_long: SignedClient, client: FlaskClient) -> None:
    reading = client.get("/mock/v1/accounts/demo/margin-level?isolated_symbol=BTCUSDT").get_json()
    assert reading == {
        "account": "demo", "isolated_symbol": "BTCUSDT", "valued_in": "USDT", "margin_level": "1.8",
        "status": "NORMAL", "total_asset": "180000", "total_liability": "100000", "total_net_asset": "80000",
        "borrow_enabled": True, "transfer_out_enabled": True, "trade_enabled": True, "liquidate_price": "16000",
        "bars": {"excessive": "2", "normal": "1.5", "margin_call": "1.3", "pre_liquidation": "1.2",
                 "force_liquidation": "1.1"}}
    missing = client.get("/mock/v1/accounts/demo/margin-level?isolated_symbol=ETHUSDT")
    assert missing.status_code == 422 and missing.get_json()["error"]["binance_code"] == -11001
    assert client.get("/mock/v1/accounts/nobody/margin-level").status_code == 404


def _level_events(control: LocalControl, since: int = 0) -> list[tuple[Any, ...]]:
    return [(e["account"], e["isolated_symbol"], e["margin_level"], e["previous_status"], e["status"])
            for e in control.events(since=since) if e["type"] == "margin_level_status"]


def _last_seq(control: LocalControl) -> int:
    return max((e["seq"] for e in control.events()), default=0)


def test_status_changes_are_events_as_the_index_crosses_bars(cross_long: SignedClient,
                                                             isolated_long: SignedClient,
                                                             control: LocalControl) -> None:
    # The loans took both from EXCESSIVE (nothing owed) to NORMAL: 1.526 cross, 1.8 isolated.
    assert _level_events(control) == [("other", None, "1.52631578", "EXCESSIVE", "NORMAL"),
                                      ("demo", "BTCUSDT", "1.8", "EXCESSIVE", "NORMAL")]
    start = _last_seq(control)
    control.set_index_price("BTCUSDT", "25000")  # cross 1.289 (margin call), isolated 1.55
    control.set_index_price("BTCUSDT", "17000")  # cross 1.01764705 / 1.11764705 = 0.9105..., isolated 1.15
    control.set_index_price("BTCUSDT", "30000")
    assert _level_events(control, start) == [
        ("other", None, "1.28947368", "NORMAL", "MARGIN_CALL"),
        ("demo", "BTCUSDT", "1.15", "NORMAL", "PRE_LIQUIDATION"),
        ("other", None, "0.91052631", "MARGIN_CALL", "FORCE_LIQUIDATION"),
        ("demo", "BTCUSDT", "1.8", "PRE_LIQUIDATION", "NORMAL"),
        ("other", None, "1.52631578", "FORCE_LIQUIDATION", "NORMAL"),
    ]


def test_interest_alone_causes_a_margin_call(cross_long: SignedClient, control: LocalControl) -> None:
    start = _last_seq(control)
    control.set_index_price("BTCUSDT", "25300")  # (0.9 x 25300 + 2000) / 19000 = 1.3036...: NORMAL
    assert _level_events(control, start) == []
    control.advance(hours=24 * 7)  # 168 h x 0.07923 = 13.31 USDT of interest: still above 1.3
    assert _level_events(control, start) == []
    control.advance(hours=24 * 28)  # 840 h: 66.5532 USDT; 0.97905138 / 0.75361870 = 1.2991336 (BTC totals)
    assert _level_events(control, start) == [("other", None, "1.2991336", "NORMAL", "MARGIN_CALL")]
    assert cross_long.get(CROSS).get_json()["marginLevel"] == "1.29913360"


def test_restrictions_at_each_status(cross_long: SignedClient, control: LocalControl) -> None:
    borrow = {"asset": "USDT", "isIsolated": "FALSE", "amount": "1", "type": "BORROW"}
    margin_buy = {"symbol": "BTCUSDT", "side": "BUY", "type": "MARKET", "quantity": "0.1",
                  "sideEffectType": "MARGIN_BUY"}
    sell_high = {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "quantity": "0.01", "price": "40000",
                 "timeInForce": "GTC"}
    control.set_index_price("BTCUSDT", "25000")  # MARGIN_CALL
    assert cross_long.post(BORROW_REPAY, **borrow).get_json() == {"code": -3008, "msg": "Borrow not allowed."}
    assert cross_long.post(ORDER, **margin_buy).get_json() == {"code": -3008, "msg": "Borrow not allowed."}
    assert Decimal(cross_long.get("/sapi/v1/margin/maxTransferable", asset="USDT").get_json()["amount"]) == 0
    out = cross_long.post("/sapi/v1/asset/transfer", type="MARGIN_MAIN", asset="USDT", amount="1")
    assert out.get_json() == {"code": -3020, "msg": "Transfer out amount exceeds max amount."}
    assert cross_long.post(ORDER, **sell_high).get_json()["status"] == "NEW"  # trading goes on
    assert cross_long.post(BORROW_REPAY, **{**borrow, "type": "REPAY", "amount": "100"}).status_code == 200
    control.set_index_price("BTCUSDT", "20000")  # FORCE_LIQUIDATION
    assert cross_long.post(ORDER, **sell_high).get_json() == {"code": -3022, "msg": "You account's trading is banned."}
    assert len(cross_long.get("/sapi/v1/margin/openOrders", symbol="BTCUSDT").get_json()) == 1  # still cancellable
    control.set_index_price("BTCUSDT", "30000")  # NORMAL again: all allowed
    assert cross_long.post(BORROW_REPAY, **borrow).status_code == 200
    assert cross_long.post(ORDER, **sell_high).get_json()["status"] == "NEW"


def test_an_isolated_pair_at_force_liquidation_leaves_cross_trading(isolated_long: SignedClient,
                                                                    control: LocalControl) -> None:
    control.set_index_price("BTCUSDT", "16000")  # the pair at 1.1
    order = {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "quantity": "0.01", "price": "40000",
             "timeInForce": "GTC"}
    assert isolated_long.post(ORDER, isIsolated="TRUE", **order).get_json()["code"] == -3022
    assert isolated_long.post(ORDER, **order).get_json()["status"] == "NEW"  # the cross account owes nothing
