"""The container files, checked without a container engine: Dockerfile, docker-compose.yml, .dockerignore.

They must agree with the real CLI (every flag parses), the app (the healthcheck path answers
200) and the package (what the image installs is enough to start the default config).
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shlex
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
import yaml

from mock_exchange.cli import CONTROL_TOKEN_ENV, build_parser
from mock_exchange.config import DEFAULT_CONFIG_PATH
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
SERVE = ["mock-exchange", "serve", "--host", "0.0.0.0", "--port", "8080", "--ws-port", "8081"]
HEALTH_URL_RE = re.compile(r"https?://[^'\"\s]+")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, continuation lines joined, comments dropped."""
    text = (ROOT / "Dockerfile").read_text()
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    pairs = []
    for line in logical:
        keyword, _, rest = line.strip().partition(" ")
        pairs.append((keyword.upper(), rest.strip()))
    return pairs


def instruction(name: str) -> list[str]:
    return [rest for keyword, rest in dockerfile_instructions() if keyword == name]


def exec_form(text: str) -> list[str]:
    """A JSON-array (exec form) instruction argument; shell form is refused (no signals to PID 1)."""
    value = json.loads(text)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), text
    return value


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def service(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]["exchange"]


def health_command(service: dict[str, Any]) -> list[str]:
    test = service["healthcheck"]["test"]
    assert test[0] == "CMD", "exec form: the slim image runs it without a shell"
    return list(test[1:])


# -- docker-compose.yml ---------------------------------------------------------------------


def test_compose_builds_this_repository(service: dict[str, Any]) -> None:
    assert service["build"]["context"] == "."


def test_compose_passes_the_base_image_through_with_the_dockerfiles_default(service: dict[str, Any]) -> None:
    declared = next(rest for keyword, rest in dockerfile_instructions() if keyword == "ARG")
    name, _, default = declared.partition("=")
    assert service["build"]["args"][name] == "${MOCK_EXCHANGE_BASE_IMAGE:-" + default + "}"


def test_compose_publishes_on_loopback_unless_told_otherwise(service: dict[str, Any]) -> None:
    assert all(str(p).startswith("${MOCK_EXCHANGE_BIND:-127.0.0.1}:") for p in service["ports"])


def test_compose_command_parses_with_the_real_cli(service: dict[str, Any]) -> None:
    args = build_parser().parse_args(service["command"])
    assert (args.command, args.host, args.port) == ("serve", "0.0.0.0", 8080)


def test_compose_command_is_the_dockerfile_cmd(service: dict[str, Any]) -> None:
    assert service["command"] == exec_form(instruction("CMD")[-1])


def test_compose_publishes_the_served_port(service: dict[str, Any]) -> None:
    port = build_parser().parse_args(service["command"]).port
    published = [str(p).rsplit(":", 1)[-1] for p in service["ports"]]
    assert str(port) in published


def test_compose_passes_the_control_token_from_the_environment(service: dict[str, Any]) -> None:
    value = service["environment"][CONTROL_TOKEN_ENV]
    assert value.startswith("${" + CONTROL_TOKEN_ENV), "never a token written into the file"


def test_healthcheck_uses_the_interpreter_not_curl(service: dict[str, Any]) -> None:
    command = health_command(service)
    assert command[:2] == ["python", "-c"] and "urllib" in command[2]


def test_healthcheck_targets_the_served_port_and_a_path_the_app_serves(service: dict[str, Any]) -> None:
    url = HEALTH_URL_RE.search(health_command(service)[2]).group(0)  # type: ignore[union-attr]
    scheme_host, _, path = url.partition("//")[2].partition("/")
    assert scheme_host == f"127.0.0.1:{build_parser().parse_args(service['command']).port}"
    response = create_app().test_client().get("/" + path)
    assert response.status_code == 200


def _run_health(command: list[str], port: int) -> int:
    script = command[2].replace("127.0.0.1:8080", f"127.0.0.1:{port}")
    return subprocess.run([sys.executable, "-c", script], capture_output=True, timeout=30).returncode


def test_healthcheck_command_passes_on_a_live_server_and_fails_without_one(service: dict[str, Any]) -> None:
    command = health_command(service)
    with LiveServer(create_app()) as server:
        port = int(server.url.rsplit(":", 1)[1])
        assert _run_health(command, port) == 0
    assert _run_health(command, port) != 0


def test_compose_and_dockerfile_share_one_healthcheck(service: dict[str, Any]) -> None:
    (healthcheck,) = instruction("HEALTHCHECK")
    _, _, command = healthcheck.partition("CMD ")
    assert exec_form(command) == health_command(service)


# -- Dockerfile -----------------------------------------------------------------------------


def test_dockerfile_base_image_is_a_build_argument_defaulting_to_python_slim() -> None:
    (declared,) = [rest for keyword, rest in dockerfile_instructions()[:1] if keyword == "ARG"]
    name, _, default = declared.partition("=")
    assert default == "python:3.11-slim"
    assert instruction("FROM") == ["${" + name + "}"]


def test_dockerfile_installs_the_package_with_pip() -> None:
    assert any(re.search(r"\bpip install \.(\s|$)", run) for run in instruction("RUN"))


def test_dockerfile_runs_as_a_non_root_user() -> None:
    keywords = [keyword for keyword, _ in dockerfile_instructions()]
    users = instruction("USER")
    assert users and users[-1] not in ("root", "0", "0:0")
    assert keywords.index("USER") < keywords.index("ENTRYPOINT")


