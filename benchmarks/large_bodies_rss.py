"""RSS of a real ``mock-exchange serve`` before and after many large form bodies sent without an API key.

    .venv/bin/python benchmarks/large_bodies_rss.py [--requests 500] [--body-mb 1.9]

Starts the server on a free loopback port, reads its resident set size (``/proc/<pid>/status``,
Linux) at start, after the POSTs, and after ``DELETE /mock/v1/journal``, and prints the
figures (docs/reliability.md keeps the latest). Loopback only; bounded in count.
"""

from __future__ import annotations

import argparse
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS line")


def wait_healthy(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server exited")
        try:
            if requests.get(f"{url}/mock/v1/health", timeout=1).status_code == 200:
                return
        except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
            time.sleep(0.05)
    raise RuntimeError("the server did not answer in 30 s")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--body-mb", type=float, default=1.9)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", str(port)],
                               cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(url, process)
        start = rss_mb(process.pid)
        body = b"symbol=BTCUSDT&quantity=" + b"9" * int(args.body_mb * 1024 * 1024)
        statuses: dict[int, int] = {}
        with requests.Session() as session:
            for _ in range(args.requests):
                answer = session.post(f"{url}/sapi/v1/margin/order", data=body, timeout=30,
                                      headers={"Content-Type": "application/x-www-form-urlencoded"})
                statuses[answer.status_code] = statuses.get(answer.status_code, 0) + 1
        after = rss_mb(process.pid)
        journal = requests.get(f"{url}/mock/v1/journal", params={"limit": 0}, timeout=30).json()
        cleared = requests.delete(f"{url}/mock/v1/journal", timeout=30).json()
        time.sleep(1)  # let the allocator settle; a measurement pause, nothing waits on it
        cleared_rss = rss_mb(process.pid)
    finally:
        process.terminate()
        process.wait(30)
    print(f"{args.requests} POSTs of {args.body_mb} MB without an API key; answers {statuses}; "
          f"journal held {journal['count']} entries, cleared {cleared['cleared']}")
    print(f"RSS at start {start:.0f} MB, after the POSTs {after:.0f} MB, after DELETE /journal {cleared_rss:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
