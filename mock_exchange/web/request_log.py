"""The request log: one line per request on the console (and/or a file), as text or JSON lines.

    2026-12-01T21:18:35.123Z POST /sapi/v1/margin/order 400 code=-1022 weight=6 account=demo 1.4ms | Signature ...

Each line has the wall-clock time, method, path (never the query string: it holds the
signature), HTTP status, Binance code, weight, account, duration and, for a rejection, the
explanation from :mod:`mock_exchange.web.explain`. Nothing in a line is a secret, a whole
signature or a whole API key: the explanation masks them and nothing else is taken from
the request. ``mock-exchange serve`` logs to stdout (``--log-format text|json``, ``--quiet``,
``--log-file PATH``); ``create_app(request_log=RequestLog(...))`` does the same in-process.
"""

from __future__ import annotations

import json
import os
import sys
import threading
import time
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from flask import Flask, Request, Response

from mock_exchange.web.request_context import RequestContext, open_context

FORMATS = ("text", "json")
MAX_EXPLANATION_CHARS = 2000
# A log file is rotated to PATH.1 past this size, so a long-running server never fills the disk.
DEFAULT_MAX_FILE_BYTES = 100 * 1024 * 1024
_CONTROL_PREFIX = "/mock/v1"


class RequestLog:
    """Writes one line per request to every stream (and file) it was given; thread-safe."""

    def __init__(self, format: str = "text", streams: Sequence[TextIO] = (), path: str | Path | None = None,
                 max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        if format not in FORMATS:
            raise ValueError(f"log format: expected one of {', '.join(FORMATS)} (got {format!r})")
        self.format = format
        self.streams = list(streams)
        self.path = Path(path) if path is not None else None
        self.max_file_bytes = max_file_bytes
        self._lock = threading.Lock()
        self._file: TextIO | None = None
        if self.path is not None:
            self._file = self._open()

    @classmethod
    def for_console(cls, format: str = "text", *, quiet: bool = False, path: str | None = None) -> RequestLog | None:
        """What ``serve`` logs to: stdout unless ``quiet``, and ``path`` if given; None when neither."""
        if quiet and path is None:
            return None
        return cls(format, [] if quiet else [sys.stdout], path)

    def _open(self) -> TextIO:
        assert self.path is not None
        return open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - kept open for the server's life

    # -- Flask hooks ------------------------------------------------------------------------

    def install(self, app: Flask) -> None:
        """Time every request of ``app`` from its arrival (``web/after_answer.py`` writes the line)."""
        app.before_request(open_on_arrival)

    # -- output -----------------------------------------------------------------------------

    def write(self, record: dict[str, Any]) -> None:
        line = format_line(record, self.format) + "\n"
        with self._lock:
            for stream in self.streams:
                try:
                    stream.write(line)
                    stream.flush()
                except (OSError, ValueError):
                    continue  # a closed console must not fail the request
            if self._file is not None:
                self._write_file(line)

    def _write_file(self, line: str) -> None:
        assert self._file is not None and self.path is not None
        try:
            if self._file.tell() + len(line) > self.max_file_bytes:
                self._file.close()
                os.replace(self.path, self.path.with_name(self.path.name + ".1"))
                self._file = self._open()
            self._file.write(line)
            self._file.flush()
        except (OSError, ValueError):
            return

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def open_on_arrival() -> None:
    open_context()  # a before_request function's return value would be the answer


def record_of(response: Response, context: RequestContext | None, received: Request) -> dict[str, Any]:
    """The fields of ``received``'s log line."""
    duration = (time.perf_counter() - context.started) * 1000 if context is not None else None
    explanation = context.explanation if context is not None else None
    code = explanation.code if explanation is not None else None
    text = explanation.text if explanation is not None else None
    if response.status_code >= 400 and explanation is None:
        code, text = _code_of(response, received.path)
    return {
        "time": _wall_time(),
        "method": received.method,
        "path": received.path,
        "status": response.status_code,
        "code": code,
        "weight": context.weight if context is not None else 0,
        "account": context.account_name if context is not None else None,
        "duration_ms": round(duration, 2) if duration is not None else None,
        "explanation": text[:MAX_EXPLANATION_CHARS] if text else None,
    }


# The date and time to the second of the latest line: formatting it (~10 µs) once a second, not per line.
_second_text: tuple[int, str] = (-1, "")


def _wall_time() -> str:
    """Now in UTC to the millisecond, ``2026-12-01T21:18:35.123Z``."""
    global _second_text
    now_ms = int(time.time() * 1000)
    second, text = _second_text  # one tuple: another thread replaces it whole
    if now_ms // 1000 != second:
        second = now_ms // 1000
        text = datetime.fromtimestamp(second, UTC).strftime("%Y-%m-%dT%H:%M:%S.")
        _second_text = (second, text)
    return f"{text}{now_ms % 1000:03d}Z"


def _code_of(response: Response, path: str) -> tuple[Any, str | None]:
    """Binance's code, or the control API's error code and message, of an unexplained failure."""
    if response.is_streamed or response.direct_passthrough:
        return None, None
    try:
        body = json.loads(response.get_data())
    except (ValueError, UnicodeDecodeError):
        return None, None
    if not isinstance(body, dict):
        return None, None
    if isinstance(body.get("code"), int):
        return body["code"], None
    error = body.get("error")
    if path.startswith(_CONTROL_PREFIX) and isinstance(error, dict):
        return error.get("code"), str(error.get("message", ""))[:MAX_EXPLANATION_CHARS]
    return None, None


def format_line(record: dict[str, Any], format: str) -> str:
    if format == "json":
        return json.dumps(record, ensure_ascii=True, separators=(",", ":"))
    duration = record.get("duration_ms")
    parts = [record["time"], record["method"], record["path"], str(record["status"]),
             f"code={record['code'] if record['code'] is not None else '-'}",
             f"weight={record['weight']}", f"account={record['account'] or '-'}",
             f"{duration:.1f}ms" if duration is not None else "-"]
    line = " ".join(parts)
    if record.get("explanation"):
        line += " | " + record["explanation"]
    # One ASCII line per request, whatever a path or a message holds.
    return line.replace("\r", " ").replace("\n", " ").encode("ascii", "backslashreplace").decode("ascii")
