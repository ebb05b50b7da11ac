"""Server time of the explanations for generated runs of 100, 1,000 and 5,000 steps.

Usage: .venv/bin/python bench/explain.py

Medians of RUNS runs of: the what-happened account of one run, the comparison of two runs of
the same size (generated with different seeds, so statuses and values differ), rendering the
comparison page, and the ticket Markdown. Runs are parsed once beforehand (as the runs service
does). Other work on the machine inflates these figures.
"""

from __future__ import annotations

import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime

from flask import render_template

from viewer import create_app
from viewer.config import Settings
from viewer.demo.generate import generate_workflow_run
from viewer.explain.compare import compare_runs
from viewer.explain.story import what_happened
from viewer.explain.views import ticket_text
from viewer.runs.model import Run

SIZES = (100, 1_000, 5_000)
RUNS = 5
NOW = datetime.now(UTC)


def run_of(steps: int, seed: int) -> Run:
    payload = generate_workflow_run(steps, seed=seed)
    return Run.from_payload(payload, payload.get("id") or f"run_bench{seed}")


def median_ms(work: Callable[[], object]) -> float:
    times = []
    for _ in range(RUNS):
        start = time.perf_counter()
        work()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    app = create_app(Settings(secret_key=secrets.token_hex(16)))
    print(
        f"{'steps':>6} {'story ms':>9} {'compare ms':>11} {'page ms':>8} {'page KB':>8} "
        f"{'ticket ms':>10}"
    )
    results = {}
    for size in SIZES:
        left, right = run_of(size, 7), run_of(size, 8)
        story = median_ms(lambda a=left: what_happened(a, NOW))
        compare = median_ms(lambda a=left, b=right: compare_runs(a, b, NOW))
        cmp = compare_runs(left, right, NOW)
        with app.test_request_context("/"):
            html = render_template("compare.html", cmp=cmp)
            page = median_ms(lambda c=cmp: render_template("compare.html", cmp=c))
            ticket = median_ms(lambda a=left: ticket_text(a))
        results[size] = compare
        print(
            f"{size:>6} {story:>9.1f} {compare:>11.1f} {page:>8.1f} {len(html) / 1024:>8.0f} "
            f"{ticket:>10.1f}"
        )
    print(f"compare growth 5,000/1,000: {results[5_000] / results[1_000]:.1f}x")


if __name__ == "__main__":
    main()
