"""docs/examples/github-actions.yml, checked without GitHub: valid YAML, and every command it runs exists.

Each ``run:`` line is split as the shell would and handed to a checker for its program:
``mock-exchange`` lines parse with the real CLI parser, ``pytest`` options are the plugin's,
``pip install`` targets are this project's directories and extras, ``curl`` asks for a path
the app serves on the port the job started, ``docker compose`` uses the shipped compose file
and its services. A program without a checker fails the test, so nothing in the example goes
unchecked.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import socket
import subprocess
import sys
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml

from mock_exchange import pytest_plugin
from mock_exchange.cli import CONTROL_TOKEN_ENV, build_parser
from mock_exchange.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "docs" / "examples" / "github-actions.yml"
CHECKOUT = "mock-exchange"  # where the example checks this project out, next to the user's code
ACTION = re.compile(r"^[\w.-]+/[\w.-]+@v\d+$")
COMPOSE_DEFAULT = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")


@dataclass
class Job:
    """What the steps so far have set up: ports served, files written, a checkout of this project."""

    name: str
    spec: dict[str, Any]
    ports: set[int] = field(default_factory=set)
    files: set[str] = field(default_factory=set)
    checked_out: bool = False


def load() -> dict[str, Any]:
    return yaml.safe_load(WORKFLOW.read_text())


def jobs() -> list[str]:
    return list(load()["jobs"])


def project_path(path: str, job: Job) -> Path:
    assert job.checked_out, f"{job.name}: {path} before the checkout of mock-exchange"
    return ROOT / Path(path.removeprefix("./")).relative_to(CHECKOUT)


def plugin_options() -> set[str]:
    names: set[str] = set()

    class Group:
        def addoption(self, name: str, **_: Any) -> None:
            names.add(name)

    class Parser:
        def getgroup(self, *_: Any) -> Group:
            return Group()

        def addini(self, *_: Any, **__: Any) -> None:
            pass

    pytest_plugin.pytest_addoption(Parser())  # type: ignore[arg-type]
    return names


def compose_file() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def dockerfile_exposed() -> set[int]:
    exposed = [line.split()[1:] for line in (ROOT / "Dockerfile").read_text().splitlines() if line.startswith("EXPOSE")]
    return {int(port) for ports in exposed for port in ports}


def project_requirements() -> set[str]:
    names = set()
    for pyproject in (ROOT / "pyproject.toml", ROOT / "client" / "pyproject.toml"):
        project = tomllib.loads(pyproject.read_text())["project"]
        requirements = project.get("dependencies", []) + [
            r for extra in project.get("optional-dependencies", {}).values() for r in extra]
        names |= {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower() for r in requirements}
    return names


# -- the checkers, one per program ----------------------------------------------------------------


def check_pip(args: list[str], job: Job) -> None:
    assert args[0] == "install", args
    for target in args[1:]:
        assert not target.startswith("-"), f"{target}: keep the example's pip lines plain"
        path, _, extras = target.partition("[")
        if path.startswith(("./", CHECKOUT)):
            directory = project_path(path, job)
            project = tomllib.loads((directory / "pyproject.toml").read_text())["project"]
            wanted = set(extras.rstrip("]").split(",")) - {""}
            assert wanted <= set(project.get("optional-dependencies", {})), f"{target}: no such extra"
        else:
            assert target.lower() in project_requirements(), f"{target}: not a requirement this project names"


def check_pytest(args: list[str], job: Job) -> None:
    options = plugin_options()
    values = iter(args)
    for arg in values:
        assert arg in options, f"pytest {arg}: not an option of the mock-exchange plugin ({sorted(options)})"
        value = next(values)
        if arg == "--fake-exchange-url":
            check_served_url(value, job, needs_path=False)
        if arg == "--fake-exchange-seed":
            assert value.isdigit()


def check_served_url(url: str, job: Job, needs_path: bool = True) -> None:
    parts = urlsplit(url)
    assert parts.hostname == "127.0.0.1" and parts.port in job.ports, f"{url}: nothing started on that port"
    if needs_path:
        assert create_app().test_client().get(parts.path).status_code == 200, f"{parts.path}: not served"


def check_mock_exchange(args: list[str], job: Job) -> None:
    parsed = build_parser().parse_args(args)
    if parsed.command == "serve":
        job.ports.add(parsed.port)


def check_curl(args: list[str], job: Job) -> None:
    urls = [arg for arg in args if arg.startswith("http")]
    assert len(urls) == 1, args
    check_served_url(urls[0], job)


def check_cat(args: list[str], job: Job) -> None:
    assert set(args) <= job.files, f"cat {args}: written by no earlier step"


def check_docker(args: list[str], job: Job) -> None:
    assert args[:2] == ["compose", "--file"], f"docker {args}: the example uses the shipped compose file"
    assert project_path(args[2], job) == ROOT / "docker-compose.yml"
    command, *rest = args[3:]
    services = compose_file()["services"]
    named = [arg for arg in rest if not arg.startswith("--")]
    assert named and set(named) <= set(services), named
    if command == "up":
        assert set(rest) - set(named) <= {"--detach", "--wait"}
        for name in named:
            assert "--wait" not in rest or "healthcheck" in services[name], "--wait needs a health check"
            for mapping in services[name]["ports"]:
                host_port = COMPOSE_DEFAULT.sub(lambda m: m.group(1), str(mapping)).split(":")[-2]
                job.ports.add(int(host_port))
    else:
        assert command == "logs" and rest == named


CHECKERS: dict[str, Callable[[list[str], Job], None]] = {
    "pip": check_pip, "pytest": check_pytest, "mock-exchange": check_mock_exchange, "curl": check_curl,
    "cat": check_cat, "docker": check_docker,
}


def check_command(line: str, job: Job) -> None:
    words = shlex.split(line)
    if words[-1] == "&":
        words.pop()
    if words[0] == "nohup":
        words.pop(0)
    if "2>&1" in words:
        words.remove("2>&1")
    while ">" in words:
        at = words.index(">")
        job.files.add(words[at + 1])
        del words[at:at + 2]
    program, *args = words
    assert program in CHECKERS, f"{job.name}: {program!r} has no checker: {line}"
    CHECKERS[program](args, job)


def check_service_containers(job: Job) -> None:
    for service in job.spec.get("services", {}).values():
        assert CONTROL_TOKEN_ENV in service.get("env", {})
        for mapping in service.get("ports", []):
            host, _, container = str(mapping).rpartition(":")
            assert int(container) in dockerfile_exposed()
            job.ports.add(int(host.rpartition(":")[2]))


# -- the tests ------------------------------------------------------------------------------------


def test_the_workflow_is_valid_yaml_with_a_trigger_and_jobs() -> None:
    workflow = load()
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert triggers and workflow["jobs"]
    assert workflow["env"][CONTROL_TOKEN_ENV]


@pytest.mark.parametrize("name", jobs())
def test_every_step_of_the_job_uses_a_real_action_or_runs_commands_that_exist(name: str) -> None:
    job = Job(name, load()["jobs"][name])
    assert job.spec["runs-on"] and job.spec["steps"]
    check_service_containers(job)
    for step in job.spec["steps"]:
        assert ("uses" in step) != ("run" in step), step
        if "uses" in step:
            assert ACTION.match(step["uses"]), step["uses"]
            if step.get("with", {}).get("path") == CHECKOUT:
                assert step["with"]["repository"] == "${{ vars.MOCK_EXCHANGE_REPOSITORY }}"
                job.checked_out = True
            continue
        for line in step["run"].splitlines():
            if line.strip():
                check_command(line, job)


def test_every_job_installs_the_package_with_the_pytest_extra_the_fixtures_need() -> None:
    for name in load()["jobs"]:
        installs = [shlex.split(line) for line in run_lines(name) if line.startswith("pip install")]
        assert [f"./{CHECKOUT}[pytest]"] in [words[2:] for words in installs], name


def test_the_checker_refuses_what_does_not_exist() -> None:
    job = Job("probe", {}, ports={8080}, checked_out=True)
    for line in ("mock-exchange serve --no-such-flag", "pytest --fake-exchange-nothing x", "make deploy",
                 "pip install ./mock-exchange[no-such-extra]", "curl http://127.0.0.1:8080/mock/v1/nothing",
                 "curl http://127.0.0.1:9999/mock/v1/health", "cat never-written.log",
                 "docker compose --file mock-exchange/docker-compose.yml up --detach bot"):
        with pytest.raises((AssertionError, SystemExit)):
            check_command(line, job)


# -- the plugin and server jobs, run here ----------------------------------------------------------

USER_TEST = '''
def test_a_take_profit_fill_completes_the_oco(fake_exchange):
    oco = fake_exchange.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.001", price="31000",
                                         stop_price="29000", stop_limit_price="28900",
                                         stop_limit_time_in_force="GTC")
    fake_exchange.set_price("BTCUSDT", "31000")
    assert fake_exchange.client.get_order_list(order_list_id=oco.order_list_id).list_order_status == "ALL_DONE"
'''


def run_lines(name: str) -> list[str]:
    steps = load()["jobs"][name]["steps"]
    return [line for step in steps if "run" in step for line in step["run"].splitlines() if line.strip()]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def runner_env(tmp_path: Path) -> dict[str, str]:
    """The job's environment on this machine: the workflow's env, this interpreter's scripts first on PATH."""
    (tmp_path / "test_bot.py").write_text(USER_TEST)
    scripts = str(Path(sys.executable).parent)
    return {**os.environ, **{k: str(v) for k, v in load()["env"].items()},
            "PATH": scripts + os.pathsep + os.environ.get("PATH", "")}


