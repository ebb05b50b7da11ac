"""Raw data: the run as JSON, secrets redacted (at the boundary, like everything), to view or
download."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from viewer.runs.ids import check_step_id
from viewer.runs.service import FULL, What
from viewer.web.loading import read_run

bp = Blueprint("raw", __name__)


@bp.get("/runs/<run_id>.json")
def run_json(run_id: str) -> Response:
    """The whole run (definition and state) as the upstream sent it, with secrets redacted."""
    read = read_run(run_id, FULL)
    body = json.dumps(
        {"requestId": read.request_id, "data": read.run.data}, indent=2, ensure_ascii=False
    )
    response = Response(body, mimetype="application/json")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="run-{read.run.id}.json"'
    return response


@bp.get("/runs/<run_id>/steps/<step_id>.json")
def step_json(run_id: str, step_id: str) -> Response:
    """One step's definition and state (fetched with `nodeIds=<step_id>`), secrets redacted."""
    step_id = check_step_id(step_id)
    read = read_run(run_id, What.steps([step_id]))
    definition = read.run.step_definition(step_id)
    state = read.run.step(step_id)
    body = {
        "requestId": read.request_id,
        "runId": read.run.id,
        "stepId": step_id,
        "definition": definition.raw if definition else None,
        "state": state.raw if state else None,
    }
    return Response(json.dumps(body, indent=2, ensure_ascii=False), mimetype="application/json")
