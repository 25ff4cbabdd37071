"""The exchange's configuration: symbols, accounts, fees, margin rules and limits.

Loaded from YAML or JSON (``--config FILE``) or from the packaged default
(``default_config.yaml``, which is also the documented example). A malformed file stops
start-up with a :class:`ConfigError` naming the field, e.g.
``symbols.BTCUSDT.last_price: not a decimal: 'abc'``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import yaml

from mock_exchange import nesting

DEFAULT_CONFIG_PATH = Path(__file__).with_name("default_config.yaml")
API_KEY_PATTERN = re.compile(r"^[A-Za-z0-9]{1,128}$")
_ASSET_RE = re.compile(r"^[A-Z0-9]{1,20}$")

FILTER_TYPES = {
    "PRICE_FILTER", "PERCENT_PRICE", "PERCENT_PRICE_BY_SIDE", "LOT_SIZE", "MARKET_LOT_SIZE",
    "MIN_NOTIONAL", "NOTIONAL", "ICEBERG_PARTS", "MAX_NUM_ORDERS", "MAX_NUM_ALGO_ORDERS",
    "MAX_NUM_ICEBERG_ORDERS", "MAX_NUM_ORDER_LISTS", "MAX_POSITION", "TRAILING_DELTA",
}
EXCHANGE_FILTER_TYPES = {
    "EXCHANGE_MAX_NUM_ORDERS", "EXCHANGE_MAX_NUM_ALGO_ORDERS",
    "EXCHANGE_MAX_NUM_ICEBERG_ORDERS", "EXCHANGE_MAX_NUM_ORDER_LISTS",
}


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message names the field."""


@dataclass(frozen=True)
class BalanceConfig:
    free: Decimal = Decimal(0)
    borrowed: Decimal = Decimal(0)
    interest: Decimal = Decimal(0)


@dataclass(frozen=True)
class AccountConfig:
    name: str
    api_key: str
    hmac_secret: str | None = None
    rsa_public_key: str | None = None  # PEM text
    ed25519_public_key: str | None = None  # PEM text
    margin_enabled: bool = True
    cross: Mapping[str, BalanceConfig] = field(default_factory=dict)
    isolated: Mapping[str, Mapping[str, BalanceConfig]] = field(default_factory=dict)
    spot: Mapping[str, BalanceConfig] = field(default_factory=dict)  # free balances only


@dataclass(frozen=True)
class HistoryConfig:
    """A symbol's warm-up history: a seeded random walk, or a Binance klines CSV file.

    README "Candles and trades" documents the fields; ``rows`` holds the file's parsed klines.
    """

    interval: str = "1m"
    candles: int = 0
    volatility: Decimal = Decimal("0.001")
    volume: Decimal = Decimal("1")
    seed: int | None = None  # default: the exchange's seed
    file: str | None = None
    rows: tuple[Any, ...] = ()
    align_to_start: bool = True


@dataclass(frozen=True)
class SymbolConfig:
    symbol: str
    base_asset: str
    quote_asset: str
    last_price: Decimal
    filters: tuple[Mapping[str, Any], ...] = ()
    status: str = "TRADING"
    base_asset_precision: int = 8
    quote_asset_precision: int = 8
    margin_enabled: bool = True
    isolated_margin_enabled: bool = True
    iceberg_allowed: bool = True
    oco_allowed: bool = True
    oto_allowed: bool = True
    allow_trailing_stop: bool = True
    # Not part of snapshots (their market section holds the candles themselves).
    history: HistoryConfig | None = field(default=None, metadata={"snapshot": False})

    def filter(self, filter_type: str) -> Mapping[str, Any] | None:
        """This symbol's filter of ``filter_type``, if configured."""
        for item in self.filters:
            if item["filterType"] == filter_type:
                return item
        return None


@dataclass(frozen=True)
class FeeConfig:
    maker: Decimal = Decimal("0.001")
    taker: Decimal = Decimal("0.001")


@dataclass(frozen=True, slots=True)
class MarginLevelBars:
    """The levels where the status changes (``margin.level_bars``; rules: core/margin_level.py).

    ``normal`` is the initial level: what a fully used loan leaves, L / (L - 1) for leverage
    L (1.5 at 3x); it is reported by tradeCoeff as ``normalBar`` and does not move a status.
    """

    excessive: Decimal = Decimal(2)
    normal: Decimal = Decimal("1.5")
    margin_call: Decimal = Decimal("1.3")
    pre_liquidation: Decimal = Decimal("1.2")
    force_liquidation: Decimal = Decimal("1.1")

    def problems(self) -> list[str]:
        """Why these bars cannot work (empty when they can): each must lie below the one before."""
        found = []
        if not self.force_liquidation > 0:
            found.append("force_liquidation must be positive")
        order = (("excessive", self.excessive), ("normal", self.normal), ("margin_call", self.margin_call),
                 ("pre_liquidation", self.pre_liquidation), ("force_liquidation", self.force_liquidation))
        for (high_name, high), (low_name, low) in itertools.pairwise(order):
            if not high > low and not (high_name == "excessive" and high == low):
                found.append(f"{low_name} ({low}) must be below {high_name} ({high})")
        return found


