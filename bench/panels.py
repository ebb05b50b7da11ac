"""Step panel reads on the server: median time of one panel (an uncached `nodeIds=<step>` read
through the runs service: transfer, JSON, redaction and the model), for generated runs.

The upstream answers every `nodeIds` read with the whole workflow definition, so a panel's cost
grows with the workflow. Run: `python bench/panels.py`. Prints medians, the ratio of a
panel read to a full read of the same run, and the whole panel route (read, placement,
template) in an app, in wall and CPU ms (the demo API's own work included: it is in-process),
and how much of that CPU time the upstream itself took (the demo API's answers, bodies
included): the viewer's own share of a panel is the difference.
"""

from __future__ import annotations

import logging
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer import create_app
from viewer.config import Settings
from viewer.demo.api import DEMO_TOKEN, create_demo_api
from viewer.demo.generate import generate_workflow_run
from viewer.runs.cache import SingleFlightCache
from viewer.runs.service import FULL, RunsService, What
from viewer.runs.upstream import Endpoint, runs_api_for

try:  # older checkouts compile templates on first use
    from viewer.web.templating import compile_templates
except ImportError:
    compile_templates = None

SIZES = (520, 1_000, 5_000)
PANELS = 15


def service_for(runs: dict[str, dict]) -> RunsService:
    """A service with no answer cache (every read goes upstream), on the in-process demo API;
    redacted definitions are kept as the viewer keeps them."""
    transport = httpx.WSGITransport(app=create_demo_api(extra_runs=runs))
    api = runs_api_for(Settings(), Endpoint("http://bench.invalid", DEMO_TOKEN, transport))
    settings = Settings()
    return RunsService(
        api,
        SingleFlightCache(0),
        live_ttl=0,
        final_ttl=settings.cache_final_seconds,
        definition_max_bytes=settings.cache_max_bytes // 4,
    )


def median_ms(samples: list[float]) -> float:
    return statistics.median(samples) * 1000


def timed_upstream(runs: dict[str, dict], spent: list[float]) -> httpx.WSGITransport:
    """The in-process demo API, adding the CPU seconds of each answer (body included) to
    spent[0]: the upstream's share of a route's time."""
    demo = create_demo_api(token=DEMO_TOKEN, extra_runs=runs)
    inner = demo.wsgi_app

    def answer(environ: dict, start_response: Any) -> list[bytes]:
        used = time.process_time()
        try:
            return list(inner(environ, start_response))
        finally:
            spent[0] += time.process_time() - used

    demo.wsgi_app = answer  # type: ignore[method-assign]
    return httpx.WSGITransport(app=demo)


def route_ms(runs: dict[str, dict], run_id: str, step_ids: list[str]) -> tuple[float, ...]:
    """Median (wall, CPU, upstream CPU) ms of the whole panel route,
    `/_fragments/runs/<id>/steps/<step>`, in an app on the in-process demo API (each step read
    once: no answer is cached; the definition's redaction, graph and topology are, after a
    first panel)."""
    spent = [0.0]
    app = create_app(Settings(), transport=timed_upstream(runs, spent))
    if compile_templates is not None:  # as in a server already running
        compile_templates(app)
    client = app.test_client()
    client.get(f"/_fragments/runs/{run_id}/steps/root").close()
    wall, cpu, upstream = [], [], []
    for step_id in step_ids:
        spent[0] = 0.0
        started, used = time.perf_counter(), time.process_time()
        response = client.get(f"/_fragments/runs/{run_id}/steps/{step_id}")
        wall.append(time.perf_counter() - started)
        cpu.append(time.process_time() - used)
        upstream.append(spent[0])
        assert response.status_code == 200, response.status_code
    return median_ms(wall), median_ms(cpu), median_ms(upstream)


def main() -> None:
    logging.disable(logging.INFO)
    print(
        f"{'steps':>6} {'full read ms':>13} {'panel ms':>9} {'panel/full':>11}"
        f" {'route ms':>9} {'route CPU ms':>13} {'of which upstream':>18}"
    )
    for steps in SIZES:
        run_id = f"run_bench_{steps}"
        run = generate_workflow_run(steps, seed=7, run_id=run_id)
        service = service_for({run_id: run})
        step_ids = list(run["executionState"])[1 : PANELS + 1]
        full, panel = [], []
        for step_id in step_ids:
            started = time.perf_counter()
            service.get(run_id, FULL)
            full.append(time.perf_counter() - started)
            started = time.perf_counter()
            service.get(run_id, What.steps([step_id]))
            panel.append(time.perf_counter() - started)
        ratio = statistics.median(panel) / statistics.median(full)
        wall, cpu, upstream = route_ms({run_id: run}, run_id, step_ids)
        print(
            f"{steps:>6} {median_ms(full):>13.1f} {median_ms(panel):>9.1f} {ratio:>11.2f}"
            f" {wall:>9.1f} {cpu:>13.1f} {upstream:>18.1f}"
        )


if __name__ == "__main__":
    main()
