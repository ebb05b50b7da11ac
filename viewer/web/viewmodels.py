"""Dataclass view models: what each page and panel shows, built from the model."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from viewer.runs.model import Moment, Run
from viewer.runs.status import Status


@dataclass(frozen=True)
class RunRow:
    """One line of the demo run list on the home page."""

    id: str
    status: Status
    workflow: str
    started: Moment
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RunPage:
    """The run page: the run, its live state and the step opened by the address, if any."""

    run: Run
    request_id: str | None
    now: datetime
    refresh_seconds: float
    selected_step: str | None = None

    @property
    def live(self) -> bool:
        return self.run.status.live

    @property
    def title(self) -> str:
        workflow = self.run.workflow_id or "workflow"
        return f"{self.run.status.label} · {workflow} · run {self.run.id}"


def run_row(run: Run) -> RunRow:
    flags = tuple(
        flag
        for flag, on in (("Simulation", run.is_simulation), ("Dust test", run.is_dust_test))
        if on
    )
    return RunRow(run.id, run.status, run.workflow_id or "unknown workflow", run.started, flags)


def utc_now() -> datetime:
    return datetime.now(UTC)
