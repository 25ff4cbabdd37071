"""``--fake-exchange-url``: the fixtures on a server that is already running (the compose service in CI)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from mock_exchange.testing import LiveServer
from mock_exchange.web.app import create_app

TOKEN = "plugin-test-token"


@pytest.fixture
def server() -> Iterator[LiveServer]:
    with LiveServer(create_app(control_token=TOKEN)) as live:
        yield live


def run(pytester: pytest.Pytester, server: LiveServer, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", "--fake-exchange-url", server.url, *args)


def test_both_fixtures_use_the_external_server(pytester: pytest.Pytester, server: LiveServer) -> None:
    pytester.makepyfile(f"""
        import pytest

        @pytest.mark.parametrize("name", ["fake_exchange", "fake_exchange_live"])
        def test_external(request, name):
            handle = request.getfixturevalue(name)
            assert handle.url == "{server.url}"
            assert handle.app is None
            with pytest.raises(RuntimeError, match="external server"):
                handle.test_client
            assert handle.session.get(handle.url + "/api/v3/ping").json() == {{}}
    """)
    run(pytester, server, "--fake-exchange-token", TOKEN).assert_outcomes(passed=2)


def test_state_is_reset_before_each_test(pytester: pytest.Pytester, server: LiveServer) -> None:
    pytester.makepyfile("""
        from decimal import Decimal

        OCO = dict(symbol="BTCUSDT", side="SELL", quantity="0.01", price="31000", stop_price="29000")

        def test_first(fake_exchange):
            fake_exchange.client.place_oco(**OCO)
            fake_exchange.set_price("BTCUSDT", "30100")

        def test_second(fake_exchange):
            assert fake_exchange.client.get_open_orders(symbol="BTCUSDT") == []
            assert Decimal(fake_exchange.market("BTCUSDT")["last_price"]) == 30000
            assert fake_exchange.journal_count() == 1  # this test's own request only
    """)
    run(pytester, server, "--fake-exchange-token", TOKEN).assert_outcomes(passed=2)


def test_a_frozen_clock_is_followed_then_put_back_on_wall_time(pytester: pytest.Pytester,
                                                               server: LiveServer) -> None:
    pytester.makepyfile("""
        import time

        FROZEN_AT_MS = 1_767_225_600_000

        def test_freezes(fake_exchange):
            fake_exchange.freeze(at_ms=FROZEN_AT_MS)
            placed = fake_exchange.client.place_oco(symbol="BTCUSDT", side="SELL", quantity="0.01",
                                                    price="31000", stop_price="29000")
            assert placed.transaction_time == FROZEN_AT_MS

        def test_runs_on_wall_time(fake_exchange):
            clock = fake_exchange.clock()
            assert not clock["frozen"]
            assert abs(clock["now_ms"] - time.time() * 1000) < 5_000
    """)
    run(pytester, server, "--fake-exchange-token", TOKEN).assert_outcomes(passed=2)


def test_the_last_test_leaves_the_server_on_wall_time(pytester: pytest.Pytester, server: LiveServer) -> None:
    from mock_exchange.control import RemoteControl

    pytester.makepyfile("""
        import pytest

        @pytest.mark.parametrize("name", ["fake_exchange", "fake_exchange_live"])
        def test_freezes_and_advances(request, name):
            handle = request.getfixturevalue(name)
            handle.freeze(at_ms=1_767_225_600_000)
            handle.advance(minutes=1)
    """)
    run(pytester, server, "--fake-exchange-token", TOKEN).assert_outcomes(passed=2)
    with RemoteControl(server.url, TOKEN) as control:
        assert control.clock()["mode"] == "wall"  # what the bot run after the suite needs


def test_token_from_the_environment(pytester: pytest.Pytester, server: LiveServer,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MOCK_EXCHANGE_CONTROL_TOKEN", TOKEN)
    pytester.makepyfile("def test_a(fake_exchange): fake_exchange.set_price('BTCUSDT', '30001')")
    run(pytester, server).assert_outcomes(passed=1)


def test_wrong_token_fails_with_a_hint(pytester: pytest.Pytester, server: LiveServer,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MOCK_EXCHANGE_CONTROL_TOKEN", raising=False)
    pytester.makepyfile("def test_a(fake_exchange): pass")
    result = run(pytester, server, "--fake-exchange-token", "wrong")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*refused the reset*--fake-exchange-token*"])


def test_unreachable_url_fails_with_a_hint(pytester: pytest.Pytester) -> None:
    with LiveServer(create_app()) as gone:
        url = gone.url
    pytester.makepyfile("def test_a(fake_exchange): pass")
    result = pytester.runpytest("-p", "no:cacheprovider", "--fake-exchange-url", url)
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*cannot connect*is it running?*"])


def test_operations_with_a_name_argument_work_on_an_external_server(pytester: pytest.Pytester,
                                                                   server: LiveServer) -> None:
    # Regression: the clock watcher's wrapper once took ``name`` itself and broke these calls.
    pytester.makepyfile("""
        def test_add_account_and_set_balance(fake_exchange):
            fake_exchange.add_account(name="bot", api_key="botApiKey123", hmac_secret="botSecret",
                                      cross={"USDT": {"free": "10"}})
            fake_exchange.set_balance("bot", "USDT", free="25")
            assert fake_exchange.account("bot")["cross"]["USDT"]["free"] == "25"
    """)
    run(pytester, server, "--fake-exchange-token", TOKEN).assert_outcomes(passed=1)
