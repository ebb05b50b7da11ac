"""A slow or failing upstream gets a clear 503 with Retry-After at once, never a frozen page."""

from __future__ import annotations

import threading
from collections.abc import Callable

from flask import Flask

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream

TOKEN = "upstream-secret-token-42"
RUN = {"id": "run_1", "status": "success", "workflowId": "wf"}


def test_an_upstream_retry_after_reaches_the_browser(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    app = make_app(runs_api_url=scripted.url, runs_api_token=TOKEN)
    scripted.script(
        Reply(429, envelope(None, code=429, request_id="req-slow-down"), {"Retry-After": "40"})
    )
    answer = app.test_client().get("/runs/run_1")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "40"
    assert "wait 40 seconds" in html
    assert "req-slow-down" in html
    assert len(scripted.requests) == 1


def test_past_the_bulkhead_a_page_is_503_at_once_while_cached_pages_still_answer(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    app = make_app(
        runs_api_url=scripted.url, runs_api_token=TOKEN, upstream_concurrency=1, read_timeout=5
    )
    scripted.script(Reply(200, envelope(RUN)))
    assert app.test_client().get("/runs/run_1").status_code == 200
    scripted.script(Reply(200, envelope({**RUN, "id": "run_2"}), delay=1.5))
    slow = threading.Thread(target=lambda: app.test_client().get("/runs/run_2"))
    slow.start()
    while not scripted.requests:
        threading.Event().wait(0.01)

    busy = app.test_client().get("/runs/run_3")
    assert busy.status_code == 503
    assert busy.headers["Retry-After"]
    assert "The runs service is busy" in busy.get_data(as_text=True)
    panel = app.test_client().get("/_fragments/runs/run_3/graph")
    assert panel.status_code == 503
    assert "<html" not in panel.get_data(as_text=True)
    assert app.test_client().get("/runs/run_1").status_code == 200
    assert app.test_client().get("/healthz").status_code == 200
    slow.join()
    assert [request["path"] for request in scripted.requests] == ["/v1/runs/run_2?summary=true"]


def test_after_repeated_failures_the_breaker_answers_without_calling(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    app = make_app(
        runs_api_url=scripted.url,
        runs_api_token=TOKEN,
        retry_attempts=1,
        breaker_failures=2,
        breaker_seconds=60,
    )
    scripted.script(Reply(502))
    client = app.test_client()
    assert [client.get(f"/runs/run_{n}").status_code for n in range(2)] == [503, 503]
    paused = client.get("/runs/run_9")
    assert paused.status_code == 503
    assert 50 <= int(paused.headers["Retry-After"]) <= 60
    assert "giving it a moment" in paused.get_data(as_text=True)
    assert len(scripted.requests) == 2
