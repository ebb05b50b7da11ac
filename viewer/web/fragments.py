"""htmx fragments, all under /_fragments/: the graph, step panels and the live refresh."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request

from viewer.runs.ids import check_step_id, check_step_ids
from viewer.web.audit import not_audited
from viewer.web.diagrams import diagram, rest_of_diagram
from viewer.web.later import check_version, kept_by_the_browser, rest_version
from viewer.web.loading import read_run
from viewer.web.steplist import step_list
from viewer.web.steps import box_choices, load_panels, run_page_view
from viewer.web.streaming import sent_alone
from viewer.web.timeline import live_href, run_timeline

bp = Blueprint("fragments", __name__, url_prefix="/_fragments")


@bp.get("/runs/<run_id>/graph")
@not_audited("loaded by the run page, whose view is audited")
def graph(run_id: str) -> str:
    """The diagram and list of steps, with the failure summary sent alongside."""
    read = read_run(run_id)
    page = run_page_view(read)
    return render_template(
        "_graph_fragment.html", diagram=diagram(read, box_choices(request.args), page), page=page
    )


@bp.get("/runs/<run_id>/graph/rest")
@not_audited("loaded by the run page, whose view is audited")
def graph_rest(run_id: str) -> Response:
    """The chunks of a big diagram that the run page sent with its first part only (on the
    step in `node`, or the trigger): graph-later.js puts them after that part. Under the `v`
    the page gave a finished run's, the browser keeps them (viewer/web/later.py)."""
    selected = request.args.get("node") or None
    if selected is not None:
        check_step_id(selected)
    boxes = box_choices(request.args)
    read = read_run(run_id)
    asked = request.args.get("v")
    check_version(asked, rest_version(read, boxes, selected))
    rest = sent_alone(rest_of_diagram(read, boxes, run_page_view(read, selected)))
    return kept_by_the_browser(rest) if asked is not None else rest


@bp.get("/runs/<run_id>/list")
def steps_list(run_id: str) -> str:
    """Every step as a sortable table: the diagram's list view, loaded when first asked for."""
    run = read_run(run_id).run
    return render_template("_step_list.html", steplist=step_list(run))


@bp.get("/runs/<run_id>/steps/<step_id>")
def step(run_id: str, step_id: str) -> str:
    """One step's panel, fetched with `nodeIds=<step_id>` only."""
    panels = load_panels(run_id, [check_step_id(step_id)])
    return render_template("_step_panels.html", panels=panels)


@bp.get("/runs/<run_id>/steps")
def steps(run_id: str) -> str:
    """Several step panels (e.g. every failed step) from one upstream call."""
    wanted = check_step_ids([part for part in request.args.get("ids", "").split(",") if part])
    panels = load_panels(run_id, wanted)
    return render_template("_step_panels.html", panels=panels)


@bp.get("/runs/<run_id>/live")
@not_audited("polled every few seconds by the run page, whose view is audited")
def live(run_id: str) -> str:
    """The refreshed status header and step statuses of a run still moving."""
    read = read_run(run_id)
    return render_template("_live_update.html", page=run_page_view(read))


@bp.get("/runs/<run_id>/timeline")
@not_audited("polled by the run page's timeline view, whose view is audited")
def timeline(run_id: str) -> str:
    """The timeline section again, while the run moves (the same page and filter)."""
    run = read_run(run_id).run
    return render_template(
        "_timeline.html",
        timeline=run_timeline(run, request.args),
        timeline_live_href=live_href(run, request.args),
    )


@bp.get("/<path:unknown>")
@not_audited("shows no run data")
def not_found(unknown: str) -> str:
    """Any other address under the prefix is a missing fragment, answered as a fragment."""
    abort(404)
