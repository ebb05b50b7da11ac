"""Reader preferences: light or dark, and how times are shown; remembered in one cookie.

The server reads the cookie on every request, so pages arrive already in the chosen theme and
with times in the chosen zone (no flash, no JavaScript needed). Without the cookie: the
system's theme and the viewer's VIEWER_TIMEZONE.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

from flask import Blueprint, Flask, abort, current_app, g, has_request_context, redirect, request
from werkzeug.wrappers import Response

from viewer import security
from viewer.auth.csrf import CSRF_FIELD, csrf_ok
from viewer.auth.gate import allow_without_sign_in
from viewer.auth.returns import local_next, this_page

COOKIE = "viewer_prefs"
MAX_AGE = 365 * 24 * 3600
THEMES = {"system": "Same as my system", "light": "Light", "dark": "Dark"}
TIMES = ("viewer", "local", "utc", "relative")

bp = Blueprint("preferences", __name__)


@lru_cache(maxsize=1)
def _zones() -> frozenset[str]:
    return frozenset(available_timezones())


def known_zone(name: object) -> str | None:
    """The name when it is an IANA zone this machine knows, else None."""
    return name if isinstance(name, str) and name in _zones() else None


@dataclass(frozen=True)
class Preferences:
    theme: str = "system"
    times: str = "viewer"
    zone: str | None = None  # the reader's own zone, as their browser told it

    def encode(self) -> str:
        return f"{self.theme}|{self.times}|{self.zone or ''}"

    @classmethod
    def decode(cls, value: str | None) -> Preferences:
        """Tolerant: anything unknown in the cookie falls back to the default."""
        theme, times, zone = [*(value or "").split("|"), "", "", ""][:3]
        return cls(
            theme=theme if theme in THEMES else "system",
            times=times if times in TIMES else "viewer",
            zone=known_zone(zone),
        )


def preferences() -> Preferences:
    """This request's preferences (read from the cookie once); the defaults outside a request."""
    if not has_request_context():
        return Preferences()
    if "preferences" not in g:
        g.preferences = Preferences.decode(security.read_cookie(COOKIE))
    return g.preferences


def display_zone() -> ZoneInfo:
    """The zone times are shown in: UTC, the reader's own, or the viewer's (the default)."""
    prefs = preferences()
    if prefs.times == "utc":
        return ZoneInfo("UTC")
    if prefs.times == "local" and prefs.zone:
        return ZoneInfo(prefs.zone)
    return ZoneInfo(current_app.config["VIEWER_SETTINGS"].timezone)


def time_choices() -> list[tuple[str, str]]:
    """The choices of the time switch, each named plainly."""
    viewer_zone = current_app.config["VIEWER_SETTINGS"].timezone
    own = preferences().zone
    return [
        ("viewer", f"Team default ({viewer_zone})"),
        ("local", f"My time zone ({own})" if own else "My time zone"),
        ("utc", "UTC"),
        ("relative", "Relative (“3 hours ago”)"),
    ]


@bp.post("/preferences")
def save() -> Response:
    """Remember the submitted preferences and go back to the page they were changed on."""
    if not csrf_ok(request.form.get(CSRF_FIELD)):
        abort(400)
    current = preferences()
    theme, times = request.form.get("theme"), request.form.get("times")
    chosen = replace(
        current,
        theme=theme if theme in THEMES else current.theme,
        times=times if times in TIMES else current.times,
        zone=known_zone(request.form.get("zone")) or current.zone,
    )
    response = redirect(local_next(request.form.get("next")), 303)
    security.set_cookie(response, COOKIE, chosen.encode(), max_age=MAX_AGE)
    return response


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    allow_without_sign_in(app, frozenset({"preferences.save"}))  # the sign-in page has it too
    app.jinja_env.globals.update(
        preferences=preferences, time_choices=time_choices, themes=THEMES, this_page=this_page
    )
