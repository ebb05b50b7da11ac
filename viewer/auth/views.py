"""Sign-in and sign-out pages (token mode)."""

from __future__ import annotations

import logging
import math

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from werkzeug.wrappers import Response

from viewer import security
from viewer.auth.csrf import CSRF_FIELD, csrf_ok
from viewer.auth.gate import REASONS
from viewer.auth.identity import client_address, token_identity
from viewer.auth.returns import local_next
from viewer.auth.session import MAX_TOKEN_LENGTH, MIN_TOKEN_LENGTH, SESSION_COOKIE, clean_token
from viewer.auth.state import auth_state
from viewer.errors import AccessRefused

bp = Blueprint("auth", __name__)
log = logging.getLogger("viewer.auth")


@bp.get("/signin")
def signin() -> Response:
    _token_mode_only()
    reason = REASONS.get(request.args.get("reason", ""))
    return _form(200, local_next(request.args.get("next")), notice=reason)


@bp.post("/signin")
def signin_post() -> Response:
    """Check the form, keep the token sealed in the session cookie, and go back to `next`."""
    _token_mode_only()
    next_path = local_next(request.form.get("next"))
    state = auth_state()
    address = client_address(
        request.remote_addr, request.headers.get("X-Forwarded-For"), state.networks
    )
    wait = state.limiter.hit(address)
    if wait:
        minutes = math.ceil(wait / 60)
        response = _form(
            429,
            next_path,
            error=f"Too many sign-in attempts from your address. Try again in {minutes} "
            f"minute{'s' if minutes > 1 else ''}.",
        )
        response.headers["Retry-After"] = str(math.ceil(wait))
        return response
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        return _form(400, next_path, error="This form had expired. Paste your token again.")
    token = clean_token(request.form.get("token", ""))
    if token is None:
        return _form(
            400,
            next_path,
            error=f"That is not a runs API token: paste the whole token, {MIN_TOKEN_LENGTH} to "
            f"{MAX_TOKEN_LENGTH} characters without spaces.",
        )
    box = state.box
    response = redirect(next_path, 303)
    security.set_cookie(response, SESSION_COOKIE, box.seal(token), max_age=box.lifetime_seconds)
    log.info("signed in %s from %s", token_identity(token).audit_name, address)
    return response


@bp.post("/signout")
def signout() -> Response:
    _token_mode_only()
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        raise AccessRefused(
            400, "Sign-out failed", "The page was too old. Reload it and sign out again."
        )
    session = g.get("session")
    if session is not None:
        auth_state().revocations.revoke(session)
    response = redirect(url_for("auth.signin", reason="signed_out"), 303)
    security.delete_cookie(response, SESSION_COOKIE)
    return response


def _token_mode_only() -> None:
    if current_app.config["VIEWER_SETTINGS"].auth_mode != "token":
        abort(404)


def _form(
    status: int, next_path: str, *, notice: str | None = None, error: str | None = None
) -> Response:
    page = render_template(
        "signin.html",
        next_path=next_path,
        notice=notice,
        error=error,
        max_length=MAX_TOKEN_LENGTH,
        session_hours=current_app.config["VIEWER_SETTINGS"].session_hours,
    )
    return Response(page, status=status, mimetype="text/html")
