"""Shared by pages and fragments: the parts of a run read in full, and step panels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Any

from flask import current_app
from werkzeug.datastructures import MultiDict

from viewer.errors import InvalidView
from viewer.graph.toggles import Boxes, parse_boxes
from viewer.runs.service import RunRead, What
from viewer.web.diagrams import Diagram, diagram
from viewer.web.later import rest_address
from viewer.web.loading import read_run
from viewer.web.panel import StepPanel, step_panel
from viewer.web.steplist import StepList, step_list
from viewer.web.viewmodels import RunPage, run_page, step_href, utc_now


def box_choices(args: MultiDict[str, str]) -> Boxes:
    """The boxes a person expanded and collapsed, from the address's `boxes` (compact and
    capped: graph/toggles.py); InvalidView (400) when it cannot be used."""
    values = args.getlist("boxes")
    if len(values) > 1:
        raise InvalidView("This link gives its diagram settings more than once.")
    return parse_boxes(values[0] if values else "")


@dataclass(frozen=True, slots=True)
class FullParts:
    """What the run page shows once the run is read in full."""

    page: RunPage  # built from the full read: attention and inputs with their schema
    diagram: Diagram | None  # None on the timeline view
    steplist: StepList | None  # the table of every step, for `?steps=all`
    timeline: Any = None  # viewer.web.timeline.Timeline on `?view=timeline`
    timeline_live_href: str | None = None


def full_parts(
    run_id: str, boxes: Boxes, selected: str | None, with_list: bool, *, drawn: bool = True
) -> FullParts:
    """Read the run in full: its page parts, its diagram (unless not `drawn`), and its step
    table when asked for."""
    read = read_run(run_id)
    steplist = step_list(read.run, keep_steps_all=True) if with_list else None
    page = run_page_view(read, selected, server_drawn=with_list)
    if not drawn:
        return FullParts(page, None, steplist)
    # a big diagram's rest is fetched by graph-later.js; drawn on the server, all is sent
    rest_url = None if with_list else rest_address(read, boxes, selected)
    return FullParts(page, diagram(read, boxes, page, rest_url), steplist)


def load_panels(run_id: str, step_ids: list[str], *, server_drawn: bool = False) -> list[StepPanel]:
    """Step panels for these steps, from one upstream call with `nodeIds` set to exactly them;
    their links keep the steps drawn on the server when the page has them so."""
    run = read_run(run_id, What.steps(step_ids)).run
    now = utc_now()
    href = partial(step_href, run_id, server_drawn=server_drawn)
    return [step_panel(run, step_id, now, href) for step_id in step_ids]


def run_page_view(
    read: RunRead, selected_step: str | None = None, *, server_drawn: bool = False
) -> RunPage:
    """The run page's view model (also behind the graph and live fragments)."""
    return run_page(
        read.run,
        read.request_id,
        now=utc_now(),
        refresh_seconds=current_app.config["VIEWER_SETTINGS"].refresh_seconds,
        selected_step=selected_step,
        server_drawn=server_drawn,
    )
