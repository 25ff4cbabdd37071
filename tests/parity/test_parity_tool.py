"""``mock-exchange parity`` against a second fake on 127.0.0.1 whose answers are rewritten.

The second fake sits behind a WSGI middleware that injects one kind of drift per path and
records every request it receives, so each kind of drift is shown detected and the
read-only default is shown to send nothing but GETs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from mock_exchange.cli import main
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.signed_client import DEMO_KEY, DEMO_SECRET

Rewrite = Callable[[int, Any], tuple[int, Any]]


def _drop_borrow_limit(status: int, body: Any) -> tuple[int, Any]:
    body.pop("borrowLimit")
    return status, body


def _add_key(status: int, body: Any) -> tuple[int, Any]:
    return status, {**body, "orderListId": -1}


def _swap_keys(status: int, body: Any) -> tuple[int, Any]:
    return status, dict(reversed(list(body.items())))


def _price_as_number(status: int, body: Any) -> tuple[int, Any]:
    return status, {**body, "price": float(body["price"])}


def _trim_balances(status: int, body: Any) -> tuple[int, Any]:
    for row in body["userAssets"]:
        row["free"] = format(float(row["free"]), "g")
    return status, body


def _other_code(status: int, body: Any) -> tuple[int, Any]:
    return status, {"code": -2011, "msg": "Unknown order sent."}


def _unavailable(status: int, body: Any) -> tuple[int, Any]:
    return 503, {"code": -1008, "msg": "Server busy."}


INJECTED: dict[str, Rewrite] = {
    "/sapi/v1/margin/maxBorrowable": _drop_borrow_limit,
    "/api/v3/ticker/price": _price_as_number,
    "/api/v3/avgPrice": _swap_keys,
    "/sapi/v1/margin/account": _trim_balances,
    "/sapi/v1/margin/order": _other_code,
    "/api/v3/ping": _unavailable,
    "/api/v3/time": _add_key,
}


class Rewriting:
    """WSGI middleware: records (method, path) and rewrites the JSON answer of chosen paths."""

    def __init__(self, app: Any, rewrites: dict[str, Rewrite]) -> None:
        self.app = app
        self.rewrites = rewrites
        self.seen: list[tuple[str, str]] = []
        self.queries: list[str] = []

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        self.seen.append((method, path))
        self.queries.append(f"{method} {path}?{environ.get('QUERY_STRING', '')}")
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Callable[[bytes], Any]:
            captured.update(status=status, headers=headers)
            return lambda data: None

        body = b"".join(self.app(environ, capture))
        status = int(captured["status"].split()[0])
        rewrite = self.rewrites.get(path)
        if rewrite is not None:
            status, parsed = rewrite(status, json.loads(body))
            body = json.dumps(parsed).encode()
        headers = [(k, v) for k, v in captured["headers"] if k.lower() != "content-length"]
        start_response(f"{status} X", headers + [("Content-Length", str(len(body)))])
        return [body]


@pytest.fixture
def reference() -> Iterator[tuple[LiveServer, Rewriting]]:
    """A second fake on 127.0.0.1 with injected drift."""
    app = create_app()
    middleware = Rewriting(app.wsgi_app, INJECTED)
    app.wsgi_app = middleware  # type: ignore[method-assign]
    with LiveServer(app) as server:
        yield server, middleware


@pytest.fixture
def fake() -> Iterator[tuple[LiveServer, Rewriting]]:
    """The fake under comparison, over HTTP (recording only)."""
    app = create_app()
    middleware = Rewriting(app.wsgi_app, {})
    app.wsgi_app = middleware  # type: ignore[method-assign]
    with LiveServer(app) as server:
        yield server, middleware


def _parity(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(["parity", *argv])
    return code, capsys.readouterr().out


def _block(report: str, label: str) -> str:
    """The report lines for one request (its head line and its drift lines)."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line[7:].startswith(label))
    end = next((i for i in range(start + 1, len(lines)) if not lines[i].startswith("         ")), len(lines))
    return "\n".join(lines[start:end])


def test_each_kind_of_drift_is_reported(capsys: pytest.CaptureFixture[str],
                                        reference: tuple[LiveServer, Rewriting],
                                        fake: tuple[LiveServer, Rewriting]) -> None:
    code, report = _parity(capsys, "--against", reference[0].url, "--key", DEMO_KEY, "--secret", DEMO_SECRET,
                           "--url", fake[0].url)
    assert code == 1
    assert "borrowLimit: keys: reference absent, fake present" in _block(report, "GET /sapi/v1/margin/maxBorrowable")
    assert "orderListId: keys: reference present, fake missing" in _block(report, "GET /api/v3/time")
    assert "(answer): order: reference closeTime, price, mins, fake mins, price, closeTime" in _block(
        report, "GET /api/v3/avgPrice")
    assert "price: types: reference number, fake string" in _block(report, "GET /api/v3/ticker/price")
    account = _block(report, "GET /sapi/v1/margin/account")
    assert "userAssets[0].free: numbers: reference trimmed, fake padded8" in account
    assert "error code: reference -2011, fake -2013" in _block(report, "GET /sapi/v1/margin/order?")
    ping = _block(report, "GET /api/v3/ping")
    assert "status: reference 503, fake 200" in ping and "error code: reference -1008, fake None" in ping
    assert _block(report, "GET /api/v3/depth").startswith("same")
    assert report.rstrip().endswith("16 compared, 7 with drift, 0 skipped")


