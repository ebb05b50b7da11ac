"""Browser fixtures: the demo upstream and the viewer as real processes, one Chromium.

Servers are started once per session (the live-run tests start their own short-lived pair),
their output goes to artifacts/browser-logs/, and a failing test gets the lines they wrote
during it attached to its report, plus a screenshot in artifacts/browser-failures/.
"""

from __future__ import annotations

import atexit
import re
import shutil
from collections.abc import Callable, Iterator

import pytest
from playwright.sync_api import Browser, Page, Playwright, sync_playwright

from tests.browser.helpers import (
    CHROMIUM,
    CHROMIUM_ARGS,
    DESKTOP,
    FAILURES_DIR,
    LOG_DIR,
    MAIN_RUNNING_SECONDS,
    ServerProcess,
    Watch,
    free_port,
    origin_of,
    start_demo_upstream,
    start_viewer,
)
from tests.support.processes import read_from

# Every server started in this session (stopped ones included, for their logs).
_SERVERS: list[ServerProcess] = []
_LOG_OFFSETS = pytest.StashKey[dict[str, int]]()

ServerPair = tuple[ServerProcess, ServerProcess]


def _track(server: ServerProcess) -> ServerProcess:
    _SERVERS.append(server)
    return server


@atexit.register
def _stop_all() -> None:
    """Last resort if the session ends without running its finalizers."""
    for server in _SERVERS:
        server.stop()


@pytest.fixture(scope="session", autouse=True)
def _fresh_log_dir() -> None:
    shutil.rmtree(LOG_DIR, ignore_errors=True)
    shutil.rmtree(FAILURES_DIR, ignore_errors=True)
    LOG_DIR.mkdir(parents=True)


@pytest.fixture(scope="session")
def upstream_server() -> Iterator[ServerProcess]:
    """The demo runs API; its running run lasts MAIN_RUNNING_SECONDS from now."""
    server = _track(start_demo_upstream(MAIN_RUNNING_SECONDS))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def viewer_server(upstream_server: ServerProcess) -> Iterator[ServerProcess]:
    """The viewer reading the demo upstream over HTTP, refreshing every second."""
    server = _track(start_viewer(upstream_server))
    yield server
    server.stop()


@pytest.fixture(scope="session")
def demo_mode_viewer() -> Iterator[ServerProcess]:
    """The viewer without RUNS_API_URL: its home page lists the built-in demo runs."""
    server = _track(start_viewer(None, name="viewer-demo-mode"))
    yield server
    server.stop()


@pytest.fixture
def start_pair() -> Iterator[Callable[[float], ServerPair]]:
    """Start a viewer, then a fresh demo upstream on the port it reads, whose running run
    lasts the given seconds from then (however long the viewer took to start on a busy
    machine); both stop when the test ends, the upstream last."""
    started: list[ServerProcess] = []

    def start(running_seconds: float) -> ServerPair:
        port = free_port()
        viewer = _track(start_viewer(f"http://127.0.0.1:{port}", name="live-viewer"))
        started.append(viewer)
        upstream = _track(start_demo_upstream(running_seconds, name="live-upstream", port=port))
        started.insert(0, upstream)
        return upstream, viewer

    yield start
    for server in reversed(started):
        server.stop()


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    """Debian's Chromium; the tests fail (never skip) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Run `make test` (it installs it with apt-get), or `apt-get install chromium`. "
            "Never `playwright install`.",
            pytrace=False,
        )
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def watch(browser: Browser, viewer_server: ServerProcess) -> Iterator[Watch]:
    """A fresh context and page (desktop size, base URL the viewer) whose console errors,
    page errors, CSP violations, dialogs and requests are recorded; after the test, any
    of them that the test did not declare fails it."""
    context = browser.new_context(base_url=viewer_server.url, viewport=DESKTOP)
    context.set_default_timeout(10_000)
    recorder = Watch(context=context, origins={origin_of(viewer_server.url)})
    recorder.start()
    yield recorder
    try:
        for page in recorder.pages:
            if not page.is_closed():
                page.wait_for_timeout(100)  # let late console messages arrive
                break
        problems = recorder.problems()
    finally:
        context.close()
    if problems:
        pytest.fail(
            "the browser saw problems during the test:\n  " + "\n  ".join(problems),
            pytrace=False,
        )


@pytest.fixture
def page(watch: Watch) -> Page:
    """The test's page (see `watch`)."""
    assert watch.page is not None
    return watch.page


@pytest.fixture
def page_without_javascript(browser: Browser, viewer_server: ServerProcess) -> Iterator[Page]:
    """A page of the main viewer with JavaScript turned off, as some readers have it."""
    context = browser.new_context(base_url=viewer_server.url, java_script_enabled=False)
    try:
        yield context.new_page()
    finally:
        context.close()


# ---- reports: server logs and a screenshot for every failure -----------------------------------


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Remember how far each server's logs went, so a failure shows only its own lines."""
    item.stash[_LOG_OFFSETS] = {
        str(path): path.stat().st_size
        for server in _SERVERS
        for path in server.log_paths()
        if path.exists()
    }


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """On failure, attach what every server wrote during the test, and save screenshots."""
    report = yield
    if not report.failed or item.get_closest_marker("browser") is None:
        return report
    offsets = item.stash.get(_LOG_OFFSETS, {})
    for server in _SERVERS:
        for label, path in zip(("stdout", "stderr"), server.log_paths(), strict=True):
            text = read_from(path, offsets.get(str(path), 0))
            if text.strip():
                report.sections.append((f"{server.name} {label} ({path.name})", text))
    if call.when == "call":
        _save_failure_screenshots(item)
    return report


def _save_failure_screenshots(item: pytest.Item) -> None:
    recorder = getattr(item, "funcargs", {}).get("watch")
    if not isinstance(recorder, Watch):
        return
    FAILURES_DIR.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", item.name)
    for index, page in enumerate(recorder.pages):
        if page.is_closed():
            continue
        try:
            page.screenshot(path=FAILURES_DIR / f"{stem}-{index}.png", full_page=True)
        except Exception as error:  # a report helper must not hide the failure
            print(f"could not save a failure screenshot: {error}")
