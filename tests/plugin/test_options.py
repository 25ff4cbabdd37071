"""The plugin's options and overridable fixtures, each in an inner pytest session (``pytester``)."""

from __future__ import annotations

import textwrap

import pytest

CUSTOM_CONFIG = """
symbols:
  SOLUSDT:
    base_asset: SOL
    quote_asset: USDT
    last_price: "150.00"
    filters:
      - {filterType: PRICE_FILTER, minPrice: "0.01", maxPrice: "100000.00", tickSize: "0.01"}
      - {filterType: LOT_SIZE, minQty: "0.001", maxQty: "9000.000", stepSize: "0.001"}
accounts:
  - name: alice
    api_key: aliceApiKey0000000000000000000000000000000000000000000000000000
    hmac_secret: aliceSecret000000000000000000000000000000000000000000000000000
    cross:
      USDT: {free: "1000"}
"""

SEES_ONLY_SOLUSDT = """
def test_custom(fake_exchange):
    symbols = fake_exchange.session.get(fake_exchange.url + "/api/v3/exchangeInfo").json()["symbols"]
    assert [s["symbol"] for s in symbols] == ["SOLUSDT"]
    assert fake_exchange.api_key.startswith("alice")
"""


def run(pytester: pytest.Pytester, *args: str) -> pytest.RunResult:
    return pytester.runpytest("-p", "no:cacheprovider", *args)


def test_fresh_exchange_for_every_test_by_default(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from decimal import Decimal

        def test_first(fake_exchange):
            fake_exchange.set_price("BTCUSDT", "31000")

        def test_second(fake_exchange):
            assert Decimal(fake_exchange.market("BTCUSDT")["last_price"]) == 30000
    """)
    run(pytester).assert_outcomes(passed=2)


def test_scope_option_shares_one_exchange(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        from decimal import Decimal

        def test_first(fake_exchange):
            fake_exchange.set_price("BTCUSDT", "31000")

        def test_second(fake_exchange):
            assert Decimal(fake_exchange.market("BTCUSDT")["last_price"]) == 31000
    """)
    run(pytester, "--fake-exchange-scope", "module").assert_outcomes(passed=2)


def test_scope_from_the_ini_file(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_exchange_scope = session\n")
    pytester.makepyfile(test_a="def test_a(fake_exchange_live): fake_exchange_live.set_price('BTCUSDT', '31000')",
                        test_b="def test_b(fake_exchange_live):\n"
                               "    assert float(fake_exchange_live.market('BTCUSDT')['last_price']) == 31000")
    run(pytester).assert_outcomes(passed=2)


def test_bad_scope_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fake-exchange-scope", "forever")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*fake_exchange_scope: 'forever' is not one of*"])


def test_config_file_from_the_command_line(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", exchange=CUSTOM_CONFIG)
    pytester.makepyfile(SEES_ONLY_SOLUSDT)
    run(pytester, "--fake-exchange-config", "exchange.yaml").assert_outcomes(passed=1)


def test_config_file_from_the_ini_file_is_relative_to_it(pytester: pytest.Pytester) -> None:
    pytester.mkdir("conf").joinpath("exchange.yaml").write_text(CUSTOM_CONFIG)
    pytester.makeini("[pytest]\nfake_exchange_config = conf/exchange.yaml\n")
    pytester.mkdir("sub").joinpath("test_custom.py").write_text(textwrap.dedent(SEES_ONLY_SOLUSDT))
    run(pytester, "sub").assert_outcomes(passed=1)


def test_broken_config_file_names_the_field(pytester: pytest.Pytester) -> None:
    pytester.makefile(".yaml", exchange="symbols: {BTCUSDT: {base_asset: BTC}}\naccounts: []\n")
    pytester.makepyfile("def test_a(fake_exchange): pass")
    result = run(pytester, "--fake-exchange-config", "exchange.yaml")
    result.stdout.fnmatch_lines(["*fake_exchange_config: *BTCUSDT*"])
    assert result.ret != pytest.ExitCode.OK


def test_seed_option(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("def test_seed(fake_exchange): assert fake_exchange.exchange.ids.seed == 7")
    run(pytester, "--fake-exchange-seed", "7").assert_outcomes(passed=1)
    pytester.makeini("[pytest]\nfake_exchange_seed = 7\n")
    run(pytester).assert_outcomes(passed=1)


def test_same_seed_same_generated_ids(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_ids(fake_exchange, pytestconfig):
            placed = fake_exchange.client.place_oco(
                symbol="BTCUSDT", side="SELL", quantity="0.01", price="31000", stop_price="29000")
            print("IDS", [o.client_order_id for o in placed.orders])
    """)
    runs = [run(pytester, "-s", "--fake-exchange-seed", seed) for seed in ("1", "1", "2")]
    ids = [next(line for line in r.outlines if "IDS" in line) for r in runs]
    assert ids[0] == ids[1] != ids[2]


def test_bad_seed_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--fake-exchange-seed", "abc")
    assert result.ret == pytest.ExitCode.USAGE_ERROR


def test_config_and_seed_fixtures_can_be_overridden(pytester: pytest.Pytester) -> None:
    pytester.makeconftest("""
        import dataclasses
        import pytest

        @pytest.fixture(scope="session")
        def fake_exchange_config(fake_exchange_config):
            symbols = {"ETHUSDT": fake_exchange_config.symbols["ETHUSDT"]}
            return dataclasses.replace(fake_exchange_config, symbols=symbols)

        @pytest.fixture(scope="session")
        def fake_exchange_seed():
            return 42
    """)
    pytester.makepyfile("""
        def test_overridden(fake_exchange):
            info = fake_exchange.session.get(fake_exchange.url + "/api/v3/exchangeInfo").json()
            assert [s["symbol"] for s in info["symbols"]] == ["ETHUSDT"]
            assert fake_exchange.exchange.ids.seed == 42
    """)
    run(pytester).assert_outcomes(passed=1)


def test_live_server_is_stopped_after_the_test(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        import pytest, requests

        URLS = []

        def test_serves(fake_exchange_live):
            URLS.append(fake_exchange_live.url)
            assert requests.get(fake_exchange_live.url + "/api/v3/ping", timeout=5).ok

        def test_gone_afterwards():
            with pytest.raises(requests.ConnectionError):
                requests.get(URLS[0] + "/api/v3/ping", timeout=5)
    """)
    run(pytester).assert_outcomes(passed=2)


def test_options_are_listed_in_help(pytester: pytest.Pytester) -> None:
    result = run(pytester, "--help")
    result.stdout.fnmatch_lines(["*--fake-exchange-config=FILE*", "*--fake-exchange-seed=N*",
                                 "*--fake-exchange-scope=SCOPE*", "*--fake-exchange-url=URL*",
                                 "*--fake-exchange-token=TOKEN*"])


def test_a_failed_test_shows_the_latest_rejection(pytester: pytest.Pytester) -> None:
    pytester.makepyfile("""
        def test_order(fake_exchange):
            answer = fake_exchange.session.post(fake_exchange.url + "/fapi/v1/order", json={"priceLimit": "1"})
            assert answer.status_code == 200

        def test_passes(fake_exchange):
            fake_exchange.session.get(fake_exchange.url + "/fapi/v1/order")
    """)
    result = run(pytester)
    result.assert_outcomes(passed=1, failed=1)
    result.stdout.fnmatch_lines(["*fake_exchange: the latest rejection*", "POST /fapi/v1/order -> 404 -1020",
                                 "*not emulated*priceLimit (did you mean price?)*"])
    assert result.stdout.str().count("the latest rejection") == 1
