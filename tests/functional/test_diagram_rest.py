"""A big diagram's rest (/_fragments/runs/<id>/graph/rest): drawn only where it is sent (the
run page draws its first part alone), and for a finished run kept by the browser under an
address that names what it was drawn from."""

from __future__ import annotations

import gzip
import re
import shutil
from collections.abc import Callable
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, parse_qsl, urlencode, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

from tests.conftest import RecordingTransport
from tests.functional.test_auth_proxy import HEADER, PROXY, client_from
from tests.functional.test_auth_token import expire_sessions, query_of, sign_in
from tests.functional.test_diagram_parts import REST, as_drawn, first_part
from tests.unit.test_graph_chunks import Layers
from viewer.demo.api import DEMO_TOKEN, create_demo_api
from viewer.demo.generate import generate_workflow_run
from viewer.graph import chunks
from viewer.web.later import build_digest

MOVING = "run_gen_moving"
FINISHED = "run_gen_finished"


def big_run(run_id: str, status: str) -> dict[str, Any]:
    run = generate_workflow_run(600, seed=3, run_id=run_id)
    if status == "running":
        run = {**run, "status": "running", "finishedAt": None}
    return run


@pytest.fixture
def upstream() -> RecordingTransport:
    """The demo API with a big run still running and a big finished one."""
    runs = {MOVING: big_run(MOVING, "running"), FINISHED: big_run(FINISHED, "failure")}
    return RecordingTransport(create_demo_api(token=DEMO_TOKEN, extra_runs=runs))


