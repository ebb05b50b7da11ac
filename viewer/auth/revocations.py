"""Sessions ended by sign-out, refused until they would have expired anyway.

Kept in this process and, with VIEWER_REDIS_URL, in Redis too, so a copy of a signed-out
cookie is refused by every worker and instance. While Redis is down the sign-outs this process
saw still hold; the ones it records meanwhile reach Redis once it answers again.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import redis

from viewer.auth.session import Session
from viewer.redis_store import PREFIX, SharedRedis

KEY = PREFIX + "signed-out:"


class Revocations:
    """Revoked session ids with their end times; at most `max_local` kept in this process (the
    ones ending soonest are forgotten first)."""

    def __init__(
        self,
        store: SharedRedis | None,
        *,
        max_local: int = 100_000,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.store = store
        self.max_local = max_local
        self.clock = clock
        self._lock = threading.Lock()
        self._local: dict[str, float] = {}
        self._unshared: dict[str, float] = {}

    def revoke(self, session: Session) -> None:
        """End this session everywhere."""
        with self._lock:
            self._forget_ended()
            self._local[session.id] = session.ends_at
            self._unshared[session.id] = session.ends_at
            while len(self._local) > self.max_local:
                del self._local[min(self._local, key=self._local.__getitem__)]
        self._share()

    def is_revoked(self, session_id: str) -> bool:
        """True when this session was signed out, here or (Redis) on any instance."""
        if session_id in self._local:
            return True
        if self.store is None:
            return False
        self._share()
        return bool(self.store.run(lambda client: client.exists(KEY + session_id), 0))

    def _share(self) -> None:
        """Write the sign-outs Redis has not seen yet (all of them, once it answers)."""
        if self.store is None or not self._unshared or not self.store.up:
            return
        with self._lock:
            pending, self._unshared = self._unshared, {}
        now = self.clock()

        def write(client: redis.Redis) -> bool:
            pipe = client.pipeline(transaction=False)
            for session_id, ends_at in pending.items():
                if ends_at > now:
                    pipe.set(KEY + session_id, 1, ex=max(1, int(ends_at - now) + 1))
            pipe.execute()
            return True

        if not self.store.run(write, False):
            with self._lock:
                self._unshared.update(pending)

    def _forget_ended(self) -> None:
        now = self.clock()
        for session_id in [sid for sid, ends in self._local.items() if ends <= now]:
            del self._local[session_id]
            self._unshared.pop(session_id, None)
