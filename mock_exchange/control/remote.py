"""RemoteControl: the control handle over HTTP (``requests``), for a server in another process."""

from __future__ import annotations

from typing import Any

import requests

from mock_exchange.control.errors import ControlError
from mock_exchange.control.handle import ControlHandle
from mock_exchange.control.routes import ROUTE_OF, Operation

TOKEN_HEADER = "X-Mock-Token"


class RemoteControl(ControlHandle):
    """Steers a running fake exchange at ``base_url`` through its ``/mock/v1`` API."""

    def __init__(self, base_url: str, token: str | None = None, *, timeout: float = 30,
                 session: requests.Session | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.session = session or requests.Session()
        if token:
            self.session.headers[TOKEN_HEADER] = token

    def _op(self, operation: Operation, /, **kwargs: Any) -> Any:
        route = ROUTE_OF[operation]
        path_args = {key: kwargs.pop(key) for key in route.path_params}
        url = self.base_url + route.url_path(**path_args)
        if route.uses_body:
            response = self.session.request(route.method, url, json=kwargs, timeout=self.timeout)
        else:
            params = {k: str(v).lower() if isinstance(v, bool) else v for k, v in kwargs.items()}
            response = self.session.request(route.method, url, params=params, timeout=self.timeout)
        return _decode(response)

    def close(self) -> None:
        self.session.close()

    def __enter__(self) -> RemoteControl:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _decode(response: requests.Response) -> Any:
    try:
        body = response.json()
    except ValueError:
        body = None
    if response.ok and body is not None:
        return body
    if isinstance(body, dict) and isinstance(body.get("error"), dict):
        error = dict(body["error"])
        code = str(error.pop("code", "internal"))
        message = str(error.pop("message", response.reason))
        raise ControlError(code, message, **error)
    raise ControlError("internal", f"HTTP {response.status_code} from the control API: {response.text[:200]}")
