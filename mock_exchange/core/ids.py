"""Seeded id generation: the same seed gives the same ids and client order ids."""

from __future__ import annotations

import random
import string
from collections.abc import Callable
from typing import Any

_BASE62 = string.digits + string.ascii_letters


class IdGenerator:
    """Sequential numeric ids and seeded 22-character client ids (spec §6.4)."""

    def __init__(self, seed: int = 0) -> None:
        self.seed = seed
        self.reset(seed)

    def reset(self, seed: int | None = None) -> None:
        if seed is not None:
            self.seed = seed
        self._random = random.Random(self.seed)
        self._counters: dict[str, int] = {}

    def next(self, kind: str) -> int:
        """The next id of ``kind`` ("order", "order_list", "trade", "tran", ...), from 1."""
        value = self._counters.get(kind, 0) + 1
        self._counters[kind] = value
        return value

    def current(self, kind: str) -> int:
        """The last id handed out for ``kind`` (0 before the first)."""
        return self._counters.get(kind, 0)

    def client_id(self) -> str:
        """A Binance-looking 22-character base62 id, e.g. ``JYVpp3F0f5CAG15DhtrqLp``."""
        return _base62(self._random.getrandbits, 22)

    def token(self, length: int = 64) -> str:
        """A seeded opaque token (listen keys, listen tokens)."""
        return _base62(self._random.getrandbits, length)

    def state(self) -> dict[str, object]:
        return {"seed": self.seed, "counters": dict(self._counters), "random": _encode_random(self._random)}

    def restore(self, state: dict[str, object]) -> None:
        seed, counters = state["seed"], state["counters"]
        assert isinstance(seed, int) and isinstance(counters, dict)  # snapshot_rules checked the shape
        self.seed = seed
        self._counters = {str(k): int(v) for k, v in counters.items()}
        self._random = random.Random()
        self._random.setstate(_decode_random(state["random"]))


# A generator word's top byte -> the base62 character of its top 6 bits; words whose top 6
# bits are 62 or 63 (top byte 248-255) are redrawn, so those bytes are deleted.
_TOP_BYTE_TO_CHAR = bytes(ord(_BASE62[min(byte >> 2, 61)]) for byte in range(256))
_REDRAWN_TOP_BYTES = bytes(range(248, 256))


def _base62(getrandbits: Callable[[int], int], length: int) -> str:
    """``length`` draws of ``random.choice(_BASE62)``, done in bulk (the same characters).

    ``Random.choice`` picks ``seq[_randbelow(len(seq))]``, and ``_randbelow(62)`` draws
    ``getrandbits(6)`` (the top 6 bits of one 32-bit word of the generator) until the value
    is below 62. ``getrandbits(32 * n)`` returns the next n words, the first one lowest; so
    the top byte of each word, read in order, gives the same draws, a redrawn value simply
    using the next word. Every word drawn is used, so the generator is consumed exactly as
    by ``random.choice`` and seeds give the same ids as before (tests/core/test_ids.py).
    """
    chars = b""
    while len(chars) < length:
        missing = length - len(chars)
        words = getrandbits(32 * missing).to_bytes(4 * missing, "little")
        chars += words[3::4].translate(_TOP_BYTE_TO_CHAR, _REDRAWN_TOP_BYTES)
    return chars.decode("ascii")


def _encode_random(rng: random.Random) -> list[object]:
    version, internal, gauss = rng.getstate()
    return [version, list(internal), gauss]


def _decode_random(raw: object) -> tuple[Any, ...]:
    """The inverse of ``_encode_random`` (snapshot_rules checked the shape first)."""
    assert isinstance(raw, list | tuple) and len(raw) == 3
    version, internal, gauss = raw
    return (version, tuple(internal), gauss)
