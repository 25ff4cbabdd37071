"""Balances, interest, valuation and max borrowable."""

from __future__ import annotations

import pytest

from mock_exchange.config import AccountConfig, BalanceConfig
from mock_exchange.core.accounts import HOUR_MS, Account, AssetBalance, MarginAccount
from mock_exchange.core.errors import BinanceError
from mock_exchange.core.margin_level import MARGIN_LEVEL_NO_LIABILITY, margin_level
from tests.core.engine_helpers import D, balance, make_exchange


def test_net_asset_is_free_plus_locked_minus_liabilities() -> None:
    entry = AssetBalance(free=D("2.5"), locked=D("1"), borrowed=D("1.2"), interest=D("0.01"))
    assert entry.net_asset == D("2.29")


def test_lock_unlock_spend_and_credit() -> None:
    margin = MarginAccount(None, {"BTC": AssetBalance(free=D("1"))})
    margin.lock("BTC", D("0.4"))
    assert (margin.balance("BTC").free, margin.balance("BTC").locked) == (D("0.6"), D("0.4"))
    margin.unlock("BTC", D("0.1"))
    margin.spend_locked("BTC", D("0.3"))
    margin.credit("USDT", D("10"))
    assert margin.balance("BTC").free == D("0.7") and margin.balance("BTC").locked == 0
    assert margin.free("USDT") == D("10")


def test_overdrawing_is_a_bug_not_a_negative_balance() -> None:
    margin = MarginAccount(None, {"BTC": AssetBalance(free=D("1"))})
    with pytest.raises(ValueError):
        margin.lock("BTC", D("2"))
    with pytest.raises(ValueError):
        margin.spend_locked("BTC", D("0.1"))


def test_repay_pays_interest_first_then_principal() -> None:
    margin = MarginAccount(None, {"USDT": AssetBalance(free=D("100"), borrowed=D("50"), interest=D("2"))})
    result = margin.repay("USDT", D("10"))
    assert (result.interest, result.principal) == (D("2"), D("8"))
    entry = margin.balance("USDT")
    assert (entry.free, entry.borrowed, entry.interest) == (D("90"), D("42"), D("0"))


def test_interest_accrues_per_whole_hour_on_principal() -> None:
    exchange = make_exchange()
    exchange.borrow("alice", "USDT", D("1000"))
    exchange.clock.advance(HOUR_MS - 1)
    assert balance(exchange, "alice", "USDT").interest == 0
    exchange.clock.advance(1)
    assert balance(exchange, "alice", "USDT").interest == D("0.1")  # 1000 x 0.0001 x 1 h
    exchange.clock.advance(2 * HOUR_MS + 5)
    assert balance(exchange, "alice", "USDT").interest == D("0.3")
    assert exchange.state.interest_charged["USDT"] == D("0.3")


def test_account_from_config_and_missing_isolated_pair() -> None:
    spec = AccountConfig(name="x", api_key="k", hmac_secret="s", cross={"BTC": BalanceConfig(free=D("1"))},
                         isolated={"BTCUSDT": {"USDT": BalanceConfig(free=D("5"), borrowed=D("1"))}})
    account = Account.from_config(spec, 0)
    assert account.margin_account(None).free("BTC") == D("1")
    assert account.margin_account("BTCUSDT").balance("USDT").borrowed == D("1")
    with pytest.raises(BinanceError) as error:
        account.margin_account("ETHUSDT")
    assert error.value.code == -11001


def test_margin_level_sentinel_without_liability() -> None:
    assert margin_level(D("5"), D("0")) == MARGIN_LEVEL_NO_LIABILITY == D("999")
    assert margin_level(D("6.82728457"), D("0.58633215")) == D("11.64405630")  # spec §5.9 example


def test_totals_in_btc_convert_through_last_prices() -> None:
    exchange = make_exchange()
    totals = exchange.account_totals("bob")
    assert totals.total_asset == _q(D("5") + D("200000") / D("30000"))
    assert totals.total_liability == 0 and totals.margin_level == D("999")
    exchange.borrow("bob", "BTC", D("1"))
    totals = exchange.account_totals("bob")
    assert totals.total_liability == D("1")
    assert totals.total_net_asset == totals.total_asset - 1
    exchange.set_price("BTCUSDT", D("60000"))
    assert exchange.account_totals("bob").total_asset == _q(D("6") + D("200000") / D("60000"))


def _q(value: D) -> D:
    return value.quantize(D("0.00000001"), rounding="ROUND_DOWN")


def test_max_borrowable_cross_is_leverage_minus_one_times_equity_capped_by_limit() -> None:
    exchange = make_exchange()
    amount, limit = exchange.max_borrowable("poor", "BTC")
    equity_btc = D("0.1") + D("1000") / D("30000")
    assert amount == (2 * equity_btc).quantize(D("0.00000001"), rounding="ROUND_DOWN")
    assert limit == D("50")
    exchange.borrow("poor", "BTC", D("0.1"))
    after, _ = exchange.max_borrowable("poor", "BTC")
    assert after == (2 * equity_btc - D("0.1")).quantize(D("0.00000001"), rounding="ROUND_DOWN")
    big, cap = exchange.max_borrowable("alice", "BTC")
    assert big == cap == D("50")  # leverage would allow more; the account limit caps it


def test_max_borrowable_isolated_uses_isolated_leverage() -> None:
    exchange = make_exchange()
    amount, _ = exchange.max_borrowable("alice", "USDT", isolated_symbol="BTCUSDT")
    equity_usdt = D("1") * D("30000") + D("50000")
    assert amount == 4 * equity_usdt
    with pytest.raises(BinanceError) as error:
        exchange.max_borrowable("bob", "USDT", isolated_symbol="BTCUSDT")
    assert error.value.code == -11001
    with pytest.raises(BinanceError) as error:
        exchange.max_borrowable("alice", "ETH", isolated_symbol="BTCUSDT")
    assert error.value.code == -3027


def test_manual_borrow_and_repay_with_history() -> None:
    exchange = make_exchange()
    tran = exchange.borrow("bob", "USDT", D("100"))
    assert balance(exchange, "bob", "USDT").borrowed == D("100")
    exchange.clock.advance(HOUR_MS)
    repaid = exchange.repay("bob", "USDT", D("50"))
    entry = balance(exchange, "bob", "USDT")
    assert entry.interest == 0 and entry.borrowed == D("100") - (D("50") - D("0.01"))
    rows, total = exchange.borrow_repay_history("bob", "REPAY")
    assert total == 1 and rows[0].tran_id == repaid and rows[0].interest == D("0.01")
    rows, total = exchange.borrow_repay_history("bob", "BORROW", tx_id=tran)
    assert total == 1 and rows[0].amount == D("100")
    with pytest.raises(BinanceError) as error:
        exchange.repay("bob", "USDT", D("1000"))
    assert error.value.code == -3015
    with pytest.raises(BinanceError) as error:
        exchange.borrow("bob", "USDT", D("100000000"))
    assert error.value.code == -3006
    with pytest.raises(BinanceError) as error:
        exchange.borrow("bob", "DOGE", D("1"))
    assert error.value.code == -3027


def test_repay_needs_free_balance() -> None:
    exchange = make_exchange()
    exchange.set_balance("poor", "ETH", free=D("0"), borrowed=D("0.1"))
    with pytest.raises(BinanceError) as error:
        exchange.repay("poor", "ETH", D("0.05"))
    assert error.value.code == -3041
