"""Control operations on whole state, the journal and the event log (a mixin of ControlService)."""

from __future__ import annotations

import copy
import json
from typing import Any

from mock_exchange import nesting
from mock_exchange.control.errors import bad_request
from mock_exchange.control.event_json import events_json
from mock_exchange.control.journal import JournalFilter
from mock_exchange.control.snapshot_paths import snapshot_path, unusable_snapshot_file
from mock_exchange.control.values import int_value, str_value


class StateOps:
    """Snapshots, journal queries and domain events; expects ``exchange``, ``journal``, ``runtime``."""

    exchange: Any
    journal: Any
    runtime: Any

    # -- snapshots ------------------------------------------------------------------------

    def snapshot(self) -> dict[str, Any]:
        """The whole exchange state as JSON (see ``core.snapshot``)."""
        from mock_exchange.core.snapshot import snapshot

        return snapshot(self.exchange)

    def restore(self, **state: Any) -> dict[str, Any]:
        """Replace the exchange state with a snapshot; rate-limit windows restart."""
        from mock_exchange.core.snapshot import SnapshotError, restore

        try:
            restore(self.exchange, state)
        except SnapshotError as exc:
            raise bad_request(f"not a usable snapshot: {exc}") from exc
        self.runtime.limiter.reset()
        return {"restored": True, "clock": self.clock()}  # type: ignore[attr-defined]

    def save_snapshot(self, path: Any) -> dict[str, Any]:
        """Write the snapshot to ``path`` (on the server's file system, see ``snapshot_paths``) as JSON."""
        target = snapshot_path(path, self.runtime.snapshot_dir)
        text = json.dumps(self.snapshot(), indent=1, sort_keys=False)
        try:
            target.write_text(text + "\n", encoding="utf-8")
        except OSError as exc:
            raise bad_request(f"path: cannot write {str(target)!r}: {exc.strerror}") from exc
        return {"path": str(target), "bytes": len(text) + 1}

    def load_snapshot(self, path: Any) -> dict[str, Any]:
        """Restore from a snapshot file written by ``save_snapshot``."""
        source = snapshot_path(path, self.runtime.snapshot_dir)
        try:
            state = nesting.loads(source.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # UnicodeDecodeError and TooDeep are ValueErrors
            raise unusable_snapshot_file(source) from None
        if not isinstance(state, dict):
            raise unusable_snapshot_file(source)
        result = self.restore(**state)
        result["path"] = str(source)
        return result

    # -- journal --------------------------------------------------------------------------

    def query_journal(self, method: Any = None, path: Any = None, account: Any = None, status: Any = None,
                      since_seq: Any = None, fault: Any = None, limit: Any = None) -> dict[str, Any]:
        """Matching entries in order (the first ``limit``), with ``count`` of all matches."""
        query = JournalFilter(
            method=None if method is None else str_value(method, "method"),
            path=None if path is None else str_value(path, "path"),
            account=None if account is None else str_value(account, "account"),
            status=None if status is None else int_value(status, "status"),
            since_seq=None if since_seq is None else int_value(since_seq, "since_seq", minimum=0),
            fault=None if fault is None else str_value(fault, "fault"),
            limit=None if limit is None else int_value(limit, "limit", minimum=0),
        )
        entries, count = self.journal.query(query)
        return {"count": count, "last_seq": self.journal.last_seq, "entries": copy.deepcopy(entries)}

    def clear_journal(self) -> dict[str, Any]:
        return {"cleared": self.journal.clear()}

    # -- domain events ----------------------------------------------------------------------

    def events(self, since: Any = 0, account: Any = None) -> dict[str, Any]:
        """Domain events with a seq above ``since`` (optionally one account's), as JSON."""
        after = int_value(since, "since", minimum=0)
        name = None if account is None else str_value(account, "account")
        exchange = self.exchange
        with exchange.lock:
            found = exchange.events_since(after, account=name)
            last = _last_seq(exchange)
        return {"events": events_json(found), "last_seq": last}


def _last_seq(exchange: Any) -> int:
    return int(exchange.events.last_seq)
