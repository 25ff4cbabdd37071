"""The image, built and run: fixtures for the ``container`` tests (``make test-container``).

Skipped, with the reason, when no Docker engine answers. The base image is
``$MOCK_EXCHANGE_BASE_IMAGE`` (e.g. ``python:3.11-slim`` where a registry is reachable); by
default a Debian base built here from Debian packages (``local_base.py``). Containers publish
their ports on 127.0.0.1 only, on ports Docker picks, and are removed when their test ends.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.container import local_base

ROOT = Path(__file__).resolve().parents[2]
BASE_IMAGE_ENV = "MOCK_EXCHANGE_BASE_IMAGE"
IMAGE_TAG = "mock-exchange:test"
HEALTHY_DEADLINE_S = 90
BUILD_TIMEOUT_S = 900


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check and result.returncode:
        raise AssertionError(f"docker {' '.join(args)} failed ({result.returncode}): {result.stderr.strip()[-2000:]}")
    return result


@pytest.fixture(scope="session")
def docker_engine() -> None:
    if shutil.which("docker") is None:
        pytest.skip("no docker command (install a Docker engine, e.g. Debian's docker.io, and start dockerd)")
    info = subprocess.run(["docker", "info", "--format", "{{.ServerVersion}}"], capture_output=True, text=True,
                          timeout=60)
    if info.returncode or not info.stdout.strip():
        said = (info.stderr or info.stdout).strip().splitlines()
        pytest.skip(f"no Docker engine reachable ({said[-1] if said else f'docker info exit {info.returncode}'})")


@pytest.fixture(scope="session")
def base_image(docker_engine: None) -> str:
    tag = os.environ.get(BASE_IMAGE_ENV) or local_base.LOCAL_BASE_TAG
    if tag == local_base.LOCAL_BASE_TAG:
        try:
            local_base.ensure(tag)
        except local_base.BaseImageError as exc:
            pytest.skip(f"cannot build the local base image ({exc}); set {BASE_IMAGE_ENV}=python:3.11-slim "
                        "where a registry is reachable")
    return tag


@pytest.fixture(scope="session")
def image(base_image: str) -> str:
    """The project's Dockerfile, built on ``base_image`` (host network: pip reaches the index as the host does)."""
    docker("build", "--network", "host", "--build-arg", f"BASE_IMAGE={base_image}", "--tag", IMAGE_TAG, str(ROOT),
           timeout=BUILD_TIMEOUT_S)
    return IMAGE_TAG


@dataclass
class Container:
    id: str
    url: str
    ws_url: str

    def health(self) -> str:
        state = json.loads(docker("inspect", "--format", "{{json .State}}", self.id).stdout)
        if not state.get("Running"):
            raise AssertionError(f"the container stopped (exit {state.get('ExitCode')}):\n{self.logs()}")
        return str(state.get("Health", {}).get("Status", "none"))

    def wait_healthy(self, deadline_s: float = HEALTHY_DEADLINE_S) -> float:
        """Seconds until Docker's health check reports ``healthy``."""
        started = time.monotonic()
        while (status := self.health()) != "healthy":
            if time.monotonic() - started > deadline_s:
                raise AssertionError(f"still {status!r} after {deadline_s}s:\n{self.logs()}")
            time.sleep(0.2)  # polling Docker's health state, not timing anything
        return time.monotonic() - started

    def logs(self) -> str:
        result = docker("logs", self.id, check=False)
        return result.stdout + result.stderr

    def exec_python(self, code: str) -> subprocess.CompletedProcess[str]:
        return docker("exec", self.id, "python", "-c", code, check=False)


def published(container_id: str, port: int) -> str:
    """``127.0.0.1:<host port>`` Docker picked for the container's ``port``."""
    lines = docker("port", container_id, f"{port}/tcp").stdout.split()
    return next(line for line in lines if line.startswith("127.0.0.1:"))


@pytest.fixture
def run_container(image: str) -> Iterator[Callable[..., Container]]:
    """Starts the image (its default command) with the given environment; removes it afterwards."""
    started: list[str] = []

    def run(env: dict[str, str] | None = None) -> Container:
        name = f"mock-exchange-test-{uuid.uuid4().hex[:12]}"
        flags = [flag for key, value in (env or {}).items() for flag in ("--env", f"{key}={value}")]
        container_id = docker("run", "--detach", "--name", name, "--publish", "127.0.0.1::8080",
                              "--publish", "127.0.0.1::8081", *flags, image).stdout.strip()
        started.append(container_id)
        return Container(container_id, f"http://{published(container_id, 8080)}",
                         f"http://{published(container_id, 8081)}")

    yield run
    for container_id in started:
        docker("rm", "--force", container_id, check=False)


@pytest.fixture
def token() -> str:
    return secrets.token_urlsafe(16)


@pytest.fixture
def exchange(run_container: Callable[..., Container], token: str) -> Container:
    """A healthy container whose control token is ``token`` (from ``MOCK_EXCHANGE_CONTROL_TOKEN``)."""
    container = run_container({"MOCK_EXCHANGE_CONTROL_TOKEN": token})
    container.wait_healthy()
    return container


def get(url: str, **kwargs: object) -> requests.Response:
    return requests.get(url, timeout=10, **kwargs)  # type: ignore[arg-type]
