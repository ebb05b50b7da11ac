"""Full pages: the home page and the run page."""

from __future__ import annotations

from dataclasses import replace

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from viewer.errors import InvalidId, ViewerError
from viewer.runs.ids import check_run_id, check_step_id, run_id_from_text
from viewer.runs.service import SUMMARY, runs
from viewer.web.audit import not_audited
from viewer.web.errors import error_view
from viewer.web.loading import read_run
from viewer.web.steps import FullParts, box_choices, full_parts, load_panels, run_page_view
from viewer.web.streaming import Deferred, stream_page
from viewer.web.timeline import VIEW, live_href, run_timeline
from viewer.web.viewmodels import RunRow, run_row

bp = Blueprint("pages", __name__)


@bp.get("/")
@not_audited("lists the demo runs' summaries, never a person's run")
def index() -> Response | str | tuple[str, int]:
    """Open a run by id or link; in demo mode, list the demo runs."""
    wanted = request.args.get("run", "").strip()
    if wanted:
        try:
            return redirect(url_for("pages.run_page", run_id=run_id_from_text(wanted)))
        except InvalidId as error:
            page = render_template("index.html", rows=demo_rows(), wanted=wanted, error=error)
            return page, 400
    return render_template("index.html", rows=demo_rows(), wanted="", error=None)


def demo_rows() -> list[RunRow]:
    """The runs the upstream offers to list (the demo's), read like any run."""
    rows = []
    for run_id in runs().listed_runs:
        try:
            run = read_run(run_id, SUMMARY).run
        except ViewerError as error:
            current_app.logger.warning("demo run %s could not be read: %s", run_id, error)
            continue
        rows.append(run_row(run))
    return rows


@bp.get("/runs/<run_id>")
def run_page(run_id: str) -> Response:
    """The shareable run page; `?node=<step>` opens that step's panel, `?steps=all` adds a
    table of every step (for browsers without JavaScript).

    The summary (a light read) is sent first; the diagram, the failure summary and the inputs'
    schema follow in the same response once the run has been read in full.
    """
    check_run_id(run_id)
    selected = request.args.get("node") or None
    if selected is not None:
        check_step_id(selected)
    on_timeline = request.args.get("view") == VIEW
    with_list = request.args.get("steps") == "all" and not on_timeline
    read = read_run(run_id, SUMMARY)
    page = run_page_view(read, selected, server_drawn=with_list)
    panels, panel_error, status = [], None, 200
    if selected is not None:
        try:
            panels = load_panels(run_id, [selected], server_drawn=with_list)
        except ViewerError as error:
            panel_error, status = error_view(error), error.status_code
    boxes = box_choices(request.args)
    args = request.args

    def later() -> FullParts:
        parts = full_parts(run_id, boxes, selected, with_list, drawn=not on_timeline)
        if not on_timeline:
            return parts
        run = parts.page.run
        return replace(
            parts,
            timeline=run_timeline(run, args),
            timeline_live_href=live_href(run, args),
        )

    return stream_page(
        "run.html",
        status,
        page=page,
        full=Deferred(later),
        panels=panels,
        panel_error=panel_error,
    )
