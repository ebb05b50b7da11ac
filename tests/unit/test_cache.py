"""Single-flight cache: coalescing, expiry, byte bound, failures not cached."""

from __future__ import annotations

import threading
import time

import pytest

from viewer.errors import UpstreamBusy
from viewer.runs.cache import SingleFlightCache, Sized


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_concurrent_gets_share_one_fetch() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(1000)
    calls = []
    release = threading.Event()

    def fetch() -> Sized[str]:
        calls.append(1)
        release.wait(2)
        return Sized("value", ttl=10, size=5)

    results: list[str] = []
    threads = [
        threading.Thread(target=lambda: results.append(cache.get("k", fetch))) for _ in range(20)
    ]
    for thread in threads:
        thread.start()
    time.sleep(0.1)
    release.set()
    for thread in threads:
        thread.join(2)
    assert results == ["value"] * 20
    assert len(calls) == 1


def test_expiry_and_keys() -> None:
    clock = Clock()
    cache: SingleFlightCache[int] = SingleFlightCache(1000, clock=clock)
    counter = iter(range(100))
    fetch = lambda: Sized(next(counter), ttl=2, size=1)  # noqa: E731
    assert cache.get("a", fetch) == 0
    assert cache.get("a", fetch) == 0
    assert cache.get("b", fetch) == 1
    clock.now = 2.5
    assert cache.get("a", fetch) == 2


def test_failures_reach_every_waiter_and_are_not_cached() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(1000)

    def boom() -> Sized[int]:
        raise RuntimeError("down")

    with pytest.raises(RuntimeError):
        cache.get("k", boom)
    assert cache.get("k", lambda: Sized(7, ttl=5, size=1)) == 7


def test_byte_bound_evicts_oldest() -> None:
    cache: SingleFlightCache[str] = SingleFlightCache(10)
    cache.get("a", lambda: Sized("a", ttl=60, size=6))
    cache.get("b", lambda: Sized("b", ttl=60, size=6))
    assert len(cache) == 1
    assert cache.get("a", lambda: Sized("again", ttl=60, size=1)) == "again"


def test_zero_ttl_is_not_stored() -> None:
    cache: SingleFlightCache[int] = SingleFlightCache(100)
    cache.get("k", lambda: Sized(1, ttl=0, size=1))
    assert len(cache) == 0


def test_a_value_being_refreshed_is_served_stale_instead_of_waiting() -> None:
    clock = Clock()
    cache: SingleFlightCache[str] = SingleFlightCache(1000, clock=clock, stale_seconds=5)
    cache.get("k", lambda: Sized("old", ttl=2, size=1))
    clock.now = 3
    refreshing, release = threading.Event(), threading.Event()

    def slow() -> Sized[str]:
        refreshing.set()
        release.wait(5)
        return Sized("new", ttl=2, size=1)

    results: list[str] = []
    first = threading.Thread(target=lambda: results.append(cache.get("k", slow)))
    first.start()
    refreshing.wait(5)
    assert cache.get("k", slow) == "old"
    release.set()
    first.join(5)
    assert results == ["new"]
    assert cache.get("k", slow) == "new"
    assert cache.stats.stale == 1
    clock.now = 20
    assert cache.get("k", lambda: Sized("newest", ttl=2, size=1)) == "newest"


def test_past_the_blocking_limit_callers_are_turned_away_at_once() -> None:
    # Two may block: the fetch of k and one caller waiting on it. A third caller, whether it
    # would join that fetch or start its own, is refused at once and holds no thread.
    cache: SingleFlightCache[str] = SingleFlightCache(1000, max_blocked=2)
    started, release = threading.Event(), threading.Event()

    def slow() -> Sized[str]:
        started.set()
        release.wait(5)
        return Sized("v", ttl=10, size=1)

    results: list[str] = []
    threads = [threading.Thread(target=lambda: results.append(cache.get("k", slow)))]
    threads[0].start()
    started.wait(5)
    threads.append(threading.Thread(target=lambda: results.append(cache.get("k", slow))))
    threads[1].start()
    while cache.stats.coalesced < 1:
        time.sleep(0.01)
    with pytest.raises(UpstreamBusy):
        cache.get("k", slow)
    with pytest.raises(UpstreamBusy):
        cache.get("other", lambda: Sized("x", ttl=10, size=1))
    assert cache.stats.miss == 1
    release.set()
    for thread in threads:
        thread.join(5)
    assert results == ["v", "v"]
    assert cache.get("other", lambda: Sized("x", ttl=10, size=1)) == "x", "room again"
