"""What happened, in plain words: one to three sentences about a run, built from its data.

A sentence is a tuple of parts: text, a step (shown as a link to its panel) or a moment
(shown as a time in the reader's zone). Templates and the ticket render the parts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from viewer.explain.errors import Explanation, explain
from viewer.runs.model import Moment, Run, StepState
from viewer.runs.status import Status
from viewer.web.formatting import format_number

NAMED_AT_MOST = 3  # steps named in a list before "and N more"
RAN = frozenset({"success", "failure", "running", "waiting", "cancelled", "unknown"})


@dataclass(frozen=True)
class StepRef:
    """A step named in a sentence: a link to its panel."""

    id: str
    label: str


Part = str | StepRef | Moment
Sentence = tuple[Part, ...]


@dataclass(frozen=True)
class WhatHappened:
    """The plain-words account of a run at the top of its page."""

    run_id: str
    status: Status
    sentences: tuple[Sentence, ...]
    problem_step: StepRef | None  # the step that failed, or was cancelled
    error_message: str | None
    explanation: Explanation | None
    steps_total: int
    steps_ran: int
    seconds: float | None
    compute_units: float | None
    simulation: bool
    source_run_id: str | None
    complete: bool  # False when only the run's summary was read (no steps yet)

    @property
    def text(self) -> str:
        """The sentences as plain text (times as ISO 8601), for tests and logs."""
        return " ".join(plain_text(sentence) for sentence in self.sentences)


def plain_text(sentence: Sentence) -> str:
    return "".join(
        part.label
        if isinstance(part, StepRef)
        else part.at.isoformat()
        if isinstance(part, Moment) and part.at
        else str(part)
        for part in sentence
    )


def what_happened(run: Run, now: datetime) -> WhatHappened:
    """Build the account of a run read in full (definition and execution state)."""
    order = step_order(run)
    states = [run.steps[step_id] for step_id in order if step_id in run.steps]
    ran = [state for state in states if state.status.key in RAN]
    failed = _by_start([s for s in states if s.status.key == "failure"])
    cancelled = [s for s in states if s.status.key == "cancelled"]
    problem = failed[0] if failed else (cancelled[0] if cancelled else None)
    error = problem.error if problem and problem.status.key == "failure" else None
    explanation = explain(error)
    seconds = _seconds(run.started, run.finished, now if run.status.live else None)
    builder = {
        "failure": _failure,
        "success": _success,
        "running": _running,
        "waiting": _waiting,
        "cancelled": _cancelled,
    }.get(run.status.key, _unknown)
    complete = run.definition is not None or bool(run.steps)
    if not complete:
        builder = _summary_only
    story = _Facts(run, order, ran, failed, cancelled, explanation, seconds, now)
    return WhatHappened(
        run_id=run.id,
        status=run.status,
        sentences=tuple(sentence for sentence in builder(story) if sentence),
        problem_step=_ref(run, problem.id) if problem else None,
        error_message=error.message if error else None,
        explanation=explanation,
        steps_total=len(order),
        steps_ran=len(ran),
        seconds=seconds,
        compute_units=run.total_cu,
        simulation=run.is_simulation,
        source_run_id=run.source_run_id,
        complete=complete,
    )


def step_order(run: Run) -> list[str]:
    """Every step id: the definition's order, then steps only the execution state knows."""
    nodes = (run.definition or {}).get("nodes")
    defined = [key for key in nodes if isinstance(key, str)] if isinstance(nodes, dict) else []
    known = set(defined)
    return defined + [step_id for step_id in run.steps if step_id not in known]


@dataclass(frozen=True)
class _Facts:
    run: Run
    order: list[str]
    ran: list[StepState]
    failed: list[StepState]
    cancelled: list[StepState]
    explanation: Explanation | None
    seconds: float | None
    now: datetime

    @property
    def not_run(self) -> list[str]:
        ran = {state.id for state in self.ran}
        return [step_id for step_id in self.order if step_id not in ran]

    def ref(self, step_id: str) -> StepRef:
        return _ref(self.run, step_id)


def _failure(f: _Facts) -> list[Sentence]:
    if not f.failed:
        first: Sentence = ("This run failed, but none of its steps reported an error.",)
    else:
        step = f.failed[0]
        others = _others(len(f.failed) - 1) if len(f.failed) > 1 else ""
        first = ("This run failed at the step ", f.ref(step.id), others, *_error_clause(step, f))
    return [first, _ran_sentence(f, finished=True), _cost_sentence(f)]


