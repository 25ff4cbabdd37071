"""mock-exchange benchmarks: every figure and its baseline measured in the same run.

    make bench                                   # = .venv/bin/python benchmarks/run.py
    .venv/bin/python benchmarks/run.py --quick   # smaller, for a quick look (~1 minute)
    .venv/bin/python benchmarks/run.py --readme  # also rewrite the table in benchmarks/README.md
    .venv/bin/python benchmarks/run.py --only http,startup

Sections (see benchmarks/README.md for the method and the targets):

1. ``http``: signed margin OCO placements per second (each followed by a cancel of the
   list) through ``mock-exchange serve`` in a subprocess on 127.0.0.1, driven by a
   bounded load generator in a second process; against ``baseline_app.py`` in the same
   WSGI server. The same for the spot OCO (``/api/v3/orderList/oco``) on waitress. Then
   the margin load against other WSGI servers when installed.
2. ``inprocess``: the same workload through Flask's test client and through the pytest
   fixture's requests adapter, mock-exchange against the baseline app.
3. ``scaling``: one price event that triggers and fills k = 10 orders while N orders rest.
4. ``memory``: resident memory per open OCO list at N = 100,000.
5. ``startup``: ``mock-exchange serve`` start to first healthy answer; a fresh in-process
   fixture (create_app + first request).
6. ``scenarios``: wall time of ``mock-exchange scenario run scenarios/``.

Prints a table and writes everything to benchmarks/results/latest.json (git-ignored).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import (  # noqa: E402
    BENCH_DIR,
    DEMO_KEY,
    DEMO_SECRET,
    RESULTS_DIR,
    ROOT,
    WORKLOADS,
    Workload,
    free_port,
    median,
    sign,
    venv_env,
    wait_healthy,
    write_bench_config,
)

SECTIONS = ("http", "inprocess", "scaling", "memory", "startup", "scenarios")
README = BENCH_DIR / "README.md"
TABLE_START = "<!-- results:start -->"
TABLE_END = "<!-- results:end -->"


class Settings:
    def __init__(self, quick: bool) -> None:
        self.quick = quick
        self.http_duration = 2.0 if quick else 5.0
        self.http_rounds = 1 if quick else 3  # mock / baseline alternated this many times
        self.http_threads = 8
        self.http_max_cycles = 100_000
        # The spot OCO load (waitress only) runs shorter so that it adds ~40 s to a full run.
        self.http_spot_duration = 2.0 if quick else 4.0
        self.compare_servers = not quick
        self.compare_rounds = 2
        self.inprocess_cycles = 400 if quick else 2000
        self.inprocess_rounds = 2 if quick else 3
        self.scaling_sizes = (1_000, 10_000, 100_000)
        self.scaling_rounds = 9 if quick else 15
        self.memory_lists = 20_000 if quick else 100_000
        self.memory_breakdown_lists = 2_000 if quick else 10_000
        self.startup_runs = 3 if quick else 5
        self.fixture_runs = 30 if quick else 100


# -- child processes ---------------------------------------------------------------------


def python() -> str:
    return sys.executable


def mock_exchange_cli() -> list[str]:
    script = Path(sys.executable).parent / "mock-exchange"
    return [str(script)] if script.exists() else [python(), "-m", "mock_exchange"]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU seconds of a running process and its children, e.g. gunicorn's worker
    (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None
    try:
        children = [int(c) for task in Path(f"/proc/{pid}/task").iterdir()
                    for c in (task / "children").read_text().split()]
    except (OSError, ValueError):
        children = []
    return total + sum(cpu_seconds(child) or 0.0 for child in children)


class Server:
    """A server subprocess on a free loopback port, stopped (by its own pid) on exit."""

    def __init__(self, argv: list[str], port: int, health: str, log: Path, env: dict[str, str] | None = None) -> None:
        self.argv, self.port, self.health, self.log, self.env = argv, port, health, log, env
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        self.proc = subprocess.Popen(self.argv, stdout=handle, stderr=subprocess.STDOUT,
                                     env=self.env or venv_env(), cwd=ROOT)
        handle.close()
        try:
            wait_healthy(self.port, self.health, timeout_s=30)
        except TimeoutError:
            self.__exit__()
            raise RuntimeError(f"server did not start: {' '.join(self.argv)} (log: {self.log})") from None
        return self

    def __exit__(self, *exc: object) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        proc.send_signal(signal.SIGINT if sys.platform != "win32" else signal.SIGTERM)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)


def server_argv(app: str, server: str, port: int, config: Path, threads: int) -> tuple[list[str], str]:
    """The command that serves ``app`` ("mock" / "baseline") with ``server``, and its health path."""
    health = "/mock/v1/health" if app == "mock" else "/health"
    if app == "mock" and server == "waitress":  # exactly as users run it
        return [*mock_exchange_cli(), "serve", "--port", str(port), "--config", str(config),
                "--threads", str(threads)], health
    return [python(), str(BENCH_DIR / "serve.py"), "--app", app, "--server", server, "--port", str(port),
            "--threads", str(threads), "--config", str(config)], health


def load(port: int, settings: Settings, pid: int | None, workload: str) -> dict[str, Any]:
    argv = [python(), str(BENCH_DIR / "loadgen.py"), "--port", str(port), "--threads", str(settings.http_threads),
            "--duration", str(settings.http_duration), "--max-cycles", str(settings.http_max_cycles),
            "--workload", workload]
    cpu_before = cpu_seconds(pid) if pid else None
    out = subprocess.run(argv, capture_output=True, text=True, env=venv_env(), timeout=settings.http_duration + 180)
    cpu_after = cpu_seconds(pid) if pid else None
    if out.returncode != 0:
        raise RuntimeError(f"load generator failed: {out.stderr[-2000:]}")
    result = json.loads(out.stdout)
    if cpu_before is not None and cpu_after is not None and result["requests"]:
        # Server CPU per request (warm-up requests included): less sensitive to a busy machine.
        warm = 2 * 50 * settings.http_threads
        result["server_cpu_us_per_request"] = (cpu_after - cpu_before) / (result["requests"] + warm) * 1e6
    return result


def run_http_once(app: str, server: str, config: Path, settings: Settings, label: str,
                  workload: str = "margin") -> dict[str, Any]:
    port = free_port()
    argv, health = server_argv(app, server, port, config, settings.http_threads)
    with Server(argv, port, health, RESULTS_DIR / "logs" / f"{label}.log") as running:
        assert running.proc is not None
        result = load(port, settings, running.proc.pid, workload)
    if result["errors"]:
        raise RuntimeError(f"{label}: errors under load: {result['errors']} first: {result['first_error']}")
    return result


def installed(module: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(module) is not None


def section_http(config: Path, settings: Settings) -> dict[str, Any]:
    servers = ["waitress"]
    skipped: dict[str, str] = {}
    if settings.compare_servers:
        for server in ("cheroot", "gunicorn"):
            if not installed(server):
                skipped[server] = f"not installed (pip install {server})"
            elif server == "gunicorn" and sys.platform == "win32":
                skipped[server] = "not available on Windows"
            else:
                servers.append(server)
    # waitress (what `mock-exchange serve` runs) gets the most rounds; every (server, app) pair is
    # interleaved with the others so that a busy spell of the machine hits them all alike.
    planned = {server: settings.http_rounds if server == "waitress" else settings.compare_rounds for server in servers}
    runs: dict[str, dict[str, list[dict[str, Any]]]] = {server: {"mock": [], "baseline": []} for server in servers}
    # The spot OCO load runs on waitress only, its pair right after the margin pair of the same round.
    spot_settings = Settings(settings.quick)
    spot_settings.http_duration = settings.http_spot_duration
    spot_runs: dict[str, list[dict[str, Any]]] = {"mock": [], "baseline": []}
    spot_wall_s = 0.0
    for n in range(max(planned.values())):
        for server in servers:
            if n >= planned[server]:
                continue
            order = ("mock", "baseline") if n % 2 == 0 else ("baseline", "mock")
            for app in order:
                runs[server][app].append(run_http_once(app, server, config, settings, f"http-{app}-{server}-{n}"))
            if server == "waitress":
                spot_started = time.perf_counter()
                for app in order:
                    spot_runs[app].append(run_http_once(app, server, config, spot_settings,
                                                        f"http-spot-{app}-{server}-{n}", workload="spot"))
                spot_wall_s += time.perf_counter() - spot_started
    result: dict[str, Any] = {"server": "waitress", "threads": settings.http_threads,
                              "duration_s": settings.http_duration, "rounds": runs["waitress"],
                              **paired(runs["waitress"])}
    result["spot"] = {"workload": "spot", "place_path": WORKLOADS["spot"].place_path,
                      "duration_s": spot_settings.http_duration, "wall_s": spot_wall_s, "rounds": spot_runs,
                      **paired(spot_runs)}
    single = Settings(settings.quick)
    single.http_threads = 1
    result["single_connection"] = {app: run_http_once(app, "waitress", config, single, f"http-{app}-waitress-1conn")
                                   for app in ("mock", "baseline")}
    result["servers"] = {server: {"rounds": runs[server], **paired(runs[server])} for server in servers}
    result["servers"].update({server: {"skipped": why} for server, why in skipped.items()})
    return result


def paired(rounds: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """Ratios of paired rounds: round n of mock-exchange against round n of the baseline.

    The two runs of a round follow each other (their order alternates between rounds), so
    they see the same spell of the machine; each figure is the median of the per-round
    ratios (throughput: mock / baseline; p99 latency: mock / baseline), and the per-app
    columns are the medians of their rounds.
    """
    pairs = list(zip(rounds["mock"], rounds["baseline"], strict=True))
    throughput = [m["placements_per_s"] / b["placements_per_s"] for m, b in pairs]
    p99 = [m["latency_ms"]["all"]["p99"] / b["latency_ms"]["all"]["p99"] for m, b in pairs]
    return {
        "mock": _median_round(rounds["mock"]), "baseline": _median_round(rounds["baseline"]),
        "round_ratios": throughput, "ratio": median(throughput),
        "round_p99_ratios": p99, "p99_ratio": median(p99),
        "mock_p99_ms": median([m["latency_ms"]["all"]["p99"] for m, _ in pairs]),
        "baseline_p99_ms": median([b["latency_ms"]["all"]["p99"] for _, b in pairs]),
    }


def _median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round of median throughput (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=lambda r: r["placements_per_s"])
    return ordered[(len(ordered) - 1) // 2]


# -- in-process ----------------------------------------------------------------------------

_LIST_ID = re.compile(rb'"orderListId":(\d+)')


def _signed_target(path: str, params: tuple[tuple[str, str], ...]) -> str:
    from urllib.parse import urlencode

    query = urlencode((*params, ("timestamp", str(time.time_ns() // 1_000_000))))
    return f"{path}?{query}&signature={sign(DEMO_SECRET, query)}"


def _cycles_test_client(app: Any, cycles: int, workload: Workload = WORKLOADS["margin"]) -> float:
    place_path, place_params, cancel_path = workload
    client = app.test_client()
    headers = {"X-MBX-APIKEY": DEMO_KEY}
    started = time.perf_counter()
    for _ in range(cycles):
        placed = client.post(_signed_target(place_path, place_params), headers=headers)
        list_id = _LIST_ID.search(placed.data)
        if placed.status_code != 200 or list_id is None:
            raise RuntimeError(f"in-process placement failed: {placed.status_code} {placed.data[:300]!r}")
        cancel = (("symbol", "BTCUSDT"), ("orderListId", list_id.group(1).decode()))
        cancelled = client.delete(_signed_target(cancel_path, cancel), headers=headers)
        if cancelled.status_code != 200:
            raise RuntimeError(f"in-process cancel failed: {cancelled.status_code} {cancelled.data[:300]!r}")
    return cycles / (time.perf_counter() - started)


def _cycles_adapter(app: Any, cycles: int) -> float:
    from mock_exchange.wsgi_adapter import session_for

    session = session_for(app, "http://bench.local")
    session.headers["X-MBX-APIKEY"] = DEMO_KEY
    place_path, place_params, cancel_path = WORKLOADS["margin"]
    started = time.perf_counter()
    for _ in range(cycles):
        placed = session.post("http://bench.local" + _signed_target(place_path, place_params))
        list_id = _LIST_ID.search(placed.content)
        if placed.status_code != 200 or list_id is None:
            raise RuntimeError(f"adapter placement failed: {placed.status_code} {placed.content[:300]!r}")
        cancel = (("symbol", "BTCUSDT"), ("orderListId", list_id.group(1).decode()))
        cancelled = session.delete("http://bench.local" + _signed_target(cancel_path, cancel))
        if cancelled.status_code != 200:
            raise RuntimeError(f"adapter cancel failed: {cancelled.status_code}")
    session.close()
    return cycles / (time.perf_counter() - started)


def section_inprocess(settings: Settings) -> dict[str, Any]:
    from _common import bench_config
    from baseline_app import create_baseline_app

    from mock_exchange.web.app import create_app

    config = bench_config()
    out: dict[str, Any] = {}
    def spot_test_client(app: Any, cycles: int) -> float:
        return _cycles_test_client(app, cycles, WORKLOADS["spot"])

    for label, runner in (("test_client", _cycles_test_client), ("test_client_spot", spot_test_client),
                          ("fixture_adapter", _cycles_adapter)):
        rounds: dict[str, list[float]] = {"mock": [], "baseline": []}
        for n in range(settings.inprocess_rounds):
            for app_name in ("mock", "baseline") if n % 2 == 0 else ("baseline", "mock"):
                app = create_app(config) if app_name == "mock" else create_baseline_app()
                runner(app, min(100, settings.inprocess_cycles))  # warm-up
                rounds[app_name].append(runner(app, settings.inprocess_cycles))
        # Paired rounds (round n of each app ran back to back): the median of their ratios.
        ratios = [m / b for m, b in zip(rounds["mock"], rounds["baseline"], strict=True)]
        out[label] = {"cycles": settings.inprocess_cycles, "rounds": rounds, "round_ratios": ratios,
                      "mock_per_s": median(rounds["mock"]), "baseline_per_s": median(rounds["baseline"]),
                      "ratio": median(ratios)}
    # The engine's own share of a cycle (the Exchange facade alone, no HTTP), in a fresh
    # process: set against the floor's cycle it shows how much of the 0.8x budget it leaves.
    probe = subprocess.run([python(), str(BENCH_DIR / "engine_probe.py"), "--cycles", str(settings.inprocess_cycles),
                            "--rounds", str(settings.inprocess_rounds)], capture_output=True, text=True,
                           env=venv_env(), timeout=600)
    if probe.returncode != 0:
        raise RuntimeError(f"engine_probe failed: {probe.stderr[-2000:]}")
    out["engine"] = {row["kind"]: row for row in json.loads(probe.stdout)}
    return out


# -- scaling and memory (fresh processes) ----------------------------------------------------


def _probe(*args: str, timeout: float = 600) -> dict[str, Any]:
    out = subprocess.run([python(), str(BENCH_DIR / "book_probe.py"), *args], capture_output=True, text=True,
                         env=venv_env(), timeout=timeout)
    if out.returncode != 0:
        raise RuntimeError(f"book_probe {' '.join(args)} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout)


def section_scaling(settings: Settings) -> dict[str, Any]:
    rows = _probe("scaling", "--sizes", ",".join(map(str, settings.scaling_sizes)), "--k", "10",
                  "--rounds", str(settings.scaling_rounds))["rows"]
    first, last = rows[0], rows[-1]
    return {"rows": rows, "ratio": last["median_us"] / first["median_us"]}


def section_memory(settings: Settings) -> dict[str, Any]:
    return _probe("memory", "--lists", str(settings.memory_lists),
                  "--breakdown-lists", str(settings.memory_breakdown_lists))


# -- start-up --------------------------------------------------------------------------------


def _serve_startup(env: dict[str, str], cpu: list[float] | None = None, app: str = "mock") -> float:
    """Seconds from ``Popen`` to the first healthy answer; the server's CPU seconds by then go to ``cpu``.

    ``app`` "mock" is ``mock-exchange serve`` as users run it; "baseline" the baseline app on
    waitress (``serve.py``), the floor of a Flask app on this machine.
    """
    port = free_port()
    if app == "mock":
        argv, health = [*mock_exchange_cli(), "serve", "--port", str(port)], "/mock/v1/health"
    else:
        argv = [python(), str(BENCH_DIR / "serve.py"), "--app", "baseline", "--port", str(port)]
        health = "/health"
    started = time.perf_counter()
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env, cwd=ROOT)
    try:
        wait_healthy(port, health, timeout_s=30, poll_s=0.001)
        elapsed = time.perf_counter() - started
        used = cpu_seconds(proc.pid)
        if cpu is not None and used is not None:
            cpu.append(used)
        return elapsed
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _fixture_startup(runs: int) -> dict[str, Any]:
    """pytest's ``fake_exchange`` as the plugin builds it: app, in-process handle, first request, close."""
    from mock_exchange.config import default_config
    from mock_exchange.pytest_plugin import IN_PROCESS_URL, build_app, in_process
    from mock_exchange.web.app import create_app

    config = default_config()  # loaded once per session by the fixture
    create_only, fixture, fixture_cpu = [], [], []
    for n in range(runs + 1):
        started = time.perf_counter()
        create_app(config)
        create_only.append(time.perf_counter() - started)
        started, cpu_started = time.perf_counter(), time.process_time()
        handle = in_process(build_app(config, None), config)
        response = handle.session.get(f"{IN_PROCESS_URL}/api/v3/ping")
        handle.close()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        if response.status_code != 200:
            raise RuntimeError("fixture ping failed")
        if n:  # the first pays the imports: a test session pays them once
            fixture.append(elapsed)
            fixture_cpu.append(cpu)
    return {"runs": runs, "create_app_ms": median(create_only[1:]) * 1000,
            "fixture_first_request_ms": median(fixture) * 1000,
            "fixture_p90_ms": sorted(fixture)[int(0.9 * runs)] * 1000,
            # This process's CPU time for it: on a busy machine the wall time also counts waits for a core.
            "fixture_cpu_ms": median(fixture_cpu) * 1000}


