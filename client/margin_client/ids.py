"""Client-side generation of client order ids, so that unknown outcomes can be reconciled."""

from __future__ import annotations

import secrets
import string
from collections.abc import Callable

ClientIdFactory = Callable[[], str]

_ALPHABET = string.ascii_letters + string.digits
# Binance accepts ^[\.A-Z\:/a-z0-9_-]{1,36}$; 22 characters mirrors its own ids.
_ID_LENGTH = 22


def random_client_id(prefix: str = "mc") -> str:
    """Return a random id such as 'mcX3k9...' (22 characters, valid for Binance)."""
    body_length = max(_ID_LENGTH - len(prefix), 8)
    return prefix + "".join(secrets.choice(_ALPHABET) for _ in range(body_length))


def sequential_ids(prefix: str = "mc", start: int = 1) -> ClientIdFactory:
    """Return a factory of deterministic ids ('mc1', 'mc2', ...), handy in tests."""
    counter = iter(range(start, 2**63))
    return lambda: f"{prefix}{next(counter)}"
