"""Snapshots: the whole state to JSON, into a new app, and on from there as if nothing happened."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
from flask import Flask

from mock_exchange.control import ControlError, LocalControl
from mock_exchange.core.snapshot import SNAPSHOT_VERSION
from tests.control.conftest import frozen_app
from tests.signed_client import FROZEN_AT_MS, SignedClient


def busy_exchange() -> Flask:
    """An app with open orders, an open OCO, a partial fill, a runtime symbol and account."""
    app = frozen_app(seed=5)
    control = LocalControl(app)
    signed = SignedClient(app.test_client(), app)
    control.add_symbol("SOLUSDT", "SOL", "USDT", "150")
    control.add_account("bot", "botKey1", hmac_secret="botSecret", cross={"USDT": "1000", "SOL": "3"})
    for params in (dict(symbol="BTCUSDT", side="BUY", type="LIMIT", quantity="0.05", price="29000", timeInForce="GTC"),
                   dict(symbol="ETHUSDT", side="SELL", type="LIMIT", quantity="1", price="2500", timeInForce="GTC")):
        assert signed.post("/sapi/v1/margin/order", **params).status_code == 200
    oco = signed.post("/sapi/v1/margin/order/oco", symbol="BTCUSDT", side="SELL", quantity="0.1", price="32000",
                      stopPrice="28000", stopLimitPrice="27900", stopLimitTimeInForce="GTC")
    assert oco.status_code == 200
    control.advance(minutes=1)
    control.trade("BTCUSDT", "29000", "0.02")  # the BUY is now partially filled
    control.set_balance("demo", "BNB", "42.5", borrowed="1")
    return app


def open_orders_bytes(app: Flask) -> list[bytes]:
    signed = SignedClient(app.test_client(), app)
    return [signed.get("/sapi/v1/margin/openOrders", symbol=s).get_data() for s in ("BTCUSDT", "ETHUSDT")]


def test_restore_into_a_new_app_continues_identically() -> None:
    original = busy_exchange()
    state = LocalControl(original).snapshot()
    assert state["version"] == SNAPSHOT_VERSION
    json.dumps(state)  # plain JSON all the way down

    copy = frozen_app()
    LocalControl(copy).restore(json.loads(json.dumps(state)))
    assert LocalControl(copy).now_ms() == FROZEN_AT_MS + 60_000
    assert open_orders_bytes(copy) == open_orders_bytes(original)
    for name in ("demo", "bot"):
        assert LocalControl(copy).account(name) == LocalControl(original).account(name)
    assert LocalControl(copy).market("SOLUSDT") == LocalControl(original).market("SOLUSDT")
    assert LocalControl(copy).snapshot() == state

    # Both go on the same way: the same fills, the same new ids, the same event numbers.
    outcomes = []
    for app in (original, copy):
        control = LocalControl(app)
        signed = SignedClient(app.test_client(), app)
        events = control.price_path("BTCUSDT", ["28990", "27950"])
        placed = signed.post("/sapi/v1/margin/order", symbol="SOLUSDT", side="BUY", type="LIMIT", quantity="1",
                             price="140", timeInForce="GTC")
        bot = SignedClient(app.test_client(), app, "botKey1", "botSecret")
        outcomes.append((events, placed.get_data(), open_orders_bytes(app),
                         bot.get("/sapi/v1/margin/openOrders", symbol="SOLUSDT").status_code))
    assert outcomes[0] == outcomes[1]
    events = outcomes[0][0]
    assert events[0]["seq"] > 1 and [e["action"] for e in events if e["type"] == "order"][:2] == ["fill", "expire"]


def test_the_http_state_endpoints_round_trip(tmp_path: Path) -> None:
    original = busy_exchange()
    state = original.test_client().get("/mock/v1/state").get_json()
    copy = frozen_app()
    client = copy.test_client()
    assert client.post("/mock/v1/state", json=state).get_json()["restored"] is True
    assert open_orders_bytes(copy) == open_orders_bytes(original)

    saved = client.post("/mock/v1/state/save", json={"path": str(tmp_path / "state.json")}).get_json()
    assert saved["path"] == str(tmp_path / "state.json") and saved["bytes"] > 1000
    LocalControl(copy).reset()
    assert open_orders_bytes(copy) != open_orders_bytes(original)
    loaded = client.post("/mock/v1/state/load", json={"path": str(tmp_path / "state.json")})
    assert loaded.status_code == 200
    assert open_orders_bytes(copy) == open_orders_bytes(original)


def test_handles_save_and_load_files(tmp_path: Path) -> None:
    original = busy_exchange()
    LocalControl(original).save_snapshot(str(tmp_path / "s.json"))
    copy = frozen_app()
    LocalControl(copy).load_snapshot(str(tmp_path / "s.json"))
    assert open_orders_bytes(copy) == open_orders_bytes(original)


def as_version_1(state: dict) -> dict:
    """``state`` as version 1 wrote it: fills keyed and numbered by one exchange-wide counter from 1."""
    old = json.loads(json.dumps(state))
    old["version"] = 1
    trades = old["state"]["trades"]
    old["state"]["trades"] = {str(n): {**trade, "trade_id": n} for n, trade in enumerate(trades, start=1)}
    old["ids"]["counters"]["trade"] = len(trades)
    return old


def test_a_version_1_snapshot_gets_its_fills_public_trade_ids() -> None:
    original = busy_exchange()
    control = LocalControl(original)
    signed = SignedClient(original.test_client(), original)
    signed.post("/sapi/v1/margin/order", symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.1")
    control.trade("BTCUSDT", "28990", "0.05")  # the BUY fills; the rest of the print is a public trade
    state = control.snapshot()
    assert len(state["state"]["trades"]) == 3
    copy = frozen_app()
    LocalControl(copy).restore(as_version_1(state))
    restored = LocalControl(copy).snapshot()
    assert restored["version"] == SNAPSHOT_VERSION
    assert restored["state"]["trades"] == state["state"]["trades"]
    mine = SignedClient(copy.test_client(), copy).get("/sapi/v1/margin/myTrades", symbol="BTCUSDT").get_json()
    public = copy.test_client().get("/api/v3/trades", query_string={"symbol": "BTCUSDT"}).get_json()
    assert {row["id"] for row in mine} <= {row["id"] for row in public} and len(public) > len(mine)



def assert_refused_unchanged(snapshot: dict, match: str) -> None:
    """Restoring ``snapshot`` is a 400 whose message matches, and the target is left as it was."""
    target = busy_exchange()
    before = LocalControl(target).snapshot()
    with pytest.raises(ControlError, match=match) as refused:
        LocalControl(target).restore(snapshot)
    assert refused.value.code == "bad_request"
    assert LocalControl(target).snapshot() == before

def test_a_version_1_fill_without_its_print_is_refused() -> None:
    old = as_version_1(LocalControl(busy_exchange()).snapshot())
    old["state"]["trades"]["1"]["price"] = "12345"
    assert_refused_unchanged(old, r"state\.trades\.1: no trade on the BTCUSDT tape")


def version_1_with_three_fills() -> tuple[dict, dict]:
    """A v2 snapshot with two BTCUSDT fills and one ETHUSDT fill, and the same state as version 1 wrote it."""
    original = busy_exchange()
    signed = SignedClient(original.test_client(), original)
    signed.post("/sapi/v1/margin/order", symbol="ETHUSDT", side="BUY", type="MARKET", quantity="0.1")
    LocalControl(original).trade("BTCUSDT", "28990", "0.05")  # the BUY fills; the rest of the print is public
    state = LocalControl(original).snapshot()
    return state, as_version_1(state)


def test_a_version_1_fill_whose_print_was_folded_keeps_an_id_below_the_tape() -> None:
    """The tape folds its oldest entries into bars past 50,000: a long-running exchange's oldest fills
    may have no print left. They take the ids just below the first print kept, in fill order."""
    state, old = version_1_with_three_fills()
    first = next(t for t in state["state"]["trades"] if t["symbol"] == "BTCUSDT")
    tape = old["market"]["BTCUSDT"]["tape"]
    # What folding leaves: the entries from the fill's millisecond on, without the fill's own print.
    old["market"]["BTCUSDT"]["tape"] = [row for row in tape if row[0] >= first["time_ms"]
                                        and not (len(row) >= 7 and 0 <= row[3] <= first["trade_id"])]
    copy = frozen_app()
    LocalControl(copy).restore(old)
    restored = LocalControl(copy).snapshot()["state"]["trades"]
    assert [(t["symbol"], t["trade_id"]) for t in restored] == [(t["symbol"], t["trade_id"])
                                                                for t in state["state"]["trades"]]


def test_a_version_1_fill_without_its_print_after_the_tape_began_is_refused() -> None:
    _, old = version_1_with_three_fills()
    btc = [key for key, t in old["state"]["trades"].items() if t["symbol"] == "BTCUSDT"]
    old["state"]["trades"][btc[1]]["price"] = "12345"  # the newer BTCUSDT fill: no print is its own
    target = busy_exchange()
    before = LocalControl(target).snapshot()
    with pytest.raises(ControlError, match=rf"state\.trades\.{btc[1]}: no trade on the BTCUSDT tape"):
        LocalControl(target).restore(old)
    assert LocalControl(target).snapshot() == before


# -- version 1 maker fills: which tape trade is a fill's print (core/snapshot_migration.py's rule) --


class Market:
    """A fresh frozen app (every print in one millisecond) and what a test does to its BTCUSDT market."""

    def __init__(self) -> None:
        self.app = frozen_app()
        self.control = LocalControl(self.app)
        self.signed = SignedClient(self.app.test_client(), self.app)

    def resting_buy(self, price: str = "29000") -> None:
        self.control.set_price("BTCUSDT", "29500")  # above the limit: the BUY rests
        placed = self.signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY", type="LIMIT",
                                  quantity="0.01", price=price, timeInForce="GTC")
        assert placed.status_code == 200 and placed.get_json()["status"] == "NEW"

    def market_sell(self) -> None:
        assert self.signed.post("/sapi/v1/margin/order", symbol="BTCUSDT", side="SELL", type="MARKET",
                                quantity="0.01").status_code == 200

    def public_trade(self, from_price: str, qty: str = "0.01") -> None:
        """A trade at 29000 that no order takes; from above the buyer was the maker (the tick rule)."""
        self.control.set_price("BTCUSDT", from_price)
        self.control.trade("BTCUSDT", "29000", qty)

    def restored_v1_trades(self, fold_through: int | None = None) -> tuple[list[dict], list[dict]]:
        """(the fills, the fills restored from this state written as version 1); ``fold_through``
        drops the tape's trades up to that id, as folding into bars does."""
        state = self.control.snapshot()
        old = as_version_1(state)
        if fold_through is not None:
            tape = old["market"]["BTCUSDT"]["tape"]
            old["market"]["BTCUSDT"]["tape"] = [row for row in tape if not (len(row) >= 7 and 0 <= row[3]
                                                                               <= fold_through)]
        copy = frozen_app()
        LocalControl(copy).restore(old)
        return state["state"]["trades"], LocalControl(copy).snapshot()["state"]["trades"]

    def trade_ids(self) -> list[int]:
        return [row["id"] for row in self.app.test_client().get("/api/v3/trades",
                                                                query_string={"symbol": "BTCUSDT"}).get_json()]


