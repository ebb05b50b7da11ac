"""Where to send a person after sign-in: only ever a path on this site."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import request, url_for
from werkzeug.urls import iri_to_uri

from viewer.links import is_local_path

SIGN_IN_PATHS = frozenset({"/signin", "/signout"})


def local_next(value: object) -> str:
    """The value when it is a local path (not the sign-in pages themselves), else "/"."""
    if not isinstance(value, str) or not is_local_path(value):
        return "/"
    uri = iri_to_uri(value)
    if not is_local_path(uri) or urlsplit(uri).path in SIGN_IN_PATHS:
        return "/"
    return uri


def this_page() -> str:
    """The path and query of the current request, to come back to after sign-in."""
    return local_next(request.full_path.removesuffix("?"))


def page_of_fragment() -> str:
    """The page an htmx request came from (its HX-Current-URL), when that page is on this site."""
    current = request.headers.get("HX-Current-URL", "")
    try:
        parts = urlsplit(current)
    except ValueError:
        return "/"
    if parts.netloc and (parts.scheme not in ("http", "https") or parts.netloc != request.host):
        return "/"
    return local_next(parts.path + (f"?{parts.query}" if parts.query else ""))


def signin_url(next_path: str, reason: str | None = None) -> str:
    """/signin with the return address (left out when it is the home page) and the reason."""
    return url_for("auth.signin", next=None if next_path == "/" else next_path, reason=reason)
