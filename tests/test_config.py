"""The configuration file: the built-in default, YAML and JSON files, and malformed ones."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from mock_exchange.cli import main
from mock_exchange.config import DEFAULT_CONFIG_PATH, ConfigError, config_from_dict, default_config, load_config


def test_default_config_has_the_documented_symbols_and_demo_account() -> None:
    config = default_config()
    assert set(config.symbols) >= {"BTCUSDT", "ETHUSDT", "BNBUSDT", "ETHBTC"}
    btc = config.symbols["BTCUSDT"]
    assert btc.last_price == Decimal("30000.00")
    assert btc.filter("PRICE_FILTER")["tickSize"] == "0.01"
    demo = config.accounts[0]
    assert demo.api_key == "vmPUZE6mv9SD5VNHk4HlWFsOr6aKE2zvsw0MuIgwCIPy6utIco14y7Ju91duEh8A"
    assert demo.cross["USDT"].free == Decimal("100000")
    assert demo.isolated["BTCUSDT"]["BTC"].free == Decimal("1")
    assert any(a.rsa_public_key for a in config.accounts)
    assert any(a.ed25519_public_key for a in config.accounts)


def _raw() -> dict:
    return yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())


def test_json_file_loads_like_yaml(tmp_path: Path) -> None:
    raw = _raw()
    for account in raw["accounts"]:  # key files are relative to the config file
        for field in ("rsa_public_key", "ed25519_public_key"):
            if field in account:
                account[field] = str(DEFAULT_CONFIG_PATH.parent / account[field])
    path = tmp_path / "exchange.json"
    path.write_text(json.dumps(raw))
    assert load_config(path).symbols.keys() == default_config().symbols.keys()


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (
            lambda r: r["symbols"]["BTCUSDT"].update(last_price="abc"),
            "symbols.BTCUSDT.last_price: not a decimal: 'abc'",
        ),
        (lambda r: r["symbols"]["BTCUSDT"].update(last_price=0.1), "symbols.BTCUSDT.last_price: not a decimal: 0.1"),
        (
            lambda r: r["symbols"]["BTCUSDT"]["filters"][0].update(filterType="NOPE"),
            "symbols.BTCUSDT.filters[0].filterType: unknown filter 'NOPE'",
        ),
        (
            lambda r: r["accounts"][0].update(api_key="bad key!"),
            "accounts[0].api_key: must be 1-128 letters and digits",
        ),
        (
            lambda r: r["accounts"][0]["cross"]["USDT"].update(free="-1"),
            "accounts[0].cross.USDT.free: must not be negative",
        ),
        (lambda r: r["accounts"][0]["isolated"].update(NOPE={}), "accounts[0].isolated.NOPE: unknown symbol"),
        (
            lambda r: r["rate_limits"].update(api_weight_per_minute="many"),
            "rate_limits.api_weight_per_minute: not an integer",
        ),
        (lambda r: r.update(colour="blue"), "colour: unknown field"),
        (
            lambda r: r["accounts"][1].update(api_key=r["accounts"][0]["api_key"]),
            "accounts[1].api_key: duplicate API key",
        ),
    ],
)
def test_malformed_config_names_the_bad_field(mutate, message: str) -> None:  # noqa: ANN001
    raw = _raw()
    mutate(raw)
    with pytest.raises(ConfigError) as caught:
        config_from_dict(raw, base_dir=DEFAULT_CONFIG_PATH.parent)
    assert str(caught.value).startswith(message)


def test_malformed_file_stops_start_up_with_the_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.yaml"
    raw = _raw()
    raw["symbols"]["ETHBTC"]["filters"][1]["stepSize"] = "ten"
    path.write_text(yaml.safe_dump(raw))
    assert main(["serve", "--config", str(path)]) == 2
    assert "symbols.ETHBTC.filters[1].stepSize: not a decimal: 'ten'" in capsys.readouterr().err


def test_not_yaml_at_all(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("symbols: [unclosed")
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(path)


def test_check_config_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check-config", str(DEFAULT_CONFIG_PATH)]) == 0
    assert "OK (4 symbols, 5 accounts)" in capsys.readouterr().out


def test_persistent_mode_keys(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    target = tmp_path / "exchange.yaml"
    raw["accounts"] = [a for a in raw["accounts"] if "hmac_secret" in a]  # key files are relative paths
    target.write_text(yaml.safe_dump({**raw, "state_file": "state/exchange.json", "state_interval_ms": 250}),
                      encoding="utf-8")
    config = load_config(target)
    assert config.state_file == str(tmp_path / "state" / "exchange.json")  # relative to the config file
    assert config.state_interval_ms == 250
    assert default_config().state_file is None
    for bad, message in (({"state_interval_ms": 0}, "state_interval_ms: must be at least 1"),
                         ({"state_interval_ms": "1s"}, "state_interval_ms: not an integer"),
                         ({"state_file": ""}, "state_file: expected a non-empty string")):
        with pytest.raises(ConfigError, match=message):
            config_from_dict({**raw, **bad})


@pytest.mark.parametrize(("filter_spec", "message"), [
    ({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": "many"}, "maxNumOrders: must be a non-negative integer"),
    ({"filterType": "MAX_NUM_ORDERS", "maxNumOrders": True}, "maxNumOrders: must be a non-negative integer"),
    ({"filterType": "NOTIONAL", "applyMinToMarket": "sometimes"}, "applyMinToMarket: must be true or false"),
    ({"filterType": "LOT_SIZE", "stepSize": "-1"}, "stepSize: must be a non-negative decimal below 1e20"),
    ({"filterType": "LOT_SIZE", "maxQty": "1e400"}, "maxQty: must be a non-negative decimal below 1e20"),
    ({"filterType": "LOT_SIZE", "colour": "red"}, "colour: unknown filter field"),
])
def test_filter_fields_are_typed(filter_spec: dict[str, object], message: str) -> None:
    raw = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text(encoding="utf-8"))
    raw["symbols"]["BTCUSDT"]["filters"] = [filter_spec]
    with pytest.raises(ConfigError, match=f"symbols.BTCUSDT.filters\\[0\\].{message}"):
        config_from_dict(raw)


def test_the_packaged_demo_public_keys_parse_and_are_the_default_configs() -> None:
    # load_config takes these texts without parsing them (config._demo_public_keys), so they must parse.
    from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    from mock_exchange.config import DEMO_PUBLIC_KEYS

    folder = DEFAULT_CONFIG_PATH.with_name("demo_keys")
    rsa_text, ed_text = ((folder / name).read_text(encoding="ascii") for name in DEMO_PUBLIC_KEYS)
    assert isinstance(load_pem_public_key(rsa_text.encode()), rsa.RSAPublicKey)
    assert isinstance(load_pem_public_key(ed_text.encode()), ed25519.Ed25519PublicKey)
    keys = {(a.rsa_public_key, a.ed25519_public_key) for a in default_config().accounts}
    assert (rsa_text, None) in keys
    assert (None, ed_text) in keys


@pytest.mark.parametrize("field", ["rsa_public_key", "ed25519_public_key"])
def test_a_public_key_that_is_not_one_stops_loading(field: str) -> None:
    raw = _raw()
    demo = next(a for a in raw["accounts"] if a.get(field))
    pem = demo[field]
    demo[field] = pem.replace(pem.splitlines()[1], "")  # PEM armour around a cut-off key
    with pytest.raises(ConfigError, match=rf"\.{field}: not a PEM public key"):
        config_from_dict(raw, base_dir=DEFAULT_CONFIG_PATH.parent)
