"""One error handler: a readable page, panel or JSON answer for every error a person can meet.

Which of the three is picked by the kind of route (its blueprint), never by the path: fragment
routes answer a panel, raw data routes JSON, everything else a page (`{status}.html` or
`error.html`). Sign-in errors become a redirect to sign in (pages), a 401 panel with
`HX-Redirect` (fragments) or a 401 JSON answer.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass, replace

from flask import Flask, current_app, g, jsonify, make_response, redirect, render_template, request
from jinja2 import TemplateNotFound
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response

from viewer.auth.gate import REASONS, forget_session, sign_in_again
from viewer.auth.returns import page_of_fragment, signin_url, this_page
from viewer.errors import NotAuthorized, SignInRequired, ViewerError
from viewer.runs.redact import redact_text
from viewer.web.loading import upstream_request_id

log = logging.getLogger("viewer.errors")

PAGE, FRAGMENT, JSON = "page", "fragment", "json"


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
    sign_in_url: str | None = None


def response_kind() -> str:
    """PAGE, FRAGMENT or JSON: what the route that took this request answers with."""
    kinds = current_app.extensions["response_kinds"]
    return kinds.get(request.blueprint or "", PAGE)


def render_error(view: ErrorView) -> tuple[str | Response, int]:
    """Pick the panel, the JSON answer, `{status}.html` or `error.html` for this request."""
    kind = response_kind()
    if kind == FRAGMENT:
        return render_template("_error_panel.html", error=view), view.status
    if kind == JSON:
        body = {
            "code": view.status,
            "message": f"{view.title}. {view.detail}",
            "requestId": view.upstream_request_id,
            "viewerRequestId": view.viewer_request_id,
        }
        if view.sign_in_url:
            body["signInUrl"] = view.sign_in_url
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
        upstream_request_id=upstream_id or upstream_request_id(),
        viewer_request_id=g.get("request_id", "-"),
        retry_url=request.full_path.rstrip("?") if retry else None,
    )


def handle_viewer_error(error: ViewerError) -> Response:
    if isinstance(error, NotAuthorized):
        error = sign_in_again(error) or error
    if isinstance(error, SignInRequired):
        return answer_sign_in(error)
    if error.request_id:
        g.upstream_request_id = error.request_id  # for the access log line
    log.warning(
        "%s %s -> %d %s upstream_request_id=%s viewer_request_id=%s",
        request.method,
        request.path,
        error.status_code,
        type(error).__name__,
        error.request_id or "-",
        g.get("request_id", "-"),
    )
    response = make_response(*render_error(error_view(error)))
    if error.retry_after is not None:
        response.headers["Retry-After"] = str(error.retry_after)
    return response


def answer_sign_in(error: SignInRequired) -> Response:
    """Send the person to sign in and back; a fragment gets a 401 panel and `HX-Redirect`."""
    kind = response_kind()
    if kind == PAGE and request.method in ("GET", "HEAD"):
        response = redirect(signin_url(this_page(), error.reason))
    elif kind == FRAGMENT:
        reason = error.reason or "expired"
        title, detail = REASONS[reason], "You will be taken to the sign-in page."
        view = _view(401, title, detail, upstream_id=None, retry=False)
        response = make_response(*render_error(view))
        response.headers["HX-Redirect"] = signin_url(page_of_fragment(), reason)
    else:
        view = replace(
            _view(401, error.title, error.detail, upstream_id=None, retry=False),
            sign_in_url=signin_url(this_page(), error.reason),
        )
        response = make_response(*render_error(view))
    if error.forget_session:
        forget_session(response)
    return response


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


def init_app(app: Flask, kinds: dict[str, str]) -> None:
    """Answer errors; `kinds` names the blueprints whose routes answer fragments or JSON."""
    app.extensions["response_kinds"] = kinds
    app.before_request(assign_request_id)
    app.after_request(add_request_id_header)
    app.register_error_handler(ViewerError, handle_viewer_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
