"""The timeline view: a tab of the run page, drawn on the server, live while the run moves."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream
from viewer.demo.generate import generate_workflow_run

FAILED, WAITING, SUCCESS = "run_8fd21b6c07", "run_2be7f0a913", "run_7f3a2c9e41"


def rows(html: str) -> list[str]:
    return re.findall(r'<a class="row[^"]*" href="[^"]*" data-step-id="([^"]+)"', html)


def test_the_run_page_has_diagram_and_timeline_tabs_as_plain_links(client: FlaskClient) -> None:
    diagram = client.get(f"/runs/{FAILED}").get_data(as_text=True)
    assert f'<a href="/runs/{FAILED}" aria-current="page">Diagram</a>' in diagram
    assert f'<a href="/runs/{FAILED}?view=timeline">Timeline</a>' in diagram
    timeline = client.get(f"/runs/{FAILED}?view=timeline").get_data(as_text=True)
    assert f'<a href="/runs/{FAILED}?view=timeline" aria-current="page">Timeline</a>' in timeline
    assert 'id="graph"' not in timeline, "the timeline takes the diagram's place"


def test_the_timeline_draws_one_bar_per_step_that_started(client: FlaskClient) -> None:
    html = client.get(f"/runs/{FAILED}?view=timeline").get_data(as_text=True)
    assert rows(html) == ["root", "balance", "gas", "approve", "swap", "alert"]
    assert 'data-status="failure"' in html
    assert "Failed after 14 s" in html, "status in words, with the duration"
    assert '<use href="#tl-failure"' in html, "and by icon"
    assert "Time (UTC)" in html and "Times are shown in <strong>UTC</strong>" in html
    assert f'href="/runs/{FAILED}?view=timeline&amp;node=swap"' in html
    assert "data-hx-get" not in html.split('id="timeline"')[1], "a finished run: no refresh"
    assert "Why this run failed" in html, "the failure summary is drawn with the timeline"


def test_a_step_link_in_the_timeline_opens_its_panel_there(client: FlaskClient) -> None:
    html = client.get(f"/runs/{FAILED}?view=timeline&node=swap").get_data(as_text=True)
    assert 'id="timeline"' in html
    assert 'class="step-detail" data-step-id="swap"' in html


def test_a_waiting_run_shows_its_wait_and_refreshes_itself(client: FlaskClient) -> None:
    html = client.get(f"/runs/{WAITING}?view=timeline").get_data(as_text=True)
    section = html.split('<section id="timeline"')[1].split(">", 1)[0]
    assert f'data-hx-get="/_fragments/runs/{WAITING}/timeline"' in section
    assert 'data-retry="4xx 5xx"' in section
    approval = r'data-step-id="approval" data-status="waiting"[^>]*><title>[^<]*: Waiting, '
    assert re.search(approval, html)
    fragment = client.get(f"/_fragments/runs/{WAITING}/timeline")
    assert fragment.status_code == 200
    body = fragment.get_data(as_text=True)
    assert body.lstrip().startswith('<section id="timeline"')
    assert "<html" not in body


def test_the_longest_chain_can_be_shown_alone(client: FlaskClient) -> None:
    everything = client.get("/runs/run_0c7d5e2f96?view=timeline").get_data(as_text=True)
    chain = client.get("/runs/run_0c7d5e2f96?view=timeline&show=critical").get_data(as_text=True)
    assert len(rows(chain)) < len(rows(everything))
    assert all('class="row crit' in row for row in re.findall(r'<a class="row[^>]*>', chain))
    assert 'aria-current="page">Only the longest chain</a>' in chain


def test_times_are_in_the_configured_zone(make_app: Callable[..., Flask]) -> None:
    app = make_app(timezone="Europe/Paris")
    html = app.test_client().get(f"/runs/{FAILED}?view=timeline").get_data(as_text=True)
    assert "Time (Europe/Paris)" in html


@pytest.fixture
def huge(make_app: Callable[..., Flask], scripted: ScriptedUpstream) -> FlaskClient:
    run = generate_workflow_run(5000, run_id="run_huge")
    scripted.script(Reply(200, envelope(run), {"Content-Type": "application/json"}))
    return make_app(runs_api_url=scripted.url, runs_api_token="t").test_client()


def test_five_thousand_steps_cost_a_bounded_page(huge: FlaskClient) -> None:
    answer = huge.get("/runs/run_huge?view=timeline")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    assert len(rows(html)) == 200
    assert len(answer.data) < 300_000, len(answer.data)
    pages = re.findall(r'<a href="/runs/run_huge\?view=timeline&amp;page=(\d+)"', html)
    assert pages and int(pages[-1]) >= 24
    last = huge.get(f"/runs/run_huge?view=timeline&page={pages[-1]}").get_data(as_text=True)
    assert 0 < len(rows(last)) <= 200
    assert set(rows(last)).isdisjoint(rows(html))


@pytest.mark.parametrize("page", ["-1", "abc", "9" * 30])
def test_a_strange_page_number_is_the_first_page(client: FlaskClient, page: str) -> None:
    answer = client.get(f"/runs/{FAILED}?view=timeline&page={page}")
    assert answer.status_code == 200
    assert rows(answer.get_data(as_text=True))[0] == "root"
