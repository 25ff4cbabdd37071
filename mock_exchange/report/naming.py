"""File names for reports: from a pytest node id or a scenario file, safe on every file system."""

from __future__ import annotations

import hashlib
import re

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_file_name(name: str, suffix: str = ".html") -> str:
    """``tests/test_bot.py::test_stop[BTC-1]`` → ``tests_test_bot.py__test_stop_BTC-1_.html``.

    Only letters, digits, ``.``, ``_`` and ``-`` stay. A long name is cut and ends with a
    short hash of the whole name, so two long ids that share a beginning still differ.
    """
    stem = _UNSAFE.sub("_", name.replace("::", "__")).strip("._") or "report"
    if len(stem) > MAX_NAME_CHARS:
        digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        stem = f"{stem[: MAX_NAME_CHARS - 11]}-{digest}"
    return stem + suffix
