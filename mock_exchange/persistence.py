"""Persistent mode: the exchange state kept in one file across restarts (``serve --state-file``).

On start the file, when it exists, is restored exactly like ``POST /mock/v1/state`` (the
same validation); a file that cannot be used stops start-up with one line and exit status 2,
and is left as it is (the fake never throws away state it cannot read). A missing file is a
first start: the exchange begins from its config and the file is written.

While serving, a background thread writes the state at most every ``interval_ms`` and only
when it changed (the exchange's change counter, or a frozen clock that moved). It holds the
exchange lock only to take the snapshot; encoding and the disk work happen outside it, and
never on a request thread. Each write is atomic: a temporary file in the same directory,
``fsync``, ``rename`` over the state file, ``fsync`` of the directory. So a reader (the next
start) sees the previous state or the new one, never a torn file. On SIGTERM / SIGINT the
server stops serving and writes a last time.

What a restart keeps: everything the snapshot holds (accounts, balances, orders, lists,
trades, loans, ledgers, symbols, market, ids, the event sequence, a frozen clock's time).
What it does not: the request journal, faults, listen keys and rate-limit windows, and a
running clock's offset (a running clock follows the new server's wall time). After a
SIGKILL at most the changes of the last ``interval_ms`` (plus one write's duration) are lost;
with a state so large that one snapshot holds the lock for more than a fifth of the
interval, the writer waits four snapshot durations instead, and that is the window.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from pathlib import Path
from typing import Any

from mock_exchange.core.snapshot import SnapshotError, restore, snapshot

DEFAULT_INTERVAL_MS = 1000
# The writer waits at least this many times as long as its last snapshot held the lock.
LOCK_SHARE_FACTOR = 4

try:  # a lock file keeps two servers from writing one state file (POSIX only)
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]


class StateFileError(Exception):
    """A state file that cannot be used; the message is the one line the CLI prints."""


class StateFile:
    """One state file: its lock, its atomic writes, its restore."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(os.path.abspath(path))
        self.temp_path = self.path.with_name(f".{self.path.name}.tmp")
        self.lock_path = self.path.with_name(f".{self.path.name}.lock")
        self._lock_fd: int | None = None

    # -- start ------------------------------------------------------------------------------

    def acquire(self) -> None:
        """Claim the file for this process (a second server on the same file is refused)."""
        if not self.path.parent.is_dir():
            raise StateFileError(f"{self.path}: the directory {str(self.path.parent)!r} does not exist")
        try:
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as exc:
            raise StateFileError(f"{self.path}: cannot create the lock file: {exc.strerror}") from None
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                os.close(fd)
                raise StateFileError(f"{self.path}: in use by another mock-exchange server") from None
        self._lock_fd = fd

    def release(self) -> None:
        if self._lock_fd is not None:
            os.close(self._lock_fd)  # closing drops the flock
            self._lock_fd = None

    def load_into(self, exchange: Any) -> bool:
        """Restore the file into ``exchange``; False when there is no file yet (a first start)."""
        # A temporary file left by a write that was killed is never read: the state file is
        # either the previous complete write or the one renamed over it.
        try:
            self.temp_path.unlink()
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise StateFileError(f"{self.temp_path}: cannot remove a stale temporary file: {exc.strerror}") from None
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return False
        except (OSError, UnicodeDecodeError) as exc:
            raise StateFileError(f"{self.path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            raise StateFileError(f"{self.path}: not a JSON snapshot: {exc}") from None
        try:
            if not isinstance(data, dict):
                raise SnapshotError("a snapshot is a JSON object")
            frozen = isinstance(data.get("clock"), dict) and data["clock"].get("frozen") is True
            # A frozen clock comes back at its instant; a running one follows this server's clock.
            restore(exchange, data, restore_clock=frozen)
        except SnapshotError as exc:
            raise StateFileError(f"{self.path}: not a usable snapshot: {exc}") from None
        return True

    # -- writing ------------------------------------------------------------------------------

    def write(self, data: dict[str, Any]) -> int:
        """Replace the file with ``data`` atomically and durably; the bytes written."""
        payload = (json.dumps(data, separators=(",", ":")) + "\n").encode("utf-8")
        fd = os.open(self.temp_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        os.replace(self.temp_path, self.path)
        _fsync_directory(self.path.parent)
        return len(payload)


def _fsync_directory(directory: Path) -> None:
    """Make the rename itself durable (POSIX; a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # pragma: no cover - Windows
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - file systems that refuse fsync on a directory
        pass
    finally:
        os.close(fd)


def fingerprint(exchange: Any) -> tuple[int, bool, int]:
    """What says "the state moved": the change counter, and a frozen clock's instant."""
    clock = exchange.clock
    return exchange.changes, clock.frozen, clock.now_ms() if clock.frozen else 0


class StateWriter:
    """The background thread that writes the state file after changes, at most every interval."""

    def __init__(self, exchange: Any, state_file: StateFile, interval_ms: int = DEFAULT_INTERVAL_MS) -> None:
        if interval_ms < 1:
            raise ValueError("the state interval is at least 1 ms")
        self.exchange = exchange
        self.state_file = state_file
        self.interval_s = interval_ms / 1000
        self.writes = 0
        self.last_lock_s = 0.0  # how long the last snapshot held the exchange lock
        self._written: tuple[int, bool, int] | None = None
        self._stop = threading.Event()
        self._flush_lock = threading.Lock()
        self._thread = threading.Thread(target=self._run, name="mock-exchange-state-writer", daemon=True)

    def start(self) -> StateWriter:
        self._thread.start()
        return self

    def flush(self) -> bool:
        """Write now if the state changed since the last write; True when it wrote."""
        with self._flush_lock:
            exchange = self.exchange
            with exchange.lock:
                seen = fingerprint(exchange)
                if seen == self._written:
                    return False
                started = time.perf_counter()
                data = snapshot(exchange)
                self.last_lock_s = time.perf_counter() - started
            self.state_file.write(data)
            self._written = seen
            self.writes += 1
            return True

    def pause_s(self) -> float:
        """The wait before the next check: the interval, longer when snapshots are slow.

        A large state takes a while to snapshot, and requests wait for the lock meanwhile; the
        writer holds it for at most a fifth of the time, whatever the interval asks.
        """
        return max(self.interval_s, LOCK_SHARE_FACTOR * self.last_lock_s)

    def _run(self) -> None:
        while not self._stop.wait(self.pause_s()):
            self._flush_or_report()

    def _flush_or_report(self) -> bool:
        try:
            return self.flush()
        except OSError as exc:
            # A full disk or a vanished directory must not stop the server: say so, retry next time.
            sys.stderr.write(f"mock-exchange: cannot write the state file {self.state_file.path}: {exc}\n")
            sys.stderr.flush()
            return False

    def stop(self) -> bool:
        """Stop the thread and write the last changes (on SIGTERM / SIGINT and at exit); False if that failed."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join()
        return self._flush_or_report() or self._written == fingerprint(self.exchange)


def start_persistence(exchange: Any, path: str | Path, interval_ms: int = DEFAULT_INTERVAL_MS) -> StateWriter:
    """Claim and restore ``path`` into ``exchange``, write it once, and start the writer thread.

    Raises :class:`StateFileError` (one line for the user) when the file cannot be used.
    """
    state_file = StateFile(path)
    state_file.acquire()
    try:
        state_file.load_into(exchange)
        writer = StateWriter(exchange, state_file, interval_ms)
        writer.flush()  # the file exists from the first instant (and is known to be writable)
    except OSError as exc:
        state_file.release()
        raise StateFileError(f"{state_file.path}: cannot write: {exc.strerror or exc}") from None
    except BaseException:
        state_file.release()
        raise
    return writer.start()


def stop_on_sigterm() -> None:
    """SIGTERM stops the server like Ctrl-C (SIGINT), so the last changes are written.

    Only the first signal interrupts: a second one (``timeout`` forwarding, a double Ctrl-C)
    must not break off the shutdown that writes the state. SIGKILL still ends it at once.
    """
    import signal

    def interrupt(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupt)
    signal.signal(signal.SIGINT, interrupt)
