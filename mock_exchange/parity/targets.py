"""Where the parity tool sends requests: a base URL, or a fake built in this process.

Both sign the same way Binance clients do (HMAC-SHA256 over the query string, key in
``X-MBX-APIKEY``) and stamp ``timestamp`` from the target's own ``/api/v3/time``, so a
local clock that is off does not turn every signed request into -1021.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import requests

TIMEOUT_S = 15


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any  # parsed JSON, or the raw text when the body is not JSON


class TargetError(RuntimeError):
    """The target could not be reached at all."""


class Target:
    """Signs and sends one request; subclasses move the bytes."""

    name = "target"

    def __init__(self, api_key: str, secret: str, recv_window: int = 5000) -> None:
        self.api_key = api_key
        self.secret = secret
        self.recv_window = recv_window
        self._offset_ms: int | None = None

    def send(self, method: str, path: str, params: dict[str, str], signed: bool) -> Answer:
        query = dict(params)
        headers = {"X-MBX-APIKEY": self.api_key} if signed else {}
        if signed:
            query["timestamp"] = str(self._now_ms())
            query.setdefault("recvWindow", str(self.recv_window))
            encoded = urlencode(query)
            signature = hmac.new(self.secret.encode(), encoded.encode(), hashlib.sha256).hexdigest()
            query_string = f"{encoded}&signature={signature}"
        else:
            query_string = urlencode(query)
        return self._transport(method, path + (f"?{query_string}" if query_string else ""), headers)

    def _now_ms(self) -> int:
        if self._offset_ms is None:
            answer = self._transport("GET", "/api/v3/time", {})
            server = answer.body.get("serverTime") if isinstance(answer.body, dict) else None
            self._offset_ms = int(server) - int(time.time() * 1000) if isinstance(server, int) else 0
        return int(time.time() * 1000) + self._offset_ms

    def _transport(self, method: str, path_and_query: str, headers: dict[str, str]) -> Answer:
        raise NotImplementedError


def _decode(status: int, text: str) -> Answer:
    try:
        return Answer(status, json.loads(text))
    except ValueError:
        return Answer(status, text)


class HttpTarget(Target):
    """A base URL: a real Binance account, or another fake."""

    def __init__(self, base_url: str, api_key: str, secret: str, recv_window: int = 5000) -> None:
        super().__init__(api_key, secret, recv_window)
        self.base_url = base_url.rstrip("/")
        self.name = self.base_url
        self._session = requests.Session()

    def _transport(self, method: str, path_and_query: str, headers: dict[str, str]) -> Answer:
        try:
            response = self._session.request(method, self.base_url + path_and_query, headers=headers,
                                             timeout=TIMEOUT_S)
        except requests.RequestException as exc:
            raise TargetError(f"{self.base_url}: {type(exc).__name__}") from exc
        return _decode(response.status_code, response.text)


class InProcessTarget(Target):
    """A fresh fake in this process (the default config unless one is given), no socket."""

    def __init__(self, app: Any, api_key: str, secret: str, recv_window: int = 5000) -> None:
        super().__init__(api_key, secret, recv_window)
        self.name = "fake (in-process)"
        self._client = app.test_client()

    def _transport(self, method: str, path_and_query: str, headers: dict[str, str]) -> Answer:
        response = self._client.open(path_and_query, method=method, headers=headers)
        return _decode(response.status_code, response.get_data(as_text=True))