def test_a_version_1_maker_fill_skips_an_earlier_print_of_the_other_side() -> None:
    """A public trade just before, same millisecond, price and quantity, where the seller was the maker."""
    market = Market()
    market.public_trade(from_price="28000")  # from below: the seller was the maker
    market.resting_buy()
    market.control.trade("BTCUSDT", "29000", "0.01")  # the BUY fills as the maker: the buyer was
    fills, restored = market.restored_v1_trades()
    assert [t["trade_id"] for t in restored] == [t["trade_id"] for t in fills] == [market.trade_ids()[1]]


def test_a_version_1_maker_fill_takes_its_own_print_not_its_prints_public_rest_after_folding() -> None:
    """A print fills the resting BUY, then trades its untaken rest as a public trade identical to the
    fill's print. With the oldest fill folded away, the newer ones are paired as without folding."""
    market = Market()
    market.market_sell()  # a taker fill: its print is folded below
    market.resting_buy()
    market.control.trade("BTCUSDT", "29000", "0.02")  # 0.01 fills the BUY, 0.01 trades publicly after it
    fills, restored = market.restored_v1_trades(fold_through=fills_first_id(market))
    assert [t["trade_id"] for t in restored] == [t["trade_id"] for t in fills]
    assert market.trade_ids()[-2:] == [fills[1]["trade_id"], fills[1]["trade_id"] + 1]  # the fill, then the rest


