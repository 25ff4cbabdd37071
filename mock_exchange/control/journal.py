"""The request journal: every Binance request the fake exchange answered, queryable.

Entries are plain JSON-ready dicts; the web layer builds them (with secrets removed) and
this module only stores, filters and counts them. It is bounded twice: past ``capacity``
entries or past ``max_bytes`` (each entry's estimated size, see ``recorder.entry_bytes``)
the oldest entries fall off, while ``seq`` keeps counting so ``since_seq`` paging still works.
An entry may defer its costly fields: what it holds under ``COMPLETE`` (plain data) is
handed to the journal's ``complete`` function the first time :meth:`Journal.query` returns
the entry (filters read only the eager fields). Plain data, not a callable: the garbage
collector stops tracking a tuple of strings and bytes at its first collection, and a dict of
such values at its first full collection, so kept entries are not rescanned by every later
collection. (A bound method under ``COMPLETE`` kept each entry tracked for good: a full
journal of 100,000 entries added ~300,000 objects to every full collection's pause.)
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

DEFAULT_CAPACITY = 100_000
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
# An entry may hold data under this key from which the journal's ``complete`` fills in fields on read.
COMPLETE = "_complete"
Complete = Callable[[dict[str, Any], Any], None]  # (entry, what it held under COMPLETE)


@dataclass(frozen=True)
class JournalFilter:
    """Which entries to return; every field left None matches everything."""

    method: str | None = None
    path: str | None = None  # exact, or a glob ("/sapi/v1/margin/order*")
    account: str | None = None
    status: int | None = None
    since_seq: int | None = None  # entries with a higher seq
    fault: str | None = None  # a fault kind, or "any" / "none"
    limit: int | None = None  # the first N matches (page with since_seq)

    def matches(self, entry: dict[str, Any]) -> bool:
        if self.since_seq is not None and entry["seq"] <= self.since_seq:
            return False
        if self.method is not None and entry["method"] != self.method.upper():
            return False
        if self.path is not None and not _path_matches(self.path, entry["path"]):
            return False
        if self.account is not None and entry["account"] != self.account:
            return False
        if self.status is not None and entry["status"] != self.status:
            return False
        return self.fault is None or _fault_matches(self.fault, entry["fault"])


def _every_entry(entry: dict[str, Any]) -> bool:
    return True


def _path_matches(pattern: str, path: str) -> bool:
    if any(c in pattern for c in "*?["):
        return fnmatchcase(path, pattern)
    return path == pattern


def _fault_matches(wanted: str, fault: dict[str, Any] | None) -> bool:
    if wanted == "any":
        return fault is not None
    if wanted == "none":
        return fault is None
    return fault is not None and fault.get("kind") == wanted


class Journal:
    """A bounded, thread-safe list of request entries with gap-free sequence numbers."""

    def __init__(self, capacity: int = DEFAULT_CAPACITY, max_bytes: int = DEFAULT_MAX_BYTES,
                 complete: Complete | None = None) -> None:
        self.capacity = capacity
        self.complete = complete
        self.max_bytes = max_bytes
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque()
        self._sizes: deque[int] = deque()  # each entry's estimated bytes, beside it
        self._bytes = 0
        self._complete_lock = threading.Lock()
        self._last_seq = 0

    @property
    def bytes(self) -> int:
        """The estimated size of the entries kept (never above ``max_bytes``, but for one entry)."""
        return self._bytes

    @property
    def last_seq(self) -> int:
        return self._last_seq

    def record(self, build: Callable[[int], dict[str, Any]], size: int = 0) -> dict[str, Any]:
        """Append the entry ``build(seq)`` makes (about ``size`` bytes); seq is assigned under the lock."""
        with self._lock:
            self._last_seq += 1
            entry = build(self._last_seq)
            self._entries.append(entry)
            self._sizes.append(size)
            self._bytes += size
            # The newest entry always stays, however large; older ones go first.
            while len(self._entries) > 1 and (len(self._entries) > self.capacity or self._bytes > self.max_bytes):
                self._entries.popleft()
                self._bytes -= self._sizes.popleft()
            return entry

    def _matching(self, query: JournalFilter) -> Iterator[dict[str, Any]]:
        with self._lock:
            entries = list(self._entries)
        return (entry for entry in entries if query.matches(entry))

    def query(self, query: JournalFilter | None = None) -> tuple[list[dict[str, Any]], int]:
        """The matching entries (the first ``limit``), and how many matched in all."""
        query = query or JournalFilter()
        matched = list(self._matching(query))
        page = matched if query.limit is None else matched[: query.limit]
        return [self._complete(entry) for entry in page], len(matched)

    def newest_first(self, keep: Callable[[dict[str, Any]], bool] | None, limit: int, *,
                     stop_at_seq: int | None = None, before_seq: int | None = None,
                     stop_at_first: bool = False) -> tuple[list[dict[str, Any]], int]:
        """The newest ``limit`` entries ``keep`` accepts below ``before_seq``, and how many it accepts in all.

        The dashboard's pages. The scan runs from the newest entry down and ends at
        ``stop_at_seq`` (entries at or below it are not looked at) or, with ``stop_at_first``,
        at the first match; the count includes matches at or above ``before_seq``. With
        ``keep=None`` every entry matches: the count is arithmetic (seqs have no gaps) and
        the scan stops once the page is full.
        """
        with self._lock:
            entries = list(self._entries)
        if keep is None:
            floor = 0 if stop_at_seq is None or not entries else max(0, stop_at_seq - entries[0]["seq"] + 1)
            total = max(0, len(entries) - floor)
            keep = _every_entry
        else:
            total = -1
        page: list[dict[str, Any]] = []
        counted = 0
        for entry in reversed(entries):
            if stop_at_seq is not None and entry["seq"] <= stop_at_seq:
                break
            if keep(entry):
                counted += 1
                if len(page) < limit and (before_seq is None or entry["seq"] < before_seq):
                    page.append(entry)
                if stop_at_first or (total >= 0 and len(page) == limit):
                    break
        return [self._complete(entry) for entry in page], counted if total < 0 else total

    def _complete(self, entry: dict[str, Any]) -> dict[str, Any]:
        """Fill in an entry's deferred fields (see ``recorder.record_request``) before it is read."""
        if COMPLETE in entry:
            with self._complete_lock:
                if COMPLETE in entry:
                    if self.complete is not None:
                        self.complete(entry, entry[COMPLETE])
                    del entry[COMPLETE]  # only once filled: a reader seeing no key sees a full entry
        return entry

    def count(self, query: JournalFilter | None = None) -> int:
        return sum(1 for _ in self._matching(query or JournalFilter()))

    def clear(self, *, restart_seq: bool = False) -> int:
        """Forget every entry; how many there were. ``restart_seq`` numbers from 1 again."""
        with self._lock:
            dropped = len(self._entries)
            self._entries.clear()
            self._sizes.clear()
            self._bytes = 0
            if restart_seq:
                self._last_seq = 0
            return dropped

    def __len__(self) -> int:
        return len(self._entries)
