"""CSRF tokens for the sign-in and sign-out forms: an HMAC of a random nonce kept in a cookie.

A page with a form gets the nonce cookie (HttpOnly, so other sites can neither read nor, with
the __Host- prefix, plant it) and a hidden field holding HMAC(key, nonce). A POST is accepted
only when the field matches the HMAC of the nonce cookie it arrives with.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

from flask import Response, g

from viewer import security
from viewer.auth.state import auth_state

CSRF_COOKIE = "viewer_csrf"
CSRF_FIELD = "csrf_token"
NONCE = re.compile(r"[A-Za-z0-9_-]{32,64}")


def _key() -> bytes:
    return auth_state().csrf_key


def _sign(nonce: str) -> str:
    return hmac.new(_key(), nonce.encode(), hashlib.sha256).hexdigest()


def _cookie_nonce() -> str | None:
    nonce = security.read_cookie(CSRF_COOKIE)
    return nonce if nonce and NONCE.fullmatch(nonce) else None


def csrf_token() -> str:
    """The token for a form on this page; makes a nonce (and its cookie) when there is none."""
    nonce = g.get("csrf_nonce") or _cookie_nonce()
    if nonce is None:
        nonce = secrets.token_urlsafe(32)
        g.csrf_new_nonce = True
    g.csrf_nonce = nonce
    return _sign(nonce)


def csrf_ok(submitted: str | None) -> bool:
    """True when the submitted token is the HMAC of the nonce cookie sent with this request."""
    nonce = _cookie_nonce()
    if nonce is None or not submitted:
        return False
    return hmac.compare_digest(_sign(nonce), submitted)


def store_new_nonce(response: Response) -> Response:
    """After a page made a new nonce, send it as a cookie (for the browser session)."""
    if g.get("csrf_new_nonce"):
        security.set_cookie(response, CSRF_COOKIE, g.csrf_nonce)
    return response