def fills_first_id(market: Market) -> int:
    return int(market.control.snapshot()["state"]["trades"][0]["trade_id"])


def test_a_version_1_folded_fill_takes_an_id_below_every_trade_the_tape_kept() -> None:
    """A public trade kept on the tape between the folded fill and the next: the folded fill's id is
    below it, never the public trade's own."""
    market = Market()
    market.market_sell()
    market.public_trade(from_price="29500", qty="0.5")
    market.resting_buy()
    market.control.trade("BTCUSDT", "29000", "0.01")
    fills, restored = market.restored_v1_trades(fold_through=fills_first_id(market))
    public = market.trade_ids()[1]
    assert [t["trade_id"] for t in restored] == [t["trade_id"] for t in fills] == [public - 1, public + 1]


def test_a_version_1_maker_fill_identical_to_an_earlier_public_trade_takes_the_earlier_id() -> None:
    """The case the tape cannot decide (core/snapshot_migration.py): a public trade identical to the
    maker fill's print (millisecond, price, quantity, side) and before it. The earliest wins."""
    market = Market()
    market.public_trade(from_price="29500")  # the buyer was the maker, as the fill's print says
    market.resting_buy()
    market.control.trade("BTCUSDT", "29000", "0.01")
    fills, restored = market.restored_v1_trades()
    earlier, own = market.trade_ids()[:2]
    assert [t["trade_id"] for t in fills] == [own]
    assert [t["trade_id"] for t in restored] == [earlier]


