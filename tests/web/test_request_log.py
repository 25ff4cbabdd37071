"""The request log: one line per request, text or JSON, on the console or a file, never a secret."""

from __future__ import annotations

import base64
import hashlib
import hmac
import io
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlencode

import pytest
import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

from mock_exchange.config import default_config
from mock_exchange.control import LocalControl
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from mock_exchange.web.request_log import RequestLog
from tests.signed_client import DEMO_KEY, DEMO_SECRET, FROZEN_AT_MS, OTHER_KEY, OTHER_SECRET, SignedClient

KEYS = Path(__file__).resolve().parents[2] / "mock_exchange" / "demo_keys"
RSA_KEY = "demoRsaApiKey00000000000000000000000000000000000000000000000000"
ORDER = [("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "LIMIT"), ("quantity", "0.01"), ("price", "29000"),
         ("timeInForce", "GTC"), ("newClientOrderId", "log:1"), ("timestamp", str(FROZEN_AT_MS))]


def frozen_app(log: RequestLog) -> object:
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)),
                      request_log=log)


def hmac_hex(text: str, secret: str) -> str:
    return hmac.new(secret.encode(), text.encode(), hashlib.sha256).hexdigest()


def test_text_lines_for_a_success_and_a_rejection() -> None:
    console = io.StringIO()
    app = frozen_app(RequestLog("text", [console]))
    signed = SignedClient(app.test_client(), app)  # type: ignore[arg-type]
    assert signed.post("/sapi/v1/margin/order", **dict(ORDER[:-1])).status_code == 200
    assert signed.get("/sapi/v1/margin/account", timestamp=FROZEN_AT_MS // 1000).status_code == 400
    ok, rejected = console.getvalue().splitlines()
    assert " POST /sapi/v1/margin/order 200 code=- weight=6 account=demo " in ok
    assert ok.endswith("ms") and "|" not in ok
    assert " GET /sapi/v1/margin/account 400 code=-1021 weight=10 account=demo " in rejected
    assert "| Server time 1767225600000" in rejected and "seconds, not milliseconds" in rejected


def test_json_lines_carry_every_field() -> None:
    console = io.StringIO()
    app = frozen_app(RequestLog("json", [console]))
    client = app.test_client()  # type: ignore[attr-defined]
    client.get("/api/v3/ping")
    client.post("/fapi/v1/order", json={"symbol": "BTCUSDT"})
    client.post("/mock/v1/clock", json={"nothing": 1})
    ping, futures, control = [json.loads(line) for line in console.getvalue().splitlines()]
    assert set(ping) == {"time", "method", "path", "status", "code", "weight", "account", "duration_ms",
                         "explanation"}
    assert (ping["method"], ping["path"], ping["status"], ping["code"], ping["weight"]) == ("GET", "/api/v3/ping",
                                                                                          200, None, 1)
    assert ping["explanation"] is None and ping["duration_ms"] >= 0 and ping["time"].endswith("Z")
    assert (futures["status"], futures["code"]) == (404, -1020)
    assert "not emulated" in futures["explanation"]
    assert (control["status"], control["code"]) == (400, "bad_request")
    assert "nothing" in control["explanation"]


def test_log_file_is_bounded_by_rotation(tmp_path: Path) -> None:
    path = tmp_path / "requests.log"
    log = RequestLog("text", [], path, max_file_bytes=2000)
    client = frozen_app(log).test_client()  # type: ignore[attr-defined]
    for _ in range(60):
        client.get("/api/v3/ping")
    log.close()
    rotated = path.with_name("requests.log.1")
    assert rotated.exists() and path.stat().st_size <= 2000 and rotated.stat().st_size <= 2000
    assert all(" GET /api/v3/ping 200 " in line for line in path.read_text().splitlines())


# -- secrets -----------------------------------------------------------------------------------


def rsa_sign(text: str) -> str:
    key = serialization.load_pem_private_key((KEYS / "demo-rsa-private.pem").read_bytes(), None)
    return base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), hashes.SHA256())).decode()  # type: ignore[union-attr,call-arg]


def wrong_requests() -> Iterator[tuple[str, str, dict[str, object]]]:
    """(method, url path + query, requests kwargs) signed with known secrets, right and in many wrong ways."""
    query = urlencode(ORDER)
    for key, secret in ((DEMO_KEY, DEMO_SECRET), (OTHER_KEY, OTHER_SECRET)):
        headers = {"X-MBX-APIKEY": key}
        for signed in (query, query + secret, query.replace("log%3A1", "log:1"), query + "&signature=",
                       "&".join(sorted(query.split("&")))):
            yield "POST", f"/sapi/v1/margin/order?{query}&signature={hmac_hex(signed, secret)}", {"headers": headers}
        yield "POST", f"/sapi/v1/margin/order?{query}&signature={hmac_hex(query, secret + ' ')}", {"headers": headers}
        digest = hmac.new(secret.encode(), query.encode(), hashlib.sha256).digest()
        yield "POST", f"/sapi/v1/margin/order?{query}&signature={quote(base64.b64encode(digest))}", {"headers": headers}
        # A form body holding the secret itself, and a JSON body with apikey / secret fields.
        body = urlencode(ORDER + [("secret", secret)])
        yield "POST", f"/sapi/v1/margin/order?signature={hmac_hex(body, secret)}", {
            "headers": {**headers, "Content-Type": "application/x-www-form-urlencoded"}, "data": body}
        yield "POST", f"/sapi/v1/margin/order?timestamp={FROZEN_AT_MS}&signature={hmac_hex(query, secret)}", {
            "headers": headers, "json": {"apikey": key, "secret": secret, **dict(ORDER[:-1])}}
        yield "POST", "/fapi/v1/order", {"json": {"apikey": key, "secret": secret, "priceLimit": "1"}}
        # The other account's key with this secret, and an unknown key.
        yield "GET", f"/sapi/v1/margin/account?timestamp={FROZEN_AT_MS}&signature={hmac_hex('x', secret)}", {
            "headers": {"X-MBX-APIKEY": key[::-1]}}
    yield "POST", f"/sapi/v1/margin/order?{query}&signature={quote(rsa_sign(query + 'x'))}", {
        "headers": {"X-MBX-APIKEY": RSA_KEY}}