@pytest.fixture
def drawn_steps(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many steps each call of chunks.steps_svg (the real one) draws."""
    counts: list[int] = []
    real = chunks.steps_svg

    def counted(steps: Any, *args: Any) -> str:
        counts.append(len(steps))
        return real(steps, *args)

    monkeypatch.setattr(chunks, "steps_svg", counted)
    return counts


def rest_url(html: str) -> str:
    found = REST.search(html)
    assert found, "a big diagram's page carries its first part and where the rest is"
    return unescape(found[1])


def test_the_page_of_a_moving_run_draws_its_first_part_only_and_the_rest_route_the_rest(
    client: FlaskClient, drawn_steps: list[int]
) -> None:
    page = client.get(f"/runs/{MOVING}").get_data(as_text=True)
    in_page = sum(drawn_steps)
    assert in_page == len(first_part(page)), "no step drawn that the page does not send"
    drawn_steps.clear()
    rest = client.get(rest_url(page)).get_data(as_text=True)
    in_rest = sum(drawn_steps)
    everything = [step for step, _ in as_drawn(page, rest).steps]
    whole = client.get(f"/runs/{MOVING}?steps=all").get_data(as_text=True)
    assert sorted(everything) == sorted(step for step, _ in Layers(whole).steps)
    assert in_page < len(everything) / 4
    assert in_rest == len(everything) - in_page, "the rest route draws the rest alone"


def version_of(url: str) -> str | None:
    found = parse_qs(urlsplit(url).query).get("v")
    return found[0] if found else None


def without_version(url: str) -> str:
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query) if k != "v"]
    return parts.path + ("?" + urlencode(query) if query else "")


def page_rest_url(client: FlaskClient, address: str) -> str:
    answer = client.get(address)
    assert answer.status_code == 200
    return rest_url(answer.get_data(as_text=True))


def assert_never_kept(answer: TestResponse) -> None:
    assert answer.headers["Cache-Control"] == "no-store"
    assert "<html" not in answer.get_data(as_text=True).lower(), "a fragment, never a page"


def test_a_finished_runs_rest_is_kept_by_the_browser_alone_and_never_asked_again(
    client: FlaskClient,
) -> None:
    url = page_rest_url(client, f"/runs/{FINISHED}")
    assert re.fullmatch(r"[0-9a-f]{16}", version_of(url) or "")
    kept = client.get(url, headers={"Accept-Encoding": "gzip"})
    assert kept.status_code == 200 and kept.headers["Content-Encoding"] == "gzip"
    control = kept.cache_control
    assert control.private and control.immutable and control.max_age == 12 * 3600
    assert not control.public and not control.no_store and not control.no_cache
    unversioned = client.get(without_version(url), headers={"Accept-Encoding": "gzip"})
    assert unversioned.headers["Cache-Control"] == "no-store", "only under a version"
    assert gzip.decompress(kept.data) == gzip.decompress(unversioned.data)


def test_a_moving_runs_rest_has_no_version_and_is_never_kept(client: FlaskClient) -> None:
    url = page_rest_url(client, f"/runs/{MOVING}")
    assert version_of(url) is None
    rest = client.get(url)
    assert rest.status_code == 200 and rest.headers["Cache-Control"] == "no-store"


def test_the_version_names_what_the_rest_is_drawn_from(
    client: FlaskClient, make_app: Callable[..., Flask]
) -> None:
    plain = version_of(page_rest_url(client, f"/runs/{FINISHED}"))
    assert plain == version_of(page_rest_url(client, f"/runs/{FINISHED}")), "stable"
    another_app = make_app().test_client()  # another worker or instance of the same release
    assert version_of(page_rest_url(another_app, f"/runs/{FINISHED}")) == plain
    far = sorted(big_run(FINISHED, "failure")["executionState"])[-1]
    on_step = version_of(page_rest_url(client, f"/runs/{FINISHED}?node={far}"))
    with_boxes = version_of(page_rest_url(client, f"/runs/{FINISHED}?boxes=c0"))
    assert len({plain, on_step, with_boxes}) == 3


def test_a_rest_asked_for_under_another_version_is_a_409_fragment_never_kept(
    client: FlaskClient, make_app: Callable[..., Flask]
) -> None:
    url = page_rest_url(client, f"/runs/{FINISHED}")
    # the run's answer changed after the page was sent (one step's compute units)
    changed = big_run(FINISHED, "failure")
    step_id, state = next((k, v) for k, v in changed["executionState"].items() if "cu" in v)
    changed["executionState"][step_id] = {**state, "cu": state["cu"] + 1}
    api = create_demo_api(token=DEMO_TOKEN, extra_runs={FINISHED: changed})
    now = make_app(RecordingTransport(api)).test_client()
    assert version_of(page_rest_url(now, f"/runs/{FINISHED}")) != version_of(url)
    stale = now.get(url)
    assert stale.status_code == 409
    assert_never_kept(stale)
    assert "This diagram has changed" in stale.get_data(as_text=True)
    forged = client.get(url.replace(version_of(url) or "", "0" * 16))
    assert forged.status_code == 409
    assert_never_kept(forged)
    moving = client.get(f"/_fragments/runs/{MOVING}/graph/rest?v={version_of(url)}")
    assert moving.status_code == 409, "a moving run's rest is never under a version"


def test_errors_of_the_rest_are_fragments_never_kept(client: FlaskClient) -> None:
    version = version_of(page_rest_url(client, f"/runs/{FINISHED}"))
    missing = client.get(f"/_fragments/runs/run_doesnotexist/graph/rest?v={version}")
    assert missing.status_code == 404
    assert_never_kept(missing)
    bad = client.get(f"/_fragments/runs/{FINISHED}/graph/rest?node=%00&v={version}")
    assert bad.status_code == 400
    assert_never_kept(bad)


@pytest.fixture
def token_app(make_app: Callable[..., Flask], upstream: RecordingTransport) -> Flask:
    return make_app(
        transport=upstream, runs_api_url="http://demo.test", runs_api_token=None, auth_mode="token"
    )


def test_each_sign_in_has_its_own_rest_kept_until_it_ends(token_app: Flask) -> None:
    first, second = token_app.test_client(), token_app.test_client()
    for person in (first, second):
        assert sign_in(person).status_code == 303
    url = page_rest_url(first, f"/runs/{FINISHED}")
    assert version_of(page_rest_url(second, f"/runs/{FINISHED}")) != version_of(url)
    kept = first.get(url)
    assert kept.status_code == 200
    assert kept.cache_control.private and (kept.cache_control.max_age or 0) > 12 * 3600 - 60
    assert (kept.cache_control.max_age or 0) <= 12 * 3600, "no longer than the session"
    other = second.get(url)
    assert other.status_code == 409, "never another sign-in's rest"
    assert_never_kept(other)


def test_an_ended_session_asking_for_the_rest_gets_a_small_401_never_kept(
    token_app: Flask,
) -> None:
    person = token_app.test_client()
    sign_in(person)
    url = page_rest_url(person, f"/runs/{FINISHED}")
    expire_sessions(token_app)
    ended = person.get(url, headers={"HX-Current-URL": f"http://localhost/runs/{FINISHED}"})
    assert ended.status_code == 401
    assert_never_kept(ended)
    assert query_of(ended.headers["HX-Redirect"]) == {
        "next": [f"/runs/{FINISHED}"],
        "reason": ["expired"],
    }


def test_a_new_release_of_the_viewer_changes_the_version(app: Flask, tmp_path: Path) -> None:
    assert app.template_folder is not None
    folder = tmp_path / "templates"
    shutil.copytree(Path(app.root_path, app.template_folder), folder)
    digest = build_digest.__wrapped__  # not the process's kept one
    before = digest((folder,))
    assert digest((folder,)) == before
    rest = folder / "_graph_rest.html"
    rest.write_text(rest.read_text() + "\n")
    assert digest((folder,)) != before


def test_behind_a_proxy_each_person_has_their_own_rest(make_app: Callable[..., Flask]) -> None:
    app = make_app(auth_mode="proxy")
    ada, bob = ({HEADER: f"{name}@example.com"} for name in ("ada", "bob"))
    client = client_from(app, PROXY)
    url = rest_url(client.get(f"/runs/{FINISHED}", headers=ada).get_data(as_text=True))
    kept = client.get(url, headers=ada)
    assert kept.status_code == 200 and kept.cache_control.private
    other = client.get(url, headers=bob)
    assert other.status_code == 409, "never another person's rest"
    assert_never_kept(other)


def test_after_a_sign_out_the_kept_rest_is_never_named_again(token_app: Flask) -> None:
    person = token_app.test_client()
    sign_in(person)
    page = person.get(f"/runs/{FINISHED}").get_data(as_text=True)
    before = rest_url(page)
    csrf = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', page)
    assert csrf and person.post("/signout", data={"csrf_token": csrf[1]}).status_code == 303
    sign_in(person)
    after = page_rest_url(person, f"/runs/{FINISHED}")
    assert version_of(after) != version_of(before)
    assert person.get(before).status_code == 409