def test_dockerfile_exposes_the_http_and_websocket_ports() -> None:
    assert instruction("EXPOSE") == ["8080 8081"]


def test_dockerfile_entrypoint_and_cmd_are_mock_exchange_serve() -> None:
    command = exec_form(instruction("ENTRYPOINT")[-1]) + exec_form(instruction("CMD")[-1])
    assert command == SERVE
    build_parser().parse_args(command[1:])


def test_dockerfile_entrypoint_is_a_console_script_of_the_package() -> None:
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert exec_form(instruction("ENTRYPOINT")[-1])[0] in scripts


def test_dockerfile_copies_sources_the_dockerignore_keeps() -> None:
    ignored = [line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines()
               if line.strip() and not line.startswith("#")]
    for copy in instruction("COPY"):
        for source in shlex.split(copy)[:-1]:
            assert (ROOT / source).exists(), source
            assert not any(fnmatch.fnmatch(source, pattern) for pattern in ignored), source


def test_the_installed_package_carries_every_file_the_default_config_reads() -> None:
    """``pip install .`` (not -e) installs only declared package data: the key files must be in it."""
    package_data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    package = ROOT / "mock_exchange"
    shipped = {path for pattern in package_data.get("mock_exchange", []) for path in package.glob(pattern)}
    # The default config carries its keys inline (it works wherever it is copied) ...
    referenced = re.findall(r"_public_key:\s*(\S+)", DEFAULT_CONFIG_PATH.read_text())
    assert referenced and set(referenced) == {"|"}
    # ... and init-config copies the demo key pairs out of the package.
    from mock_exchange.init_config import DEMO_KEYS, KEY_FILES

    missing = [name for name in KEY_FILES if DEMO_KEYS / name not in shipped]
    assert not missing, f"add to [tool.setuptools.package-data] mock_exchange: {missing}"


# -- what the image installs is enough --------------------------------------------------------

# Run in a fresh interpreter with every module the image does not install made unimportable.
_IMAGE_PROBE = """
import importlib.abc, sys
blocked = set(sys.argv[1].split(","))

class NotInTheImage(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in blocked:
            raise ModuleNotFoundError(f"No module named {name!r} (not installed in the image)", name=name)
        return None

sys.meta_path.insert(0, NotInTheImage())
from mock_exchange.cli import build_parser
from mock_exchange.web.app import create_app
import waitress
build_parser().parse_args(sys.argv[2:])
assert create_app().test_client().get("/mock/v1/health").status_code == 200
"""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _installed_closure(requirements: list[str]) -> set[str]:
    """Distributions ``pip install`` of ``requirements`` brings in (without extras), as found here."""
    from importlib import metadata

    from packaging.requirements import Requirement

    seen: set[str] = set()
    todo = [Requirement(r) for r in requirements]
    while todo:
        requirement = todo.pop()
        name = _canonical(requirement.name)
        if name in seen or (requirement.marker is not None and not requirement.marker.evaluate({"extra": ""})):
            continue
        seen.add(name)
        try:
            todo.extend(Requirement(r) for r in metadata.requires(name) or [])
        except metadata.PackageNotFoundError:
            continue
    return seen


def image_requirements() -> list[str]:
    """What the Dockerfile's ``pip install`` line installs: this project and any local paths, no extras."""
    (install,) = [run for run in instruction("RUN") if "pip install" in run]
    targets = install.split("pip install", 1)[1].split("&&", 1)[0].split()
    names = []
    for target in targets:
        project = tomllib.loads((ROOT / target / "pyproject.toml").read_text())["project"]
        names += [project["name"], *project.get("dependencies", [])]
    return names


def test_serve_needs_only_what_the_image_installs(service: dict[str, Any]) -> None:
    from importlib import metadata

    image = _installed_closure(image_requirements())
    blocked = sorted(module for module, dists in metadata.packages_distributions().items()
                     if not {_canonical(d) for d in dists} & image and not module.startswith("_")
                     and module.isidentifier())
    assert "pytest" in blocked and "mock_exchange" not in blocked
    probe = subprocess.run([sys.executable, "-c", _IMAGE_PROBE, ",".join(blocked), *service["command"]],
                           capture_output=True, text=True, timeout=60)
    assert probe.returncode == 0, probe.stderr[-2000:]


# -- the control token from the environment ------------------------------------------------------


def test_control_token_defaults_to_the_environment_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "from-env")
    assert build_parser().parse_args(["serve"]).control_token == "from-env"
    assert build_parser().parse_args(["serve", "--control-token", "flag"]).control_token == "flag"
    monkeypatch.setenv(CONTROL_TOKEN_ENV, "")
    assert build_parser().parse_args(["serve"]).control_token is None


@pytest.fixture
def served_with_env_token() -> Iterator[str]:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, CONTROL_TOKEN_ENV: "ci-secret"}
    process = subprocess.Popen([sys.executable, "-m", "mock_exchange", "serve", "--port", str(port)], env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 20
        while True:
            try:
                requests.get(f"{url}/mock/v1/health", timeout=1)
                break
            except (requests.ConnectionError, requests.Timeout):  # refused, or accepted but not answering yet
                if process.poll() is not None or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)  # waiting for the port to open, not timing anything
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_served_control_api_requires_the_token_from_the_environment(served_with_env_token: str) -> None:
    url = f"{served_with_env_token}/mock/v1/clock"
    assert requests.get(url, timeout=5).status_code == 401
    assert requests.get(url, headers={"X-Mock-Token": "ci-secret"}, timeout=5).status_code == 200
