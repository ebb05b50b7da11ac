"""htmx fragments, all under /_fragments/: the graph, step panels and the live refresh."""

from __future__ import annotations

from flask import Blueprint, render_template, request

from viewer.runs.ids import check_run_id, check_step_id, check_step_ids
from viewer.web.loading import load_run
from viewer.web.steps import load_panels, run_graph, run_page_view

bp = Blueprint("fragments", __name__, url_prefix="/_fragments")


@bp.get("/runs/<run_id>/graph")
def graph(run_id: str) -> str:
    """The diagram and list of steps, with the failure summary sent alongside."""
    check_run_id(run_id)
    run, _ = load_run(run_id)
    return render_template("_graph_fragment.html", graph=run_graph(run), run=run, run_id=run.id)


@bp.get("/runs/<run_id>/steps/<step_id>")
def step(run_id: str, step_id: str) -> str:
    """One step's panel, fetched with `nodeIds=<step_id>` only."""
    check_run_id(run_id)
    check_step_id(step_id)
    _, panels = load_panels(run_id, [step_id])
    return render_template("_step_panels.html", panels=panels)


@bp.get("/runs/<run_id>/steps")
def steps(run_id: str) -> str:
    """Several step panels (e.g. every failed step) from one upstream call."""
    check_run_id(run_id)
    wanted = check_step_ids([part for part in request.args.get("ids", "").split(",") if part])
    _, panels = load_panels(run_id, wanted)
    return render_template("_step_panels.html", panels=panels)


@bp.get("/runs/<run_id>/live")
def live(run_id: str) -> str:
    """The refreshed status header and step statuses of a run still moving."""
    check_run_id(run_id)
    run, request_id = load_run(run_id)
    return render_template("_live_update.html", page=run_page_view(run, request_id))
