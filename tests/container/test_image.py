"""The Dockerfile's image, built and run: healthy, a signed OCO from the host, the control token enforced.

Inside the container the server binds 0.0.0.0, so requests from the host arrive over
Docker's bridge network, not loopback. A server bound beyond loopback always has a control
token (the configured one, else a generated one it prints once): control requests without
it are refused whichever address they come from; Binance's paths and the health check
never need it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from decimal import Decimal

import pytest
import websocket
from margin_client import HmacSigner, MarginClient

from mock_exchange.control import RemoteControl
from mock_exchange.control.errors import ControlError
from tests.container.conftest import Container, docker, get
from tests.signed_client import DEMO_KEY, DEMO_SECRET

pytestmark = pytest.mark.container

SYMBOL = "BTCUSDT"


def test_the_health_check_turns_healthy_and_the_server_answers_on_both_ports(
        run_container: Callable[..., Container], token: str) -> None:
    container = run_container({"MOCK_EXCHANGE_CONTROL_TOKEN": token})
    seconds = container.wait_healthy()
    print(f"healthy after {seconds:.1f}s")
    assert get(f"{container.url}/mock/v1/health").json() == {"status": "ok"}
    assert get(f"{container.url}/api/v3/ping").json() == {}
    # The WebSocket port serves the same app, over HTTP as well.
    assert get(f"{container.ws_url}/api/v3/ping").json() == {}


def test_the_websocket_api_answers_from_the_host(exchange: Container) -> None:
    ws = websocket.create_connection(exchange.ws_url.replace("http://", "ws://") + "/ws-api/v3", timeout=10)
    try:
        ws.send(json.dumps({"id": "t1", "method": "time"}))
        reply = json.loads(ws.recv())
    finally:
        ws.close()
    assert (reply["id"], reply["status"]) == ("t1", 200)
    assert isinstance(reply["result"]["serverTime"], int)


def test_one_distribution_carries_the_server_and_the_reference_client(exchange: Container) -> None:
    owners = exchange.exec_python("import importlib.metadata as m; d = m.packages_distributions(); "
                                  "print(d['mock_exchange'], d['margin_client'])")
    assert owners.stdout.split() == ["['mock-exchange']", "['mock-exchange']"], owners.stderr


def test_it_runs_as_a_non_root_user(exchange: Container) -> None:
    uid = exchange.exec_python("import os; print(os.getuid())")
    assert uid.returncode == 0 and uid.stdout.strip() not in ("", "0")
    assert docker("inspect", "--format", "{{.Config.User}}", exchange.id).stdout.strip() == "exchange"


def test_docker_stop_ends_it_cleanly_rather_than_killing_it(exchange: Container) -> None:
    docker("stop", "--time", "30", exchange.id, timeout=60)
    # 137 would be the SIGKILL Docker sends when the stop signal is ignored.
    assert docker("inspect", "--format", "{{.State.ExitCode}}", exchange.id).stdout.strip() == "0"


def test_a_signed_oco_round_trip_from_the_host(exchange: Container, token: str) -> None:
    client = MarginClient(exchange.url, DEMO_KEY, HmacSigner(DEMO_SECRET))
    control = RemoteControl(exchange.url, token)
    price = Decimal(control.market(SYMBOL)["last_price"])

    oco = client.place_oco(symbol=SYMBOL, side="SELL", quantity="0.001", price=price + 1000,
                           stop_price=price - 1000, stop_limit_price=price - 1100, stop_limit_time_in_force="GTC",
                           limit_client_order_id="take-profit", stop_client_order_id="stop-loss")
    assert (oco.contingency_type, oco.list_order_status) == ("OCO", "EXECUTING")
    assert [o.order_list_id for o in client.get_open_order_lists()] == [oco.order_list_id]

    control.set_price(SYMBOL, price + 1000)  # the market reaches the take-profit

    done = client.get_order_list(order_list_id=oco.order_list_id)
    assert (done.list_status_type, done.list_order_status) == ("ALL_DONE", "ALL_DONE")
    legs = {leg.client_order_id: client.get_order(symbol=SYMBOL, order_id=leg.order_id) for leg in done.orders}
    assert (legs["take-profit"].status, legs["stop-loss"].status) == ("FILLED", "EXPIRED")
    assert client.get_open_order_lists() == []


def test_the_configured_control_token_is_required_from_beyond_loopback(exchange: Container, token: str) -> None:
    clock = f"{exchange.url}/mock/v1/clock"
    refused = get(clock)
    assert refused.status_code == 401
    assert refused.json()["error"]["code"] == "unauthorized"
    assert get(clock, headers={"X-Mock-Token": "not-" + token}).status_code == 401
    accepted = get(clock, headers={"X-Mock-Token": token})
    assert accepted.status_code == 200 and "now_ms" in accepted.json()
    # The same rule on the WebSocket port, which serves the whole app too.
    assert get(f"{exchange.ws_url}/mock/v1/clock").status_code == 401
    assert get(f"{exchange.ws_url}/mock/v1/clock", headers={"X-Mock-Token": token}).status_code == 200
    # Binance's own paths and the health check never need it.
    assert get(f"{exchange.url}/api/v3/time").status_code == 200
    assert get(f"{exchange.url}/mock/v1/health").status_code == 200
    with pytest.raises(ControlError) as refused_reset:
        RemoteControl(exchange.url).reset()
    assert refused_reset.value.code == "unauthorized"
    assert RemoteControl(exchange.url, token).reset()


def test_without_a_configured_token_one_is_generated_printed_and_required(
        run_container: Callable[..., Container]) -> None:
    container = run_container()
    container.wait_healthy()
    printed = [match for line in container.logs().splitlines() if "token" in line.lower()
               for match in re.findall(r"[A-Za-z0-9_-]{32}", line)]
    assert len(printed) == 1, container.logs()
    clock = f"{container.url}/mock/v1/clock"
    assert get(clock).status_code == 401
    assert get(clock, headers={"X-Mock-Token": printed[0]}).status_code == 200
    # The rule follows the bind address, not the caller's: loopback inside the container is refused too.
    inside = container.exec_python(
        "import urllib.request, urllib.error\n"
        "try:\n"
        "    urllib.request.urlopen('http://127.0.0.1:8080/mock/v1/clock', timeout=5)\n"
        "except urllib.error.HTTPError as exc:\n"
        "    print(exc.code)\n")
    assert inside.stdout.strip() == "401", inside.stderr