def test_identical_fakes_show_no_drift_and_exit_0(capsys: pytest.CaptureFixture[str],
                                                  fake: tuple[LiveServer, Rewriting]) -> None:
    # The in-process fake (no --url) against a fake over HTTP.
    code, report = _parity(capsys, "--against", fake[0].url, "--key", DEMO_KEY, "--secret", DEMO_SECRET)
    assert code == 0
    assert "0 with drift" in report and "DRIFT" not in report


def test_default_set_is_read_only(capsys: pytest.CaptureFixture[str], reference: tuple[LiveServer, Rewriting],
                                  fake: tuple[LiveServer, Rewriting]) -> None:
    _parity(capsys, "--against", reference[0].url, "--key", DEMO_KEY, "--secret", DEMO_SECRET, "--url", fake[0].url)
    for middleware in (reference[1], fake[1]):
        assert middleware.seen and {method for method, _ in middleware.seen} == {"GET"}


def test_orders_are_skipped_without_the_flag_and_sent_with_it(
        capsys: pytest.CaptureFixture[str], tmp_path: Path,
        fake: tuple[LiveServer, Rewriting]) -> None:
    app = create_app()
    recorder = Rewriting(app.wsgi_app, {})
    app.wsgi_app = recorder  # type: ignore[method-assign]
    requests_file = tmp_path / "requests.json"
    requests_file.write_text(json.dumps({"requests": [
        {"method": "POST", "path": "/sapi/v1/margin/order",
         "params": {"symbol": "BTCUSDT", "side": "BUY", "type": "LIMIT", "quantity": "0.001", "price": "29000",
                    "timeInForce": "GTC"}},
        {"method": "GET", "path": "/sapi/v1/margin/order", "params": {"symbol": "BTCUSDT", "orderId": "$0.orderId"}},
        {"method": "DELETE", "path": "/sapi/v1/margin/order", "params": {"symbol": "BTCUSDT", "orderId": "$0.orderId"}},
    ]}))
    with LiveServer(app) as other:
        base = ["--against", other.url, "--key", DEMO_KEY, "--secret", DEMO_SECRET, "--url", fake[0].url,
                str(requests_file)]
        code, report = _parity(capsys, *base)
        assert code == 0 and report.count("SKIP") == 3 and "0 compared" in report
        assert not [hit for hit in recorder.seen + fake[1].seen if hit[0] != "GET"]

        code, report = _parity(capsys, *base, "--allow-orders")
    assert code == 0, report
    assert "3 compared, 0 with drift, 0 skipped" in report
    for middleware in (recorder, fake[1]):
        assert ("POST", "/sapi/v1/margin/order") in middleware.seen
        assert ("DELETE", "/sapi/v1/margin/order") in middleware.seen


def test_bad_request_file_and_missing_secret_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCK_EXCHANGE_PARITY_SECRET", raising=False)
    assert main(["parity", "--against", "http://127.0.0.1:9", "--key", "k"]) == 2
    assert "--secret" in capsys.readouterr().err
    broken = tmp_path / "broken.json"
    broken.write_text("[{\"path\": 1}]")
    assert main(["parity", "--against", "http://127.0.0.1:9", "--key", "k", "--secret", "s", str(broken)]) == 2
    assert "needs a method and a path" in capsys.readouterr().err


def test_unreachable_reference_is_one_line_and_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    # Port 9 (discard) on loopback: nothing listens there in a test environment.
    assert main(["parity", "--against", "http://127.0.0.1:9", "--key", "k", "--secret", "s"]) == 2
    assert "cannot reach http://127.0.0.1:9" in capsys.readouterr().err


