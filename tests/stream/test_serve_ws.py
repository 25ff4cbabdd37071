"""`mock-exchange serve --ws-port`: waitress for HTTP plus a WebSocket-capable port, one exchange."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from tests.signed_client import DEMO_KEY

pytest.importorskip("flask_sock")
websocket = pytest.importorskip("websocket")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def served() -> Iterator[tuple[str, str, subprocess.Popen[str]]]:
    port, ws_port = _free_port(), _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_exchange", "serve", "--port", str(port), "--ws-port", str(ws_port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url, ws_url = f"http://127.0.0.1:{port}", f"ws://127.0.0.1:{ws_port}"
    deadline = time.monotonic() + 20
    try:
        for probe in (url, f"http://127.0.0.1:{ws_port}"):
            while True:
                try:
                    if requests.get(f"{probe}/mock/v1/health", timeout=1).status_code == 200:
                        break
                except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
                    if process.poll() is not None or time.monotonic() > deadline:
                        raise
                # Polling for readiness, not timing anything: the loop ends on the first answer.
                time.sleep(0.05)
        yield url, ws_url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_streams_on_the_ws_port(served: tuple[str, str, subprocess.Popen[str]]) -> None:
    url, ws_url, process = served
    token = requests.post(f"{url}/sapi/v1/userListenToken", headers={"X-MBX-APIKEY": DEMO_KEY}, timeout=5).json()
    api = websocket.create_connection(f"{ws_url}/ws-api/v3", timeout=5)
    try:
        api.send(json.dumps({"id": 1, "method": "userDataStream.subscribe.listenToken",
                             "params": {"listenToken": token["token"]}}))
        assert json.loads(api.recv())["result"]["subscriptionId"] == 0
        # A control-plane balance edit on the waitress port shows on the stream of the other.
        edit = requests.put(f"{url}/mock/v1/accounts/demo/balances", json={"asset": "BNB", "free": "5"}, timeout=5)
        assert edit.status_code == 200
        event = json.loads(api.recv())["event"]
        assert event["e"] == "outboundAccountPosition"
        assert event["B"] == [{"a": "BNB", "f": "5.00000000", "l": "0.00000000"}]
    finally:
        api.close()
    process.terminate()
    assert f"  WebSockets    {ws_url}/ws-api/v3  {ws_url}/ws/<listenKey>" in process.communicate(timeout=10)[0]
