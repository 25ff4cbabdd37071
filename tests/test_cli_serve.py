"""`mock-exchange serve` as a user runs it: a real process on a free loopback port."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import pytest
import requests

from mock_exchange.cli import is_loopback


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def served() -> Iterator[tuple[str, subprocess.Popen[str]]]:
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mock_exchange", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    try:
        while True:
            try:
                if requests.get(f"{url}/mock/v1/health", timeout=1).status_code == 200:
                    break
            except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
            # Polling for readiness, not timing anything: the loop ends on the first answer.
            time.sleep(0.05)
        yield url, process
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_serve_answers_on_the_default_config(served: tuple[str, subprocess.Popen[str]]) -> None:
    url, process = served
    assert requests.get(f"{url}/api/v3/ping", timeout=5).json() == {}
    price = requests.get(f"{url}/api/v3/ticker/price", params={"symbol": "BTCUSDT"}, timeout=5)
    assert price.json() == {"symbol": "BTCUSDT", "price": "30000.00000000"}
    assert price.headers["Content-Type"] == "application/json;charset=UTF-8"
    process.terminate()
    output = process.communicate(timeout=10)[0]
    assert "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A" in output
    assert "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j" in output


@pytest.mark.parametrize(("host", "loopback"), [("127.0.0.1", True), ("localhost", True), ("::1", True),
                                                 ("0.0.0.0", False), ("192.0.2.1", False)])
def test_loopback_detection_decides_the_control_token(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


# Loaded when first needed, not to give the first answer: the WebSocket stack with the first
# WebSocket connection, cryptography with the first RSA / Ed25519 key to parse or verify, the
# signature diagnosis with the first bad signature, the replay machinery with the first replay.
LOADED_WHEN_NEEDED = ("flask_sock", "simple_websocket", "wsproto", "h11", "asyncio", "cryptography", "click.testing",
                      "mock_exchange.core.signature_diagnosis", "mock_exchange.core.replay",
                      "mock_exchange.web.user_stream_ws")


def test_the_server_answers_its_first_request_without_the_libraries_it_does_not_need_yet() -> None:
    script = (
        "import sys\n"
        "from werkzeug.test import Client\n"
        "from mock_exchange.cli import listen\n"
        "from mock_exchange.config import load_config\n"
        "from mock_exchange.web.app import create_app\n"
        "app = create_app(load_config(None))\n"
        "listen(app, '127.0.0.1', 0, 1).close()\n"
        "assert Client(app).get('/mock/v1/health').status_code == 200\n"
        f"print(','.join(name for name in {LOADED_WHEN_NEEDED!r} if name in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == ""
