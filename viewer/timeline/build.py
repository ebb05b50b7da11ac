"""A run's steps in time: spans, waits, idle periods and the chain that set the finish time.

Pure data from a `Run` (no Flask, no pixels): `viewer.timeline.view` lays it out.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from viewer.runs.model import Run, StepState
from viewer.runs.status import Status

# A pause shorter than both of these is the engine's usual pace, not a wait worth marking.
MIN_WAIT_SECONDS = 2.0
MIN_WAIT_SHARE = 0.03  # of the time from the first step's start to the last step's end


@dataclass(frozen=True, slots=True)
class Span:
    """One step that started: when, for how long, and what it waited for."""

    id: str
    status: Status
    start: datetime
    end: datetime  # its finish; `now` for a step still going
    ongoing: bool  # no finish yet: running or waiting, drawn up to `now`
    wait_start: datetime | None  # when the steps before it were done, if it then waited
    critical: bool


@dataclass(frozen=True, slots=True)
class Idle:
    """A period in which no step was running."""

    start: datetime
    end: datetime


@dataclass(frozen=True, slots=True)
class Timing:
    """Every step that started, in start order, and what can be said of the run's time."""

    spans: tuple[Span, ...]
    start: datetime | None
    end: datetime | None
    idles: tuple[Idle, ...]
    critical: tuple[str, ...]  # step ids of the longest chain, first to last
    not_started: int  # steps known to the run that never started
    unreadable: int  # steps whose times could not be read

    @property
    def busiest(self) -> int:
        """The most steps running at the same moment (a step ending as another starts: one)."""
        events = sorted(
            [(span.start, 1) for span in self.spans] + [(span.end, -1) for span in self.spans]
        )
        running = most = 0
        for _, change in events:  # at the same moment, ends (-1) sort before starts (+1)
            running += change
            most = max(most, running)
        return most

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds() if self.start and self.end else 0.0


def parents_of(run: Run) -> dict[str, list[str]]:
    """Each step's parents, from the definition's `children` lists (blocks expanded at run time
    have none there, so their steps have no known parent)."""
    parents: dict[str, list[str]] = {}
    nodes = (run.definition or {}).get("nodes")
    if not isinstance(nodes, dict):
        return parents
    for parent, node in nodes.items():
        children = node.get("children") if isinstance(node, dict) else None
        for child in children if isinstance(children, list) else ():
            if isinstance(child, str):
                parents.setdefault(child, []).append(parent)
    return parents


def build_timing(run: Run, now: datetime) -> Timing:
    """The timing of every step that started; `now` ends the bars of steps still going."""
    started: dict[str, tuple[StepState, datetime, datetime, bool]] = {}
    unreadable = 0
    for state in run.steps.values():
        start = state.started.at
        if start is None:
            unreadable += state.started.raw is not None
            continue
        end = state.finished.at
        ongoing = end is None and state.status.live and run.status.live
        if end is None or end < start:
            stop = max(now, start) if ongoing else run.finished.at
            end = stop if stop is not None and stop >= start else start
        started[state.id] = (state, start, end, ongoing)
    parents = parents_of(run)
    critical = _critical_chain(started, parents)
    first = min((start for _, start, _, _ in started.values()), default=None)
    last = max((end for _, _, end, _ in started.values()), default=None)
    if last is not None and run.status.live:
        last = max(last, now)  # a run still moving: the time since its last step shows
    total = (last - first).total_seconds() if first and last else 0.0
    shortest = max(MIN_WAIT_SECONDS, total * MIN_WAIT_SHARE)
    on_chain = set(critical)
    spans = []
    for step_id, (state, start, end, ongoing) in started.items():
        before = [started[p][2] for p in parents.get(step_id, ()) if p in started]
        ready = max(before) if before else None
        waited = ready is not None and (start - ready).total_seconds() >= shortest
        spans.append(
            Span(
                id=step_id,
                status=state.status,
                start=start,
                end=end,
                ongoing=ongoing,
                wait_start=ready if waited else None,
                critical=step_id in on_chain,
            )
        )
    spans.sort(key=lambda span: (span.start, span.end))
    return Timing(
        spans=tuple(spans),
        start=first,
        end=last,
        idles=_idles(spans, first, last, shortest),
        critical=critical,
        not_started=len(run.steps) - len(started) - unreadable,
        unreadable=unreadable,
    )


def _critical_chain(
    started: dict[str, tuple[StepState, datetime, datetime, bool]],
    parents: dict[str, list[str]],
) -> tuple[str, ...]:
    """From the step that ended last, back through the parent each step waited for (the one
    that ended last before it started): the chain of steps that set when the run ended."""
    if not started:
        return ()
    current = max(started, key=lambda step: (started[step][2], started[step][1]))
    chain = [current]
    seen = {current}
    while True:
        start = started[current][1]
        known = [p for p in parents.get(current, ()) if p in started and p not in seen]
        before = [p for p in known if started[p][2] <= start] or known
        if not before:
            break
        current = max(before, key=lambda step: started[step][2])
        chain.append(current)
        seen.add(current)
    return tuple(reversed(chain))


def _idles(
    spans: list[Span], first: datetime | None, last: datetime | None, shortest: float
) -> tuple[Idle, ...]:
    """Periods of at least `shortest` seconds in which no step was running."""
    if first is None or last is None or not spans:
        return ()
    idles = []
    busy_until = first
    for span in spans:  # in start order
        if (span.start - busy_until).total_seconds() >= shortest:
            idles.append(Idle(busy_until, span.start))
        busy_until = max(busy_until, span.end)
    if (last - busy_until).total_seconds() >= shortest:
        idles.append(Idle(busy_until, last))
    return tuple(idles)
