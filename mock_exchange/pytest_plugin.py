"""pytest plugin: a fresh fake Binance margin exchange for each test.

    def test_stop_fires(fake_exchange):
        fake_exchange.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01", price="31000",
                                       stop_price="29000", stop_limit_price="28900",
                                       stop_limit_time_in_force="GTC")
        fake_exchange.set_price("BTCUSDT", "28950")

``fake_exchange`` serves Binance in-process (no sockets); ``fake_exchange_live`` serves it on
a real 127.0.0.1 port for code that needs a URL. Both yield a :class:`FakeExchange`: the
control API's methods (``set_price``, ``trade``, ``advance``, ``inject_fault``, ``journal``,
``last_explanation`` - why the latest request was rejected...)
plus ``.client``, ``.session``, ``.url``, ``.app``, ``.test_client``, ``.api_key``, ``.api_secret``.

Options (command line, or the same names without ``--`` and with ``_`` in the ini file):
``--fake-exchange-config FILE``, ``--fake-exchange-seed N``, ``--fake-exchange-scope SCOPE``,
``--fake-exchange-url URL`` (use a running server, reset before each fixture) and
``--fake-exchange-token TOKEN`` (its control token; default ``$MOCK_EXCHANGE_CONTROL_TOKEN``).
The ``fake_exchange_config`` and ``fake_exchange_seed`` fixtures can be overridden. A test that
fails after using a fake exchange gets a report section with its latest rejection's explanation.

``@pytest.mark.fake_exchange_replay("BTCUSDT-1m-2024-01-01.zip")`` loads a Binance market data
file for replay in the fixture (docs/replay.md); the test drives it with ``replay_step``.

``--fake-exchange-report DIR`` writes an HTML run report (price chart with orders and fills,
event timeline, request journal; mock_exchange/report) of each failing test that used a fake
exchange into DIR, named after the test id; ``--fake-exchange-report-all`` writes one for
every test. The failing test's output names the file.
"""

from __future__ import annotations

import contextlib
import functools
import os
import time
from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, cast

import pytest

if TYPE_CHECKING:  # the plugin loads in every pytest run: keep Flask and friends lazy
    import requests
    from flask import Flask
    from flask.testing import FlaskClient

    from mock_exchange.config import ExchangeConfig
    from mock_exchange.control.handle import ControlHandle
    from mock_exchange.testing import LiveServer

DEMO_ACCOUNT = "demo"
IN_PROCESS_URL = "http://mock-exchange.local"
TOKEN_ENV = "MOCK_EXCHANGE_CONTROL_TOKEN"
SCOPES = ("function", "class", "module", "package", "session")
_Scope = Literal["function", "class", "module", "package", "session"]

# (option, metavar, help); the ini name is the option with "_" for "-".
_OPTIONS = (
    ("fake-exchange-config", "FILE", "exchange config (YAML/JSON) for the fake_exchange fixtures; "
                                     "default: the built-in demo config"),
    ("fake-exchange-seed", "N", "seed for ids and generated client order ids"),
    ("fake-exchange-scope", "SCOPE", f"how long one fake exchange lives: {', '.join(SCOPES)} (default: function)"),
    ("fake-exchange-url", "URL", "use a running mock-exchange at URL instead (reset before each fixture)"),
    ("fake-exchange-token", "TOKEN", f"control token of --fake-exchange-url (default: ${TOKEN_ENV})"),
)


REPORT_HELP = ("write an HTML run report (chart, timeline, journal) of each failing test that used a fake "
               "exchange into DIR, named after the test id")
REPORT_ALL_HELP = "with --fake-exchange-report: a report for every such test, passed ones too"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("mock-exchange", "fake Binance margin exchange (mock-exchange)")
    for name, metavar, text in _OPTIONS:
        dest = name.replace("-", "_")
        group.addoption(f"--{name}", dest=dest, metavar=metavar, default=None, help=text)
        parser.addini(dest, text)
    group.addoption("--fake-exchange-report", dest="fake_exchange_report", metavar="DIR", default=None,
                    help=REPORT_HELP)
    parser.addini("fake_exchange_report", REPORT_HELP)
    group.addoption("--fake-exchange-report-all", dest="fake_exchange_report_all", action="store_true",
                    default=False, help=REPORT_ALL_HELP)
    parser.addini("fake_exchange_report_all", REPORT_ALL_HELP, type="bool", default=False)


