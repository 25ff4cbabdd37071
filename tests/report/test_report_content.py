"""A run report's content, read back from the page: chart shapes, timeline, journal; determinism; bounds."""

from __future__ import annotations

import html
import re

import pytest

from mock_exchange.report import GENERATED_MARKER, RunContext, collect, render
from mock_exchange.report import record as record_module
from tests.report.seeded import Elements, seeded_run

CONTEXT = RunContext("test", "tests/test_bot.py::test_stop_loss", "tests/test_bot.py", "failed",
                     failure="AssertionError: expected the take-profit to fill")


def page_of(run, context: RunContext = CONTEXT) -> str:
    return render(collect(run.fx.control, context), generated_ms=0)


def without_generation_line(page: str) -> str:
    return "\n".join(line for line in page.splitlines() if GENERATED_MARKER not in line)


@pytest.fixture(scope="module")
def run():
    return seeded_run()


@pytest.fixture(scope="module")
def page(run) -> str:
    return page_of(run)


@pytest.fixture(scope="module")
def elements(page: str) -> Elements:
    return Elements(page)


def test_the_chart_has_a_candle_per_print_of_the_run(run, elements: Elements) -> None:
    tape = run.fx.snapshot()["market"]["BTCUSDT"]["tape"]
    charts = [e for e in elements.found if e.tag == "svg" and "price-chart" in e.classes]
    assert [c.attrs["data-symbol"] for c in charts] == ["BTCUSDT"]  # only the symbol the run touched
    candles = elements.with_class("candle")
    assert len(candles) == len(tape)
    # start 30000 → 29800 → 29400 (down), the fill's trade and the print at 28950 (down, then flat)
    assert [c.classes - {"candle"} for c in candles][:3] == [{"flat"}, {"down"}, {"down"}]


def test_each_oco_leg_is_a_line_where_it_waited(run, elements: Elements) -> None:
    stop = elements.with_class("order-line", data_order_id=run.stop_id)
    limit = elements.with_class("order-line", data_order_id=run.limit_id)
    assert len(stop) == len(limit) == 1
    assert stop[0].attrs["data-list-id"] == limit[0].attrs["data-list-id"] == str(run.list_id)
    segments = [e for e in elements.found if e.tag == "line" and "segment" in e.classes]
    by_level = {(tuple(sorted(s.classes - {"segment"})), s.attrs["data-level"]) for s in segments}
    # The stop leg waited at its stop price (dashed), the take-profit on the book at 32000.
    assert (("stop",), "29000") in by_level
    assert (("limit",), "32000") in by_level


def test_the_fill_is_a_marker_on_its_own_print(run, elements: Elements) -> None:
    fills = elements.with_class("fill-marker")
    assert [f.attrs["data-order-id"] for f in fills] == [str(run.stop_id)]
    assert "side-sell" in fills[0].classes
    triggers = elements.with_class("trigger-marker", data_order_id=run.stop_id)
    assert len(triggers) == 1
    # The fill's triangle sits on the candle of the fill's trade: the 4th print (index 3).
    candle_x = _candle_x(elements, 3)
    tip_x = float(re.match(r"M([\d.]+),", fills[0].attrs["d"]).group(1))
    assert tip_x == pytest.approx(candle_x, abs=0.2)
    # The untriggered stop waited from the OCO's placement until the trigger, before the fill.
    stop_segment = next(e for e in elements.found if e.tag == "line" and "stop" in e.classes)
    assert float(stop_segment.attrs["x2"]) <= tip_x


def _candle_x(elements: Elements, index: int) -> float:
    position = next(i for i, e in enumerate(elements.found) if "candle" in e.classes
                    and e.attrs.get("data-index") == str(index))
    wick = next(e for e in elements.found[position:] if e.tag == "line" and "wick" in e.classes)
    return float(wick.attrs["x1"])


def test_the_timeline_lists_every_event_in_order(run, elements: Elements) -> None:
    events = run.fx.events()
    rows = [e for e in elements.found if e.tag == "tr" and "data-seq" in e.attrs
            and e.attrs.get("data-action") is not None]
    assert [int(r.attrs["data-seq"]) for r in rows] == [e["seq"] for e in events]
    assert [r.attrs["data-action"] for r in rows] == [e["action"] for e in events]
    assert "expire" in [r.attrs["data-action"] for r in rows]


def test_the_journal_shows_the_rejection_with_its_explanation(run, page: str) -> None:
    explanation = run.fx.last_explanation()
    assert explanation["code"] == -1022
    section = page[page.index('id="rejections"'):page.index('id="journal"')]
    assert "Rejections (1)" in section
    assert "-1022 Signature for this request is not valid." in section
    assert html.escape(explanation["text"]) in section
    journal = page[page.index('id="journal"'):]
    assert journal.count('class="rejected"') == 1
    assert f"Request journal ({run.fx.journal_count()})" in journal


def test_the_story_and_the_order_tables_are_there(run, page: str) -> None:
    assert "AssertionError: expected the take-profit to fill" in page
    assert f"#{run.stop_id} stop STOP_LOSS_LIMIT FILLED; #{run.limit_id} limit LIMIT_MAKER EXPIRED" in page
    assert "EXPIRED (OCO_TRIGGER)" in page


