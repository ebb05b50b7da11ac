"""What keeps a slow or failing upstream from taking the viewer down with it.

A bulkhead caps the upstream calls in flight, so request threads stay free for pages that need
no upstream (health checks, static files, cached answers); a circuit breaker stops calling an
upstream that keeps failing, for a while, and lets one trial call through to see if it is back.
Both refuse at once with `UpstreamBusy` (503 and a Retry-After) instead of queueing.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from viewer import metrics
from viewer.errors import UpstreamBusy

CLOSED, OPEN, HALF_OPEN = "closed", "open", "half_open"


class Bulkhead:
    """At most `size` calls at once; one more is refused, not queued."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._in_use = 0

    @property
    def in_use(self) -> int:
        return self._in_use

    @contextmanager
    def slot(self) -> Iterator[None]:
        with self._lock:
            full = self._in_use >= self.size
            if not full:
                self._in_use += 1
        if full:
            metrics.upstream_call("rejected", 0.0)
            raise UpstreamBusy(
                f"The viewer is already waiting on {self.size} answers from the runs service, "
                "its limit. Try again in a few seconds.",
                retry_after=2,
            )
        try:
            yield
        finally:
            with self._lock:
                self._in_use -= 1


class CircuitBreaker:
    """Open after `threshold` failed calls in a row; after `cooldown` seconds let one trial call
    through (half open): it closes the breaker when it succeeds and opens it again when not.
    A threshold of 0 never opens."""

    def __init__(
        self, threshold: int, cooldown: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.threshold = threshold
        self.cooldown = cooldown
        self.clock = clock
        self._lock = threading.Lock()
        self._failures = 0
        self._opened_at = 0.0
        self._state = CLOSED

    @property
    def state(self) -> str:
        return self._state

    def before_call(self) -> None:
        """Let the call through, or raise UpstreamBusy while the breaker is open."""
        with self._lock:
            if self._state == CLOSED:
                return
            wait = self._opened_at + self.cooldown - self.clock()
            if self._state == OPEN and wait <= 0:
                self._state = HALF_OPEN
                metrics.breaker_state(HALF_OPEN)
                return
        metrics.upstream_call("breaker_open", 0.0)
        raise UpstreamBusy(
            "The runs service failed several times in a row, so the viewer is giving it a "
            "moment before asking again. Try again shortly.",
            retry_after=max(1, math.ceil(wait)),
        )

    def record(self, *, failed: bool) -> None:
        """The outcome of a call that `before_call` let through."""
        with self._lock:
            if not failed:
                self._failures = 0
                self._state = CLOSED
            else:
                self._failures += 1
                if self._state == HALF_OPEN or (
                    self.threshold and self._failures >= self.threshold
                ):
                    self._state = OPEN
                    self._opened_at = self.clock()
            metrics.breaker_state(self._state)
