"""A real ``mock-exchange serve`` gives back what large requests used (RSS read from ``/proc``).

A form body of about 1.9 MB made of percent escapes (``%C3%A9`` ...) is the most costly thing
a client can send that the app still reads: decoding it takes the parser a few hundred MB for
a moment. Before the server fixed glibc's mmap threshold (mock_exchange/allocator.py) much of
that peak stayed in the process, in every worker thread's malloc arena. Here a batch of them,
one for each worker thread, must leave the server's resident memory within
:data:`GROWTH_BOUND_MIB` of where it was (docs/reliability.md, "Memory over a soak").
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
import requests

from tests.reliability.support import DEMO, check_response, count, hmac_hex
from tests.signed_client import FROZEN_AT_MS

THREADS = 8  # serve's default
# One large request first pays the code path's one-time costs; then sequential requests go
# round the worker threads. Each thread's malloc arena used to keep about 11 MiB of its first
# large request's peak (8 threads: +80 MiB); now each keeps about 0.7 MiB.
WARM_UP = 1
BATCH = THREADS
GROWTH_BOUND_MIB = 24
REQUEST_TIMEOUT_S = 120
# 320 000 two-byte characters: 1.92 MB percent-encoded, under the app's 2 MiB body limit.
VALUE = "\u00e9" * 320_000

pytestmark = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="RSS is read from /proc")


def resident_mib(pid: int) -> float:
    status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
    kib = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
    assert kib is not None, status
    return int(kib.group(1)) / 1024


@pytest.fixture
def server() -> Iterator[tuple[subprocess.Popen[str], str]]:
    """``mock-exchange serve`` on a free loopback port, with glibc's malloc settings as the user has them."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("MALLOC_")}
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", "0", "--quiet",
                                "--threads", str(THREADS)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    assert process.stdout is not None
    port = None
    lines: list[str] = []
    # The banner names the port it bound; reading stops at that line (or when the server exits).
    for line in process.stdout:
        lines.append(line)
        found = re.search(r"http://127\.0\.0\.1:(\d+)", line)
        if found:
            port = int(found.group(1))
            break
    if port is None:
        process.kill()
        pytest.fail(f"the server did not start: {''.join(lines)}")
    # Keep draining its output so a full pipe never blocks it.
    threading.Thread(target=lambda: [None for _ in process.stdout], daemon=True).start()  # type: ignore[union-attr]
    try:
        yield process, f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(30)


def post_large_value(url: str) -> None:
    """A signed test order whose quantity is the large value: parsed, then refused (400)."""
    body = urlencode([("symbol", "BTCUSDT"), ("side", "BUY"), ("type", "MARKET"), ("quantity", VALUE),
                      ("timestamp", str(FROZEN_AT_MS))])
    body += "&signature=" + hmac_hex(DEMO.secret, body)
    answer = requests.post(f"{url}/api/v3/order/test", data=body.encode("ascii"), timeout=REQUEST_TIMEOUT_S,
                           headers={"X-MBX-APIKEY": DEMO.api_key,
                                    "Content-Type": "application/x-www-form-urlencoded"})
    outcome = check_response(answer.status_code, answer.headers.get("Content-Type", ""), answer.content)
    assert outcome.status == 400 and outcome.error is not None, outcome
    count("large percent-encoded bodies sent to a real server")


def test_large_percent_encoded_bodies_leave_the_server_within_its_memory_bound(server) -> None:
    process, url = server
    for _ in range(WARM_UP):
        post_large_value(url)
    before = resident_mib(process.pid)
    for _ in range(BATCH):
        post_large_value(url)
    after = resident_mib(process.pid)
    assert after - before <= GROWTH_BOUND_MIB, (
        f"{BATCH} large requests took the server from {before:.1f} MiB to {after:.1f} MiB RSS "
        f"(bound: +{GROWTH_BOUND_MIB} MiB)")
