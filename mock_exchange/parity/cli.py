"""``mock-exchange parity``: the same requests against the fake and another base URL, and the drift.

    mock-exchange parity --against https://api.binance.com --key K --secret S            # read-only set
    mock-exchange parity --against URL --key K --secret S requests.json --allow-orders
    mock-exchange parity --against URL --key K --secret S scenarios/oco_take_profit_hit.yaml --allow-orders

The default request set only reads. A request file's writes (any method but GET: orders,
cancels, borrows) are skipped unless ``--allow-orders`` is given, so an order that could
fill at a live price is never sent by accident. Exit status: 0 no drift, 1 drift, 2 error.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any
from urllib.parse import urlparse

from mock_exchange.parity.requests import ORDERS, READ_ONLY, RequestFileError, load_requests

KEY_ENV = "MOCK_EXCHANGE_PARITY_KEY"
SECRET_ENV = "MOCK_EXCHANGE_PARITY_SECRET"


def add_parity_command(commands: argparse._SubParsersAction) -> None:
    parity = commands.add_parser("parity", help="compare the fake's answers with another base URL's",
                                 description=(__doc__ or "").replace("``", ""),  # help is plain text
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    parity.add_argument("requests", nargs="?", default=READ_ONLY,
                        help=f"a scenario file, a JSON/YAML file of requests, or a built-in set: {READ_ONLY} "
                             f"(default), {ORDERS} (a LIMIT_MAKER bid under the market placed, queried, cancelled)")
    parity.add_argument(
        "--against", required=True, help="base URL to compare with, e.g. https://api.binance.com (required)"
    )
    # From the environment by default, so a real secret need not show in `ps` or shell history.
    parity.add_argument("--key", default=os.environ.get(KEY_ENV), help=f"API key there (default: ${KEY_ENV})")
    parity.add_argument("--secret", default=os.environ.get(SECRET_ENV),
                        help=f"HMAC secret there (default: ${SECRET_ENV})")
    parity.add_argument("--url", help="a running fake to use (default: a fresh one in this process)")
    parity.add_argument("--config", help="config for the in-process fake (default: the built-in demo config)")
    parity.add_argument("--fake-key", help="the fake's API key (default: the config's first account)")
    parity.add_argument("--fake-secret", help="the fake's HMAC secret (default: the config's first account)")
    parity.add_argument("--symbol", default="BTCUSDT", help="symbol for the built-in sets (default BTCUSDT)")
    parity.add_argument("--recv-window", type=int, default=5000, help="recvWindow of signed requests (default: 5000)")
    parity.add_argument("--allow-orders", action="store_true",
                        help="also send writes (orders, cancels, borrows); on a real account they can fill "
                             "(default: reads only)")
    parity.add_argument("--json", action="store_true", help="print the report as JSON (default: text)")
    parity.set_defaults(run=run_parity)


def run_parity(args: argparse.Namespace) -> int:
    from mock_exchange.parity.market import MarketError
    from mock_exchange.parity.report import as_json, render
    from mock_exchange.parity.runner import run
    from mock_exchange.parity.targets import HttpTarget, TargetError

    if urlparse(args.against).scheme not in ("http", "https") or not urlparse(args.against).netloc:
        return _fail(f"--against must be an http(s) base URL, got {args.against!r}")
    if not args.key or not args.secret:
        return _fail(f"--key and --secret (or ${KEY_ENV} / ${SECRET_ENV}) are required for --against")
    from mock_exchange.parity.scenario_requests import is_scenario_file, record_scenario

    notes: tuple[str, ...] = ()
    try:
        if is_scenario_file(args.requests):
            recorded = record_scenario(args.requests)
            requests = recorded.requests
            notes = (f"scenario {args.requests}: {len(requests)} requests recorded on a fresh fake; "
                     f"{recorded.steering_steps} steps steer the fake through its control API and are not "
                     "replayed, so states (prices, fills) may differ",)
        else:
            requests = load_requests(args.requests, args.symbol)
    except RequestFileError as exc:
        return _fail(str(exc))
    fake = _fake_target(args)
    if fake is None:
        return 2
    other = HttpTarget(args.against, args.key, args.secret, args.recv_window)
    if args.allow_orders and any(request.is_write for request in requests):
        sys.stderr.write(f"mock-exchange parity: --allow-orders: writes go to {other.name} too\n")
    try:
        outcomes = run(requests, fake, other, allow_orders=args.allow_orders)
    except TargetError as exc:
        return _fail(f"cannot reach {exc}")
    except MarketError as exc:
        return _fail(str(exc))
    sys.stdout.write((as_json if args.json else render)(outcomes, other.name, fake.name, notes))
    return 1 if any(outcome.drifts for outcome in outcomes) else 0


def _fake_target(args: argparse.Namespace) -> Any:
    from mock_exchange.config import ConfigError, load_config
    from mock_exchange.parity.targets import HttpTarget, InProcessTarget

    try:
        config = load_config(args.config)
    except ConfigError as exc:
        _fail(f"config error: {exc}")
        return None
    account = config.accounts[0]
    key = args.fake_key or account.api_key
    secret = args.fake_secret or account.hmac_secret
    if not secret:
        _fail("the fake's first account has no HMAC secret; pass --fake-key and --fake-secret")
        return None
    if args.url:
        return HttpTarget(args.url, key, secret, args.recv_window)
    from mock_exchange.web.app import create_app

    return InProcessTarget(create_app(config), key, secret, args.recv_window)


def _fail(message: str) -> int:
    sys.stderr.write(f"mock-exchange parity: {message}\n")
    return 2
