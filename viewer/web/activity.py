"""What a run still moving is doing now: the steps running or waiting and since when, who a
wait is for and until when, and when anything last changed."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from viewer.runs.model import Moment, Run, StepState
from viewer.runs.status import Status
from viewer.runs.text import as_whole, clean_text

MAX_ACTIVE = 3  # steps named in the live marker; more are counted
MAX_PEOPLE = 6


@dataclass(frozen=True)
class Wait:
    """What a waiting step waits for, as far as its state and definition tell."""

    expires: Moment
    expired: bool
    seconds_left: float | None  # until it expires; None when unknown or past
    people: tuple[str, ...]  # who may still act (approvers who have not yet)
    received: int | None
    needed: int | None


@dataclass(frozen=True)
class ActiveStep:
    id: str
    label: str
    href: str
    status: Status
    since: Moment
    wait: Wait | None


@dataclass(frozen=True)
class Activity:
    """The live marker's words; `known` is False on the light first read (no steps yet)."""

    known: bool
    active: tuple[ActiveStep, ...]
    more: int
    last_change: Moment
    waits: Mapping[str, Wait]  # every waiting step's wait, by step id

    @property
    def overdue(self) -> bool:
        """A wait's deadline has passed while the run still says it waits."""
        return any(wait.expired for wait in self.waits.values())


def activity(run: Run, now: datetime, href: Callable[[str], str]) -> Activity:
    """The activity of a run read in full; on a summary read, only the run's own times."""
    moving = [s for s in run.steps.values() if s.status.key in ("running", "waiting")]
    moving.sort(key=lambda s: (s.status.key != "waiting", s.started.at or now))
    active = tuple(_active(run, state, now, href) for state in moving)
    return Activity(
        known=bool(run.steps),
        active=active[:MAX_ACTIVE],
        more=max(0, len(active) - MAX_ACTIVE),
        last_change=_last_change(run, now),
        waits={step.id: step.wait for step in active if step.wait},
    )


def _active(run: Run, state: StepState, now: datetime, href: Callable[[str], str]) -> ActiveStep:
    definition = run.step_definition(state.id)
    return ActiveStep(
        id=state.id,
        label=definition.label if definition else state.id,
        href=href(state.id),
        status=state.status,
        since=state.started,
        wait=_wait(state, definition.config if definition else {}, now)
        if state.status.key == "waiting"
        else None,
    )


def _wait(state: StepState, config: dict[str, Any], now: datetime) -> Wait:
    output = state.outputs if isinstance(state.outputs, dict) else {}
    expires = Moment.of(output.get("expiresAt") or state.raw.get("expiresAt"))
    approvals = output.get("approvals") if isinstance(output.get("approvals"), list) else []
    done = {a.get("by") for a in approvals if isinstance(a, dict)}
    approvers = config.get("approvers") if isinstance(config.get("approvers"), list) else []
    people = [clean_text(p, 80) for p in approvers if isinstance(p, str) and p not in done]
    received = as_whole(output.get("received"))
    left = (expires.at - now).total_seconds() if expires.at is not None else None
    return Wait(
        expires=expires,
        expired=left is not None and left <= 0,
        seconds_left=left if left is not None and left > 0 else None,
        people=tuple(p for p in people if p)[:MAX_PEOPLE],
        received=received if received is not None else (len(done) if approvals else None),
        needed=as_whole(output.get("required")) or as_whole(config.get("threshold")),
    )


def _last_change(run: Run, now: datetime) -> Moment:
    """The latest start or finish of the run or any step (never later than now)."""
    moments = [run.started, run.finished]
    moments += [m for s in run.steps.values() for m in (s.started, s.finished)]
    known = [m for m in moments if m.at is not None and m.at <= now]
    return max(known, key=lambda m: m.at or now) if known else Moment(None)
