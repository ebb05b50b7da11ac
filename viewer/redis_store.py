"""The optional shared Redis (VIEWER_REDIS_URL): one client per app, and a plan for when it is down.

Everything shared through Redis (the answer cache, single-flight, the sign-in rate limit,
sign-outs) goes through `SharedRedis.run`: a call that fails (Redis stopped, unreachable, too
slow) marks Redis down for a few seconds, during which every caller gets its in-process
fallback at once instead of waiting out a timeout of its own. `/readyz` asks `problem()`,
which pings Redis itself; the `viewer_redis_up` metric follows every change.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import TypeVar
from urllib.parse import urlsplit

import redis
from flask import Flask, current_app
from redis.backoff import NoBackoff
from redis.retry import Retry

from viewer import metrics

log = logging.getLogger("viewer.redis")

T = TypeVar("T")
# Keys of every kind the viewer keeps start with this, so one Redis can serve other things too.
PREFIX = "run-viewer:"


class SharedRedis:
    """A redis-py client with short timeouts and no retries of its own, and a down mark."""

    def __init__(
        self,
        url: str,
        *,
        timeout: float = 0.5,
        pause: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.client = redis.Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            health_check_interval=15,
        )
        self.where = where(url)
        self.pause = pause
        self.clock = clock
        self._lock = threading.Lock()
        self._down_until = 0.0
        self._failure: str | None = None
        metrics.redis_up(True)

    @property
    def up(self) -> bool:
        """False while Redis is marked down after a failed call."""
        return self._failure is None or self.clock() >= self._down_until

    def run(self, operation: Callable[[redis.Redis], T], fallback: T) -> T:
        """The operation's result, or `fallback` when Redis is down or the call fails."""
        if not self.up:
            return fallback
        try:
            result = operation(self.client)
        except redis.RedisError as error:
            self.failed(error)
            return fallback
        self._recovered()
        return result

    def failed(self, error: BaseException) -> None:
        """Mark Redis down for `pause` seconds (callers use their fallbacks meanwhile)."""
        with self._lock:
            first = self._failure is None
            self._failure = type(error).__name__
            self._down_until = self.clock() + self.pause
        if first:
            metrics.redis_up(False)
            log.warning(
                "Redis at %s failed (%s): serving without shared state until it answers",
                self.where,
                self._failure,
            )

    def _recovered(self) -> None:
        if self._failure is None:
            return
        with self._lock:
            was, self._failure = self._failure, None
        if was is not None:
            metrics.redis_up(True)
            log.warning("Redis at %s answers again: shared state is back", self.where)

    def problem(self) -> str | None:
        """None when Redis answers a PING now, else what is wrong, in words for /readyz."""
        try:
            self.client.ping()
        except redis.RedisError as error:
            self.failed(error)
            return f"Redis at {self.where} is not answering ({type(error).__name__})"
        self._recovered()
        return None

    def close(self) -> None:
        self.client.close()


def where(url: str) -> str:
    """host:port (or the socket path) of a Redis URL, never its password."""
    parts = urlsplit(url)
    if parts.scheme == "unix":
        return parts.path
    return f"{parts.hostname}:{parts.port or 6379}"


def init_app(app: Flask, url: str | None) -> None:
    """Give the app its SharedRedis when VIEWER_REDIS_URL is set (None keeps all in-process)."""
    app.extensions["redis"] = SharedRedis(url) if url else None


def shared_redis() -> SharedRedis | None:
    """The app's SharedRedis, or None when state is kept in-process."""
    return current_app.extensions.get("redis")


def redis_problem() -> str | None:
    """For /readyz: None when Redis is not configured or answers, else why it is not ready."""
    store = shared_redis()
    return store.problem() if store is not None else None
