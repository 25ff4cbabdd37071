"""The reference client against a real running fake exchange (LiveServer on 127.0.0.1).

Test modules import the ``live`` fixture from here (tests/client/conftest.py is the unit
tests' network double). Each test gets its own app on a frozen exchange clock at a minute
boundary, served by :class:`mock_exchange.testing.LiveServer`; clients built with
``live.client()`` read that clock, so timestamps, weight windows and Retry-After are exact.

``@covers(...)`` declares which public ``MarginClient`` methods and which error classes a
test exercises. The declaration is checked: the clients record every top-level method
call and every exception those calls raise, and the ``live`` fixture fails the test when
a declared method was not called or a declared error class was not raised (exact type).
``test_client_live_methods`` collects the declarations of every ``test_client_live_*``
module and requires that they cover all public methods and error classes.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import margin_client
import pytest
from margin_client import (
    Clock,
    Ed25519Signer,
    HmacSigner,
    MarginClient,
    RsaSigner,
    Signer,
    sequential_ids,
)
from margin_client.endpoints import Endpoint

import mock_exchange
from mock_exchange.control import LocalControl
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from mock_exchange.web.runtime import EXTENSION_KEY

START_MS = 1_767_225_600_000  # 2026-01-01T00:00:00Z, a minute boundary: weight windows start fresh
MINUTE_MS = 60_000

DEMO_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DEMO_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
RSA_KEY = "demoRsaApiKey00000000000000000000000000000000000000000000000000"
ED25519_KEY = "demoEd25519ApiKey0000000000000000000000000000000000000000000000"
NO_MARGIN_KEY = "noMarginPermissionApiKey0000000000000000000000000000000000000000"
NO_MARGIN_SECRET = "noMarginPermissionSecret000000000000000000000000000000000000000"
KEYS_DIR = Path(mock_exchange.__file__).parent / "demo_keys"


def rsa_signer() -> Signer:
    return RsaSigner((KEYS_DIR / "demo-rsa-private.pem").read_bytes())


def ed25519_signer() -> Signer:
    return Ed25519Signer((KEYS_DIR / "demo-ed25519-private.pem").read_bytes())


# -- what the live tests must cover ------------------------------------------------------

PUBLIC_METHODS: frozenset[str] = frozenset(
    name for name, _ in inspect.getmembers(MarginClient, inspect.isfunction) if not name.startswith("_")
)
ERROR_CLASSES: frozenset[type[BaseException]] = frozenset(
    obj for obj in vars(margin_client).values()
    if isinstance(obj, type) and issubclass(obj, (margin_client.BinanceError, margin_client.MissingParameterError))
)

CoverItem = str | type[BaseException]


def covers(*items: CoverItem) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare the MarginClient methods (by name) and error classes a live test exercises."""
    for item in items:
        if isinstance(item, str) and item not in PUBLIC_METHODS:
            raise ValueError(f"MarginClient has no public method {item!r}")
        if not isinstance(item, str) and item not in ERROR_CLASSES:
            raise ValueError(f"{item!r} is not an error class exported by margin_client")

    def mark(test: Callable[..., Any]) -> Callable[..., Any]:
        test.live_covers = frozenset(items)  # type: ignore[attr-defined]
        return test

    return mark


# -- a MarginClient that records what a test did with it -----------------------------------


@dataclass
class Record:
    """Top-level MarginClient calls made in one test and the exceptions they raised."""

    called: set[str] = field(default_factory=set)
    raised: set[type[BaseException]] = field(default_factory=set)


class RecordingClient(MarginClient):
    """MarginClient whose public methods note their calls in a shared Record."""

    record: Record
    _depth: int = 0


