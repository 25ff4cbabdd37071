"""Warm-up history: seeded random walks (same seed, same bytes) and Binance klines CSV files."""

from __future__ import annotations

import copy
import itertools
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from mock_exchange.config import DEFAULT_CONFIG_PATH, ConfigError, config_from_dict
from mock_exchange.core.clock import ExchangeClock
from mock_exchange.core.exchange import Exchange
from mock_exchange.web.app import create_app

T0 = 1_767_225_600_000  # 2026-01-01T00:00:00Z
MIN = 60_000
DEFAULT_DOC: dict[str, Any] = yaml.safe_load(DEFAULT_CONFIG_PATH.read_text())


def doc_with(history: Any, symbol: str = "BTCUSDT") -> dict[str, Any]:
    doc = copy.deepcopy(DEFAULT_DOC)
    doc["symbols"][symbol]["history"] = history
    return doc


def klines_body(doc: dict[str, Any], seed: int | None = None,
                query: str = "symbol=BTCUSDT&interval=1m&limit=1000") -> bytes:
    config = config_from_dict(doc)
    app = create_app(config, exchange=Exchange(config, clock=ExchangeClock(frozen_at_ms=T0), seed=seed))
    response = app.test_client().get(f"/api/v3/klines?{query}")
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data()


def test_same_seed_same_bytes_and_another_seed_other_candles() -> None:
    doc = doc_with({"interval": "1m", "candles": 300, "volatility": "0.002", "volume": "3"})
    first, second = klines_body(doc), klines_body(doc)
    assert first == second
    assert klines_body(doc, seed=7) != first
    assert klines_body(doc_with({**doc["symbols"]["BTCUSDT"]["history"], "seed": 7})) == klines_body(doc, seed=7)


def test_the_walk_ends_at_the_start_price_just_before_the_start() -> None:
    config = config_from_dict(doc_with({"interval": "5m", "candles": 200, "volatility": "0.01", "volume": "2"}))
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0 + 7 * MIN))
    from mock_exchange.core.intervals import Interval

    rows = exchange.klines("BTCUSDT", Interval("5m"), limit=1000)
    warm, live = rows[:-1], rows[-1]
    assert len(warm) == 200
    # Built at T0 + 7 min: the walk fills the candles before the one the exchange starts in.
    assert warm[-1].open_ms == T0 and warm[-1].close == Decimal("30000.00")
    assert live.open_ms == T0 + 5 * MIN and live.open == live.close == Decimal("30000.00")
    for a, b in itertools.pairwise(warm):
        assert b.open_ms - a.open_ms == 5 * MIN and b.open == a.close  # continuous
    for row in warm:
        assert row.low <= min(row.open, row.close) <= max(row.open, row.close) <= row.high
        assert row.low > 0 and row.volume > 0 and row.trades > 0
        assert row.open == row.open.quantize(Decimal("0.01"))  # on the tick
        assert 0 <= row.taker_buy_volume <= row.volume


def test_live_trade_ids_continue_after_the_warm_up_trades() -> None:
    config = config_from_dict(doc_with({"interval": "1m", "candles": 10}))
    exchange = Exchange(config, clock=ExchangeClock(frozen_at_ms=T0))
    exchange.trade("BTCUSDT", Decimal("30001"), Decimal("1"))  # before anything built the warm-up bars
    stats = exchange.market_window("BTCUSDT", T0 - 24 * 60 * MIN, T0)
    assert stats.first_id == 0 and stats.last_id == stats.trades - 1
    assert exchange.recent_trades("BTCUSDT")[0].trade_id == stats.last_id


def test_avg_price_reads_live_trades_only() -> None:
    exchange = Exchange(config_from_dict(DEFAULT_DOC), clock=ExchangeClock(frozen_at_ms=T0))
    assert exchange.avg_price("BTCUSDT") == (Decimal("30000.00"), None)


def test_default_config_has_a_modest_warm_up() -> None:
    config = config_from_dict(DEFAULT_DOC)
    for spec in config.symbols.values():
        assert spec.history is not None and spec.history.interval == "1m" and spec.history.candles == 500


