"""Shared pieces of the browser tests: servers as processes, the page watcher, small helpers."""

from __future__ import annotations

import re
import socket
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.sync_api import BrowserContext, ConsoleMessage, Dialog, Page, Request, expect

from tests.support.processes import ServerProcess, launch
from tests.support.servers import serve_wsgi
from viewer.demo.api import create_demo_api
from viewer.graph.toggles import quote_value

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts"
LOG_DIR = ARTIFACTS / "browser-logs"
FAILURES_DIR = ARTIFACTS / "browser-failures"
SCREENSHOTS_DIR = ARTIFACTS / "screenshots"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

DEMO_TOKEN = "demo-token"
REFRESH_SECONDS = 1
MAIN_RUNNING_SECONDS = 20
DEMO_MODE_RUNNING_SECONDS = 600  # the demo-mode home page then lists a run still running

# Chromium's own line for an HTTP error answer (the document or a fetch).
_HTTP_ERROR = re.compile(r"Failed to load resource: the server responded with a status of (\d+)")

CSP_INIT_SCRIPT = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', function (e) {
  var v = {directive: e.violatedDirective, blocked: e.blockedURI, source: e.sourceFile,
           line: e.lineNumber, sample: e.sample, page: location.href};
  window.__cspViolations.push(v);
  if (window.__reportCspViolation) window.__reportCspViolation(v);
});
"""


def free_port() -> int:
    """A loopback port nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# ---- servers as real processes ---------------------------------------------------------------


def start_server(
    name: str, args: list[str], port: int, *, env: dict[str, str], ready_path: str
) -> ServerProcess:
    """Start `python <args>` from the project root and wait until `ready_path` answers."""
    command = [sys.executable, *args]
    return launch(name, command, port, env=env, ready_path=ready_path, log_dir=LOG_DIR)


def start_demo_upstream(
    running_seconds: float, name: str = "demo-upstream", port: int | None = None
) -> ServerProcess:
    """`python -m viewer.demo` on loopback: on `port`, or a free port."""
    port = port or free_port()
    args = ["-m", "viewer.demo", "--host", "127.0.0.1", "--port", str(port)]
    args += ["--token", DEMO_TOKEN, "--running-seconds", str(running_seconds)]
    return start_server(name, args, port, env={}, ready_path="/v1/runs/ready-check")


def start_viewer(upstream: ServerProcess | str | None, name: str = "viewer") -> ServerProcess:
    """`python -m viewer` on a free loopback port, reading `upstream` (a server or its URL;
    demo mode if None)."""
    port = free_port()
    env = {
        "VIEWER_HOST": "127.0.0.1",
        "VIEWER_PORT": str(port),
        "VIEWER_REFRESH_SECONDS": str(REFRESH_SECONDS),
        "VIEWER_SECRET_KEY": "browser-test-secret-key-0123456789",
    }
    if upstream is None:
        env["DEMO_RUNNING_SECONDS"] = str(DEMO_MODE_RUNNING_SECONDS)
    else:
        env["RUNS_API_URL"] = upstream if isinstance(upstream, str) else upstream.url
        env["RUNS_API_TOKEN"] = DEMO_TOKEN
    return start_server(name, ["-m", "viewer"], port, env=env, ready_path="/")


class Clock:
    """A clock the test moves: the demo API's running run advances only when told."""

    def __init__(self) -> None:
        self.started = self.now = time.time()

    def __call__(self) -> float:
        return self.now

    def at(self, seconds: float) -> None:
        """Move to `seconds` after the clock was made (when the demo's run started)."""
        self.now = self.started + seconds


@contextmanager
def clock_driven_viewer(
    clock: Clock, running_seconds: float, extra_runs: Mapping[str, dict] | None = None
) -> Iterator[ServerProcess]:
    """The demo runs API in this process on loopback, its running run moved by `clock`, and
    a viewer process reading it; both stop when the block ends."""
    api = create_demo_api(
        DEMO_TOKEN, clock=clock, running_seconds=running_seconds, extra_runs=extra_runs
    )
    with serve_wsgi(api) as upstream:
        viewer = start_viewer(upstream, name="clock-driven-viewer")
        try:
            yield viewer
        finally:
            viewer.stop()


# ---- what a page did -------------------------------------------------------------------------


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


