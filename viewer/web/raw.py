"""Raw data: the run as JSON, secrets redacted, to view or download."""

from __future__ import annotations

import json

from flask import Blueprint, Response, request

from viewer.runs.ids import check_run_id, check_step_id
from viewer.runs.redact import redact_value
from viewer.web.loading import fetch_answer

bp = Blueprint("raw", __name__)


@bp.get("/runs/<run_id>.json")
def run_json(run_id: str) -> Response:
    """The whole run (definition and state) as the upstream sent it, with secrets redacted."""
    check_run_id(run_id)
    answer = fetch_answer(run_id)
    body = json.dumps(
        {"requestId": answer.request_id, "data": redact_value(answer.data)},
        indent=2,
        ensure_ascii=False,
    )
    response = Response(body, mimetype="application/json")
    if request.args.get("download"):
        response.headers["Content-Disposition"] = f'attachment; filename="run-{run_id}.json"'
    return response


@bp.get("/runs/<run_id>/steps/<step_id>.json")
def step_json(run_id: str, step_id: str) -> Response:
    """One step's definition and state (fetched with `nodeIds=<step_id>`), secrets redacted."""
    check_run_id(run_id)
    check_step_id(step_id)
    answer = fetch_answer(run_id, node_ids=[step_id])
    data = redact_value(answer.data)
    definition = data.get("workflowDefinition")
    nodes = definition.get("nodes") if isinstance(definition, dict) else None
    state = data.get("executionState")
    if isinstance(state, dict) and isinstance(state.get("nodes"), dict):
        state = state["nodes"]
    body = {
        "requestId": answer.request_id,
        "runId": run_id,
        "stepId": step_id,
        "definition": nodes.get(step_id) if isinstance(nodes, dict) else None,
        "state": state.get(step_id) if isinstance(state, dict) else None,
    }
    return Response(json.dumps(body, indent=2, ensure_ascii=False), mimetype="application/json")
