"""Serving for real: waitress (`python -m viewer`) and gunicorn (two gthread workers) as
processes, stopped with SIGTERM while a request waits on a loopback upstream held open."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import envelope
from tests.deploy.conftest import GUNICORN, StartViewer
from tests.support.processes import ServerProcess, server_env
from tests.support.servers import Reply, ScriptedUpstream
from viewer.demo.api import load_demo_runs

RUN = "run_7f3a2c9e41"
WAIT = 20.0  # upper bound for things that happen at once; a test never sleeps it out
GUNICORN_COMMAND = [str(GUNICORN), "-c", "python:viewer.gunicorn_conf"]


@pytest.fixture
def held_upstream(scripted: ScriptedUpstream) -> Iterator[tuple[ScriptedUpstream, threading.Event]]:
    """An upstream that answers the demo run only once the test sets the event."""
    release = threading.Event()
    scripted.script(Reply(200, envelope(load_demo_runs()[RUN]), hold=release))
    yield scripted, release
    release.set()


def upstream_env(url: str, **extra: str) -> dict[str, str]:
    return {"RUNS_API_URL": url, "RUNS_API_TOKEN": "server-token-0123456789", **extra}


def until(condition, what: str) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + WAIT
    while not condition():
        assert time.monotonic() < deadline, f"still waiting for: {what}"
        time.sleep(0.05)


def refuses_connections(url: str) -> bool:
    """True once the listening socket is gone: refused, or reset while waiting in its backlog."""
    try:
        httpx.get(url + "/healthz", timeout=2)
    except (httpx.ConnectError, httpx.ReadError, httpx.RemoteProtocolError):
        return True
    return False


def stop_during_a_request(
    viewer: ServerProcess, upstream: ScriptedUpstream
) -> tuple[ThreadPoolExecutor, Future[httpx.Response]]:
    """Ask for the run's JSON, wait until the viewer is asking the upstream, then SIGTERM."""
    pool = ThreadPoolExecutor(1)
    answer = pool.submit(httpx.get, f"{viewer.url}/runs/{RUN}.json", timeout=WAIT)
    until(lambda: upstream.requests, "the viewer to call the upstream")
    viewer.signal(signal.SIGTERM)
    return pool, answer


def finishes_after_release(
    viewer: ServerProcess,
    pool: ThreadPoolExecutor,
    answer: Future[httpx.Response],
    release: threading.Event,
) -> None:
    """The request still waits; released, it gets its whole answer, and the server exits."""
    assert not answer.done(), "the request is still being served"
    release.set()
    response = answer.result(WAIT)
    pool.shutdown()
    assert response.status_code == 200
    assert response.json()["data"]["id"] == RUN
    assert viewer.process.wait(WAIT) == 0


def test_waitress_stop_lets_the_request_in_flight_finish(
    start_viewer: StartViewer, held_upstream: tuple[ScriptedUpstream, threading.Event]
) -> None:
    upstream, release = held_upstream
    viewer = start_viewer(upstream_env(upstream.url))
    pool, answer = stop_during_a_request(viewer, upstream)
    until(lambda: refuses_connections(viewer.url), "new connections to be refused")
    finishes_after_release(viewer, pool, answer, release)
    assert "every request finished" in viewer.stderr_text()


def test_waitress_stop_waits_no_longer_than_the_grace_period(
    start_viewer: StartViewer, held_upstream: tuple[ScriptedUpstream, threading.Event]
) -> None:
    upstream, _release = held_upstream  # never released during the test
    viewer = start_viewer(upstream_env(upstream.url, VIEWER_SHUTDOWN_GRACE_SECONDS="1"))
    pool, answer = stop_during_a_request(viewer, upstream)
    assert viewer.process.wait(WAIT) == 0, "stopped by itself after the grace period"
    with pytest.raises(httpx.HTTPError):
        answer.result(WAIT)
    pool.shutdown()
    assert "1 request(s) still running after 1 s" in viewer.stderr_text()


def test_waitress_uses_the_configured_threads_and_connection_limit(
    start_viewer: StartViewer,
) -> None:
    viewer = start_viewer({"VIEWER_THREADS": "4", "VIEWER_CONNECTION_LIMIT": "50"})
    started = viewer.stdout_path.read_text()
    assert "(4 threads, up to 50 connections, 2 malloc arenas)" in started
    assert metric(viewer.url, "viewer_http_threads") == 4


def metric(url: str, name: str, **labels: str) -> float:
    """One sample from a fresh scrape (a new connection each time, so any worker may answer)."""
    text = httpx.get(url + "/metrics", headers={"Connection": "close"}, timeout=WAIT).text
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def test_gunicorn_two_workers_serve_and_report_together(start_viewer: StartViewer) -> None:
    viewer = start_viewer({"WEB_CONCURRENCY": "2", "VIEWER_THREADS": "3"}, command=GUNICORN_COMMAND)
    until(lambda: viewer.stderr_text().count("Booting worker with pid") == 2, "two workers")
    until(lambda: metric(viewer.url, "viewer_http_threads") == 6, "both workers' threads")
    for _ in range(10):
        page = httpx.get(f"{viewer.url}/runs/{RUN}", headers={"Connection": "close"})
        assert page.status_code == 200
        assert "stylesheet" in page.text
    css = httpx.get(f"{viewer.url}/static/app.css")
    assert css.status_code == 200
    assert css.headers["Content-Type"].startswith("text/css")
    counts = {
        metric(viewer.url, "viewer_http_requests_total", route="/runs/<run_id>", status="200")
        for _ in range(6)
    }
    assert counts == {10.0}, "every scrape adds up both workers"
    access = [line for line in viewer.stderr_text().splitlines() if " viewer.access " in line]
    assert sum(f"path=/runs/{RUN} " in line for line in access) == 10
    assert not [line for line in viewer.stderr_text().splitlines() if "gunicorn.access" in line]


def test_gunicorn_stop_lets_the_request_in_flight_finish(
    start_viewer: StartViewer, held_upstream: tuple[ScriptedUpstream, threading.Event]
) -> None:
    upstream, release = held_upstream
    viewer = start_viewer(upstream_env(upstream.url, WEB_CONCURRENCY="2"), command=GUNICORN_COMMAND)
    pool, answer = stop_during_a_request(viewer, upstream)
    until(lambda: refuses_connections(viewer.url), "new connections to be refused")
    finishes_after_release(viewer, pool, answer, release)


def test_gunicorn_stop_waits_no_longer_than_the_grace_period(
    start_viewer: StartViewer, held_upstream: tuple[ScriptedUpstream, threading.Event]
) -> None:
    upstream, _release = held_upstream  # never released during the test
    env = upstream_env(upstream.url, WEB_CONCURRENCY="2", VIEWER_SHUTDOWN_GRACE_SECONDS="1")
    viewer = start_viewer(env, command=GUNICORN_COMMAND)
    pool, answer = stop_during_a_request(viewer, upstream)
    until(lambda: refuses_connections(viewer.url), "new connections to be refused")
    assert viewer.process.wait(WAIT) == 0, "stopped by itself after the grace period"
    with pytest.raises(httpx.HTTPError):
        answer.result(WAIT)
    pool.shutdown()


def test_gunicorn_refuses_a_bad_setting_by_name() -> None:
    finished = subprocess.run(
        GUNICORN_COMMAND,
        env=server_env({"VIEWER_THREADS": "none"}),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert finished.returncode != 0
    assert "VIEWER_THREADS='none' is not a whole number" in finished.stderr
