"""Keep the C allocator from holding memory the caches have let go (glibc only; elsewhere nothing).

glibc gives each thread that meets a busy allocator an arena of its own, up to eight per core,
and memory freed in one arena is not reused by the others nor returned to the system soon: a
threaded server reading large, distinct runs grows long after its caches stop growing. Two
arenas (what MALLOC_ARENA_MAX=2 does) keep it flat; an operator's MALLOC_ARENA_MAX wins.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
from functools import cache

log = logging.getLogger("viewer.malloc")

ARENAS = 2
_M_ARENA_MAX = -8  # mallopt parameter, from glibc's malloc.h


@cache
def _glibc() -> ctypes.CDLL | None:
    """The C library when it is glibc (musl, macOS and Windows have other allocators)."""
    try:
        os.confstr("CS_GNU_LIBC_VERSION")
    except (ValueError, OSError, AttributeError):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        libc = ctypes.CDLL(name)
        libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    except (OSError, AttributeError):
        return None
    return libc


def limit_arenas() -> int | None:
    """Cap glibc's malloc arenas for this process and its forks, before threads start; the
    cap in force (None when not glibc)."""
    libc = _glibc()
    if libc is None:
        return None
    asked = os.environ.get("MALLOC_ARENA_MAX", "").strip()
    if asked:  # glibc read it at start-up already
        return int(asked) if asked.isdigit() else None
    if not libc.mallopt(_M_ARENA_MAX, ARENAS):
        log.warning("could not cap malloc arenas: memory may grow past the cache bound")
        return None
    return ARENAS
