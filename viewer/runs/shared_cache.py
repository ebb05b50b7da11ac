"""Answers shared between instances through Redis: one upstream call per credential, run and
parameters across all of them.

Each instance keeps its own single-flight cache in front. On a miss it looks in Redis; when the
answer is not there it takes a short lock for the key (SET NX PX), fetches, stores the answer
with its lifetime and releases the lock, while the other instances wait for the answer to appear
(or for the failure the fetching instance records for them). Only redacted answers are stored,
under keys holding a hash of the credential, never a token. When Redis is down each instance
fetches on its own.
"""

from __future__ import annotations

import hashlib
import json
import time
import uuid
import zlib
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

import redis

from viewer import errors
from viewer.errors import UpstreamTimeout, ViewerError
from viewer.redis_store import PREFIX, SharedRedis
from viewer.runs.cache import SingleFlightCache, Sized
from viewer.runs.upstream import RunAnswer

ANSWER, LOCK, FAILED = PREFIX + "answer:", PREFIX + "fetching:", PREFIX + "failed:"
FAILURE_SECONDS = 10
RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
ERROR_TYPES = {
    cls.__name__: cls
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, ViewerError)
}
_DOWN = object()


@dataclass
class SharedStats:
    """Counts since start: answers found in Redis, waits for another instance's call, and reads
    that went straight to the upstream because Redis was down."""

    found: int = 0
    waited: int = 0
    without_redis: int = 0


