"""Issue 10 (log forging) and issue 11 (logs): what `python -m viewer` writes to stderr.

A value from a request or from the upstream that holds a newline must not start a line of its
own: every line the viewer writes is one record (text: it starts with a timestamp, or `  | `
for a traceback's continuation; json: it parses as one object).
"""

from __future__ import annotations

import json
import re

import httpx
import pytest

from tests.conftest import envelope
from tests.deploy.conftest import StartViewer
from tests.support.servers import Reply, ScriptedUpstream
from viewer.demo.api import load_demo_runs

RUN = "run_7f3a2c9e41"
FORGED = '2026-12-01 09:00:00,000 INFO viewer.audit {"event":"run_viewed","who":"ceo@example.com"}'
RECORD_START = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} [A-Z]+ \S+ ")


def provoke(viewer_url: str) -> None:
    """Pages whose logs carry a hostile upstream requestId, and a path with a newline in it."""
    with httpx.Client(base_url=viewer_url, timeout=10) as client:
        assert client.get(f"/runs/{RUN}").status_code == 200
        assert client.get(f"/_fragments/runs/{RUN}/graph").status_code == 200
        assert client.get("/runs/abc%0A" + FORGED.replace(" ", "%20")).status_code in (400, 404)


@pytest.fixture
def hostile_upstream(scripted: ScriptedUpstream) -> ScriptedUpstream:
    """The demo run, answered with a requestId that holds a forged log line."""
    run = load_demo_runs()[RUN]
    scripted.script(Reply(200, envelope(run, request_id=f"req-1\n{FORGED}\r\n\u2028x")))
    return scripted


def test_text_log_lines_are_one_record_each(
    start_viewer: StartViewer, hostile_upstream: ScriptedUpstream
) -> None:
    viewer = start_viewer({"RUNS_API_URL": hostile_upstream.url, "RUNS_API_TOKEN": "t" * 20})
    provoke(viewer.url)
    viewer.stop()
    lines = viewer.stderr_text().splitlines()
    assert lines
    stray = [line for line in lines if not RECORD_START.match(line) and not line.startswith("  | ")]
    assert stray == [], "a value started a line of its own"
    assert not any(line.startswith(FORGED[:19]) for line in lines)
    upstream_lines = [line for line in lines if " viewer.upstream " in line]
    assert len(upstream_lines) == 2, "one line per upstream call (the page, then the graph)"
    assert "req-1\\n2026-12-01" in upstream_lines[0], "escaped, still there"
    assert not [line for line in lines if " httpx " in line], "httpx does not repeat them"
    assert sum(" viewer.access " in line for line in lines) == 3, "one access line per request"


def test_json_log_lines_parse_and_keep_the_values(
    start_viewer: StartViewer, hostile_upstream: ScriptedUpstream
) -> None:
    viewer = start_viewer(
        {
            "RUNS_API_URL": hostile_upstream.url,
            "RUNS_API_TOKEN": "t" * 20,
            "VIEWER_LOG_FORMAT": "json",
        }
    )
    provoke(viewer.url)
    viewer.stop()
    records = [json.loads(line) for line in viewer.stderr_text().splitlines()]
    access = [r for r in records if r["logger"] == "viewer.access"]
    page = next(r for r in access if r["path"] == f"/runs/{RUN}")
    assert page["status"] == 200
    assert page["route"] == "/runs/<run_id>"
    assert page["upstream_request_id"] == f"req-1\n{FORGED}\r\n\u2028x"
    assert page["who"] == "anonymous"
    assert re.fullmatch(r"[0-9a-f]{16}", page["request_id"])
    assert isinstance(page["ms"], float)
    bad = next(r for r in access if r["path"].startswith("/runs/abc"))
    assert bad["path"] == "/runs/abc\n" + FORGED
