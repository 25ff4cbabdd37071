"""The shipped docker-compose.yml, brought up as a user would: healthy, serving, token enforced.

Uses the compose plugin (``docker compose``) when present, else the standalone
``docker-compose``. The project gets its own name and free 127.0.0.1 ports and is taken
down (containers and network) when the test ends.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from collections.abc import Iterator

import pytest

from tests.container.conftest import BASE_IMAGE_ENV, BUILD_TIMEOUT_S, ROOT, Container, get

pytestmark = pytest.mark.container


def compose_command() -> list[str] | None:
    plugin = subprocess.run(["docker", "compose", "version"], capture_output=True, text=True, timeout=60)
    if plugin.returncode == 0:
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ComposeProject:
    def __init__(self, command: list[str], env: dict[str, str]) -> None:
        self.base = [*command, "--project-name", f"mock-exchange-test-{uuid.uuid4().hex[:10]}",
                     "--file", str(ROOT / "docker-compose.yml")]
        self.env = env

    def run(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        result = subprocess.run([*self.base, *args], capture_output=True, text=True, env=self.env, timeout=timeout,
                                cwd=ROOT)
        assert result.returncode == 0, f"{' '.join(args)}: {result.stderr[-3000:]}"
        return result


@pytest.fixture
def compose_up(base_image: str, token: str) -> Iterator[tuple[ComposeProject, str]]:
    command = compose_command()
    if command is None:
        pytest.skip("no Docker Compose here (the compose plugin or Debian's docker-compose)")
    port = free_port()
    env = {**os.environ, "MOCK_EXCHANGE_CONTROL_TOKEN": token, BASE_IMAGE_ENV: base_image,
           "MOCK_EXCHANGE_PORT": str(port), "MOCK_EXCHANGE_WS_PORT": str(free_port())}
    project = ComposeProject(command, env)
    try:
        # The build reuses the layers the image tests built from the same Dockerfile and base.
        project.run("build", "exchange", timeout=BUILD_TIMEOUT_S)
        project.run("up", "--detach", "exchange")
        yield project, f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([*project.base, "down", "--timeout", "5"], capture_output=True, env=env, timeout=120, cwd=ROOT)


def test_compose_up_serves_a_healthy_exchange_with_the_token_from_the_environment(
        compose_up: tuple[ComposeProject, str], token: str) -> None:
    project, url = compose_up
    container_id = project.run("ps", "--quiet", "exchange").stdout.strip()
    container = Container(container_id, url, url)
    print(f"compose service healthy after {container.wait_healthy():.1f}s")
    assert get(f"{url}/api/v3/ping").json() == {}
    assert get(f"{url}/mock/v1/clock").status_code == 401
    assert get(f"{url}/mock/v1/clock", headers={"X-Mock-Token": token}).status_code == 200
    assert "0.0.0.0:8080" in project.run("logs", "exchange").stdout  # the banner names the bind address
