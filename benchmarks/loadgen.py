"""Load generator: signed OCO placements, each followed by a cancel of the list.

    python benchmarks/loadgen.py --port 8080 --threads 8 --duration 5 --max-cycles 200000
    python benchmarks/loadgen.py --port 8080 --workload spot

Runs in its own process. Each thread keeps one HTTP/1.1 keep-alive connection to
127.0.0.1 and loops: place an OCO list (HMAC-signed, parameters in the query string, fresh
timestamp), read ``orderListId`` from the answer, cancel that list. ``--workload margin``
(the default) places with POST /sapi/v1/margin/order/oco and cancels with DELETE
/sapi/v1/margin/orderList; ``--workload spot`` places with POST /api/v3/orderList/oco
(above / below legs) and cancels with DELETE /api/v3/orderList (``_common.WORKLOADS``).
Every answer must be 200; anything else is counted as an error and reported. Bounded: it
stops after ``--duration`` seconds or ``--max-cycles`` placements, whichever comes first,
after ``--warmup`` untimed cycles per thread.

The default client (``raw``) is a minimal HTTP/1.1 client on a socket, so that the load
generator costs far less CPU per request than the server it measures (the machine has 2
cores: one for the server's GIL, one for this process). ``--client requests`` uses
``requests.Session`` objects instead (about 4x more client CPU per request; see README).
Prints one JSON object on stdout.
"""

from __future__ import annotations

import argparse
import json
import re
import resource
import socket
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import DEMO_KEY, DEMO_SECRET, WORKLOADS, now_ms, percentile, sign  # noqa: E402

LIST_ID = re.compile(rb'"orderListId":(\d+)')
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:\s*(\d+)", re.IGNORECASE)


class BadAnswer(Exception):
    pass


class RawClient:
    """Just enough HTTP/1.1 for fixed-length answers on a keep-alive connection."""

    def __init__(self, host: str, port: int, api_key: str) -> None:
        self.host, self.port, self.api_key = host, port, api_key
        self.sock: socket.socket | None = None

    def _connect(self) -> socket.socket:
        sock = socket.create_connection((self.host, self.port), timeout=30)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = sock
        return sock

    def request(self, method: str, target: str) -> tuple[int, bytes]:
        head = (f"{method} {target} HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
                f"X-MBX-APIKEY: {self.api_key}\r\nContent-Length: 0\r\n\r\n").encode("latin-1")
        sock = self.sock or self._connect()
        sock.sendall(head)
        buf = b""
        while True:
            end = buf.find(b"\r\n\r\n")
            if end >= 0:
                break
            chunk = sock.recv(65536)
            if not chunk:
                raise BadAnswer("connection closed before the headers")
            buf += chunk
        header = buf[:end]
        match = CONTENT_LENGTH.search(header)
        if match is None:
            raise BadAnswer("answer without Content-Length")
        length = int(match.group(1))
        body = buf[end + 4:]
        while len(body) < length:
            chunk = sock.recv(65536)
            if not chunk:
                raise BadAnswer("connection closed inside the body")
            body += chunk
        status = int(header[9:12])
        if b"\r\nconnection: close" in header.lower():
            self.close()
        return status, body

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class RequestsClient:
    def __init__(self, host: str, port: int, api_key: str) -> None:
        import requests

        self.base = f"http://{host}:{port}"
        self.session = requests.Session()
        self.session.headers["X-MBX-APIKEY"] = api_key

    def request(self, method: str, target: str) -> tuple[int, bytes]:
        response = self.session.request(method, self.base + target)
        return response.status_code, response.content

    def close(self) -> None:
        self.session.close()


def signed(path: str, params: tuple[tuple[str, str], ...], secret: str) -> str:
    query = urlencode((*params, ("timestamp", str(now_ms()))))
    return f"{path}?{query}&signature={sign(secret, query)}"


