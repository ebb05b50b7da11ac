"""Routes of the explanations: compare two runs, and a run's summary for a ticket."""

from __future__ import annotations

from flask import Blueprint, Response, g, redirect, render_template, request, url_for

from viewer.errors import InvalidId, ViewerError
from viewer.explain.compare import compare_runs
from viewer.explain.story import WhatHappened, what_happened
from viewer.explain.ticket import TicketLinks, ticket_markdown
from viewer.runs.ids import check_run_id, run_id_from_text
from viewer.runs.model import Run
from viewer.runs.service import FULL
from viewer.web.formatting import absolute_time
from viewer.web.loading import read_run, upstream_request_id
from viewer.web.viewmodels import utc_now

bp = Blueprint("explain", __name__)


@bp.get("/runs/<run_id>/ticket.md")
def ticket(run_id: str) -> Response:
    """The run as Markdown for a support ticket (the same text the copy button copies)."""
    run = read_run(check_run_id(run_id), FULL).run
    return Response(ticket_text(run), mimetype="text/markdown")


def ticket_text(run: Run) -> str:
    """The ticket Markdown of a run read in full, for this request."""
    compare = None
    if run.is_simulation and run.source_run_id:
        try:
            other = check_run_id(run.source_run_id)
            compare = url_for("explain.compare", run_id=run.id, other_id=other, _external=True)
        except InvalidId:
            compare = None
    links = TicketLinks(
        run_url=url_for("pages.run_page", run_id=run.id, _external=True),
        step_url=lambda step: url_for("pages.run_page", run_id=run.id, node=step, _external=True),
        compare_url=compare,
        upstream_request_id=upstream_request_id(),
        viewer_request_id=g.get("request_id", "-"),
    )
    return ticket_markdown(run, story_of(run), links, absolute_time)


def story_of(run: Run) -> WhatHappened:
    """What happened in the run, told once per request (the page and its ticket text share
    it; on a run of thousands of steps telling it is a good part of the page's time)."""
    told = g.setdefault("stories", {})
    found = told.get(id(run))
    if found is None or found[0] is not run:  # the run is kept with it: its id stays its own
        found = told[id(run)] = (run, what_happened(run, utc_now()))
    return found[1]


@bp.get("/runs/<run_id>/compare")
def compare_form(run_id: str) -> Response:
    """The run page's small form: `?with=<id or link>` goes to the comparison."""
    check_run_id(run_id)
    wanted = request.args.get("with", "").strip()
    if not wanted:
        raise InvalidId("Type the id of the run to compare this run with, or paste its link.")
    other = run_id_from_text(wanted)
    return redirect(url_for("explain.compare", run_id=run_id, other_id=other))  # type: ignore[return-value]


@bp.get("/runs/<run_id>/compare/<other_id>")
def compare(run_id: str, other_id: str) -> str:
    """Two runs side by side: where they part ways, statuses, values, durations, costs."""
    left = _read(run_id, "The first run")
    right = _read(other_id, "The run to compare with")
    if left.id == right.id:
        raise InvalidId("Both addresses name the same run; choose a different run to compare with.")
    return render_template("compare.html", cmp=compare_runs(left, right, utc_now()))


def _read(run_id: str, which: str) -> Run:
    """Read one run in full; an error says which of the two runs it was about."""
    try:
        return read_run(check_run_id(run_id), FULL).run
    except ViewerError as error:
        error.detail = f"{which} ({run_id[:80]}): {error.detail}"
        raise
