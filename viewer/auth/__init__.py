"""Who may see a run: no sign-in, a trusted sign-in proxy, or each person's own runs API token.

VIEWER_AUTH picks the mode. Every request passes `gate.check_request` first, which sets
`g.identity` (and, in token mode, `g.credential`, the token upstream calls use), or raises a
typed error that the app's one error handler answers.
"""

from __future__ import annotations

from flask import Flask

from viewer.auth import csrf, gate, views
from viewer.auth.state import AuthState


def init_app(app: Flask) -> None:
    """Wire sign-in into the app; call after the error handlers (it uses g.request_id)."""
    app.extensions["viewer_auth"] = AuthState.for_settings(
        app.config["VIEWER_SETTINGS"], app.extensions.get("redis")
    )
    app.register_blueprint(views.bp)
    app.before_request(gate.check_request)
    app.after_request(csrf.store_new_nonce)
    app.jinja_env.globals["csrf_token"] = csrf.csrf_token
