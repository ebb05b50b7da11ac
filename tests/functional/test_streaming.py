"""The run page in one answer: the summary flushed first, the diagram after it."""

from __future__ import annotations

import zlib
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import envelope
from tests.support.servers import Reply, ScriptedUpstream

FAILED_RUN = "run_8fd21b6c07"


def test_the_summary_is_flushed_before_the_full_read(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{FAILED_RUN}", buffered=False)
    chunks = iter(answer.response)
    first = next(chunks).decode()
    assert 'id="run-header"' in first and "Loading the workflow steps" in first
    assert "graph-svg" not in first and "Why this run failed" not in first
    rest = b"".join(chunks).decode()
    assert 'class="graph-svg"' in rest and "Why this run failed" in rest
    assert "Required" in rest, "the inputs come with their schema"
    assert rest.rstrip().endswith("</html>")


def test_gzipped_the_first_part_can_be_read_before_the_rest(client: FlaskClient) -> None:
    answer = client.get(f"/runs/{FAILED_RUN}", headers={"Accept-Encoding": "gzip"}, buffered=False)
    assert answer.headers["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in answer.headers["Vary"]
    chunks = iter(answer.response)
    reader = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first = reader.decompress(next(chunks)).decode()
    assert 'id="run-header"' in first, "the summary must not wait in the compressor"
    rest = reader.decompress(b"".join(chunks)).decode()
    assert "graph-svg" in rest and rest.rstrip().endswith("</html>")


def test_a_failed_full_read_says_so_in_place_of_the_diagram(
    make_app: Callable[..., Flask], scripted: ScriptedUpstream
) -> None:
    run = {"id": "run_1", "status": "failure", "workflowId": "wf"}
    error = b'{"code": 500, "message": "boom", "requestId": "req-full-500"}'
    scripted.script(Reply(200, envelope(run)), Reply(500, error))
    app = make_app(runs_api_url=scripted.url, runs_api_token="t")
    answer = app.test_client().get("/runs/run_1")
    html = answer.get_data(as_text=True)
    assert answer.status_code == 200, "the summary was already sent"
    assert 'id="run-header"' in html
    graph = html.split('id="graph"')[1].split('id="step-panel"')[0]
    assert 'role="alert"' in graph and "req-full-500" in graph
    assert 'href="/runs/run_1">Try again</a>' in graph
    assert html.rstrip().endswith("</html>")
