"""The Python API builds the same steps as YAML, and failures point at the Python line."""

from __future__ import annotations

import inspect
from typing import Any

from mock_exchange.scenario import Scenario, load_text


def _oco_args() -> dict[str, Any]:
    return {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.01", "price": "32000", "stop_price": "29000"}


def test_a_python_scenario_runs_in_process() -> None:
    result = (
        Scenario("OCO take-profit in Python")
        .given(prices={"BTCUSDT": "30000"}, seed=5)
        .call("place_oco", save={"oco": ".", "tp": "orderReports[type=LIMIT_MAKER].orderId"}, **_oco_args())
        .expect(status=200, response={"listOrderStatus": "EXECUTING", "orderReports": {"len": 2}})
        .market("BTCUSDT", price="32000")
        .expect(events={"since": "last_action", "sequence": [{"action": "expire"},
                                                             {"action": "fill", "order_id": "${tp}"}]})
        .advance("1m")
        .call_raw("GET", "/api/v3/time", security="NONE", expect={"response": {"serverTime": 1_767_225_660_000}})
        .run()
    )
    assert result.passed, "\n".join(result.messages)
    assert [s.status for s in result.steps] == ["passed"] * 7


def test_python_and_yaml_build_the_same_steps() -> None:
    built = Scenario("same").given(prices={"BTCUSDT": "30000"}).call("get_account", as_="other", save="acct")
    loaded = load_text("""
name: same
steps:
  - given: {prices: {BTCUSDT: "30000"}}
  - call: get_account
    as: other
    save: acct
""")
    assert [(s.kind, dict(s.data)) for s in built.steps] == [(s.kind, dict(s.data)) for s in loaded.steps]


def test_a_failure_points_at_the_python_line() -> None:
    scenario = Scenario("wrong").given(prices={"BTCUSDT": "30000"}).call("place_oco", **_oco_args())
    line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
    scenario.expect(response={"listOrderStatus": "ALL_DONE"})
    result = scenario.run()
    assert not result.passed
    assert result.messages == [
        (f'{__file__}:{line}: response.listOrderStatus: expected "ALL_DONE", got "EXECUTING" '
         "(last call: place_oco → HTTP 200)")
    ]


def test_validation_errors_point_at_the_python_line() -> None:
    line = inspect.currentframe().f_lineno + 1  # type: ignore[union-attr]
    scenario = Scenario("bad ref").expect(order={"symbol": "BTCUSDT", "order_id": "${missing}", "status": "NEW"})
    [issue] = scenario.validate()
    assert (issue.location.file, issue.location.line) == (__file__, line)
    assert "'missing' is not saved by any earlier step" in issue.reason
    assert scenario.run().issues == [issue]


def test_an_unexpected_error_fails_the_call_step() -> None:
    result = (Scenario("surprise").given(prices={"BTCUSDT": "30000"})
              .call("place_oco", **{**_oco_args(), "price": "29000"})
              .market("BTCUSDT", price="31000").run())
    [message] = result.messages
    assert "place_oco failed: HTTP 400 -2010 The relationship of the prices for the orders is not correct." in message
    assert "why: The relationship of the prices for the orders is not correct. Sent side=SELL" in message
    assert [s.status for s in result.steps] == ["passed", "failed", "skipped"]


def test_given_creates_symbols_accounts_and_clients() -> None:
    filters = [
        {"filterType": "PRICE_FILTER", "minPrice": "0.01", "maxPrice": "100000", "tickSize": "0.01"},
        {"filterType": "LOT_SIZE", "minQty": "0.01", "maxQty": "100000", "stepSize": "0.01"},
    ]
    result = (
        Scenario("new world")
        .given(seed=11, clock={"freeze_at": "2026-05-01T08:00:00Z"},
               symbols={"SOLUSDT": {"base_asset": "SOL", "quote_asset": "USDT", "last_price": "150",
                                    "filters": filters}},
               accounts={"alice": {"api_key": "aliceApiKey123", "hmac_secret": "aliceSecret",
                                   "cross": {"USDT": "500"}}},
               balances={"alice": {"cross": {"SOL": {"free": "2", "borrowed": "1"}}}},
               clients={"alice_late": {"account": "alice", "clock_offset_ms": -60000}})
        .call("get_server_time", expect={"response": {"serverTime": 1_777_622_400_000}})
        .call("place_order", as_="alice", symbol="SOLUSDT", side="SELL", type="LIMIT", time_in_force="GTC",
              quantity="1", price="160", save="sol")
        .expect(status=200, response={"status": "NEW"},
                balance={"account": "alice", "asset": "SOL", "free": "1", "locked": "1", "borrowed": "1"})
        .call("get_account", as_="alice_late", expect={"error": {"code": -1021}})
        .call_raw("GET", "/sapi/v1/margin/order", {"symbol": "SOLUSDT", "orderId": "${sol.orderId}"},
                  as_="alice", expect={"response": {"status": "NEW", "time": "${now}"}})
        .run()
    )
    assert result.passed, "\n".join(result.messages)


def test_connection_faults_in_process_and_reconciliation() -> None:
    result = (
        Scenario("lost answers")
        .given(prices={"BTCUSDT": "30000"})
        .fault("/sapi/v1/margin/order", "drop_connection", count=1, method="POST", placed=True)
        .call("place_order", symbol="BTCUSDT", side="SELL", type="LIMIT", time_in_force="GTC", quantity="0.01",
              price="32000", new_client_order_id="lost-1",
              expect={"status": {"absent": True}, "error": {"code": None, "msg": {"contains": "ConnectionError"}}})
        .call("reconcile_after", expect={"status": 200, "response": {"clientOrderId": "lost-1", "status": "NEW"}})
        .fault("/sapi/v1/margin/openOrders", "timeout", delay_ms=200, count=1)
        .call("get_open_orders", symbol="BTCUSDT", expect={"status": 503, "error": {"code": -1007}})
        .expect(journal={"fault": "any", "count": 2})
        .run()
    )
    assert result.passed, "\n".join(result.messages)
    assert result.steps[2].detail.startswith("→ no HTTP response (no response (ConnectionError)")
