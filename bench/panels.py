"""Step panel reads on the server: median time of one panel (an uncached `nodeIds=<step>` read
through the runs service: transfer, JSON, redaction and the model), for generated runs.

The upstream answers every `nodeIds` read with the whole workflow definition, so a panel's cost
grows with the workflow. Run: `python bench/panels.py`. Prints medians and the ratio of a
panel read to a full read of the same run.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer.config import Settings
from viewer.demo.api import DEMO_TOKEN, create_demo_api
from viewer.demo.generate import generate_workflow_run
from viewer.runs.cache import SingleFlightCache
from viewer.runs.service import FULL, RunsService, What
from viewer.runs.upstream import Endpoint, runs_api_for

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


def main() -> None:
    print(f"{'steps':>6} {'full read ms':>13} {'panel ms':>9} {'panel/full':>11}")
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
        print(f"{steps:>6} {median_ms(full):>13.1f} {median_ms(panel):>9.1f} {ratio:>11.2f}")


if __name__ == "__main__":
    main()