REPLAY_MARKER = "fake_exchange_replay"
REPLAY_MARKER_HELP = (f"{REPLAY_MARKER}(path, symbol=None, align='file'): the fake_exchange fixtures load this "
                      "Binance klines or aggTrades file for replay (path relative to the test file), the clock "
                      "frozen at its first row and the price at its first price; drive it with "
                      "fake_exchange.replay_step(...)")


def pytest_configure(config: pytest.Config) -> None:
    if _report_dir(config) is not None and not config.pluginmanager.has_plugin("mock-exchange-reports"):
        config.pluginmanager.register(_ReportCounter(), "mock-exchange-reports")
    config.addinivalue_line("markers", REPLAY_MARKER_HELP)
    scope = _option(config, "fake_exchange_scope")
    if scope is not None and scope not in SCOPES:
        raise pytest.UsageError(f"fake_exchange_scope: {scope!r} is not one of {', '.join(SCOPES)}")
    seed = _option(config, "fake_exchange_seed")
    if seed is not None and not seed.isdigit():
        raise pytest.UsageError(f"fake_exchange_seed: expected a non-negative integer, got {seed!r}")


FIXTURE_NAMES = ("fake_exchange", "fake_exchange_live")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Generator[None, Any, None]:
    """A failed test that used a fake exchange shows why its latest request was rejected (and its run report)."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call":
        return
    _write_run_reports(item, report)
    if not report.failed:
        return
    for name in FIXTURE_NAMES:
        handle = getattr(item, "funcargs", {}).get(name)
        if handle is None:
            continue
        try:
            last = handle.last_explanation()
        except Exception:  # noqa: BLE001 - a report section must never turn into an error of its own
            return
        if last is not None:
            report.sections.append((f"{name}: the latest rejection",
                                    f"{last['method']} {last['path']} -> {last['status']} {last['code']}\n"
                                    f"{last['text']}"))
        return


def _report_dir(config: pytest.Config) -> Path | None:
    """--fake-exchange-report or its ini value (the report directory)."""
    return _path_option(config, "fake_exchange_report")


def _path_option(config: pytest.Config, dest: str) -> Path | None:
    """A path option: on the command line relative to the working directory, in the ini file
    relative to the ini file (the root directory when there is none)."""
    given = config.getoption(dest, None)
    if given:
        return Path(config.invocation_params.dir, given)
    given = config.getini(dest)
    if not given:
        return None
    base = config.inipath.parent if config.inipath is not None else config.rootpath
    return Path(base, str(given).strip())


def _write_run_reports(item: pytest.Item, report: pytest.TestReport) -> None:
    """An HTML report per fake exchange the test used, when it failed (or always, with -all)."""
    directory = _report_dir(item.config)
    every = bool(item.config.getoption("fake_exchange_report_all", False) or
                 item.config.getini("fake_exchange_report_all"))
    if directory is None or not (report.failed or every):
        return
    used = [name for name in FIXTURE_NAMES if getattr(item, "funcargs", {}).get(name) is not None]
    for name in used:
        label = item.nodeid if len(used) == 1 else f"{item.nodeid}-{name}"
        try:
            from mock_exchange.report import RunContext, safe_file_name, write_report
            from mock_exchange.report.record import MAX_FAILURE_CHARS

            failure = report.longreprtext[-MAX_FAILURE_CHARS:] if report.failed else ""
            context = RunContext("test", item.nodeid, item.location[0], report.outcome, failure=failure)
            path = write_report(getattr(item, "funcargs", {})[name].control, directory / safe_file_name(label), context)
        except Exception as exc:  # noqa: BLE001 - a report must never turn into an error of its own
            report.sections.append((f"{name}: run report", f"could not write the run report: {exc!r}"))
            continue
        report.sections.append((f"{name}: {REPORT_SECTION}", f"{WRITTEN} {path}"))


REPORT_SECTION = "run report"
WRITTEN = "written to"


class _ReportCounter:
    """Counts the reports named in test reports: in this process, or sent back by xdist workers."""

    def __init__(self) -> None:
        self.written: list[str] = []

    def pytest_runtest_logreport(self, report: pytest.TestReport) -> None:
        for title, content in report.sections:
            if title.endswith(": " + REPORT_SECTION) and content.startswith(WRITTEN + " "):
                self.written.append(content[len(WRITTEN) + 1:])

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.written:
            terminalreporter.write_line(f"mock-exchange: {len(self.written)} run report(s) written to "
                                        f"{Path(self.written[0]).parent}")


def _option(config: pytest.Config, dest: str) -> str | None:
    """The command line wins over the ini file; the token falls back to the environment."""
    value = config.getoption(dest, None) or config.getini(dest) or None
    if value is None and dest == "fake_exchange_token":
        value = os.environ.get(TOKEN_ENV) or None
    return str(value).strip() if value is not None else None


def _config_path(config: pytest.Config) -> Path | None:
    """--fake-exchange-config or its ini value (the config file)."""
    return _path_option(config, "fake_exchange_config")


def fixture_scope(fixture_name: str, config: pytest.Config) -> _Scope:
    """The configured lifetime of one fake exchange (pytest's dynamic scope hook)."""
    # pytest itself refuses a scope outside SCOPES, with its own message.
    return cast(_Scope, _option(config, "fake_exchange_scope") or "function")


# -- the handle ----------------------------------------------------------------------------


class FakeExchange:
    """One fake exchange as a test sees it: Binance at ``url``, and the control methods."""

    def __init__(self, *, url: str, session: requests.Session, control: ControlHandle, api_key: str,
                 api_secret: str, app: Flask | None = None, server: LiveServer | None = None,
                 time_source_ms: Callable[[], int] | None = None) -> None:
        self.url = url
        self.session = session
        self.control = control
        self.api_key = api_key
        self.api_secret = api_secret
        self.app = app
        self.server = server
        self._time_source_ms = time_source_ms
        self._test_client: FlaskClient | None = None

    def __getattr__(self, name: str) -> Any:
        # The control handle's methods (set_price, trade, freeze, journal...) read as ours.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self.control, name)

    def __dir__(self) -> list[str]:
        return sorted(set(super().__dir__()) | {n for n in dir(self.control) if not n.startswith("_")})

    def __repr__(self) -> str:
        where = "external" if self.app is None else "live" if self.server is not None else "in-process"
        return f"<FakeExchange {where} {self.url}>"

    @property
    def exchange(self) -> Any:
        """The core ``Exchange`` behind the app (not available for an external server)."""
        return self._require_app().extensions["mock_exchange"].exchange

    @property
    def test_client(self) -> FlaskClient:
        """Flask's test client for the app (not available for an external server)."""
        if self._test_client is None:
            self._test_client = self._require_app().test_client()
        return self._test_client

    @functools.cached_property
    def client(self) -> Any:
        """A ``margin_client.MarginClient`` for the demo account, on this exchange's clock."""
        try:
            from margin_client import Clock, HmacSigner, MarginClient, sequential_ids
        except ImportError as exc:  # the reference client is a separate distribution
            raise RuntimeError("fake_exchange.client needs the reference client (package margin_client), "
                               "which the mock-exchange distribution ships: reinstall it with "
                               "`pip install --force-reinstall mock-exchange`") from exc
        clock = Clock(self._time_source_ms) if self._time_source_ms is not None else Clock()
        return MarginClient(self.url, self.api_key, HmacSigner(self.api_secret), session=self.session,
                            clock=clock, client_id_factory=sequential_ids("fx"))

    def _require_app(self) -> Flask:
        if self.app is None:
            raise RuntimeError(f"{self.url} is an external server (--fake-exchange-url): no app in this process")
        return self.app

    def close(self) -> None:
        """Close the sessions (the client shares ``session``); a live server is stopped by its fixture."""
        self.session.close()
        closer = getattr(self.control, "close", None)
        if closer is not None:
            closer()


class _ClockMirror:
    """An external exchange's clock, tracked from the control API (no request per timestamp)."""

    def __init__(self, control: ControlHandle) -> None:
        self.control = control
        self.refresh()

    def refresh(self) -> None:
        state = self.control.clock()
        self.frozen_ms = int(state["now_ms"]) if state["frozen"] else None
        self.offset_ms = int(state["now_ms"]) - _wall_ms()

    def now_ms(self) -> int:
        return self.frozen_ms if self.frozen_ms is not None else _wall_ms() + self.offset_ms


def _wall_ms() -> int:
    return time.time_ns() // 1_000_000


# -- building handles ------------------------------------------------------------------------


def demo_credentials(config: ExchangeConfig) -> tuple[str, str]:
    """API key and HMAC secret of the ``demo`` account, else of the first HMAC account."""
    accounts = [a for a in config.accounts if a.hmac_secret]
    if not accounts:
        pytest.fail("fake_exchange: the exchange config has no account with an hmac_secret", pytrace=False)
    account = next((a for a in accounts if a.name == DEMO_ACCOUNT), accounts[0])
    return account.api_key, str(account.hmac_secret)


def build_app(config: ExchangeConfig, seed: int | None) -> Flask:
    """A fresh app (its own exchange, clock, ids and limits) on an already-loaded config."""
    from mock_exchange.web.app import create_app

    return create_app(config, seed=seed)


def in_process(app: Flask, config: ExchangeConfig) -> FakeExchange:
    """A handle whose HTTP goes straight into ``app`` through the requests adapter."""
    from mock_exchange.control import LocalControl
    from mock_exchange.wsgi_adapter import session_for

    key, secret = demo_credentials(config)
    exchange = app.extensions["mock_exchange"].exchange
    return FakeExchange(url=IN_PROCESS_URL, session=session_for(app, IN_PROCESS_URL), control=LocalControl(app),
                        api_key=key, api_secret=secret, app=app, time_source_ms=exchange.clock.now_ms)


def live(server: LiveServer, config: ExchangeConfig) -> FakeExchange:
    """A handle for an app served on a real port (control calls stay in-process)."""
    import requests

    from mock_exchange.control import LocalControl

    key, secret = demo_credentials(config)
    app = server.app
    exchange = app.extensions["mock_exchange"].exchange
    return FakeExchange(url=server.url, session=requests.Session(), control=LocalControl(app), api_key=key,
                        api_secret=secret, app=app, server=server, time_source_ms=exchange.clock.now_ms)


def _clock_operations() -> frozenset[Any]:
    """The control operations after which an external exchange's clock must be read again.

    Built on first use, not at import: the plugin loads in every pytest run.
    """
    from mock_exchange.control.service import ControlService as S

    return frozenset({S.set_clock, S.reset, S.restore, S.load_snapshot, S.replay_step, S.replay_seek,
                      S.replay_play, S.replay_pause})


def _watch_clock(control: Any, mirror: _ClockMirror) -> None:
    """Refresh ``mirror`` after each clock-changing call made through ``control``."""
    original = control._op
    clock_operations = _clock_operations()

    # Positional-only: operations such as add_account take a ``name`` keyword of their own.
    def op(operation: Any, /, **kwargs: Any) -> Any:
        result = original(operation, **kwargs)
        if operation in clock_operations:
            mirror.refresh()
        return result

    control._op = op


def external(url: str, token: str | None, config: ExchangeConfig, seed: int | None) -> FakeExchange:
    """A handle for a running server, reset to its config and put back on wall time."""
    import requests

    from mock_exchange.control import ControlError, RemoteControl

    url = url.rstrip("/")
    control = RemoteControl(url, token)
    try:
        state = control.reset(seed=seed)["clock"]
        # A reset returns a served exchange to wall time; one built frozen is told to follow it.
        if state.get("mode") != "wall":
            control.use_wall_clock()
    except requests.ConnectionError as exc:
        control.close()
        pytest.fail(f"--fake-exchange-url {url}: cannot connect ({exc.__class__.__name__}); is it running?",
                    pytrace=False)
    except ControlError as exc:
        control.close()
        pytest.fail(f"--fake-exchange-url {url}: the control API refused the reset: {exc} "
                    f"(set --fake-exchange-token or ${TOKEN_ENV})", pytrace=False)
    key, secret = demo_credentials(config)
    mirror = _ClockMirror(control)
    _watch_clock(control, mirror)
    return FakeExchange(url=url, session=requests.Session(), control=control, api_key=key, api_secret=secret,
                        time_source_ms=mirror.now_ms)


def leave_on_wall_time(handle: FakeExchange) -> None:
    """After a test froze or moved an external server's clock, put it back for whoever comes next.

    The next fixture resets it anyway; this is for what runs after the suite (the bot itself,
    python-binance signing with its own clock). A server that is gone by now is left alone.
    """
    try:
        if handle.control.clock().get("mode") != "wall":
            handle.control.use_wall_clock()
    except Exception as exc:  # noqa: BLE001 - teardown must not turn a passed test into an error
        import warnings

        warnings.warn(f"{handle.url}: could not put the clock back on wall time: {exc}", stacklevel=1)


def load_marked_replay(request: pytest.FixtureRequest, handle: FakeExchange) -> bool:
    """Load the ``fake_exchange_replay`` marker's file, if the test has one; True when it did.

    With ``align="file"`` (the default) the exchange is reset with its clock frozen at the
    file's first print, so the test's orders and the replayed prints share one timeline; the
    symbol's price is set to the first print's.
    """
    marker = request.node.get_closest_marker(REPLAY_MARKER)
    if marker is None:
        return False
    from mock_exchange.core.replay import ReplayFileError
    from mock_exchange.replay.files import open_replay_file

    if not marker.args:
        pytest.fail(f"@pytest.mark.{REPLAY_MARKER}: give the file's path", pytrace=False)
    path = Path(str(marker.args[0]))
    if not path.is_absolute():
        path = Path(request.node.path).parent / path
    symbol = marker.kwargs.get("symbol", marker.args[1] if len(marker.args) > 1 else None)
    align = marker.kwargs.get("align", "file")
    try:
        found = open_replay_file(path)
        first = found.first_print()
    except ReplayFileError as exc:
        pytest.fail(f"@pytest.mark.{REPLAY_MARKER}: {exc}", pytrace=False)
    if align == "file":
        handle.control.reset(at_ms=first.time_ms)
    status = handle.control.replay_load(str(path), symbol=symbol, align=align)
    # The market starts where the file does, so orders placed before the first step meet its prices.
    handle.control.set_price(status["symbol"], first.price)
    return True


def unload_replay(handle: FakeExchange) -> None:
    """Stop a replay's real-time thread with the fixture (a server that is gone is left alone)."""
    # Teardown must not turn a passed test into an error.
    with contextlib.suppress(Exception):
        handle.control.replay_unload()


# -- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def fake_exchange_config(pytestconfig: pytest.Config) -> ExchangeConfig:
    """The exchange config, loaded once per session (override to build your own)."""
    from mock_exchange.config import ConfigError, default_config, load_config

    path = _config_path(pytestconfig)
    try:
        return load_config(path) if path is not None else default_config()
    except ConfigError as exc:
        pytest.fail(f"fake_exchange_config: {exc}", pytrace=False)


@pytest.fixture(scope="session")
def fake_exchange_seed(pytestconfig: pytest.Config) -> int | None:
    """The seed for ids (None: the config's own seed); override to pick one."""
    seed = _option(pytestconfig, "fake_exchange_seed")
    return int(seed) if seed is not None else None


@pytest.fixture(scope=fixture_scope)
def fake_exchange(request: pytest.FixtureRequest, fake_exchange_config: ExchangeConfig,
                  fake_exchange_seed: int | None) -> Iterator[FakeExchange]:
    """A fresh fake exchange served in-process (no sockets)."""
    url = _option(request.config, "fake_exchange_url")
    if url is not None:
        handle = external(url, _option(request.config, "fake_exchange_token"), fake_exchange_config,
                          fake_exchange_seed)
    else:
        handle = in_process(build_app(fake_exchange_config, fake_exchange_seed), fake_exchange_config)
    yield from _for_one_test(request, handle, external_server=url is not None)


@pytest.fixture(scope=fixture_scope)
def fake_exchange_live(request: pytest.FixtureRequest, fake_exchange_config: ExchangeConfig,
                       fake_exchange_seed: int | None) -> Iterator[FakeExchange]:
    """A fresh fake exchange on a real 127.0.0.1 port (``.url``), for code that needs a URL."""
    url = _option(request.config, "fake_exchange_url")
    if url is not None:
        handle = external(url, _option(request.config, "fake_exchange_token"), fake_exchange_config,
                          fake_exchange_seed)
        yield from _for_one_test(request, handle, external_server=True)
        return
    from mock_exchange.testing import LiveServer

    server = LiveServer(build_app(fake_exchange_config, fake_exchange_seed)).start()
    try:
        yield from _for_one_test(request, live(server, fake_exchange_config), external_server=False)
    finally:
        server.stop()


def _for_one_test(request: pytest.FixtureRequest, handle: FakeExchange, *,
                  external_server: bool) -> Iterator[FakeExchange]:
    """Yield ``handle`` to the test with its marked replay loaded; afterwards unload the replay, put
    an external server's clock back on wall time, and close the handle."""
    replaying = False
    try:
        replaying = load_marked_replay(request, handle)
        yield handle
    finally:
        if replaying:
            unload_replay(handle)
        if external_server:
            leave_on_wall_time(handle)
        handle.close()
