"""The state of one scenario run: environment, signed clients, saved values, last call."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from margin_client import Clock, Ed25519Signer, HmacSigner, MarginClient, RsaSigner, sequential_ids
from margin_client.signing import Signer

from mock_exchange import nesting
from mock_exchange.scenario.environment import Environment, private_key_for
from mock_exchange.scenario.references import ReferenceError_, resolve


@dataclass
class CallOutcome:
    """What the last ``call`` got: HTTP status, parsed body and the error, if any."""

    request: str
    status: int | None
    body: Any
    error: dict[str, Any] | None = None
    exception: BaseException | None = None
    headers: dict[str, str] = field(default_factory=dict)  # names lower-cased

    @property
    def failed(self) -> bool:
        return self.error is not None

    def summary(self) -> str:
        """``HTTP 200`` or ``HTTP 400 -2010 The relationship ...``."""
        if self.status is None:
            return f"no HTTP response ({self.error.get('msg') if self.error else 'nothing received'})"
        status = f"HTTP {self.status}"
        if self.error is None:
            return status
        code = self.error.get("code")
        return f"{status} {'' if code is None else str(code) + ' '}{self.error.get('msg', '')}".rstrip()


@dataclass
class ClientSpec:
    """How to build a signed client: whose key, which secret or private key, clock skew."""

    name: str
    api_key: str | None
    signer: Signer | None
    clock_offset_ms: int = 0
    recv_window: int | None = None


@dataclass
class Runtime:
    """Everything steps share while one scenario runs."""

    env: Environment
    default_account: str
    saved: dict[str, Any] = field(default_factory=dict)
    last: CallOutcome | None = None
    event_mark: int = 0  # highest event seq before the last market/call/clock step
    specs: dict[str, ClientSpec] = field(default_factory=dict)
    clients: dict[str, MarginClient] = field(default_factory=dict)
    credentials: dict[str, dict[str, Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for name, account in self.env.account_configs().items():
            self.credentials[name] = {"api_key": account.api_key, "secret": account.hmac_secret,
                                      "private_key": private_key_for(account)}

    # -- references --------------------------------------------------------------

    def lookup(self, name: str) -> Any:
        """The value of a reference root: a saved name or a builtin such as ``now``."""
        if name == "now":
            return self.env.control.now_ms()
        if name in self.saved:
            return self.saved[name]
        raise ReferenceError_(f"${{{name}}}: nothing was saved under {name!r}")

    def resolve(self, value: Any) -> Any:
        return resolve(value, self.lookup)

    # -- clients -----------------------------------------------------------------

    def add_account_credentials(self, name: str, spec: dict[str, Any]) -> None:
        """Remember the keys of an account a ``given`` step created."""
        self.credentials[name] = {"api_key": spec.get("api_key"), "secret": spec.get("hmac_secret"),
                                  "private_key": None}

    def define_client(self, name: str, spec: dict[str, Any]) -> None:
        """Register a named signer from ``given.clients`` (built on first use)."""
        account = str(spec.get("account", self.default_account))
        known = self.credentials.get(account, {})
        api_key = spec.get("api_key", known.get("api_key"))
        signer = self._signer(spec, known)
        self.specs[name] = ClientSpec(name, api_key, signer, int(spec.get("clock_offset_ms", 0)),
                                      spec.get("recv_window"))
        self.clients.pop(name, None)

    def _signer(self, spec: dict[str, Any], known: dict[str, Any]) -> Signer | None:
        if "private_key_file" in spec:
            pem = Path(str(spec["private_key_file"])).read_text(encoding="utf-8")
            kind = str(spec.get("key_type", "ed25519" if "ed25519" in pem.lower() else "rsa")).lower()
            return RsaSigner(pem) if kind == "rsa" else Ed25519Signer(pem)
        if "secret" in spec:
            return HmacSigner(str(spec["secret"]))
        if known.get("secret"):
            return HmacSigner(known["secret"])
        if known.get("private_key"):
            kind, pem = known["private_key"]
            return RsaSigner(pem) if kind == "rsa" else Ed25519Signer(pem)
        return None

    def client(self, name: str | None = None) -> MarginClient:
        """The signed client called ``name`` (a given.clients entry or an account name)."""
        key = name or self.default_account
        if key not in self.clients:
            if key not in self.specs:
                if key not in self.credentials:
                    raise LookupError(f"no client or account named {key!r}")
                self.define_client(key, {"account": key})
            self.clients[key] = self._build(self.specs[key])
        return self.clients[key]

    def _build(self, spec: ClientSpec) -> MarginClient:
        control = self.env.control
        # The client's clock reads the exchange clock, so signed timestamps follow a frozen
        # or advanced exchange exactly; clock_offset_ms simulates a skewed client.
        clock = Clock(time_source_ms=control.now_ms, offset_ms=spec.clock_offset_ms)
        prefix = re.sub(r"[^A-Za-z0-9_-]", "", spec.name)[:20] or "client"
        return MarginClient(
            self.env.base_url, spec.api_key, spec.signer, recv_window=spec.recv_window,
            session=self.env.session, clock=clock, client_id_factory=sequential_ids(f"{prefix}-"),
        )


def parse_body(text: str) -> Any:
    """JSON with decimals kept exact; the raw text when it is not JSON."""
    try:
        return nesting.loads(text, parse_float=Decimal)
    except ValueError:
        return text