def test_fills_out_of_fill_order_are_refused() -> None:
    """A snapshot lists a symbol's fills in fill order, their ids ascending (myTrades and fromId read
    them in that order); one listing them otherwise is not a state the exchange can be in."""
    original = busy_exchange()
    SignedClient(original.test_client(), original).post("/sapi/v1/margin/order", symbol="BTCUSDT", side="BUY",
                                                        type="MARKET", quantity="0.01")
    state = LocalControl(original).snapshot()
    btc = [t for t in state["state"]["trades"] if t["symbol"] == "BTCUSDT"]
    assert len(btc) == 2 and btc[0]["trade_id"] < btc[1]["trade_id"]
    state["state"]["trades"].reverse()
    assert_refused_unchanged(state, r"state\.trades\[\d\]\.trade_id: .*BTCUSDT")


@pytest.mark.parametrize(("mutate", "message"), [
    (lambda s: s.update(version=3), "version"),
    (lambda s: s.pop("market"), "missing"),
    (lambda s: s["state"]["orders"]["1"].update(price="lots"), "state.orders.1.price"),
    (lambda s: s["state"]["orders"]["1"].update(side="UP"), "state.orders.1.side"),
    (lambda s: s["state"]["orders"]["1"].update(account="ghost"), "state.orders.1.account: no account"),
    (lambda s: s["state"]["accounts"]["demo"].update(colour="red"), "colour"),
    (lambda s: s["ids"].update(random="x"), "ids"),
    (lambda s: s["clock"].update(now_ms="noon"), "clock.now_ms"),
])
def test_a_bad_snapshot_changes_nothing(mutate, message: str) -> None:  # noqa: ANN001
    good = LocalControl(busy_exchange()).snapshot()
    bad = json.loads(json.dumps(good))
    mutate(bad)
    target = busy_exchange()
    LocalControl(target).set_price("ETHUSDT", "1999")
    before = LocalControl(target).snapshot()
    with pytest.raises(ControlError, match=message) as refused:
        LocalControl(target).restore(bad)
    assert refused.value.code == "bad_request"
    assert LocalControl(target).snapshot() == before