class SharedAnswers:
    """The answer cache of one instance, in front of the answers all instances share."""

    def __init__(
        self,
        local: SingleFlightCache[RunAnswer],
        store: SharedRedis,
        *,
        wait_seconds: float,
        poll_seconds: float = 0.05,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.local = local
        self.store = store
        self.wait_seconds = wait_seconds
        self.poll_seconds = poll_seconds
        self.clock = clock
        self.sleep = sleep
        self.shared = SharedStats()

    @property
    def max_bytes(self) -> int:
        return self.local.max_bytes

    def get(self, key: Hashable, fetch: Callable[[], Sized[RunAnswer]]) -> RunAnswer:
        return self.local.get(key, lambda: self._read(_name(key), fetch))

    def _read(self, name: str, fetch: Callable[[], Sized[RunAnswer]]) -> Sized[RunAnswer]:
        """The shared answer, our own fetch shared with the others, or theirs waited for."""
        give_up = self.clock() + self.wait_seconds
        while True:
            seen = self.store.run(lambda client: _look(client, name, None), _DOWN)
            if seen is _DOWN:
                return self._alone(fetch)
            found, flight, _ = seen
            if found is not None:
                self.shared.found += 1
                return found
            if flight is None:
                owned = self._take(name)
                if owned is _DOWN:
                    return self._alone(fetch)
                if isinstance(owned, str):
                    return self._fetch_and_share(name, owned, fetch)
                continue
            self.shared.waited += 1
            waited = self._wait(name, flight, give_up)
            if waited is _DOWN:
                return self._alone(fetch)
            if waited is not None:
                return waited  # type: ignore[return-value]

    def _take(self, name: str) -> object:
        """Take the key's lock: our flight id, None when another instance was quicker, or _DOWN."""
        flight = uuid.uuid4().hex
        lock_ms = int(self.wait_seconds * 1000)
        owned = self.store.run(
            lambda client: client.set(LOCK + name, flight, nx=True, px=lock_ms), _DOWN
        )
        return owned if owned is _DOWN else flight if owned else None

    def _wait(self, name: str, flight: str, give_up: float) -> object:
        """Another instance's answer (or its failure, raised), None when its lock went without
        one (look again), or _DOWN."""
        while True:
            if self.clock() >= give_up:
                raise UpstreamTimeout(
                    "Another viewer instance asked the runs service for this run and has not "
                    "had an answer in time. Try again shortly."
                )
            self.sleep(self.poll_seconds)
            seen = self.store.run(lambda client: _look(client, name, flight), _DOWN)
            if seen is _DOWN:
                return _DOWN
            found, holder, failure = seen
            if found is not None:
                return found
            if failure is not None:
                raise _error_from(failure)
            if holder != flight:
                return None

    def _fetch_and_share(
        self, name: str, flight: str, fetch: Callable[[], Sized[RunAnswer]]
    ) -> Sized[RunAnswer]:
        try:
            result = fetch()
        except ViewerError as error:
            failure = json.dumps(_error_fields(error))
            self.store.run(
                lambda client: client.set(FAILED + flight, failure, ex=FAILURE_SECONDS), None
            )
            self._release(name, flight)
            raise
        except BaseException:
            self._release(name, flight)
            raise
        payload = _payload(result)
        if payload is not None and result.ttl > 0:
            ttl_ms = max(1, int(result.ttl * 1000))
            self.store.run(lambda client: client.set(ANSWER + name, payload, px=ttl_ms), None)
        self._release(name, flight)
        return result

    def _release(self, name: str, flight: str) -> None:
        self.store.run(lambda client: client.eval(RELEASE, 1, LOCK + name, flight), None)

    def _alone(self, fetch: Callable[[], Sized[RunAnswer]]) -> Sized[RunAnswer]:
        self.shared.without_redis += 1
        return fetch()


def _name(key: Hashable) -> str:
    """The Redis key part for a cache key (credential hash, run id, parameters)."""
    credential, run_id, params = key  # type: ignore[misc]
    digest = hashlib.sha256(repr(params).encode()).hexdigest()[:24]
    return f"{credential}:{run_id}:{digest}"


def _look(
    client: redis.Redis, name: str, flight: str | None
) -> tuple[Sized[RunAnswer] | None, str | None, str | None]:
    """In one round trip: the shared answer (with the time it has left), who is fetching it,
    and the failure of the fetch `flight` if it failed."""
    pipe = client.pipeline(transaction=False)
    pipe.get(ANSWER + name)
    pipe.pttl(ANSWER + name)
    pipe.get(LOCK + name)
    pipe.get(FAILED + (flight or "-"))
    payload, ttl_ms, holder, failure = pipe.execute()
    found = _answer(payload, ttl_ms / 1000) if payload is not None and ttl_ms > 0 else None
    return (
        found,
        holder.decode() if holder is not None else None,
        failure.decode() if failure is not None and flight else None,
    )


def _payload(result: Sized[RunAnswer]) -> bytes | None:
    answer = result.value
    fields = {
        "data": answer.data,
        "requestId": answer.request_id,
        "size": answer.size,
        "digest": answer.digest,
        "kept": result.size,
    }
    try:
        return zlib.compress(json.dumps(fields, separators=(",", ":")).encode(), 1)
    except (ValueError, TypeError, RecursionError):
        return None


def _answer(payload: bytes, ttl: float) -> Sized[RunAnswer] | None:
    try:
        fields: dict[str, Any] = json.loads(zlib.decompress(payload))
        answer = RunAnswer(fields["data"], fields["requestId"], fields["size"], fields["digest"])
        return Sized(answer, ttl, int(fields["kept"]))
    except (ValueError, TypeError, KeyError, RecursionError, zlib.error):
        return None


def _error_fields(error: ViewerError) -> dict[str, Any]:
    return {
        "type": type(error).__name__,
        "detail": error.detail,
        "request_id": error.request_id,
        "status_code": error.status_code,
        "title": error.title,
        "retry_after": error.retry_after,
        "upstream_status": getattr(error, "upstream_status", None),
    }


def _error_from(text: str) -> ViewerError:
    """The error another instance met, as the same type with the same words and ids."""
    fields = json.loads(text)
    cls = ERROR_TYPES.get(fields.get("type"), errors.UpstreamUnavailable)
    error = cls.__new__(cls)
    ViewerError.__init__(error, str(fields.get("detail", "")), request_id=fields.get("request_id"))
    for name in ("status_code", "title", "retry_after", "upstream_status"):
        if fields.get(name) is not None:
            setattr(error, name, fields[name])
    return error
