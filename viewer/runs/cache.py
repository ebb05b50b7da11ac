"""Single-flight TTL cache: one upstream call in flight per key, answers kept briefly.

Sizes are what entries really cost in memory, estimated from the JSON they came from
(`kept_bytes`): Python objects take several times the bytes of their JSON.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

from viewer import metrics
from viewer.errors import UpstreamBusy

T = TypeVar("T")

# Bytes of Python objects per byte of JSON, and per entry, for a parsed and redacted answer and
# for the run model built from it. Measured on the demo runs and generated runs of 100 to 2,000
# steps (3.8 to 7.0 for answers, 3.6 to 5.5 more for models); tests/unit/test_cache_memory.py
# checks that the estimate stays above what is really kept.
ANSWER_BYTES_PER_JSON_BYTE = 6
MODEL_BYTES_PER_JSON_BYTE = 6
BYTES_PER_ENTRY = 16 * 1024


def kept_bytes(json_bytes: int, per_json_byte: int) -> int:
    """What keeping the objects parsed from `json_bytes` of JSON costs, at most, in memory."""
    return json_bytes * per_json_byte + BYTES_PER_ENTRY


@dataclass(frozen=True)
class Sized(Generic[T]):
    """A value with the lifetime and size (bytes kept in memory) the cache should give it."""

    value: T
    ttl: float
    size: int


@dataclass
class CacheStats:
    """Counts since start, for metrics: answered from the cache, fetched, joined a fetch in
    flight, answered with a recently expired value while it is refreshed."""

    hit: int = 0
    miss: int = 0
    coalesced: int = 0
    stale: int = 0


class SingleFlightCache(Generic[T]):
    """Coalesce concurrent fetches of a key and keep results until their TTL, within a byte bound.

    Keys must include everything that decides the answer, the caller's credential above all,
    so that an answer is never served to someone whose credential did not fetch it.
    Failures are passed to every waiting caller and never cached.

    While a key is being fetched again, callers get its value if it expired less than
    `stale_seconds` ago instead of waiting (a live run's pollers never queue on its refresh).
    At most `max_blocked` callers are inside a fetch or waiting on one at once; one more that
    would have to (a miss, or a fetch to join) gets UpstreamBusy at once instead, so a slow
    upstream cannot take every request thread: the rest stay free for what needs no fetch.
    """

    def __init__(
        self,
        max_bytes: int,
        clock: Callable[[], float] = time.monotonic,
        *,
        stale_seconds: float = 0.0,
        max_blocked: int | None = None,
        metered: bool = False,
    ) -> None:
        self.max_bytes = max_bytes
        self.clock = clock
        self.stale_seconds = stale_seconds
        self.max_blocked = max_blocked
        self.metered = metered  # the answer cache reports to the metrics; others do not
        self.stats = CacheStats()
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, int, T]] = OrderedDict()
        self._in_flight: dict[Hashable, Future[T]] = {}
        self._waiters = 0
        self._bytes = 0

    @property
    def bytes(self) -> int:
        """Bytes the kept entries cost (their estimated size in memory)."""
        return self._bytes

    def get(self, key: Hashable, fetch: Callable[[], Sized[T]]) -> T:
        """Return the cached value for key, join a fetch in flight, or fetch it now."""
        with self._lock:
            found, value = self._lookup(key)
            if found:
                return value  # type: ignore[return-value]
            waiting = self._in_flight.get(key)
            self._check_room()
            if waiting is not None:
                self._waiters += 1
                self._count("coalesced")
            else:
                self._count("miss")
                future: Future[T] = Future()
                self._in_flight[key] = future
        if waiting is not None:
            try:
                return waiting.result()
            finally:
                with self._lock:
                    self._waiters -= 1
        try:
            result = fetch()
        except BaseException as error:
            with self._lock:
                del self._in_flight[key]
            future.set_exception(error)
            raise
        with self._lock:
            del self._in_flight[key]
            self._store(key, result)
        future.set_result(result.value)
        return result.value

    def _lookup(self, key: Hashable) -> tuple[bool, T | None]:
        """(True, value) when fresh, or stale but being refreshed; drops what is too old."""
        entry = self._entries.get(key)
        if entry is None:
            return False, None
        expires, size, value = entry
        now = self.clock()
        if now < expires:
            self._count("hit")
            self._entries.move_to_end(key)
            return True, value
        if now >= expires + self.stale_seconds:
            del self._entries[key]
            self._bytes -= size
            return False, None
        if key in self._in_flight:
            self._count("stale")
            return True, value
        return False, None

    def _check_room(self) -> None:
        """Refuse one more caller that would block when `max_blocked` already do."""
        blocked = len(self._in_flight) + self._waiters
        if self.max_blocked is not None and blocked >= self.max_blocked:
            raise UpstreamBusy(
                "Many pages are already waiting on the runs service. Try again in a few seconds.",
                retry_after=2,
            )

    def _count(self, result: str) -> None:
        setattr(self.stats, result, getattr(self.stats, result) + 1)
        if self.metered:
            metrics.cache_lookup(result)

    def _store(self, key: Hashable, result: Sized[T]) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        if result.ttl <= 0 or result.size > self.max_bytes:
            return
        self._entries[key] = (self.clock() + result.ttl, result.size, result.value)
        self._bytes += result.size
        while self._bytes > self.max_bytes and self._entries:
            _, (_, size, _) = self._entries.popitem(last=False)
            self._bytes -= size
        if self.metered:
            metrics.cache_bytes(self._bytes)

    def __len__(self) -> int:
        return len(self._entries)
