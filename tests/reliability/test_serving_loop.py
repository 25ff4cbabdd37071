"""waitress's loop under load: it sleeps while worker threads send, and no answer is lost.

The loop used to wake up thousands of times a second while a worker held a channel's
output buffer (the channel said "writable", the loop could not take the lock): about 25
turns per request, each one taking the GIL from the workers. These tests count the loop's
turns per request under concurrent keep-alive clients (a count, not a timing), and check
that answers larger than every socket buffer, and streamed answers a slow client reads,
still arrive whole: the channel's change must never leave output unsent.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator
from types import SimpleNamespace
from typing import Any

import pytest
from waitress import wasyncore

from mock_exchange.serving import QuietWhileWritingChannel, create_server

CLIENTS = 8
REQUESTS_PER_CLIENT = 60
TIMEOUT_S = 30
# Per request: the read of the request, the wake-up when its task ends, perhaps one for
# output the socket did not take at once. Spinning was ~25.
MAX_TURNS_PER_REQUEST = 4


class Served:
    """A WSGI app in ``mock_exchange.serving``'s waitress on a free loopback port, its loop turns counted."""

    def __init__(self, app: Callable[..., Any], threads: int = 8) -> None:
        self.server = create_server(app, "127.0.0.1", 0, threads)
        self.turns = 0
        served = self

        def counted_loop(timeout: float = 30.0, use_poll: bool = False, map: Any = None, count: Any = None) -> None:
            poll = wasyncore.poll2 if use_poll else wasyncore.poll
            while map:
                served.turns += 1
                poll(timeout, map)

        # waitress reads its loop from this attribute (its own test hook); everything else is waitress's.
        self.server.asyncore = SimpleNamespace(loop=counted_loop, close_all=wasyncore.close_all)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def address(self) -> tuple[str, int]:
        return "127.0.0.1", int(self.server.effective_port)

    def __enter__(self) -> Served:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        server = self.server
        server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        self.thread.join(TIMEOUT_S)
        server.task_dispatcher.shutdown(timeout=TIMEOUT_S)


def small_answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    body = b'{"orderListId":1,"contingencyType":"OCO"}' * 20
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def read_answer(sock: socket.socket, buffered: bytearray) -> bytes:
    """One fixed-length HTTP answer from a keep-alive socket (its body)."""
    while b"\r\n\r\n" not in buffered:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection"
        buffered += chunk
    head, _, rest = bytes(buffered).partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:100]
    length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                  if line.lower().startswith(b"content-length:"))
    body = bytearray(rest)
    while len(body) < length:
        chunk = sock.recv(65536)
        assert chunk, "the server closed the connection mid-answer"
        body += chunk
    buffered[:] = body[length:]
    return bytes(body[:length])


def client(address: tuple[str, int], answers: list[int], failures: list[BaseException]) -> None:
    try:
        with socket.create_connection(address, timeout=TIMEOUT_S) as sock:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            buffered = bytearray()
            for _ in range(REQUESTS_PER_CLIENT):
                sock.sendall(b"GET /sapi/v1/margin/openOrderList HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                read_answer(sock, buffered)
                answers.append(1)
    except BaseException as exc:  # noqa: BLE001 - reported by the test
        failures.append(exc)


def test_the_loop_sleeps_while_workers_send_answers() -> None:
    answers: list[int] = []
    failures: list[BaseException] = []
    with Served(small_answer) as served:
        threads = [threading.Thread(target=client, args=(served.address, answers, failures)) for _ in range(CLIENTS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(TIMEOUT_S * 2)
        turns = served.turns
    assert not failures, failures[0]
    assert len(answers) == CLIENTS * REQUESTS_PER_CLIENT
    assert turns <= MAX_TURNS_PER_REQUEST * len(answers), f"{turns} loop turns for {len(answers)} requests"


def test_serve_and_live_server_channels_are_the_quiet_ones() -> None:
    from mock_exchange.testing import LiveServer
    from mock_exchange.web.app import create_app

    with LiveServer(create_app()) as live:
        assert live._server.channel_class is QuietWhileWritingChannel


BIG = 20 * 1024 * 1024  # beyond waitress's 16 MiB output high-water mark: the task waits for the loop


def big_answer(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
    chunk = bytes(range(256)) * 4096  # 1 MiB
    start_response("200 OK", [("Content-Type", "application/octet-stream"), ("Content-Length", str(BIG))])
    for _ in range(BIG // len(chunk)):
        yield chunk


@pytest.mark.parametrize("receive_buffer", [4096, 256 * 1024])
def test_an_answer_larger_than_every_buffer_reaches_a_slow_reader_whole(receive_buffer: int) -> None:
    with Served(big_answer, threads=2) as served, socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        sock.settimeout(TIMEOUT_S)
        sock.connect(served.address)
        sock.sendall(b"GET /big HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        body = read_answer(sock, bytearray())
        # The connection is still usable afterwards.
        sock.sendall(b"GET /again HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        again = read_answer(sock, bytearray())
    assert len(body) == BIG and body[:512] == bytes(range(256)) * 2 and body[-256:] == bytes(range(256))
    assert len(again) == BIG


def test_a_streamed_answer_with_pauses_reaches_a_reader_that_lags() -> None:
    # Each chunk waits for the reader to have taken part of the previous one, so the socket
    # is full when the task lets go of the buffer: only the loop can send the rest.
    took_some = threading.Event()
    chunk = b"x" * (4 * 1024 * 1024)
    chunks = 4

    def paced(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterator[bytes]:
        start_response("200 OK", [("Content-Length", str(len(chunk) * chunks))])
        for _ in range(chunks):
            yield chunk
            assert took_some.wait(TIMEOUT_S)
            took_some.clear()

    total = len(chunk) * chunks
    with Served(paced, threads=2) as served, socket.create_connection(served.address, timeout=TIMEOUT_S) as sock:
        sock.sendall(b"GET /paced HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        received = bytearray()
        head = -1
        next_signal = len(chunk) // 2
        while head < 0 or len(received) - head < total:
            data = sock.recv(65536)
            assert data, "the server closed the connection"
            received += data
            if head < 0 and b"\r\n\r\n" in received:
                head = received.index(b"\r\n\r\n") + 4
            if head >= 0 and len(received) - head >= next_signal:
                took_some.set()
                next_signal += len(chunk)
    assert received[head:] == chunk * chunks