def test_built_in_orders_set_rests_a_bid_under_each_sides_own_market(
        fake: tuple[LiveServer, Rewriting]) -> None:
    from mock_exchange.parity.requests import orders_set
    from mock_exchange.parity.runner import run
    from mock_exchange.parity.targets import HttpTarget, InProcessTarget

    moved = create_app()
    moved.extensions["mock_exchange"].exchange.set_price("BTCUSDT", Decimal("20000"))
    outcomes = run(orders_set(), InProcessTarget(moved, DEMO_KEY, DEMO_SECRET),
                   HttpTarget(fake[0].url, DEMO_KEY, DEMO_SECRET), allow_orders=True)
    placed_here, placed_there = outcomes[0].fake, outcomes[0].other
    assert placed_here is not None and placed_there is not None
    assert (placed_here.status, placed_there.status) == (200, 200)
    # 90 % of each side's own last price, on the tick; enough quantity for a notional of 6.
    assert (placed_here.body["price"], placed_there.body["price"]) == ("18000", "27000")
    assert (placed_here.body["status"], placed_there.body["executedQty"]) == ("NEW", "0")
    assert placed_there.body["origQty"] == "0.00023"
    assert [o.fake.body["status"] for o in outcomes[1:2] if o.fake] == ["NEW"]
    assert outcomes[3].other is not None and outcomes[3].other.body["status"] == "CANCELED"


def test_built_in_orders_set_sends_nothing_without_the_flag(capsys: pytest.CaptureFixture[str],
                                                             reference: tuple[LiveServer, Rewriting],
                                                             fake: tuple[LiveServer, Rewriting]) -> None:
    code, report = _parity(capsys, "orders", "--against", reference[0].url, "--key", DEMO_KEY, "--secret",
                           DEMO_SECRET, "--url", fake[0].url)
    # The placement and the cancel are skipped, and so is the query of the order never placed;
    # the open-orders read still goes out.
    assert (code, report.count("SKIP")) == (0, 3) and "same   GET /sapi/v1/margin/openOrders" in report
    for middleware in (reference[1], fake[1]):
        assert {method for method, _ in middleware.seen} == {"GET"}


SCENARIO = Path(__file__).resolve().parents[2] / "scenarios" / "oco_cancel_one_leg.yaml"


def test_a_scenario_is_recorded_and_replayed_with_each_sides_own_ids(
        capsys: pytest.CaptureFixture[str], fake: tuple[LiveServer, Rewriting]) -> None:
    app = create_app()
    recorder = Rewriting(app.wsgi_app, {})
    app.wsgi_app = recorder  # type: ignore[method-assign]
    with LiveServer(app) as other:
        base = ["--against", other.url, "--key", DEMO_KEY, "--secret", DEMO_SECRET, "--url", fake[0].url,
                str(SCENARIO)]
        # Two orders placed there first: the reference's ids run two ahead of the fake's.
        _parity(capsys, "--against", other.url, "--key", DEMO_KEY, "--secret", DEMO_SECRET, "--url", other.url,
                "orders", "--allow-orders")
        recorder.seen.clear()
        recorder.queries.clear()
        code, report = _parity(capsys, *base)
        assert "steps steer the fake through its control API and are not replayed" in report
        assert code == 0 and "SKIP   POST /sapi/v1/margin/order/oco" in report
        assert {method for method, _ in recorder.seen} == {"GET"}

        code, report = _parity(capsys, *base, "--allow-orders")
    assert code == 0, report
    assert "SKIP" not in report and "DRIFT" not in report
    assert "same   DELETE /sapi/v1/margin/order?symbol=BTCUSDT&orderId=$0.orders.1.orderId" in report
    assert ("POST", "/sapi/v1/margin/order/oco") in recorder.seen
    # Its OCO legs are orders 3 and 4 (stop leg first); the cancel went to its own LIMIT_MAKER leg.
    cancels = [q for q in recorder.queries if q.startswith("DELETE /sapi/v1/margin/order?")]
    assert len(cancels) == 1 and "orderId=4&" in cancels[0]
    assert [q for q in fake[1].queries if q.startswith("DELETE /sapi/v1/margin/order?") and "orderId=2&" in q]


def test_json_report(capsys: pytest.CaptureFixture[str], reference: tuple[LiveServer, Rewriting],
                     fake: tuple[LiveServer, Rewriting]) -> None:
    code, out = _parity(capsys, "--json", "--against", reference[0].url, "--key", DEMO_KEY, "--secret", DEMO_SECRET,
                        "--url", fake[0].url)
    report = json.loads(out)
    assert code == 1 and report["reference"] == reference[0].url
    by_path = {r["path"]: r for r in report["requests"]}
    assert by_path["/api/v3/ticker/price"]["drifts"] == [
        {"path": "price", "aspect": "types", "reference": "number", "fake": "string"}]
    assert by_path["/api/v3/ping"]["status"] == {"reference": 503, "fake": 200}
    assert by_path["/api/v3/depth"]["result"] == "same"


def test_against_must_be_an_http_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parity", "--against", "api.binance.com", "--key", "k", "--secret", "s"]) == 2
    assert "--against must be an http(s) base URL" in capsys.readouterr().err
