"""Full pages: the home page and the run page."""

from __future__ import annotations

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from viewer.errors import InvalidId, ViewerError
from viewer.runs.ids import check_run_id, check_step_id, run_id_from_text
from viewer.web.errors import error_view
from viewer.web.loading import load_run
from viewer.web.steps import load_panels, run_graph, run_page_view
from viewer.web.viewmodels import RunRow, run_row

bp = Blueprint("pages", __name__)


@bp.get("/")
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
    """The demo runs, read through the same client as any run (empty outside demo mode)."""
    if not current_app.config["VIEWER_SETTINGS"].demo_mode:
        return []
    from viewer.demo.api import DEMO_RUN_IDS

    rows = []
    for run_id in DEMO_RUN_IDS:
        try:
            run, _ = load_run(run_id, summary=True)
        except ViewerError as error:
            current_app.logger.warning("demo run %s could not be read: %s", run_id, error)
            continue
        rows.append(run_row(run))
    return rows


@bp.get("/runs/<run_id>")
def run_page(run_id: str) -> tuple[str, int]:
    """The shareable run page; `?node=<step>` opens that step's panel, `?steps=all` draws the
    steps on the server (for browsers without JavaScript)."""
    check_run_id(run_id)
    selected = request.args.get("node") or None
    if selected is not None:
        check_step_id(selected)
    drawn_on_server = request.args.get("steps") == "all"
    run, request_id = load_run(run_id, summary=not drawn_on_server)
    page = run_page_view(run, request_id, selected)
    graph = run_graph(run) if drawn_on_server else None
    panels, panel_error, status = [], None, 200
    if selected is not None:
        try:
            _, panels = load_panels(run_id, [selected])
        except ViewerError as error:
            panel_error, status = error_view(error), error.status_code
    body = render_template(
        "run.html", page=page, graph=graph, panels=panels, panel_error=panel_error
    )
    return body, status
