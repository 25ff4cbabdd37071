"""Make the C allocator give freed memory back, so a long-running server does not keep its peaks.

Decoding a 2 MB form body made of percent escapes (``%C3%A9`` ...) costs the parser a few
hundred MB for a moment: ``urllib.parse`` splits it into a million small pieces. All of it is
freed when the request ends, but glibc's malloc kept most of it: after a large block is
freed it raises its mmap threshold to that block's size (up to 32 MiB), so the next large
buffers come from the heap instead of their own mappings, and a heap whose top holds a few
live chunks cannot shrink. Measured on ``mock-exchange serve``: 34 such requests took the
server from 84 MB to 141 MB RSS and it stayed there; with the threshold fixed, 64 MB to 66 MB
(docs/reliability.md, "Memory over a soak").

Setting ``M_MMAP_THRESHOLD`` (to glibc's own default, 128 KiB) turns the dynamic threshold
off: every block of 128 KiB or more is mapped on its own and unmapped when freed, and the
heap's trim threshold stays at its default (128 KiB). The number of malloc arenas is left
alone (waitress's worker threads each may get one): capping it made no measurable
difference once the threshold was fixed. Anywhere but glibc (musl, macOS, Windows) nothing
is done, and neither when the user set the threshold through glibc's own environment.
"""

from __future__ import annotations

import ctypes
import os

M_MMAP_THRESHOLD = -3  # <malloc.h>
MMAP_THRESHOLD_BYTES = 128 * 1024


def user_set_threshold() -> bool:
    """Whether the threshold was set through glibc's own environment (then it is kept)."""
    return bool(os.environ.get("MALLOC_MMAP_THRESHOLD_")) or \
        "glibc.malloc.mmap_threshold" in os.environ.get("GLIBC_TUNABLES", "")


def is_glibc() -> bool:
    try:
        return (os.confstr("CS_GNU_LIBC_VERSION") or "").startswith("glibc")
    except (AttributeError, ValueError, OSError):
        return False


def return_freed_memory() -> bool:
    """Fix glibc's mmap threshold for this process; False (and nothing done) anywhere else."""
    if not is_glibc() or user_set_threshold():
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt  # the process's own C library
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES))
