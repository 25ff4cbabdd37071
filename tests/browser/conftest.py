"""Real-browser fixtures: headless Chromium (the system's chromedriver) against a live server.

    def test_page_loads(browser_page):
        browser_page.open("/mock/ui/")
        browser_page.wait_for_text("#accounts", "demo")
        browser_page.screenshot("dashboard")        # saved as an artifact, checked not blank
        assert browser_page.console_errors() == []

The tests skip, with the reason, only when Chromium, chromedriver or selenium is missing;
``.ci/run`` installs the Debian packages ``chromium`` and ``chromium-driver`` so CI always
runs them. Screenshots go to ``$MOCK_EXCHANGE_ARTIFACTS/browser/`` when that is set (CI
sets it), else to a directory under pytest's temporary base; each file is named after its
test, so tests may run in parallel.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from mock_exchange.config import default_config
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app
from tests.signed_client import FROZEN_AT_MS

CHROMEDRIVER_CANDIDATES = ("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver")
CHROMIUM_NAMES = ("chromium", "chromium-browser")
WINDOW = (1440, 1280)
WAIT_S = 15.0


def _executable(path: str) -> str | None:
    return path if os.access(path, os.X_OK) else None


def _find_chromedriver() -> str | None:
    """$MOCK_EXCHANGE_CHROMEDRIVER when set, else chromedriver on PATH or where Debian puts it."""
    chosen = os.environ.get("MOCK_EXCHANGE_CHROMEDRIVER")
    if chosen:
        return _executable(chosen)
    found = shutil.which("chromedriver")
    return found or next((path for path in CHROMEDRIVER_CANDIDATES if _executable(path)), None)


def _find_chromium() -> str | None:
    """$MOCK_EXCHANGE_CHROMIUM when set, else chromium on PATH."""
    chosen = os.environ.get("MOCK_EXCHANGE_CHROMIUM")
    if chosen:
        return _executable(chosen)
    return next((path for name in CHROMIUM_NAMES if (path := shutil.which(name))), None)


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed (pip install -e '.[test]')"
    if _find_chromium() is None:
        return "no Chromium: install the Debian package 'chromium' (.ci/run does)"
    if _find_chromedriver() is None:
        return "no chromedriver: install the Debian package 'chromium-driver' (.ci/run does)"
    return None


_SKIPPED: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    reason = browser_missing()
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)
            if reason is not None:
                item.add_marker(pytest.mark.skip(reason=f"browser tests: {reason}"))
                _SKIPPED.append(item.nodeid)


def pytest_terminal_summary(terminalreporter: Any) -> None:
    # Said once at the end of every run, not only with -rs: a skipped browser test is a gap.
    if _SKIPPED:
        terminalreporter.write_line(f"{len(_SKIPPED)} browser tests skipped: {browser_missing()}", yellow=True)


@pytest.fixture(scope="session")
def chromium_driver() -> Iterator[Any]:
    """One headless Chromium for the whole session (a page per test clears what it left)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = _find_chromium() or "chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--disable-extensions", "--no-first-run", "--disable-background-networking",
                     "--disable-component-update", "--disable-sync", "--disable-default-apps",
                     "--hide-scrollbars", "--force-device-scale-factor=1",
                     f"--window-size={WINDOW[0]},{WINDOW[1]}"):
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=_find_chromedriver()), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def frozen_live_app() -> Flask:
    """The default config, its clock frozen at FROZEN_AT_MS from the start (as tests/control does)."""
    config = default_config()
    return create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=FROZEN_AT_MS)))


@pytest.fixture
def browser_app() -> Flask:
    """The app the browser looks at; override it in a test module to serve another one."""
    return frozen_live_app()


