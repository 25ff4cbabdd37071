"""In wall mode the exchange clock reads the process's time, so freezegun steers it in-process."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from freezegun import freeze_time

from mock_exchange.web.app import create_app
from tests.signed_client import SignedClient

USAGE = "/sapi/v1/margin/rateLimit/order"
INSTANT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def test_server_time_and_recv_window_follow_frozen_process_time() -> None:
    with freeze_time(INSTANT) as frozen:
        app = create_app()
        client = app.test_client()
        signed = SignedClient(client, app)
        now_ms = int(INSTANT.timestamp() * 1000)
        assert client.get("/api/v3/time").get_json() == {"serverTime": now_ms}
        stamped = now_ms
        assert signed.get(USAGE, timestamp=stamped).status_code == 200
        frozen.tick(timedelta(seconds=6))  # the request below is now older than recvWindow 5000
        stale = signed.get(USAGE, timestamp=stamped).get_json()
        assert stale == {"code": -1021, "msg": "Timestamp for this request is outside of the recvWindow."}


def test_rate_limit_window_reopens_when_process_time_moves() -> None:
    with freeze_time(INSTANT) as frozen:
        app = create_app()
        runtime = app.extensions["mock_exchange"]
        from dataclasses import replace

        runtime.limiter.reset(replace(runtime.config.rate_limits, api_weight_per_minute=2, ban_after_rejections=0))
        client = app.test_client()
        assert client.get("/api/v3/ping").status_code == 200
        assert client.get("/api/v3/ping").status_code == 200
        limited = client.get("/api/v3/ping")
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "60"
        frozen.tick(timedelta(minutes=1))
        assert client.get("/api/v3/ping").status_code == 200