def test_no_secret_signature_or_api_key_in_the_log_of_a_live_server() -> None:
    console = io.StringIO()
    app = frozen_app(RequestLog("json", [console]))
    sent_signatures: list[str] = []
    with LiveServer(app) as server, requests.Session() as session:  # type: ignore[arg-type]
        for method, url, kwargs in wrong_requests():
            if "signature=" in url:
                sent_signatures.append(url.rsplit("signature=", 1)[1])
            session.request(method, server.url + url, timeout=10, **kwargs)  # type: ignore[arg-type]
    lines = console.getvalue().splitlines()
    assert len(lines) == len(list(wrong_requests()))
    records = [json.loads(line) for line in lines]
    assert records[0]["status"] == 200, "the first request is signed right"
    assert {r["code"] for r in records[1:]} >= {-1022, -1020, -2015}
    text = console.getvalue()
    query = urlencode(ORDER)
    expected = [hmac_hex(query, s) for s in (DEMO_SECRET, OTHER_SECRET)]
    for secret in (DEMO_SECRET, OTHER_SECRET, DEMO_KEY, OTHER_KEY, RSA_KEY, DEMO_KEY[::-1], OTHER_KEY[::-1]):
        assert secret not in text
    for signature in sent_signatures + expected:
        assert len(signature) >= 40 and signature not in text and signature[:20] not in text
    # The journal and the explanations keep a secret sent as a parameter as a name only, too.
    journal = json.dumps(LocalControl(app).journal())  # type: ignore[arg-type]
    assert '"secret": "***"' in journal
    for secret in (DEMO_SECRET, OTHER_SECRET):
        assert secret not in journal


# -- the CLI ------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _serve(*options: str) -> tuple[str, subprocess.Popen[str]]:
    port = _free_port()
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", str(port), *options],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 20
    while True:
        try:
            requests.get(f"{url}/mock/v1/health", timeout=1)
            return url, process
        except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise
        time.sleep(0.05)  # polling for readiness, not timing anything


def _stop(process: subprocess.Popen[str]) -> str:
    process.terminate()
    return process.communicate(timeout=10)[0]


def test_serve_logs_json_lines_to_the_console_and_a_file(tmp_path: Path) -> None:
    log_file = tmp_path / "requests.jsonl"
    url, process = _serve("--log-format", "json", "--log-file", str(log_file))
    try:
        requests.get(f"{url}/api/v3/time", timeout=5)
        requests.get(f"{url}/sapi/v1/margin/account", params={"timestamp": 1, "signature": "0" * 64},
                     headers={"X-MBX-APIKEY": DEMO_KEY}, timeout=5)
    finally:
        output = _stop(process)
    console = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    in_file = [json.loads(line) for line in log_file.read_text().splitlines()]
    assert console == in_file
    paths = [(r["path"], r["status"], r["code"]) for r in console]
    assert ("/api/v3/time", 200, None) in paths and ("/sapi/v1/margin/account", 400, -1021) in paths
    assert DEMO_KEY not in log_file.read_text()


def test_serve_quiet_keeps_the_console_to_the_banner(tmp_path: Path) -> None:
    url, process = _serve("--quiet")
    try:
        requests.get(f"{url}/api/v3/time", timeout=5)
        requests.get(f"{url}/fapi/v1/order", timeout=5)
    finally:
        output = _stop(process)
    assert "listening on" in output
    assert "/api/v3/time" not in output and "/fapi" not in output


def test_serve_text_log_by_default_and_a_bad_log_file_is_one_line(tmp_path: Path) -> None:
    url, process = _serve()
    try:
        requests.get(f"{url}/fapi/v1/order", timeout=5)
    finally:
        output = _stop(process)
    line = next(line for line in output.splitlines() if "/fapi/v1/order" in line)
    assert " GET /fapi/v1/order 404 code=-1020 weight=0 account=- " in line and "not emulated" in line
    failed = subprocess.run([sys.executable, "-m", "mock_exchange", "serve", "--port", str(_free_port()),
                             "--log-file", str(tmp_path / "missing" / "x.log")],
                            capture_output=True, text=True, timeout=30)
    assert failed.returncode == 2
    assert failed.stderr.strip().count("\n") == 0 and "--log-file" in failed.stderr
    assert "Traceback" not in failed.stderr and "listening" not in failed.stdout


@pytest.mark.parametrize("fmt", ["xml"])
def test_an_unknown_format_is_refused(fmt: str) -> None:
    with pytest.raises(ValueError, match="log format"):
        RequestLog(fmt)
