"""The home page and the run summary page of every demo run, rendered through the real client."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import RecordingTransport
from viewer.demo.api import DEMO_RUN_IDS, DEMO_TOKEN

FAILED_RUN = "run_8fd21b6c07"
SIMULATION_RUN = "run_e13f6b82a4"
DUST_RUN = "run_9d64c1f0b3"
SUCCESS_RUN = "run_7f3a2c9e41"


@pytest.fixture
def demo_client(make_app: Callable[..., Flask]) -> FlaskClient:
    """A viewer in demo mode: no RUNS_API_URL, the demo API built by the app itself."""
    return make_app(transport=None, runs_api_url=None, demo=True).test_client()


def test_home_lists_demo_runs(demo_client: FlaskClient) -> None:
    page = demo_client.get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    for run_id in DEMO_RUN_IDS:
        assert f'href="/runs/{run_id}"' in html
    assert "Demo runs" in html
    assert "Failed" in html and "Succeeded" in html


@pytest.mark.parametrize(
    ("text", "run_id"),
    [
        ("run_8fd21b6c07", "run_8fd21b6c07"),
        ("  run_8fd21b6c07 ", "run_8fd21b6c07"),
        ("https://viewer.example.com/runs/run_8fd21b6c07?node=swap", "run_8fd21b6c07"),
        ("https://app.example.com/org/acme/runs/run_abc#top", "run_abc"),
        ("/runs/run_abc.json", "run_abc"),
    ],
)
def test_home_opens_by_id_or_link(client: FlaskClient, text: str, run_id: str) -> None:
    answer = client.get("/", query_string={"run": text})
    assert answer.status_code == 302
    assert answer.headers["Location"] == f"/runs/{run_id}"


def test_home_explains_a_bad_id(client: FlaskClient, upstream: RecordingTransport) -> None:
    answer = client.get("/", query_string={"run": "not a run <id>"})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "A run id is" in html
    assert "&lt;id&gt;" in html
    assert upstream.requests == []


@pytest.mark.parametrize("run_id", DEMO_RUN_IDS)
def test_every_demo_run_has_a_summary_page(
    client: FlaskClient, upstream: RecordingTransport, run_id: str
) -> None:
    page = client.get(f"/runs/{run_id}")
    assert page.status_code == 200, page.get_data(as_text=True)[:2000]
    html = page.get_data(as_text=True)
    assert run_id in html
    assert 'class="badge status-' in html
    assert 'class="graph-svg"' in html, "the diagram follows the summary in the same answer"
    assert f'href="/runs/{run_id}.json"' in html
    assert "UTC" in html
    assert upstream.requests[0].url.params["summary"] == "true"
    assert "runs API request id <code>req-" in html, "support can quote the upstream requestId"
    assert DEMO_TOKEN not in html


def test_failed_run_summary(client: FlaskClient) -> None:
    html = client.get(f"/runs/{FAILED_RUN}").get_data(as_text=True)
    assert "Failed" in html
    assert re.search(r"Duration</dt><dd>\d", html)
    assert "approveAmount" in html, "input values show before the schema arrives"
    fragment = client.get(f"/_fragments/runs/{FAILED_RUN}/graph").get_data(as_text=True)
    assert '<hx-partial data-hx-target="#inputs"' in fragment
    assert "Missing" in fragment, "a missing required input is flagged"
    assert "Not in the workflow" in fragment, "values the schema does not name are listed"
    assert "Why this run failed" in fragment
    assert "execution reverted: STF" in fragment


def test_simulation_is_marked_and_secrets_hidden(client: FlaskClient) -> None:
    html = client.get(f"/runs/{SIMULATION_RUN}").get_data(as_text=True)
    assert "Simulation — nothing in this run happened on a real chain" in html
    assert "Ethereum" in html and "Base" in html
    # fork RPC endpoints show scheme and host only: no key, no user, no password
    assert "https://eth-mainnet.g.alchemy.com<" in html
    assert "https://base-fork.example-rpc.io<" in html
    for secret in ("Zk3pQ9vX1tLm8RwB4yNc7HsD2fGa6JeU", "s3cr3t-Fork-P4ss", "9f8e7d6c5b4a3928"):
        assert secret not in html
    assert f'href="/runs/{FAILED_RUN}"' in html, "links to the source run"


def test_dust_test_is_marked(client: FlaskClient) -> None:
    html = client.get(f"/runs/{DUST_RUN}").get_data(as_text=True)
    assert "Dust test" in html


def test_running_run_shows_elapsed_and_live_marker(client: FlaskClient) -> None:
    html = client.get("/runs/run_c41e9a0d52").get_data(as_text=True)
    assert "Elapsed so far" in html
    assert 'id="live"' in html


def test_raw_json_is_redacted_and_downloadable(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{SIMULATION_RUN}.json")
    assert answer.status_code == 200
    assert answer.is_json
    body = answer.get_data(as_text=True)
    assert '"rpcUrl": "https://eth-mainnet.g.alchemy.com"' in body
    for secret in ("Zk3pQ9vX1tLm8RwB4yNc7HsD2fGa6JeU", "s3cr3t-Fork-P4ss", "forkuser"):
        assert secret not in body
    assert answer.json["data"]["id"] == SIMULATION_RUN
    download = client.get(f"/runs/{SIMULATION_RUN}.json?download=1")
    assert "attachment" in download.headers["Content-Disposition"]


def test_pages_carry_security_headers(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{SUCCESS_RUN}")
    csp = answer.headers["Content-Security-Policy"]
    assert "'unsafe-inline'" not in csp and "script-src 'self'" in csp
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_html_is_compressed_when_accepted(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{SUCCESS_RUN}", headers={"Accept-Encoding": "gzip"})
    assert answer.headers.get("Content-Encoding") == "gzip"


def test_fork_rpc_urls_keep_their_host_with_credentials_hidden(client: FlaskClient) -> None:
    html = client.get(f"/runs/{SIMULATION_RUN}").get_data(as_text=True)
    assert "https://base-fork.example-rpc.io<" in html
    raw = client.get(f"/runs/{SIMULATION_RUN}.json").get_data(as_text=True)
    assert '"rpcUrl": "https://base-fork.example-rpc.io"' in raw
