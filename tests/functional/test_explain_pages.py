"""What happened, errors explained, comparison and ticket, through the real client and demo API."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport
from tests.support.servers import free_port
from viewer.demo.api import DEMO_TOKEN, GENERATED_RUN_ID
from viewer.explain.compare import MAX_ROWS
from viewer.explain.views import story_of
from viewer.runs.chains import KNOWN_CHAINS
from viewer.web.loading import read_run

FAILED = "run_8fd21b6c07"
SIMULATION = "run_e13f6b82a4"
WAITING = "run_2be7f0a913"
CANCELLED = "run_5a09d3e7c8"
HOSTILE = "run_f2a8b47e1d"
SIM_RPC_KEY = "Zk3pQ9vX1tLm8RwB4yNc7HsD2fGa6JeU"


def section(html: str) -> str:
    """The what-happened section of a run page."""
    match = re.search(r'<section id="what-happened".*?</section>', html, re.S)
    assert match, "the page has no what-happened section"
    return match.group(0)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_server_drawn_page_says_what_happened(client: FlaskClient) -> None:
    html = client.get(f"/runs/{FAILED}?steps=all").get_data(as_text=True)
    story = section(html)
    assert 'aria-labelledby="what-happened-title"' in story
    words = text_of(story)
    assert "This run failed at the step Swap USDC → WETH (0.05%) : the swap could not take" in words
    assert (
        "6 of 9 steps ran" in words and "It took 35 seconds and cost 2,065 compute units." in words
    )
    assert "execution reverted: STF" in words and "What you can do:" in words
    # The failed step is a link to its panel, which keeps the server-drawn view.
    assert f'href="/runs/{FAILED}?node=swap&amp;steps=all" data-step-id="swap"' in story
    assert f'action="/runs/{FAILED}/compare"' in story


def test_the_page_tells_the_whole_story_and_the_graph_fragment_too(client: FlaskClient) -> None:
    """The run page streams the story once the run is read in full (after the summary)."""
    story = text_of(section(client.get(f"/runs/{FAILED}").get_data(as_text=True)))
    assert "This run failed at the step" in story
    assert "Reading the steps to say more" not in story
    fragment = client.get(f"/_fragments/runs/{FAILED}/graph").get_data(as_text=True)
    match = re.search(
        r'<hx-partial data-hx-target="#what-happened-body".*?</hx-partial>', fragment, re.S
    )
    assert match
    assert "This run failed at the step" in text_of(match.group(0))
    assert 'data-step-id="swap"' in match.group(0)
    assert "Copy for a ticket" in match.group(0)


def test_live_refresh_updates_what_happened(client: FlaskClient) -> None:
    html = client.get(f"/_fragments/runs/{WAITING}/live").get_data(as_text=True)
    match = re.search(
        r'<hx-partial data-hx-target="#what-happened-body".*?</hx-partial>', html, re.S
    )
    assert match
    words = text_of(match.group(0))
    assert (
        "This run is waiting at the step 2-of-3 treasury approval for people to approve it" in words
    )
    assert "1 of 2 approvals received" in words


def test_cancelled_and_simulation_stories(client: FlaskClient) -> None:
    words = text_of(section(client.get(f"/runs/{CANCELLED}?steps=all").get_data(as_text=True)))
    assert "This run was cancelled during the step Wait 10 minutes between batches" in words
    assert "wrong payout sheet (October rows)" in words
    html = section(client.get(f"/runs/{SIMULATION}?steps=all").get_data(as_text=True))
    assert "It was a simulation, so nothing happened on a real chain" in text_of(html)
    assert f'href="/runs/{SIMULATION}/compare/{FAILED}"' in html


def test_explanations_in_the_step_panel_and_failure_summary(client: FlaskClient) -> None:
    panel = text_of(client.get(f"/_fragments/runs/{FAILED}/steps/swap").get_data(as_text=True))
    assert "In plain words: The swap contract tried to move the tokens" in panel
    assert "What you can do:" in panel
    page = client.get(f"/runs/{FAILED}?steps=all").get_data(as_text=True)
    summary = re.search(r'<div id="failure-summary">.*?</section>', page, re.S)
    assert summary and "The swap could not take the tokens it needed." in text_of(summary.group(0))
    # An error nobody catalogued is shown as it is, with no explanation.
    panel = client.get(f"/_fragments/runs/{SIMULATION}/steps/swap").get_data(as_text=True)
    assert "In plain words" not in panel


def test_ticket_markdown(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{FAILED}/ticket.md")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"] == "text/markdown; charset=utf-8"
    text = answer.get_data(as_text=True)
    assert f"- **Link:** <http://localhost/runs/{FAILED}>" in text
    assert "- **Status:** Failed" in text
    assert "- **Workflow:** `wf_usdc_to_base_aave`, version 12" in text
    assert "- **Started:** 2026-11-22 09:15:00 UTC" in text
    assert "**Failed step:** Swap USDC → WETH (0.05%) (`swap`)" in text
    assert "- **Error:** `execution reverted: STF`" in text and "**What you can do:**" in text
    assert (
        "(<https://etherscan.io/tx/0x7d9a92efad2d7ebdf62b2b9b0959cce4908a10a81ff27b459577025583ed7019>)"
        in text
    )
    assert re.search(r"runs API request id `req-[0-9a-f]+`, viewer request id `[0-9a-f]{16}`", text)


def test_ticket_of_a_simulation_is_redacted_and_links_no_explorer(client: FlaskClient) -> None:
    text = client.get(f"/runs/{SIMULATION}/ticket.md").get_data(as_text=True)
    assert SIM_RPC_KEY not in text and "s3cr3t" not in text
    assert "etherscan" not in text and "basescan" not in text
    assert "Simulated transactions (not on a public chain)" in text
    assert f"/runs/{SIMULATION}/compare/{FAILED}>" in text


def test_ticket_of_hostile_data_cannot_inject(client: FlaskClient) -> None:
    text = client.get(f"/runs/{HOSTILE}/ticket.md").get_data(as_text=True)
    assert "<script>" not in text and "\\<script\\>" in text
    links = re.findall(r"\]\(<([^>]*)>\)|<(https?://[^>]*)>", text)
    explorers = tuple(f"{c.explorer}/tx/0x" for c in KNOWN_CHAINS.values() if c.explorer)
    assert links
    for found in (a or b for a, b in links):
        assert found.startswith(("http://localhost/runs/", *explorers))
    assert "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318" not in text


def test_compare_simulation_with_its_source(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{SIMULATION}/compare/{FAILED}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    words = text_of(html)
    assert "They first part ways at the step “Swap USDC → WETH (0.05%)” :" in words
    assert ": simulation: succeeded; original run: failed." in words
    assert "5 steps ended differently" in words
    assert "1 step is set up differently in the two workflow versions" in words
    assert "2 run inputs differ" in words
    assert 'id="step-swap" class="diverges first"' in html
    assert "First difference" in words and "\N{MINUS SIGN}3,040 CU" in words
    assert "{{props.approveAmount}}" in html  # the approval amount that changed
    assert SIM_RPC_KEY not in html


def test_compare_form_goes_to_the_comparison(client: FlaskClient) -> None:
    answer = client.get(
        f"/runs/{FAILED}/compare",
        query_string={"with": f" https://x.test/runs/{SIMULATION}?node=a "},
    )
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/runs/{FAILED}/compare/{SIMULATION}"
    assert client.get(f"/runs/{FAILED}/compare", query_string={"with": ""}).status_code == 400


@pytest.mark.parametrize(
    ("path", "status", "words"),
    [
        (
            f"/runs/{FAILED}/compare/run_doesnotexist",
            404,
            "The run to compare with (run_doesnotexist)",
        ),
        (f"/runs/run_doesnotexist/compare/{FAILED}", 404, "The first run (run_doesnotexist)"),
        (f"/runs/{FAILED}/compare/bad%20id!", 400, "The run to compare with"),
        (f"/runs/{FAILED}/compare/{FAILED}", 400, "same run"),
        ("/runs/run_doesnotexist/ticket.md", 404, "Run not found"),
    ],
)
def test_compare_and_ticket_errors_are_readable_pages(
    client: FlaskClient, path: str, status: int, words: str
) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.mimetype == "text/html"
    assert words in text_of(answer.get_data(as_text=True))


def test_compare_when_the_upstream_is_down(make_app: Callable[..., Flask]) -> None:
    app = make_app(runs_api_url=f"http://127.0.0.1:{free_port()}", runs_api_token=DEMO_TOKEN)
    answer = app.test_client().get(f"/runs/{FAILED}/compare/{SIMULATION}")
    assert answer.status_code == 503
    words = text_of(answer.get_data(as_text=True))
    assert "The first run (run_8fd21b6c07)" in words and "Try again" in words


def test_compare_large_runs(client: FlaskClient, upstream: RecordingTransport) -> None:
    answer = client.get(f"/runs/{GENERATED_RUN_ID}/compare/{FAILED}")
    assert answer.status_code == 200
    html = answer.get_data(as_text=True)
    words = text_of(html)
    assert "steps are only in this run" in words
    assert re.search(r"This comparison has [\d,]+ steps: it lists the [\d,]+ that differ", words)
    assert 0 < html.count('<tr id="step-') <= MAX_ROWS
    assert len(upstream.requests) == 2


def test_a_runs_story_is_told_once_per_request(app: Flask) -> None:
    with app.test_request_context("/runs/run_8fd21b6c07"):
        run = read_run("run_8fd21b6c07").run
        told = story_of(run)
        assert story_of(run) is told, "the page and its ticket text share one telling"
    with app.test_request_context("/runs/run_8fd21b6c07"):
        assert story_of(run) is not told, "each request tells it afresh"
