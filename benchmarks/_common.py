"""Helpers shared by the benchmark scripts: paths, the benchmark config, ports, signing."""

from __future__ import annotations

import hashlib
import hmac
import http.client
import os
import socket
import statistics
import sys
import time
from pathlib import Path
from typing import Any, NamedTuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "benchmarks"
RESULTS_DIR = BENCH_DIR / "results"
PACKAGE_DIR = ROOT / "mock_exchange"

# The demo account of the packaged config (Binance's documentation example key pair).
DEMO_KEY = "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
DEMO_SECRET = "NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"
# A dedicated account with huge balances for the large-book benchmarks.
WHALE = "whale"
WHALE_KEY = "benchWhaleApiKey0000000000000000000000000000000000000000000000"
WHALE_SECRET = "benchWhaleSecret000000000000000000000000000000000000000000000"


class Workload(NamedTuple):
    """One place-and-cancel cycle of the throughput benchmarks: where an OCO list is placed,
    with which parameters, and where it is cancelled (by ``symbol`` and ``orderListId``)."""

    place_path: str
    place_params: tuple[tuple[str, str], ...]
    cancel_path: str


# A SELL OCO on BTCUSDT that rests (limit leg above the price, stop leg below), for the demo account.
MARGIN_OCO_PARAMS = (("symbol", "BTCUSDT"), ("side", "SELL"), ("quantity", "0.001"), ("price", "31000"),
                     ("stopPrice", "29000"), ("stopLimitPrice", "28900"), ("stopLimitTimeInForce", "GTC"))
# The same pair as a spot OCO (POST /api/v3/orderList/oco names its legs above / below).
SPOT_OCO_PARAMS = (("symbol", "BTCUSDT"), ("side", "SELL"), ("quantity", "0.001"), ("aboveType", "LIMIT_MAKER"),
                   ("abovePrice", "31000"), ("belowType", "STOP_LOSS_LIMIT"), ("belowStopPrice", "29000"),
                   ("belowPrice", "28900"), ("belowTimeInForce", "GTC"))
WORKLOADS = {
    "margin": Workload("/sapi/v1/margin/order/oco", MARGIN_OCO_PARAMS, "/sapi/v1/margin/orderList"),
    "spot": Workload("/api/v3/orderList/oco", SPOT_OCO_PARAMS, "/api/v3/orderList"),
}

BIG_LIMIT = 1_000_000_000  # rate and count limits stay on (their code runs) but never bind


def bench_config_dict() -> dict[str, Any]:
    """The packaged default config with limits lifted so a benchmark measures work, not refusals.

    - request-weight and order-count limits: raised (still counted on every request);
    - MAX_NUM_* and EXCHANGE_MAX_NUM_* filters: raised (still checked on every placement);
    - key files: absolute paths, so the config can be written anywhere;
    - a ``whale`` account with balances for 100,000+ resting orders.
    """
    raw = yaml.safe_load((PACKAGE_DIR / "default_config.yaml").read_text(encoding="utf-8"))
    raw["rate_limits"] = {
        "api_weight_per_minute": BIG_LIMIT, "sapi_ip_weight_per_minute": BIG_LIMIT,
        "sapi_uid_weight_per_minute": BIG_LIMIT, "orders_per_10s": BIG_LIMIT, "orders_per_day": BIG_LIMIT,
        "ban_after_rejections": 0, "sapi_bans": False,
    }
    for spec in raw["symbols"].values():
        for item in spec["filters"]:
            for key in ("maxNumOrders", "maxNumAlgoOrders", "maxNumIcebergOrders", "maxNumOrderLists"):
                if key in item:
                    item[key] = BIG_LIMIT
    for item in raw.get("exchange_filters", []):
        for key in ("maxNumOrders", "maxNumAlgoOrders", "maxNumIcebergOrders", "maxNumOrderLists"):
            if key in item:
                item[key] = BIG_LIMIT
    for account in raw["accounts"]:
        for field in ("rsa_public_key", "ed25519_public_key"):
            if field in account and "-----BEGIN" not in str(account[field]):
                account[field] = str(PACKAGE_DIR / account[field])
    raw["accounts"].append({
        "name": WHALE, "api_key": WHALE_KEY, "hmac_secret": WHALE_SECRET,
        "cross": {"BTC": {"free": "100000000"}, "USDT": {"free": "100000000000"}},
    })
    return raw


def write_bench_config(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / "bench-config.yaml"
    path.write_text(yaml.safe_dump(bench_config_dict(), sort_keys=False), encoding="utf-8")
    return path


def bench_config():  # noqa: ANN201 - mock_exchange.config.ExchangeConfig, imported lazily
    from mock_exchange.config import config_from_dict

    return config_from_dict(bench_config_dict(), PACKAGE_DIR)


# -- processes and ports -----------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(port: int, path: str, timeout_s: float = 20.0, poll_s: float = 0.002) -> float:
    """Poll ``GET path`` until it answers 200; returns the time it took (raises on timeout)."""
    started = time.perf_counter()
    deadline = started + timeout_s
    while True:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            try:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                if response.status == 200:
                    return time.perf_counter() - started
            finally:
                conn.close()
        except OSError:
            pass
        if time.perf_counter() > deadline:
            raise TimeoutError(f"nothing healthy on 127.0.0.1:{port}{path} after {timeout_s}s")
        time.sleep(poll_s)


def venv_env() -> dict[str, str]:
    """The environment for child processes: this interpreter's venv first on PATH."""
    env = dict(os.environ)
    bindir = str(Path(sys.executable).parent)
    env["PATH"] = bindir + os.pathsep + env.get("PATH", "")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


# -- signing and numbers -------------------------------------------------------------------


def sign(secret: str, payload: str) -> str:
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def now_ms() -> int:
    return time.time_ns() // 1_000_000


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100), nearest-rank on the sorted values."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else float("nan")
