"""Screenshots of the main pages at desktop and phone widths, in artifacts/screenshots/.

They are for people to look at; the test also fails on console errors or CSP violations.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.browser.helpers import (
    DESKTOP,
    PHONE,
    SCREENSHOTS_DIR,
    ServerProcess,
    Watch,
    origin_of,
    panel_for,
    wait_for_graph,
)
from viewer.demo.api import GENERATED_RUN_ID, LIVE_RUN_ID

pytestmark = pytest.mark.browser

RUNNING_SECONDS = 120.0


@dataclass(frozen=True)
class Shot:
    """A page to photograph: which server, which address, what to wait for."""

    name: str
    server: str  # "viewer", "demo-mode" or "running" (a fresh upstream whose run is moving)
    path: str
    wait: str = "graph"  # "graph", "panel:<step>", "timeline", "home", "h1" or "error:<status>"
    scheme: str = "light"  # the system colour scheme the browser reports: "light" or "dark"


SHOTS = [
    Shot("home", "demo-mode", "/", "home"),
    Shot("run-success", "viewer", "/runs/run_7f3a2c9e41"),
    Shot("run-failed-with-panel", "viewer", "/runs/run_8fd21b6c07?node=swap", "panel:swap"),
    Shot("run-simulation", "viewer", "/runs/run_e13f6b82a4"),
    Shot("run-running", "running", f"/runs/{LIVE_RUN_ID}"),
    Shot("run-generated-520-steps", "viewer", f"/runs/{GENERATED_RUN_ID}"),
    Shot("error-not-found", "viewer", "/runs/does-not-exist", "error:404"),
    Shot("run-waiting", "viewer", "/runs/run_2be7f0a913"),
    Shot("run-cancelled-server-drawn", "viewer", "/runs/run_5a09d3e7c8?steps=all"),
    Shot(
        "compare-simulation-with-source",
        "viewer",
        "/runs/run_e13f6b82a4/compare/run_8fd21b6c07",
        "h1",
    ),
    Shot(
        "error-compare-unknown-run", "viewer", "/runs/run_8fd21b6c07/compare/run_nope", "error:404"
    ),
    Shot("timeline-failed", "viewer", "/runs/run_8fd21b6c07?view=timeline", "timeline"),
    Shot("timeline-waiting", "viewer", "/runs/run_2be7f0a913?view=timeline", "timeline"),
    Shot("timeline-running", "running", f"/runs/{LIVE_RUN_ID}?view=timeline", "timeline"),
    Shot("timeline-520-steps", "viewer", f"/runs/{GENERATED_RUN_ID}?view=timeline", "timeline"),
    Shot("dark-home", "demo-mode", "/", "home", "dark"),
    Shot(
        "dark-run-failed-with-panel",
        "viewer",
        "/runs/run_8fd21b6c07?node=swap",
        "panel:swap",
        "dark",
    ),
    Shot("dark-run-simulation", "viewer", "/runs/run_e13f6b82a4", scheme="dark"),
    Shot(
        "dark-timeline-waiting", "viewer", "/runs/run_2be7f0a913?view=timeline", "timeline", "dark"
    ),
    Shot("dark-error-not-found", "viewer", "/runs/does-not-exist", "error:404", "dark"),
]


def server_for(shot: Shot, request: pytest.FixtureRequest) -> ServerProcess:
    if shot.server == "running":
        start: Callable[[float], tuple[ServerProcess, ServerProcess]]
        start = request.getfixturevalue("start_pair")
        return start(RUNNING_SECONDS)[1]
    name = {"viewer": "viewer_server", "demo-mode": "demo_mode_viewer"}[shot.server]
    server: ServerProcess = request.getfixturevalue(name)
    return server


def wait_until_ready(page: Page, shot: Shot) -> None:
    kind, _, arg = shot.wait.partition(":")
    if kind == "home":
        expect(page.get_by_label("Run id or link")).to_be_visible()
    elif kind == "h1":
        expect(page.locator("main h1")).to_be_visible()
    elif kind == "error":
        expect(page.locator(".error-page h1")).to_be_visible()
    elif kind == "timeline":
        expect(page.locator("#timeline h2")).to_be_visible()
    else:
        wait_for_graph(page)
        if kind == "panel":
            expect(panel_for(page, arg)).to_be_visible()
    page.wait_for_timeout(400)  # let the diagram settle (fit to screen, fonts)


@pytest.mark.parametrize("shot", SHOTS, ids=[shot.name for shot in SHOTS])
def test_screenshot(browser: Browser, request: pytest.FixtureRequest, shot: Shot) -> None:
    """Photograph one page at 1366x900 and at 390x844 (a phone), full length."""
    server = server_for(shot, request)
    SCREENSHOTS_DIR.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    for label, size, phone in (("desktop", DESKTOP, False), ("phone", PHONE, True)):
        context = browser.new_context(
            base_url=server.url,
            viewport=size,
            is_mobile=phone,
            has_touch=phone,
            color_scheme=shot.scheme,
        )
        context.set_default_timeout(10_000)
        watch = Watch(context=context, origins={origin_of(server.url)})
        try:
            page = watch.start()
            if shot.wait.startswith("error:"):
                watch.expect_http_error(shot.path, int(shot.wait.partition(":")[2]))
            page.goto(shot.path)
            wait_until_ready(page, shot)
            page.screenshot(path=SCREENSHOTS_DIR / f"{shot.name}-{label}.png", full_page=True)
            problems += [f"{label}: {problem}" for problem in watch.problems()]
        finally:
            context.close()
    if problems:
        pytest.fail("the browser saw problems:\n  " + "\n  ".join(problems), pytrace=False)
