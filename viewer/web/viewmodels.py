"""Dataclass view models: what each page and part shows, built from the model in one function.

Templates only lay these out: they do not filter, count or slice upstream data, and every
address they link to (or hand to the browser's scripts) is made here, with `url_for`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import partial

from flask import url_for

from viewer.runs.ids import MAX_STEPS_PER_CALL
from viewer.runs.model import InputField, Moment, Run, StepState
from viewer.runs.status import Status
from viewer.web.activity import Activity, activity

ATTENTION_SHOWN = 10  # steps listed by name in "Why this run failed"
STEP_PLACEHOLDER = "STEP_ID"  # stands for a step id in address templates handed to scripts


@dataclass(frozen=True)
class RunRow:
    """One line of the demo run list on the home page."""

    id: str
    status: Status
    workflow: str
    started: Moment
    flags: tuple[str, ...]


@dataclass(frozen=True)
class RunUrls:
    """Every address the run page links to or hands to its scripts."""

    page: str
    server_drawn: str  # the page with the steps drawn on the server (no JavaScript)
    graph: str
    live: str
    raw: str
    download: str
    steps: str  # several panels at once: add `?ids=a,b`
    step_list: str  # every step as a table (the diagram's list view)
    step_panel: str  # one panel; STEP_PLACEHOLDER stands for the step id
    step_page: str  # the page with a step open; STEP_PLACEHOLDER stands for the step id
    step_placeholder: str = STEP_PLACEHOLDER


@dataclass(frozen=True)
class AttentionItem:
    id: str
    label: str
    status: Status
    error: str | None
    href: str


@dataclass(frozen=True)
class Attention:
    """Steps that need a person's attention: failures first, then steps waiting; and steps
    that succeeded with warnings in their logs (the cause of a later failure, often)."""

    items: tuple[AttentionItem, ...]  # at most ATTENTION_SHOWN
    failed_count: int
    waiting_count: int
    open_failed_href: str | None  # the fragment with every failed step's panel (one call)
    first_failed_href: str | None
    warned: tuple[AttentionItem, ...] = ()  # at most ATTENTION_SHOWN; `error` is the warning
    warned_ids: frozenset[str] = frozenset()  # every succeeded step with a warning

    @property
    def title(self) -> str:
        if self.failed_count:
            return "Why this run failed"
        if self.waiting_count:
            return "What this run is waiting for"
        return "Steps that succeeded with warnings"

    @property
    def any(self) -> bool:
        return bool(self.items or self.warned)

    @property
    def hidden_count(self) -> int:
        return self.failed_count + self.waiting_count - len(self.items)


@dataclass(frozen=True)
class Inputs:
    """The run's inputs: the schema joined with the values given."""

    fields: tuple[InputField, ...]
    missing_count: int
    schema_known: bool  # False on the summary read, which has no definition


@dataclass(frozen=True)
class RunPage:
    """The run page: the run, its live state, its parts and the step opened by the address."""

    run: Run
    request_id: str | None
    now: datetime
    refresh_seconds: float
    urls: RunUrls
    attention: Attention
    inputs: Inputs
    activity: Activity
    selected_step: str | None = None
    server_drawn: bool = False  # the steps are drawn on the server (no JavaScript)

    @property
    def live(self) -> bool:
        return self.run.status.live

    @property
    def title(self) -> str:
        workflow = self.run.workflow_id or "workflow"
        kind = "".join(
            f"{flag} · "
            for flag, on in (
                ("Simulation", self.run.is_simulation),
                ("Dust test", self.run.is_dust_test),
            )
            if on
        )
        return f"{kind}{self.run.status.label} · {workflow} · run {self.run.id}"


def run_page(
    run: Run,
    request_id: str | None,
    *,
    now: datetime,
    refresh_seconds: float,
    selected_step: str | None = None,
    server_drawn: bool = False,
) -> RunPage:
    """The run page's view model; also behind the graph fragment and the live refresh.
    `server_drawn`: the page draws its steps on the server, and its step links keep that."""
    urls = run_urls(run.id)
    href = partial(step_href, run.id, server_drawn=server_drawn)
    return RunPage(
        run=run,
        request_id=request_id,
        now=now,
        refresh_seconds=refresh_seconds,
        urls=urls,
        attention=attention(run, urls, href),
        inputs=inputs(run),
        activity=activity(run, now, href),
        selected_step=selected_step,
        server_drawn=server_drawn,
    )


def run_urls(run_id: str) -> RunUrls:
    return RunUrls(
        page=url_for("pages.run_page", run_id=run_id),
        server_drawn=url_for("pages.run_page", run_id=run_id, steps="all"),
        graph=url_for("fragments.graph", run_id=run_id),
        live=url_for("fragments.live", run_id=run_id),
        raw=url_for("raw.run_json", run_id=run_id),
        download=url_for("raw.run_json", run_id=run_id, download=1),
        steps=url_for("fragments.steps", run_id=run_id),
        step_list=url_for("fragments.steps_list", run_id=run_id),
        step_panel=url_for("fragments.step", run_id=run_id, step_id=STEP_PLACEHOLDER),
        step_page=step_href(run_id, STEP_PLACEHOLDER),
    )


def attention(run: Run, urls: RunUrls, href: Callable[[str], str]) -> Attention:
    failed = [state for state in run.steps.values() if state.status.key == "failure"]
    waiting = [state for state in run.steps.values() if state.status.key == "waiting"]
    shown = (failed + waiting)[:ATTENTION_SHOWN]
    items = tuple(_attention_item(run, state, href) for state in shown)
    open_ids = ",".join(state.id for state in failed[:MAX_STEPS_PER_CALL])
    warned = run.warned
    return Attention(
        items=items,
        failed_count=len(failed),
        waiting_count=len(waiting),
        open_failed_href=f"{urls.steps}?ids={open_ids}" if len(failed) > 1 else None,
        first_failed_href=href(failed[0].id) if failed else None,
        warned=tuple(
            replace(_attention_item(run, state, href), error=text)
            for state, text in warned[:ATTENTION_SHOWN]
        ),
        warned_ids=frozenset(state.id for state, _ in warned),
    )


def _attention_item(run: Run, state: StepState, href: Callable[[str], str]) -> AttentionItem:
    definition = run.step_definition(state.id)
    return AttentionItem(
        id=state.id,
        label=definition.label if definition else state.id,
        status=state.status,
        error=state.error.message if state.error else None,
        href=href(state.id),
    )


def step_href(run_id: str, step_id: str | None, *, server_drawn: bool = False) -> str:
    """The run page with this step's panel open (none when None); `server_drawn` keeps the
    steps drawn on the server, for browsers without JavaScript."""
    return url_for(
        "pages.run_page", run_id=run_id, steps="all" if server_drawn else None, node=step_id
    )


def inputs(run: Run) -> Inputs:
    return Inputs(
        fields=tuple(run.inputs),
        missing_count=sum(1 for field in run.inputs if field.missing),
        schema_known=run.definition is not None,
    )


def run_row(run: Run) -> RunRow:
    flags = tuple(
        flag
        for flag, on in (("Simulation", run.is_simulation), ("Dust test", run.is_dust_test))
        if on
    )
    return RunRow(run.id, run.status, run.workflow_id or "unknown workflow", run.started, flags)


def utc_now() -> datetime:
    return datetime.now(UTC)
