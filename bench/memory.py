"""Is the viewer's memory bounded in real bytes? One `python -m viewer` process with
VIEWER_CACHE_MAX_BYTES=32 MiB reading distinct runs from a loopback upstream; its resident
memory (VmRSS) is read from /proc before, as it goes and at the end.

1. Big runs: 30 distinct 4 MB runs (2,000 steps, each with a few on-chain logs in its
   output), each opened as a person would: the run page (streamed, with its diagram) and one
   step panel. Target: the process grows by well under 256 MiB.
2. Many runs: 200 distinct 2,000-step runs (graph and one step panel each). Target: flat,
   under the bound plus the baseline.

It also prints what the viewer's answer cache says it holds (viewer_cache_bytes). The viewer
caps glibc's malloc arenas at 2 (viewer/malloc.py); `--arenas 16` gives it glibc's own default
on two cores (8 per core), to compare.

    python bench/memory.py [--big 30] [--runs 200] [--only 1,2] [--seconds 300] [--arenas N]
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.scale import Counting, rss_mib, upstream, viewer  # noqa: E402
from viewer.demo.api import DEMO_TOKEN, create_demo_api  # noqa: E402
from viewer.demo.generate import generate_workflow_run  # noqa: E402

MIB = 1024 * 1024
BOUND = 32 * MIB


def with_logs(run: dict[str, Any], logs_per_step: int) -> dict[str, Any]:
    """The run with event logs in every step's output, as a chain transaction's receipt has."""
    state = {}
    for n, (step, entry) in enumerate(run["executionState"].items()):
        logs = [
            {
                "address": f"0x{n:08x}{k:032x}",
                "topics": [f"0x{(n * 7 + k + t):064x}" for t in range(3)],
                "data": f"0x{(n * 31 + k):0128x}",
                "logIndex": k,
            }
            for k in range(logs_per_step)
        ]
        output = entry.get("output") if isinstance(entry.get("output"), dict) else {}
        state[step] = {**entry, "output": {**output, "logs": logs}}
    return {**run, "executionState": state}


def cache_bytes(base: str) -> float:
    for line in httpx.get(f"{base}/metrics", timeout=30).text.splitlines():
        if line.startswith("viewer_cache_bytes "):
            return float(line.split()[1])
    return 0.0


def load(
    title: str,
    runs: dict[str, dict[str, Any]],
    paths: list[str],
    budget: float,
    marks_every: int,
    env: dict[str, str],
) -> None:
    """Open every run by `paths` (formatted with the run id) and print the viewer's RSS."""
    body = len(json.dumps(next(iter(runs.values()))))
    counter = Counting(create_demo_api(token=DEMO_TOKEN, extra_runs=runs))
    marks: list[tuple[int, float]] = []
    with (
        upstream(counter) as url,
        viewer(url, VIEWER_CACHE_MAX_BYTES=str(BOUND), **env) as (base, pid),
        httpx.Client(base_url=base, timeout=120) as client,
    ):
        client.get("/runs/run_7f3a2c9e41").raise_for_status()
        baseline = rss_mib(pid)
        stop = time.monotonic() + budget
        done = 0
        for run_id in runs:
            if time.monotonic() > stop:
                break
            for path in paths:
                client.get(path.format(run=run_id)).raise_for_status()
            done += 1
            if done % marks_every == 0:
                marks.append((done, rss_mib(pid)))
        if not marks or marks[-1][0] != done:
            marks.append((done, rss_mib(pid)))
        held = cache_bytes(base)
    peak = max(value for _, value in marks)
    print(f"{title}: {done} distinct runs of {body / MIB:.2f} MiB of JSON, bound 32 MiB")
    print(
        f"   RSS baseline {baseline:.0f} MiB; "
        + ", ".join(f"after {n}: {value:.0f}" for n, value in marks)
    )
    print(
        f"   growth {marks[-1][1] - baseline:.0f} MiB at the end, {peak - baseline:.0f} MiB at "
        f"most; the answer cache says it holds {held / MIB:.1f} MiB"
        + "".join(f", {name}={value}" for name, value in env.items())
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--big", type=int, default=30)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=300.0)
    parser.add_argument("--only", default="1,2")
    parser.add_argument("--arenas", type=int, help="MALLOC_ARENA_MAX for the viewer")
    args = parser.parse_args()
    env = {"MALLOC_ARENA_MAX": str(args.arenas)} if args.arenas else {}
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    parts = set(args.only.split(","))
    template = generate_workflow_run(2000, seed=9)
    step = next(iter(template["workflowDefinition"]["nodes"]))
    if "1" in parts:
        big = with_logs(template, logs_per_step=4)
        runs = {
            f"run_big_{n:04d}": {**big, "id": f"run_big_{n:04d}", "workflowId": f"wf_{n:04d}"}
            for n in range(args.big)
        }
        paths = ["/runs/{run}", "/_fragments/runs/{run}/steps/" + step]
        load("1. big runs", runs, paths, args.seconds, max(1, args.big // 6), env)
    if "2" in parts:
        runs = {
            f"run_many_{n:04d}": {
                **template,
                "id": f"run_many_{n:04d}",
                "workflowId": f"wf_{n:04d}",
            }
            for n in range(args.runs)
        }
        paths = ["/_fragments/runs/{run}/graph", "/_fragments/runs/{run}/steps/" + step]
        load("2. many runs", runs, paths, args.seconds, max(1, args.runs // 8), env)


if __name__ == "__main__":
    main()