def _recorded(name: str, method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(self: RecordingClient, *args: Any, **kwargs: Any) -> Any:
        top = self._depth == 0  # borrow() -> borrow_repay() counts as borrow only
        if top:
            self.record.called.add(name)
        self._depth += 1
        try:
            return method(self, *args, **kwargs)
        except BaseException as error:
            if top:
                self.record.raised.add(type(error))
            raise
        finally:
            self._depth -= 1

    return wrapper


for _name in PUBLIC_METHODS:
    setattr(RecordingClient, _name, _recorded(_name, getattr(MarginClient, _name)))


# -- the live exchange -------------------------------------------------------------------


class ExchangeSleep:
    """A sleep for Throttle / RetryPolicy: records each duration and moves the exchange
    clock by as much, so the server's weight windows and bans move with the client."""

    def __init__(self, control: LocalControl | None) -> None:
        self.control = control
        self.calls: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.calls.append(seconds)
        if self.control is not None:
            self.control.advance(round(seconds * 1000))


class LiveExchange:
    """One app served on a real port, its control handle, and client factories."""

    def __init__(self, server: LiveServer, control: LocalControl) -> None:
        self.server = server
        self.app = server.app
        self.url = server.url
        self.control = control
        self.clock = self.app.extensions[EXTENSION_KEY].exchange.clock
        self.record = Record()
        self._clients: list[MarginClient] = []

    def now_ms(self) -> int:
        """The exchange clock (frozen unless a test moves it)."""
        return int(self.clock.now_ms())

    def client(
        self, api_key: str | None = DEMO_KEY, signer: Signer | None = None, *,
        url: str | None = None, **options: Any,
    ) -> RecordingClient:
        """A client (demo account, HMAC by default) on the exchange clock."""
        options.setdefault("clock", Clock(self.clock.now_ms))
        options.setdefault("client_id_factory", sequential_ids("live"))
        client = RecordingClient(url or self.url, api_key, signer or HmacSigner(DEMO_SECRET), **options)
        client.record = self.record
        self._clients.append(client)
        return client

    def sleep(self, *, advance_exchange: bool = True) -> ExchangeSleep:
        return ExchangeSleep(self.control if advance_exchange else None)

    def last_entry(self) -> dict[str, Any]:
        """The newest journal entry."""
        entries = self.control.journal()
        assert entries, "the journal is empty"
        return entries[-1]

    def assert_charged(self, client: MarginClient, endpoint: Endpoint, weight: int | None = None) -> None:
        """The last request was `endpoint`, the server charged the weight the client's table
        documents, on the budget the client tracks, and the tracker holds the header's value."""
        entry = self.last_entry()
        assert (entry["method"], entry["path"]) == (endpoint.method, endpoint.path)
        expected = endpoint.weight if weight is None else weight
        assert entry["weight"] == expected, f"{endpoint.key}: server charged {entry['weight']}, client says {expected}"
        response = client.last_response
        assert response is not None
        header = response.headers.get(endpoint.weight_header)
        assert header is not None, f"{endpoint.key}: no {endpoint.weight_header} header in {dict(response.headers)}"
        used = client.weights.used(endpoint.weight_header, scope=endpoint.key, now_ms=client.clock.now_ms())
        assert used == int(header)

    def close(self) -> None:
        for client in self._clients:
            client.close()


def free_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def live(request: pytest.FixtureRequest) -> Iterator[LiveExchange]:
    """A fresh fake exchange on a real port, clock frozen at START_MS; checks @covers."""
    app = create_app()
    control = LocalControl(app)
    control.reset(seed=0, at_ms=START_MS)
    failed_before = request.session.testsfailed
    with LiveServer(app) as server:
        exchange = LiveExchange(server, control)
        try:
            yield exchange
        finally:
            exchange.close()
    declared = getattr(request.function, "live_covers", frozenset())
    if request.session.testsfailed == failed_before and declared:
        record = exchange.record
        not_called = sorted(i for i in declared if isinstance(i, str) and i not in record.called)
        not_raised = sorted(i.__name__ for i in declared if not isinstance(i, str) and i not in record.raised)
        if not_called or not_raised:
            pytest.fail(f"@covers declared but not exercised: methods {not_called}, errors {not_raised}")
