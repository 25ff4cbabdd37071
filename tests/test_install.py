"""One install: the built wheel and sdist, each in a fresh venv outside the checkout, give everything.

What a user gets from ``pip install mock-exchange`` (here: the artifacts ``python -m build``
makes) with nothing of this repository on the path: the ``mock-exchange`` command (its
``--version``, ``serve``, ``scenario run``), the reference client ``margin_client`` and the
pytest plugin's ``fake_exchange`` fixture in a project of the user's own. pip resolves the
real dependencies from the package index (its cache makes a second run quick); nothing is
installed with ``--no-deps``. The reference client is also built and installed alone, and
must not need the server.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_exchange import __version__

# About 110 s on a 2-core machine with a warm pip cache: it still runs in `make test`.
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
# What a source checkout holds besides the sources: never part of what is built.
_NOT_SOURCES = shutil.ignore_patterns(".git", ".venv", "build", "dist", "*.egg-info", "__pycache__", ".hypothesis",
                                      ".pytest_cache", "benchmarks", "tests")
USER_TEST = '''\
def test_my_bot_places_an_oco_and_the_market_takes_the_profit(fake_exchange):
    oco = fake_exchange.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="31000",
                                         stop_price="29000", stop_limit_price="28900",
                                         stop_limit_time_in_force="GTC")
    assert oco.list_order_status == "EXECUTING"
    fake_exchange.set_price("BTCUSDT", "31000")
    assert fake_exchange.client.get_order_list(order_list_id=oco.order_list_id).list_order_status == "ALL_DONE"
'''
SIGNED_CALL = '''\
import sys
from margin_client import HmacSigner, MarginClient
client = MarginClient(sys.argv[1], "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A",
                      HmacSigner("NhqPtmdSJYdKjVHjA7PZj4Mge3R5YNiP1e3UZjInClVN65XAbvqqM6A7H5fATj0j"))
client.sync_time()
print(client.get_account().trade_enabled, client.get_open_orders(symbol="BTCUSDT"))
'''


def _clean_env() -> dict[str, str]:
    """The environment without anything that would put this checkout on the path."""
    return {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}


def _run(args: list[str | Path], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=_clean_env(), capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{' '.join(map(str, args))} exited {done.returncode}:\n{done.stdout[-3000:]}" \
                                 f"\n{done.stderr[-3000:]}"
    return done


def _venv(where: Path) -> Path:
    """A fresh virtual environment without pip (this interpreter's pip installs into it)."""
    _run([sys.executable, "-m", "venv", "--without-pip", where], cwd=where.parent)
    return where / "bin"


def _pip_install(bin_dir: Path, *targets: str | Path) -> None:
    _run([sys.executable, "-m", "pip", "--python", bin_dir / "python", "install", "--quiet", *targets],
         cwd=bin_dir.parent)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("install")
    assert ROOT not in path.parents
    return path


@pytest.fixture(scope="module")
def artifacts(workspace: Path) -> dict[str, Path]:
    """The sdist, and the wheel ``python -m build`` makes from it, built from a copy of the sources."""
    source = workspace / "source"
    shutil.copytree(ROOT, source, ignore=_NOT_SOURCES)
    dist = workspace / "dist"
    _run([sys.executable, "-m", "build", "--outdir", dist, source], cwd=workspace)
    built = {"wheel": next(dist.glob("mock_exchange-*.whl")), "sdist": next(dist.glob("mock_exchange-*.tar.gz"))}
    shutil.rmtree(source)
    return built


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(request: pytest.FixtureRequest, artifacts: dict[str, Path], workspace: Path) -> Iterator[Path]:
    """A fresh venv with ``mock-exchange[pytest]`` installed from one artifact; its bin directory."""
    kind = str(request.param)
    bin_dir = _venv(workspace / f"venv-{kind}")
    _pip_install(bin_dir, f"{artifacts[kind]}[pytest]")
    yield bin_dir
    shutil.rmtree(bin_dir.parent, ignore_errors=True)


def _user_dir(workspace: Path, name: str) -> Path:
    path = workspace / name
    path.mkdir(exist_ok=True)
    return path


def test_the_packages_come_from_the_venv_not_the_checkout(installed: Path, workspace: Path) -> None:
    done = _run([installed / "python", "-c", "import mock_exchange, margin_client; "
                 "print(mock_exchange.__file__); print(margin_client.__file__)"], cwd=_user_dir(workspace, "user"))
    for line in done.stdout.splitlines():
        assert Path(line).is_relative_to(installed.parent), line


def test_version(installed: Path, workspace: Path) -> None:
    done = _run([installed / "mock-exchange", "--version"], cwd=_user_dir(workspace, "user"))
    assert done.stdout == f"mock-exchange {__version__}\n"


def test_serve_answers_health_and_a_signed_request_from_the_installed_client(installed: Path,
                                                                             workspace: Path) -> None:
    user = _user_dir(workspace, "user")
    process = subprocess.Popen([installed / "mock-exchange", "serve", "--port", "0", "--quiet"], cwd=user,
                               env=_clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        found = re.search(r"listening on (http://127\.0\.0\.1:\d+)", first)
        assert found, first + process.stderr.read() if process.poll() is not None else first
        url = found.group(1)
        assert requests.get(f"{url}/mock/v1/health", timeout=10).json() == {"status": "ok"}
        # The dashboard's files ship in the package: the page, its script, the vendored chart library.
        for path in (
            "/mock/ui/",
            "/mock/ui/static/app.js",
            "/mock/ui/static/vendor/lightweight-charts.standalone.production.js",
        ):
            assert requests.get(f"{url}{path}", timeout=10).status_code == 200, path
        (user / "signed_call.py").write_text(SIGNED_CALL, encoding="utf-8")
        assert _run([installed / "python", "signed_call.py", url], cwd=user).stdout == "True []\n"
        scenario = user / "cancel_one_leg.yaml"
        shutil.copy(ROOT / "scenarios" / "oco_cancel_one_leg.yaml", scenario)
        against = _run([installed / "mock-exchange", "scenario", "run", "--url", url, scenario], cwd=user)
        assert against.stdout.splitlines()[-1] == "1 passed, 0 failed"
    finally:
        process.terminate()
        process.communicate(timeout=15)


def test_scenario_run_in_process(installed: Path, workspace: Path) -> None:
    user = _user_dir(workspace, "user")
    scenario = user / "take_profit.yaml"
    shutil.copy(ROOT / "scenarios" / "oco_take_profit_hit.yaml", scenario)
    done = _run([installed / "mock-exchange", "scenario", "run", scenario], cwd=user)
    assert done.stdout.splitlines()[-1] == "1 passed, 0 failed"


def test_a_users_own_pytest_file_gets_fake_exchange_client(installed: Path, workspace: Path) -> None:
    project = _user_dir(workspace, "my-bot")
    (project / "test_my_bot.py").write_text(textwrap.dedent(USER_TEST), encoding="utf-8")
    done = _run([installed / "python", "-m", "pytest", "-q", "-p", "no:cacheprovider", "test_my_bot.py"],
                cwd=project)
    assert "1 passed" in done.stdout


def test_the_reference_client_installs_alone_without_the_server(workspace: Path) -> None:
    dist = workspace / "client-dist"
    _run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", dist, ROOT / "client"],
         cwd=workspace)
    bin_dir = _venv(workspace / "venv-client")
    _pip_install(bin_dir, next(dist.glob("*.whl")))  # its one dependency, requests, resolved for real
    done = _run([bin_dir / "python", "-c", "import sys, margin_client; from margin_client import MarginClient; "
                 "import importlib.util as u; print(u.find_spec('mock_exchange') is None, "
                 "'mock_exchange' in sys.modules)"], cwd=workspace)
    assert done.stdout == "True False\n"
