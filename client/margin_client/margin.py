"""MarginClient: one method per Binance margin endpoint, over a configurable transport."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import requests

from .account_methods import AccountMethods
from .clock import Clock
from .endpoints import Security, adhoc
from .ids import ClientIdFactory, random_client_id
from .market_methods import MarketMethods
from .order_list_methods import OrderListMethods
from .order_methods import OrderMethods
from .request_builder import Placement
from .retry import RetryPolicy
from .signing import Signer
from .transport import Transport
from .weights import Throttle, WeightTracker

BINANCE_BASE_URL = "https://api.binance.com"


class MarginClient(OrderListMethods, OrderMethods, AccountMethods, MarketMethods):
    """Client for Binance's margin API (or the mock-exchange fake at another base URL)."""

    def __init__(
        self,
        base_url: str = BINANCE_BASE_URL,
        api_key: str | None = None,
        signer: Signer | None = None,
        *,
        recv_window: int | None = None,
        session: requests.Session | None = None,
        timeout: float | tuple[float, float] | None = 10.0,
        param_placement: Placement = "query",
        clock: Clock | None = None,
        weights: WeightTracker | None = None,
        throttle: Throttle | None = None,
        retry: RetryPolicy | None = None,
        client_id_factory: ClientIdFactory | None = random_client_id,
    ) -> None:
        self._owns_session = session is None
        transport = Transport(
            base_url, api_key, signer, session=session, timeout=timeout, placement=param_placement,
            recv_window=recv_window, clock=clock, weights=weights, throttle=throttle, retry=retry,
        )
        super().__init__(transport, client_id_factory)

    @property
    def clock(self) -> Clock:
        """Return the clock used for timestamps and weight windows."""
        return self.transport.clock

    @property
    def weights(self) -> WeightTracker:
        """Return the used-weight tracker fed from response headers."""
        return self.transport.weights

    @property
    def last_response(self) -> requests.Response | None:
        """Return the last HTTP response received (for headers and debugging)."""
        return self.transport.last_response

    def call(
        self,
        method: str,
        path: str,
        params: Mapping[str, object] | None = None,
        *,
        security: Security = Security.SIGNED,
        weight: int = 1,
    ) -> Any:
        """Send a request to any endpoint without local validation; return the parsed JSON."""
        return self.transport.send(adhoc(method, path, security, weight), params)

    def close(self) -> None:
        """Close the HTTP session if this client created it."""
        if self._owns_session:
            self.transport.session.close()

    def __enter__(self) -> MarginClient:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()
