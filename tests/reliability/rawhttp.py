"""Raw HTTP over a socket: for requests no client library would send, and for hanging up early."""

from __future__ import annotations

import socket
from dataclasses import dataclass

from mock_exchange.testing import LiveServer

TIMEOUT_S = 10


@dataclass
class RawResponse:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "")


def address(server: LiveServer) -> tuple[str, int]:
    host, port = server.url.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


def connect(server: LiveServer) -> socket.socket:
    return socket.create_connection(address(server), timeout=TIMEOUT_S)


def parse(data: bytes) -> RawResponse | None:
    """The first response in ``data`` (None when the server closed without answering)."""
    head, sep, rest = data.partition(b"\r\n\r\n")
    if not sep:
        return None
    lines = head.decode("latin-1").split("\r\n")
    parts = lines[0].split(" ", 2)
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    length = headers.get("content-length")
    body = rest[: int(length)] if length is not None and length.isdigit() else rest
    return RawResponse(int(parts[1]), headers, body)


def exchange(server: LiveServer, data: bytes) -> RawResponse | None:
    """Send ``data``, half-close, read until the server closes; the parsed response."""
    with connect(server) as sock:
        try:
            sock.sendall(data)
            sock.shutdown(socket.SHUT_WR)
        except OSError:
            pass  # the server may close on us mid-send (an oversized header): read what it said
        received = b""
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, TimeoutError):
                break
            if not chunk:
                break
            received += chunk
    return parse(received)


def request_bytes(method: str, target: str, headers: dict[str, str] | None = None, body: bytes = b"") -> bytes:
    lines = [f"{method} {target} HTTP/1.1", "Host: 127.0.0.1"]
    for name, value in (headers or {}).items():
        lines.append(f"{name}: {value}")
    if body:
        lines.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body