class Worker(threading.Thread):
    def __init__(self, args: argparse.Namespace, start_at: list[float], stop_at: list[float],
                 budget: list[int], lock: threading.Lock) -> None:
        super().__init__(daemon=True)
        self.args = args
        self.workload = WORKLOADS[args.workload]
        self.start_at, self.stop_at, self.budget, self.lock = start_at, stop_at, budget, lock
        self.place_ms: list[float] = []
        self.cancel_ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.cycles = 0
        self.first_error = ""

    def _error(self, what: str, detail: str) -> None:
        self.errors[what] = self.errors.get(what, 0) + 1
        self.first_error = self.first_error or detail

    def cycle(self, client: RawClient | RequestsClient, timed: bool) -> None:
        secret, workload = self.args.secret, self.workload
        started = time.perf_counter()
        status, body = client.request("POST", signed(workload.place_path, workload.place_params, secret))
        placed = time.perf_counter()
        match = LIST_ID.search(body)
        if status != 200 or match is None:
            self._error(f"place HTTP {status}", body[:300].decode("utf-8", "replace"))
            return
        cancel = (("symbol", "BTCUSDT"), ("orderListId", match.group(1).decode()))
        status, body = client.request("DELETE", signed(workload.cancel_path, cancel, secret))
        done = time.perf_counter()
        if status != 200:
            self._error(f"cancel HTTP {status}", body[:300].decode("utf-8", "replace"))
        if timed:
            self.place_ms.append((placed - started) * 1000)
            self.cancel_ms.append((done - placed) * 1000)
            self.cycles += 1

    def run(self) -> None:
        args = self.args
        client_cls = RawClient if args.client == "raw" else RequestsClient
        client = client_cls("127.0.0.1", args.port, args.api_key)
        try:
            for _ in range(args.warmup):
                self.cycle(client, timed=False)
            with self.lock:  # the clock starts when the first thread has warmed up
                if not self.start_at:
                    self.start_at.append(time.perf_counter())
                    self.stop_at.append(self.start_at[0] + args.duration)
            while time.perf_counter() < self.stop_at[0]:
                with self.lock:
                    if self.budget[0] <= 0:
                        break
                    self.budget[0] -= 1
                self.cycle(client, timed=True)
        except (OSError, BadAnswer) as exc:
            self._error(type(exc).__name__, str(exc))
        finally:
            client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--duration", type=float, default=5.0, help="timed seconds (bounded)")
    parser.add_argument("--max-cycles", type=int, default=500_000, help="timed placements at most (bounded)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed cycles per thread first")
    parser.add_argument("--client", choices=("raw", "requests"), default="raw")
    parser.add_argument("--workload", choices=tuple(WORKLOADS), default="margin",
                        help="margin: /sapi/v1/margin/order/oco; spot: /api/v3/orderList/oco")
    parser.add_argument("--api-key", default=DEMO_KEY)
    parser.add_argument("--secret", default=DEMO_SECRET)
    args = parser.parse_args()

    start_at: list[float] = []
    stop_at: list[float] = []
    budget = [args.max_cycles]
    lock = threading.Lock()
    workers = [Worker(args, start_at, stop_at, budget, lock) for _ in range(args.threads)]
    cpu_before = resource.getrusage(resource.RUSAGE_SELF)
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(args.duration + 120)
    ended = time.perf_counter()
    cpu_after = resource.getrusage(resource.RUSAGE_SELF)
    elapsed = ended - start_at[0] if start_at else float("nan")
    cycles = sum(w.cycles for w in workers)
    place = [x for w in workers for x in w.place_ms]
    cancel = [x for w in workers for x in w.cancel_ms]
    both = place + cancel
    errors: dict[str, int] = {}
    for worker in workers:
        for key, count in worker.errors.items():
            errors[key] = errors.get(key, 0) + count
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    print(json.dumps({
        "workload": args.workload, "client": args.client, "threads": args.threads, "elapsed_s": elapsed,
        "placements": cycles, "requests": 2 * cycles, "placements_per_s": cycles / elapsed,
        "requests_per_s": 2 * cycles / elapsed,
        "latency_ms": {
            "all": {"p50": percentile(both, 50), "p90": percentile(both, 90), "p99": percentile(both, 99)},
            "place": {"p50": percentile(place, 50), "p99": percentile(place, 99)},
            "cancel": {"p50": percentile(cancel, 50), "p99": percentile(cancel, 99)},
        },
        # CPU seconds this process used (warm-up included) per timed request.
        "loadgen_cpu_us_per_request": cpu / max(1, 2 * cycles) * 1e6,
        "errors": errors, "first_error": next((w.first_error for w in workers if w.first_error), ""),
    }))


if __name__ == "__main__":
    main()