@dataclass(frozen=True)
class MarginConfig:
    max_leverage: Decimal = Decimal(3)
    isolated_max_leverage: Decimal = Decimal(5)
    hourly_interest_rate: Mapping[str, Decimal] = field(default_factory=lambda: {"default": Decimal("0.00000417")})
    borrow_limits: Mapping[str, Decimal] = field(default_factory=dict)
    # How many isolated pairs an account may have enabled at once (isolated/accountLimit).
    isolated_account_limit: int = 10
    level_bars: MarginLevelBars = field(default_factory=MarginLevelBars)
    # Forced liquidation at the force-liquidation bar (core/liquidation.py); off: the account
    # stays at FORCE_LIQUIDATION, banned from trading, until a manual liquidation or a repayment.
    auto_liquidation: bool = True
    # Charged on what each liquidation sale brings in (Binance: 2% of liquidated assets).
    liquidation_fee_rate: Decimal = Decimal("0.02")

    def interest_rate(self, asset: str) -> Decimal:
        return self.hourly_interest_rate.get(asset, self.hourly_interest_rate.get("default", Decimal(0)))


@dataclass(frozen=True)
class RateLimitConfig:
    api_weight_per_minute: int = 6000
    sapi_ip_weight_per_minute: int = 12000
    sapi_uid_weight_per_minute: int = 180000
    orders_per_10s: int = 10000
    orders_per_day: int = 20000
    ban_after_rejections: int = 5
    sapi_bans: bool = False


@dataclass(frozen=True)
class ExchangeConfig:
    symbols: Mapping[str, SymbolConfig]
    accounts: tuple[AccountConfig, ...]
    seed: int = 0
    fees: FeeConfig = field(default_factory=FeeConfig)
    margin: MarginConfig = field(default_factory=MarginConfig)
    rate_limits: RateLimitConfig = field(default_factory=RateLimitConfig)
    exchange_filters: tuple[Mapping[str, Any], ...] = ()
    control_token: str | None = None
    explain_header: bool = True  # X-Mock-Explain on rejections (web/explain.py)
    state_file: str | None = None  # persistent mode (serve --state-file); relative to the config file
    state_interval_ms: int | None = None

    def exchange_filter(self, filter_type: str) -> Mapping[str, Any] | None:
        for item in self.exchange_filters:
            if item["filterType"] == filter_type:
                return item
        return None


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


def _yaml(text: str) -> Any:
    try:
        raw = yaml.safe_load(text)
    except RecursionError:
        raise nesting.TooDeep() from None
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
    where = f"symbols.{name}"
    if not re.fullmatch(r"[A-Z0-9]{2,20}", str(name)):
        raise ConfigError(f"{where}: symbol names are upper-case letters and digits")
    spec = _mapping(raw, where)
    _reject_unknown(spec, where, {"base_asset", "quote_asset", "last_price", "filters", "status",
                                  "base_asset_precision", "quote_asset_precision", "margin_enabled",
                                  "isolated_margin_enabled", "iceberg_allowed", "oco_allowed", "oto_allowed",
                                  "allow_trailing_stop", "history"})
    base = _asset(spec.get("base_asset"), f"{where}.base_asset")
    quote = _asset(spec.get("quote_asset"), f"{where}.quote_asset")
    if base + quote != name:
        raise ConfigError(f"{where}: base_asset + quote_asset must spell the symbol ({base}{quote} != {name})")
    last = _decimal(spec.get("last_price"), f"{where}.last_price")
    if last <= 0:
        raise ConfigError(f"{where}.last_price: must be positive")
    filters = tuple(
        _filter(item, f"{where}.filters[{i}]", FILTER_TYPES)
        for i, item in enumerate(_sequence(spec.get("filters", []), f"{where}.filters"))
    )
    status = str(spec.get("status", "TRADING"))
    if status not in {"TRADING", "HALT", "BREAK", "END_OF_DAY", "CANCEL_ONLY"}:
        raise ConfigError(f"{where}.status: unknown status {status!r}")
    return SymbolConfig(
        symbol=name, base_asset=base, quote_asset=quote, last_price=last, filters=filters, status=status,
        base_asset_precision=_int(spec.get("base_asset_precision", 8), f"{where}.base_asset_precision"),
        quote_asset_precision=_int(spec.get("quote_asset_precision", 8), f"{where}.quote_asset_precision"),
        margin_enabled=_bool(spec.get("margin_enabled", True), f"{where}.margin_enabled"),
        isolated_margin_enabled=_bool(spec.get("isolated_margin_enabled", True), f"{where}.isolated_margin_enabled"),
        iceberg_allowed=_bool(spec.get("iceberg_allowed", True), f"{where}.iceberg_allowed"),
        oco_allowed=_bool(spec.get("oco_allowed", True), f"{where}.oco_allowed"),
        oto_allowed=_bool(spec.get("oto_allowed", True), f"{where}.oto_allowed"),
        allow_trailing_stop=_bool(spec.get("allow_trailing_stop", True), f"{where}.allow_trailing_stop"),
        history=None if spec.get("history") is None else _history(spec["history"], f"{where}.history", base_dir),
    )


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


