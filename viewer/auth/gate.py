"""The check before every request: who is asking, and the answer when nobody may be."""

from __future__ import annotations

import logging

from flask import current_app, g, make_response, redirect, render_template, request
from werkzeug.wrappers import Response

from viewer import security
from viewer.auth.identity import (
    ANONYMOUS,
    Refusal,
    proxy_identity,
    token_identity,
)
from viewer.auth.returns import page_of_fragment, signin_url, this_page
from viewer.auth.session import SESSION_COOKIE
from viewer.auth.state import auth_state
from viewer.errors import NotAuthorized
from viewer.web.errors import ErrorView, handle_viewer_error, is_fragment_request

log = logging.getLogger("viewer.auth")

PUBLIC_ENDPOINTS = frozenset({"static", "auth.healthz"})
SIGN_IN_ENDPOINTS = frozenset({"auth.signin", "auth.signin_post", "auth.signout"})
SIGN_IN_FIRST = Refusal(401, "Sign-in required", "Sign in with your runs API token first.")
REASONS = {
    "expired": "Your session has ended — sign in again",
    "refused": "Your runs API token was refused; sign in again",
    "signed_out": "You are signed out",
}


def check_request() -> Response | None:
    """Set g.identity (and g.credential in token mode), or answer for a person not signed in."""
    g.identity = ANONYMOUS
    settings = current_app.config["VIEWER_SETTINGS"]
    if settings.auth_mode == "none" or request.endpoint in PUBLIC_ENDPOINTS:
        return None
    if settings.auth_mode == "proxy":
        return _check_proxy()
    return _check_token()


def _check_proxy() -> Response | None:
    settings = current_app.config["VIEWER_SETTINGS"]
    found = proxy_identity(
        request.headers,
        settings.proxy_header,
        request.remote_addr,
        auth_state().networks,
        settings.allowed_email_domains,
    )
    if isinstance(found, Refusal):
        if settings.proxy_header in request.headers:
            log.warning(
                "refused the %s header from %s (%d)",
                settings.proxy_header,
                request.remote_addr,
                found.status,
            )
        return refuse(found)
    g.identity = found
    return None


def _check_token() -> Response | None:
    sealed = security.read_cookie(SESSION_COOKIE)
    token = auth_state().box.open(sealed)
    if token is not None:
        g.credential = token
        g.identity = token_identity(token)
        return None
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return None
    return ask_to_sign_in("expired" if sealed else None)


def ask_to_sign_in(reason: str | None) -> Response:
    """Send the person to sign in, then back here; a fragment gets a small 401 and HX-Redirect."""
    if is_fragment_request():
        reason = reason or "expired"
        response = refuse(Refusal(401, REASONS[reason], "You will be taken to the sign-in page."))
        response.headers["HX-Redirect"] = signin_url(page_of_fragment(), reason)
    elif request.method in ("GET", "HEAD"):
        response = redirect(signin_url(this_page(), reason))
    else:
        response = refuse(SIGN_IN_FIRST)
    if reason is not None:
        security.delete_cookie(response, SESSION_COOKIE)
    return response


def refuse(refusal: Refusal) -> Response:
    """An error page, or an error panel for a fragment request, with the refusal's status."""
    view = ErrorView(
        status=refusal.status,
        title=refusal.title,
        detail=refusal.detail,
        run_id=None,
        step_id=None,
        upstream_request_id=None,
        viewer_request_id=g.get("request_id", "-"),
        retry_url=None,
    )
    template = "_error_panel.html" if is_fragment_request() else "error.html"
    return make_response(render_template(template, error=view), refusal.status)


def handle_not_authorized(error: NotAuthorized) -> Response | tuple[str | Response, int]:
    """In token mode a 401 from the runs API means the person's token is bad: sign them out."""
    if current_app.config["VIEWER_SETTINGS"].auth_mode == "token" and error.upstream_status == 401:
        log.info(
            "runs API refused the token of %s: signing out", g.get("identity", ANONYMOUS).audit_name
        )
        return ask_to_sign_in("refused")
    return handle_viewer_error(error)
