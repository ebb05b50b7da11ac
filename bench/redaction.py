"""Redaction and deep answers: median time of `redact_payload` on generated runs (what the runs
service pays once per upstream answer), and of `parse_json` on answers nested deeper than the
standard parser reads. Run: `python bench/redaction.py`. Prints medians and MB/s.
"""

from __future__ import annotations

import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from viewer.demo.generate import generate_workflow_run
from viewer.runs.jsonparse import parse_json
from viewer.runs.redact import redact_payload

SIZES = (520, 1_000, 5_000)
REPEATS = 5


def median_seconds(work: Callable[[], object], repeats: int = REPEATS) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> None:
    print("redact_payload on generated runs (median of 5)")
    for steps in SIZES:
        run = generate_workflow_run(steps)
        size = len(json.dumps(run).encode())
        seconds = median_seconds(lambda run=run: redact_payload(run))
        print(
            f"  {steps:>5} steps  {size / 1e6:6.2f} MB  {seconds * 1000:8.1f} ms  "
            f"{size / 1e6 / seconds:6.1f} MB/s"
        )
    print("parse_json on deep answers (median of 3)")
    bodies = {
        "3,000 levels around a small run": b'{"data": {"deep": '
        + b'{"k":[' * 1_500
        + b'"x"'
        + b"]}" * 1_500
        + b"}}",
        "1 MB of nothing but brackets": b"[" * 500_000 + b"]" * 500_000,
    }
    for name, body in bodies.items():
        seconds = median_seconds(lambda body=body: parse_json(body), repeats=3)
        print(f"  {name:<34} {len(body) / 1e6:5.2f} MB  {seconds * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