FILTER_DECIMAL_FIELDS = {
    "minPrice", "maxPrice", "tickSize", "minQty", "maxQty", "stepSize", "minNotional", "maxNotional",
    "multiplierUp", "multiplierDown", "bidMultiplierUp", "bidMultiplierDown", "askMultiplierUp",
    "askMultiplierDown", "maxPosition",
}


# Filter fields the checks read as whole numbers, and as flags.
FILTER_INT_FIELDS = {
    "avgPriceMins", "limit", "maxNumOrders", "maxNumAlgoOrders", "maxNumIcebergOrders", "maxNumOrderLists",
    "minTrailingAboveDelta", "maxTrailingAboveDelta", "minTrailingBelowDelta", "maxTrailingBelowDelta",
}
FILTER_FLAG_FIELDS = {"applyToMarket", "applyMinToMarket", "applyMaxToMarket"}
_FILTER_FIELDS = FILTER_DECIMAL_FIELDS | FILTER_INT_FIELDS | FILTER_FLAG_FIELDS | {"filterType"}
# Binance's decimal range: at most 20 digits before the point (spec section 1).
MAX_FILTER_VALUE = Decimal(10) ** 20


def _filter(raw: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
    spec = dict(_mapping(raw, where))
    kind = spec.get("filterType")
    if not isinstance(kind, str) or kind not in allowed:
        raise ConfigError(f"{where}.filterType: unknown filter {kind!r} (allowed: {', '.join(sorted(allowed))})")
    for key, value in spec.items():
        field_where = f"{where}.{key}"
        if key not in _FILTER_FIELDS:
            raise ConfigError(f"{field_where}: unknown filter field")
        if key in FILTER_DECIMAL_FIELDS:
            number = _decimal(value, field_where)
            if number < 0 or number >= MAX_FILTER_VALUE:
                raise ConfigError(f"{field_where}: must be a non-negative decimal below 1e20")
            # Kept as the configured text: exchangeInfo shows it as written, checks parse it.
            spec[key] = format(number, "f")
        elif key in FILTER_INT_FIELDS:
            # The checks read these with int(); digits in a string are what exchangeInfo may show.
            text = value if isinstance(value, str) else None
            if not (isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**31) and not (
                    text is not None and text.isascii() and text.isdigit() and len(text) <= 9):
                raise ConfigError(f"{field_where}: must be a non-negative integer, got {value!r}")
        elif key in FILTER_FLAG_FIELDS and not isinstance(value, bool) and value not in ("true", "false"):
            raise ConfigError(f"{field_where}: must be true or false, got {value!r}")
    return spec


def symbol_config(name: str, raw: Any) -> SymbolConfig:
    """One ``symbols`` entry validated exactly as in a config file (snapshots reuse it)."""
    return _symbol(name, raw)


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
    # Parsed here so a bad key stops start-up rather than failing every request.
    from cryptography.hazmat.primitives.serialization import load_pem_public_key

    try:
        load_pem_public_key(text.encode("ascii"))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"{where}: not a PEM public key") from exc
    return text


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


def _reject_unknown(spec: Mapping[str, Any], where: str, known: set[str]) -> None:
    for key in spec:
        if key not in known:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{prefix}{key}: unknown field (known: {', '.join(sorted(known))})")


def _mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def _sequence(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list, got {type(raw).__name__}")
    return raw


def _decimal(raw: Any, where: str) -> Decimal:
    if isinstance(raw, bool) or raw is None or isinstance(raw, float):
        # Floats are refused: a YAML 0.1 is already not 0.1.
        raise ConfigError(f"{where}: not a decimal: {raw!r} (write decimals as strings, e.g. \"0.01\")")
    try:
        value = Decimal(str(raw))
    except InvalidOperation as exc:
        raise ConfigError(f"{where}: not a decimal: {raw!r}") from exc
    if not value.is_finite():
        raise ConfigError(f"{where}: not a decimal: {raw!r}")
    return value


def _fee_rate(raw: Any, where: str) -> Decimal:
    value = _decimal(raw, where)
    if not Decimal(0) <= value < Decimal(1):
        raise ConfigError(f"{where}: must be at least 0 and below 1, got {value}")
    return value


def _int(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ConfigError(f"{where}: not an integer: {raw!r}")
    return raw


def _bool(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: not a boolean: {raw!r}")
    return raw


def _asset(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not _ASSET_RE.fullmatch(raw):
        raise ConfigError(f"{where}: not an asset name: {raw!r}")
    return raw


def _opt_str(raw: Any, where: str) -> str | None:
    if raw is None:
        return None
    if not isinstance(raw, str) or not raw:
        raise ConfigError(f"{where}: expected a non-empty string")
    return raw
