"""One error handler: a readable page, panel or JSON answer for every error a person can meet."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from flask import Flask, g, jsonify, render_template, request
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from viewer.errors import ViewerError
from viewer.runs.redact import redact_text

FRAGMENT_PREFIX = "/_fragments/"
log = logging.getLogger("viewer.errors")


@dataclass(frozen=True)
class ErrorView:
    """What an error page or panel shows."""

    status: int
    title: str
    detail: str
    run_id: str | None
    step_id: str | None
    upstream_request_id: str | None
    viewer_request_id: str
    retry_url: str | None


def is_fragment_request() -> bool:
    return request.path.startswith(FRAGMENT_PREFIX)


def render_error(view: ErrorView) -> tuple[str | Response, int]:
    """Pick the panel, the JSON answer, `{status}.html` or `error.html` for this request."""
    if is_fragment_request():
        return render_template("_error_panel.html", error=view), view.status
    if request.path.endswith(".json"):
        body = {
            "code": view.status,
            "message": f"{view.title}. {view.detail}",
            "requestId": view.upstream_request_id,
            "viewerRequestId": view.viewer_request_id,
        }
        return jsonify(body), view.status
    try:
        return render_template(f"{view.status}.html", error=view), view.status
    except TemplateNotFound:
        return render_template("error.html", error=view), view.status


def _view(
    status: int, title: str, detail: str, *, upstream_id: str | None, retry: bool
) -> ErrorView:
    args = request.view_args or {}
    return ErrorView(
        status=status,
        title=title,
        detail=redact_text(detail),
        run_id=args.get("run_id"),
        step_id=args.get("step_id") or request.args.get("node"),
        upstream_request_id=upstream_id or g.get("upstream_request_id"),
        viewer_request_id=g.get("request_id", "-"),
        retry_url=request.full_path.rstrip("?") if retry else None,
    )


def handle_viewer_error(error: ViewerError) -> tuple[str | Response, int]:
    log.warning(
        "%s %s -> %d %s upstream_request_id=%s viewer_request_id=%s",
        request.method,
        request.path,
        error.status_code,
        type(error).__name__,
        error.request_id or "-",
        g.get("request_id", "-"),
    )
    return render_error(error_view(error))


def error_view(error: ViewerError) -> ErrorView:
    """The view of a typed error, for a page, a panel, or inside another page."""
    return _view(
        error.status_code,
        error.title,
        error.detail,
        upstream_id=error.request_id,
        retry=error.retryable,
    )


def handle_http_error(error: HTTPException) -> tuple[str | Response, int]:
    status = error.code or 500
    title = {404: "Page not found", 405: "Method not allowed"}.get(status, error.name)
    detail = (
        "There is no page at this address. Check the link, or open a run from the home page."
        if status == 404
        else (error.description or "")
    )
    return render_error(_view(status, title, detail, upstream_id=None, retry=False))


def handle_unexpected(error: Exception) -> tuple[str | Response, int]:
    log.exception("unexpected error on %s %s", request.method, request.path)
    detail = (
        "The viewer hit a problem it did not expect. It has been logged; "
        "quote the viewer request id below when you report it."
    )
    return render_error(_view(500, "Something went wrong", detail, upstream_id=None, retry=True))


def assign_request_id() -> None:
    g.request_id = uuid.uuid4().hex[:16]


def add_request_id_header(response: Response) -> Response:
    if "request_id" in g:
        response.headers["X-Request-Id"] = g.request_id
    return response


def init_app(app: Flask) -> None:
    app.before_request(assign_request_id)
    app.after_request(add_request_id_header)
    app.register_error_handler(ViewerError, handle_viewer_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
