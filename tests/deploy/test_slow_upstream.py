"""While many runs wait on a slow upstream, the pages that need no upstream call still answer:
the viewer as a process (`python -m viewer`, default threads) and a loopback upstream that
holds every answer until the test lets it go."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.conftest import envelope
from tests.deploy.conftest import StartViewer
from tests.deploy.test_serving import WAIT, until, upstream_env
from tests.support.servers import Reply, ScriptedUpstream
from viewer.config import Settings
from viewer.runs.service import blocking_threads

RUN = {"id": "run_cached", "status": "success", "workflowId": "wf"}
SLOW_RUNS = [f"run_slow_{n:02d}" for n in range(48)]
ALSO_ON_THE_FIRST = 24  # more people opening the first slow run: they wait on its call
FAST = 1.0  # the bound for health, static files and cached pages


def test_health_static_and_cached_pages_answer_while_48_runs_wait_on_the_upstream(
    start_viewer: StartViewer, scripted: ScriptedUpstream
) -> None:
    release = threading.Event()
    scripted.script(Reply(200, envelope(RUN)))
    # Calls wait until released, never timing out meanwhile.
    viewer = start_viewer(
        upstream_env(scripted.url, RUNS_API_TIMEOUT="60", RUNS_API_RETRY_DEADLINE="60")
    )
    assert httpx.get(f"{viewer.url}/runs/run_cached", timeout=WAIT).status_code == 200
    css = next(
        line.split('href="')[1].split('"')[0]
        for line in httpx.get(f"{viewer.url}/runs/run_cached", timeout=WAIT).text.splitlines()
        if 'rel="stylesheet"' in line
    )
    scripted.script(Reply(200, envelope({**RUN, "id": "run_slow"}), hold=release))

    asked = [*SLOW_RUNS, *[SLOW_RUNS[0]] * ALSO_ON_THE_FIRST]
    with ThreadPoolExecutor(len(asked)) as pool:
        try:
            slow = [
                pool.submit(httpx.get, f"{viewer.url}/runs/{run}", timeout=WAIT) for run in asked
            ]
            until(lambda: len(scripted.requests) >= 16, "the bulkhead's calls to be waiting")
            # Past the threads that may wait on the upstream, the rest are told to retry.
            may_wait = blocking_threads(Settings().threads)
            until(
                lambda: sum(answer.done() for answer in slow) >= len(asked) - may_wait,
                "the requests past what may wait to be turned away",
            )
            with httpx.Client(base_url=viewer.url, timeout=FAST) as client:
                for _ in range(3):
                    for path in ("/healthz", css, "/runs/run_cached"):
                        assert client.get(path).status_code == 200, path
            assert not all(answer.done() for answer in slow), "runs still wait"
        finally:
            release.set()
        statuses = [answer.result(WAIT).status_code for answer in slow]
    assert set(statuses) <= {200, 503}, "each waited for its answer or was told to retry"
    assert statuses.count(200) >= 16