@pytest.fixture
def browser_server(browser_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(browser_app) as server:
        yield server


@pytest.fixture(scope="session")
def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where screenshots go: $MOCK_EXCHANGE_ARTIFACTS/browser, else under pytest's temp base."""
    root = os.environ.get("MOCK_EXCHANGE_ARTIFACTS")
    path = Path(root) / "browser" if root else tmp_path_factory.getbasetemp() / "browser-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


class BrowserPage:
    """A test's view of the shared Chromium: open pages of the live server, wait, screenshot."""

    def __init__(self, driver: Any, server: LiveServer, artifacts: Path, test_name: str) -> None:
        self.driver = driver
        self.server = server
        self.artifacts = artifacts
        self.test_name = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)[:120]
        self._errors: list[dict[str, Any]] = []

    def url(self, path: str) -> str:
        return self.server.url + path

    def open(self, path: str) -> None:
        """Open ``path`` of the live server (``/mock/ui/``)."""
        self.driver.get(self.url(path))

    def open_file(self, path: Path) -> None:
        """Open a file from disk (a self-contained HTML report, say), as a user double-clicking it would."""
        self.driver.get(Path(path).resolve().as_uri())

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By

        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[Any]:
        from selenium.webdriver.common.by import By

        return list(self.driver.find_elements(By.CSS_SELECTOR, css))

    def wait_until(self, condition: Callable[[], Any], what: str, timeout: float = WAIT_S) -> Any:
        """Poll ``condition`` until it returns something truthy; fail naming ``what`` at the deadline."""
        deadline = time.monotonic() + timeout
        last_error: Exception | None = None
        while True:
            try:
                value = condition()
                if value:
                    return value
            except Exception as exc:  # noqa: BLE001 - a stale element or a page mid-render: poll again
                last_error = exc
            if time.monotonic() > deadline:
                detail = f" (last error: {last_error!r})" if last_error else ""
                raise AssertionError(f"timed out after {timeout}s waiting for {what}{detail}")
            time.sleep(0.05)

    def wait_for_text(self, css: str, text: str, timeout: float = WAIT_S) -> str:
        """The text of the first element matching ``css`` that contains ``text`` (read as it matched).

        The text, not the element: a live page may redraw the element a moment later.
        """

        def found() -> str | None:
            return next((shown for el in self.find_all(css) if text in (shown := el.text)), None)

        return str(self.wait_until(found, f"{text!r} in {css}", timeout))

    def click(self, css: str, text: str = "", timeout: float = WAIT_S) -> None:
        """Click the first element matching ``css`` (containing ``text``), retrying while the page redraws."""

        def clicked() -> bool:
            element = next((el for el in self.find_all(css) if text in el.text), None)
            if element is None:
                return False
            element.click()
            return True

        self.wait_until(clicked, f"a clickable {css} with {text!r}", timeout)

    def script(self, source: str, *args: Any) -> Any:
        return self.driver.execute_script(source, *args)

    def console_errors(self) -> list[dict[str, Any]]:
        """Console errors and uncaught exceptions since the page fixture started (SEVERE log entries).

        The browser's own request for ``/favicon.ico`` (made for pages that name no icon, such
        as a JSON answer; the exchange has none, as Binance has none) is not the page's error.
        """
        self._errors.extend(entry for entry in self.driver.get_log("browser")
                            if entry.get("level") == "SEVERE" and not _is_favicon_miss(entry))
        return list(self._errors)

    def screenshot(self, name: str) -> Path:
        """Save the viewport as ``<test>--<name>.png`` in the artifacts directory; fail if it is blank."""
        png = self.driver.get_screenshot_as_png()
        path = self.artifacts / f"{self.test_name}--{name}.png"
        path.write_bytes(png)
        problem = blank_problem(png)
        assert problem is None, f"screenshot {path} looks blank: {problem}"
        return path


def open_dashboard(page: BrowserPage) -> None:
    """Open ``/mock/ui/`` and wait until it has read the exchange once and follows it live."""
    page.open("/mock/ui/")
    page.wait_until(lambda: page.script("return document.body.dataset.refreshed"), "the dashboard's first refresh")
    page.wait_for_text("#live", "live")


def _is_favicon_miss(entry: dict[str, Any]) -> bool:
    return entry.get("source") == "network" and "/favicon.ico " in str(entry.get("message"))


def blank_problem(png: bytes, min_colours: int = 8, min_other_share: float = 0.01) -> str | None:
    """Why a PNG looks blank (one colour nearly everywhere, or hardly any colours), or None.

    A page that failed to render is one flat colour; a rendered page has text and borders in
    several colours, off its background on at least ``min_other_share`` of the pixels.
    """
    from PIL import Image

    image = Image.open(io.BytesIO(png)).convert("RGB")
    width, height = image.size
    if width == 0 or height == 0:
        return "empty image"
    colours = image.getcolors(maxcolors=width * height) or []
    colours.sort(reverse=True)
    background_share = colours[0][0] / (width * height)
    if len(colours) < min_colours:
        return f"only {len(colours)} colours"
    if 1 - background_share < min_other_share:
        return f"{background_share:.2%} of the pixels are the background colour"
    return None


@pytest.fixture
def browser_page(chromium_driver: Any, browser_server: LiveServer, artifacts_dir: Path,
                 request: pytest.FixtureRequest) -> Iterator[BrowserPage]:
    """A clean page (no cookies, storage or console entries from earlier tests) on the live server."""
    chromium_driver.get("about:blank")
    chromium_driver.delete_all_cookies()
    chromium_driver.get_log("browser")  # drop what earlier tests left in the log
    yield BrowserPage(chromium_driver, browser_server, artifacts_dir, request.node.name)
    # Leave the page before the server stops, so its live stream closes from the browser's side.
    chromium_driver.get("about:blank")
