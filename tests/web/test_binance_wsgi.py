"""The WSGI entry in front of Flask (web/binance_wsgi.py) answers exactly as Flask's path does.

Two apps on the same config and frozen clock get the same requests; one serves Binance
routes directly, the other has no direct routes, so Flask handles everything. Their
answers (status, headers in order, body), journals and request log lines must match, and
the requests that must stay on Flask's path (other methods, unknown paths, a fault rule
set) must reach Flask.
"""

from __future__ import annotations

import gc
import io
import json
from typing import Any
from urllib.parse import urlencode

import pytest
from flask import Flask
from werkzeug.test import EnvironBuilder

from mock_exchange.config import default_config
from mock_exchange.control.journal import JournalFilter
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app
from mock_exchange.web.request_log import RequestLog
from tests.signed_client import DEMO_KEY, FROZEN_AT_MS, SignedClient

OCO = "/sapi/v1/margin/order/oco"
ORDER_LIST = "/sapi/v1/margin/orderList"
OCO_PARAMS = {"symbol": "BTCUSDT", "side": "SELL", "quantity": "0.1", "price": "31000", "stopPrice": "29000",
              "stopLimitPrice": "28900", "stopLimitTimeInForce": "GTC"}


class Served:
    """One app, the request log it writes, and how many requests reached Flask's own handling."""

    def __init__(self, direct: bool) -> None:
        config = default_config()
        self.log = io.StringIO()
        self.app = create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)),
                              request_log=RequestLog("json", [self.log]))
        routes = self.app.binance_routes
        assert routes is not None
        if not direct:
            routes.routes = {}  # no direct routes: every request through Flask
        self.to_flask = 0
        flask_wsgi = routes.flask_wsgi

        def counted(environ: dict[str, Any], start_response: Any) -> Any:
            self.to_flask += 1
            return flask_wsgi(environ, start_response)

        routes.flask_wsgi = counted
        self.client = self.app.test_client()
        self.signed = SignedClient(self.client, self.app)

    @property
    def runtime(self) -> Any:
        return self.app.extensions["mock_exchange"]

    def journal(self) -> list[dict[str, Any]]:
        entries, _ = self.runtime.journal.query()
        return entries

    def log_lines(self) -> list[str]:
        # The wall-clock time and the duration differ between any two requests.
        import json

        lines = []
        for line in self.log.getvalue().splitlines():
            record = json.loads(line)
            record.pop("time")
            record.pop("duration_ms")
            lines.append(json.dumps(record))
        return lines


@pytest.fixture
def pair() -> tuple[Served, Served]:
    return Served(direct=True), Served(direct=False)


def answer(response: Any) -> tuple[Any, ...]:
    return response.status, list(response.headers.items()), response.get_data()


def both(pair: tuple[Served, Served], send: Any) -> Any:
    direct, flask = pair
    got, expected = send(direct), send(flask)
    assert answer(got) == answer(expected)
    return got


def raw(method: str, path: str, query: str = "", **kwargs: Any) -> Any:
    return lambda served: served.client.open(path + ("?" + query if query else ""), method=method, **kwargs)


def test_placements_cancels_and_rejections_answer_as_through_flask(pair: tuple[Served, Served]) -> None:
    placed = both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS))
    assert placed.status_code == 200 and placed.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "6"
    both(pair, lambda s: s.signed.request("POST", OCO, placement="body", **OCO_PARAMS))
    list_id = placed.get_json()["orderListId"]
    assert both(pair, lambda s: s.signed.delete(ORDER_LIST, symbol="BTCUSDT", orderListId=list_id)).status_code == 200
    # Rejections: explained (the X-Mock-Explain header), journalled and logged as Flask's path does them.
    bad = both(pair, lambda s: s.client.post(f"{OCO}?{urlencode(OCO_PARAMS)}&timestamp={FROZEN_AT_MS}&signature=00",
                                             headers={"X-MBX-APIKEY": DEMO_KEY}))
    assert bad.get_json()["code"] == -1022 and "X-Mock-Explain" in bad.headers
    assert both(pair, raw("POST", OCO, urlencode(OCO_PARAMS))).get_json()["code"] == -2014
    assert both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS, colour="red")).get_json()["code"] == -1104
    assert both(pair, lambda s: s.signed.post(OCO, **{**OCO_PARAMS, "price": "x"})).get_json()["code"] == -1100
    assert both(pair, raw("POST", OCO, "a=1&a=2", headers={"X-MBX-APIKEY": DEMO_KEY})).get_json()["code"] == -1101
    too_large = both(pair, raw("POST", OCO, data="a=" + "1" * (3 * 1024 * 1024), headers={"X-MBX-APIKEY": DEMO_KEY},
                               content_type="application/x-www-form-urlencoded"))
    assert too_large.status_code == 413
    direct, flask = pair
    assert direct.journal() == flask.journal() and len(direct.journal()) == 9
    assert direct.log_lines() == flask.log_lines() and len(direct.log_lines()) == 9
    assert direct.to_flask == 0 and flask.to_flask == 9


