"""Each print on the tape remembers the event sequence it was printed at, through a snapshot too."""

from __future__ import annotations

from tests.report.seeded import seeded_run


def test_prints_and_events_of_one_frozen_instant_keep_their_order() -> None:
    fx = seeded_run().fx
    tape = fx.snapshot()["market"]["BTCUSDT"]["tape"]
    events = {e["seq"]: e for e in fx.events()}
    after = [row[7] for row in tape]
    # The start price (unknown), the two moves after the OCO's placement (events 1-5), the stop's
    # fill printed after the other leg's expiry (6) and before its own report (7), then the print's end.
    assert after == [-1, 5, 5, 6, 9]
    assert events[6]["action"] == "expire" and events[7]["action"] == "fill"
    assert tape[3][3] >= 0 and tape[3][1] == events[7]["last_price"]  # the fill's own trade on the tape


def test_a_snapshot_keeps_it_and_an_older_one_still_loads() -> None:
    fx = seeded_run().fx
    snapshot = fx.snapshot()
    fx.restore(snapshot)
    assert fx.snapshot()["market"] == snapshot["market"]
    older = dict(snapshot, market={s: dict(m, tape=[row[:7] for row in m["tape"]])
                                   for s, m in snapshot["market"].items()})
    fx.restore(older)
    assert {row[7] for row in fx.snapshot()["market"]["BTCUSDT"]["tape"]} == {-1}
