"""The mock-exchange command: serve, check-config, init-config, scenario run / check, parity and report."""

from __future__ import annotations

import argparse
import dataclasses
import errno
import gc
import ipaddress
import os
import secrets
import socket
import sys
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from mock_exchange.config import ConfigError, ExchangeConfig, load_config
from mock_exchange.control.token import token_problem

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_THREADS = 8
CONTROL_TOKEN_ENV = "MOCK_EXCHANGE_CONTROL_TOKEN"
DESCRIPTION = ("An offline, deterministic fake of the Binance margin trading API "
               "(OCO / OTO / OTOCO order lists). Point your bot at it instead of Binance.")
EPILOG = ("Start with: mock-exchange serve   (then http://127.0.0.1:8080; "
          "mock-exchange COMMAND --help for each command)")


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    # `serve` is parsed by its own subparser whatever else is registered: the scenario,
    # parity and report commands (their modules, ~4 % of the server's start-up) are left out.
    args = build_parser(other_commands=argv[:1] != ["serve"]).parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "check-config":
        return _check_config(args.config)
    return int(args.run(args))


class CommandParser(argparse.ArgumentParser):
    """argparse, with a usage error on one line (what was wrong, and where help is)."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def port_number(text: str) -> int:
    """A TCP port, 0-65535 (0: any free port); argparse reports anything else on one line."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0-65535)") from None
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"{value} is not a port number (0-65535; 0 picks a free port)")
    return value


