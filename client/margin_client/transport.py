"""Sends requests through a requests.Session: signing, weights, throttling, retries."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests
from urllib3.exceptions import NewConnectionError

from .clock import Clock
from .endpoints import Endpoint, Security
from .errors import BinanceError, ExecutionStatusUnknownError, RateLimitError, RequestInfo, TransportError
from .request_builder import BuiltRequest, Placement, build_request
from .response_handler import handle_response
from .retry import RetryPolicy
from .signing import Signer
from .weights import Throttle, WeightTracker
from .wire import clean_params, to_wire

API_KEY_HEADER = "X-MBX-APIKEY"
FORM_CONTENT_TYPE = "application/x-www-form-urlencoded"


def _never_sent(exc: requests.RequestException) -> bool:
    """Return True when the request provably never left: no connection was established."""
    if isinstance(exc, requests.ConnectTimeout):
        return True
    reason = getattr(exc.args[0], "reason", None) if exc.args else None
    return isinstance(exc, requests.ConnectionError) and isinstance(reason, NewConnectionError)


class Transport:
    """Low-level HTTP layer shared by all endpoint methods."""

    def __init__(
        self,
        base_url: str,
        api_key: str | None = None,
        signer: Signer | None = None,
        *,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] | None = 10.0,
        placement: Placement = "query",
        recv_window: int | None = None,
        clock: Clock | None = None,
        weights: WeightTracker | None = None,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if placement not in ("query", "body"):
            raise ValueError("placement must be 'query' or 'body'")
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.signer = signer
        self.session = session if session is not None else requests.Session()
        self.timeout = timeout
        self.placement: Placement = placement
        self.recv_window = recv_window
        self.clock = clock if clock is not None else Clock()
        self.weights = weights if weights is not None else WeightTracker()
        self.throttle = throttle
        self.retry = retry
        self.last_response: requests.Response | None = None

    def send(self, endpoint: Endpoint, params: Mapping[str, object] | None = None) -> Any:
        """Send one logical request (retrying reads if configured) and return the JSON body."""
        wire = clean_params(params or {})
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._send_once(endpoint, wire)
            except BinanceError as error:
                delay = self.retry.delay_for(endpoint.method, attempt, error) if self.retry else None
                if delay is None:
                    raise
                self.retry.sleep(delay)  # type: ignore[union-attr]

    def _prepare(self, endpoint: Endpoint, wire: dict[str, str]) -> BuiltRequest:
        """Add timing parameters and the signature for a signed endpoint."""
        if endpoint.security is not Security.SIGNED:
            return build_request(endpoint.method, wire)
        params = dict(wire)
        if self.recv_window is not None and "recvWindow" not in params:
            params["recvWindow"] = to_wire(self.recv_window)
        # A fresh timestamp per attempt: a retried request must not be stale.
        params["timestamp"] = str(self.clock.now_ms())
        return build_request(endpoint.method, params, signer=self.signer, placement=self.placement)

    def _headers(self, endpoint: Endpoint, built: BuiltRequest) -> dict[str, str]:
        """Return the API-key and content-type headers this request needs."""
        headers: dict[str, str] = {}
        if endpoint.security is not Security.NONE and self.api_key is not None:
            headers[API_KEY_HEADER] = self.api_key
        if built.body:
            headers["Content-Type"] = FORM_CONTENT_TYPE
        return headers

    def _send_once(self, endpoint: Endpoint, wire: dict[str, str]) -> Any:
        """Throttle, sign, send and interpret one attempt."""
        weight = endpoint.weight_for(wire)
        scope = endpoint.key
        if self.throttle is not None:
            self.throttle.before_request(
                self.weights, header=endpoint.weight_header, scope=scope,
                weight=weight, now_ms=self.clock.now_ms(),
            )
        built = self._prepare(endpoint, wire)
        info = RequestInfo(endpoint.method, endpoint.path, built.params)
        url = self.base_url + endpoint.path + (f"?{built.query}" if built.query else "")
        try:
            response = self.session.request(
                endpoint.method, url,
                data=built.body.encode("ascii") if built.body else None,
                headers=self._headers(endpoint, built),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            if endpoint.mutating and not _never_sent(exc):
                raise ExecutionStatusUnknownError(
                    f"no response ({type(exc).__name__}); the action may or may not have happened",
                    request=info,
                ) from exc
            # The message names the endpoint, not the URL: the URL carries the signed query.
            raise TransportError(f"{type(exc).__name__} on {endpoint.method} {endpoint.path}",
                                 request=info) from exc
        self.last_response = response
        self._record(endpoint, response, weight)
        # Binance bodies are UTF-8 JSON; decoding explicitly avoids requests' charset guessing.
        text = response.content.decode("utf-8", errors="replace")
        try:
            return handle_response(response.status_code, response.headers, text, info, endpoint.mutating)
        except RateLimitError as error:
            if error.retry_after is not None:
                self.weights.block_until(self.clock.now_ms() + int(error.retry_after * 1000))
            raise

    def _record(self, endpoint: Endpoint, response: requests.Response, weight: int) -> None:
        """Update used weights from headers, estimating when the header is absent."""
        now = self.clock.now_ms()
        found = self.weights.record_headers(response.headers, scope=endpoint.key, now_ms=now)
        if endpoint.weight_header.upper() not in found:
            self.weights.add(endpoint.weight_header, scope=endpoint.key, weight=weight, now_ms=now)
