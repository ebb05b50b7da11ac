"""Single-flight TTL cache: one upstream call in flight per key, answers kept briefly."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Generic, TypeVar

from viewer import metrics

T = TypeVar("T")


@dataclass(frozen=True)
class Sized(Generic[T]):
    """A value with the lifetime and size the cache should give it."""

    value: T
    ttl: float
    size: int


class SingleFlightCache(Generic[T]):
    """Coalesce concurrent fetches of a key and keep results until their TTL, within a byte bound.

    Keys must include everything that decides the answer, the caller's credential above all,
    so that an answer is never served to someone whose credential did not fetch it.
    Failures are passed to every waiting caller and never cached.
    """

    def __init__(self, max_bytes: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.max_bytes = max_bytes
        self.clock = clock
        self._lock = threading.Lock()
        self._entries: OrderedDict[Hashable, tuple[float, int, T]] = OrderedDict()
        self._in_flight: dict[Hashable, Future[T]] = {}
        self._bytes = 0

    def get(self, key: Hashable, fetch: Callable[[], Sized[T]]) -> T:
        """Return the cached value for key, join a fetch in flight, or fetch it now."""
        with self._lock:
            cached = self._fresh(key)
            if cached is not None:
                metrics.cache_lookup("hit")
                return cached
            waiting = self._in_flight.get(key)
            if waiting is None:
                future: Future[T] = Future()
                self._in_flight[key] = future
        if waiting is not None:
            metrics.cache_lookup("coalesced")
            return waiting.result()
        metrics.cache_lookup("miss")
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

    def _fresh(self, key: Hashable) -> T | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expires, size, value = entry
        if expires <= self.clock():
            del self._entries[key]
            self._bytes -= size
            return None
        self._entries.move_to_end(key)
        return value

    def _store(self, key: Hashable, result: Sized[T]) -> None:
        if result.ttl <= 0 or result.size > self.max_bytes:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= old[1]
        self._entries[key] = (self.clock() + result.ttl, result.size, result.value)
        self._bytes += result.size
        while self._bytes > self.max_bytes and self._entries:
            _, (_, size, _) = self._entries.popitem(last=False)
            self._bytes -= size
        metrics.cache_bytes(self._bytes)

    def __len__(self) -> int:
        return len(self._entries)