def test_the_plugin_jobs_test_step_passes_a_users_test(tmp_path: Path, runner_env: dict[str, str]) -> None:
    (line,) = [line for line in run_lines("plugin") if line.startswith("pytest")]
    result = subprocess.run(shlex.split(line) + ["-p", "no:cacheprovider"], cwd=tmp_path, env=runner_env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
    assert "1 passed" in result.stdout


def test_the_server_jobs_steps_start_wait_for_and_test_against_a_server(tmp_path: Path,
                                                                       runner_env: dict[str, str]) -> None:
    """Every step but the install (this environment has it), with the job's ports swapped for free ones."""
    if shutil.which("curl") is None:
        pytest.skip("no curl here to run the job's health wait")
    ports = {"8080": str(free_port()), "8081": str(free_port())}
    lines = [re.sub(r"\b(8080|8081)\b", lambda m: ports[m.group(1)], line) for line in run_lines("server")
             if not line.startswith(("pip install", "cat "))]
    start, wait, test = lines
    words = shlex.split(start)
    assert (words[0], words[-1], words[-4:-1]) == ("nohup", "&", [">", "exchange.log", "2>&1"])
    with (tmp_path / "exchange.log").open("w") as log:
        server = subprocess.Popen(words[1:-4], cwd=tmp_path, env=runner_env, stdout=log, stderr=subprocess.STDOUT)
    try:
        waited = subprocess.run(shlex.split(wait), env=runner_env, capture_output=True, text=True, timeout=60)
        assert waited.returncode == 0 and json.loads(waited.stdout) == {"status": "ok"}, waited.stderr
        result = subprocess.run(shlex.split(test) + ["-p", "no:cacheprovider"], cwd=tmp_path, env=runner_env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stdout[-3000:] + (tmp_path / "exchange.log").read_text()[-2000:]
        assert "1 passed" in result.stdout
    finally:
        server.terminate()
        server.wait(timeout=10)
