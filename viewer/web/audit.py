"""The audit log: one JSON line per run page, step panel and raw JSON view (logger viewer.audit).

A line says who looked (the proxy's email, `token:<hash>` or "anonymous"), at which run and
steps, of which organization, with what outcome. It never holds a token or run data.
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime

from flask import Flask, g, request
from werkzeug.wrappers import Response

from viewer.runs.ids import MAX_ID_LENGTH, MAX_STEPS_PER_CALL

log = logging.getLogger("viewer.audit")

AUDITED_VIEWS = {
    "pages.run_page": "run_page",
    "fragments.step": "step_panel",
    "fragments.steps": "step_panels",
    "raw.run_json": "raw_json",
    "raw.step_json": "raw_step_json",
}


def requested_steps() -> list[str]:
    """The step ids this request asked for: in the path, `?node=` or `?ids=` (bounded)."""
    args = request.view_args or {}
    steps = [args.get("step_id"), request.args.get("node")]
    steps.extend(request.args.get("ids", "").split(","))
    return [step[:MAX_ID_LENGTH] for step in steps if step][:MAX_STEPS_PER_CALL]


def audit_entry(view: str, status: int) -> dict[str, object]:
    identity = g.get("identity")
    run_id = (request.view_args or {}).get("run_id")
    return {
        "event": "run_viewed",
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "view": view,
        "who": identity.audit_name if identity else "anonymous",
        "run_id": run_id[:MAX_ID_LENGTH] if isinstance(run_id, str) else None,
        "step_ids": requested_steps(),
        "organization_id": g.get("organization_id"),
        "status": status,
        "viewer_request_id": g.get("request_id"),
    }


def record(response: Response) -> Response:
    view = AUDITED_VIEWS.get(request.endpoint or "")
    if view is not None:
        log.info(json.dumps(audit_entry(view, response.status_code), separators=(",", ":")))
    return response


def init_app(app: Flask) -> None:
    app.after_request(record)
