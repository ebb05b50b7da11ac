"""Compare two runs: steps side by side, where they first part ways, what differs.

Bounded for large runs: at most MAX_ROWS rows are shown (those that differ first), and the JSON
diff of all values together stops after MAX_CHANGES changes.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from viewer.explain.errors import Explanation, explain
from viewer.explain.story import step_order
from viewer.runs.model import InputField, Moment, Run, StepState
from viewer.runs.status import Status, status_of

MAX_ROWS = 300  # rows shown; past it, only rows that differ, still capped
ALL_ROWS_UP_TO = 200  # runs this small show every step, alike or not
MAX_CHANGES = 500  # changes listed across the whole comparison
MAX_CHANGES_PER_VALUE = 25
MAX_DEPTH = 12
SHOWN_VALUE = 160  # characters of a changed value shown
NOT_RUN_YET = status_of(None, missing="not_run")
DID_NOT_RUN = Status("not_run", "Did not run", final=True)


@dataclass(frozen=True)
class Change:
    """One difference in a JSON value: where, and the value on each side (None: absent)."""

    path: str
    left: str | None
    right: str | None

    @property
    def kind(self) -> str:
        if self.left is None:
            return "added"
        return "removed" if self.right is None else "changed"


@dataclass(frozen=True)
class Side:
    """One step in one run."""

    status: Status
    seconds: float | None
    cu: float | None
    error: str | None
    explanation: Explanation | None
    in_definition: bool


@dataclass(frozen=True)
class Row:
    id: str
    label: str
    left: Side | None  # None: the step is not in that run's workflow at all
    right: Side | None
    changes: dict[str, list[Change]]  # "Inputs", "Outputs", "Configuration" -> changes
    values_differ: tuple[str, ...] = ()  # the kinds of value that differ, listed or not

    @property
    def only_in(self) -> str | None:
        if self.left is None:
            return "right"
        return "left" if self.right is None else None

    @property
    def status_differs(self) -> bool:
        return (
            self.left is not None
            and self.right is not None
            and (self.left.status.key != self.right.status.key)
        )

    @property
    def diverges(self) -> bool:
        """The runs part ways here: the step is in one only, or it ended differently."""
        return self.only_in is not None or self.status_differs

    @property
    def differs(self) -> bool:
        return self.diverges or bool(self.values_differ)

    @property
    def change_count(self) -> int:
        return sum(len(changes) for changes in self.changes.values())

    @property
    def seconds_delta(self) -> float | None:
        return _delta(self.left and self.left.seconds, self.right and self.right.seconds)

    @property
    def cu_delta(self) -> float | None:
        return _delta(self.left and self.left.cu, self.right and self.right.cu)


@dataclass(frozen=True)
class RunSide:
    run: Run
    seconds: float | None


@dataclass(frozen=True)
class Comparison:
    left: RunSide
    right: RunSide
    rows: list[Row]  # the rows shown, in the order the steps ran
    first_divergence: Row | None
    status_differs: list[Row]
    only_left: list[Row]
    only_right: list[Row]
    input_changes: list[Change]
    steps_total: int
    steps_differing: int
    rows_hidden: int  # rows not shown (alike, or past MAX_ROWS)
    changes_cut: bool  # the JSON diff stopped at MAX_CHANGES

    @property
    def seconds_delta(self) -> float | None:
        return _delta(self.left.seconds, self.right.seconds)

    @property
    def cu_delta(self) -> float | None:
        return _delta(self.left.run.total_cu, self.right.run.total_cu)

    @property
    def changes_limit(self) -> int:
        return MAX_CHANGES

    @property
    def changes_per_value_limit(self) -> int:
        return MAX_CHANGES_PER_VALUE

    @property
    def configured_differently(self) -> list[Row]:
        """Steps whose settings differ between the two workflow versions."""
        return [row for row in self.rows if "Configuration" in row.values_differ]

    @property
    def rows_with_changes(self) -> list[Row]:
        return [row for row in self.rows if row.change_count]

    @property
    def names(self) -> tuple[str, str]:
        """What to call the two runs: "Simulation" and "Original run" for a simulation and its
        source, else "This run" and "Other run"."""
        if self.left.run.is_simulation and self.left.run.source_run_id == self.right.run.id:
            return "Simulation", "Original run"
        if self.right.run.is_simulation and self.right.run.source_run_id == self.left.run.id:
            return "Original run", "Simulation"
        return "This run", "Other run"


def compare_runs(left: Run, right: Run, now: datetime) -> Comparison:
    """Compare two runs read in full."""
    budget = [MAX_CHANGES]
    ids = _merged_order(step_order(left), step_order(right))
    rows = [_row(step_id, left, right, budget) for step_id in ids]
    rows.sort(key=_start_key(left, right, ids))
    differing = [row for row in rows if row.differs]
    shown = rows if len(rows) <= ALL_ROWS_UP_TO else differing
    return Comparison(
        left=RunSide(left, _run_seconds(left, now)),
        right=RunSide(right, _run_seconds(right, now)),
        rows=shown[:MAX_ROWS],
        first_divergence=next((row for row in rows if row.diverges), None),
        status_differs=[row for row in rows if row.status_differs],
        only_left=[row for row in rows if row.only_in == "left"],
        only_right=[row for row in rows if row.only_in == "right"],
        input_changes=_input_changes(left.inputs, right.inputs, budget),
        steps_total=len(rows),
        steps_differing=len(differing),
        rows_hidden=len(rows) - len(shown[:MAX_ROWS]),
        changes_cut=budget[0] <= 0,
    )


def _merged_order(left: list[str], right: list[str]) -> list[str]:
    """Left's steps in order, each step only right has placed after its predecessor there."""
    position = {step_id: index for index, step_id in enumerate(left)}
    keyed: list[tuple[int, int, str]] = [(index, 0, step_id) for step_id, index in position.items()]
    anchor, offset = -1, 0
    for step_id in right:
        if step_id in position:
            anchor, offset = position[step_id], 0
        else:
            offset += 1
            keyed.append((anchor, offset, step_id))
    return [step_id for *_, step_id in sorted(keyed)]


