"""The sign-in rate limit: a moving window per client address, shared through Redis when set.

Built on `limits` (the library under Flask-Limiter). With VIEWER_REDIS_URL every instance
counts in the same window; while Redis is down each process counts on its own, in memory.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItemPerSecond
from limits.storage import MemoryStorage, RedisStorage
from limits.strategies import MovingWindowRateLimiter
from redis.backoff import NoBackoff
from redis.retry import Retry

from viewer.redis_store import PREFIX, SharedRedis


class RateLimiter:
    """Allow `limit` hits per `window` seconds per key."""

    def __init__(self, limit: int, window: float, store: SharedRedis | None = None) -> None:
        self.item = RateLimitItemPerSecond(limit, math.ceil(window))
        self.store = store
        self._local = MovingWindowRateLimiter(MemoryStorage())
        self._shared = None
        if store is not None:
            storage = RedisStorage(
                "redis://",
                connection_pool=store.client.connection_pool,
                key_prefix=PREFIX + "limits",
                retry=Retry(NoBackoff(), 0),
            )
            self._shared = MovingWindowRateLimiter(storage)

    def hit(self, key: str) -> float:
        """Count one attempt; 0 when allowed, else the seconds until the next one will be."""
        if self.store is not None and self._shared is not None:
            shared = self._shared
            wait = self.store.run(lambda _client: self._hit(shared, key), None)
            if wait is not None:
                return wait
        return self._hit(self._local, key)

    def _hit(self, limiter: MovingWindowRateLimiter, key: str) -> float:
        if limiter.hit(self.item, key):
            return 0.0
        reset_at, _remaining = limiter.get_window_stats(self.item, key)
        return max(1.0, reset_at - time.time())