def test_views_reading_the_app_and_the_request_context_run_directly(pair: tuple[Served, Served]) -> None:
    # A listen key lives in the app's extensions; cancelReplace counts its new order in the request's context.
    key = both(pair, raw("POST", "/sapi/v1/userDataStream", headers={"X-MBX-APIKEY": DEMO_KEY}))
    assert key.status_code == 200 and "listenKey" in key.get_json()
    spot = {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC", "quantity": "0.01",
            "price": "20000"}
    placed = both(pair, lambda s: s.signed.post("/api/v3/order", **spot))
    replaced = both(pair, lambda s: s.signed.post("/api/v3/order/cancelReplace", **{**spot, "price": "20001"},
                                                  cancelReplaceMode="STOP_ON_FAILURE",
                                                  cancelOrderId=placed.get_json()["orderId"]))
    assert replaced.status_code == 200 and "X-MBX-ORDER-COUNT-10S" in replaced.headers
    direct, flask = pair
    assert direct.journal() == flask.journal()
    assert direct.to_flask == 0


def test_an_unexpected_error_answers_minus_1000_with_the_weight_as_through_flask(
        pair: tuple[Served, Served], monkeypatch: pytest.MonkeyPatch) -> None:
    for served in pair:
        monkeypatch.setattr(served.runtime.exchange, "place_oco", _broken)
    failed = both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS))
    assert failed.status_code == 500 and failed.get_json()["code"] == -1000
    assert failed.headers["X-SAPI-USED-UID-WEIGHT-1M"] == "6"
    direct, flask = pair
    assert direct.journal() == flask.journal() and direct.log_lines() == flask.log_lines()


def _broken(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a bug")


@pytest.mark.parametrize(("method", "path"), [
    ("HEAD", "/api/v3/ping"),  # HEAD of a GET route: Flask answers it without a body
    ("OPTIONS", OCO),
    ("GET", OCO),  # a wrong method: -1020 405
    ("POST", OCO + "/"),
    ("POST", "/sapi/v1//margin/order/oco"),
    ("POST", "/sapi/v1/margin/order/OCO"),
    ("GET", "/api/v3/nothing"),
    ("GET", "/mock/v1/health"),
])
def test_other_methods_and_paths_stay_on_flask(pair: tuple[Served, Served], method: str, path: str) -> None:
    both(pair, raw(method, path))
    direct, flask = pair
    assert direct.to_flask == 1
    assert direct.journal() == flask.journal() and direct.log_lines() == flask.log_lines()


def test_while_a_fault_rule_is_set_requests_go_through_flask(pair: tuple[Served, Served]) -> None:
    for served in pair:
        served.runtime.faults.add({"endpoint": OCO, "kind": "http_500", "count": 1})
    assert both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS)).status_code == 500
    direct, flask = pair
    assert direct.to_flask == 1
    assert both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS)).status_code == 200  # the rule is used up
    assert direct.to_flask == 1 and direct.journal() == flask.journal()


def test_an_app_with_its_own_hooks_serves_everything_through_flask() -> None:
    app: Flask = create_app()
    seen: list[str] = []
    app.before_request(lambda: seen.append("before") and None)
    response = SignedClient(app.test_client(), app).post(OCO, **OCO_PARAMS)
    assert response.status_code == 200 and seen == ["before"]
    assert app.binance_routes is not None and app.binance_routes.routes == {}


def test_every_binance_route_without_path_variables_is_served_directly() -> None:
    from mock_exchange.web.pipeline import ROUTE_VIEWS

    app = create_app()
    app.test_client().get("/api/v3/ping")
    routes = app.binance_routes.routes
    assert routes is not None
    plain = {(endpoint.method, endpoint.path) for endpoint, _ in ROUTE_VIEWS.values() if "<" not in endpoint.path}
    assert len(plain) > 80 and plain <= set(routes)


def test_a_failing_after_answer_stage_answers_as_through_flask(pair: tuple[Served, Served],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    for served in pair:
        monkeypatch.setattr(served.runtime.journal, "record", _broken)
    failed = both(pair, lambda s: s.signed.post(OCO, **OCO_PARAMS))
    assert failed.status_code == 500 and failed.get_json()["code"] == -1000
    direct, flask = pair
    assert direct.log_lines() == flask.log_lines() and direct.to_flask == 0


def test_a_served_request_leaves_nothing_for_the_garbage_collector() -> None:
    """No reference cycle is left by a request, and its journal entry drops out of the collector's sight.

    A long-running server keeps up to 100,000 journal entries: were they tracked for good,
    every full collection would rescan them (pauses of tens of milliseconds and more, the
    latency tail under load).
    """
    app = create_app(request_log=RequestLog("text", [io.StringIO()]))
    client = SignedClient(app.test_client(), app)
    client.post(OCO, **OCO_PARAMS)  # the first request's one-off set-up (the direct routes) done
    query = urlencode({**OCO_PARAMS, "timestamp": client.now_ms()})
    environ = EnvironBuilder(OCO, method="POST", query_string=f"{query}&signature={client.sign(query)}",
                             headers={"X-MBX-APIKEY": DEMO_KEY}).get_environ()
    statuses: list[str] = []
    gc.collect()
    gc.disable()
    try:
        body = b"".join(app(environ, lambda status, headers, exc_info=None: statuses.append(status)))
        del environ
        assert gc.collect() == 0  # nothing was left for the collector to free
    finally:
        gc.enable()
    assert statuses == ["200 OK"] and b'"orderListId"' in body
    journal = app.extensions["mock_exchange"].journal
    stored = journal._entries[-1]  # as kept, before a read parses its fields
    gc.collect()
    assert not gc.is_tracked(stored)  # no later collection looks at it
    [entry], _ = journal.query(JournalFilter(since_seq=stored["seq"] - 1))
    assert entry["params"]["symbol"] == "BTCUSDT" and entry["headers"]["X-Mbx-Apikey"] == "***"
    assert entry["response"]["orderListId"] == json.loads(body)["orderListId"]