def section_startup(settings: Settings, workdir: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    env = venv_env()
    # With bytecode caching as a normal install has it (the first run writes the cache).
    cached = dict(env)
    cached.pop("PYTHONDONTWRITEBYTECODE", None)
    _serve_startup(cached)
    _serve_startup(cached, app="baseline")
    # Each run of mock-exchange is followed by one of the baseline app (Flask's and waitress's
    # imports, the interpreter): the floor, in the same spell of the machine.
    cpu: list[float] = []
    floor_cpu: list[float] = []
    walls, floor_walls = [], []
    for _ in range(settings.startup_runs):
        walls.append(_serve_startup(cached, cpu))
        floor_walls.append(_serve_startup(cached, floor_cpu, app="baseline"))
    out["serve_s"] = median(walls)
    # The server's own CPU time to that answer: on a busy machine the wall time also counts
    # the waits for a core, this does not.
    out["serve_cpu_s"] = median(cpu) if cpu else None
    out["baseline_serve_s"] = median(floor_walls)
    out["baseline_serve_cpu_s"] = median(floor_cpu) if floor_cpu else None
    # Cold: mock_exchange's sources compiled at every start, as with an editable install under
    # PYTHONDONTWRITEBYTECODE=1 (a copy without __pycache__ first on the path; libraries keep theirs).
    copy = workdir / "cold"
    shutil.copytree(ROOT / "mock_exchange", copy / "mock_exchange", ignore=shutil.ignore_patterns("__pycache__"))
    cold = dict(env, PYTHONDONTWRITEBYTECODE="1", PYTHONPATH=str(copy))
    out["serve_cold_s"] = median([_serve_startup(cold) for _ in range(settings.startup_runs)])
    out["fixture"] = _fixture_startup(settings.fixture_runs)
    return out


# -- scenarios ---------------------------------------------------------------------------------


def section_scenarios() -> dict[str, Any]:
    folder = ROOT / "scenarios"
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else []
    if not files:
        return {"skipped": "no scenarios/ folder"}
    started = time.perf_counter()
    out = subprocess.run([*mock_exchange_cli(), "scenario", "run", str(folder)], capture_output=True, text=True,
                         env=venv_env(), cwd=ROOT, timeout=600)
    elapsed = time.perf_counter() - started
    summary = next((line.strip() for line in reversed(out.stdout.splitlines()) if "passed" in line), "")
    return {"files": len(files), "wall_s": elapsed, "exit_code": out.returncode, "summary": summary}


# -- report ------------------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import flask
    import werkzeug

    versions = {"python": platform.python_version(), "flask": flask.__version__,
                "werkzeug": werkzeug.__version__ if hasattr(werkzeug, "__version__") else ""}
    for name in ("waitress", "cheroot", "gunicorn"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - not installed
            pass
    return {"nproc": os.cpu_count(), "cpu": cpu, "platform": platform.platform(), "versions": versions,
            "loadavg_start": _loadavg()}


def _loadavg() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def _fmt(value: float | None, unit: str = "", digits: int = 0) -> str:
    if value is None:
        return "n/a"
    return f"{value:,.{digits}f}{unit}"


def table(results: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
    """The markdown table and the list of targets with their verdicts."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    targets: list[dict[str, Any]] = []

    def target(name: str, value: float, limit: float, higher_is_better: bool, shown: str) -> str:
        met = value >= limit if higher_is_better else value <= limit
        targets.append({"target": name, "value": value, "limit": limit, "met": met})
        return f"{shown} {'✅' if met else '❌'}"

    s = results["sections"]
    if "http" in s:
        h = s["http"]
        m, b = h["mock"], h["baseline"]
        rows.append(("1", "HTTP: signed margin OCO placements/s (+1 cancel each), waitress, "
                          f"{h['threads']} connections (median of {len(h['round_ratios'])} paired rounds)",
                     _fmt(m["placements_per_s"], "/s"), _fmt(b["placements_per_s"], "/s"),
                     target("http_throughput_ratio", h["ratio"], 0.8, True, f"{h['ratio']:.2f}x"), "≥ 0.8x"))
        rows.append(("1", "HTTP: p99 latency (place and cancel requests; median of the paired rounds' ratios)",
                     _fmt(h["mock_p99_ms"], " ms", 1), _fmt(h["baseline_p99_ms"], " ms", 1),
                     target("http_p99_ratio", h["p99_ratio"], 2.0, False, f"{h['p99_ratio']:.2f}x"), "≤ 2x"))
        one = h.get("single_connection")
        if one:
            m1, b1 = one["mock"], one["baseline"]
            rows.append(("1", "HTTP: the same with 1 connection (no concurrency)",
                         _fmt(m1["placements_per_s"], "/s"), _fmt(b1["placements_per_s"], "/s"),
                         f"{m1['placements_per_s'] / b1['placements_per_s']:.2f}x", "(info)"))
        if m.get("server_cpu_us_per_request") and b.get("server_cpu_us_per_request"):
            rows.append(("1", "HTTP: server CPU per request",
                         _fmt(m["server_cpu_us_per_request"], " µs"), _fmt(b["server_cpu_us_per_request"], " µs"),
                         f"{b['server_cpu_us_per_request'] / m['server_cpu_us_per_request']:.2f}x", "(info)"))
        spot = h.get("spot")
        if spot:
            ms, bs = spot["mock"], spot["baseline"]
            rows.append(("1", f"HTTP: signed spot OCO placements/s (+1 cancel each), {spot['place_path']}, waitress, "
                              f"{h['threads']} connections (median of {len(spot['round_ratios'])} paired rounds)",
                         _fmt(ms["placements_per_s"], "/s"), _fmt(bs["placements_per_s"], "/s"),
                         target("http_spot_throughput_ratio", spot["ratio"], 0.8, True, f"{spot['ratio']:.2f}x"),
                         "≥ 0.8x"))
            rows.append(("1", "HTTP: spot p99 latency (place and cancel requests; median of the paired rounds' ratios)",
                         _fmt(spot["mock_p99_ms"], " ms", 1), _fmt(spot["baseline_p99_ms"], " ms", 1),
                         target("http_spot_p99_ratio", spot["p99_ratio"], 2.0, False, f"{spot['p99_ratio']:.2f}x"),
                         "≤ 2x"))
            if ms.get("server_cpu_us_per_request") and bs.get("server_cpu_us_per_request"):
                rows.append(("1", "HTTP: spot server CPU per request",
                             _fmt(ms["server_cpu_us_per_request"], " µs"), _fmt(bs["server_cpu_us_per_request"], " µs"),
                             f"{bs['server_cpu_us_per_request'] / ms['server_cpu_us_per_request']:.2f}x", "(info)"))
    if "inprocess" in s:
        for key, label, is_target in (("test_client", "Flask test client", True),
                                      ("test_client_spot", "spot /api/v3/orderList/oco, Flask test client", True),
                                      ("fixture_adapter", "pytest fixture's requests adapter", False)):
            if key not in s["inprocess"]:
                continue
            r = s["inprocess"][key]
            verdict = (target(f"inprocess_{key}_ratio", r["ratio"], 0.8, True, f"{r['ratio']:.2f}x")
                       if is_target else f"{r['ratio']:.2f}x")
            rows.append(("2", f"In-process: OCO placements/s (+1 cancel each), {label}",
                         _fmt(r["mock_per_s"], "/s"), _fmt(r["baseline_per_s"], "/s"), verdict,
                         "≥ 0.8x" if is_target else "(info)"))
        engine = s["inprocess"].get("engine")
        floor = s["inprocess"].get("test_client")
        if engine and floor:
            # A 0.8x cycle may take 1/0.8 of the floor's: this is what it leaves above the floor.
            budget_us = 1e6 / floor["baseline_per_s"] * (1 / 0.8 - 1)
            shares = " / ".join(_fmt(engine[k]["median_us"], " µs") for k in ("margin", "spot") if k in engine)
            rows.append(("2", "In-process: the engine's CPU per place + cancel (the `Exchange` facade alone, "
                              "margin / spot), against what a 0.8x cycle leaves above the floor's",
                         shares, _fmt(budget_us, " µs"), "", "(info)"))
    if "scaling" in s:
        sc = s["scaling"]
        for row in sc["rows"]:
            rows.append(("3", f"Price event filling k=10 while N={row['resting_orders']:,} orders rest (median)",
                         _fmt(row["median_us"], " µs"), "", "", ""))
        last = sc["rows"][-1]["resting_orders"]
        first = sc["rows"][0]["resting_orders"]
        rows.append(("3", f"Price event: time(N={last:,}) / time(N={first:,})", "", "",
                     target("scaling_ratio", sc["ratio"], 1.5, False, f"{sc['ratio']:.2f}x"), "≤ 1.5x"))
        rates = " / ".join(_fmt(row["setup_lists_per_s"]) for row in sc["rows"])
        sizes = " / ".join(f"{row['resting_orders']:,}" for row in sc["rows"])
        rows.append(("3", f"Placing the resting OCO lists through the `Exchange` facade, book of N = {sizes}",
                     f"{rates} lists/s", "", "", "(info)"))
    if "memory" in s:
        mem = s["memory"]
        for n, per_list in sorted(mem.get("bytes_per_list_at", {str(mem["lists"]): mem["bytes_per_list"]}).items(),
                                  key=lambda item: int(item[0])):
            rows.append(("4", f"Memory per open OCO list (RSS growth, N={int(n):,} lists)",
                         _fmt(per_list, " B"), "", target(f"memory_bytes_per_list_{n}", per_list, 2048, False,
                                                          _fmt(per_list, " B")), "≤ 2,048 B"))
        if "breakdown" in mem:
            bd = mem["breakdown"]
            rows.append(("4", f"… of which the event log ({bd['events_per_list']:.0f} events per list) / the state "
                              f"(tracemalloc, {bd['lists']:,} lists)",
                         f"{_fmt(bd['event_log_bytes_per_list'], ' B')} / {_fmt(bd['state_bytes_per_list'], ' B')}",
                         "", "", "(info)"))
    if "startup" in s:
        st = s["startup"]
        floor = st.get("baseline_serve_s")
        rows.append(("5", "Start-up: `mock-exchange serve` to first healthy answer (bytecode cached)",
                     _fmt(st["serve_s"], " s", 2), "", target("serve_startup_s", st["serve_s"], 0.5, False,
                                                              _fmt(st["serve_s"], " s", 2)), "≤ 0.5 s"))
        if floor is not None:
            rows.append(("5", "Start-up: the floor, the baseline app on waitress to its first answer (same runs, "
                              "alternated)", "", _fmt(floor, " s", 2), f"{st['serve_s'] / floor:.2f}x", "(info)"))
        if st.get("serve_cpu_s") is not None:
            floor_cpu = st.get("baseline_serve_cpu_s")
            rows.append(("5", "Start-up: the server's CPU time to that answer (user + system)",
                         _fmt(st["serve_cpu_s"], " s", 2), "" if floor_cpu is None else _fmt(floor_cpu, " s", 2),
                         "" if not floor_cpu else f"{st['serve_cpu_s'] / floor_cpu:.2f}x", "(info)"))
        rows.append(("5", "Start-up: the same, mock_exchange compiled at start (no bytecode cache, "
                          "PYTHONDONTWRITEBYTECODE=1)", _fmt(st["serve_cold_s"], " s", 2), "", "", "(info)"))
        fx = st["fixture"]
        rows.append(("5", "Start-up: fresh in-process fixture (create_app + handle + first request)",
                     _fmt(fx["fixture_first_request_ms"], " ms", 2), "",
                     target("fixture_startup_ms", fx["fixture_first_request_ms"], 3.0, False,
                            _fmt(fx["fixture_first_request_ms"], " ms", 2)), "≤ 3 ms"))
        if fx.get("fixture_cpu_ms") is not None:
            rows.append(("5", "Start-up: the fixture's CPU time (this process, median)",
                         _fmt(fx["fixture_cpu_ms"], " ms", 2), "", "", "(info)"))
    if "scenarios" in s:
        sc = s["scenarios"]
        if "skipped" in sc:
            rows.append(("6", "Scenario library", sc["skipped"], "", "", ""))
        else:
            outcome = sc["summary"] or f"exit {sc['exit_code']}"
            rows.append(("6", f"Scenario library: {sc['files']} files ({outcome})",
                         _fmt(sc["wall_s"], " s", 2), "", "", "(info)"))
    lines = ["| # | measure | mock-exchange | baseline | ratio / verdict | target |",
             "|---|---|---:|---:|---:|---|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if "http" in s and len(s["http"].get("servers", {})) > 1:
        lines += ["", "WSGI servers, same load, paired rounds (medians: OCO placements/s, p99 latency, server "
                      "CPU per request of the median round; ratios: median of the paired rounds' ratios):", "",
                  "| server | mock-exchange | baseline | ratio | mock p99 | baseline p99 | mock CPU/request |",
                  "|---|---:|---:|---:|---:|---:|---:|"]
        for name, entry in s["http"]["servers"].items():
            if "skipped" in entry:
                lines.append(f"| {name} | {entry['skipped']} | | | | | |")
                continue
            m, b = entry["mock"], entry["baseline"]
            lines.append(f"| {name} | {_fmt(m['placements_per_s'], '/s')} | {_fmt(b['placements_per_s'], '/s')} | "
                         f"{entry['ratio']:.2f}x | "
                         f"{_fmt(entry['mock_p99_ms'], ' ms', 1)} | {_fmt(entry['baseline_p99_ms'], ' ms', 1)} | "
                         f"{_fmt(m.get('server_cpu_us_per_request'), ' µs')} |")
    return "\n".join(lines), targets


def machine_line(results: dict[str, Any]) -> str:
    m = results["machine"]
    v = m["versions"]
    load = m.get("loadavg_start")
    extra = f"; load average at start {load[0]}" if load else ""
    return (f"Machine: {m['nproc']} CPUs ({m['cpu']}), {m['platform']}; Python {v['python']}, Flask {v['flask']}, "
            f"waitress {v.get('waitress', '?')}{extra}. Command: `{results['command']}` "
            f"({'quick' if results['quick'] else 'full'} run, {results['wall_s']:.0f} s, {results['finished']}).")


def verdict_line(targets: list[dict[str, Any]]) -> str:
    """Which targets the run met and which not; the reasons for the unmet ones are written up in the README."""
    met = [t["target"] for t in targets if t["met"]]
    missed = [t["target"] for t in targets if not t["met"]]
    line = f"Targets: {len(met)} of {len(targets)} met."
    if missed:
        line += (f" Not met: {', '.join(missed)}; why: benchmarks/README.md, "
                 "\"Targets not met, and why\".")
    return line


def update_readme(text: str) -> None:
    if not README.exists():
        return
    content = README.read_text(encoding="utf-8")
    if TABLE_START not in content or TABLE_END not in content:
        return
    head, rest = content.split(TABLE_START, 1)
    _, tail = rest.split(TABLE_END, 1)
    README.write_text(f"{head}{TABLE_START}\n{text}\n{TABLE_END}{tail}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="smaller sizes and shorter runs")
    parser.add_argument("--only", help=f"comma-separated sections ({', '.join(SECTIONS)})")
    parser.add_argument("--output", default=str(RESULTS_DIR / "latest.json"))
    parser.add_argument("--readme", action="store_true", help="rewrite the results table in benchmarks/README.md")
    args = parser.parse_args()
    chosen = SECTIONS if not args.only else tuple(x.strip() for x in args.only.split(","))
    unknown = set(chosen) - set(SECTIONS)
    if unknown:
        parser.error(f"unknown sections: {', '.join(sorted(unknown))}")
    settings = Settings(args.quick)
    if not args.quick and not args.only:
        command = "make bench"  # --readme / --output change where it is written, not what is measured
    else:
        command = ".venv/bin/python benchmarks/run.py" + (" --quick" if args.quick else "") + (
            f" --only {args.only}" if args.only else "")
    results: dict[str, Any] = {"command": command.strip(), "quick": args.quick, "machine": machine(), "sections": {}}
    started = time.perf_counter()
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="mock-exchange-bench-"))
    try:
        config = write_bench_config(RESULTS_DIR)  # kept there for profiling by hand (git-ignored)
        steps = {
            "startup": lambda: section_startup(settings, workdir),
            "scenarios": section_scenarios,
            "inprocess": lambda: section_inprocess(settings),
            "scaling": lambda: section_scaling(settings),
            "memory": lambda: section_memory(settings),
            "http": lambda: section_http(config, settings),
        }
        for name in SECTIONS:
            if name not in chosen:
                continue
            step_started = time.perf_counter()
            print(f"[bench] {name} ...", flush=True)
            results["sections"][name] = steps[name]()
            print(f"[bench] {name} done in {time.perf_counter() - step_started:.1f} s", flush=True)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    results["wall_s"] = time.perf_counter() - started
    results["finished"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    results["machine"]["loadavg_end"] = _loadavg()
    text, targets = table(results)
    results["targets"] = targets
    report = f"{text}\n\n{verdict_line(targets)}\n\n{machine_line(results)}"
    print()
    print(report)
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps(results, indent=2, default=str), encoding="utf-8")
    print(f"\nwritten: {args.output}")
    if args.readme:
        update_readme(report)
        print(f"updated: {README}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