CSV = """1704067200000,42283.58000000,42554.57000000,42261.02000000,42475.23000000,1271.68108000,1704070799999,53957248.97378890,47134,682.57581000,28957416.81464720,0
1704070800000,42475.23000000,42775.00000000,42431.65000000,42613.56000000,1196.37856000,1704074399999,50984893.83359400,44634,712.34550000,30357475.98208940,0
1704074400000,42613.57000000,42638.41000000,42500.00000000,42581.10000000,685.21758000,1704077999999,29168593.48658590,31001,308.21232000,13121062.16468450,0
"""


def test_a_klines_file_is_served_as_written_moved_to_end_at_the_start(tmp_path: Path) -> None:
    (tmp_path / "BTCUSDT-1h.csv").write_text(CSV)
    body = klines_body(doc_with({"file": str(tmp_path / "BTCUSDT-1h.csv")}),
                       query="symbol=BTCUSDT&interval=1h&limit=3")
    import json

    rows = json.loads(body)
    start_hour = T0  # T0 is on the hour: the file's last row becomes the hour before it
    assert [r[0] for r in rows] == [start_hour - 2 * 3_600_000, start_hour - 3_600_000, start_hour]
    assert rows[0][1:6] == ["42475.23000000", "42775.00000000", "42431.65000000", "42613.56000000", "1196.37856000"]
    assert rows[0][7:] == ["50984893.83359400", 44634, "712.34550000", "30357475.98208940", "0"]
    assert rows[1][8] == 31001


def test_a_klines_file_kept_at_its_own_dates_and_in_microseconds(tmp_path: Path) -> None:
    micro = "\n".join(
        ",".join([str(int(f[0]) * 1000), *f[1:6], str(int(f[6]) * 1000), *f[7:]])
        for f in (line.split(",") for line in CSV.strip().splitlines()))
    (tmp_path / "k.csv").write_text("open_time,open,high,low,close,volume,close_time,quote_volume,count,"
                                    "taker_buy_volume,taker_buy_quote_volume,ignore\n" + micro + "\n")
    import json

    body = klines_body(doc_with({"file": str(tmp_path / "k.csv"), "align_to_start": False}),
                       query="symbol=BTCUSDT&interval=1h&startTime=1704067200000&limit=2")
    assert [r[0] for r in json.loads(body)] == [1704067200000, 1704070800000]


@pytest.mark.parametrize(("history", "message"), [
    ({"interval": "2m"}, "symbols.BTCUSDT.history.interval: unknown interval '2m'"),
    ({"candles": -1}, "symbols.BTCUSDT.history.candles: must be 0..100000"),
    ({"candles": 10, "volatility": 0.1}, "symbols.BTCUSDT.history.volatility: not a decimal"),
    ({"candles": 10, "volatility": "1.5"}, "symbols.BTCUSDT.history.volatility: must be at least 0 and below 1"),
    ({"candles": 10, "colour": "red"}, "symbols.BTCUSDT.history.colour: unknown field"),
    ({"file": "missing.csv"}, "symbols.BTCUSDT.history.file: cannot read 'missing.csv'"),
])
def test_history_config_errors_name_the_field(history: Any, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        config_from_dict(doc_with(history))
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(("text", "message"), [
    ("1,2,3\n", "line 1: expected 12 columns"),
    (CSV.splitlines()[1] + "\n" + CSV.splitlines()[0] + "\n", "line 2: open times must ascend"),
    (CSV.replace("42554.57000000", "1.0", 1), "line 1: not a candle"),
    (CSV.replace("42554.57000000", "1e5", 1), "line 1: column 3 is not a decimal: '1e5'"),
    ("", "no klines in the file"),
])
def test_a_bad_klines_file_names_its_line(text: str, message: str, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text(text)
    with pytest.raises(ConfigError) as caught:
        config_from_dict(doc_with({"file": str(tmp_path / "bad.csv")}))
    assert message in str(caught.value)