def _error_clause(step: StepState, f: _Facts) -> Sentence:
    if f.explanation is not None:
        return (": ", _lower_first(f.explanation.title), ".")
    if step.error is not None:
        return (". The error it reported is not one the viewer can explain; it is shown below.",)
    return (", without saying why.",)


def _others(count: int) -> str:
    return f" ({count} other step{'s' if count > 1 else ''} failed too)"


def _success(f: _Facts) -> list[Sentence]:
    skipped = f.not_run
    if not skipped:
        first: Sentence = (f"This run succeeded: all {_steps(len(f.ran))} ran without error.",)
    else:
        first = (
            f"This run succeeded: {len(f.ran)} of {_steps(len(f.order))} ran without error; ",
            *_named(f, skipped),
            f" did not run{_conditions(skipped)}.",
        )
    return [first, _cost_sentence(f)]


def _conditions(skipped: list[str]) -> str:
    return (
        " (the workflow did not call for them this time)"
        if len(skipped) > 1
        else (" (the workflow did not call for it this time)")
    )


def _running(f: _Facts) -> list[Sentence]:
    running = [state for state in f.ran if state.status.key == "running"]
    if running:
        longest = max((_seconds(s.started, None, f.now) or 0 for s in running), default=0)
        verb = "is" if len(running) == 1 else "are"
        first: Sentence = (
            "This run is still going: ",
            *_named(f, [s.id for s in running], "step "),
            f" {verb} running now, for {in_words(longest)} so far.",
        )
    else:
        first = ("This run is still going; it is between two steps at this moment.",)
    done = sum(1 for state in f.ran if state.status.final)
    so_far = f"{done} of {_steps(len(f.order))} finished so far"
    return [first, (f"{so_far}{_spent(f)}.",)]


def _waiting(f: _Facts) -> list[Sentence]:
    waiting = [state for state in f.ran if state.status.key == "waiting"]
    if not waiting:
        return [("This run is waiting, but none of its steps says what for.",), _ran_sentence(f)]
    step = waiting[0]
    since = _seconds(step.started, None, f.now)
    what, *more = _waits_for(f.run, step)
    first: Sentence = (
        "This run is waiting at the step ",
        f.ref(step.id),
        what,
        f", for {in_words(since)} so far" if since is not None else "",
        *more,
    )
    return [first, _ran_sentence(f)]


def _waits_for(run: Run, step: StepState) -> Sentence:
    """What a waiting step waits for, from the usual fields of approvals and timers."""
    output: dict[str, Any] = step.outputs if isinstance(step.outputs, dict) else {}
    definition = run.step_definition(step.id)
    kind = (definition.type or "") if definition else ""
    received, required = output.get("received"), output.get("required")
    if "approv" in kind.lower() or isinstance(required, int):
        counted = (
            f": {received} of {required} approvals received"
            if isinstance(received, int) and isinstance(required, int)
            else ""
        )
        expires = Moment.of(output.get("expiresAt"))
        if expires.at:
            return (
                " for people to approve it",
                f"{counted}. The request expires at ",
                expires,
                ".",
            )
        return (" for people to approve it", f"{counted}.")
    resumes = Moment.of(output.get("resumesAt"))
    if resumes.at:
        return (" (a timer)", "; it goes on at ", resumes, ".")
    return ("", ".")


def _cancelled(f: _Facts) -> list[Sentence]:
    if f.cancelled:
        step = f.cancelled[0]
        said = _one_line(step.error.message) if step.error else None
        reason = _reason(step)
        first: Sentence = (
            "This run was cancelled during the step ",
            f.ref(step.id),
            f" (“{said}”)." if said and said != reason else ".",
            f" Reason given: “{reason}”." if reason else "",
        )
    else:
        first = ("This run was cancelled.",)
    return [first, _ran_sentence(f, finished=True), _cost_sentence(f)]


def _reason(step: StepState) -> str | None:
    """The reason a cancellation gives in its error's details, if any."""
    if step.error is None:
        return None
    details = step.error.details if isinstance(step.error.details, dict) else {}
    inner = details.get("details") if isinstance(details.get("details"), dict) else {}
    reason = inner.get("reason") if isinstance(inner, dict) else None
    if not isinstance(reason, str):
        reason = details.get("reason") if isinstance(details.get("reason"), str) else None
    return _one_line(reason) if reason else None


def _one_line(text: str) -> str:
    return " ".join(text.split())[:200]


def _unknown(f: _Facts) -> list[Sentence]:
    label = f.run.status.label
    return [
        (f"The runs service gives this run a status the viewer does not know: {label}.",),
        _ran_sentence(f),
    ]


