"""Security headers on every response (a strict CSP and friends) and hardened cookies."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    )
)
HSTS = "max-age=31536000; includeSubDomains"
# the only answers a shared cache may keep: the same for everyone, no run data, no session
PUBLIC_ENDPOINTS = frozenset({"static", "health.healthz"})


def served_over_https() -> bool:
    """True when people reach the viewer over https (directly, or per VIEWER_BEHIND_HTTPS)."""
    return request.is_secure or current_app.config["VIEWER_SETTINGS"].behind_https


def cookie_name(base: str) -> str:
    """`__Host-<base>` over https (the browser then pins it to this host), else `<base>`."""
    return f"__Host-{base}" if served_over_https() else base


def read_cookie(base: str) -> str | None:
    return request.cookies.get(cookie_name(base))


def set_cookie(response: Response, base: str, value: str, max_age: int | None = None) -> None:
    """Set an HttpOnly, SameSite=Lax cookie for the whole site; Secure over https."""
    response.set_cookie(
        cookie_name(base),
        value,
        max_age=max_age,
        path="/",
        secure=served_over_https(),
        httponly=True,
        samesite="Lax",
    )


def delete_cookie(response: Response, base: str) -> None:
    response.delete_cookie(
        cookie_name(base), path="/", secure=served_over_https(), httponly=True, samesite="Lax"
    )


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "no-referrer")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if served_over_https():
        headers.setdefault("Strict-Transport-Security", HSTS)
    if request.endpoint not in PUBLIC_ENDPOINTS:
        headers.setdefault("Cache-Control", "no-store")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
