"""The check before every request: who is asking. A person who may not pass gets a typed
error (`AccessRefused`, `SignInRequired`); the one error handler in `viewer.web.errors` answers
it as a page, a fragment or JSON, by the kind of route."""

from __future__ import annotations

import logging

from flask import Flask, current_app, g, request
from werkzeug.wrappers import Response

from viewer import security
from viewer.auth.identity import ANONYMOUS, Refusal, proxy_identity, token_identity
from viewer.auth.session import SESSION_COOKIE
from viewer.auth.state import auth_state
from viewer.errors import AccessRefused, NotAuthorized, SignInRequired

log = logging.getLogger("viewer.auth")

PUBLIC_ENDPOINTS = frozenset({"static"})  # more are added by allow_without_sign_in
SIGN_IN_ENDPOINTS = frozenset({"auth.signin", "auth.signin_post", "auth.signout"})
REASONS = {
    "expired": "Your session has ended — sign in again",
    "refused": "Your runs API token was refused; sign in again",
    "signed_out": "You are signed out",
}


def allow_without_sign_in(app: Flask, endpoints: frozenset[str]) -> None:
    """Let these endpoints (health checks, say) answer without anybody signed in."""
    app.extensions["public_endpoints"] = (
        app.extensions.get("public_endpoints", PUBLIC_ENDPOINTS) | endpoints
    )


def check_request() -> None:
    """Set g.identity (and g.credential in token mode), or answer for a person not signed in."""
    g.identity = ANONYMOUS
    settings = current_app.config["VIEWER_SETTINGS"]
    public = current_app.extensions.get("public_endpoints", PUBLIC_ENDPOINTS)
    if settings.auth_mode == "none" or request.endpoint in public:
        return
    if settings.auth_mode == "proxy":
        _check_proxy()
    else:
        _check_token()


def _check_proxy() -> None:
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
        raise refused(found)
    g.identity = found


def _check_token() -> None:
    sealed = security.read_cookie(SESSION_COOKIE)
    state = auth_state()
    session = state.box.open(sealed)
    signed_out = session is not None and state.revocations.is_revoked(session.id)
    if session is not None and not signed_out:
        g.session = session
        g.credential = session.token
        g.identity = token_identity(session.token)
        return None
    if request.endpoint in SIGN_IN_ENDPOINTS:
        return
    raise sign_in_first("signed_out" if signed_out else "expired" if sealed else None)


def sign_in_first(reason: str | None) -> SignInRequired:
    """The error that sends a person to sign in, then back to where they were."""
    detail = REASONS[reason] if reason else "Sign in with your runs API token first."
    return SignInRequired(detail, reason=reason, forget_session=reason is not None)


def refused(refusal: Refusal) -> AccessRefused:
    return AccessRefused(refusal.status, refusal.title, refusal.detail)


def sign_in_again(error: NotAuthorized) -> SignInRequired | None:
    """In token mode a 401 from the runs API means the person's token is bad: sign them out."""
    if current_app.config["VIEWER_SETTINGS"].auth_mode != "token" or error.upstream_status != 401:
        return None
    log.info(
        "runs API refused the token of %s: signing out", g.get("identity", ANONYMOUS).audit_name
    )
    return sign_in_first("refused")


def forget_session(response: Response) -> None:
    security.delete_cookie(response, SESSION_COOKIE)
