"""The live demo run: a JSON template whose steps advance with the clock."""

from __future__ import annotations

import time
from typing import Any

SCHEDULE_KEY = "demoSchedule"


def iso_utc(ts: float) -> str:
    """Format epoch seconds as RFC 3339 UTC with milliseconds, e.g. 2026-11-28T09:00:00.250Z."""
    millis = round(ts * 1000)
    secs, ms = divmod(millis, 1000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(secs)) + f".{ms:03d}Z"


def live_run(
    template: dict[str, Any], started: float, now: float, running_seconds: float
) -> dict[str, Any]:
    """Return the run as it looks at `now`, for a run that started at `started`.

    `template[SCHEDULE_KEY]` lists `{node, start, end[, active, timer]}` where start/end are
    fractions of `running_seconds`; `template["executionState"]` holds each step's final
    entry (without timestamps). Finished steps are copied from it with timestamps, the step
    in progress shows `active` (default `{"status": "running"}`), later steps are absent.
    """
    if running_seconds <= 0:
        raise ValueError("running_seconds must be positive")
    elapsed = max(0.0, now - started)
    final_state: dict[str, Any] = template.get("executionState") or {}
    state: dict[str, Any] = {}
    total_cu = 0
    for item in template[SCHEDULE_KEY]:
        node_id = item["node"]
        begin = item["start"] * running_seconds
        end = item["end"] * running_seconds
        if elapsed >= end:
            final = dict(final_state.get(node_id) or {})
            entry = {"status": final.pop("status", "success")}
            entry["startedAt"] = iso_utc(started + begin)
            entry["finishedAt"] = iso_utc(started + end)
            entry.update(final)
            total_cu += int(final.get("cu") or 0)
        elif elapsed >= begin:
            active = dict(item.get("active") or {})
            entry = {
                "status": active.pop("status", "running"),
                "startedAt": iso_utc(started + begin),
            }
            entry.update(active)
            if item.get("timer"):
                entry["output"] = {
                    "resumesAt": iso_utc(started + end),
                    "remainingSeconds": round(end - elapsed, 1),
                }
        else:
            continue
        state[node_id] = entry

    run = {k: v for k, v in template.items() if k != SCHEDULE_KEY}
    finished = elapsed >= running_seconds
    run["status"] = "success" if finished else "running"
    run["startedAt"] = iso_utc(started)
    if finished:
        run["finishedAt"] = iso_utc(started + running_seconds)
    else:
        run.pop("finishedAt", None)
    run["totalCu"] = total_cu
    run["executionState"] = state
    return run
