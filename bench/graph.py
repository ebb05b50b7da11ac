"""Server time and size of the graph partial for generated runs of 100, 1,000 and 5,000 steps.

Usage: .venv/bin/python bench/graph.py   (exit status 1 when a target is missed)

Times are medians of RUNS runs of build + layout + rendering _graph.html through a real
Jinja2 environment: "cold" with a fresh layout cache (and label cache) each time, "cached"
with the layout already computed for that workflow version. Other work on the machine
inflates these figures: compare runs made on an otherwise idle machine.
"""

from __future__ import annotations

import gzip
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Template

from viewer.demo.generate import generate_workflow_run
from viewer.graph.cache import LayoutCache
from viewer.graph.draw import fit
from viewer.graph.view import graph_view
from viewer.runs.text import parse_moment
from viewer.web.formatting import format_number, format_seconds

ROOT = Path(__file__).resolve().parent.parent
SIZES = (100, 1_000, 5_000)
RUNS = 7
COLD_1000_MS = 150
CACHED_1000_MS = 40
COLD_5000_MS = 1_000
GROWTH = 6.5
RAW_1000_BYTES = 500_000


def run_inputs(steps: int) -> dict[str, Any]:
    """graph_view's arguments for a generated run (statuses and list-view facts included)."""
    run = generate_workflow_run(steps, seed=7)
    state = run["executionState"]
    facts = {}
    for step_id, entry in state.items():
        start, end = parse_moment(entry.get("startedAt")), parse_moment(entry.get("finishedAt"))
        duration = format_seconds((end - start).total_seconds()) if start and end else "—"
        cu = format_number(entry["cu"]) if isinstance(entry.get("cu"), int | float) else "—"
        facts[step_id] = (duration, cu)
    return {
        "run_id": run["id"],
        "workflow_id": run["workflowId"],
        "workflow_version": run["workflowVersion"],
        "definition": run["workflowDefinition"],
        "statuses": {step_id: entry.get("status") for step_id, entry in state.items()},
        "step_facts": facts,
    }


def median_ms(fn: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def measure(template: Template, steps: int) -> tuple[float, float, int, int]:
    """(cold ms, cached ms, raw bytes, gzip bytes) of the partial for a run of `steps` steps."""
    args = run_inputs(steps)

    def render(cache: LayoutCache) -> bytes:
        return template.render(graph=graph_view(cache=cache, **args)).encode()

    def cold() -> bytes:
        fit.cache_clear()
        return render(LayoutCache(64))

    warm = LayoutCache(64)
    html = render(warm)
    return median_ms(cold), median_ms(lambda: render(warm)), len(html), len(gzip.compress(html))


def main() -> int:
    env = Environment(loader=FileSystemLoader(ROOT / "templates"), autoescape=True)
    template = env.get_template("_graph.html")
    rows = {steps: measure(template, steps) for steps in SIZES}
    print(f"{'steps':>6} {'cold ms':>9} {'cached ms':>10} {'raw KB':>8} {'gzip KB':>8}")
    for steps, (cold, cached, raw, zipped) in rows.items():
        print(f"{steps:>6} {cold:>9.1f} {cached:>10.1f} {raw / 1e3:>8.1f} {zipped / 1e3:>8.1f}")
    growth = rows[5_000][0] / rows[1_000][0]
    print(f"growth 5,000 vs 1,000 steps (cold): {growth:.2f}x")
    checks = [
        ("1,000 steps cold", rows[1_000][0], COLD_1000_MS, "ms"),
        ("1,000 steps cached", rows[1_000][1], CACHED_1000_MS, "ms"),
        ("5,000 steps cold", rows[5_000][0], COLD_5000_MS, "ms"),
        ("growth 5,000 vs 1,000", growth, GROWTH, "x"),
        ("1,000-step partial raw", rows[1_000][2] / 1000, RAW_1000_BYTES / 1000, "KB"),
    ]
    missed = 0
    for name, value, limit, unit in checks:
        ok = value < limit
        missed += not ok
        print(
            f"{'met   ' if ok else 'MISSED'} {name}: {value:.1f} {unit} (target < {limit:g} {unit})"
        )
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
