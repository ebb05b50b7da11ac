"""With VIEWER_REDIS_URL, instances share redacted answers and one upstream call per key; when
Redis goes away they keep serving from the upstream directly."""

from __future__ import annotations

import json
import threading
import zlib
from collections.abc import Callable
from pathlib import Path

from flask import Flask

from tests.conftest import envelope
from tests.support.redis import RedisServer
from tests.support.servers import Reply, ScriptedUpstream
from viewer.redis_store import redis_problem

TOKEN = "upstream-secret-token-42"
RUN_ID = "run_7f3a2c9e41"
RUN = json.loads((Path("viewer/demo/runs") / f"{RUN_ID}.json").read_text())
SECRET = "sk_live_4eC39HqLyjWDarjtT1zdp7dc"
GRAPH = f"/_fragments/runs/{RUN_ID}/graph"


def instances(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, redis_url: str, count: int = 2
) -> list[Flask]:
    return [
        make_app(
            runs_api_url=scripted.url,
            runs_api_token=TOKEN,
            redis_url=redis_url,
            read_timeout=5,
            retry_deadline=6,
        )
        for _ in range(count)
    ]


def load_together(apps: list[Flask], path: str, per_app: int = 4) -> list[int]:
    statuses: list[int] = []

    def load(app: Flask) -> None:
        statuses.append(app.test_client().get(path).status_code)

    threads = [threading.Thread(target=load, args=(app,)) for app in apps for _ in range(per_app)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    return statuses


def test_two_instances_make_one_upstream_call_for_a_run(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, redis_server: RedisServer
) -> None:
    scripted.script(Reply(200, envelope(RUN, request_id="req-shared"), delay=0.8))
    apps = instances(make_app, scripted, redis_server.url)
    assert load_together(apps, GRAPH) == [200] * 8
    assert len(scripted.requests) == 1
    later = apps[1].test_client().get(GRAPH)
    assert later.status_code == 200
    assert len(scripted.requests) == 1


def test_a_failure_reaches_the_instances_that_waited_for_it(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, redis_server: RedisServer
) -> None:
    body = json.dumps({"code": 404, "message": "no", "requestId": "req-gone"}).encode()
    scripted.script(Reply(404, body, delay=0.8))
    apps = instances(make_app, scripted, redis_server.url)
    assert load_together(apps, f"/runs/{RUN_ID}") == [404] * 8
    assert len(scripted.requests) == 1
    page = apps[1].test_client().get(f"/runs/{RUN_ID}").get_data(as_text=True)
    assert "req-gone" in page
    assert len(scripted.requests) == 2, "a failure is never kept for later readers"


def test_redis_keeps_only_redacted_answers_under_a_credential_hash(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, redis_server: RedisServer
) -> None:
    run = {**RUN, "inputs": {**RUN.get("inputs", {}), "apiKey": SECRET}}
    scripted.script(Reply(200, envelope(run)))
    (app,) = instances(make_app, scripted, redis_server.url, count=1)
    assert app.test_client().get(GRAPH).status_code == 200
    client = redis_server.client()
    keys = client.keys("run-viewer:answer:*")
    assert len(keys) == 1
    stored = zlib.decompress(client.get(keys[0])).decode()
    assert RUN_ID in stored
    assert SECRET not in stored
    for key in client.keys("*"):
        value = client.get(key) or b""
        text = zlib.decompress(value) if key in keys else value
        assert TOKEN.encode() not in key + text


def test_when_redis_stops_pages_come_straight_from_the_upstream(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, redis_server: RedisServer
) -> None:
    scripted.script(Reply(200, envelope(RUN)))
    apps = instances(make_app, scripted, redis_server.url)
    assert apps[0].test_client().get(GRAPH).status_code == 200
    redis_server.stop()
    for app in apps:
        for path in (f"/runs/{RUN_ID}", f"/_fragments/runs/{RUN_ID}/graph", "/healthz"):
            assert app.test_client().get(path).status_code == 200, path
    with apps[0].app_context():
        problem = redis_problem()
    assert problem is not None and "not answering" in problem
    assert apps[1].extensions["runs"].cache.shared.without_redis >= 1
    redis_server.start()
    with apps[0].app_context():
        assert redis_problem() is None
