"""/healthz, /readyz and /metrics, and what each request leaves in the metrics and access log."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

import httpx
import pytest
from flask import Flask
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import RecordingTransport, envelope
from tests.support.servers import Reply, ScriptedUpstream, free_port, serve_wsgi
from viewer.demo.api import DEMO_TOKEN

RUN = "run_7f3a2c9e41"
METRICS_TOKEN = "metrics-token-0123456789"


def sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_healthz_never_calls_the_upstream(app: Flask, upstream: RecordingTransport) -> None:
    answer = app.test_client().get("/healthz")
    assert answer.status_code == 200
    assert answer.get_data(as_text=True) == "ok\n"
    assert upstream.requests == []


def test_readyz_ready_when_the_upstream_answers(app: Flask, upstream: RecordingTransport) -> None:
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 200
    assert answer.json == {"ready": True, "checks": {"upstream": {"ok": True}}}
    assert answer.headers["Cache-Control"] == "no-store"
    assert len(upstream.requests) == 1
    app.test_client().get("/readyz")
    assert len(upstream.requests) == 1, "a result is reused for a few seconds"


def test_readyz_unreachable_upstream(make_app: Callable[..., Flask]) -> None:
    app = make_app(
        transport=httpx.HTTPTransport(),
        runs_api_url=f"http://127.0.0.1:{free_port()}",
        runs_api_token=DEMO_TOKEN,
    )
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["ready"] is False
    assert answer.json["checks"]["upstream"] == {
        "ok": False,
        "reason": "the runs API is unreachable (ConnectError)",
    }
    assert answer.headers["Retry-After"]


@pytest.mark.parametrize(
    ("status", "auth_mode", "reason"),
    [
        (503, "none", "the runs API answered HTTP 503"),
        (401, "none", "the runs API refused the viewer's token (HTTP 401)"),
        (401, "token", None),  # no server token in token mode: a 401 is an answer
        (404, "none", None),
    ],
)
def test_readyz_reads_the_upstream_answer(
    make_app: Callable[..., Flask],
    scripted: ScriptedUpstream,
    status: int,
    auth_mode: str,
    reason: str | None,
) -> None:
    scripted.script(Reply(status, envelope(None, code=status)))
    token = None if auth_mode == "token" else "server-token-0123456789"
    app = make_app(
        transport=httpx.HTTPTransport(),
        runs_api_url=scripted.url,
        runs_api_token=token,
        auth_mode=auth_mode,
    )
    answer = app.test_client().get("/readyz")
    assert answer.status_code == (200 if reason is None else 503)
    assert answer.json["checks"]["upstream"].get("reason") == reason
    assert scripted.requests[0]["path"].startswith("/v1/runs/readiness-probe")
    assert ("Authorization" in scripted.requests[0]) is (token is not None)


def test_readyz_runs_registered_checks(app: Flask) -> None:
    from viewer.web.health import register_check

    register_check(app, "redis", lambda: "Redis at 127.0.0.1:6379 refused the connection")
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"]["redis"]["reason"].startswith("Redis at")
    assert answer.json["checks"]["upstream"] == {"ok": True}


def test_readyz_says_when_stopping(app: Flask) -> None:
    app.extensions["readiness"].stopping = True
    answer = app.test_client().get("/readyz")
    assert answer.status_code == 503
    assert answer.json["checks"] == {
        "stopping": {"ok": False, "reason": "the viewer is shutting down"}
    }


@pytest.mark.parametrize("auth_mode", ["proxy", "token"])
def test_health_needs_no_sign_in_and_is_not_audited(
    make_app: Callable[..., Flask], auth_mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="viewer.audit")
    overrides = {"auth_mode": auth_mode}
    if auth_mode == "token":
        overrides["runs_api_url"] = "http://demo.test"
    client = make_app(**overrides).test_client()
    for path in ("/healthz", "/readyz", "/metrics"):
        assert client.get(path).status_code in (200, 503), path
    assert not [r for r in caplog.records if r.name == "viewer.audit"]


def test_metrics_for_loopback(app: Flask) -> None:
    answer = app.test_client().get("/metrics")
    assert answer.status_code == 200
    assert answer.content_type.startswith("text/plain; version=")
    names = {family.name for family in text_string_to_metric_families(answer.get_data(True))}
    assert {
        "viewer_http_requests",
        "viewer_http_request_duration_seconds",
        "viewer_http_requests_in_progress",
        "viewer_http_threads",
        "viewer_upstream_requests",
        "viewer_upstream_request_duration_seconds",
        "viewer_cache_lookups",
        "viewer_cache_bytes",
        "viewer_upstream_breaker_state",
    } <= names


@pytest.mark.parametrize(
    ("remote", "headers", "token", "status"),
    [
        ("10.1.2.3", {}, None, 403),
        ("127.0.0.1", {"X-Forwarded-For": "10.1.2.3"}, None, 403),  # relayed by a local proxy
        ("10.1.2.3", {}, METRICS_TOKEN, 401),
        ("10.1.2.3", {"Authorization": "Bearer wrong-token-0123456789"}, METRICS_TOKEN, 401),
        ("10.1.2.3", {"Authorization": f"Bearer {METRICS_TOKEN}"}, METRICS_TOKEN, 200),
        ("127.0.0.1", {"Authorization": "Bearer ünïcode"}, METRICS_TOKEN, 200),
        ("::1", {}, None, 200),
    ],
)
def test_metrics_access(
    make_app: Callable[..., Flask],
    remote: str,
    headers: dict[str, str],
    token: str | None,
    status: int,
) -> None:
    client = make_app(metrics_token=token).test_client()
    answer = client.get("/metrics", headers=headers, environ_base={"REMOTE_ADDR": remote})
    assert answer.status_code == status
    if status == 401:
        assert answer.headers["WWW-Authenticate"].startswith("Bearer")
    if status != 200:
        assert "viewer_http" not in answer.get_data(as_text=True)


def test_requests_are_counted_timed_and_logged(
    app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="viewer.access")
    route = "/runs/<run_id>"
    before = {
        "pages": sample("viewer_http_requests_total", route=route, method="GET", status="200"),
        "missing": sample(
            "viewer_http_requests_total", route="unmatched", method="GET", status="404"
        ),
        "timed": sample("viewer_http_request_duration_seconds_count", route=route),
        "upstream": sample("viewer_upstream_requests_total", outcome="200"),
        "hits": sample("viewer_cache_lookups_total", result="hit"),
        "misses": sample("viewer_cache_lookups_total", result="miss"),
        "busy": sample("viewer_http_requests_in_progress"),
    }
    with serve_wsgi(app) as url, httpx.Client(base_url=url) as client:
        for _ in range(2):
            assert client.get(f"/runs/{RUN}").status_code == 200
        assert client.get("/no/such/page").status_code == 404
        assert client.get("/healthz").status_code == 200
    assert sample("viewer_http_requests_total", route=route, method="GET", status="200") == (
        before["pages"] + 2
    )
    assert sample("viewer_http_requests_total", route="unmatched", method="GET", status="404") == (
        before["missing"] + 1
    )
    assert sample("viewer_http_request_duration_seconds_count", route=route) == before["timed"] + 2
    # a run page reads the summary, then the run in full (streamed after it): twice the first
    # time, from the cache the second
    assert sample("viewer_upstream_requests_total", outcome="200") == before["upstream"] + 2
    assert sample("viewer_cache_lookups_total", result="miss") >= before["misses"] + 2
    assert sample("viewer_cache_lookups_total", result="hit") >= before["hits"] + 2
    assert sample("viewer_http_requests_in_progress") == before["busy"], "every thread freed"
    assert sample("viewer_cache_bytes") > 0

    lines = [r for r in caplog.records if r.name == "viewer.access"]
    assert [(r.fields["path"], r.fields["status"]) for r in lines] == [
        (f"/runs/{RUN}", 200),
        (f"/runs/{RUN}", 200),
        ("/no/such/page", 404),
    ], "one line per request; a successful health check is not logged"
    first = lines[0].fields
    assert first["route"] == route
    assert first["who"] == "anonymous"
    assert first["upstream_request_id"].startswith("req-")
    assert first["ms"] >= 0


def test_access_log_names_who_and_the_upstream_request_of_a_failure(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="viewer.access")
    scripted.script(Reply(404, envelope(None, code=404, request_id="req-missing")))
    app = make_app(
        transport=httpx.HTTPTransport(),
        runs_api_url=scripted.url,
        runs_api_token="server-token-0123456789",
        auth_mode="proxy",
    )
    with serve_wsgi(app) as url:
        answer = httpx.get(
            f"{url}/runs/run_gone", headers={"X-Auth-Request-Email": "ana@example.com"}
        )
    assert answer.status_code == 404
    (line,) = [r.fields for r in caplog.records if r.name == "viewer.access"]
    assert line["who"] == "ana@example.com"
    assert line["upstream_request_id"] == "req-missing"
    assert line["request_id"] == answer.headers["X-Request-Id"]
    assert line["status"] == 404


def test_breaker_state_and_refusals_are_reported() -> None:
    from viewer.errors import UpstreamBusy
    from viewer.runs.guard import Bulkhead, CircuitBreaker

    now = [0.0]
    breaker = CircuitBreaker(threshold=2, cooldown=10, clock=lambda: now[0])
    refused = sample("viewer_upstream_requests_total", outcome="breaker_open")
    breaker.record(failed=True)
    assert sample("viewer_upstream_breaker_state") == 0
    breaker.record(failed=True)
    assert sample("viewer_upstream_breaker_state") == 2
    with pytest.raises(UpstreamBusy):
        breaker.before_call()
    assert sample("viewer_upstream_requests_total", outcome="breaker_open") == refused + 1
    now[0] = 11
    breaker.before_call()
    assert sample("viewer_upstream_breaker_state") == 1
    breaker.record(failed=False)
    assert sample("viewer_upstream_breaker_state") == 0

    full = sample("viewer_upstream_requests_total", outcome="rejected")
    bulkhead = Bulkhead(1)
    with bulkhead.slot(), pytest.raises(UpstreamBusy), bulkhead.slot():
        pass
    assert sample("viewer_upstream_requests_total", outcome="rejected") == full + 1


def test_a_caller_that_joins_a_fetch_in_flight_counts_as_coalesced() -> None:
    import threading

    from viewer.runs.cache import SingleFlightCache, Sized

    cache: SingleFlightCache[str] = SingleFlightCache(1024, metered=True)  # as the answer cache
    started, release = threading.Event(), threading.Event()

    def slow_fetch() -> Sized[str]:
        started.set()
        release.wait(10)
        return Sized("answer", 60, 6)

    coalesced = sample("viewer_cache_lookups_total", result="coalesced")
    first = threading.Thread(target=cache.get, args=("key", slow_fetch))
    first.start()
    assert started.wait(10)
    joined: list[str] = []
    second = threading.Thread(target=lambda: joined.append(cache.get("key", slow_fetch)))
    second.start()
    try:
        for _ in range(1000):  # the second caller joins the first one's fetch
            if sample("viewer_cache_lookups_total", result="coalesced") > coalesced:
                break
            time.sleep(0.01)
        assert second.is_alive(), "it waits for the first caller's answer"
    finally:
        release.set()
        first.join(10)
        second.join(10)
    assert joined == ["answer"]
    assert sample("viewer_cache_lookups_total", result="coalesced") == coalesced + 1
