"""The ``mock-exchange`` command: ``serve``, ``check-config`` and ``scenario run``."""

from __future__ import annotations

import argparse
import ipaddress
import secrets
import sys
from collections.abc import Sequence

from mock_exchange.config import ConfigError, ExchangeConfig, load_config

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mock-exchange", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the fake exchange over HTTP")
    serve.add_argument("--host", default=DEFAULT_HOST, help="address to bind (default: loopback only)")
    serve.add_argument("--port", type=int, default=DEFAULT_PORT)
    serve.add_argument("--config", help="YAML or JSON config file (default: the built-in demo config)")
    serve.add_argument("--seed", type=int, help="seed for ids and generated client order ids")
    serve.add_argument("--control-token", help="token the control API requires (generated when binding "
                                               "beyond loopback without one)")
    serve.add_argument("--threads", type=int, default=8, help="WSGI worker threads")

    check = commands.add_parser("check-config", help="validate a config file and exit")
    check.add_argument("config")

    _add_scenario_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "serve":
        return _serve(args)
    if args.command == "check-config":
        return _check_config(args.config)
    return int(args.run(args))


def _add_scenario_commands(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    try:
        from mock_exchange.scenario.cli import add_scenario_commands
    except ModuleNotFoundError:
        return
    add_scenario_commands(commands)


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
    token = args.control_token or config.control_token
    if token is None and not is_loopback(args.host):
        # Beyond loopback anyone could steer the exchange: require a token, and say it once.
        token = secrets.token_urlsafe(24)
    from waitress import serve

    from mock_exchange.web.app import create_app

    app = create_app(config, seed=args.seed, control_token=token)
    _banner(config, args.host, args.port, token, show_demo_secret=args.config is None)
    serve(app, host=args.host, port=args.port, threads=args.threads, ident="mock-exchange",
          _quiet=True)
    return 0


def _banner(config: ExchangeConfig, host: str, port: int, token: str | None, show_demo_secret: bool) -> None:
    url = f"http://{host}:{port}"
    lines = [f"mock-exchange listening on {url}  (Binance paths: {url}/api/v3/..., {url}/sapi/v1/...)",
             f"control API: {url}/mock/v1/  health: {url}/mock/v1/health"]
    if token:
        lines.append(f"control token (header X-Mock-Token): {token}")
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
