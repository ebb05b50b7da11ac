"""The run page in one answer: the summary flushed first, the diagram after it."""

from __future__ import annotations

import gzip
import zlib
from collections.abc import Callable
from typing import Any

from flask import Flask, template_rendered
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
    assert answer.headers["X-Accel-Buffering"] == "no", "a proxy must not hold the summary back"
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


def graph_section(html: str) -> str:
    return html.split('<section id="graph"')[1].split("</section>")[0]


def diagrams_rendered(app: Flask, path: str, **headers: str) -> tuple[int, bytes]:
    """How many times one page rendered _graph.html, and its body as sent."""
    rendered = []

    def record(_app: Flask, template: Any, context: Any, **_extra: Any) -> None:
        rendered.append(template.name)

    with template_rendered.connected_to(record, app):
        answer = app.test_client().get(path, headers=headers)
        body = answer.get_data()
    return rendered.count("_graph.html"), body


def test_a_finished_runs_diagram_is_drawn_once_then_sent_whole(app: Flask) -> None:
    drawn, first = diagrams_rendered(app, f"/runs/{FAILED_RUN}", **{"Accept-Encoding": "gzip"})
    assert drawn == 1
    drawn, again = diagrams_rendered(app, f"/runs/{FAILED_RUN}", **{"Accept-Encoding": "gzip"})
    assert drawn == 0, "the diagram of the same answer is kept"
    drawn, plain = diagrams_rendered(app, f"/runs/{FAILED_RUN}")
    assert drawn == 0
    # gzip.decompress checks the member's CRC-32 and length: the spliced stream is whole.
    pages = [gzip.decompress(first).decode(), gzip.decompress(again).decode(), plain.decode()]
    assert len({graph_section(page) for page in pages}) == 1
    assert 'class="graph-svg"' in graph_section(pages[1])
    assert all(page.rstrip().endswith("</html>") for page in pages)
    assert "<!-- part " not in pages[1] + pages[2], "no marker is left in the page"


def test_the_kept_diagram_follows_the_boxes_and_the_page(app: Flask) -> None:
    run = "run_0c7d5e2f96"  # wide fan-outs drawn as boxes
    closed = graph_section(app.test_client().get(f"/runs/{run}").get_data(as_text=True))
    link = closed.split('class="cluster toggle" href="')[1].split('"')[0].replace("&amp;", "&")
    opened = app.test_client().get(f"/runs/{run}{link}").get_data(as_text=True)
    assert graph_section(opened) != closed
    assert graph_section(app.test_client().get(f"/runs/{run}").get_data(as_text=True)) == closed
    listed = app.test_client().get(f"/runs/{run}?steps=all").get_data(as_text=True)
    assert "steps=all&amp;node=" in graph_section(listed), "links keep the server-drawn page"
    assert "steps=all&amp;node=" not in closed


def test_a_moving_runs_diagram_is_drawn_for_every_page(app: Flask) -> None:
    waiting = "run_2be7f0a913"
    assert diagrams_rendered(app, f"/runs/{waiting}")[0] == 1
    assert diagrams_rendered(app, f"/runs/{waiting}")[0] == 1