@dataclass
class Watch:
    """Everything the pages of one browser context did that a test may assert on.

    Console errors, page errors, CSP violations, dialogs and requests to other origins are
    problems unless a test declared them (`expect_http_error`). A 404 for /favicon.ico is
    kept apart (`favicon_errors`): one test checks it, so it does not fail every test.
    """

    context: BrowserContext
    origins: set[str]
    page: Page | None = None
    console_errors: list[str] = field(default_factory=list)
    favicon_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    csp_violations: list[dict[str, Any]] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    expected_http_errors: set[tuple[str, int]] = field(default_factory=set)
    _pages: list[Page] = field(default_factory=list)

    def start(self) -> Page:
        """Listen on every page of the context, then open the test's page."""
        self.context.add_init_script(CSP_INIT_SCRIPT)
        self.context.expose_binding("__reportCspViolation", self._on_csp)
        self.context.on("page", self.attach)
        self.page = self.context.new_page()
        self.attach(self.page)
        return self.page

    def attach(self, page: Page) -> None:
        if any(known is page for known in self._pages):
            return
        self._pages.append(page)
        page.on("console", self._on_console)
        page.on("pageerror", lambda error: self.page_errors.append(f"{page.url}: {error}"))
        page.on("request", self._on_request)
        page.on("dialog", self._on_dialog)

    @property
    def pages(self) -> list[Page]:
        return list(self._pages)

    def allow_origin(self, url: str) -> None:
        """Requests to this server's origin are expected too."""
        self.origins.add(origin_of(url))

    def expect_http_error(self, path: str, status: int) -> None:
        """Chromium logs an error for this deliberate 4xx/5xx answer; it is not a problem."""
        self.expected_http_errors.add((path, status))

    def requests_to(self, path_prefix: str) -> list[str]:
        """The requests whose path (with query) starts with `path_prefix`."""
        return [url for url in self.requests if path_of(url).startswith(path_prefix)]

    def _on_csp(self, _source: Any, violation: dict[str, Any]) -> None:
        self.csp_violations.append(violation)

    def _on_request(self, request: Request) -> None:
        self.requests.append(request.url)

    def _on_dialog(self, dialog: Dialog) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def _on_console(self, message: ConsoleMessage) -> None:
        text = message.text
        where = message.location.get("url", "") if message.location else ""
        if "Content Security Policy" in text:
            self.csp_violations.append({"console": text, "page": where})
        if message.type != "error":
            return
        match = _HTTP_ERROR.search(text)
        if match and where:
            status = int(match.group(1))
            if path_of(where) == "/favicon.ico" and status == 404:
                self.favicon_errors.append(f"{text} ({where})")
                return
            if (path_of(where), status) in self.expected_http_errors:
                return
        self.console_errors.append(f"{text} ({where})" if where else text)

    def problems(self) -> list[str]:
        """Every unexpected thing the pages did, as readable lines."""
        found = [f"console error: {line}" for line in self.console_errors]
        found += [f"page error: {line}" for line in self.page_errors]
        found += [f"CSP violation: {violation}" for violation in self.csp_violations]
        found += [f"dialog opened: {line}" for line in self.dialogs]
        found += [
            f"request to another origin: {url}"
            for url in self.requests
            if url.startswith(("http:", "https:")) and origin_of(url) not in self.origins
        ]
        return found


# ---- the run page ----------------------------------------------------------------------------


def open_run(page: Page, base_url: str, run_id: str, query: str = "") -> None:
    """Open a run page and wait until its graph has arrived (the page is streamed: its load
    event waits for the whole diagram, so the wait is for what the test needs)."""
    page.goto(f"{base_url}/runs/{run_id}{query}", wait_until="commit")
    wait_for_graph(page)


def wait_for_graph(page: Page) -> None:
    """Wait for the diagram and its steps inside #graph, for the page to be loaded, and for
    the rest of a big diagram (fetched by graph-later.js after the first part) to be in."""
    expect(page.locator("#graph svg.graph-svg")).to_be_visible(timeout=20_000)
    expect(page.locator(STEPS).first).to_be_attached()
    page.wait_for_load_state("load", timeout=20_000)
    expect(page.locator("#graph .viewport[data-rest]")).to_have_count(0, timeout=20_000)


# The diagram's steps: links whose `node` parameter is their step's id (viewer/graph/svg.py).
STEPS = "#graph .steps > a"
# In page.evaluate: the id of a step's link `el`, and of the focused step (or null).
STEP_ID = "el => new URLSearchParams(el.getAttribute('href').split('?')[1]).get('node')"
FOCUSED_STEP = (
    "(() => { const el = document.activeElement;"
    f" return el && el.matches('.steps > a') ? ({STEP_ID})(el) : null; }})()"
)


def step(page: Page, step_id: str) -> Any:
    """The diagram's box for a step."""
    return page.locator(f'{STEPS}[href$="node={quote_value(step_id)}"]')


def panel_for(page: Page, step_id: str) -> Any:
    """The opened panel of a step."""
    return page.locator(f'#step-panel .step-detail[data-step-id="{step_id}"]')


# For every step of the diagram: whether graph.js's marks, paths drawn over the diagram in
# the same coordinates, ring it as a match of Find, outline it as the selected step or the
# one under the pointer, or veil it as left out by Find or Show.
_MARKED = """els => els.map(el => {
  const marks = el.closest('.graph').querySelector('.graph-marks');
  const path = name => marks && marks.querySelector('.graph-' + name);
  // its box in the diagram's coordinates: the <rect>'s, moved by its link's translation
  const local = el.querySelector('rect').getBBox();
  const place = el.transform.baseVal.consolidate();
  const e = place ? place.matrix.e : 0, f = place ? place.matrix.f : 0;
  const box = {x: local.x + e, y: local.y + f, width: local.width, height: local.height};
  const at = (x, y) => ({x, y});
  const top = at(box.x + box.width / 2, box.y);
  const ring = at(box.x + box.width / 2, box.y - 4);
  const middle = at(box.x + box.width / 2, box.y + box.height / 2);
  return [(STEP_ID)(el), {
    ringed: !!marks && [...marks.querySelectorAll('.graph-rings path')]
      .some(p => p.isPointInFill(ring)),
    selected: !!path('selected') && path('selected').isPointInStroke(top),
    hovered: !!path('hover') && path('hover').isPointInStroke(top),
    dimmed: !!path('veil') && path('veil').isPointInFill(middle),
  }];
})""".replace("STEP_ID", STEP_ID)


def marked_steps(page: Page) -> dict[str, dict[str, bool]]:
    """Each step's id -> {"ringed": a match of Find, "selected": its panel is open,
    "hovered": under the pointer, "dimmed": left out by Find or Show}."""
    return dict(page.locator(STEPS).evaluate_all(_MARKED))


def viewer_log_lines(text: str, run_id: str) -> list[str]:
    """The viewer's `upstream GET` log lines for one run."""
    return [line for line in text.splitlines() if f"upstream GET run={run_id} " in line]
