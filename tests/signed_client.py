"""Signed Binance requests over Flask's test client, as the demo or another account."""

from __future__ import annotations

import hashlib
import hmac
from typing import Any
from urllib.parse import urlencode

from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

DEMO_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DEMO_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
OTHER_KEY = "otherAccountApiKey000000000000000000000000000000000000000000000"
OTHER_SECRET = "otherAccountSecret00000000000000000000000000000000000000000000"
FROZEN_AT_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z


class SignedClient:
    """Sends HMAC-signed Binance requests through a Flask test client.

    ``placement`` puts parameters in the query string (as the official SDK does) or in a
    form body (as python-binance does for POST/DELETE).
    """

    __test__ = False

    def __init__(self, client: FlaskClient, app: Flask, api_key: str = DEMO_KEY, secret: str = DEMO_SECRET) -> None:
        self.client = client
        self.app = app
        self.api_key = api_key
        self.secret = secret

    def now_ms(self) -> int:
        return self.app.extensions["mock_exchange"].exchange.clock.now_ms()

    def sign(self, payload: str) -> str:
        return hmac.new(self.secret.encode(), payload.encode(), hashlib.sha256).hexdigest()

    def request(self, method: str, path: str, placement: str = "query", timestamp: int | None = None,
                **params: Any) -> TestResponse:
        params = {k: v for k, v in params.items() if v is not None}
        params.setdefault("timestamp", self.now_ms() if timestamp is None else timestamp)
        encoded = urlencode({k: str(v) for k, v in params.items()})
        signature = self.sign(encoded)
        headers = {"X-MBX-APIKEY": self.api_key}
        if placement == "body" and method != "GET":
            return self.client.open(path, method=method, data=f"{encoded}&signature={signature}", headers=headers,
                                    content_type="application/x-www-form-urlencoded")
        return self.client.open(f"{path}?{encoded}&signature={signature}", method=method, headers=headers)

    def get(self, path: str, **params: Any) -> TestResponse:
        return self.request("GET", path, **params)

    def post(self, path: str, **params: Any) -> TestResponse:
        return self.request("POST", path, **params)

    def delete(self, path: str, **params: Any) -> TestResponse:
        return self.request("DELETE", path, **params)


