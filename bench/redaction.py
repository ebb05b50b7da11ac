"""Redaction: median time of `redact_payload` on generated runs, what the runs service pays once
per upstream answer: on a first read (memos empty) and on a read of the same run again (a live
run polled, an answer fetched again after its cache entry ended).
Run: `python bench/redaction.py [--before DIR]`; with --before, the redaction of another checkout
(e.g. /work/main) is timed alongside and the ratio printed. Prints medians of CPU time.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.checkout import module_of
from viewer.demo.generate import generate_workflow_run
from viewer.runs import redact

SIZES = (520, 1_000, 5_000)
REPEATS = 7


def median_seconds(work: Callable[[], object], before: Callable[[], object]) -> float:
    """Median CPU seconds of `work` (CPU time: other work on a busy machine counts less)."""
    times = []
    for _ in range(REPEATS):
        before()
        started = time.process_time()
        work()
        times.append(time.process_time() - started)
    return statistics.median(times)


def forget(module: ModuleType) -> Callable[[], None]:
    """How to empty a module's memos before a first read (whatever memos it has)."""

    def empty() -> None:
        if hasattr(module, "forget"):
            module.forget()
        for name in ("is_secret_key", "is_endpoint_key", "_redact_short"):
            cached = getattr(module, name, None)
            if cached is not None and hasattr(cached, "cache_clear"):
                cached.cache_clear()

    return empty


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, help="a checkout whose redaction is compared")
    args = parser.parse_args()
    modules = {"after": redact}
    if args.before:
        modules = {"before": module_of(args.before, "redact"), **modules}
    print("redact_payload on generated runs (median CPU ms of 7)")
    for steps in SIZES:
        run = generate_workflow_run(steps)
        size = len(json.dumps(run).encode())
        results = [json.dumps(module.redact_payload(run)) for module in modules.values()]
        assert len(set(results)) == 1, "the two redactions disagree"
        for read, cold in (("first read", True), ("read again", False)):
            line = f"  {steps:>5} steps {size / 1e6:5.2f} MB  {read:<10}"
            timed = {}
            for name, module in modules.items():
                empty = forget(module) if cold else (lambda: None)
                timed[name] = median_seconds(lambda m=module, r=run: m.redact_payload(r), empty)
                line += f"  {name} {timed[name] * 1000:7.1f} ms"
            if "before" in timed:
                line += f"  x{timed['before'] / timed['after']:.1f} faster"
            print(line)


if __name__ == "__main__":
    main()
