"""The configuration loader: YAML or JSON files into the core's config dataclasses.

The dataclasses and the checks of single values live in ``mock_exchange.core.config``
(re-exported here); this module reads files. Loaded from YAML or JSON (``--config FILE``) or from the packaged default
(``default_config.yaml``, which is also the documented example). A malformed file stops
start-up with a :class:`ConfigError` naming the field, e.g.
``symbols.BTCUSDT.last_price: not a decimal: 'abc'``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from mock_exchange import nesting
from mock_exchange.core.config import (
    API_KEY_PATTERN,
    EXCHANGE_FILTER_TYPES,
    FILTER_DECIMAL_FIELDS,
    FILTER_FLAG_FIELDS,
    FILTER_INT_FIELDS,
    FILTER_TYPES,
    MAX_FILTER_VALUE,
    AccountConfig,
    BalanceConfig,
    ConfigError,
    ExchangeConfig,
    FeeConfig,
    HistoryConfig,
    MarginConfig,
    MarginLevelBars,
    RateLimitConfig,
    SymbolConfig,
    symbol_config,
)
from mock_exchange.core.config import filter_spec as _filter
from mock_exchange.core.config import read_asset as _asset
from mock_exchange.core.config import read_bool as _bool
from mock_exchange.core.config import read_decimal as _decimal
from mock_exchange.core.config import read_int as _int
from mock_exchange.core.config import read_mapping as _mapping
from mock_exchange.core.config import read_sequence as _sequence
from mock_exchange.core.config import reject_unknown as _reject_unknown

# What `from mock_exchange.config import ...` offers: the loader, and the core's config types.
__all__ = [
    "API_KEY_PATTERN", "DEFAULT_CONFIG_PATH", "EXCHANGE_FILTER_TYPES", "FILTER_DECIMAL_FIELDS", "FILTER_FLAG_FIELDS",
    "FILTER_INT_FIELDS", "FILTER_TYPES", "MAX_FILTER_VALUE", "AccountConfig", "BalanceConfig", "ConfigError",
    "ExchangeConfig", "FeeConfig", "HistoryConfig", "MarginConfig", "MarginLevelBars", "RateLimitConfig",
    "SymbolConfig", "config_from_dict", "default_config", "load_config", "symbol_config",
]

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.yaml")


# -- loading ---------------------------------------------------------------------


def load_config(path: str | Path | None = None) -> ExchangeConfig:
    """Read ``path`` (YAML or JSON), or the packaged default when ``path`` is None."""
    source = Path(path) if path is not None else DEFAULT_CONFIG_PATH
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{source}: cannot read config file: {exc.strerror}") from exc
    try:
        raw = nesting.loads(text) if source.suffix == ".json" else _yaml(text)
    except (ValueError, yaml.YAMLError) as exc:  # TooDeep and JSONDecodeError are ValueErrors
        raise ConfigError(f"{source}: not valid {'JSON' if source.suffix == '.json' else 'YAML'}: {exc}") from exc
    return config_from_dict(raw, base_dir=source.parent)


# libyaml's loader when PyYAML was built with it: the same documents, ~8x faster (most of
# loading the packaged config at start-up); it refuses nesting deeper than 1,000 levels
# with a YAMLError, and nesting.check_depth applies the config's own limit after.
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _yaml(text: str) -> Any:
    try:
        raw = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader (C or Python)
    except RecursionError:  # the Python loader
        raise nesting.TooDeep() from None
    except yaml.MarkedYAMLError as exc:  # libyaml has its own, deeper, limit: same answer as ours
        if exc.problem and "nesting depth" in exc.problem:
            raise nesting.TooDeep() from None
        raise
    nesting.check_depth(raw)
    return raw


def default_config() -> ExchangeConfig:
    return load_config(None)


def config_from_dict(raw: Any, base_dir: Path | None = None) -> ExchangeConfig:
    """Validate a parsed configuration document and build an :class:`ExchangeConfig`."""
    doc = _mapping(raw, "(top level)")
    _reject_unknown(doc, "", {"seed", "fees", "margin", "rate_limits", "symbols", "exchange_filters",
                              "accounts", "control_token", "explain_header", "state_file", "state_interval_ms"})
    symbols = {name: _symbol(name, spec, base_dir or DEFAULT_CONFIG_PATH.parent)
               for name, spec in _mapping(doc.get("symbols"), "symbols").items()}
    if not symbols:
        raise ConfigError("symbols: at least one symbol is required")
    accounts = tuple(
        _account(i, spec, base_dir or DEFAULT_CONFIG_PATH.parent, symbols)
        for i, spec in enumerate(_sequence(doc.get("accounts", []), "accounts"))
    )
    keys = [a.api_key for a in accounts]
    for i, key in enumerate(keys):
        if keys.index(key) != i:
            raise ConfigError(f"accounts[{i}].api_key: duplicate API key (also used by accounts[{keys.index(key)}])")
    return ExchangeConfig(
        symbols=symbols,
        accounts=accounts,
        seed=_int(doc.get("seed", 0), "seed"),
        fees=_fees(doc.get("fees", {})),
        margin=_margin(doc.get("margin", {})),
        rate_limits=_rate_limits(doc.get("rate_limits", {})),
        exchange_filters=tuple(
            _filter(item, f"exchange_filters[{i}]", EXCHANGE_FILTER_TYPES)
            for i, item in enumerate(_sequence(doc.get("exchange_filters", []), "exchange_filters"))
        ),
        control_token=_opt_str(doc.get("control_token"), "control_token"),
        explain_header=_bool(doc.get("explain_header", True), "explain_header"),
        state_file=_state_file(doc.get("state_file"), base_dir),
        state_interval_ms=_opt_positive_int(doc.get("state_interval_ms"), "state_interval_ms"),
    )


def _state_file(raw: Any, base_dir: Path | None) -> str | None:
    path = _opt_str(raw, "state_file")
    if path is None or base_dir is None or Path(path).is_absolute():
        return path
    return str(base_dir / path)


def _opt_positive_int(raw: Any, where: str) -> int | None:
    if raw is None:
        return None
    value = _int(raw, where)
    if value < 1:
        raise ConfigError(f"{where}: must be at least 1")
    return value


def _symbol(name: str, raw: Any, base_dir: Path = DEFAULT_CONFIG_PATH.parent) -> SymbolConfig:
    """A ``symbols`` entry: the core's checks, then its ``history`` (which may read a file)."""
    spec = symbol_config(name, raw, extra_fields=frozenset({"history"}))
    history = _mapping(raw, f"symbols.{name}").get("history")
    if history is None:
        return spec
    return dataclasses.replace(spec, history=_history(history, f"symbols.{name}.history", base_dir))


