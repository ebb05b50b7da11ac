"""The shared Redis: fallbacks while it is down, a short pause before trying it again."""

from __future__ import annotations

import redis

from tests.support.redis import RedisServer
from viewer.redis_store import SharedRedis, where


def test_where_names_the_server_never_the_password() -> None:
    assert where("redis://:s3cret@cache.internal:6380/2") == "cache.internal:6380"
    assert where("rediss://user:s3cret@cache.internal/0") == "cache.internal:6379"
    assert where("unix:///run/redis.sock") == "/run/redis.sock"


def test_down_means_fallbacks_at_once_until_the_pause_is_over(redis_server: RedisServer) -> None:
    now = [0.0]
    store = SharedRedis(redis_server.url, pause=5, clock=lambda: now[0])
    assert store.run(lambda client: client.set("k", "v"), False) is True
    assert store.up and store.problem() is None
    redis_server.stop()
    calls: list[int] = []

    def counted(client: redis.Redis) -> bytes | None:
        calls.append(1)
        return client.get("k")

    assert store.run(counted, b"fallback") == b"fallback"
    assert not store.up
    assert store.run(counted, b"fallback") == b"fallback"
    assert len(calls) == 1, "no second try while marked down"
    problem = store.problem()
    assert problem is not None and "not answering" in problem
    redis_server.start()
    now[0] = 6
    assert store.up
    assert store.run(lambda client: client.ping(), False) is True
    assert store.problem() is None
