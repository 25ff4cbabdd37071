"""What a run report is made of, read through the control API (in-process or over HTTP).

:func:`collect` asks a control handle (``LocalControl`` or ``RemoteControl``) for the
exchange's own records - its snapshot (orders, order lists, trades, the tape), its event
log and its request journal - and keeps what a report shows in a :class:`RunRecord`. The
same code therefore reports on an in-process exchange and on a server at ``--url``.

Everything kept is bounded: the journal is read page by page and only its first and last
entries, and its rejections, are kept whole (:class:`HeadTail`), each with a count of what
was left out, so a run with a full 100 000-entry journal still makes a report of a few MB.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

T = TypeVar("T")

JOURNAL_PAGE = 2_000
# Shown of each list, as the first half and the last half, with "N more not shown" between.
JOURNAL_ROWS = 1_000
REJECTION_ROWS = 400
TIMELINE_ROWS = 2_000
MAX_PARAMS_CHARS = 300
MAX_TEXT_CHARS = 2_000
MAX_FAILURE_CHARS = 20_000


class HeadTail(Generic[T]):
    """The first and last ``limit // 2`` items of a stream, and how many there were in all."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.head: list[T] = []
        self.tail: deque[T] = deque(maxlen=limit - limit // 2)
        self.total = 0

    def add(self, item: T) -> None:
        self.total += 1
        if len(self.head) < self.limit // 2:
            self.head.append(item)
        else:
            self.tail.append(item)

    def extend(self, items: Iterable[T]) -> HeadTail[T]:
        for item in items:
            self.add(item)
        return self

    @property
    def hidden(self) -> int:
        """How many items fell between the head and the tail."""
        return self.total - len(self.head) - len(self.tail)


@dataclass(frozen=True)
class Step:
    """One step of a scenario as the report lists it (no durations: they differ run to run)."""

    status: str  # "passed", "failed", "skipped"
    description: str
    location: str = ""
    detail: str = ""
    failures: tuple[str, ...] = ()


@dataclass(frozen=True)
class RunContext:
    """What ran: a scenario or a test, its outcome, and why it failed."""

    kind: str  # "scenario" or "test"
    name: str
    source: str = ""
    outcome: str = ""  # "passed" / "failed" / "" when unknown
    steps: tuple[Step, ...] = ()
    failure: str = ""  # a failed test's report text, or a scenario's issues


@dataclass
class JournalRow:
    """One journal entry, reduced to what a report shows."""

    seq: int
    time_ms: int
    method: str
    path: str
    account: str | None
    status: int
    params: str
    code: int | None
    msg: str
    explanation: str
    cause: str
    fault: str

    @property
    def rejected(self) -> bool:
        return self.status >= 400


@dataclass
class RunRecord:
    """Everything a report draws: snapshot, events, and the journal's kept rows."""

    context: RunContext
    snapshot: dict[str, Any]
    events: HeadTail[dict[str, Any]]
    all_order_events: list[dict[str, Any]]  # every retained order event, for the charts
    journal: HeadTail[JournalRow]
    rejections: HeadTail[JournalRow]
    first_event_seq: int = 1
    notes: list[str] = field(default_factory=list)


def collect(control: Any, context: RunContext) -> RunRecord:
    """Read a report's material from a control handle (``LocalControl`` or ``RemoteControl``)."""
    snapshot = control.snapshot()
    events = control.events(since=0)
    timeline: HeadTail[dict[str, Any]] = HeadTail(TIMELINE_ROWS).extend(events)
    order_events = [event for event in events if event.get("type") == "order"]
    journal: HeadTail[JournalRow] = HeadTail(JOURNAL_ROWS)
    rejections: HeadTail[JournalRow] = HeadTail(REJECTION_ROWS)
    for entry in _journal_entries(control):
        row = journal_row(entry)
        journal.add(row)
        if row.rejected:
            rejections.add(row)
    first_seq = int(events[0]["seq"]) if events else int(snapshot.get("events", {}).get("last_seq", 0)) + 1
    record = RunRecord(context, snapshot, timeline, order_events, journal, rejections, first_seq)
    if first_seq > 1:
        record.notes.append(f"the first {first_seq - 1} events fell out of the exchange's event retention "
                            "before the report was written")
    return record


def empty_record(context: RunContext, note: str = "") -> RunRecord:
    """A report with no exchange behind it (a scenario that never started), saying why."""
    record = RunRecord(context, {}, HeadTail(TIMELINE_ROWS), [], HeadTail(JOURNAL_ROWS), HeadTail(REJECTION_ROWS))
    if note:
        record.notes.append(note)
    return record


def _journal_entries(control: Any) -> Iterable[dict[str, Any]]:
    """Every journal entry, oldest first, read a page at a time."""
    since = 0
    while True:
        page = control.journal(since_seq=since, limit=JOURNAL_PAGE)
        if not page:
            return
        yield from page
        since = int(page[-1]["seq"])
        if len(page) < JOURNAL_PAGE:
            return


def journal_row(entry: dict[str, Any]) -> JournalRow:
    """A journal entry as a report row: parameters in one bounded line, Binance's code and message."""
    response = entry.get("response")
    code = msg = None
    if isinstance(response, dict) and isinstance(response.get("code"), int) and entry.get("status", 200) >= 400:
        code, msg = response["code"], response.get("msg")
    explanation = entry.get("explanation") or {}
    fault = entry.get("fault") or {}
    return JournalRow(
        seq=int(entry["seq"]),
        time_ms=int(entry["time_ms"]),
        method=str(entry["method"]),
        path=str(entry["path"]),
        account=entry.get("account"),
        status=int(entry["status"]),
        params=_params_line(entry.get("params")),
        code=code,
        msg=_cut(str(msg or ""), MAX_TEXT_CHARS),
        explanation=_cut(str(explanation.get("text") or ""), MAX_TEXT_CHARS),
        cause=str(explanation.get("cause") or ""),
        fault=str(fault.get("kind") or "") if isinstance(fault, dict) else "",
    )


def _params_line(params: Any) -> str:
    if not isinstance(params, dict):
        return ""
    return _cut("&".join(f"{key}={value}" for key, value in params.items()), MAX_PARAMS_CHARS)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
