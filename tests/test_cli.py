"""The ``mock-exchange`` command as a user meets it: real processes, their exit codes and output."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from mock_exchange import __version__
from mock_exchange.cli import build_parser
from mock_exchange.config import DEFAULT_CONFIG_PATH, load_config

ROOT = Path(__file__).resolve().parents[1]
COMMAND = [sys.executable, "-m", "mock_exchange"]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*COMMAND, *args], capture_output=True, text=True, timeout=60, cwd=cwd)


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something else is listening on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        yield sock.getsockname()[1]


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, result
    assert result.stdout == "", "nothing (no banner, no 'listening') before the error"
    assert result.stderr.count("\n") == 1 and result.stderr.endswith("\n"), result.stderr
    assert "Traceback" not in result.stderr
    for fragment in fragments:
        assert fragment in result.stderr


def test_version() -> None:
    result = run("--version")
    assert (result.returncode, result.stdout) == (0, f"mock-exchange {__version__}\n")


def test_a_port_in_use_is_one_line_and_exit_2(taken_port: int) -> None:
    assert_one_line_error(run("serve", "--port", str(taken_port)),
                          f"mock-exchange serve: cannot listen on 127.0.0.1:{taken_port}: address already in use")


def test_a_ws_port_in_use_is_one_line_and_exit_2(taken_port: int) -> None:
    assert_one_line_error(run("serve", "--port", "0", "--ws-port", str(taken_port)),
                          f"cannot listen on 127.0.0.1:{taken_port}: address already in use", "--ws-port")


@pytest.mark.parametrize("port", ["99999", "-1", "http"])
def test_a_bad_port_is_one_line_and_exit_2(port: str) -> None:
    assert_one_line_error(run("serve", "--port", port), "mock-exchange serve: argument --port: ", "not a port number")


def test_an_address_this_machine_does_not_have_is_one_line() -> None:
    # 192.0.2.0/24 is reserved for documentation: no machine has it.
    assert_one_line_error(run("serve", "--host", "192.0.2.1", "--port", "0"),
                          "cannot listen on 192.0.2.1:0: this machine has no such address")


def test_a_host_name_that_does_not_resolve_is_one_line() -> None:
    assert_one_line_error(run("serve", "--host", "no-such-host.invalid", "--port", "0"),
                          "unknown host 'no-such-host.invalid'")


def test_bad_threads_and_unknown_commands_are_one_line() -> None:
    assert_one_line_error(run("serve", "--threads", "0"), "--threads")
    assert_one_line_error(run("launch"), "invalid choice: 'launch'", "(see mock-exchange --help)")


def test_the_banner_lists_every_url_and_how_to_stop() -> None:
    # PYTHONFAULTHANDLER: a server that does not stop is made to print every thread's stack.
    process = subprocess.Popen([*COMMAND, "serve", "--port", "0", "--ws-port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "PYTHONFAULTHANDLER": "1"})
    try:
        assert process.stdout is not None
        banner = [process.stdout.readline() for _ in range(8)]
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", banner[0]).group(1)  # type: ignore[union-attr]
        ws = re.search(r"(ws://127\.0\.0\.1:\d+)/ws-api/v3", banner[2]).group(1)  # type: ignore[union-attr]
        assert banner[1] == f"  Binance API   {url}/api/v3/...  {url}/sapi/v1/...\n"
        assert banner[2] == f"  WebSockets    {ws}/ws-api/v3  {ws}/ws/<listenKey>\n"
        assert banner[3] == f"  control API   {url}/mock/v1/\n"
        assert banner[4] == f"  health        {url}/mock/v1/health\n"
        assert banner[5] == f"  dashboard     {url}/mock/ui/\n"
        assert banner[6].startswith(
            "  demo account  API key vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
        )
        assert banner[7] == "Press Ctrl+C to stop.\n"
        # Every URL printed answers.
        assert requests.get(f"{url}/mock/v1/health", timeout=5).json() == {"status": "ok"}
        assert requests.get(f"{url}/api/v3/ping", timeout=5).json() == {}
        assert requests.get(f"{url}/mock/ui/", timeout=5).status_code == 200
        assert requests.get(f"{url}/mock/v1/", timeout=5).status_code == 200
        assert requests.get(f"{ws.replace('ws://', 'http://')}/api/v3/ping", timeout=5).json() == {}
        process.send_signal(signal.SIGINT)  # what Ctrl+C sends
        try:
            out, err = process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGABRT)
            out, err = process.communicate()
            pytest.fail(f"the server did not stop within 15 s of SIGINT; its threads:\n{err[-6000:]}")
        assert process.returncode == 0 and "Traceback" not in out + err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # as a shell starts `mock-exchange serve &`


def test_sigint_stops_a_server_started_with_sigint_ignored() -> None:
    process = subprocess.Popen([*COMMAND, "serve", "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, preexec_fn=_ignore_sigint)
    try:
        assert process.stdout is not None
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", process.stdout.readline()).group(1)  # type: ignore[union-attr]
        assert requests.get(f"{url}/api/v3/ping", timeout=5).json() == {}
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=15)
        assert process.returncode == 0 and "Traceback" not in out + err
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


# -- help --------------------------------------------------------------------------------


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in action.choices.values():
                yield from _parsers(sub)


def test_every_option_has_help_with_its_default() -> None:
    missing = []
    for parser in _parsers(build_parser()):
        for action in parser._actions:
            if isinstance(action, (argparse._HelpAction, argparse._VersionAction, argparse._SubParsersAction)):
                continue
            text = action.help or ""
            if not text or (action.option_strings and "default" not in text and not action.required):
                missing.append(f"{parser.prog} {'/'.join(action.option_strings) or action.dest}")
    assert not missing


def test_help_is_plain_text() -> None:
    for parser in _parsers(build_parser()):
        text = parser.format_help()
        assert "``" not in text and ":class:" not in text and ":func:" not in text, parser.prog


def test_the_readme_command_summary_lists_every_command_and_option() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"Every command and option.*?```text\n(.*?)```", readme, re.S)
    assert block, "README: the command summary block"
    summary: dict[str, str] = {}
    current = ""
    for line in block.group(1).splitlines():
        if line.startswith("mock-exchange"):
            words = line.split()
            current = " ".join(w for w in words[1:3] if w.islower() and not w.startswith(("-", "[")))
            summary[current] = line
        else:
            summary[current] += " " + line.strip()
    missing = []
    for parser in _parsers(build_parser()):
        name = parser.prog.removeprefix("mock-exchange").strip()
        options = [s for a in parser._actions if not isinstance(a, argparse._HelpAction) for s in a.option_strings]
        if name not in summary:
            if any(isinstance(a, argparse._SubParsersAction) for a in parser._actions) and not options:
                continue  # `mock-exchange scenario`: only a group of commands
            missing.append(f"the command `mock-exchange {name}`")
            continue
        missing += [f"{name} {option}" for option in options
                    if not re.search(rf"(?<![\w-]){option}(?![\w-])", summary[name])]
    assert not missing, f"README command summary lacks: {missing}"


# -- configs that work wherever they are ---------------------------------------------------


def test_the_default_config_works_wherever_it_is_copied(tmp_path: Path) -> None:
    copied = tmp_path / "elsewhere" / "my-exchange.yaml"
    copied.parent.mkdir()
    shutil.copy(DEFAULT_CONFIG_PATH, copied)
    result = run("check-config", str(copied), cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, f"{copied}: OK (4 symbols, 5 accounts)\n"), result.stderr
    assert load_config(copied).accounts == load_config(None).accounts


def test_init_config_writes_a_config_and_its_keys_that_move_together(tmp_path: Path) -> None:
    result = run("init-config", "exchange", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    written = tmp_path / "exchange" / "mock-exchange.yaml"
    assert "wrote exchange/mock-exchange.yaml\n" in result.stdout
    assert "start it with: mock-exchange serve --config exchange/mock-exchange.yaml" in result.stdout
    assert "rsa_public_key: keys/demo-rsa-public.pem" in written.read_text(encoding="utf-8")
    assert sorted(p.name for p in (tmp_path / "exchange" / "keys").iterdir()) == [
        "demo-ed25519-private.pem", "demo-ed25519-public.pem", "demo-rsa-private.pem", "demo-rsa-public.pem"]
    # Moved away and read from another working directory: key paths follow the config file.
    moved = tmp_path / "moved"
    shutil.move(tmp_path / "exchange", moved)
    assert run("check-config", str(moved / "mock-exchange.yaml"), cwd=ROOT).returncode == 0
    assert load_config(moved / "mock-exchange.yaml").accounts == load_config(None).accounts
    # Refuses to overwrite unless told to.
    again = run("init-config", str(moved), cwd=tmp_path)
    assert again.returncode == 2 and "already exists (--force overwrites)" in again.stderr
    assert again.stderr.count("\n") == 1
    assert run("init-config", str(moved), "--force", cwd=tmp_path).returncode == 0


def test_a_server_started_on_an_init_config_signs_with_its_rsa_key(tmp_path: Path) -> None:
    from margin_client import MarginClient, RsaSigner

    assert run("init-config", str(tmp_path / "cfg")).returncode == 0
    config = load_config(tmp_path / "cfg" / "mock-exchange.yaml")
    rsa = next(a for a in config.accounts if a.name == "demo-rsa")
    process = subprocess.Popen(
        [*COMMAND, "serve", "--port", "0", "--config", str(tmp_path / "cfg" / "mock-exchange.yaml")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=tmp_path,
    )
    try:
        assert process.stdout is not None
        url = re.search(r"http://127\.0\.0\.1:\d+", process.stdout.readline()).group(0)  # type: ignore[union-attr]
        signer = RsaSigner((tmp_path / "cfg" / "keys" / "demo-rsa-private.pem").read_bytes())
        with MarginClient(url, rsa.api_key, signer) as client:
            assert client.get_open_orders(symbol="BTCUSDT") == []
    finally:
        process.terminate()
        process.communicate(timeout=15)
