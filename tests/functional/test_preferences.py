"""Reader preferences: theme and how times are shown, kept in a cookie the server reads."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from viewer.web.preferences import COOKIE, Preferences

RUN = "run_8fd21b6c07"  # started 2026-11-22 09:15:00 UTC


def csrf_of(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "the display form carries a CSRF token"
    return match.group(1)


def choose(client: FlaskClient, **fields: str) -> tuple[int, str]:
    token = csrf_of(client.get(f"/runs/{RUN}").get_data(as_text=True))
    answer = client.post("/preferences", data={"csrf_token": token, **fields})
    return answer.status_code, answer.headers.get("Location", "")


@pytest.fixture
def paris(make_app: Callable[..., Flask]) -> FlaskClient:
    return make_app(timezone="Europe/Paris").test_client()


def test_by_default_the_system_theme_and_the_team_zone(paris: FlaskClient) -> None:
    html = paris.get(f"/runs/{RUN}").get_data(as_text=True)
    assert '<html lang="en">' in html, "no data-theme: the system's choice applies"
    assert "2026-11-22 10:15:00 CET" in html
    assert '<option value="viewer" selected>Team default (Europe/Paris)</option>' in html


def test_a_chosen_theme_is_rendered_by_the_server(paris: FlaskClient) -> None:
    status, location = choose(paris, theme="dark", next=f"/runs/{RUN}?view=timeline")
    assert status == 303
    assert location == f"/runs/{RUN}?view=timeline"
    html = paris.get(f"/runs/{RUN}").get_data(as_text=True)
    assert '<html lang="en" data-theme="dark">' in html
    assert '<option value="dark" selected>Dark</option>' in html
    choose(paris, theme="system")
    assert '<html lang="en">' in paris.get(f"/runs/{RUN}").get_data(as_text=True)


def test_times_in_utc(paris: FlaskClient) -> None:
    choose(paris, times="utc")
    html = paris.get(f"/runs/{RUN}").get_data(as_text=True)
    assert "2026-11-22 09:15:00 UTC" in html
    assert "CET" not in html
    timeline = paris.get(f"/runs/{RUN}?view=timeline").get_data(as_text=True)
    assert "Time (UTC)" in timeline


def test_times_in_the_readers_own_zone(paris: FlaskClient) -> None:
    choose(paris, times="local", zone="America/New_York")
    html = paris.get(f"/runs/{RUN}").get_data(as_text=True)
    assert "2026-11-22 04:15:00 EST" in html
    assert "My time zone (America/New_York)" in html
    timeline = paris.get(f"/runs/{RUN}?view=timeline").get_data(as_text=True)
    assert "Time (America/New_York)" in timeline


def test_own_zone_unknown_keeps_the_team_zone(paris: FlaskClient) -> None:
    """Without JavaScript the browser cannot tell its zone: the team's zone stays, labelled."""
    choose(paris, times="local")
    assert "2026-11-22 10:15:00 CET" in paris.get(f"/runs/{RUN}").get_data(as_text=True)


def test_relative_times_keep_the_exact_time_beside_them(paris: FlaskClient) -> None:
    choose(paris, times="relative")
    html = paris.get(f"/runs/{RUN}").get_data(as_text=True)
    assert re.search(r'<time datetime="2026-11-22T09:15:00.000\+00:00">\d+ days? ago</time>', html)
    assert "(2026-11-22 10:15:00 CET)" in html


def test_a_post_without_the_csrf_token_changes_nothing(paris: FlaskClient) -> None:
    answer = paris.post("/preferences", data={"theme": "dark"})
    assert answer.status_code == 400
    assert COOKIE not in answer.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/x", "javascript:x"])
def test_only_local_pages_are_returned_to(paris: FlaskClient, next_path: str) -> None:
    assert choose(paris, theme="dark", next=next_path) == (303, "/")


@pytest.mark.parametrize(
    "value",
    ["", "dark", "nonsense|x|y", "dark|local|../../etc/passwd", "light|utc|Mars/Olympus", "|" * 50],
)
def test_a_strange_cookie_falls_back_to_the_defaults(paris: FlaskClient, value: str) -> None:
    prefs = Preferences.decode(value)
    assert prefs.theme in ("system", "light", "dark")
    assert prefs.zone is None
    paris.set_cookie(COOKIE, value)
    assert paris.get(f"/runs/{RUN}").status_code == 200


def test_an_unknown_zone_is_not_stored(paris: FlaskClient) -> None:
    choose(paris, times="local", zone="Mars/Olympus")
    assert "2026-11-22 10:15:00 CET" in paris.get(f"/runs/{RUN}").get_data(as_text=True)


def test_preferences_can_be_changed_before_signing_in(make_app: Callable[..., Flask]) -> None:
    client = make_app(
        runs_api_url="http://demo.test", runs_api_token=None, auth_mode="token"
    ).test_client()
    token = csrf_of(client.get("/signin").get_data(as_text=True))
    answer = client.post("/preferences", data={"csrf_token": token, "theme": "dark"})
    assert answer.status_code == 303
    assert 'data-theme="dark"' in client.get("/signin").get_data(as_text=True)
