"""Server time and size of the timeline for generated runs of 500, 1,000 and 5,000 steps.

Usage: .venv/bin/python bench/timeline.py

Times are medians of RUNS runs of the whole timeline page (`/runs/<id>?view=timeline`, first
page) answered by the app on an in-process upstream that serves the generated run; the
upstream's answer is parsed once and cached, as in production, so the figure is the timeline's
own work (spans, longest chain, layout, rendering) plus the page around it. Sizes are the
answer's bytes raw and gzipped. Other work on the machine inflates the times.
"""

from __future__ import annotations

import gzip
import json
import statistics
import time
from collections.abc import Callable
from dataclasses import replace

import httpx

from viewer import create_app
from viewer.config import Settings
from viewer.demo.generate import generate_workflow_run

SIZES = (500, 1_000, 5_000)
RUNS = 5
TOKEN = "bench-token"  # noqa: S105 - the in-process upstream checks nothing


def upstream_for(run: dict) -> httpx.WSGITransport:
    """A WSGI runs API answering this run in the contract's envelope, reached in-process."""
    body = json.dumps({"code": 200, "message": "success", "requestId": "req-b", "data": run})

    def api(environ: dict, start_response: Callable) -> list[bytes]:
        start_response("200 OK", [("Content-Type", "application/json")])
        return [body.encode()]

    return httpx.WSGITransport(app=api)


def measure(steps: int) -> tuple[float, int, int]:
    run = generate_workflow_run(steps, seed=7, run_id=f"run_bench{steps}")
    settings = replace(
        Settings(), runs_api_url="http://bench.test", runs_api_token=TOKEN, secret_key="b" * 32
    )
    app = create_app(settings, transport=upstream_for(run))
    client = app.test_client()
    path = f"/runs/{run['id']}?view=timeline"
    body = client.get(path).data  # warm: the answer is parsed and cached once
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        answer = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        assert answer.status_code == 200
    return statistics.median(times), len(body), len(gzip.compress(body))


def main() -> None:
    results = {}
    for steps in SIZES:
        ms, raw, packed = measure(steps)
        results[steps] = ms
        size = f"page {raw / 1000:6.1f} kB ({packed / 1000:5.1f} kB gzip)"
        print(f"{steps:>6} steps: median {ms:7.1f} ms, {size}")
    print(f"growth 5,000 / 1,000 steps: {results[5_000] / results[1_000]:.2f}x")


if __name__ == "__main__":
    main()
