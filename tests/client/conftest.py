"""Fixtures for the client unit tests: a canned-response network double and a fake clock."""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
from margin_client import Clock, HmacSigner, MarginClient, sequential_ids
from requests.adapters import BaseAdapter
from requests.structures import CaseInsensitiveDict

BASE_URL = "http://fake-exchange.test"
API_KEY = "test-api-key"
SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
START_MS = 1_699_999_980_000  # exactly on a minute boundary (weight windows)


@dataclass
class Sent:
    """A request as the network double saw it."""

    method: str
    path: str
    query: str
    body: str
    headers: CaseInsensitiveDict

    @property
    def query_params(self) -> dict[str, str]:
        """Return the decoded query parameters."""
        return dict(parse_qsl(self.query, keep_blank_values=True))

    @property
    def body_params(self) -> dict[str, str]:
        """Return the decoded form-body parameters."""
        return dict(parse_qsl(self.body, keep_blank_values=True))

    @property
    def params(self) -> dict[str, str]:
        """Return query and body parameters together (query wins, as on Binance)."""
        return {**self.body_params, **self.query_params}


@dataclass
class Canned:
    """A response (or exception) to hand back."""

    status: int = 200
    body: Any = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    error: Exception | None = None


# A handler answers (status, body[, headers]) for a request; used when the queue is empty.
Handler = Callable[[Sent], tuple]


class CannedAdapter(BaseAdapter):
    """Test double for the network: records requests, answers from a queue or a handler."""

    def __init__(self) -> None:
        super().__init__()
        self.sent: list[Sent] = []
        self.queue: deque[Canned] = deque()
        self.handler: Handler | None = None
        self.on_send: Callable[[], None] | None = None

    def reply(self, status: int = 200, body: Any = None, headers: dict[str, str] | None = None) -> None:
        """Queue a response; `body` is JSON-encoded unless it is a str."""
        self.queue.append(Canned(status, {} if body is None else body, headers or {}))

    def fail(self, error: Exception) -> None:
        """Queue an exception raised instead of a response."""
        self.queue.append(Canned(error=error))

    def send(self, request: requests.PreparedRequest, stream: bool = False, timeout: Any = None,
             verify: Any = True, cert: Any = None, proxies: Any = None) -> requests.Response:
        parts = urlsplit(request.url or "")
        body = request.body.decode() if isinstance(request.body, bytes) else (request.body or "")
        sent = Sent(request.method or "", parts.path, parts.query, body, CaseInsensitiveDict(request.headers))
        self.sent.append(sent)
        if self.on_send is not None:
            self.on_send()
        if self.queue:
            canned = self.queue.popleft()
        elif self.handler is not None:
            canned = Canned(*self.handler(sent))
        else:
            canned = Canned()
        if canned.error is not None:
            raise canned.error
        response = requests.Response()
        response.status_code = canned.status
        text = canned.body if isinstance(canned.body, str) else json.dumps(canned.body)
        response._content = text.encode()
        response.headers = CaseInsensitiveDict(canned.headers)
        response.encoding = "utf-8"
        response.url = request.url or ""
        response.request = request
        return response

    def close(self) -> None:
        pass


class FakeTime:
    """A settable millisecond time source plus a sleep that advances it and records durations."""

    def __init__(self, now_ms: int = START_MS) -> None:
        self.now_ms = now_ms
        self.sleeps: list[float] = []

    def __call__(self) -> int:
        return self.now_ms

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now_ms += round(seconds * 1000)


@pytest.fixture
def adapter() -> CannedAdapter:
    return CannedAdapter()


@pytest.fixture
def session(adapter: CannedAdapter) -> requests.Session:
    s = requests.Session()
    s.mount(BASE_URL, adapter)
    return s


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(session: requests.Session, fake_time: FakeTime) -> Callable[..., MarginClient]:
    """Build a MarginClient wired to the network double and the fake clock."""

    def build(**overrides: Any) -> MarginClient:
        options: dict[str, Any] = {
            "api_key": API_KEY, "signer": HmacSigner(SECRET), "session": session,
            "clock": Clock(fake_time), "client_id_factory": sequential_ids("cid"),
        }
        options.update(overrides)
        return MarginClient(BASE_URL, **options)

    return build


@pytest.fixture
def client(make_client: Callable[..., MarginClient]) -> MarginClient:
    return make_client()
