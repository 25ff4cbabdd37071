"""Against a real running server: each key type signs, and limits answer 429 then 418."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests
from margin_client import Ed25519Signer, HmacSigner, MarginClient, RsaSigner

from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.signed_client import DEMO_KEY, DEMO_SECRET

KEYS = Path(__file__).resolve().parents[2] / "mock_exchange" / "demo_keys"
SIGNERS = {
    "hmac": (DEMO_KEY, lambda: HmacSigner(DEMO_SECRET)),
    "rsa": ("demoRsaApiKey00000000000000000000000000000000000000000000000000",
            lambda: RsaSigner((KEYS / "demo-rsa-private.pem").read_bytes())),
    "ed25519": ("demoEd25519ApiKey0000000000000000000000000000000000000000000000",
                lambda: Ed25519Signer((KEYS / "demo-ed25519-private.pem").read_bytes())),
}


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app()) as live:
        yield live


@pytest.mark.parametrize("key_type", sorted(SIGNERS))
@pytest.mark.parametrize("placement", ["query", "body"])
def test_each_key_type_places_and_cancels_an_oco(server: LiveServer, key_type: str, placement: str) -> None:
    api_key, signer = SIGNERS[key_type]
    client = MarginClient(server.url, api_key, signer(), param_placement=placement)
    oco = client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="31000", stop_price="29000")
    assert oco.list_order_status == "EXECUTING"
    done = client.cancel_order_list(symbol="BTCUSDT", order_list_id=oco.order_list_id)
    assert {report.status for report in done.order_reports} == {"CANCELED"}


def test_weight_headers_count_up_then_429_then_418() -> None:
    app = create_app()
    runtime = app.extensions["mock_exchange"]
    runtime.limiter.reset(replace(runtime.config.rate_limits, api_weight_per_minute=3, ban_after_rejections=2))
    with LiveServer(app) as live:
        used = [requests.get(f"{live.url}/api/v3/ping", timeout=5).headers["X-MBX-USED-WEIGHT-1M"]
                for _ in range(3)]
        assert used == ["1", "2", "3"]
        answers = [requests.get(f"{live.url}/api/v3/ping", timeout=5) for _ in range(4)]
    assert [a.status_code for a in answers] == [429, 429, 418, 418]
    assert answers[0].json()["code"] == -1003 and int(answers[0].headers["Retry-After"]) > 0
    assert answers[0].headers["X-MBX-USED-WEIGHT-1M"] == "3"  # error responses carry the header too
    assert "IP banned until" in answers[2].json()["msg"]
    assert int(answers[2].headers["Retry-After"]) == 120
