"""The domain core stays pure, and the client and server packages stay apart."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_core_imports_no_web_framework() -> None:
    for path in (ROOT / "mock_exchange" / "core").rglob("*.py"):
        for name in _imports(path):
            root = name.split(".")[0]
            assert root not in {"flask", "werkzeug", "waitress", "requests"}, f"{path.name} imports {name}"
            assert not name.startswith("mock_exchange.web"), f"{path.name} imports {name}"


def test_no_web_module_takes_the_engine_lock() -> None:
    # Each Exchange facade method takes the lock itself (read_consistently for a reader that
    # needs one moment), so the HTTP layer never holds it and has no lock order of its own.
    for path in (ROOT / "mock_exchange" / "web").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "lock":
                raise AssertionError(f"{path.relative_to(ROOT)}:{node.lineno} uses .lock")


def test_client_does_not_import_the_server_and_the_server_does_not_need_the_client() -> None:
    # The client must work against real Binance, so it never leans on the server package;
    # the server itself runs without the client (only the pytest plugin and the scenario
    # runner, which drive it like a bot would, use the client).
    for path in (ROOT / "client" / "margin_client").rglob("*.py"):
        assert not any(n.startswith("mock_exchange") for n in _imports(path)), path.name
    for package in ("core", "web", "control"):
        for path in (ROOT / "mock_exchange" / package).rglob("*.py"):
            assert not any(n.startswith("margin_client") for n in _imports(path)), path.name


def test_error_table_in_the_docs_matches_core_errors() -> None:
    # Every Binance error the fake can send is listed in docs/errors.md, generated from core/errors.py.
    from mock_exchange.core import error_table

    assert error_table.documented() == error_table.table(), (
        "docs/errors.md is out of date: run `python -m mock_exchange.core.error_table --write`")


def test_core_holds_the_config_types_and_reads_no_config_files() -> None:
    # The config dataclasses live in core/config.py; YAML and files are the loader's
    # (mock_exchange/config.py), which the core never imports.
    allowed_outside = {"mock_exchange.nesting"}  # a pure depth guard for parsed documents
    for path in (ROOT / "mock_exchange" / "core").rglob("*.py"):
        names = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names.update(alias.name for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.module:
                names.update(f"{node.module}.{alias.name}" for alias in node.names)
        for name in names:
            assert name.split(".")[0] != "yaml", f"{path.name} imports {name}"
            if name.startswith("mock_exchange.") and name not in allowed_outside:
                assert name.startswith("mock_exchange.core."), f"{path.name} imports {name}"


def test_every_public_control_service_method_has_exactly_one_route() -> None:
    # Routes hold ControlService functions (control/routes.py), never names looked up when a
    # request comes: so every public method is an operation the HTTP API and the handles reach.
    from mock_exchange.control.routes import ROUTES
    from mock_exchange.control.service import ControlService

    public = {name: function for name, function in inspect.getmembers(ControlService, inspect.isfunction)
              if not name.startswith("_")}
    routed = [route.operation for route in ROUTES]
    assert len(set(routed)) == len(routed), "an operation routed twice"
    assert sorted(route.op for route in ROUTES) == sorted(public)
    assert all(public[route.op] is route.operation for route in ROUTES)


def test_the_control_handle_calls_only_routed_operations() -> None:
    # LocalControl and RemoteControl find an operation's route by its function: one the
    # handle names without a route would fail only when that handle method is called.
    from mock_exchange.control import handle
    from mock_exchange.control.routes import ROUTE_OF

    source = ast.parse((ROOT / "mock_exchange" / "control" / "handle.py").read_text(encoding="utf-8"))
    named = {node.attr for node in ast.walk(source)
             if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "S"}
    assert len(named) > 30
    assert {getattr(handle.S, name) for name in named} <= set(ROUTE_OF)


def test_endpoint_table_in_the_docs_and_readme_is_up_to_date() -> None:
    # docs/endpoints.md and the README's families table are rendered from web/endpoint_catalog.py.
    from mock_exchange.web import endpoint_table

    fix = f"run `{endpoint_table.COMMAND}`"
    assert endpoint_table.documented() == endpoint_table.table(), f"docs/endpoints.md is out of date: {fix}"
    assert endpoint_table.in_readme() == endpoint_table.readme_table(), f"README.md is out of date: {fix}"


def test_the_endpoint_table_is_exactly_what_the_app_routes() -> None:
    # Every Binance route of a fresh app is declared in the table, and every declared one is routed.
    from mock_exchange.web.app import create_app
    from mock_exchange.web.endpoint_catalog import ALL

    app = create_app()
    routed = {(method, rule.rule) for rule in app.url_map.iter_rules() if rule.rule.startswith(("/api/", "/sapi/"))
              for method in (rule.methods or set()) - {"HEAD", "OPTIONS"}}
    declared = {(e.method, e.path) for e in ALL}
    assert routed == declared, f"routed only: {sorted(routed - declared)}; declared only: {sorted(declared - routed)}"
    assert len({(e.method, e.path, e.security) for e in ALL}) == len(ALL), "an endpoint is declared twice"
    assert len({e.name for e in ALL}) == len({(e.method, e.path) for e in ALL}), "two routes share a name"


def test_every_endpoint_links_binance_s_page_or_is_a_documented_gap() -> None:
    from mock_exchange.web.endpoint_catalog import ALL, NO_PAGE_FOUND

    for endpoint in ALL:
        if (endpoint.method, endpoint.path) in NO_PAGE_FOUND:
            assert endpoint.doc_url is None, endpoint.name
        else:
            assert (endpoint.doc_url or "").startswith("https://developers.binance.com/"), endpoint.name


def test_every_presence_rule_names_the_function_that_checks_it() -> None:
    import importlib

    from mock_exchange.web.endpoint_catalog import ALL

    for rule in {rule for endpoint in ALL for rule in endpoint.presence}:
        module, _, function = rule.enforced_by.rpartition(".")
        assert callable(getattr(importlib.import_module(module), function, None)), rule


# Suites that walk every declared route by themselves: they prove no endpoint was tested for itself.
GENERIC_WALKERS = frozenset({"test_fuzz_openapi.py", "test_fuzz_whitespace.py", "test_fuzz_params.py",
                             "test_fuzz_large_bodies.py", "test_hostile_control_values.py"})


def test_every_declared_method_and_path_is_requested_by_an_http_test() -> None:
    # Per method: GET and DELETE of one path are two endpoints, each needs a test that calls it
    # (tests/endpoint_requests.py reads the test sources and the scenarios for the calls).
    from mock_exchange.web.endpoint_catalog import ALL
    from tests.endpoint_requests import requested

    found = requested(ROOT, GENERIC_WALKERS)
    untested = sorted({f"{e.method} {e.path}" for e in ALL if (e.method, e.path) not in found})
    assert not untested, f"declared endpoints no HTTP test requests: {untested}"


def test_the_request_reader_sees_each_way_tests_call_an_endpoint() -> None:
    from tests.endpoint_requests import python_requests, scenario_requests

    source = '''
import pytest
ORDER = "/sapi/v1/margin/order"

def ok(client, path):
    return client.get(path)

def via_url(fake, path):
    return fake.session.delete(f"{fake.url}{path}")

@pytest.mark.parametrize("path, weight", [("/api/v3/klines", 2), ("/api/v3/uiKlines", 2)])
def test_a(signed, client, path, weight):
    signed.post(ORDER, symbol="BTCUSDT")
    signed.request("DELETE", f"{ORDER}?symbol=BTCUSDT")
    client.open("/sapi/v1/userDataStream", method="PUT")
    ok(client, f"{path}?symbol=BTCUSDT")
    via_url(fake, "/api/v3/openOrders")
    assert "/api/v3/ping" in str(client)  # named, not requested
'''
    assert sorted(set(python_requests(source))) == [
        ("DELETE", "/api/v3/openOrders"), ("DELETE", "/sapi/v1/margin/order"), ("GET", "/api/v3/klines"),
        ("GET", "/api/v3/uiKlines"), ("POST", "/sapi/v1/margin/order"), ("PUT", "/sapi/v1/userDataStream"),
    ]
    steps = "steps:\n  - request: {method: get, path: \"/sapi/v1/margin/account?x=1\"}\n  - market: {path: [1, 2]}\n"
    assert list(scenario_requests(steps)) == [("GET", "/sapi/v1/margin/account")]


def _rule_homes() -> list[tuple[str, str]]:
    """(rule, home) rows of docs/architecture.md's "Where each Binance rule lives" table."""
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    section = text.split("## Where each Binance rule lives", 1)[1].split("\n## ", 1)[0]
    rows = [line.strip().strip("|").split(" | ") for line in section.splitlines() if line.startswith("| ")]
    return [(cells[0].strip(), cells[-1].strip()) for cells in rows[1:]]



