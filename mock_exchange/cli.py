"""The ``mock-exchange`` command: ``serve``, ``check-config``, ``scenario run`` and ``parity``."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import ipaddress
import os
import secrets
import sys
from collections.abc import Sequence

from mock_exchange.config import ConfigError, ExchangeConfig, load_config
from mock_exchange.control.token import token_problem

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
CONTROL_TOKEN_ENV = "MOCK_EXCHANGE_CONTROL_TOKEN"


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "check-config":
        return _check_config(args.config)
    return int(args.run(args))


def build_parser() -> argparse.ArgumentParser:
    """The ``mock-exchange`` argument parser (also read by tests of the container files)."""
    parser = argparse.ArgumentParser(prog="mock-exchange", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the fake exchange over HTTP")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--config", help="YAML or JSON config file (default: the built-in demo config)")
    serve.add_argument("--seed", type=int, help="seed for ids and generated client order ids")
    # From the environment by default, so a container's token never shows in `ps` or the compose file.
    serve.add_argument("--control-token", default=os.environ.get(CONTROL_TOKEN_ENV) or None,
                       help=f"token the control API requires (default: ${CONTROL_TOKEN_ENV}; generated when "
                            "binding beyond loopback without one)")
    serve.add_argument("--threads", type=int, default=8, help="WSGI worker threads")
    serve.add_argument("--snapshot-dir", help="the only directory state/save and state/load may use "
                                              "(default: the current directory)")
    serve.add_argument("--no-explain-header", action="store_true",
                       help="no X-Mock-Explain header on rejections (the journal and the log still explain)")
    serve.add_argument("--log-format", choices=("text", "json"), default="text",
                       help="request log lines as text or JSON lines (default: text)")
    serve.add_argument("--quiet", action="store_true", help="no request log on the console")
    serve.add_argument("--log-file", metavar="PATH", help="also append the request log to PATH (rotated to "
                                                          "PATH.1 at 100 MB)")
    serve.add_argument("--state-file", help="keep the exchange state in this file across restarts "
                                            "(restored on start, written after changes and on stop)")
    serve.add_argument("--state-interval-ms", type=int, help="write the state file at most this often "
                                                             "(default: 1000)")
    serve.add_argument("--ws-port", type=int, help="also serve everything on this port with WebSockets "
                                                   "(user data stream: /ws/<listenKey>, /ws-api/v3)")

    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("config")

    _add_scenario_commands(commands)
    _add_parity_command(commands)
    return parser


def _add_scenario_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from mock_exchange.scenario.cli import add_scenario_commands

    add_scenario_commands(commands)


def _add_parity_command(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from mock_exchange.parity.cli import add_parity_command

    add_parity_command(commands)


def _load(path: str | None) -> ExchangeConfig | None:
    try:
        return load_config(path)
    except ConfigError as exc:
        sys.stderr.write(f"mock-exchange: config error: {exc}\n")
        return None


def _check_config(path: str) -> int:
    config = _load(path)
    if config is None:
        return 2
    sys.stdout.write(f"{path}: OK ({len(config.symbols)} symbols, {len(config.accounts)} accounts)\n")
    return 0


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(args: argparse.Namespace) -> int:
    config = _load(args.config)
    if config is None:
        return 2
    if args.no_explain_header:
        config = dataclasses.replace(config, explain_header=False)
    token = args.control_token or config.control_token
    if token is not None and token_problem(token):
        sys.stderr.write(f"mock-exchange: config error: control token {token_problem(token)}\n")
        return 2
    generated = token is None and not is_loopback(args.host)
    if generated:
        # Beyond loopback anyone could steer the exchange: require a token, and say it once.
        token = secrets.token_urlsafe(24)
    from waitress import serve

    from mock_exchange.serving import waitress_options
    from mock_exchange.web.app import create_app

    snapshot_dir = os.path.abspath(args.snapshot_dir or os.getcwd())
    from mock_exchange.web.request_log import RequestLog

    try:
        request_log = RequestLog.for_console(args.log_format, quiet=args.quiet, path=args.log_file)
    except OSError as exc:
        sys.stderr.write(f"mock-exchange: --log-file {args.log_file}: {exc.strerror}\n")
        return 2
    app = create_app(config, seed=args.seed, control_token=token, snapshot_dir=snapshot_dir,
                     request_log=request_log)
    writer = _start_persistence(app, args, config)
    if writer is False:
        return 2
    _tune_gc()
    _banner(config, args.host, args.port, token, token_generated=generated, show_demo_secret=args.config is None)
    if args.ws_port is not None:
        _serve_websockets(app, args.host, args.ws_port)
    try:
        serve(app, host=args.host, port=args.port, _quiet=True, **waitress_options(args.threads))
    finally:
        if writer is not None:
            writer.stop()  # after the last request: nothing acknowledged is left unwritten
            writer.state_file.release()
    return 0


def _start_persistence(app: object, args: argparse.Namespace, config: ExchangeConfig) -> object:
    """The state-file writer (``--state-file`` or the config's ``state_file``), None, or False on error."""
    path = args.state_file or config.state_file
    if path is None:
        return None
    from mock_exchange.persistence import DEFAULT_INTERVAL_MS, StateFileError, start_persistence, stop_on_sigterm

    interval = args.state_interval_ms if args.state_interval_ms is not None else (
        config.state_interval_ms or DEFAULT_INTERVAL_MS)
    if interval < 1:
        sys.stderr.write("mock-exchange: --state-interval-ms must be at least 1\n")
        return False
    exchange = app.extensions["mock_exchange"].exchange  # type: ignore[attr-defined]
    try:
        writer = start_persistence(exchange, path, interval)
    except StateFileError as exc:
        sys.stderr.write(f"mock-exchange: state file error: {exc}\n")
        return False
    stop_on_sigterm()
    sys.stdout.write(f"state file: {writer.state_file.path} (written at most every {interval} ms and on stop)\n")
    return writer


def _tune_gc() -> None:
    """A long-lived server: start-up objects out of the collector's sight, young collections 10x rarer.

    Every request allocates many short-lived containers while orders, events and the journal
    pile up; with Python's defaults the full collections that rescan all of them cost ~6 % of
    the CPU under load, ~2.5 % with this (benchmarks/README.md). Only the server process is
    tuned: ``create_app`` leaves the garbage collector of a test process alone.
    """
    gc.collect()
    gc.freeze()
    gc.set_threshold(7000, 10, 10)


def _serve_websockets(app: object, host: str, port: int) -> None:
    """werkzeug's threaded server next to waitress, which cannot hand a connection to a WebSocket."""
    from mock_exchange.web.user_stream_ws import WebSocketServer

    server = WebSocketServer(app, host, port).start()  # type: ignore[arg-type]
    sys.stdout.write(f"websockets on ws://{host}:{server.port}  (user data stream: /ws/<listenKey>, /ws-api/v3;"
                     f" the whole API answers there too)\n")
    sys.stdout.flush()


def _banner(config: ExchangeConfig, host: str, port: int, token: str | None, token_generated: bool,
            show_demo_secret: bool) -> None:
    url = f"http://{host}:{port}"
    lines = [f"mock-exchange listening on {url}  (Binance paths: {url}/api/v3/..., {url}/sapi/v1/...)",
             f"control API: {url}/mock/v1/  health: {url}/mock/v1/health"]
    if token_generated:
        lines.append(f"control token (header X-Mock-Token): {token}")
    elif token:
        # A token the user chose stays out of the log (CI logs are often public).
        lines.append("control token: required (the one you configured)")
    for account in config.accounts:
        if show_demo_secret and account.hmac_secret:
            # Only the built-in demo account's fixed, documented secret is ever printed.
            lines.append(f"demo account: API key {account.api_key}  secret {account.hmac_secret}")
            break
    else:
        lines.append(f"accounts: {', '.join(a.name for a in config.accounts)}")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
