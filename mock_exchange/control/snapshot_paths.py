"""Where ``state/save`` and ``state/load`` may touch the file system: the one rule for a snapshot path.

A path is a non-empty string without NUL or other control characters. With a snapshot
directory (``serve --snapshot-dir``, by default the directory ``serve`` starts in) a
relative path is taken inside it and any path that resolves outside it, through ``..``
or a symbolic link, is refused before the file system is touched. Without one (an app
built in your own process with ``create_app()``), a path is used as given.

A load that cannot use the file answers the same whether the file is missing, unreadable
or not JSON, so the control API does not tell which files exist.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from mock_exchange.control.errors import bad_request


def snapshot_path(raw: Any, directory: Path | None) -> Path:
    """``raw`` as a path the snapshot operations may use, or a 400 naming ``path``."""
    if not isinstance(raw, str) or not raw:
        raise bad_request(f"path: expected a non-empty string (got {raw!r})")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in raw):
        raise bad_request("path: must not contain NUL or other control characters")
    if directory is None:
        return Path(raw)
    root = Path(os.path.realpath(directory))
    target = Path(os.path.realpath(root / raw))
    if target == root or root not in target.parents:
        raise bad_request(f"path: must name a file inside the snapshot directory {str(root)!r}")
    return target


def unusable_snapshot_file(path: Path) -> Exception:
    """One answer for a file that is missing, unreadable, not UTF-8 or not JSON."""
    return bad_request(f"path: no snapshot file at {str(path)!r} (missing, unreadable or not a JSON snapshot)")