def test_the_page_needs_nothing_from_anywhere(page: str) -> None:
    assert "src=" not in page
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


def test_two_runs_of_one_seed_give_the_same_bytes_but_the_generation_line() -> None:
    first, second = seeded_run(seed=5), seeded_run(seed=5)
    a = render(collect(first.fx.control, CONTEXT), generated_ms=1_000)
    b = render(collect(second.fx.control, CONTEXT), generated_ms=2_000_000)
    assert a != b  # the generation time differs...
    assert without_generation_line(a) == without_generation_line(b)  # ...and nothing else
    assert len(a.splitlines()) - len(without_generation_line(a).splitlines()) == 1


def test_a_huge_journal_is_cut_with_a_note(run, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(record_module, "JOURNAL_ROWS", 40)
    monkeypatch.setattr(record_module, "TIMELINE_ROWS", 6)
    monkeypatch.setattr(record_module, "JOURNAL_PAGE", 25)  # several pages
    fx = seeded_run(seed=3).fx
    for _ in range(120):
        fx.session.get(f"{fx.url}/api/v3/ping")
    total = fx.journal_count()
    page = render(collect(fx.control, CONTEXT), generated_ms=0)
    journal = page[page.index('id="journal"'):]
    assert journal.count("<tr data-row") + journal.count('<tr class="rejected" data-row') == 40
    assert f"{total - 40} more requests not shown" in journal
    # The first and the newest entries stay: the OCO placement and the last ping.
    assert "/sapi/v1/margin/order/oco" in journal
    assert f'data-seq="{total}"' in journal
    timeline = page[page.index('id="timeline"'):page.index('id="rejections"')]
    assert f"{len(fx.events()) - 6} more events not shown" in timeline
    # The rejection stays in its own section however many requests pass.
    assert "Rejections (1)" in page


def test_the_page_stays_small_with_thousands_of_requests() -> None:
    fx = seeded_run(seed=4).fx
    for _ in range(1_500):
        fx.session.get(f"{fx.url}/api/v3/ping")
    page = render(collect(fx.control, CONTEXT), generated_ms=0)
    assert f"{fx.journal_count() - record_module.JOURNAL_ROWS} more requests not shown" in page
    assert len(page.encode()) < 1_000_000


def test_what_a_client_sent_is_shown_as_text_never_as_markup() -> None:
    fx = seeded_run(seed=6).fx
    hostile = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    fx.session.get(f"{fx.url}/sapi/v1/margin/order", params={"symbol": hostile, "timestamp": "1"},
                   headers={"X-MBX-APIKEY": fx.api_key})
    fx.session.get(f"{fx.url}/api/v3/{hostile}")
    page = render(collect(fx.control, RunContext("test", hostile, failure=hostile)), generated_ms=0)
    assert page.count("<script") == 1 and "<img" not in page  # only the page's own filter script
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_run_that_never_started_still_makes_a_page() -> None:
    from mock_exchange.report import empty_record

    context = RunContext("scenario", "broken", "scenarios/broken.yaml", "failed", failure="broken.yaml:3: unknown step")
    page = render(empty_record(context, "the scenario did not start"), generated_ms=0)
    assert "broken.yaml:3: unknown step" in page and "the scenario did not start" in page
    assert "No symbol was traded or moved in this run." in page


def test_a_long_run_merges_prints_into_candles(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_exchange.report import chart

    monkeypatch.setattr(chart, "MAX_CANDLES", 10)
    run = seeded_run(seed=8)
    run.fx.price_path("BTCUSDT", [str(28_000 + 10 * i) for i in range(25)])
    prints = len(run.fx.snapshot()["market"]["BTCUSDT"]["tape"])
    page = render(collect(run.fx.control, CONTEXT), generated_ms=0)
    elements = Elements(page)
    per_candle = -(-prints // 10)
    assert len(elements.with_class("candle")) == -(-prints // per_candle) <= 10
    assert f"{prints} prints ({per_candle} per candle)" in page
    assert len(elements.with_class("fill-marker")) == 1 and len(elements.with_class("order-line")) == 2


def test_prints_folded_off_the_tape_are_drawn_as_bars_first(monkeypatch: pytest.MonkeyPatch) -> None:
    from mock_exchange.core import history

    monkeypatch.setattr(history, "MAX_TAPE_ENTRIES", 20)
    run = seeded_run(seed=9)
    run.fx.price_path("BTCUSDT", [str(28_000 + 10 * i) for i in range(30)])
    market = run.fx.snapshot()["market"]["BTCUSDT"]
    folded = [bar for bar in market["bars"] if bar[0] >= 1_767_225_600_000]
    assert folded, "the tape folded its oldest prints into one-minute bars"
    elements = Elements(render(collect(run.fx.control, CONTEXT), generated_ms=0))
    candles = elements.with_class("candle")
    assert len(candles) == len(folded) + len(market["tape"])  # no warm-up bar from before the run
    assert len(elements.with_class("fill-marker")) == 1
