"""A ``requests`` transport adapter that serves requests from a WSGI app in-process.

    session = session_for(create_app())
    session.get("http://mock-exchange.local/api/v3/ping")

The query string and body bytes reach the app exactly as ``requests`` prepared them,
because Binance signatures are computed over those bytes. The answer is a genuine
``requests.Response`` (built by ``HTTPAdapter.build_response`` from a urllib3 response),
so hooks, cookies, ``raise_for_status`` and ``iter_content`` behave as over a socket.
"""

from __future__ import annotations

import copy
import io
import threading
from collections.abc import Callable, Iterable, Mapping
from http.client import HTTPMessage
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import BaseAdapter, HTTPAdapter
from requests.sessions import merge_setting
from urllib3 import HTTPHeaderDict, HTTPResponse
from urllib3.exceptions import ProtocolError
from werkzeug.test import EnvironBuilder, run_wsgi_app

DEFAULT_BASE_URL = "http://mock-exchange.local"

WsgiApp = Callable[..., Iterable[bytes]]


class WsgiAdapter(BaseAdapter):
    """Sends each ``PreparedRequest`` straight to ``app`` through werkzeug's WSGI runner."""

    def __init__(self, app: WsgiApp) -> None:
        super().__init__()
        self.app = app
        self._builder = HTTPAdapter()  # only for build_response; it never opens a socket

    def send(
        self,
        request: requests.PreparedRequest,
        stream: bool = False,
        timeout: float | tuple[float | None, float | None] | None = None,
        verify: bool | str = True,
        cert: Any = None,
        proxies: Mapping[str, str] | None = None,
    ) -> requests.Response:
        """Run the app for ``request`` and wrap its answer as a ``requests.Response``."""
        environ = self._environ(request)
        read_timeout = timeout[1] if isinstance(timeout, tuple) else timeout
        status, headers, body = self._call_app(environ, request, read_timeout)
        declared = next((v for k, v in headers if k.lower() == "content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > len(body):
            # The app promised more than it sent (a dropped-connection fault): a real
            # server would close the socket mid-body, and requests reports exactly this.
            raise requests.ConnectionError(
                ProtocolError("Connection broken: IncompleteRead", None), request=request)
        raw = HTTPResponse(
            body=io.BytesIO(body), headers=HTTPHeaderDict(headers), status=status,
            reason=_reason(status), preload_content=False, decode_content=False,
            request_method=request.method, request_url=request.url,
        )
        # requests reads cookies from the http.client response urllib3 normally wraps.
        setattr(raw, "_original_response", _OriginalResponse(headers))  # noqa: B010 - typed as HTTPResponse
        response = self._builder.build_response(request, raw)
        if not stream:
            _ = response.content  # read now, as requests does for non-streamed answers
        return response

    def close(self) -> None:
        """Nothing to release: there is no connection pool."""

    def _environ(self, request: requests.PreparedRequest) -> dict[str, Any]:
        """The WSGI environ for ``request``, keeping its raw query string and body bytes."""
        # The query is cut off before urlsplit sees the URL: urlsplit's cache keeps the last 128
        # URLs it split, whatever their size (a fuzzer's 1 MB values would stay alive).
        address, _, query = (request.url or "").partition("#")[0].partition("?")
        url = urlsplit(address)
        body = request.body or b""
        if isinstance(body, str):
            body = body.encode("utf-8")
        elif not isinstance(body, bytes):
            body = b"".join(_chunks(body))  # a generator or file body: send what it yields
        headers = [(k, v if isinstance(v, str) else v.decode("latin-1"))
                   for k, v in request.headers.items() if k.lower() != "content-length"]
        builder = EnvironBuilder(
            path=url.path or "/",
            base_url=f"{url.scheme or 'http'}://{url.netloc or 'localhost'}",
            query_string=query,  # a str is passed through verbatim, never re-encoded
            method=request.method or "GET",
            headers=headers,
            input_stream=io.BytesIO(body),
            content_length=len(body),
        )
        try:
            environ = builder.get_environ()
        finally:
            builder.close()
        environ["REMOTE_ADDR"] = "127.0.0.1"
        return environ

    def _call_app(
        self, environ: dict[str, Any], request: requests.PreparedRequest, read_timeout: float | None,
    ) -> tuple[int, list[tuple[str, str]], bytes]:
        """Run the app, giving up after ``read_timeout`` seconds like a socket read would."""
        if read_timeout is None:
            return _run(self.app, environ)
        outcome: list[Any] = []

        def work() -> None:
            try:
                outcome.append(_run(self.app, environ))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
                outcome.append(exc)

        worker = threading.Thread(target=work, name="wsgi-adapter", daemon=True)
        worker.start()
        worker.join(read_timeout)
        if worker.is_alive():
            raise requests.ReadTimeout(
                f"in-process app did not answer within {read_timeout}s", request=request)
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result


class _OriginalResponse:
    """The part of ``http.client.HTTPResponse`` requests' cookie extraction reads (``msg``)."""

    def __init__(self, headers: list[tuple[str, str]]) -> None:
        self.msg = HTTPMessage()
        for key, value in headers:
            self.msg[key] = value

    def isclosed(self) -> bool:
        return True


def _run(app: WsgiApp, environ: dict[str, Any]) -> tuple[int, list[tuple[str, str]], bytes]:
    """Call the WSGI app and collect its status, headers and whole body."""
    app_iter, status, headers = run_wsgi_app(app, environ, buffered=True)
    try:
        body = b"".join(app_iter)
    finally:
        close = getattr(app_iter, "close", None)
        if close is not None:
            close()
    code = int(status.split(" ", 1)[0])
    return code, list(headers.items()), body  # a list keeps repeated headers (Set-Cookie)


def _chunks(body: Any) -> Iterable[bytes]:
    """Bytes from an iterable or file-like request body."""
    if hasattr(body, "read"):
        yield body.read()
        return
    for chunk in body:
        yield chunk.encode("utf-8") if isinstance(chunk, str) else chunk


def _reason(status: int) -> str:
    from http import HTTPStatus

    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def session_for(app: WsgiApp, base_url: str = DEFAULT_BASE_URL) -> requests.Session:
    """A ``requests.Session`` whose requests to ``base_url`` are served by ``app`` in-process."""
    prefix = base_url.rstrip("/") + "/"
    session = InProcessSession(prefix)
    session.mount(prefix, WsgiAdapter(app))
    return session


def _no_auth(request: requests.PreparedRequest) -> requests.PreparedRequest:
    return request


class InProcessSession(requests.Session):
    """A session whose requests under ``prefix`` skip the environment's network settings.

    No proxy, CA bundle or ``.netrc`` entry applies to an app called in-process, yet with
    ``trust_env`` requests scans ``os.environ`` twice for proxies and looks for a netrc
    file on every request: about half the adapter's cost per request. Requests to other
    URLs through the same session keep requests' own behaviour.
    """

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self.in_process_prefix = prefix.lower()

    def _in_process(self, url: Any) -> bool:
        return isinstance(url, str) and url.lower().startswith(self.in_process_prefix)

    def merge_environment_settings(self, url: Any, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> Any:
        if not self._in_process(url):
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        return {"proxies": merge_setting(proxies, self.proxies), "stream": merge_setting(stream, self.stream),
                "verify": merge_setting(verify, self.verify), "cert": merge_setting(cert, self.cert)}

    def prepare_request(self, request: requests.Request) -> requests.PreparedRequest:
        if self.trust_env and not request.auth and not self.auth and self._in_process(request.url):
            # An auth that changes nothing stands in for the netrc lookup requests would make.
            request = copy.copy(request)
            request.auth = _no_auth
        return super().prepare_request(request)
