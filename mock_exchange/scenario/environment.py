"""Where scenarios run: a fresh in-process exchange each time, or a running server (reset)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import requests

from mock_exchange.config import AccountConfig, ExchangeConfig, default_config

IN_PROCESS_URL = "http://mock-exchange.local"
DEMO_KEYS = Path(__file__).resolve().parent.parent / "demo_keys"


class Environment:
    """A control handle, a Binance base URL and a session to reach it, plus known credentials."""

    base_url: str = IN_PROCESS_URL
    control: Any = None
    session: requests.Session

    def __init__(self, config: ExchangeConfig | None = None) -> None:
        self.config = config or default_config()

    @property
    def label(self) -> str:
        return "in-process"

    def account_configs(self) -> dict[str, AccountConfig]:
        """The accounts the exchange starts with, by name (their keys sign scenario calls)."""
        return {account.name: account for account in self.config.accounts}

    def start(self, seed: int) -> None:  # pragma: no cover - abstract
        """Bring the exchange to its configured state with ``seed``."""
        raise NotImplementedError

    def close(self) -> None:
        """Release what ``start`` acquired."""


class LocalEnvironment(Environment):
    """A brand-new app per scenario, reached through the in-process WSGI adapter."""

    def __init__(self, config: ExchangeConfig | None = None) -> None:
        super().__init__(config)
        self.app: Any = None

    def start(self, seed: int) -> None:
        from mock_exchange.control import LocalControl
        from mock_exchange.web.app import create_app
        from mock_exchange.wsgi_adapter import session_for

        self.close()
        self.app = create_app(self.config, seed=seed)
        self.control = LocalControl(self.app)
        self.session = session_for(self.app, self.base_url)

    def close(self) -> None:
        if self.app is not None:
            # A latency / timeout fault may still hold a request in an adapter thread.
            runtime = self.app.extensions.get("mock_exchange")
            faults = getattr(runtime, "faults", None)
            if faults is not None:
                faults.release_held()
            self.session.close()
            self.app = None


class ServerUnreachable(Exception):
    """The server at ``--url`` does not answer, or its control API refuses us; the message says which."""


def transport_reason(exc: BaseException) -> str:
    """A connection failure in a few words ("Connection refused"), not urllib3's paragraph."""
    if isinstance(exc, requests.Timeout):
        return "no answer in time"
    if isinstance(exc, (requests.exceptions.MissingSchema, requests.exceptions.InvalidSchema,
                        requests.exceptions.InvalidURL)):
        return "not an http:// URL; write it as http://HOST:PORT"
    found = re.search(r"\[Errno -?\d+\] ([^'\")\]]+)", str(exc))
    return found.group(1).strip() if found else exc.__class__.__name__


class RemoteEnvironment(Environment):
    """A server already running at ``url``; each scenario starts with a control-plane reset.

    The server's clock, rate limits and fault rules are read before the first scenario and
    put back by ``close`` (see :mod:`mock_exchange.scenario.server_settings`); what could not
    be put back is left in ``restore_problems``.
    """

    def __init__(self, url: str, control_token: str | None = None, config: ExchangeConfig | None = None) -> None:
        super().__init__(config)
        from mock_exchange.control import RemoteControl

        self.base_url = url.rstrip("/")
        self.control = RemoteControl(self.base_url, control_token, timeout=30)
        self.session = requests.Session()
        self.settings: Any = None
        self.restore_problems: list[str] | None = None

    @property
    def label(self) -> str:
        return self.base_url

    def open(self) -> None:
        """Check the server answers and remember its settings; ServerUnreachable in words if not."""
        if self.settings is not None:
            return
        from mock_exchange.control import ControlError
        from mock_exchange.scenario.server_settings import ServerSettings

        try:
            self.settings = ServerSettings.capture(self.control)
        except requests.RequestException as exc:
            raise ServerUnreachable(f"cannot reach {self.base_url} ({transport_reason(exc)}); is "
                                    "`mock-exchange serve` running there?") from None
        except ControlError as exc:
            hint = " (pass --control-token or set $MOCK_EXCHANGE_CONTROL_TOKEN)" if exc.code == "unauthorized" else ""
            raise ServerUnreachable(f"{self.base_url}: the control API refused: {exc.message}{hint}") from None
        self.restore_problems = None

    def start(self, seed: int) -> None:
        self.open()
        self.control.reset(seed=seed)
        # A previous scenario may have left the clock running or faults behind; reset
        # clears faults and the journal, and the runner freezes the clock next.
        self.session.close()
        self.session = requests.Session()

    def close(self) -> None:
        self.session.close()
        if self.settings is not None:
            self.restore_problems = self.settings.restore(self.control)
            self.settings = None


def private_key_for(account: AccountConfig) -> tuple[str, str] | None:
    """(key type, PEM text) of a packaged demo account's private key, if it has one."""
    for kind, public in (("rsa", account.rsa_public_key), ("ed25519", account.ed25519_public_key)):
        demo_public = DEMO_KEYS / f"demo-{kind}-public.pem"
        # Only the packaged demo key pairs are known; any other account brings its own key file.
        if public and demo_public.exists() and public.strip() == demo_public.read_text(encoding="utf-8").strip():
            return kind, (DEMO_KEYS / f"demo-{kind}-private.pem").read_text(encoding="utf-8")
    return None