def _start_key(left: Run, right: Run, ids: list[str]) -> Any:
    """Rows in the order the steps started (either run); steps that never ran last."""
    position = {step_id: index for index, step_id in enumerate(ids)}

    def key(row: Row) -> tuple[int, float, int]:
        starts = [
            state.started.at.timestamp() - run.started.at.timestamp()
            for run in (left, right)
            if (state := run.steps.get(row.id)) and state.started.at and run.started.at
        ]
        return (0, min(starts), position[row.id]) if starts else (1, 0.0, position[row.id])

    return key


def _row(step_id: str, left: Run, right: Run, budget: list[int]) -> Row:
    definitions = [run.step_definition(step_id) for run in (left, right)]
    states = [run.steps.get(step_id) for run in (left, right)]
    sides = [
        _side(run, state, definition is not None)
        for run, state, definition in zip((left, right), states, definitions, strict=True)
    ]
    label = next((d.label for d in definitions if d is not None), step_id)
    pairs: dict[str, tuple[Any, Any]] = {}
    if sides[0] is not None and sides[1] is not None:
        if states[0] is not None and states[1] is not None:
            pairs["Inputs"] = (states[0].inputs, states[1].inputs)
            pairs["Outputs"] = (states[0].outputs, states[1].outputs)
        configs = [d.config if d else None for d in definitions]
        pairs["Configuration"] = (configs[0], configs[1])
    differ = tuple(kind for kind, (a, b) in pairs.items() if a != b)
    changes = {kind: _diff(*pairs[kind], budget) for kind in differ}
    return Row(step_id, label, sides[0], sides[1], changes, differ)


def _side(run: Run, state: StepState | None, in_definition: bool) -> Side | None:
    if state is None and not in_definition:
        return None
    if state is None:
        return Side(NOT_RUN_YET if run.status.live else DID_NOT_RUN, None, None, None, None, True)
    return Side(
        status=state.status,
        seconds=_seconds(state.started, state.finished),
        cu=state.cu,
        error=state.error.message if state.error else None,
        explanation=explain(state.error),
        in_definition=in_definition,
    )


def _input_changes(
    left: list[InputField], right: list[InputField], budget: list[int]
) -> list[Change]:
    values = [{f.key: f.value for f in fields if f.has_value} for fields in (left, right)]
    return _diff(values[0], values[1], budget)


def _diff(left: Any, right: Any, budget: list[int]) -> list[Change]:
    """The differences between two JSON values, as paths; at most MAX_CHANGES_PER_VALUE."""
    changes: list[Change] = []
    absent_if_none = [_ABSENT if value is None else value for value in (left, right)]
    _walk("", *absent_if_none, changes, budget, 0)
    return changes


def _walk(
    path: str, left: Any, right: Any, out: list[Change], budget: list[int], depth: int
) -> None:
    if budget[0] <= 0 or len(out) >= MAX_CHANGES_PER_VALUE or left == right:
        return
    if isinstance(left, dict) and isinstance(right, dict) and depth < MAX_DEPTH:
        for key in list(left) + [k for k in right if k not in left]:
            child = f"{path}.{key}" if path else str(key)
            _walk(child, left.get(key, _ABSENT), right.get(key, _ABSENT), out, budget, depth + 1)
        return
    if isinstance(left, list) and isinstance(right, list) and depth < MAX_DEPTH:
        for index in range(max(len(left), len(right))):
            a = left[index] if index < len(left) else _ABSENT
            b = right[index] if index < len(right) else _ABSENT
            _walk(f"{path}[{index}]", a, b, out, budget, depth + 1)
        return
    budget[0] -= 1
    out.append(Change(path or "(whole value)", _shown(left), _shown(right)))


class _Absent:
    """A key or item one side does not have (unlike a null value)."""


_ABSENT = _Absent()


def _shown(value: Any) -> str | None:
    if value is _ABSENT:
        return None
    try:
        text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    except (TypeError, ValueError, RecursionError):
        text = repr(value)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "…"


def _seconds(start: Moment, end: Moment) -> float | None:
    if start.at is None or end.at is None or end.at < start.at:
        return None
    return (end.at - start.at).total_seconds()


def _run_seconds(run: Run, now: datetime) -> float | None:
    if run.started.at is None:
        return None
    end = run.finished.at or (now if run.status.live else None)
    return (end - run.started.at).total_seconds() if end and end >= run.started.at else None


def _delta(left: float | None, right: float | None) -> float | None:
    return None if left is None or right is None else right - left
