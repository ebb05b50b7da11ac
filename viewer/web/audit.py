"""The audit log: one JSON line per view of run data (logger viewer.audit).

Every route of the blueprints that show run data is audited unless its view is marked
`@not_audited(reason)`, so a new page cannot be silently unaudited.

A line says who looked (the proxy's email, `token:<hash>` or "anonymous"), at which run and
steps, of which organization, with what outcome. It never holds a token or run data.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any, TypeVar

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from viewer.runs.ids import MAX_ID_LENGTH, MAX_STEPS_PER_CALL
from viewer.web.loading import organization_read

log = logging.getLogger("viewer.audit")
F = TypeVar("F", bound=Callable[..., Any])


def not_audited(reason: str) -> Callable[[F], F]:
    """Mark a view of an audited blueprint as not audited; `reason` says why, in the code."""

    def mark(view: F) -> F:
        view.not_audited = reason  # type: ignore[attr-defined]
        return view

    return mark


def is_audited() -> bool:
    """Every route of an audited blueprint is audited unless its view says otherwise."""
    if request.blueprint not in current_app.extensions["audited_blueprints"]:
        return False
    view = current_app.view_functions.get(request.endpoint or "")
    return view is not None and not hasattr(view, "not_audited")


def requested_steps() -> list[str]:
    """The step ids this request asked for: in the path, `?node=` or `?ids=` (bounded)."""
    args = request.view_args or {}
    steps = [args.get("step_id"), request.args.get("node")]
    steps.extend(request.args.get("ids", "").split(","))
    return [step[:MAX_ID_LENGTH] for step in steps if step][:MAX_STEPS_PER_CALL]


def audit_entry(status: int) -> dict[str, object]:
    identity = g.get("identity")
    run_id = (request.view_args or {}).get("run_id")
    return {
        "event": "run_viewed",
        "at": datetime.now(UTC).isoformat(timespec="milliseconds"),
        "view": request.endpoint,
        "who": identity.audit_name if identity else "anonymous",
        "run_id": run_id[:MAX_ID_LENGTH] if isinstance(run_id, str) else None,
        "step_ids": requested_steps(),
        "organization_id": organization_read(),
        "status": status,
        "viewer_request_id": g.get("request_id"),
    }


def record(response: Response) -> Response:
    if is_audited():
        log.info(json.dumps(audit_entry(response.status_code), separators=(",", ":")))
    return response


def init_app(app: Flask, blueprints: Iterable[str]) -> None:
    """Audit every route of these blueprints (those that show run data)."""
    app.extensions["audited_blueprints"] = frozenset(blueprints)
    app.after_request(record)
