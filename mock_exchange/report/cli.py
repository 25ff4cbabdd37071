"""``mock-exchange report OUTPUT --url URL``: a run report of a server that is running now.

For a bot whose CI job talks to a served fake (the container, ``mock-exchange serve``)
rather than the pytest plugin: after the job, one command writes what that server saw -
its prices, orders, fills, events and journal - as one HTML file to keep as an artifact.
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

TOKEN_ENV = "MOCK_EXCHANGE_CONTROL_TOKEN"


def add_report_command(commands: Any) -> None:
    report = commands.add_parser("report", help="write an HTML run report of a running server",
                                 description="Read a running mock-exchange's snapshot, events and journal through "
                                             "its control API and write them as one self-contained HTML file "
                                             "(price chart with orders and fills, timeline, journal).")
    report.add_argument("output", metavar="OUTPUT", help="the HTML file to write (its directory is created)")
    report.add_argument("--url", required=True, help="the server's base URL, e.g. http://127.0.0.1:8080 (required)")
    report.add_argument("--control-token", metavar="TOKEN", default=os.environ.get(TOKEN_ENV),
                        help=f"the server's control token, sent as X-Mock-Token (default: ${TOKEN_ENV})")
    report.add_argument("--name", help="what the report is called, e.g. the CI job's name (default: the URL)")
    report.set_defaults(run=run_report)


def run_report(args: argparse.Namespace) -> int:
    import requests

    from mock_exchange.control import ControlError, RemoteControl
    from mock_exchange.report import RunContext, write_report

    control = RemoteControl(args.url, args.control_token, timeout=60)
    try:
        path = write_report(control, args.output, RunContext("server", args.name or args.url.rstrip("/")))
    except requests.RequestException as exc:
        sys.stderr.write(f"mock-exchange report: cannot reach {args.url} ({exc.__class__.__name__}); is "
                         "`mock-exchange serve` running there?\n")
        return 2
    except ControlError as exc:
        hint = f" (pass --control-token or set ${TOKEN_ENV})" if exc.code == "unauthorized" else ""
        sys.stderr.write(f"mock-exchange report: {args.url}: the control API refused: {exc.message}{hint}\n")
        return 2
    finally:
        control.close()
    sys.stdout.write(f"HTML report: {path}\n")
    return 0
