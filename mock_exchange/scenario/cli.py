"""``mock-exchange scenario run|check PATH...``: the command-line runner (the only module that prints)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # the results import the step runners and the reference client: loaded to run only
    from mock_exchange.scenario.results import RunReport, ScenarioResult, StepResult

EXIT_OK, EXIT_FAILED, EXIT_INVALID = 0, 1, 2


def add_scenario_commands(commands: Any) -> None:
    """Add ``scenario run`` and ``scenario check`` to the ``mock-exchange`` command."""
    scenario = commands.add_parser("scenario", help="run scenario files against the fake exchange",
                                   description="Run or check YAML scenario files (see scenarios/README.md).")
    actions = scenario.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")

    run = actions.add_parser("run", help="run scenario files (or directories of them)",
                             description="Run scenarios: one line per step, a summary, exit 1 if any failed "
                                         "(2 if a file does not load or the server cannot be reached).")
    run.add_argument("paths", nargs="+", metavar="PATH", help="scenario files, or directories searched for "
                                                              "*.yaml / *.yml")
    run.add_argument("--url", help="run against a running server at URL, reset before each scenario; its "
                                   "clock, rate limits and fault rules are put back afterwards (default: a "
                                   "fresh in-process exchange per scenario)")
    run.add_argument("--control-token", metavar="TOKEN",
                     help="the server's control token, sent as X-Mock-Token (default: none)")
    run.add_argument("--config", metavar="FILE",
                     help="exchange config: the in-process exchange's, or the running server's, for its "
                          "account keys (default: the built-in demo config)")
    run.add_argument("--junit", metavar="FILE", help="also write JUnit XML, one testcase per scenario "
                                                     "(default: none)")
    run.add_argument("--html", metavar="PATH",
                     help="also write a self-contained HTML report of each scenario (price chart with orders and "
                          "fills, event timeline, request journal): PATH itself for one scenario; for several, "
                          "PATH.html becomes an index beside PATH-<file>.html, any other PATH a directory "
                          "(default: none)")
    run.add_argument("-q", "--quiet", action="store_true",
                     help="print only failures and the summary (default: every step)")
    run.set_defaults(run=run_command)

    check = actions.add_parser("check", help="validate scenario files without running them",
                               description="Load and validate scenarios; every problem as file:line, exit 2 "
                                           "if there is any.")
    check.add_argument("paths", nargs="+", metavar="PATH", help="scenario files or directories")
    check.add_argument("--config", metavar="FILE", help="exchange config, for its account names "
                                                        "(default: the built-in demo config)")
    check.set_defaults(run=check_command)


def _write(text: str = "") -> None:
    """Print, degrading ✓ / ✗ / → on terminals that cannot encode them."""
    encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.replace("✓", "ok").replace("✗", "FAIL").replace("→", "->").replace("×", "x")
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def _config(path: str | None) -> Any:
    from mock_exchange.config import load_config

    return load_config(path) if path else None


def _load(paths: list[str], config: Any) -> tuple[list[Any], int]:
    """Load and validate everything first: nothing runs if any file has an issue."""
    from mock_exchange.config import default_config
    from mock_exchange.scenario.runner import discover, load_all

    files = discover(paths)
    if not files:
        _write(f"no scenario files found in: {' '.join(paths)}")
        return [], EXIT_INVALID
    accounts = [a.name for a in (config or default_config()).accounts]
    scenarios, issues = load_all(files, accounts)
    if issues:
        for issue in issues:
            _write(str(issue))
        _write(f"{len(issues)} problem(s) in scenario files; nothing was run")
        return scenarios, EXIT_INVALID
    return scenarios, EXIT_OK


def check_command(args: argparse.Namespace) -> int:
    """Validate files and report problems with file:line."""
    scenarios, status = _load(args.paths, _config(args.config))
    if status == EXIT_OK:
        _write(f"{len(scenarios)} scenario(s) OK")
    return status


def run_command(args: argparse.Namespace) -> int:
    """Run the scenarios, print a line per step and a summary, optionally write JUnit XML."""
    try:
        from mock_exchange.scenario.environment import LocalEnvironment, RemoteEnvironment, ServerUnreachable
    except ModuleNotFoundError as exc:
        if exc.name != "margin_client":
            raise
        sys.stderr.write("mock-exchange scenario: the scenarios drive the exchange through the reference client "
                         "(package margin_client), which the mock-exchange distribution ships: reinstall it with "
                         "`pip install --force-reinstall mock-exchange`\n")
        return 2
    from mock_exchange.scenario.junit import write_junit
    from mock_exchange.scenario.runner import run_all

    config = _config(args.config)
    scenarios, status = _load(args.paths, config)
    if status != EXIT_OK:
        if args.junit:
            write_junit(_invalid_report(args.paths, config), args.junit)
        return status
    env = RemoteEnvironment(args.url, args.control_token, config) if args.url else LocalEnvironment(config)
    if isinstance(env, RemoteEnvironment):
        try:
            env.open()
        except ServerUnreachable as exc:
            sys.stderr.write(f"mock-exchange scenario: {exc}\n")
            return EXIT_INVALID
    reporter: Any = PrintingReporter(quiet=args.quiet)
    html = None
    if args.html:
        from mock_exchange.scenario.html_reports import HtmlReports

        reporter = html = HtmlReports(args.html, env, reporter, len(scenarios))
    report = run_all(scenarios, env, reporter)
    if args.junit:
        write_junit(report, args.junit)
    _write()
    if html is not None:
        _write(f"HTML report: {html.finish()}"
               + (f" (index of {len(html.written)} reports)" if html.index_path is not None else ""))
    if isinstance(env, RemoteEnvironment):
        _report_restore(env)
    _write(report.summary())
    return EXIT_OK if report.ok else EXIT_FAILED


def _report_restore(env: Any) -> None:
    """Say what the server was left with; loudly (stderr) when a setting could not be put back."""
    problems = env.restore_problems
    if not problems:
        _write(f"{env.base_url}: clock, rate limits and fault rules restored as found; its accounts, orders "
               "and journal are the last scenario's (POST /mock/v1/reset returns them to the config)")
        return
    lines = [f"WARNING: {env.base_url} was NOT fully restored after the scenarios:"]
    lines += [f"WARNING:   {problem}" for problem in problems]
    lines.append("WARNING: clients signing with their own clock may now get -1021; put the clock back with "
                 "curl -X POST -H 'Content-Type: application/json' -d '{\"mode\": \"wall\"}' "
                 f"{env.base_url}/mock/v1/clock")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stderr.flush()


def _invalid_report(paths: list[str], config: Any) -> RunReport:
    """A JUnit report of the files that did not load, so CI shows why nothing ran."""
    from mock_exchange.config import default_config
    from mock_exchange.scenario.results import RunReport, ScenarioResult
    from mock_exchange.scenario.runner import discover, load_all

    report = RunReport()
    accounts = [a.name for a in (config or default_config()).accounts]
    for path in discover(paths):
        scenarios, issues = load_all([path], accounts)
        name = scenarios[0].name if scenarios else path.stem
        report.results.append(ScenarioResult(name, str(path), issues=issues))
    return report


class PrintingReporter:
    """Prints the scenario header, one ✓ / ✗ line per step, and failure details."""

    def __init__(self, quiet: bool = False) -> None:
        self.quiet = quiet
        self.buffer: list[str] = []

    def scenario_started(self, scenario: Any) -> None:
        self.buffer = [f"{scenario.location.file}: {scenario.name}"]
        self._flush()

    def step_finished(self, result: StepResult) -> None:
        from mock_exchange.scenario.results import FAILED, PASSED

        mark = {PASSED: "✓", FAILED: "✗"}.get(result.status, "-")
        suffix = f" {result.detail}" if result.detail else ""
        skipped = " (skipped)" if result.status not in (PASSED, FAILED) else ""
        self.buffer.append(f"  {mark} {result.description}{suffix}{skipped}")
        self.buffer.extend(f"      {failure}" for failure in result.failures)
        self._flush()

    def scenario_finished(self, result: ScenarioResult) -> None:
        self.buffer.extend(f"      {issue}" for issue in result.issues)
        self._flush(final=True, failed=not result.passed)

    def _flush(self, final: bool = False, failed: bool = False) -> None:
        # Quiet mode holds a scenario's lines until it is known to have failed.
        if self.quiet and not (final and failed):
            if final:
                self.buffer = []
            return
        for line in self.buffer:
            _write(line)
        self.buffer = []


def main(argv: list[str] | None = None) -> int:
    """Entry point for ``python -m mock_exchange.scenario.cli`` (same as ``mock-exchange scenario``)."""
    parser = argparse.ArgumentParser(prog="mock-exchange")
    add_scenario_commands(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