SUMMARY_WORDS = {
    "failure": "This run failed.",
    "success": "This run succeeded.",
    "running": "This run is still going.",
    "waiting": "This run is waiting.",
    "cancelled": "This run was cancelled.",
}


def _summary_only(f: _Facts) -> list[Sentence]:
    """Before the steps are read: the outcome, time and cost the run's summary gives."""
    first = SUMMARY_WORDS.get(f.run.status.key)
    if first is None:
        return _unknown(f)
    if f.run.status.live and f.seconds is not None:
        cu = f.run.total_cu
        used = f" and has used {format_number(cu)} compute units" if cu is not None else ""
        return [(first,), (f"It started {in_words(f.seconds)} ago{used}.",)]
    return [(first,), _cost_sentence(f)]


def _ran_sentence(f: _Facts, *, finished: bool = False) -> Sentence:
    if not f.order:
        return ()
    skipped = f.not_run
    head = f"{len(f.ran)} of {_steps(len(f.order))} " + ("ran" if finished else "have started")
    if not skipped:
        return (f"{head}.",)
    tail = " did not run." if finished else " have not run yet."
    return (f"{head}; ", *_named(f, skipped), tail)


def _cost_sentence(f: _Facts) -> Sentence:
    took = f"took {in_words(f.seconds)}" if f.seconds is not None else ""
    cost = (
        f"cost {format_number(f.run.total_cu)} compute units" if f.run.total_cu is not None else ""
    )
    facts = " and ".join(part for part in (took, cost) if part)
    if f.run.is_simulation:
        lead = "It was a simulation, so nothing happened on a real chain"
        return (f"{lead}; it {facts}.",) if facts else (f"{lead}.",)
    return (f"It {facts}.",) if facts else ()


def _spent(f: _Facts) -> str:
    time = f", in {in_words(f.seconds)}" if f.seconds is not None else ""
    cu = f.run.total_cu
    cost = f", using {format_number(cu)} compute units" if cu is not None else ""
    return time + cost


def _named(f: _Facts, step_ids: list[str], prefix: str = "") -> Sentence:
    """Steps by name, linked: "A", "A and B", "A, B, C and 4 more steps"."""
    shown = [f.ref(step_id) for step_id in step_ids[:NAMED_AT_MOST]]
    rest = len(step_ids) - len(shown)
    lead = prefix if len(step_ids) == 1 else (prefix.replace("step ", "steps ") if prefix else "")
    if rest == 0 and len(shown) == 1:
        return (lead, shown[0])
    parts: list[Part] = [lead]
    for index, ref in enumerate(shown):
        if index:
            parts.append(" and " if index == len(shown) - 1 and not rest else ", ")
        parts.append(ref)
    if rest:
        parts.append(f" and {rest} more step{'s' if rest > 1 else ''}")
    return tuple(parts)


def _ref(run: Run, step_id: str) -> StepRef:
    definition = run.step_definition(step_id)
    return StepRef(step_id, definition.label if definition else step_id)


def _steps(count: int) -> str:
    return f"{count} step{'' if count == 1 else 's'}"


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def _by_start(states: list[StepState]) -> list[StepState]:
    """Earliest started first; steps without a start keep their place after them."""
    timed = [s for s in states if s.started.at is not None]
    timed.sort(key=lambda s: s.started.at)  # type: ignore[arg-type, return-value]
    return timed + [s for s in states if s.started.at is None]


def _seconds(start: Moment, end: Moment | None, now: datetime | None) -> float | None:
    if start.at is None:
        return None
    finish = end.at if end is not None and end.at is not None else now
    if finish is None or finish < start.at:
        return None
    return (finish - start.at).total_seconds()


def in_words(seconds: float | None) -> str:
    """ "less than a second", "35 seconds", "4 minutes 5 seconds", "2 hours 3 minutes"."""
    if seconds is None:
        return "an unknown time"
    if seconds < 1:
        return "less than a second"
    whole = int(seconds)
    for big, small in ((86400, 3600), (3600, 60), (60, 1)):
        if whole >= big:
            return _unit(whole // big, big) + _and_unit((whole % big) // small, small)
    return _unit(whole, 1)


UNITS = {86400: "day", 3600: "hour", 60: "minute", 1: "second"}


def _unit(count: int, size: int) -> str:
    return f"{count} {UNITS[size]}{'' if count == 1 else 's'}"


def _and_unit(count: int, size: int) -> str:
    return f" {_unit(count, size)}" if count else ""
