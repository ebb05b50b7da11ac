"""One round trip: the run page sends its summary at once and the diagram in the same answer."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Request, expect

from tests.browser.helpers import DEMO_TOKEN, ServerProcess, start_viewer, wait_for_graph
from tests.support.servers import serve_wsgi
from viewer.demo.api import create_demo_api

pytestmark = pytest.mark.browser

FAILED_RUN = "run_8fd21b6c07"
HOLD_SECONDS = 20.0  # longest a full read waits for the test to let it go


class HeldFullReads:
    """The demo API, but a full read of a run (no `summary`, no `nodeIds`) waits for `go`."""

    def __init__(self, app: Callable[..., Iterable[bytes]]) -> None:
        self.app = app
        self.go = threading.Event()
        self.held = threading.Event()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        query = environ.get("QUERY_STRING", "")
        full = "summary" not in query and "nodeIds" not in query
        if environ["PATH_INFO"].startswith("/v1/runs/") and full:
            self.held.set()
            self.go.wait(HOLD_SECONDS)
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def held() -> Iterator[tuple[HeldFullReads, ServerProcess]]:
    upstream = HeldFullReads(create_demo_api(token=DEMO_TOKEN))
    with serve_wsgi(upstream) as url:
        viewer = start_viewer(url, name="held-full-reads-viewer")
        try:
            yield upstream, viewer
        finally:
            upstream.go.set()
            viewer.stop()


def test_the_summary_shows_while_the_full_read_waits_and_the_diagram_follows(
    browser: Browser, held: tuple[HeldFullReads, ServerProcess]
) -> None:
    """With the full read held back, the summary is on screen with a loading note; once it is
    let go the diagram, the failure summary and the inputs' schema arrive in the same answer:
    no second request for the graph."""
    upstream, viewer = held
    context = browser.new_context(base_url=viewer.url)
    context.set_default_timeout(10_000)
    requests: list[str] = []
    try:
        page = context.new_page()
        page.on("request", lambda request: requests.append(_path(request)))
        page.goto(f"/runs/{FAILED_RUN}", wait_until="commit")
        expect(page.locator("#run-header .run-status")).to_contain_text("Failed")
        expect(page.get_by_text("Loading the workflow steps")).to_be_visible()
        assert upstream.held.is_set()
        expect(page.locator("#graph svg.graph-svg")).to_have_count(0)

        upstream.go.set()
        wait_for_graph(page)
        expect(page.get_by_text("Loading the workflow steps")).to_be_hidden()
        expect(page.get_by_role("heading", name="Why this run failed")).to_be_visible()
        expect(page.locator("#inputs")).to_contain_text("Required")
        expect(page.get_by_role("button", name="Fit to screen")).to_be_visible()
        documents = [path for path in requests if not path.startswith("/static/")]
        assert documents == [f"/runs/{FAILED_RUN}"], documents
    finally:
        upstream.go.set()
        context.close()


def _path(request: Request) -> str:
    return "/" + request.url.split("/", 3)[3]
