"""The exchange's configuration as the domain sees it: frozen dataclasses, and the checks of raw values.

What the engine is configured with (symbols, accounts, fees, margin rules, limits) and the
pure validation of one value from a mapping, each naming the field it rejects (a config
file and a snapshot share them). Reading files — YAML or JSON, key files, a klines CSV for
a symbol's history — is the loader's job: ``mock_exchange.config``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

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


# -- checks of raw values: each names the field it rejects ----------------------------

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


def filter_spec(raw: Any, where: str, allowed: set[str]) -> Mapping[str, Any]:
    spec = dict(read_mapping(raw, where))
    kind = spec.get("filterType")
    if not isinstance(kind, str) or kind not in allowed:
        raise ConfigError(f"{where}.filterType: unknown filter {kind!r} (allowed: {', '.join(sorted(allowed))})")
    for key, value in spec.items():
        field_where = f"{where}.{key}"
        if key not in _FILTER_FIELDS:
            raise ConfigError(f"{field_where}: unknown filter field")
        if key in FILTER_DECIMAL_FIELDS:
            number = read_decimal(value, field_where)
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


def symbol_config(name: str, raw: Any, extra_fields: frozenset[str] = frozenset()) -> SymbolConfig:
    """One ``symbols`` entry validated as in a config file (snapshots use it as it is).

    ``extra_fields`` are left to the caller (the loader reads ``history``, which needs files).
    """
    where = f"symbols.{name}"
    if not re.fullmatch(r"[A-Z0-9]{2,20}", str(name)):
        raise ConfigError(f"{where}: symbol names are upper-case letters and digits")
    spec = read_mapping(raw, where)
    reject_unknown(spec, where, {"base_asset", "quote_asset", "last_price", "filters", "status",
                                  "base_asset_precision", "quote_asset_precision", "margin_enabled",
                                  "isolated_margin_enabled", "iceberg_allowed", "oco_allowed", "oto_allowed",
                                  "allow_trailing_stop"} | extra_fields)
    base = read_asset(spec.get("base_asset"), f"{where}.base_asset")
    quote = read_asset(spec.get("quote_asset"), f"{where}.quote_asset")
    if base + quote != name:
        raise ConfigError(f"{where}: base_asset + quote_asset must spell the symbol ({base}{quote} != {name})")
    last = read_decimal(spec.get("last_price"), f"{where}.last_price")
    if last <= 0:
        raise ConfigError(f"{where}.last_price: must be positive")
    filters = tuple(
        filter_spec(item, f"{where}.filters[{i}]", FILTER_TYPES)
        for i, item in enumerate(read_sequence(spec.get("filters", []), f"{where}.filters"))
    )
    status = str(spec.get("status", "TRADING"))
    if status not in {"TRADING", "HALT", "BREAK", "END_OF_DAY", "CANCEL_ONLY"}:
        raise ConfigError(f"{where}.status: unknown status {status!r}")
    return SymbolConfig(
        symbol=name, base_asset=base, quote_asset=quote, last_price=last, filters=filters, status=status,
        base_asset_precision=read_int(spec.get("base_asset_precision", 8), f"{where}.base_asset_precision"),
        quote_asset_precision=read_int(spec.get("quote_asset_precision", 8), f"{where}.quote_asset_precision"),
        margin_enabled=read_bool(spec.get("margin_enabled", True), f"{where}.margin_enabled"),
        isolated_margin_enabled=read_bool(spec.get("isolated_margin_enabled", True),
                                          f"{where}.isolated_margin_enabled"),
        iceberg_allowed=read_bool(spec.get("iceberg_allowed", True), f"{where}.iceberg_allowed"),
        oco_allowed=read_bool(spec.get("oco_allowed", True), f"{where}.oco_allowed"),
        oto_allowed=read_bool(spec.get("oto_allowed", True), f"{where}.oto_allowed"),
        allow_trailing_stop=read_bool(spec.get("allow_trailing_stop", True), f"{where}.allow_trailing_stop"),
    )


def reject_unknown(spec: Mapping[str, Any], where: str, known: set[str]) -> None:
    for key in spec:
        if key not in known:
            prefix = f"{where}." if where else ""
            raise ConfigError(f"{prefix}{key}: unknown field (known: {', '.join(sorted(known))})")


def read_mapping(raw: Any, where: str) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        raise ConfigError(f"{where}: expected a mapping, got {type(raw).__name__}")
    return raw


def read_sequence(raw: Any, where: str) -> list[Any]:
    if not isinstance(raw, list):
        raise ConfigError(f"{where}: expected a list, got {type(raw).__name__}")
    return raw


def read_decimal(raw: Any, where: str) -> Decimal:
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


def read_int(raw: Any, where: str) -> int:
    if isinstance(raw, bool) or not isinstance(raw, int):
        raise ConfigError(f"{where}: not an integer: {raw!r}")
    return raw


def read_bool(raw: Any, where: str) -> bool:
    if not isinstance(raw, bool):
        raise ConfigError(f"{where}: not a boolean: {raw!r}")
    return raw


def read_asset(raw: Any, where: str) -> str:
    if not isinstance(raw, str) or not _ASSET_RE.fullmatch(raw):
        raise ConfigError(f"{where}: not an asset name: {raw!r}")
    return raw
