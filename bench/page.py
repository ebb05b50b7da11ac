"""The streamed run page on the server, for generated runs of 1,000 and 5,000 steps: when the
summary is flushed, when the diagram is, and where the time between goes.

Usage: .venv/bin/python bench/page.py [STEPS ...] [--default-gc]

Each sample is a new app (cold answer, model, graph and layout caches; templates compiled
first, as in a server already running) serving `/runs/run_gen_<STEPS>` from the demo runs API
in-process, without gzip; then the same page again from the same app, gzipped (as a browser
asks), with what the app keeps between requests (answers, models, layouts, diagrams). Times
are the median of RUNS samples in CPU ms of this process (wall ms in brackets); the demo API
runs in the same process, so "upstream read" includes its own serialisation. Parts are timed
by wrapping the functions that do them; indented parts are within the one above. The garbage
collector is tuned as the server tunes it (viewer/collector.py) unless --default-gc.
"""

from __future__ import annotations

import functools
import gc
import logging
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import viewer.graph.view as graph_view_module  # noqa: E402
import viewer.runs.service as service_module  # noqa: E402
import viewer.runs.upstream as upstream_module  # noqa: E402
import viewer.web.pages as pages_module  # noqa: E402
import viewer.web.steps as steps_module  # noqa: E402
from viewer import create_app  # noqa: E402
from viewer.config import Settings  # noqa: E402
from viewer.demo.api import DEMO_TOKEN, create_demo_api  # noqa: E402
from viewer.demo.generate import generate_workflow_run  # noqa: E402
from viewer.graph.fitting import fit  # noqa: E402
from viewer.runs.model import Run  # noqa: E402

try:  # older checkouts parse every answer whole
    import viewer.runs.definitions as definitions_module
except ImportError:
    definitions_module = None

try:  # older checkouts draw the diagram in viewer/web/steps.py
    import viewer.web.diagrams as diagrams_module
except ImportError:
    diagrams_module = None

try:  # older checkouts draw the diagram in one part
    import viewer.graph.chunks as chunks_module
except ImportError:
    chunks_module = None

try:  # older checkouts have no collector tuning
    from viewer.collector import tune_collector
except ImportError:
    tune_collector = None

SIZES = (1_000, 5_000)
RUNS = 3
PARTS: dict[str, float] = {}
LABELS: list[str] = []  # in the order they are printed


def timed(owner: Any, name: str, label: str) -> None:
    """Add the CPU time of every call of owner.name to PARTS[label] (when it exists: this
    script also times older checkouts)."""
    fn = getattr(owner, name, None)
    if fn is None:
        return

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        start = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            PARTS[label] = PARTS.get(label, 0.0) + (time.process_time() - start) * 1000

    setattr(owner, name, wrapper)
    if label not in LABELS:
        LABELS.append(label)


def collector(phase: str, info: dict[str, int]) -> None:
    """Time spent in the garbage collector, by generation."""
    if phase == "start":
        PARTS["_gc_start"] = time.process_time()
        return
    label = f"  garbage collector (gen {info['generation']})"
    PARTS[label] = PARTS.get(label, 0.0) + (time.process_time() - PARTS["_gc_start"]) * 1000


def instrument() -> None:
    timed(pages_module, "full_parts", "full read, page and diagram models")
    timed(upstream_module.RunsApi, "get_run", "  upstream read + JSON parse")
    timed(upstream_module, "parse_json", "    JSON parse")
    if definitions_module is not None:
        timed(definitions_module.KnownDefinitions, "read", "    JSON parse, definition apart")
    timed(service_module, "redact_payload", "  redaction")
    timed(service_module, "content_digest", "  definition digest")
    timed(Run, "from_payload", "  run model")
    timed(steps_module, "run_page_view", "  page view model")
    timed(steps_module, "graph_view", "  diagram model")  # older checkouts
    if diagrams_module is not None:
        timed(diagrams_module, "graph_view", "  diagram model")
    timed(graph_view_module, "build_graph", "    graph from the definition")
    timed(graph_view_module, "draw", "    layout (cold)")
    for drawing in ("groups_svg", "edges_svg", "clusters_svg", "steps_svg"):
        timed(chunks_module, drawing, "diagram markup (svg.py)")  # the page's part(s) only
    gc.callbacks.append(collector)
    LABELS.extend(f"  garbage collector (gen {n})" for n in range(3))


Chunks = list[tuple[float, float, int]]  # (CPU ms, wall ms, bytes) at each chunk


def sample(runs: dict[str, dict], steps: int) -> tuple[Chunks, dict, Chunks]:
    transport = httpx.WSGITransport(app=create_demo_api(token=DEMO_TOKEN, extra_runs=runs))
    app = create_app(Settings(), transport=transport)
    for name in app.jinja_env.list_templates():  # compiled, as in a server already running
        app.jinja_env.get_template(name)
    client = app.test_client()
    fit.cache_clear()
    if hasattr(graph_view_module, "GRAPHS"):  # the graph built from a definition, kept
        graph_view_module.GRAPHS.clear()
    PARTS.clear()
    chunks = streamed(client, f"/runs/run_gen_{steps}", {})
    parts = {k: v for k, v in PARTS.items() if not k.startswith("_")}
    again = streamed(client, f"/runs/run_gen_{steps}", {"Accept-Encoding": "gzip"})
    return chunks, parts, again


def streamed(client: Any, path: str, headers: dict[str, str]) -> Chunks:
    wall, cpu = time.perf_counter(), time.process_time()
    response = client.get(path, headers=headers, buffered=False)
    chunks = []
    for chunk in response.response:
        now = ((time.process_time() - cpu) * 1000, (time.perf_counter() - wall) * 1000)
        chunks.append((*now, len(chunk)))
    response.close()
    return chunks


def main() -> None:
    logging.disable(logging.INFO)
    if "--default-gc" not in sys.argv and tune_collector is not None:
        tune_collector()  # as the server runs
    instrument()
    sizes = [int(a) for a in sys.argv[1:] if a.isdigit()] or list(SIZES)
    runs = {f"run_gen_{n}": generate_workflow_run(n, run_id=f"run_gen_{n}") for n in sizes}
    for steps in sizes:
        report(steps, [sample(runs, steps) for _ in range(RUNS)])


def report(steps: int, samples: list[tuple[Chunks, dict, Chunks]]) -> None:
    def median(pick: Callable[[tuple], float]) -> float:
        return statistics.median(pick(s) for s in samples)

    summary_cpu, summary_wall = median(lambda s: s[0][0][0]), median(lambda s: s[0][0][1])
    last_cpu, last_wall = median(lambda s: s[0][-1][0]), median(lambda s: s[0][-1][1])
    print(f"{steps:,} steps, gc thresholds {gc.get_threshold()}: CPU ms (wall ms)")
    print(f"  summary flushed {summary_cpu:30.0f} ({summary_wall:.0f})")
    print(f"  diagram flushed {last_cpu:30.0f} ({last_wall:.0f}), {samples[0][0][-1][2]:,} bytes")
    for label in LABELS:
        print(f"  {label:<38} {median(lambda s, k=label: s[1].get(k, 0.0)):7.0f}")
    again_cpu, again_wall = median(lambda s: s[2][-1][0]), median(lambda s: s[2][-1][1])
    gzipped = sum(chunk[2] for chunk in samples[0][2])
    print(f"  again, gzipped: last byte {again_cpu:19.0f} ({again_wall:.0f}), {gzipped:,} bytes")


if __name__ == "__main__":
    main()