def thread_count(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of threads") from None
    if not 1 <= value <= 1024:
        raise argparse.ArgumentTypeError(f"{value} threads: choose 1 to 1024")
    return value


def replay_speed(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value.is_finite() or value < 0 or value > 1_000_000:
        raise argparse.ArgumentTypeError(f"expected 0 (paused) or a speed up to 1000000, got {text!r}")
    return value


def build_parser(other_commands: bool = True) -> argparse.ArgumentParser:
    """The ``mock-exchange`` argument parser (also read by tests of the container files).

    ``other_commands`` False: only the built-in commands (serve, check-config, init-config).
    """
    from mock_exchange import __version__

    parser = CommandParser(prog="mock-exchange", description=DESCRIPTION, epilog=EPILOG)
    parser.add_argument("--version", action="version", version=f"mock-exchange {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the fake exchange over HTTP",
                                description="Run the fake exchange over HTTP until Ctrl+C.")
    serve.add_argument("--host", default=DEFAULT_HOST,
                       help=f"address to bind (default: {DEFAULT_HOST}, loopback only; 0.0.0.0 for every "
                            "interface, which requires a control token)")
    serve.add_argument("--port", type=port_number, default=DEFAULT_PORT,
                       help=f"HTTP port (default: {DEFAULT_PORT}; 0 picks a free one, shown in the banner)")
    serve.add_argument("--config", metavar="FILE",
                       help="YAML or JSON config file (default: the built-in demo config; "
                            "`mock-exchange init-config DIR` writes one to start from)")
    serve.add_argument("--seed", type=int, metavar="N",
                       help="seed for ids and generated client order ids (default: the config's seed, 0)")
    # From the environment by default, so a container's token never shows in `ps` or the compose file.
    serve.add_argument("--control-token", metavar="TOKEN", default=os.environ.get(CONTROL_TOKEN_ENV) or None,
                       help=f"token the control API requires as X-Mock-Token (default: ${CONTROL_TOKEN_ENV}, "
                            "else the config's control_token, else none on loopback and a generated one "
                            "beyond it)")
    serve.add_argument("--threads", type=thread_count, default=DEFAULT_THREADS, metavar="N",
                       help=f"WSGI worker threads (default: {DEFAULT_THREADS})")
    serve.add_argument("--snapshot-dir", metavar="DIR", help="the only directory state/save and state/load may "
                                                             "use (default: the current directory)")
    serve.add_argument("--no-explain-header", action="store_true",
                       help="no X-Mock-Explain header on rejections; the journal and the log still explain "
                            "(default: the header is sent)")
    serve.add_argument("--log-format", choices=("text", "json"), default="text",
                       help="request log lines as text or JSON lines (default: text)")
    serve.add_argument("--quiet", action="store_true",
                       help="no request log on the console (default: one line per request)")
    serve.add_argument("--log-file", metavar="PATH", help="also append the request log to PATH, rotated to "
                                                          "PATH.1 at 100 MB (default: none)")
    serve.add_argument("--state-file", metavar="PATH",
                       help="keep the exchange state in this file across restarts: restored on start, written "
                            "after changes and on stop (default: the config's state_file, else none)")
    serve.add_argument("--state-interval-ms", type=int, metavar="MS",
                       help="write the state file at most this often (default: 1000)")
    serve.add_argument("--replay", metavar="FILE",
                       help="replay a Binance klines or aggTrades file (data.binance.vision, zip or CSV) onto the "
                            "symbol its name starts with (docs/replay.md; default: no replay)")
    serve.add_argument("--speed", type=replay_speed, default=Decimal(1), metavar="N",
                       help="with --replay: N x real time (default 1; 0: load it paused, for stepping over the "
                            "control API)")
    serve.add_argument(
        "--replay-symbol",
        metavar="SYMBOL",
        help="with --replay: the symbol to replay onto (default: from the file name)",
    )
    serve.add_argument("--replay-align", choices=("file", "clock"), default="file",
                       help="with --replay: keep the file's times, the clock starting at its first row (file, "
                            "the default), or move the file to the current time (clock)")
    serve.add_argument("--ws-port", type=port_number, metavar="PORT",
                       help="also serve everything on this port with WebSockets, for the user data stream "
                            "(/ws/<listenKey>, /ws-api/v3) (default: off)")

    check = commands.add_parser("check-config", help="validate a config file and exit",
                                description="Validate a config file: exit 0 if it loads, else 2 with the field.")
    check.add_argument("config", metavar="FILE", help="the YAML or JSON config file")

    init = commands.add_parser("init-config", help="write a config file and its key files to start from",
                               description="Write DIR/mock-exchange.yaml (the demo config) and the demo "
                                           "accounts' RSA and Ed25519 key files in DIR/keys/.")
    init.add_argument("directory", metavar="DIR", help="where to write (created if missing)")
    init.add_argument("--force", action="store_true", help="overwrite existing files (default: refuse)")
    init.set_defaults(run=_init_config)

    if other_commands:
        _add_scenario_commands(commands)
        _add_parity_command(commands)
        _add_report_command(commands)
    return parser


def _add_scenario_commands(commands: argparse._SubParsersAction) -> None:
    from mock_exchange.scenario.cli import add_scenario_commands

    add_scenario_commands(commands)


def _add_report_command(commands: argparse._SubParsersAction) -> None:
    from mock_exchange.report.cli import add_report_command

    add_report_command(commands)


def _add_parity_command(commands: argparse._SubParsersAction) -> None:
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
    # No collections while the server builds itself (imports, config, the app): they would scan
    # objects that all live on; _tune_gc freezes them and turns it back on (~7 % of the
    # start-up's CPU). Back on whatever happens, for a caller in the same process.
    gc.disable()
    try:
        return _run_server(args)
    finally:
        gc.enable()


def _run_server(args: argparse.Namespace) -> int:
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
    from mock_exchange.web.app import create_app
    from mock_exchange.web.request_log import RequestLog

    snapshot_dir = os.path.abspath(args.snapshot_dir or os.getcwd())
    try:
        request_log = RequestLog.for_console(args.log_format, quiet=args.quiet, path=args.log_file)
    except OSError as exc:
        sys.stderr.write(f"mock-exchange: --log-file {args.log_file}: {exc.strerror}\n")
        return 2
    replay = None
    exchange = None
    if args.replay:
        from mock_exchange.replay.serving import ServeReplayError, served_replay

        try:
            replay = served_replay(args.replay, args.replay_symbol, args.speed, args.replay_align, config)
        except ServeReplayError as exc:
            sys.stderr.write(f"mock-exchange serve: --replay: {exc}\n")
            return 2
        config, exchange = replay.build_exchange(config, args.seed)
    app = create_app(config, exchange=exchange, seed=args.seed, control_token=token, snapshot_dir=snapshot_dir,
                     request_log=request_log)
    # Bind every port before printing anything: a port in use is one line, never a banner first.
    try:
        server = listen(app, args.host, args.port, args.threads)
    except (OSError, ValueError) as exc:
        return _cannot_listen(args.host, args.port, exc)
    ws_server = None
    if args.ws_port is not None:
        try:
            ws_server = _websocket_server(app, args.host, args.ws_port)
        except (OSError, ValueError) as exc:
            server.close()
            return _cannot_listen(args.host, args.ws_port, exc, option="--ws-port")
    writer = _start_persistence(app, args, config)
    if writer is False:
        server.close()
        return 2
    _tune_gc()
    _banner(config, args.host, bound_port(server, args.port), token, token_generated=generated,
            show_demo_secret=args.config is None, ws_port=None if ws_server is None else ws_server.port)
    if ws_server is not None:
        ws_server.start()
    if replay is not None:
        from mock_exchange.control.handle import CONTROL_EXTENSION_KEY

        sys.stdout.write(replay.start(app.extensions[CONTROL_EXTENSION_KEY].replay) + "\n")
        sys.stdout.flush()
    saved = True
    restore_sigint = _stop_on_sigint()
    try:
        server.run()  # returns on Ctrl+C (waitress catches KeyboardInterrupt and shuts down)
    except KeyboardInterrupt:  # pragma: no cover - between the banner and the loop
        pass
    finally:
        restore_sigint()
        if replay is not None:
            app.extensions[CONTROL_EXTENSION_KEY].replay.unload()  # the real-time thread stops first
        if ws_server is not None:
            ws_server.stop(timeout_s=2)
        if writer is not None:
            saved = writer.stop()  # after the last request: nothing acknowledged is left unwritten
            writer.state_file.release()
    return 0 if saved else 1


def _stop_on_sigint() -> Any:
    """SIGINT stops the server even when it was started with SIGINT ignored; returns the undo.

    A shell starts a background job (``mock-exchange serve &`` in a CI script) with SIGINT
    ignored, and Python then installs no Ctrl+C handler, so ``kill -INT`` did nothing. A
    server is stopped on purpose: SIGINT means stop wherever it came from. A handler that is
    already set (persistent mode's) is left alone.
    """
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None  # only the main thread may set handlers (a caller embedding serve)
    previous = signal.getsignal(signal.SIGINT)
    if previous is not signal.SIG_IGN:
        return lambda: None
    signal.signal(signal.SIGINT, signal.default_int_handler)
    return lambda: signal.signal(signal.SIGINT, previous)


def _start_persistence(app: object, args: argparse.Namespace, config: ExchangeConfig) -> Any:
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


def listen(app: Any, host: str, port: int, threads: int) -> Any:
    """A waitress server bound to ``host:port`` (not yet serving); OSError / ValueError if it cannot bind."""
    from mock_exchange.serving import create_server

    return create_server(app, host, port, threads)


def bound_port(server: Any, requested: int) -> int:
    """The port actually listened on (``--port 0`` picks one)."""
    port = getattr(server, "effective_port", None)
    if port is None:  # waitress's MultiSocketServer (a host name with several addresses)
        ports = [getattr(s, "effective_port", None) for s in getattr(server, "map", {}).values()]
        port = next((p for p in ports if p), None)
    return int(port) if port else requested


_BIND_HINTS = {
    errno.EADDRINUSE: "address already in use (another server is listening there; choose another {option})",
    errno.EADDRNOTAVAIL: "this machine has no such address (use 127.0.0.1, 0.0.0.0 or one of its own "
                         "addresses for --host)",
    errno.EACCES: "permission denied (ports below 1024 need extra privileges; choose another {option})",
}


def _cannot_listen(host: str, port: int, exc: BaseException, option: str = "--port") -> int:
    if isinstance(exc, (ValueError, socket.gaierror)):  # a host name that does not resolve
        reason = f"unknown host {host!r} (use an IP address or a name this machine resolves for --host)"
    elif isinstance(exc, OSError) and exc.errno in _BIND_HINTS:
        reason = _BIND_HINTS[exc.errno].format(option=option)
    elif isinstance(exc, OSError) and exc.strerror:
        reason = exc.strerror[0].lower() + exc.strerror[1:]
    else:
        reason = str(exc)
    sys.stderr.write(f"mock-exchange serve: cannot listen on {host}:{port}: {reason}\n")
    return 2


def _init_config(args: argparse.Namespace) -> int:
    from mock_exchange.init_config import InitConfigError, write_config

    try:
        written = write_config(args.directory, force=args.force)
    except InitConfigError as exc:
        sys.stderr.write(f"mock-exchange init-config: {exc}\n")
        return 2
    for path in written:
        sys.stdout.write(f"wrote {path}\n")
    sys.stdout.write(f"start it with: mock-exchange serve --config {written[0]}\n")
    return 0


def _tune_gc() -> None:
    """A long-lived server: start-up objects out of the collector's sight, young collections 10x rarer.

    Every request allocates many short-lived containers while orders, events and the journal
    pile up; with Python's defaults the full collections that rescan all of them cost ~6 % of
    the CPU under load, ~2.5 % with this (benchmarks/README.md). Only the server process is
    tuned: ``create_app`` leaves the garbage collector of a test process alone.

    No collection first: it would walk every object of the process (~90 ms, a fifth of the
    start-up's CPU) to free the start-up's few cyclic leftovers (~600 objects, ~150 KB:
    classes that ``dataclass(slots=True)`` replaced, their functions), which stay frozen instead.
    """
    gc.freeze()
    gc.set_threshold(7000, 10, 10)
    gc.enable()


def _websocket_server(app: object, host: str, port: int) -> Any:
    """werkzeug's threaded server next to waitress, which cannot hand a connection to a WebSocket."""
    from mock_exchange.web.user_stream_ws import WebSocketServer

    # werkzeug prints its own paragraph and exits when the port is taken: find out first.
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        probe.bind((host, port))
    try:
        return WebSocketServer(app, host, port)  # type: ignore[arg-type]
    except SystemExit:  # taken between the probe and the bind
        raise OSError(errno.EADDRINUSE, "address already in use") from None


def _banner(config: ExchangeConfig, host: str, port: int, token: str | None, token_generated: bool,
            show_demo_secret: bool, ws_port: int | None = None) -> None:
    from mock_exchange import __version__

    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}"
    lines = [f"mock-exchange {__version__} listening on {url}",
             f"  Binance API   {url}/api/v3/...  {url}/sapi/v1/...",
             (f"  WebSockets    ws://{shown}:{ws_port}/ws-api/v3  ws://{shown}:{ws_port}/ws/<listenKey>"
              if ws_port is not None else "  WebSockets    off (add --ws-port 8081 for the user data stream)"),
             f"  control API   {url}/mock/v1/",
             f"  health        {url}/mock/v1/health",
             f"  dashboard     {url}/mock/ui/"]
    if token_generated:
        lines.append(f"  control token (header X-Mock-Token): {token}")
        # The fragment stays in the browser: the page keeps the token and no server log sees it.
        lines.append(f"  dashboard with the token: {url}/mock/ui/#token={token}")
    elif token:
        # A token the user chose stays out of the log (CI logs are often public).
        lines.append("  control token: required (the one you configured)")
    for account in config.accounts:
        if show_demo_secret and account.hmac_secret:
            # Only the built-in demo account's fixed, documented secret is ever printed.
            lines.append(f"  demo account  API key {account.api_key}  secret {account.hmac_secret}")
            break
    else:
        lines.append(f"  accounts      {', '.join(a.name for a in config.accounts)}")
    lines.append("Press Ctrl+C to stop.")
    sys.stdout.write("\n".join(lines) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