def _module_named(token: str) -> str:
    """``web/order_params.py`` or ``web/order_params`` (under mock_exchange/), ``mock_exchange/config.py``."""
    path = token.removesuffix(".py")
    path = path if path.startswith("mock_exchange/") else f"mock_exchange/{path}"
    return path.replace("/", ".")


def _resolves(target: object, dotted: str) -> bool:
    for name in dotted.split("."):
        if not hasattr(target, name):
            return False
        target = getattr(target, name)
    return True


def test_every_home_the_rule_table_names_exists() -> None:
    # Each backquoted name in the table's home column is a module (`core/filters.py`), a function or
    # attribute in one (`core/placement_checks.check_access`, `core/accounts.MarginAccount.accrue_interest`),
    # or a bare name defined in a module the same row names (`check_order` beside `core/filters.py`).
    import importlib
    import re

    rows = _rule_homes()
    assert len(rows) >= 20, "the rule table was not found in docs/architecture.md"
    for rule, home in rows:
        modules, bare = [], []
        for token in (t.removesuffix("(...)") for t in re.findall(r"`([^`]+)`", home)):
            if "/" not in token:
                bare.append(token)
                continue
            path, _, attributes = token.removesuffix(".py").partition(".")
            module = importlib.import_module(_module_named(path))
            modules.append(module)
            assert not attributes or _resolves(module, attributes), f"{rule!r}: `{token}` does not exist"
        assert modules, f"{rule!r}: the home names no module"
        for token in bare:
            assert any(_resolves(module, token) for module in modules), (
                f"{rule!r}: `{token}` is in none of the modules the row names")
