"""The step list's view model: every step of a run as one table row, built from the Run."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from viewer.runs.model import Run
from viewer.runs.status import ORDER, STATUS_LABELS, status_of
from viewer.runs.text import step_label
from viewer.web.formatting import duration_between, format_number
from viewer.web.viewmodels import step_href


@dataclass(frozen=True, slots=True)
class StepRow:
    id: str
    name: str
    type: str
    status: str  # a key of STATUS_LABELS
    status_text: str
    status_rank: int
    duration: str  # "—" when unknown
    seconds: float | None  # for sorting
    cu: str  # "—" when unknown
    cu_value: float | None
    href: str


@dataclass(frozen=True, slots=True)
class StepList:
    run_id: str
    rows: tuple[StepRow, ...]


def step_list(run: Run, *, keep_steps_all: bool = False) -> StepList:
    """One row per step of the definition (then any step only the execution state knows).

    `keep_steps_all`: the rows' links keep `?steps=all` (the page drawn on the server).
    """
    return StepList(run.id, tuple(_row(run, step_id, keep_steps_all) for step_id in _ids(run)))


def _ids(run: Run) -> Iterator[str]:
    nodes = (run.definition or {}).get("nodes")
    defined = [key for key in nodes if isinstance(key, str)] if isinstance(nodes, dict) else []
    yield from defined
    known = set(defined)
    yield from (step_id for step_id in run.steps if step_id not in known)


def _row(run: Run, step_id: str, keep_steps_all: bool) -> StepRow:
    definition = run.step_definition(step_id)
    state = run.step(step_id)
    status = state.status if state is not None else status_of(None, missing="not_run")
    key = status.key if status.key in STATUS_LABELS else "unknown"
    seconds = None
    duration = ""
    if state is not None:
        duration = duration_between(state.started, state.finished)
        if state.started.at and state.finished.at:
            seconds = max(0.0, (state.finished.at - state.started.at).total_seconds())
    return StepRow(
        id=step_id,
        name=definition.label if definition else step_label(step_id, None),
        type=(definition.type if definition else None) or "—",
        status=key,
        status_text=status.label,
        status_rank=ORDER.index(key),  # what needs a look first
        duration=duration or "—",
        seconds=seconds,
        cu=format_number(state.cu) if state is not None and state.cu is not None else "—",
        cu_value=state.cu if state is not None else None,
        href=step_href(run.id, step_id, server_drawn=keep_steps_all),
    )
