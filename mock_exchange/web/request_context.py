"""One request as the pipeline and the after-answer stages see it: made once, filled stage by stage.

``web/pipeline.run_binance_request`` opens the context when a Binance request arrives and
fills it in Binance's order (raw text, parameters parsed once, account, weight, fault,
answer headers); the after-answer stages (``web/after_answer.py``: explanation, request
log, journal) read it back. It is the one thing kept for a request, in its WSGI environ
(``ENVIRON_KEY``: the pipeline holds the environ already, so no proxy lookup), reached
only through :func:`current_context` and :func:`open_context`; a request that is not a
Binance endpoint (an unknown path, the control API) has a context with no endpoint.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from flask import Request, request

from mock_exchange.core.errors import BinanceError
from mock_exchange.core.rate_limits import WeightCharge
from mock_exchange.web.endpoints import Endpoint

if TYPE_CHECKING:  # explain.py imports the pipeline, which imports this module
    from mock_exchange.core.accounts import Account
    from mock_exchange.web.explain import Explanation

ENVIRON_KEY = "mock_exchange.request_context"
# The environ of a request web/binance_wsgi.py serves without Flask's request context.
SERVING_ENVIRON: ContextVar[dict[str, Any] | None] = ContextVar("mock_exchange.environ", default=None)


@dataclass(slots=True)
class Call:
    """One authenticated, parsed Binance request, as a view sees it."""

    endpoint: Endpoint
    params: dict[str, Any]
    raw: Mapping[str, str]
    key_account: Account | None = None  # the account the API key names; None: an endpoint without a key

    @property
    def account(self) -> Account:
        """The account the API key names: a keyed endpoint's view always has one (stage 3 refused the
        request otherwise); an endpoint without a key has none to read."""
        account = self.key_account
        if account is None:
            raise TypeError(f"{self.endpoint.name} takes no API key: its call has no account")
        return account

    def get(self, name: str, default: Any = None) -> Any:
        return self.params.get(name, default)


@dataclass(slots=True, eq=False)
class RequestContext:
    """What is known about the current request; each field is set by one stage."""

    started: float  # time.perf_counter() on arrival: the request log's duration
    arrival_ms: int | None = None  # exchange time on arrival: the journal's time (a fault may hold a request)
    endpoint: Endpoint | None = None  # None: not a Binance endpoint (unknown path, control API)
    ip: str = "127.0.0.1"
    query: str = ""  # the raw query string, bytes as latin-1 (the signature is over these)
    body: str = ""  # the raw form body, likewise ("" for GET and non-form bodies)
    raw: dict[str, str] = field(default_factory=dict)  # query + body parsed once (web/params.merge_sources)
    parse_error: BinanceError | None = None  # a malformed query or body, raised at its turn
    account: Account | None = None
    charge: WeightCharge | None = None  # the weight counted (the journal and the request log show it)
    headers: dict[str, str] = field(default_factory=dict)  # used weight and order counts, added to the answer
    call: Call | None = None  # what the view was given
    fault: dict[str, Any] | None = None  # the injected fault that fired (control/faults.py), for the journal
    explanation: Explanation | None = None  # why the request was rejected (web/explain.py)

    @property
    def account_name(self) -> str | None:
        return self.account.name if self.account is not None else None

    @property
    def weight(self) -> int:
        return self.charge.weight if self.charge is not None else 0

    @property
    def parsed(self) -> bool:
        """Whether ``raw`` holds the request's parameters (they were read and well formed)."""
        return self.endpoint is not None and self.parse_error is None


def open_context(environ: dict[str, Any] | None = None) -> RequestContext:
    """The context of the request ``environ`` belongs to (the current one by default), made on first use."""
    if environ is None:
        environ = _current_environ()
    context: RequestContext | None = environ.get(ENVIRON_KEY)
    if context is None:
        context = environ[ENVIRON_KEY] = RequestContext(time.perf_counter())
    return context


def current_context() -> RequestContext | None:
    """The current request's context, or None when nothing opened one (a request the log does not time)."""
    context: RequestContext | None = _current_environ().get(ENVIRON_KEY)
    return context


def _current_environ() -> dict[str, Any]:
    environ = SERVING_ENVIRON.get()
    return environ if environ is not None else request.environ


def has_body(received: Request) -> bool:
    """Whether werkzeug would read any body: none is declared empty, nor undeclared unless the server ends the stream.

    (``werkzeug.wsgi.get_input_stream`` reads nothing then; setting up the stream to find out
    costs more than the check.)
    """
    environ = received.environ
    if "HTTP_TRANSFER_ENCODING" not in environ:
        # What ``content_length`` reads, for the two usual cases, without building the headers view.
        declared = environ.get("CONTENT_LENGTH")
        if declared is None:
            return "wsgi.input_terminated" in environ
        if declared == "0":
            return False
    length = received.content_length
    if length is None:
        return "wsgi.input_terminated" in received.environ
    return length != 0