def test_load_errors_are_bad_requests(tmp_path: Path) -> None:
    control = LocalControl(frozen_app())
    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    answers = []
    for name in ("missing.json", "junk.json"):  # one answer: the API does not tell which files exist
        with pytest.raises(ControlError, match="no snapshot file at") as refused:
            control.load_snapshot(str(tmp_path / name))
        answers.append(refused.value.message.replace(name, "NAME"))
    assert answers[0] == answers[1]
    with pytest.raises(ControlError, match="cannot write"):
        control.save_snapshot(str(tmp_path / "no" / "such" / "dir.json"))


def test_wallets_transfers_interest_and_index_prices_round_trip() -> None:
    """Spot wallets, transfer and interest histories, a disabled pair and a set index price survive."""
    original = frozen_app(seed=3)
    exchange = original.extensions["mock_exchange"].exchange
    signed = SignedClient(original.test_client(), original)
    assert signed.post("/sapi/v1/asset/transfer", type="MAIN_MARGIN", asset="USDT", amount="123.45").status_code == 200
    assert signed.post("/sapi/v1/asset/transfer", type="MAIN_ISOLATED_MARGIN", asset="BTC", amount="0.1",
                       toSymbol="BTCUSDT").status_code == 200
    assert signed.post("/sapi/v1/margin/borrow-repay", asset="USDT", isIsolated="FALSE", amount="1000",
                       type="BORROW").status_code == 200
    assert signed.post("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").status_code == 200
    assert signed.delete("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").status_code == 200
    exchange.set_index_price("BTCUSDT", Decimal("30123.4"))
    LocalControl(original).advance(minutes=150)

    state = LocalControl(original).snapshot()
    copy = frozen_app()
    LocalControl(copy).restore(json.loads(json.dumps(state)))
    assert LocalControl(copy).snapshot() == state
    reader = SignedClient(copy.test_client(), copy)
    for path, params in (("/api/v3/account", {}), ("/sapi/v1/margin/transfer", {}),
                         ("/sapi/v1/asset/transfer", {"type": "MAIN_ISOLATED_MARGIN"}),
                         ("/sapi/v1/margin/interestHistory", {}),
                         ("/sapi/v1/margin/priceIndex", {"symbol": "BTCUSDT"}),
                         ("/sapi/v1/margin/account", {}), ("/sapi/v1/margin/isolated/account", {})):
        assert reader.get(path, **params).get_data() == signed.get(path, **params).get_data(), path
    # The 24-hour rule on disabling survives too.
    assert reader.post("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").status_code == 200
    assert reader.delete("/sapi/v1/margin/isolated/account", symbol="ETHUSDT").get_json()["code"] == -3026


def test_a_snapshot_after_interest_was_charged_restores() -> None:
    """Interest rows take ids of their own kind; a snapshot that holds them must restore."""
    original = frozen_app(seed=4)
    signed = SignedClient(original.test_client(), original)
    assert signed.post("/sapi/v1/asset/transfer", type="MAIN_MARGIN", asset="USDT", amount="10").status_code == 200
    assert signed.post("/sapi/v1/margin/borrow-repay", asset="USDT", isIsolated="FALSE", amount="1000",
                       type="BORROW").status_code == 200
    LocalControl(original).advance(minutes=180)
    assert signed.get("/sapi/v1/margin/account").status_code == 200  # accrues the three hours
    state = LocalControl(original).snapshot()
    assert state["ids"]["counters"].get("interest", 0) >= 1 and state["state"]["interest_history"]
    copy = frozen_app()
    LocalControl(copy).restore(json.loads(json.dumps(state)))
    assert LocalControl(copy).snapshot() == state