MAX_WARM_UP_CANDLES = 100_000


def _history(raw: Any, where: str, base_dir: Path) -> HistoryConfig:
    """``history``: {interval, candles, volatility, volume, seed} or {file, align_to_start}."""
    from mock_exchange.core import intervals, warmup

    spec = _mapping(raw, where)
    if "file" in spec:
        _reject_unknown(spec, where, {"file", "align_to_start"})
        text = str(spec["file"])
        path = Path(text) if Path(text).is_absolute() else base_dir / text
        try:
            rows = warmup.parse_klines_csv(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{where}.file: cannot read {text!r}: {exc.strerror}") from exc
        except (ValueError, UnicodeDecodeError) as exc:
            raise ConfigError(f"{where}.file: {text}: {exc}") from exc
        return HistoryConfig(file=text, rows=tuple(rows),
                             align_to_start=_bool(spec.get("align_to_start", True), f"{where}.align_to_start"))
    _reject_unknown(spec, where, {"interval", "candles", "volatility", "volume", "seed"})
    interval = str(spec.get("interval", "1m"))
    if interval not in intervals.KLINE_INTERVALS:
        raise ConfigError(f"{where}.interval: unknown interval {interval!r} "
                          f"(allowed: {', '.join(intervals.KLINE_INTERVALS)})")
    candles = _int(spec.get("candles", 0), f"{where}.candles")
    if not 0 <= candles <= MAX_WARM_UP_CANDLES:
        raise ConfigError(f"{where}.candles: must be 0..{MAX_WARM_UP_CANDLES}")
    volatility = _decimal(spec.get("volatility", "0.001"), f"{where}.volatility")
    if not 0 <= volatility < 1:
        raise ConfigError(f"{where}.volatility: must be at least 0 and below 1")
    volume = _decimal(spec.get("volume", "1"), f"{where}.volume")
    if volume < 0:
        raise ConfigError(f"{where}.volume: must not be negative")
    seed = None if spec.get("seed") is None else _int(spec["seed"], f"{where}.seed")
    return HistoryConfig(interval=interval, candles=candles, volatility=volatility, volume=volume, seed=seed)


def _account(index: int, raw: Any, base_dir: Path, symbols: Mapping[str, SymbolConfig]) -> AccountConfig:
    where = f"accounts[{index}]"
    spec = _mapping(raw, where)
    _reject_unknown(spec, where, {"name", "api_key", "hmac_secret", "rsa_public_key", "ed25519_public_key",
                                  "margin_enabled", "cross", "isolated", "spot"})
    api_key = str(spec.get("api_key", ""))
    if not API_KEY_PATTERN.fullmatch(api_key):
        raise ConfigError(f"{where}.api_key: must be 1-128 letters and digits")
    hmac_secret = _opt_str(spec.get("hmac_secret"), f"{where}.hmac_secret")
    rsa = _public_key(spec.get("rsa_public_key"), f"{where}.rsa_public_key", base_dir)
    ed = _public_key(spec.get("ed25519_public_key"), f"{where}.ed25519_public_key", base_dir)
    if not (hmac_secret or rsa or ed):
        raise ConfigError(f"{where}: needs hmac_secret, rsa_public_key or ed25519_public_key")
    cross = _balances(spec.get("cross", {}), f"{where}.cross")
    spot = _balances(spec.get("spot", {}), f"{where}.spot", ("free",))
    isolated: dict[str, Mapping[str, BalanceConfig]] = {}
    for symbol, balances in _mapping(spec.get("isolated", {}), f"{where}.isolated").items():
        pair_where = f"{where}.isolated.{symbol}"
        if symbol not in symbols:
            raise ConfigError(f"{pair_where}: unknown symbol")
        pair = _balances(balances, pair_where)
        allowed = {symbols[symbol].base_asset, symbols[symbol].quote_asset}
        for asset in pair:
            if asset not in allowed:
                raise ConfigError(f"{pair_where}.{asset}: an isolated pair holds only {' and '.join(sorted(allowed))}")
        isolated[symbol] = pair
    return AccountConfig(
        name=str(spec.get("name", f"account{index}")), api_key=api_key, hmac_secret=hmac_secret,
        rsa_public_key=rsa, ed25519_public_key=ed,
        margin_enabled=_bool(spec.get("margin_enabled", True), f"{where}.margin_enabled"),
        cross=cross, isolated=isolated, spot=spot,
    )


def _public_key(raw: Any, where: str, base_dir: Path) -> str | None:
    if raw is None:
        return None
    text = str(raw)
    if "-----BEGIN" not in text:
        path = (base_dir / text) if not Path(text).is_absolute() else Path(text)
        try:
            text = path.read_text(encoding="ascii")
        except OSError as exc:
            raise ConfigError(f"{where}: cannot read key file {text!r}: {exc.strerror}") from exc
    if text in _demo_public_keys():
        return text
    # Parsed here so a bad key stops start-up rather than failing every request.
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        load_pem_public_key(text.encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: not a PEM public key") from exc
    return text


DEMO_PUBLIC_KEYS = ("demo-rsa-public.pem", "demo-ed25519-public.pem")  # in demo_keys/, inline in the default config


@functools.cache
def _demo_public_keys() -> frozenset[str]:
    """The packaged demo public keys' texts: they parse (tests/test_config.py checks it).

    The default config holds them, and parsing them at every start would import
    cryptography (~5 % of the server's start-up) before any request is signed with them.
    """
    folder = DEFAULT_CONFIG_PATH.with_name("demo_keys")
    texts = set()
    for name in DEMO_PUBLIC_KEYS:
        with contextlib.suppress(OSError, UnicodeDecodeError):  # missing: such a key is parsed like any other
            texts.add((folder / name).read_text(encoding="ascii"))
    return frozenset(texts)


def _balances(raw: Any, where: str,
              names: tuple[str, ...] = ("free", "borrowed", "interest")) -> dict[str, BalanceConfig]:
    result = {}
    for asset, spec in _mapping(raw, where).items():
        asset_where = f"{where}.{asset}"
        _asset(asset, asset_where)
        fields = _mapping(spec, asset_where)
        _reject_unknown(fields, asset_where, set(names))
        values = {k: _decimal(fields.get(k, "0"), f"{asset_where}.{k}") for k in names}
        for key, value in values.items():
            if value < 0:
                raise ConfigError(f"{asset_where}.{key}: must not be negative")
        result[asset] = BalanceConfig(**values)
    return result


def _fees(raw: Any) -> FeeConfig:
    spec = _mapping(raw, "fees")
    _reject_unknown(spec, "fees", {"maker", "taker"})
    return FeeConfig(maker=_decimal(spec.get("maker", "0.001"), "fees.maker"),
                     taker=_decimal(spec.get("taker", "0.001"), "fees.taker"))


def _margin(raw: Any) -> MarginConfig:
    spec = _mapping(raw, "margin")
    _reject_unknown(spec, "margin", {"max_leverage", "isolated_max_leverage", "hourly_interest_rate", "borrow_limits",
                                     "isolated_account_limit", "level_bars", "auto_liquidation",
                                     "liquidation_fee_rate"})
    rates = {k: _decimal(v, f"margin.hourly_interest_rate.{k}")
             for k, v in _mapping(spec.get("hourly_interest_rate", {"default": "0.00000417"}),
                                  "margin.hourly_interest_rate").items()}
    limits = {k: _decimal(v, f"margin.borrow_limits.{k}")
              for k, v in _mapping(spec.get("borrow_limits", {}), "margin.borrow_limits").items()}
    return MarginConfig(
        max_leverage=_decimal(spec.get("max_leverage", "3"), "margin.max_leverage"),
        isolated_max_leverage=_decimal(spec.get("isolated_max_leverage", "5"), "margin.isolated_max_leverage"),
        hourly_interest_rate=rates, borrow_limits=limits,
        isolated_account_limit=_int(spec.get("isolated_account_limit", 10), "margin.isolated_account_limit"),
        level_bars=_level_bars(spec.get("level_bars", {})),
        auto_liquidation=_bool(spec.get("auto_liquidation", True), "margin.auto_liquidation"),
        liquidation_fee_rate=_fee_rate(spec.get("liquidation_fee_rate", "0.02"), "margin.liquidation_fee_rate"),
    )


def _level_bars(raw: Any) -> MarginLevelBars:
    spec = _mapping(raw, "margin.level_bars")
    defaults = MarginLevelBars()
    _reject_unknown(spec, "margin.level_bars", set(defaults.__dataclass_fields__))
    bars = MarginLevelBars(**{name: _decimal(spec.get(name, str(getattr(defaults, name))), f"margin.level_bars.{name}")
                              for name in defaults.__dataclass_fields__})
    problems = bars.problems()
    if problems:
        raise ConfigError(f"margin.level_bars: {'; '.join(problems)}")
    return bars


def _rate_limits(raw: Any) -> RateLimitConfig:
    spec = _mapping(raw, "rate_limits")
    defaults = RateLimitConfig()
    _reject_unknown(spec, "rate_limits", set(defaults.__dataclass_fields__))
    values: dict[str, Any] = {}
    for key in defaults.__dataclass_fields__:
        if key in spec:
            default = getattr(defaults, key)
            where = f"rate_limits.{key}"
            values[key] = _bool(spec[key], where) if isinstance(default, bool) else _int(spec[key], where)
            if not isinstance(default, bool) and values[key] < 0:
                raise ConfigError(f"{where}: must not be negative")
    return RateLimitConfig(**values)


# -- field readers: each names the field it rejects -------------------------------


def _fee_rate(raw: Any, where: str) -> Decimal:
    value = _decimal(raw, where)
    if not Decimal(0) <= value < Decimal(1):
        raise ConfigError(f"{where}: must be at least 0 and below 1, got {value}")
    return value


def _opt_str(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}: expected a non-empty string")
    return raw
